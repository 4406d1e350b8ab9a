"""Peak memory of the whole `gdprep curate` run (every stage, the leakage check and all outputs) on short
prompt/completion records, at two sizes, each in a fresh process.

Records are written to a temporary JSONL first (streamed, never held), about 5% of them near-duplicate
variants and 2% exact copies, with three labels and a customer group key. The run uses the default
config plus `fields.label_field` and `fields.group_field`; `--no-language` turns the (slowest) language
filter off; `--index rensa` uses rensa's LSH tables instead of the default compact index. Peak RSS is
`ru_maxrss` of the child process.

    python bench/curation_pipeline_memory.py [--sizes 100000,1000000] [--no-language] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("refund order delivery account password invoice parcel courier damaged late missing payment card "
         "address change cancel subscription upgrade broken screen battery charger warranty receipt branch "
         "manager balance transfer statement overdraft limit pin reset login error timeout install update "
         "printer laptop router signal outage engineer visit appointment reschedule confirm policy claim "
         "premium excess cover renewal quote booking flight seat luggage hotel room checkin checkout").split()


def write_records(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    recent: list[dict[str, str]] = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            roll = rng.random()
            if recent and roll < 0.02:
                row = dict(rng.choice(recent), id=f"r{i}")
            elif recent and roll < 0.07:
                base = rng.choice(recent)
                words = base["completion"].split()
                words[rng.randrange(len(words))] = rng.choice(WORDS)
                row = dict(base, id=f"r{i}", completion=" ".join(words))
            else:
                asked = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15)))
                row = {"id": f"r{i}", "prompt": "Customer asks about " + asked,
                       "completion": "Thanks for getting in touch. " + " ".join(
                           rng.choice(WORDS) for _ in range(rng.randint(10, 30))) + ".",
                       "label": rng.choice(("billing", "billing", "delivery", "tech")),
                       "customer": f"c{rng.randrange(max(1, n // 5))}"}
            recent.append(row)
            if len(recent) > 500:
                recent.pop(0)
            fh.write(json.dumps(row) + "\n")


def child(path: str, out: str, language: bool, index: str) -> None:
    from gdprep.curation.config import load_curation_config
    from gdprep.curation.run import run_curate

    overrides = {"fields.label_field": "label", "fields.group_field": "customer"}
    if not language:
        overrides["quality.languages"] = []
    overrides["near_dedup.index"] = index
    cfg = load_curation_config(None, overrides)
    start = time.perf_counter()
    report = run_curate(Path(path), Path(out), cfg, languages=["en"])
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mib": peak, "counts": report["counts"],
                      "leak_pairs": report["leakage"]["pairs"]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--no-language", action="store_true", help="turn the language filter off")
    parser.add_argument("--keep", type=Path, default=None, help="keep inputs and outputs here")
    parser.add_argument("--index", choices=["rensa", "compact"], default="compact",
                        help="near-duplicate index (default: the config default, compact)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2] == "1", args.child[3])
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="gdprep-curate-mem-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"gdprep curate, whole run: language filter {'off' if args.no_language else 'on'}, "
          f"near-duplicate index {args.index}")
    print(f"{'records':>9} {'peak RSS MiB':>13} {'seconds':>9} {'records/s':>10} {'train':>9} {'removed':>9} "
          f"{'leaks':>6}")
    peaks = []
    for n in sizes:
        src = workdir / f"in-{n}.jsonl"
        write_records(src, n)
        out = workdir / f"out-{n}"
        proc = subprocess.run([sys.executable, __file__, "--child", str(src), str(out),
                               "0" if args.no_language else "1", args.index], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            print(proc.stderr[-2000:])
            raise SystemExit(proc.returncode)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        peaks.append(result["peak_mib"])
        counts = result["counts"]
        print(f"{n:>9} {result['peak_mib']:>13.1f} {result['seconds']:>9.1f} {n / result['seconds']:>10.0f} "
              f"{counts['train']:>9} {counts['removed']:>9} {result['leak_pairs']:>6}")
        if args.keep is None:
            src.unlink()
    if len(peaks) == 2:
        print(f"peak ratio ({sizes[1]} / {sizes[0]} records): {peaks[1] / peaks[0]:.2f}x")


if __name__ == "__main__":
    main()
