"""Load a policy by shipped name or path, turning validation errors into messages naming the field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from gdprep.errors import PolicyError
from gdprep.policies.schema import Policy

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


def _format_errors(path: Path, err: ValidationError) -> str:
    lines = []
    for item in err.errors():
        loc = ".".join(str(p) for p in item["loc"]) or "(top level)"
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = "unknown field; remove it or check the spelling against `gdprep policy schema`"
        elif item["type"] == "missing":
            msg = "required field is missing; add it"
        lines.append(f"  {loc}: {msg}")
    return f"invalid policy {path}:\n" + "\n".join(lines)


def load_policy(name_or_path: str | None = None) -> Policy:
    """Load and validate a policy; `None` gives the shipped default."""
    path = _resolve(name_or_path or DEFAULT_POLICY)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(f"policy {path}{where} is not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(f"policy {path} is not UTF-8 text; save it as UTF-8") from exc
    if not isinstance(raw, dict):
        raise PolicyError(f"policy {path} must be a YAML mapping with schema_version, name, languages, entities")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(_format_errors(path, exc)) from None
