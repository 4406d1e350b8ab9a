"""The `ray` engine against the local one: a real local Ray (started here with `ray.init(num_cpus=2)`), the same
data through both, and the outputs compared byte for byte. Also the residency refusals, which happen before any
connection, and the guard every Ray worker runs."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.errors import ResidencyError
from gdprep.policies import load_policy
from gdprep.ray_cluster import EngineSpec, WorkerGuard, check_residency
from gdprep.service.cli import app

from .conftest import write_jsonl

ray = pytest.importorskip("ray", reason='the Ray engine needs the extra: pip install "gdprep[ray]"')

POLICY = load_policy("uk-gdpr-default")
#: report keys that name the run rather than the data: when, how long, where the files went, which engine
RUN_KEYS = {"generated_at", "timing", "paths", "extra"}


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def _records(n: int) -> list[dict[str, Any]]:
    from gdprep.examples.generate import generate_sample

    rows = generate_sample(n, 11)
    rows[3] = {**rows[3], "id": rows[1]["id"]}  # a repeated id is reported, not fatal
    return rows


def _report(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in RUN_KEYS}


def test_redact_on_ray_is_byte_identical_to_local(local_ray: Any, tmp_path: Path) -> None:
    from gdprep.privacy.pipeline import run_redact

    src = write_jsonl(tmp_path / "in.jsonl", _records(40))
    with src.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")  # a bad record: quarantined by both engines at the same place
    from gdprep.audit.ledger import Ledger
    from gdprep.service import stages

    runs = {"local": run_redact(src, tmp_path / "local.jsonl", tmp_path / "local.report.json", POLICY,
                                on_error="quarantine")}
    ledger = Ledger()
    runs["ray"] = stages.redact(ledger, src, tmp_path / "ray.jsonl", tmp_path / "ray.report.json", POLICY,
                                command="gdprep redact --engine ray", config={"engine": "ray"}, on_error="quarantine",
                                engine=EngineSpec("ray", workers=2))
    assert runs["ray"].engine["engine"] == "ray" and runs["ray"].engine["actors"] == {"detector": 2}
    # the ledger records the engine and the cluster's size
    recorded = [e.payload for e in ledger.iter_entries() if e.kind == "engine"]
    assert [(p["engine"], p["nodes"], p["cpus"], p["actors"]) for p in recorded] == [("ray", 1, 2, {"detector": 2})]
    assert runs["local"].n_findings > 40  # the sample is full of personal data: the comparison means something
    for suffix in (".jsonl", ".quarantine.jsonl"):
        assert (tmp_path / f"ray{suffix}").read_bytes() == (tmp_path / f"local{suffix}").read_bytes()
    assert _report(tmp_path / "ray.report.json") == _report(tmp_path / "local.report.json")
    assert json.loads((tmp_path / "ray.report.json").read_text())["extra"]["engine"] == "ray"
    assert ray.is_initialized()  # a Ray the caller started is left running for the caller


@pytest.mark.slow
def test_detect_on_ray_is_byte_identical_to_local(local_ray: Any, tmp_path: Path) -> None:
    from gdprep.privacy.pipeline import run_detect

    src = write_jsonl(tmp_path / "in.jsonl", _records(60))
    run_detect(src, tmp_path / "local.jsonl", POLICY)
    run_detect(src, tmp_path / "ray.jsonl", POLICY, engine=EngineSpec("ray", workers=2))
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


@pytest.mark.slow
def test_ray_pool_keeps_batches_and_their_order(local_ray: Any) -> None:
    """Many small batches, so the actors finish them out of order: they still come back in input order, each
    with its own payload and the local engine's findings."""
    from gdprep.privacy.distributed import RayDetectionPool
    from gdprep.privacy.engine import DetectionPool

    texts = [row.get("text") or row.get("completion") or row["messages"][0]["content"] for row in _records(36)]
    batches = [(k, [[("text", t)] for t in texts[k:k + 3]]) for k in range(0, len(texts), 3)]
    with DetectionPool(POLICY) as pool:
        local = list(pool.map_records(iter(batches)))
    with RayDetectionPool(POLICY, EngineSpec("ray", workers=2)) as ray_pool:
        remote = list(ray_pool.map_records(iter(batches)))
    assert [payload for payload, _ in remote] == [k for k, _ in batches]
    assert remote == local


@pytest.mark.parametrize(("spec", "message"), [
    (EngineSpec("ray", address="10.1.2.3:6379"), "needs the cluster's region"),
    (EngineSpec("ray", address="10.1.2.3:6379", region="us-east-1"), "region 'us-east-1' is not allowed"),
    (EngineSpec("ray", region="US"), "region 'US' is not allowed"),
])
def test_residency_is_checked_before_connecting(spec: EngineSpec, message: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GDPREP_REGION", raising=False)
    with pytest.raises(ResidencyError, match=message):
        check_residency(spec, POLICY.residency.allowed_regions)


def test_a_declared_allowed_region_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_REGION", "eu-west-2")
    assert check_residency(EngineSpec("ray", address="10.1.2.3:6379"), POLICY.residency.allowed_regions) == "eu-west-2"
    assert check_residency(EngineSpec("ray"), POLICY.residency.allowed_regions) == "eu-west-2"


def test_cli_refuses_an_undeclared_cluster_without_connecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GDPREP_REGION", raising=False)
    src = write_jsonl(tmp_path / "in.jsonl", _records(5))
    result = CliRunner().invoke(app, ["redact", "-i", str(src), "-o", str(tmp_path / "out.jsonl"),
                                      "-r", str(tmp_path / "r.json"), "--engine", "ray",
                                      "--ray-address", "10.1.2.3:6379"])
    assert result.exit_code == 2, result.output
    assert "--ray-region" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.jsonl").exists()
    result = CliRunner().invoke(app, ["detect", "-i", str(src), "-o", str(tmp_path / "f.jsonl"),
                                      "--ray-region", "GB"])
    assert result.exit_code == 2 and "need --engine ray" in result.output


def test_worker_guard_refuses_a_node_in_a_forbidden_region(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from gdprep.errors import EgressError

    guard = WorkerGuard(tuple(POLICY.residency.allowed_regions))
    monkeypatch.setenv("GDPREP_REGION", "us-east-1")
    with pytest.raises(ResidencyError, match="us-east-1"):
        guard.install()
    monkeypatch.setenv("GDPREP_REGION", "GB")
    guard.install()
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:  # the egress guard is on in the worker
        with pytest.raises(EgressError):
            client.connect(("192.0.2.1", 443))
    finally:
        client.close()


def _processes_with_env(entry: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if entry.encode() in (proc / "environ").read_bytes().split(b"\0"):
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the run's processes through /proc")
def test_kill_9_of_a_ray_run_leaves_no_process_and_no_output(tmp_path: Path) -> None:
    """The run starts its own local Ray; once a detector actor is up, the run is killed with SIGKILL. Every
    process it started (Ray's head, agents and workers) is gone soon after, and no output was published."""
    import signal
    import subprocess
    import sys
    import time

    src = write_jsonl(tmp_path / "in.jsonl", _records(30))
    # every process the run starts inherits this variable, and no other process has it: GDPREP_HOME is the
    # whole test session's, and the agents of another test's Ray linger a minute after its shutdown
    token = f"kill-test-{uuid.uuid4().hex}"
    mine = f"GDPREP_KILL_TEST={token}"
    run = subprocess.Popen([sys.executable, "-m", "gdprep.service.cli", "redact", "-i", str(src), "-o",
                            str(tmp_path / "out.jsonl"), "-r", str(tmp_path / "r.json"), "--engine", "ray",
                            "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={**os.environ, "GDPREP_KILL_TEST": token})
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            names = []
            for pid in _processes_with_env(mine):
                try:
                    names.append(Path(f"/proc/{pid}/cmdline").read_bytes())
                except OSError:
                    continue
            if any(b"DetectorActor" in name for name in names):
                break
            time.sleep(0.5)
        assert run.poll() is None, "the run ended before a detector actor was seen"
        assert len(_processes_with_env(mine)) > 3
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 30
        while _processes_with_env(mine) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = {pid: (Path(f"/proc/{pid}/cmdline").read_bytes()[:30],
                      [e for e in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"RAY_SESSION" in e])
                for pid in _processes_with_env(mine)}
        assert left == {}
    finally:
        if run.poll() is None:
            run.kill()
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "r.json").exists()


def _curation_rows(n: int) -> list[dict[str, Any]]:
    """Support tickets, a tenth of them copies and a tenth near copies (one word changed) of earlier ones."""
    import random

    rng = random.Random(5)
    words = ("refund order parcel courier invoice account password delivery late damaged missing card address "
             "router engineer visit booking flight seat hotel warranty battery screen").split()
    rows: list[dict[str, Any]] = []
    for i in range(n):
        roll = rng.random()
        if rows and roll < 0.1:
            row = {**rng.choice(rows), "id": f"r{i}"}
        elif rows and roll < 0.2:
            base = rng.choice(rows)
            text = base["completion"].split()
            text[rng.randrange(len(text))] = rng.choice(words)
            row = {**base, "id": f"r{i}", "completion": " ".join(text)}
        else:
            row = {"id": f"r{i}", "prompt": "Customer asks about " + " ".join(rng.choices(words, k=8)),
                   "completion": "Thanks for writing. " + " ".join(rng.choices(words, k=rng.randint(12, 30))),
                   "label": rng.choice(("billing", "delivery", "tech"))}
        rows.append(row)
    return rows


def test_curate_on_ray_is_byte_identical_to_local(local_ray: Any, tmp_path: Path) -> None:
    from gdprep.curation.config import load_curation_config
    from gdprep.curation.run import run_curate

    src = write_jsonl(tmp_path / "in.jsonl", _curation_rows(400))
    cfg = load_curation_config(None, {"fields.label_field": "label", "quality.languages": [],
                                      "output.hf_dataset": False})
    reports = {name: run_curate(src, tmp_path / name, cfg, languages=["en"], engine=engine)
               for name, engine in (("local", None), ("ray", EngineSpec("ray", workers=2)))}
    dedup = reports["local"]["dedup"]
    assert dedup["verified_pairs"] > 20 and dedup["near_clusters"] > 10  # the near-duplicate stages had work
    assert reports["ray"]["counts"] == reports["local"]["counts"]
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "removals.jsonl", "decisions.jsonl",
                 "curation_report.json"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_curate_on_ray_refuses_the_rensa_index(tmp_path: Path) -> None:
    from gdprep.curation.config import load_curation_config
    from gdprep.curation.run import run_curate
    from gdprep.errors import UsageError

    src = write_jsonl(tmp_path / "in.jsonl", _curation_rows(5))
    cfg = load_curation_config(None, {"near_dedup.index": "rensa"})
    with pytest.raises(UsageError, match="near_dedup.index: rensa runs on the local engine only"):
        run_curate(src, tmp_path / "out", cfg, languages=["en"], engine=EngineSpec("ray"))
