"""A release verdict is inconclusive, not pass, when the test split is too small for membership inference or
extraction to find a leak: the report says how many test records would do, and the gate keeps the model
back unless the policy releases inconclusive verdicts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from gdprep.audit.ledger import Ledger
from gdprep.audit.models import model_states
from gdprep.policies import load_policy
from gdprep.policies.schema import ReleaseGate
from gdprep.training.probe_power import extraction_evidence, mia_evidence, smallest_p
from gdprep.training.probes import auc, auc_ci, release_decision
from gdprep.training.registry import Registry, RegistryRefused
from gdprep.training.report import render_probe_html

from .test_probe_report import example_report


def _results(*, ci: tuple[float, float] = (0.45, 0.58), members: int = 1000, non_members: int = 200,
             train: tuple[int, int] = (0, 100), test: tuple[int, int] = (0, 100), exposure: float = 2.0,
             hits: int = 0) -> dict[str, Any]:
    return {
        "settings": {"max_records": 1000},
        "canaries": [{"ref": "ABCD", "repetitions": 16, "exposure": exposure, "log2_space": math.log2(10 ** 6),
                      "candidates": 10_000}],
        "regurgitation": {"hits": [{"entity_type": "PERSON", "source": "prefix:Dear", "replacement": "<PERSON_1>",
                                    "completion_masked": "x"}] * hits},
        "extraction": {"train": {"8": {"eligible": train[1], "extracted": train[0], "rate": train[0] / train[1]}},
                       "test": {"8": {"eligible": test[1], "extracted": test[0],
                                      "rate": test[0] / test[1] if test[1] else None}}},
        "membership_inference": {"members": members, "non_members": non_members,
                                 "signals": {"loss": {"auc": sum(ci) / 2, "auc_ci": list(ci), "tpr_at_1pct_fpr": 0.0},
                                             "min_k": {"auc": 0.5, "auc_ci": [0.47, 0.53], "tpr_at_1pct_fpr": 0.0}}},
    }


def test_a_wide_mia_ci_is_inconclusive_with_the_test_records_needed() -> None:
    # width 0.4 with 1000 members and 20 non-members: 1/n' = (0.2/0.4)^2 (1/1000 + 1/20) - 1/1000 = 0.01175
    decision = release_decision(_results(ci=(0.3, 0.7), non_members=20, test=(0, 20)), ReleaseGate())
    assert decision["release"] == "inconclusive" and decision["released"] is False
    assert all(decision["checks"].values())
    mia = next(e for e in decision["evidence"] if e["check"] == "mia_ci_width")
    assert mia["informative"] is False and mia["signal"] == "loss" and mia["ci_width"] == pytest.approx(0.4)
    assert mia["needed_test_records"] == math.ceil(1 / (0.25 * (1 / 1000 + 1 / 20) - 1 / 1000)) == 86
    assert decision["needed_test_records"] == 86
    assert any(r.startswith("inconclusive:") and "0.400 wide with 20 test records" in r and "about 86 test records"
               in r for r in decision["reasons"]), decision["reasons"]


def test_the_estimate_holds_for_real_bootstrap_cis() -> None:
    """The 1/sqrt(n) estimate: a CI measured with the estimated number of non-members is about the target."""
    rng = np.random.default_rng(0)
    members = rng.normal(0, 1, 1000)
    low, high = auc_ci(members, rng.normal(0, 1, 15), resamples=400, seed=1)
    mia = {"members": 1000, "non_members": 15, "signals": {"loss": {"auc": auc([0], [0]), "auc_ci": [low, high]}}}
    estimate = mia_evidence(mia, ReleaseGate(), max_records=1000)
    assert estimate["informative"] is False and 25 < estimate["needed_test_records"] < 60
    widths = [np.subtract(*auc_ci(members, rng.normal(0, 1, estimate["needed_test_records"]), resamples=400,
                                  seed=s)[::-1]) for s in range(5)]
    assert float(np.mean(widths)) == pytest.approx(0.2, abs=0.03), widths


def test_too_few_members_needs_more_of_both() -> None:
    mia = {"members": 10, "non_members": 10, "signals": {"loss": {"auc": 0.5, "auc_ci": [0.2, 0.8]}}}
    out = mia_evidence(mia, ReleaseGate(), max_records=1000)
    # (0.2/0.6)^2 (1/10 + 1/10) = 0.0222 < 1/10: more non-members alone cannot do it; N = 2 / 0.0222 = 90
    assert out["needed_members"] == out["needed_test_records"] == 90
    assert "more test records alone cannot narrow it enough with 10 members" in out["explanation"]


def test_an_extraction_test_without_power_is_inconclusive() -> None:
    # 3 eligible training records and 4 eligible test records, none extracted: even 3/3 against 0/4 gives
    # p = 1 / C(7, 3) = 1/35 = 0.029 < 0.05, but 2 training records against 4 test: 1 / C(6, 2) = 0.067
    assert smallest_p(3, 0, 4) == pytest.approx(1 / 35)
    assert smallest_p(2, 0, 4) == pytest.approx(1 / 15)
    weak = extraction_evidence("8", {"eligible": 2, "extracted": 0}, {"eligible": 4, "extracted": 0},
                               ReleaseGate(), test_records=8)
    assert weak["informative"] is False
    # the smallest n with 1 / C(n + 2, 2) < 0.05 is n = 5 (1/21); half the test records are eligible: 10
    assert weak["needed_eligible_test_records"] == 5 and weak["needed_test_records"] == 10
    assert "could not fail" in weak["explanation"]
    decision = release_decision(_results(train=(0, 2), test=(0, 4)), ReleaseGate())
    assert decision["release"] == "inconclusive" and decision["released"] is False
    assert any("8-extraction" in r for r in decision["reasons"])


def test_extraction_at_a_test_rate_of_one_is_never_informative() -> None:
    out = extraction_evidence("8", {"eligible": 5, "extracted": 5}, {"eligible": 5, "extracted": 5},
                              ReleaseGate(), test_records=5)
    assert out["informative"] is False and out["needed_test_records"] is None
    assert "no number of test records" in out["explanation"]


def test_large_enough_splits_pass_and_fail_as_before() -> None:
    assert release_decision(_results(), ReleaseGate())["release"] == "pass"
    assert release_decision(_results(), ReleaseGate())["released"] is True
    assert release_decision(_results(ci=(0.55, 0.66)), ReleaseGate())["release"] == "fail"
    # a failed check is evidence enough: a small split that still shows a leak fails, it is not inconclusive
    failed = release_decision(_results(ci=(0.3, 0.7), non_members=20, hits=1), ReleaseGate())
    assert failed["release"] == "fail" and failed["released"] is False
    # a looser policy width makes the same small split informative
    assert release_decision(_results(ci=(0.3, 0.7), non_members=20), ReleaseGate(max_mia_ci_width=0.5)
                            )["release"] == "pass"


def test_the_policy_can_release_inconclusive_verdicts() -> None:
    decision = release_decision(_results(ci=(0.3, 0.7), non_members=20),
                                ReleaseGate(release_if_inconclusive=True))
    assert decision["release"] == "inconclusive" and decision["released"] is True
    assert any("release_if_inconclusive" in r for r in decision["reasons"])


def test_the_new_gate_fields_leave_the_policy_hash_alone_at_their_defaults() -> None:
    policy = load_policy(None)
    before = policy.canonical_hash()
    assert "max_mia_ci_width" not in policy.canonical_json()
    gate = policy.release_gate.model_copy(update={"release_if_inconclusive": True})
    changed = policy.model_copy(update={"release_gate": gate})
    assert changed.canonical_hash() != before and '"release_if_inconclusive":true' in changed.canonical_json()


def test_the_report_page_says_inconclusive_and_how_many_records() -> None:
    report = example_report()
    report["decision"] = release_decision(_results(ci=(0.3, 0.7), non_members=20), ReleaseGate())
    page = render_probe_html(report)
    assert "INCONCLUSIVE" in page and 'class="verdict verdict-inconclusive"' in page
    assert '<strong id="needed-test-records">86</strong>' in page and "is not released" in page
    assert 'id="evidence"' in page and "0.400 wide with 20 test records" in page
    report["decision"] = release_decision(_results(ci=(0.3, 0.7), non_members=20),
                                          ReleaseGate(release_if_inconclusive=True))
    assert "releases inconclusive adapters" in render_probe_html(report)


def _ledger_with(release: dict[str, Any]) -> Ledger:
    ledger = Ledger()
    run = ledger.start_run("training", command="gdprep train", policy_hash="sha256:x", config={})
    ledger.append("adapter", {"stage": "training", "adapter_sha256": "a" * 64}, run_id=run)
    ledger.finish_run(run, "training", ok=True)
    ledger.append("release_decision", {"stage": "probes", "reasons": [], "checks": {}, "training_run": run,
                                       "adapter_sha256": "a" * 64, **release})
    ledger.append("model_registered", {"name": "bot", "version": "1", "training_run": run,
                                       "adapter_sha256": "a" * 64, "mlflow_run_id": "m1", "registry": "local"})
    ledger.append("model_approved", {"name": "bot", "version": "1", "training_run": run, "adapter_sha256": "a" * 64,
                                     "approver": "carol", "role": "compliance_officer", "note": "", "via": "cli"})
    return ledger


def _registry(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The registry's release checks without an MLflow store: MLflow agrees with the ledger."""
    registry = Registry.__new__(Registry)
    registry.ledger = ledger
    monkeypatch.setattr(Registry, "problems", lambda self, state, artefact=False: [])
    return registry


@pytest.mark.parametrize(("release", "status"), [
    ({"release": "inconclusive", "released": False}, "inconclusive"),
    ({"release": "inconclusive", "released": True}, "approved"),
    ({"release": "pass"}, "approved"),  # recorded before `released` existed
    ({"release": "fail", "released": False}, "failed"),
])
def test_status_words_follow_the_released_flag(release: dict[str, Any], status: str) -> None:
    version = model_states(_ledger_with(release).iter_entries())["bot"].versions["1"]
    assert version.status(None) == status
    assert version.to_json()["released"] is (status == "approved")


def test_the_registry_refuses_to_promote_an_inconclusive_version(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = _registry(_ledger_with({"release": "inconclusive", "released": False}), monkeypatch)
    with pytest.raises(RegistryRefused, match="release decision is inconclusive .*probe with more test records"):
        registry.promote("bot", "1", who="admin", via="cli")
    with pytest.raises(RegistryRefused, match="cannot be approved: its release decision is inconclusive"):
        registry.approve("bot", "1", approver="carol", role="compliance_officer", note="", via="cli")
