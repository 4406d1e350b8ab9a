"""The local engine against Ray, and two redaction jobs at once against one after the other, in one run.

1. redact: the same N short support tickets through `run_redact` on the local engine (W worker processes) and
   on a local Ray it starts (W detector actors): docs/s, peak RSS, and whether the outputs are byte-identical.
2. curate: the same M prompt/completion records (bench/curation_pipeline_memory.py's generator, language filter
   off) through `run_curate` on both engines: the same figures.
3. parallel redaction: two inputs of N/2 records redacted by two processes at once (local engine, one worker
   each, one shared vault and key) against the same two one after the other; the outputs must be identical.
4. `--flat K`: redact at K and 10K records on both engines: peak RSS of each and the ratio.

Every run is a fresh child process. "peak RSS" is the child's own `ru_maxrss`; "peak tree RSS" samples (every
0.5 s) the summed RSS of the child, its descendants and every Ray process of its session, so worker processes
and Ray's actors count too. Ratios are printed from this one run; the machine and its core count are printed
first. Redaction on 2 cores is slow (about 100-200 docs/s per core), so pass the N you can afford and report it.

    python bench/scale.py [--n 100000] [--curate-n 100000] [--workers 2] [--flat 2000] [--skip redact,curate,...]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST = "Oliver Amelia Jonas Sophie Lukas Emma Mateo Chloé Pieter Giulia Jan Zofia Mark Ana".split()
LAST = "Bennett Becker Dubois Jansen Rossi García Kowalski Silva Thompson Novak Murphy Fischer".split()
ISSUES = ["cannot log in to the portal", "was charged twice for order", "parcel arrived damaged, order",
          "wants to change the delivery address for order", "asks for a refund on invoice",
          "reports the router drops the connection, ticket"]


def write_tickets(path: Path, n: int, seed: int = 3) -> None:
    """Short tickets: a name, an e-mail, sometimes a UK phone number, an order number (no personal data)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            text = (f"Customer {first} {last} ({first.lower()}.{last.lower()}@example.org) "
                    f"{rng.choice(ISSUES)} #{100000 + rng.randrange(900000)}.")
            if rng.random() < 0.3:
                text += f" Call back on 07700 900{rng.randrange(1000):03d}."
            fh.write(json.dumps({"id": f"t{i}", "text": text}, ensure_ascii=False) + "\n")


# -- measuring -------------------------------------------------------------------------------------------
def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> set[int]:
    from gdprep.processes import children_of

    found, todo = set(), [pid]
    while todo:
        for child in children_of(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class TreeSampler(threading.Thread):
    """The highest summed RSS of this process, its descendants and the Ray processes of its session."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        from gdprep.reaper import MARKER_ENV, marked_processes

        me = os.getpid()
        while not self._done.is_set():
            pids = {me} | _descendants(me)
            marker = os.environ.get(MARKER_ENV)
            if marker:
                pids |= set(marked_processes(marker))
            self.peak = max(self.peak, sum(_rss_mib(p) for p in pids))
            time.sleep(0.5)

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak


def _engine(name: str, workers: int) -> Any:
    from gdprep.ray_cluster import EngineSpec

    return EngineSpec("ray", workers=workers) if name == "ray" else None


def child(task: str, src: Path, out: Path, engine: str, workers: int) -> None:
    sampler = TreeSampler()
    sampler.start()
    started = time.perf_counter()
    if task == "redact":
        from gdprep.policies import load_policy
        from gdprep.privacy.pipeline import run_redact

        summary = run_redact(src, out / "redacted.jsonl", out / "report.json", load_policy("uk-gdpr-default"),
                             workers=workers, engine=_engine(engine, workers))
        records = summary.n_in
    else:
        from gdprep.curation.config import load_curation_config
        from gdprep.curation.run import run_curate

        cfg = load_curation_config(None, {"fields.label_field": "label", "fields.group_field": "customer",
                                          "quality.languages": [], "output.hf_dataset": False})
        records = run_curate(src, out, cfg, languages=["en"], engine=_engine(engine, workers))["counts"]["input"]
    seconds = time.perf_counter() - started
    tree = sampler.stop()
    print(json.dumps({"records": records, "seconds": seconds, "tree_mib": tree,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def spawn(task: str, src: Path, out: Path, engine: str, workers: int, home: Path) -> subprocess.Popen[str]:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GDPREP_HOME": str(home), "RAY_USAGE_STATS_ENABLED": "0"}
    return subprocess.Popen([sys.executable, __file__, "--child", task, str(src), str(out), engine, str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        print(stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"a benchmark run failed (exit {proc.returncode})")
    return dict(json.loads(stdout.strip().splitlines()[-1]))


def same_files(a: Path, b: Path, names: list[str]) -> bool:
    return all(filecmp.cmp(a / name, b / name, shallow=False) for name in names)


# -- the parts -------------------------------------------------------------------------------------------
def engines(task: str, src: Path, work: Path, workers: int, home: Path, names: list[str]) -> dict[str, Any]:
    runs = {engine: result(spawn(task, src, work / f"{task}-{engine}", engine, workers, home))
            for engine in ("local", "ray")}
    for engine, r in runs.items():
        docs_s = r["records"] / r["seconds"]
        print(f"  {engine:5s}: {r['records']:>8,} records in {r['seconds']:8.1f} s = {docs_s:8.1f} "
              f"docs/s; peak RSS {r['peak_mib']:7.0f} MiB, peak tree RSS {r['tree_mib']:7.0f} MiB")
    identical = same_files(work / f"{task}-local", work / f"{task}-ray", names)
    speed = runs["local"]["seconds"] / runs["ray"]["seconds"]
    print(f"  ray / local: {speed:.2f}x docs/s, {runs['ray']['tree_mib'] / runs['local']['tree_mib']:.2f}x peak "
          f"tree RSS; outputs byte-identical ({', '.join(names)}): {identical}")
    return {"runs": runs, "speed_ratio": speed, "identical": identical}


def parallel(n: int, work: Path, home: Path) -> dict[str, Any]:
    halves = [work / "job-a.jsonl", work / "job-b.jsonl"]
    for k, path in enumerate(halves):
        write_tickets(path, n // 2, seed=10 + k)
    started = time.perf_counter()
    for k, path in enumerate(halves):
        result(spawn("redact", path, work / f"seq-{k}", "local", 1, home))
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    procs = [spawn("redact", path, work / f"par-{k}", "local", 1, home) for k, path in enumerate(halves)]
    for proc in procs:
        result(proc)
    together = time.perf_counter() - started
    identical = all(same_files(work / f"seq-{k}", work / f"par-{k}", ["redacted.jsonl"]) for k in range(2))
    print(f"  2 jobs of {n // 2:,} records: one after the other {sequential:.1f} s, at once {together:.1f} s "
          f"= {sequential / together:.2f}x; outputs identical to the sequential runs: {identical}")
    return {"sequential_s": sequential, "parallel_s": together, "ratio": sequential / together,
            "identical": identical}


def flat(k: int, work: Path, workers: int, home: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for size in (k, 10 * k):
        src = work / f"flat-{size}.jsonl"
        write_tickets(src, size, seed=7)
        for engine in ("local", "ray"):
            run = spawn("redact", src, work / f"flat-{engine}-{size}", engine, workers, home)
            out[f"{engine}-{size}"] = result(run)
    for engine in ("local", "ray"):
        small, big = out[f"{engine}-{k}"], out[f"{engine}-{10 * k}"]
        print(f"  {engine:5s}: peak RSS {small['peak_mib']:.0f} -> {big['peak_mib']:.0f} MiB "
              f"({big['peak_mib'] / small['peak_mib']:.2f}x), peak tree RSS {small['tree_mib']:.0f} -> "
              f"{big['tree_mib']:.0f} MiB ({big['tree_mib'] / small['tree_mib']:.2f}x) for {k:,} -> {10 * k:,} records")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="records to redact (engines, parallel jobs)")
    parser.add_argument("--curate-n", type=int, default=100_000, help="records to curate")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local workers = Ray actors")
    parser.add_argument("--flat", type=int, default=0, help="also redact K and 10K records on both engines")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: redact, curate, parallel")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, src, out, engine, workers = args.child
        child(task, Path(src), Path(out), engine, int(workers))
        return
    import ray

    skip = set(filter(None, args.skip.split(",")))
    work = Path(tempfile.mkdtemp(prefix="gdprep-scale-"))
    home = work / "home"
    print(f"bench/scale.py: {os.cpu_count()} CPU cores, ray {ray.__version__}, workers/actors {args.workers}; "
          f"work dir {work}")
    figures: dict[str, Any] = {"cpu_count": os.cpu_count(), "ray": ray.__version__, "workers": args.workers}
    if "redact" not in skip:
        print(f"redact, {args.n:,} short tickets:")
        write_tickets(work / "tickets.jsonl", args.n)
        figures["redact"] = engines("redact", work / "tickets.jsonl", work, args.workers, home,
                                    ["redacted.jsonl"])
    if "curate" not in skip:
        from curation_pipeline_memory import write_records

        print(f"curate, {args.curate_n:,} prompt/completion records (language filter off):")
        write_records(work / "curate.jsonl", args.curate_n)
        figures["curate"] = engines("curate", work / "curate.jsonl", work, args.workers, home,
                                    ["train.jsonl", "validation.jsonl", "test.jsonl", "removals.jsonl",
                                     "decisions.jsonl", "curation_report.json"])
    if "parallel" not in skip:
        print("parallel redaction (local engine, 1 worker per job, one vault):")
        figures["parallel"] = parallel(args.n, work, home)
    if args.flat:
        print(f"memory, redact at {args.flat:,} and {10 * args.flat:,} records:")
        figures["flat"] = flat(args.flat, work, args.workers, home)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
