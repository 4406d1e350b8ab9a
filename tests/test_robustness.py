"""Failure modes found in review: nothing overwritten, nothing half-written, every column kept."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from gdprep.policies import load_policy
from gdprep.service.cli import app

from .conftest import read_jsonl, write_jsonl

runner = CliRunner()
POLICY = load_policy("uk-gdpr-default")


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_output_that_is_the_input_is_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "same.jsonl", [{"id": "1", "text": "Call Jane Quellec"}])
    before = src.read_bytes()
    for cmd in (["redact", "--report", str(tmp_path / "r.json")], ["detect"]):
        code, output = invoke(*cmd, "--input", str(src), "--output", str(src))
        assert code == 2 and "is the input file" in output
    assert src.read_bytes() == before


def test_failed_run_leaves_no_partial_output(tmp_path: Path) -> None:
    rows = "".join(json.dumps({"id": i, "text": f"Ring Oliver Quellec on 07700 900{i:03d}"}) + "\n" for i in range(300))
    src = tmp_path / "in.jsonl"
    src.write_text(rows + "{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))
    assert code == 2 and "in.jsonl:301" in output
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_parquet_keeps_sparse_columns(tmp_path: Path) -> None:
    rows = [{"id": str(i), "text": "hello", "note": None if i < 300 else "late"} for i in range(310)]
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    out = tmp_path / "out.parquet"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))
    assert code == 0, output
    got = pq.read_table(out).to_pylist()
    assert len(got) == 310 and got[305]["note"] == "late" and got[0]["note"] is None


def test_csv_keeps_columns_empty_at_first(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "note", "never"])
        for i in range(300):
            writer.writerow([i, "hello", "late" if i >= 280 else "", ""])
    out = tmp_path / "out.csv"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))
    assert code == 0, output
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(got[0]) == ["id", "text", "note", "never"]
    assert got[290]["note"] == "late" and len(got) == 300


def test_lone_surrogate_is_quarantined(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "bad \\ud800 char"}\n{"id": "b", "text": "fine"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"),
                          "--on-error", "quarantine")
    assert code == 0, output
    assert [q["reason"] for q in read_jsonl(tmp_path / "out.quarantine.jsonl")] == ["bad_encoding"]
    assert [r["id"] for r in read_jsonl(out)] == ["b"]


def test_text_with_mixed_line_ends_is_redacted(tmp_path: Path) -> None:
    # a "\n" and a lone "\r" in one field: the CSV-column recognizer's header check raised csv.Error and the run
    # stopped with a traceback
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [{"id": "a", "text": "Export\nname,email\rOrla Quennell,orla.q@example.org\rnext"}])
    out = tmp_path / "out.jsonl"
    code, output = invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"))
    assert code == 0, output
    [row] = read_jsonl(out)
    assert "Orla Quennell" not in row["text"] and "orla.q@example.org" not in row["text"]
    assert row["text"].startswith("Export\nname,email\r")


def test_a_fault_in_gdprep_is_a_short_error_with_the_traceback_kept(tmp_path: Path, _isolated_state: Path,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gdprep.service import stages

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom in a recognizer")

    monkeypatch.setattr(stages, "redact", broken)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "hello"}])
    code, output = invoke("redact", "--input", str(src), "--output", str(tmp_path / "out.jsonl"),
                          "--report", str(tmp_path / "r.json"))
    assert code == 1
    assert "internal error (RuntimeError: boom in a recognizer)" in output and "Traceback" not in output
    [crash] = (_isolated_state / "crashes").iterdir()
    assert crash.name in output.replace("\n", "")
    assert "Traceback" in crash.read_text(encoding="utf-8") and "boom in a recognizer" in crash.read_text()


def test_csv_field_longer_than_the_csv_module_default(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1," + "word " * 40_000 + "\n", encoding="utf-8")
    code, output = invoke("detect", "--input", str(src), "--output", str(tmp_path / "f.jsonl"))
    assert code == 0, output


def test_error_messages_are_not_read_as_markup(tmp_path: Path) -> None:
    code, output = invoke("detect", "--input", str(tmp_path / "data[v2].jsonl"), "--output", str(tmp_path / "o.jsonl"))
    assert code == 2 and "data[v2].jsonl" in output


def test_null_id_gets_the_content_id_everywhere(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": None, "text": "Call Jane Quellec"}])
    assert invoke("redact", "--input", str(src), "--output", str(tmp_path / "out.jsonl"),
                  "--report", str(tmp_path / "r.json"))[0] == 0
    assert invoke("detect", "--input", str(src), "--output", str(tmp_path / "f.jsonl"))[0] == 0
    assert read_jsonl(tmp_path / "out.jsonl")[0]["id"] == read_jsonl(tmp_path / "f.jsonl")[0]["id"]
    assert read_jsonl(tmp_path / "f.jsonl")[0]["id"].startswith("sha256:")


def test_a_run_waits_out_another_runs_short_hold_on_the_vault(tmp_path: Path, _isolated_state: Path) -> None:
    import fcntl
    import threading

    from gdprep.privacy.pipeline import run_redact

    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "Call Jane Quellec"}])
    vault = _isolated_state / "vault.bin"
    vault.parent.mkdir(parents=True, exist_ok=True)
    with open(vault.with_name("vault.bin.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run adding an entry
        threading.Timer(1.0, fcntl.flock, (lock, fcntl.LOCK_UN)).start()
        summary = run_redact(src, tmp_path / "out.jsonl", tmp_path / "r.json", POLICY)
    assert summary.n_out == 1 and "Quellec" not in (tmp_path / "out.jsonl").read_text(encoding="utf-8")


def test_deanonymize_reads_csv_with_emptied_fields(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("schema_version: 1\nname: t\nlanguages: [en]\nentities:\n"
                      "  PERSON: {operator: redact}\n  PHONE_NUMBER: {operator: encrypt}\n", encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text("id,prompt,completion\n1,Oliver Quellec,07700 900123\n", encoding="utf-8")
    out, back = tmp_path / "out.csv", tmp_path / "back.csv"
    assert invoke("redact", "--input", str(src), "--output", str(out), "--report", str(tmp_path / "r.json"),
                  "--policy", str(policy))[0] == 0
    code, output = invoke("deanonymize", "--input", str(out), "--output", str(back), "--reason", "test",
                          "--policy", str(policy))
    assert code == 0, output
    row = next(csv.DictReader(back.open(encoding="utf-8")))
    assert row["prompt"] == "" and row["completion"] == "07700 900123"


def test_report_snippets_hide_words_outside_the_dictionary() -> None:
    from gdprep.privacy.report import mask_residual

    masked = mask_residual("user jquellec77 said hi to the team near Zyxborough")
    assert "jquellec77" not in masked and "Zyxborough" not in masked
    assert "said hi to the team" in masked
