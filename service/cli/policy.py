"""`gdprep policy list|show|validate|schema`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from gdprep.service.cli.common import (
    _run,
    out,
)

policy_app = typer.Typer(help="List, show and validate redaction policies.", no_args_is_help=True)


@policy_app.command("list")
def policy_list() -> None:
    """List the shipped policies with their hashes."""
    from gdprep.policies import list_policies, load_policy

    def go() -> None:
        for name in list_policies():
            pol = load_policy(name)
            out.print(f"{name:20} {pol.canonical_hash()}  {len(pol.entities)} entity types")

    _run(go)


@policy_app.command("show")
def policy_show(name: Annotated[str, typer.Argument(help="Shipped policy name or path.")]) -> None:
    """Print a policy with every default filled in, and its canonical hash."""
    import yaml

    from gdprep.policies import load_policy

    def go() -> None:
        pol = load_policy(name)
        out.print(f"# hash: {pol.canonical_hash()}")
        out.print(yaml.safe_dump(pol.model_dump(mode="json"), sort_keys=False, allow_unicode=True), end="")

    _run(go)


@policy_app.command("validate")
def policy_validate(path: Annotated[str, typer.Argument(help="Policy YAML file (or shipped name).")]) -> None:
    """Validate a policy file; errors name the field and the fix."""
    from gdprep.policies import load_policy

    def go() -> None:
        pol = load_policy(path)
        out.print(f"ok: {pol.name} {pol.canonical_hash()}")

    _run(go)


@policy_app.command("schema")
def policy_schema() -> None:
    """Print the policy JSON Schema (every field with its description)."""
    from gdprep.policies import Policy

    out.print_json(json.dumps(Policy.model_json_schema()))
