"""`gdprep export-adapter`: the hand-off of a trained LoRA adapter to a serving team (vLLM or TGI on a shared base
model). Before anything is written the export is checked: the adapter's files hash to what its training run
recorded, and its latest release decision let it out (or `--force` came with a reason). The export is built in a
temporary directory next to the destination and renamed into place, so an interrupted export leaves no
half-written directory. `prepare_export` refuses before a ledger run opens; `export_in_run` works inside the
`export` run that `service/stages.py` opens."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from gdprep import __version__
from gdprep.audit.entries import Entry
from gdprep.audit.ledger import Ledger, actor
from gdprep.audit.lineage import RunRecorder
from gdprep.audit.models import VersionState, model_states, registry_entries
from gdprep.errors import GdprepError, IntegrityError, UsageError
from gdprep.policies.schema import Policy
from gdprep.records import file_sha256
from gdprep.training.release import AdapterNotFound, TrainedAdapter, find_adapter
from gdprep.training.train import adapter_digest

EXPORT_SCHEMA: Final = "gdprep.adapter_export/1"
STAGE: Final = "export"
#: the ledger event of every export, forced or not
EXPORTED: Final = "adapter_exported"
EXPORT_FILE: Final = "gdprep-export.json"
SUMS_FILE: Final = "SHA256SUMS"
BASE_SUMS_FILE: Final = "base-model.sha256"
CHAT_TEMPLATE_FILE: Final = "chat_template.jinja"
README_TEMPLATE: Final = "serving_readme.md.j2"
#: the values vLLM accepts for `--max-lora-rank` (vllm/config/lora.py `MaxLoRARanks`; releases before 0.6
#: stopped at 64, some at 256); 1 is left out so that the flag works on those too
VLLM_MAX_LORA_RANKS: Final = (8, 16, 32, 64, 128, 256, 320, 512)
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ExportRefused(GdprepError):
    """The adapter's release gate did not let it out (never probed, inconclusive or failed) and the export was not
    forced; nothing was written."""

    exit_code = 3


@dataclass(frozen=True)
class PreparedExport:
    """An export whose adapter, ledger facts, release decision and destination were checked before its `export`
    run opens."""

    found: TrainedAdapter
    out_dir: Path
    policy: Policy
    #: the training run's `adapter` entry: adapter hash, base weights, dataset hash, region, policy hash
    trained: dict[str, Any]
    #: the training run's config as its `run_started` entry recorded it
    training_config: dict[str, Any]
    #: the latest release decision for this adapter (its training run and hash); None: never probed
    decision: Entry | None
    versions: list[VersionState] = field(default_factory=list)
    force: bool = False
    reason: str | None = None
    overwrite: bool = False

    @property
    def training_run(self) -> str:
        return str(self.found.training_run)

    @property
    def verdict(self) -> str:
        """pass, fail or inconclusive, as the latest probes run decided; `unprobed` when none did."""
        return str(self.decision.payload.get("release")) if self.decision is not None else "unprobed"

    @property
    def released(self) -> bool:
        """Whether that decision lets the adapter out (decisions recorded before `released` existed: pass)."""
        if self.decision is None:
            return False
        return bool(self.decision.payload.get("released", self.decision.payload.get("release") == "pass"))

    @property
    def forced(self) -> bool:
        """Whether `--force` overrides a decision that kept the adapter back (not merely given)."""
        return self.force and not self.released

    @property
    def run_config(self) -> dict[str, Any]:
        """The config the ledger's `run_started` entry records."""
        return {"training_run": self.training_run, "adapter_sha256": self.found.sha256,
                "out_dir": str(self.out_dir.resolve()), "verdict": self.verdict, "released": self.released,
                "forced": self.forced, "reason": self.reason, "overwrite": self.overwrite}

    def approvals(self) -> list[dict[str, Any]]:
        """The compliance officers' approvals of this adapter, in every registered version of it."""
        return [{"model": v.name, "version": v.version, **{k: a.get(k) for k in ("approver", "role", "note", "at")}}
                for v in self.versions for a in v.approvals if a.get("adapter_sha256") == self.found.sha256]


def training_run_of(entries: list[Entry], ref: str) -> str:
    """The training run `ref` names: a run id as `gdprep train` prints it, or NAME:VERSION of a registered model."""
    if ":" not in ref:
        return ref
    name, _, version = ref.partition(":")
    model = model_states(entries).get(name)
    state = model.versions.get(version) if model is not None else None
    if state is None:
        raise AdapterNotFound(f"{ref} is not a registered model version in the ledger; `gdprep models list` shows "
                              "them, or pass the training run id")
    return state.training_run


def latest_decision(entries: list[Entry], training_run: str, adapter_sha256: str) -> Entry | None:
    """The last `release_decision` the probes recorded for this training run's adapter (this very hash)."""
    found = None
    for e in entries:
        if (e.kind == "release_decision" and e.payload.get("training_run") == training_run
                and e.payload.get("adapter_sha256") == adapter_sha256):
            found = e
    return found


def prepare_export(ledger: Ledger, ref: str, out_dir: Path, *, force: bool = False, reason: str | None = None,
                   overwrite: bool = False, policy: Policy | None = None) -> PreparedExport:
    """Everything that must hold before an `export` run opens: the options, the adapter (found through the ledger,
    its files unchanged since training, its manifest and LoRA config as the ledger recorded them), a release
    decision that lets it out unless forced, and a destination that is empty, new or `overwrite`n."""
    from gdprep.policies import load_policy

    if reason is not None and not force:
        raise UsageError("--reason goes with --force: it records why an adapter whose release gate did not pass "
                         "is exported anyway")
    if force and not (reason or "").strip():
        raise UsageError('--force needs --reason "...": why the adapter is exported although its release gate did '
                         "not pass (the reason is recorded in the audit ledger)")
    entries = list(registry_entries(ledger))
    run = training_run_of(entries, ref)
    found = find_adapter(ledger, run_id=run)
    trained: dict[str, Any] = next((e.payload for e in reversed(entries)
                                    if e.kind == "adapter" and e.run_id == run), {})
    started: dict[str, Any] = next((e.payload for e in ledger.run_entries(run) if e.kind == "run_started"), {})
    training_config = dict(started.get("config") or {})
    _check_against_ledger(found, trained, training_config)
    job = PreparedExport(found, out_dir, policy or load_policy(found.manifest.config.get("policy")), trained,
                         training_config, latest_decision(entries, run, found.sha256),
                         [v for m in model_states(entries).values() for v in m.versions.values()
                          if v.training_run == run],
                         force, reason.strip() if reason else None, overwrite)
    if not job.released and not force:
        raise ExportRefused(_refusal(job))
    check_destination(out_dir, found.adapter_dir, overwrite=overwrite)
    return job


def _refusal(job: PreparedExport) -> str:
    run = job.training_run
    if job.decision is None:
        what = f"training run {run}'s adapter has no release decision: it was never probed"
        todo = f"run `gdprep probe --run {run}` first"
    elif job.verdict == "inconclusive":
        what = (f"training run {run}'s release decision is inconclusive (probes run {job.decision.run_id}): the test "
                "split was too small for the probes to find a leak, and the policy does not release inconclusive "
                "verdicts")
        todo = f"probe again with more test records (`gdprep probe --run {run}`)"
    else:
        what = f"training run {run}'s release decision is {job.verdict} (probes run {job.decision.run_id})"
        todo = f"see its probe report, retrain and probe again (`gdprep probe --run {run}`)"
    return (f"{what}; the adapter is not exported. To hand it over: {todo}, or export it anyway with "
            '--force --reason "..." (recorded in the audit ledger)')


def _check_against_ledger(found: TrainedAdapter, trained: dict[str, Any], config: dict[str, Any]) -> None:
    """manifest.json and adapter_config.json are plain files: what the export takes from them (the base model's
    weight hashes, the LoRA rank and alpha) must be what the training run recorded in the ledger."""
    recorded = trained.get("base_model_weights")
    if recorded is not None and recorded != found.manifest.base_model.weights_sha256:
        raise IntegrityError(f"{found.adapter_dir.parent / 'manifest.json'}: the base model's weight hashes are not "
                             f"the ones training run {found.training_run} recorded in the ledger; the manifest was "
                             "changed after training")
    adapter_config = read_adapter_config(found.adapter_dir)
    lora = config.get("lora") or {}
    continued = config.get("method") == "dpo" and (config.get("dpo") or {}).get("init_adapter")
    if continued or not lora:  # a DPO run from an adapter keeps that adapter's LoRA settings
        return
    for key, recorded_key in (("r", "r"), ("lora_alpha", "alpha")):
        if adapter_config.get(key) != lora.get(recorded_key):
            raise IntegrityError(f"{found.adapter_dir / 'adapter_config.json'}: {key} is {adapter_config.get(key)!r} "
                                 f"but training run {found.training_run} trained with lora.{recorded_key} "
                                 f"{lora.get(recorded_key)!r}; the adapter's config was changed after training")


def read_adapter_config(adapter_dir: Path) -> dict[str, Any]:
    path = adapter_dir / "adapter_config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdapterNotFound(f"{path} is missing or not JSON ({exc}); it is not a PEFT adapter directory") from exc
    if not isinstance(data, dict):
        raise AdapterNotFound(f"{path} is not a JSON object; it is not a PEFT adapter directory")
    return data


def check_destination(out_dir: Path, adapter_dir: Path, *, overwrite: bool) -> None:
    """An export goes to a new or empty directory, or replaces one with `overwrite`; never over the adapter it
    copies (the training output directory holds it)."""
    target, source = out_dir.resolve(), adapter_dir.resolve()
    if source.is_relative_to(target) or target.is_relative_to(source):
        raise UsageError(f"--out {out_dir} holds or is inside the adapter being exported ({adapter_dir}); choose a "
                         "directory outside it")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out {out_dir} is a file; give a directory to create")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise UsageError(f"--out {out_dir} exists and is not empty; choose a new directory, or pass --overwrite to "
                         "replace it")
    if target.is_dir() and any(target.iterdir()) and not (target / EXPORT_FILE).is_file():
        # --overwrite deletes what it replaces: only ever an earlier export, never a directory of something else
        raise UsageError(f"--out {out_dir} is not an earlier export (no {EXPORT_FILE}); --overwrite replaces only "
                         "an export directory. Choose a new directory")


def vllm_max_lora_rank(r: int) -> int | None:
    """The smallest `--max-lora-rank` vLLM accepts that covers rank `r`; None above vLLM's largest."""
    return next((v for v in VLLM_MAX_LORA_RANKS if v >= r), None)


def serving_name(job: PreparedExport) -> str:
    """The adapter's name in requests: its registered model's name, else the training output directory's."""
    name = job.versions[-1].name if job.versions else job.found.adapter_dir.parent.name
    return _NAME_UNSAFE.sub("-", name).strip("-.") or "adapter"


def export_in_run(job: PreparedExport, rec: RunRecorder) -> dict[str, Any]:
    """Inside the already-open `export` run `rec`: build the export in a temporary directory next to the
    destination, rename it into place and record an `adapter_exported` event; returns gdprep-export.json's
    content."""
    target = job.out_dir.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.export-", dir=target.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide the export from the serving team's accounts
    try:
        meta = _write_export(job, tmp, target, rec.run_id)
        _move_into_place(tmp, target, overwrite=job.overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    rec.event(EXPORTED, {
        "training_run": job.training_run, "adapter_sha256": job.found.sha256, "out_dir": str(target),
        "verdict": job.verdict, "released": job.released, "release_run": meta["release"]["probe_run"],
        "forced": job.forced, "reason": job.reason, "actor": meta["exported_by"],
        "approvers": sorted({str(a["approver"]) for a in meta["approvals"]}),
        "export_sha256": file_sha256(target / EXPORT_FILE), "sums_sha256": file_sha256(target / SUMS_FILE)})
    return meta


def _write_export(job: PreparedExport, tmp: Path, target: Path, export_run: str) -> dict[str, Any]:
    adapter = tmp / "adapter"
    adapter.mkdir()
    for f in sorted(job.found.adapter_dir.iterdir()):
        if f.is_file():
            shutil.copyfile(f, adapter / f.name)
    if adapter_digest(adapter) != job.found.sha256:  # changed between the check and the copy
        raise IntegrityError(f"the adapter in {job.found.adapter_dir} changed while it was being copied; export again")
    template, template_source = chat_template(adapter)
    if template is not None:
        (tmp / CHAT_TEMPLATE_FILE).write_text(template, encoding="utf-8")
    weights = job.found.manifest.base_model.weights_sha256
    (tmp / BASE_SUMS_FILE).write_text("".join(f"{h}  {n}\n" for n, h in sorted(weights.items())), encoding="utf-8")
    meta = export_metadata(job, read_adapter_config(adapter), export_run,
                           {n: file_sha256(adapter / n) for n in sorted(p.name for p in adapter.iterdir())},
                           template_source)
    (tmp / EXPORT_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (tmp / "README.md").write_text(render_readme(meta, target), encoding="utf-8")
    files = sorted(p for p in tmp.rglob("*") if p.is_file())
    (tmp / SUMS_FILE).write_text("".join(f"{file_sha256(p)}  {p.relative_to(tmp).as_posix()}\n" for p in files),
                                 encoding="utf-8")
    return meta


def chat_template(adapter_dir: Path) -> tuple[str | None, str | None]:
    """The tokenizer's chat template and the file it came from (chat_template.jinja, else tokenizer_config.json's
    `chat_template`); (None, None) when the tokenizer has none."""
    jinja = adapter_dir / CHAT_TEMPLATE_FILE
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8"), f"adapter/{CHAT_TEMPLATE_FILE}"
    config = adapter_dir / "tokenizer_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf-8")).get("chat_template")
        if isinstance(value, str) and value:
            return value, "adapter/tokenizer_config.json"
    return None, None


def export_metadata(job: PreparedExport, adapter_config: dict[str, Any], export_run: str,
                    adapter_files: dict[str, str], template_source: str | None) -> dict[str, Any]:
    """What gdprep-export.json holds: the adapter and its LoRA settings, the base model and its weight hashes, the
    training run and its datasets, the release decision, the approvals, and whether the export was forced."""
    manifest, decision = job.found.manifest, job.decision
    targets = adapter_config.get("target_modules")
    r = int(adapter_config.get("r") or 0)
    return {
        "schema": EXPORT_SCHEMA, "schema_version": 1, "gdprep_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"), "exported_by": actor(),
        "export_run": export_run,
        "adapter": {"dir": "adapter", "sha256": job.found.sha256, "files": adapter_files,
                    "peft_type": adapter_config.get("peft_type"), "task_type": adapter_config.get("task_type"),
                    "r": r, "lora_alpha": adapter_config.get("lora_alpha"),
                    "target_modules": sorted(targets) if isinstance(targets, list) else targets,
                    "base_model_name_or_path": adapter_config.get("base_model_name_or_path"),
                    "serving_name": serving_name(job), "vllm_max_lora_rank": vllm_max_lora_rank(r)},
        "base_model": {"name": manifest.base_model.name, "path_at_training": manifest.base_model.path,
                       "weights_sha256": manifest.base_model.weights_sha256,
                       "smoke_model": manifest.base_model.smoke_model},
        "chat_template": {"file": CHAT_TEMPLATE_FILE if template_source else None, "source": template_source},
        "training": {"run": job.training_run, "method": manifest.method, "region": job.trained.get("region"),
                     "policy_hash": job.trained.get("policy_hash"), "seed": manifest.seed, "device": manifest.device,
                     "qlora": manifest.qlora, "versions": manifest.versions,
                     "datasets": {**manifest.datasets.model_dump(mode="json"),
                                  "gate_dataset_sha256": job.trained.get("dataset_sha256"),
                                  "test_file": manifest.test_file},
                     "metrics": {k: manifest.metrics.get(k) for k in ("train_loss", "eval_loss", "steps")
                                 if k in manifest.metrics}},
        "release": {"verdict": job.verdict, "released": job.released,
                    "probe_run": decision.run_id if decision else None,
                    "decided_at": decision.created_at if decision else None,
                    **{k: decision.payload.get(k) for k in ("reasons", "checks", "max_canary_exposure",
                                                             "regurgitated", "needed_test_records", "report_sha256")
                       if decision is not None}},
        "approvals": job.approvals(),
        "registered_versions": [v.key for v in job.versions],
        "forced": job.forced, "force_reason": job.reason,
        "export_policy_hash": job.policy.canonical_hash(),
    }


def serving_commands(meta: dict[str, Any], target: Path) -> dict[str, str | None]:
    """The vLLM and TGI command lines that load the exported adapter on the base model (None for vLLM when the
    rank is above what it accepts)."""
    adapter, base = meta["adapter"], shlex.quote(meta["base_model"]["path_at_training"])
    module = shlex.quote(f"{adapter['serving_name']}={target / 'adapter'}")
    vllm = None
    if adapter["vllm_max_lora_rank"] is not None:
        rank = adapter["vllm_max_lora_rank"]
        vllm = f"vllm serve {base} --enable-lora --lora-modules {module} --max-lora-rank {rank}"
        if meta["chat_template"]["file"]:
            vllm += f" --chat-template {shlex.quote(str(target / CHAT_TEMPLATE_FILE))}"
    return {"vllm": vllm, "tgi": f"text-generation-launcher --model-id {base} --lora-adapters {module}"}


def render_readme(meta: dict[str, Any], target: Path) -> str:
    """README.md for the serving team, from training/templates/serving_readme.md.j2 (Markdown: nothing escaped)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template(README_TEMPLATE).render(meta=meta, target=str(target), commands=serving_commands(
        meta, target), files={"export": EXPORT_FILE, "sums": SUMS_FILE, "base_sums": BASE_SUMS_FILE})


def _umask() -> int:
    """The process's umask, read without changing it (`os.umask` sets it while reading, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _move_into_place(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Rename the finished export to `target`; a non-empty `target` (allowed by `overwrite`) is renamed aside
    first and removed after."""
    if target.is_dir() and any(target.iterdir()):
        if not overwrite:  # it appeared since the check
            raise UsageError(f"--out {target} was filled by something else during the export; nothing was replaced")
        aside = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex[:8]}")
        os.rename(target, aside)
        os.rename(tmp, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(tmp, target)  # onto nothing, or onto an empty directory
