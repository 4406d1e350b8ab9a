"""Lineage to the model: in every export a training run reads its train, validation and test splits and writes
its adapter, a probes run reads the adapter and writes the release decision, and the region, policy hash and
approvals travel with them; `audit trace` walks from a record to the adapters trained on it and, with
--adapter NAME:VERSION, from a model version back to its data.

The privacy and curation runs are real (`gdprep redact` and `gdprep curate` through the CLI); the training,
probes and registry entries are appended as the training stage and the registry write them, so no model is
trained here."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.service.cli import app

from .conftest import redact_and_curate

RECORDS = [
    {"id": f"r-{i}", "prompt": f"Customer Imelda Strachan (imelda{i}@example.org) asks about order {4400 + i}.",
     "completion": f"Thanks, your refund for order {4400 + i} was sent today.", "label": "billing"}
    for i in range(8)
]
ADAPTER = "a" * 64
OLD_ADAPTER = "b" * 64
REGION = "GB"
POLICY_HASH = "sha256:" + "c" * 64


def _datasets(ledger: Ledger, stage: str) -> list[dict[str, Any]]:
    return [e.payload for e in ledger.iter_entries() if e.kind == "dataset_version" and e.payload["stage"] == stage]


def add_training(ledger: Ledger, adapter: str, *, legacy: bool = False, ok: bool = True) -> str:
    """A training run as `gdprep train` records it: the splits it read (direction input), then its adapter."""
    splits = {d["role"]: d for d in _datasets(ledger, "curation") if d["role"] in ("train", "validation", "test")}
    run = ledger.start_run("training", command="gdprep train --config train.yaml", policy_hash=POLICY_HASH,
                           config={"train_file": "cur/train.jsonl", "base_model": "tiny", "output_dir": "out",
                                   "region": REGION})
    if not legacy:
        for role, d in splits.items():
            ledger.append("dataset_version", {"stage": "training", "role": role, "direction": "input",
                                              "name": d["name"], "sha256": d["sha256"], "bytes": d["bytes"],
                                              "records": d["records"]}, run_id=run)
    if ok:
        ledger.append("adapter", {"stage": "training", "adapter_sha256": adapter,
                                  "dataset_sha256": splits["train"]["sha256"], "base_model_weights": {"w": "d" * 64},
                                  "region": REGION, "policy_hash": POLICY_HASH, "base_model": "tiny",
                                  "adapter_dir": "out/adapter"}, run_id=run)
    ledger.finish_run(run, "training", ok=ok, error=None if ok else "RuntimeError")
    return run


def add_probe(ledger: Ledger, training_run: str, adapter: str, release: str = "pass") -> str:
    run = ledger.start_run("probes", command="gdprep probe", policy_hash=POLICY_HASH,
                           config={"training_run": training_run, "adapter": "out/adapter"})
    ledger.append("release_decision", {"stage": "probes", "release": release, "reasons": [] if release == "pass"
                                       else ["2 generations reproduced an original PII value"],
                                       "checks": {"canaries": True}, "training_run": training_run,
                                       "adapter_sha256": adapter, "report_sha256": "e" * 64}, run_id=run)
    ledger.finish_run(run, "probes", ok=True)
    return run


def add_registry(ledger: Ledger, name: str, version: str, training_run: str, adapter: str, *,
                 approver: str | None = None, promote: bool = False) -> None:
    ledger.append("model_registered", {"name": name, "version": version, "training_run": training_run,
                                       "adapter_sha256": adapter, "mlflow_run_id": "m" + version, "registry": "local"})
    if approver:
        ledger.append("model_approved", {"name": name, "version": version, "training_run": training_run,
                                         "adapter_sha256": adapter, "approver": approver,
                                         "role": "compliance_officer", "note": "DPIA-12", "via": "cli"})
    if promote:
        ledger.append("model_promoted", {"name": name, "version": version, "alias": "production",
                                         "previous_version": None, "training_run": training_run,
                                         "adapter_sha256": adapter, "actor": "admin-ann", "via": "cli"})
    ledger.checkpoint()


@pytest.fixture()
def history(tmp_path: Path) -> dict[str, Any]:
    """Redact, curate, train twice (the first adapter failed its probes), probe, register, approve, promote."""
    redact_and_curate(tmp_path, RECORDS)
    ledger = Ledger()
    old = add_training(ledger, OLD_ADAPTER)
    add_probe(ledger, old, OLD_ADAPTER, release="fail")
    add_registry(ledger, "support-bot", "1", old, OLD_ADAPTER)
    training = add_training(ledger, ADAPTER)
    probe = add_probe(ledger, training, ADAPTER)
    add_registry(ledger, "support-bot", "2", training, ADAPTER, approver="carol-dpo", promote=True)
    splits = {d["role"]: d["sha256"] for d in _datasets(ledger, "curation")
              if d["role"] in ("train", "validation", "test")}
    runs = {d["stage"]: e.run_id for e in ledger.iter_entries() if e.kind == "run_started" for d in [e.payload]}
    return {"tmp": tmp_path, "training": training, "probe": probe, "old": old, "splits": splits,
            "privacy": runs["privacy"], "curation": runs["curation"]}


def _export(tmp: Path, view: str, *options: str) -> Path:
    out = tmp / f"bundle-{view}"
    result = CliRunner().invoke(app, ["audit", "export", "--view", view, "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def _events(out: Path, run_id: str) -> dict[str, dict[str, Any]]:
    events = json.loads((out / "openlineage.json").read_text(encoding="utf-8"))
    uid = f"{run_id[:8]}-{run_id[8:12]}-{run_id[12:16]}-{run_id[16:20]}-{run_id[20:]}"
    return {e["eventType"]: e for e in events if e["run"]["runId"] == uid}


def test_openlineage_training_reads_the_splits_writes_the_adapter_and_probes_read_it(history: dict[str, Any]) -> None:
    out = _export(history["tmp"], "openlineage")
    splits = history["splits"]
    training = _events(out, history["training"])["COMPLETE"]
    assert sorted(d["name"] for d in training["inputs"]) == sorted(f"dataset/sha256:{s}" for s in splits.values())
    roles = {d["facets"]["gdprep_version"]["role"] for d in training["inputs"]}
    assert roles == {"train", "validation", "test"}
    assert [d["name"] for d in training["outputs"]] == [f"adapter/sha256:{ADAPTER}"]
    adapter_facet = training["outputs"][0]["facets"]["gdprep_adapter"]
    assert adapter_facet["region"] == REGION and adapter_facet["policy_hash"] == POLICY_HASH
    assert adapter_facet["registered_versions"][0] == {"model": "support-bot", "version": "2",
                                                       "status": "production", "release": "pass", "approvals": 1}
    governance = training["run"]["facets"]["gdprep_governance"]
    assert governance["region"] == REGION and governance["policy_hash"] == POLICY_HASH
    assert [a["approver"] for a in governance["approvals"]] == ["carol-dpo"]
    # the curation run wrote the very datasets the training run read: the same names link them
    curation = _events(out, history["curation"])["COMPLETE"]
    assert {f"dataset/sha256:{s}" for s in splits.values()} <= {d["name"] for d in curation["outputs"]}
    probe = _events(out, history["probe"])
    assert [d["name"] for d in probe["START"]["inputs"]] == [f"adapter/sha256:{ADAPTER}"]
    decision = probe["COMPLETE"]["outputs"]
    assert [d["name"] for d in decision] == [f"release_decision/{'e' * 64}"]
    assert decision[0]["facets"]["gdprep_release_decision"]["release"] == "pass"
    assert probe["COMPLETE"]["run"]["facets"]["gdprep_governance"]["training_run"] == history["training"]


def _prov(out: Path) -> dict[str, Any]:
    from prov.model import ProvDocument

    ProvDocument.deserialize(str(out / "prov.json"))  # it parses as PROV
    return json.loads((out / "prov.json").read_text(encoding="utf-8"))


def test_prov_walks_from_a_split_to_the_model_version_and_its_approval(history: dict[str, Any]) -> None:
    doc = _prov(_export(history["tmp"], "prov"))
    train = f"gdprep:dataset-{history['splits']['train']}"
    derived = {(r["prov:generatedEntity"], r["prov:usedEntity"]) for r in doc["wasDerivedFrom"].values()}
    adapter = f"gdprep:adapter-{ADAPTER}"
    assert {(adapter, f"gdprep:dataset-{s}") for s in history["splits"].values()} <= derived
    assert (f"gdprep:release_decision-{'e' * 64}", adapter) in derived
    generated = {(r["prov:entity"], r["prov:activity"]) for r in doc["wasGeneratedBy"].values()}
    assert (adapter, f"gdprep:run-{history['training']}") in generated
    assert (train, f"gdprep:run-{history['curation']}") in generated
    used = {(r["prov:activity"], r["prov:entity"]) for r in doc["used"].values()}
    assert (f"gdprep:run-{history['probe']}", adapter) in used
    version = "gdprep:model-support-bot-2"
    assert {(r["prov:specificEntity"], r["prov:generalEntity"]) for r in doc["specializationOf"].values()} >= {
        (version, adapter)}
    approvals = [k for k, a in doc["activity"].items() if a.get("gdprep:event") == "model_approved"]
    assert len(approvals) == 1 and (approvals[0], version) in used
    assert ({(r["prov:activity"], r["prov:agent"]) for r in doc["wasAssociatedWith"].values()}
            >= {(approvals[0], "gdprep:user-carol-dpo")})
    run = doc["activity"][f"gdprep:run-{history['training']}"]
    assert run["gdprep:region"] == REGION and run["gdprep:policy_hash"] == POLICY_HASH


def test_csv_runs_file_has_each_runs_inputs_and_outputs(history: dict[str, Any]) -> None:
    out = _export(history["tmp"], "csv")
    with (out / "runs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    mine = [r for r in rows if r["run_id"] == history["training"]]
    assert sorted((r["direction"], r["role"], r["sha256"]) for r in mine) == sorted(
        [("input", role, sha) for role, sha in history["splits"].items()] + [("output", "adapter", ADAPTER)])
    adapter_row = next(r for r in mine if r["artefact"] == "adapter")
    assert adapter_row["registered_versions"] == "support-bot:2 production"
    assert adapter_row["approvals"].startswith("support-bot:2 by carol-dpo (compliance_officer)")
    assert adapter_row["region"] == REGION and adapter_row["policy_hash"] == POLICY_HASH
    assert (out / "COLUMNS.txt").is_file()  # the guide to the columns: tests/test_ropa.py reads it


def test_an_export_of_one_probe_run_still_names_its_adapter_and_approvals(history: dict[str, Any]) -> None:
    out = _export(history["tmp"], "openlineage", "--run", history["probe"])
    events = json.loads((out / "openlineage.json").read_text(encoding="utf-8"))
    assert len(events) == 2
    assert events[1]["inputs"][0]["facets"]["gdprep_adapter"]["approvals"][0]["approver"] == "carol-dpo"


def test_a_training_run_recorded_before_its_splits_were_reads_the_train_split_of_its_adapter(tmp_path: Path) -> None:
    redact_and_curate(tmp_path, RECORDS)
    ledger = Ledger()
    run = add_training(ledger, ADAPTER, legacy=True)
    out = _export(tmp_path, "openlineage")
    train = next(d for d in _datasets(ledger, "curation") if d["role"] == "train")
    inputs = _events(out, run)["COMPLETE"]["inputs"]
    assert [(d["name"], d["facets"]["gdprep_version"]["role"]) for d in inputs] == [
        (f"dataset/sha256:{train['sha256']}", "train")]


def test_a_failed_training_run_has_its_splits_as_inputs_and_no_output(tmp_path: Path) -> None:
    redact_and_curate(tmp_path, RECORDS)
    run = add_training(Ledger(), ADAPTER, ok=False)
    fail = _events(_export(tmp_path, "openlineage"), run)["FAIL"]
    assert len(fail["inputs"]) == 3 and fail["outputs"] == []


def _trace(*args: str) -> Any:
    return CliRunner().invoke(app, ["audit", "trace", *args], env={"COLUMNS": "200"})


def _split_of(record_id: str) -> str | None:
    lineage = json.loads(_trace(record_id, "--json").output)
    return next((e["payload"]["split"] for e in lineage["events"] if e["kind"] == "record_curated"
                 and e["payload"].get("outcome") == "assigned"), None)


def test_trace_of_a_record_shows_the_adapters_trained_on_its_split(history: dict[str, Any]) -> None:
    record = next(r["id"] for r in RECORDS if _split_of(r["id"]) == "train")
    lineage = json.loads(_trace(record, "--json").output)
    adapters = {a["training_run"]: a for a in lineage["adapters"]}
    assert set(adapters) == {history["old"], history["training"]}
    current = adapters[history["training"]]
    assert current["read_as"] == "train" and current["split_sha256"] == history["splits"]["train"]
    assert current["adapter_sha256"] == ADAPTER and current["release"]["release"] == "pass"
    assert current["versions"][0]["status"] == "production"
    assert adapters[history["old"]]["versions"][0]["status"] == "failed"
    text = _trace(record).output
    assert "adapters trained on a split holding this record" in text
    assert "support-bot:2 production" in text and "support-bot:1 failed" in text


def test_trace_of_a_record_in_no_split_shows_no_adapter(tmp_path: Path) -> None:
    rows = [*RECORDS, {**RECORDS[0], "id": "dup-0"}]  # an exact duplicate: curation removes one of the two
    redact_and_curate(tmp_path, rows)
    ledger = Ledger()
    add_training(ledger, ADAPTER)
    removed = [r["id"] for r in rows if _split_of(r["id"]) is None]
    assert len(removed) == 1
    assert json.loads(_trace(removed[0], "--json").output)["adapters"] == []
    assert "adapters trained on a split holding this record: none recorded" in _trace(removed[0]).output


def test_trace_adapter_goes_back_to_the_splits_and_the_runs_that_made_them(history: dict[str, Any]) -> None:
    result = _trace("--adapter", "support-bot:2", "--json")
    assert result.exit_code == 0, result.output
    t = json.loads(result.output)
    assert (t["status"], t["adapter_sha256"], t["training_run"]) == ("production", ADAPTER, history["training"])
    assert (t["policy_hash"], t["region"], t["base_model"]) == (POLICY_HASH, REGION, "tiny")
    splits = {d["role"]: d for d in t["datasets"] if d["read_by"] == history["training"]}
    assert {role: d["sha256"] for role, d in splits.items()} == history["splits"]
    assert all(d["written_by"] == [{"run_id": history["curation"], "stage": "curation"}] for d in splits.values())
    redacted = [d for d in t["datasets"] if d["read_by"] == history["curation"]]
    assert [w["run_id"] for d in redacted for w in d["written_by"]] == [history["privacy"]]
    source = [d for d in t["datasets"] if d["read_by"] == history["privacy"]]
    assert len(source) == 1 and source[0]["written_by"] == []
    assert {r["stage"]: r["run_id"] for r in t["runs"]} == {
        "training": history["training"], "curation": history["curation"], "privacy": history["privacy"],
        "probes": history["probe"]}
    assert t["release"]["release"] == "pass" and t["release"]["probe_run"] == history["probe"]
    assert [a["approver"] for a in t["approvals"]] == ["carol-dpo"]
    assert [h["event"] for h in t["history"]] == ["model_registered", "model_approved", "model_promoted"]
    text = _trace("--adapter", "support-bot:2").output
    for expected in ("support-bot:2", "status production", "approved by carol-dpo", "promoted to 2 by admin-ann",
                     "release decision: pass", f"region {REGION}", "curation", "privacy"):
        assert expected in text, expected


def test_trace_both_ways_meet_at_the_same_adapter(history: dict[str, Any]) -> None:
    forward = json.loads(_trace("--adapter", "support-bot:2", "--json").output)
    train_sha = next(d["sha256"] for d in forward["datasets"] if d["role"] == "train")
    record = next(r["id"] for r in RECORDS if _split_of(r["id"]) == "train")
    back = json.loads(_trace(record, "--json").output)
    assert any(a["split_sha256"] == train_sha and a["adapter_sha256"] == forward["adapter_sha256"]
               for a in back["adapters"])


@pytest.mark.parametrize(("ref", "message"), [
    ("nobody:1", "no registered model 'nobody' in the ledger; registered models: support-bot (versions 1, 2)"),
    ("support-bot:7", "model 'support-bot' has no version '7'; its versions are 1, 2"),
    ("support-bot", "--adapter takes NAME:VERSION (e.g. support-bot:3), got 'support-bot'"),
])
def test_a_bad_name_version_is_exit_2_naming_what_exists(history: dict[str, Any], ref: str, message: str) -> None:
    result = _trace("--adapter", ref)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_trace_needs_a_record_or_an_adapter_but_not_both(history: dict[str, Any]) -> None:
    assert _trace().exit_code == 2
    both = _trace("r-0", "--adapter", "support-bot:2")
    assert both.exit_code == 2 and "one of them" in both.output


def test_trace_adapter_in_a_ledger_without_models_says_so(tmp_path: Path) -> None:
    redact_and_curate(tmp_path, RECORDS)
    result = _trace("--adapter", "support-bot:1")
    assert result.exit_code == 2 and "registered models: none" in " ".join(result.output.split())
