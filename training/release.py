"""`gdprep probe` and `gdprep evaluate`: find a trained adapter through the ledger, check it is the one that
was trained, run the memorisation probes (or the task metrics), decide on release, write the report and
record the outcome in the ledger."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import ledger_run
from gdprep.errors import ConfigError, GdprepError
from gdprep.offline import enforce_offline
from gdprep.policies.schema import Policy
from gdprep.records import file_sha256
from gdprep.training.manifest import AdapterManifest
from gdprep.training.probes import PiiValue, ProbeData, ProbeSettings, release_decision, run_probes
from gdprep.training.train import Canary, _read_rows, adapter_digest


class AdapterNotFound(GdprepError):
    """The run or adapter cannot be found, or its files do not match what the ledger recorded."""

    exit_code = 2


@dataclass(frozen=True)
class TrainedAdapter:
    adapter_dir: Path
    manifest: AdapterManifest
    training_run: str | None
    in_ledger: bool
    sha256: str

    @property
    def base_dir(self) -> Path:
        return Path(self.manifest.base_model.path)

    @property
    def train_file(self) -> Path:
        return Path(self.manifest.config["train_file"])

    @property
    def test_file(self) -> Path | None:
        return Path(self.manifest.test_file) if self.manifest.test_file else None


def find_adapter(ledger: Ledger, *, run_id: str | None = None, adapter_dir: Path | None = None) -> TrainedAdapter:
    """The adapter of training run `run_id`, or the one in `adapter_dir`; its files must hash to what the
    ledger recorded for that run (when it is recorded)."""
    if (run_id is None) == (adapter_dir is None):
        raise ConfigError("give exactly one of --run RUN_ID or --adapter DIR")
    # one pass over the ledger: each training run's start and its last adapter event
    starts: dict[str | None, dict[str, Any]] = {}
    adapters: dict[str | None, dict[str, Any]] = {}
    for entry in ledger.iter_entries():
        if entry.kind == "run_started" and entry.payload.get("stage") == "training":
            starts[entry.run_id] = entry.payload
        elif entry.kind == "adapter":
            adapters[entry.run_id] = entry.payload
    if run_id is not None:
        if run_id not in starts:
            raise AdapterNotFound(f"run {run_id} is not a training run in the ledger; list runs with "
                                  "`gdprep audit trace` or pass --adapter DIR")
        if run_id not in adapters:
            raise AdapterNotFound(f"training run {run_id} recorded no adapter (it failed or is still running)")
        adapter_dir = Path(starts[run_id]["config"]["output_dir"]) / "adapter"
    assert adapter_dir is not None
    manifest_path = adapter_dir.parent / "manifest.json"
    if not manifest_path.is_file():
        raise AdapterNotFound(f"{manifest_path} is missing; probes need the manifest `gdprep train` writes next to "
                              "the adapter directory")
    manifest = AdapterManifest.read(manifest_path)
    training_run = run_id or manifest.ledger_run
    recorded = adapters.get(training_run)
    digest = adapter_digest(adapter_dir)
    if recorded is not None and recorded.get("adapter_sha256") != digest:
        raise AdapterNotFound(f"the adapter in {adapter_dir} (sha256 {digest[:16]}...) is not the one training run "
                              f"{training_run} recorded ({str(recorded.get('adapter_sha256'))[:16]}...); it was "
                              "changed after training")
    return TrainedAdapter(adapter_dir, manifest, training_run, recorded is not None, digest)


def vault_values(ledger: Ledger, privacy_run: str | None, *, key_file: Path | None = None,
                 vault_path: Path | None = None) -> list[PiiValue]:
    """The vault's originals for the records the privacy run redacted, decrypted in memory only."""
    from gdprep.privacy.keys import KeyRing
    from gdprep.privacy.vault import Vault

    if not privacy_run:
        return []
    lookups: set[str] = set()
    for entry in ledger.iter_entries():
        if entry.run_id == privacy_run and entry.kind == "record_redacted":
            lookups.update(entry.payload.get("vault_keys") or [])
    if not lookups:
        return []
    path = vault_path or Vault.default_path()
    if not path.is_file():
        return []
    vault = Vault.open(path, KeyRing.open(key_file=key_file))
    return [PiiValue(t, original, replacement) for t, original, replacement in vault.originals(lookups)]


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_probe(ledger: Ledger, policy: Policy | None = None, *, run_id: str | None = None,
              adapter_dir: Path | None = None, out_dir: Path | None = None, settings: ProbeSettings | None = None,
              device: str = "auto", key_file: Path | None = None, command: str = "gdprep probe") -> dict[str, Any]:
    """Probe, decide under `policy` (default: the one the training run used), write `probe_report.json`
    and `.html`, record the decision; returns the report."""
    from gdprep.policies import load_policy
    from gdprep.training.modelio import load_model
    from gdprep.training.report import render_probe_html

    enforce_offline()
    settings = settings or ProbeSettings()
    found = find_adapter(ledger, run_id=run_id, adapter_dir=adapter_dir)
    policy = policy or load_policy(found.manifest.config.get("policy"))
    test_file = found.test_file
    if test_file is None or not test_file.is_file():
        raise ConfigError(f"no test split for the probes ({test_file or 'none recorded'}); set `test_file` in the "
                          "training config (membership inference and extraction compare against it)")
    train_rows, test_rows = _read_rows(found.train_file), _read_rows(test_file)
    canaries = [Canary.from_json(c) for c in found.manifest.canaries]
    out = out_dir or found.adapter_dir.parent / "probes"
    out.mkdir(parents=True, exist_ok=True)
    config = {"settings": settings.model_dump(mode="json"), "adapter": str(found.adapter_dir),
              "training_run": found.training_run}
    with ledger_run(ledger, "probes", command=command, config=config, policy_hash=policy.canonical_hash()) as rec:
        pii = vault_values(ledger, found.manifest.datasets.privacy_run, key_file=key_file)
        # reading originals is a key event, like deanonymisation; the values themselves stay in memory
        rec.event("key_event", {"event": "vault_read_for_probe", "values": len(pii),
                                "privacy_run": found.manifest.datasets.privacy_run})
        target = load_model(found.base_dir, found.adapter_dir, device=device)
        results = run_probes(target, load_model(found.base_dir, device=device),
                             ProbeData(train_rows, test_rows, canaries, pii), settings)
        decision = release_decision(results, policy.release_gate)
        if not found.in_ledger:
            decision["checks"]["lineage"] = False
            decision["reasons"].insert(0, "the adapter's training run is not in the audit ledger, so its data "
                                          "lineage cannot be shown")
            decision["release"] = "fail"
        report = {
            "schema": "gdprep.probe_report/1", "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_run": found.training_run, "probe_run": rec.run_id,
            "adapter": {"path": str(found.adapter_dir), "sha256": found.sha256},
            "base_model": found.manifest.base_model.model_dump(include={"path", "name", "smoke_model"}),
            "policy": {"name": policy.name, "hash": policy.canonical_hash()},
            "dataset": {"train_sha256": found.manifest.datasets.train_sha256,
                        "test_file": str(test_file), "train_records": len(train_rows),
                        "test_records": len(test_rows)},
            "results": results, "decision": decision,
        }
        text = json.dumps(report, indent=2, sort_keys=True)
        _write_atomically(out / "probe_report.json", text)
        _write_atomically(out / "probe_report.html", render_probe_html(report))
        rec.event("release_decision", {
            "release": decision["release"], "reasons": decision["reasons"], "checks": decision["checks"],
            "training_run": found.training_run, "adapter_sha256": report["adapter"]["sha256"],
            "report_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "max_canary_exposure": max((c["exposure"] for c in results["canaries"]), default=None),
            "regurgitated": len(results["regurgitation"]["hits"]),
        })
    return report


def run_evaluate(ledger: Ledger, *, run_id: str | None = None, adapter_dir: Path | None = None,
                 out_dir: Path | None = None, device: str = "auto", max_new_tokens: int = 64,
                 command: str = "gdprep evaluate") -> dict[str, Any]:
    """Task metrics on the test split for the adapter and the bare base model; written to
    `evaluation.json` and recorded in the ledger."""
    from gdprep.training.evaluate import evaluate_run

    found = find_adapter(ledger, run_id=run_id, adapter_dir=adapter_dir)
    cfg = found.manifest.config
    test_file = found.test_file
    if test_file is None:
        raise ConfigError("no test split recorded for this run; set `test_file` in the training config")
    schema = Path(cfg["json_schema"]) if cfg.get("json_schema") else None
    with ledger_run(ledger, "evaluation", command=command,
                    config={"adapter": str(found.adapter_dir), "training_run": found.training_run,
                            "task": cfg.get("task", "generation")}) as rec:
        result = evaluate_run(found.adapter_dir, test_file, cfg.get("task", "generation"), schema_path=schema,
                              device=device, max_new_tokens=max_new_tokens)
        result.update({"training_run": found.training_run, "evaluation_run": rec.run_id,
                       "test_file": str(test_file), "test_sha256": file_sha256(test_file)})
        out = out_dir or found.adapter_dir.parent
        out.mkdir(parents=True, exist_ok=True)
        _write_atomically(out / "evaluation.json", json.dumps(result, indent=2, sort_keys=True))
        rec.event("evaluation", {"training_run": found.training_run, "task": result["adapter"]["task"],
                                 "metrics": result["adapter"]["metrics"], "base_metrics": result["base"]["metrics"],
                                 "test_sha256": result["test_sha256"]})
    return result
