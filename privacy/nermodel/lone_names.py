"""Lone words and names read from the words around them: when a capital inside an English sentence is the writer
saying "a name" (and when a lower-case or sentence-opening word the model calls a name is an ordinary word or a
verb), and the names next to a name already found ("X and Y", "Surname, Given") or after a chat cue."""

from __future__ import annotations

import regex

from gdprep.privacy.nermodel.words import (
    common_surname,
    english_word,
    given_name_frequency,
    plain_word,
    surname_rank,
)
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


#: "and" in the languages of the corpus: "Anna and Tom", "Anna und Tom", "Anna et Tom", "Anna y Tom", "Anna och
#: Tom"; Dutch "en" only in Dutch prose (it is "in" in Spanish and French: "Banco en Reino Unido")
_AND = r"(?P<conj>and|&|und|et|y|e|en|och|og)"
_NAME_THEN_AND = regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}'’.-])(?P<name>\p{{Lu}}\p{{Ll}}{{2,}})[ \t]+{_AND}[ \t]+$")
_AND_THEN_NAME = regex.compile(rf"[ \t]+{_AND}[ \t]+(?P<name>\p{{Lu}}\p{{Ll}}{{2,}})(?![\p{{L}}\p{{M}}\p{{N}}'’-])")
_CAPITAL_WORD_BEFORE = regex.compile(r"\p{Lu}[\p{L}\p{M}'’-]*[ \t]+$")


def _joined_by_and(match: regex.Match[str] | None, text: str) -> bool:
    return match is not None and (match["conj"] != "en" or prose_in("nl", text))


#: a surname written before the given name and a comma: "payable to Allen, Beverley", "Kiss, Ilona (sister)"
_SURNAME_COMMA = regex.compile(r"(?<![\p{L}\p{M}\p{N}'’.-])(?P<name>\p{Lu}\p{Ll}+(?:['’-]\p{Lu}?\p{Ll}+)?),[ \t]+$")
#: what may follow "Surname, Given" that opens a line: the end of the line or text, a dash, a bracket, a separator
_RECORD_END = regex.compile(r"[ \t]*(?:$|[-–—(;|,]|\.[ \t]*$)", regex.MULTILINE)
#: how far down the reference lists' surname ranking a word may stand and still count (further down they hold
#: ordinary words too)
_SURNAME_RANK_LISTED = 20_000
#: "In Paris, Anna met ...", "from Leeds, Sarah": a place before the comma
_PLACE_PREPOSITION = regex.compile(r"(?<![\p{L}])(?i:in|at|near|from|around|across|outside|inside|into|via|of|on)"
                                   r"[ \t]+(?:the[ \t]+)?$")


def _inverted_surname(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The surname of "Surname, Given" inside a sentence, when the name found is a given name of the reference
    lists."""
    first = text[start:end].split()[0]
    if given_name_frequency(first) == 0:
        return []
    match = _SURNAME_COMMA.search(text, max(0, start - 40), start)
    if match is None:
        return []
    from gdprep.privacy.recognizers.person import is_name_stop_word

    surname = match["name"]
    before = max(0, match.start("name") - 40)
    opening = text[before:match.start("name")]
    # at the start of a sentence or a line it is a greeting as often ("Hola, Carlos:", "Servus, Jannik"), unless
    # the word is a surname of the reference lists and the name ends its line or record ("Burgess, Dawn - Analyst",
    # "Contact: Kiss, Ilona (sister)")
    if not opening.strip() or opening.rstrip(" \t")[-1] in _BEFORE_SENTENCE:
        if is_name_stop_word(surname) or surname_rank(surname) > _SURNAME_RANK_LISTED \
                or not _RECORD_END.match(text, end):
            return []
    # "Brightwater Energy, Anna": one word of a longer proper name ("From Webb, Anthony": a capitalised cue word)
    if _proper_name_word_before(text, match.start("name")) or _PLACE_PREPOSITION.search(opening):
        return []
    return [match.span("name")]


def _proper_name_word_before(text: str, start: int) -> bool:
    """A capitalised word right before `start` that makes the word there one of a longer proper name ("Brightwater
    Energy, Anna", "The Rev Anna and Tom"); a capitalised cue word does not ("Dear Luke and Clare", "From Webb,
    Anthony")."""
    from gdprep.privacy.recognizers.person import is_name_stop_word

    capital_before = _CAPITAL_WORD_BEFORE.search(text, max(0, start - 40), start)
    return capital_before is not None and not is_name_stop_word(capital_before.group().strip())


def coordinated_names(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A capitalised word joined by "and" to a name found already is a name too ("Herberto and Néstor Ruiz
    are coming", "ask Anna und Jannik"), and so is a surname written before a given name found already and a
    comma ("payable to Allen, Beverley"; not after a preposition of place: "In Paris, Anna met"), unless it is
    an ordinary word ("Smith and Nephew", "Bruce and Sons") or one word of a longer proper name ("Brightwater
    and Partners Ltd")."""
    out: list[tuple[int, int]] = []
    inverted: list[tuple[int, int]] = []
    for start, end in names:
        window = max(0, start - 40)
        before = _NAME_THEN_AND.search(text, window, start)
        if before is not None and _joined_by_and(before, text) \
                and not _proper_name_word_before(text, before.start("name")):
            out.append(before.span("name"))
        after = _AND_THEN_NAME.match(text, end)
        if after is not None and _joined_by_and(after, text) and not _CAPITAL_WORD_AFTER.match(text, after.end()):
            out.append(after.span("name"))
        inverted.extend(_inverted_surname(text, start, end))
    # an ordinary word is no name, unless a common surname; before a given name and a comma, any listed surname
    return [(s, e) for s, e in dict.fromkeys(out + inverted) if (s, e) not in names and (
        not plain_word(text[s:e]) or common_surname(text[s:e])
        or ((s, e) in inverted and surname_rank(text[s:e]) <= _SURNAME_RANK_LISTED))]


#: a chat cue, then a lower-case word standing alone (not glued to an e-mail, a path or a hyphenated word):
#: "ask celine when", "can codie call", "is león around"
_LOWER_NAME_AFTER_CUE = regex.compile(
    r"(?<![\p{L}\p{M}])(?i:ask|tell|ping|cc|thanks|thank|hi|hey|hiya|dear|lol|can|could|is|was|did|does|will|with"
    r"|told|asked|met)[ \t,]+(?P<name>\p{Ll}{2,})(?![\p{L}\p{M}\p{N}@_/-]|\.[\p{L}\p{N}])")
_GIVEN_NAME_MIN = 1  # any given name of the reference lists ("feargal", "tess"); the cue word carries the rest


def names_in_context(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`coordinated_names`, and lower-case given names where chat writes names: after a verb of addressing, a
    greeting or a question's verb ("ask celine when she is back", "is león around today?"), when the reference
    lists know the word as a given name and it is no English word or EU function word."""
    out = coordinated_names(text, names)
    for match in _LOWER_NAME_AFTER_CUE.finditer(text):
        start, end = match.span("name")
        word = match["name"]
        if not any(s < end and start < e for s, e in names) and not english_word(word) and not plain_word(word) \
                and given_name_frequency(word) >= _GIVEN_NAME_MIN:
            out.append((start, end))
    return out


#: words after which a lower-case word is written as a name: a greeting, an agent, a verb of addressing
_NAME_BEFORE = frozenset("""hi hey hello hiya dear thanks thank cheers ta by and from cc told tell ask asked call called
ping pinged met meet email emailed named is am im s""".split())  # "it's heather", "i'm rose"
_WORD_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])(\p{Ll}+)[ \t,]+$")
_POSSESSIVE = regex.compile(r"['’]s(?![\p{L}])")


def lower_case_word(text: str, start: int, end: int) -> bool:
    """A lone lower-case English word that nothing around it writes as a name: the model's "a whole line", "you
    can edit it", "an empty line" (Line and Edit are given names too: the name lists cannot tell), where "hi
    rose", "thanks mark", "with diana's permission" say a name."""
    value = text[start:end]
    if not value.islower() or not value.isalpha() or not english_word(value) or _POSSESSIVE.match(text, end):
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return before is None or before.group(1) not in _NAME_BEFORE


#: what follows a verb in the imperative at the start of a sentence: "Edit the file", "Go to the next line",
#: "Save changes to ..."; a name opening a sentence is followed by what that person did
_IMPERATIVE_OBJECT = regex.compile(r"[ \t]+(?:the|a|an|another|this|that|these|those|your|all|any|some|to|it|them"
                                   r"|changes|up|out|off|back|down|over)(?![\p{L}])")


def imperative_verb(text: str, start: int, end: int) -> bool:
    """A lone capitalised English word opening a sentence or a line, followed by an object or a particle: a verb
    telling the reader what to do ("Edit the file", "Go to the next line"), not a name (Edit and Go are given
    names too)."""
    value = text[start:end]
    if not value.istitle() or not value.isalpha() or not english_word(value):
        return False
    before = text[max(0, start - 80):start].rstrip(" \t")
    return (not before or before[-1] in _BEFORE_SENTENCE) and _IMPERATIVE_OBJECT.match(text, end) is not None
