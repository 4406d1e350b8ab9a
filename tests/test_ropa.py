"""The Art. 30 record of processing: the policy's `processing` section (lawful bases, the Art. 9(2) condition
when special-category data is kept), one entry per processing activity with its runs summarised and failed
runs marked, categories of data in plain language, the printable HTML, explicit markers where the policy
declares nothing, warnings for runs under other policies, and the CSV column guide."""

from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from gdprep.audit.categories import ENTITY_CATEGORIES, SPECIAL_CATEGORIES, data_categories, special_categories
from gdprep.audit.ledger import Ledger
from gdprep.audit.ropa import NOT_COVERED, NOT_DECLARED
from gdprep.errors import PolicyError
from gdprep.policies import load_policy
from gdprep.policies.entities import ENTITY_TYPES
from gdprep.policies.loader import SHIPPED_DIR
from gdprep.policies.schema import SPECIAL_CATEGORY_IDS
from gdprep.service.cli import app

from .conftest import redact_and_curate
from .test_lineage_model import ADAPTER, RECORDS, add_probe, add_registry, add_training

PROCESSING: dict[str, Any] = {
    "controller": {"name": "Acme <Support> Ltd", "contact": "1 High St, London; privacy@acme.example"},
    "dpo": {"name": "Dana Protector", "contact": "dpo@acme.example"},
    "special_category_condition": "h",
    "activities": [
        {"name": "Support data preparation", "purpose": "Redacting support tickets for model training",
         "lawful_basis": "f", "lawful_basis_detail": "LIA-7", "data_subjects": ["customers"],
         "retention": "24 months", "stages": ["privacy", "curation"]},
        {"name": "Support assistant fine-tuning", "purpose": "Fine-tuning the support assistant",
         "lawful_basis": "6(1)(f)", "data_subjects": ["customers", "staff"], "retention": "until retired",
         "recipients": ["support team"], "stages": ["training", "probes", "evaluation"]},
    ],
}


def _policy_file(tmp: Path, processing: dict[str, Any] | None, **changes: Any) -> Path:
    raw = yaml.safe_load((SHIPPED_DIR / "uk-gdpr-default.yaml").read_text(encoding="utf-8"))
    raw.update(changes)
    if processing is not None:
        raw["processing"] = processing
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _processing(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(PROCESSING), **changes}


def _activity(**changes: Any) -> dict[str, Any]:
    return _processing(activities=[{**PROCESSING["activities"][0], **changes}])


# -- the processing section --------------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "stored"), [
    ("a", "6(1)(a)"), ("6(1)(b)", "6(1)(b)"), ("Art. 6(1)(c)", "6(1)(c)"), ("Article 6(1)(d)", "6(1)(d)"),
    ("public task", "6(1)(e)"), ("legitimate_interests", "6(1)(f)"), ("F", "6(1)(f)"),
])
def test_lawful_basis_is_accepted_in_its_usual_spellings(tmp_path: Path, written: str, stored: str) -> None:
    policy = load_policy(str(_policy_file(tmp_path, _activity(lawful_basis=written))))
    assert policy.processing is not None and policy.processing.activities[0].lawful_basis == stored


@pytest.mark.parametrize("written", ["g", "6(2)(a)", "9(2)(a)", "because we want to", ""])
def test_an_unknown_lawful_basis_names_the_field_and_the_choices(tmp_path: Path, written: str) -> None:
    with pytest.raises(PolicyError, match=r"processing\.activities\.0\.lawful_basis: .*is not an Art\. 6\(1\) "
                                          r"lawful basis; use one of a \(consent\), b \(contract\)"):
        load_policy(str(_policy_file(tmp_path, _activity(lawful_basis=written))))


def test_art_9_condition_is_required_when_the_policy_keeps_special_category_data(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"processing\.special_category_condition is required: this policy keeps "
                                          r"special-category data \(health: review, ethnicity: review"):
        load_policy(str(_policy_file(tmp_path, _processing(special_category_condition=None))))
    only_health = {"default_action": "drop", "actions": {"health": "keep"}}
    with pytest.raises(PolicyError, match=r"special-category data \(health: keep\)"):
        load_policy(str(_policy_file(tmp_path, _processing(special_category_condition=None),
                                     special_categories=only_health)))
    # dropping every Art. 9 category needs no condition (criminal offence data is Art. 10, not Art. 9)
    drops = {"default_action": "drop", "actions": {"criminal": "review"}}
    policy = load_policy(str(_policy_file(tmp_path, _processing(special_category_condition=None),
                                          special_categories=drops)))
    assert policy.processing is not None and policy.processing.special_category_condition is None
    kept = load_policy(str(_policy_file(tmp_path, _processing(special_category_condition="Art. 9(2)(h)"))))
    assert kept.processing is not None and kept.processing.special_category_condition == "9(2)(h)"
    with pytest.raises(PolicyError, match=r"special_category_condition: 'k' is not an Art\. 9\(2\) condition"):
        load_policy(str(_policy_file(tmp_path, _processing(special_category_condition="k"))))


@pytest.mark.parametrize(("processing", "message"), [
    (_processing(activities=[PROCESSING["activities"][0], {**PROCESSING["activities"][1], "stages": ["curation"]}]),
     "stage 'curation' is in both 'Support data preparation' and 'Support assistant fine-tuning'"),
    (_processing(activities=[PROCESSING["activities"][0], {**PROCESSING["activities"][1],
                                                          "name": "Support data preparation"}]),
     "two activities are named 'Support data preparation'"),
    (_activity(stages=["deployment"]), r"processing\.activities\.0\.stages\.0"),
    (_activity(data_subjects=[]), r"processing\.activities\.0\.data_subjects"),
    ({k: v for k, v in PROCESSING.items() if k != "controller"}, r"processing\.controller: required field"),
    (_activity(purpose="x", colour="blue"), r"processing\.activities\.0\.colour: unknown field"),
])
def test_invalid_processing_sections_name_the_field(tmp_path: Path, processing: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(str(_policy_file(tmp_path, processing)))


def test_the_processing_section_is_not_part_of_the_policy_hash(tmp_path: Path) -> None:
    declared = load_policy(str(_policy_file(tmp_path, _processing())))
    assert declared.canonical_hash() == load_policy().canonical_hash()
    assert declared.processing_hash() is not None and load_policy().processing_hash() is None


def test_the_commented_example_in_the_shipped_policy_is_valid(tmp_path: Path) -> None:
    text = (SHIPPED_DIR / "uk-gdpr-default.yaml").read_text(encoding="utf-8")
    block = re.search(r"^# processing:\n(?:#   .*\n)+", text, re.MULTILINE)
    assert block is not None
    example = yaml.safe_load("\n".join(line[2:] for line in block.group(0).splitlines()))["processing"]
    policy = load_policy(str(_policy_file(tmp_path, example)))
    assert policy.processing is not None and len(policy.processing.activities) == 2
    for name in ("uk-gdpr-default", "eu-gdpr-strict", "healthcare"):
        assert load_policy(name).processing is None  # a shipped policy cannot know the controller


# -- plain-language categories --------------------------------------------------------------------------------
def test_every_entity_type_and_special_category_has_a_plain_language_category() -> None:
    assert set(ENTITY_CATEGORIES) == set(ENTITY_TYPES)
    assert set(SPECIAL_CATEGORIES) == set(SPECIAL_CATEGORY_IDS)
    assert all(c is None or not re.search(r"[A-Z]{2,}_", c) for c in ENTITY_CATEGORIES.values())


@pytest.mark.parametrize(("types", "categories"), [
    (["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"], ["names", "contact details (e-mail addresses, phone numbers, "
                                                            "postal addresses)"]),
    (["NL_BSN", "PL_PESEL"], ["national identification numbers"]),
    (["IBAN_CODE", "CREDIT_CARD"], ["financial details (bank accounts, payment cards)"]),
    (["ORGANISATION_ID"], []),
    (["NEW_DETECTOR_ID"], ["other identifiers (detector type NEW_DETECTOR_ID)"]),
])
def test_detector_codes_map_to_categories(types: list[str], categories: list[str]) -> None:
    assert data_categories(types) == categories


def test_special_categories_in_plain_language() -> None:
    assert special_categories(["health", "criminal"]) == ["health data", "criminal convictions and offences (Art. 10)"]


# -- the record ------------------------------------------------------------------------------------------------
@pytest.fixture()
def ledger_history(tmp_path: Path) -> dict[str, Any]:
    """Real privacy and curation runs, a failed privacy run, a trained, probed, approved and promoted adapter."""
    redact_and_curate(tmp_path, RECORDS)
    ledger = Ledger()
    failed = ledger.start_run("privacy", command="gdprep redact -i broken.jsonl",
                              policy_hash=load_policy().canonical_hash())
    ledger.finish_run(failed, "privacy", ok=False, error="InputError")
    training = add_training(ledger, ADAPTER)
    add_probe(ledger, training, ADAPTER)
    add_registry(ledger, "support-bot", "1", training, ADAPTER, approver="carol-dpo", promote=True)
    return {"tmp": tmp_path, "failed": failed, "training": training}


def _ropa(tmp: Path, *options: str) -> tuple[dict[str, Any], str, Any]:
    out = tmp / "ropa-bundle"
    result = CliRunner().invoke(app, ["audit", "export", "--view", "ropa", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    ropa = json.loads((out / "ropa.json").read_text(encoding="utf-8"))
    return ropa, (out / "ropa.html").read_text(encoding="utf-8"), result


def test_one_entry_per_declared_activity_with_runs_summarised_and_failed_runs_marked(
        ledger_history: dict[str, Any]) -> None:
    tmp = ledger_history["tmp"]
    ropa, _, _ = _ropa(tmp, "--policy", str(_policy_file(tmp, _processing())))
    assert ropa["controller"] == PROCESSING["controller"] and ropa["data_protection_officer"] == PROCESSING["dpo"]
    prep, tuning = ropa["record_of_processing_activities"]
    assert (prep["name"], prep["stages"]) == ("Support data preparation", ["privacy", "curation"])
    assert prep["purpose"] == "Redacting support tickets for model training"
    assert prep["lawful_basis"] == {"article": "Art. 6(1)(f)", "name": "legitimate interests", "detail": "LIA-7"}
    assert prep["special_category_condition"]["article"] == "Art. 9(2)(h)"
    assert prep["categories_of_data_subjects"] == ["customers"] and prep["retention"] == "24 months"
    summary = prep["run_summary"]
    assert (summary["total"], summary["completed"], summary["failed"]) == (3, 2, 1)
    assert summary["by_stage"] == {"privacy": 2, "curation": 1}
    assert summary["first_started_at"] <= summary["last_started_at"]
    marked = {r["run_id"]: (r["failed"], r["outcome"], r["error"]) for r in prep["runs"]}
    assert marked[ledger_history["failed"]] == (True, "failed", "InputError")
    assert sum(failed for failed, _, _ in marked.values()) == 1
    assert tuning["run_summary"]["by_stage"] == {"training": 1, "probes": 1} and tuning["run_summary"]["failed"] == 0
    assert tuning["recipients"] == ["support team"]
    [model] = tuning["models"]
    assert model["adapter_sha256"] == ADAPTER and model["region"] == "GB"
    assert model["registered_versions"][0]["status"] == "production"
    assert [a["approver"] for a in model["approvals"]] == ["carol-dpo"]


def test_categories_are_plain_language_and_reach_the_training_activity(ledger_history: dict[str, Any]) -> None:
    tmp = ledger_history["tmp"]
    ropa, html, _ = _ropa(tmp, "--policy", str(_policy_file(tmp, _processing())))
    for activity in ropa["record_of_processing_activities"]:
        rows = {c["category"]: c for c in activity["categories_of_personal_data"]}
        assert set(rows) == {"names", "contact details (e-mail addresses, phone numbers, postal addresses)"}
        assert rows["names"]["findings"] == len(RECORDS)  # each finding once, however many runs read it
        assert rows["names"]["handled_as"] == ["pseudonym"]
    text = json.dumps(ropa["record_of_processing_activities"])
    for code in ("EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER"):
        assert code not in text and code not in html


def test_without_a_processing_section_the_record_says_what_is_missing(ledger_history: dict[str, Any]) -> None:
    ropa, html, _ = _ropa(ledger_history["tmp"])
    assert ropa["controller"] == ropa["data_protection_officer"] == NOT_DECLARED
    activities = ropa["record_of_processing_activities"]
    assert [a["name"] for a in activities] == ["privacy stage", "curation stage", "training stage", "probes stage"]
    for activity in activities:
        for key in ("purpose", "lawful_basis", "special_category_condition", "categories_of_data_subjects",
                    "retention", "recipients", "transfers_to_third_countries"):
            assert activity[key] == NOT_DECLARED, key
    assert activities[0]["run_summary"]["failed"] == 1
    assert html.count(NOT_DECLARED) >= 8 and 'class="missing"' in html


def test_stages_no_declared_activity_covers_get_their_own_marked_entry(ledger_history: dict[str, Any]) -> None:
    tmp = ledger_history["tmp"]
    only_prep = _processing(activities=[PROCESSING["activities"][0]])
    ropa, _, _ = _ropa(tmp, "--policy", str(_policy_file(tmp, only_prep)))
    names = [a["name"] for a in ropa["record_of_processing_activities"]]
    assert names == ["Support data preparation", "training stage (no declared activity)",
                     "probes stage (no declared activity)"]
    assert ropa["record_of_processing_activities"][1]["lawful_basis"] == NOT_COVERED
    assert ropa["controller"]["name"] == "Acme <Support> Ltd"


def test_runs_under_another_policy_are_warned_about(ledger_history: dict[str, Any]) -> None:
    ropa, html, result = _ropa(ledger_history["tmp"])
    # the training and probes runs of the fixture record another policy hash than uk-gdpr-default's
    assert len(ropa["warnings"]) == 1 and "2 run(s) (probes, training) were made under policy sha256:ccc" in \
        ropa["warnings"][0]
    assert "warning: 2 run(s) (probes, training)" in result.stderr
    assert "Check before relying on this record" in html


def test_the_html_is_printable_self_contained_and_escaped(ledger_history: dict[str, Any]) -> None:
    tmp = ledger_history["tmp"]
    _, html, _ = _ropa(tmp, "--policy", str(_policy_file(tmp, _processing())))
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "Acme &lt;Support&gt; Ltd" in html and "Acme <Support>" not in html
    for text in ("Support data preparation", "Support assistant fine-tuning", "Art. 6(1)(f) (legitimate interests)",
                 "Art. 9(2)(h)", "Dana Protector", "names", "support-bot:1 (production)", "carol-dpo"):
        assert text in html, text
    failed_rows = re.findall(r'<tr class="failed">.*?</tr>', html, re.DOTALL)
    assert len(failed_rows) == 1 and ledger_history["failed"] in failed_rows[0] and "InputError" in failed_rows[0]


def test_a_ropa_of_one_run_shows_only_its_activity(ledger_history: dict[str, Any]) -> None:
    tmp = ledger_history["tmp"]
    ropa, _, _ = _ropa(tmp, "--policy", str(_policy_file(tmp, _processing())), "--run", ledger_history["training"])
    [activity] = ropa["record_of_processing_activities"]
    assert activity["name"] == "Support assistant fine-tuning" and activity["run_summary"]["total"] == 1


def test_policy_is_an_option_of_the_ropa_view_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "export", "--view", "csv", "--policy", "healthcare",
                                      "--out", str(tmp_path / "b")])
    assert result.exit_code == 2 and "use it with --view ropa" in result.output


def test_the_csv_export_has_a_guide_to_every_column(ledger_history: dict[str, Any]) -> None:
    out = ledger_history["tmp"] / "csv-bundle"
    assert CliRunner().invoke(app, ["audit", "export", "--view", "csv", "--out", str(out)]).exit_code == 0
    guide = (out / "COLUMNS.txt").read_text(encoding="utf-8")
    assert "No column holds raw personal data" in guide
    for name in ("lineage.csv", "runs.csv"):
        with (out / name).open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        section = guide.split(f"\n{name}:")[1].split("\n\n")[0]
        described = {line.split()[0] for line in section.splitlines()[2:] if line.strip()}
        assert described == set(header), name


def test_an_activity_may_cover_human_evaluation_and_feedback(tmp_path: Path) -> None:
    processing = _processing(activities=[*PROCESSING["activities"], {
        **PROCESSING["activities"][1], "name": "Human review of model answers",
        "stages": ["human_evaluation", "feedback"]}])
    policy = load_policy(str(_policy_file(tmp_path, processing)))
    assert policy.processing is not None
    assert policy.processing.activities[-1].stages == ["human_evaluation", "feedback"]
