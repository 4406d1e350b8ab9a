"""Compliance officers' review decisions applied when a dataset is redacted again: finding ids, the
decisions file, what reject / confirm do to the output, the report, the lineage and the CLI."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.errors import InputError, UsageError
from gdprep.policies import Policy, load_policy
from gdprep.privacy.decisions import FINDING_ID_RE, apply_decisions, finding_id, load_decisions
from gdprep.privacy.findings import Finding
from gdprep.privacy.pipeline import RunSummary, run_redact

from .conftest import read_jsonl, write_jsonl

# the default policy with a wide review band, so confident findings (model names score 0.85, cue-found
# names 0.6) are listed for review beside the below-threshold ones (a lone unknown word scores 0.45)
_BASE = load_policy("uk-gdpr-default").model_dump(mode="json")
POLICY = Policy.model_validate({**_BASE, "name": "review-test", "review_band": {"low": 0.3, "high": 0.9}})

ROWS = [
    {"id": "a", "text": "Please call Jane Smith on 020 7946 0958 or mail jane@example.org."},
    {"id": "b", "text": "I spoke to Margaret Oduya yesterday. Okonkwo nodded and it was fine."},
    {"id": "c", "text": "Met with Paris about the order, ref AB123456C."},
]


class _Lineage:
    """A LineageSink that keeps what it is told."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}

    def record(self, kind: str, record_id: str, payload: Mapping[str, Any]) -> None:
        self.records[record_id] = {"kind": kind, **payload}

    def record_hash(self, data: Mapping[str, Any]) -> str:
        return "h"

    def subject_key(self, value: str) -> str:
        return "s"

    def event(self, kind: str, payload: Mapping[str, Any]) -> None:
        pass

    def dataset(self, role: str, path: Path, records: int) -> None:
        pass


def _redact(work: Path, decisions: Mapping[str, str] | None = None,
            lineage: _Lineage | None = None) -> tuple[RunSummary, dict[str, str], dict[str, Any]]:
    """One real redaction run of ROWS; returns the summary, output text by id and the report."""
    work.mkdir(parents=True, exist_ok=True)
    src = write_jsonl(work / "in.jsonl", ROWS)
    summary = run_redact(src, work / "out.jsonl", work / "report.json", POLICY, decisions=decisions,
                         lineage=lineage)
    texts = {row["id"]: row["text"] for row in read_jsonl(work / "out.jsonl")}
    assert summary.report is not None
    return summary, texts, summary.report


def _item(report: dict[str, Any], record_id: str, redacted: bool) -> dict[str, Any]:
    items = [i for i in report["review_queue"]
             if i["record_id"] == record_id and i["redacted"] is redacted and i["entity_type"] == "PERSON"]
    assert len(items) == 1, report["review_queue"]
    return items[0]


#: one key for the module's runs, so a value's pseudonym (an HMAC under it) is the same in each
_MASTER_KEY = base64.b64encode(bytes(range(40, 72))).decode("ascii")


@pytest.fixture(autouse=True)
def _one_key(_isolated_state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_MASTER_KEY", _MASTER_KEY)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, Any]]:
    """A run without decisions, in a state directory of this module's own (with the module's key)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GDPREP_HOME", str(tmp_path_factory.mktemp("home")))
    mp.setenv("GDPREP_MASTER_KEY", _MASTER_KEY)
    try:
        _summary, texts, report = _redact(tmp_path_factory.mktemp("baseline"))
    finally:
        mp.undo()
    return texts, report


# ---------------------------------------------------------------------------------------- finding ids

def test_finding_id_is_stable_opaque_and_distinct() -> None:
    fid = finding_id("rec-1", "text", 3, 13, "PERSON")
    assert FINDING_ID_RE.fullmatch(fid)
    assert fid == finding_id("rec-1", "text", 3, 13, "PERSON")
    others = {finding_id("rec-2", "text", 3, 13, "PERSON"), finding_id("rec-1", "prompt", 3, 13, "PERSON"),
              finding_id("rec-1", "text", 4, 13, "PERSON"), finding_id("rec-1", "text", 3, 14, "PERSON"),
              finding_id("rec-1", "text", 3, 13, "EMAIL_ADDRESS")}
    assert fid not in others and len(others) == 5


def test_review_items_carry_finding_ids_stable_across_runs(tmp_path: Path,
                                                           baseline: tuple[dict[str, str], dict[str, Any]]) -> None:
    _texts, first = baseline
    _summary, _texts2, second = _redact(tmp_path / "again")
    ids = [item["finding_id"] for item in first["review_queue"]]
    assert len(ids) >= 4 and len(set(ids)) == len(ids)
    assert all(FINDING_ID_RE.fullmatch(fid) for fid in ids)
    assert ids == [item["finding_id"] for item in second["review_queue"]]
    # without decisions the report has neither a decision per item nor a decisions section
    assert "decision" not in first["review_queue"][0] and "decisions" not in first
    assert "decisions_applied" not in first["extra"]


# ---------------------------------------------------------------------------------- applying decisions

def test_reject_keeps_text_and_confirm_redacts_below_threshold(
        tmp_path: Path, baseline: tuple[dict[str, str], dict[str, Any]]) -> None:
    before, report = baseline
    assert "Jane Smith" not in before["a"] and "Okonkwo" in before["b"]
    jane = _item(report, "a", redacted=True)           # confident, in the review band
    okonkwo = _item(report, "b", redacted=False)    # below threshold: left in the output
    decisions = {jane["finding_id"]: "reject", okonkwo["finding_id"]: "confirm"}
    lineage = _Lineage()

    summary, after, again = _redact(tmp_path, decisions, lineage)

    assert "Jane Smith" in after["a"]                   # rejected: the original text stays
    assert "<PHONE_NUMBER>" in after["a"] and "<EMAIL_ADDRESS>" in after["a"]
    assert "Okonkwo" not in after["b"]               # confirmed: redacted with the policy's operator
    assert after["b"].count("<PERSON_") == 2
    assert after["c"] == before["c"]
    assert summary.n_decisions_applied == 2 and summary.n_decisions_unmatched == 0
    section = again["decisions"]
    assert section["applied"] == {"confirm": 1, "reject": 1} and section["unmatched"] == []
    assert section["review_decided"] == 2 and section["review_pending"] == again["review_total"] - 2
    assert again["extra"]["decisions_applied"] == 2
    queue = {item["finding_id"]: item for item in again["review_queue"]}
    assert queue[jane["finding_id"]]["decision"] == "reject" and queue[jane["finding_id"]]["redacted"] is False
    assert queue[okonkwo["finding_id"]]["decision"] == "confirm"
    assert queue[okonkwo["finding_id"]]["redacted"] is True
    assert {queue[f]["decision"] for f in queue if f not in decisions} == {None}
    # the ledger sees what was actually redacted, and which decisions were applied
    assert lineage.records["a"]["decisions"] == {"reject": 1}
    assert "PERSON" not in {f["type"] for f in lineage.records["a"]["findings"]}
    assert lineage.records["b"]["decisions"] == {"confirm": 1}
    assert [f["type"] for f in lineage.records["b"]["findings"]] == ["PERSON", "PERSON"]
    assert "decisions" not in lineage.records["c"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Review decisions applied" in html and jane["finding_id"] in html


def test_confirming_kept_and_rejecting_below_change_nothing_but_count(
        tmp_path: Path, baseline: tuple[dict[str, str], dict[str, Any]]) -> None:
    before, report = baseline
    paris = _item(report, "c", redacted=True)
    okonkwo = _item(report, "b", redacted=False)
    summary, after, again = _redact(tmp_path, {paris["finding_id"]: "confirm", okonkwo["finding_id"]: "reject"})
    assert after == before
    assert again["decisions"]["applied"] == {"confirm": 1, "reject": 1}
    assert summary.n_decisions_applied == 2


def test_unmatched_decisions_are_reported(tmp_path: Path, baseline: tuple[dict[str, str], dict[str, Any]]) -> None:
    before, _report = baseline
    stale = finding_id("no-such-record", "text", 0, 4, "PERSON")
    summary, after, report = _redact(tmp_path, {stale: "reject"})
    assert after == before
    assert report["decisions"]["unmatched"] == [stale] and report["decisions"]["unmatched_total"] == 1
    assert report["decisions"]["applied"] == {"confirm": 0, "reject": 0}
    assert summary.n_decisions_unmatched == 1 and report["extra"]["decisions_unmatched"] == 1
    assert stale in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_decisions_on_a_dropped_record_match_but_do_not_apply(tmp_path: Path) -> None:
    policy = Policy.model_validate({**POLICY.model_dump(mode="json"), "special_categories": {"default_action": "drop"}})
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "h", "text": "Jane Smith was diagnosed with diabetes."}])
    first = run_redact(src, tmp_path / "o1.jsonl", tmp_path / "r1.json", policy, decisions={})
    assert first.n_dropped == 1 and first.report is not None
    assert first.report["decisions"]["given"] == 0 and first.report["decisions"]["unmatched"] == []
    [jane] = [i for i in first.report["review_queue"] if i["entity_type"] == "PERSON"]
    second = run_redact(src, tmp_path / "o2.jsonl", tmp_path / "r2.json", policy,
                        decisions={jane["finding_id"]: "reject"})
    assert second.report is not None
    section = second.report["decisions"]
    assert section["not_applied"] == {"record_dropped": 1} and section["unmatched"] == []
    assert section["applied"] == {"confirm": 0, "reject": 0} and second.n_decisions_applied == 0


@pytest.mark.parametrize(("below", "applied", "not_applied"), [
    (Finding("text", 2, 6, "PERSON", 0.45, "r"), {"confirm"}, {}),                       # covered by the kept one
    (Finding("text", 8, 14, "PERSON", 0.45, "r"), set(), {"overlaps_redacted_finding"}),  # straddles its end
    (Finding("text", 20, 24, "PERSON", 0.45, "r"), {"confirm"}, {}),                     # clear of it: redacted
])
def test_confirmed_span_never_overlaps_a_redacted_one(below: Finding, applied: set[str],
                                                      not_applied: set[str]) -> None:
    kept = Finding("text", 0, 10, "STREET_ADDRESS", 0.9, "r")
    fid = finding_id("r1", below.field, below.start, below.end, below.entity_type)
    outcome = apply_decisions("r1", [kept], [below], {fid: "confirm"})
    spans = sorted((f.start, f.end) for f in outcome.redact)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert kept in outcome.redact
    assert (below in outcome.redact) is (below.start >= kept.end)
    assert set(outcome.applied.values()) == applied
    assert set(outcome.not_applied.values()) == set(not_applied)


# -------------------------------------------------------------------------------------- decisions file

def test_load_decisions_reads_jsonl_and_later_lines_win(tmp_path: Path) -> None:
    a, b = finding_id("r", "text", 0, 1, "PERSON"), finding_id("r", "text", 2, 3, "PERSON")
    path = tmp_path / "d.jsonl"
    path.write_text(f'{{"finding_id": "{a}", "decision": "confirm", "decided_by": "dpo"}}\n\n'
                    f'{{"finding_id": "{b}", "decision": "reject"}}\n'
                    f'{{"finding_id": "{a}", "decision": "reject"}}\n', encoding="utf-8")
    assert load_decisions(path) == {a: "reject", b: "reject"}


@pytest.mark.parametrize(("line", "message"), [
    ("not json", "not valid JSON"),
    ('["f_0123456789abcdef01234567", "confirm"]', "expected a JSON object"),
    ('{"decision": "confirm"}', '"finding_id" must be an id'),
    ('{"finding_id": "Jane Smith", "decision": "confirm"}', '"finding_id" must be an id'),
    ('{"finding_id": "f_0123456789abcdef01234567", "decision": "maybe"}',
     "\"decision\" must be one of \\['confirm', 'reject'\\] \\(got 'maybe'\\)"),
    ('{"finding_id": "f_0123456789abcdef01234567"}', '"decision" must be one of'),
])
def test_bad_decision_lines_name_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "decisions.jsonl"
    good = '{"finding_id": "f_0123456789abcdef01234567", "decision": "confirm"}'
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"decisions.jsonl:2: {message}") as info:
        load_decisions(path)
    assert info.value.line == 2 and info.value.path == str(path)


def test_missing_decisions_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="decisions file .*nope.jsonl not found"):
        load_decisions(tmp_path / "nope.jsonl")


# ------------------------------------------------------------------------------------------------- CLI

def test_cli_redact_applies_decisions_file(tmp_path: Path, baseline: tuple[dict[str, str], dict[str, Any]]) -> None:
    from gdprep.service.cli import app

    _before, report = baseline
    jane = _item(report, "a", redacted=True)
    policy_file = tmp_path / "policy.json"   # JSON is YAML: the policy as a file the CLI can load
    policy_file.write_text(json.dumps(POLICY.model_dump(mode="json")), encoding="utf-8")
    policy_yaml = policy_file.with_suffix(".yaml")
    policy_file.rename(policy_yaml)
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    decisions = tmp_path / "decisions.jsonl"
    stale = finding_id("gone", "text", 0, 1, "PERSON")
    write_jsonl(decisions, [{"finding_id": jane["finding_id"], "decision": "reject"},
                            {"finding_id": stale, "decision": "confirm"}])
    args = ["redact", "-i", str(src), "-o", str(tmp_path / "out.jsonl"), "-r", str(tmp_path / "r.json"),
            "-p", str(policy_yaml), "--decisions", str(decisions)]

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    assert "decisions: 1 applied, 1 unmatched" in result.output
    out = {row["id"]: row["text"] for row in read_jsonl(tmp_path / "out.jsonl")}
    assert "Jane Smith" in out["a"] and "<EMAIL_ADDRESS>" in out["a"]
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["decisions"]["unmatched"] == [stale]

    decisions.write_text('{"finding_id": "f_0123456789abcdef01234567", "decision": "yes"}\n', encoding="utf-8")
    bad = CliRunner().invoke(app, args)
    assert bad.exit_code == 2
    assert "decisions.jsonl:1:" in bad.output and "decision" in bad.output
