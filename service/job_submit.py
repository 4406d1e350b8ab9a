"""Accepting a job: everything a `POST /v1/jobs` is given is checked before the job is queued, so that a job
that cannot run is refused with the reason (422) rather than failing later in a worker. The uploaded policy,
curation config and training config are stored with the job and their SHA-256s recorded."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from fastapi import HTTPException, UploadFile, status

from gdprep.audit.ledger import utc_now
from gdprep.errors import ConfigError, GdprepError, PolicyError, UsageError
from gdprep.records import file_sha256
from gdprep.service.deps import Services
from gdprep.service.inputs import stage_plan, validate_input
from gdprep.service.job import Job, JobStatus
from gdprep.service.keys import Principal
from gdprep.service.settings import ServiceSettings
from gdprep.service.training_configs import (
    JobTrainingConfig,
    check_region,
    named_config_path,
    read_job_config,
    resolve_base_model,
)

_CHUNK = 1024 * 1024
ON_ERROR = ("fail", "quarantine")
SPLIT_FORMATS = (".jsonl", ".parquet")  # what training reads


def refuse(message: str) -> NoReturn:
    """The submission cannot make a job that runs: 422 with the reason."""
    raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


async def save_upload(upload: UploadFile, dest: Path, limit: int) -> str:
    """Stream the upload to `dest` (mode 0600), refusing it past `limit` bytes; returns its SHA-256. An empty
    file is accepted, as by the CLI: its job writes empty outputs and a report of 0 records."""
    digest = hashlib.sha256()
    size = 0
    with os.fdopen(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE,
                                    f"the upload is larger than this server's limit of {limit:,} bytes; split "
                                    "the file or place it under an allowed input root and pass `path`")
            digest.update(chunk)
            fh.write(chunk)
    return digest.hexdigest()


@dataclass
class Submission:
    """What a `POST /v1/jobs` asked for, with its uploads already stored under `folder`."""

    job_id: str
    stages: list[str]
    policy: str                              # a shipped name (ignored when `policy_file` is set)
    on_error: str | None                     # None: malformed records refused now, quarantined by the stages
    folder: Path                             # uploads/<job id>/
    input_path: Path | None = None
    input_name: str = ""
    input_sha256: str | None = None
    source: str = "upload"
    policy_file: tuple[Path, str] | None = None          # stored copy, name as uploaded
    curation_file: tuple[Path, str] | None = None
    training_file: tuple[Path, str] | None = None
    training_name: str | None = None
    training_run: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


def accept(services: Services, principal: Principal, settings: ServiceSettings, sub: Submission) -> Job:
    """Check everything, then queue the job and record who asked (with the SHA-256 of every config)."""
    try:
        plan = stage_plan(sub.stages)
    except UsageError as exc:
        refuse(str(exc))
    if sub.on_error is not None and sub.on_error not in ON_ERROR:
        refuse(f"on_error: {sub.on_error!r} is not one of {', '.join(ON_ERROR)}")
    sub.options["on_error"] = sub.on_error or "quarantine"
    policy_ref = _policy(sub)
    _curation(sub, plan)
    if plan == "adapter":
        _adapter_input(services, principal, sub)
    elif sub.input_path is None:
        raise UsageError("give exactly one of `file` (an upload) or `path` (a file under an allowed input root)")
    if plan == "training":
        _training(services, settings, sub, policy_ref)
    elif sub.training_file or sub.training_name:
        refuse("training_config: only a job with the training stage takes a training config")
    # a malformed record is refused now unless the caller asked for it to be set aside
    n_records = validate_input(sub.input_path, sub.input_name, policy_ref, on_error=sub.on_error or "fail") \
        if sub.input_path and plan != "adapter" else None
    assert sub.input_path is not None or plan == "adapter"
    sha = sub.input_sha256 or (file_sha256(sub.input_path) if sub.input_path else "")
    job = Job(id=sub.job_id, owner=principal.name, owner_role=principal.role, status=JobStatus.queued,
              stages=sub.stages, policy=policy_ref, source=sub.source, input_name=sub.input_name,
              input_path=str(sub.input_path or ""), input_sha256=sha, input_records=n_records, created_at=utc_now(),
              progress={s: {"state": "pending", "done": 0, "total": n_records} for s in sub.stages},
              options=sub.options)
    services.jobs.create(job)
    record = {"job": job.id, "source": sub.source, "stages": sub.stages, "policy": job.policy_name,
              "input_sha256": sha, "records": n_records, "options": job.public_options()}
    if sub.options.get("policy_file"):
        record["policy_sha256"] = sub.options["policy_file"]["sha256"]
    with services.write_lock:
        services.ledger.append("job_submitted", {**record, "actor": principal.name, "actor_role": principal.role,
                                                 "key_id": principal.key_id, "channel": "api"})
        services.ledger.checkpoint()
    return job


def _shown(path: Path, text: str, field_name: str, upload_name: str) -> str:
    """An error message about an uploaded file, naming the form field and file as the caller knows them."""
    return text.replace(str(path), f"`{field_name}` ({upload_name})")


def _policy(sub: Submission) -> str:
    """The policy the job runs under: a shipped name, or the path of the uploaded policy (validated by the
    same loader as the CLI, hashed and recorded)."""
    from gdprep.policies import load_policy
    from gdprep.policies.loader import list_policies

    if sub.policy_file is None:
        if sub.policy not in list_policies():
            raise UsageError(f"unknown policy {sub.policy!r}; choose one of {', '.join(list_policies())} or "
                             "upload one as `policy_file`")
        return sub.policy
    path, name = sub.policy_file
    try:
        policy = load_policy(str(path))
    except PolicyError as exc:
        refuse(_shown(path, str(exc), "policy_file", name))
    sub.options["policy_file"] = {"name": policy.name, "file": name, "sha256": file_sha256(path),
                                  "policy_hash": policy.canonical_hash(), "path": str(path)}
    return str(path)


def _curation(sub: Submission, plan: str) -> None:
    from gdprep.curation.config import load_curation_config

    if sub.curation_file is None:
        return
    if "curation" not in sub.stages:
        refuse("curation_config: only a job with the curation stage takes a curation config")
    path, name = sub.curation_file
    try:
        cfg = load_curation_config(path)
    except ConfigError as exc:
        refuse(_shown(path, str(exc), "curation_config", name))
    sub.options["curation_config"] = {"file": name, "sha256": file_sha256(path), "path": str(path),
                                      "format": cfg.output.format}


def _adapter_input(services: Services, principal: Principal, sub: Submission) -> None:
    """Probe or evaluate alone: the input is an earlier training run of this key's jobs, not a file."""
    from gdprep.training.release import find_adapter

    if sub.input_path is not None:
        refuse("stages probe/evaluate alone read an earlier training run (`training_run`), not a file; leave out "
               "`file` and `path`")
    run = (sub.training_run or "").strip()
    if not run:
        refuse("training_run: probe and evaluate without training need the training run to read (the `runs."
               "training` of an earlier job)")
    if not _owns_training_run(services, principal, run):
        refuse(f"training_run: {run!r} is not the training run of a succeeded or failed job of key "
               f"{principal.name!r}")
    try:
        found = find_adapter(services.ledger, run_id=run)
    except GdprepError as exc:
        refuse(f"training_run: {exc}")
    if "probe" in sub.stages and (found.test_file is None or not found.test_file.is_file()):
        refuse(f"training_run: {run} has no test split on the server, which the probes need")
    sub.source, sub.input_name, sub.input_sha256 = "training_run", run, found.sha256
    sub.options["training_run"] = run


def _owns_training_run(services: Services, principal: Principal, run: str) -> bool:
    offset = 0
    while True:
        page, total = services.jobs.list(owner=principal.name, limit=200, offset=offset)
        if any(job.runs.get("training") == run for job in page):
            return True
        offset += len(page)
        if not page or offset >= total:
            return False


def _training(services: Services, settings: ServiceSettings, sub: Submission, policy_ref: str) -> None:
    """The training config (named or uploaded) read and checked, the base model under the model roots, the
    region allowed by the policy and, for a job whose input is already a curated train split, the gate."""
    from gdprep.policies import load_policy
    from gdprep.training.gate import check_gate

    config = _training_config(settings, sub)
    try:
        config = resolve_base_model(config, settings.model_roots)
    except PermissionError as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from None
    except ConfigError as exc:
        refuse(str(exc))
    sub.options["training_config"] = {**config.record(), "base_model": config.base_model.name}
    policy = load_policy(policy_ref)
    region = check_region(config.fields, policy.residency.allowed_regions, policy.name)
    assert sub.input_path is not None
    _check_base_model(config, sub, policy_ref)
    if "curation" in sub.stages:
        fmt = sub.options.get("curation_config", {}).get("format", "input")
        if fmt == "input" and sub.input_path.suffix.lower() not in SPLIT_FORMATS:
            refuse(f"training reads JSONL or Parquet splits, and curation writes {sub.input_path.suffix} ones for "
                   "this input; upload a curation_config with `output: {format: jsonl}`")
        return
    if sub.input_path.suffix.lower() not in SPLIT_FORMATS:
        refuse("training reads a JSONL or Parquet train split; this input is neither")
    if "probe" in sub.stages and sub.source == "upload":
        refuse("probe after training needs the test split next to the train split: give the curated train split "
               "by `path` with its test split beside it, or run curation in the same job")
    check_gate(services.ledger, sub.input_path, region=region, allowed_regions=policy.residency.allowed_regions)


def _check_base_model(config: JobTrainingConfig, sub: Submission, policy_ref: str) -> None:
    """What `gdprep train` checks on the base model before it loads (architecture, tokenizer, the preset's
    architecture, weights), at submission; the message names the model as the config does, never by its path
    on the server. Memory is checked when the job runs, on the worker: here it would be measured in the API
    process, while other jobs train."""
    from gdprep.training.modelcheck import check_training_model
    from gdprep.training.modelio import ModelLoadError

    assert sub.input_path is not None
    try:
        check_training_model(config.train_config(train_file=sub.input_path, validation_file=None, test_file=None,
                                                 output_dir=sub.folder, policy=policy_ref), memory=False)
    except (ModelLoadError, ConfigError) as exc:
        refuse(str(exc).replace(str(config.base_model), str(config.fields.get("base_model", ""))))


def _training_config(settings: ServiceSettings, sub: Submission) -> JobTrainingConfig:
    if (sub.training_file is None) == (not sub.training_name):
        refuse("training_config: give exactly one of `training_config` (an uploaded YAML file) or "
               "`training_config_name` (GET /v1/training-configs lists them)")
    try:
        if sub.training_file is not None:
            path, name = sub.training_file
            return read_job_config(path, source="upload", name=name, shown=f"`training_config` ({name})",
                                   allow_schema=False)
        assert sub.training_name is not None
        named = named_config_path(settings.training_configs_dir, sub.training_name)
        stored = sub.folder / "training-config.yaml"
        stored.write_bytes(named.read_bytes())  # the job runs the config as it was when submitted
        stored.chmod(0o600)
        return read_job_config(stored, source="named", name=sub.training_name,
                               shown=f"{sub.training_name!r}", allow_schema=True)
    except ConfigError as exc:
        refuse(str(exc))
