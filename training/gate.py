"""The privacy gate in front of every training step.

Training starts only when:
- the ledger verifies;
- the training file's SHA-256 is recorded in the ledger as an output (a split) of a curation run whose
  input was recorded as the output of a privacy run;
- the job's region (config or $GDPREP_REGION) is in the policy's `residency.allowed_regions` (EU/EEA
  and UK by default).
"""

from __future__ import annotations

import os
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
    privacy_run: str
    region: str


def check_gate(ledger: Ledger, train_file: Path, *, region: str | None,
               allowed_regions: list[str]) -> GateResult:
    job_region = region or os.environ.get(REGION_ENV)
    if not job_region:
        raise GateRefused(f"no region declared: set `region` in the training config or ${REGION_ENV} "
                          "(e.g. GB or eu-west-2); training runs only where the policy allows")
    if job_region not in allowed_regions:
        raise GateRefused(f"region {job_region!r} is not allowed for training by the policy's residency "
                          f"(allowed: {', '.join(allowed_regions[:8])}{', ...' if len(allowed_regions) > 8 else ''}); "
                          "run the job in an allowed region or use a policy that allows this one")
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
    for split in curated:
        inputs = [e for e in versions if e.run_id == split.run_id and e.payload.get("role") == "input"]
        for source in inputs:
            privacy = [e for e in versions if e.payload.get("stage") == "privacy" and e.payload.get("role") == "output"
                       and e.payload.get("sha256") == source.payload.get("sha256")]
            if privacy:
                return GateResult(digest, split.run_id or "", privacy[0].run_id or "", job_region)
    raise GateRefused(f"{train_file} came from a curation run whose input is not recorded as the output of a "
                      "privacy run; redact the data with `gdprep redact` before curating it")
