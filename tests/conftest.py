"""Shared fixtures: an isolated state directory per test and small record files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


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
