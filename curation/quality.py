"""Quality filters for supervised fine-tuning records: one small class per check, each with one stable
reason code for the audit ledger. Thresholds are per field and sized for short SFT answers, not for web
pretraining documents (a 50-word minimum would drop every "Yes.")."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gdprep.curation.example import Example
from gdprep.curation.languages import language_codes, language_detector, validated_languages
from gdprep.curation.normalise import normalise
from gdprep.curation.repetition import WORD_RE, duplicate_ngram_chars, duplicate_shares, top_ngram_chars
from gdprep.errors import ConfigError, ModelNotInstalledError

FieldName = Literal["prompt", "completion", "text"]
LengthUnit = Literal["chars", "words", "tokens"]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
NgramSize = Annotated[int, Field(ge=1, le=20)]

#: every reason code a quality filter can give, in the order `build_filters` runs the filters
QUALITY_REASONS = ("empty_field", "too_short", "too_long", "completion_equals_prompt", "invalid_json",
                   "too_many_placeholders", "non_alphabetic", "repetition", "wrong_language")

#: the fields each kind of record has, in the order filters look at them. A preference pair is judged by its
#: prompt and chosen answer: the rejected answer is meant to be worse, and dropping pairs whose rejected answer
#: repeats itself or strays from the language would drop the pairs that teach the model to avoid that
#: (the rejected answer has its own checks in `gdprep.curation.preference`, and counts towards too_long)
_FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {"text": ("text",), "pair": ("prompt", "completion"),
                                                "chat": ("prompt", "completion"), "preference": ("prompt", "chosen")}
#: the min_chars entry of each field (a chosen answer is a completion)
_MIN_CHARS_OF = {"prompt": "prompt", "completion": "completion", "text": "text", "chosen": "completion"}
_DEFAULT_MIN_CHARS: dict[FieldName, int] = {"prompt": 1, "completion": 1, "text": 1}

#: placeholder and pseudonym tokens (<PERSON>, <UK_NHS_12>), hash tokens (<PERSON#9f2c>), encrypted
#: tokens (<ENC:PERSON:...>), the "[REDACTED]" literal and mask runs of four or more "*"
PLACEHOLDER_RE = re.compile(r"<[A-Z][A-Z_]*[A-Z](?:_\d+|#[0-9a-f]+)?>|<ENC:[A-Z][A-Z0-9_]*:[A-Za-z0-9_-]+>"
                            r"|\[REDACTED\]|\*{4,}")

_TOKEN_SUFFIX_RE = re.compile(r"(<[A-Z][A-Z_]*[A-Z])(?:_\d+|#[0-9a-f]+)>")

_PARAGRAPH_SPLIT_RE = re.compile(r"\n\s*\n")
_JSON_FENCE_RE = re.compile(r"\A```[\w+.-]*[ \t]*\r?\n(.*?)\r?\n?```\Z", re.DOTALL)

# Languages the detector can answer besides the allowed ones, so that "not one of ours" is detectable:
# every EU official language lingua knows (all but Maltese), plus Russian, Ukrainian, Turkish, Arabic,
# Chinese, Japanese, Korean and Hindi. Close relatives (Catalan, Norwegian) are left out on purpose: each
# one added is another way for a Spanish or Danish record to be dropped by a near miss.
_DETECTOR_LANGUAGES = frozenset("bg hr cs da nl en et fi fr de el hu ga it lv lt pl pt ro sk sl es sv "
                                "ru uk tr ar zh ja ko hi".split())
# language identification reads at most this many characters of a field: enough to be sure, and the
# cost of lingua grows linearly with the text (about 0.45 ms per 1,000 characters in high-accuracy mode)
_LANGUAGE_SAMPLE_CHARS = 3000
_LATIN_WARM_UP = "The quick brown fox jumps over the lazy dog while the cat sleeps."


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QualityConfig(_Strict):
    """Thresholds of the quality filters. Ratios are compared per field unless a field says otherwise."""

    enabled: bool = Field(True, description="Run the quality filters at all; false keeps every record")
    min_chars: dict[FieldName, Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: dict(_DEFAULT_MIN_CHARS),
        description="Shortest accepted length (characters, after trimming) per field: prompt, completion, "
                    "text. Fields not named keep the default of 1; empty fields are caught by empty_field")
    max_length: int | None = Field(100_000, gt=0,
                                   description="Longest accepted record (all fields together) in length_unit; "
                                               "null turns the check off")
    length_unit: LengthUnit = Field("chars", description="Unit of max_length: chars, words (whitespace-separated) "
                                                         "or tokens (needs tokenizer_path)")
    tokenizer_path: str | None = Field(None, description="Local tokenizer.json counting tokens when length_unit "
                                                         "is tokens (read with the `tokenizers` package)")
    max_duplicate_line_fraction: Fraction = Field(
        0.3, description="Gopher: most duplicate lines (second and later copies) / non-blank lines")
    max_duplicate_paragraph_fraction: Fraction = Field(
        0.3, description="Gopher: most duplicate paragraphs / paragraphs (paragraphs are split at blank lines)")
    max_duplicate_line_char_fraction: Fraction = Field(
        0.2, description="Gopher: most characters in duplicate lines / characters in all lines")
    max_duplicate_paragraph_char_fraction: Fraction = Field(
        0.2, description="Gopher: most characters in duplicate paragraphs / characters in all paragraphs")
    max_top_ngram_char_fraction: dict[NgramSize, Fraction] = Field(
        default_factory=lambda: {2: 0.2, 3: 0.18, 4: 0.16},
        description="Gopher: per n, most word characters covered by the most frequent word n-gram")
    max_duplicate_ngram_char_fraction: dict[NgramSize, Fraction] = Field(
        default_factory=lambda: {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10},
        description="Gopher: per n, most word characters covered by word n-grams that occur more than once")
    repetition_min_words: int = Field(100, ge=0,
                                      description="Fields with fewer words are not checked for repetition at all "
                                                  "(lines, paragraphs or n-grams). Gopher's ratios were set for "
                                                  "web pages; in a 50-word answer one repeated invoice number "
                                                  "already passes the 4-gram limit, so short SFT answers are "
                                                  "left alone and degenerate loops (long) are caught")
    min_alpha_fraction: Fraction = Field(0.25, description="Least share of letters (any script) among the "
                                                           "non-whitespace characters of a field")
    alpha_min_chars: int = Field(20, ge=0, description="Fields with fewer non-whitespace characters are not "
                                                       "checked by min_alpha_fraction")
    languages: list[str] | None = Field(
        None, description="Allowed languages (ISO 639-1 codes); null takes the languages the caller passes "
                          "(normally the policy's); an empty list turns the language check off")
    language_min_chars: int = Field(40, ge=0, description="Fields shorter than this (after removing "
                                                          "placeholders) are not language-checked")
    language_min_confidence: Fraction = Field(
        0.5, description="A field is dropped only when a language outside `languages` is detected with at "
                         "least this confidence; uncertain detections keep the record")
    language_low_accuracy: bool = Field(
        False, description="Use lingua's low-accuracy mode (trigrams only): about 90 MB instead of about "
                           "650 MB and instant start-up, but its confidences are near 1.0 even when wrong, so "
                           "language_min_confidence no longer protects borderline English records")
    completion_json: bool = Field(False, description="The completion must parse as JSON (one surrounding "
                                                     "``` or ```json fence is removed first)")
    max_placeholder_fraction: Fraction = Field(
        0.5, description="Most characters of the record covered by redaction placeholders, tokens, "
                         "[REDACTED] or mask runs (****)")
    drop_identical_completion: bool = Field(True, description="Drop pairs and chats whose normalised "
                                                              "completion equals the normalised prompt")

    @field_validator("min_chars", mode="before")
    @classmethod
    def _fill_min_chars(cls, value: Any) -> Any:
        return {**_DEFAULT_MIN_CHARS, **value} if isinstance(value, Mapping) else value

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        return language_codes(value, "quality.languages")

    @model_validator(mode="after")
    def _tokenizer_for_tokens(self) -> QualityConfig:
        if self.length_unit == "tokens" and self.tokenizer_path is None:
            raise ValueError("`quality.tokenizer_path` must name a local tokenizer.json when "
                             "`quality.length_unit` is 'tokens' (or use 'chars' or 'words')")
        return self


class QualityFilter(Protocol):
    """One quality check: `check` returns None when the example passes, else JSON-serialisable details
    (field names, measured values, thresholds; never record text) filed under `reason`."""

    reason: str

    def check(self, example: Example) -> dict[str, Any] | None: ...


def _fields(example: Example) -> tuple[tuple[str, str], ...]:
    return tuple((name, example.parts.get(name, "")) for name in _FIELDS_BY_KIND[example.kind])


class EmptyFieldFilter:
    """A prompt or completion (pairs, chats: user/system side or assistant side) or text that is blank."""

    reason = "empty_field"

    def check(self, example: Example) -> dict[str, Any] | None:
        for name, text in _fields(example):
            if not text.strip():
                return {"field": name}
        return None


class TooShortFilter:
    """A non-blank field shorter, after trimming, than its `min_chars` entry."""

    reason = "too_short"

    def __init__(self, min_chars: Mapping[FieldName, int]) -> None:
        merged: dict[FieldName, int] = {**_DEFAULT_MIN_CHARS, **min_chars}
        self._min_chars: dict[str, int] = dict(merged.items())

    def check(self, example: Example) -> dict[str, Any] | None:
        for name, text in _fields(example):
            minimum = self._min_chars[_MIN_CHARS_OF[name]]
            length = len(text.strip())
            if 0 < length < minimum:
                return {"field": name, "chars": length, "min_chars": minimum}
        return None


class TooLongFilter:
    """The record's total length, over all its fields, above `max_length` in `unit`."""

    reason = "too_long"

    def __init__(self, max_length: int, unit: LengthUnit = "chars",
                 count_tokens: Callable[[str], int] | None = None) -> None:
        self._max_length = max_length
        self._unit = unit
        self._measure: Callable[[str], int] = len
        if unit == "words":
            self._measure = _word_count
        elif unit == "tokens":
            if count_tokens is None:
                raise ConfigError("length_unit 'tokens' needs a token counter (see load_token_counter)")
            self._measure = count_tokens

    def check(self, example: Example) -> dict[str, Any] | None:
        length = sum(self._measure(text) for _, text in _fields(example) if text)
        if example.kind == "preference":  # trained on as prompt + chosen and prompt + rejected: the longer counts
            length += max(0, self._measure(example.parts["rejected"]) - self._measure(example.parts["chosen"]))
        if length > self._max_length:
            return {"unit": self._unit, "length": length, "max_length": self._max_length}
        return None


def _word_count(text: str) -> int:
    return len(text.split())


class CompletionEqualsPromptFilter:
    """A pair or chat whose completion only repeats the prompt (compared normalised)."""

    reason = "completion_equals_prompt"

    def check(self, example: Example) -> dict[str, Any] | None:
        if example.kind == "text":
            return None
        prompt = normalise(example.prompt)
        if prompt and prompt == normalise(example.completion):
            return {"field": "completion"}
        return None


class InvalidJsonFilter:
    """A completion (the text of plain records) that does not parse as JSON."""

    reason = "invalid_json"

    def check(self, example: Example) -> dict[str, Any] | None:
        name = {"text": "text", "preference": "chosen"}.get(example.kind, "completion")
        stripped = example.completion.strip()
        fenced = _JSON_FENCE_RE.match(stripped)
        try:
            json.loads(fenced.group(1) if fenced else stripped)
        except json.JSONDecodeError as exc:
            # exc.msg is the parser's message alone; the document itself never goes into the audit log
            return {"field": name, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
        except RecursionError:
            return {"field": name, "error": "nesting too deep"}
        except ValueError:  # e.g. an integer past Python's digit limit
            return {"field": name, "error": "value out of range"}
        return None


class PlaceholderFilter:
    """A record mostly made of redaction placeholders teaches the model to write placeholders."""

    reason = "too_many_placeholders"

    def __init__(self, max_fraction: float) -> None:
        self._max_fraction = max_fraction

    def check(self, example: Example) -> dict[str, Any] | None:
        total = covered = 0
        for _, text in _fields(example):
            # a pseudonym or hash token counts as its placeholder: "<PERSON_4821397716>" as "<PERSON>", so the
            # length of the token's number (which depends on the vault, not the text) does not decide
            text = _TOKEN_SUFFIX_RE.sub(r"\1>", text)
            total += len(text)
            covered += sum(match.end() - match.start() for match in PLACEHOLDER_RE.finditer(text))
        if total and covered / total > self._max_fraction:
            return {"placeholder_fraction": round(covered / total, 4),
                    "max_placeholder_fraction": self._max_fraction}
        return None


class NonAlphabeticFilter:
    """A field whose non-whitespace characters are mostly not letters (tables of numbers, symbol noise)."""

    reason = "non_alphabetic"

    def __init__(self, min_fraction: float, min_chars: int) -> None:
        self._min_fraction = min_fraction
        self._min_chars = max(min_chars, 1)

    def check(self, example: Example) -> dict[str, Any] | None:
        for name, text in _fields(example):
            visible = len("".join(text.split()))
            if visible < self._min_chars:
                continue
            fraction = sum(map(str.isalpha, text)) / visible
            if fraction < self._min_fraction:
                return {"field": name, "alpha_fraction": round(fraction, 4),
                        "min_alpha_fraction": self._min_fraction}
        return None


class RepetitionFilter:
    """Gopher repetition ratios (Rae et al. 2021, table A1) per field: duplicate lines and paragraphs, the
    most frequent word n-gram and all repeated word n-grams. Lines and paragraphs are compared trimmed;
    blank ones are skipped, and lines with no letter or digit (a lone "}" in code) never count as
    duplicates. Words are case-folded; character shares count word characters, each word once."""

    reason = "repetition"

    def __init__(self, config: QualityConfig) -> None:
        self._min_words = config.repetition_min_words
        self._line_limits = (config.max_duplicate_line_fraction, config.max_duplicate_line_char_fraction)
        self._paragraph_limits = (config.max_duplicate_paragraph_fraction,
                                  config.max_duplicate_paragraph_char_fraction)
        self._top = dict(config.max_top_ngram_char_fraction)
        self._duplicate = dict(config.max_duplicate_ngram_char_fraction)
        self._max_n = max([*self._top, *self._duplicate, 1])

    def check(self, example: Example) -> dict[str, Any] | None:
        for name, text in _fields(example):
            words = WORD_RE.findall(text.casefold())
            if not words or len(words) < self._min_words:
                continue
            failure = self._check_field(text, words)
            if failure is not None:
                ratio, n, value, threshold = failure
                details: dict[str, Any] = {"field": name, "ratio": ratio}
                if n:
                    details["n"] = n
                return {**details, "value": round(value, 4), "threshold": threshold}
        return None

    def _check_field(self, text: str, words: list[str]) -> tuple[str, int, float, float] | None:
        for unit, units in (("line", text.split("\n")), ("paragraph", _PARAGRAPH_SPLIT_RE.split(text))):
            count_limit, char_limit = self._line_limits if unit == "line" else self._paragraph_limits
            count_share, char_share = duplicate_shares(units)
            if count_share > count_limit:
                return f"duplicate_{unit}_fraction", 0, count_share, count_limit
            if char_share > char_limit:
                return f"duplicate_{unit}_char_fraction", 0, char_share, char_limit
        # word n-grams as interned integers: the id of an n-gram is looked up from the (n-1)-gram id at the
        # same position and the next word, so each n costs one pass instead of slicing tuples of n words
        interned: dict[str, int] = {}
        word_ids = [interned.setdefault(word, len(interned)) for word in words]
        offsets = [0]
        for word in words:
            offsets.append(offsets[-1] + len(word))
        total = offsets[-1]
        gram_ids = word_ids
        for n in range(2, self._max_n + 1):
            if len(words) < n:
                break
            table: dict[tuple[int, int], int] = {}
            gram_ids = [table.setdefault((gram_ids[i], word_ids[i + n - 1]), len(table))
                        for i in range(len(words) - n + 1)]
            counts = Counter(gram_ids)
            if n in self._top:
                share = top_ngram_chars(gram_ids, counts, offsets, n) / total
                if share > self._top[n]:
                    return "top_ngram_char_fraction", n, share, self._top[n]
            if n in self._duplicate:
                share = duplicate_ngram_chars(gram_ids, counts, offsets, n) / total
                if share > self._duplicate[n]:
                    return "duplicate_ngram_char_fraction", n, share, self._duplicate[n]
        return None


class LanguageFilter:
    """A field written in a language outside the allowed ones, detected offline with lingua. Fields
    shorter than `min_chars` (placeholders removed) and uncertain detections pass: never drop on a guess.
    The completion is checked before the prompt; a long field is judged by its first 3,000 characters."""

    reason = "wrong_language"

    def __init__(self, allowed: Sequence[str], *, min_chars: int = 40, min_confidence: float = 0.5,
                 low_accuracy: bool = False) -> None:
        self._allowed = frozenset(validated_languages(allowed, "allowed languages"))
        self._detector_languages = self._allowed | _DETECTOR_LANGUAGES
        self._min_chars = max(min_chars, 1)
        self._min_confidence = min_confidence
        self._low_accuracy = low_accuracy
        self._prepared: dict[tuple[int, str], Any] = {}  # (example index, field) -> confidences of a batch

    def load(self) -> None:
        """Load the Latin-script models now (about 6 s and 650 MB in high-accuracy mode) rather than on
        the first record; the detector is shared by every filter with the same languages and mode."""
        language_detector(self._detector_languages, self._low_accuracy).compute_language_confidence_values(
            _LATIN_WARM_UP)

    def _samples(self, example: Example) -> list[tuple[str, str]]:
        """(field, sample) pairs to detect, completion first; short fields are skipped."""
        out = []
        for name, text in sorted(_fields(example), key=lambda field: field[0] not in ("completion", "chosen")):
            sample = PLACEHOLDER_RE.sub(" ", text[:_LANGUAGE_SAMPLE_CHARS]).strip()
            if len(sample) >= self._min_chars:
                out.append((name, sample))
        return out

    def prepare(self, examples: Sequence[Example]) -> None:
        """Detect the languages of a whole batch at once, on every core (lingua's parallel API); `check`
        then reads the results. Without it, `check` detects one text at a time."""
        jobs = [(ex.index, name, sample) for ex in examples for name, sample in self._samples(ex)]
        detector = language_detector(self._detector_languages, self._low_accuracy)
        results = detector.compute_language_confidence_values_in_parallel([sample for _, _, sample in jobs])
        self._prepared = {(index, name): values for (index, name, _), values in zip(jobs, results, strict=True)}

    def check(self, example: Example) -> dict[str, Any] | None:
        for name, sample in self._samples(example):
            values = self._prepared.get((example.index, name))
            if values is None:
                values = language_detector(self._detector_languages,
                                   self._low_accuracy).compute_language_confidence_values(sample)
            if not values or values[0].value < self._min_confidence:
                continue
            code = values[0].language.iso_code_639_1.name.lower()
            if code not in self._allowed:
                return {"field": name, "language": code, "confidence": round(values[0].value, 4),
                        "min_confidence": self._min_confidence, "allowed": sorted(self._allowed)}
        return None


def load_token_counter(tokenizer_path: str) -> Callable[[str], int]:
    """A function counting the tokens of a text with a local tokenizer.json (no special tokens added)."""
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelNotInstalledError("quality.length_unit 'tokens' needs the `tokenizers` package, which is "
                                     "installed with transformers (pip install tokenizers); or set "
                                     "quality.length_unit to 'chars' or 'words'") from exc
    path = Path(tokenizer_path)
    if not path.is_file():
        raise ConfigError(f"quality.tokenizer_path {tokenizer_path!r} is not a file; point it at a local "
                          "tokenizer.json (gdprep never downloads one)")
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises its own Exception type for unreadable files
        raise ConfigError(f"quality.tokenizer_path {tokenizer_path!r} could not be read as a tokenizer.json: "
                          f"{exc}") from exc
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


def build_filters(config: QualityConfig, languages: Sequence[str]) -> list[QualityFilter]:
    """The enabled filters, cheapest first, in the order of QUALITY_REASONS: empty_field, too_short,
    too_long, completion_equals_prompt, invalid_json, too_many_placeholders, non_alphabetic, repetition,
    wrong_language. `languages` (normally the policy's) are allowed unless `config.languages` is set.
    Loads the tokenizer here when length_unit is tokens, so a bad path fails before any record is read."""
    if not config.enabled:
        return []
    filters: list[QualityFilter] = [EmptyFieldFilter(), TooShortFilter(config.min_chars)]
    if config.max_length is not None:
        count_tokens = (load_token_counter(config.tokenizer_path)
                        if config.length_unit == "tokens" and config.tokenizer_path is not None else None)
        filters.append(TooLongFilter(config.max_length, config.length_unit, count_tokens))
    if config.drop_identical_completion:
        filters.append(CompletionEqualsPromptFilter())
    if config.completion_json:
        filters.append(InvalidJsonFilter())
    if config.max_placeholder_fraction < 1.0:
        filters.append(PlaceholderFilter(config.max_placeholder_fraction))
    if config.min_alpha_fraction > 0.0:
        filters.append(NonAlphabeticFilter(config.min_alpha_fraction, config.alpha_min_chars))
    filters.append(RepetitionFilter(config))
    allowed = config.languages if config.languages is not None else validated_languages(languages, "languages")
    if allowed:
        filters.append(LanguageFilter(allowed, min_chars=config.language_min_chars,
                                      min_confidence=config.language_min_confidence,
                                      low_accuracy=config.language_low_accuracy))
    return filters


def prepare_batch(filters: Sequence[QualityFilter], examples: Sequence[Example]) -> None:
    """Let filters that work faster on a whole batch (language detection) prepare it."""
    for quality_filter in filters:
        prepare = getattr(quality_filter, "prepare", None)
        if prepare is not None:
            prepare(examples)


def first_failure(example: Example, filters: Sequence[QualityFilter]) -> tuple[str, dict[str, Any]] | None:
    """The reason and details of the first filter the example fails, or None when it passes them all."""
    for quality_filter in filters:
        details = quality_filter.check(example)
        if details is not None:
            return quality_filter.reason, details
    return None
