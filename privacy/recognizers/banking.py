"""Banking identifiers: IBANs for every EU/EEA country plus GB and CH, and payment card numbers.

IBANs are checked by stdnum.iban (mod 97 and the national BBAN layout), card numbers by stdnum.luhn
plus the issuer's prefix and length, so a digit run that merely passes Luhn is not a card.
"""

from __future__ import annotations

from typing import ClassVar, Final

from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn

from gdprep.privacy.recognizers.base import SIX_DIGITS, GdprepPatternRecognizer

#: IBAN length per country (SWIFT IBAN registry): EU 27, EEA (IS, LI, NO), GB and CH.
IBAN_LENGTHS: Final[dict[str, int]] = {
    "AT": 20, "BE": 16, "BG": 22, "HR": 21, "CY": 28, "CZ": 24, "DK": 18, "EE": 20, "FI": 18,
    "FR": 27, "DE": 22, "GR": 27, "HU": 28, "IE": 22, "IT": 27, "LV": 21, "LT": 20, "LU": 20,
    "MT": 31, "NL": 18, "PL": 28, "PT": 25, "RO": 24, "SK": 24, "SI": 19, "ES": 24, "SE": 24,
    "IS": 26, "LI": 21, "NO": 15, "GB": 22, "CH": 21,
}


def _iban_regex(country: str, length: int) -> str:
    """Country code, check digits, then the BBAN in groups of four, each optionally space-led."""
    groups, rest = divmod(length - 4, 4)
    tail = f"[ ]?[A-Z0-9]{{{rest}}}" if rest else ""
    return rf"{country}\d{{2}}(?:[ ]?[A-Z0-9]{{4}}){{{groups}}}{tail}"


class IbanRecognizer(GdprepPatternRecognizer):
    """IBAN, compact ("DE89370400440532013000") or printed in groups of four ("DE89 3704 0044 …").

    The regex fixes each country's length, so a following word or number is never swallowed;
    stdnum.iban then checks mod 97, the BBAN layout and national check digits where it knows them.
    """

    ENTITY = "IBAN_CODE"
    # every IBAN opens with its country code and two check digits
    GATE = r"(?i)[a-z]{2}\d\d"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "iban",
        r"(?<![\w-])(?:" + "|".join(_iban_regex(cc, n) for cc, n in IBAN_LENGTHS.items()) + r")(?![\w-])",
        0.5,
    )]
    CONTEXT: ClassVar[list[str]] = ["iban", "bank", "account", "konto", "compte", "rekening", "cuenta",
                                    "conto"]

    def validate(self, value: str) -> bool | None:
        return stdnum_iban.is_valid(value)


# (lowest prefix, highest prefix, allowed lengths): prefixes compare on as many leading digits as
# the bound has. Overlaps (Discover 65 inside Maestro 56-69) are harmless: any row may accept.
_ISSUERS: Final[tuple[tuple[int, int, range | tuple[int, ...]], ...]] = (
    (4, 4, (13, 16, 19)),            # Visa
    (51, 55, (16,)),                 # Mastercard
    (2221, 2720, (16,)),             # Mastercard 2-series
    (34, 34, (15,)), (37, 37, (15,)),  # American Express
    (300, 305, range(14, 20)), (36, 36, range(14, 20)), (38, 39, range(14, 20)),  # Diners Club
    (3528, 3589, range(16, 20)),     # JCB
    (1800, 1800, (15,)), (2131, 2131, (15,)),  # JCB's older 15-digit ranges
    (6011, 6011, range(16, 20)), (644, 649, range(16, 20)), (65, 65, range(16, 20)),  # Discover
    (62, 62, range(16, 20)),         # UnionPay
    (50, 50, range(12, 20)), (56, 69, range(12, 20)),  # Maestro (12 digits only next to a card cue)
)


def _issuer_accepts(digits: str) -> bool:
    return any(low <= int(digits[:len(str(low))]) <= high and len(digits) in lengths
               for low, high, lengths in _ISSUERS)


class CreditCardRecognizer(GdprepPatternRecognizer):
    """Payment card number, 13-19 digits: compact, in groups of four, or Amex/Diners 4-6-5 / 4-6-4,
    separated by spaces or hyphens used consistently. Valid = Luhn + a known issuer prefix/length."""

    ENTITY = "CREDIT_CARD"
    GATE = SIX_DIGITS
    _START = r"(?<![\w+.,/-])"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("credit_card_compact", rf"{_START}\d{{13,19}}(?![\w]|[.,/-]\d)", 0.3),
        # (?!sep digit): a fifth group of four or more digits means a longer reference number
        ("credit_card_grouped",
         rf"{_START}\d{{4}}(?P<sep>[ -])\d{{4}}(?P=sep)\d{{4}}(?P=sep)\d{{1,4}}(?:(?P=sep)\d{{1,3}})?"
         r"(?!\w|(?P=sep)\d|[.,/]\d)", 0.3),
        ("credit_card_amex_diners",
         rf"{_START}\d{{4}}(?P<sep>[ -])\d{{6}}(?P=sep)\d{{4,5}}(?!\w|(?P=sep)\d|[.,/]\d)", 0.3),
    ]
    CONTEXT: ClassVar[list[str]] = ["card", "credit", "debit", "visa", "mastercard", "amex", "karte",
                                    "carte", "tarjeta", "carta"]

    def validate(self, value: str) -> bool | None:
        digits = "".join(ch for ch in value if ch.isdigit())
        return 12 <= len(digits) <= 19 and _issuer_accepts(digits) and stdnum_luhn.is_valid(digits)


class CuedCardRecognizer(GdprepPatternRecognizer):
    """A 12-19 digit number right after a card cue word ("card", "Karte", "tarjeta" ...): there Luhn alone
    is enough, so 12-digit Maestro numbers and issuer ranges missing from the table above are found too."""

    ENTITY = "CREDIT_CARD"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("credit_card_after_cue",
         r"\b(?:card|karte|kreditkarte|carte|tarjeta|carta|cart[aã]o|kort|karta|kaart|kortti)\b"
         r"(?:[ \t]*(?:number|no\.?|nr\.?|num[ée]ro|n[úu]mero|nummer)\b)?[^\d\n]{0,12}"
         r"(?<![\w+.,/-])(?P<value>\d(?:[ -]?\d){11,18})(?![\w]|[ .,/-]?\d)", 0.3),
    ]

    CONTEXT: ClassVar[list[str]] = ["card", "credit", "debit"]

    def validate(self, value: str) -> bool | None:
        digits = "".join(ch for ch in value if ch.isdigit())
        return 12 <= len(digits) <= 19 and stdnum_luhn.is_valid(digits)


BANKING_RECOGNIZERS: tuple[type[GdprepPatternRecognizer], ...] = (IbanRecognizer, CreditCardRecognizer,
                                                                  CuedCardRecognizer)
