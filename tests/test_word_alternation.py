"""Word lists as tries and subpatterns defined once per pattern (gdprep.privacy.recognizers.base).

The name patterns check every token against about a thousand cue words. They did it through a `regex` named
list; they now use a trie called as a subpattern, which must refuse exactly the tokens the named list refused.
"""

from __future__ import annotations

import random

import pytest
import regex

from gdprep.privacy.recognizers import person
from gdprep.privacy.recognizers.base import (
    DEFAULT_FLAGS,
    SUBPATTERNS,
    compile_pattern,
    expand_subpatterns,
    subpattern,
    word_alternation,
)


def _variants(words: frozenset[str]) -> list[str]:
    rng = random.Random(7)
    out = ["STRASSE", "straße", "Maße", "ǅemal", "Anna", "O'Neill", "d’Artagnan", "Jean-Luc"]
    for word in sorted(words):
        out += [word, word.title(), word.upper(), word.swapcase(), word + "s", word[:-1], word + "-x", word + "'s",
                word + ".", word.replace("'", "’"), "".join(rng.choice((c.lower(), c.upper())) for c in word)]
    return out


@pytest.mark.parametrize("words, check", [
    (person._STOP_WORDS, person._NOT_STOP),
    (person._STOP_WORDS - person._NAME_LIKE_CUE_WORDS, person._NOT_STOP_AFTER_HONORIFIC),
])
def test_the_stop_word_check_refuses_exactly_what_a_named_list_refuses(words: frozenset[str], check: str) -> None:
    spelt = {w.replace("'", apostrophe) for w in words for apostrophe in ("'", "’")}
    named = regex.compile(r"(?!(?i:\L<words>)(?![\p{L}\p{M}'’-]))\S+", DEFAULT_FLAGS, words=spelt)
    ours = compile_pattern(check + r"\S+", DEFAULT_FLAGS)
    tokens = _variants(words)
    differ = [t for t in tokens if (named.match(t) is None) != (ours.match(t) is None)]
    assert differ == []
    assert ours.match("the") is None and ours.match("THE") is None and ours.match("Sarah") is not None


def test_word_alternation_matches_each_word_and_backtracks_to_shorter_ones() -> None:
    words = ["de", "dear", "deal", "the", "them", "a"]
    pattern = regex.compile(rf"{word_alternation(words)}(?![a-z])", regex.IGNORECASE)
    for word in words:
        assert pattern.fullmatch(word) is not None
        assert pattern.fullmatch(word.upper()) is not None
    assert pattern.match("de la") is not None  # "dear" and "deal" tried first, then "de"
    assert pattern.match("dean") is None
    assert pattern.match("b") is None
    with pytest.raises(ValueError, match="empty word"):
        word_alternation(["a", ""])


def test_a_subpattern_is_defined_once_and_matches_as_written_out() -> None:
    call = subpattern("test_colour_words", r"(?:red|green|blue)")
    source = rf"(?P<value>{call}(?:[ \t]+{call}){{0,2}})\b"
    compiled = compile_pattern(source)
    assert compiled.pattern.count("red|green|blue") == 1
    written_out = regex.compile(expand_subpatterns(source))
    for text in ["red green blue sky", "a blue day", "greenish", "blue red", "no colour"]:
        ours, theirs = compiled.search(text), written_out.search(text)
        assert (ours and ours.span("value")) == (theirs and theirs.span("value"))
    # global flags stay in front, where `regex` wants them; a reverse pattern too
    assert compile_pattern(rf"(?r){call}\Z").search("sky blue").span() == (4, 8)
    with pytest.raises(ValueError, match="registered already"):
        subpattern("test_colour_words", "(?:cyan)")
    assert subpattern("test_colour_words", r"(?:red|green|blue)") == call  # the same again is fine
    SUBPATTERNS.pop("test_colour_words")


def test_name_patterns_compile_the_stop_words_once() -> None:
    """Every name pattern calls the stop-word check instead of repeating its 6,000 characters per token."""
    recognizer = person.PersonCueRecognizer()
    recognizer.compile_all()
    body = SUBPATTERNS["name_stop_words"]
    calling = 0
    for _, compiled, _, _ in recognizer._compiled:
        assert compiled is not None
        assert compiled.pattern.count(body) <= 1  # written out per token, it would be there four times or more
        calling += "(?&name_stop_words)" in compiled.pattern
    assert calling >= 10
