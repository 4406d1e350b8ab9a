"""Personal identity numbers of central Europe: the German social and health insurance numbers and the
Steuernummer, AT Versicherungsnummer, LI PEID, CZ/SK rodné číslo, HU TAJ and adóazonosító jel, SI EMŠO, HR OIB.

Checksums come from python-stdnum where it has them; the German insurance numbers and the Hungarian ones
are checked here with their published algorithms.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from stdnum.at import vnr as stdnum_vnr
from stdnum.cz import rc as stdnum_rc
from stdnum.de import stnr as stdnum_stnr
from stdnum.hr import oib as stdnum_oib
from stdnum.li import peid as stdnum_peid
from stdnum.si import emso as stdnum_emso

from gdprep.privacy.recognizers.national import (
    BARE,
    SHAPED,
    NationalIdRecognizer,
    compact,
    digits_of,
    is_date,
)


def _cross_sum(number: int) -> int:
    return sum(divmod(number, 10))


def rvnr_is_valid(value: str) -> bool:
    """Rentenversicherungsnummer (VKVV § 4): area (2), DDMMYY (the day + 50 as a supplement), the birth
    name's initial, serial (2) and a check digit: the letter becomes its two-digit place in the alphabet,
    the 12 digits are weighted 2,1,2,5,7,1,2,1,2,1,2,1 and the cross sums of the products add up mod 10."""
    number = compact(value)
    if len(number) != 12 or not (number[:8] + number[9:]).isdigit() or not "A" <= number[8] <= "Z":
        return False
    day, month = int(number[2:4]), int(number[4:6])
    if day > 50:
        day -= 50
    if not is_date(2000, month, day):  # the century is unknown: 2000 allows 29 February
        return False
    digits = number[:8] + f"{ord(number[8]) - 64:02d}" + number[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    return sum(_cross_sum(int(d) * w) for d, w in zip(digits, weights, strict=True)) % 10 == int(number[11])


def kvnr_is_valid(value: str) -> bool:
    """Krankenversichertennummer (§ 290 SGB V): a letter, eight digits and a check digit; the letter becomes
    its two-digit place in the alphabet, the ten digits are weighted 1,2,1,2,... and the cross sums of the
    products add up mod 10."""
    number = compact(value)
    if len(number) != 10 or not "A" <= number[0] <= "Z" or not number[1:].isdigit():
        return False
    digits = f"{ord(number[0]) - 64:02d}" + number[1:9]
    return sum(_cross_sum(int(d) * (1 + i % 2)) for i, d in enumerate(digits)) % 10 == int(number[9])


def taj_is_valid(value: str) -> bool:
    """Hungarian TAJ: nine digits, the last = the first eight weighted 3,7,3,7,... mod 10."""
    digits = digits_of(value)
    return len(digits) == 9 and sum(int(d) * (3, 7)[i % 2] for i, d in enumerate(digits[:8])) % 10 == int(digits[8])


def hu_tax_id_is_valid(value: str) -> bool:
    """Hungarian adóazonosító jel of a person: 8, the birth date as days since 1 January 1867, a serial and a
    check digit = sum of digit x position (1-9) mod 11 (10 never occurs)."""
    digits = digits_of(value)
    if len(digits) != 10 or digits[0] != "8":
        return False
    born = datetime.date(1867, 1, 1) + datetime.timedelta(days=int(digits[1:6]))
    check = sum(int(d) * (i + 1) for i, d in enumerate(digits[:9])) % 11
    return born <= datetime.date.today() and check != 10 and check == int(digits[9])


class DeSocialSecurityRecognizer(NationalIdRecognizer):
    """German Rentenversicherungsnummer, "15 070649 C 103" or "15070649C103": the letter in the middle and a
    check digit make the shape specific (`SHAPED`); "Rentenversicherungsnummer", "SV-Nummer" make it certain."""

    ENTITY = "DE_SOCIAL_SECURITY"
    VALUE = r"\d{2}[ ]?\d{6}[ ]?[A-Z][ ]?\d{3}"
    CUES = (r"rentenversicherungs(?:nummer|nr)", r"sozialversicherungs(?:nummer|nr|ausweis)", r"rv-?nr",
            r"rvnr", r"sv-?(?:nummer|nr)", r"versicherungsnummer", r"social\s+security\s+(?:number|no)")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("shaped", r"\d{2}[ ]?\d{6}[ ]?[A-Z][ ]?\d{3}", SHAPED),)
    CONTEXT: ClassVar[list[str]] = ["rentenversicherungsnummer", "sozialversicherungsnummer", "rvnr"]

    def validate(self, value: str) -> bool | None:
        return rvnr_is_valid(value)


class DeHealthInsuranceRecognizer(NationalIdRecognizer):
    """German Krankenversichertennummer (eGK): a letter and nine digits, the last a check digit. A letter
    and nine digits is also an invoice or order number's shape, so without a cue ("KVNR", "Versichertennummer",
    "eGK") it is found at `BARE`."""

    ENTITY = "DE_HEALTH_INSURANCE"
    VALUE = r"[A-Z]\d{9}"
    CUES = (r"krankenversicherten(?:nummer|nr)", r"krankenversicherungs(?:nummer|nr)", r"kvnr", r"kv-nr",
            r"versicherten(?:nummer|nr)", r"egk(?:-nummer)?", r"krankenkasse", r"health\s+insurance\s+(?:number|no)")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[A-Z]\d{9}", BARE),)
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["krankenversichertennummer", "kvnr", "versichertennummer", "krankenkasse"]

    def validate(self, value: str) -> bool | None:
        return kvnr_is_valid(value)


class DeTaxNumberRecognizer(NationalIdRecognizer):
    """German Steuernummer in a Land's printed layout ("181/815/08155", "21/815/08150", "12/3456/7890") or
    the 13-digit ELSTER form; stdnum.de.stnr checks the layouts and tax office prefixes (there is no check
    digit common to all Länder). It names a taxpayer, often a person. A Land's slashed layout is found
    without a cue (`SHAPED`; the phone recognizer leaves it alone, where digits split by slashes would
    otherwise read as a phone number and be redacted under the wrong type); the ELSTER digit run only after
    a cue ("Steuernummer", "St.-Nr.")."""

    ENTITY = "DE_TAX_NUMBER"
    VALUE = r"\d{2,3}/\d{3,4}/\d{4,5}|\d{13}|\d{10,11}"
    CUES = (r"steuer-?(?:nummer|nr)", r"st\.?-?\s?nr", r"stnr", r"tax\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("slashed", r"\d{2,3}/\d{3,4}/\d{4,5}", SHAPED),)
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["steuernummer", "stnr"]

    def validate(self, value: str) -> bool | None:
        return stdnum_stnr.is_valid(value)


class AtSvnrRecognizer(NationalIdRecognizer):
    """Austrian Versicherungsnummer: a three-digit serial, a check digit and the birth date DDMMYY,
    "1237 010180" (`SHAPED`) or run together (`BARE`). stdnum.at.vnr checks the digit; the date must be real."""

    ENTITY = "AT_SVNR"
    VALUE = r"[1-9]\d{3}[ ]?\d{6}"
    CUES = (r"sozialversicherungs(?:nummer|nr)", r"sv-?(?:nummer|nr)", r"svnr", r"vsnr", r"versicherungs(?:nummer|nr)",
            r"e-card")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"[1-9]\d{3} \d{6}", SHAPED),
        ("bare", r"[1-9]\d{9}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["sozialversicherungsnummer", "svnr", "versicherungsnummer"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        return stdnum_vnr.is_valid(digits) and is_date(2000, int(digits[6:8]), int(digits[4:6]))


class LiPeidRecognizer(NationalIdRecognizer):
    """Liechtenstein Personenidentifikationsnummer (PEID): the tax administration's number for a resident
    person (entities get one too), up to 12 digits, often written with leading zeros or in groups of three.
    It has no check digit (stdnum.li.peid checks its length), so it is found only after a cue ("PEID",
    "Personenidentifikationsnummer"), at `CUED_SCORE`."""

    ENTITY = "LI_PEID"
    VALUE = r"\d{1,3}(?:[ .]\d{3}){1,3}|\d{4,12}"
    CUES = (r"peid(?:-?(?:nr|nummer))?", r"personen-?identifikations-?(?:nummer|nr)")
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["peid", "personenidentifikationsnummer"]

    def validate(self, value: str) -> bool | None:
        return None if stdnum_peid.is_valid(value) else False


class CzSkRodneCisloRecognizer(NationalIdRecognizer):
    """Czech and Slovak rodné číslo: YYMMDD/SSSC (women's month + 50, from 2004 also + 20), mod 11 over
    the ten digits; numbers issued before 1954 have nine digits and no check digit, so those need a cue.
    "YYMMDD/NNNN" with its slash: `SHAPED`; ten digits run together: `BARE`."""

    ENTITY = "CZ_SK_RODNE_CISLO"
    VALUE = r"\d{6}/?\d{3,4}"
    CUES = (r"rodné\s+číslo", r"rodného\s+čísla", r"rodne\s+cislo", r"r\.\s?č\.", r"rč", r"birth\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{6}/\d{4}", SHAPED),
        ("bare", r"\d{10}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["rodné", "číslo", "rč"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        if not stdnum_rc.is_valid(digits):
            return False
        return stdnum_rc.get_birth_date(digits) <= datetime.date.today()


class HuTajRecognizer(NationalIdRecognizer):
    """Hungarian TAJ (social security) number: nine digits, "123 456 788", with a weighted mod 10 check
    digit. One random number in ten passes, so it is found only after a cue ("TAJ", "TAJ-szám")."""

    ENTITY = "HU_TAJ"
    VALUE = r"\d{3}[ -]?\d{3}[ -]?\d{3}"
    CUES = (r"taj(?:-?szám(?:a|om)?)?", r"társadalombiztosítási\s+azonosító(?:\s+jel)?", r"tb-?szám")
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["taj", "taj-szám"]

    def validate(self, value: str) -> bool | None:
        return taj_is_valid(value)


class HuTaxIdRecognizer(NationalIdRecognizer):
    """Hungarian adóazonosító jel of a person: 8, the birth date as a day count, a serial and a mod 11
    check digit. `BARE` without a cue ("adóazonosító jel")."""

    ENTITY = "HU_TAX_ID"
    VALUE = r"8\d{9}"
    CUES = (r"adóazonosító(?:\s+jel(?:e|em)?)?", r"adóazonosítója", r"tax\s+identification\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"8\d{9}", BARE),)
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["adóazonosító", "adóazonosító jel"]

    def validate(self, value: str) -> bool | None:
        return hu_tax_id_is_valid(value)


class SiEmsoRecognizer(NationalIdRecognizer):
    """Slovenian EMŠO: DDMMYYY, a region, a serial and a mod 11 check digit (13 digits). `BARE` without a
    cue ("EMŠO", "matična številka")."""

    ENTITY = "SI_EMSO"
    VALUE = r"[0-3]\d[01]\d{10}"
    CUES = (r"emšo", r"emso", r"enotna\s+matična\s+številka(?:\s+občana)?", r"matična\s+številka")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[0-3]\d[01]\d{10}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["emšo", "emso"]

    def validate(self, value: str) -> bool | None:
        if not stdnum_emso.is_valid(value):
            return False
        return stdnum_emso.get_birth_date(value) <= datetime.date.today()


class HrOibRecognizer(NationalIdRecognizer):
    """Croatian OIB: 11 digits with an ISO 7064 mod 11,10 check digit and no date. One random 11-digit
    number in ten passes, so it is found only after a cue ("OIB", "osobni identifikacijski broj"). Firms
    have an OIB too; after a cue it is reported as personal, the safe side."""

    ENTITY = "HR_OIB"
    VALUE = r"\d{11}"
    CUES = (r"oib", r"osobni\s+identifikacijski\s+broj")
    CONTEXT: ClassVar[list[str]] = ["oib"]

    def validate(self, value: str) -> bool | None:
        return stdnum_oib.is_valid(value)


CENTRAL_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    DeSocialSecurityRecognizer,
    DeHealthInsuranceRecognizer,
    DeTaxNumberRecognizer,
    AtSvnrRecognizer,
    LiPeidRecognizer,
    CzSkRodneCisloRecognizer,
    HuTajRecognizer,
    HuTaxIdRecognizer,
    SiEmsoRecognizer,
    HrOibRecognizer,
)
