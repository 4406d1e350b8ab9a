"""Load a policy by shipped name or path, turning validation errors into messages naming the field."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from gdprep.errors import PolicyError
from gdprep.policies.schema import Policy
from gdprep.yamlfile import read_yaml_mapping, validation_message

SHIPPED_DIR = Path(__file__).resolve().parent
DEFAULT_POLICY = "uk-gdpr-default"


def list_policies() -> list[str]:
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def _resolve(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise PolicyError(f"policy file {name_or_path!r} does not exist; "
                              f"give a path to a YAML file or one of {list_policies()}")
        return candidate
    shipped = SHIPPED_DIR / f"{name_or_path}.yaml"
    if not shipped.is_file():
        raise PolicyError(f"unknown policy {name_or_path!r}; use one of {list_policies()} or a path to a YAML file")
    return shipped


def load_policy(name_or_path: str | None = None) -> Policy:
    """Load and validate a policy; `None` gives the shipped default."""
    path = _resolve(name_or_path or DEFAULT_POLICY)
    raw = read_yaml_mapping(path, "policy", PolicyError,
                            mapping_hint=" with schema_version, name, languages, entities")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(validation_message("policy", path, exc, "`gdprep policy schema`")) from None
