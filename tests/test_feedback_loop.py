"""Corrections back into training: a blind evaluation with written answers is rated, `gdprep feedback export`
turns the ratings and corrections into preference pairs, and those pairs go through `gdprep redact` and
`gdprep curate` into DPO training behind the usual gate, with the lineage back to the evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import ledger_run
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.training.config import TrainConfig
from gdprep.training.humaneval_store import EvaluationStore, Item
from gdprep.training.smoke import build_smoke_model

from .conftest import redact_and_curate

pytest.importorskip("torch")
pytest.importorskip("trl")

ITEMS = 24
GOOD = "Unplug the {thing}, wait {n} seconds, plug it back in and wait for the green light."
POOR = "I am not sure, maybe try something else with the {thing}."
THINGS = ("router", "printer", "modem", "camera")


def _evaluation(ledger: Ledger, test_file: Path) -> str:
    with ledger_run(ledger, "human_evaluation", command="test") as rec:
        rec.input_dataset("test", test_file, ITEMS)
        items = []
        for i in range(ITEMS):
            thing = THINGS[i % len(THINGS)]
            prompt = f"How do I restart my {thing} (ticket {i})?"
            items.append(Item(rec.run_id, i, f"r{i}", prompt, prompt, GOOD.format(thing=thing, n=10 + i),
                              POOR.format(thing=thing), "A" if i % 2 else "B", {}))
        details = {"candidate": {"label": "adapter", "kind": "adapter", "training_run": None,
                                 "adapter_sha256": "f" * 64},
                   "baseline": {"label": "base model", "kind": "base"}, "test_file": str(test_file),
                   "test_sha256": "0" * 64, "seed": 0, "requested": ITEMS, "policy": "uk-gdpr-default",
                   "policy_hash": None, "regurgitation": {}}
        EvaluationStore(ledger).create(rec.run_id, "test", details, items)
        return rec.run_id


def test_feedback_pairs_go_through_redact_curate_and_dpo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_REGION", "GB")
    ledger = Ledger()
    test_file = tmp_path / "test.jsonl"
    test_file.write_text("".join(json.dumps({"id": f"r{i}", "prompt": "p", "completion": "c"}) + "\n"
                                 for i in range(ITEMS)), encoding="utf-8")
    evaluation = _evaluation(ledger, test_file)
    store = EvaluationStore(ledger)
    for item in store.items_of(evaluation):
        # the evaluator prefers the specific answer; on every sixth item a correction signed with a name
        correction = f"{item.candidate} If it stays red, ask Jane Smith on 020 7946 0958." if item.item_no % 6 == 0 \
            else ""
        store.rate(evaluation, item.item_no, reviewer="eva", role="evaluator", choice=item.candidate_side,
                   comment="", correction=correction)
    out = tmp_path / "feedback.jsonl"
    exported = CliRunner().invoke(app, ["feedback", "export", "--evaluation", evaluation, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    pairs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(pairs) == ITEMS + ITEMS // 6  # one preference pair per item, one more per correction
    assert all(p["chosen"].startswith("Unplug") and p["rejected"].startswith("I am not sure") for p in pairs)
    # the next run starts from the export: redaction strikes the name and number the corrections carry
    redact_and_curate(tmp_path, pairs, "output: {hf_dataset: false}\nquality: {languages: []}\n"
                                       "split: {train: 0.8, validation: 0.1, test: 0.1}\n")
    train = [json.loads(line) for line in (tmp_path / "cur" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert train and all({"prompt", "chosen", "rejected"} <= set(r) for r in train)
    assert not any("Jane Smith" in json.dumps(r) or "7946" in json.dumps(r) for r in train)
    base = build_smoke_model([p["prompt"] + " " + p["chosen"] for p in pairs], tmp_path / "model")
    manifest = stages.train(Ledger(), TrainConfig.model_validate({
        "base_model": str(base), "train_file": str(tmp_path / "cur" / "train.jsonl"),
        "output_dir": str(tmp_path / "dpo"), "method": "dpo", "epochs": 1, "batch_size": 8, "max_length": 64,
        "seed": 7, "canaries": {"enabled": False}, "registered_model": "feedback-bot"}))
    assert manifest.to_json()["method"] == "dpo" and manifest.adapter_sha256
    # lineage: the feedback run wrote the file that the privacy run read
    feedback_run = next(e.run_id for e in Ledger().iter_entries()
                        if e.kind == "run_started" and e.payload["stage"] == "feedback")
    written = next(e.payload["sha256"] for e in Ledger().run_entries(feedback_run) if e.kind == "dataset_version")
    read = [e.payload["sha256"] for e in Ledger().iter_entries() if e.kind == "dataset_version"
            and e.payload.get("stage") == "privacy" and e.payload.get("role") == "input"]
    assert written in read
