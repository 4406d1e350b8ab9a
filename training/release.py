"""`gdprep probe` and `gdprep evaluate`: find a trained adapter through the ledger, check it is the one that
was trained, run the memorisation probes (or the task metrics), decide on release, write the report and
record the outcome in the ledger. Each has a `prepare_*` part that checks everything before a ledger run
opens and an `*_in_run` part that works inside the run `service/stages.py` opens."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import RunRecorder
from gdprep.errors import ConfigError, GdprepError
from gdprep.offline import enforce_offline
from gdprep.policies.schema import Policy
from gdprep.records import file_sha256
from gdprep.training.evaluate import PreferenceEvaluation
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


def vault_values(ledger: Ledger, privacy_runs: Collection[str], *, key_file: Path | None = None,
                 vault_path: Path | None = None) -> list[PiiValue]:
    """The vault's originals for the records the redacting runs (privacy, synthesis) redacted, decrypted in
    memory only."""
    from gdprep.privacy.keys import KeyRing
    from gdprep.privacy.vault import Vault

    if not privacy_runs:
        return []
    lookups: set[str] = set()
    for entry in ledger.iter_entries():
        if entry.run_id in privacy_runs and entry.kind == "record_redacted":
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


@dataclass(frozen=True)
class PreparedProbe:
    """A probe job whose adapter, policy and splits were found and read before its `probes` run opens."""

    found: TrainedAdapter
    policy: Policy
    settings: ProbeSettings
    test_file: Path
    train_rows: list[dict[str, Any]]
    test_rows: list[dict[str, Any]]
    canaries: list[Canary]
    out_dir: Path

    @property
    def run_config(self) -> dict[str, Any]:
        """The config the ledger's `run_started` entry records."""
        return {"settings": self.settings.model_dump(mode="json"), "adapter": str(self.found.adapter_dir),
                "training_run": self.found.training_run}


def prepare_probe(ledger: Ledger, policy: Policy | None = None, *, run_id: str | None = None,
                  adapter_dir: Path | None = None, out_dir: Path | None = None,
                  settings: ProbeSettings | None = None) -> PreparedProbe:
    """What must hold before a `probes` run opens: offline mode, the adapter (found through the ledger and
    unchanged since training), the policy (`policy`, else the one the training run used) and a test split;
    the splits are read and the report directory (default `<output_dir>/probes`) is made."""
    from gdprep.policies import load_policy

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
    return PreparedProbe(found, policy, settings, test_file, train_rows, test_rows, canaries, out)


def probe_in_run(job: PreparedProbe, rec: RunRecorder, *, device: str = "auto",
                 key_file: Path | None = None) -> dict[str, Any]:
    """Inside the already-open `probes` run `rec`: read the vault's originals (a key event), probe, decide
    under the job's policy, write `probe_report.json` and `.html` and record the decision; returns the report."""
    from gdprep.training.modelio import load_model
    from gdprep.training.report import render_probe_html

    found = job.found
    # the splits it reads are the run's inputs, beside the adapter (lineage exports show both)
    rec.input_dataset("train", found.train_file, len(job.train_rows))
    rec.input_dataset("test", job.test_file, len(job.test_rows))
    runs = found.manifest.datasets.redacting_runs
    pii = vault_values(rec.ledger, runs, key_file=key_file)
    # reading originals is a key event, like deanonymisation; the values themselves stay in memory
    rec.event("key_event", {"event": "vault_read_for_probe", "values": len(pii),
                            "privacy_run": found.manifest.datasets.privacy_run, "privacy_runs": runs})
    target = load_model(found.base_dir, found.adapter_dir, device=device)
    results = run_probes(target, load_model(found.base_dir, device=device),
                         ProbeData(job.train_rows, job.test_rows, job.canaries, pii), job.settings)
    decision = release_decision(results, job.policy.release_gate)
    if not found.in_ledger:
        decision["checks"]["lineage"] = False
        decision["reasons"].insert(0, "the adapter's training run is not in the audit ledger, so its data "
                                      "lineage cannot be shown")
        decision["release"], decision["released"] = "fail", False
    report = _probe_report(job, rec.run_id, results, decision)
    text = json.dumps(report, indent=2, sort_keys=True)
    _write_atomically(job.out_dir / "probe_report.json", text)
    _write_atomically(job.out_dir / "probe_report.html", render_probe_html(report))
    rec.event("release_decision", {
        "release": decision["release"], "released": decision["released"], "reasons": decision["reasons"],
        "checks": decision["checks"], "needed_test_records": decision["needed_test_records"],
        "training_run": found.training_run, "adapter_sha256": report["adapter"]["sha256"],
        "report_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "max_canary_exposure": max((c["exposure"] for c in results["canaries"]), default=None),
        "regurgitated": len(results["regurgitation"]["hits"]),
    })
    return report


def _probe_report(job: PreparedProbe, probe_run: str, results: dict[str, Any],
                  decision: dict[str, Any]) -> dict[str, Any]:
    found, policy = job.found, job.policy
    return {
        "schema": "gdprep.probe_report/1", "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_run": found.training_run, "probe_run": probe_run,
        "adapter": {"path": str(found.adapter_dir), "sha256": found.sha256},
        "base_model": found.manifest.base_model.model_dump(include={"path", "name", "smoke_model"}),
        "policy": {"name": policy.name, "hash": policy.canonical_hash()},
        "dataset": {"train_sha256": found.manifest.datasets.train_sha256,
                    "test_file": str(job.test_file), "train_records": len(job.train_rows),
                    "test_records": len(job.test_rows)},
        "results": results, "decision": decision,
    }


@dataclass(frozen=True)
class PreparedEvaluation:
    """An evaluation job whose adapter and test split were found before its `evaluation` run opens; a DPO
    adapter's also has its beta and reference model (`preference`)."""

    found: TrainedAdapter
    test_file: Path
    task: str
    schema_path: Path | None
    preference: PreferenceEvaluation | None = None

    @property
    def run_config(self) -> dict[str, Any]:
        """The config the ledger's `run_started` entry records."""
        return {"adapter": str(self.found.adapter_dir), "training_run": self.found.training_run, "task": self.task}


def _preference_evaluation(found: TrainedAdapter) -> PreferenceEvaluation | None:
    """A DPO adapter's beta, max_length and reference model (the init adapter, which must still hash to what
    the manifest recorded); None for an SFT adapter."""
    facts = found.manifest.dpo
    if found.manifest.method != "dpo" or not facts:
        return None
    init = facts.get("init_adapter")
    reference = None
    if init:
        reference = Path(init["adapter_dir"])
        if not (reference / "adapter_config.json").is_file() or adapter_digest(reference) != init["sha256"]:
            raise AdapterNotFound(f"the DPO run's reference, init adapter {reference}, is missing or changed since "
                                  f"training (recorded sha256 {str(init['sha256'])[:16]}...); rewards against it "
                                  "cannot be computed")
    return PreferenceEvaluation(beta=float(facts["beta"]), max_length=int(found.manifest.config["max_length"]),
                                reference_adapter=reference)


def prepare_evaluation(ledger: Ledger, *, run_id: str | None = None,
                       adapter_dir: Path | None = None) -> PreparedEvaluation:
    """What must hold before an `evaluation` run opens: the adapter (found through the ledger and unchanged
    since training) and a recorded test split."""
    found = find_adapter(ledger, run_id=run_id, adapter_dir=adapter_dir)
    cfg = found.manifest.config
    test_file = found.test_file
    if test_file is None:
        raise ConfigError("no test split recorded for this run; set `test_file` in the training config")
    schema = Path(cfg["json_schema"]) if cfg.get("json_schema") else None
    return PreparedEvaluation(found, test_file, cfg.get("task", "generation"), schema, _preference_evaluation(found))


def evaluate_in_run(job: PreparedEvaluation, rec: RunRecorder, *, out_dir: Path | None = None,
                    device: str = "auto", max_new_tokens: int = 64) -> dict[str, Any]:
    """Inside the already-open `evaluation` run `rec`: task metrics on the test split for the adapter and the
    bare base model (and for a DPO adapter the reward accuracy, margins and win rate on the test pairs), written
    to `evaluation.json` (default: next to the adapter) and recorded."""
    from gdprep.training.evaluate import evaluate_run

    found, test_file = job.found, job.test_file
    result = evaluate_run(found.adapter_dir, test_file, job.task, schema_path=job.schema_path,
                          device=device, max_new_tokens=max_new_tokens, preference=job.preference)
    result.update({"training_run": found.training_run, "evaluation_run": rec.run_id,
                   "test_file": str(test_file), "test_sha256": file_sha256(test_file)})
    out = out_dir or found.adapter_dir.parent
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(out / "evaluation.json", json.dumps(result, indent=2, sort_keys=True))
    event = {"training_run": found.training_run, "task": result["adapter"]["task"],
             "metrics": result["adapter"]["metrics"], "base_metrics": result["base"]["metrics"],
             "test_sha256": result["test_sha256"]}
    if "preference" in result:
        pref = result["preference"]
        event["preference"] = {"rewards": pref["rewards"], "reference_model": pref["reference_model"],
                               **{k: v for k, v in pref["win_rate"].items() if k != "measures"}}
    rec.event("evaluation", event)
    return result
