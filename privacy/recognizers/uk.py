"""UK identifiers: National Insurance, NHS, postcode, sort code, bank account, passport, DVLA licence, VAT.

One declarative class per identifier; checksums come from python-stdnum. Bank and passport numbers
are bare digit runs, so their patterns demand a cue word and report only the `value` group.
"""

from __future__ import annotations

import calendar
from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum.gb import nhs as stdnum_nhs
from stdnum.gb import vat as stdnum_vat

from gdprep.privacy.recognizers.base import SIX_DIGITS, GdprepPatternRecognizer

# Up to 30 characters between a cue and its value: no digits (another number would be the value) and
# no sentence break, so "your account. Order 12345678" does not tie the cue to the order number.
_GAP = r"(?:(?!(?-i:[.!?]\s+\p{Lu}))[^\d\n]){0,30}?"
# "number", "no.", "Nr.", "n°" after a cue; the abbreviation's dot must not read as a sentence break
_NUMBER_WORD = r"(?:\s*(?:number|num[ée]ro|numero|nummer|no\.?|nr\.?|n[°º]\.?|#))?"

# Cue words shared by sort codes and account numbers (EN, DE, FR, NL, IT, ES).
_BANK_CUE = (
    r"\b(?:sort[\s-]*code|s/c|bank(?:ing)?(?:\s+details)?|a/c|acc(?:ount|t)?|kontonummer|konto|"
    r"num[ée]ro\s+de\s+compte|compte|rekening(?:nummer)?|conto|n[uú]mero\s+de\s+cuenta|cuenta)"
    rf"(?!\w)(?:\.(?=\s*(?:no|nr|number)\b))?{_NUMBER_WORD}"
)
_SORT_CODE = r"\d{2}[- ]?\d{2}[- ]?\d{2}"
_ACCOUNT = r"(?:\d{8}|\d{4} \d{4})"

# Royal Mail letter rules per position; a lower-case ordinal ("2nd") is never an inward code.
_POSTCODE_OUTWARD = (r"(?:[A-PR-UWYZ][A-HK-Y]?\d{1,2}|[A-PR-UWYZ]\d[A-HJKPSTUW]"
                     r"|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRV-Y])")
_POSTCODE_INWARD = r"(?-i:(?!\d(?:st|nd|rd|th)(?![\w-])))\d[ABD-HJLNP-UW-Z]{2}"

_VAT_DIGITS = r"\d{3}[ -]?\d{4}[ -]?\d{2}(?:[ -]?\d{3})?"


class UkNinoRecognizer(GdprepPatternRecognizer):
    """UK National Insurance number: two prefix letters, six digits, suffix A-D ("AB 12 34 56 C").

    The prefix rules are HMRC's: D, F, I, Q, U, V never appear; O is never second; BG, GB, KN, NK,
    NT, TN and ZZ are not allocated (ZZ and QQ are the usual dummy numbers, so they are not PII).
    """

    ENTITY = "UK_NINO"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "uk_nino",
        r"(?<![A-Z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
        r"[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D](?![A-Z0-9])",
        0.85,
    )]
    CONTEXT: ClassVar[list[str]] = ["national", "insurance", "nino", "ni"]


#: a record that mentions health care keeps its 3-3-4 numbers NHS numbers, cue words or not
_HEALTH_CUE = regex.compile(r"\b(?:nhs|chi|patient|health|hospital|gp|clinic|surgery|nurse|doctor|referral"
                            r"|prescription|ward|a&e|ambulance|medical)\b", regex.IGNORECASE)


class UkNhsRecognizer(GdprepPatternRecognizer):
    """NHS number: ten digits, 3-3-4, mod 11 check digit (stdnum.gb.nhs).

    The grouped form is accepted anywhere; an ungrouped ten-digit run only after an NHS cue, since
    one in eleven arbitrary ten-digit numbers passes mod 11. A run led by "+44 " or a ")" is the tail
    of a phone number, not an NHS number.
    """

    ENTITY = "UK_NHS"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("uk_nhs_grouped", r"(?<![\d+)][ -]?)(?<![\w])\d{3}(?P<sep>[ -])\d{3}(?P=sep)\d{4}(?![ -]?\d)", 0.5),
        ("uk_nhs_cued", rf"(?:\b(?:NHS|CHI|health\s+(?:service|care))\b|\bN\.H\.S\b\.?){_GAP}"
                        rf"(?P<value>(?<!\d)\d{{10}})(?!\d)", 0.5),
        # the cue after the number: "9434765919 (NHS number)", "9434765919 NHS"
        ("uk_nhs_cued_after", r"(?<![\w+])(?P<value>\d{10})(?!\d)[ \t]*\(?[ \t]*(?:NHS|N\.H\.S)\b", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["nhs", "patient", "health"]

    def validate(self, value: str) -> bool | None:
        return stdnum_nhs.is_valid(value)

    ANALYZE_ONLY_NARROWS = True  # drops grouped numbers read as phones

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        """A grouped number after a phone cue ("reach her at 640-326-1401", "My number is 089 078 6666") is the
        phone number it reads as, in a record that says nothing of health: one in eleven 3-3-4 phone numbers
        passes the NHS check digit."""
        results = super().analyze(text, entities, nlp_artifacts)
        if not results or _HEALTH_CUE.search(text):
            return results
        from gdprep.privacy.recognizers.phone import PhoneRecognizer  # phone imports this module

        return [r for r in results
                if r.analysis_explanation is None or r.analysis_explanation.pattern_name != "uk_nhs_grouped"
                or not PhoneRecognizer.has_phone_cue(text, r.start, r.end)]


class UkPostcodeRecognizer(GdprepPatternRecognizer):
    """UK postcode in every format (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA, GIR 0AA).

    Letter positions follow Royal Mail's rules (e.g. no Q/V/X first, no C/I/K/M/O/V inward), so most
    product codes fail. The unspaced form scores lower; a lower-case ordinal ("a1 2nd") and a hex colour
    ("#ff00aa") are rejected.
    """

    ENTITY = "UK_POSTCODE"
    # every form ends with its inward code, a digit and two letters
    GATE = r"(?i)\d[a-z]{2}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("uk_postcode_spaced",
         rf"(?<![\w#-])(?:GIR[ ]0AA|{_POSTCODE_OUTWARD}[ ]{_POSTCODE_INWARD})(?![\w-])", 0.75),
        ("uk_postcode_compact",
         rf"(?<![\w#-])(?:GIR0AA|{_POSTCODE_OUTWARD}{_POSTCODE_INWARD})(?![\w-])", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["postcode", "post code", "address", "postal"]


# "20-00-00 12345678", "20 00 00 / 12345678": a sort code next to an account number, with no cue at all
_PAIR_GAP = (r"[ \t]*(?:[,/|;:]|-{1,2}|–)?[ \t]*"
             r"(?:(?i:acc(?:ount|t)?\.?(?:[ \t]*(?:no\.?|number))?|a/c(?:[ \t]*no\.?)?)[ \t]*:?[ \t]*)?")
_PAIR_END = r"(?!\d|[.,]\d|-)"  # a sentence may end right after the number; a decimal may not
_PAIR_CODE = rf"(?P<value>(?<![\d.-])\d{{2}}(?P<sep>[- ])\d{{2}}(?P=sep)\d{{2}})(?={_PAIR_GAP}\d{{8}}{_PAIR_END})"
# (no back-reference inside the look-behind: it is matched right to left)
_PAIR_ACCOUNT = (rf"(?<=(?<![\d.-])(?:\d{{2}}-\d{{2}}-\d{{2}}|\d{{2}} \d{{2}} \d{{2}}){_PAIR_GAP})"
                 rf"(?P<value>\d{{8}}){_PAIR_END}")


class UkSortCodeRecognizer(GdprepPatternRecognizer):
    """UK bank sort code (20-00-00, 20 00 00), only after a banking cue such as "sort code" or "a/c".

    A bare six-digit number is an order or reference number far more often than a sort code, so the
    cue is part of the pattern; an account number may sit between cue and code.
    """

    ENTITY = "UK_SORT_CODE"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("uk_sort_code_cued",
         rf"{_BANK_CUE}{_GAP}(?:{_ACCOUNT}(?!\d){_GAP})?"
         r"(?P<value>(?<!\d)\d{2}(?P<sep>[- ])\d{2}(?P=sep)\d{2})(?![\d-])", 0.6),
        # six digits without separators are only credible right after "sort code"
        ("uk_sort_code_bare", rf"\bsort[\s-]*code{_GAP}(?P<value>(?<!\d)\d{{6}})(?![\d-])", 0.6),
        # the pair is its own evidence: a 99-99-99 code followed closely by an 8-digit account number
        ("uk_sort_code_pair", _PAIR_CODE, 0.6),
    ]
    CONTEXT: ClassVar[list[str]] = ["sort", "code", "bank", "account"]


class UkBankAccountRecognizer(GdprepPatternRecognizer):
    """UK bank account number (eight digits), only after a banking cue ("account no.", "a/c", "Konto").

    A sort code may sit between cue and number ("sort code 20-00-00, 12345678"). Two groups of four
    followed by another digit group are part of a longer number (an IBAN's "BANK 0000 4351 9500 1").
    """

    ENTITY = "UK_BANK_ACCOUNT"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("uk_bank_account_cued",
         rf"{_BANK_CUE}{_GAP}(?:{_SORT_CODE}(?!\d){_GAP})?(?P<value>(?<!\d){_ACCOUNT})(?![\d-]|[ ]\d)", 0.6),
        ("uk_bank_account_pair", _PAIR_ACCOUNT, 0.6),
    ]
    CONTEXT: ClassVar[list[str]] = ["account", "bank", "a/c", "konto"]


class UkPassportRecognizer(GdprepPatternRecognizer):
    """UK passport number (nine digits, or the newer two letters + seven digits) after a passport cue.

    Nine digits on their own are anything at all, so the cue ("passport no.", "Reisepass",
    "passeport", "paspoort", "passaporto", "pasaporte") is part of the pattern.
    """

    ENTITY = "UK_PASSPORT"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "uk_passport_cued",
        r"\b(?:passport|reisepass|pass(?:nummer|-?nr\.?)|passeport|paspoort|passaporto|pasaporte)"
        rf"{_NUMBER_WORD}{_GAP}(?P<value>(?<![A-Z0-9])(?:\d{{9}}|[A-Z]{{2}}\d{{7}}))(?![A-Z0-9])",
        0.8,
    )]
    CONTEXT: ClassVar[list[str]] = ["passport", "reisepass", "passeport", "paspoort"]


class UkDrivingLicenceRecognizer(GdprepPatternRecognizer):
    """DVLA driving licence number, 16 characters: MORGA 753116 SM9IJ.

    Surname (5, padded with 9), decade digit, month (+50 for women), day, year digit, two initials
    (padded with 9), an arbitrary digit (usually 9) and two check characters. `validate` rejects
    impossible dates.
    """

    ENTITY = "UK_DRIVING_LICENCE"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "uk_driving_licence",
        r"(?<![A-Z0-9])(?:[A-Z]{5}|[A-Z]{4}9|[A-Z]{3}99|[A-Z]{2}999|[A-Z]9999)[ ]?"
        r"\d[0156]\d[0-3]\d\d[ ]?(?:[A-Z]{2}|[A-Z]9)\d[A-Z0-9]{2}(?![A-Z0-9])",
        0.85,
    )]
    CONTEXT: ClassVar[list[str]] = ["driving", "licence", "license", "dvla", "führerschein"]

    def validate(self, value: str) -> bool | None:
        digits = value.replace(" ", "")[5:11]
        month = int(digits[1]) % 5 * 10 + int(digits[2])
        day = int(digits[3:5])
        if not 1 <= month <= 12:
            return False
        # a leap year, because only the year's last digit is known
        return None if 1 <= day <= calendar.monthrange(2000, month)[1] else False


class UkVatRecognizer(GdprepPatternRecognizer):
    """UK VAT registration number: GB + 9 or 12 digits, or GBGD/GBHA + 3; checked by stdnum.gb.vat.

    The prefixed form is accepted anywhere; a bare nine-digit number only after a VAT cue
    ("VAT no.", "USt-IdNr.", "TVA", "BTW", "IVA").
    """

    ENTITY = "UK_VAT"
    # nine or twelve digits; the government and health-authority forms (GD001, HA500) have three
    GATE = rf"(?i){SIX_DIGITS}|(?:gd|ha)\d"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("uk_vat_prefixed",
         rf"(?<![\w])(?:GB|XI)[ -]?(?:{_VAT_DIGITS}|GD[0-4]\d\d|HA[5-9]\d\d)(?![\w-])", 0.6),
        ("uk_vat_cued",
         rf"\b(?:VAT|USt|MwSt|TVA|BTW|IVA)\b(?:[\s-]*(?:reg(?:istration)?|id)\.?)?{_NUMBER_WORD}{_GAP}"
         rf"(?P<value>(?<![\w]|(?:GB|XI)[ -]){_VAT_DIGITS})(?![\w-])", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["vat", "registration", "tax"]

    def validate(self, value: str) -> bool | None:
        return stdnum_vat.is_valid(value)


UK_RECOGNIZERS: tuple[type[GdprepPatternRecognizer], ...] = (
    UkNinoRecognizer,
    UkNhsRecognizer,
    UkPostcodeRecognizer,
    UkSortCodeRecognizer,
    UkBankAccountRecognizer,
    UkPassportRecognizer,
    UkDrivingLicenceRecognizer,
    UkVatRecognizer,
)
