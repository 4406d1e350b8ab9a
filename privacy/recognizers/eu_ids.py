"""EU national identifiers: DE tax id, FR NIR, ES DNI/NIE, IT codice fiscale, NL BSN, PL PESEL.

One declarative class per identifier; every checksum comes from python-stdnum. Identifiers that are
nothing but a checksummed digit run (DE tax id, PESEL, BSN) are certain only after a cue word.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum.de import idnr as stdnum_idnr
from stdnum.es import dni as stdnum_dni
from stdnum.es import nie as stdnum_nie
from stdnum.fr import nir as stdnum_nir
from stdnum.it import codicefiscale as stdnum_cf
from stdnum.nl import bsn as stdnum_bsn
from stdnum.pl import pesel as stdnum_pesel

from gdprep.privacy.recognizers.base import SIX_DIGITS, GdprepPatternRecognizer
from gdprep.privacy.wordlists import prose_in

# Up to 30 characters between a cue and its value: no digits (another number would be the value) and
# no sentence break, so "my BSN. Order 123456782" does not tie the cue to the order number.
_GAP = r"(?:(?![.!?]\s)[^\d\n]){0,30}?"
# A number glued to a word, a "+" (phone), or a digit group ("ORD-123…", "1.123…") is something else.
_START = r"(?<![\w+@]|\w[-./])"
_END = r"(?![\w@]|[-./,]\w)"
# a label in front of a number that says what else it is (order, invoice, ticket, phone ...), in the languages
# gdprep scans; `regex` allows this variable-length look-behind
_NOT_AFTER_OTHER_LABEL = (
    r"(?<!\b(?:order|orders|invoice|ref|reference|ticket|case|booking|tracking|parcel|shipment|transaction|"
    r"account|acc|customer|client|member|policy|claim|po|sku|item|article|serial|tel|phone|fax|mobile|"
    r"bestellung|bestellnummer|rechnung|auftrag|kunde|kundennummer|konto|sendung|bestelling|factuur|"
    r"klantnummer|zending|commande|facture|dossier|ordine|fattura|pedido|factura|zamówienie|faktura|"
    r"objednávka|rendelés|tilaus|ordre|order-nr)\b[\s.:#=-]{0,3}(?:(?:no|nr|number|num|n[º°]|nummer)\.?"
    r"[\s.:#=-]{0,3})?)"
)
# the suffix that marks a pattern with no cue word in front of it (see _CheckDigitRunRecognizer)
_BARE = "_bare"
_SPACED_IN_DUTCH = f"nl_bsn_spaced{_BARE}"
_BSN_DOTTED = regex.compile(r"\d{4}\.\d{2}\.\d{3}")
_BSN_SPACED = regex.compile(r"\d{3} \d{3} \d{3}")


class _CheckDigitRunRecognizer(GdprepPatternRecognizer):
    """An identifier that is only a digit run with a check digit, so the checksum alone is weak.

    Random numbers pass such checks often (BSN: 1 in 11) and the 11-digit ones collide with each
    other and with phone numbers. A passing checksum therefore lifts a cued match to 1.0, but a
    pattern whose name ends in "_bare" keeps its own (low) score: the engine's context words can
    still raise it, and a cued neighbouring type outranks it when spans overlap.
    """

    GATE = SIX_DIGITS
    ANALYZE_ONLY_NARROWS = True  # re-scores bare matches

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        for result in results:
            explanation = result.analysis_explanation
            if explanation is not None and explanation.pattern_name.endswith(_BARE):
                result.score = explanation.original_score
        return results


class DeTaxIdRecognizer(_CheckDigitRunRecognizer):
    """German Steuer-Identifikationsnummer: 11 digits, "12345678903" or "12 345 678 903".

    stdnum.de.idnr checks the leading digit, the one-repeated-digit rule and ISO 7064 mod 11,10
    (about 1 random number in 250 passes). Bare: 0.6, above PESEL's 0.5 because the check is stricter.
    """

    ENTITY = "DE_TAX_ID"
    _VALUE = rf"{_START}[1-9]\d[ ]?\d{{3}}[ ]?\d{{3}}[ ]?\d{{3}}{_END}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("de_tax_id_cued",
         r"\b(?:steuer[\s-]*id(?:entifikations(?:nummer|nr))?|(?:steuerliche\s+)?identifikationsnummer"
         rf"|id[\s-]*nr|tin|tax\s+id(?:entification)?(?:\s+number)?)\b{_GAP}(?P<value>{_VALUE})", 0.8),
        (f"de_tax_id{_BARE}", _VALUE, 0.6),
    ]
    CONTEXT: ClassVar[list[str]] = ["steuer", "identifikationsnummer", "idnr", "steuerid"]

    def validate(self, value: str) -> bool | None:
        return stdnum_idnr.is_valid(value)


class FrNirRecognizer(GdprepPatternRecognizer):
    """French NIR (numéro de sécurité sociale): sex, year, month, department (2A/2B for Corsica),
    commune, order and a 2-digit mod 97 key: "1 84 12 76 451 089 46" or "184127645108946"."""

    ENTITY = "FR_NIR"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "fr_nir",
        rf"{_START}[1-478][ .]?\d{{2}}[ .]?\d{{2}}[ .]?"
        rf"(?:(?:\d{{2}}|2[AB])[ .]?\d{{3}}|\d{{3}}[ .]?\d{{2}})[ .]?\d{{3}}[ .]?\d{{2}}{_END}",
        0.5,
    )]
    CONTEXT: ClassVar[list[str]] = ["sécurité", "securite", "sociale", "insee", "nir", "secu"]

    def validate(self, value: str) -> bool | None:
        month = int(stdnum_nir.compact(value)[3:5])
        # 01-12 are real months; 20-42 and 50-99 stand for an unknown month. 00 and 13-19 never occur.
        return stdnum_nir.is_valid(value) and (1 <= month <= 12 or month >= 20)


class EsDniRecognizer(_CheckDigitRunRecognizer):
    """Spanish DNI/NIF: 8 digits and a mod 23 check letter ("12345678Z", "12.345.678-Z").

    A DNI below 10 million is also written without its leading zero ("1111111-G"): that seven-digit form
    shares its shape with Maltese and Irish numbers, so it stays at 0.4 (review) however the letter checks.
    """

    ENTITY = "ES_DNI"
    # a separated letter must be upper case, or "order 12345678 a day" would count
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("es_dni", rf"{_START}(?:\d{{8}}|\d{{2}}\.\d{{3}}\.\d{{3}})(?:[A-Z]|[ -](?-i:[A-Z])){_END}", 0.5),
        (f"es_dni_seven_digits{_BARE}", rf"{_START}\d{{7}}(?:(?-i:[A-Z])|[ -](?-i:[A-Z])){_END}", 0.4),
    ]
    CONTEXT: ClassVar[list[str]] = ["dni", "nif", "documento", "identidad"]

    def validate(self, value: str) -> bool | None:
        number = value.replace(".", "").replace("-", "").replace(" ", "")
        return stdnum_dni.is_valid(number.zfill(9))


class EsNieRecognizer(GdprepPatternRecognizer):
    """Spanish NIE (foreigners): X, Y or Z, 7 digits and a mod 23 check letter ("X1234567L", "x-2482300w").

    As for the DNI, a check letter set apart by a separator must be upper case."""

    ENTITY = "ES_NIE"
    GATE = SIX_DIGITS
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("es_nie", rf"(?<![\w-])[XYZ][ -]?\d{{7}}(?:[A-Z]|[ -](?-i:[A-Z])){_END}", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["nie", "extranjero", "extranjería"]

    def validate(self, value: str) -> bool | None:
        return stdnum_nie.is_valid(value)


class ItFiscalCodeRecognizer(GdprepPatternRecognizer):
    """Italian codice fiscale (16 characters), including omocodia, where digits of the date and town
    code are replaced by LMNPQRSTUV. stdnum checks the check letter and the birth date."""

    ENTITY = "IT_FISCAL_CODE"
    _OMO = "[0-9LMNPQRSTUV]"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "it_fiscal_code",
        rf"(?<![\w-])[A-Z]{{6}}{_OMO}{{2}}[ABCDEHLMPRST]{_OMO}{{2}}[A-Z]{_OMO}{{3}}[A-Z](?![\w-])",
        0.5,
    )]
    CONTEXT: ClassVar[list[str]] = ["codice", "fiscale", "fiscal"]

    def validate(self, value: str) -> bool | None:
        return stdnum_cf.is_valid(value)


class NlBsnRecognizer(_CheckDigitRunRecognizer):
    """Dutch burgerservicenummer: 9 digits passing the 11-proof ("123456782", "1234.56.782").

    One random 9-digit number in 11 passes, and 9-digit order, phone and customer numbers are
    everywhere: a bare match scores 0.5 (redacted, and in the default review band) unless a label in front
    names another kind of number; a BSN/sofinummer cue makes it 1.0.
    """

    ENTITY = "NL_BSN"
    _VALUE = rf"{_START}(?:\d{{9}}|\d{{4}}\.\d{{2}}\.\d{{3}}|\d{{3}} \d{{3}} \d{{3}}){_END}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("nl_bsn_cued", rf"\b(?:bsn|burgerservicenummer|sofi[\s-]*nummer|sofinr)\b{_GAP}(?P<value>{_VALUE})",
         0.8),
        # a bare 9-digit run passing the 11-proof is redacted and listed for review (0.5, inside the default
        # review band), unless a label says it is another kind of number ("order 123456782")
        (f"nl_bsn{_BARE}", rf"{_NOT_AFTER_OTHER_LABEL}{_START}(?:\d{{9}}|\d{{4}}\.\d{{2}}\.\d{{3}}){_END}", 0.5),
        # in three groups of three it reads as a phone number as often: a BSN only in Dutch prose (below)
        (_SPACED_IN_DUTCH, rf"{_NOT_AFTER_OTHER_LABEL}{_START}\d{{3}} \d{{3}} \d{{3}}{_END}", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["bsn", "burgerservicenummer", "sofinummer"]

    def validate(self, value: str) -> bool | None:
        return stdnum_bsn.is_valid(value)

    ANALYZE_ONLY_NARROWS = True  # drops spaced runs outside Dutch prose

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        if any(_pattern_name(r) == _SPACED_IN_DUTCH for r in results) and not prose_in("nl", text):
            results = [r for r in results if _pattern_name(r) != _SPACED_IN_DUTCH]
        return results


def reads_as_bsn(text: str, start: int, end: int) -> bool:
    """A nine-digit number written as Dutch records write a BSN that passes the 11-proof: "1234.56.782" (a
    layout phone numbers do not use), or "123 456 782" in Dutch prose."""
    value = text[start:end]
    if not (_BSN_DOTTED.fullmatch(value) or (_BSN_SPACED.fullmatch(value) and prose_in("nl", text))):
        return False
    return bool(stdnum_bsn.is_valid(value))


def _pattern_name(result: RecognizerResult) -> str | None:
    return result.analysis_explanation.pattern_name if result.analysis_explanation is not None else None


class PlPeselRecognizer(_CheckDigitRunRecognizer):
    """Polish PESEL: 11 digits encoding the birth date, with a weighted mod 10 check digit.

    Beyond stdnum's checks the birth date must not lie in the future: that rejects most 0-prefixed
    phone numbers, whose "month" digits encode the 22nd century. Bare: 0.5 (see DeTaxIdRecognizer).
    """

    ENTITY = "PL_PESEL"
    _VALUE = rf"{_START}\d{{11}}{_END}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("pl_pesel_cued", rf"\bpesel\b{_GAP}(?P<value>{_VALUE})", 0.8),
        (f"pl_pesel{_BARE}", _VALUE, 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["pesel"]

    def validate(self, value: str) -> bool | None:
        return stdnum_pesel.is_valid(value) and stdnum_pesel.get_birth_date(value) <= datetime.date.today()


EU_ID_RECOGNIZERS: tuple[type[GdprepPatternRecognizer], ...] = (
    DeTaxIdRecognizer,
    FrNirRecognizer,
    EsDniRecognizer,
    EsNieRecognizer,
    ItFiscalCodeRecognizer,
    NlBsnRecognizer,
    PlPeselRecognizer,
)
