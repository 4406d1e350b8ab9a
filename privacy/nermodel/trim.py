"""Trimming a PERSON span to the name in it: cue words, honorifics, headings and the sentence around it off,
initials and names that are also English words kept. Used for the model's spans and the rules' alike
(`gdprep.privacy.nermodel.spans.clean_model_span`, `gdprep.privacy.engine`)."""

from __future__ import annotations

import functools
from typing import Any

import regex

from gdprep.privacy.nermodel.words import (
    common_surname,
    name_evidence,
    name_like,
    plain_english_word,
    plain_word,
)

SPAN_WORD = regex.compile(r"[^\s,;:]+")


def all_plain_words(value: str) -> bool:
    return all(plain_word(m.group()) for m in SPAN_WORD.finditer(value))


def trim_name(text: str, start: int, end: int, plain_words: bool = True) -> tuple[int, int] | None:
    """Trim what is not part of a name from either end of a PERSON span: greetings, honorifics and roles
    ("Danke Herr", "Conseillère"), a heading before a dash, the next clause of a lower-case sentence, ordinary
    words ("Afterwards Daria", "whose badge said Steven"), a particle left at the end ("Dussen van"). None when
    nothing is left ("Yours sincerely", "Payment"). The dictionary behind `plain_words` knows many surnames
    (WordNet has "Jacobi", "Bergen"): rule spans, which a cue already vouches for, are trimmed without it."""
    from gdprep.privacy.recognizers.person import is_cue_word, is_name_stop_word

    def _isplain_word(word: str) -> bool:
        return plain_words and plain_word(word)

    words = [m.span() for m in SPAN_WORD.finditer(text, start, end)]

    def edge_word(i: int) -> str:
        return text[words[i][0]:words[i][1]].strip(".'’")

    # a dash standing alone joins a heading to a name ("Urlaubsvertretung - Amelia", "Messenger - Acme") or a
    # name to its role ("Jason Green - Senior Analyst"): the name is the part after the last one, or, when
    # nothing of a name is left there, the part before it
    dashes = [i for i in range(len(words)) if edge_word(i) in _DASHES]
    if dashes:
        after = words[dashes[-1] + 1:]
        before = [w for w in words[:dashes[-1]] if text[w[0]:w[1]] not in _DASHES]
        found = trim_name(text, after[0][0], after[-1][1], plain_words) if after else None
        if found is None and before:
            found = trim_name(text, before[0][0], before[-1][1], plain_words)
        return found
    # an honorific inside the span opens the name: "Patienten Herrn Thilo Winkler" -> "Thilo Winkler"
    inner = [i for i in range(len(words) - 1) if edge_word(i).lower().rstrip(".") in _HONORIFIC_WORDS]
    if inner:
        words = words[inner[-1] + 1:]
    # a lower-case ordinary word opens no name, whoever found it: "next week germana chairs"
    while words and (is_cue_word(edge_word(0)) or _isplain_word(edge_word(0))
                     or (edge_word(0)[:1].islower() and plain_word(edge_word(0)))) \
            and not _gaelic_particle(words, edge_word) and not _opens_name(text, words, edge_word):
        words.pop(0)
    # lower-case words before a capitalised name are the sentence around it ("accompagnato dalla moglie Anita
    # Lupo"), unless the reference lists know them as names ("maria Rossi") or they are its particles ("van Gogh")
    first_capital = next((i for i in range(len(words)) if edge_word(i)[:1].isupper()), 0)
    if first_capital:
        keep_from = first_capital
        while keep_from > 0 and is_name_stop_word(edge_word(keep_from - 1)) \
                and not is_cue_word(edge_word(keep_from - 1)):
            keep_from -= 1
        lead = [edge_word(i) for i in range(keep_from)]
        if not any(name_like(w) and w.lower() not in eu_function_words() for w in lead):
            words = words[keep_from:]
    # a capitalised function word that is also a common surname ends a name: "Ashleigh Allen" (German "allen")
    while words and (is_name_stop_word(edge_word(-1)) or (plain_words and _plain_after_name(
            edge_word(-2) if len(words) > 1 else "", edge_word(-1)))) and not (
            len(words) > 1 and common_surname(edge_word(-1))):
        words.pop()
    if not words:
        return None
    # a capitalised name does not go on in lower case ("Gabriel s'occupera", "Anna wurde"), particles aside
    if edge_word(0)[:1].isupper():
        for i in range(1, len(words)):
            word = edge_word(i)
            if word[:1].islower() and not is_name_stop_word(word):
                words = words[:i]
                break
        while len(words) > 1 and is_name_stop_word(edge_word(-1)) and not common_surname(edge_word(-1)):
            words.pop()
    else:
        # a lower-case name ends where the sentence's next word begins: "maurice bärer wurde beauftragt",
        # "andré hardy segnala l'errore"
        for i in range(1, len(words)):
            word = edge_word(i)
            if i < len(words) - 1 and INITIAL.fullmatch(text, *words[i]):
                continue  # a middle initial goes on to the surname: "josephine k. van oudewater"
            particle = is_name_stop_word(word) and not is_cue_word(word)  # "de", "van", "von"
            # a function word that is also a name ("may", "ellen", "jose", "hans") does not end one
            if is_cue_word(word) or (not particle and (_isplain_word(word) or (
                    word.lower() in eu_function_words() and not name_like(word)))):
                words = words[:i]
                break
    return words[0][0], words[-1][1]


def _opens_name(text: str, words: list[tuple[int, int]], edge_word: Any) -> bool:
    """The span's first word opens a capitalised name although a dictionary knows it: an initial ("J. Allen"),
    or a given name or surname the reference lists know well before a word they know as well, with only a space
    between ("Grace Hopper", "Will Adams"; not "Bye, Pierre" or "Bottom Scrollbar"). A cue word never does
    ("Thanks Anna")."""
    if len(words) < 2 or not edge_word(1)[:1].isupper() or text[words[0][1]:words[1][0]].strip(" \t"):
        return False
    first = edge_word(0)
    if INITIAL.fullmatch(text, *words[0]) and first[:1].isupper():
        return True
    from gdprep.privacy.recognizers.person import is_cue_word

    return first[:1].isupper() and not is_cue_word(first) and name_evidence(first) == 1.0 \
        and name_evidence(edge_word(1)) == 1.0


def _plain_after_name(before: str, word: str) -> bool:
    """Whether `word`, the last of a name's words after `before`, is an ordinary word and no part of the name.
    After a capitalised word a capitalised one counts only if it is English: another language's function word
    is not capitalised inside a sentence, and many are surnames elsewhere ("Huet", Luxembourgish for "has";
    "Barad", read as Swedish "bara" + "d")."""
    if before[:1].isupper() and word[:1].isupper():
        return plain_english_word(word)
    return plain_word(word)


#: the particles of Irish and Scottish surnames, written with a capital before the capitalised name ("Ó Briain",
#: "Ní Bhriain", "Mac Giolla"): elsewhere "ó" and "ní" are ordinary words
_GAELIC_PARTICLES = frozenset({"Ó", "O", "Ní", "Nic", "Mac", "Mhic", "Uí", "Ua"})


def _gaelic_particle(words: list[tuple[int, int]], edge_word: Any) -> bool:
    """The span opens with a Gaelic surname particle and a capitalised word follows it."""
    return len(words) > 1 and edge_word(0) in _GAELIC_PARTICLES and edge_word(1)[:1].isupper()


_DASHES = frozenset({"-", "–", "—"})
INITIAL = regex.compile(r"\p{L}\.")
# honorifics written before a name, in the languages of the corpus (never part of the PERSON span)
_HONORIFIC_WORDS = frozenset("""
mr mrs ms mx dr prof messrs mme mlle dhr mevr mw dott dott.ssa sig sig.ra sig.na herr herrn frau madame monsieur
mademoiselle mevrouw meneer heer signor signora signorina señor señora señorita sr sra srta dña dra avv pan pani
panu panem paní pane panią pana κ κα κος κυρία κύριος κυρίου κυρίας κύριε
""".split())


@functools.cache
def eu_function_words() -> frozenset[str]:
    """EU function words ("wurde", "hat", "è")."""
    from gdprep.privacy.wordlists import EU_STOP_WORD_LANGUAGES, stop_words

    return stop_words(*EU_STOP_WORD_LANGUAGES)
