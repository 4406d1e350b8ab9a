"""The curation stage end to end: conservation on messy data, determinism, keep rules, the group-aware
split and its leakage check, balancing, formats, the library API and the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.curation import curate, load_curation_config
from gdprep.curation.config import CurationConfig
from gdprep.curation.neardup import NearDuplicateIndex, connected_components, jaccard, shingles
from gdprep.curation.run import run_curate
from gdprep.errors import ConfigError
from gdprep.service.cli import app

WORDS = ("refund order delivery account password invoice parcel courier damaged late missing payment card "
         "address change cancel subscription upgrade broken screen battery charger warranty receipt branch "
         "manager balance transfer statement overdraft limit pin reset login error timeout install update "
         "printer laptop router signal outage engineer visit appointment reschedule confirm").split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _rows(n: int, seed: int = 1, *, labels: tuple[str, ...] = ("billing", "delivery", "tech"),
          groups: int | None = None) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row: dict[str, Any] = {"id": f"r{i:04d}", "prompt": "Customer asks: " + _sentence(rng, 14) + "?",
                               "completion": "Thanks for reaching out. " + _sentence(rng, 30) + ".",
                               "label": labels[i % len(labels)]}
        if groups:
            row["customer"] = f"c{i % groups}"
        rows.append(row)
    return rows


def _edit(text: str, rng: random.Random, changes: int) -> str:
    words = text.split()
    for _ in range(changes):
        at = rng.randrange(len(words))
        words[at] = rng.choice([w for w in WORDS if w != words[at]])
    return " ".join(words)


def _write_jsonl(path: Path, rows: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path


def _config(**overrides: Any) -> CurationConfig:
    # random test sentences repeat a bigram now and then: the Gopher ratios are tested on their own
    base: dict[str, Any] = {"fields.label_field": "label", "output.hf_dataset": False,
                            "quality.repetition_min_words": 10_000}
    base.update(overrides)
    return load_curation_config(None, base)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# -- near duplicates -----------------------------------------------------------------------------------

def test_shingles_and_jaccard() -> None:
    assert shingles("a b c d", 3) == {"a b c", "b c d"}
    assert shingles("a b", 3) == {"a b"}
    assert shingles("abcd", 2, "char") == {"ab", "bc", "cd"}
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)


@pytest.mark.parametrize("kind", ["rensa", "compact"])
def test_lsh_candidates_are_verified_by_real_jaccard(kind: str) -> None:
    rng = random.Random(3)
    base = _sentence(rng, 60)
    close = _edit(base, rng, 1)     # about 0.9 similar
    far = _edit(base, rng, 12)      # well below 0.8
    texts = {0: base, 1: close, 2: far, 3: _sentence(rng, 60)}
    index = NearDuplicateIndex(threshold=0.8, num_perm=128, ngram=3, index=kind)  # type: ignore[arg-type]
    index.add([0, 1], [texts[0], texts[1]])
    index.add([2, 3], [texts[2], texts[3]])
    edges = index.verify({i: texts[i] for i in index.candidate_members()})
    assert [(a, b) for a, b, _ in edges] == [(0, 1)]
    assert all(s >= 0.8 and s == pytest.approx(jaccard(shingles(texts[a], 3), shingles(texts[b], 3)))
               for a, b, s in edges)
    assert connected_components([(0, 1, 0.9), (1, 5, 0.9), (7, 8, 0.85)]) == {0: [0, 1, 5], 7: [7, 8]}


def test_hashed_shingle_jaccard_equals_the_string_jaccard() -> None:
    rng = random.Random(5)
    texts = {i: _sentence(rng, rng.randrange(1, 40)) for i in range(60)}
    texts[60] = texts[0]
    texts[61] = _edit(texts[1] + " " + texts[1], rng, 2)
    for ngram in (1, 3, 5):
        index = NearDuplicateIndex(threshold=0.01, num_perm=64, ngram=ngram)
        pairs = [(a, b) for a in range(62) for b in range(a + 1, 62)]
        got = {(a, b): s for a, b, s in index.verify(texts, pairs)}
        for a, b in pairs:
            expected = jaccard(shingles(texts[a], ngram), shingles(texts[b], ngram))
            assert got.get((a, b), 0.0) == pytest.approx(expected if expected >= 0.01 else 0.0), (a, b, ngram)


# -- conservation and determinism ------------------------------------------------------------------------

def _messy_input(tmp_path: Path) -> Path:
    rng = random.Random(7)
    rows = _rows(240, groups=30)
    rows.append({**rows[3], "id": "exact-a"})                                        # exact duplicate
    rows.append({**rows[4], "id": "exact-b", "prompt": rows[4]["prompt"].upper()})   # duplicate up to case
    rows.append({**rows[8], "id": "near-a", "completion": _edit(rows[8]["completion"], rng, 1)})
    rows.append({"id": "empty-completion", "prompt": "Where is my parcel?", "completion": "   "})
    rows.append({"id": "same", "prompt": "Please reset my PIN now", "completion": "please reset my pin now"})
    rows.append({"id": "chat-1", "messages": [{"role": "user", "content": "Hi, my router keeps dropping."},
                                              {"role": "assistant", "content": "Sorry to hear that. Let us "
                                               "restart it together and check the signal lights."}],
                 "label": "tech"})
    rows.append({"id": "text-1", "text": "A plain text record about a delayed refund for an order.",
                 "label": "billing"})
    rows.append({"id": "r0001", "prompt": "duplicate id", "completion": "should be set aside"})  # duplicate id
    return _write_jsonl(tmp_path / "messy.jsonl", rows, extra_lines=(
        "{not json", '"a string, not an object"', json.dumps({"id": "no-text", "label": "billing"}),
        json.dumps({"id": "bad-type", "prompt": 5, "completion": "x"})))


def test_conservation_on_messy_data(tmp_path: Path) -> None:
    src = _messy_input(tmp_path)
    n_in = sum(1 for line in src.read_text(encoding="utf-8").splitlines() if line.strip())
    report = run_curate(src, tmp_path / "out", _config(**{"fields.group_field": "customer"}), languages=["en"],
                        on_error="quarantine")
    out = tmp_path / "out"
    split_ids = {s: [r["id"] for r in _read_jsonl(out / f"{s}.jsonl")] for s in ("train", "validation", "test")}
    removals = _read_jsonl(out / "removals.jsonl")
    decisions = _read_jsonl(out / "decisions.jsonl")
    all_split = [i for ids in split_ids.values() for i in ids]
    assert len(all_split) == len(set(all_split))  # no record in two splits
    assert len(all_split) + len(removals) == n_in == len(decisions)
    assert report["counts"]["conserved"] is True
    assert report["counts"]["input"] == n_in
    reasons = {r["id"]: r["reason"] for r in removals}
    assert reasons["exact-a"] == "exact_duplicate" and reasons["exact-b"] == "exact_duplicate"
    assert reasons["near-a"] == "near_duplicate"
    assert reasons["empty-completion"] == "empty_field"
    assert reasons["same"] == "completion_equals_prompt"
    assert list(reasons.values()).count("duplicate_id") == 1
    assert {"bad_json", "not_an_object", "missing_text", "non_string_field"} <= set(reasons.values())
    for r in removals:
        assert set(r) == {"id", "stage", "reason", "cluster_id", "kept_id", "details"}
    by_id = {r["id"]: r for r in removals}
    assert by_id["exact-a"]["kept_id"] == "r0003" and by_id["near-a"]["kept_id"] == "r0008"
    assert by_id["near-a"]["cluster_id"] and by_id["near-a"]["details"]["max_jaccard"] >= 0.8
    assert "chat-1" in all_split and "text-1" in all_split
    stage_sum = sum(s["removed"] for s in report["stages"])
    assert stage_sum == len(removals)


def test_same_input_config_and_seed_give_identical_outputs(tmp_path: Path) -> None:
    src = _messy_input(tmp_path)
    cfg = _config(**{"fields.group_field": "customer", "output.hf_dataset": True})
    for name in ("a", "b"):
        run_curate(src, tmp_path / name, cfg, languages=["en"], on_error="quarantine")
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "removals.jsonl", "decisions.jsonl",
                 "curation_report.json", "curation_report.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    import datasets

    hf = datasets.load_from_disk(str(tmp_path / "a" / "hf"))
    assert {k: hf[k].num_rows for k in hf} == {
        s: len(_read_jsonl(tmp_path / "a" / f"{s}.jsonl")) for s in ("train", "validation", "test")}


def test_a_different_seed_gives_a_different_split(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "in.jsonl", _rows(200))
    run_curate(src, tmp_path / "a", _config(), languages=["en"])
    run_curate(src, tmp_path / "b", _config(**{"split.seed": 2}), languages=["en"])
    assert (tmp_path / "a" / "test.jsonl").read_bytes() != (tmp_path / "b" / "test.jsonl").read_bytes()


# -- keep rules ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "kept"), [("first", "z"), ("lowest_id", "a"), ("longest_completion", "m")])
def test_keep_rule(rule: str, kept: str) -> None:
    text = "Thanks for reaching out about the delayed refund for your order today"
    rows = [{"id": "z", "prompt": "Where is my refund?", "completion": text},
            {"id": "m", "prompt": "where is my refund?", "completion": text + "\n\n"},  # longest raw text
            {"id": "a", "prompt": "Where is  my refund?", "completion": text}]
    result = curate(rows, _config(**{"keep.rule": rule, "fields.label_field": None}))
    removed = {r["id"]: r["kept_id"] for r in result.removals}
    assert set(removed) == {"z", "m", "a"} - {kept}
    assert set(removed.values()) == {kept}
    assert all(r["reason"] == "exact_duplicate" for r in result.removals)


def test_keep_prefers_a_cluster_member_that_passes_quality() -> None:
    body = "Unplug the router, wait thirty seconds, reconnect the power and check that the signal light turns " \
           "green; if it stays amber, reset it with a paperclip and sign in again with the details on the label."
    broken = {"id": "first", "prompt": "How do I fix my router?", "completion": '{"answer": "' + body + '",}'}
    valid = {"id": "second", "prompt": "How do I fix my router?", "completion": '{"answer": "' + body + '"}'}
    cfg = _config(**{"fields.label_field": None, "quality.completion_json": True})
    result = curate([broken, valid], cfg)
    assert [(r["id"], r["reason"], r["kept_id"]) for r in result.removals] == [("first", "near_duplicate", "second")]
    off = curate([broken, valid], _config(**{"fields.label_field": None, "quality.completion_json": True,
                                             "keep.prefer_passing_quality": False}))
    assert {r["id"]: r["reason"] for r in off.removals} == {"second": "near_duplicate", "first": "invalid_json"}


# -- split and leakage -----------------------------------------------------------------------------------

def _planted_near_duplicates() -> list[dict[str, Any]]:
    """Base records plus, for 40 of them, a near-duplicate sharing the same customer id."""
    rng = random.Random(11)
    rows = _rows(400, seed=5)
    for row in rows:
        row["customer"] = row["id"]
    for i in range(0, 400, 10):
        base = rows[i]
        rows.append({**base, "id": base["id"] + "-v", "completion": _edit(base["completion"], rng, 1)})
    return rows


def test_group_aware_split_prevents_the_leak_a_naive_split_has() -> None:
    rows = _planted_near_duplicates()
    # naive: near duplicates kept, no grouping -> the leakage check finds cross-split pairs
    naive = curate(rows, _config(**{"near_dedup.enabled": False}))
    assert naive.report["leakage"]["pairs"] > 0
    # near duplicates kept but grouped: every cluster lands in one split
    grouped = curate(rows, _config(**{"near_dedup.action": "group"}))
    assert grouped.report["leakage"]["pairs"] == 0
    split_of = {d.id: d.split for d in grouped.decisions}
    for i in range(0, 400, 10):
        assert split_of[f"r{i:04d}"] == split_of[f"r{i:04d}-v"]
    # and by the group key alone (the variant shares its base's customer id)
    by_key = curate(rows, _config(**{"near_dedup.enabled": False, "fields.group_field": "customer"}))
    for row in rows:
        row["customer"] = row["id"].removesuffix("-v")
    by_key = curate(rows, _config(**{"near_dedup.enabled": False, "fields.group_field": "customer"}))
    assert by_key.report["leakage"]["pairs"] == 0


def test_split_is_stratified_and_close_to_the_ratios() -> None:
    rows = _rows(1000, labels=("a", "a", "a", "b"))
    result = curate(rows, _config())
    sizes = {k: len(v) for k, v in result.rows.items()}
    assert sizes == {"train": 800, "validation": 100, "test": 100}
    per_split = result.report["labels"]["per_split"]
    assert per_split["train"] == {"a": 600, "b": 200}
    assert per_split["test"] == {"a": 75, "b": 25}


# -- balance ---------------------------------------------------------------------------------------------

def test_balance_cap_per_label() -> None:
    rows = _rows(300, labels=("a", "a", "a", "a", "b"))
    result = curate(rows, _config(**{"balance.enabled": True, "balance.max_per_label": 100}))
    after = result.report["labels"]["after_balance"]
    assert after == {"a": 100, "b": 60}
    dropped = [r for r in result.removals if r["reason"] == "balanced_out"]
    assert len(dropped) == 140 and all(r["stage"] == "balance" for r in dropped)


def test_balance_target_shares_and_upsampling() -> None:
    rows = _rows(300, labels=("a", "a", "a", "a", "b"))
    cfg = _config(**{"balance.enabled": True, "balance.target": {"a": 0.5, "b": 0.5}})
    result = curate(rows, cfg)
    assert result.report["labels"]["after_balance"] == {"a": 60, "b": 60}
    up = curate(rows, _config(**{"balance.enabled": True, "balance.target": {"a": 0.5, "b": 0.5},
                                 "balance.upsample": True}))
    copies = [r for r in up.rows["train"] if "#upsample-" in r["id"]]
    assert copies and all(r["label"] == "b" for r in copies)
    assert up.report["counts"]["upsampled_train_copies"] == len(copies)


def test_balance_needs_a_label_field() -> None:
    with pytest.raises(Exception, match="label_field"):
        curate(_rows(10), _config(**{"fields.label_field": None, "balance.enabled": True,
                                     "balance.max_per_label": 2}))


# -- config ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("yaml_text", "field"), [
    ("near_dedup:\n  threshold: 1.5\n", "near_dedup.threshold"),
    ("split:\n  train: 0.9\n", "split"),
    ("near_dedup:\n  num_bands: 7\n", "near_dedup"),
    ("neardup: {}\n", "neardup"),
    ("schema_version: 2\n", "schema_version"),
])
def test_bad_config_names_the_field(tmp_path: Path, yaml_text: str, field: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_curation_config(path)
    assert field in str(info.value) and str(path) in str(info.value)


def test_empty_config_is_all_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("", encoding="utf-8")
    cfg = load_curation_config(path)
    assert cfg.near_dedup.threshold == 0.8 and cfg.split.train == 0.8 and cfg.keep.rule == "first"


# -- formats, library and CLI ----------------------------------------------------------------------------

def test_csv_and_parquet_round_trip(tmp_path: Path) -> None:
    import polars as pl

    rows = _rows(60)
    pl.DataFrame(rows).write_parquet(tmp_path / "in.parquet")
    pl.DataFrame(rows).write_csv(tmp_path / "in.csv")
    run_curate(tmp_path / "in.parquet", tmp_path / "p", _config(), languages=["en"])
    run_curate(tmp_path / "in.csv", tmp_path / "c", _config(), languages=["en"], output_format="jsonl")
    n = sum(pl.read_parquet(tmp_path / "p" / f"{s}.parquet").height for s in ("train", "validation", "test"))
    assert n == 60
    assert (tmp_path / "c" / "train.jsonl").exists() and not (tmp_path / "c" / "train.csv").exists()
    assert pl.read_parquet(tmp_path / "p" / "train.parquet").columns == list(rows[0])


def test_library_api_on_polars_and_datasets() -> None:
    import datasets
    import polars as pl

    rows = _rows(80)
    from_polars = curate(pl.DataFrame(rows), _config())
    from_hf = curate(datasets.Dataset.from_list(rows), _config())
    assert {k: v.height for k, v in from_polars.splits.items()} == {k: len(v) for k, v in from_hf.rows.items()}
    assert isinstance(from_polars.to_datasets(), datasets.DatasetDict)
    seen: list[str] = []
    curate(rows, _config(), on_decision=lambda d: seen.append(d.id))
    assert sorted(seen) == sorted(r["id"] for r in rows)
    with pytest.raises(TypeError, match="polars DataFrame"):
        curate("not data", _config())


def test_cli_curate_end_to_end(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "in.jsonl", _rows(50), extra_lines=("{oops",))
    cfg = tmp_path / "c.yaml"
    cfg.write_text("fields:\n  label_field: label\noutput:\n  hf_dataset: false\n", encoding="utf-8")
    runner = CliRunner()
    failed = runner.invoke(app, ["curate", "-i", str(src), "-o", str(tmp_path / "out"), "-c", str(cfg)])
    assert failed.exit_code == 2 and "in.jsonl:51" in failed.output
    ok = runner.invoke(app, ["curate", "-i", str(src), "-o", str(tmp_path / "out"), "-c", str(cfg),
                             "--on-error", "quarantine"])
    assert ok.exit_code == 0, ok.output
    assert "leakage check: no cross-split pair" in ok.output
    report = json.loads((tmp_path / "out" / "curation_report.json").read_text(encoding="utf-8"))
    assert report["counts"]["input"] == 51 and report["counts"]["conserved"]
    html = (tmp_path / "out" / "curation_report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http" not in html.lower()
    shown = runner.invoke(app, ["curate", "--print-config"])
    assert shown.exit_code == 0 and "near_dedup:" in shown.output and "threshold: 0.8" in shown.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("split:\n  test: 2\n", encoding="utf-8")
    rejected = runner.invoke(app, ["curate", "-i", str(src), "-o", str(tmp_path / "o2"), "-c", str(bad)])
    assert rejected.exit_code == 2 and "split.test" in rejected.output


def test_documented_config_example_is_valid(tmp_path: Path) -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "curation.md").read_text(encoding="utf-8")
    start = page.index("```yaml\nschema_version: 1\nfields")
    block = page[start + len("```yaml\n"):page.index("```", start + 7)]
    path = tmp_path / "curate.yaml"
    path.write_text(block, encoding="utf-8")
    cfg = load_curation_config(path)
    assert cfg.fields.group_field == "customer_id" and cfg.balance.max_per_label == 5000


def test_steps_run_in_the_documented_order_and_remove_only_with_their_reason_codes(tmp_path: Path) -> None:
    from gdprep.curation.pipeline import CURATION_STEPS
    from gdprep.curation.steps import STEPS, Step

    assert [s.name for s in CURATION_STEPS] == ["input", "exact_dedup", "near_dedup", "preference", "quality",
                                               "balance", "split", "synthetic"]
    assert CURATION_STEPS[:len(STEPS)] == STEPS
    assert all(issubclass(s, Step) and s.run is not Step.run for s in CURATION_STEPS)
    src = _messy_input(tmp_path)
    run_curate(src, tmp_path / "out", _config(**{"balance.enabled": True, "balance.max_per_label": 70}),
               languages=["en"], on_error="quarantine")
    declared = {s.name: set(s.reasons) for s in CURATION_STEPS}
    reader_codes = {"bad_json", "not_an_object", "missing_text", "non_string_field", "bad_messages", "bad_id",
                    "bad_encoding", "bad_csv_row", "text_too_long", "bad_label"}
    for removal in _read_jsonl(tmp_path / "out" / "removals.jsonl"):
        allowed = declared[removal["stage"]] | (reader_codes if removal["stage"] == "input" else set())
        assert removal["reason"] in allowed, removal


def test_too_long_in_tokens_with_a_local_tokenizer(tmp_path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator([" ".join(WORDS)] * 3, trainers.WordLevelTrainer(special_tokens=["[UNK]"]))
    path = tmp_path / "tokenizer.json"
    tokenizer.save(str(path))
    rows = [{"id": "short", "prompt": "refund order", "completion": "delivery late"},
            {"id": "long", "prompt": "refund order", "completion": " ".join(WORDS[:30])}]
    cfg = _config(**{"fields.label_field": None, "quality.length_unit": "tokens", "quality.max_length": 20,
                     "quality.tokenizer_path": str(path)})
    result = curate(rows, cfg)
    assert [(r["id"], r["reason"]) for r in result.removals] == [("long", "too_long")]
    assert result.removals[0]["details"]["unit"] == "tokens"


def test_with_exact_dedup_off_copies_follow_their_near_duplicate_decision() -> None:
    rng = random.Random(2)
    base = _rows(1, seed=9)[0]
    near = {**base, "id": "near", "completion": _edit(base["completion"], rng, 1) + " extra words here"}
    rows = [{**base, "id": "a"}, {**base, "id": "a-copy"}, near]
    cfg = _config(**{"fields.label_field": None, "exact_dedup.enabled": False, "keep.rule": "longest_completion"})
    result = curate(rows, cfg)
    assert {r["id"]: (r["reason"], r["kept_id"]) for r in result.removals} == {
        "a": ("near_duplicate", "near"), "a-copy": ("near_duplicate", "near")}


def test_compact_index_finds_the_same_clusters_as_rensa() -> None:
    rows = _planted_near_duplicates()
    fast = curate(rows, _config())
    compact = curate(rows, _config(**{"near_dedup.index": "compact"}))
    assert fast.removals == compact.removals
    assert fast.report["dedup"]["near_clusters"] == compact.report["dedup"]["near_clusters"] > 30
