"""bench/api_flow.py end to end: a real `gdprep serve` subprocess, driven through the HTTP API only, from an
upload to a released, promoted, re-trained and rolled-back adapter, and the lineage export that links the
adapter to its splits (OpenLineage and PROV)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("torch")
pytest.importorskip("mlflow")


@pytest.mark.slow
def test_the_api_flow_script_goes_from_upload_to_rollback_and_lineage(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "api_flow.py"), "--workdir", str(tmp_path / "w")],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout
    assert "OK: every step went through the HTTP API" in lines
    assert "registered ['support-bot:1']" in lines and "registered ['support-bot:2']" in lines
    assert "production: 2" in lines and "production: 1 (rollback target now: None)" in lines
    assert "(train, " in lines and "(validation, " in lines and "(test, " in lines
    assert "wasDerivedFrom gdprep:dataset-" in lines
