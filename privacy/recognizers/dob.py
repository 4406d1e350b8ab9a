"""Dates of birth: a calendar date reported only when a birth cue (en/de/fr/nl/it/es) precedes it.

Appointment, order and release dates carry no cue and stay untouched; the date must be a real one.
"""

from __future__ import annotations

import datetime
from typing import Final

import regex

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer

# month word (lower case, accents as written) -> month number. Full names and the usual
# abbreviations in the six languages; the same spelling never means two different months.
_MONTH_NAMES: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate((
        "january jan januar jänner janvier janv januari gennaio gen enero ene",
        "february feb februar février fevrier févr fevr februari febbraio febrero",
        "march mar märz maerz mär mrz mars maart mrt marzo",
        "april apr avril avr aprile abril abr",
        "may mai mei maggio mag mayo",
        "june jun juni juin giugno giu junio",
        "july jul juli juillet juil luglio lug julio",
        "august aug août aout augustus agosto ago",
        "september sep sept septembre settembre set septiembre setiembre",
        "october oct oktober okt octobre ottobre ott octubre",
        "november nov novembre noviembre",
        "december dec dezember dez décembre decembre dicembre dic diciembre",
    ), start=1)
    for name in names.split()
}

# longest first so that "marzo" is not cut to "mar"
_MONTH = r"(?<![\p{L}])(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")(?![\p{L}])\.?"
_YEAR4 = r"(?:1[89]|20)\d{2}(?!\d)"
_DAY = r"(?:[012]?\d|3[01])"
_ORDINAL = r"(?:st|nd|rd|th|er|re|e|º|°|ª|\.)?"

_DATE = (
    r"(?P<value>"
    # 12/03/1985, 12-03-85, 12.03.1985 (the same separator twice)
    r"(?<!\d)\d{1,2}(?P<sep1>[./-])\d{1,2}(?P=sep1)(?:\d{4}|\d{2})(?![\d./-]\d)"
    # 1985-03-12
    rf"|(?<!\d){_YEAR4}(?P<sep2>[./-])\d{{1,2}}(?P=sep2)\d{{1,2}}(?!\d)"
    # 12 March 1985, 12th of March 1985, 12. März 1985, 1er mars 1985, 12 de marzo de 1985
    rf"|(?<!\d){_DAY}{_ORDINAL}(?:\s+(?:of|de))?\s+{_MONTH},?\s+(?:(?:de|del)\s+)?{_YEAR4}"
    # March 12, 1985 / March 12th 1985
    rf"|{_MONTH}\s+{_DAY}{_ORDINAL},?\s+{_YEAR4}"
    r")"
)

# cues that label a field: only separators, a format hint or a copula may stand before the date. Words
# may be joined by "_" or run together, as JSON keys are: "patient_dob", "dateOfBirth", "birth_date".
_J = r"[\s_-]*"
_LABEL_CUE = (
    r"(?<![\p{L}\p{N}])(?:d\.?\s?o\.?\s?b\.?|date" + _J + "of" + _J + "birth|birth" + _J + "date|birthday"
    r"|geburtsdatum|geburtstag|geb\.(?:-?datum)?|date" + _J + "de" + _J + "naissance|geboortedatum|verjaardag"
    r"|data" + _J + "di" + _J + "nascita|compleanno|fecha" + _J + "(?:de" + _J + ")?nacimiento|cumpleaños"
    r"|f\.\s?(?:de\s+)?nac\.|f\.\s?nacimiento|fecha\s+de\s+nac\.|date\s+de\s+naiss\.|geb\.-datum|birthdate"
    r"|data\s+nascita|geb\.?\s+datum|geboortedat\.?|geburtsdat\.?|ddn|fec\.?\s*nac\.?|fecha\s+nac\.?"
    r"|data\s+(?:di\s+)?nasc\.|date\s+naiss\.?|b['’/-]?day)(?![\p{L}\p{N}])"
)
# verbs: a short phrase may stand between ("born in Leeds on", "nata a Roma il")
# "né" needs its accent (plain "ne" is French negation); "nato" is case-sensitive so NATO never counts
_VERB_CUE = (r"\b(?:born|geboren|née?(?:\(e\))?|(?-i:[Nn]at[oa])(?:\([oa]\)|/[ao])?|nacid[oa](?:\([oa]\)|/[ao])?"
             r"|naci[óo]|nac[íi])(?!\w)")
# abbreviations of "born": "b. 12/03/1985" (English), ", n. 11 aprile 1952" (Italian, after a name)
_ABBREVIATED_CUE = r"(?:(?<![\p{L}\p{N}.])b\.|(?<=,[ \t]*)n\.)[ \t]*+"

_SEPARATORS = r"[\s:=,|\"'“”\-–—]*+"  # "DOB: ", "| DOB | ", '"dob": "'
_FORMAT_HINT = rf"(?:\((?:[dmyjtga]{{1,4}}[./-]){{2}}[dmyjtga]{{2,4}}\){_SEPARATORS})?"
_COPULA = r"(?:(?:is|was|as|of|ist|war|est|était|è|era|es|fue|on|the|am|op|le|il|el)\s++){0,3}"
# no commas: "born in Leeds, seen on 12/03/2024" must not reach the appointment date
_SHORT_PHRASE = r"(?:[^\W\d_]{1,20}+\s++){0,4}"


class DateOfBirthRecognizer(GdprepPatternRecognizer):
    """A date right after "DOB", "date of birth", "geboren am", "né le", "nato il", "nacido el" and kin."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        ("dob_label", _LABEL_CUE + _SEPARATORS + _FORMAT_HINT + _COPULA + _DATE, 0.85),
        ("dob_born", _VERB_CUE + _SEPARATORS + _SHORT_PHRASE + r"[ \t:]*" + _DATE, 0.75),
        # "DoB on the rota system says 5 May 1967"; "Luogo e data di nascita: Italia, 6 marzo 1954"
        ("dob_label_says", _LABEL_CUE + r"(?:[ \t]+[\p{L}'’]+){1,5}[ \t]+(?i:says|shows|reads|is|was|given[ \t]+as"
                           r"|listed[ \t]+as)[ \t:]+" + _DATE, 0.7),
        ("dob_label_place", _LABEL_CUE + r"[ \t]*:[ \t]*\p{L}[\p{L}\p{M}'’-]*(?:[ \t]+\p{L}[\p{L}\p{M}'’-]*)?,[ \t]*"
                            + _DATE, 0.7),
        # "passed on birth date (9 May 1986)"; a question and its answer on the next line:
        # "Your date of birth, please?\nCustomer: 4 Jul 1948", "uw geboortedatum en adres?\nKlant: 24-10-1963"
        ("dob_check", _LABEL_CUE + r"[ \t]+(?i:check|verification|verified|confirmed|matched|on[ \t]+file)"
                      r"[ \t]*[,:(]?[ \t]*" + _DATE, 0.6),
        ("dob_bracketed", _LABEL_CUE + r"[^\d\n()]{0,15}\(\s*" + _DATE, 0.6),
        ("dob_answer", _LABEL_CUE + r"[^\d\n]{0,40}[?.][ \t]*\r?\n[^\d\n:]{0,30}:[ \t]*"
                       r"(?:[\p{L}'’]{1,8}[,.!]?[ \t]+){0,3}" + _DATE, 0.6),
        ("dob_abbreviated", _ABBREVIATED_CUE + _DATE, 0.7),
        # the cue after the date (never after a comma or colon, which start a new field):
        # "12/03/1985 (date of birth)", "1976-08-14 is my birthday",
        # "Er ist am 4. Oktober 2000 geboren", "07-05-1988  ← geboortedatum"
        ("dob_cue_after", _DATE + r"(?:[ \t]*\r?\n)?[ \t]*[(←<=]?[ \t]*"
                          r"(?:(?:is|was|ist|est|è|es|is)[ \t]+(?:my|his|her|their|mein|sein|ihr|ma|sa|mijn|zijn"
                          r"|haar|la[ \t]+mia|la[ \t]+sua|mi|su)[ \t]+)?"
                          # ...but not "seen 12/03/2024, DOB 01/02/1980": that cue labels the next date
                          r"(?:" + _LABEL_CUE + r"|(?-i:geboren|born)\b)(?![^\n\d]{0,15}\d)", 0.7),
        # German "(* 07.07.1993)": the asterisk is the birth sign
        ("dob_asterisk", r"\(\*[ \t]*" + _DATE + r"[ \t]*\)", 0.75),
    ]
    CONTEXT = ["birth", "born", "dob", "geboren", "naissance", "nascita", "nacimiento", "geboorte"]

    def validate(self, value: str) -> bool | None:
        # a real calendar date is required but is no checksum: keep the pattern's score (None)
        return None if is_calendar_date(value) else False


_DIGITS = regex.compile(r"\d+")
_LETTERS = regex.compile(r"[^\W\d_]+")


def is_calendar_date(value: str) -> bool:
    """True when `value` (one of the forms `_DATE` matches) names a day that exists."""
    numbers = _DIGITS.findall(value)
    month_word = next((_MONTH_NAMES[w] for w in _LETTERS.findall(value.lower()) if w in _MONTH_NAMES), None)
    if month_word is not None:
        day, year = sorted(numbers, key=len) if len(numbers) == 2 else ("", "")
        return len(day) <= 2 and len(year) == 4 and _exists(int(year), month_word, int(day))
    if len(numbers) != 3:
        return False
    first, second, third = numbers
    if len(first) == 4:
        return _exists(int(first), int(second), int(third))
    years = [int(third)] if len(third) == 4 else [1900 + int(third), 2000 + int(third)]
    # day-first is the European reading; month-first still names a real date of birth
    return any(_exists(y, int(second), int(first)) or _exists(y, int(first), int(second)) for y in years)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


_THIS_YEAR = datetime.date.today().year
_ADULT_BIRTH_YEARS = range(1900, _THIS_YEAR - 13)


class BirthDateShapeRecognizer(GdprepPatternRecognizer):
    """Dates of birth recognisable by where they stand rather than by a cue word before them: a date
    marked "(DOB)" after it, or a date of an adult's birth year in brackets right after a name
    ("Anna Weber (12.03.1980)"). Appointment and order dates are recent, so the year must be at least
    14 years back."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        ("dob_marked_after", _DATE + r"[ \t]*\([ \t]*(?i:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born|geb\.?|née?)"
                             r"[ \t]*\)", 0.7),
        ("dob_after_name", r"(?-i:\p{Lu}[\p{Ll}\p{M}'’-]+[ \t]+\p{Lu}[\p{Ll}\p{M}'’-]+)[ \t]*\([ \t]*" + _DATE
                           + r"[ \t]*\)", 0.55),
        # a clinical or legal heading: "Mme Inès Lambert, 13/02/1986, adressée par", "Re: Mr John Doe, 1 May 1950;"
        ("dob_after_addressee", r"(?:(?-i:Mr|Mrs|Ms|Miss|Mx|Mme|Mlle|M\.|Herr|Frau|Dhr\.|Mevr\.|Sig\.(?:ra)?|Sr\."
                                r"|Sra\.)|(?i:re|patient|patiente|patientin|paziente|paz\.|paciente|patiënt)[ \t]*:)"
                                r"[ \t]+(?:\p{L}[\p{L}\p{M}'’.-]*[ \t]+){0,3}\p{L}[\p{L}\p{M}'’-]+,[ \t]*"
                                + _DATE
                                + r"[ \t]*(?=[,;)]|\r?\n|$)", 0.55),
    ]
    CONTEXT = ["birth", "born", "dob"]

    def validate(self, value: str) -> bool | None:
        if not is_calendar_date(value):
            return False
        years = [int(n) for n in _DIGITS.findall(value) if len(n) == 4]
        return None if years and years[0] in _ADULT_BIRTH_YEARS else False


DOB_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (DateOfBirthRecognizer, BirthDateShapeRecognizer)
