"""Names in Han or Hangul script inside European-language text (EastAsianScriptNameRecognizer)."""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.registry import RECOGNIZERS
from gdprep.privacy.recognizers.scripts import EastAsianScriptNameRecognizer

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
