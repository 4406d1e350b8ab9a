"""Contracts of the synthetic data generators: the shipped sample and the labelled benchmark dev set."""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import phonenumbers
import pytest
from stdnum import iban, luhn
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs, vat
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel

from gdprep.errors import UsageError
from gdprep.examples import generate
from gdprep.examples.generate import DATA_LOCALES, FakeData, RecordContext, fill_template, generate_sample
from gdprep.privacy.entities import ENTITY_TYPES, NATIONAL_ID_TYPES

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PATH = REPO / "examples" / "sample.jsonl"


def _load_devset_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_devset", REPO / "bench" / "devset.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


devset = _load_devset_module()


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict[str, Any]]]:
    return {split: devset.generate_devset(600, 11, split) for split in devset.SPLITS}


def _all_spans(records: dict[str, list[dict[str, Any]]]) -> list[tuple[dict[str, Any], str, str]]:
    return [(r, s["type"], r["text"][s["start"]:s["end"]])
            for recs in records.values() for r in recs for s in r["spans"]]


def _compact(value: str) -> str:
    return re.sub(r"[ .-]", "", value)


# HMRC prefix rules: no D F I Q U V in either letter, no O second, and a few reserved pairs
NINO_RE = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")

# entity type -> independent check that a labelled value is a genuine instance (stdnum where one exists)
VALUE_CHECKS: dict[str, Callable[[str], bool]] = {
    "UK_NHS": nhs.is_valid,
    "IBAN_CODE": iban.is_valid,
    "CREDIT_CARD": lambda v: luhn.is_valid(_compact(v)) and 13 <= len(_compact(v)) <= 19,
    "FR_NIR": nir.is_valid,
    "ES_DNI": dni.is_valid,
    "ES_NIE": nie.is_valid,
    "IT_FISCAL_CODE": codicefiscale.is_valid,
    "NL_BSN": bsn.is_valid,
    "PL_PESEL": pesel.is_valid,
    "DE_TAX_ID": idnr.is_valid,
    "UK_VAT": vat.is_valid,
    "UK_NINO": lambda v: NINO_RE.fullmatch(v.replace(" ", "")) is not None,
    "UK_POSTCODE": lambda v: re.fullmatch(r"[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[ABD-HJLNP-UW-Z]{2}", v) is not None,
    "UK_SORT_CODE": lambda v: re.fullmatch(r"\d{2}([- ])\d{2}\1\d{2}", v) is not None,
    "UK_BANK_ACCOUNT": lambda v: re.fullmatch(r"\d{8}", v) is not None,
    "UK_PASSPORT": lambda v: re.fullmatch(r"[1-9]\d{8}", v) is not None,
    "UK_DRIVING_LICENCE": lambda v: re.fullmatch(
        r"[A-Z9]{5}\d[0156]\d[0-3]\d\d[A-Z9]{2}\d[A-Z]{2}", v.replace(" ", "")) is not None,
    "EMAIL_ADDRESS": lambda v: re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}", v) is not None,
    "IP_ADDRESS": lambda v: bool(ipaddress.ip_address(v)),
}


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_devset_is_deterministic_for_a_seed(split: str) -> None:
    assert devset.generate_devset(40, 3, split) == devset.generate_devset(40, 3, split)
    assert devset.generate_devset(40, 3, split) != devset.generate_devset(40, 4, split)


def test_splits_differ_for_the_same_seed() -> None:
    assert devset.generate_devset(20, 3, "tune") != devset.generate_devset(20, 3, "heldout")


def test_sample_is_deterministic_for_a_seed() -> None:
    assert generate_sample(30, 7) == generate_sample(30, 7)
    assert generate_sample(30, 7) != generate_sample(30, 8)


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_record_shape(records: dict[str, list[dict[str, Any]]], split: str) -> None:
    recs = records[split]
    assert len(recs) == 600
    assert len({r["id"] for r in recs}) == 600
    for r in recs:
        assert set(r) == {"id", "text", "lang", "spans"}
        assert r["lang"] in generate.LANGS
        for s in r["spans"]:
            assert set(s) == {"start", "end", "type"}


def test_span_text_is_nonempty_and_trimmed(records: dict[str, list[dict[str, Any]]]) -> None:
    for _, entity, value in _all_spans(records):
        assert value, entity
        assert value == value.strip(), (entity, value)


def test_spans_are_sorted_and_do_not_overlap(records: dict[str, list[dict[str, Any]]]) -> None:
    for recs in records.values():
        for r in recs:
            ends = [(s["start"], s["end"]) for s in r["spans"]]
            for (start, end), (next_start, _) in zip(ends, ends[1:], strict=False):
                assert start < end <= next_start, r


def test_span_types_are_entity_types_and_never_location(records: dict[str, list[dict[str, Any]]]) -> None:
    seen = {entity for _, entity, _ in _all_spans(records)}
    assert seen <= set(ENTITY_TYPES)
    assert "LOCATION" not in seen
    # the benchmark must exercise every type except LOCATION and the national identifiers and company ids of
    # the EU/EEA tables, which their own table and conformance tests cover
    assert seen == set(ENTITY_TYPES) - {"LOCATION", "ORGANISATION_ID"} - NATIONAL_ID_TYPES


@pytest.mark.parametrize("entity", sorted(VALUE_CHECKS))
def test_every_labelled_identifier_is_valid(records: dict[str, list[dict[str, Any]]], entity: str) -> None:
    values = [value for _, e, value in _all_spans(records) if e == entity]
    assert values, f"no {entity} span generated"
    bad = [v for v in values if not VALUE_CHECKS[entity](v)]
    assert not bad, bad[:5]


def test_phone_numbers_are_valid_for_their_record_language(records: dict[str, list[dict[str, Any]]]) -> None:
    phones = [(r["lang"], v) for r, e, v in _all_spans(records) if e == "PHONE_NUMBER"]
    assert phones
    for lang, value in phones:
        assert phonenumbers.is_valid_number(phonenumbers.parse(value, DATA_LOCALES[lang][-2:])), value


@pytest.mark.parametrize(("entity", "invalid"), [
    ("UK_NHS", "9434765918"),          # check digit off by one
    ("IBAN_CODE", "GB82WEST12345698765433"),
    ("CREDIT_CARD", "4111 1111 1111 1112"),
    ("FR_NIR", "295109912611194"),
    ("ES_DNI", "54362315Z"),
    ("ES_NIE", "X2482300A"),
    ("IT_FISCAL_CODE", "RCCMNL83S18D969X"),
    ("NL_BSN", "111222334"),
    ("PL_PESEL", "44051401358"),
    ("DE_TAX_ID", "36574261890"),
    ("UK_VAT", "GB980780683"),
    ("UK_NINO", "QQ123456C"),
    ("UK_NINO", "AB123456E"),
    ("UK_POSTCODE", "LS6 2QC"),
    ("UK_SORT_CODE", "20-3206"),
    ("UK_PASSPORT", "012345678"),
    ("UK_DRIVING_LICENCE", "MORGA753116SM9"),
    ("EMAIL_ADDRESS", "not an email"),
])
def test_value_checks_reject_invalid_examples(entity: str, invalid: str) -> None:
    assert not VALUE_CHECKS[entity](invalid)


def test_tracking_numbers_fail_the_nhs_checksum() -> None:
    data = FakeData(5, devset.name_pools("tune"))
    numbers = [data.tracking_number() for _ in range(300)]
    assert all(len(n) == 10 and n.isdigit() and not nhs.is_valid(n) for n in numbers)


@pytest.mark.parametrize(("template", "expected"), [
    ("Order #{order}, {version}, {price}, {sku}, {error}, {ticket}, {tracking}, {company}, {date}", []),
    ("Dear Mr {last:m}, thanks.", [("PERSON", 8)]),
    ("{name} lives at {address}.", [("PERSON", 0), ("STREET_ADDRESS", None)]),
    ("DOB {dob}; seen {date}.", [("DATE_OF_BIRTH", 4)]),
    ("Postcode {postcode} only", [("UK_POSTCODE", 9)]),
])
def test_fill_template_records_exact_spans(template: str, expected: list[tuple[str, int | None]]) -> None:
    data = FakeData(1, devset.name_pools("tune"))
    text, spans = fill_template(template, RecordContext(data, "en"))
    assert [s.type for s in spans] == [e for e, _ in expected]
    for span, (_, start) in zip(spans, expected, strict=True):
        if start is not None:
            assert span.start == start
        assert text[span.start:span.end].strip() == text[span.start:span.end]


def test_uk_street_address_is_one_span_including_town_and_postcode() -> None:
    data = FakeData(2, devset.name_pools("tune"))
    for _ in range(50):
        text, spans = fill_template("At {address}.", RecordContext(data, "en"))
        assert len(spans) == 1 and spans[0].type == "STREET_ADDRESS"
        value = text[spans[0].start:spans[0].end]
        assert re.search(r"[A-Z]{1,2}\d{1,2} ?\d[A-Z]{2}$", value), value
        assert spans[0].end == len(text) - 1


def test_same_slot_twice_is_the_same_value() -> None:
    data = FakeData(3, devset.name_pools("tune"))
    text, spans = fill_template("{name} / {name} / {nhs} / {nhs}", RecordContext(data, "en"))
    values = [text[s.start:s.end] for s in spans]
    assert values[0] == values[1] and values[2] == values[3]


def test_unknown_slot_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown slot \{nope\}"):
        fill_template("hello {nope}", RecordContext(FakeData(1, devset.name_pools("tune")), "en"))


def test_tune_and_heldout_templates_are_disjoint_and_heldout_is_a_third() -> None:
    tune = {t for ts in devset.templates("tune").values() for t in ts}
    heldout = {t for ts in devset.templates("heldout").values() for t in ts}
    assert not tune & heldout
    assert len(heldout) * 3 >= len(tune) + len(heldout)
    for lang in generate.LANGS:
        assert devset.TUNE_TEMPLATES[lang] and devset.HELDOUT_TEMPLATES[lang], lang


@pytest.mark.parametrize("template", [t for ts in devset.templates("tune").values() for t in ts]
                         + [t for ts in devset.templates("heldout").values() for t in ts])
def test_every_template_uses_known_slots(template: str) -> None:
    assert generate.template_slots(template) <= set(generate.SLOT_TYPES)


def test_name_pools_are_disjoint() -> None:
    def tokens(split: str) -> set[str]:
        pools = [pool for items in devset.name_pools(split).values() for _, pool in items]
        return {t.lower() for pool in pools for t in pool.tokens()}

    tune, heldout = tokens("tune"), tokens("heldout")
    assert tune and heldout
    assert not tune & heldout


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_language_mix_and_lowercase_names(records: dict[str, list[dict[str, Any]]], split: str) -> None:
    langs = Counter(r["lang"] for r in records[split])
    assert 0.45 <= langs["en"] / 600 <= 0.65
    for lang in ("de", "fr", "nl", "it", "es"):
        assert 0.04 <= langs[lang] / 600 <= 0.15, (lang, langs[lang])
    names = [v for r, e, v in _all_spans({split: records[split]}) if e == "PERSON"]
    lower = sum(v == v.lower() for v in names) / len(names)
    assert 0.15 <= lower <= 0.35
    assert any(not r["spans"] for r in records[split]), "no PII-free records"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": 10, "seed": 1, "split": "train"}, r"--split must be one of tune, heldout \(got 'train'\)"),
    ({"n": 0, "seed": 1, "split": "tune"}, r"--n must be at least 1 \(got 0\)"),
])
def test_devset_rejects_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        devset.generate_devset(**kwargs)


def test_generating_600_records_works() -> None:
    assert len(devset.generate_devset(600, 99, "heldout")) == 600
    assert len(generate_sample(600, 99)) == 600


def test_clis_write_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "out" / "dev.jsonl"
    assert devset.main(["--n", "25", "--seed", "2", "--split", "tune", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == devset.generate_devset(25, 2, "tune")
    sample_out = tmp_path / "sample.jsonl"
    assert generate.main(["--n", "12", "--seed", "7", "--out", str(sample_out)]) == 0
    assert len(sample_out.read_text(encoding="utf-8").splitlines()) == 12


# --- the shipped sample file --------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    with SAMPLE_PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _form(record: dict[str, Any]) -> str:
    if "messages" in record:
        return "chat"
    if "prompt" in record:
        return "prompt_completion"
    return "text"


def test_sample_file_has_all_forms_and_labels(sample: list[dict[str, Any]]) -> None:
    assert 100 <= len(sample) <= 150
    assert SAMPLE_PATH.stat().st_size < 200_000
    assert {_form(r) for r in sample} == {"text", "prompt_completion", "chat"}
    assert {r["label"] for r in sample} == {"support", "email", "hr", "clinical"}
    assert len({r["id"] for r in sample}) == len(sample)


@pytest.mark.parametrize(("form", "keys"), [
    ("text", {"id", "text", "label"}),
    ("prompt_completion", {"id", "prompt", "completion", "label"}),
    ("chat", {"id", "messages", "label"}),
])
def test_sample_record_keys(sample: list[dict[str, Any]], form: str, keys: set[str]) -> None:
    chosen = [r for r in sample if _form(r) == form]
    assert chosen
    for r in chosen:
        assert set(r) == keys
        if form == "chat":
            assert r["messages"] and all(m["role"] in {"system", "user", "assistant"} and m["content"]
                                         for m in r["messages"])


def test_sample_file_matches_the_generator(sample: list[dict[str, Any]]) -> None:
    # the shipped file is `python -m gdprep.examples.generate --n 120 --seed 7 --out examples/sample.jsonl`
    # Compare structure, not Faker's vocabulary: a Faker upgrade may change names but not the shape.
    fresh = generate_sample(120, 7)
    assert [(r["id"], _form(r), r["label"]) for r in sample] == [(r["id"], _form(r), r["label"]) for r in fresh], (
        "regenerate examples/sample.jsonl with the command above")
    assert generate_sample(120, 7) == fresh


def test_sample_mixes_languages_and_has_pii_free_records(sample: list[dict[str, Any]]) -> None:
    texts = [json.dumps(r, ensure_ascii=False) for r in sample]
    assert any("Sehr geehrte" in t or "Arztbrief" in t or "Hallo" in t for t in texts)
    assert any("Bonjour" in t or "Patient :" in t or "Résume" in t for t in texts)
    assert sum("@" not in t for t in texts) > 0
