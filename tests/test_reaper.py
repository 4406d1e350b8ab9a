"""The Ray reaper finds a run's processes by its marker or by the files they hold open in the run's temp dir."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from gdprep.reaper import MARKER_ENV, marked_processes


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_process_holding_a_file_in_the_temp_dir_is_found_without_the_marker(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time, pathlib\n"
        f"f = open({str(tmp_path / 'session.log')!r}, 'w')\n"
        f"pathlib.Path({str(ready)!r}).touch()\n"
        "time.sleep(60)\n")])
    other = tmp_path.parent / f"elsewhere-{uuid.uuid4().hex}"
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        marker = uuid.uuid4().hex  # no process carries it
        assert holder.pid in marked_processes(marker, tmp_path)
        assert holder.pid not in marked_processes(marker)
        assert holder.pid not in marked_processes(marker, other)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_process_with_the_marker_is_found(tmp_path: Path) -> None:
    import os

    marker = uuid.uuid4().hex
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                              env={**os.environ, MARKER_ENV: marker})
    try:
        assert holder.pid in marked_processes(marker)
    finally:
        holder.kill()
        holder.wait()
