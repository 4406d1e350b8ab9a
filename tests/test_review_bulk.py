"""Bulk decisions: a preview counts, applying records one decision per finding (decisions table and ledger);
by recognizer, type and normalised value, or by type below a score; compliance officers only; the pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import assert_error, auth
from tests.review_helpers import ReviewEnv, make_env, sign_in


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ReviewEnv]:
    made = make_env(tmp_path)
    with made.client:
        yield made


def _bulk(env: ReviewEnv, flt: dict[str, Any], *, preview: bool = True, decision: str = "reject",
          role: str = "compliance_officer", **extra: Any) -> Any:
    return env.client.post(f"/v1/jobs/{env.job.id}/reviews/bulk",
                           json={"filter": flt, "decision": decision, "preview": preview, **extra},
                           headers=auth(env.keys[role]))


def _decided(env: ReviewEnv) -> dict[str, str]:
    return {fid: row["decision"] for fid, row in env.services.jobs.decisions.for_job(env.job.id).items()}


def test_same_value_preview_counts_then_apply_records_each_decision(env: ReviewEnv) -> None:
    # "Martin", "martin" and "MARTIN" by the ner recognizer (one record shown by its keyed hash); not the
    # person_cue finding of "Martin" (another recognizer) nor "Durand"
    expected = {env.ids[k] for k in ("martin1", "martin2", "martin3", "martin4")}
    preview = _bulk(env, {"same_as": env.ids["martin1"]})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["preview"] is True and body["matched"] == body["to_decide"] == 4 and body["decided"] == 0
    assert {i["finding_id"] for i in body["items"]} == expected
    assert _decided(env) == {} and env.entries("review_decision") == []
    assert "Martin" not in preview.text and "MARTIN" not in preview.text   # masked snippets only

    applied = _bulk(env, {"same_as": env.ids["martin1"]}, preview=False, comment="a surname here", expected=4)
    assert applied.status_code == 200, applied.text
    assert applied.json()["decided"] == 4
    assert _decided(env) == {fid: "reject" for fid in expected}
    entries = env.entries("review_decision")
    assert {e["finding_id"] for e in entries} == expected and len(entries) == 4
    bulk_ids = {e["bulk"]["id"] for e in entries}
    assert len(bulk_ids) == 1 and all(e["bulk"]["filter"] == "same_value" and e["bulk"]["size"] == 4
                                      for e in entries)
    assert all(e["actor"] == "compliance_officer-key" and e["decision"] == "reject" for e in entries)
    assert all("Martin" not in str(e) for e in entries)
    # the queue shows them decided; a second run finds nothing left to decide
    queue = env.client.get(f"/v1/reviews?job={env.job.id}", headers=auth(env.keys["compliance_officer"])).json()
    assert sum(1 for i in queue["items"] if i["decision"] == "reject") == 4
    again = _bulk(env, {"same_as": env.ids["martin1"]}).json()
    assert again["to_decide"] == 0 and again["already_decided"] == 4


def test_below_score_selects_one_type_under_the_bound(env: ReviewEnv) -> None:
    body = _bulk(env, {"entity_type": "PERSON", "below": 0.42}).json()
    # scores 0.40 (verb1), 0.38 (verb3), 0.41 (cue_martin); 0.42 is not below 0.42
    assert {i["finding_id"] for i in body["items"]} == {env.ids[k] for k in ("verb1", "verb3", "cue_martin")}
    assert _bulk(env, {"entity_type": "EMAIL_ADDRESS", "below": 1.0}).json()["matched"] == 0
    applied = _bulk(env, {"entity_type": "PERSON", "below": 0.42}, preview=False, decision="confirm").json()
    assert applied["decided"] == 3
    assert set(_decided(env).values()) == {"confirm"} and len(_decided(env)) == 3


def test_decided_findings_are_left_alone_unless_included(env: ReviewEnv) -> None:
    officer = auth(env.keys["compliance_officer"])
    one = env.client.post(f"/v1/reviews/{env.review_id('verb1')}", json={"decision": "confirm"}, headers=officer)
    assert one.status_code == 200
    body = _bulk(env, {"entity_type": "PERSON", "below": 0.42}, preview=False).json()
    assert body["decided"] == 2 and body["already_decided"] == 1
    assert _decided(env)[env.ids["verb1"]] == "confirm"
    _bulk(env, {"entity_type": "PERSON", "below": 0.42}, preview=False, include_decided=True)
    assert _decided(env)[env.ids["verb1"]] == "reject"


def test_a_changed_queue_refuses_the_apply(env: ReviewEnv) -> None:
    response = _bulk(env, {"entity_type": "PERSON", "below": 0.42}, preview=False, expected=2)
    assert_error(response, 409, "conflict")
    assert _decided(env) == {}


@pytest.mark.parametrize("flt", [{}, {"entity_type": "PERSON"}, {"below": 0.5},
                                 {"same_as": "f_" + "0" * 24, "entity_type": "PERSON", "below": 0.5},
                                 {"same_as": "Martin"}, {"entity_type": "PERSON", "below": 0}])
def test_a_filter_must_be_one_of_the_two_kinds(env: ReviewEnv, flt: dict[str, Any]) -> None:
    assert_error(_bulk(env, flt), 422, "validation_error")


def test_an_unknown_finding_is_404_and_a_gone_input_410(env: ReviewEnv) -> None:
    assert_error(_bulk(env, {"same_as": "f_" + "0" * 24}), 404, "not_found")
    Path(env.job.input_path).unlink()
    assert_error(_bulk(env, {"same_as": env.ids["martin1"]}), 410, "input_unavailable")
    # by score needs no value: it still works
    assert _bulk(env, {"entity_type": "PERSON", "below": 0.42}).json()["matched"] == 3


@pytest.mark.parametrize("role", ["engineer", "auditor", "admin", "evaluator"])
def test_only_compliance_officers_decide_in_bulk(env: ReviewEnv, role: str) -> None:
    for preview in (True, False):
        error = assert_error(_bulk(env, {"entity_type": "PERSON", "below": 0.9}, preview=preview, role=role), 403,
                             "forbidden")
        assert role in error["message"]
    assert _decided(env) == {}


def test_the_pages_preview_then_apply(env: ReviewEnv) -> None:
    token = sign_in(env.client, env.keys["compliance_officer"])
    queue = env.client.get(f"/ui/jobs/{env.job.id}/reviews").text
    assert 'id="bulk-by-score"' in queue and f"reviews/bulk?same_as={env.ids['martin2']}" in queue
    preview = env.client.get(f"/ui/jobs/{env.job.id}/reviews/bulk", params={"same_as": env.ids["martin2"]})
    assert preview.status_code == 200
    assert '<strong id="bulk-count">4</strong>' in preview.text and 'name="expected" value="4"' in preview.text
    form = {"same_as": env.ids["martin2"], "expected": "4", "decision": "reject", "comment": "surname"}
    assert env.client.post(f"/ui/jobs/{env.job.id}/reviews/bulk", data=form).status_code == 403  # no CSRF
    done = env.client.post(f"/ui/jobs/{env.job.id}/reviews/bulk", data={**form, "csrf_token": token},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("/reviews?show=undecided")
    assert len(_decided(env)) == 4 and {e["channel"] for e in env.entries("review_decision")} == {"ui"}
    by_score = env.client.get(f"/ui/jobs/{env.job.id}/reviews/bulk", params={"type": "PERSON", "below": "0.42"})
    assert '<strong id="bulk-count">3</strong>' in by_score.text
    assert env.client.get(f"/ui/jobs/{env.job.id}/reviews/bulk", params={"below": "2"}).status_code == 400


def test_the_pages_refuse_other_roles(env: ReviewEnv) -> None:
    token = sign_in(env.client, env.keys["auditor"])
    assert env.client.get(f"/ui/jobs/{env.job.id}/reviews/bulk",
                          params={"type": "PERSON", "below": "0.5"}).status_code == 403
    done = env.client.post(f"/ui/jobs/{env.job.id}/reviews/bulk",
                           data={"type": "PERSON", "below": "0.5", "decision": "reject", "expected": "1",
                                 "csrf_token": token})
    assert done.status_code == 403 and _decided(env) == {}
