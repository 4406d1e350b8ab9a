"""Reveal with a reason: only compliance officers, a reason that is validated, one ledger entry without the
value, a per-key rate limit, the policy's switch, no caching, and a clear answer when the input is gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gdprep.policies import load_policy
from tests.api_helpers import assert_error, auth
from tests.review_helpers import PHONE, PRIVACY_RUN, ReviewEnv, make_env, sign_in


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewEnv]:
    made = make_env(tmp_path_factory.mktemp("reveal"))
    with made.client:
        yield made


def _reveal(env: ReviewEnv, key: str, role: str = "compliance_officer", reason: object = "DPO-1234 check") -> object:
    body = {} if reason is None else {"reason": reason}
    return env.client.post(f"/v1/reviews/{env.review_id(key)}/reveal", json=body, headers=auth(env.keys[role]))


def test_reveal_shows_the_value_in_its_words_with_other_values_masked(env: ReviewEnv) -> None:
    response = _reveal(env, "durand")
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["value"] == "Durand"
    # the other queue item of the record ("Écris") and the confidently redacted phone number (its offsets come
    # from the ledger) stay masked: the reveal shows one finding only
    assert shown["before"] == "⟦PERSON⟧ à "
    assert PHONE not in shown["after"] and "⟦PHONE_NUMBER⟧" in shown["after"]
    assert shown["reason"] == "DPO-1234 check" and shown["revealed_by"] == "compliance_officer-key"
    assert response.headers["cache-control"] == "no-store"


def test_other_queue_items_in_the_words_are_masked(env: ReviewEnv) -> None:
    shown = _reveal(env, "martin2").json()  # r2: "Call martin about the MARTIN  account today."
    assert shown["value"] == "martin"
    assert "MARTIN" not in shown["after"] and "⟦PERSON⟧" in shown["after"]


def test_a_record_shown_by_its_keyed_hash_is_found(env: ReviewEnv) -> None:
    shown = _reveal(env, "martin4").json()
    assert shown["value"] == "Martin" and shown["before"] == "Note from "
    assert shown["record_id"].startswith("record_key:")


def test_the_ledger_records_who_which_finding_and_why_never_the_value(env: ReviewEnv) -> None:
    before = len(env.entries("review_reveal"))
    assert _reveal(env, "verb1", reason="  TICKET-77   the verb or a name?  ").status_code == 200
    entries = [e for e in env.services.ledger.iter_entries() if e.kind == "review_reveal"]
    assert len(entries) == before + 1
    entry = entries[-1]
    assert entry.payload["finding_id"] == env.ids["verb1"] and entry.payload["job"] == env.job.id
    assert entry.payload["reason"] == "TICKET-77 the verb or a name?"
    assert entry.payload["actor"] == "compliance_officer-key" and entry.payload["actor_role"] == "compliance_officer"
    assert entry.run_id == PRIVACY_RUN and entry.record_key == env.services.ledger.record_key("r1")
    assert entry.created_at
    assert "Écris" not in json.dumps(entry.payload, ensure_ascii=False)


@pytest.mark.parametrize("role", ["engineer", "auditor", "admin", "evaluator"])
def test_only_compliance_officers_reveal(env: ReviewEnv, role: str) -> None:
    before = len(env.entries("review_reveal"))
    error = assert_error(_reveal(env, "durand", role=role), 403, "forbidden")
    assert role in error["message"]
    assert len(env.entries("review_reveal")) == before


@pytest.mark.parametrize("reason", [None, "", "  ", "ab", "!!!", "x" * 501])
def test_a_reason_is_required(env: ReviewEnv, reason: object) -> None:
    before = len(env.entries("review_reveal"))
    assert_error(_reveal(env, "durand", reason=reason), 422, "validation_error")
    assert len(env.entries("review_reveal")) == before


def test_an_unknown_finding_is_404(env: ReviewEnv) -> None:
    response = env.client.post(f"/v1/reviews/{env.job.id}.f_{'0' * 24}/reveal", json={"reason": "DPO-1"},
                               headers=auth(env.keys["compliance_officer"]))
    assert_error(response, 404, "not_found")


def test_the_page_reveals_one_finding_with_csrf(env: ReviewEnv) -> None:
    token = sign_in(env.client, env.keys["compliance_officer"])
    queue = env.client.get(f"/ui/jobs/{env.job.id}/reviews")
    assert queue.status_code == 200 and f"/ui/reviews/{env.review_id('durand')}/reveal" in queue.text
    assert "Durand" not in queue.text
    url = f"/ui/reviews/{env.review_id('durand')}/reveal"
    assert env.client.post(url, data={"reason": "DPO-9 page"}).status_code == 403  # no CSRF token
    page = env.client.post(url, data={"reason": "DPO-9 page", "csrf_token": token})
    assert page.status_code == 200, page.text
    assert '<mark class="finding" id="revealed-value">Durand</mark>' in page.text
    assert PHONE not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "nonce-" in page.headers["content-security-policy"]
    assert env.entries("review_reveal")[-1]["channel"] == "ui"
    assert env.client.post(url, data={"reason": " ", "csrf_token": token}).status_code == 400
    env.client.cookies.clear()


def test_the_page_refuses_other_roles(env: ReviewEnv) -> None:
    token = sign_in(env.client, env.keys["auditor"])
    page = env.client.post(f"/ui/reviews/{env.review_id('durand')}/reveal",
                           data={"reason": "DPO-9 page", "csrf_token": token})
    assert page.status_code == 403 and "Durand" not in page.text
    env.client.cookies.clear()


def test_reveals_are_rate_limited_per_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_REVEALS_PER_HOUR", "2")
    made = make_env(tmp_path)
    with made.client:
        for key in ("durand", "verb1"):
            assert _reveal(made, key).status_code == 200
        refused = _reveal(made, "martin2")
        assert_error(refused, 429, "too_many_requests")
        assert 3000 < int(refused.headers["retry-after"]) <= 3600
        assert len(made.entries("review_reveal")) == 2
        # the limit is the key's: the pages count against the same budget
        token = sign_in(made.client, made.keys["compliance_officer"])
        page = made.client.post(f"/ui/reviews/{made.review_id('martin2')}/reveal",
                                data={"reason": "DPO-9 page", "csrf_token": token})
        assert page.status_code == 429


def test_the_policy_can_switch_reveal_off(tmp_path: Path) -> None:
    made = make_env(tmp_path, allow_reveal=False)
    with made.client:
        error = assert_error(_reveal(made, "durand"), 403, "reveal_disabled")
        assert "no-reveal" in error["message"] and "allow_reveal" in error["message"]
        assert made.entries("review_reveal") == []
        sign_in(made.client, made.keys["compliance_officer"])
        queue = made.client.get(f"/ui/jobs/{made.job.id}/reviews")
        assert queue.status_code == 200 and "Confirm" in queue.text
        assert "/reveal" not in queue.text and "reason to reveal" not in queue.text
        assert "Reveal is switched off by this job's policy" in queue.text


@pytest.mark.parametrize("how", ["deleted", "changed"])
def test_an_input_no_longer_on_the_server_is_said_clearly(tmp_path: Path, how: str) -> None:
    made = make_env(tmp_path)
    src = Path(made.job.input_path)
    if how == "deleted":
        src.unlink()
    else:
        src.write_text(src.read_text(encoding="utf-8").replace("Durand", "Dupont"), encoding="utf-8")
    with made.client:
        error = assert_error(_reveal(made, "durand"), 410, "input_unavailable")
        assert ("no longer on the server" if how == "deleted" else "changed") in error["message"]
        assert made.entries("review_reveal") == []


def test_allow_reveal_keeps_existing_policy_hashes() -> None:
    policy = load_policy("uk-gdpr-default")
    assert "allow_reveal" not in policy.canonical_json()
    off = policy.model_copy(update={"review_band": policy.review_band.model_copy(update={"allow_reveal": False})})
    assert '"allow_reveal":false' in off.canonical_json()
    assert off.canonical_json() != policy.canonical_json()
