"""The model registry on MLflow, with the audit ledger as the source of truth.

Every `gdprep train` run is logged to MLflow tracking (params, the config, the loss curve, eval metrics, the
adapter as an artefact, the dataset version: train, validation and test SHA-256s and the curation run, the
policy hash and the region) and its adapter becomes a new version of the registered model the config names.
Probe and evaluation results are attached to the version. The store is a local MLflow (SQLite backend,
artefacts on disk) in the state directory unless `GDPREP_MLFLOW_URI` points at a team's own MLflow; one on
another machine needs its region declared (`GDPREP_MLFLOW_REGION`) and allowed by the policy, as a Ray
cluster does. MLflow's telemetry is off (`gdprep.offline`).

Approvals, promotions and rollbacks are ledger entries (`gdprep.audit.models`); the `production` alias in
MLflow follows them. A version whose registry entry the ledger contradicts (another adapter hash, another
training run, an artefact that no longer hashes to what training recorded) is refused and the refusal is
recorded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlparse

from gdprep.audit.ledger import Ledger, actor
from gdprep.audit.models import (
    MODEL_APPROVED,
    MODEL_PROMOTED,
    MODEL_REGISTERED,
    MODEL_ROLLED_BACK,
    PRODUCTION,
    REGISTRY_REFUSED,
    ModelState,
    VersionState,
    model_states,
    registry_entries,
    versions_of_training_run,
)
from gdprep.errors import GdprepError, ResidencyError
from gdprep.offline import allow_egress_to, enforce_offline
from gdprep.state import state_dir

if TYPE_CHECKING:
    from gdprep.policies import Policy

MLFLOW_URI_ENV: Final = "GDPREP_MLFLOW_URI"
MLFLOW_REGION_ENV: Final = "GDPREP_MLFLOW_REGION"
EXPERIMENT: Final = "gdprep-training"
TAG: Final = "gdprep."
#: what a refusal adds when the verdict was inconclusive: the two ways out
_INCONCLUSIVE_HINT: Final = ("; an inconclusive verdict means the test split was too small for the probes to find "
                             "a leak: probe with more test records, or set release_gate.release_if_inconclusive in "
                             "the policy to accept it")
NAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class RegistryError(GdprepError):
    """The registry cannot do what was asked (unknown model or version, nothing to roll back to, MLflow down)."""

    exit_code = 2


class RegistryNotFound(RegistryError):
    """No such registered model or version in the ledger."""


class RegistryRefused(GdprepError):
    """A registry entry the ledger contradicts, or a promotion the ledger does not allow; recorded."""

    exit_code = 2


def tracking_uri() -> str:
    """`GDPREP_MLFLOW_URI`, else the local store: SQLite in the state directory."""
    configured = os.environ.get(MLFLOW_URI_ENV)
    if configured:
        return configured
    root = state_dir() / "mlflow"
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'mlflow.db'}"


def _remote_host(uri: str) -> str | None:
    """The host of a store on another machine; None for a local file, SQLite or loopback store."""
    host = urlparse(uri).hostname
    if host is None or host == "localhost" or host.startswith("127.") or host == "::1":
        return None
    return host


def check_store_residency(uri: str, allowed_regions: Sequence[str]) -> None:
    """Refuse, before connecting, a store on another machine whose region is undeclared or not allowed; let
    the egress guard through to an allowed one."""
    host = _remote_host(uri)
    if host is None:
        return
    region = os.environ.get(MLFLOW_REGION_ENV)
    if not region:
        raise ResidencyError(f"{MLFLOW_URI_ENV} points at {host}: declare the MLflow server's region in "
                             f"${MLFLOW_REGION_ENV} (e.g. GB or eu-west-2); runs are logged to a server only where "
                             "the policy's residency allows")
    if region not in allowed_regions:
        raise ResidencyError(f"the MLflow server's region {region!r} is not allowed by the policy's residency "
                             f"(allowed: {', '.join(list(allowed_regions)[:8])}); use a server in an allowed region")
    allow_egress_to(host)


def parse_ref(ref: str) -> tuple[str, str | None]:
    """`NAME` or `NAME:VERSION`."""
    name, _, version = ref.partition(":")
    if not NAME_RE.fullmatch(name) or (version and not version.isdigit()):
        raise RegistryError(f"{ref!r} is not NAME or NAME:VERSION (a model name of letters, digits, '.', '_' or "
                            "'-', and a version number)")
    return name, version or None


@dataclass(frozen=True)
class Registered:
    name: str
    version: str
    mlflow_run_id: str


class Registry:
    """An MLflow client on one store, and the ledger that rules it."""

    def __init__(self, ledger: Ledger, allowed_regions: Sequence[str], uri: str | None = None) -> None:
        enforce_offline()
        os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
        self.ledger = ledger
        self.uri = uri or tracking_uri()
        check_store_residency(self.uri, allowed_regions)
        from mlflow.tracking import MlflowClient

        for noisy in ("mlflow", "alembic"):  # after the import: MLflow sets its loggers' levels on import
            logging.getLogger(noisy).setLevel(logging.WARNING)
        _no_telemetry_client()
        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    # -- writing -------------------------------------------------------------------------------------------

    def _experiment(self) -> str:
        found = self.client.get_experiment_by_name(EXPERIMENT)
        if found is not None:
            return str(found.experiment_id)
        location = None
        if self.uri.startswith("sqlite:///") and MLFLOW_URI_ENV not in os.environ:
            location = (Path(self.uri.removeprefix("sqlite:///")).parent / "artifacts").as_uri()
        return str(self.client.create_experiment(EXPERIMENT, artifact_location=location))

    def register(self, facts: TrainingFacts, name: str) -> Registered:
        """Log the training run to MLflow, register its adapter as a new version of `name`, and record the
        registration in the ledger."""
        from mlflow.entities import Metric, Param

        if not NAME_RE.fullmatch(name):
            raise RegistryError(f"registered model name {name!r}: use letters, digits, '.', '_' or '-'")
        tags = facts.tags()
        run = self.client.create_run(self._experiment(), run_name=f"train-{facts.training_run[:12]}",
                                     tags={**tags, "mlflow.source.name": "gdprep train"})
        run_id = run.info.run_id
        params = [Param(k, str(v)[:6000]) for k, v in _flat(facts.config).items()]
        metrics = [Metric(k, float(v), 0, 0) for k, v in facts.metrics.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)]
        for point in facts.loss_history:
            step = int(point["step"])
            metrics += [Metric(f"curve.{k}", float(v), 0, step) for k, v in point.items() if k != "step"]
        for i in range(0, max(len(params), len(metrics), 1), 100):
            self.client.log_batch(run_id, metrics=metrics[i:i + 100], params=params[i:i + 100])
        self._log_inputs(run_id, facts)
        self.client.log_artifacts(run_id, str(facts.adapter_dir), "adapter")
        with tempfile.TemporaryDirectory(prefix="gdprep-mlflow-") as tmp:
            config_file = Path(tmp) / "training_config.json"
            config_file.write_text(json.dumps(facts.config, indent=2, sort_keys=True), encoding="utf-8")
            self.client.log_artifact(run_id, str(config_file))
            manifest = facts.adapter_dir.parent / "manifest.json"
            if manifest.is_file():
                self.client.log_artifact(run_id, str(manifest))
        self.client.set_terminated(run_id)
        try:
            self.client.get_registered_model(name)
        except Exception:  # noqa: BLE001 - MLflow raises its own RestException for "not found"
            self.client.create_registered_model(name, tags={f"{TAG}managed": "true"})
        version = self.client.create_model_version(name, source=f"{run.info.artifact_uri}/adapter", run_id=run_id,
                                                   tags=tags, description="LoRA adapter trained by gdprep")
        self.ledger.append(MODEL_REGISTERED, {
            "name": name, "version": str(version.version), "training_run": facts.training_run,
            "adapter_sha256": facts.adapter_sha256, "mlflow_run_id": run_id, "registry": _display_uri(self.uri),
            "actor": actor()})
        self.ledger.checkpoint()
        return Registered(name, str(version.version), run_id)

    def _log_inputs(self, run_id: str, facts: TrainingFacts) -> None:
        from mlflow.entities import Dataset, DatasetInput, InputTag

        inputs = [DatasetInput(Dataset(name=f"{role}:{split['name']}", digest=split["sha256"][:32],
                                       source_type="local", source=json.dumps({"sha256": split["sha256"]})),
                               tags=[InputTag("mlflow.data.context", role)])
                  for role, split in facts.splits.items()]
        if inputs:
            self.client.log_inputs(run_id, datasets=inputs)

    def attach(self, training_run: str, *, kind: str, tags: Mapping[str, str], metrics: Mapping[str, float],
               artifact: Path | None = None) -> list[str]:
        """Put a probe or evaluation result on every registered version of `training_run`'s adapter: tags on
        the version, metrics and the report on its MLflow run. Returns the versions ("NAME:VERSION")."""
        from mlflow.entities import Metric

        done = []
        for v in versions_of_training_run(registry_entries(self.ledger), training_run):
            for key, value in tags.items():
                self.client.set_model_version_tag(v.name, v.version, f"{TAG}{kind}.{key}", str(value))
            if v.mlflow_run_id:
                self.client.log_batch(v.mlflow_run_id, metrics=[Metric(f"{kind}.{k}", float(m), 0, 0)
                                                                for k, m in metrics.items()])
                if artifact is not None and artifact.is_file():
                    self.client.log_artifact(v.mlflow_run_id, str(artifact), kind)
            done.append(v.key)
        return done

    # -- reading -------------------------------------------------------------------------------------------

    def models(self) -> dict[str, ModelState]:
        return model_states(registry_entries(self.ledger))

    def model(self, name: str) -> ModelState:
        models = self.models()
        if name not in models:
            known = ", ".join(sorted(models)) or "none yet (train with `registered_model` in the config)"
            raise RegistryNotFound(f"no registered model {name!r} in the ledger; registered models: {known}")
        return models[name]

    def version(self, name: str, version: str) -> VersionState:
        model = self.model(name)
        if version not in model.versions:
            raise RegistryNotFound(f"{name} has no version {version} in the ledger (versions: "
                                f"{', '.join(sorted(model.versions, key=int)) or 'none'})")
        return model.versions[version]

    def mlflow_versions(self, name: str) -> dict[str, Any]:
        return {str(v.version): v for v in self.client.search_model_versions(f"name='{name}'")}

    def production_alias(self, name: str) -> str | None:
        try:
            return str(self.client.get_model_version_by_alias(name, PRODUCTION).version)
        except Exception:  # noqa: BLE001 - no alias set
            return None

    def problems(self, state: VersionState, *, artefact: bool = False) -> list[str]:
        """Where MLflow's entry for the version contradicts the ledger (empty: it agrees)."""
        found = []
        if not state.consistent:
            found.append(f"the ledger registered adapter {state.adapter_sha256[:16]}... but training run "
                         f"{state.training_run} recorded {str(state.trained_adapter_sha256)[:16]}...")
        try:
            entry = self.client.get_model_version(state.name, state.version)
        except Exception:  # noqa: BLE001
            return [*found, f"MLflow has no version {state.version} of {state.name}"]
        recorded = entry.tags or {}
        for key, expected in (("adapter_sha256", state.adapter_sha256), ("training_run", state.training_run)):
            if recorded.get(f"{TAG}{key}") != expected:
                found.append(f"MLflow's {key} tag {str(recorded.get(TAG + key))[:16]!r} is not the ledger's "
                             f"{expected[:16]!r}")
        if artefact and not found:
            from gdprep.training.train import adapter_digest

            with tempfile.TemporaryDirectory(prefix="gdprep-mlflow-") as tmp:
                local = Path(self.client.download_artifacts(str(entry.run_id), "adapter", tmp))
                digest = adapter_digest(local)
            if digest != state.adapter_sha256:
                found.append(f"the registered artefact hashes to {digest[:16]}..., not the adapter training "
                             f"recorded ({state.adapter_sha256[:16]}...); it was changed after registration")
        return found

    # -- decisions -----------------------------------------------------------------------------------------

    def _checked(self, name: str, version: str, action: str, who: str) -> VersionState:
        state = self.version(name, version)
        problems = self.problems(state, artefact=True)
        if problems:
            self.ledger.append(REGISTRY_REFUSED, {"name": name, "version": version, "action": action,
                                                  "reason": "; ".join(problems), "actor": who})
            self.ledger.checkpoint()
            raise RegistryRefused(f"{name}:{version} refused ({action}): the registry contradicts the audit "
                                  f"ledger: {'; '.join(problems)}. The refusal is recorded in the ledger")
        return state

    def approve(self, name: str, version: str, *, approver: str, role: str, note: str, via: str) -> VersionState:
        state = self._checked(name, version, "approve", approver)
        if not state.released:
            raise RegistryRefused(f"{name}:{version} cannot be approved: its release decision is "
                                  f"{state.release or 'missing'}; run `gdprep probe --run {state.training_run}` "
                                  "and approve an adapter whose release gate passed"
                                  + _INCONCLUSIVE_HINT * (state.release == "inconclusive"))
        self.ledger.append(MODEL_APPROVED, {"name": name, "version": version, "training_run": state.training_run,
                                            "adapter_sha256": state.adapter_sha256, "approver": approver,
                                            "role": role, "note": note, "via": via})
        self.ledger.checkpoint()
        self.client.set_model_version_tag(name, version, f"{TAG}approved_by", approver)
        return self.version(name, version)

    def promote(self, name: str, version: str, *, who: str, via: str, policy: Policy | None = None) -> ModelState:
        """`policy` (default: the one the version's training run used) may ask for a human preference rate."""
        from gdprep.training.humaneval import human_preference_refusal

        state = self._checked(name, version, "promote", who)
        if not state.released:
            raise RegistryRefused(f"{name}:{version} cannot go to production: its release decision is "
                                  f"{state.release or 'missing'} (probe it with `gdprep probe --run "
                                  f"{state.training_run}`)" + _INCONCLUSIVE_HINT * (state.release == "inconclusive"))
        if not state.approved:
            raise RegistryRefused(f"{name}:{version} cannot go to production without a compliance officer's "
                                  f"approval: `gdprep models approve {name}:{version} --approver NAME`")
        refusal = human_preference_refusal(self.ledger, state, policy)
        if refusal is not None:
            raise RegistryRefused(refusal)
        previous = self.model(name).production
        self.ledger.append(MODEL_PROMOTED, {"name": name, "version": version, "alias": PRODUCTION,
                                            "previous_version": previous, "training_run": state.training_run,
                                            "adapter_sha256": state.adapter_sha256, "actor": who, "via": via})
        self.ledger.checkpoint()
        self.client.set_registered_model_alias(name, PRODUCTION, version)
        return self.model(name)

    def rollback(self, name: str, *, who: str, via: str, reason: str) -> ModelState:
        model = self.model(name)
        current, target = model.production, model.rollback_target
        if current is None:
            raise RegistryError(f"{name} has no version in production; nothing to roll back")
        if target is None:
            raise RegistryError(f"{name}:{current} is the first version {name} had in production; there is no "
                                "earlier approved version to roll back to")
        self._checked(name, target, "rollback", who)
        self.ledger.append(MODEL_ROLLED_BACK, {"name": name, "alias": PRODUCTION, "from_version": current,
                                               "to_version": target, "actor": who, "via": via, "reason": reason})
        self.ledger.checkpoint()
        self.client.set_registered_model_alias(name, PRODUCTION, target)
        return self.model(name)


@dataclass(frozen=True)
class TrainingFacts:
    """What the ledger and the manifest say of one training run, for its MLflow run and version tags."""

    training_run: str
    adapter_sha256: str
    adapter_dir: Path
    config: dict[str, Any]
    metrics: dict[str, Any]
    loss_history: list[dict[str, float]]
    splits: dict[str, dict[str, Any]]   # role -> {name, sha256, records}
    curation_run: str | None
    privacy_run: str | None
    policy_hash: str | None
    region: str | None
    base_model: str

    def tags(self) -> dict[str, str]:
        tags = {"training_run": self.training_run, "adapter_sha256": self.adapter_sha256,
                "curation_run": self.curation_run, "privacy_run": self.privacy_run,
                "policy_hash": self.policy_hash, "region": self.region, "base_model": self.base_model}
        tags.update({f"dataset.{role}_sha256": split["sha256"] for role, split in self.splits.items()})
        return {f"{TAG}{k}": str(v) for k, v in tags.items() if v is not None}


def training_facts(ledger: Ledger, training_run: str, adapter_dir: Path) -> TrainingFacts:
    """The facts of `training_run` from its ledger entries and the manifest next to `adapter_dir`."""
    from gdprep.training.manifest import AdapterManifest

    start: dict[str, Any] = {}
    adapter: dict[str, Any] = {}
    splits: dict[str, dict[str, Any]] = {}
    for e in ledger.run_entries(training_run):
        if e.kind == "run_started":
            start = e.payload
        elif e.kind == "adapter":
            adapter = e.payload
        elif e.kind == "dataset_version" and e.payload.get("direction") == "input":
            splits[str(e.payload["role"])] = {k: e.payload.get(k) for k in ("name", "sha256", "records")}
    if not adapter:
        raise RegistryError(f"training run {training_run} recorded no adapter in the ledger (it failed or is "
                            "still running); only a finished training run's adapter can be registered")
    manifest = AdapterManifest.read(adapter_dir.parent / "manifest.json")
    if not splits and manifest.datasets.train_sha256:  # a run from before the splits were recorded as inputs
        splits["train"] = {"name": Path(manifest.config["train_file"]).name,
                           "sha256": manifest.datasets.train_sha256, "records": None}
    return TrainingFacts(
        training_run=training_run, adapter_sha256=str(adapter["adapter_sha256"]), adapter_dir=adapter_dir,
        config=manifest.config, metrics=manifest.metrics, loss_history=manifest.loss_history, splits=splits,
        curation_run=manifest.datasets.curation_run, privacy_run=manifest.datasets.privacy_run,
        policy_hash=adapter.get("policy_hash") or start.get("policy_hash"),
        region=adapter.get("region") or manifest.region, base_model=manifest.base_model.name)


def default_model_name(config: Mapping[str, Any]) -> str:
    """The config's `registered_model`, else the output directory's name made into a model name."""
    name = config.get("registered_model")
    if name:
        return str(name)
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(str(config["output_dir"])).resolve().name).strip("-._")
    return cleaned or "adapter"


def _no_telemetry_client() -> None:
    """MLflow builds its telemetry client when it is imported; one imported before gdprep turned telemetry
    off (by the caller's own code) has a client: it is dropped before anything could be sent."""
    try:
        from mlflow.telemetry.client import get_telemetry_client, set_telemetry_client
    except ImportError:  # an MLflow without telemetry
        return
    if get_telemetry_client() is not None:
        set_telemetry_client()  # with MLFLOW_DISABLE_TELEMETRY set, this sets it to None


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _display_uri(uri: str) -> str:
    """The store's URI without any password it carries."""
    parsed = urlparse(uri)
    if parsed.password:
        return uri.replace(f":{parsed.password}@", ":***@")
    return uri


@contextmanager
def opened(ledger: Ledger, allowed_regions: Sequence[str]) -> Iterator[Registry]:
    """A registry for one command; MLflow's errors become `RegistryError` naming the store."""
    registry = Registry(ledger, allowed_regions)
    try:
        yield registry
    except GdprepError:
        raise
    except Exception as exc:  # noqa: BLE001 - MLflow and SQLAlchemy raise many kinds
        from mlflow.exceptions import MlflowException

        if isinstance(exc, MlflowException | OSError):
            raise RegistryError(f"the model registry at {_display_uri(registry.uri)} failed: {exc}") from exc
        raise
