"""`gdprep curate`: run the stages over a file and write the split files, removals, decisions, the
report and a Hugging Face DatasetDict. Everything is written to a staging folder inside the output
directory first and published together only when the whole run has succeeded, replacing every output of an
earlier run (see `gdprep.staging`)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gdprep.curation.config import CurationConfig
from gdprep.curation.events import SPLITS, Decision, upsampled_copy
from gdprep.curation.pipeline import CurationOutcome, Curator, leakage_report
from gdprep.curation.sources import ChainedSource, FileSource
from gdprep.errors import StorageError, UsageError
from gdprep.lineage import LineageSink
from gdprep.policies.schema import DEFAULT_ALLOWED_REGIONS
from gdprep.ray_cluster import EngineSpec, RaySession
from gdprep.record_writers import RecordWriter
from gdprep.records import OnError, file_sha256
from gdprep.staging import StagedOutputs
from gdprep.versions import tool_versions

_EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet"}
OUTPUT_NAMES = ("train", "validation", "test", "removals.jsonl", "decisions.jsonl", "curation_report.json",
                "curation_report.html", "curation_timing.json", "hf")


def run_curate(input_path: Path, output_dir: Path, config: CurationConfig, *, languages: Sequence[str],
               policy_name: str | None = None, on_error: OnError = "fail", input_format: str | None = None,
               output_format: str | None = None, progress: Callable[[str, int], None] | None = None,
               on_decision: Callable[[Decision], None] | None = None,
               lineage: LineageSink | None = None, engine: EngineSpec | None = None,
               allowed_regions: Sequence[str] = DEFAULT_ALLOWED_REGIONS,
               extra_inputs: Sequence[Path] = ()) -> dict[str, Any]:
    """Curate `input_path` (and `extra_inputs` after it, as one input: real and synthetic records) into
    `output_dir`; return the report. `on_decision` receives every record's decision (the lineage hook for the
    audit ledger). With the `ray` engine the near-duplicate stages run on Ray (`allowed_regions`: the
    policy's residency); the outputs are the local engine's."""
    if engine is not None and engine.is_ray and config.near_dedup.enabled and config.near_dedup.index != "compact":
        raise UsageError(f"near_dedup.index: {config.near_dedup.index} runs on the local engine only; with "
                         "--engine ray use near_dedup.index: compact (the default)")
    input_path, output_dir = Path(input_path), Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"--output-dir {output_dir} is a file; give a directory")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    source = _open_source([input_path, *map(Path, extra_inputs)], output_dir, config, input_format, on_error)
    fmt = output_format or (config.output.format if config.output.format != "input" else source.format)
    if fmt not in _EXTENSIONS:
        raise UsageError(f"--output-format must be jsonl, csv or parquet (got {fmt!r})")

    # every output is staged and published together, replacing all of an earlier run's (see gdprep.staging)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError.from_os_error(exc, output_dir) from None
    staged = StagedOutputs.open(output_dir / ".curate.publish", staging_dir=output_dir / ".curate.partial")
    for name in _owned_names():
        staged.path(output_dir / name)
    staging = staged.staging_dir
    assert staging is not None
    if staging.exists():  # a killed run's leftovers (a journalled publication was completed by open())
        shutil.rmtree(staging)
    staged.check_writable()

    try:
        t0 = time.perf_counter()
        outcome = _run_stages(source, config, languages, progress, lineage, engine, allowed_regions)
        timings["stages_s"] = time.perf_counter() - t0
        staging.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        record_hashes = _write_outputs(source, outcome, staging, fmt, config, lineage)
        timings["write_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        leakage = leakage_report(source, outcome.decisions, config, preference="preference" in outcome.report)
        timings["leakage_s"] = time.perf_counter() - t0
        report = _finish_report(outcome, leakage, config, input_path, source.format, fmt, languages, policy_name)
        if isinstance(source, ChainedSource):
            report["inputs"] = source.describe()
        from gdprep.curation.report import render_html

        _write_text(staging / "curation_report.json", json.dumps(report, indent=2, sort_keys=True,
                                                                 ensure_ascii=False) + "\n")
        _write_text(staging / "curation_report.html", render_html(report))
        if config.output.hf_dataset:
            t0 = time.perf_counter()
            _write_hf(staging, fmt)
            timings["hf_s"] = time.perf_counter() - t0
        timings["total_s"] = time.perf_counter() - started
        _write_text(staging / "curation_timing.json",
                    json.dumps({k: round(v, 3) for k, v in timings.items()}, indent=2, sort_keys=True) + "\n")
        for entry in sorted(staging.iterdir()):
            if not entry.name.startswith("."):
                staged.path(output_dir / entry.name)
        staged.commit()
    except OSError as exc:
        staged.discard()
        raise StorageError.from_os_error(exc, output_dir) from None
    except BaseException:
        staged.discard()
        raise
    if on_decision is not None:
        for decision in outcome.decisions:
            on_decision(decision)
    if lineage is not None:
        record_lineage(lineage, outcome.decisions, input_path, output_dir, fmt, report, record_hashes)
    return report


def _open_source(inputs: Sequence[Path], output_dir: Path, config: CurationConfig, input_format: str | None,
                 on_error: OnError) -> FileSource | ChainedSource:
    """The input file, or several read as one; refused when a split file would overwrite one or one repeats."""
    for path in inputs:
        if path.resolve().parent == output_dir.resolve() and path.stem in SPLITS:
            raise UsageError(f"input {path} would be overwritten by a split file; choose another --output-dir")
    if len({p.resolve() for p in inputs}) < len(inputs):
        raise UsageError("the same input file is given twice; give each --input once")
    if len(inputs) == 1:
        return FileSource(inputs[0], config.fields, fmt=input_format, on_error=on_error,
                          batch_size=config.output.batch_size)
    return ChainedSource(inputs, config.fields, fmt=input_format, on_error=on_error,
                         batch_size=config.output.batch_size)


def _run_stages(source: FileSource | ChainedSource, config: CurationConfig, languages: Sequence[str],
                progress: Callable[[str, int], None] | None, lineage: LineageSink | None, engine: EngineSpec | None,
                allowed_regions: Sequence[str]) -> CurationOutcome:
    """The curation steps on this machine, or with the near-duplicate stages on Ray (the ledger then gets the
    cluster's size)."""
    if engine is None or not engine.is_ray:
        return Curator(config, languages, progress).run(source)
    with RaySession(engine, allowed_regions) as session:
        cluster = session.info()
        cluster.actors["near_dedup_partitions"] = max(2, 2 * session.actors())
        outcome = Curator(config, languages, progress, ray=session).run(source)
    if lineage is not None:
        lineage.event("engine", cluster.to_json())
    return outcome


def record_lineage(lineage: LineageSink, decisions: Sequence[Decision], input_path: Path, output_dir: Path,
                   fmt: str, report: dict[str, Any], record_hashes: dict[int, str] | None = None) -> None:
    """Every decision and the dataset versions, into the ledger. Ids (and cluster names, which are built
    from ids) go in as keyed HMACs."""
    for part in report.get("inputs") or [{"path": str(input_path), "records": report["counts"]["input"]}]:
        lineage.dataset("input", Path(part["path"]), part["records"])
    for split in SPLITS:
        lineage.dataset(split, output_dir / f"{split}.{_EXTENSIONS[fmt]}", report["counts"][split])
    for d in decisions:
        payload: dict[str, Any] = {"step": d.stage, "outcome": d.outcome}
        if d.reason is not None:
            payload["reason"] = d.reason
        if d.split is not None:
            payload["split"] = d.split
        if d.cluster_id is not None:
            payload["cluster"] = lineage.subject_key(d.cluster_id)
        if d.kept_id is not None:
            payload["kept"] = lineage.subject_key(d.kept_id)
        if record_hashes and d.index in record_hashes:
            payload["output_hash"] = record_hashes[d.index]
        numbers = {k: v for k, v in d.details.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if numbers:
            payload["details"] = numbers
        lineage.record("record_curated", d.id, payload)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _write_outputs(source: FileSource | ChainedSource, outcome: CurationOutcome, staging: Path, fmt: str,
                   config: CurationConfig, lineage: LineageSink | None = None) -> dict[int, str]:
    """Route every record to its split file or to removals; return keyed hashes of the written records
    (for the ledger's per-record dataset versions) when there is a lineage sink."""
    hashes: dict[int, str] = {}
    same = fmt == source.format
    writers = {split: RecordWriter(staging / f"{split}.{_EXTENSIONS[fmt]}", fmt,  # type: ignore[arg-type]
                                   config.fields.messages_field,
                                   columns=source.columns if same else None, schema=source.schema if same else None)
               for split in SPLITS}
    by_index = outcome.decisions
    id_field = config.fields.id_field
    try:
        with (staging / "removals.jsonl").open("w", encoding="utf-8") as removals, \
                (staging / "decisions.jsonl").open("w", encoding="utf-8") as decisions:
            for batch in source.batches():
                rows: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
                for item in batch:
                    decision = by_index[item.index]
                    decisions.write(json.dumps(decision.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
                    if decision.outcome == "removed":
                        removals.write(json.dumps(decision.removal_json(), ensure_ascii=False, sort_keys=True)
                                       + "\n")
                        continue
                    assert item.data is not None and decision.split is not None
                    rows[decision.split].append(item.data)
                    if lineage is not None:
                        hashes[item.index] = lineage.record_hash(item.data)
                    for k in range(outcome.upsampled.get(item.index, 0)):
                        rows[decision.split].append(upsampled_copy(item.data, decision.id, k + 1, id_field))
                for split, split_rows in rows.items():
                    writers[split].write(split_rows)
    finally:
        for writer in writers.values():
            writer.close()
    return hashes


def _finish_report(outcome: CurationOutcome, leakage: dict[str, Any], config: CurationConfig, input_path: Path,
                   input_format: str, output_format: str, languages: Sequence[str],
                   policy_name: str | None) -> dict[str, Any]:
    report = dict(outcome.report)
    report["leakage"] = leakage
    report["input"] = {"path": str(input_path), "format": input_format, "sha256": file_sha256(input_path)}
    report["output_format"] = output_format
    report["config"] = config.model_dump(mode="json")
    report["config_hash"] = config.canonical_hash()
    report["policy"] = {"name": policy_name, "languages": list(languages)}
    report["versions"] = tool_versions()
    report["schema"] = "gdprep.curation_report/1"
    return report


def _write_hf(staging: Path, fmt: str) -> None:
    """A `datasets.DatasetDict` of the three split files, saved with `save_to_disk` under hf/."""
    import datasets

    datasets.disable_progress_bars()  # the CLI shows its own progress; library bars would garble stderr
    datasets.logging.set_verbosity_error()
    cache = staging / ".hf-cache"
    splits = {}
    for split in SPLITS:
        path = staging / f"{split}.{_EXTENSIONS[fmt]}"
        if _is_empty(path, fmt):
            splits[split] = datasets.Dataset.from_dict({})
        elif fmt == "parquet":
            splits[split] = datasets.Dataset.from_parquet(str(path), cache_dir=str(cache))
        elif fmt == "csv":
            splits[split] = datasets.Dataset.from_csv(str(path), cache_dir=str(cache), keep_default_na=False)
        else:
            splits[split] = datasets.Dataset.from_json(str(path), cache_dir=str(cache))
    datasets.DatasetDict(splits).save_to_disk(str(staging / "hf"))
    shutil.rmtree(cache, ignore_errors=True)


def _is_empty(path: Path, fmt: str) -> bool:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return bool(pq.ParquetFile(path).metadata.num_rows == 0)
    if fmt == "csv":
        with path.open(encoding="utf-8") as fh:
            return sum(1 for _ in zip(range(2), fh, strict=False)) < 2
    return path.stat().st_size == 0


def _owned_names() -> list[str]:
    """Every name a run may write in the output directory: a run replaces all of them, so that no file of
    an earlier run (a split in another format, an hf/ folder no longer asked for) is left beside its own."""
    splits = [f"{split}.{ext}" for split in SPLITS for ext in _EXTENSIONS.values()]
    return [*splits, *(name for name in OUTPUT_NAMES if name not in SPLITS)]
