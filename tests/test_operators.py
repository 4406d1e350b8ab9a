"""Redaction operators, the Redactor's offsets, TOKEN_RE and deanonymisation round trips."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from gdprep.errors import IntegrityError
from gdprep.policies.schema import OPERATOR_TYPES, OperatorSpec
from gdprep.privacy.entities import ENTITY_TYPES
from gdprep.privacy.findings import Finding
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.operators import (
    OPERATORS,
    RESERVED_EMAIL_DOMAINS,
    TOKEN_RE,
    Operator,
    RedactionContext,
    Redactor,
    SurrogateSeed,
    deanonymize,
    make_surrogate,
    register_operator,
)
from gdprep.privacy.vault import Vault

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))


def _ctx(tmp_path: Path, key: bytes = KEY_A, name: str = "vault.bin") -> RedactionContext:
    ring = KeyRing(key, "test")
    return RedactionContext(ring, Vault.open(tmp_path / name, ring))


@pytest.fixture()
def ctx(tmp_path: Path) -> RedactionContext:
    return _ctx(tmp_path)


def _apply(ctx: RedactionContext, op: str, value: str, entity_type: str = "PERSON", **spec: object) -> str:
    return OPERATORS[op]().apply(value, entity_type, OperatorSpec(type=op, **spec), ctx)  # type: ignore[arg-type]


# --- registry ----------------------------------------------------------------------------------------------


def test_every_policy_operator_is_registered() -> None:
    assert sorted(OPERATORS) == sorted(OPERATOR_TYPES)
    assert all(issubclass(cls, Operator) and cls.name == name for name, cls in OPERATORS.items())
    assert {name for name, cls in OPERATORS.items() if cls.reversible} == {"pseudonym", "surrogate", "encrypt"}


@pytest.mark.parametrize(("name", "target", "error", "match"), [
    ("mask", Operator, ValueError, r"'mask' is already registered by MaskOperator"),
    ("scramble", Operator, ValueError, r"'scramble' is not a policy operator type"),
    ("", Operator, ValueError, r"not a policy operator type"),
    ("hash", str, ValueError, r"already registered"),
])
def test_registry_rejects_bad_registrations(name: str, target: type, error: type[Exception], match: str) -> None:
    before = dict(OPERATORS)
    with pytest.raises(error, match=match):
        register_operator(name)(target)
    assert OPERATORS == before


# --- one-way operators -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "entity_type", "expected"), [
    ("redact", "PERSON", ""),
    ("placeholder", "PERSON", "<PERSON>"),
    ("placeholder", "UK_NHS", "<UK_NHS>"),
])
def test_redact_and_placeholder(ctx: RedactionContext, op: str, entity_type: str, expected: str) -> None:
    assert _apply(ctx, op, "Anna Smith", entity_type) == expected


@pytest.mark.parametrize(("value", "spec", "expected"), [
    ("Anna Smith", {}, "**** *****"),
    ("Anna Smith", {"keep_separators": False}, "**********"),
    ("anna@ex.com", {}, "****@**.***"),
    ("07700 900123", {"keep_last": 4}, "***** **0123"),
    ("07700 900123", {"keep_last": 4, "mask_char": "#"}, "##### ##0123"),
    ("AB 12 34 56 C", {"keep_last": 3}, "** ** ** 56 C"),          # separators do not count
    ("12-34-56", {"keep_last": 8}, "**-*4-56"),                  # never more than half shown
    ("1234", {"keep_last": 8, "keep_separators": False}, "**34"),
    ("42", {"keep_last": 1}, "*2"),
    ("7", {"keep_last": 4}, "*"),
    ("10.1.2.3", {"keep_separators": True}, "**.*.*.*"),
    ("a/b c\td", {}, "*/* *\t*"),
    ("Zoë", {}, "***"),
])
def test_mask_table(ctx: RedactionContext, value: str, spec: dict[str, object], expected: str) -> None:
    assert _apply(ctx, "mask", value, "PERSON", **spec) == expected


@pytest.mark.parametrize("hash_length", [8, 16, 64])
def test_hash_is_keyed_and_deterministic(tmp_path: Path, ctx: RedactionContext, hash_length: int) -> None:
    value = "Anna Smith"
    token = _apply(ctx, "hash", value, hash_length=hash_length)
    assert re.fullmatch(rf"<PERSON#[0-9a-f]{{{hash_length}}}>", token)
    assert _apply(ctx, "hash", value, hash_length=hash_length) == token
    assert _apply(_ctx(tmp_path, KEY_B, "b.bin"), "hash", value, hash_length=hash_length) != token
    hex_part = token[len("<PERSON#"):-1]
    for plain in (value, "PERSON\x00" + value):
        for algorithm in ("sha256", "sha1", "md5"):
            assert not hashlib.new(algorithm, plain.encode()).hexdigest().startswith(hex_part)
    assert _apply(ctx, "hash", value, "EMAIL_ADDRESS", hash_length=hash_length)[-hash_length - 1:] \
        != token[-hash_length - 1:]  # bound to the type


# --- reversible operators ----------------------------------------------------------------------------------


SAMPLES = [
    ("PERSON", "Anna Smith"),
    ("EMAIL_ADDRESS", "anna.smith@privatemail.de"),
    ("PHONE_NUMBER", "+49 30 12345678"),
    ("UK_NHS", "943 476 5919"),
    ("IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
    ("STREET_ADDRESS", "Flat 4, 22 Acacia Avenue, Leeds LS6 2AB"),
    ("DATE_OF_BIRTH", "03/04/1985"),
    ("IP_ADDRESS", "10.20.30.40"),
    ("UK_NINO", "QQ 12 34 56 C"),
]


def _redact_samples(ctx: RedactionContext, op: str) -> tuple[str, str]:
    text_parts, findings, cursor = [], [], 0
    for entity_type, value in [*SAMPLES, SAMPLES[0]]:  # Anna Smith twice: the same token both times
        text_parts.append("Note: ")
        cursor += len("Note: ")
        findings.append(Finding("text", cursor, cursor + len(value), entity_type, 0.9, "test"))
        text_parts.append(value + ". ")
        cursor += len(value) + 2
    text = "".join(text_parts)
    out, _ = Redactor(ctx).redact(text, findings, lambda t: OperatorSpec(type=op))  # type: ignore[arg-type]
    return text, out


@pytest.mark.parametrize("op", ["encrypt", "pseudonym", "surrogate"])
def test_round_trip_across_save_and_reopen(tmp_path: Path, op: str) -> None:
    ctx = _ctx(tmp_path)
    text, out = _redact_samples(ctx, op)
    for _, value in SAMPLES:
        assert value not in out
    assert deanonymize(out, ctx) == (text, len(SAMPLES) + 1)
    ctx.vault.save()
    reopened = _ctx(tmp_path)
    assert deanonymize(out, reopened) == (text, len(SAMPLES) + 1)
    assert _redact_samples(reopened, op)[1] == out  # the same originals get the same tokens next run


@pytest.mark.parametrize("op", ["encrypt", "pseudonym", "surrogate"])
def test_reversible_tokens_are_consistent(tmp_path: Path, ctx: RedactionContext, op: str) -> None:
    first = _apply(ctx, op, "Anna Smith")
    assert _apply(ctx, op, "Anna Smith") == first
    assert _apply(ctx, op, "Ben Jones") != first


@pytest.mark.parametrize("op", ["encrypt", "surrogate"])
def test_different_key_gives_different_token(tmp_path: Path, ctx: RedactionContext, op: str) -> None:
    other = _ctx(tmp_path, KEY_B, "b.bin")
    for value in ("Anna Smith", "QQ123456C"):
        entity_type = "PERSON" if " " in value else "UK_NINO"
        assert _apply(ctx, op, value, entity_type) != _apply(other, op, value, entity_type)


def test_surrogates_are_deterministic_for_a_key(tmp_path: Path, ctx: RedactionContext) -> None:
    fresh = _ctx(tmp_path, KEY_A, "other.bin")  # a new, empty vault under the same key
    for entity_type, value in SAMPLES:
        assert _apply(ctx, "surrogate", value, entity_type) == _apply(fresh, "surrogate", value, entity_type)


def test_encrypt_is_bound_to_entity_type(ctx: RedactionContext) -> None:
    token = _apply(ctx, "encrypt", "Anna Smith")
    assert token.startswith("<ENC:PERSON:") and "=" not in token
    relabelled = token.replace("<ENC:PERSON:", "<ENC:LOCATION:")
    with pytest.raises(IntegrityError, match="offset 3 could not be decrypted"):
        deanonymize("hi " + relabelled, ctx)


@pytest.mark.parametrize(("entity_type", "original", "pattern"), [
    ("EMAIL_ADDRESS", "anna@privatemail.de",
     r"[^@\s]+@(?:" + "|".join(re.escape(d) for d in RESERVED_EMAIL_DOMAINS) + ")"),
    ("PHONE_NUMBER", "07123 456789", r"07700 900\d{3}"),
    ("PHONE_NUMBER", "+447123456789", r"\+447700900\d{3}"),
    ("PHONE_NUMBER", "0113 496 1234", r"020 7946 0\d{3}"),
    ("PHONE_NUMBER", "+49-30-1234567", r"\+44-20-7946-0\d{3}"),
    ("UK_NHS", "943 476 5919", r"\d{3} \d{3} \d{4}"),
    ("UK_NINO", "QQ 12 34 56 C", r"[A-Z]{2} \d{2} \d{2} \d{2} [A-Z]"),
    ("UK_POSTCODE", "sw1a 2aa", r"[a-z]{2}\d[a-z] \d[a-z]{2}"),
    ("IBAN_CODE", "DE89 3704 0044 0532 0130 00", r"DE\d{2} \d{4} \d{4} \d{4} \d{4} \d{2}"),
    ("UK_VAT", "GB123456789", r"GB\d{9}"),
    ("CREDIT_CARD", "4111-1111-1111-1111", r"\d{4}-\d{4}-\d{4}-\d{4}"),
    ("IP_ADDRESS", "10.0.0.1", r"(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}"),
    ("IP_ADDRESS", "fe80::1", r"2001:db8(?::[0-9a-f]{1,4}){6}"),
    ("DATE_OF_BIRTH", "03/04/1985", r"\d{2}/\d{2}/\d{4}"),
    ("DATE_OF_BIRTH", "1985-04-03", r"\d{4}-\d{2}-\d{2}"),
    ("DATE_OF_BIRTH", "3 March 1985", r"\d{1,2} [A-Z][a-z]+ \d{4}"),
    ("PERSON", "Anna", r"[A-Z][a-z'-]+"),
    ("PERSON", "Anna Smith", r"[A-Z][a-z'-]+ [A-Z][A-Za-z'-]+"),
    ("PERSON", "ANNA SMITH", r"[A-Z'-]+ [A-Z'-]+"),
    ("STREET_ADDRESS", "22 Acacia Avenue", r"[^\n]+"),
    ("STREET_ADDRESS", "22 Acacia Avenue\nLeeds\nLS6 2AB", r".+\n.+\n[A-Z0-9]{2,4} \d[A-Z]{2}"),
])
def test_surrogate_shapes(ctx: RedactionContext, entity_type: str, original: str, pattern: str) -> None:
    surrogate = _apply(ctx, "surrogate", original, entity_type)
    assert re.fullmatch(pattern, surrogate, re.DOTALL), surrogate
    assert surrogate != original


def test_phone_surrogates_probe_every_reserved_number(ctx: RedactionContext) -> None:
    numbers = {make_surrogate("PHONE_NUMBER", "07123 456789", SurrogateSeed(base=123, attempt=a, value=a), ctx)
               for a in range(2000)}
    assert len(numbers) == 2000
    assert all(re.fullmatch(r"07700 900\d{3}|020 7946 0\d{3}", n) for n in numbers)


# --- Redactor ----------------------------------------------------------------------------------------------


def _f(start: int, end: int, entity_type: str = "PERSON", field: str = "text") -> Finding:
    return Finding(field, start, end, entity_type, 0.9, "test")


def test_redactor_offsets_point_into_output(ctx: RedactionContext) -> None:
    text = "Ann met Bob Lee and Ann at 10.0.0.1!"
    findings = [_f(27, 35, "IP_ADDRESS"), _f(0, 3), _f(8, 15), _f(20, 23)]  # deliberately unsorted
    ops = {"PERSON": "pseudonym", "IP_ADDRESS": "redact"}
    out, applied = Redactor(ctx).redact(text, findings, lambda t: OperatorSpec(type=ops[t]))  # type: ignore[arg-type]
    ann, bob = ctx.vault.pseudonym("PERSON", "Ann"), ctx.vault.pseudonym("PERSON", "Bob Lee")
    assert re.fullmatch(r"<PERSON_\d{10}>", ann) and ann != bob
    assert out == f"{ann} met {bob} and {ann} at !"
    assert [(a.start, a.end, a.operator) for a in applied] == [
        (0, 3, "pseudonym"), (8, 15, "pseudonym"), (20, 23, "pseudonym"), (27, 35, "redact")]
    assert [out[a.out_start:a.out_end] for a in applied] == [ann, bob, ann, ""]
    assert applied[-1].out_start == out.index("!")
    assert applied[0].to_json()["field"] == "text"


def test_redactor_without_findings_returns_text(ctx: RedactionContext) -> None:
    assert Redactor(ctx).redact("nothing here", [], lambda t: OperatorSpec(type="placeholder")) == ("nothing here", [])


@pytest.mark.parametrize(("findings", "match"), [
    ([_f(0, 5), _f(4, 8)], r"findings overlap: PERSON \[0, 5\) and PERSON \[4, 8\)"),
    ([_f(2, 6), _f(0, 10)], r"overlap"),
    ([_f(5, 5)], r"outside the text .* or is empty"),
    ([_f(8, 30)], r"outside the text \(length 20\)"),
    ([_f(-1, 2)], r"outside the text"),
    ([_f(0, 2, "person")], r"entity type that is not"),
    ([_f(0, 2), _f(5, 7, field="prompt")], r"several fields \['prompt', 'text'\]"),
])
def test_redactor_rejects_bad_findings(ctx: RedactionContext, findings: list[Finding], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Redactor(ctx).redact("x" * 20, findings, lambda t: OperatorSpec(type="placeholder"))


# --- TOKEN_RE ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["placeholder", "hash", "pseudonym", "encrypt"])
def test_token_re_matches_every_emitted_token(ctx: RedactionContext, op: str) -> None:
    for entity_type in ENTITY_TYPES:
        for value in ("x", "Anna Smith", "ü/ß 🙂 " * 20):
            token = _apply(ctx, op, value, entity_type)
            assert TOKEN_RE.fullmatch(token), token
            assert TOKEN_RE.findall(f"see {token}, ok") and TOKEN_RE.search(f"a{token}b").group(0) == token


@pytest.mark.parametrize("text", ["<person>", "< PERSON>", "<PERSON", "<1PERSON>", "<PERSON#XYZ>",
                                  "<ENC:PERSON:>", "<ENC:person:abc>", "a < b > c", "<>"])
def test_token_re_ignores_non_tokens(text: str) -> None:
    assert TOKEN_RE.search(text) is None


# --- deanonymize -------------------------------------------------------------------------------------------


def test_one_way_tokens_stay(ctx: RedactionContext) -> None:
    one_way: list[tuple[str, dict[str, object]]] = [
        ("placeholder", {}), ("hash", {}), ("mask", {"keep_last": 2}), ("redact", {})]
    text = " ".join(_apply(ctx, op, "Anna Smith", "PERSON", **spec) for op, spec in one_way)
    text += " <PERSON_7> <EMAIL_ADDRESS_1>"  # pseudonym-shaped but never issued
    assert deanonymize(text, ctx) == (text, 0)


def test_surrogates_are_whole_words_longest_first(ctx: RedactionContext) -> None:
    ctx.vault.surrogate("PERSON", "Anna", lambda a: "Zed")
    assert deanonymize("Zed, Zedd, aZed, Zed-x", ctx) == ("Anna, Zedd, aZed, Anna-x", 2)
    ctx.vault.surrogate("PERSON", "Anna Smith", lambda a: "Zed Quill")  # added later: cache is refreshed
    ctx.vault.surrogate("PERSON", "Ann", lambda a: "Ze")
    assert deanonymize("Zed Quill and Zed and Ze.", ctx) == ("Anna Smith and Anna and Ann.", 3)


def test_restored_values_are_not_rewritten(ctx: RedactionContext) -> None:
    ctx.vault.surrogate("PERSON", "Bob", lambda a: "Zed")
    token = _apply(ctx, "encrypt", "Zed")  # a real person called Zed, encrypted
    assert deanonymize(f"{token} met Zed", ctx) == ("Zed met Bob", 2)


@pytest.mark.parametrize("mutate", [
    lambda t: t[:-3] + ("A" if t[-3] != "A" else "B") + t[-2:],  # altered ciphertext
    lambda t: t[:-2] + ">",                                      # truncated
    lambda t: t.replace(":", ":x", 2).replace("<ENC:xPERSON", "<ENC:PERSON"),  # impossible base64 length
])
def test_tampered_encrypted_token_names_position_not_content(ctx: RedactionContext, mutate: object) -> None:
    token = mutate(_apply(ctx, "encrypt", "Anna Smith"))  # type: ignore[operator]
    with pytest.raises(IntegrityError, match=r"token at offset 6 could not be decrypted.*key id") as info:
        deanonymize(f"Hello {token}", ctx)
    assert token[5:] not in str(info.value) and "Anna" not in str(info.value)


def test_encrypted_token_from_another_key_is_refused(tmp_path: Path, ctx: RedactionContext) -> None:
    foreign = _apply(_ctx(tmp_path, KEY_B, "b.bin"), "encrypt", "Anna Smith")
    with pytest.raises(IntegrityError, match=r"offset 0 .*another key"):
        deanonymize(foreign, ctx)


def test_context_open_uses_state_dir(tmp_path: Path) -> None:
    ctx = RedactionContext.open()
    token = _apply(ctx, "pseudonym", "Anna")
    ctx.vault.save()
    assert (tmp_path / "home" / "vault.bin").exists()
    assert RedactionContext.open().vault.original_for(token) == "Anna"
    assert "Anna" not in repr(ctx) and ctx.keyring.key_id in repr(ctx)
