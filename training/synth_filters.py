"""What every generated record of `gdprep synth` passes: the privacy stage, the comparison with the real
records (a near copy is a memorisation signal), exact duplicates among the generated, and curation's quality
filters. Each generation ends kept or dropped with one reason code: `unparseable`, `privacy:<reason>`,
`near_copy_of_real`, `exact_dup` or `quality:<code>`."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdprep.audit.lineage import RunRecorder
from gdprep.curation.example import Example, example_from_record
from gdprep.curation.neardup import NearDuplicateIndex
from gdprep.curation.normalise import example_hash, example_key
from gdprep.curation.quality import build_filters, first_failure, prepare_batch
from gdprep.curation.sources import FileSource
from gdprep.training.synth_prompt import FIX_AND_RERUN

if TYPE_CHECKING:
    from gdprep.training.synth import PreparedSynthesis

#: the candidate's problem when the generation could not be read back (None: it could)
Candidate = tuple[dict[str, Any], str | None]


@dataclass(slots=True)
class Redacted:
    """A candidate after the privacy stage: the redacted record (None when the stage dropped it)."""

    index: int
    id: str
    record: dict[str, Any] | None
    problem: str | None
    privacy_drop: dict[str, Any] | None = None


@dataclass(slots=True)
class Outcome:
    """One generation's fate: kept (`reason` None) or dropped with a reason and details (ids, numbers, codes)."""

    index: int
    id: str
    record: dict[str, Any] | None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class _RecordsOnly:
    """The run's lineage sink for the privacy pass over a work file: per-record events go to the ledger, the
    work files (deleted after the run) are not recorded as dataset versions."""

    def __init__(self, rec: RunRecorder) -> None:
        self.rec = rec

    def record(self, kind: str, record_id: str, payload: Mapping[str, Any]) -> None:
        self.rec.record(kind, record_id, payload)

    def record_hash(self, data: Mapping[str, Any]) -> str:
        return self.rec.record_hash(data)

    def subject_key(self, value: str) -> str:
        return self.rec.subject_key(value)

    def event(self, kind: str, payload: Mapping[str, Any]) -> None:
        self.rec.event(kind, payload)

    def dataset(self, role: str, path: Path, records: int) -> None:
        return None


def redact_candidates(job: PreparedSynthesis, candidates: Sequence[Candidate], rec: RunRecorder, *,
                      command: str) -> tuple[list[Redacted], dict[str, Any]]:
    """Every candidate through `run_redact` under the job's policy (an unparseable generation too, as text, so
    that what the drops file keeps of it is redacted); returns them in order and the privacy figures. The raw
    generations live only in a work folder beside the output, removed whatever happens."""
    from gdprep.privacy.pipeline import run_redact

    out = job.settings.output
    id_field = job.curation.fields.id_field
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".work", dir=out.parent))
    try:
        raw = work / "generated.jsonl"
        raw.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r, _ in candidates), encoding="utf-8")
        summary = run_redact(raw, work / "redacted.jsonl", work / "redaction.json", job.policy,
                             lineage=_RecordsOnly(rec), command=command,
                             shown_input=f"{len(candidates)} generated records")
        by_id = {str(r.get(id_field)): r for r in _read_jsonl(work / "redacted.jsonl")}
        dropped = {str(r["id"]): r for r in _read_jsonl(work / "redacted.dropped.jsonl")}
        for suffix in (".json", ".html"):
            shutil.copyfile((work / "redaction.json").with_suffix(suffix),
                            job.redaction_report_path.with_suffix(suffix))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = []
    for i, (record, problem) in enumerate(candidates):
        rid = str(record[id_field])
        drop = dropped.get(rid)
        privacy_drop = {"reason": drop.get("reason"), "categories": drop.get("categories", [])} if drop else None
        found.append(Redacted(i, rid, by_id.get(rid), problem, privacy_drop))
    by_type = ((summary.report or {}).get("findings") or {}).get("by_entity_type") or {}
    return found, {"findings_redacted": summary.n_findings, "records_dropped": summary.n_dropped,
                   "by_entity_type": {k: v for k, v in dict(by_type).items() if v}}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def filter_candidates(job: PreparedSynthesis, candidates: Sequence[Redacted], rec: RunRecorder) -> list[Outcome]:
    """Each redacted candidate kept or dropped (in this order of checks: unparseable, privacy, near copy of a
    real record, exact duplicate of an earlier kept one, quality), each outcome recorded in the run."""
    from gdprep.privacy.subjects import looks_like_personal_data
    from gdprep.training.synth import example_fields

    fields = example_fields(job.curation)
    examples: dict[int, Example] = {c.index: example_from_record(c.index, c.id, c.record, **fields)
                                    for c in candidates if c.problem is None and c.record is not None}
    copies = near_copies(job, examples)
    filters = build_filters(job.curation.quality, job.policy.languages) if job.curation.quality.enabled else []
    prepare_batch(filters, list(examples.values()))
    casefold = job.curation.normalise.casefold
    seen: dict[bytes, str] = {}
    outcomes = []
    for c in candidates:
        outcome = Outcome(c.index, c.id, c.record)
        example = examples.get(c.index)
        if c.problem is not None:
            outcome.reason, outcome.details = "unparseable", {"problem": c.problem}
        elif c.privacy_drop is not None or example is None:
            outcome.reason = f"privacy:{(c.privacy_drop or {}).get('reason') or 'dropped'}"
            outcome.details, outcome.record = dict(c.privacy_drop or {}), None
        elif example.index in copies:
            real_id, similarity = copies[example.index]
            shown = f"key:{rec.subject_key(real_id)[:16]}" if looks_like_personal_data(real_id) else real_id
            outcome.reason = "near_copy_of_real"
            outcome.details = {"real_record": shown, "jaccard": round(similarity, 4)}
        elif (digest := example_hash(example, casefold)) in seen:
            outcome.reason, outcome.details = "exact_dup", {"kept_id": seen[digest]}
        elif (failure := first_failure(example, filters)) is not None:
            outcome.reason, outcome.details = f"quality:{failure[0]}", dict(failure[1])
        else:
            seen[digest] = c.id
        _record(rec, outcome, copies.get(c.index))
        outcomes.append(outcome)
    return outcomes


def _record(rec: RunRecorder, outcome: Outcome, copy: tuple[str, float] | None) -> None:
    payload: dict[str, Any] = {"outcome": "dropped" if outcome.reason else "kept", "index": outcome.index}
    if outcome.reason:
        payload["reason"] = outcome.reason
    if copy is not None:  # the real record by the ledger's keyed hash of its id, never the id
        payload["real_record"] = rec.subject_key(copy[0])
        payload["jaccard"] = round(copy[1], 4)
    if outcome.record is not None and outcome.reason is None:
        payload["output_hash"] = rec.record_hash(outcome.record)
    rec.record("record_synthesised", outcome.id, payload)


def near_copies(job: PreparedSynthesis, examples: Mapping[int, Example]) -> dict[int, tuple[str, float]]:
    """Candidate index -> (id of the most similar real record, Jaccard) for every candidate at or above the
    curation config's near-duplicate threshold with a record of the source (or of the `against` files). The
    real files are streamed: MinHash LSH finds candidates, their real Jaccard decides."""
    cfg, casefold = job.curation.near_dedup, job.curation.normalise.casefold
    index = NearDuplicateIndex(threshold=cfg.threshold, num_perm=cfg.num_perm, ngram=cfg.ngram, unit=cfg.unit,
                               seed=cfg.seed, num_bands=cfg.num_bands, index="compact")
    real_ids: list[str] = []
    for idx, texts, ids in _real_batches(job, casefold):
        index.add(idx, texts)
        real_ids.extend(ids)
    base = len(real_ids)
    synth = {base + i: example_key(e, casefold) for i, e in examples.items()}
    index.add(list(synth), list(synth.values()))
    cross = {(a, b) for a, b in index.candidate_pairs if (a < base) != (b < base)}
    needed = index.members_needing_text(cross)
    texts = {i: t for i, t in synth.items() if i in needed}
    if any(i < base for i in needed):
        for idx, batch_texts, _ in _real_batches(job, casefold):
            texts.update((i, t) for i, t in zip(idx, batch_texts, strict=True) if i in needed)
    best: dict[int, tuple[str, float]] = {}
    for a, b, similarity in index.verify(texts, cross):
        real, generated = (a, b) if a < base else (b, a)
        current = best.get(generated - base)
        if current is None or similarity > current[1]:
            best[generated - base] = (real_ids[real], similarity)
    return best


def _real_batches(job: PreparedSynthesis, casefold: bool) -> Any:
    """(indices, normalised texts, ids) of the real records, a batch at a time, numbered across the files."""
    offset = 0
    for path in (job.settings.source, *job.settings.against):
        source = FileSource(path, job.curation.fields, batch_size=job.curation.output.batch_size, advice=FIX_AND_RERUN)
        for batch in source.batches():
            usable = [item for item in batch if item.example is not None]
            yield ([offset + k for k in range(len(usable))], [example_key(i.example, casefold) for i in usable
                                                               if i.example is not None], [i.id for i in usable])
            offset += len(usable)


def write_outputs(job: PreparedSynthesis, kept: Sequence[dict[str, Any]], outcomes: Sequence[Outcome]) -> None:
    """The synthetic records and the drops file (each dropped generation with its reason and, unless the privacy
    stage dropped it, its redacted record), each written whole and then moved into place."""
    drops = [{"id": o.id, "index": o.index, "reason": o.reason, "details": o.details, "record": o.record}
             for o in outcomes if o.reason is not None]
    for path, rows in ((job.settings.output, kept), (job.drops_path, drops)):
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in rows),
                           encoding="utf-8")
        os.replace(partial, path)
