"""Tables of valid and invalid examples for the UK recognizers, plus a contract over UK_RECOGNIZERS."""

from __future__ import annotations

import pytest

from gdprep.privacy.entities import ENTITY_TYPES
from gdprep.privacy.recognizers.base import GdprepPatternRecognizer
from gdprep.privacy.recognizers.uk import (
    UK_RECOGNIZERS,
    UkBankAccountRecognizer,
    UkDrivingLicenceRecognizer,
    UkNhsRecognizer,
    UkNinoRecognizer,
    UkPassportRecognizer,
    UkPostcodeRecognizer,
    UkSortCodeRecognizer,
    UkVatRecognizer,
)

_INSTANCES: dict[type[GdprepPatternRecognizer], GdprepPatternRecognizer] = {}


def _found(cls: type[GdprepPatternRecognizer], text: str) -> list[str]:
    recognizer = _INSTANCES.setdefault(cls, cls())
    return [text[r.start:r.end] for r in recognizer.analyze(text, [cls.ENTITY])]


# (recognizer, text, the one span it must report)
VALID = [
    (UkNinoRecognizer, "My NI number is AB123456C.", "AB123456C"),
    (UkNinoRecognizer, "NINO: AB 12 34 56 C, thanks", "AB 12 34 56 C"),
    (UkNinoRecognizer, "national insurance ce 123456 d", "ce 123456 d"),
    (UkNinoRecognizer, "JG103759A", "JG103759A"),
    (UkNinoRecognizer, "Employee PZ 87 65 43 B joined", "PZ 87 65 43 B"),
    (UkNinoRecognizer, "his NI no. was HW 35 67 92 D.", "HW 35 67 92 D"),
    (UkNhsRecognizer, "NHS number 943 476 5919", "943 476 5919"),
    (UkNhsRecognizer, "patient 943-476-5919 seen today", "943-476-5919"),
    (UkNhsRecognizer, "NHS no: 9434765919.", "9434765919"),
    (UkNhsRecognizer, "NHS No. 401 023 2137", "401 023 2137"),
    (UkNhsRecognizer, "Her NHS number is 4010232137", "4010232137"),
    (UkNhsRecognizer, "N.H.S. number 9434765919", "9434765919"),      # the cue written with dots
    (UkNhsRecognizer, "9434765919 (NHS number) on file", "9434765919"),  # the cue after the number
    (UkNhsRecognizer, "ref (943 476 5870)", "943 476 5870"),
    (UkNhsRecognizer, "Patient called from 943 476 5919", "943 476 5919"),  # health: NHS despite the cue
    (UkPostcodeRecognizer, "10 Downing Street, London SW1A 2AA.", "SW1A 2AA"),
    (UkPostcodeRecognizer, "Manchester M1 1AE", "M1 1AE"),
    (UkPostcodeRecognizer, "Birmingham B33 8TH, UK", "B33 8TH"),
    (UkPostcodeRecognizer, "Croydon CR2 6XH", "CR2 6XH"),
    (UkPostcodeRecognizer, "DN55 1PT", "DN55 1PT"),
    (UkPostcodeRecognizer, "BBC, W1A 0AX", "W1A 0AX"),
    (UkPostcodeRecognizer, "EC1A 1BB", "EC1A 1BB"),
    (UkPostcodeRecognizer, "Girobank GIR 0AA", "GIR 0AA"),
    (UkPostcodeRecognizer, "postcode sw1a1aa please", "sw1a1aa"),
    (UkSortCodeRecognizer, "Sort code: 20-00-00", "20-00-00"),
    (UkSortCodeRecognizer, "sort code 200000 account 31926819", "200000"),
    (UkSortCodeRecognizer, "a/c 31926819 s/c 20 45 77", "20 45 77"),
    (UkSortCodeRecognizer, "Bank details: 12-34-56", "12-34-56"),
    (UkSortCodeRecognizer, "Kontonummer 31926819, Sort Code 40-47-84", "40-47-84"),
    (UkSortCodeRecognizer, "Pay into account no. 31926819 (60-16-13).", "60-16-13"),
    (UkBankAccountRecognizer, "Account number: 31926819", "31926819"),
    (UkBankAccountRecognizer, "acc no. 31926819", "31926819"),
    (UkBankAccountRecognizer, "Acc. No. 31926819", "31926819"),
    (UkBankAccountRecognizer, "a/c 3192 6819", "3192 6819"),
    (UkBankAccountRecognizer, "Kontonummer 31926819", "31926819"),
    (UkBankAccountRecognizer, "sort code 20-00-00, 31926819", "31926819"),
    (UkBankAccountRecognizer, "numéro de compte : 31926819", "31926819"),
    (UkPassportRecognizer, "Passport no. 123456789", "123456789"),
    (UkPassportRecognizer, "Reisepass: 987654321", "987654321"),
    (UkPassportRecognizer, "passport number is AB1234567.", "AB1234567"),
    (UkPassportRecognizer, "numéro de passeport : 123456789", "123456789"),
    (UkPassportRecognizer, "paspoort 555666777", "555666777"),
    (UkPassportRecognizer, "passaporto n° 123123123", "123123123"),
    (UkPassportRecognizer, "pasaporte 321321321", "321321321"),
    (UkDrivingLicenceRecognizer, "Licence MORGA753116SM9IJ", "MORGA753116SM9IJ"),
    (UkDrivingLicenceRecognizer, "DVLA: MORGA 753116 SM9IJ 35", "MORGA 753116 SM9IJ"),
    (UkDrivingLicenceRecognizer, "SMITH801234JD9AB", "SMITH801234JD9AB"),
    (UkDrivingLicenceRecognizer, "licence J9999607144A99XY ok", "J9999607144A99XY"),
    (UkDrivingLicenceRecognizer, "women add 5: MORGA751316SM9IJ", "MORGA751316SM9IJ"),
    (UkDrivingLicenceRecognizer, "leap day WOODS902296AB9CD", "WOODS902296AB9CD"),
    (UkVatRecognizer, "VAT GB980780684", "GB980780684"),
    (UkVatRecognizer, "VAT reg: GB 980 7806 84.", "GB 980 7806 84"),
    (UkVatRecognizer, "branch GB980 7806 84 123", "GB980 7806 84 123"),
    (UkVatRecognizer, "dept GBGD123", "GBGD123"),
    (UkVatRecognizer, "health GBHA599", "GBHA599"),
    (UkVatRecognizer, "VAT no: 980780684", "980780684"),
    (UkVatRecognizer, "USt-IdNr. 980 7806 84", "980 7806 84"),
]

# (recognizer, text that must yield nothing, why)
INVALID = [
    (UkNinoRecognizer, "QQ 12 34 56 C", "Q never first (HMRC dummy)"),
    (UkNinoRecognizer, "ZZ123456T", "ZZ not allocated, T not a suffix"),
    (UkNinoRecognizer, "GB123456A", "GB prefix not allocated"),
    (UkNinoRecognizer, "AO123456B", "O never second"),
    (UkNinoRecognizer, "AB123456E", "suffix beyond D"),
    (UkNinoRecognizer, "code XAB123456C", "inside a longer token"),
    (UkNinoRecognizer, "DA123456A", "D never first"),
    (UkNhsRecognizer, "NHS: 9434765918", "checksum"),
    (UkNhsRecognizer, "943 476 5918", "checksum, grouped"),
    (UkNhsRecognizer, "9434765919", "bare ten digits without an NHS cue"),
    (UkNhsRecognizer, "9434765918 (NHS number)", "checksum, the cue after"),
    (UkNhsRecognizer, "ref9434765919 NHS", "glued to a word"),
    (UkNhsRecognizer, "+44 943 476 5919", "tail of a phone number"),
    (UkNhsRecognizer, "943 476 5919 2", "longer digit run"),
    (UkNhsRecognizer, "943 476-5919", "mixed separators"),
    (UkNhsRecognizer, "Order 4505577104", "order number"),
    (UkNhsRecognizer, "You can reach her at 640-326-1401.", "a phone cue and nothing of health"),
    (UkNhsRecognizer, "My number is 089 078 6666, text first.", "a phone cue and nothing of health"),
    (UkPostcodeRecognizer, "ABC1 1AA", "three-letter area"),
    (UkPostcodeRecognizer, "SW1A 1AAB", "inside a longer token"),
    (UkPostcodeRecognizer, "Q1 1AA", "Q never first"),
    (UkPostcodeRecognizer, "room a1 2nd floor", "ordinal"),
    (UkPostcodeRecognizer, "SKU-4821-XL", "product code"),
    (UkPostcodeRecognizer, "SW1A-1AA", "hyphenated token"),
    (UkPostcodeRecognizer, "M1 1CK", "C/K not allowed inward"),
    (UkSortCodeRecognizer, "Order 12-34-56", "no banking cue"),
    (UkSortCodeRecognizer, "account 123456", "bare six digits need 'sort code'"),
    (UkSortCodeRecognizer, "20-00-00", "no cue at all"),
    (UkSortCodeRecognizer, "sort code 20-00-001", "longer run"),
    (UkSortCodeRecognizer, "accommodation 12-34-56", "cue inside a word"),
    (UkSortCodeRecognizer, "the sort code. Order 12-34-56", "cue in a previous sentence"),
    (UkBankAccountRecognizer, "Order #12345678", "order number"),
    (UkBankAccountRecognizer, "account 123456789", "nine digits"),
    (UkBankAccountRecognizer, "Check your account. Order 12345678", "cue in a previous sentence"),
    (UkBankAccountRecognizer, "accommodation 12345678", "cue inside a word"),
    (UkBankAccountRecognizer, "my bankruptcy 12345678", "cue inside a word"),
    (UkBankAccountRecognizer, "12345678", "no cue"),
    (UkPassportRecognizer, "Order 123456789", "no passport cue"),
    (UkPassportRecognizer, "passport 12345678", "eight digits"),
    (UkPassportRecognizer, "passport 1234567890", "ten digits"),
    (UkPassportRecognizer, "123456789", "no cue"),
    (UkPassportRecognizer, "passport expired. Ticket 123456789", "cue in a previous sentence"),
    (UkPassportRecognizer, "passport AB12345678", "too long"),
    (UkDrivingLicenceRecognizer, "MORGA713116SM9IJ", "month tens digit 3"),
    (UkDrivingLicenceRecognizer, "MORGA752316SM9IJ", "month 23 does not exist"),
    (UkDrivingLicenceRecognizer, "MORGA702306SM9IJ", "30 February"),
    (UkDrivingLicenceRecognizer, "MORGA752316SM9IJK", "seventeen characters"),
    (UkDrivingLicenceRecognizer, "M0RGA753116SM9IJ", "digit inside the surname block"),
    (UkDrivingLicenceRecognizer, "MORGA700016SM9IJ", "month 00"),
    (UkVatRecognizer, "GB980780685", "checksum"),
    (UkVatRecognizer, "980780684", "bare nine digits without a VAT cue"),
    (UkVatRecognizer, "GBGD599", "GD must be below 500"),
    (UkVatRecognizer, "GBHA123", "HA must be 500 or above"),
    (UkVatRecognizer, "VAT no: 980780685", "checksum with a cue"),
    (UkVatRecognizer, "XGB980780684", "inside a longer token"),
]


@pytest.mark.parametrize(("cls", "text", "expected"), VALID)
def test_valid_examples_report_exact_span(cls: type[GdprepPatternRecognizer], text: str,
                                          expected: str) -> None:
    assert _found(cls, text) == [expected]


@pytest.mark.parametrize(("cls", "text", "why"), INVALID)
def test_invalid_examples_report_nothing(cls: type[GdprepPatternRecognizer], text: str, why: str) -> None:
    assert _found(cls, text) == [], why


@pytest.mark.parametrize("cls", UK_RECOGNIZERS)
def test_tables_cover_every_recognizer(cls: type[GdprepPatternRecognizer]) -> None:
    assert sum(c is cls for c, _, _ in VALID) >= 6
    assert sum(c is cls for c, _, _ in INVALID) >= 6


@pytest.mark.parametrize("cls", UK_RECOGNIZERS)
def test_contract(cls: type[GdprepPatternRecognizer]) -> None:
    assert cls.ENTITY in ENTITY_TYPES
    assert cls.PATTERNS and all(isinstance(score, float) and 0 < score <= 1 for _, _, score in cls.PATTERNS)
    assert cls.__doc__ and cls.__doc__.strip()
    recognizer = cls()
    assert recognizer.supported_entities == [cls.ENTITY]
    assert recognizer.analyze("nothing to see here", [cls.ENTITY]) == []


@pytest.mark.parametrize(("cls", "text", "score"), [
    (UkNhsRecognizer, "NHS 943 476 5919", 1.0),
    (UkVatRecognizer, "GB980780684", 1.0),
    (UkNinoRecognizer, "AB123456C", 0.85),
    (UkPostcodeRecognizer, "SW1A 2AA", 0.75),
    (UkPostcodeRecognizer, "SW1A2AA", 0.5),
])
def test_checksums_raise_the_score(cls: type[GdprepPatternRecognizer], text: str, score: float) -> None:
    (result,) = cls().analyze(text, [cls.ENTITY])
    assert result.score == pytest.approx(score)
    assert result.recognition_metadata["recognizer_name"] == cls.__name__


def test_other_entities_are_not_analysed() -> None:
    assert UkNinoRecognizer().analyze("AB123456C", ["PHONE_NUMBER"]) == []
