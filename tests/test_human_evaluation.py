"""Blind human evaluation end to end on the smoke model (a tiny test model, not a real one) and real MLflow:
one adapter trained through the gate, probed and approved; `gdprep review-outputs --model NAME:1` generates
with it and with the base model, scans and masks the answers; evaluators and compliance officers rate through
the API and the pages (roles, CSRF, blindness); the report (rate, Wilson CI, agreement) goes to the ledger and
onto the version; promotion is refused under a policy threshold above the rate; `gdprep feedback export`
writes the pairs with their lineage."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.policies import load_policy
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.service.keys import ROLES, KeyStore
from gdprep.training.config import TrainConfig
from gdprep.training.humaneval_store import EvaluationStore
from gdprep.training.probes import ProbeSettings
from gdprep.training.smoke import build_smoke_model

from .conftest import redact_and_curate, router_rows

pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("mlflow")

ROWS = router_rows()
MODEL = "eval-bot"
PLANTED = "Please call Jane Smith on 020 7946 0958."
runner = CliRunner()
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("humaneval")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(root / "home"))
        mp.setenv("GDPREP_REGION", "GB")
        redact_and_curate(root, ROWS)
        base = build_smoke_model([r["prompt"] + " " + r["completion"] for r in ROWS], root / "model")
        config = TrainConfig.model_validate({
            "base_model": str(base), "train_file": str(root / "cur" / "train.jsonl"),
            "validation_file": str(root / "cur" / "validation.jsonl"), "output_dir": str(root / "out"),
            "epochs": 1, "batch_size": 8, "eval_steps": 4, "max_length": 48, "seed": 7,
            "registered_model": MODEL, "canaries": {"enabled": False}})
        manifest = stages.train(Ledger(), config)
        # a 4-record test split cannot make the probes informative (the verdict is inconclusive); this test is
        # about the human-preference gate, so its policy accepts inconclusive probe verdicts, as a policy may
        lenient_probes = load_policy(None).model_copy(update={"release_gate": load_policy(None).release_gate.model_copy(
            update={"release_if_inconclusive": True})})
        stages.probe(Ledger(), lenient_probes, run_id=manifest.ledger_run, command="gdprep probe",
                     settings=ProbeSettings(bootstrap=100, regurgitation_contexts=10))
        ledger = Ledger()
        keys = {role: KeyStore(ledger).create(f"{role}-key", role) for role in ROLES}
        keys["evaluator2"] = KeyStore(ledger).create("second-evaluator", "evaluator")
        from gdprep.training import humaneval

        real = humaneval.generate_answers

        def planted(contender: Any, rows: Any, **kw: Any) -> list[str]:
            # the real generation; the base model's first two answers get a planted name and phone number, so
            # that the scan has something to mask whatever the smoke model says
            answers = real(contender, rows, **kw)
            return [f"{a} {PLANTED}" if contender.kind == "base" and i < 2 else a for i, a in enumerate(answers)]

        mp.setattr(humaneval, "generate_answers", planted)
        made = runner.invoke(app, ["review-outputs", "--model", f"{MODEL}:1", "--sample", "4", "--seed", "3",
                                   "--max-new-tokens", "12"])
        assert made.exit_code == 0, made.output
        evaluation_id = made.stdout.strip().splitlines()[-1]
        yield {"root": root, "home": root / "home", "keys": keys, "evaluation": evaluation_id,
               "training_run": manifest.ledger_run, "adapter_sha256": manifest.adapter_sha256}


@pytest.fixture()
def ledger(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.setenv("GDPREP_HOME", str(world["home"]))
    monkeypatch.setenv("GDPREP_REGION", "GB")
    return Ledger()


@pytest.fixture()
def client(ledger: Ledger, world: dict[str, Any]) -> Iterator[TestClient]:
    from gdprep.service.api import create_app
    from gdprep.service.settings import ServiceSettings

    url = str(ledger.engine.url)
    settings = ServiceSettings(root=world["root"] / "service", workers=0, ledger_url=url)
    with TestClient(create_app(url, settings=settings)) as test_client:
        yield test_client


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _sign_in(client: TestClient, key: str) -> str:
    form = client.get("/ui/login")
    token = TOKEN_RE.search(form.text)
    assert token
    signed = client.post("/ui/login", data={"api_key": key, "csrf_token": token.group(1)}, follow_redirects=False)
    assert signed.status_code == 303
    return signed.headers["location"]


# -- the evaluation ----------------------------------------------------------------------------------------------
def test_review_outputs_stores_masked_blind_pairs_and_a_ledger_run(world: dict[str, Any], ledger: Ledger) -> None:
    store = EvaluationStore(ledger)
    evaluation = store.get(world["evaluation"])
    items = store.items_of(world["evaluation"])
    assert len(items) == 4 and evaluation["candidate"]["label"] == f"{MODEL}:1"
    assert evaluation["baseline"]["kind"] == "base"  # no version in production yet: against the base model
    assert evaluation["candidate"]["adapter_sha256"] == world["adapter_sha256"]
    # the planted values were found and masked by type; the raw values are nowhere in the database
    planted = [i for i in items if "PHONE_NUMBER" in i.findings.get("baseline", {})]
    assert len(planted) == 2
    assert all("⟦PHONE_NUMBER⟧" in i.baseline and "020 7946" not in i.baseline for i in planted)
    assert all("Jane Smith" not in i.baseline and "⟦PERSON⟧" in i.baseline for i in planted)
    assert evaluation["regurgitation"]["baseline"]["answers_with_findings"] == 2
    assert "020 7946 0958" not in json.dumps([store.get(world["evaluation"])]) + str(items)
    # the curated test split has 4 records, all sampled; the sides are drawn per item, seeded (seed 3: B, A, B, B)
    assert [i.candidate_side for i in items] == ["B", "A", "B", "B"]
    run = ledger.run_entries(world["evaluation"])
    assert run[0].payload["stage"] == "human_evaluation" and run[-1].kind == "run_completed"
    inputs = [e.payload for e in run if e.kind == "dataset_version"]
    assert [(d["role"], d["direction"]) for d in inputs] == [("test", "input")]
    created = next(e.payload for e in run if e.kind == "human_evaluation_created")
    assert created["items"] == 4 and created["candidate_training_run"] == world["training_run"]


def test_rating_roles_through_the_api(world: dict[str, Any], client: TestClient) -> None:
    eid, keys = world["evaluation"], world["keys"]
    for role in ROLES:
        response = client.post(f"/v1/evaluations/{eid}/items/3/rating", json={"choice": "tie"},
                               headers=_auth(keys[role]))
        expected = 200 if role in ("evaluator", "compliance_officer") else 403
        assert response.status_code == expected, (role, response.text)
        report = client.get(f"/v1/evaluations/{eid}/report", headers=_auth(keys[role]))
        assert report.status_code == (200 if role in ("engineer", "compliance_officer", "auditor") else 403), role
        items = client.get(f"/v1/evaluations/{eid}/items", headers=_auth(keys[role]))
        assert items.status_code == expected, role
    blind = client.get(f"/v1/evaluations/{eid}/items", headers=_auth(keys["evaluator"])).json()
    assert "candidate" not in json.dumps(blind) and MODEL not in json.dumps(blind)
    assert client.post(f"/v1/evaluations/{eid}/items/99/rating", json={"choice": "A"},
                       headers=_auth(keys["evaluator"])).status_code == 404
    assert client.post(f"/v1/evaluations/{eid}/items/1/rating", json={"choice": "C"},
                       headers=_auth(keys["evaluator"])).status_code == 422


def test_pages_rate_blind_with_csrf_and_roles(world: dict[str, Any], client: TestClient, ledger: Ledger) -> None:
    eid, keys = world["evaluation"], world["keys"]
    assert _sign_in(client, keys["evaluator"]) == "/ui/"
    assert client.get("/ui/", follow_redirects=False).headers["location"] == "/ui/evaluations"
    page = client.get(f"/ui/evaluations/{eid}")
    assert page.status_code == 200 and page.text.count('class="pair') == 4
    for secret in (MODEL, "candidate", "baseline", world["training_run"], "Jane Smith", "020 7946"):
        assert secret not in page.text, secret
    assert "script-src 'nonce-" in page.headers["content-security-policy"]
    token = TOKEN_RE.search(page.text)
    assert token
    assert client.post(f"/ui/evaluations/{eid}/items/0/rating", data={"choice": "A"}).status_code == 403  # no CSRF
    done = client.post(f"/ui/evaluations/{eid}/items/0/rating", follow_redirects=False,
                       data={"choice": "A", "comment": "clearer", "csrf_token": token.group(1)})
    assert done.status_code == 303 and done.headers["location"].endswith("#item-1")
    assert client.get(f"/ui/evaluations/{eid}/report").status_code == 403  # evaluators stay blind to results
    entries = [e.payload for e in ledger.iter_entries() if e.kind == "human_rating"
               and e.payload["actor"] == "evaluator-key" and e.payload["item"] == 0]
    assert entries[-1]["choice"] == "A" and entries[-1]["channel"] == "ui" and "clearer" not in json.dumps(entries)
    with TestClient(client.app) as other:
        _sign_in(other, keys["engineer"])
        assert other.get(f"/ui/evaluations/{eid}").status_code == 403
        assert other.get(f"/ui/evaluations/{eid}/report").status_code == 200
        assert other.post(f"/ui/evaluations/{eid}/report", data={"csrf_token": "x"}).status_code == 403


def _rate_known(client: TestClient, world: dict[str, Any], ledger: Ledger) -> None:
    """Evaluator: candidate wins items 0 and 1, loses 2, tie on 3 (with a correction); the second evaluator
    agrees on 0 and prefers the baseline on 1; the officer's tie on 3 is from the role test."""
    items = {i.item_no: i for i in EvaluationStore(ledger).items_of(world["evaluation"])}

    def side(n: int, verdict: str) -> str:
        cand = items[n].candidate_side
        return cand if verdict == "candidate" else ("B" if cand == "A" else "A")

    plan = [("evaluator", 0, side(0, "candidate"), ""), ("evaluator", 1, side(1, "candidate"), ""),
            ("evaluator", 2, side(2, "baseline"), ""), ("evaluator", 3, "tie", "Unplug it for ten seconds."),
            ("evaluator2", 0, side(0, "candidate"), ""), ("evaluator2", 1, side(1, "baseline"), "")]
    for who, n, choice, correction in plan:
        response = client.post(f"/v1/evaluations/{world['evaluation']}/items/{n}/rating",
                               json={"choice": choice, "correction": correction}, headers=_auth(world["keys"][who]))
        assert response.status_code == 200, response.text


def test_report_promotion_gate_and_feedback_export(world: dict[str, Any], client: TestClient,
                                                   ledger: Ledger, tmp_path: Path) -> None:
    from gdprep.training.registry import Registry, RegistryRefused

    _rate_known(client, world, ledger)
    eid = world["evaluation"]
    recorded = runner.invoke(app, ["review-outputs", "--report", eid, "--record", "--json"])
    assert recorded.exit_code == 0, recorded.output
    report = json.loads(recorded.stdout)
    o = report["overall"]
    # evaluator: 2 wins, 1 loss, 1 tie; second: 1 win, 1 loss; officer: 1 tie -> (3 + 2/2) / 7
    assert (o["rated"], o["wins"], o["losses"], o["ties"]) == (7, 3, 2, 2)
    assert o["rate"] == pytest.approx(4 / 7)
    assert report["per_reviewer"]["evaluator-key"]["rate"] == pytest.approx(2.5 / 4)
    assert report["per_reviewer"]["second-evaluator"]["rate"] == pytest.approx(0.5)
    agreement = report["agreement"]
    assert agreement["statistic"] == "fleiss_kappa" and agreement["items_rated_by_two_or_more"] == 3
    assert agreement["raw_agreement"] == pytest.approx(2 / 3)  # items 0 and 3 agree, 1 does not
    entry = [e.payload for e in ledger.iter_entries() if e.kind == "human_evaluation_report"][-1]
    assert entry["rate"] == pytest.approx(4 / 7) and entry["registry_versions"] == [f"{MODEL}:1"]
    assert entry["reviewers"] == ["compliance_officer-key", "evaluator-key", "second-evaluator"]
    assert entry["report_sha256"] == report["recorded"]["report_sha256"]
    registry = Registry(ledger, ["GB"])
    tags = registry.client.get_model_version(MODEL, "1").tags
    assert tags["gdprep.human_eval.rate"] == f"{4 / 7:.4f}" and tags["gdprep.human_eval.evaluation"] == eid
    registry.approve(MODEL, "1", approver="carol", role="compliance_officer", note="", via="test")
    strict = load_policy(None)
    strict = strict.model_copy(update={"release_gate": strict.release_gate.model_copy(
        update={"min_human_preference": 0.6})})
    with pytest.raises(RegistryRefused, match=r"human preference rate is 0\.571 .* below .* 0\.6"):
        registry.promote(MODEL, "1", who="admin", via="test", policy=strict)
    assert registry.model(MODEL).production is None
    lenient = strict.model_copy(update={"release_gate": strict.release_gate.model_copy(
        update={"min_human_preference": 0.5})})
    assert registry.promote(MODEL, "1", who="admin", via="test", policy=lenient).production == "1"
    # the feedback export: item 0 unanimous win, 1 disagreement (skipped), 2 a loss (the baseline is chosen),
    # 3 ties skipped but its correction is a pair
    out = tmp_path / "feedback.jsonl"
    exported = runner.invoke(app, ["feedback", "export", "--evaluation", eid, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    pairs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    items = {i.item_no: i for i in EvaluationStore(ledger).items_of(eid)}
    # an item whose two answers are the same text gives no preference pair (the smoke models may agree)
    same = {n for n in (0, 2) if items[n].candidate.strip() == items[n].baseline.strip()}
    expected = [(n, "preference") for n in (0, 2) if n not in same] + [(3, "correction")]
    assert [(p["meta"]["item"], p["meta"]["source"]) for p in pairs] == expected
    assert 0 not in same  # its planted baseline answer differs
    by_item = {p["meta"]["item"]: p for p in pairs}
    assert by_item[0]["chosen"] == items[0].candidate and "<PHONE_NUMBER>" in by_item[0]["rejected"]
    if 2 not in same:
        assert by_item[2]["chosen"] == items[2].baseline.replace("⟦", "<").replace("⟧", ">")
    assert by_item[3]["chosen"] == "Unplug it for ten seconds." and by_item[3]["rejected"] == items[3].candidate
    assert set(pairs[0]) == {"id", "prompt", "chosen", "rejected", "meta"}
    assert by_item[0]["prompt"] == items[0].prompt
    run_id = next(e.run_id for e in ledger.iter_entries() if e.kind == "run_started"
                  and e.payload["stage"] == "feedback")
    run = ledger.run_entries(run_id)
    output = next(e.payload for e in run if e.kind == "dataset_version")
    assert output["records"] == len(expected) and output["role"] == "feedback_pairs"
    counts = next(e.payload for e in run if e.kind == "feedback_export")["counts"]
    assert counts == {"correction_pairs": 1, "preference_pairs": 2 - len(same), "skipped_disagreement": 1,
                      "skipped_tie": 1, **({"skipped_identical": len(same)} if same else {})}
    lineage = [e.payload for p in pairs for e in ledger.entries_for_record(p["id"]) if e.kind == "record_feedback"]
    assert len(lineage) == len(expected)
    assert lineage[0]["decisions"][0]["reviewer"] in ("evaluator-key", "second-evaluator")
    assert ledger.verify().ok


def test_promotion_without_any_recorded_evaluation_is_refused(world: dict[str, Any], ledger: Ledger) -> None:
    from gdprep.audit.models import model_states
    from gdprep.training.humaneval import human_preference_refusal

    state = model_states(ledger.iter_entries())[MODEL].versions["1"]
    policy = load_policy(None)
    assert human_preference_refusal(ledger, state, policy) is None  # no threshold in the shipped policy
    strict = policy.model_copy(update={"release_gate": policy.release_gate.model_copy(
        update={"min_human_preference": 0.5})})
    unknown = type(state)(state.name, state.version, state.training_run, "0" * 64, state.registered_at)
    refusal = human_preference_refusal(ledger, unknown, strict)
    assert refusal is not None and "no human evaluation of this adapter is recorded" in refusal


def test_threshold_left_unset_keeps_the_policy_hash() -> None:
    policy = load_policy(None)
    assert "min_human_preference" not in policy.canonical_json()
    changed = policy.model_copy(update={"release_gate": policy.release_gate.model_copy(
        update={"min_human_preference": 0.6})})
    assert changed.canonical_hash() != policy.canonical_hash()
