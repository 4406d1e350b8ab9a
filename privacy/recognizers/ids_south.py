"""Personal identity numbers of southern and south-eastern Europe: RO CNP, BG EGN, GR AMKA, CY tax
identification code, MT identity card, PT NIF and Cartão de Cidadão."""

from __future__ import annotations

import datetime
from typing import ClassVar

from stdnum.bg import egn as stdnum_egn
from stdnum.cy import vat as stdnum_cy_vat
from stdnum.gr import amka as stdnum_amka
from stdnum.pt import cc as stdnum_cc
from stdnum.pt import nif as stdnum_nif
from stdnum.ro import cnp as stdnum_cnp

from gdprep.privacy.recognizers.national import (
    BARE,
    FORMAT_ONLY,
    SHAPED,
    NationalIdRecognizer,
    compact,
    digits_of,
)

#: first digits of a Portuguese NIF that belong to a natural person: 1-3 residents, 45 non-residents, and 8 for
#: a sole trader (empresário em nome individual); 5, 6, 7 and 9 are companies, public bodies and other entities
PT_PERSONAL_NIF_PREFIXES = ("1", "2", "3", "45", "8")
#: a Cypriot tax identification code of a natural person starts with 0 or 9; 1, 3, 4 and 5 are companies,
#: partnerships and other entities
CY_PERSONAL_TIC_PREFIXES = ("0", "9")


class RoCnpRecognizer(NationalIdRecognizer):
    """Romanian CNP: sex and century, YYMMDD, a county code, a serial and a weighted mod 11 check digit
    (13 digits). stdnum.ro.cnp checks date, county and digit; the birth date must not lie in the future.
    `BARE` without a cue ("CNP", "cod numeric personal")."""

    ENTITY = "RO_CNP"
    VALUE = r"[1-9]\d{12}"
    CUES = (r"cnp", r"cod(?:ul)?\s+numeric\s+personal")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[1-9]\d{12}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["cnp"]

    def validate(self, value: str) -> bool | None:
        return stdnum_cnp.is_valid(value) and stdnum_cnp.get_birth_date(value) <= datetime.date.today()


class BgEgnRecognizer(NationalIdRecognizer):
    """Bulgarian EGN: YYMMDD (month + 20 for the 1800s, + 40 for the 2000s), a serial and a weighted
    mod 11 check digit. `BARE` without a cue ("ЕГН", "EGN", "единен граждански номер")."""

    ENTITY = "BG_EGN"
    VALUE = r"\d{10}"
    CUES = (r"егн", r"egn", r"единен\s+граждански\s+номер", r"unified\s+civil\s+number")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"\d{10}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["егн", "egn"]

    def validate(self, value: str) -> bool | None:
        return stdnum_egn.is_valid(value) and stdnum_egn.get_birth_date(value) <= datetime.date.today()


class GrAmkaRecognizer(NationalIdRecognizer):
    """Greek AMKA: DDMMYY, a serial and a Luhn check digit (11 digits). `BARE` without a cue ("ΑΜΚΑ")."""

    ENTITY = "GR_AMKA"
    VALUE = r"[0-3]\d[01]\d{8}"
    CUES = (r"αμκα", r"α\.μ\.κ\.α\.?", r"amka", r"αριθμός\s+μητρώου\s+κοινωνικής\s+ασφάλισης")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[0-3]\d[01]\d{8}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["αμκα", "amka"]

    def validate(self, value: str) -> bool | None:
        return stdnum_amka.is_valid(value) and stdnum_amka.get_birth_date(value) <= datetime.date.today()


class CyTicRecognizer(NationalIdRecognizer):
    """Cypriot tax identification code (TIC) of a person: eight digits starting 0 or 9 and a check letter
    (stdnum.cy.vat's algorithm; a sole trader's VAT number is the same code). Eight digits and a letter is
    also the Spanish DNI's shape, so without a cue it is found at `BARE` and the DNI's own check decides."""

    ENTITY = "CY_TIC"
    VALUE = r"[09]\d{7}[ -]?[A-Z]"
    CUES = (r"tic", r"α\.?φ\.?τ\.?", r"αριθμός\s+φορολογικής\s+ταυτότητας", r"φορολογικός\s+κωδικός",
            r"tax\s+identification\s+code")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"(?-i:[09]\d{7}[A-Z])", BARE),)
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["tic", "αφτ"]

    def validate(self, value: str) -> bool | None:
        number = compact(value)
        return number.startswith(CY_PERSONAL_TIC_PREFIXES) and stdnum_cy_vat.is_valid(number)


class MtIdCardRecognizer(NationalIdRecognizer):
    """Maltese identity card number: up to seven digits and a letter (M, G, A, P, L, H, B, Z) that says
    which register issued it; there is no check digit. Seven digits and the letter without a cue are found
    at `FORMAT_ONLY` (review); shorter numbers only after a cue ("ID card", "karta tal-identità")."""

    GATE = None  # values with fewer than six digits

    ENTITY = "MT_ID_CARD"
    VALUE = r"\d{1,7}[ ]?(?-i:[MGAPLHBZ])"
    CUES = (r"karta\s+tal-identità", r"(?:maltese\s+)?id(?:entity)?[\s-]*card", r"id\s+card\s+no",
            r"numru\s+tal-identità")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"\d{7}(?-i:[MGAPLHBZ])", FORMAT_ONLY),)
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["identity", "identità", "karta"]


class PtNifRecognizer(NationalIdRecognizer):
    """Portuguese NIF of a person (first digit 1-3, 45, or 8 for a sole trader): nine digits, mod 11.
    Companies' NIFs (NIPC) are ORGANISATION_IDs. A plain nine-digit run is an order or phone number as
    often: `BARE` without a cue ("NIF", "contribuinte", "número de identificação fiscal")."""

    ENTITY = "PT_NIF"
    VALUE = r"[1-38]\d{2}[ ]?\d{3}[ ]?\d{3}"
    CUES = (r"nif", r"n\.?[ºo°]\s+(?:de\s+)?contribuinte", r"contribuinte", r"número\s+de\s+identificação\s+fiscal",
            r"numero\s+de\s+identificacao\s+fiscal")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[1-38]\d{8}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["nif", "contribuinte"]

    def validate(self, value: str) -> bool | None:
        number = digits_of(value)
        return number.startswith(PT_PERSONAL_NIF_PREFIXES) and stdnum_nif.is_valid(number)


class PtCcRecognizer(NationalIdRecognizer):
    """Portuguese Cartão de Cidadão number: the eight-digit civil identification number, its check digit,
    two version letters and a final check digit ("00000000 0 ZZ4"), checked by stdnum.pt.cc. The
    version letters and check digits make it specific: `SHAPED` without a cue."""

    ENTITY = "PT_CC"
    VALUE = r"\d{8}[ ]?\d[ ]?[A-Z]{2}\d"
    CUES = (r"cart[ãa]o\s+de\s+cidad[ãa]o", r"n\.?[ºo°]\s+(?:do\s+)?documento", r"cc",
            r"número\s+de\s+identificação\s+civil", r"citizen\s+card")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"\d{8}[ ]?\d[ ]?(?-i:[A-Z]{2})\d", SHAPED),
    )
    CONTEXT: ClassVar[list[str]] = ["cartão", "cidadão", "cc"]

    def validate(self, value: str) -> bool | None:
        return stdnum_cc.is_valid(value)


SOUTH_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    RoCnpRecognizer,
    BgEgnRecognizer,
    GrAmkaRecognizer,
    CyTicRecognizer,
    MtIdCardRecognizer,
    PtNifRecognizer,
    PtCcRecognizer,
)
