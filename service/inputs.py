"""What a job may be given: checked before it is queued. An uploaded file's safe name and format, a
server-side path under an allowed root, the stages asked for, and every record read the way the pipeline
will read it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from gdprep.errors import UsageError
from gdprep.service.job import STAGES

INPUT_FORMATS = (".jsonl", ".csv", ".parquet")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 120  # characters of an uploaded file's name that are kept


def safe_filename(name: str) -> str:
    """A file name that cannot climb directories or hide, at most MAX_NAME characters: a long name loses
    the end of its stem, never its extension."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".") or "upload"
    if len(cleaned) <= MAX_NAME:
        return cleaned
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not stem or len(ext) > 16:  # no extension worth keeping
        return cleaned[:MAX_NAME]
    return f"{stem[:MAX_NAME - len(ext) - 1]}.{ext}"


def check_format(name: str) -> None:
    if Path(name).suffix.lower() not in INPUT_FORMATS:
        raise UsageError(f"{name}: unsupported file type; give a .jsonl, .csv or .parquet file")


def resolve_server_path(raw: str, roots: Sequence[Path]) -> Path:
    """A server-side input: must exist and resolve (links followed) under one of the allowed roots."""
    if not roots:
        raise UsageError("server-side inputs are disabled on this server (no $GDPREP_INPUT_ROOTS); upload the "
                         "file instead")
    if "\x00" in raw:
        raise UsageError("`path` holds a NUL character; give a file path under an allowed input root")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = roots[0] / path
    resolved = path.resolve()
    if not any(resolved.is_relative_to(r.resolve()) for r in roots):
        raise PermissionError(f"path {raw!r} is outside the allowed input roots")
    if not resolved.is_file():
        raise UsageError(f"path {raw!r} is not a file under the allowed input roots")
    check_format(resolved.name)
    return resolved


def validate_input(path: Path, shown_name: str, policy_name: str, *, on_error: str = "fail") -> int:
    """Read every record the way the pipeline will, failing on the first bad one (`on_error="quarantine"`:
    counting it, for a stage that sets it aside); returns the record count. Errors name the file as the user
    knows it (not the server's path) and the line."""
    from gdprep.errors import InputError
    from gdprep.policies import load_policy
    from gdprep.records import RecordReader

    policy = load_policy(policy_name)
    try:
        reader = RecordReader(path, policy.fields, max_chars=policy.max_text_chars,
                              on_error="quarantine" if on_error == "quarantine" else "fail")
        for _ in reader.batches(2048):
            pass
    except InputError as exc:
        raise InputError(exc.detail.removesuffix(". Fix the record, or pass --on-error quarantine to set bad "
                                                 "records aside and continue")
                         + "; fix that line and submit again (or submit with on_error=quarantine to set bad "
                           "records aside)",
                         path=shown_name, line=exc.line, reason=exc.reason) from None
    return reader.n_items


def stage_list(raw: str | Sequence[str]) -> list[str]:
    """Validated names, in pipeline order, no repeats (whether they make a job together: `stage_plan`)."""
    items = [s.strip() for s in (raw.split(",") if isinstance(raw, str) else raw) if s and s.strip()]
    if not items:
        raise UsageError(f"stages: give at least one of {', '.join(STAGES)}")
    unknown = [s for s in items if s not in STAGES]
    if unknown:
        raise UsageError(f"stages: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(STAGES)}")
    return [s for s in STAGES if s in items]


#: what a job's stages may be, for the message that refuses any other combination
STAGE_PLANS = ("privacy and/or curation", "[privacy,]curation,training[,probe][,evaluate]",
               "training[,probe][,evaluate] on a curated train split",
               "probe and/or evaluate with `training_run`")


def stage_plan(stages: Sequence[str]) -> str:
    """What kind of job `stages` (from `stage_list`) make: `records` (privacy and/or curation), `training`
    (training, after curation or on an already curated train split) or `adapter` (probe and/or evaluate of an
    earlier training run). Any other combination is a UsageError listing the allowed ones."""
    data = [s for s in stages if s in ("privacy", "curation")]
    after = [s for s in stages if s in ("probe", "evaluate")]
    if "training" in stages:
        if not data or "curation" in data:  # training reads the curated train split
            return "training"
    elif not data or not after:
        return "adapter" if after else "records"
    raise UsageError(f"stages {','.join(stages)} do not make a job; a job runs {'; or '.join(STAGE_PLANS)}")
