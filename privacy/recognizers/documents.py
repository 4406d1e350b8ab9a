"""Passport, identity card and driving licence numbers of the EU/EEA countries.

Most document numbers carry no check digit, and many countries share a layout (two letters and seven
digits is the passport number of a dozen of them), so the type says what the document is, not which
country issued it; the recognizer and pattern name say which layout matched. After a cue word in any of
the countries' languages, any document-number shape counts (`CUED`). Without one, only layouts specific
enough to a country are found, and only in capitals, at `FORMAT_ONLY`: they go to review, never to silence
and never straight to redaction. Where a layout has a check digit (Polish identity cards, Belgian eID
cards, Dutch documents' letters) a failing one drops the match.
"""

from __future__ import annotations

from typing import ClassVar

from stdnum.be import eid as stdnum_be_eid
from stdnum.nl import identiteitskaartnummer as stdnum_nl_id

from gdprep.privacy.recognizers.national import BARE, FORMAT_ONLY, NationalIdRecognizer

# A document number after a cue: 6-12 letters and digits, at least five of them digits, or the Belgian
# eID's 000-0000000-00.
DOCUMENT_NUMBER = r"(?=(?:[A-Z]*\d){5})[A-Z0-9]{6,12}|\d{3}-\d{7}-\d{2}"
# what every such number holds, found faster: five digits among letters from the first digit on
DOCUMENT_NUMBER_GATE = r"\d(?:[A-Z]*\d){4}"
# a member state's VAT prefix and nine digits is a VAT number, not a German licence's authority code and serial
_VAT_PREFIXES = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK"
# the letters ICAO Doc 9303 allows in German document numbers (no vowels, B, D, Q, S)
_DE_CHARSET = "CFGHJKLMNPRTVWXYZ0-9"


def _de_document(series: str) -> str:
    """A German passport (series C-K) or identity card (series L-Y) number: the series letter and eight
    characters of the ICAO charset, at least two of them digits, so an acronym is never one. Two letters and
    seven digits is left to the passport layout many countries share."""
    return (rf"(?-i:(?![A-Z]{{2}}\d{{7}}(?!\w))[{series}](?=(?:[{_DE_CHARSET}]*?\d){{2}})"
            rf"[{_DE_CHARSET}]{{8}})")


PASSPORT_CUES: tuple[str, ...] = (
    r"passports?", r"reisepass(?:es|nummer|nr)?", r"pass-?(?:nummer|nr)", r"passeport", r"paspoort(?:nummer)?",
    r"passaporto", r"pasaporte", r"passaporte", r"paszport(?:u)?", r"cestovn(?:í|ího|ý|ého)\s+pas(?:u)?",
    r"útlevél(?:szám)?", r"pa[șş]aport(?:ul|ului)?", r"pasaport", r"паспорт(?:а)?", r"διαβατηρί(?:ο|ου)",
    r"διαβατήριο(?:υ)?", r"potn(?:i|ega)\s+list(?:a)?", r"putovnic[ae]", r"pas(?:as|o)", r"pase", r"passi(?:n)?",
    r"passinumero", r"pass(?:et)?nummer", r"vegabréf", r"passaport",
)
ID_CARD_CUES: tuple[str, ...] = (
    r"id(?:entity)?[\s-]*card", r"identity\s+document", r"personalausweis(?:es|nummer)?", r"ausweis(?:nummer|-?nr)?",
    r"identitätskarte", r"carte\s+(?:nationale\s+)?d'identité", r"cni", r"identiteitskaart", r"id-kaart",
    r"carta\s+d'identità", r"carta\s+di\s+identità", r"cie", r"documento\s+(?:nacional\s+)?de\s+identidad",
    r"bilhete\s+de\s+identidade", r"dowod(?:u)?\s+osobist(?:y|ego)", r"dowód(?:u)?\s+osobist(?:y|ego)",
    r"občansk(?:ý|ého)\s+průkaz(?:u)?", r"občiansk(?:y|eho)\s+preukaz(?:u)?", r"személyi\s+igazolvány(?:szám)?",
    r"carte\s+de\s+identitate", r"buletin(?:ul)?\s+de\s+identitate", r"лична\s+карта", r"δελτί(?:ο|ου)\s+ταυτότητας",
    r"ταυτότητα", r"osobn[ae]\s+iskaznic[ae]", r"osebn[ae]\s+izkaznic[ae]", r"asmens\s+tapatybės\s+kortelė",
    r"personas\s+apliecība", r"isikutunnistus", r"henkilökortti", r"identitetskort", r"id-kort", r"nafnskírteini",
)
DRIVING_LICENCE_CUES: tuple[str, ...] = (
    r"driv(?:ing|er'?s)\s+licen[cs]e", r"licen[cs]e\s+(?:number|no)", r"führerschein(?:nummer|-?nr)?",
    r"fahrerlaubnis", r"permis\s+de\s+conduire", r"rijbewijs(?:nummer)?", r"patente(?:\s+di\s+guida)?",
    r"permiso\s+de\s+conducir", r"carn[eé]\s+de\s+conducir", r"carta\s+de\s+condução", r"prawo\s+jazdy",
    r"řidičsk(?:ý|ého)\s+průkaz(?:u)?", r"vodičsk(?:ý|ého)\s+preukaz(?:u)?", r"jogosítvány", r"vezetői\s+engedély",
    r"permis(?:ul)?\s+de\s+conducere", r"шофьорска\s+книжка", r"δίπλωμα\s+οδήγησης", r"άδεια\s+οδήγησης",
    r"vozačk[ae]\s+dozvol[ae]", r"vozniško\s+dovoljenje", r"vairuotojo\s+pažymėjim(?:as|o)",
    r"vadītāja\s+apliecība", r"juhiluba", r"ajokortti", r"körkort", r"kørekort", r"førerkort", r"ökuskírteini",
)


def pl_id_card_is_valid(value: str) -> bool:
    """Polish identity card (dowód osobisty): three letters and six digits, the first digit a check digit;
    letters count 10-35, weights 7,3,1,9,7,3,1,7,3, and the sum is 0 mod 10."""
    number = value.upper()
    if len(number) != 9 or not number[:3].isalpha() or not number[3:].isdigit():
        return False
    values = [ord(ch) - 55 for ch in number[:3]] + [int(ch) for ch in number[3:]]
    return sum(v * w for v, w in zip(values, (7, 3, 1, 9, 7, 3, 1, 7, 3), strict=True)) % 10 == 0


class PassportRecognizer(NationalIdRecognizer):
    """A passport number of an EU/EEA country. Without a cue, the capitalised layouts: two letters and
    seven digits (IT, PL, GR, FI, LV, SI, IE, UK and others), three letters and six digits (ES), two digits,
    two letters and five digits (FR), and the German series C-K in the ICAO charset. The Dutch layout (two
    letters, six letters or digits, a digit) fits too many codes to be read without a cue."""

    GATE = None  # values with fewer than six digits

    ENTITY = "PASSPORT_NUMBER"
    VALUE = DOCUMENT_NUMBER
    VALUE_GATE = DOCUMENT_NUMBER_GATE
    CUES = PASSPORT_CUES
    GENERIC_CUES = False
    # just below UK_PASSPORT's cued 0.8: a number both read ("passport no. 123456789") stays UK_PASSPORT
    CUED_SCORE = 0.75
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("two_letters_seven_digits", r"(?-i:[A-Z]{2}\d{7})", FORMAT_ONLY),
        ("es", r"(?-i:[A-Z]{3}\d{6})", FORMAT_ONLY),
        ("fr", r"(?-i:\d{2}[A-Z]{2}\d{5})", FORMAT_ONLY),
        ("de", _de_document("CFGHJK"), FORMAT_ONLY),
    )
    CONTEXT: ClassVar[list[str]] = ["passport", "reisepass", "passeport", "paspoort", "passaporto", "pasaporte"]


class IdCardRecognizer(NationalIdRecognizer):
    """A national identity card number of an EU/EEA country. Without a cue, the capitalised layouts: the
    German identity card (series L-Y in the ICAO charset, or T and eight digits before November 2010), and
    the Italian electronic card (two letters, five digits, two letters; or seven digits and two letters)."""

    GATE = None  # values with fewer than six digits

    ENTITY = "ID_CARD_NUMBER"
    VALUE = DOCUMENT_NUMBER
    VALUE_GATE = DOCUMENT_NUMBER_GATE
    CUES = ID_CARD_CUES
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("de", _de_document("LMNPRTVWXY"), FORMAT_ONLY),
        ("de_before_2010", r"(?-i:T\d{8})", FORMAT_ONLY),
        ("it_cie", r"(?-i:[A-Z]{2}\d{5}[A-Z]{2}|\d{7}[A-Z]{2})", FORMAT_ONLY),
    )
    CONTEXT: ClassVar[list[str]] = ["personalausweis", "ausweis", "identity", "identité", "identità"]


class PlIdCardRecognizer(NationalIdRecognizer):
    """Polish identity card (dowód osobisty): three letters and six digits with a check digit; one random
    number in ten passes, so without a cue it is found at `BARE`, above the Spanish passport layout it
    shares."""

    ENTITY = "ID_CARD_NUMBER"
    VALUE = r"[A-Z]{3}[ ]?\d{6}"
    CUES = (r"dowod(?:u)?\s+osobist(?:y|ego)", r"dowód(?:u)?\s+osobist(?:y|ego)", r"nr\s+dowodu")
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"(?-i:[A-Z]{3}\d{6})", BARE),)
    CONTEXT: ClassVar[list[str]] = ["dowód", "osobisty"]

    def validate(self, value: str) -> bool | None:
        return pl_id_card_is_valid(value.replace(" ", ""))


class BeEidRecognizer(NationalIdRecognizer):
    """Belgian eID card number, 000-0000000-00, whose last two digits are the first ten mod 97
    (stdnum.be.eid). `BARE` without a cue."""

    ENTITY = "ID_CARD_NUMBER"
    VALUE = r"\d{3}-?\d{7}-?\d{2}"
    CUES = (r"eid(?:-kaart|-card)?", r"identiteitskaart", r"carte\s+d'identité", r"kaartnummer", r"numéro\s+de\s+carte")
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"\d{3}-\d{7}-\d{2}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["eid", "identiteitskaart"]

    def validate(self, value: str) -> bool | None:
        return stdnum_be_eid.is_valid(value)


class NlDocumentRecognizer(NationalIdRecognizer):
    """Dutch passport or identity card number (documentnummer): two letters, six letters or digits and a
    digit, never the letter O (stdnum.nl.identiteitskaartnummer). After a Dutch cue only; without one the
    layout is found by PassportRecognizer."""

    GATE = None  # values with fewer than six digits

    ENTITY = "ID_CARD_NUMBER"
    VALUE = r"[A-NP-Z]{2}[A-NP-Z0-9]{6}\d"
    CUES = (r"documentnummer", r"identiteitskaart(?:nummer)?", r"id-kaart(?:nummer)?", r"identiteitsbewijs")
    GENERIC_CUES = False
    CONTEXT: ClassVar[list[str]] = ["documentnummer", "identiteitskaart"]

    def validate(self, value: str) -> bool | None:
        return stdnum_nl_id.is_valid(value)


class DrivingLicenceRecognizer(NationalIdRecognizer):
    """A driving licence number of an EU/EEA country (the UK's DVLA number is UK_DRIVING_LICENCE). Without
    a cue, the capitalised layouts: the German card's two letters, eight digits and a check character, and
    the Italian two letters, seven digits and a letter, or U1 and eight characters."""

    GATE = None  # values with fewer than six digits

    ENTITY = "DRIVING_LICENCE_NUMBER"
    VALUE = DOCUMENT_NUMBER
    VALUE_GATE = DOCUMENT_NUMBER_GATE
    CUES = DRIVING_LICENCE_CUES
    GENERIC_CUES = False
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("de", rf"(?-i:(?!{_VAT_PREFIXES})[A-Z]{{2}}\d{{8}}[A-Z0-9])", FORMAT_ONLY),
        ("it", r"(?-i:[A-Z]{2}\d{7}[A-Z]|U1[BCDEFGHJKLMNPRSTUWXYZ0-9]{7}[A-Z])", FORMAT_ONLY),
    )
    CONTEXT: ClassVar[list[str]] = ["führerschein", "licence", "license", "permis", "rijbewijs", "patente"]


DOCUMENT_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    PassportRecognizer,
    IdCardRecognizer,
    PlIdCardRecognizer,
    BeEidRecognizer,
    NlDocumentRecognizer,
    DrivingLicenceRecognizer,
)
