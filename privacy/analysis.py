"""Presidio's analysis steps for one text, without its per-call bookkeeping.

`AnalyzerEngine.analyze` asks the registry for the recognizers on every call, hands every recognizer's results
to every recognizer's context hook in two list scans per recognizer, and deep-copies all results before its
context-word step even when no result can be enhanced. For short records that bookkeeping costs about as much
as a third of the recognizers' own work. `RecognizerRun` does the same steps, in the same order, with the
recognizer list, their hooks and their context words settled once: recognizers in name order, each one's
results tagged with its id, the recognizer-level context hooks, Presidio's context-word enhancer, the score
threshold, `EntityRecognizer.remove_duplicates`, then the decision process dropped.

`context_enhancer` is Presidio's lemma context enhancer with two steps made cheaper and kept equal, and
`lazy_artifacts_class` gives it a spaCy doc's token offsets, lemmas and keywords only when it asks.
"""

from __future__ import annotations

import functools
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.entities import ENGINE_LANGUAGE as _LANGUAGE

_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ENHANCED_KEY = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


class RecognizerRun:
    """Runs `recognizers` (already in the order results should come) over one text as `AnalyzerEngine.analyze`
    would with `entities`, `nlp_artifacts` and `score_threshold` given."""

    def __init__(self, recognizers: list[EntityRecognizer], entities: list[str], enhancer: Any) -> None:
        self.recognizers = recognizers
        self.entities = entities
        self.enhancer = enhancer
        for recognizer in recognizers:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
        # recognizers with a context hook of their own (the base class's returns its input unchanged)
        self._hooked = [r for r in recognizers
                        if type(r).enhance_using_context is not EntityRecognizer.enhance_using_context]
        # ids of the recognizers that have context words for the enhancer to look for
        self._with_context = frozenset(r.id for r in recognizers if r.context)
        # (recognizer, id, hooked) in order, and each id's place: Presidio's `id` is a property, read per call
        hooked_ids = {r.id for r in self._hooked}
        self._order = [(r, r.id, r.id in hooked_ids) for r in recognizers]
        self._place = {r.id: i for i, r in enumerate(recognizers)}
        self._by_id = {r.id: r for r in recognizers}
        # each recognizer with the gates a text must hold for it to find anything (gdprep's pattern recognizers,
        # `skip_gates`): for a short record most gates fail, and calling the recognizer only to hear that cost
        # more than the gate searches themselves
        self._gated: list[tuple[EntityRecognizer, tuple[Any, ...], Any]] = []
        for r in recognizers:
            gates = getattr(r, "skip_gates", lambda: None)() or ()
            self._gated.append((r, gates, r.holds_gate if gates else None))  # type: ignore[attr-defined]

    def analyze(self, text: str, nlp_artifacts: Any, score_threshold: float) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        held: dict[int, bool] = {}  # gate (by identity) -> whether the text holds it
        for recognizer, gates, holds_gate in self._gated:
            for gate in gates:
                holds = held.get(id(gate))
                if holds is None:
                    holds = held[id(gate)] = holds_gate(gate, text)
                if not holds:
                    break
            else:
                found = recognizer.analyze(text=text, entities=self.entities, nlp_artifacts=nlp_artifacts)
                if found:
                    for result in found:
                        metadata = result.recognition_metadata
                        if not metadata:
                            metadata = result.recognition_metadata = {}
                        metadata.setdefault(_ID_KEY, recognizer.id)
                        metadata.setdefault(_NAME_KEY, recognizer.name)  # type: ignore[has-type]
                    results.extend(found)
        if results:
            results = self._enhance(text, results, nlp_artifacts)
        results = [r for r in results if r.score >= score_threshold]
        results = EntityRecognizer.remove_duplicates(results)
        for result in results:
            result.analysis_explanation = None  # type: ignore[assignment]  # as Presidio does
        return results

    def _enhance(self, text: str, results: list[RecognizerResult], nlp_artifacts: Any) -> list[RecognizerResult]:
        """Presidio's `_enhance_using_context`: each hooked recognizer sees its own results and the others'
        (the rest pass through unchanged, grouped by recognizer as Presidio groups them), then the enhancer
        reads the context words around any result whose recognizer has some and that is not enhanced yet."""
        if self._hooked:
            by_recognizer: dict[str, list[RecognizerResult]] = {}
            for result in results:
                by_recognizer.setdefault(result.recognition_metadata[_ID_KEY], []).append(result)
            enhanced: list[RecognizerResult] = []
            for recognizer, recognizer_id, hooked in self._order:
                own = by_recognizer.get(recognizer_id, [])
                if hooked:
                    others = [r for r in results if r.recognition_metadata[_ID_KEY] != recognizer_id]
                    own = recognizer.enhance_using_context(
                        text=text, raw_recognizer_results=own, other_raw_recognizer_results=others,
                        nlp_artifacts=nlp_artifacts, context=None)
                enhanced.extend(own)
            results = enhanced
        else:
            # Presidio regroups the results recognizer by recognizer even when no hook changes them
            place, last = self._place, len(self._place)
            results = sorted(results, key=lambda r: place.get(r.recognition_metadata[_ID_KEY], last))
        if not any(r.recognition_metadata.get(_ID_KEY) in self._with_context
                   and not r.recognition_metadata.get(_ENHANCED_KEY, False) for r in results):
            return results  # the enhancer would change nothing (it skips these), only copy
        # the enhancer looks each result's recognizer up by id in a table it builds from `recognizers` per call:
        # handing it only the recognizers that found something builds a far smaller table
        found_by = {r.recognition_metadata[_ID_KEY] for r in results}
        return list(self.enhancer.enhance_using_context(
            text=text, raw_results=_OwnResults(results), nlp_artifacts=nlp_artifacts,
            recognizers=[self._by_id[i] for i in found_by if i in self._by_id], context=None))


class _OwnResults(list[RecognizerResult]):
    """Results made for this call alone. Presidio's enhancer deep-copies its input before it raises scores, so
    that a caller's results stay as they were; nothing else holds these, so the copy is skipped (for short
    records it cost more than the enhancement itself) and the enhancer changes them in place."""

    def __deepcopy__(self, memo: dict[int, Any]) -> list[RecognizerResult]:
        return list(self)


_KEYWORD_CACHE_SIZE = 1 << 16


def keyword_parts(nlp_engine: Any, lemma: str) -> tuple[str, ...]:
    """What Presidio's `NlpArtifacts.set_keywords` makes of one lemma: nothing for a stop word or punctuation,
    else the lower-cased lemma split on colons. Cached on the engine (it goes with the detector), emptied when
    full."""
    cache: dict[str, tuple[str, ...]] = nlp_engine.__dict__.setdefault("_gdprep_keyword_parts", {})
    parts = cache.get(lemma)
    if parts is None:
        if len(cache) >= _KEYWORD_CACHE_SIZE:
            cache.clear()
        parts = cache[lemma] = tuple(NlpArtifacts.set_keywords(nlp_engine, [lemma], _LANGUAGE))
    return parts


def context_enhancer() -> Any:
    """Presidio's lemma context enhancer, with its token lookup done by bisection: the stock one walks
    every token of the document for every finding (quadratic on long records). Its context-word match is the
    stock one's, with each surrounding word lower-cased once."""
    from bisect import bisect_right

    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    class BisectContextEnhancer(LemmaContextAwareEnhancer):
        @staticmethod
        def _find_index_of_match_token(word: str, start: int, tokens: Any, tokens_indices: list[int]) -> int:
            i = max(0, bisect_right(tokens_indices, start) - 1)
            if start >= tokens_indices[i] + len(tokens[i]):
                i += 1
            if i >= len(tokens_indices):
                raise ValueError(f"no token at offset {start}")
            return i

        @staticmethod
        def _find_supportive_word_in_context(context_list: list[str] | None, recognizer_context_list: list[str] | None,
                                             matching_mode: str = "substring") -> str:
            # the stock one lower-cases every surrounding word again for each of the recognizer's context words
            if context_list is None or recognizer_context_list is None:
                return ""
            around = [word.lower() for word in context_list]
            for context_word in recognizer_context_list:
                wanted = context_word.lower()
                if (matching_mode == "substring" and any(wanted in word for word in around)) or (
                        matching_mode == "whole_word" and wanted in around):
                    return context_word
            return ""

    return BisectContextEnhancer()


@functools.cache
def lazy_artifacts_class() -> type:
    """Presidio's NLP artifacts of one doc, with the token offsets, lemmas and keywords built on first use:
    Presidio's context step reads them only when a recognizer found something, and building them walks every
    token of every text."""
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from spacy.attrs import IDX, LOWER

    class LazyArtifacts(NlpArtifacts):
        def __init__(self, doc: Any, nlp_engine: Any) -> None:  # no super().__init__: it builds everything now
            self.entities: list[Any] = []
            self.tokens = doc
            self.nlp_engine = nlp_engine
            self.scores: list[float] = []

        @functools.cached_property
        def _columns(self) -> Any:
            return self.tokens.to_array([IDX, LOWER])

        @functools.cached_property
        def tokens_indices(self) -> list[int]:  # type: ignore[override]
            return self._columns[:, 0].tolist()  # type: ignore[no-any-return]  # Python ints, in one call

        @functools.cached_property
        def lemmas(self) -> list[str]:  # type: ignore[override]
            strings = self.tokens.vocab.strings
            return [strings[h] for h in self._columns[:, 1].tolist()]

        @functools.cached_property
        def keywords(self) -> list[str]:  # type: ignore[override]
            # Presidio's `set_keywords` keeps, lower-cases and splits each lemma on its own: word by word, from
            # a cache, as it asks the vocabulary twice a word (and adds unseen words to it)
            return [part for lemma in self.lemmas for part in keyword_parts(self.nlp_engine, lemma)]

    return LazyArtifacts
