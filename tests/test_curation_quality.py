"""Quality filters of the curation stage (issue 3): one reason code per filter, thresholds from the config,
Gopher ratios computed as documented, and details that never carry record text."""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gdprep.curation.example import Example
from gdprep.curation.quality import (
    PLACEHOLDER_RE,
    QUALITY_REASONS,
    CompletionEqualsPromptFilter,
    EmptyFieldFilter,
    InvalidJsonFilter,
    LanguageFilter,
    NonAlphabeticFilter,
    PlaceholderFilter,
    QualityConfig,
    RepetitionFilter,
    TooLongFilter,
    TooShortFilter,
    build_filters,
    first_failure,
)
from gdprep.errors import ConfigError, ModelNotInstalledError

PARAGRAPH = ("Thank you for contacting us about your recent order. We have checked the delivery status and the "
             "parcel left our warehouse on Monday morning. It should reach you within two working days. If it has "
             "not arrived by Thursday, reply to this message and we will send a replacement or refund the full "
             "amount, whichever you prefer. We apologise for the inconvenience and appreciate your patience.")
GERMAN = "Ihre Bestellung hat unser Lager am Montag verlassen und sollte in zwei Werktagen ankommen."
FRENCH = "Votre commande a quitté notre entrepôt lundi matin et devrait arriver dans deux jours ouvrables."
# lines and words chosen so that each Gopher ratio can be worked out by hand in the tests below
DUPLICATE_LINES = "Call us today.\nCall us today.\n}\n}\nThanks a lot."
DUPLICATE_PARAGRAPHS = "Para one here.\n\nPara one here.\n\nOther para."


def pair(prompt: str, completion: str) -> Example:
    return Example(0, "r0", "pair", {"prompt": prompt, "completion": completion})


def plain(text: str) -> Example:
    return Example(0, "r0", "text", {"text": text})


def chat(*turns: tuple[str, str]) -> Example:
    prompt = "\n".join(content for role, content in turns if role in ("system", "user"))
    completion = "\n".join(content for role, content in turns if role not in ("system", "user"))
    return Example(0, "r0", "chat", {"prompt": prompt, "completion": completion}, turns=turns)


def failure(example: Example, **config: Any) -> tuple[str, dict[str, Any]] | None:
    return first_failure(example, build_filters(QualityConfig(**config), ["en"]))


def only_ratio(**limits: Any) -> dict[str, Any]:
    """Repetition settings where every ratio is off except the ones given, and every field is checked."""
    off: dict[str, Any] = {"max_duplicate_line_fraction": 1.0, "max_duplicate_paragraph_fraction": 1.0,
                           "max_duplicate_line_char_fraction": 1.0, "max_duplicate_paragraph_char_fraction": 1.0,
                           "max_top_ngram_char_fraction": {}, "max_duplicate_ngram_char_fraction": {},
                           "repetition_min_words": 0, "min_alpha_fraction": 0.0, "languages": []}
    return {**off, **limits}


# (failing example, passing neighbour, config, expected reason)
REASON_CASES: list[tuple[Example, Example, dict[str, Any], str]] = [
    (pair("Where is my order?", "   \n"), pair("Where is my order?", "Shipped."), {}, "empty_field"),
    (pair("", "Shipped."), pair("?", "Shipped."), {}, "empty_field"),
    (plain(" "), plain("Hello."), {}, "empty_field"),
    (chat(("user", "Hello?"), ("assistant", "")), chat(("user", "Hello?"), ("assistant", "Hi.")), {},
     "empty_field"),
    (chat(("system", " "), ("assistant", "Hi.")), chat(("system", "Be brief."), ("assistant", "Hi.")), {},
     "empty_field"),
    (pair("Refund?", " No "), pair("Refund?", "Nope."), {"min_chars": {"completion": 5}}, "too_short"),
    (plain("abcd"), plain("abcde"), {"min_chars": {"text": 5}}, "too_short"),
    (pair("abcdefghij", "abcdefghijk"), pair("abcdefghi", "abcdefghijk"), {"max_length": 20}, "too_long"),
    (pair("one two three", "four five six"), pair("one two", "four five six"),
     {"max_length": 5, "length_unit": "words"}, "too_long"),
    (pair("Where is my order?", "  where is  my ORDER? "), pair("Where is my order?", "Where is my parcel?"), {},
     "completion_equals_prompt"),
    (chat(("user", "Same words"), ("assistant", "same words")), chat(("user", "Same words"), ("assistant", "Other")),
     {}, "completion_equals_prompt"),
    (pair("Give JSON", '{"total": 12,}'), pair("Give JSON", '```json\n{"total": 12}\n```'), {"completion_json": True},
     "invalid_json"),
    (pair("Who called?", "<PERSON> <PERSON_2> <EMAIL_ADDRESS>"),
     pair("Who called about the refund yesterday?", "<PERSON> called about it."), {}, "too_many_placeholders"),
    (pair("Give me the numbers", "1234 5678 9012 3456 7890 12.5%"),
     pair("Give me the numbers", "The totals are 1234 and 5678 euros."), {}, "non_alphabetic"),
    (pair("Apologise", "I am sorry. " * 40), pair("Apologise", PARAGRAPH), {}, "repetition"),
    (plain("Call us back tomorrow please.\n" * 25), plain(PARAGRAPH), {}, "repetition"),
    (pair("Where is my order?", GERMAN), pair("Where is my order?", PARAGRAPH), {}, "wrong_language"),
    (pair("Where is my order?", FRENCH), pair("Where is my order?", "Votre commande arrive demain."), {},
     "wrong_language"),
]


@pytest.mark.parametrize(("failing", "passing", "config", "reason"), REASON_CASES,
                         ids=[f"{case[3]}-{i}" for i, case in enumerate(REASON_CASES)])
def test_each_filter_gives_its_reason_and_a_close_example_passes(failing: Example, passing: Example,
                                                                 config: dict[str, Any], reason: str) -> None:
    result = failure(failing, **config)
    assert result is not None and result[0] == reason
    assert failure(passing, **config) is None


@pytest.mark.parametrize(("failing", "config"), [(case[0], case[2]) for case in REASON_CASES],
                         ids=[f"{case[3]}-{i}" for i, case in enumerate(REASON_CASES)])
def test_details_are_small_json_and_carry_no_record_text(failing: Example, config: dict[str, Any]) -> None:
    result = failure(failing, **config)
    assert result is not None
    dumped = json.dumps(result[1])
    record_words = {word for text in failing.parts.values() for word in re.findall(r"\w{5,}", text)}
    assert not [word for word in record_words if word in dumped]
    assert len(dumped) < 200


def test_contract_every_filter_has_one_known_reason_in_the_documented_order() -> None:
    config = QualityConfig(completion_json=True, languages=["en"])
    filters = build_filters(config, ["en"])
    assert [f.reason for f in filters] == list(QUALITY_REASONS)
    classes = {EmptyFieldFilter, TooShortFilter, TooLongFilter, CompletionEqualsPromptFilter, InvalidJsonFilter,
               PlaceholderFilter, NonAlphabeticFilter, RepetitionFilter, LanguageFilter}
    assert {type(f) for f in filters} == classes
    assert len({cls.reason for cls in classes}) == len(classes)


def test_details_name_field_value_and_threshold() -> None:
    assert failure(pair("Refund?", "No"), min_chars={"completion": 5}) == (
        "too_short", {"field": "completion", "chars": 2, "min_chars": 5})
    assert failure(pair("abcdefghij", "abcdefghijk"), max_length=20) == (
        "too_long", {"unit": "chars", "length": 21, "max_length": 20})
    reason, details = failure(pair("Give JSON", '{"total": 12,}'), completion_json=True) or ("", {})
    assert reason == "invalid_json" and details["field"] == "completion" and details["line"] == 1
    assert "property name" in details["error"]


def test_build_filters_honours_switches_and_languages() -> None:
    assert build_filters(QualityConfig(enabled=False), ["en"]) == []
    reasons = [f.reason for f in build_filters(QualityConfig(max_length=None, drop_identical_completion=False,
                                                             max_placeholder_fraction=1.0,
                                                             min_alpha_fraction=0.0), [])]
    assert reasons == ["empty_field", "too_short", "repetition"]
    assert build_filters(QualityConfig(languages=[]), ["en"])[-1].reason == "repetition"
    with pytest.raises(ConfigError, match=r"languages has codes the language detector does not know: \['xx'\]"):
        build_filters(QualityConfig(), ["en", "xx"])


def test_min_chars_keeps_defaults_for_fields_not_named() -> None:
    assert QualityConfig(min_chars={"completion": 5}).min_chars == {"prompt": 1, "completion": 5, "text": 1}
    assert failure(pair("?", "Sure"), min_chars={"completion": 4}) is None


@pytest.mark.parametrize("answer", ["Yes.", "No, sorry.", "42", "OK", PARAGRAPH,
                                    "Yes.\nYes.\nYes.", "Step 1: open the app.\nStep 2: open settings."])
def test_short_legitimate_answers_and_normal_prose_pass(answer: str) -> None:
    assert failure(pair("Can you help me with my order?", answer)) is None


def test_repetition_is_not_checked_below_min_words() -> None:
    looping = "I am sorry. " * 30  # 90 words, under the default of 100
    assert failure(pair("Apologise", looping)) is None
    assert failure(pair("Apologise", looping), repetition_min_words=20) is not None


@pytest.mark.parametrize(("text", "limits", "ratio", "n", "value"), [
    # 5 non-blank lines, one content duplicate; the second "}" is not counted: 1/5 and 14/43 characters
    (DUPLICATE_LINES, {"max_duplicate_line_fraction": 0.1}, "duplicate_line_fraction", 0, 0.2),
    (DUPLICATE_LINES, {"max_duplicate_line_char_fraction": 0.1}, "duplicate_line_char_fraction", 0, 0.3256),
    # 3 paragraphs, one a duplicate: 1/3 and 14/39 characters
    (DUPLICATE_PARAGRAPHS, {"max_duplicate_paragraph_fraction": 0.1}, "duplicate_paragraph_fraction", 0, 0.3333),
    (DUPLICATE_PARAGRAPHS, {"max_duplicate_paragraph_char_fraction": 0.1}, "duplicate_paragraph_char_fraction",
     0, 0.359),
    # "aa bb" at words 0 and 2 covers words 0-3: 8 of 12 word characters
    ("aa bb aa bb aa cc", {"max_top_ngram_char_fraction": {2: 0.1}}, "top_ngram_char_fraction", 2, 0.6667),
    # overlapping occurrences are counted once: never more than every character
    ("xx xx xx xx", {"max_top_ngram_char_fraction": {2: 0.1}}, "top_ngram_char_fraction", 2, 1.0),
    # the 5-gram "one two three four five" twice covers 38 of 46 word characters
    ("one two three four five six one two three four five seven", {"max_duplicate_ngram_char_fraction": {5: 0.1}},
     "duplicate_ngram_char_fraction", 5, 0.8261),
])
def test_gopher_ratios_are_computed_as_documented(text: str, limits: dict[str, Any], ratio: str, n: int,
                                                  value: float) -> None:
    result = failure(plain(text), **only_ratio(**limits))
    expected: dict[str, Any] = {"field": "text", "ratio": ratio, "value": value,
                                "threshold": next(iter(limits.values())) if n == 0 else 0.1}
    if n:
        expected["n"] = n
    assert result == ("repetition", expected)
    # a ratio fails only when it is over its threshold: at the measured value it passes
    at_value = min(1.0, value + 0.0001)
    loose = {key: ({n: at_value} if isinstance(limit, dict) else at_value) for key, limit in limits.items()}
    assert failure(plain(text), **only_ratio(**loose)) is None


def test_no_repeated_ngram_gives_no_top_ngram_share() -> None:
    assert failure(plain("alpha beta gamma delta epsilon"), **only_ratio(max_top_ngram_char_fraction={2: 0.0})) is None


def test_non_alphabetic_counts_letters_of_every_script_and_skips_short_fields() -> None:
    assert failure(pair("Greek?", "Καλημέρα σας, πώς μπορώ να βοηθήσω;"), languages=[]) is None
    assert failure(pair("Call?", "+44 20 7946 0000")) is None  # under alpha_min_chars
    result = failure(pair("Call?", "+44 20 7946 0000 / +44 20 7946 0001"))
    assert result == ("non_alphabetic", {"field": "completion", "alpha_fraction": 0.0, "min_alpha_fraction": 0.25})
    assert failure(pair("Call?", "+44 20 7946 0000 / +44 20 7946 0001"), alpha_min_chars=40) is None


def test_a_pseudonym_counts_as_its_placeholder_whatever_its_number() -> None:
    short = pair("Did the customer call back?", "Yes, <PERSON_3> called at noon.")
    long = pair("Did the customer call back?", "Yes, <PERSON_4821397716> called at noon.")
    hashed = pair("Did the customer call back?", "Yes, <PERSON#9f2c0a1b> called at noon.")
    found = [failure(record, max_placeholder_fraction=0.1) for record in (short, long, hashed)]
    assert found[0] is not None
    assert found[0] == found[1] == found[2]


@pytest.mark.parametrize(("text", "covered"), [
    ("<PERSON>", ["<PERSON>"]),
    ("<PERSON_3> and <UK_NHS_12>", ["<PERSON_3>", "<UK_NHS_12>"]),
    ("<EMAIL_ADDRESS#9f2c01ab>", ["<EMAIL_ADDRESS#9f2c01ab>"]),
    ("<ENC:PERSON:AbC-_09>", ["<ENC:PERSON:AbC-_09>"]),
    ("[REDACTED] card ****-****-1234", ["[REDACTED]", "****", "****"]),
    ("a <b> tag, <A>, x < Y > z, *** stars", []),
])
def test_placeholder_pattern(text: str, covered: list[str]) -> None:
    assert [m.group(0) for m in PLACEHOLDER_RE.finditer(text)] == covered


def test_placeholder_share_is_over_the_whole_record() -> None:
    assert failure(pair("Who called?", "<PERSON> <PERSON_2> <EMAIL_ADDRESS>")) == (
        "too_many_placeholders", {"placeholder_fraction": 0.7045, "max_placeholder_fraction": 0.5})
    assert failure(pair("Who called?", "<PERSON> <PERSON_2> <EMAIL_ADDRESS>"), max_placeholder_fraction=0.8) is None


def test_language_filter_drops_other_languages_and_keeps_short_or_allowed_text() -> None:
    result = failure(pair("Where is my order?", GERMAN))
    assert result is not None and result[0] == "wrong_language"
    assert result[1]["field"] == "completion" and result[1]["language"] == "de" and result[1]["allowed"] == ["en"]
    assert result[1]["confidence"] >= 0.5
    reason, details = failure(pair(FRENCH, PARAGRAPH)) or ("", {})
    assert reason == "wrong_language" and details["field"] == "prompt" and details["language"] == "fr"
    assert failure(pair("Where is my order?", "Ja, danke schön.")) is None  # under language_min_chars
    assert failure(pair("Where is my order?", GERMAN), languages=["en", "de"]) is None
    assert failure(pair("Where is my order?", GERMAN), language_min_chars=200) is None
    assert failure(plain(GERMAN), languages=["de"]) is None


def test_language_filter_takes_the_callers_languages_unless_configured() -> None:
    filters = build_filters(QualityConfig(), ["de"])
    assert first_failure(pair("Wo ist meine Bestellung?", GERMAN), filters) is None
    assert first_failure(pair("Where is my order?", PARAGRAPH), filters) is not None
    assert first_failure(pair("Where is my order?", PARAGRAPH), build_filters(QualityConfig(languages=["EN"]),
                                                                              ["de"])) is None


def test_language_filter_passes_uncertain_detections() -> None:
    language = LanguageFilter(["en"], min_confidence=1.0)
    assert language.check(pair("Where?", GERMAN)) is None
    # placeholders are removed before detection, so they neither vote for English nor count as length
    assert LanguageFilter(["de"]).check(pair("?", "<PERSON> <EMAIL_ADDRESS> <LOCATION> <PHONE_NUMBER_2>")) is None


def test_length_in_tokens_uses_the_local_tokenizer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeTokenizer:
        @classmethod
        def from_file(cls, path: str) -> FakeTokenizer:
            assert path.endswith("tokenizer.json")
            return cls()

        def encode(self, text: str, add_special_tokens: bool = True) -> types.SimpleNamespace:
            assert add_special_tokens is False
            return types.SimpleNamespace(ids=list(text.replace(" ", "")))

    monkeypatch.setitem(sys.modules, "tokenizers", types.SimpleNamespace(Tokenizer=FakeTokenizer))
    path = tmp_path / "tokenizer.json"
    path.write_text("{}", encoding="utf-8")
    config = QualityConfig(max_length=10, length_unit="tokens", tokenizer_path=str(path), languages=[])
    filters = build_filters(config, ["en"])
    assert first_failure(pair("abc def", "ghij"), filters) is None
    assert first_failure(pair("abc def", "ghijk"), filters) == (
        "too_long", {"unit": "tokens", "length": 11, "max_length": 10})
    with pytest.raises(ConfigError, match="is not a file"):
        build_filters(config.model_copy(update={"tokenizer_path": str(tmp_path / "missing.json")}), ["en"])


def test_length_in_tokens_without_the_tokenizers_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    config = QualityConfig(length_unit="tokens", tokenizer_path=str(tmp_path / "tokenizer.json"))
    with pytest.raises(ModelNotInstalledError, match=r"needs the `tokenizers` package.*'chars' or 'words'"):
        build_filters(config, ["en"])


@pytest.mark.parametrize(("settings", "message"), [
    ({"min_chars": {"prompt": -1}}, "greater than or equal to 0"),
    ({"min_chars": {"title": 3}}, "'prompt', 'completion' or 'text'"),
    ({"max_duplicate_line_fraction": 1.5}, "less than or equal to 1"),
    ({"min_alpha_fraction": -0.1}, "greater than or equal to 0"),
    ({"language_min_confidence": 2}, "less than or equal to 1"),
    ({"max_top_ngram_char_fraction": {2: 1.2}}, "less than or equal to 1"),
    ({"max_duplicate_ngram_char_fraction": {0: 0.1}}, "greater than or equal to 1"),
    ({"max_length": 0}, "greater than 0"),
    ({"repetition_min_words": -5}, "greater than or equal to 0"),
    ({"length_unit": "bytes"}, "'chars', 'words' or 'tokens'"),
    ({"length_unit": "tokens"}, r"`quality.tokenizer_path` must name a local tokenizer.json"),
    ({"languages": ["en", "xx"]}, r"does not know: \['xx'\]"),
    ({"max_lenght": 10}, "Extra inputs are not permitted"),
])
def test_config_rejects_bad_values(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        QualityConfig(**settings)


def test_config_reads_json_keys_and_documents_every_field() -> None:
    config = QualityConfig.model_validate(json.loads('{"max_top_ngram_char_fraction": {"2": 0.3}, '
                                                     '"languages": ["EN", "de", "en"]}'))
    assert config.max_top_ngram_char_fraction == {2: 0.3}
    assert config.languages == ["en", "de"]
    assert all(field.description for field in QualityConfig.model_fields.values())
