"""Company identifiers: VAT numbers of EU member states and company register numbers.

A company's number is not personal data, so it is reported as ORGANISATION_ID, which the shipped policies
keep as it is (the report still lists it, so the choice is visible). Some countries' VAT numbers are a
person's own identity number when the holder is a sole trader (SE, ES, PT, CZ, BG, LV, CY): those are
PERSONAL_VAT_NUMBER and are redacted like any national identifier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Final

from stdnum.be import vat as stdnum_be_vat
from stdnum.bg import egn as stdnum_egn
from stdnum.cz import rc as stdnum_rc
from stdnum.dk import cvr as stdnum_cvr
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.fi import ytunnus as stdnum_ytunnus
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.is_ import kennitala as stdnum_kennitala
from stdnum.it import iva as stdnum_iva
from stdnum.no import orgnr as stdnum_no_orgnr
from stdnum.se import orgnr as stdnum_se_orgnr

from gdprep.privacy.recognizers.ids_south import CY_PERSONAL_TIC_PREFIXES, PT_PERSONAL_NIF_PREFIXES
from gdprep.privacy.recognizers.national import (
    FORMAT_ONLY,
    SHAPED,
    NationalIdRecognizer,
    compact,
    digits_of,
)


def _digits(n: int) -> str:
    """n digits, optionally grouped by single spaces, dots or hyphens."""
    return rf"\d(?:[ .-]?\d){{{n - 1}}}"


#: the VAT number after each member state's prefix (Greece's is EL)
VAT_BODIES: Final[dict[str, str]] = {
    "AT": r"U[ ]?" + _digits(8),
    "BE": rf"[01]?{_digits(9)}",
    "BG": rf"{_digits(10)}|{_digits(9)}",
    "CY": rf"{_digits(8)}[ -]?[A-Z]",
    "CZ": rf"{_digits(10)}|{_digits(9)}|{_digits(8)}",
    "DE": _digits(9),
    "DK": _digits(8),
    "EE": _digits(9),
    "EL": _digits(9),
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": _digits(8),
    "FR": rf"[A-HJ-NP-Z0-9]{{2}}[ ]?{_digits(9)}",
    "HR": _digits(11),
    "HU": _digits(8),
    "IE": r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": _digits(11),
    "LT": rf"{_digits(12)}|{_digits(9)}",
    "LU": _digits(8),
    "LV": _digits(11),
    "MT": _digits(8),
    "NL": rf"{_digits(9)}[ .]?B[ .]?\d\d",
    "PL": _digits(10),
    "PT": _digits(9),
    "RO": r"\d{6,10}",
    "SE": _digits(12),
    "SI": _digits(8),
    "SK": _digits(10),
}
#: a member state prefix in capitals, or in lower case only when the number follows without a space: "es" in
#: "Mi NIE es X9613851N" is the Spanish word, not a VAT prefix
VAT_PREFIX = {cc: rf"(?:(?-i:{cc})[ .-]?|(?-i:{cc.lower()}))" for cc in VAT_BODIES}
# cheap test before the VAT patterns run: a capitalised pair before a digit, or a lower-case pair glued to one
_VAT_PREFILTER = r"(?-i:[A-Z]{2}[ .-]?[0-9U]|[a-z]{2}[0-9])"
_VAT = (r"(?<![\w-])(?:" + "|".join(rf"{VAT_PREFIX[cc]}(?:{body})" for cc, body in VAT_BODIES.items())
        + r")(?![\w@]|[-./,]\w)")


def _se_person(body: str) -> bool:
    return int(body[2]) < 2  # an organisationsnummer's third digit is 2 or more; a personnummer's month is not


def _es_person(body: str) -> bool:
    return body[0].isdigit() or body[0] in "KLMXYZ"  # DNI or NIE; a CIF starts with a company-type letter


def _cz_person(body: str) -> bool:
    return len(body) in (9, 10) and stdnum_rc.is_valid(body)


def _bg_person(body: str) -> bool:
    return len(body) == 10 and stdnum_egn.is_valid(body)


#: member states whose VAT number is the holder's personal identity number when the holder is a person
PERSON_IN_VAT: Final[dict[str, Callable[[str], bool]]] = {
    "SE": _se_person,
    "ES": _es_person,
    "PT": lambda body: body.startswith(PT_PERSONAL_NIF_PREFIXES),
    "CZ": _cz_person,
    "BG": _bg_person,
    "LV": lambda body: body[0] <= "3",
    "CY": lambda body: body.startswith(CY_PERSONAL_TIC_PREFIXES),
}


def vat_holder(value: str) -> str | None:
    """'person' or 'organisation' for a valid EU VAT number, None for an invalid one."""
    number = compact(value)
    if not stdnum_eu_vat.is_valid(number):
        return None
    country, body = number[:2], number[2:]
    encodes_person = PERSON_IN_VAT.get(country)
    return "person" if encodes_person is not None and encodes_person(body) else "organisation"


VAT_CUES: tuple[str, ...] = (
    r"vat(?:\s+(?:reg(?:istration)?|id))?", r"ust-?id(?:nr)?", r"umsatzsteuer-?id(?:entifikationsnummer)?",
    r"tva(?:\s+intracommunautaire)?", r"btw(?:-?(?:nummer|id))?", r"iva", r"moms(?:nr|registreringsnummer)?",
    r"alv", r"mva", r"nip", r"dič", r"ič\s+dph", r"dds", r"pvm", r"pvn", r"käibemaksukohustuslase",
    r"αφμ", r"cif", r"p\.?\s*iva", r"partita\s+iva",
)


class _VatNumberRecognizer(NationalIdRecognizer):
    """An EU VAT number: the member state prefix and its national layout, checked by stdnum.eu.vat; prefixed
    and valid, it needs no cue (`SHAPED`). HOLDER says whose numbers the subclass reports (`vat_holder`)."""

    GATE = _VAT_PREFILTER  # a member-state prefix and a digit (a Romanian VAT number has only two digits)
    HOLDER: ClassVar[str]
    VALUE = _VAT
    VALUE_START = ""
    VALUE_END = ""
    CUES = VAT_CUES
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float] | tuple[str, str, float, str], ...]] = (
        ("vat", _VAT, SHAPED, _VAT_PREFILTER),
    )

    def validate(self, value: str) -> bool | None:
        return vat_holder(value) == self.HOLDER


class OrganisationVatRecognizer(_VatNumberRecognizer):
    """An EU VAT number of a company. Numbers that encode a person are left to PersonalVatRecognizer."""

    ENTITY = "ORGANISATION_ID"
    HOLDER = "organisation"
    CONTEXT: ClassVar[list[str]] = ["vat", "ust-idnr", "tva", "btw", "iva"]


class PersonalVatRecognizer(_VatNumberRecognizer):
    """An EU VAT number that is a sole trader's personal identity number (a Swedish personnummer + 01, a
    Spanish DNI or NIE, a Portuguese NIF of a person, a Czech rodné číslo, a Bulgarian EGN, a Latvian
    personas kods, a Cypriot personal TIC)."""

    ENTITY = "PERSONAL_VAT_NUMBER"
    HOLDER = "person"
    CONTEXT: ClassVar[list[str]] = ["vat", "tva", "iva", "moms"]


class DeHandelsregisterRecognizer(NationalIdRecognizer):
    """German commercial register number: HRA (partnerships, sole merchants) or HRB (companies) and up to
    six digits, "HRB 123456"; the register section makes it specific (`SHAPED`)."""

    GATE = None  # values with fewer than six digits

    ENTITY = "ORGANISATION_ID"
    VALUE = r"HR[AB][ ]?\d{1,6}"
    CUES = (r"handelsregister(?:nummer)?", r"registergericht", r"amtsgericht")
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("hr", r"HR[AB][ ]?\d{1,6}", SHAPED),)
    CONTEXT: ClassVar[list[str]] = ["handelsregister", "amtsgericht"]


class NordicOrganisationNumberRecognizer(NationalIdRecognizer):
    """Nordic company numbers: a Swedish organisationsnummer (NNNNNN-NNNN, third digit 2 or more, Luhn),
    a Finnish Y-tunnus (NNNNNNN-N, mod 11) or an Icelandic company kennitala (day + 40). Without a cue
    only the hyphenated forms are found, at `FORMAT_ONLY`, below any personal number of the same digits
    (ten plain digits passing Luhn are one random number in ten)."""

    ENTITY = "ORGANISATION_ID"
    VALUE = r"\d{6}-?\d{4}|\d{7}-\d"
    CUES = (r"org(?:anisations)?\.?\s*-?(?:nummer|nr)", r"orgnr", r"y-tunnus", r"business\s+id",
            r"company\s+(?:id(?:entity)?|registration)(?:\s+(?:code|number))?", r"kennitala\s+félags")
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("nordic", r"\d{6}-\d{4}|\d{7}-\d", FORMAT_ONLY),
    )
    CONTEXT: ClassVar[list[str]] = ["organisationsnummer", "orgnr", "y-tunnus"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        if len(digits) == 8:
            return stdnum_ytunnus.is_valid(value)
        if int(digits[2]) >= 2 and stdnum_se_orgnr.is_valid(digits):
            return True  # a third digit below 2 is a month: a sole trader's personnummer
        return stdnum_kennitala.is_valid(digits) and int(digits[:2]) > 40


class CuedCompanyNumberRecognizer(NationalIdRecognizer):
    """Company numbers that are bare digit runs, only after their name: DK CVR, NO organisasjonsnummer,
    FR SIREN/SIRET, BE ondernemingsnummer, IT partita IVA. The partita IVA alone is also found without a cue
    at `FORMAT_ONLY` (eleven digits starting 0 with a passing check are rarely anything else)."""

    ENTITY = "ORGANISATION_ID"
    VALUE = r"\d{3}[ ]?\d{3}[ ]?\d{3}(?:[ ]?\d{5})?|\d{4}[.]?\d{3}[.]?\d{3}|\d{8}|\d{11}"
    CUES = (r"cvr(?:-?nr|-?nummer)?", r"org(?:anisasjons)?\.?\s*-?(?:nummer|nr)", r"siren", r"siret",
            r"ondernemingsnummer", r"numéro\s+d'entreprise", r"kbo", r"bce", r"partita\s+iva", r"p\.?\s*iva")
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("it_iva", r"0\d{10}", FORMAT_ONLY),)
    CONTEXT: ClassVar[list[str]] = ["cvr", "siren", "siret", "iva"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        checks = (stdnum_cvr.is_valid, stdnum_no_orgnr.is_valid, stdnum_siren.is_valid, stdnum_siret.is_valid,
                  stdnum_be_vat.is_valid, stdnum_iva.is_valid)
        return any(check(digits) for check in checks)


ORGANISATION_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    OrganisationVatRecognizer,
    PersonalVatRecognizer,
    DeHandelsregisterRecognizer,
    NordicOrganisationNumberRecognizer,
    CuedCompanyNumberRecognizer,
)
