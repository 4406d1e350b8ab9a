"""Traces for an auditor: from a record to everything the ledger says about it, down to the adapters trained
on the split that holds it; and from a registered model version back to its adapter, the splits it was
trained on, the curation and privacy runs that made them, its release decision, approvals and promotions."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from gdprep.audit.entries import Entry
from gdprep.audit.ledger import Ledger
from gdprep.audit.runs import DATASET, LineageGraph, Run, is_input
from gdprep.errors import IntegrityError, UsageError


def _summary(entry: Entry) -> str:
    p = entry.payload
    if entry.kind == "record_redacted":
        types = Counter(f["type"] for f in p.get("findings", []))
        return f"redacted ({p.get('action')}): " + (", ".join(f"{t} x{n}" for t, n in sorted(types.items()))
                                                    or "no findings")
    if entry.kind == "record_curated":
        if p.get("outcome") == "assigned":
            return f"curation: kept, split {p.get('split')}"
        return f"curation: removed at {p.get('step')} ({p.get('reason')})"
    if entry.kind == "record_synthesised":
        return f"synthesis: {p.get('outcome')}" + (f" ({p.get('reason')})" if p.get("reason") else "")
    if entry.kind in ("record_dropped", "record_quarantined"):
        return f"{entry.kind.removeprefix('record_')}: {p.get('reason')}"
    return json.dumps(p, sort_keys=True)[:120]


def run_level_entries(ledger: Ledger) -> list[Entry]:
    """Every entry that is not about one record (runs, dataset versions, adapters, decisions, the registry),
    oldest first: what the lineage graph needs, without the per-record bulk."""
    from sqlalchemy import select

    table = ledger.entries
    with ledger.engine.connect() as conn:
        rows = conn.execution_options(stream_results=True).execute(
            select(table).where(table.c.record_key.is_(None)).order_by(table.c.seq))
        return [Entry.from_row(row) for row in rows]


def run_summary(run: Run) -> dict[str, Any]:
    return {"run_id": run.run_id, "stage": run.stage, "outcome": run.outcome, "error": run.error,
            "started_at": run.started_at, "ended_at": run.ended_at, "actor": run.actor, "command": run.command,
            "policy_hash": run.policy_hash, "region": run.region}


def trace_record(ledger: Ledger, record_id: str) -> dict[str, Any]:
    """Every ledger entry about one record, oldest first, with each entry's run and the source file that run's
    data came from, an inclusion proof of the newest one against the latest checkpoint, and the adapters trained
    (or validated, or tested) on a split that holds the record, with their registered versions. A record id is
    unique within its file only: `files` groups the events by source file, so two records with one id in two
    files are told apart."""
    entries = ledger.entries_for_record(record_id)
    graph = LineageGraph(run_level_entries(ledger))
    runs: dict[str, dict[str, Any]] = {}
    for run_id in dict.fromkeys(e.run_id for e in entries if e.run_id):
        run = graph.runs.get(run_id)
        if run is not None and run.start is not None:
            runs[run_id] = {"stage": run.stage, "actor": run.actor, "command": run.command,
                            "started_at": run.started_at,
                            "inputs": [_file(d) for d in run.datasets if is_input(d)],
                            "source_files": source_files(graph, run)}
    files: dict[str, dict[str, Any]] = {}
    events = []
    for e in entries:
        sources = runs.get(e.run_id or "", {}).get("source_files") or [{"name": None, "sha256": None, "path": None}]
        group = "+".join(str(f["sha256"]) for f in sources)
        files.setdefault(group, {"source_files": sources, "runs": [], "events": []})
        if e.run_id and e.run_id not in files[group]["runs"]:
            files[group]["runs"].append(e.run_id)
        files[group]["events"].append(e.seq)
        events.append({"seq": e.seq, "kind": e.kind, "run_id": e.run_id or "", "created_at": e.created_at,
                       "payload": e.payload, "summary": _summary(e), "file_group": group,
                       "source": ", ".join(str(f["name"]) for f in sources if f["name"]) or None})
    proof: dict[str, Any] = {}
    if entries:
        try:
            proof = ledger.inclusion(entries[-1].seq)
        except IntegrityError as exc:
            proof = {"seq": entries[-1].seq, "verified": False, "error": str(exc)}
    placed = [(e.run_id, str(e.payload["split"])) for e in entries
              if e.kind == "record_curated" and e.payload.get("outcome") == "assigned" and e.payload.get("split")]
    adapters = adapters_for_splits(graph, placed) if placed else []
    for a in adapters:
        a["source"] = ", ".join(str(f["name"]) for f in runs.get(a["curation_run"], {}).get("source_files", []))
    return {"record_key": ledger.record_key(record_id), "events": events, "runs": runs, "proof": proof,
            "adapters": adapters, "files": list(files.values())}


def _file(d: dict[str, Any]) -> dict[str, Any]:
    return {"name": d.get("name"), "sha256": d.get("sha256"), "path": d.get("path")}


def source_files(graph: LineageGraph, run: Run, seen: set[str] | None = None) -> list[dict[str, Any]]:
    """The files at the start of a run's data: its inputs, followed back through the runs that wrote them to
    the ones no run wrote (the source files as they came in)."""
    seen = set() if seen is None else seen
    found: list[dict[str, Any]] = []
    for d in run.datasets:
        sha = str(d.get("sha256"))
        if not is_input(d) or sha in seen:
            continue
        seen.add(sha)
        producers = [p for p in graph.producers(sha) if p.run_id != run.run_id]
        if not producers:
            found.append(_file(d))
        for producer in producers:
            found += [f for f in source_files(graph, producer, seen) if f not in found]
    return found


def adapters_for_splits(graph: LineageGraph, placed: list[tuple[str | None, str]]) -> list[dict[str, Any]]:
    """The training runs that read a split the record went to (by the split file's SHA-256), with the adapter
    each produced, its release decision and its registered versions and their status."""
    found = []
    for curation_run, split in placed:
        run = graph.runs.get(curation_run or "")
        if run is None:
            continue
        for d in graph.outputs(run):
            if d.kind != DATASET or d.role != split:
                continue
            for training, read in graph.consumers(d.key):
                if training.stage != "training":
                    continue
                adapter = graph.adapter_of(training)
                found.append({"split": split, "split_sha256": d.key, "split_name": d.name,
                              "curation_run": run.run_id, "training_run": training.run_id, "read_as": read.role,
                              "outcome": training.outcome, "started_at": training.started_at,
                              "adapter_sha256": adapter, "release": release_of(graph, adapter),
                              "versions": graph.registered(adapter)})
    return found


def release_of(graph: LineageGraph, adapter_sha256: str | None) -> dict[str, Any] | None:
    """The latest release decision about an adapter: pass or fail, the probes run and its reasons."""
    latest = None
    for run in graph.started():
        for e in run.decisions:
            if adapter_sha256 is not None and e.payload.get("adapter_sha256") == adapter_sha256:
                if latest is None or e.seq > latest.seq:
                    latest = e
    if latest is None:
        return None
    return {"release": latest.payload.get("release"), "probe_run": latest.run_id, "at": latest.created_at,
            "reasons": list(latest.payload.get("reasons", []))}


def _parse_ref(graph: LineageGraph, ref: str) -> tuple[str, str]:
    name, sep, version = ref.rpartition(":")
    listing = "; ".join(f"{m.name} (versions {', '.join(sorted(m.versions, key=_order))})"
                        for m in sorted(graph.models.values(), key=lambda m: m.name)) or "none"
    if not sep or not name or not version:
        raise UsageError(f"--adapter takes NAME:VERSION (e.g. support-bot:3), got {ref!r}; registered models: "
                         f"{listing}")
    model = graph.models.get(name)
    if model is None:
        raise UsageError(f"no registered model {name!r} in the ledger; registered models: {listing}")
    if version not in model.versions:
        raise UsageError(f"model {name!r} has no version {version!r}; its versions are "
                         f"{', '.join(sorted(model.versions, key=_order))}")
    return name, version


def _order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (1 << 62, version)


def trace_adapter(ledger: Ledger, ref: str) -> dict[str, Any]:
    """A registered version (`NAME:VERSION`) back to its data: the splits its training run read and the runs that
    wrote them (curation, then privacy), the training, probes and evaluation runs, the policy and region, the
    release decision, approvals, promotions and rollbacks. Raises UsageError naming what exists."""
    graph = LineageGraph(run_level_entries(ledger))
    name, version = _parse_ref(graph, ref)
    model = graph.models[name]
    state = model.versions[version]
    training = graph.runs.get(state.training_run)
    runs: dict[str, dict[str, Any]] = {}
    datasets: list[dict[str, Any]] = []
    if training is not None:
        runs[training.run_id] = {**run_summary(training), "role": "trained the adapter"}
        _walk_upstream(graph, training, datasets, runs, depth=0)
        for run in graph.started():
            if run.stage in ("probes", "evaluation") and graph.adapter_of(run) == state.adapter_sha256:
                runs[run.run_id] = {**run_summary(run), "role": f"{run.stage} of the adapter"}
    history = [h for h in model.history if version in (str(h.get("version")), str(h.get("from_version")),
                                                       str(h.get("to_version")))]
    policy_hashes = sorted({r["policy_hash"] for r in runs.values() if r["policy_hash"]})
    return {
        "model": name, "version": version, "status": state.status(model.production),
        "production_version": model.production, "adapter_sha256": state.adapter_sha256,
        "consistent_with_ledger": state.consistent, "registered_at": state.registered_at,
        "mlflow_run_id": state.mlflow_run_id, "training_run": state.training_run,
        "base_model": (training.adapter or {}).get("base_model") if training else None,
        "policy_hash": training.policy_hash if training else None, "policy_hashes_of_all_runs": policy_hashes,
        "region": training.region if training else None,
        "release": release_of(graph, state.adapter_sha256), "approvals": state.approvals,
        "history": history, "datasets": datasets, "runs": list(runs.values()),
    }


def _walk_upstream(graph: LineageGraph, run: Run, datasets: list[dict[str, Any]], runs: dict[str, dict[str, Any]],
                   *, depth: int) -> None:
    """Each dataset `run` read, the runs that wrote it, and theirs in turn (to the source files)."""
    for a in graph.inputs(run):
        if a.kind != DATASET or any(d["sha256"] == a.key and d["read_by"] == run.run_id for d in datasets):
            continue
        producers = graph.producers(a.key)
        datasets.append({"role": a.role, "name": a.name, "sha256": a.key, "records": a.records, "depth": depth,
                         "read_by": run.run_id, "read_by_stage": run.stage,
                         "written_by": [{"run_id": p.run_id, "stage": p.stage} for p in producers]})
        for producer in producers:
            if producer.run_id not in runs and producer.start is not None:
                runs[producer.run_id] = {**run_summary(producer), "role": f"wrote {a.role} {a.name}"}
                _walk_upstream(graph, producer, datasets, runs, depth=depth + 1)
