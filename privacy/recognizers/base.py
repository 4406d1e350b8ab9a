"""Declarative pattern recognizers: class attributes describe what to find, `validate` checks it.

A concrete recognizer sets ENTITY, PATTERNS (name, regex, score[, prefilter]) and CONTEXT, and may override
`validate(value) -> bool` (a checksum) and `normalise(value)`. A regex may contain a named group
`value`: then only that group is reported, so cue words such as "passport no." can anchor a match
without becoming part of the redacted span. An optional fourth element is a cheap regex that must occur
in the text before the (costlier) pattern is tried at all, e.g. a verb list for a pattern that starts
with an unanchored name, or a set of words (case-folded) one of which must be a word of the text: the word a
match starts with ("via", "calle", "rue" ...).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any, ClassVar, TypeAlias

import regex
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.errors import DetectionTimeout
from gdprep.privacy.collector import collection_paused
from gdprep.privacy.entities import ENGINE_LANGUAGE, ENTITY_TYPES
from gdprep.privacy.findings import PATTERN_NAME_KEY
from gdprep.privacy.recognizers.fold import FoldedPrefilter, folded_form

DEFAULT_FLAGS = regex.IGNORECASE | regex.MULTILINE
#: a GATE for identifiers that hold six digits in a row, with at most one space, dot, hyphen or slash between two
#: (every national number has them); shared, it is searched once per text for all of them
SIX_DIGITS = r"\d(?:[\s./-]?\d){5}"
REGEX_TIMEOUT_S = 2.0
#: texts shorter than this are matched without the regex module's timeout, which costs about 2 µs a call (a
#: short record meets some hundred gates and patterns: a tenth of its rule pass). Every pattern is run on
#: adversarial texts of this length under the timeout in tests/test_redos.py; longer texts keep it.
TIMEOUT_FROM_CHARS = 1024

#: pieces of pattern that many patterns hold (`subpattern`): each pattern holding one carries its body once, in a
#: `(?(DEFINE)...)` group, and calls it by name wherever it is used
SUBPATTERNS: dict[str, str] = {}
_LEADING_FLAGS = regex.compile(r"(?:\(\?[a-zA-Z]+\))*")


def subpattern(name: str, pattern: str) -> str:
    """Register `pattern` as the subpattern `name` and return the call to it, `(?&name)`. A long piece that a
    pattern repeats (a word list checked at every token of a name) then compiles once per pattern instead of once
    per use: `regex` compiles a repeated 6,000-character word list in a name pattern ten times slower. A call
    matches as the piece itself would, so keep pieces whole groups or look-arounds."""
    if not name.isidentifier() or SUBPATTERNS.get(name, pattern) != pattern:
        raise ValueError(f"subpattern {name!r}: not an identifier, or registered already with another pattern")
    SUBPATTERNS[name] = pattern
    return f"(?&{name})"


def expand_subpatterns(pattern: str) -> str:
    """`pattern` with every subpattern call written out in full (for rewriting it as a whole, as `folded_form`
    does)."""
    for name, body in SUBPATTERNS.items():
        pattern = pattern.replace(f"(?&{name})", body)
    return pattern


_Trie: TypeAlias = "dict[str, _Trie]"


def word_alternation(words: Iterable[str]) -> str:
    """A non-capturing group matching any one of `words`, written as a trie ("de(?:a(?:l|r))|the"): at each position
    the regex engine follows one branch per character instead of trying every word. Under IGNORECASE it is about
    seven times quicker than a `regex` named list (`\\L<name>`) of the same thousand words. At each point where a
    word ends, a longer one is tried first; the group backtracks into the shorter one, so a look-ahead around it
    asks "is one of the words here", as a named list does."""
    trie: _Trie = {}
    for word in words:
        if not word:
            raise ValueError("word_alternation: an empty word would match everywhere")
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: _Trie) -> str:
        alternatives = [regex.escape(char) + branch(node[char]) for char in sorted(c for c in node if c)]
        if not alternatives:
            return ""
        group = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{group})?" if "" in node else group  # where a word ends here, a longer one may go on

    return f"(?:{branch(trie)})"


def compile_pattern(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile`, with the body of every subpattern that `pattern` calls defined once in front of it (after
    its leading global flags, which must stay first)."""
    used = [name for name in SUBPATTERNS if f"(?&{name})" in pattern]
    if used:
        define = "(?(DEFINE)" + "".join(f"(?P<{name}>{SUBPATTERNS[name]})" for name in used) + ")"
        at = _LEADING_FLAGS.match(pattern).end()  # type: ignore[union-attr]  # it matches the empty string
        pattern = pattern[:at] + define + pattern[at:]
    return regex.compile(pattern, flags)


# a text's words for word prefilters: letters and marks; digits and underscores separate words, as they do not
# for `\b` (a superset: "5via" holds the word "via" here, and no match of "\bvia" there)
_TEXT_WORD = regex.compile(r"[\p{L}\p{M}]+")


class _Gates(threading.local):
    """Which gates the text being analysed passes, shared by every recognizer in this thread: Presidio hands
    each recognizer the same text object in turn, so a gate common to many is searched for once per text."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.passed: dict[tuple[str, int], bool] = {}
        self.words: frozenset[str] | None = None
        self.folded_text: str | None = None

    def _switch(self, text: str) -> None:
        if self.text is not text:
            self.text, self.passed, self.words, self.folded_text = text, {}, None, None

    def folded(self, text: str) -> str:
        """`text.casefold()`, made once per text for the word set and the folded prefilters."""
        self._switch(text)
        if self.folded_text is None:
            self.folded_text = text.casefold()
        return self.folded_text

    def text_words(self, text: str) -> frozenset[str]:
        """The text's words, case-folded as IGNORECASE compares them ("ſ" is "s", "K" is "k")."""
        self._switch(text)
        if self.words is None:
            self.words = frozenset(_TEXT_WORD.findall(self.folded(text)))
        return self.words

    def passes(self, gate: regex.Pattern[str], text: str) -> bool:
        self._switch(text)
        key = (gate.pattern, gate.flags)
        found = self.passed.get(key)
        if found is None:
            if key in _NON_ASCII_GATES and text.isascii():
                found = self.passed[key] = False
            else:
                found = self.passed[key] = (gate.search(text) if len(text) < TIMEOUT_FROM_CHARS
                                            else gate.search(text, timeout=REGEX_TIMEOUT_S)) is not None
        return found


_GATES = _Gates()
_NON_ASCII_GATES: set[tuple[str, int]] = set()


def non_ascii_gate(gate: regex.Pattern[str]) -> regex.Pattern[str]:
    """Declare that `gate` matches only characters outside ASCII (a script's letters): a text that is all ASCII,
    as most of our users' records are, fails it without a search (`str.isascii` is a C loop over the text)."""
    for char in map(chr, range(128)):
        if gate.search(char) is not None:
            raise ValueError(f"gate {gate.pattern!r} matches the ASCII character {char!r}")
    _NON_ASCII_GATES.add((gate.pattern, gate.flags))
    return gate


#: what a pattern needs before it is tried: a cheap regex (searched in the case-folded text with `re` where
#: `folded_form` can rewrite it), or one of a set of words
Prefilter: TypeAlias = "regex.Pattern[str] | FoldedPrefilter | frozenset[str] | None"


def _prefilter(spec: str | frozenset[str]) -> Prefilter:
    if isinstance(spec, frozenset):
        return spec
    compiled = compile_pattern(spec, regex.IGNORECASE)
    rewritten = folded_form(expand_subpatterns(spec))
    if rewritten is None:
        return compiled
    return FoldedPrefilter(compiled, re.compile(rewritten), _GATES.folded, TIMEOUT_FROM_CHARS)


def text_words(text: str) -> frozenset[str]:
    """The words of `text` (letters and marks), case-folded, made once per text for everything that asks."""
    return _GATES.text_words(text)


def passes_gate(gate: regex.Pattern[str], text: str) -> bool:
    """Whether `text` holds `gate` (searched once per text, whichever recognizer asks first)."""
    return _GATES.passes(gate, text)


def first_words(alternatives: Iterable[str]) -> frozenset[str]:
    r"""A word prefilter for a pattern that starts with one of `alternatives` (regex literals such as
    r"v\.le", "calle", r"avda\.?"): each one's first word, case-folded ("v", "calle", "avda")."""
    words = set()
    for alternative in alternatives:
        match = _TEXT_WORD.match(alternative.casefold())  # up to the first non-letter: r"v\.le" -> "v"
        if match is None:
            raise ValueError(f"{alternative!r} does not start with a letter: no word prefilter can stand for it")
        words.add(match.group())
    return frozenset(words)


class GdprepPatternRecognizer(LocalRecognizer):
    """Base class: compiles PATTERNS once, reports the `value` group, applies `validate`."""

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[tuple[str, str, float] | tuple[str, str, float, str | frozenset[str]]]]
    CONTEXT: ClassVar[list[str]] = []
    FLAGS: ClassVar[int] = DEFAULT_FLAGS
    #: score given to a match whose `validate` returned True (a checksum passed)
    VALIDATED_SCORE: ClassVar[float] = 1.0
    #: a cheap regex that every match of every pattern contains (e.g. a run of six digits); a text without
    #: it is not searched at all. Recognizers with the same gate search each text for it once between them.
    GATE: ClassVar[str | None] = None
    #: set by a subclass whose own `analyze` only drops or re-scores the results of `super().analyze` (see
    #: `skip_gates`); read from the class that defines `analyze`, never inherited
    ANALYZE_ONLY_NARROWS: ClassVar[bool] = False

    def __init__(self) -> None:
        if self.ENTITY not in ENTITY_TYPES:
            raise ValueError(f"{type(self).__name__}.ENTITY {self.ENTITY!r} is not in ENTITY_TYPES")
        self._name = type(self).__name__
        for spec in self.PATTERNS:
            if not isinstance(spec[2], (int, float)) or not 0.0 < spec[2] <= 1.0:
                raise ValueError(f"{self._name} pattern {spec[0]!r}: score must be a number in (0, 1]")
        # patterns compile on first use: a run that never needs one (no text passes its gate or prefilter)
        # never pays for it, and a one-record run starts sooner. The prefilters are small; they compile now.
        self._sources = [spec[1] for spec in self.PATTERNS]
        self._compiled: list[tuple[str, regex.Pattern[str] | None, float, Prefilter]] = [
            (spec[0], None, spec[2], _prefilter(spec[3]) if len(spec) > 3 else None)  # type: ignore[misc]
            for spec in self.PATTERNS
        ]
        self._gate = regex.compile(self.GATE) if self.GATE is not None else None
        super().__init__(
            supported_entities=[self.ENTITY],
            supported_language=ENGINE_LANGUAGE,
            name=type(self).__name__,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:  # patterns are compiled in __init__; nothing else to load
        return None

    def validate(self, value: str) -> bool | None:
        """Return True when a checksum passes, False to reject, None when there is nothing to check."""
        return None

    def _compile(self, index: int) -> regex.Pattern[str]:
        """Pattern `index`, compiled now and kept (two threads may both compile it: the same result)."""
        name, _, score, prefilter = self._compiled[index]
        with collection_paused():
            compiled = compile_pattern(self._sources[index], self.FLAGS)
        self._compiled[index] = (name, compiled, score, prefilter)
        return compiled

    def compile_all(self) -> None:
        """Compile every pattern now (a long-lived worker about to scan many records)."""
        for index, (_, compiled, _, _) in enumerate(self._compiled):
            if compiled is None:
                self._compile(index)

    def worth_searching(self, text: str) -> bool:
        """False when no pattern can match `text`: it lacks one of the `search_gates`."""
        return all(passes_gate(gate, text) for gate in self.search_gates())

    def search_gates(self) -> tuple[regex.Pattern[str], ...]:
        """The gates a text must all hold before any pattern is tried: the GATE. A subclass with more (or
        other) gates overrides this, not `worth_searching`."""
        return () if self._gate is None else (self._gate,)

    def skip_gates(self) -> tuple[regex.Pattern[str], ...] | None:
        """Gates a text must hold for `analyze` to find anything: for a text without one of them `analyze`
        returns [] and need not be called (`gdprep.privacy.analysis.RecognizerRun` skips it). None when this
        class makes no such promise: a class in between that overrides `analyze` makes it only by declaring
        `ANALYZE_ONLY_NARROWS` (its `analyze` only drops or re-scores what `super().analyze` returned), and
        one that overrides `worth_searching` makes none."""
        for cls in type(self).__mro__:
            if cls is GdprepPatternRecognizer:
                break
            own = vars(cls)
            if "analyze" in own and not own.get("ANALYZE_ONLY_NARROWS", False):
                return None
            if "worth_searching" in own:
                return None
        return self.search_gates()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        try:
            return self._search(text) if self.worth_searching(text) else []
        except TimeoutError as exc:  # the `regex` module's, on texts of TIMEOUT_FROM_CHARS or more
            raise timed_out(self._name, text) from exc

    def holds_gate(self, gate: regex.Pattern[str], text: str) -> bool:
        """`passes_gate` for one of this recognizer's `skip_gates`, a timeout reported as its own."""
        try:
            return passes_gate(gate, text)
        except TimeoutError as exc:
            raise timed_out(self._name, text) from exc

    def _search(self, text: str) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        prefiltered: dict[str, bool] = {}  # patterns often share a prefilter: search the text once for each
        timed = len(text) >= TIMEOUT_FROM_CHARS
        for index, (pattern_name, compiled, score, prefilter) in enumerate(self._compiled):
            if isinstance(prefilter, frozenset):
                if prefilter.isdisjoint(_GATES.text_words(text)):
                    continue
            elif prefilter is not None:
                if prefilter.pattern not in prefiltered:
                    prefiltered[prefilter.pattern] = prefilter.search(text) is not None
                if not prefiltered[prefilter.pattern]:
                    continue
            if compiled is None:
                compiled = self._compile(index)
            for match in (compiled.finditer(text, timeout=REGEX_TIMEOUT_S) if timed else compiled.finditer(text)):
                if "value" in compiled.groupindex and match.group("value") is not None:
                    start, end = match.span("value")
                else:
                    start, end = match.span()
                if start == end or (start, end) in seen:
                    continue
                verdict = self.validate(text[start:end])
                if verdict is False:
                    continue
                final = self.VALIDATED_SCORE if verdict else score
                seen.add((start, end))
                explanation = AnalysisExplanation(
                    recognizer=self._name, original_score=score, pattern_name=pattern_name,
                    validation_result=verdict,  # type: ignore[arg-type]  # None = no checksum exists
                )
                results.append(RecognizerResult(
                    entity_type=self.ENTITY, start=start, end=end, score=final,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self._name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        PATTERN_NAME_KEY: pattern_name,
                    },
                ))
        return results


def timed_out(recognizer: str, text: str) -> DetectionTimeout:
    return DetectionTimeout(
        f"{recognizer}: a pattern ran over its {REGEX_TIMEOUT_S:g} s limit on a text of {len(text):,} characters "
        "(far longer or more repetitive than a usual record); split such texts into shorter fields or paragraphs, "
        "or report the text's shape to the gdprep maintainers")


def make_result(recognizer: Any, entity: str, start: int, end: int, score: float, pattern: str) -> RecognizerResult:
    """A RecognizerResult named after `recognizer` (its class and id), with the pattern that found it."""
    name = type(recognizer).__name__
    return RecognizerResult(
        entity_type=entity, start=start, end=end, score=score,
        analysis_explanation=AnalysisExplanation(recognizer=name, original_score=score, pattern_name=pattern),
        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: name,
                              RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id},
    )
