"""Preference pairs through the privacy stage: prompt, chosen and rejected are all scanned (as text or as chat
messages), a value in both answers gets the same replacement under every reversible or numbered operator, and
the report counts findings per top-level field."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from gdprep.policies import load_policy
from gdprep.policies.schema import Policy
from gdprep.privacy.findings import Finding
from gdprep.privacy.pipeline import run_redact
from gdprep.privacy.report import ReportBuilder, top_level_field
from gdprep.privacy.report_html import render_html

from .conftest import read_jsonl, write_jsonl

NAME = "Marianne Leleu"
EMAIL = "marianne.leleu@example.org"


def _pair(form: str) -> dict[str, Any]:
    """One pair naming the same person and address in both answers, as strings or as chat messages."""
    prompt = f"My name is {NAME}. Can you confirm my e-mail {EMAIL} is on file?"
    chosen = f"Thank you, {NAME}. Yes: {EMAIL} is the address we hold for you."
    rejected = f"{NAME}, we cannot say whether {EMAIL} is on file."
    if form == "text":
        return {"id": "p1", "prompt": prompt, "chosen": chosen, "rejected": rejected, "label": "account"}
    return {"id": "p1", "prompt": [{"role": "user", "content": prompt}],
            "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}], "label": "account"}


def _answer(row: dict[str, Any], field: str) -> str:
    value = row[field]
    return value if isinstance(value, str) else "\n".join(m["content"] for m in value)


def _policy_with(operators: dict[str, str]) -> Policy:
    base = load_policy("uk-gdpr-default")
    entities = {name: rule.model_copy(update={"operator": rule.operator.model_copy(update={"type": operators[name]})})
                if name in operators else rule for name, rule in base.entities.items()}
    return base.model_copy(update={"entities": entities})


def _redact(tmp_path: Path, rows: list[dict[str, Any]], policy: Policy) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    summary = run_redact(src, tmp_path / "out.jsonl", tmp_path / "report.json", policy)
    assert summary.report is not None
    return read_jsonl(tmp_path / "out.jsonl"), summary.report


TOKEN = re.compile(r"<[A-Z_]+(?:_\d+|#[0-9a-f]+)?>|<ENC:[A-Z_]+:[A-Za-z0-9_-]+>")


@pytest.mark.parametrize("form", ["text", "messages"])
@pytest.mark.parametrize("operators", [
    {},                                                               # the default: PERSON pseudonym, placeholders
    {"PERSON": "surrogate", "EMAIL_ADDRESS": "surrogate"},
    {"PERSON": "encrypt", "EMAIL_ADDRESS": "hash"},
], ids=["default", "surrogate", "encrypt-hash"])
def test_a_value_in_both_answers_gets_the_same_replacement(tmp_path: Path, form: str,
                                                           operators: dict[str, str]) -> None:
    rows, _ = _redact(tmp_path, [_pair(form)], _policy_with(operators))
    out = rows[0]
    texts = {field: _answer(out, field) for field in ("prompt", "chosen", "rejected")}
    for field, text in texts.items():
        assert NAME not in text and EMAIL not in text, field  # every field scanned, in either form
    assert isinstance(out["chosen"], type(_pair(form)["chosen"]))  # the form is kept
    if operators.get("PERSON") == "surrogate":
        # the first words of each answer hold the name's stand-in: the same in both
        chosen_name = texts["chosen"].removeprefix("Thank you, ").split(".")[0]
        assert texts["rejected"].startswith(chosen_name + ",")
        assert chosen_name in texts["prompt"]
        email = re.search(r"[\w.+-]+@example\.(?:com|org|net)", texts["chosen"])
        assert email is not None and email.group() in texts["rejected"]
    else:
        tokens = {field: TOKEN.findall(text) for field, text in texts.items()}
        assert len(tokens["chosen"]) == len(tokens["rejected"]) == 2
        assert set(tokens["chosen"]) == set(tokens["rejected"]) == set(tokens["prompt"])


def test_a_numbered_pseudonym_agrees_across_pairs_and_fields(tmp_path: Path) -> None:
    other = {"id": "p2", "prompt": "Who wrote to us?", "chosen": f"It was {NAME}.",
             "rejected": [{"role": "assistant", "content": f"{NAME} did, I think."}]}
    rows, _ = _redact(tmp_path, [_pair("text"), other], load_policy("uk-gdpr-default"))
    person = {tok for row in rows for field in ("prompt", "chosen", "rejected")
              for tok in re.findall(r"<PERSON_\d+>", _answer(row, field))}
    assert len(person) == 1, person


def test_the_report_counts_findings_per_top_level_field(tmp_path: Path) -> None:
    rows = [_pair("text"), {**_pair("messages"), "id": "p2"}]
    _, report = _redact(tmp_path, rows, load_policy("uk-gdpr-default"))
    by_top = report["findings"]["by_top_level_field"]
    # per pair: the name and the e-mail once in each of the three fields
    assert by_top == {"chosen": 4, "prompt": 4, "rejected": 4}
    assert report["findings"]["by_field"]["chosen[].content"] == 2  # the detailed paths are still there
    assert report["findings"]["by_field"]["chosen"] == 2
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="fields-top-level"' in html and "<code>rejected</code>" in html


@pytest.mark.parametrize(("path", "top"), [
    ("chosen[0].content", "chosen"), ("rejected", "rejected"), ("prompt[2].content", "prompt"),
    ("meta.customer.email", "meta"), ("a\\.b.c", "a\\.b"), ("{key}.email", "{key}"), ("scores.{key}[key]", "scores"),
])
def test_top_level_field(path: str, top: str) -> None:
    assert top_level_field(path) == top


def test_top_level_counts_roll_up_below_threshold_too_and_an_old_report_still_renders() -> None:
    policy = load_policy("uk-gdpr-default")
    builder = ReportBuilder(policy)
    kept = [Finding(f"chosen[{i}].content", 0, 4, "PERSON", 0.9, "r") for i in range(2)]
    below = [Finding("rejected[0].content", 0, 4, "PERSON", 0.3, "r")]
    builder.add_record("x", texts={}, kept=kept, below_threshold=below, flags=[], action="redacted")
    report = builder.finish(command="t", input_path="i", output_path="o", n_in=1, n_out=1, n_quarantined=0,
                            n_dropped=0, elapsed_s=0.1)
    assert report["findings"]["by_top_level_field"] == {"chosen": 2}
    assert report["below_threshold"]["by_top_level_field"] == {"rejected": 1}
    old = json.loads(json.dumps(report))
    for section in ("findings", "below_threshold"):
        del old[section]["by_top_level_field"]
    assert 'id="fields-top-level"' not in render_html(old)
    assert 'id="fields-top-level"' in render_html(report)
