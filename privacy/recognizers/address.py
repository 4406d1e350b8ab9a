"""Street addresses in UK and continental (de/fr/nl/it/es) forms, reported as one span per address.

A match needs a street-type word (Road, rue, Via, -straße, -straat ...) next to a house number, or a
postcode; the span runs on over a flat prefix and a comma-separated town/postcode tail.
"""

from __future__ import annotations

from typing import Final

import regex

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer

_WORD_START = r"(?<![\p{L}\p{M}\p{N}_\p{Sc}.,:/-])"
_CAP_WORD = r"\p{Lu}[\p{L}\p{M}]*+(?:['’]s\b)?(?:-\p{L}[\p{L}\p{M}]*+)*+"
# house number: 5, 221B, 3a, 12-14, 12 a (German/Dutch); never a price, a decimal or part of a date
_NUMBER = r"(?<![\p{N}\p{Sc}.,:/])\d{1,4}(?:(?:[a-zA-Z]|[ \t][A-Z]|[ \t][a-z](?=,|[ \t]*$))(?![\p{L}\p{M}]))?(?:[ \t]*[-–/][ \t]*\d{1,4}[a-zA-Z]?)?(?![\d.:/]\d)"

_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|GIR[ \t]?0AA)(?![\p{L}\p{N}])"
# 10115 / D-10115 / 1017 GC (NL, without SA SD SS) / 1000 (BE, AT, CH)
_EU_POSTCODE = r"(?:(?:[A-Z]{1,2}-)?\d{5}|\d{4}[ \t]?(?!SA|SD|SS)[A-Z]{2}(?![\p{L}])|(?:[A-Z]{1,2}-)?\d{4})(?!\d)"
_TOWN = (
    r"\p{Lu}[\p{L}\p{M}'’]*+(?:[ -](?:(?:upon|on|under|in|le|la|en|sur|am|an|der|de|del|di|aan|den|op)[ -])?"
    r"\p{Lu}[\p{L}\p{M}'’]*+){0,2}(?![\p{N}])(?:[ \t]+\(?[A-Z]{2}\)?(?![\p{L}\p{N}]))?"
)
_COUNTRY = (
    r"(?:UK|United[ \t]Kingdom|England|Scotland|Wales|Northern[ \t]Ireland|Ireland|Germany|Deutschland|France"
    r"|Netherlands|Nederland|Belgium|Belgique|België|Italy|Italia|Spain|España|Austria|Österreich"
    r"|Switzerland|Schweiz|Suisse|Svizzera|Portugal)(?![\p{L}])"
)
_POSTCODE_PART = rf"(?:{_EU_POSTCODE}[ \t]+{_TOWN}|(?:{_TOWN}[ \t]+)?{_UK_POSTCODE})"
_END = r"(?=[ \t]*(?:$|[.;:)!?\n]))"
# ", Leeds LS6 2QT" / ", 10115 Berlin, Germany" / "\n10115 Berlin" (envelope layout) / ", London." (a bare
# town only where the phrase ends, so "5 Mill Lane, Sarah said" keeps Sarah out)
_TAIL = (
    rf"(?:(?:,[ \t]*{_TOWN}){{0,2}}(?:,[ \t]*|[ \t]+|[ \t]*\n[ \t]*){_POSTCODE_PART}(?:,[ \t]*{_COUNTRY})?"
    rf"|(?:,[ \t]*{_TOWN}){{1,2}}{_END})?"
)
_POSTCODE_TAIL = rf"(?:,[ \t]*|[ \t]+){_POSTCODE_PART}(?:,[ \t]*{_COUNTRY})?"

_FLAT = (
    r"(?:(?i:flat|apartment|apt\.?|unit|suite|studio|wohnung|whg\.?|appartement|appt\.?|appartamento|apartamento"
    r"|piso|dpto\.?)[ \t]*\d{1,4}[a-zA-Z]?,?[ \t]+)?"
)

_EN_TYPE = (
    r"(?:(?:Street|Road|Avenue|Lane|Close|Drive|Way|Crescent|Gardens|Place|Terrace|Court|Square|Grove|Mews|Hill"
    r"|Row|Walk|Park|Parade|Gate|Green|Rise|View|Boulevard|Wharf|Yard|Vale|Croft|Chase|Circus|Embankment"
    r"|Broadway|Highway|Esplanade|Promenade|Quay|Passage|Approach|Bank|Brow|Common|Cottages|End|Fields|Meadow"
    r"|Meadows|Mount|Orchard|Path|Ridge|Wynd)(?![\p{L}\p{M}])"
    r"|(?:St|Rd|Ave|Ln|Dr|Cres|Gdns|Pl|Tce|Ct|Sq|Blvd)(?:\.|(?![\p{L}\p{M}])))"
)
_EN_NAME = rf"{_CAP_WORD}(?:[ \t]+(?:(?:of|the|upon|on|in|le|de|la)[ \t]+)?{_CAP_WORD}){{0,3}}"

_ROMANCE_PARTICLES = (
    r"(?:(?:de[ \t]+la|de[ \t]+los|de[ \t]+las|de|du|des|la|le|les|los|las|aux|au|à|et|sur|sous|di|del|della"
    r"|dei|degli|delle|dello|da|do|dos|das|y|e|i|van|der|den)[ \t]+|(?:[ld]|dell|dall|nell|sull)['’])"
)
_ROMANCE_NAME = (
    rf"{_ROMANCE_PARTICLES}*+(?:{_CAP_WORD}|\d{{1,2}}(?=[ \t]+{_ROMANCE_PARTICLES}*\p{{Lu}}))"
    rf"(?:[ \t]+{_ROMANCE_PARTICLES}*+{_CAP_WORD}){{0,4}}"
)
# French writes the number first; English look-alikes (Place, Square, Route ...) count only in lower case
_FR_TYPE = (
    r"(?:(?i:rue|avenue|av\.|boulevard|bd\.?|chemin|allée|allee|impasse|quai|faubourg|rond-point|chaussée"
    r"|sentier|parvis|cité|hameau|lieu-dit|montée|traverse|ruelle)|place|square|route|passage|villa|promenade"
    r"|esplanade|cours|voie)(?![\p{L}\p{M}])"
)
# street type first, number after: Via Roma 10, Calle Mayor 5, Rue de la Loi 16 (BE), Rua Augusta 25
_TYPE_FIRST = (
    r"(?i:via|viale|v\.le|piazza|p\.zza|piazzale|corso|c\.so|largo|vicolo|strada|contrada|lungomare"
    r"|lungotevere|borgo|salita|calle|c/|avenida|avda\.?|plaza|pza\.?|paseo|p\.º|pº|carretera|ctra\.?"
    r"|camino|ronda|travesía|glorieta|rambla|carrer|avinguda|plaça|passeig|rua|praça|travessa|alameda"
    r"|rue|avenue|boulevard|chaussée|quai|chemin|place|laan)(?![\p{L}\p{M}])"
)
_HOUSE_NO_MARK = r"(?:(?i:n\.?[ºo°]\.?|nº|n°|no\.|núm\.?|num\.?)[ \t]*)?"
# Spanish/Italian floor and door after the number: ", 3º B", ", 2º izda.", " scala B", ", piso 3"
_FLOOR = (
    r"(?:,?[ \t]*(?:\d{1,2}[ºª°](?:[ \t]?(?:\d{1,2}[ºª]|[A-Z](?![\p{L}])|(?i:izq(?:da|uierda)?|dcha|dch|derecha)"
    r"\.?))?|(?i:piso|planta|puerta|esc\.|escalera|scala|int\.|interno|piano|étage|bte|bus)[ \t]*[\dA-Z]{1,3}"
    r"(?![\p{L}\p{N}])|(?i:bajo|ático|atico)(?![\p{L}])))?"
)
# a number after a type-first street must end the phrase: "via Zoom 2 hours" is not an address
_NUMBER_ENDS = (
    r"(?=[ \t]*(?:$|[,;.)\n/]|\d{4,5}(?!\d)|[A-Z]{1,2}-\d|\p{Lu}"
    r"|(?i:a|in|en|à|te|bis|ter|y|e|and|und|et|im|zu|bei)(?![\p{L}])))"
)

_DE_NL_STRONG = (
    r"(?:\p{Lu}[\p{L}\p{M}-]*+(?<=(?i:straße|strasse|gasse|allee|chaussee|straat|laan|gracht|kade|singel|plein"
    r"|steeg|dreef|stieg|steig))|\p{Lu}[\p{L}\p{M}-]*+(?<=str)\.)(?![\p{L}\p{M}])"
)
# path, square, ring ... are also ordinary nouns: compounds with a common first part are left out
_DE_NL_WEAK = (
    r"\p{Lu}[\p{L}\p{M}-]*+(?<=(?i:weg|platz|ring|damm|ufer|markt|dijk|hof|pad|wal|berg|kamp|park|tor|graben))"
    r"(?<!(?i:park|arbeits|sitz|stell|spiel|camping|steh|liege|sport|flug|bahn|fried|gast|schul|kinder|innen"
    r"|weg|ab|um|aus|vor|super|floh|wochen|jahr|bauern|fuß|rad|feld|markt|sonder)(?:weg|platz|ring|markt|hof|park|tor))"
    r"(?![\p{L}\p{M}])"
)
_DE_ADJECTIVE = r"(?:\p{Lu}[\p{L}\p{M}]*+(?<=er|e|es|en)[ \t]+)?"  # Berliner Straße, Lange Gasse, Alte Weg
_DE_PREPOSITION = (
    r"(?:Am|Im|Zum|Zur|Beim|An[ \t]+der|An[ \t]+den|Auf[ \t]+der|Auf[ \t]+dem|In[ \t]+der|In[ \t]+den"
    r"|Unter[ \t]+den|Hinter[ \t]+der|Vor[ \t]+dem|Bei[ \t]+der|Op[ \t]+de|Aan[ \t]+de|In[ \t]+de)"
)

_LOWER_WORD = r"\p{Ll}[\p{L}\p{M}'’]*+"


class StreetAddressRecognizer(GdprepPatternRecognizer):
    """Number + street + type (UK), number + type + street (FR), type + street + number (IT/ES/PT/BE),
    compound street + number (DE/NL), each with an optional flat prefix and town/postcode tail."""

    ENTITY = "STREET_ADDRESS"
    FLAGS = regex.MULTILINE  # no IGNORECASE: capitalisation separates "12 Park Road" from "walked 5 miles down the road"
    PATTERNS = [
        ("address_uk", rf"{_WORD_START}{_FLAT}{_NUMBER},?[ \t]+{_EN_NAME}[ \t]+{_EN_TYPE}{_TAIL}", 0.7),
        ("address_fr", rf"{_WORD_START}{_FLAT}{_NUMBER}(?:[ \t]?(?i:bis|ter|quater)(?![\p{{L}}]))?,?[ \t]+"
                       rf"{_FR_TYPE}[ \t]+{_ROMANCE_NAME}{_TAIL}", 0.7),
        ("address_type_first", rf"{_WORD_START}{_FLAT}{_TYPE_FIRST}[ \t]+{_ROMANCE_NAME},?[ \t]*{_HOUSE_NO_MARK}"
                               rf"{_NUMBER}{_NUMBER_ENDS}{_FLOOR}{_TAIL}", 0.7),
        ("address_de_nl", rf"{_WORD_START}{_FLAT}(?:{_DE_PREPOSITION}[ \t]+)?{_DE_ADJECTIVE}{_DE_NL_STRONG}"
                          rf"[ \t]+{_NUMBER}{_TAIL}", 0.75),
        ("address_de_nl_weak", rf"{_WORD_START}{_FLAT}(?:{_DE_PREPOSITION}[ \t]+)?{_DE_ADJECTIVE}{_DE_NL_WEAK}"
                               rf"[ \t]+{_NUMBER}{_NUMBER_ENDS}{_TAIL}", 0.6),
        # "An der Alster 3, 20099 Hamburg": a preposition street needs the postcode to count
        ("address_de_preposition", rf"{_WORD_START}{_DE_PREPOSITION}[ \t]+{_CAP_WORD}(?:[ \t]+{_CAP_WORD})?"
                                   rf"[ \t]+{_NUMBER}{_POSTCODE_TAIL}", 0.7),
        # "Rose Cottage, Mill Lane, Little Snoring, Norfolk NR21 0AA": lines held together by a UK postcode
        ("address_uk_postcode_line", rf"{_WORD_START}(?:(?:{_NUMBER}[ \t]+)?{_EN_NAME},[ \t]*){{1,3}}"
                                     rf"{_TOWN}[ \t]+{_UK_POSTCODE}", 0.7),
        # users type addresses in lower case; a UK postcode at the end makes that safe enough
        ("address_uk_lower", rf"{_WORD_START}{_NUMBER}[ \t]+(?:{_LOWER_WORD}[ \t]+){{1,3}}(?i:{_EN_TYPE})"
                             rf"(?:,[ \t]*{_LOWER_WORD}(?:[ \t]+{_LOWER_WORD})?){{0,2}},?[ \t]+(?i:{_UK_POSTCODE})",
         0.65),
        # "10115 Berlin" / "1017 GC Amsterdam" opening a line or after a comma (envelope layout)
        ("address_eu_postcode_town", rf"(?:^[ \t]*|(?<=,[ \t]*)){_EU_POSTCODE}[ \t]+{_TOWN}(?=[ \t]*(?:$|[,;\n]))",
         0.5),
    ]
    CONTEXT = ["address", "street", "live", "lives", "adresse", "anschrift", "adres", "indirizzo", "dirección",
               "domicilio", "wohnhaft", "woonachtig", "residente", "postcode"]

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        return merge_overlapping_results(super().analyze(text, entities, nlp_artifacts))


def merge_overlapping_results(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Patterns find parts of one address ("Hauptstraße 5", "10115 Berlin"): report their union once."""
    merged: list[RecognizerResult] = []
    for result in sorted(results, key=lambda r: (r.start, -r.end)):
        if merged and result.start < merged[-1].end:
            last = merged[-1]
            if result.score > last.score:
                last.score, last.analysis_explanation = result.score, result.analysis_explanation
            last.end = max(last.end, result.end)
        else:
            merged.append(result)
    return merged


ADDRESS_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (StreetAddressRecognizer,)
