"""`gdprep models`: the registered adapters (MLflow), their release status, approvals, promotion and rollback.
The audit ledger decides; MLflow's `production` alias follows it (see gdprep.training.registry)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from gdprep.service.cli.common import LedgerOpt, PolicyOpt, _run, err, out

models_app = typer.Typer(help="Registered adapters: list, show, register, approve, promote, rollback.",
                         no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ApproverOpt = Annotated[str, typer.Option(
    "--approver", help="The compliance officer approving: the name of an active API key with the "
    "compliance_officer role (`gdprep keys create --name NAME --role compliance_officer`).")]


def _registry(ledger_url: str | None, policy: str | None) -> Any:
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.training.registry import opened

    return opened(Ledger(ledger_url), load_policy(policy).residency.allowed_regions)


@models_app.command("list")
def list_models(ledger_url: LedgerOpt = None, policy: PolicyOpt = None, as_json: JsonOpt = False) -> None:
    """Every registered model: its versions, the version in production and the latest one's status."""

    def go() -> None:
        with _registry(ledger_url, policy) as registry:
            models = registry.models()
            if as_json:
                out.print_json(json.dumps([m.to_json() for m in models.values()]))
                return
            if not models:
                out.print("no registered models yet: `gdprep train` registers each adapter it trains")
                return
            table = Table(title="registered models (audit ledger)")
            for col in ("model", "versions", "production", "latest", "latest status"):
                table.add_column(col)
            for model in models.values():
                latest = max(model.versions.values(), key=lambda v: int(v.version))
                table.add_row(escape(model.name), str(len(model.versions)), model.production or "-",
                              latest.version, latest.status(model.production))
            out.print(table)

    _run(go)


@models_app.command("show")
def show(ref: Annotated[str, typer.Argument(help="NAME or NAME:VERSION")], ledger_url: LedgerOpt = None,
         policy: PolicyOpt = None, as_json: JsonOpt = False) -> None:
    """A model's versions (or one version): training run, adapter hash, release decision, approvals, whether
    MLflow agrees with the ledger, and the production history."""
    from gdprep.training.registry import parse_ref

    def go() -> None:
        name, version = parse_ref(ref)
        with _registry(ledger_url, policy) as registry:
            model = registry.model(name)
            chosen = [registry.version(name, version)] if version else \
                sorted(model.versions.values(), key=lambda v: int(v.version))
            alias = registry.production_alias(name)
            problems = {v.version: registry.problems(v) for v in chosen}
            if as_json:
                data = model.to_json()
                data["versions"] = [{**v.to_json(model.production), "registry_problems": problems[v.version]}
                                    for v in chosen]
                for entry in data["versions"]:
                    if entry["registry_problems"]:
                        entry["status"] = "contradicted"
                data["mlflow_production_alias"] = alias
                out.print_json(json.dumps(data))
                return
            table = Table(title=f"{escape(name)} (production: {model.production or 'none'})")
            for col in ("version", "status", "training run", "adapter", "release", "approved by", "ledger"):
                table.add_column(col)
            for v in chosen:
                approvers = ", ".join(str(a["approver"]) for a in v.approvals) or "-"
                status = "contradicted" if problems[v.version] else v.status(model.production)
                table.add_row(v.version, status, v.training_run[:12], v.adapter_sha256[:16],
                              v.release or "not probed", escape(approvers),
                              "agrees" if not problems[v.version] else "[red]CONTRADICTS[/red]")
            out.print(table)
            for number, found in problems.items():
                for problem in found:
                    err.print(f"[red]{escape(name)}:{number}: {escape(problem)}[/red]")
            if alias != model.production:
                err.print(f"[yellow]MLflow's production alias is {alias or 'unset'}, the ledger says "
                          f"{model.production or 'none'}; the ledger decides (promote or roll back to set it)[/yellow]")
            for event in model.history:
                if event["event"] in ("model_promoted", "model_rolled_back", "registry_refused"):
                    out.print(escape(f"{event['at']}  {event['event']}  " + ", ".join(
                        f"{k}={v}" for k, v in event.items() if k not in ("seq", "at", "event"))))

    _run(go)


@models_app.command("register")
def register(run: Annotated[str, typer.Option("--run", help="The training run whose adapter to register.")],
             name: Annotated[str | None, typer.Option("--name", help="Registered model (default: the config's "
                                                      "registered_model, else the output directory's name).")] = None,
             ledger_url: LedgerOpt = None, policy: PolicyOpt = None) -> None:
    """Register an adapter trained before the registry existed, or whose registration failed."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages

    def go() -> None:
        done = stages.register_adapter(Ledger(ledger_url), run, load_policy(policy), name=name)
        out.print(f"registered {escape(done.name)}:{done.version} (MLflow run {done.mlflow_run_id})")

    _run(go)


@models_app.command("approve")
def approve(ref: Annotated[str, typer.Argument(help="NAME:VERSION")], approver: ApproverOpt,
            note: Annotated[str, typer.Option("--note", help="What was reviewed (kept in the ledger).")] = "",
            ledger_url: LedgerOpt = None, policy: PolicyOpt = None) -> None:
    """A compliance officer's approval of a version whose release gate passed (a ledger entry)."""
    from gdprep.audit.ledger import Ledger

    def go() -> None:
        name, version = _versioned(ref)
        ledger = Ledger(ledger_url)
        _require_compliance_officer(ledger, approver)
        with _registry(ledger_url, policy) as registry:
            registry.approve(name, version, approver=approver, role="compliance_officer", note=note, via="cli")
        out.print(f"approved {escape(name)}:{version} by {escape(approver)}")

    _run(go)


@models_app.command("promote")
def promote(ref: Annotated[str, typer.Argument(help="NAME:VERSION")],
            to: Annotated[str, typer.Option("--to", help="The alias to move; production is the one gdprep "
                                            "manages.")] = "production",
            approver: Annotated[str | None, typer.Option(
                "--approver", help="Record this compliance officer's approval first (see `models approve`).")] = None,
            ledger_url: LedgerOpt = None, policy: PolicyOpt = None) -> None:
    """Move `production` to a version: it needs a passing release decision and a compliance officer's approval;
    the registry entry must agree with the ledger (its artefact is hashed again)."""
    from gdprep.audit.ledger import Ledger, actor
    from gdprep.errors import UsageError

    def go() -> None:
        if to != "production":
            raise UsageError(f"--to {to}: gdprep manages the production alias only")
        name, version = _versioned(ref)
        ledger = Ledger(ledger_url)
        with _registry(ledger_url, policy) as registry:
            if approver is not None:
                _require_compliance_officer(ledger, approver)
                registry.approve(name, version, approver=approver, role="compliance_officer", note="", via="cli")
            model = registry.promote(name, version, who=actor(), via="cli")
        out.print(f"{escape(name)}: production is now version {model.production}")

    _run(go)


@models_app.command("rollback")
def rollback(name: Annotated[str, typer.Argument(help="NAME")],
             reason: Annotated[str, typer.Option("--reason", help="Why (kept in the ledger).")] = "",
             ledger_url: LedgerOpt = None, policy: PolicyOpt = None) -> None:
    """Move `production` back to the version that was in production before the current one."""
    from gdprep.audit.ledger import actor
    from gdprep.training.registry import parse_ref

    def go() -> None:
        model_name, version = parse_ref(name)
        if version is not None:
            from gdprep.errors import UsageError

            raise UsageError("rollback takes the model NAME: it returns to the previous production version")
        with _registry(ledger_url, policy) as registry:
            before = registry.model(model_name).production
            model = registry.rollback(model_name, who=actor(), via="cli", reason=reason)
        out.print(f"{escape(model_name)}: production rolled back from {before} to {model.production}")

    _run(go)


def _versioned(ref: str) -> tuple[str, str]:
    from gdprep.errors import UsageError
    from gdprep.training.registry import parse_ref

    name, version = parse_ref(ref)
    if version is None:
        raise UsageError(f"{ref!r}: give NAME:VERSION (see `gdprep models show {name}`)")
    return name, version


def _require_compliance_officer(ledger: Any, approver: str) -> None:
    """The approver must hold an active compliance_officer key: the CLI cannot authenticate a person, but it
    names only people the service knows in that role."""
    from gdprep.errors import UsageError
    from gdprep.service.keys import KeyStore, Role

    holders = {k.name for k in KeyStore(ledger).list() if k.active and k.role == Role.compliance_officer}
    if approver not in holders:
        raise UsageError(f"--approver {approver!r} holds no active compliance_officer key; approvals come from "
                         f"compliance officers (create one with `gdprep keys create --name {approver} --role "
                         "compliance_officer`)")
