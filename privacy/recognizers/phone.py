"""Telephone numbers, UK national and international, found with libphonenumber's matcher over EU regions.

Digit runs that are something else (dates, prices, versions, order numbers, IBANs, cards, NHS
numbers, postcodes) are ruled out first; a number that survives is scored by how phone-like it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final

import phonenumbers
import regex
from phonenumbers import Leniency, PhoneNumberMatcher
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum import luhn
from stdnum.de import stnr

from gdprep.privacy.entities import ENGINE_LANGUAGE
from gdprep.privacy.recognizers.base import text_words
from gdprep.privacy.recognizers.eu_ids import reads_as_bsn
from gdprep.privacy.recognizers.uk import UkPostcodeRecognizer

#: regions tried in order; the first gives the national reading of a number written without "+"
PHONE_REGIONS: Final[tuple[str, ...]] = (
    "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "LU", "IT", "ES", "PT", "PL", "SE", "DK", "NO",
    "FI", "CZ", "GR", "EE",
    # North American numbers inside English text ("+1-709-705-1325", "514-555-0199"): tried last, so a
    # European reading wins; a bare ten-digit run still needs a cue word (valid_bare scores below 0.5).
    # Numbers written with "+CC" or "00CC" parse under any region, so the list only matters for national
    # formats, and each region tried costs time on every digit run that is no phone number.
    "US", "CA",
)

_MIN_DIGITS = 7
_MAX_DIGITS = 17  # 15 (E.164) plus a "00" international prefix
_CONTEXT_BOOST = 0.15

# A cheap pre-filter: only runs of digits and phone punctuation with enough digits reach the matcher.
# An extension ("x1234", "ext. 42", "Durchwahl 12") belongs to the number and is kept in its span.
_EXTENSION = r"(?:[ \t]*(?:x|ext\.?|extn\.?|extension|dw\.?|durchwahl|poste|int\.?|wew\.?)[ \t]*\d{1,6}(?!\d))"
_WINDOW = regex.compile(rf"[+(]{{0,2}}\d(?:[ \t\u00a0().\-/]{{1,4}}\d|\d)*\)?{_EXTENSION}?", regex.IGNORECASE)
_DIGIT = regex.compile(r"\d")
_BARE_RUN = regex.compile(r"[1-9]\d*")
_TRAILING_EXTENSION = regex.compile(_EXTENSION + "$", regex.IGNORECASE)

_CONTEXT_WORDS = regex.compile(
    r"\b(?:phone|telephone|tel|mob|mobile|cell|cellphone|call|ring|fax|whatsapp|sms|contact|"
    r"telefon|telefonnummer|rufnummer|handy|mobil|mobilnummer|t[ée]l[ée]phone|t[ée]l|portable|"
    r"telefoon|telefoonnummer|mobiel|bel|telefono|cellulare|tel[ée]fono|m[óo]vil|telem[óo]vel|"
    r"kom[óo]rka|called|calling|rang|phoned|anrufen|zurückrufen|rückruf|appeler|rappeler|appelez|bellen"
    r"|terugbellen|chiamare|richiamare|chiamata|llamar|ll[áa]menos|llamada|numero"
    r"|n[úu]mero[ \t]+de[ \t]+tel[ée]fono"
    # Portuguese, Greek, Nordic, Baltic, Finnish, Polish, Hungarian, Croatian/Slovene cue words and abbreviations
    r"|telefone|ligue|ligar|τηλ|τηλέφωνο|τηλεφωνο|κινητό|κινητο|mobiil|helista|tlf|tfn|puhelin|puh|matkapuhelin"
    r"|zadzwo[ńn]|h[íi]vjon|h[íi]vja|t[āa]lr|t[āa]lrunis|mobitel|gsm"
    # "my number is ...", "reach her at ...", "text me on ..."
    r"|(?:my|your|his|her|their|our)[ \t]+(?:new[ \t]+|direct[ \t]+|mobile[ \t]+)?number"
    r"|reach[ \t]+(?:me|him|her|us|them)|text[ \t]+(?:me|him|her|us|them)"
    # "I can be reached at ...", "reachable on ...", "the office number is ...", "contact no. ..."
    r"|reach(?:ed|able)[ \t]+(?:at|on)|(?:office|home|work|cell|contact|direct|landline|callback|daytime|evening)"
    r"[ \t]+(?:number|no\.?|nr\.?)"
    # "dial ...", "reach out on ...", "get me at ...", "you can text ... after 6pm"
    r"|dial(?:l?ed|l?ing)?|(?:reach|get)[ \t]+(?:(?:out|me|him|her|us|them)[ \t]+)?(?:on|at)"
    # "you can reach Anna at ...", "reach Dr Okafor on ..."
    r"|reach[ \t]+(?:(?:Mr|Mrs|Ms|Dr)\.?[ \t]+)?(?-i:\p{Lu})\p{L}+(?:[ \t]+(?-i:\p{Lu})\p{L}+)?[ \t]+(?:on|at)"
    r"|(?:can|could|please|just|to)[ \t]+text)\b",
    regex.IGNORECASE,
)
# The North American grouping, 3-3-4 with "-", "." or a bracketed area code, with an optional "+1"/"1-"/"001-"
# and extension ("(112) 704-9372", "334.683.6732", "1-129-106-8689", "001-422-700-8261x99582"). Written out like
# this, a digit run reads as a telephone number even where the area code is unassigned (made-up and
# mistyped numbers are still someone's personal data).
#: digits split by two slashes in a German Land's Steuernummer layout ("181/815/08155"): a tax number, which
#: DeTaxNumberRecognizer reports, not a phone number (those carry at most one slash, after the area code)
_STEUERNUMMER_LAYOUT = regex.compile(r"\d{2,3}/\d{3,4}/\d{4,5}")
_NANP_SHAPE = regex.compile(
    rf"(?:(?:\+?1|001)[-. ]?)?(?:\(\d{{3}}\)[ ]?\d{{3}}[-. ]|\d{{3}}(?P<s>[-.])\d{{3}}(?P=s))\d{{4}}{_EXTENSION}?",
    regex.IGNORECASE)
# "+CC" then two to five groups split by one "-", "." or " ", the first maybe bracketed: an international number
_INTERNATIONAL_SHAPE = regex.compile(
    rf"(?P<number>\+\d{{1,3}}(?P<s>[-. ])(?:\(\d{{1,4}}\)|\d{{1,4}})(?:(?P=s)\d{{2,5}}){{1,4}}){_EXTENSION}?",
    regex.IGNORECASE)
_CONTEXT_BEFORE = 40
_CONTEXT_AFTER = 15
# a line label right after the number: "0161 496 0000 (home)", "07700 900123 (m)"
_LABEL_AFTER = regex.compile(r"[ \t]*\((?:home|work|office|mobile|cell|landline|fax|h|w|m|c|o)\)", regex.IGNORECASE)

# A label right in front of the digits that says they are some other kind of number.
_NEGATIVE_CUE = regex.compile(
    r"(?:\b(?:order|orders|invoice|ref|reference|ticket|case|booking|confirmation|tracking|"
    r"transaction|txn|policy|claim|shipment|parcel|item|sku|serial|model|part|product|article|"
    r"id|customer|account|acc|a/c|sort\s*code|iban|bic|swift|vat|tax|utr|nhs|chi|nino|passport|"
    r"licen[cs]e|pin|error|err|version|ver|build|po|bestell(?:ung|nummer)?|rechnung(?:snummer)?|"
    r"kunden(?:nummer)?|auftrag(?:snummer)?|konto(?:nummer)?|artikel(?:nummer)?|commande|facture|"
    r"r[ée]f[ée]rence|dossier|bestelling|factuur|klantnummer|ordine|fattura|pedido|factura|"
    r"referencia|n[uú]mero\s+de\s+pedido)\b\.?"
    # a bare "#" labels a reference ("#: 48213377"), but not after a phone word ("Phone #: ...", "cell# ...")
    r"|(?<!\b(?:phone|telephone|tel|mobile|mob|cell|fax|ph|contact|home|work|office)[ \t]?)\#)"
    r"[ \t]*(?:(?:number|no\.?|nr\.?|n[°º]\.?|num(?:ber|[ée]ro|ero)?\.?|id|code|\#)[ \t]*)?"
    r"[:#=\-]?[ \t]*$",
    regex.IGNORECASE,
)
_NEGATIVE_CUE_SPAN = 45

_CURRENCY_CODES: Final[tuple[str, ...]] = ("EUR", "GBP", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK")
# every price holds a currency sign or one of these words, whole (`_may_hold_price`)
_CURRENCY_WORDS: Final[frozenset[str]] = frozenset({c.casefold() for c in _CURRENCY_CODES} | {"euro", "euros", "pound",
                                                                                             "pounds"})
_CURRENCY_SIGN = regex.compile(r"\p{Sc}")

# Digit runs with a shape of their own; a phone match overlapping one of these is dropped.
_NOT_PHONE_SHAPES: Final[tuple[tuple[str, regex.Pattern[str]], ...]] = (
    # every form opens with a digit: said first, as a look-ahead, it lets `regex` skip to the digits (6x faster)
    ("date", regex.compile(
        r"(?=\d)(?:(?<!\d[./-]?)(?:(?:0?[1-9]|[12]\d|3[01])(?P<s>[./-])(?:0?[1-9]|1[0-2])(?P=s)(?:\d{4}|\d{2})"
        r"|(?:0?[1-9]|1[0-2])(?P<t>[/-])(?:0?[1-9]|[12]\d|3[01])(?P=t)(?:\d{4}|\d{2})"
        r"|(?:1[89]|20)\d\d(?P<u>[./-]?)(?:0[1-9]|1[0-2])(?P=u)(?:0[1-9]|[12]\d|3[01]))(?![./-]?\d)"
        # "12 03 1985": a padded day and month and a four-digit year, spaced (no phone plan groups 2-2-4)
        r"|(?<!\d[ ]?)(?:0[1-9]|[12]\d|3[01]) (?:0[1-9]|1[0-2]) (?:1[89]|20)\d\d(?![ ]?\d))")),
    ("time", regex.compile(r"(?<!\d)(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d)?(?!\d)")),
    # UK bank details: a sort code beside an eight-digit account number ("68-14-55 85736878")
    ("sort_code_account", regex.compile(r"(?<![\d-])\d{2}([- ])\d{2}\1\d{2}[ \t]*(?:[,/|]|-{1,2})?[ \t]*\d{8}(?!\d)")),
    ("price", regex.compile(
        rf"(?:\p{{Sc}}|\b(?:{'|'.join(_CURRENCY_CODES)})\b)[ \u00a0]?\d{{1,3}}(?:[,. \u00a0']\d{{3}})*"
        r"(?:[.,]\d{1,2})?|\d{1,3}(?:[,. \u00a0']\d{3})*(?:[.,]\d{1,2})?[ \u00a0]?"
        rf"(?:\p{{Sc}}|\b(?:{'|'.join(_CURRENCY_CODES)}|euros?|pounds?)\b)", regex.IGNORECASE)),
    # x.y.z versions and IPv4 addresses; a dotted national phone number starts with 0 and is spared
    ("version", regex.compile(
        r"(?<![\w.+])(?:v|version[ ]?|ver\.?[ ]?|release[ ]?|build[ ]?)?(?!0\d)"
        # a dotted phone number ("212.555.0187", "546.257.6123") is three groups of 2-4 digits and 9+
        # digits in all: not a version
        r"(?!(?=\d{2,4}\.\d{2,4}\.\d{2,4}(?!\d|\.\d))(?:\.?\d){9})"
        r"\d{1,4}(?:\.\d{1,6}){2,3}(?![\w]|\.\d)", regex.IGNORECASE)),
    ("hex", regex.compile(r"\b0x[0-9a-f]+\b", regex.IGNORECASE)),
    ("iban", regex.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")),
    ("postcode", regex.compile("|".join(rx for _, rx, _ in UkPostcodeRecognizer.PATTERNS),
                               UkPostcodeRecognizer.FLAGS)),
    # Portuguese and Polish postcodes before their town ("1100-053 Lisboa", "00-950 Warszawa"), after a
    # comma, a line break or the start of the text
    ("postcode_town", regex.compile(r"(?:(?<=,[ \t]*)|(?<=^[ \t]*))(?:\d{4}-\d{3}|\d{2}-\d{3})(?=[ \t]+\p{Lu}\p{Ll})",
                                    regex.MULTILINE)),
)
_CARD = regex.compile(r"(?<!\d)(?:\d{4}(?P<s>[ -]?)\d{4}(?P=s)\d{4}(?P=s)\d{1,7}"
                      r"|\d{4}(?P<t>[ -]?)\d{6}(?P=t)\d{4,5})(?!\d)")


def _not_phone_zones(text: str) -> list[tuple[int, int, str]]:
    """Spans of `text` that hold a date, price, version, IBAN, card number or similar."""
    shapes = _NOT_PHONE_SHAPES if _may_hold_price(text) else _NOT_PHONE_SHAPES_BUT_PRICE
    zones = [(m.start(), m.end(), name) for name, rx in shapes for m in rx.finditer(text)
             if name != "version" or not _dotted_national_number(text, m.start(), m.end())]
    zones.extend((m.start(), m.end(), "card") for m in _CARD.finditer(text)
                 if luhn.is_valid(regex.sub(r"\D", "", m.group())))
    return zones


_NOT_PHONE_SHAPES_BUT_PRICE = tuple((name, rx) for name, rx in _NOT_PHONE_SHAPES if name != "price")


def _may_hold_price(text: str) -> bool:
    """Whether `text` holds a currency sign or word, as every price does: the price shape, the costliest of the
    zones (about 20 µs a record, tried at every digit), is searched only then. The words are the text's whole
    words, case-folded, which `\\b(?:EUR|...)\\b` under IGNORECASE can only match among."""
    return _CURRENCY_SIGN.search(text) is not None or not _CURRENCY_WORDS.isdisjoint(text_words(text))


def _dotted_national_number(text: str, start: int, end: int) -> bool:
    """"Móvil: 612.34.56.78", "tel. 12.345.67.89": a national number written with dots (Spain, Poland), which
    the version shape takes too. Read as a number only after a phone cue, in groups of two to four digits and
    nine digits or more, and when it is no IPv4 address (a group above 255, or a leading 0): "10.2.3.4",
    "v1.22.3" and "10.0.19041.1234" stay what they were."""
    groups = text[start:end].split(".")
    if not all(group.isdigit() and 2 <= len(group) <= 4 for group in groups) or sum(map(len, groups)) < 9:
        return False
    ipv4 = len(groups) == 4 and all(int(group) <= 255 and (group == "0" or group[0] != "0") for group in groups)
    return not ipv4 and PhoneRecognizer.has_phone_cue(text, start, end)


_GLUED_BEFORE = regex.compile(r"(?:\p{L}|\p{L}[-_/]|[_@]|\d[-.])\Z")
_GLUED_AFTER = regex.compile(r"(?:\p{L}|[-_/]\p{L}|[_@%]|\p{Sc})")


def _attached_to_token(text: str, start: int, end: int) -> bool:
    """True when the digits are glued to a word ("SKU-4821", "0x8007", "ERR-5003", "123abc")."""
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    # \Z, not $: "$" also matches before a final newline, which would glue a number to the line above
    return bool(_GLUED_BEFORE.search(before) or _GLUED_AFTER.match(after))


def _has_negative_cue(text: str, start: int) -> bool:
    return _NEGATIVE_CUE.search(text, max(0, start - _NEGATIVE_CUE_SPAN), start) is not None


def _before_zone(text: str, window: regex.Match[str], zones: list[tuple[int, int, str]]) -> regex.Match[str]:
    """The window cut before a zone that starts inside it: "+44114 496 0159 (2025-12-09T15:43Z)" ran on over the
    bracket into the date, and the date vetoed the number. The part before the zone is the window, when it still
    holds a phone number's digits; otherwise the window stays as it was (and the zone vetoes what overlaps it)."""
    cut = min((zs for zs, _, _ in zones if window.start() < zs < window.end()), default=None)
    if cut is None:
        return window
    end = cut
    while end > window.start() and text[end - 1] in " \t\u00a0(.-/":
        end -= 1
    if len(_DIGIT.findall(text, window.start(), end)) < _MIN_DIGITS:
        return window
    return _WINDOW.match(text, window.start(), end) or window


def _is_excluded(text: str, start: int, end: int, zones: list[tuple[int, int, str]]) -> bool:
    """True when a whole candidate window is labelled, glued to a word, or every digit is in a zone."""
    if _has_negative_cue(text, start) or _attached_to_token(text, start, end):
        return True
    inside = [(max(zs, start), min(ze, end)) for zs, ze, _ in zones if zs < end and start < ze]
    return bool(inside) and all(
        any(zs <= m.start() < ze for zs, ze in inside) for m in _DIGIT.finditer(text, start, end)
    )


class PhoneRecognizer(LocalRecognizer):
    """PHONE_NUMBER via libphonenumber's matcher (POSSIBLE leniency) over UK/EU regions, then scored.

    A number valid for its region scores 0.75 (written "+..."/"00..." or grouped); a bare digit run
    scores less because order numbers look the same; a number that is only of possible length counts
    when it is international or a UK trunk ("0...") number, as Ofcom's drama ranges are not "valid".
    A phone cue word nearby adds 0.15.
    """

    ENTITY: ClassVar[str] = "PHONE_NUMBER"
    CONTEXT: ClassVar[list[str]] = [
        "phone", "telephone", "tel", "mobile", "cell", "call", "fax", "telefon", "handy", "téléphone",
        "portable", "telefoon", "telefono", "cellulare", "teléfono", "móvil",
    ]

    def __init__(self, regions: Sequence[str] = PHONE_REGIONS) -> None:
        self.regions = tuple(regions)
        # regions where national numbers are written with a leading 0: a trunk prefix, or (Italy) a 0
        # that belongs to every fixed-line number. There a leading 0 marks a bare run as a phone number.
        metadata = {r: phonenumbers.PhoneMetadata.metadata_for_region(r) for r in self.regions}
        self._leading_zero_regions = frozenset(
            r for r, meta in metadata.items() if (meta and meta.national_prefix) or r == "IT"
        )
        super().__init__(supported_entities=[self.ENTITY], supported_language=ENGINE_LANGUAGE,
                         name=type(self).__name__, context=list(self.CONTEXT))

    def load(self) -> None:  # metadata ships with phonenumbers; nothing to load
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        windows = [m for m in _WINDOW.finditer(text) if len(_DIGIT.findall(m.group())) >= _MIN_DIGITS]
        if not windows:
            return []
        zones = _not_phone_zones(text)
        found: dict[tuple[int, int], tuple[float, str, bool]] = {}
        for window in windows:
            window = _before_zone(text, window, zones)
            # most windows that hold no phone are dates, prices or labelled numbers: skip the 18 regions
            if _is_excluded(text, window.start(), window.end(), zones):
                continue
            # a run of digits alone, not opening with 0, scores below 0.5 in every region unless a phone cue is
            # near (`_score`: not international, not grouped, no trunk prefix; the matcher reads such a run from
            # its first digit): without a cue, the 22 regions are not tried
            if _BARE_RUN.fullmatch(window.group()) and not self.has_phone_cue(text, window.start(), window.end()):
                continue
            for region in self.regions:
                any_valid = False
                for match in PhoneNumberMatcher(window.group(), region, leniency=Leniency.POSSIBLE):
                    start, end = window.start() + match.start, window.start() + match.end
                    if text[start] == "(" and ")" not in text[start:end]:
                        start += 1  # "(+44 20 ...)": the matcher keeps the "(" but drops the ")"
                    scored = self._score(text, start, end, match.number, region, zones)
                    if scored is None:
                        continue
                    start = _with_prefix(text, window.start(), start, end)
                    any_valid = any_valid or scored[2]
                    if (start, end) not in found or scored[0] > found[(start, end)][0]:
                        found[(start, end)] = scored
                if any_valid:  # the first region with a valid reading wins; "+44 ..." is valid in all
                    break
            self._international_shape(text, window, found)
        return [self._result(start, end, *scored) for (start, end), scored in _non_overlapping(found)]

    def _score(self, text: str, start: int, end: int, number: phonenumbers.PhoneNumber, region: str,
               zones: list[tuple[int, int, str]]) -> tuple[float, str, bool] | None:
        """(score, reason, valid) for a matched span, or None when it is not a phone number."""
        raw = text[start:end]
        digits = len(_DIGIT.findall(_TRAILING_EXTENSION.sub("", raw)))  # an extension's digits do not count
        if not _MIN_DIGITS <= digits <= _MAX_DIGITS or _attached_to_token(text, start, end):
            return None
        if any(zs < end and start < ze for zs, ze, _ in zones) or _has_negative_cue(text, start):
            return None
        if len(set(_DIGIT.findall(raw))) == 1:  # "00000000000", "5555 5555": a placeholder, not a number
            return None
        if (_in_steuernummer(text, start, end) or reads_as_bsn(text, start, end)) \
                and not self.has_phone_cue(text, start, end):
            return None
        valid = phonenumbers.is_valid_number(number)
        stripped = raw.lstrip("(")
        # "00" is an international prefix only when a country code follows it ("00000000001" is no number)
        international = stripped.startswith("+") or (
            stripped.startswith("00") and "".join(_DIGIT.findall(stripped))[2:].startswith(str(number.country_code)))
        trunk = stripped.startswith("0") and not stripped.startswith("00") and region in self._leading_zero_regions
        grouped = not raw.isdigit()
        if valid and (international or grouped):
            score, reason = 0.75, "valid"
        elif valid:
            score, reason = (0.6, "valid_ungrouped") if trunk else (0.4, "valid_bare")
        # an invalid number counts unprompted only when written as one: "+"/grouped, or a UK trunk number;
        # an ungrouped "0081508150001" is as likely a reference number
        elif (international and grouped) or (trunk and region == "GB"):
            score, reason = 0.55, "possible"
        elif _NANP_SHAPE.fullmatch(raw):
            score, reason = 0.5, "grouped_3_3_4"
        elif digits >= 9 or grouped:
            score, reason = 0.4, "possible_length"  # kept only with a cue word (below)
        else:
            return None
        if self.has_phone_cue(text, start, end):
            score, reason = min(1.0, score + _CONTEXT_BOOST), reason + "+context"
        elif score < 0.5:  # a bare digit run with no cue is as likely an order number
            return None
        return score, reason, valid

    def _international_shape(self, text: str, window: regex.Match[str],
                             found: dict[tuple[int, int], tuple[float, str, bool]]) -> None:
        """A run written as an international number, "+CC" and groups ("+30-(1)-0087-9649", "+33.87.5256.2531"),
        is a phone number even where libphonenumber reads no number of that country in it (made-up and mistyped
        numbers are still someone's): it replaces the pieces the matcher read inside it."""
        start, end = window.span()
        shape = _INTERNATIONAL_SHAPE.fullmatch(text, start, end)
        if shape is None or any(s <= start and end <= e for s, e in found):
            return
        digits = _DIGIT.findall(shape["number"])
        if not 8 <= len(digits) <= 15 or len(set(digits)) == 1 or _attached_to_token(text, start, end) \
                or _reads_as_amount(shape["number"], shape["s"]):
            return
        for span in [span for span in found if start <= span[0] and span[1] <= end]:
            del found[span]
        if self.has_phone_cue(text, start, end):
            found[(start, end)] = (0.55 + _CONTEXT_BOOST, "international_shape+context", False)
        else:
            found[(start, end)] = (0.55, "international_shape", False)

    @staticmethod
    def has_phone_cue(text: str, start: int, end: int) -> bool:
        """A phone cue word before or after the span on its own line ("call", "Tel.", "mobile", ...)."""
        # a cue counts on the number's own line: "Tél. : +33 ...\nColis 7607372656" is a parcel number
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        return bool(_CONTEXT_WORDS.search(text, max(line_start, start - _CONTEXT_BEFORE), start)
                    or _CONTEXT_WORDS.search(text, end, min(line_end, end + _CONTEXT_AFTER))
                    or _LABEL_AFTER.match(text, end))

    def _result(self, start: int, end: int, score: float, reason: str, valid: bool) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=type(self).__name__, original_score=score, pattern_name=f"phonenumbers_{reason}",
            validation_result=valid,
        )
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                # the cue words were already weighed here; presidio's enhancer must not add them again
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: reason.endswith("+context"),
            },
        )


#: what the matcher may leave in front of the number it reads, in the same run of digits: a bracketed area or
#: country code ("(02239) 09960 308", "(351) 212233079"), a trunk area code ("07771 14710 497", "0732/16372651"),
#: a "+CC"/"00CC" country code, or North America's "1" ("1 (728) 820-0182"). Its digits are the number's too.
_PREFIX = regex.compile(r"(?:\((?:\+|00)?\d{1,5}\)|(?:\+|00)\d{1,4}|0\d{1,4})[ \t\u00a0./-]{1,2}")
#: North America's "1" before a number in its grouping ("1 (728) 820-0182", "1-728-820-0182"), not "1." of a list
_NANP_PREFIX = regex.compile(r"1[ -]")


def _reads_as_amount(number: str, separator: str) -> bool:
    """"+12.345.678.90", "+1.234.567": a signed figure with thousands separators, not a phone number: dots,
    and three-digit groups between the first and the last (the last of one to three digits)."""
    groups = number.split(separator)[1:]  # what follows "+CC"
    return separator == "." and len(groups) >= 2 and all(len(g) == 3 for g in groups[:-1]) \
        and 1 <= len(groups[-1]) <= 3


def _with_prefix(text: str, window_start: int, start: int, end: int) -> int:
    """The start of a number read as a phone number (`start`..`end`), moved back over an area or country code
    that the matcher left out and that is all that stands between the start of the digit run and the number
    (as long as the whole stays within the digits a phone number can have and is not glued to a word). A bracket
    that opens the run before a country code stays out: "(+34 (0) 612 34 57 28)" starts at "+"."""
    if text.startswith(("(+", "(00"), window_start) and window_start + 1 < start:
        window_start += 1
    if window_start >= start:
        return start
    prefix = _PREFIX.fullmatch(text, window_start, start) or (
        _NANP_PREFIX.fullmatch(text, window_start, start) and _NANP_SHAPE.fullmatch(text, window_start, end))
    if prefix is not None and len(_DIGIT.findall(text, window_start, end)) <= _MAX_DIGITS \
            and not _attached_to_token(text, window_start, end):
        return window_start
    return start


def _in_steuernummer(text: str, start: int, end: int) -> bool:
    """True when the span lies in a run of digits and slashes that is a German Land's Steuernummer."""
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] == "/"):
        start -= 1
    while end < len(text) and (text[end].isdigit() or text[end] == "/"):
        end += 1
    value = text[start:end]
    return bool(_STEUERNUMMER_LAYOUT.fullmatch(value)) and stnr.is_valid(value)


def _non_overlapping(found: dict[tuple[int, int], tuple[float, str, bool]]
                     ) -> list[tuple[tuple[int, int], tuple[float, str, bool]]]:
    """Keep the best-scoring (then longest) of overlapping spans found under different regions."""
    kept: list[tuple[tuple[int, int], tuple[float, str, bool]]] = []
    for span, scored in sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0][0] - kv[0][1])):
        if all(span[1] <= k[0] or k[1] <= span[0] for k, _ in kept):
            kept.append((span, scored))
    return sorted(kept)
