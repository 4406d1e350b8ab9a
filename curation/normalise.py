"""Comparison keys for curation: NFKC, collapsed whitespace and optional case-folding.

Stored text is never changed; these keys are what exact and near-duplicate detection compare. The
training-relevant text of a record is its `text`, or its prompt and completion, or its chat turns
(role and content), joined with separators that cannot occur in the fields themselves.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gdprep.curation.example import Example

# a unit separator between fields: ("ab", "c") and ("a", "bc") must not give the same key
_FIELD_SEPARATOR = "\x1f"
# a record separator between a preference pair's prompt and its chosen answer, so turns cannot move across
_SIDE_SEPARATOR = "\x1e"


def normalise(text: str, casefold: bool = True) -> str:
    """NFKC, whitespace runs collapsed to one space and trimmed, and (by default) case-folded."""
    if not text.isascii():  # NFKC leaves ASCII unchanged; skipping it there is the common fast path
        text = unicodedata.normalize("NFKC", text)
    key = " ".join(text.split())  # str.split: every Unicode whitespace run, in C
    return key.casefold() if casefold else key


def training_text(record: Mapping[str, Any], casefold: bool = True) -> str:
    """The normalised training-relevant text of a `text`, prompt/completion or chat record."""
    if isinstance(record.get("messages"), list):
        parts = [f"{m.get('role', '')}:{normalise(str(m.get('content', '')), casefold)}"
                 for m in record["messages"] if isinstance(m, Mapping)]
    elif "prompt" in record or "completion" in record:
        parts = [normalise(str(record.get("prompt", "")), casefold),
                 normalise(str(record.get("completion", "")), casefold)]
    else:
        parts = [normalise(str(record.get("text", "")), casefold)]
    return _FIELD_SEPARATOR.join(parts)


def content_hash(record: Mapping[str, Any], casefold: bool = True) -> str:
    """SHA-256 (hex) of the normalised training-relevant text: equal for exact duplicates."""
    return hashlib.sha256(training_text(record, casefold).encode("utf-8")).hexdigest()


def _turns_key(turns: tuple[tuple[str, str], ...], casefold: bool) -> str:
    return _FIELD_SEPARATOR.join(f"{role}:{normalise(content, casefold)}" for role, content in turns)


def prompt_key(example: Example, casefold: bool = True) -> str:
    """A preference pair's normalised prompt (roles included; a string prompt is one user turn): the key
    that holds a prompt's pairs in one split and that the leakage check compares."""
    return _turns_key(example.sides.get("prompt", ()), casefold)


def prompt_hash(example: Example, casefold: bool = True) -> bytes:
    """16-byte BLAKE2b digest of `prompt_key`."""
    return hashlib.blake2b(prompt_key(example, casefold).encode("utf-8"), digest_size=16).digest()


def example_key(example: Example, casefold: bool = True) -> str:
    """The normalised training-relevant text of an `Example` (chat roles included). For a preference pair
    it is the prompt and the chosen answer: two pairs that differ only in the rejected answer teach the
    model the same answer to the same prompt, so dedup treats them as duplicates."""
    if example.kind == "preference":
        return (_turns_key(example.sides["prompt"], casefold) + _SIDE_SEPARATOR
                + _turns_key(example.sides["chosen"], casefold))
    if example.kind == "chat":
        parts = [f"{role}:{normalise(content, casefold)}" for role, content in example.turns]
    elif example.kind == "pair":
        parts = [normalise(example.prompt, casefold), normalise(example.completion, casefold)]
    else:
        parts = [normalise(example.parts["text"], casefold)]
    return _FIELD_SEPARATOR.join(parts)


def example_hash(example: Example, casefold: bool = True) -> bytes:
    """16-byte BLAKE2b digest of `example_key`: the exact-dedup key kept per record."""
    return hashlib.blake2b(example_key(example, casefold).encode("utf-8"), digest_size=16).digest()
