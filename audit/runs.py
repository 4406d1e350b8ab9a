"""The ledger's runs as a lineage graph: what each run read and wrote (dataset versions by SHA-256, the
adapter a training run produced, the release decision of a probes run, an evaluation's metrics), which runs
produced and consumed each dataset version, and the registered model versions of each adapter. The exports
and the traces read the ledger through it, so they tell the same story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from gdprep.audit.entries import RUN_TERMINAL_KINDS, Entry
from gdprep.audit.models import REGISTRY_KINDS, ModelState, VersionState, model_states

#: the artefact kinds a run reads or writes besides dataset versions
ADAPTER: Final = "adapter"
DATASET: Final = "dataset"
RELEASE_DECISION: Final = "release_decision"
EVALUATION: Final = "evaluation"
#: the entries `model_states` reads: the registry's own, and the adapters and release decisions it checks them by
_REGISTRY_INPUTS: Final = frozenset({*REGISTRY_KINDS, "adapter", "release_decision"})
_OUTCOMES: Final = {"run_completed": "completed", "run_failed": "failed", "run_interrupted": "interrupted"}


@dataclass(frozen=True)
class Artefact:
    """Something a run read or wrote. `key` names it: the SHA-256 of a dataset version or an adapter, the
    report hash (else the run id) of a release decision, the run id of an evaluation."""

    kind: str
    key: str
    role: str
    name: str
    records: int | None = None
    bytes: int | None = None
    details: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def sha256(self) -> str | None:
        return self.key if self.kind in (DATASET, ADAPTER) else None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "role": self.role, "name": self.name, "records": self.records,
                "bytes": self.bytes, **({"details": self.details} if self.details else {})}


def is_input(dataset: dict[str, Any]) -> bool:
    """A `dataset_version` the run read: one marked `direction: input`, else (entries written before
    directions were recorded) one in the role `input`."""
    direction = dataset.get("direction")
    return direction == "input" if direction is not None else dataset.get("role") == "input"


@dataclass
class Run:
    """One run as the ledger tells it: its start and end, dataset versions, stage events and per-record tallies."""

    run_id: str
    start: Entry | None = None
    end: Entry | None = None
    datasets: list[dict[str, Any]] = field(default_factory=list)
    adapter: dict[str, Any] | None = None
    decisions: list[Entry] = field(default_factory=list)
    evaluations: list[Entry] = field(default_factory=list)
    records: Counter[str] = field(default_factory=Counter)      # entry kind -> records
    reasons: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)        # finding type -> findings
    treatments: Counter[tuple[str, str]] = field(default_factory=Counter)   # (finding type, operator) -> findings
    special: set[str] = field(default_factory=set)

    def _started(self, key: str) -> Any:
        return self.start.payload.get(key) if self.start is not None else None

    @property
    def stage(self) -> str:
        return str(self._started("stage") or (self.end.payload.get("stage") if self.end else None) or "unknown")

    @property
    def actor(self) -> str | None:
        return self._started("actor")

    @property
    def command(self) -> str | None:
        return self._started("command")

    @property
    def config(self) -> dict[str, Any]:
        config = self._started("config")
        return config if isinstance(config, dict) else {}

    @property
    def policy_hash(self) -> str | None:
        return self._started("policy_hash") or (self.adapter or {}).get("policy_hash")

    @property
    def region(self) -> str | None:
        """Where a training run ran (the region its gate accepted); None for stages that record none."""
        return (self.adapter or {}).get("region") or self.config.get("region")

    @property
    def training_run(self) -> str | None:
        """For a probes or evaluation run: the training run whose adapter it examined."""
        for decision in self.decisions:
            if decision.payload.get("training_run"):
                return str(decision.payload["training_run"])
        run = self.config.get("training_run")
        return str(run) if run else None

    @property
    def outcome(self) -> str:
        """completed, failed, interrupted, or unfinished (no end recorded: still running, or killed and not
        yet noticed)."""
        return _OUTCOMES.get(self.end.kind, self.end.kind) if self.end is not None else "unfinished"

    @property
    def error(self) -> str | None:
        if self.end is None:
            return None
        return self.end.payload.get("error") or self.end.payload.get("reason")

    @property
    def started_at(self) -> str | None:
        return self.start.created_at if self.start is not None else None

    @property
    def ended_at(self) -> str | None:
        return self.end.created_at if self.end is not None else None

    def add(self, e: Entry) -> None:
        if e.kind == "run_started":
            self.start = e
        elif e.kind in RUN_TERMINAL_KINDS:
            self.end = e
        elif e.kind == "dataset_version":
            self.datasets.append(e.payload)
        elif e.kind == "adapter":
            self.adapter = e.payload
        elif e.kind == "release_decision":
            self.decisions.append(e)
        elif e.kind == "evaluation":
            self.evaluations.append(e)
        elif e.record_key is not None:
            self.records[e.kind] += 1
            if e.payload.get("reason"):
                self.reasons[e.payload["reason"]] += 1
            for f in e.payload.get("findings", []):
                self.types[f["type"]] += 1
                self.treatments[(f["type"], str(f.get("operator")))] += 1
            self.special.update(e.payload.get("special_categories", ()) or e.payload.get("categories", ()))


class LineageGraph:
    """Every run of the entries (in the order of their first entry), the producers and consumers of each
    dataset version, and the registered models, from one pass over the entries."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.runs: dict[str, Run] = {}
        registry: list[Entry] = []                                # what model_states reads, in ledger order
        for e in entries:
            if e.run_id is not None:
                self.runs.setdefault(e.run_id, Run(e.run_id)).add(e)
            if e.kind in _REGISTRY_INPUTS:
                registry.append(e)
        self._names: dict[str, str] = {}
        self._produced: dict[str, list[str]] = {}
        self.adapters: dict[str, str] = {}                        # adapter sha256 -> training run
        for run in self.runs.values():
            for d in run.datasets:
                self._names.setdefault(str(d.get("sha256")), str(d.get("name")))
                if not is_input(d):
                    self._produced.setdefault(str(d.get("sha256")), []).append(run.run_id)
            if run.adapter is not None and run.adapter.get("adapter_sha256"):
                self.adapters[str(run.adapter["adapter_sha256"])] = run.run_id
        self.models: dict[str, ModelState] = model_states(registry)

    def started(self) -> list[Run]:
        """The runs whose start is recorded (a run is described from its start)."""
        return [run for run in self.runs.values() if run.start is not None]

    def dataset_name(self, sha256: str) -> str:
        return self._names.get(sha256, "")

    def producers(self, sha256: str) -> list[Run]:
        """The runs that wrote this dataset version."""
        return [self.runs[r] for r in dict.fromkeys(self._produced.get(sha256, []))]

    def consumers(self, sha256: str) -> list[tuple[Run, Artefact]]:
        """The runs that read this dataset version (or adapter), with the role they read it in."""
        return [(run, a) for run in self.started() for a in self.inputs(run) if a.key == sha256]

    def inputs(self, run: Run) -> list[Artefact]:
        found = [_dataset(d) for d in run.datasets if is_input(d)]
        if run.stage == "training" and run.adapter and run.adapter.get("dataset_sha256") and not any(
                a.role == "train" for a in found):
            # training runs recorded before their splits were: the adapter entry names the train split
            sha = str(run.adapter["dataset_sha256"])
            found.append(Artefact(DATASET, sha, "train", self.dataset_name(sha) or "train split"))
        adapter_sha = self.examined_adapter(run)
        if adapter_sha is not None:
            found.append(Artefact(ADAPTER, adapter_sha, ADAPTER, "adapter"))
        for e in run.evaluations:
            sha = e.payload.get("test_sha256")
            if sha and not any(a.key == sha for a in found):
                found.append(Artefact(DATASET, str(sha), "test", self.dataset_name(str(sha)) or "test split"))
        return found

    def outputs(self, run: Run) -> list[Artefact]:
        found = [_dataset(d) for d in run.datasets if not is_input(d)]
        if run.adapter is not None and run.adapter.get("adapter_sha256"):
            a = run.adapter
            details = {k: a[k] for k in ("base_model", "base_model_weights", "region", "policy_hash", "adapter_dir",
                                         "dataset_sha256") if a.get(k) is not None}
            found.append(Artefact(ADAPTER, str(a["adapter_sha256"]), ADAPTER,
                                  str(a.get("adapter_dir") or "adapter"), details=details))
        for e in run.decisions:
            p = e.payload
            details = {k: p[k] for k in ("release", "reasons", "checks", "training_run", "adapter_sha256")
                       if k in p}
            found.append(Artefact(RELEASE_DECISION, str(p.get("report_sha256") or f"{run.run_id}-{e.seq}"),
                                  RELEASE_DECISION, f"release decision: {p.get('release')}", details=details))
        for e in run.evaluations:
            details = {k: e.payload[k] for k in ("task", "metrics", "base_metrics") if k in e.payload}
            found.append(Artefact(EVALUATION, f"{run.run_id}-{e.seq}", EVALUATION,
                                  f"evaluation: {e.payload.get('task', '')}".strip(), details=details))
        return found

    def examined_adapter(self, run: Run) -> str | None:
        """The adapter a probes or evaluation run examined."""
        if run.stage not in ("probes", "evaluation"):
            return None
        for decision in run.decisions:
            if decision.payload.get("adapter_sha256"):
                return str(decision.payload["adapter_sha256"])
        trained = self.runs.get(run.training_run or "")
        if trained is not None and trained.adapter and trained.adapter.get("adapter_sha256"):
            return str(trained.adapter["adapter_sha256"])
        return None

    def versions_of_adapter(self, adapter_sha256: str) -> list[tuple[ModelState, VersionState]]:
        """The registered versions (in every model) that name this adapter."""
        return [(m, v) for m in self.models.values() for v in m.versions.values()
                if v.adapter_sha256 == adapter_sha256]

    def approvals(self, adapter_sha256: str | None) -> list[dict[str, Any]]:
        """Every approval of a registered version of this adapter, with the model and version it approved."""
        if adapter_sha256 is None:
            return []
        return [{"model": m.name, "version": v.version, **a} for m, v in self.versions_of_adapter(adapter_sha256)
                for a in v.approvals if a.get("adapter_sha256") == adapter_sha256]

    def registered(self, adapter_sha256: str | None) -> list[dict[str, Any]]:
        """The registered versions of this adapter, each with its status (production, approved, ...)."""
        if adapter_sha256 is None:
            return []
        return [{"model": m.name, "version": v.version, "status": v.status(m.production), "release": v.release,
                 "approvals": len(v.approvals)} for m, v in self.versions_of_adapter(adapter_sha256)]

    def adapter_of(self, run: Run) -> str | None:
        """The adapter a run produced (training) or examined (probes, evaluation)."""
        if run.adapter is not None and run.adapter.get("adapter_sha256"):
            return str(run.adapter["adapter_sha256"])
        return self.examined_adapter(run)


def _dataset(d: dict[str, Any]) -> Artefact:
    details: dict[str, Any] = {"stage": d.get("stage")}
    if d.get("synthetic"):  # a synthesis run's output: what generated it (`gdprep synth`)
        details["synthetic"] = d["synthetic"]
    return Artefact(DATASET, str(d.get("sha256")), str(d.get("role")), str(d.get("name")), d.get("records"),
                    d.get("bytes"), details=details)
