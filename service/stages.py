"""The recorded stages: each opens its run in the audit ledger, calls its stage package, and closes the run.
The CLI, the job workers and the review pages all call these, so a stage is wired up in one place only."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.records import TextFieldSpec


def erasure_impact(ledger: Ledger, subject: str, *, requested: datetime.date | None = None) -> dict[str, Any]:
    """`gdprep erase --dry-run`: the subject's records, runs, dataset versions and adapters, and the deadline."""
    from gdprep.audit.erase import erasure_impact as impact_of
    from gdprep.privacy.erasure import subject_forms

    return impact_of(ledger, subject_forms(subject), requested=requested)


def erase_subject(ledger: Ledger, subject: str, datasets: list[Path], out_dir: Path, *, fields: TextFieldSpec,
                  key_file: Path | None = None, vault_path: Path | None = None,
                  requested: datetime.date | None = None) -> dict[str, Any]:
    """Write new versions of `datasets` without the subject's records, remove the subject's identifiers
    from the pseudonym vault, and record the erasure in the ledger. Returns the impact report."""
    from gdprep.audit.erase import erasure_impact as impact_of
    from gdprep.audit.erase import record_erasure, rewrite_without
    from gdprep.privacy.erasure import forget_subject, subject_forms

    forms = subject_forms(subject)
    report = impact_of(ledger, forms, requested=requested)
    written = rewrite_without(ledger, report, datasets, out_dir, fields=fields)
    vault_keys = {key for r in report["records"] for key in r.get("vault_keys", ())}
    shredded = forget_subject(forms, vault_keys, key_file=key_file, vault_path=vault_path)
    record_erasure(ledger, report, written, shredded)
    report["written"] = written
    report["vault_entries_removed"] = shredded
    return report
