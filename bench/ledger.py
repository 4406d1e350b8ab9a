"""Ledger throughput: append N per-record lineage entries in batches (as a curation run does), sign a
checkpoint, verify the whole ledger, and build an inclusion proof; SQLite by default or any SQLAlchemy URL.

Prints entries/s for appending and for verification, and the size of the database file.

    python bench/ledger.py [--n 1000000] [--url sqlite:////tmp/ledger.db]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gdprep.audit.ledger import Keys, Ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="SQLAlchemy URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gdprep-ledger-bench-"))
    url = args.url or f"sqlite:///{work / 'ledger.db'}"
    ledger = Ledger(url, keys=Keys(work / "state"))
    run_id = ledger.start_run("curation", command="bench/ledger.py")

    def items():  # the shape of a curation decision, the most common entry
        for i in range(args.n):
            payload = {"step": "split", "outcome": "assigned", "split": ("train", "validation", "test")[i % 3]}
            yield "record_curated", run_id, ledger.record_key(f"r{i}"), payload

    t0 = time.perf_counter()
    ledger.append_many(items())
    t_append = time.perf_counter() - t0
    t0 = time.perf_counter()
    ledger.finish_run(run_id, "curation", ok=True, summary={"records": args.n})
    t_checkpoint = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = ledger.verify()
    t_verify = time.perf_counter() - t0
    t0 = time.perf_counter()
    proof = ledger.inclusion(args.n // 2)
    t_proof = time.perf_counter() - t0
    size = (work / "ledger.db").stat().st_size if args.url is None else None
    print(f"ledger bench: {args.n:,} per-record entries, {ledger.engine.dialect.name}")
    print(f"  append (batched, HMAC record keys included): {t_append:8.1f} s  {args.n / t_append:10,.0f} entries/s")
    print(f"  checkpoint (Merkle root over all + Ed25519):  {t_checkpoint:8.1f} s")
    print(f"  verify (every leaf, root, signature):         {t_verify:8.1f} s  {result.entries / t_verify:10,.0f} "
          f"entries/s  ok={result.ok}")
    print(f"  inclusion proof of one entry:                 {t_proof:8.1f} s  verified={proof['verified']}")
    if size is not None:
        print(f"  database size: {size / 2**20:,.1f} MiB ({size / args.n:,.0f} bytes per entry)")


if __name__ == "__main__":
    main()
