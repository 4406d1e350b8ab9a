"""Names in Han, Hangul and other non-European scripts inside European-language text."""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.registry import RECOGNIZERS
from gdprep.privacy.recognizers.scripts import (
    EastAsianScriptNameRecognizer,
    GreekCyrillicNameRecognizer,
    OtherScriptNameRecognizer,
)

RECOGNIZER = EastAsianScriptNameRecognizer()


def found(text: str) -> list[tuple[str, float]]:
    return [(text[r.start:r.end], r.score) for r in RECOGNIZER.analyze(text, ["PERSON"])]


@pytest.mark.parametrize(("text", "name"), [
    ("The form was signed by 陈静 on Monday.", "陈静"),
    ("hi 박서준, your parcel is delayed", "박서준"),
    ("Kontakt: 欧阳晓明, Abteilung Einkauf", "欧阳晓明"),
])
def test_a_lone_han_or_hangul_word_in_european_text_is_a_name_for_review(text: str, name: str) -> None:
    assert found(text) == [(name, 0.55)]


@pytest.mark.parametrize("text", [
    "我们的客户陈静已经付款了，请确认。",        # Chinese text: a two-character word is any word
    "The form was signed by 陈静明华王 on Monday.",  # five characters or more: a phrase, not one name
    "Ship it to Leeds, please.",                       # nothing in those scripts
    "Order ＡＢ１２ was 東京タワー themed",              # Katakana joined to it: Japanese, not a lone name
])
def test_other_text_is_left_to_the_model(text: str) -> None:
    assert found(text) == []


def test_registered() -> None:
    assert RECOGNIZERS["EastAsianScriptNameRecognizer"] is EastAsianScriptNameRecognizer


OTHER = OtherScriptNameRecognizer()


def found_other(text: str) -> list[str]:
    return [text[r.start:r.end] for r in OTHER.analyze(text, ["PERSON"]) if r.score == 0.55]


@pytest.mark.parametrize(("text", "name"), [
    ("Yesterday محمد الهاشمي told the committee that the budget was wrong.", "محمد الهاشمي"),
    ("Apologies, قريش, for the delay.", "قريش"),
    ("Contact דוד כהן today", "דוד כהן"),
    ("Patient: राहुल कुमार, 45 years", "राहुल कुमार"),
    ("Thanks, ஆட்டநத்தி", "ஆட்டநத்தி"),
    ("The contract was signed by สมชาย ใจดี yesterday", "สมชาย ใจดี"),
    ("Kontakt: გიორგი ბერიძე, Tbilisi", "გიორგი ბერიძე"),
])
def test_a_short_run_in_another_script_in_european_text_is_a_name_for_review(text: str, name: str) -> None:
    assert found_other(text) == [name]


@pytest.mark.parametrize("text", [
    "مرحبا بكم في متجرنا الجديد نحن سعداء بخدمتكم",  # a record written in Arabic
    # four words or more in the script: a phrase, however much English is around it
    "The note said محمد الهاشمي بن سعيد العلي and nothing else, so we forwarded it to the team in Leeds.",
    "ok שלום",                                          # no European word
    "ok: דוד כהן שלום ותודה רבה",                       # more of the script than European letters
    "Ship it to Leeds, please.",
])
def test_prose_in_another_script_is_not_a_name(text: str) -> None:
    assert found_other(text) == []


def test_other_scripts_registered() -> None:
    assert RECOGNIZERS["OtherScriptNameRecognizer"] is OtherScriptNameRecognizer


GREEK_CYRILLIC = GreekCyrillicNameRecognizer()


def found_greek_cyrillic(text: str) -> list[str]:
    return [text[r.start:r.end] for r in GREEK_CYRILLIC.analyze(text, ["PERSON"]) if r.score == 0.55]


@pytest.mark.parametrize(("text", "name"), [
    ("Goodbye drinks for Δόμνα Σκαρπέτας are at 5.", "Δόμνα Σκαρπέτας"),
    ("Please add Κοκκινίδου to the mailing list.", "Κοκκινίδου"),
    ("Bitte Коваленко in CC setzen.", "Коваленко"),
])
def test_capitalised_greek_or_cyrillic_words_in_latin_text_are_a_name_for_review(text: str, name: str) -> None:
    assert found_greek_cyrillic(text) == [name]


@pytest.mark.parametrize("text", [
    "Ο Γιάννης Παπαδόπουλος ήρθε χθες στο γραφείο.",  # Greek prose: a capital opens any sentence
    "Привет, как дела? Олена",                         # Cyrillic prose
    "The sum Σ of x",                                   # one letter
    "ΑΦΜ 123456789",                                    # capitals only: an abbreviation
    "Please add Kowalski to the mailing list.",        # Latin letters are the other recognizers' work
])
def test_greek_and_cyrillic_prose_or_symbols_are_not_names(text: str) -> None:
    assert found_greek_cyrillic(text) == []


def test_greek_cyrillic_registered() -> None:
    assert RECOGNIZERS["GreekCyrillicNameRecognizer"] is GreekCyrillicNameRecognizer
