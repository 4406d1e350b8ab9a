"""The declarative base of the national identifier recognizers: a value regex, cue words in the country's
languages (before or after the value), the forms accepted without a cue and their scores, and the
check-digit helpers python-stdnum does not provide.

Scores follow one scale, so a policy's thresholds mean the same for every country:

- a cue and a passing checksum: 1.0; a cue where no checksum exists: `CUED` (0.8);
- no cue, but check letters and a date no other number carries (the Finnish henkilötunnus): `STRONG` (0.9);
- no cue, but the country's own separator (or letters) and a passing checksum: `SHAPED` (0.8, above the 0.75
  a phone number's digit groups get, since the checksum and date are the stronger evidence);
- no cue, a plain digit run passing its checksum and date checks: `BARE` (0.4, inside every shipped
  policy's review band; redacted only by the stricter policies);
- no cue and nothing to check (document numbers): `FORMAT_ONLY` (0.3, review only).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.recognizers.base import SIX_DIGITS, GdprepPatternRecognizer

CERTAIN = 1.0
STRONG = 0.9
SHAPED = 0.8
CUED = 0.8
BARE = 0.4
FORMAT_ONLY = 0.3

# Up to 30 characters between a cue and its value: no digits (another number would be the value) and no
# sentence break (punctuation, space, capital), so "my CPR. Order 0101901234" does not tie the cue to the order.
GAP = r"(?:(?!(?-i:[.!?]\s+\p{Lu}))[^\d\n]){0,30}?"
# between a value and a cue written after it ("199109242397 är mitt pnr", "AAA123456 es mi número de pasaporte")
GAP_AFTER = r"(?:(?![.!?]\s)[^\d\n]){1,30}?"
# "number", "no.", "Nr.", "n°", "číslo" after a cue; the abbreviation's dot must not read as a sentence break
NUMBER_WORD = (r"(?:[\s-]*(?:number|num[ée]ro|numero|n[úu]mero|nummer|numer|numurs|numeris|numbri|"
               r"szám|száma|číslo|broj|številka|αριθμός|номер|no\.?|nr\.?|n[°º]\.?|#))?")
# A number glued to a word, a "+" (phone), an "@" or a digit group ("ORD-123…", "1.123…") is something else.
START = r"(?<![\w+@]|\w[-./])"
# for a value whose check letters make it unmistakable, a letter may come right before it ("is030594W903B")
START_AFTER_LETTERS = r"(?<![\d+@]|\w[-./])"
END = r"(?![\w@]|[-./,]\w)"
# a label in front of a number that says what else it is (order, invoice, ticket, phone ...); `regex` allows
# this variable-length look-behind
NOT_AFTER_OTHER_LABEL = (
    r"(?<!\b(?:order|orders|invoice|ref|reference|ticket|case|booking|tracking|parcel|shipment|transaction|"
    r"account|acc|customer|client|member|policy|claim|po|sku|item|article|serial|tel|phone|fax|mobile|"
    r"bestellung|bestellnummer|rechnung|auftrag|kunde|kundennummer|konto|sendung|bestelling|factuur|"
    r"klantnummer|zending|commande|facture|dossier|ordine|fattura|pedido|factura|zamówienie|faktura|"
    r"objednávka|rendelés|tilaus|ordre|order-nr|tilausnumero|ordrenummer|kundnummer|asiakasnumero|"
    r"tellimus|užsakymas|pasūtījums|narudžba|naročilo|comanda|поръчка|παραγγελία|encomenda)\b"
    r"[\s.:#=-]{0,3}(?:(?:no|nr|number|num|n[º°]|nummer|numero)\.?[\s.:#=-]{0,3})?)"
)
# Cue words that name a personal identity number in general, in English and the languages around it; every
# national recognizer accepts them besides its own
GENERIC_ID_CUES: tuple[str, ...] = (
    r"personal\s+(?:identity|identification|id)\s+(?:number|code|no)",
    r"national\s+(?:identity|identification|id)\s+(?:number|code|no)",
    r"(?:citizen|personal)\s+(?:number|code)",
    r"national\s+id",
)
#: suffix of the patterns that carry a cue; only those are lifted to `CERTAIN` by a passing checksum
CUED_SUFFIXES = ("_cued", "_cued_after")


def cue_alternatives(cues: tuple[str, ...]) -> str:
    """One regex alternation of the cue words, anchored at word starts."""
    return r"(?<!\w)(?:" + "|".join(cues) + r")(?!\w)"


class NationalIdRecognizer(GdprepPatternRecognizer):
    """A national identifier described by class attributes; PATTERNS are derived from them.

    VALUE is the identifier's regex (edges are added here); CUES are regex fragments naming it in the
    country's languages (GENERIC_ID_CUES are added unless GENERIC_CUES is False); BARE lists the forms
    accepted without a cue as (name, regex, score[, prefilter]), each kept at its own score however its
    checksum turns out, because a checksum passes by chance for some share of random numbers. The cue words
    are the cued patterns' prefilter, so a text without any is never searched for them. A cued match whose
    `validate` passes scores `CERTAIN`; a cued match with nothing to check scores CUED_SCORE.
    """

    VALUE: ClassVar[str]
    #: a cheaper regex that every match of VALUE holds, searched for instead of VALUE to rule a text out
    VALUE_GATE: ClassVar[str | None] = None
    CUES: ClassVar[tuple[str, ...]] = ()
    BARE: ClassVar[tuple[tuple[str, str, float] | tuple[str, str, float, str], ...]] = ()
    GENERIC_CUES: ClassVar[bool] = True
    CUED_SCORE: ClassVar[float] = CUED
    #: the edges around VALUE; a shape with check letters may be glued to a word ("is030594W903B")
    VALUE_START: ClassVar[str] = START
    VALUE_END: ClassVar[str] = END
    #: every value holds six digits (SIX_DIGITS); a shape with fewer (document numbers, short VAT numbers, a
    #: Maltese card) sets GATE = None
    GATE: ClassVar[str | None] = SIX_DIGITS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "VALUE", None) is None or "ENTITY" not in cls.__dict__:
            return  # an intermediate base
        slug = cls.ENTITY.lower()
        cues = cls.CUES + (GENERIC_ID_CUES if cls.GENERIC_CUES else ())
        value = rf"{cls.VALUE_START}(?:{cls.VALUE}){cls.VALUE_END}"
        patterns: list[tuple[str, str, float] | tuple[str, str, float, str]] = []
        if cues:
            cue = cue_alternatives(cues)
            # the cue words alone are the prefilter: most texts hold none, and then neither pattern is tried
            # (at a word start: short cues such as "iva" or "alv" are inside many ordinary words)
            prefilter = r"(?<!\w)(?:" + "|".join(cues) + ")"
            patterns.append((f"{slug}_cued", rf"{cue}{NUMBER_WORD}{GAP}(?P<value>{value})", cls.CUED_SCORE, prefilter))
            patterns.append((f"{slug}_cued_after", rf"(?P<value>{value}){GAP_AFTER}{cue}", cls.CUED_SCORE, prefilter))
        for spec in cls.BARE:
            name, regex_, score = spec[:3]
            # the value first, as a look-ahead: the costly look-behinds then run only where a value starts
            bare = (rf"(?=(?:{regex_}){cls.VALUE_END}){NOT_AFTER_OTHER_LABEL}"
                    rf"{cls.VALUE_START}(?:{regex_}){cls.VALUE_END}")
            if len(spec) > 3:
                patterns.append((f"{slug}_{name}", bare, score, spec[3]))
            else:
                patterns.append((f"{slug}_{name}", bare, score))
        cls.PATTERNS = patterns

    def __init__(self) -> None:
        super().__init__()
        # every pattern's match holds a VALUE: a text without one is not searched with the costlier patterns
        # (their look-behinds, cue words and edges)
        self._value_gate = regex.compile(self.VALUE_GATE or self.VALUE, self.FLAGS)

    def search_gates(self) -> tuple[regex.Pattern[str], ...]:
        # recognizers with the same VALUE (the document numbers, the Estonian and Lithuanian codes) share the search
        return (*super().search_gates(), self._value_gate)

    ANALYZE_ONLY_NARROWS = True  # drops placeholders, re-scores

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        results = [r for r in super().analyze(text, entities, nlp_artifacts) if not is_placeholder(text[r.start:r.end])]
        for result in results:
            explanation = result.analysis_explanation
            if explanation is None:
                continue
            if explanation.pattern_name.endswith(CUED_SUFFIXES):
                # the cue already counted: Presidio's context words must not lift the score a second time
                result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            else:
                result.score = explanation.original_score
        return results


def is_placeholder(value: str) -> bool:
    """A number made of one repeated digit or a straight run ("000000000", "1111111111", "123456789"): a
    dummy in a form or a test, whichever checksum it happens to pass. Values with letters are not judged."""
    digits = digits_of(value)
    if len(digits) < 6 or len(digits) != sum(ch.isalnum() for ch in value):
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({0}, {1}, {9})


def digits_of(value: str) -> str:
    """The digits of a value, separators dropped."""
    return "".join(ch for ch in value if ch.isdigit())


def compact(value: str) -> str:
    """A value without spaces, hyphens, dots and slashes, upper-cased."""
    return "".join(ch for ch in value if ch not in " -./\u00a0").upper()


def is_date(year: int, month: int, day: int) -> bool:
    """True for a real calendar date."""
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def not_in_future(year: int, month: int, day: int) -> bool:
    """True for a real date that is not after today (nobody is born tomorrow)."""
    return is_date(year, month, day) and datetime.date(year, month, day) <= datetime.date.today()


def icao_check_digit(chars: str) -> int:
    """ICAO Doc 9303 check digit: weights 7, 3, 1; digits count as themselves, A-Z as 10-35, '<' as 0."""
    total = 0
    for i, ch in enumerate(chars.upper()):
        value = int(ch) if ch.isdigit() else (0 if ch == "<" else ord(ch) - ord("A") + 10)
        total += value * (7, 3, 1)[i % 3]
    return total % 10
