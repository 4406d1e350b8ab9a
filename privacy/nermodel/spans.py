"""What the model's spans must pass before they count: a name is trimmed of cue and ordinary words and
dropped when nothing name-like is left; an address is cut back where it runs into a value a rule
recognizer typed, and dropped without a digit outside dates. The model proposes; these checks and the
rule recognizers decide."""

from __future__ import annotations

import functools
from typing import Any

import regex

from gdprep.privacy.entities import NATIONAL_ID_TYPES
from gdprep.privacy.findings import RawFinding
from gdprep.privacy.nermodel.lone_names import imperative_verb, lower_case_word
from gdprep.privacy.nermodel.trim import INITIAL, SPAN_WORD, all_plain_words, eu_function_words, trim_name
from gdprep.privacy.nermodel.words import (
    name_evidence,
    name_like,
)

_COMPANY_MARKERS = frozenset({"eur", "gbp", "usd", "chf", "sek", "dkk", "pln", "czk",  # "Betrag von EUR"
                              "ltd", "limited", "plc", "llp", "gmbh", "ag", "kg", "sa", "sas", "sarl", "bv", "nv",
                              "spa", "srl", "sl", "inc", "llc", "co", "group", "team", "holdings",
                              # a US ship's name heads a military (FPO) address: "USNS Hayes\nFPO AE 84975"
                              "usns", "uss", "usnv", "uscgc"})


_COMPANY_AFTER = regex.compile(r"[ \t]*,?[ \t]*(?P<word>[\p{L}.]+)")


def _followed_by_company_marker(text: str, end: int) -> bool:
    """"Harbour Foods Ltd", "Weimer Beckmann KG": the model's span stops before the legal form."""
    match = _COMPANY_AFTER.match(text, end)
    return match is not None and match["word"].lower().strip(".").replace(".", "") in _COMPANY_MARKERS


def _in_firm_name(text: str, start: int, end: int) -> bool:
    """"Kennedy, Carter and Short": surnames listed as a firm's name (the given-name recognizer's rule)."""
    if "," not in text[max(0, start - 40):end + 40]:
        return False
    from gdprep.privacy.recognizers.gazetteer import in_firm_name  # imports Presidio: not at module level

    return in_firm_name(text, start, end)


def clean_model_span(text: str, start: int, end: int, etype: str) -> tuple[int, int] | None:
    """Trim what the model's token boundaries leave around a span (possessives, punctuation); reject a
    PERSON span that cannot be a name (digits, e-mail or markup characters, a company suffix)."""
    span = text[start:end]
    if etype == "PERSON":
        for suffix in ("'s", "’s"):
            if span.endswith(suffix):
                end -= len(suffix)
                span = span[: -len(suffix)]
    stripped = span.strip(" \t\n.,;:!?\"'()[]" if etype == "PERSON" else " \t\n,;:!?\"'()[]")
    if not stripped:
        return None
    start += span.index(stripped)
    end = start + len(stripped)
    if etype == "PERSON":
        trimmed = trim_name(text, start, end)
        if trimmed is None:
            return None
        start, end = trimmed
        stripped = text[start:end]
        if any(ch.isdigit() for ch in stripped) or any(ch in stripped for ch in "@/#<>=_|\\\n"):
            return None
        if any(w.lower().strip(".,") in _COMPANY_MARKERS for w in stripped.replace("-", " ").split()):
            return None
        if _followed_by_company_marker(text, end) or _in_firm_name(text, start, end):
            return None
        if _lower_case_non_name(stripped) or lower_case_word(text, start, end) or imperative_verb(text, start, end):
            return None
    return start, end


def _lower_case_non_name(value: str) -> bool:
    """A span written all in lower case needs at least half its words known to the reference lists as names
    (`name_evidence`): the model proposes lower-case phrases of other languages ("ritardi dovuti", "rotura de
    cristal"). Function words ("de", "van", "than", "will") are no evidence either way, and alone no name."""
    raw = SPAN_WORD.findall(value)
    words = [w.strip(".,'’") for w in raw]
    if not any(ch.isalpha() for ch in value):  # "~", "{" in a manual's prose: no word at all
        return True
    if not all(w[:1].islower() for w in words if w):
        return False
    # a middle initial between two words is the shape of a name: "adeshina t. morawo"
    if len(raw) >= 3 and any(INITIAL.fullmatch(w) for w in raw[1:-1]):
        return False
    content = [w for w in words if w and w not in eu_function_words()]
    return 2 * sum(name_evidence(w) for w in content) < len(content) or not content


# types a rule recognizer finds by checksum, format or cue: a model address span that runs into one of them
# has overrun the address ("Louis Allen, Steuer-ID 29546807175")
NOT_ADDRESS_TYPES = frozenset({
    "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_NINO", "UK_NHS", "UK_SORT_CODE", "UK_BANK_ACCOUNT", "UK_PASSPORT",
    "UK_DRIVING_LICENCE", "UK_VAT", "IBAN_CODE", "DE_TAX_ID", "FR_NIR", "ES_DNI", "ES_NIE", "IT_FISCAL_CODE",
    "NL_BSN", "PL_PESEL", "DATE_OF_BIRTH", "IP_ADDRESS", "CREDIT_CARD", "ORGANISATION_ID", *NATIONAL_ID_TYPES,
})
_ADDRESS_EDGE = " \t\n,;:(-–"


@functools.cache
def _date_like() -> Any:
    """Dates and times in the languages the date-of-birth recognizer knows: digits in them are not an
    address's digits ("Abgabe bis 27.11.2024", "16 Jan 2025")."""
    from gdprep.privacy.recognizers import dob

    # a month is a whole word: "12 Mayfield Road" and "7 Junction Road" are house numbers, not dates (the names
    # as a trie, which fails in a letter or two where a flat list of 500 tried each: 4.5 times faster)
    month = "(?:" + dob._trie_pattern(list(dob._MONTH_NAMES)) + r")(?![\p{L}])"
    return regex.compile(
        r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?"
        rf"|(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|º|°|\.)?\s*(?:of\s+|de\s+)?{month}\.?,?(?:\s*(?:de\s+)?\d{{2,4}})?"
        rf"|(?<![\p{{L}}]){month}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s*\d{{4}})?",
        regex.IGNORECASE)


# Street-type words and endings across the languages the model was trained on. English: the street suffixes
# of USPS Publication 28 (appendix C1, primary names and common abbreviations; appendix C2, unit words) with
# the UK's own; the rest from each country's postal conventions. Used only on model addresses: to keep one
# that names a street without a number ("lives on Maple Drive", redacted at a review-band score), and to
# keep a word and a number at the model's score.
_STREET_TYPE_WORDS = frozenset("""
alley aly annex arcade avenue ave av bayou beach bend bluff bluffs boulevard blvd bottom branch bridge brook
brooks burg bypass byway camp canyon cape causeway center centre circle cir circus cliff cliffs close common
corner corners course court ct courts cove creek crescent cres crest croft crossing crossroad curve dale dam
divide drive dr drives embankment esplanade estate estates expressway expy extension falls ferry field fields
ford forest forge fork forks fort freeway fwy garden gardens gdns gate gateway glen green grove
harbor harbour haven heights hts highway hwy hill hills hollow inlet island isle junction jct key knoll lake
landing lane ln loop mall manor meadow meadows mews mill mills mission motorway mount mountain neck orchard
oval overpass parade park parkway pkwy pass passage path pike pines place pl plain plains plaza point port
prairie promenade quay radial ramp ranch rapids rest ridge rise river road rd route row run shoal shoals
shore shores skyway spring springs spur square sq station stravenue stream street st summit terrace tce
throughway trace track trafficway trail trl tunnel turnpike underpass union valley viaduct view village
villages ville vista walk wall way wharf wynd yard
apartment apt suite ste unit flat floor fl building bldg lot box
rue avenue allée chemin impasse quai faubourg cours voie via viale piazza piazzale corso largo vicolo strada
calle avenida avda paseo plaza carrer camino ronda travesía rambla rua praça travessa alameda estrada
laan gracht kade singel plein dreef steeg ulica ul al aleja plac osiedle os ulice náměstí nám třída nábřeží
utca út tér körút sor rakpart iela prospekts gatvė pr prospektas tänav maantee mnt puiestee tee tie katu kuja
polku väylä gata gatan vägen väg gränd torget vej gade allé stræde plads veien vegen gate stradă strada
bulevardul calea şoseaua șoseaua aleea piața ulica cesta trg οδός οδ λεωφόρος λεωφ πλατεία
""".split())
_STREET_TYPE_ENDINGS = ("straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "ring", "damm", "straat",
                        "laan", "gracht", "plein", "gatan", "vägen", "gränd", "vej", "gade", "katu", "tie", "kuja",
                        "veien", "vegen", "gata", "gate", "utca", "tänav", "iela")
NUMBERLESS_ADDRESS_SCORE = 0.55  # redacted, and listed for review (the default band is [0.3, 0.6))
# a word and a number alone ("HTTP 502", "Nimbus 14 laptop", "Husova 12") is listed for review, not redacted
_BARE_NUMBER_ADDRESS_SCORE = 0.45
# what makes a numbered span an address: a postcode shape, or parts on separate lines or after a comma
_POSTCODE_SHAPES = (
    r"(?<![\d.,])\d{4,5}(?!\d|[.,]\d)|\b\d{2}-\d{3}\b|\b\d{3}[ ]\d{2}\b|\b\d{4}-\d{3}\b"
    r"|\b[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}\b|\b[A-Z]\d[A-Z][ ]?\d[A-Z]\d\b|\b[A-Z]\d{2}[ ]?[A-Z\d]{4}\b"
    r"|\b[A-Z]{1,2}-\d{4,5}\b")
_POSTCODE = regex.compile(_POSTCODE_SHAPES)
_POSTCODE_OR_PARTS = regex.compile(_POSTCODE_SHAPES + r"|[,;][ \t]+\S|\n")
_CODE = regex.compile(r"\p{L}+-[\p{L}\p{N}-]+")  # "KV-2194-S", "INV-2025-00259": a code, not a postcode
_COUNTED_WORD = regex.compile(r"\d{1,4}[ \t]+(?P<word>\p{Ll}[\p{Ll}'’-]*)(?![\p{L}])")
# ... and reads like a product, a code, a price or a status instead: a lower-case word ("Nimbus 14 laptop"),
# an all-capitals word ("HTTP 502"), a decimal ("27,90"), a hyphenated code ("CS-999285"), a long digit run
_NOT_A_STREET = regex.compile(r"(?<![\p{L}])\p{Ll}{2,}(?![\p{L}.])|\b\p{Lu}{2,}\b|\d[.,]\d|[A-Za-z]-\d|\d{6,}")
# after an address's last digit, a lower-case word of these starts the sentence's next phrase: "to 4 Elm Road,
# Leeds LS6 2QT before Friday", "at 12 Main St by noon"
_ADDRESS_TAIL_STOPS = frozenset({"before", "by", "until", "till", "after", "from", "for", "and", "but", "which",
                                 "where", "when", "since", "tomorrow", "today", "tonight", "yesterday", "next",
                                 "this", "please", "asap", "if", "because", "as", "at", "between", "around", "so",
                                 "then", "is", "was", "has", "had", "will", "would", "can", "could", "should", "with",
                                 "to", "on", "near", "opposite"})


def _is_street_type_word(word: str) -> bool:
    """A street-type word or its plural ("Way", "Ways", "Gardens")."""
    w = word.strip(".,'’()").lower()
    return w in _STREET_TYPE_WORDS or (len(w) > 3 and w.endswith("s") and w[:-1] in _STREET_TYPE_WORDS)


def _names_street_type(value: str, plurals: bool = True) -> bool:
    """True when `value` holds a street-type word (with `plurals`, also its plural: "Ways"; a street named
    without a number needs the word itself or a plural no reference list knows as a name: "Parks", "Fields"
    and "Banks" are surnames, "Ways" is not)."""
    for word in SPAN_WORD.findall(value):
        w = word.strip(".,'’()").lower()
        if _is_street_type_word(w) if plurals else (w in _STREET_TYPE_WORDS or names_a_street(w)):
            return True
        # a compound street name is written with a capital ("Hauptstraße", "Storgatan"); "delegate",
        # "offering" and "charitie" are not streets
        if len(w) > 5 and word[:1].isupper() and w.endswith(_STREET_TYPE_ENDINGS):
            return True
    return False


_HOUSE_NUMBER_BEFORE = regex.compile(r"(?<![\p{L}\p{N}.,:/-])\d{1,5}[A-Za-z]?[ \t]+$")


def names_a_street(word: str) -> bool:
    """A street-type word that the reference lists do not know as a given name or a common surname: after a
    given name it makes a street named after a person ("Shawn Springs", "Harmon Underpass"), where "Sarah
    Hill" and "Anna Lane" stay names."""
    return _is_street_type_word(word) and not name_like(word)


_STREET_WORD_AFTER = regex.compile(r"[ \t]+(\p{Lu}[\p{L}.]*)")


def _street_word_after(text: str, end: int) -> int:
    """`end`, moved past a capitalised street-type word right after it: the model's "407 Shawn" in "407 Shawn
    Springs" stops where the street's name would go on."""
    match = _STREET_WORD_AFTER.match(text, end)
    if match is not None and names_a_street(match[1]):
        return match.end()
    return end


#: words after which a capitalised phrase ending in a street-type word is a place even when that word is a
#: surname too ("her home on Sarah Hill", "moved to Courtney Parks", "outside Neal Shore"); "sent to Sarah Hill"
#: and "ask Anna Lane" stay names
_PLACE_BEFORE = regex.compile(
    r"(?:\b(?:on|outside|near|along|off|opposite|behind|beside|alongside)"
    r"|\b(?:lives?|lived|living|moved?|moving|relocated|located|situated|based|home|house|flat|office|shop)"
    r"[ \t]+(?:at|to|on|in)"
    # where something is or was left: "the new office is at Neal Shore", "left at Charlotte Keys"
    r"|\b(?:is|are|was|were|left|parked|stored|kept|dropped|delivered|collected|meet(?:[ \t]+me)?)[ \t]+at"
    # a place noun with the street in brackets: "our warehouse (Mark Wells)"
    r"|\b(?:warehouse|office|shop|store|depot|branch|site|home|house|flat|apartment|premises)[ \t]*\()[ \t]*$",
    regex.IGNORECASE)


def person_as_street(text: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """A model name that is really a street, as `(start, end, numbered)`: a street-type word last and either
    a house number before it on the same line ("445 Philip Ways", "12 Albert Mount": the span takes the
    number in) or, without one, a last word that the reference lists do not know as a given name or surname
    ("at Harmon Underpass", but "Sarah Hill" stays a name) or a place word before it ("her home on Sarah
    Hill"). None when it reads as a name."""
    while end > start and text[end - 1] in " \t\n.,;:!?)":
        end -= 1
    words = text[start:end].split()
    if len(words) < 2:
        return None
    if not _is_street_type_word(words[-1]):
        return None
    number = _HOUSE_NUMBER_BEFORE.search(text, max(0, start - 12), start)
    if number is not None:
        return number.start(), end, True
    if all(w[:1].isupper() for w in words) and (names_a_street(words[-1])
                                                 or _PLACE_BEFORE.search(text, max(0, start - 40), start)):
        return start, end, False
    return None


def _cut_tail_phrase(text: str, start: int, end: int) -> int:
    """End an address before a time or clause phrase it ran into after its last digit."""
    last_digit = max((i for i in range(start, end) if text[i].isdigit()), default=start - 1)
    for match in SPAN_WORD.finditer(text, last_digit + 1, end):
        if match.group() in _ADDRESS_TAIL_STOPS:
            return match.start()
    return end


_LEAD_WORD = regex.compile(r"(?P<word>\p{Ll}[\p{Ll}\p{M}'’-]+)[ \t]+(?=\d|\p{Lu})")


def _skip_lead_word(text: str, start: int, end: int) -> int:
    """Past a lower-case word that opens the span and is no street word, before a house number or a capital:
    the model takes in the cue ("domiciliée 166 boulevard ...", "wohnhaft Mosemannplatz 52")."""
    match = _LEAD_WORD.match(text, start, end)
    if match is None or _is_street_type_word(match["word"]) or match["word"] in eu_function_words():
        return start
    return match.end()


def _cut_label_line(text: str, start: int, end: int) -> int:
    """End the span before its last line when that line is the next field's label: no digit in it, and an
    opening bracket or a colon in or right after it ("...5985 NL Oosterwijk\nRekeningnummer (IBAN")."""
    newline = text.rfind("\n", start, end)
    if newline < 0:
        return end
    last = text[newline + 1:end]
    following = text[end:end + 2].lstrip(" \t")
    if any(ch.isdigit() for ch in last) or not ("(" in last or ":" in last or following[:1] in (":", "(")):
        return end
    return newline


def _looks_like_code(value: str) -> bool:
    """Written in capitals and digits only, with more code-like groups than words: an account number or a
    postcode on its own ("RO49 0AAA 1B31 0075", "QA1 1AA"), not an address ("12 HIGH STREET, LEEDS LS1 2AB")."""
    if any(ch.islower() for ch in value):
        return False
    groups = SPAN_WORD.findall(value)
    words = sum(1 for g in groups if g.strip(".,'’()").isalpha())
    return 2 * words < len(groups)


def validated_address(text: str, finding: RawFinding, others: list[RawFinding]) -> RawFinding | None:
    """A model address, cut back where it runs into a value a rule recognizer typed as something else or
    into the next phrase ("... LS6 2QT before Friday"). Kept at the model's score when what is left holds a
    digit outside dates and times (a house number or a postcode); a street named without one ("Maple Drive")
    is kept for review when it carries a street-type word, and dropped otherwise. A town with its postcode
    right after the span joins it ("12 Wolfe Plains, East Kathrynmouth, OK 78058")."""
    from gdprep.privacy.recognizers.address import postal_tail_end  # imports Presidio: not at module level

    start, end = finding.start, finding.end
    end = postal_tail_end(text, _street_word_after(text, end))
    for other in sorted(others, key=lambda o: o.start):
        if other.end <= start or other.start >= end:
            continue
        if other.start <= start:
            start = other.end
        else:
            end = other.start
    while start < end and text[start] in _ADDRESS_EDGE + ").":
        start += 1
    start = _skip_lead_word(text, start, end)
    end = _cut_label_line(text, start, _cut_tail_phrase(text, start, end))
    while end > start and (text[end - 1] in _ADDRESS_EDGE or text[end - 3:end] == "..."):
        end -= 3 if text[end - 3:end] == "..." else 1
    if end - start < 4:
        return None
    score = finding.score
    value = text[start:end]
    if _looks_like_code(value):
        return None
    if not any(ch.isdigit() for ch in _date_like().sub(" ", value)):
        # a street named alone is written with a capital: "the account will close automatically" is none
        if "\n" in value or not _names_street_type(value, plurals=False) or all_plain_words(value) \
                or not any(w[:1].isupper() for w in SPAN_WORD.findall(value)):
            return None
        score = min(score, NUMBERLESS_ADDRESS_SCORE)
    elif not _names_street_type(value):
        # a number and then a lower-case word that is no name is a quantity, not a house number: "3 days
        # productive cough", "109 pezzi di" (a street after a number is capitalised, carries a street word, or
        # is a name: "8315 craig land")
        counted = _COUNTED_WORD.match(value)
        if counted is not None and not name_like(counted["word"]) \
                and not _POSTCODE.search(_CODE.sub(" ", value)):
            return None
        if not _POSTCODE_OR_PARTS.search(value) and _NOT_A_STREET.search(value):
            score = min(score, _BARE_NUMBER_ADDRESS_SCORE)
    return RawFinding(start, end, finding.entity_type, score, finding.recognizer)


#: a name the model read as an address: redacted and listed for review (the default band is [0.3, 0.6))
RELABELLED_NAME_SCORE = 0.55
_NAME_WORD = regex.compile(r"\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*")


def address_as_person(text: str, start: int, end: int) -> RawFinding | None:
    """A model address that failed `validated_address` and reads as a name: two to four capitalised words with
    no digit, no street-type word, not all of them ordinary words ("forward this to Abdullahi Tukur", where
    the model marked the name an address). Such a span is a person's name more often than a place; it is
    trimmed and checked as the model's names are. One word alone ("Brightwater", "Le") is as often a firm, a
    place or a function word, and is left out."""
    if _names_street_type(text[start:end]) or any(ch.isdigit() for ch in text[start:end]):
        return None  # a street named without a number, or a partial address: not to be trimmed into a name
    cleaned = clean_model_span(text, start, end, "PERSON")
    if cleaned is None:
        return None
    start, end = cleaned
    value = text[start:end]
    words = value.split()
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(w) for w in words) or all_plain_words(value):
        return None
    return RawFinding(start, end, "PERSON", RELABELLED_NAME_SCORE, "GdprepNerRecognizer")
