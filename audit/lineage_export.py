"""The lineage views of an export bundle: CSV (per-record lineage and the runs' inputs and outputs, with a
column guide), OpenLineage RunEvents and W3C PROV-JSON. In each, a training run reads the train, validation and
test splits and writes the adapter; a probes run reads the adapter and writes the release decision; an
evaluation run reads the adapter and the test split and writes its metrics. Dataset versions and adapters
are named by their SHA-256, so the same file links the run that wrote it to the runs that read it."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

from gdprep import __version__
from gdprep.audit.entries import Entry
from gdprep.audit.runs import ADAPTER, DATASET, Artefact, LineageGraph, Run

PRODUCER: Final = f"gdprep/{__version__}"
NAMESPACE: Final = "gdprep"
# the OpenLineage spec's schema identifiers (strings in the events; nothing is fetched)
_OL_SCHEMA: Final = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_FACET_SCHEMA: Final = "https://openlineage.io/spec/facets/1-0-0/CustomFacet.json"
_VERSION_FACET_SCHEMA: Final = ("https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json"
                                "#/$defs/DatasetVersionDatasetFacet")


@dataclass(frozen=True)
class ExportInput:
    """What a view is built from: every entry (so a run's adapter, decisions and approvals are found even when
    the export is of one run), the lineage graph over them, and the run chosen (None: all)."""

    entries: list[Entry]
    graph: LineageGraph
    run_id: str | None = None

    def runs(self) -> list[Run]:
        return [r for r in self.graph.started() if self.run_id is None or r.run_id == self.run_id]


def artefact_name(a: Artefact) -> str:
    """The name a view gives an artefact: `dataset/sha256:HEX`, `adapter/sha256:HEX`, `release_decision/KEY`."""
    return f"{a.kind}/sha256:{a.key}" if a.kind in (DATASET, ADAPTER) else f"{a.kind}/{a.key}"


def governance(graph: LineageGraph, run: Run) -> dict[str, Any]:
    """What an auditor asks of every run: under which policy, where, by whom, and who approved its model."""
    adapter = graph.adapter_of(run)
    return {"stage": run.stage, "actor": run.actor, "policy_hash": run.policy_hash, "region": run.region,
            "training_run": run.training_run, "adapter_sha256": adapter, "outcome": run.outcome,
            "registered_versions": graph.registered(adapter), "approvals": graph.approvals(adapter)}


# -- CSV -----------------------------------------------------------------------------------------------------
#: (column, meaning) of lineage.csv: one row per ledger entry about a record
LINEAGE_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("seq", "The entry's position in the ledger (0 is the first entry); entries.jsonl holds it in full"),
    ("created_at", "When the entry was written (UTC, ISO 8601)"),
    ("run_id", "The run that wrote it: see runs.csv"),
    ("kind", "record_redacted (privacy), record_curated (curation), record_synthesised (synthesis: a generated "
             "record kept or dropped), record_dropped or record_quarantined"),
    ("record_key", "The record, as a keyed HMAC of its id (the ledger never stores the id itself); "
                   "`gdprep audit trace RECORD_ID` finds a record's entries from its id"),
    ("stage", "privacy, curation or synthesis"),
    ("step", "Curation: the step that removed the record (exact_dedup, near_dedup, quality, balance)"),
    ("outcome", "Curation: assigned (kept, in a split) or removed"),
    ("reason", "Why the record was removed, dropped or quarantined, as a stable code (e.g. exact_duplicate, "
               "special_category)"),
    ("split", "Curation: the split the record went to (train, validation, test)"),
    ("action", "Privacy: redacted, review (kept and flagged for a person to check), unchanged"),
    ("finding_types", "Privacy: the detector's entity types found in the record (e.g. PERSON, EMAIL_ADDRESS), "
                      "separated by ';'; values are never recorded"),
    ("operators", "Privacy: how the findings were transformed (placeholder, pseudonym, hash, ...), ';'-separated"),
    ("kept", "Curation: the record kept in its place, for a removed duplicate (a keyed HMAC)"),
    ("cluster", "Curation: the near-duplicate cluster the record belongs to"),
    ("output_hash", "Privacy: a keyed hash of the record as written, to check an output file against the ledger"),
)
#: (column, meaning) of runs.csv: one row per thing a run read or wrote
RUN_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("run_id", "The run (the same id as in lineage.csv, openlineage.json and prov.json)"),
    ("stage", "privacy, curation, synthesis, training, probes or evaluation"),
    ("outcome", "completed, failed, interrupted (its process was killed) or unfinished"),
    ("started_at", "When the run started (UTC)"),
    ("ended_at", "When it ended (UTC; empty while unfinished)"),
    ("actor", "The login that ran it"),
    ("policy_hash", "The SHA-256 of the policy it ran under (`gdprep policy show NAME` prints a policy's hash)"),
    ("region", "Training: the region the job declared and the policy's residency allowed"),
    ("direction", "input (the run read it) or output (the run wrote it)"),
    ("artefact", "dataset (a file), adapter (a trained model adapter), release_decision or evaluation"),
    ("role", "input/output (privacy), train/validation/test (splits), adapter, release_decision, evaluation"),
    ("name", "The file name, adapter directory or a label"),
    ("sha256", "The SHA-256 of the dataset file or of the adapter's weights: the same value links the run that "
               "wrote it to the runs that read it"),
    ("records", "Records in the dataset"),
    ("synthetic", "For a dataset a synthesis run wrote (`gdprep synth`): what generated its records, as JSON "
                  "(generator model and weights hash, prompt template and its hash, seed, label); empty for real data"),
    ("registered_versions", "For an adapter: its model registry versions and their status (e.g. "
                            "support-bot:2 production), ';'-separated"),
    ("approvals", "For an adapter: who approved which version, and when, ';'-separated"),
)


def write_csv(data: ExportInput, out_dir: Path) -> Path:
    path = out_dir / "lineage.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[c for c, _ in LINEAGE_COLUMNS])
        writer.writeheader()
        for e in data.entries:
            if e.record_key is None or (data.run_id is not None and e.run_id != data.run_id):
                continue
            p = e.payload
            findings = p.get("findings", [])
            writer.writerow({
                "seq": e.seq, "created_at": e.created_at, "run_id": e.run_id, "kind": e.kind,
                "record_key": e.record_key, "stage": p.get("stage"), "step": p.get("step"),
                "outcome": p.get("outcome"), "reason": p.get("reason"), "split": p.get("split"),
                "action": p.get("action"),
                "finding_types": ";".join(sorted({f["type"] for f in findings})),
                "operators": ";".join(sorted({f["operator"] for f in findings})),
                "kept": p.get("kept"), "cluster": p.get("cluster"), "output_hash": p.get("output_hash"),
            })
    _write_runs_csv(data, out_dir / "runs.csv")
    _write_column_guide(out_dir / "COLUMNS.txt")
    return path


def _write_runs_csv(data: ExportInput, path: Path) -> None:
    graph = data.graph
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[c for c, _ in RUN_COLUMNS])
        writer.writeheader()
        for run in data.runs():
            common = {"run_id": run.run_id, "stage": run.stage, "outcome": run.outcome,
                      "started_at": run.started_at, "ended_at": run.ended_at, "actor": run.actor,
                      "policy_hash": run.policy_hash, "region": run.region}
            rows = [("input", a) for a in graph.inputs(run)] + [("output", a) for a in graph.outputs(run)]
            for direction, a in rows:
                adapter = a.key if a.kind == ADAPTER else None
                writer.writerow({**common, "direction": direction, "artefact": a.kind, "role": a.role,
                                 "name": a.name, "sha256": a.sha256, "records": a.records,
                                 "synthetic": json.dumps(a.details["synthetic"], sort_keys=True)
                                 if a.details.get("synthetic") else "",
                                 "registered_versions": ";".join(f"{v['model']}:{v['version']} {v['status']}"
                                                                 for v in graph.registered(adapter)),
                                 "approvals": ";".join(f"{x['model']}:{x['version']} by {x['approver']} "
                                                       f"({x['role']}) at {x['at']}"
                                                       for x in graph.approvals(adapter))})
            if not rows:
                writer.writerow({**common, "direction": "", "artefact": "", "role": "", "name": ""})


def _write_column_guide(path: Path) -> None:
    lines = ["What the CSV files of this audit bundle hold, column by column.",
             "",
             "No column holds raw personal data: records are named by keyed HMACs, findings by their type.",
             "entries.jsonl holds every ledger entry in full; `gdprep audit verify --bundle DIR --public-key KEY`",
             "checks them against the signed checkpoints.", ""]
    for name, what, columns in (
            ("lineage.csv", "one row per ledger entry about one record (per-record lineage)", LINEAGE_COLUMNS),
            ("runs.csv", "one row per dataset, adapter, release decision or evaluation a run read or wrote "
                         "(a run with neither has one row with its own columns only)", RUN_COLUMNS)):
        lines += [f"{name}: {what}", "-" * len(name)]
        width = max(len(c) for c, _ in columns)
        lines += [f"  {c.ljust(width)}  {meaning}" for c, meaning in columns]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


# -- OpenLineage ---------------------------------------------------------------------------------------------
def _facet(**fields: Any) -> dict[str, Any]:
    return {"_producer": PRODUCER, "_schemaURL": _FACET_SCHEMA, **fields}


def _dataset_ol(graph: LineageGraph, a: Artefact) -> dict[str, Any]:
    facets: dict[str, Any] = {}
    if a.kind == DATASET:
        facets["gdprep_version"] = _facet(sha256=a.key, bytes=a.bytes, records=a.records, file_name=a.name,
                                          role=a.role)
        if a.details.get("synthetic"):
            facets["gdprep_synthetic"] = _facet(**a.details["synthetic"])
    elif a.kind == ADAPTER:
        facets["gdprep_adapter"] = _facet(sha256=a.key, **a.details, registered_versions=graph.registered(a.key),
                                          approvals=graph.approvals(a.key))
    else:
        facets[f"gdprep_{a.kind}"] = _facet(**a.details)
    if a.sha256 is not None:
        facets["version"] = {"_producer": PRODUCER, "_schemaURL": _VERSION_FACET_SCHEMA, "datasetVersion": a.key}
    return {"namespace": NAMESPACE, "name": artefact_name(a), "facets": facets}


def write_openlineage(data: ExportInput, out_dir: Path) -> Path:
    graph, events = data.graph, []
    for run in data.runs():
        start, end = run.start, run.end
        assert start is not None  # runs() gives only runs with a start
        job = {"namespace": NAMESPACE, "name": f"gdprep.{run.stage}"}
        inputs = [_dataset_ol(graph, a) for a in graph.inputs(run)]
        outputs = [_dataset_ol(graph, a) for a in graph.outputs(run)]
        facets = {"gdprep_governance": _facet(**governance(graph, run))}
        run_id = _uuid(run.run_id)
        events.append({"eventType": "START", "eventTime": start.created_at, "producer": PRODUCER,
                       "schemaURL": _OL_SCHEMA, "run": {"runId": run_id, "facets": facets}, "job": job,
                       "inputs": inputs, "outputs": []})
        if end is not None:
            stats = _facet(records=dict(run.records), reasons=dict(run.reasons), finding_types=dict(run.types))
            # a run whose process was killed ends in OpenLineage's ABORT
            event_type = {"run_completed": "COMPLETE", "run_interrupted": "ABORT"}.get(end.kind, "FAIL")
            events.append({"eventType": event_type, "eventTime": end.created_at, "producer": PRODUCER,
                           "schemaURL": _OL_SCHEMA,
                           "run": {"runId": run_id, "facets": {**facets, "gdprep_statistics": stats}},
                           "job": job, "inputs": inputs, "outputs": outputs})
    path = out_dir / "openlineage.json"
    path.write_text(json.dumps(events, indent=2, sort_keys=True), encoding="utf-8")
    return path


def _uuid(hex32: str) -> str:
    h = hex32.ljust(32, "0")[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# -- PROV ----------------------------------------------------------------------------------------------------
def _prov_id(a: Artefact) -> str:
    return f"gdprep:{a.kind}-{a.key}"


def _prov_attributes(a: Artefact) -> dict[str, Any]:
    attrs: dict[str, Any] = {"gdprep:name": a.name, "prov:type": f"gdprep:{a.kind}"}
    if a.sha256 is not None:
        attrs["gdprep:sha256"] = a.key
    if a.records is not None:
        attrs["gdprep:records"] = a.records
    for key, value in a.details.items():
        if isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool)):
            attrs[f"gdprep:{key}"] = value
        elif value is not None:
            attrs[f"gdprep:{key}"] = json.dumps(value, sort_keys=True)
    return attrs


class _ProvBuilder:
    """Adds runs to a PROV document: each entity and agent once, however many runs read it."""

    def __init__(self, graph: LineageGraph) -> None:
        from prov.model import ProvDocument

        self.graph = graph
        # prov's stubs are stricter than its API (plain dicts of attributes)
        self.doc: Any = cast(Any, ProvDocument())
        self.doc.add_namespace("gdprep", "urn:gdprep:")
        self.tool = self.doc.agent("gdprep:tool", {"prov:type": "prov:SoftwareAgent", "gdprep:version": __version__})
        self.entities: dict[str, Any] = {}
        self.people: dict[str, Any] = {}

    def entity(self, a: Artefact) -> Any:
        ident = _prov_id(a)
        if ident not in self.entities:
            self.entities[ident] = self.doc.entity(ident, _prov_attributes(a))
        return self.entities[ident]

    def person(self, name: str | None) -> Any:
        ident = f"gdprep:user-{name}"
        if ident not in self.people:
            self.people[ident] = self.doc.agent(ident, {"prov:type": "prov:Person"})
        return self.people[ident]

    def add_run(self, run: Run) -> None:
        gov = governance(self.graph, run)
        attrs = {"gdprep:stage": run.stage, "gdprep:outcome": run.end.kind if run.end else "running"}
        attrs.update({f"gdprep:{k}": gov[k] for k in ("policy_hash", "region", "training_run") if gov[k]})
        activity = self.doc.activity(f"gdprep:run-{run.run_id}", run.started_at, run.ended_at, attrs)
        self.doc.wasAssociatedWith(activity, self.person(run.actor))
        self.doc.wasAssociatedWith(activity, self.tool)
        used = []
        for a in self.graph.inputs(run):
            entity = self.entity(a)
            self.doc.used(activity, entity, other_attributes={"prov:role": f"gdprep:{a.role}"})
            used.append(entity)
        for a in self.graph.outputs(run):
            entity = self.entity(a)
            self.doc.wasGeneratedBy(entity, activity, other_attributes={"prov:role": f"gdprep:{a.role}"})
            for source in used:
                self.doc.wasDerivedFrom(entity, source, activity)

    def add_registry(self, *, only_linked: bool) -> None:
        """Each registered version is a specialisation of its adapter; each approval, promotion and rollback
        an activity associated with the person who did it. `only_linked`: only versions of adapters already
        in the document (an export of one run)."""
        for model in self.graph.models.values():
            for v in model.versions.values():
                adapter = self.entities.get(f"gdprep:{ADAPTER}-{v.adapter_sha256}")
                if adapter is None and only_linked:
                    continue
                version = self.doc.entity(f"gdprep:model-{model.name}-{v.version}", {
                    "prov:type": "gdprep:model_version", "gdprep:model": model.name, "gdprep:version": v.version,
                    "gdprep:status": v.status(model.production), "gdprep:adapter_sha256": v.adapter_sha256})
                if adapter is not None:
                    self.doc.specializationOf(version, adapter)
                self.entities[f"version:{model.name}:{v.version}"] = version
            for event in model.history:
                if event["event"] == "model_registered":
                    continue
                version_id = event.get("version") or event.get("to_version")
                if f"version:{model.name}:{version_id}" not in self.entities:
                    continue
                activity = self.doc.activity(f"gdprep:registry-{event['seq']}", event["at"], event["at"], {
                    "gdprep:event": event["event"], "gdprep:model": model.name,
                    **{f"gdprep:{k}": str(event[k]) for k in ("version", "from_version", "to_version", "reason")
                       if event.get(k) is not None}})
                self.doc.used(activity, self.entities[f"version:{model.name}:{version_id}"])
                self.doc.wasAssociatedWith(activity, self.person(event.get("approver") or event.get("actor")))


def write_prov(data: ExportInput, out_dir: Path) -> Path:
    builder = _ProvBuilder(data.graph)
    for run in data.runs():
        builder.add_run(run)
    builder.add_registry(only_linked=data.run_id is not None)
    path = out_dir / "prov.json"
    path.write_text(str(builder.doc.serialize(indent=2)), encoding="utf-8")
    return path
