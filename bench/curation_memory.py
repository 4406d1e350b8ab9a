"""Benchmark: peak memory and throughput of the near-duplicate stage at 100k and 1M short records.

Each size runs in a fresh process so that peaks do not mix. Records (15-40 words, ~5% edited variants
of an earlier record, vocabulary from bench/neardup_data.py) come from a generator in batches of
10,000; the corpus is never held in memory. Document i is rebuilt from (seed, i) alone, so after the
last batch the candidate members' texts are regenerated for `verify`, as the stage's second pass over
the input would read them. Peak RSS is `ru_maxrss` of the child; the peak reached by the end of the
imports and by the end of indexing (before verification) are shown too.
docs/s counts the stage only (normalisation, shingling, indexing, verification and clustering),
not the generation of the synthetic records; the wall time includes both.

    python bench/curation_memory.py [--sizes 100000,1000000] [--seed 1] [--json bench/out/curation_memory.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from neardup_data import TARGETS, base_words, make_variant  # noqa: E402

BATCH = 10_000
VARIANT_SHARE = 0.05
MIN_WORDS, MAX_WORDS = 15, 40
PROGRESS_EVERY = 100_000


def record_words(seed: int, i: int) -> list[str]:
    """Record i, from (seed, i) alone: with probability VARIANT_SHARE an edited copy of an earlier record
    (which may itself be a variant), else a fresh text."""
    rng = random.Random((seed << 40) | i)
    if i > 0 and rng.random() < VARIANT_SHARE:
        base = record_words(seed, rng.randrange(i))
        words, _, _ = make_variant(rng, base, rng.choice(TARGETS), 3)
        return words
    return base_words(rng, MIN_WORDS, MAX_WORDS)


def record_text(seed: int, i: int) -> str:
    return " ".join(record_words(seed, i))


class RecordSource:
    """Batches of (indices, raw texts); `seconds` is the time spent generating them."""

    def __init__(self, seed: int, n: int, batch: int = BATCH) -> None:
        self.seed, self.n, self.batch = seed, n, batch
        self.seconds = 0.0

    def batches(self) -> Iterator[tuple[list[int], list[str]]]:
        for start in range(0, self.n, self.batch):
            began = time.perf_counter()
            indices = list(range(start, min(start + self.batch, self.n)))
            texts = [record_text(self.seed, i) for i in indices]
            self.seconds += time.perf_counter() - began
            yield indices, texts

    def text(self, i: int) -> str:
        began = time.perf_counter()
        value = record_text(self.seed, i)
        self.seconds += time.perf_counter() - began
        return value


def child(n: int, seed: int, threshold: float, num_perm: int, ngram: int) -> dict[str, Any]:
    from gdprep.curation.neardup import NearDuplicateIndex, connected_components
    from gdprep.curation.normalise import normalise

    index = NearDuplicateIndex(threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed)
    after_imports_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    source = RecordSource(seed, n)
    started = time.perf_counter()
    for indices, texts in source.batches():
        index.add(indices, [normalise(t) for t in texts])
        done = indices[-1] + 1
        if n >= 2 * PROGRESS_EVERY and done % PROGRESS_EVERY == 0:
            elapsed = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"  [{n}] indexed {done:>8} records, {elapsed:6.1f} s, peak RSS so far {rss:7.1f} MiB",
                  file=sys.stderr, flush=True)
    indexed_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    candidate_pairs = len(index.candidate_pairs)
    members = sorted(index.candidate_members())
    edges = index.verify({i: normalise(source.text(i)) for i in members})
    clusters = connected_components(edges)
    wall = time.perf_counter() - started
    stage = wall - source.seconds
    return {
        "n": n, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "after_imports_rss_mib": after_imports_kib / 1024, "after_index_rss_mib": indexed_kib / 1024,
        "wall_seconds": wall,
        "generate_seconds": source.seconds, "stage_seconds": stage, "docs_s": n / stage,
        "bands": index.num_bands, "candidate_pairs": candidate_pairs, "candidate_members": len(members),
        "verified_pairs": len(edges), "clusters": len(clusters),
        "records_in_clusters": sum(len(m) for m in clusters.values()),
    }


def measure(n: int, seed: int, threshold: float, num_perm: int, ngram: int) -> dict[str, Any]:
    # stderr is inherited so that progress shows while a large size runs
    out = subprocess.run([sys.executable, __file__, "--child", str(n), "--seed", str(seed),
                          "--threshold", str(threshold), "--num-perm", str(num_perm), "--ngram", str(ngram)],
                         stdout=subprocess.PIPE, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated record counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--ngram", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.seed, args.threshold, args.num_perm, args.ngram)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"near-duplicate stage memory: threshold={args.threshold}, num_perm={args.num_perm}, "
          f"word {args.ngram}-grams, seed={args.seed}, batches of {BATCH}, {MIN_WORDS}-{MAX_WORDS} words, "
          f"~{VARIANT_SHARE:.0%} variants, cpus={os.cpu_count()}", flush=True)
    rows = [measure(n, args.seed, args.threshold, args.num_perm, args.ngram) for n in sizes]
    header = (f"{'records':>9} {'peak RSS MiB':>12} {'after imports':>13} {'after index':>11} {'stage docs/s':>12} "
              f"{'stage s':>8} "
              f"{'generate s':>10} {'bands':>5} {'candidates':>10} {'members':>8} {'verified':>8} {'clusters':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['n']:9d} {r['peak_rss_mib']:12.1f} {r['after_imports_rss_mib']:13.1f} "
              f"{r['after_index_rss_mib']:11.1f} {r['docs_s']:12.1f} "
              f"{r['stage_seconds']:8.1f} {r['generate_seconds']:10.1f} {r['bands']:5d} {r['candidate_pairs']:10d} "
              f"{r['candidate_members']:8d} {r['verified_pairs']:8d} {r['clusters']:8d}")
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        growth_small = small["peak_rss_mib"] - small["after_imports_rss_mib"]
        growth_large = large["peak_rss_mib"] - large["after_imports_rss_mib"]
        per_record = (large["peak_rss_mib"] - small["peak_rss_mib"]) * 1024 * 1024 / (large["n"] - small["n"])
        print()
        print(f"peak RSS ratio ({large['n']} / {small['n']} records, {large['n'] / small['n']:g}x input): "
              f"{large['peak_rss_mib'] / small['peak_rss_mib']:.2f}x")
        print(f"growth above the RSS after imports: {growth_small:.1f} MiB -> {growth_large:.1f} MiB "
              f"({growth_large / max(growth_small, 1e-9):.2f}x); marginal {per_record:.0f} bytes per record")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"meta": {"threshold": args.threshold, "num_perm": args.num_perm, "ngram": args.ngram,
                            "seed": args.seed, "batch": BATCH, "cpus": os.cpu_count()}, "rows": rows}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
