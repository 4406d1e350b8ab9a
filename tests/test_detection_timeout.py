"""A record on which a pattern runs over its time limit goes to quarantine with a reason (with --on-error
quarantine), or stops the run with an error naming its line; the other records of its batch are unaffected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdprep.errors import DetectionTimeout
from gdprep.policies import load_policy
from gdprep.privacy.engine import Detector
from gdprep.privacy.findings import TimedOut
from gdprep.privacy.pipeline import run_redact

POLICY = load_policy("uk-gdpr-default")
TEXTS = ["Call Anna Weber on 020 7946 0000.", "BOOM a text no pattern finishes in time", "Mail jo@example.org please."]


@pytest.fixture
def timing_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection raises the recognizers' timeout for any batch holding a text with "BOOM" (a stand-in for a
    pathological text: the routing is what is tested here; tests/test_redos.py shows real timeouts raise it)."""
    real = Detector.analyze_texts

    def analyze_texts(self: Detector, texts: list[str]) -> list:  # type: ignore[type-arg]
        if any("BOOM" in text for text in texts):
            raise DetectionTimeout("PersonCueRecognizer: a pattern ran over its 2 s limit on a text of 40 characters")
        return real(self, texts)

    monkeypatch.setattr(Detector, "analyze_texts", analyze_texts)


def test_the_record_that_times_out_is_marked_and_the_rest_of_its_batch_is_scanned(timing_out: None) -> None:
    detector = Detector(POLICY)
    results = detector.scan_records([[("text", t)] for t in TEXTS])
    assert isinstance(results[1], TimedOut) and "2 s limit" in results[1].message
    alone = [detector.scan_records([[("text", t)]])[0] for t in (TEXTS[0], TEXTS[2])]
    assert [results[0], results[2]] == alone
    assert {f.entity_type for f in results[0][0]} >= {"PERSON", "PHONE_NUMBER"}  # type: ignore[index]


def _input(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": t}) for i, t in enumerate(TEXTS)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


def test_redact_quarantines_the_record_with_its_reason(timing_out: None, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_HOME", str(tmp_path / "state"))
    out, quarantine = tmp_path / "out.jsonl", tmp_path / "q.jsonl"
    summary = run_redact(_input(tmp_path), out, tmp_path / "r.json", POLICY, on_error="quarantine",
                         quarantine_path=quarantine)
    assert (summary.n_in, summary.n_out, summary.n_quarantined) == (3, 2, 1)
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["r0", "r2"]
    [row] = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert (row["line"], row["reason"]) == (2, "detection_timeout") and "2 s limit" in row["error"]
    assert json.loads(row["raw"])["id"] == "r1"


def test_redact_without_quarantine_stops_naming_the_line_and_publishes_nothing(
        timing_out: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_HOME", str(tmp_path / "state"))
    out = tmp_path / "out.jsonl"
    with pytest.raises(DetectionTimeout, match=r"in\.jsonl, line 2: .*--on-error quarantine"):
        run_redact(_input(tmp_path), out, tmp_path / "r.json", POLICY)
    assert not out.exists()
