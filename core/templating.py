"""The one Jinja set-up every HTML page of gdprep uses: templates from a package folder, autoescape on for
every template whatever its name, undefined names an error, and whitespace trimmed around blocks."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined


def template_environment(folder: Path) -> Environment:
    """An environment over the templates in `folder`; callers add their own filters and globals, and cache
    it (built on first render, never at import)."""
    return Environment(loader=FileSystemLoader(folder), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)
