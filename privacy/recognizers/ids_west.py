"""Personal identity numbers of Belgium, Luxembourg and Ireland: BE rijksregisternummer / BIS number, LU
matricule, IE PPS number."""

from __future__ import annotations

from typing import ClassVar

from stdnum import luhn, verhoeff
from stdnum.be import bis as stdnum_bis
from stdnum.be import nn as stdnum_nn
from stdnum.ie import pps as stdnum_pps

from gdprep.privacy.recognizers.national import (
    BARE,
    SHAPED,
    NationalIdRecognizer,
    compact,
    digits_of,
    not_in_future,
)


def lu_matricule_is_valid(value: str) -> bool:
    """Luxembourg matricule: YYYYMMDD, a serial of three, a Luhn digit over the first eleven digits and a
    Verhoeff digit over the same eleven (the form used since 2014)."""
    digits = digits_of(value)
    if len(digits) != 13 or not not_in_future(int(digits[:4]), int(digits[4:6]), int(digits[6:8])):
        return False
    return (luhn.calc_check_digit(digits[:11]) == digits[11]
            and verhoeff.calc_check_digit(digits[:11]) == digits[12])


class BeNationalNumberRecognizer(NationalIdRecognizer):
    """Belgian national number (rijksregisternummer, numéro de registre national) or BIS number: YYMMDD, a
    serial and a mod 97 check, printed "85.07.30-033.28". Printed so: `SHAPED`; as 11 plain digits:
    `BARE`."""

    ENTITY = "BE_NATIONAL_NUMBER"
    VALUE = r"\d{2}[.]?\d{2}[.]?\d{2}[-. ]?\d{3}[.]?\d{2}"
    CUES = (r"rijksregister(?:nummer|nr)?", r"registre\s+national", r"numéro\s+national",
            r"nationalregister(?:nummer)?", r"(?-i:NN|NISS|INSZ|RRN)", r"bis-?(?:nummer|number)", r"numéro\s+bis",
            r"identificatienummer")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}", SHAPED),
        ("bare", r"\d{11}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["rijksregisternummer", "rijksregister", "niss", "insz"]

    def validate(self, value: str) -> bool | None:
        number = digits_of(value)
        return stdnum_nn.is_valid(number) or stdnum_bis.is_valid(number)


class LuMatriculeRecognizer(NationalIdRecognizer):
    """Luxembourg national identification number (matricule): YYYYMMDD, a serial, a Luhn and a Verhoeff
    check digit, "1983 0213 012 34" or 13 digits run together. Two check digits and a date: `SHAPED`."""

    ENTITY = "LU_MATRICULE"
    VALUE = r"(?:18|19|20)\d{2}[ ]?\d{4}[ ]?\d{3}[ ]?\d{2}"
    CUES = (r"matricule", r"numéro\s+d'identi(?:fication|té)(?:\s+national)?", r"identifiant\s+national",
            r"sozialversicherungsnummer", r"cns", r"luxembourg\s+id(?:entity)?\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"(?:18|19|20)\d{2}[ ]?\d{4}[ ]?\d{3}[ ]?\d{2}", SHAPED),
    )
    CONTEXT: ClassVar[list[str]] = ["matricule", "identification"]

    def validate(self, value: str) -> bool | None:
        return lu_matricule_is_valid(value)


class IePpsRecognizer(NationalIdRecognizer):
    """Irish PPS number: seven digits, a check letter, and since 2013 a second letter (A or B for people;
    H marks a company or trust, which is not personal data and is not reported). Without a cue ("PPS",
    "PPSN") the two-letter form is specific enough for `SHAPED`; seven digits and one letter is a product
    code's shape too (one in 23 passes the check letter), so that form is found at `BARE`."""

    ENTITY = "IE_PPS"
    VALUE = r"\d{7}[ ]?[A-W][ABHTWX]?"
    CUES = (r"ppsn?", r"p\.p\.s\.", r"personal\s+public\s+service(?:\s+number)?", r"rsi(?:\s+number)?",
            r"uimhir\s+psp")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{7}(?-i:[A-W][ABTWX])", SHAPED),
        ("bare", r"\d{7}(?-i:[A-W])", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["pps", "ppsn"]

    def validate(self, value: str) -> bool | None:
        number = compact(value)
        return not number.endswith("H") and stdnum_pps.is_valid(number)


WEST_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    BeNationalNumberRecognizer,
    LuMatriculeRecognizer,
    IePpsRecognizer,
)
