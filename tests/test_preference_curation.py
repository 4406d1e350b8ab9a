"""Preference pairs (prompt, chosen, rejected) through curation: the format is recognised in its string and chat
forms, dedup compares prompt + chosen, the preference filters drop with their reason codes, labels balance,
the split keeps a prompt's pairs together, the leakage check compares prompts, and data without preference
pairs curates exactly as before."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from gdprep.curation import curate, load_curation_config
from gdprep.curation.config import CurationConfig
from gdprep.curation.example import example_from_record
from gdprep.curation.normalise import example_key, prompt_key
from gdprep.curation.preference import answer_distance
from gdprep.curation.run import run_curate
from gdprep.errors import ConfigError, InputError

from .conftest import write_jsonl

WORDS = ("refund order parcel courier invoice account password delivery late damaged missing card address router "
         "engineer visit booking flight seat hotel warranty battery screen").split()


def _config(**overrides: Any) -> CurationConfig:
    return load_curation_config(None, {"quality.languages": [], "output.hf_dataset": False, **overrides})


def _pairs(n_prompts: int, per_prompt: int, seed: int = 3, labels: tuple[str, ...] = ("billing", "tech")
           ) -> list[dict[str, Any]]:
    """`per_prompt` distinct pairs for each of `n_prompts` prompts; every pair passes the preference filters."""
    rng = random.Random(seed)
    rows = []
    for p in range(n_prompts):
        prompt = f"Customer {p} asks about " + " ".join(rng.choices(WORDS, k=8))
        for k in range(per_prompt):
            rows.append({"id": f"p{p}-{k}", "prompt": prompt,
                         "chosen": "Thanks for asking. " + " ".join(rng.choices(WORDS, k=14)),
                         "rejected": "Sorry, no. " + " ".join(rng.choices(WORDS, k=12)),
                         "label": labels[p % len(labels)]})
    return rows


def _as_messages(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "prompt": [{"role": "user", "content": row["prompt"]}],
            "chosen": [{"role": "assistant", "content": row["chosen"]}],
            "rejected": [{"role": "assistant", "content": row["rejected"]}]}


def _removed(result: Any) -> dict[str, tuple[str, str | None]]:
    return {r["id"]: (r["stage"], r["reason"]) for r in result.removals}


def _split_of(result: Any) -> dict[str, str]:
    return {d.id: d.split for d in result.decisions if d.outcome == "assigned"}


# --- the record format -------------------------------------------------------------------------------------

def test_string_and_message_forms_are_one_preference_pair() -> None:
    row = _pairs(1, 1)[0]
    text = example_from_record(0, "a", row)
    chat = example_from_record(1, "b", _as_messages(row))
    assert text.kind == chat.kind == "preference"
    assert text.parts == chat.parts and text.completion == row["chosen"]
    assert example_key(text) == example_key(chat) and prompt_key(text) == prompt_key(chat)
    # the key holds the prompt and the chosen answer, not the rejected one
    assert example_key(text) == example_key(example_from_record(2, "c", {**row, "rejected": "other"}))


@pytest.mark.parametrize(("row", "message"), [
    ({"prompt": "q", "chosen": "a"}, "a preference pair needs all three"),
    ({"chosen": "a", "rejected": "b"}, "a preference pair needs all three"),
    ({"prompt": "q", "chosen": 3, "rejected": "b"}, "expected a string"),
    ({"prompt": "q", "chosen": [{"role": "assistant", "content": 3}], "rejected": "b"}, "expected a string"),
])
def test_incomplete_or_malformed_pairs_are_refused(row: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        example_from_record(0, "x", row)


def test_incomplete_pairs_are_quarantined_by_reason_not_curated_as_something_else(tmp_path: Path) -> None:
    rows = [*_pairs(4, 1), {"id": "half", "prompt": "q", "chosen": "only one answer"}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    report = run_curate(src, tmp_path / "out", _config(), languages=["en"], on_error="quarantine")
    removals = [json.loads(line) for line in (tmp_path / "out" / "removals.jsonl").read_text().splitlines()]
    assert [(r["id"], r["stage"], r["reason"]) for r in removals] == [("half", "input", "missing_text")]
    assert report["counts"]["conserved"]


# --- the preference filters ---------------------------------------------------------------------------------

LONG = "The parcel left our depot on Monday and should reach you by Thursday at the latest."
#: 80 words: one changed word is about 3/81 apart, under the default min_answer_distance of 0.05
ESSAY = " ".join(random.Random(4).choices(WORDS, k=80))
ESSAY_TYPO = ESSAY.rsplit(" ", 1)[0] + " zebra"


@pytest.mark.parametrize(("chosen", "rejected", "reason", "details"), [
    ("", LONG, "empty_answer", {"field": "chosen"}),
    (LONG, "   ", "empty_answer", {"field": "rejected"}),
    (LONG, "  " + LONG.upper() + " ", "identical_answers", {"distance": 0.0}),
    (ESSAY, ESSAY_TYPO, "near_identical_answers", {"min_answer_distance": 0.05}),
    (LONG * 5, LONG, "answer_length_ratio", {"ratio": 5.0}),
    (LONG, LONG * 5, "answer_length_ratio", {"ratio": 0.2}),
    ([], [{"role": "assistant", "content": LONG}], "empty_answer", {"field": "chosen"}),
    ([{"role": "assistant", "content": LONG}], [{"role": "assistant", "content": LONG}], "identical_answers", None),
])
def test_each_preference_filter_drops_with_its_reason(chosen: Any, rejected: Any, reason: str,
                                                      details: dict[str, Any] | None) -> None:
    rows = [*_pairs(3, 1), {"id": "bad", "prompt": "Where is my parcel?", "chosen": chosen, "rejected": rejected}]
    result = curate(rows, _config())
    removals = {r["id"]: r for r in result.removals}
    assert set(removals) == {"bad"}
    assert (removals["bad"]["stage"], removals["bad"]["reason"]) == ("preference", reason)
    for key, value in (details or {}).items():
        assert removals["bad"]["details"][key] == value
    stage = next(s for s in result.report["stages"] if s["stage"] == "preference")
    assert stage["reasons"] == {reason: 1}
    assert result.report["preference"]["removed_by_reason"] == {reason: 1}


def test_near_identical_threshold_and_length_bounds_are_configurable() -> None:
    near = {"id": "near", "prompt": "Where is my parcel?", "chosen": LONG,
            "rejected": LONG.replace("Thursday", "Friday")}  # 16 words, one changed: about 0.18 apart
    long_chosen = {"id": "long", "prompt": "Where is my other parcel?", "chosen": LONG * 5, "rejected": LONG}
    rows = [*_pairs(3, 1), near, long_chosen]
    assert set(_removed(curate(rows, _config()))) == {"long"}  # one fact changed in a short answer is kept
    strict = curate(rows, _config(**{"preference.min_answer_distance": 0.2}))
    assert _removed(strict) == {"near": ("preference", "near_identical_answers"),
                                "long": ("preference", "answer_length_ratio")}
    kept = curate(rows, _config(**{"preference.max_length_ratio": None}))
    assert _removed(kept) == {}
    off = curate(rows, _config(**{"preference.enabled": False}))
    assert _removed(off) == {} and "preference" in off.report  # the pairs are still curated as pairs


def test_answer_distance_is_zero_for_equal_texts_and_sees_word_order() -> None:
    assert answer_distance("a b c", "a b c") == 0.0
    assert answer_distance("a b", "c d") == 1.0
    assert answer_distance("alice beats bob", "bob beats alice") > 0.3
    words = [f"w{i}" for i in range(80)]
    for at in (0, 40, 79):  # an inner word is in two word pairs, an end word in one
        changed = " ".join(words[:at] + ["zebra"] + words[at + 1:])
        assert answer_distance(" ".join(words), changed) == pytest.approx(3 / 81 if 0 < at < 79 else 4 / 161)
    assert answer_distance(LONG.lower(), LONG.lower().replace("thursday", "friday")) == pytest.approx(3 / 17)


def test_bad_ratio_bounds_are_refused_naming_the_fields() -> None:
    with pytest.raises(ConfigError, match="preference.min_length_ratio"):
        _config(**{"preference.min_length_ratio": 3.0, "preference.max_length_ratio": 2.0})


def test_the_rejected_answer_is_not_held_to_the_quality_filters() -> None:
    rows = [*_pairs(3, 1), {"id": "rep", "prompt": "Tell me about delivery.",
                            "chosen": "Deliveries arrive within three working days across the mainland.",
                            "rejected": "Das Paket kommt morgen an und wir rufen Sie vorher an, versprochen."}]
    english = {"quality.languages": ["en"], "quality.language_low_accuracy": True, "preference.max_length_ratio": None}
    assert "rep" not in _removed(curate(rows, _config(**english)))  # a German rejected answer is fine to reject
    swapped = {**rows[-1], "chosen": rows[-1]["rejected"], "rejected": rows[-1]["chosen"]}
    assert _removed(curate([*rows[:-1], swapped], _config(**english))) == {"rep": ("quality", "wrong_language")}


# --- dedup, balance, split and leakage ---------------------------------------------------------------------

def test_exact_and_near_dedup_compare_prompt_and_chosen() -> None:
    rows = _pairs(6, 1)
    base = rows[0]
    words = base["chosen"].split()
    rows += [
        {**base, "id": "same-chosen-other-rejected", "rejected": "A different wrong answer about an invoice."},
        {**_as_messages(base), "id": "same-as-messages"},
        {**base, "id": "near-chosen", "chosen": " ".join([*words[:-1], "zebra"])},
        {**base, "id": "other-chosen", "chosen": "Thanks for asking. " + " ".join(reversed(words[3:]))},
        {**base, "id": "other-prompt", "prompt": "A completely different question about hotels and seats?"},
    ]
    result = curate(rows, _config())
    removed = _removed(result)
    assert removed == {"same-chosen-other-rejected": ("exact_dedup", "exact_duplicate"),
                       "same-as-messages": ("exact_dedup", "exact_duplicate"),
                       "near-chosen": ("near_dedup", "near_duplicate")}
    kept = {r["id"]: r for r in result.removals}
    assert {kept[i]["kept_id"] for i in removed} == {base["id"]}


def test_split_keeps_every_prompt_in_one_split_and_stratifies_by_label() -> None:
    rows = _pairs(60, 4)
    random.Random(1).shuffle(rows)
    result = curate(rows, _config(**{"fields.label_field": "label"}))
    split_of = _split_of(result)
    assert len(split_of) == len(rows)
    splits_of_prompt: dict[str, set[str]] = {}
    for row in rows:
        splits_of_prompt.setdefault(row["prompt"], set()).add(split_of[row["id"]])
    assert all(len(found) == 1 for found in splits_of_prompt.values())
    sizes = Counter(split_of.values())
    assert sizes == {"train": 192, "validation": 24, "test": 24}
    for split in ("validation", "test"):  # each label's share is the same in every split
        labels = Counter(r["label"] for r in rows if split_of[r["id"]] == split)
        assert labels["billing"] == labels["tech"]
    pref = result.report["preference"]
    assert pref["prompts_in_several_splits"] == 0 and pref["distinct_prompts"] == 60
    assert pref["prompts_per_split"] == {"train": 48, "validation": 6, "test": 6}


def test_prompts_group_across_forms_and_whitespace_and_case() -> None:
    rows = _pairs(40, 1)
    for k, row in enumerate(list(rows)):
        variant = (_as_messages(row) if k % 2 else
                   {**row, "prompt": "  " + row["prompt"].upper().replace(" ", "   ")})
        rows.append({**variant, "id": row["id"] + "-again", "chosen": f"Another good answer, number {k}.",
                     "rejected": "A bad one."})
    split_of = _split_of(curate(rows, _config()))
    assert len(split_of) == 80
    assert all(split_of[row["id"]] == split_of[row["id"] + "-again"] for row in rows[:40])


def test_leakage_check_compares_prompts_across_splits() -> None:
    rows = _pairs(30, 1)
    # near-equal prompts (one word changed) are different prompts to the split: the check must find them
    for row in rows[:10]:
        rows.append({**row, "id": row["id"] + "-variant", "prompt": row["prompt"] + " please",
                     "chosen": "A wholly different answer " + row["id"], "rejected": "Nothing to add here."})
    result = curate(rows, _config(**{"leakage.threshold": 0.5}))
    leak = result.report["leakage"]["prompts"]
    split_of = _split_of(result)
    crossing = sum(split_of[r["id"]] != split_of[r["id"] + "-variant"] for r in rows[:10])
    assert crossing > 0  # with 10 variant pairs at 80/10/10 some cross; the check must report each
    assert leak["pairs"] == crossing and leak["records_checked"] == 40
    assert all(p["split_a"] != p["split_b"] for p in leak["examples"])
    assert "prompts" not in curate(_plain_rows(20), _config()).report["leakage"]


def test_balance_by_label_caps_preference_pairs() -> None:
    rows = _pairs(30, 2, labels=("billing", "billing", "tech"))
    result = curate(rows, _config(**{"fields.label_field": "label", "balance.enabled": True,
                                     "balance.max_per_label": 20}))
    kept = Counter(r["label"] for r in rows if r["id"] in _split_of(result))
    assert kept == {"billing": 20, "tech": 20}
    assert Counter(reason for _, reason in _removed(result).values()) == {"balanced_out": 20}


def test_report_and_html_show_the_preference_counts(tmp_path: Path) -> None:
    rows = [*_pairs(10, 2), {"id": "same", "prompt": "q?", "chosen": "Same.", "rejected": "same."}]
    src = write_jsonl(tmp_path / "in.jsonl", [_as_messages(r) for r in rows])
    report = run_curate(src, tmp_path / "out", _config(), languages=["en"])
    assert report["preference"]["pairs"] == 21 and report["preference"]["removed_by_reason"] == {"identical_answers": 1}
    assert [s["stage"] for s in report["stages"]] == ["input", "exact_dedup", "near_dedup", "preference", "quality",
                                                      "balance"]
    html = (tmp_path / "out" / "curation_report.html").read_text(encoding="utf-8")
    assert 'id="preference"' in html and "<code>identical_answers</code>" in html
    assert "Prompts of preference pairs" in html
    out = [json.loads(line) for split in ("train", "validation", "test")
           for line in (tmp_path / "out" / f"{split}.jsonl").read_text().splitlines()]
    assert len(out) == 20 and all(isinstance(r["chosen"], list) for r in out)  # written back as read


# --- data without preference pairs ---------------------------------------------------------------------------

def _plain_rows(n: int) -> list[dict[str, Any]]:
    rng = random.Random(9)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        if rows and i % 7 == 0:
            rows.append({**rows[-1], "id": f"r{i}"})
        else:
            rows.append({"id": f"r{i}", "prompt": "Customer asks about " + " ".join(rng.choices(WORDS, k=8)),
                         "completion": "Thanks. " + " ".join(rng.choices(WORDS, k=15)), "label": rng.choice("ab")})
    return rows


def test_data_without_preference_pairs_curates_exactly_as_with_the_filters_off() -> None:
    rows = [*_plain_rows(60), {"id": "chat", "messages": [{"role": "user", "content": "hi"},
                                                          {"role": "assistant", "content": "hello"}]}]
    on = curate(rows, _config(**{"fields.label_field": "label"}))
    off = curate(rows, _config(**{"fields.label_field": "label", "preference.enabled": False}))
    assert [d.to_json() for d in on.decisions] == [d.to_json() for d in off.decisions]
    assert on.report == off.report
    assert "preference" not in on.report
    assert [s["stage"] for s in on.report["stages"]] == ["input", "exact_dedup", "near_dedup", "quality", "balance"]
    assert any(r["reason"] == "exact_duplicate" for r in on.removals)  # the comparison had work


# --- the ray engine ----------------------------------------------------------------------------------------

def test_curate_preference_pairs_on_ray_is_byte_identical_to_local(tmp_path: Path) -> None:
    """The ray engine runs only the near-duplicate stages, on the same prompt + chosen keys as the local one."""
    import os

    ray = pytest.importorskip("ray", reason='the Ray engine needs the extra: pip install "gdprep[ray]"')
    from gdprep.ray_cluster import EngineSpec

    rows = _pairs(40, 3)
    for k, row in enumerate(rows[:30]):  # near copies (one word of the chosen answer changed) and message forms
        words = row["chosen"].split()
        words[-1] = "zebra"
        rows.append({**(_as_messages(row) if k % 2 else row), "id": f"near{k}", "chosen": " ".join(words)}
                    if k % 2 == 0 else {**_as_messages(row), "id": f"copy{k}"})
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    cfg = _config(**{"fields.label_field": "label"})
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        reports = {name: run_curate(src, tmp_path / name, cfg, languages=["en"], engine=engine)
                   for name, engine in (("local", None), ("ray", EngineSpec("ray", workers=2)))}
    finally:
        ray.shutdown()
    assert reports["local"]["dedup"]["verified_pairs"] >= 15  # the near-duplicate stages had work
    assert reports["local"]["preference"]["prompts_in_several_splits"] == 0
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "removals.jsonl", "decisions.jsonl",
                 "curation_report.json"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
