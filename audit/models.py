"""The model registry as the audit ledger tells it: which adapter each registered version is, its release
decision, its approvals, and which version is in production after every promotion and rollback.

MLflow holds the versions and their artefacts (`gdprep.training.registry`); the ledger is the source of
truth. A version counts only with its `model_registered` entry, and only for the adapter hash that entry
and its training run's `adapter` entry both name. Entries (none belongs to a run, so `run_id` is None):

- `model_registered`  {name, version, training_run, adapter_sha256, mlflow_run_id, registry}
- `model_approved`    {name, version, training_run, adapter_sha256, approver, role, note, via}
- `model_promoted`    {name, version, alias, previous_version, training_run, adapter_sha256, actor, via}
- `model_rolled_back` {name, alias, from_version, to_version, actor, via, reason}
- `registry_refused`  {name, version, action, reason, actor}: a registry entry the ledger contradicts

The release decision is the probes run's `release_decision` entry {training_run, adapter_sha256, release}.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from gdprep.audit.entries import Entry
from gdprep.audit.ledger import Ledger

MODEL_REGISTERED: Final = "model_registered"
MODEL_APPROVED: Final = "model_approved"
MODEL_PROMOTED: Final = "model_promoted"
MODEL_ROLLED_BACK: Final = "model_rolled_back"
REGISTRY_REFUSED: Final = "registry_refused"
REGISTRY_KINDS: Final = (MODEL_REGISTERED, MODEL_APPROVED, MODEL_PROMOTED, MODEL_ROLLED_BACK, REGISTRY_REFUSED)
PRODUCTION: Final = "production"


@dataclass
class VersionState:
    """One registered version as the ledger records it."""

    name: str
    version: str
    training_run: str
    adapter_sha256: str
    registered_at: str
    mlflow_run_id: str | None = None
    #: the adapter hash the training run's `adapter` entry recorded (None: the run recorded no adapter)
    trained_adapter_sha256: str | None = None
    release: str | None = None          # "pass" / "fail" / "inconclusive" from the latest probes run of this adapter
    #: whether that decision lets the adapter out: pass, or inconclusive under `release_if_inconclusive`
    released: bool = False
    release_run: str | None = None
    release_reasons: list[str] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.name}:{self.version}"

    @property
    def consistent(self) -> bool:
        """The registration names the adapter its training run produced."""
        return self.trained_adapter_sha256 is not None and self.trained_adapter_sha256 == self.adapter_sha256

    @property
    def approved(self) -> bool:
        return any(a.get("adapter_sha256") == self.adapter_sha256 for a in self.approvals)

    def status(self, production: str | None) -> str:
        """One word for listings: production, approved, released, failed, inconclusive, unprobed or
        contradicted."""
        if not self.consistent:
            return "contradicted"
        if production == self.version:
            return "production"
        if self.released:
            return "approved" if self.approved else "released"
        if self.release in ("fail", "inconclusive"):
            return "failed" if self.release == "fail" else "inconclusive"
        return "unprobed"

    def to_json(self, production: str | None = None) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "training_run": self.training_run,
                "adapter_sha256": self.adapter_sha256, "registered_at": self.registered_at,
                "mlflow_run_id": self.mlflow_run_id, "consistent_with_ledger": self.consistent,
                "release": self.release, "released": self.released, "release_run": self.release_run,
                "release_reasons": self.release_reasons,
                "approvals": self.approvals, "status": self.status(production)}


@dataclass
class ModelState:
    """A registered model: its versions and the production history (promotions push, rollbacks pop)."""

    name: str
    versions: dict[str, VersionState] = field(default_factory=dict)
    production_stack: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def production(self) -> str | None:
        return self.production_stack[-1] if self.production_stack else None

    @property
    def rollback_target(self) -> str | None:
        """The version a rollback returns to: the one in production before the current one."""
        return self.production_stack[-2] if len(self.production_stack) > 1 else None

    def to_json(self) -> dict[str, Any]:
        production = self.production
        return {"name": self.name, "production": production, "rollback_target": self.rollback_target,
                "versions": [v.to_json(production) for v in sorted(self.versions.values(),
                                                                   key=lambda v: _version_order(v.version))],
                "history": self.history}


def _version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (1 << 62, version)


#: the entry kinds `model_states` reads: a training run's adapter, probe decisions and the registry's own
STATE_KINDS: Final = ("adapter", "release_decision", *REGISTRY_KINDS)


def registry_entries(ledger: Ledger) -> Iterator[Entry]:
    """The ledger's entries of STATE_KINDS in ledger order, from the indexed `kind` column: what `model_states`
    needs, without reading every record entry of a large ledger."""
    from sqlalchemy import select

    table = ledger.entries
    query = select(table).where(table.c.kind.in_(STATE_KINDS)).order_by(table.c.seq)
    with ledger.engine.connect() as conn:
        for row in conn.execution_options(stream_results=True).execute(query):
            yield Entry.from_row(row)


def model_states(entries: Iterable[Entry]) -> dict[str, ModelState]:
    """Every registered model the entries tell of, by name (one pass, in ledger order)."""
    trained: dict[str, str] = {}                                  # training run -> adapter sha256
    releases: dict[tuple[str, str], Entry] = {}                   # (training run, adapter sha) -> latest decision
    models: dict[str, ModelState] = {}
    for e in entries:
        p = e.payload
        if e.kind == "adapter" and e.run_id is not None:
            trained[e.run_id] = str(p.get("adapter_sha256"))
        elif e.kind == "release_decision":
            releases[(str(p.get("training_run")), str(p.get("adapter_sha256")))] = e
        elif e.kind in REGISTRY_KINDS and isinstance(p.get("name"), str):
            _apply(models.setdefault(p["name"], ModelState(p["name"])), e)
    for model in models.values():
        for v in model.versions.values():
            v.trained_adapter_sha256 = trained.get(v.training_run)
            decision = releases.get((v.training_run, v.adapter_sha256))
            if decision is not None:
                v.release = decision.payload.get("release")
                # decisions recorded before the inconclusive verdict carry no `released`: pass was the release
                v.released = bool(decision.payload.get("released", v.release == "pass"))
                v.release_run = decision.run_id
                v.release_reasons = list(decision.payload.get("reasons", []))
    return models


def _apply(model: ModelState, e: Entry) -> None:
    p = e.payload
    version = str(p.get("version", ""))
    state = model.versions.get(version)
    event = {"seq": e.seq, "at": e.created_at, "event": e.kind,
             **{k: p[k] for k in ("version", "from_version", "to_version", "actor", "approver", "reason", "action")
                if k in p}}
    if e.kind == MODEL_REGISTERED:
        model.versions[version] = VersionState(model.name, version, str(p.get("training_run")),
                                               str(p.get("adapter_sha256")), e.created_at, p.get("mlflow_run_id"))
    elif e.kind == MODEL_APPROVED and state is not None:
        state.approvals.append({"approver": p.get("approver"), "role": p.get("role"), "note": p.get("note"),
                                "at": e.created_at, "adapter_sha256": p.get("adapter_sha256"), "via": p.get("via")})
    elif e.kind == MODEL_PROMOTED:
        if model.production != version:
            model.production_stack.append(version)
    elif e.kind == MODEL_ROLLED_BACK:
        if model.production_stack and model.production_stack[-1] == str(p.get("from_version")):
            model.production_stack.pop()
    elif e.kind == REGISTRY_REFUSED and state is not None:
        state.refusals.append(event)
    model.history.append(event)


def versions_of_training_run(entries: Iterable[Entry], training_run: str) -> list[VersionState]:
    """The registered versions of one training run's adapter, in every model."""
    return [v for m in model_states(entries).values() for v in m.versions.values() if v.training_run == training_run]
