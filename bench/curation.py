"""Benchmark: gdprep's near-duplicate stage against datasketch's MinHash LSH on the same labelled set.

The set comes from bench/neardup_data.py: bases, edited variants at several true Jaccard levels on both
sides of the threshold, unrelated negatives, and the exact ground-truth pairs (word n-gram Jaccard of
the normalised text >= threshold).

- gdprep: `NearDuplicateIndex` (rensa MinHash LSH, its own band choice), raw texts added in batches of
  2,000 (normalised inside `add`, in the same pass as the word split), then `verify`: the shingle
  hashes of candidates are still cached from `add` (a bounded cache); any not cached would be read and
  normalised again, as the stage's second pass does. Reports the verified pairs.
- gdprep, compact index: the same with `index="compact"` (band hashes in numpy arrays instead of rensa's
  LSH tables: far less memory per record). It is the config's default since 1M-record runs had to stay
  under 2 GB; the throughput target below is checked on the rensa index (`near_dedup.index: rensa`).
- datasketch: one `MinHash(num_perm, seed)` per document updated with `update_batch` of the same
  shingles as UTF-8 bytes, inserted into `MinHashLSH(threshold, num_perm)` (its own band choice), then
  `lsh.query` per document. Reports its LSH candidate pairs unverified, as it is usually used; a
  further line shows its figures had those candidates been verified (verification not timed).

Both timings cover the whole run, normalisation and shingling included; each system runs `--repeats`
times and its fastest run counts. Precision, recall and F1 are over pairs.

    python bench/curation.py [--n 20000] [--threshold 0.8] [--num-perm 128] [--ngram 3] [--seed 1]
                             [--repeats 2] [--json bench/out/curation.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from neardup_data import NearDupSet, describe, generate_neardup_set  # noqa: E402

from gdprep.curation.neardup import NearDuplicateIndex, jaccard, shingles  # noqa: E402
from gdprep.curation.normalise import normalise  # noqa: E402

BATCH = 2_000
Pair = tuple[int, int]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[Any, float, list[float]]:
    """Run `fn` `repeats` times; keep the last result, the fastest time and all times."""
    times, value = [], None
    for _ in range(repeats):
        value, elapsed = timed(fn)
        times.append(elapsed)
    return value, min(times), times


def run_ours(texts: Sequence[str], threshold: float, num_perm: int, ngram: int, seed: int,
             kind: str = "rensa") -> dict[str, Any]:
    index = NearDuplicateIndex(threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed,
                               index=kind)  # type: ignore[arg-type]
    for start in range(0, len(texts), BATCH):
        chunk = texts[start:start + BATCH]
        index.add(list(range(start, start + len(chunk))), chunk, normalised=False)  # normalised inside
    members = index.members_needing_text()  # shingles of the rest are still cached from `add`
    edges = index.verify({i: texts[i] for i in sorted(members)}, normalised=False)
    return {"pairs": {(a, b) for a, b, _ in edges}, "candidates": set(index.candidate_pairs),
            "bands": index.num_bands, "rows": num_perm // index.num_bands}


def run_datasketch(texts: Sequence[str], threshold: float, num_perm: int, ngram: int, seed: int) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, text in enumerate(texts):
        minhash = MinHash(num_perm=num_perm, seed=seed)
        minhash.update_batch([s.encode("utf-8") for s in shingles(normalise(text), ngram)])
        lsh.insert(i, minhash)
        hashes.append(minhash)
    pairs: set[Pair] = set()
    for i, minhash in enumerate(hashes):
        for j in lsh.query(minhash):
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    return {"pairs": pairs, "candidates": pairs, "bands": lsh.b, "rows": lsh.r}


def scores(predicted: set[Pair], truth: set[Pair]) -> dict[str, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": len(predicted), "hits": hits}


SIMILARITY_BANDS = ((0.80, 0.85), (0.85, 0.90), (0.90, 0.95), (0.95, 1.01))


def recall_by_similarity(predicted: set[Pair], data: NearDupSet) -> list[tuple[str, int, float]]:
    rows = []
    for lo, hi in SIMILARITY_BANDS:
        lo = max(lo, data.threshold)
        band = {p for p in data.truth if lo <= data.pair_similarity[p] < hi}
        if band:
            rows.append((f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}", len(band),
                         len(band & predicted) / len(band)))
    return rows


def run(n: int, threshold: float, num_perm: int, ngram: int, seed: int, repeats: int) -> dict[str, Any]:
    data, gen_s = timed(lambda: generate_neardup_set(n, seed, threshold=threshold, ngram=ngram))
    texts = data.texts

    ours, ours_s, ours_times = best_of(repeats, lambda: run_ours(texts, threshold, num_perm, ngram, seed))
    theirs, theirs_s, theirs_times = best_of(
        repeats, lambda: run_datasketch(texts, threshold, num_perm, ngram, seed))
    compact, compact_s, compact_times = best_of(
        repeats, lambda: run_ours(texts, threshold, num_perm, ngram, seed, "compact"))

    sets: dict[int, set[str]] = {}

    def shingle_set(i: int) -> set[str]:
        if i not in sets:
            sets[i] = shingles(normalise(texts[i]), ngram)
        return sets[i]

    theirs_verified = {(a, b) for a, b in theirs["candidates"] if jaccard(shingle_set(a), shingle_set(b)) >= threshold}
    rows = {
        "gdprep NearDuplicateIndex": {**scores(ours["pairs"], data.truth), "docs_s": n / ours_s, "seconds": ours_s,
                                      "all_seconds": ours_times, "bands": ours["bands"], "rows": ours["rows"],
                                      "candidate_pairs": len(ours["candidates"]),
                                      "recall_by_similarity": recall_by_similarity(ours["pairs"], data)},
        "gdprep, compact index": {**scores(compact["pairs"], data.truth), "docs_s": n / compact_s,
                                  "seconds": compact_s, "all_seconds": compact_times, "bands": compact["bands"],
                                  "rows": compact["rows"], "candidate_pairs": len(compact["candidates"]),
                                  "recall_by_similarity": recall_by_similarity(compact["pairs"], data)},
        "datasketch MinHashLSH": {**scores(theirs["pairs"], data.truth), "docs_s": n / theirs_s,
                                  "seconds": theirs_s, "all_seconds": theirs_times, "bands": theirs["bands"],
                                  "rows": theirs["rows"], "candidate_pairs": len(theirs["candidates"]),
                                  "recall_by_similarity": recall_by_similarity(theirs["pairs"], data)},
    }
    return {"data": data, "generate_seconds": gen_s, "rows": rows,
            "datasketch_verified": scores(theirs_verified, data.truth)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="documents")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--ngram", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2, help="timed runs per system; the fastest counts")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    result = run(args.n, args.threshold, args.num_perm, args.ngram, args.seed, args.repeats)
    data: NearDupSet = result["data"]
    versions = {"datasketch": version("datasketch"), "rensa": version("rensa")}
    print(f"threshold={args.threshold}, num_perm={args.num_perm}, word {args.ngram}-grams, seed={args.seed}, "
          f"repeats={args.repeats}, cpus={os.cpu_count()}, datasketch {versions['datasketch']}, "
          f"rensa {versions['rensa']}")
    print("\n".join(describe(data)))
    print(f"(set generated and checked in {result['generate_seconds']:.1f} s, not timed)")
    print()
    header = (f"{'system':28} {'precision':>9} {'recall':>7} {'F1':>7} {'docs/s':>9} {'seconds':>8} "
              f"{'bands':>5} {'rows':>4} {'candidates':>10} {'reported':>8}")
    print(header)
    print("-" * len(header))
    for name, row in result["rows"].items():
        print(f"{name:28} {row['precision']:9.4f} {row['recall']:7.4f} {row['f1']:7.4f} {row['docs_s']:9.1f} "
              f"{row['seconds']:8.2f} {row['bands']:5d} {row['rows']:4d} {row['candidate_pairs']:10d} "
              f"{row['predicted']:8d}")
    verified = result["datasketch_verified"]
    print(f"{'  datasketch, if verified':28} {verified['precision']:9.4f} {verified['recall']:7.4f} "
          f"{verified['f1']:7.4f} {'(verification not timed)':>30}")
    print()
    ours = result["rows"]["gdprep NearDuplicateIndex"]
    theirs = result["rows"]["datasketch MinHashLSH"]
    print("all timed runs (s): " + "; ".join(
        f"{name}: " + ", ".join(f"{t:.2f}" for t in row["all_seconds"]) for name, row in result["rows"].items()))
    print("recall by true Jaccard of the pair:")
    for (label, count, r_ours), (_, _, r_theirs) in zip(ours["recall_by_similarity"], theirs["recall_by_similarity"],
                                                        strict=True):
        print(f"  {label:13} n={count:5d}  gdprep {r_ours:6.4f}  datasketch {r_theirs:6.4f}")
    print()
    ratio = ours["docs_s"] / theirs["docs_s"]
    print(f"throughput ratio gdprep/datasketch: {ratio:.2f}x  (target >= 10.0)")
    print(f"recall: gdprep {ours['recall']:.4f} vs datasketch {theirs['recall']:.4f}")
    print(f"precision: gdprep {ours['precision']:.4f} vs datasketch {theirs['precision']:.4f} (unverified)")
    print()
    targets = {
        "throughput >= 10x datasketch": ratio >= 10.0,
        "recall >= datasketch recall": ours["recall"] >= theirs["recall"],
        "precision >= 0.98": ours["precision"] >= 0.98,
    }
    for name, ok in targets.items():
        print(f"  [{'PASS' if ok else 'MISS'}] {name}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "meta": {"n": args.n, "threshold": args.threshold, "num_perm": args.num_perm, "ngram": args.ngram,
                     "seed": args.seed, "repeats": args.repeats, "cpus": os.cpu_count(), "versions": versions,
                     "generate_seconds": result["generate_seconds"]},
            "dataset": {**data.stats, "cross_sampled": data.cross_sampled,
                        "cross_sample_max": data.cross_sample_max, "join_candidates": data.join_candidates},
            "rows": result["rows"], "datasketch_verified": verified, "ratio_docs_s": ratio, "targets": targets,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
