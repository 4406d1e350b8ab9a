"""Reading a YAML config file into a pydantic model, with errors that name the file, the line or the field
and say what to do. Shared by policies, curation configs and training configs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from gdprep.errors import GdprepError


def read_yaml_mapping(path: Path, what: str, error: type[GdprepError], *, mapping_hint: str = "",
                      empty_ok: bool = False) -> dict[str, Any]:
    """The YAML mapping in `path` ("{what} {path} ..." in every error); an empty file is {} when
    `empty_ok`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise error(f"{what} {path}{where} is not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path} is not UTF-8 text; save it as UTF-8") from exc
    if raw is None and empty_ok:
        return {}
    if not isinstance(raw, dict):
        raise error(f"{what} {path} must be a YAML mapping{mapping_hint}")
    return raw


def validation_message(what: str, path: Path | None, err: ValidationError, unknown_field_hint: str) -> str:
    """One line per invalid field: its dotted path and the fix."""
    lines = []
    for item in err.errors():
        loc = ".".join(str(p) for p in item["loc"]) or "(top level)"
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = f"unknown field; remove it or check the spelling against {unknown_field_hint}"
        elif item["type"] == "missing":
            msg = "required field is missing; add it"
        lines.append(f"  {loc}: {msg}")
    where = f" {path}" if path is not None else ""
    return f"invalid {what}{where}:\n" + "\n".join(lines)
