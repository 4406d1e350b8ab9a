"""Policy loading, validation messages and canonical hashing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdprep.errors import PolicyError
from gdprep.policies import Policy, list_policies, load_policy
from gdprep.privacy.entities import ENTITY_TYPES

SHIPPED = ["uk-gdpr-default", "eu-gdpr-strict", "healthcare"]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policies_load(name: str) -> None:
    policy = load_policy(name)
    assert policy.name == name
    assert set(policy.entities) <= set(ENTITY_TYPES)
    assert policy.canonical_hash().startswith("sha256:")


def test_shipped_list_contains_required_policies() -> None:
    assert set(SHIPPED) <= set(list_policies())


def test_healthcare_is_stricter_on_patient_identifiers() -> None:
    default, health = load_policy("uk-gdpr-default"), load_policy("healthcare")
    for etype in ("UK_NHS", "DATE_OF_BIRTH", "PERSON", "STREET_ADDRESS"):
        assert health.entities[etype].threshold < default.entities[etype].threshold
    assert health.special_categories.action_for("genetic_biometric") == "drop"
    assert health.special_categories.action_for("health") == "review"


def test_hash_is_canonical_and_sensitive(tmp_path: Path) -> None:
    base = load_policy("uk-gdpr-default")
    same = Policy.model_validate(base.model_dump())
    assert same.canonical_hash() == base.canonical_hash()
    changed = base.model_copy(update={"max_text_chars": 10})
    assert changed.canonical_hash() != base.canonical_hash()


def test_operator_shorthand_equals_long_form() -> None:
    short = Policy.model_validate({"schema_version": 1, "name": "a", "languages": ["en"],
                                   "entities": {"PERSON": {"operator": "mask"}}})
    long = Policy.model_validate({"schema_version": 1, "name": "a", "languages": ["en"],
                                  "entities": {"PERSON": {"operator": {"type": "mask"}}}})
    assert short.canonical_hash() == long.canonical_hash()


def test_every_field_has_a_description() -> None:
    def walk(schema: dict, defs: dict) -> list[str]:
        missing = []
        for name, prop in schema.get("properties", {}).items():
            if "description" not in prop:
                missing.append(name)
        return missing

    schema = Policy.model_json_schema()
    missing = walk(schema, schema.get("$defs", {}))
    for sub in schema.get("$defs", {}).values():
        missing += walk(sub, {})
    assert missing == []


BAD = [
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSN: {threshold: 0.5}}\n",
     r"entities has unknown types \['PERSN'\]"),
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSON: {threshold: 1.5}}\n",
     r"entities\.PERSON\.threshold: Input should be less than or equal to 1"),
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSON: {operator: shred}}\n",
     r"entities\.PERSON\.operator\.type: Input should be 'redact'"),
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSON: {}}\ncolour: red\n",
     r"colour: unknown field; remove it"),
    ("schema_version: 2\nname: x\nlanguages: [en]\nentities: {PERSON: {}}\n", r"schema_version: Input should be 1"),
    ("name: x\nlanguages: [en]\nentities: {PERSON: {}}\n", r"schema_version: required field is missing"),
    ("schema_version: 1\nname: x\nlanguages: [xx]\nentities: {PERSON: {}}\n", r"languages\.0: Input should be"),
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSON: {}}\nreview_band: {low: 0.9, high: 0.2}\n",
     r"review_band: Value error, review_band\.low \(0\.9\) must be <= review_band\.high"),
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSON: {}}\n"
     "special_categories: {actions: {astrology: drop}}\n", r"unknown categories \['astrology'\]"),
    ("schema_version: 1\nname: x\nlanguages: [en]\nentities: {PERSON: {operator: {type: mask, keep_last: 99}}}\n",
     r"entities\.PERSON\.operator\.keep_last"),
    ("schema_version: 1\nname: [unclosed\n", r"line \d+ is not valid YAML"),
    ("- just\n- a list\n", r"must be a YAML mapping"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_policy_names_field_and_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=message) as info:
        load_policy(str(path))
    assert str(path) in str(info.value)


def test_unknown_policy_name_lists_choices() -> None:
    with pytest.raises(PolicyError, match=r"unknown policy 'nope'; use one of \[.*uk-gdpr-default"):
        load_policy("nope")


def test_missing_policy_file() -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy("/no/such/policy.yaml")
