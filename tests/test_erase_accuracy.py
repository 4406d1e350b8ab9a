"""`gdprep erase --dry-run` lists only what really holds the subject: two files with the same record ids,
redacted and curated in two runs each, and training runs on either file's splits. Only the first file's runs,
the split the subject's record went to there, and the adapters trained on that very split file may appear,
each with its full path; the subject is found by name through the keyed index, and the name never reaches
the ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import ledger_run
from gdprep.service.cli import app

from .conftest import read_jsonl, redact_and_curate

NAME = "Imelda Strachan"
EMAIL = "imelda.strachan@example.org"
# the same ids in both files: r-1 is Imelda in one file and somebody else in the other
HOLDS_SUBJECT = [
    {"id": "r-1", "prompt": f"Customer {NAME} ({EMAIL}) asks about her refund.",
     "completion": "Thanks, the refund was sent today.", "label": "billing"},
    {"id": "r-2", "prompt": "Reset the router for the customer in flat 4.", "completion": "Done, router reset.",
     "label": "tech"},
    {"id": "r-3", "prompt": "The parcel is late again, please chase the courier.",
     "completion": "We chased the courier and rebooked Friday.", "label": "delivery"},
]
OTHER = [
    {"id": "r-1", "prompt": "Customer Ottilie Frame (ottilie.frame@example.com) wants a new invoice.",
     "completion": "The invoice was e-mailed again.", "label": "billing"},
    {"id": "r-2", "prompt": "My password reset link expired twice.", "completion": "A new link was sent.",
     "label": "tech"},
    {"id": "r-3", "prompt": "Where is my order from last week?", "completion": "It ships on Monday.",
     "label": "delivery"},
]
TOPICS = ["the printer keeps jamming on the third floor", "my invoice shows the wrong delivery address",
          "the mobile app crashes when I open settings", "I was charged twice for one subscription",
          "the warehouse shipped a blue jacket instead of red", "our team cannot log in after the update",
          "the tracking page has not changed since Tuesday", "please cancel the annual plan at renewal",
          "the voucher code from the newsletter is rejected", "the headset arrived with a broken microphone",
          "how do I export last year's statements", "the courier left the box at the wrong house"]
FILLERS = [{"id": f"f-{i}", "prompt": f"Hello, {topic}.", "completion": f"Sorry about that: we fixed it ({i}).",
            "label": ("billing", "tech", "delivery")[i % 3]} for i, topic in enumerate(TOPICS)]
HOLDS_SUBJECT += FILLERS
OTHER += FILLERS
SPLITS = ("train", "validation", "test")


def _split_files(cur: Path) -> dict[str, Path]:
    return {s: cur / f"{s}.jsonl" for s in SPLITS}


def _split_of(cur: Path, record_id: str) -> str:
    return next(s for s, p in _split_files(cur).items() if any(r["id"] == record_id for r in read_jsonl(p)))


def _train_on(ledger: Ledger, split_file: Path, read_as: str, out: Path, version: str) -> str:
    """A training run as `gdprep train` records it (its splits as inputs, its adapter), registered as a model
    version: the lineage of training without the minutes of training."""
    with ledger_run(ledger, "training", command="gdprep train",
                    config={f"{read_as}_file": str(split_file), "output_dir": str(out)}) as rec:
        rec.input_dataset(read_as, split_file, len(read_jsonl(split_file)))
        adapter_sha = ledger.record_key(str(out))  # any 64-hex value unique to this run
        rec.event("adapter", {"adapter_sha256": adapter_sha, "dataset_sha256": "", "base_model": "tiny",
                              "adapter_dir": str(out / "adapter")})
        run_id = rec.run_id
    ledger.append("model_registered", {"name": "support-bot", "version": version,
                                       "training_run": run_id, "adapter_sha256": adapter_sha})
    return run_id


@pytest.fixture(scope="module")
def two_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("erase")
    home = base / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(home))
        for name in ("a", "b"):
            (base / name).mkdir()
        a, b = redact_and_curate(base / "a", HOLDS_SUBJECT), redact_and_curate(base / "b", OTHER)
        ledger = Ledger()
        held = _split_of(a / "cur", "r-1")
        other_split = _split_of(b / "cur", "r-1")
        runs = {
            "on_held_split": _train_on(ledger, _split_files(a / "cur")[held], "train", base / "ta", "1"),
            "on_other_file": _train_on(ledger, _split_files(b / "cur")[other_split], "train", base / "tb", "2"),
        }
        spare = next(s for s in SPLITS if s != held and read_jsonl(_split_files(a / "cur")[s]))
        runs["on_a_spare_split"] = _train_on(ledger, _split_files(a / "cur")[spare], "train", base / "tc", "3")
        result = CliRunner().invoke(app, ["erase", "--subject", NAME, "--dry-run", "--json"])
        by_email = CliRunner().invoke(app, ["erase", "--subject", EMAIL.upper(), "--dry-run", "--json"])
        text = CliRunner().invoke(app, ["erase", "--subject", NAME, "--dry-run"])
    assert result.exit_code == 0, result.output
    return {"a": a, "b": b, "home": home, "held": held, "runs": runs, "report": json.loads(result.output),
            "by_email": json.loads(by_email.output), "text": text.output}


def test_finds_the_subject_by_name_in_one_record(two_files: dict[str, Any]) -> None:
    report = two_files["report"]
    assert report["record_count"] == 1 and report["matched_by"] == ["name"]
    assert two_files["by_email"]["record_count"] == 1 and "email" in two_files["by_email"]["matched_by"]


def test_lists_only_the_split_that_holds_the_record_with_full_paths(two_files: dict[str, Any]) -> None:
    a, b, held = two_files["a"], two_files["b"], two_files["held"]
    paths = {d["path"] for d in two_files["report"]["dataset_versions"]}
    expected = {str((a / "in.jsonl").resolve()), str((a / "red.jsonl").resolve()),
                str((a / "cur" / f"{held}.jsonl").resolve())}
    assert expected <= paths
    assert all(p and Path(p).is_absolute() and str(b) not in p for p in paths), paths
    splits = {d["role"] for d in two_files["report"]["dataset_versions"] if d["stage"] == "curation"
              and d["direction"] == "output"}
    assert splits == {held}
    assert two_files["report"]["splits"] == {held: 1}
    assert str((a / "cur" / f"{held}.jsonl").resolve()) in two_files["text"].replace("\n", "")


def test_lists_only_adapters_trained_on_that_split_file(two_files: dict[str, Any]) -> None:
    adapters = two_files["report"]["adapters"]
    assert [x["training_run"] for x in adapters] == [two_files["runs"]["on_held_split"]]
    adapter = adapters[0]
    assert adapter["read_as"] == "train" and adapter["adapter_dir"].endswith("ta/adapter")
    assert [v["model"] for v in adapter["versions"]] == ["support-bot"]
    assert two_files["report"]["runs"] and two_files["runs"]["on_other_file"] not in two_files["report"]["runs"]


def test_the_name_never_reaches_the_ledger(two_files: dict[str, Any]) -> None:
    db = (two_files["home"] / "ledger.db").read_bytes()
    for value in (NAME, NAME.lower(), "imelda strachan", "strachan imelda", EMAIL):
        assert value.encode() not in db


def test_erasing_a_file_the_ledger_knows_does_not_hold_the_subject_keeps_its_records(
        two_files: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_HOME", str(two_files["home"]))
    for name, expected_removed, holds in (("a", 1, True), ("b", 0, False)):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["erase", "--subject", EMAIL, "--dataset",
                                          str(two_files[name] / "red.jsonl"), "--out-dir", str(out), "--json"])
        assert result.exit_code == 0, result.output
        [written] = json.loads(result.output)["written"]
        assert (written["removed"], written["holds_subject"]) == (expected_removed, holds)
        kept = [r["id"] for r in read_jsonl(out / "red.jsonl")]
        assert ("r-1" in kept) is not holds and len(kept) == len(HOLDS_SUBJECT) - expected_removed


def test_trace_tells_apart_one_id_in_two_files(two_files: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_HOME", str(two_files["home"]))
    result = CliRunner().invoke(app, ["audit", "trace", "r-1", "--json"])
    assert result.exit_code == 0, result.output
    lineage = json.loads(result.output)
    sources = {tuple(f["path"] for f in group["source_files"]): sorted(
        next(e["kind"] for e in lineage["events"] if e["seq"] == seq) for seq in group["events"])
        for group in lineage["files"]}
    assert sources == {(str((two_files[n] / "in.jsonl").resolve()),): ["record_curated", "record_redacted"]
                       for n in ("a", "b")}
    for run in lineage["runs"].values():
        assert [f["name"] for f in run["source_files"]] == ["in.jsonl"]
    held = [a for a in lineage["adapters"] if a["training_run"] == two_files["runs"]["on_held_split"]]
    assert held and held[0]["source"] == "in.jsonl"
    text = CliRunner().invoke(app, ["audit", "trace", "r-1"], terminal_width=300).output
    assert "2 different records, one per source file" in text
    assert str((two_files["a"] / "in.jsonl").resolve()) in text and str((two_files["b"] / "in.jsonl").resolve()) in text


def test_two_datasets_with_one_file_name_are_refused_before_anything_is_written(
        two_files: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both would be written to OUT/red.jsonl, the second over the first."""
    monkeypatch.setenv("GDPREP_HOME", str(two_files["home"]))
    before = sum(1 for _ in Ledger().iter_entries())
    result = CliRunner().invoke(app, ["erase", "--subject", EMAIL, "--dataset", str(two_files["a"] / "red.jsonl"),
                                      "--dataset", str(two_files["b"] / "red.jsonl"), "--out-dir", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "have the same file name" in result.output and "two runs with different --out-dir" in result.output
    assert not (tmp_path / "o" / "red.jsonl").exists()
    assert sum(1 for _ in Ledger().iter_entries()) == before


def test_an_unreadable_record_stops_the_erasure_at_its_line_and_nothing_is_published(
        two_files: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_HOME", str(two_files["home"]))
    source = tmp_path / "with-bad-line.jsonl"
    lines = (two_files["a"] / "red.jsonl").read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join([*lines[:2], "{not json", *lines[2:]]) + "\n", encoding="utf-8")
    good = two_files["b"] / "red.jsonl"  # read first, and complete, but not published either
    result = CliRunner().invoke(app, ["erase", "--subject", EMAIL, "--dataset", str(good), "--dataset", str(source),
                                      "--out-dir", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert f"{source.name}:3: is not valid JSON" in result.output and "fix the record in the source and erase " \
        "again" in result.output and "--on-error" not in result.output  # erase has no such option
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())  # nothing half written
