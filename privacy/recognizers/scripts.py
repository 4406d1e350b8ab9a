"""Names written in Han, Hangul or another non-European script inside European-language text.

A two-to-four character Han or Hangul word standing alone in a sentence otherwise written in Latin (or
Greek or Cyrillic) letters is, in the records our users keep, nearly always a person's name in their own
script ("signed by 谢璐", "hi 김재호"): Chinese given name + surname fit in two to four characters, Korean
names are three syllables. Place and company names written that way exist ("北京", "华为"), so the finding
scores in the review band: redacted, and listed for a reviewer. Text written mainly in Chinese, Japanese or
Korean is left to the name model: there a word of two characters is any word.

The same holds for a short run of words in Arabic, Hebrew, an Indic script, Thai, Georgian, Armenian or
Ethiopic inside European-language text ("Yesterday محمد الهاشمي told the committee", "signed: प्रिया शर्मा"):
one to three words in one such script, in a record written mostly in European letters, is a name far more
often than anything else our users' records hold. Scored in the review band for the same reason. Greek and
Cyrillic are European scripts, so there the rule is narrower: one to three capitalised words in a record
written in Latin letters.
"""

from __future__ import annotations

from typing import ClassVar, Final

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer, non_ascii_gate

_EAST_ASIAN = r"\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}"
_EAST_ASIAN_CHAR = non_ascii_gate(regex.compile(rf"[{_EAST_ASIAN}]"))
_EUROPEAN_LETTER = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]")
# the text around must be mostly European letters: at least this many per character of the other script
_EUROPEAN_PER_EAST_ASIAN = 3


class _ScriptNameRecognizer(GdprepPatternRecognizer):
    """A name in a non-European script (`SCRIPT_CHAR`) standing alone in a record written in European letters
    (`written_in_european`, the subclass's rule)."""

    ENTITY = "PERSON"
    SCRIPT_CHAR: ClassVar[regex.Pattern[str]]

    def search_gates(self) -> tuple[regex.Pattern[str], ...]:
        return (self.SCRIPT_CHAR,)

    ANALYZE_ONLY_NARROWS = True  # nothing unless the text is written in European letters

    def written_in_european(self, text: str) -> bool:
        raise NotImplementedError

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if not self.worth_searching(text) or not self.written_in_european(text):
            return []
        return super().analyze(text, entities, nlp_artifacts)


class EastAsianScriptNameRecognizer(_ScriptNameRecognizer):
    """A lone Han or Hangul word of two to four characters in European-language text."""

    SCRIPT_CHAR = _EAST_ASIAN_CHAR
    PATTERNS = [
        ("person_east_asian_script",
         rf"(?<![{_EAST_ASIAN}\p{{L}}\p{{N}}])(?:\p{{Han}}{{2,4}}|\p{{Hangul}}{{2,4}})(?![{_EAST_ASIAN}\p{{L}}\p{{N}}])",
         0.55),
    ]

    def written_in_european(self, text: str) -> bool:
        east_asian = len(_EAST_ASIAN_CHAR.findall(text))
        return len(_EUROPEAN_LETTER.findall(text)) >= _EUROPEAN_PER_EAST_ASIAN * east_asian


#: scripts whose words are separated by spaces like Latin (Thai is not, but a name in it is one short run)
_OTHER_SCRIPTS = ("Arabic", "Hebrew", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu",
                  "Kannada", "Malayalam", "Sinhala", "Thai", "Georgian", "Armenian", "Ethiopic")
_OTHER_SCRIPT_CHAR = non_ascii_gate(regex.compile("[" + "".join(rf"\p{{{name}}}" for name in _OTHER_SCRIPTS) + "]"))
_EUROPEAN_WORD = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]{3,}")
_OTHER_SCRIPT_WORD = regex.compile(_OTHER_SCRIPT_CHAR.pattern + "+")
_MAX_NAME_WORDS = 3
#: one to three words of one script, each of two letters or more, not part of a longer run in that script
_OTHER_SCRIPT_WORDS = "|".join(
    rf"(?<![\p{{{name}}}][ \t]*)[\p{{{name}}}]{{2,}}(?:[ \t]+[\p{{{name}}}]{{2,}}){{0,{_MAX_NAME_WORDS - 1}}}"
    rf"(?![ \t]*[\p{{{name}}}])"
    for name in _OTHER_SCRIPTS)


class OtherScriptNameRecognizer(_ScriptNameRecognizer):
    """One to three words in Arabic, Hebrew, an Indic script, Thai, Georgian, Armenian or Ethiopic script
    standing alone in European-language text."""

    SCRIPT_CHAR = _OTHER_SCRIPT_CHAR
    PATTERNS = [
        ("person_other_script",
         rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?:{_OTHER_SCRIPT_WORDS})(?![\p{{L}}\p{{M}}\p{{N}}])",
         0.55),
    ]

    def written_in_european(self, text: str) -> bool:
        # a run of four words or more in the script is prose in it (the pattern leaves it). The record must
        # be written in European letters: as many of them as of the script's, or, in a short record
        # ("Thanks, ஆட்டநத்தி", "signed: प्रिया शर्मा"), a European word and no more than three in the script
        if len(_EUROPEAN_LETTER.findall(text)) >= len(_OTHER_SCRIPT_CHAR.findall(text)):
            return True
        return _EUROPEAN_WORD.search(text) is not None and len(_OTHER_SCRIPT_WORD.findall(text)) <= _MAX_NAME_WORDS


_GREEK_CYRILLIC_CHAR = non_ascii_gate(regex.compile(r"[\p{Greek}\p{Cyrillic}]"))
_LATIN_LETTER = regex.compile(r"\p{Latin}")
_GREEK_CYRILLIC_WORD = regex.compile(r"[\p{Greek}\p{Cyrillic}]+")


def _capitalised(script: str) -> str:
    """A word of `script` written with a capital, then lower case."""
    return rf"(?=\p{{Lu}})\p{{{script}}}(?:(?=\p{{Ll}})\p{{{script}}})+"


#: one to three capitalised words of one of the two scripts ("Δόμνα Σκαρπέτας", "Олена Коваленко"), not part of a
#: longer run in it
_CAPITALISED_WORDS = "|".join(
    rf"(?<![\p{{{name}}}][ \t]*){_capitalised(name)}(?:[ \t]+{_capitalised(name)}){{0,{_MAX_NAME_WORDS - 1}}}"
    rf"(?![ \t]*[\p{{{name}}}])"
    for name in ("Greek", "Cyrillic"))


class GreekCyrillicNameRecognizer(_ScriptNameRecognizer):
    """One to three capitalised Greek or Cyrillic words standing alone in a record written in Latin letters
    ("Goodbye drinks for Δόμνα Σκαρπέτας are at 5", "Please add Коваленко to the list"). Greek and Bulgarian
    prose is left to the rest of the detector: there a capitalised word is any word opening a sentence."""

    SCRIPT_CHAR = _GREEK_CYRILLIC_CHAR
    PATTERNS = [
        ("person_greek_cyrillic_in_latin",
         rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?:{_CAPITALISED_WORDS})(?![\p{{L}}\p{{M}}\p{{N}}])", 0.55),
    ]

    def written_in_european(self, text: str) -> bool:
        # written in Latin letters: at least as many of them, and no more than three words in the script
        return (len(_LATIN_LETTER.findall(text)) >= len(_GREEK_CYRILLIC_CHAR.findall(text))
                and len(_GREEK_CYRILLIC_WORD.findall(text)) <= _MAX_NAME_WORDS)


SCRIPT_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (EastAsianScriptNameRecognizer,
                                                                         OtherScriptNameRecognizer,
                                                                         GreekCyrillicNameRecognizer)
