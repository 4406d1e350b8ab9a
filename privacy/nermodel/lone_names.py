"""A lone word the model calls a name: when its capital, inside an English sentence, is the writer saying so."""

from __future__ import annotations

import functools

import regex

from gdprep.privacy.nermodel.spans import common_words

#: a word written as a name: a capital, then lower case ("Permadi", "Procházková", "O'Neill", "Smith-Jones");
#: all capitals ("BACS", "FICHA") are acronyms and headings as often as names
_TITLE_CASE_WORD = regex.compile(r"\p{Lu}\p{Ll}{2,}(?:['’-]\p{Lu}?\p{Ll}+)?")
#: what may end just before a sentence, a line or a heading opens: the capital after it says nothing
_BEFORE_SENTENCE = frozenset(".!?:;\n])»\"“”•*>|")
#: German capitalises every noun ("kurze Frage", "Rückfragen bitte an"): its prose is no place to read a lone
#: capitalised word as a name. Two of its function words that English and Dutch lack mark a German text.
_GERMAN_MIN_FUNCTION_WORDS = 2
_CAPITAL_WORD_AFTER = regex.compile(r"[ \t]+\p{Lu}")


@functools.cache
def _german_only_function_words() -> frozenset[str]:
    from gdprep.privacy.wordlists import english_words, stop_words

    return stop_words("de") - stop_words("en", "nl", "fr", "it", "es") - english_words()


def _german_prose(text: str) -> bool:
    german = _german_only_function_words()
    seen = {w for w in regex.findall(r"\p{Ll}+", text) if w in german}
    return len(seen) >= _GERMAN_MIN_FUNCTION_WORDS


def lone_name_in_sentence(text: str, start: int, end: int) -> bool:
    """A lone word the model calls a name, written with a capital inside a sentence rather than at its start,
    that is no ordinary word of English or an EU language's function words, and not in German prose: "As
    Permadi mentioned earlier", "Apologies, Johnsen, for the delay". The model saw the sentence; the capital
    inside it is the writer saying the word is a name."""
    word = text[start:end]
    if not _TITLE_CASE_WORD.fullmatch(word) or word.lower() in common_words():
        return False
    before = text[max(0, start - 80):start].rstrip(" \t")
    if not before or before[-1] in _BEFORE_SENTENCE:
        return False
    if _CAPITAL_WORD_AFTER.match(text, end):  # "Brightwater Energy LLP": one word of a longer proper name
        return False
    return not _german_prose(text)
