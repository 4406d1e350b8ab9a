"""End-to-end CLI tests: real files in, real files out, exit codes, accounting and no raw PII leaks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gdprep.service.cli import app

from .conftest import read_jsonl, write_jsonl

runner = CliRunner()

RECORDS = [
    {"id": "t1", "text": "Hi, my name is Sarah Thompson, call me on 07700 900123 or email "
                         "sarah.thompson@example.co.uk. NHS number 943 476 5919.", "label": "support"},
    {"id": "t2", "prompt": "Update the address for Mr Oliver Bennett",
     "completion": "Done: Flat 3, 14 Kingsway Road, Leeds LS6 2QT is now on file.", "label": "hr"},
    {"id": "t3", "messages": [
        {"role": "user", "content": "Mein Name ist Jonas Becker, IBAN DE89 3704 0044 0532 0130 00."},
        {"role": "assistant", "content": "Danke Herr Becker, wir prüfen Bestellung #100234567."}],
     "label": "support"},
    {"id": "t4", "text": "Version 2.13.0 fixed error ERR-5003 on order #100234567 (SKU-4821-XL, £49.99).",
     "label": "support"},
    {"text": "Patient diagnosed with type 2 diabetes; prescribed metformin.", "label": "clinical"},
]
RAW_VALUES = ["Sarah Thompson", "07700 900123", "sarah.thompson@example.co.uk", "943 476 5919",
              "Oliver Bennett", "14 Kingsway Road", "Jonas Becker", "DE89 3704 0044 0532 0130 00"]


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_help_on_every_command() -> None:
    for cmd in ([], ["detect"], ["redact"], ["eval"], ["eval-detector"], ["deanonymize"], ["sample"], ["demo"],
                ["policy"], ["policy", "list"], ["policy", "show"], ["policy", "validate"], ["policy", "schema"]):
        code, output = invoke(*cmd, "--help")
        assert code == 0, (cmd, output)
        assert "Usage" in output


def test_eval_is_a_hidden_alias_of_eval_detector() -> None:
    """`gdprep eval` keeps working for scripts, but the help lists only the name that cannot be confused
    with `gdprep evaluate`."""
    code, output = invoke("--help")
    assert code == 0
    assert "eval-detector" in output
    commands = [line.strip("│ ").split(" ")[0] for line in output.splitlines()]
    assert "eval-detector" in commands and "evaluate" in commands and "eval" not in commands


def test_detect_contract(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    code, output = invoke("detect", "--input", str(src), "--output", str(tmp_path / "f.jsonl"))
    assert code == 0, output
    rows = read_jsonl(tmp_path / "f.jsonl")
    assert [r["id"] for r in rows[:4]] == ["t1", "t2", "t3", "t4"]
    assert rows[4]["id"].startswith("sha256:")
    text = RECORDS[0]["text"]
    found = {(e["entity_type"], text[e["start"]:e["end"]]) for e in rows[0]["entities"]}
    assert {("PERSON", "Sarah Thompson"), ("PHONE_NUMBER", "07700 900123"),
            ("EMAIL_ADDRESS", "sarah.thompson@example.co.uk"), ("UK_NHS", "943 476 5919")} <= found
    for e in rows[0]["entities"]:
        assert set(e) == {"field", "start", "end", "entity_type", "score", "recognizer"}
        assert e["field"] == "text"
    fields = {e["field"] for e in rows[2]["entities"]}
    assert fields == {"messages[0].content", "messages[1].content"}
    assert rows[3]["entities"] == []  # versions, error codes, order numbers, SKUs, prices: not PII
    assert rows[4]["special_categories"][0]["category"] == "health"
    assert not any(v in (tmp_path / "f.jsonl").read_text() for v in RAW_VALUES)


def test_redact_jsonl_end_to_end(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(report))
    assert code == 0, output
    assert not any(value in output for value in RAW_VALUES)  # nothing raw on the console either
    rows = read_jsonl(out)
    assert len(rows) == 5
    assert rows[1]["label"] == "hr" and rows[1]["id"] == "t2"
    blob = out.read_text(encoding="utf-8")
    for value in RAW_VALUES:
        assert value not in blob
    assert "<PERSON_" in rows[0]["text"] and "<EMAIL_ADDRESS>" in rows[0]["text"]
    assert rows[3]["text"] == RECORDS[3]["text"]  # nothing to redact: byte-identical
    data = json.loads(report.read_text(encoding="utf-8"))
    html = report.with_suffix(".html").read_text(encoding="utf-8")
    assert data["policy"]["hash"].startswith("sha256:") and data["policy"]["hash"] in html
    for value in RAW_VALUES:
        assert value not in html and value not in report.read_text(encoding="utf-8")


def test_redacted_output_is_not_flagged_again(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    out = tmp_path / "out.jsonl"
    assert invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))[0] == 0
    code, output = invoke("detect", "--input", str(out), "--output", str(tmp_path / "again.jsonl"))
    assert code == 0, output
    assert all(r["entities"] == [] for r in read_jsonl(tmp_path / "again.jsonl"))


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_redact_keeps_input_format(tmp_path: Path, ext: str) -> None:
    rows = [{"id": "1", "prompt": "Customer Oliver Bennett called from 07700 900123", "completion": "Noted."},
            {"id": "2", "prompt": "Reset password", "completion": "Done."}]
    src = tmp_path / f"in{ext}"
    if ext == ".csv":
        src.write_text("id,prompt,completion\n" + "".join(f'{r["id"]},{r["prompt"]},{r["completion"]}\n'
                                                          for r in rows), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(rows), src)
    out = tmp_path / f"out{ext}"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))
    assert code == 0, output
    if ext == ".csv":
        import csv
        got = list(csv.DictReader(out.open(encoding="utf-8")))
    else:
        got = pq.read_table(out).to_pylist()
    assert [g["id"] for g in got] == ["1", "2"]
    assert "Oliver Bennett" not in got[0]["prompt"] and "07700 900123" not in got[0]["prompt"]
    assert got[1]["prompt"] == "Reset password"


def test_bad_input_exit_code_and_quarantine(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Call 07700 900123"}\n{"id": "b", "text": \n{"id": "c", "text": 5}\n'
                   '{"id": "d", "text": "fine"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))
    assert code == 2
    assert "in.jsonl:2: is not valid JSON" in output and "--on-error quarantine" in output
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"),
                          "--on-error", "quarantine")
    assert code == 0, output
    quarantined = read_jsonl(tmp_path / "out.quarantine.jsonl")
    assert [(q["line"], q["reason"]) for q in quarantined] == [(2, "bad_json"), (3, "non_string_field")]
    assert [r["id"] for r in read_jsonl(out)] == ["a", "d"]
    counts = json.loads((tmp_path / "r.json").read_text())["records"]
    assert counts["in"] == 4 and counts["out"] == 2 and counts["quarantined"] == 2


def test_special_category_drop_goes_to_dropped_file(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "c1", "text": "He has a criminal conviction for fraud."},
        {"id": "c2", "text": "Please reset my password."}])
    out = tmp_path / "out.jsonl"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"),
                          "--policy", "eu-gdpr-strict")
    assert code == 0, output
    assert [r["id"] for r in read_jsonl(out)] == ["c2"]
    dropped = read_jsonl(tmp_path / "out.dropped.jsonl")
    assert dropped == [{"id": "c1", "line": 1, "stage": "privacy", "reason": "special_category",
                        "categories": ["criminal"]}]


def test_encrypt_and_pseudonym_round_trip_via_deanonymize(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS[:3])
    out, back = tmp_path / "out.jsonl", tmp_path / "back.jsonl"
    assert invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"),
                  "--policy", "eu-gdpr-strict")[0] == 0
    assert "<ENC:" in out.read_text(encoding="utf-8")
    code, output = invoke("deanonymize", "--input", str(out), "--output", str(back), "--reason", "DSAR 42",
                          "--policy", "eu-gdpr-strict")
    assert code == 0, output
    restored = read_jsonl(back)
    assert restored[0]["text"] == RECORDS[0]["text"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("detect", "--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "o.jsonl"))[0] == 2
    assert invoke("detect", "--bogus")[0] == 2
    assert invoke("redact", "--input", "x.jsonl")[0] == 2
    code, output = invoke("policy", "validate", str(tmp_path / "nope.yaml"))
    assert code == 2 and "does not exist" in output


def test_eval_prints_scores(tmp_path: Path) -> None:
    text = "Call Sarah Thompson on 07700 900123."
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "g1", "text": text, "spans": [
        {"start": 5, "end": 19, "type": "PERSON"}, {"start": 23, "end": 35, "type": "PHONE_NUMBER"}]}])
    code, output = invoke("eval", "--gold", str(gold), "--json", str(tmp_path / "scores.json"))
    assert code == 0, output
    assert "PERSON" in output and "PHONE_NUMBER" in output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["entity"]["overall"]["recall"] == 1.0


def test_console_script_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "gdprep.service.cli", "policy", "list"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "uk-gdpr-default" in result.stdout
