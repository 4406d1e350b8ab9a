"""A lone word the model calls a name: when its capital, inside an English sentence, is the writer saying so."""

from __future__ import annotations

import regex

from gdprep.privacy.nermodel.words import plain_word
from gdprep.privacy.wordlists import prose_in

#: a word written as a name: a capital, then lower case ("Permadi", "Procházková", "O'Neill", "Smith-Jones");
#: all capitals ("BACS", "FICHA") are acronyms and headings as often as names
_TITLE_CASE_WORD = regex.compile(r"\p{Lu}\p{Ll}{2,}(?:['’-]\p{Lu}?\p{Ll}+)?")
#: what may end just before a sentence, a line or a heading opens: the capital after it says nothing
_BEFORE_SENTENCE = frozenset(".!?:;\n])»\"“”•*>|")
_CAPITAL_WORD_AFTER = regex.compile(r"[ \t]+\p{Lu}")


def lone_name_in_sentence(text: str, start: int, end: int) -> bool:
    """A lone word the model calls a name, written with a capital inside a sentence rather than at its start,
    that is no ordinary word of English or an EU language's function words, and not in German prose: "As
    Permadi mentioned earlier", "Apologies, Johnsen, for the delay". The model saw the sentence; the capital
    inside it is the writer saying the word is a name."""
    word = text[start:end]
    # a dictionary word that the reference lists know as a surname is a name here ("Hawkins", "Weber")
    if not _TITLE_CASE_WORD.fullmatch(word) or plain_word(word):
        return False
    before = text[max(0, start - 80):start].rstrip(" \t")
    if not before or before[-1] in _BEFORE_SENTENCE:
        return False
    if _CAPITAL_WORD_AFTER.match(text, end):  # "Brightwater Energy LLP": one word of a longer proper name
        return False
    # German capitalises every noun ("kurze Frage", "Rückfragen bitte an"): its prose is no place to read a
    # lone capitalised word as a name
    return not prose_in("de", text)
