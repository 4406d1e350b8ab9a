"""Names written in Han or Hangul inside European-language text.

A two-to-four character Han or Hangul word standing alone in a sentence otherwise written in Latin (or
Greek or Cyrillic) letters is, in the records our users keep, nearly always a person's name in their own
script ("signed by 谢璐", "hi 김재호"): Chinese given name + surname fit in two to four characters, Korean
names are three syllables. Place and company names written that way exist ("北京", "华为"), so the finding
scores in the review band: redacted, and listed for a reviewer. Text written mainly in Chinese, Japanese or
Korean is left to the name model: there a word of two characters is any word.
"""

from __future__ import annotations

from typing import Final

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer

_EAST_ASIAN = r"\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}"
_EAST_ASIAN_CHAR = regex.compile(rf"[{_EAST_ASIAN}]")
_EUROPEAN_LETTER = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]")
# the text around must be mostly European letters: at least this many per East Asian character
_EUROPEAN_PER_EAST_ASIAN = 3


class EastAsianScriptNameRecognizer(GdprepPatternRecognizer):
    """A lone Han or Hangul word of two to four characters in European-language text."""

    ENTITY = "PERSON"
    PATTERNS = [
        ("person_east_asian_script",
         rf"(?<![{_EAST_ASIAN}\p{{L}}\p{{N}}])(?:\p{{Han}}{{2,4}}|\p{{Hangul}}{{2,4}})(?![{_EAST_ASIAN}\p{{L}}\p{{N}}])",
         0.55),
    ]

    def worth_searching(self, text: str) -> bool:
        return _EAST_ASIAN_CHAR.search(text) is not None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if not self.worth_searching(text):
            return []
        east_asian = len(_EAST_ASIAN_CHAR.findall(text))
        if len(_EUROPEAN_LETTER.findall(text)) < _EUROPEAN_PER_EAST_ASIAN * east_asian:
            return []
        return super().analyze(text, entities, nlp_artifacts)


SCRIPT_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (EastAsianScriptNameRecognizer,)
