"""Shared fixtures: an isolated state directory per test and small record files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# pytest-xdist's workers start with COLUMNS=80 set, and rich fixes a console's width when it is made (at import)
# with COLUMNS set; tests that widen the output with CliRunner(env={"COLUMNS": ...}) need it unset here
os.environ.pop("COLUMNS", None)


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own GDPREP_HOME so keys and vaults never leak between tests."""
    home = tmp_path / "home"
    monkeypatch.setenv("GDPREP_HOME", str(home))
    for var in ("GDPREP_MASTER_KEY", "GDPREP_KEY_FILE"):
        monkeypatch.delenv(var, raising=False)
    return home


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def router_rows(n: int = 80) -> list[dict]:
    """Support prompt/completion records with two labels, for the smoke-model training tests."""
    return [{"id": f"r{i}", "prompt": f"How do I reset router model {i % 7}?",
             "completion": f"Unplug it, wait {i % 5 + 10} seconds and plug it back in. Ticket {i}.",
             "label": ("a", "b")[i % 2]} for i in range(n)]


CURATE_YAML = "fields: {label_field: label}\noutput: {hf_dataset: false}\nquality: {languages: []}\n"


def redact_and_curate(work: Path, rows: list[dict], curate_yaml: str = CURATE_YAML) -> Path:
    """`gdprep redact` then `gdprep curate` through the CLI, as a data engineer would, so that the ledger
    records the lineage the training gate checks. Writes in.jsonl, red.jsonl, report.json and cur/ under
    `work`; returns `work`."""
    from typer.testing import CliRunner

    from gdprep.service.cli import app

    runner = CliRunner()
    src = write_jsonl(work / "in.jsonl", rows)
    red = runner.invoke(app, ["redact", "-i", str(src), "-o", str(work / "red.jsonl"), "-r", str(work / "report.json")])
    assert red.exit_code == 0, red.output
    cfg = work / "curate.yaml"
    cfg.write_text(curate_yaml, encoding="utf-8")
    cur = runner.invoke(app, ["curate", "-i", str(work / "red.jsonl"), "-o", str(work / "cur"), "-c", str(cfg)])
    assert cur.exit_code == 0, cur.output
    return work
