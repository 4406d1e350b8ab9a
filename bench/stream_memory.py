"""Benchmark: peak memory of `gdprep redact` does not grow with the input (streaming).

Runs the redact pipeline in a fresh process on N and 10*N synthetic records and prints the peak RSS
of each and their ratio. A pipeline that held the input in memory would grow ~10x; a streaming one
stays flat (the vault and the report's bounded queues are the only state that grows, and only with
distinct values / up to fixed caps).

    python bench/stream_memory.py [--n 10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path


def child(n: int, workdir: Path) -> None:
    from gdprep.policies import load_policy
    from gdprep.privacy.pipeline import run_redact

    src = workdir / f"in-{n}.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n):
            # a fixed handful of people, so the vault stays small and only input size varies
            fh.write(json.dumps({"id": i, "text": f"Ticket {i}: customer Oliver Bennett (oliver{i % 7}@example.org) "
                                                  f"reports error E{i % 50} on order #{100000 + i}."}) + "\n")
    run_redact(src, workdir / f"out-{n}.jsonl", workdir / f"report-{n}.json", load_policy("uk-gdpr-default"))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": n, "peak_rss_mib": peak_kib / 1024}))


def measure(n: int, workdir: Path) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", str(n), "--workdir", str(workdir)],
                         capture_output=True, text=True, check=True,
                         env={"GDPREP_HOME": str(workdir / "home"), "PATH": "/usr/bin:/bin"})
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mib"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.workdir)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(args.n, Path(tmp))
        large = measure(args.n * 10, Path(tmp))
    print(f"peak RSS, {args.n:>7} records: {small:7.1f} MiB")
    print(f"peak RSS, {args.n * 10:>7} records: {large:7.1f} MiB")
    print(f"ratio (10x input): {large / small:.2f}x  (streaming target: close to 1.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
