"""Personal identity numbers of the Nordic countries: SE personnummer and samordningsnummer, FI
henkilötunnus, DK CPR, NO fødselsnummer and D-nummer, IS kennitala.

All of them start with the birth date, so besides the checksum (python-stdnum) a match must hold a real
date that is not in the future.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from stdnum import luhn
from stdnum.dk import cpr as stdnum_cpr
from stdnum.fi import hetu as stdnum_hetu
from stdnum.is_ import kennitala as stdnum_kennitala
from stdnum.no import fodselsnummer as stdnum_fnr

from gdprep.privacy.recognizers.national import (
    BARE,
    SHAPED,
    START_AFTER_LETTERS,
    STRONG,
    NationalIdRecognizer,
    digits_of,
    not_in_future,
)


def swedish_birth_date_ok(value: str) -> bool:
    """The date part of a personnummer (10 or 12 digits): a real past date, where a samordningsnummer
    adds 60 to the day. For the 10-digit form the century follows from the separator: '+' means 100+."""
    digits = digits_of(value)
    if len(digits) == 12:
        year, rest = int(digits[:4]), digits[4:]
    else:
        today = datetime.date.today()
        year = 2000 + int(digits[:2])
        if year > today.year:
            year -= 100
        if "+" in value:
            year -= 100
        rest = digits[2:]
    month, day = int(rest[:2]), int(rest[2:4])
    if day > 60:
        day -= 60
    return not_in_future(year, month, day)


class SePersonnummerRecognizer(NationalIdRecognizer):
    """Swedish personnummer and samordningsnummer (day + 60): YYMMDD-NNNN, YYYYMMDD-NNNN ('+' from age 100),
    or the same digits run together; Luhn over the last ten digits.

    With the hyphen or plus the shape is Swedish: `SHAPED`. A bare 10- or 12-digit run is a phone or order
    number as often, so it is found at `BARE`, unless a cue ("personnummer", "pnr", "samordningsnummer")
    stands before or after it.
    """

    ENTITY = "SE_PERSONNUMMER"
    VALUE = r"(?:(?:18|19|20)\d{2}|\d{2})\d{4}[-+]?\d{4}"
    CUES = (r"person(?:nummer|nr)", r"pers\.?\s*nr", r"pnr", r"samordnings(?:nummer|nr)",
            r"personal\s+identity\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"(?:(?:18|19|20)\d{2}|\d{2})\d{4}[-+]\d{4}", SHAPED),
        ("bare", r"(?:(?:18|19|20)\d{2}|\d{2})\d{8}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["personnummer", "pnr", "samordningsnummer", "personnr"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        if len(digits) == 12 and "+" in value:
            return False  # the four-digit year already says how old the person is
        return len(digits) in (10, 12) and swedish_birth_date_ok(value) and luhn.is_valid(digits[-10:])


class FiHetuRecognizer(NationalIdRecognizer):
    """Finnish henkilötunnus: DDMMYY, a century sign (+, -, A-F, U-Y), a three-digit individual number and a
    mod 31 check character ("131052-308T", "010594Y9032"). Temporary numbers (individual 900-999) are
    personal data too, so stdnum's `allow_temporary` is on.

    The century sign and check character make the shape unmistakable: `STRONG` without a cue, and it may
    even follow a word without a space ("is030594W903B").
    """

    ENTITY = "FI_HETU"
    VALUE = r"\d{6}[-+ABCDEFUVWXY]\d{3}[0-9ABCDEFHJKLMNPRSTUVWXY]"
    VALUE_START = START_AFTER_LETTERS
    CUES = (r"henkilötunnu(?:s|ksen|kseni|ksesi)", r"hetu", r"sosiaaliturvatunnus", r"sotu",
            r"personbeteckning", r"finnish\s+id(?:\s+code)?")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{6}[-+ABCDEFUVWXY]\d{3}[0-9ABCDEFHJKLMNPRSTUVWXY]", STRONG),
    )
    CONTEXT: ClassVar[list[str]] = ["henkilötunnus", "hetu", "sotu", "personbeteckning"]

    def validate(self, value: str) -> bool | None:
        if not stdnum_hetu.is_valid(value, allow_temporary=True):
            return False
        century = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900}.get(
            value[6].upper(), 2000)
        return not_in_future(century + int(value[4:6]), int(value[2:4]), int(value[:2]))


class DkCprRecognizer(NationalIdRecognizer):
    """Danish CPR number: DDMMYY-SSSS, where the first serial digit and the year give the century.

    Since 2007 not every CPR number passes the old mod 11 check, so nothing but the date can be checked:
    the hyphenated form is found at `BARE` (review) without a cue, the unhyphenated one only after a cue
    ("CPR", "personnummer").
    """

    ENTITY = "DK_CPR"
    VALUE = r"\d{6}-?\d{4}"
    CUES = (r"cpr(?:-?(?:nr|nummer|number))?", r"personnummer", r"personnr", r"cpr\.?\s*nr")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("shaped", r"\d{6}-\d{4}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["cpr", "personnummer"]

    def validate(self, value: str) -> bool | None:
        return stdnum_cpr.is_valid(value)


class NoFodselsnummerRecognizer(NationalIdRecognizer):
    """Norwegian fødselsnummer, D-nummer (day + 40) and H-nummer (month + 40): DDMMYY and five digits, the
    last two of them mod 11 check digits ("151086 95088"). Two check digits and a date: `SHAPED` when
    written with the customary space, `BARE` as a plain 11-digit run.
    """

    ENTITY = "NO_FODSELSNUMMER"
    VALUE = r"\d{6}[ ]?\d{5}"
    CUES = (r"fødselsnummer(?:et)?", r"fodselsnummer", r"fødselsnr", r"f\.?\s*nr", r"personnummer(?:et)?",
            r"d-nummer", r"norwegian\s+id(?:entity)?\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{6} \d{5}", SHAPED),
        ("bare", r"\d{11}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["fødselsnummer", "fodselsnummer", "personnummer", "d-nummer"]

    def validate(self, value: str) -> bool | None:
        return stdnum_fnr.is_valid(value)


_KENNITALA_CENTURY = {"8": 1800, "9": 1900, "0": 2000}


class IsKennitalaRecognizer(NationalIdRecognizer):
    """Icelandic kennitala of a person: DDMMYY-NNNC, a mod 11 check digit in the ninth place and the
    century (9 = 1900s, 0 = 2000s) last. A company's kennitala adds 40 to the day: that is an
    ORGANISATION_ID, not this type.
    """

    ENTITY = "IS_KENNITALA"
    VALUE = r"\d{6}-?\d{4}"
    CUES = (r"kennitala", r"kennitölu", r"kennitölunni", r"kt\.?")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{6}-\d{4}", SHAPED),
        ("bare", r"\d{10}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["kennitala", "kt"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        return (stdnum_kennitala.is_valid(digits) and int(digits[:2]) <= 31
                and digits[9] in _KENNITALA_CENTURY
                and not_in_future(_KENNITALA_CENTURY[digits[9]] + int(digits[4:6]), int(digits[2:4]),
                                  int(digits[:2])))


NORDIC_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    SePersonnummerRecognizer,
    FiHetuRecognizer,
    DkCprRecognizer,
    NoFodselsnummerRecognizer,
    IsKennitalaRecognizer,
)
