"""The privacy gate in front of every training step.

Training starts only when:
- the ledger verifies;
- the training file's SHA-256 is recorded in the ledger as an output (a split) of a curation run each of whose
  inputs was recorded as the output of a privacy run, or of a synthesis run (`gdprep synth`, whose generated
  records pass the privacy stage inside the run);
- the job's region (config or $GDPREP_REGION) is in the policy's `residency.allowed_regions` (EU/EEA
  and UK by default). `gdprep synth` checks the region the same way (`check_region`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gdprep.audit.ledger import Ledger
from gdprep.errors import GdprepError
from gdprep.records import file_sha256

REGION_ENV = "GDPREP_REGION"


class GateRefused(GdprepError):
    """Training may not start; the message says why and what to do."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class GateResult:
    dataset_sha256: str
    curation_run: str
    privacy_run: str            # the first redacting run among the curation run's inputs (a privacy run first)
    region: str
    privacy_runs: tuple[str, ...] = ()  # every privacy or synthesis run whose output the curation run read


def check_region(region: str | None, allowed_regions: Sequence[str], *, what: str = "training",
                 declare: str = "set `region` in the training config", error: type[GdprepError] = GateRefused) -> str:
    """The job's region (`region`, else $GDPREP_REGION) when the policy's residency allows it; raises `error`
    saying how to declare one (`declare`) or that the region is not allowed for `what`."""
    job_region = region or os.environ.get(REGION_ENV)
    if not job_region:
        raise error(f"no region declared: {declare} or ${REGION_ENV} (e.g. GB or eu-west-2); {what} runs only "
                    "where the policy allows")
    if job_region not in allowed_regions:
        shown = ", ".join(allowed_regions[:8]) + (", ..." if len(allowed_regions) > 8 else "")
        raise error(f"region {job_region!r} is not allowed for {what} by the policy's residency (allowed: {shown}); "
                    "run the job in an allowed region or use a policy that allows this one")
    return job_region


#: the stages whose output a curation run may read for training: redacted data, and synthetic data (redacted
#: inside its synthesis run)
REDACTING_STAGES = ("privacy", "synthesis")


def check_gate(ledger: Ledger, train_file: Path, *, region: str | None,
               allowed_regions: list[str]) -> GateResult:
    job_region = check_region(region, allowed_regions)
    result = ledger.verify()
    if not result.ok:
        raise GateRefused(f"the audit ledger does not verify ({result.problems[0]}); training needs a ledger "
                          "that proves the data's lineage. Run `gdprep audit verify`")
    digest = file_sha256(train_file)
    versions = [e for e in ledger.iter_entries() if e.kind == "dataset_version"]
    curated = [e for e in versions if e.payload.get("stage") == "curation" and e.payload.get("role") == "train"
               and e.payload.get("sha256") == digest]
    if not curated:
        raise GateRefused(f"{train_file} (sha256 {digest[:16]}...) is not recorded in the ledger as the train "
                          "split of a curation run; train only on the output of `gdprep curate`")
    redacted = {str(e.payload.get("sha256")): e.run_id or "" for e in versions
                if e.payload.get("stage") in REDACTING_STAGES and e.payload.get("role") == "output"}
    for split in curated:
        inputs = [e for e in versions if e.run_id == split.run_id and e.payload.get("role") == "input"]
        # every input of the curation run must be redacted: one raw file beside a redacted one is not enough
        if inputs and all(str(source.payload.get("sha256")) in redacted for source in inputs):
            runs = tuple(dict.fromkeys(redacted[str(source.payload.get("sha256"))] for source in inputs))
            by_stage = {e.run_id: e.payload.get("stage") for e in versions if e.payload.get("role") == "output"}
            first = next((r for r in runs if by_stage.get(r) == "privacy"), runs[0])
            return GateResult(digest, split.run_id or "", first, job_region, runs)
    raise GateRefused(f"{train_file} came from a curation run whose input is not recorded as the output of a "
                      "privacy run (or of a synthesis run); redact the data with `gdprep redact` before curating it")
