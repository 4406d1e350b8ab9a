"""Person names without a cue: given names from a public reference list, extended by a following surname.

spaCy's small English model misses most names in lower case ("thanks gustavo"), in other languages and
in short notes. This recognizer looks every word up in the given-name list of `gdprep.privacy.names`
(public reference data, not the evaluation generator's lists) and decides what else a hit needs:

- a given name that is also an everyday word ("will", "grace", "rosa", "domingo") or a function word in
  one of the scanned languages ("ben", "dan", "else") is reported only when capitalised in running text
  or followed by a surname;
- a lower-case given name stands alone only when it is reasonably common somewhere (frequency >= 4);
- a word inside a URL, an e-mail address or a code, next to a street word ("Victoria Road",
  "rue Pascal"), in a firm's name ("Harrison and Sons", "Dodd, Johnson and Wyatt"), or that spaCy
  found as a one-word place, product or nationality, is left alone;
- the following words become the surname when they look like one: any capitalised word after a
  capitalised given name; in lower case a listed surname or given name, or one word that is no
  English word ("declan brennan", "narcisa juan bolaños").
"""

from __future__ import annotations

import functools
from typing import Any, Final

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.names import given_names, surname_ranks
from gdprep.privacy.recognizers.base import make_result
from gdprep.privacy.recognizers.person import is_name_stop_word
from gdprep.privacy.wordlists import english_words, stop_words

FULL_NAME_SCORE: Final[float] = 0.7
LOWER_FULL_NAME_SCORE: Final[float] = 0.6
CAPITALISED_SCORE: Final[float] = 0.6
RUNNING_TEXT_SCORE: Final[float] = 0.55
LOWER_SCORE: Final[float] = 0.5

MIN_FREQ_LOWER: Final[int] = 4
MIN_FREQ_CAPITALISED: Final[int] = 2
# a lower-case surname that is also an English word ("lord", "day") must be this common a surname
MAX_RANK_ENGLISH_SURNAME: Final[int] = 3000
MAX_RANK_SURNAME: Final[int] = 8000

# Everyday words of en/de/fr/nl/it/es that are also given names. Written for this module from general
# knowledge of those languages (months, virtues, flowers, colours, common nouns and verbs).
_AMBIGUOUS: Final[frozenset[str]] = frozenset("""
january february march april may june july august september october november december summer autumn winter
spring will mark bill frank grant grace hope faith joy dawn rose ruby amber crystal pearl jade ivy holly
daisy lily violet iris heather hazel olive ginger honey candy sugar cherry berry sunny sandy rusty lucky
happy dolly penny rich hunter mason baker page chase miles drew sue art rob bob pat jack jean gene carol
chuck bud buck cliff forest heath lane rod norm guy ray dean earl duke king prince major baron sterling
angel christian german france florence georgia virginia victoria jordan kent india israel sydney paris
chelsea austin lincoln adelaide florida carolina lorraine holland ireland england britain london
age ago alter asset file pile valve novel oak sub ok uk oh long line mall deep tiny young said silver wolf
rain bang ban bay beat brandy cam constant dale dare don doc edit ergo fan ferry franc gang gent glen gong
gull gun hale hang hardy hero hind islam jet joke lap lie loan mane mare marine mate max merit mile mitre
moon nail odd owe pal peep peer pin raid ram rim roar rye saviour shady slave song soon stole sun tang tea
tin tone tram tuba urban viola wan won star sky storm river brook stone rock field sage basil clove
lavender jasmine myrtle poppy willow laurel cedar ash birch rowan aspen reed robin wren swan drake
patience prudence charity mercy constance verity felicity modesty unity harmony melody liberty justice
noble royal sultan regal tiny bunny kitty baby sonny buddy bon nata nato vela
mai ernst kai engel sonne gerade ehre treu fromm hold wolf frieden heide
blanche marin aimé constant reine clément modeste désiré prudent fidèle rené belle
roos lief
vera felice bella grazia gloria fortunata speranza benedetta primo santo marino angelo luce stella
serena letizia fiore chiara celeste gioia sole
rosa luz paz dolores mercedes esperanza fe pilar amparo consuelo soledad ángeles angeles rocío
concepción asunción encarnación purificación remedios milagros socorro salud natividad inmaculada mar
sol alba flor estrella blanca clara cruz reyes santos trinidad belén nieves olvido caridad luna perla
rosario domingo leal franco justo casto modesto severo feliz amado
alta alto bel dag hee ans bilan reino reina rey vela vita pace dulce claire fleur
""".split())

# Words that make a neighbouring given name part of a street, place or institution.
_STREET_AFTER: Final[frozenset[str]] = frozenset("""
road rd street st lane ln avenue ave close way drive dr park court ct place pl square sq gardens crescent
terrace grove hill row walk mews green rise view house hall hospital school college university church
station bridge centre center clinic surgery ward wing building tower estate farm cottage lodge manor
straße strasse str weg platz allee gasse ring damm ufer straat laan plein gracht kade singel dreef
""".split())
_STREET_BEFORE: Final[frozenset[str]] = frozenset("""
rue avenue boulevard bd allée place quai chemin impasse via viale piazza corso largo vicolo calle avenida
plaza paseo camino carrer rua st saint sainte san santa sankt santo são sint hotel hospital
""".split())
# spaCy labels whose words are not given names
_NOT_A_PERSON_LABELS: Final[frozenset[str]] = frozenset({"GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT",
                                                         "WORK_OF_ART", "LAW", "LANGUAGE"})
# function words that German (and formal Spanish/Dutch) capitalise mid-sentence
_CAPITALISED_MID_SENTENCE: Final[frozenset[str]] = frozenset(
    "sie ihr ihre ihren ihrem ihrer ihres ihnen du dich dir euch euer eure usted ustedes lei u uw".split())
_PARTICLES: Final[frozenset[str]] = frozenset("van von de da del della di der den ter ten la le du des dos".split())

_WORD = regex.compile(r"(?<![\p{L}\p{M}\p{N}_'’])\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*(?![\p{L}\p{M}\p{N}_])")


@functools.cache
def _function_words() -> frozenset[str]:
    return stop_words("en", "de", "fr", "nl", "it", "es")


def _english_like(word: str) -> bool:
    """A dictionary word or a regular inflection of one ("takes", "chaired", "meeting")."""
    words = english_words()
    if word in words:
        return True
    for suffix, replacements in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ed", ("", "e")),
                                 ("ing", ("", "e")), ("ly", ("",))):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:  # "hering" is not "her" + "ing"
            stem = word[: -len(suffix)]
            if any(stem + r in words for r in replacements):
                return True
    return False


def _weak(low: str) -> bool:
    return low in _AMBIGUOUS or low in _function_words() or is_name_stop_word(low)


def _is_given(low: str, min_freq: int) -> bool:
    names = given_names()
    if names.get(low, 0) >= min_freq:
        return True
    parts = low.split("-")  # Jean-Luc, Anne-Marie: every part a given name
    return len(parts) > 1 and all(names.get(p, 0) >= min_freq for p in parts)


class GivenNameRecognizer(EntityRecognizer):  # type: ignore[misc]  # presidio is untyped
    """Given names from public reference data, with an optional surname (see the module docstring)."""

    ENTITY: Final[str] = "PERSON"

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__, supported_language="en")

    def load(self) -> None:
        given_names()
        surname_ranks()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        blocked = _blocked_spans(nlp_artifacts)
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            found = self._match(text, words, i, blocked)
            if found is None:
                i += 1
                continue
            start, end, score, pattern, used = found
            results.append(self._result(start, end, score, pattern))
            i += used
        return results

    def _match(self, text: str, words: list[tuple[int, int, str]], i: int,
               blocked: list[tuple[int, int]]) -> tuple[int, int, float, str, int] | None:
        start, end, word = words[i]
        low = word.lower()
        if len(low) < 2 or not _is_given(low, 1) or _in_code(text, start, end):
            return None
        if any(s < end and start < e for s, e in blocked):
            return None
        prev_word = words[i - 1][2].lower() if i > 0 and _adjacent(text, words[i - 1][1], start) else ""
        next_word = words[i + 1][2].lower() if i + 1 < len(words) and _adjacent(text, end, words[i + 1][0]) else ""
        if prev_word in _STREET_BEFORE or next_word in _STREET_AFTER:
            return None
        shape = _shape(word)
        function_word = low in _function_words() or is_name_stop_word(low) or low in _MONTHS_AND_DAYS
        weak = function_word or low in _AMBIGUOUS
        surname_end, used = self._surname(text, words, i, shape, strict=weak)
        calendar = low in _MONTHS_AND_DAYS  # "in May", "on Friday", "Sent: 24 Jan"
        if function_word and (shape != "cap" or surname_end is None) and (calendar or not (
                shape == "cap" and low not in _CAPITALISED_MID_SENTENCE and _running_text(text, words, i))):
            return None  # "de la facture", "Sie den Betrag", "en copie"; but "Dear Jordan and Ben"
        if surname_end is not None:
            if _company_follows(text, surname_end):
                return None
            score = FULL_NAME_SCORE if shape != "lower" else LOWER_FULL_NAME_SCORE
            return start, surname_end, score, "given_name_surname", used
        if len(low) < 3 or shape == "upper" or _company_follows(text, end) or in_firm_name(text, start, end):
            return None
        if shape == "lower":
            min_freq = MIN_FREQ_LOWER + (1 if _english_like(low) else 0)
            if weak or not _is_given(low, min_freq):
                return None
            return start, end, LOWER_SCORE, "given_name_lower", 1
        if not _is_given(low, MIN_FREQ_CAPITALISED):
            return None
        if not weak:
            return start, end, CAPITALISED_SCORE, "given_name", 1
        # "ask Will", "thanks to Grace": an everyday word capitalised inside a lower-case sentence
        if _running_text(text, words, i):
            return start, end, RUNNING_TEXT_SCORE, "given_name_running_text", 1
        return None

    def _surname(self, text: str, words: list[tuple[int, int, str]], i: int, shape: str, strict: bool
                 ) -> tuple[int | None, int]:
        """End offset of a surname (one or two words, particles included) after words[i], and how many
        words the name uses. `strict`: only a known surname counts (after "Will", "Ben", "rosa")."""
        end: int | None = None
        used = 1
        j = i + 1
        last = words[i][1]
        while j < len(words) and used < 4 and _adjacent(text, last, words[j][0], single_space=True):
            k = j
            # "Rens van der Kint": particles are taken only with the surname after them
            while k < len(words) and words[k][2].lower() in _PARTICLES and k - j < 2 and (
                    k + 1 < len(words) and _adjacent(text, words[k][1], words[k + 1][0], single_space=True)):
                k += 1
            kind = self._surname_word(words[k][2], shape, strict) if k < len(words) else None
            if kind is None or (k > j and shape == "lower" and kind != "known"):
                break  # "cristal del escaparate": in lower case a particle needs a listed surname after it
            end, used, last, j = words[k][1], used + (k - j) + 1, words[k][1], k + 1
            if kind == "unknown" or strict:
                break  # one word no list knows ends the name: "rosina salvo aggiornerà"
        return end, used

    @staticmethod
    def _surname_word(word: str, shape: str, strict: bool) -> str | None:
        """"known" (a listed surname or given name), "unknown" (plausible) or None (not a surname)."""
        low = word.lower()
        if len(low) < 2 or low in _STREET_AFTER or low in _function_words() or is_name_stop_word(low) \
                or low in _MONTHS_AND_DAYS or low in _AMBIGUOUS:
            return None
        word_shape = _shape(word)
        if word_shape != shape and not (shape == "cap" and word_shape == "upper" and len(word) > 2):
            return None  # "Smith PLC" is caught by the company check; "Anna SMITH" is a name
        rank = surname_ranks().get(low)
        english = _english_like(low)
        if rank is not None and rank <= MAX_RANK_SURNAME and (not english or rank <= MAX_RANK_ENGLISH_SURNAME):
            return "known"
        if _is_given(low, MIN_FREQ_LOWER):
            return "known"  # "narcisa juan bolaños", "Jean Pierre Martin"
        if strict or len(low) < 3 or (english and shape == "lower"):
            return None
        return "unknown"  # a capitalised word after a capitalised given name: "Mathew French"

    def _result(self, start: int, end: int, score: float, pattern: str) -> RecognizerResult:
        return make_result(self, self.ENTITY, start, end, score, pattern)


_MONTHS_AND_DAYS: Final[frozenset[str]] = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday
januar februar märz april mai juni juli august september oktober november dezember
montag dienstag mittwoch donnerstag freitag samstag sonntag
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
lundi mardi mercredi jeudi vendredi samedi dimanche
januari februari maart april mei juni juli augustus september oktober november december
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
lunedì martedì mercoledì giovedì venerdì sabato domenica
enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
lunes martes miércoles jueves viernes sábado domingo
""".split())


_COMPANY_AFTER = regex.compile(
    r"(?:[ \t]*,?[ \t]+(?:and|&|et|und|en|e|y|\p{Lu}[\p{L}\p{M}]+))*[ \t]*,?[ \t]+"
    r"(?:plc|PLC|Plc|Ltd|LTD|ltd|LLP|LLC|Limited|GmbH|AG|Inc|Corp"
    r"|S\.?[AL]\.?|S\.?p\.?A\.?|S\.?r\.?l\.?|B\.?V\.?|N\.?V\.?|Sons|Co\b|Group|Partners|Associates|Holdings|Solicitors"
    r"|Stiftung|KG|Bank|Fils|Söhne|Zonen|Figli|Hijos)(?![\p{L}])")


def _company_follows(text: str, end: int) -> bool:
    """"Harrison and Sons", "Lewis PLC", "Harvey, Smith and Singh Ltd": a firm named after people."""
    return _COMPANY_AFTER.match(text, end, min(len(text), end + 60)) is not None


_FIRM_NAME = regex.compile(r"\p{Lu}[\p{L}\p{M}'’-]+,[ \t]+\p{Lu}[\p{L}\p{M}'’-]+,?[ \t]+(?:and|&|und|et|en|e|y)[ \t]+"
                           r"\p{Lu}[\p{L}\p{M}'’-]+")


def in_firm_name(text: str, start: int, end: int) -> bool:
    """"Dodd, Johnson and Wyatt", "Hall, Kirk and Moore": surnames listed as a firm's name. A list that
    starts with a given name ("Anna, Peter and Maria") is a list of people."""
    window_start = max(0, start - 60)
    for m in _FIRM_NAME.finditer(text, window_start, min(len(text), end + 60), overlapped=True):
        first = m.group().split(",", 1)[0].lower()
        if m.start() <= start and end <= m.end() and not _is_given(first, MIN_FREQ_LOWER):
            return True
    return False


def _shape(word: str) -> str:
    if word.islower():
        return "lower"
    if word.isupper():
        return "upper" if len(word) > 1 else "cap"
    return "cap" if word[0].isupper() else "mixed"


def _adjacent(text: str, end: int, start: int, single_space: bool = False) -> bool:
    gap = text[end:start]
    if single_space:
        return gap == " "
    return 0 < len(gap) <= 2 and gap.strip(" ,") == ""


def _running_text(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
    """The previous word is a lower-case word of the same sentence."""
    if i == 0 or not _adjacent(text, words[i - 1][1], words[i][0]):
        return False
    prev = words[i - 1][2]
    return prev.islower() and not _sentence_start(text, words[i][0])


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 4):start].rstrip(" \t\"'“(")
    return not before or before[-1] in ".!?:\n"


_CELL_DELIMITERS: Final[str] = "|;,\t"


def _in_code(text: str, start: int, end: int) -> bool:
    """Inside an e-mail address, a URL, a handle, a path or an identifier such as `anna_b2`."""
    left = start
    while left > 0 and not text[left - 1].isspace() and text[left - 1] not in _CELL_DELIMITERS:
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace() and text[right] not in _CELL_DELIMITERS:
        right += 1
    chunk = text[left:right]
    return ("@" in chunk or "://" in chunk or "/" in chunk or "\\" in chunk or "_" in chunk or "=" in chunk
            or any(ch.isdigit() for ch in chunk) or "www." in chunk.lower())


def _blocked_spans(nlp_artifacts: Any) -> list[tuple[int, int]]:
    doc = getattr(nlp_artifacts, "tokens", None)
    ents = getattr(doc, "ents", ()) if doc is not None else ()
    # only one-word entities: "Milan", "Sofia" as places; the small model also calls "Lucas Villaverde" a
    # GPE in foreign text, and a given name followed by a second word is a person far more often
    return [(e.start_char, e.end_char) for e in ents if e.label_ in _NOT_A_PERSON_LABELS and len(e) == 1]


GAZETTEER_RECOGNIZERS: Final[tuple[type[EntityRecognizer], ...]] = (GivenNameRecognizer,)
