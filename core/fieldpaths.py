"""Field paths name a value inside a record (`meta.customer.email`, `messages[2].content`, `tags[0]`), and
`fields.skip` patterns name the values a policy leaves unscanned.

Syntax: object keys are joined with `.`, list positions are written `[i]`. Inside a key, the characters
`\\`, `.`, `[`, `]` and `*` are escaped with a backslash, so `{"a.b": {"c[0]": ...}}` is `a\\.b.c\\[0\\]`
and every path parses back to exactly one location. A path may end in `[key]`: it then names the key itself,
not its value (`scores.jane@example\\.com[key]`), for personal data used as an object key. A skip pattern
is a path that may also use `[*]` (any list position) and end in `.*` (everything below that point);
nothing looser is accepted.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

Segment = str | int
#: characters escaped with a backslash inside a key
SPECIAL_CHARS: Final = frozenset("\\.[]*")
#: at most this many distinct paths are counted; the rest are counted under OTHER_PATHS
MAX_DISTINCT_PATHS: Final = 1000
OTHER_PATHS: Final = "(other)"


class FieldPathError(ValueError):
    """A field path or skip pattern that does not parse."""


class _AnyIndex:
    """`[*]` in a skip pattern."""

    def __repr__(self) -> str:
        return "[*]"


ANY_INDEX: Final = _AnyIndex()


class _KeyMarker:
    """`[key]` at the end of a path: the key itself, not its value."""

    def __repr__(self) -> str:
        return "[key]"


KEY: Final = _KeyMarker()


def escape_key(key: str) -> str:
    """A key as it appears in a path: backslash before each of `\\ . [ ] *`."""
    if not any(char in SPECIAL_CHARS for char in key):
        return key
    return "".join("\\" + char if char in SPECIAL_CHARS else char for char in key)


def child_path(parent: str, key: str) -> str:
    """The path of `key` inside the object at path `parent` (a top-level key's path is `escape_key(key)`)."""
    return f"{parent}.{escape_key(key)}"


def _tokens(text: str, *, pattern: bool) -> tuple[list[Segment | _AnyIndex | _KeyMarker], bool]:
    """Parse a path (or, with `pattern`, a skip pattern) into segments; the flag says it ended in `.*`."""
    segments: list[Segment | _AnyIndex | _KeyMarker] = []
    key: list[str] = []
    in_key = True          # a key is being read (possibly empty, e.g. right after a '.')
    subtree = False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            if i + 1 >= n or text[i + 1] not in SPECIAL_CHARS:
                raise FieldPathError(f"{text!r}: a backslash must escape one of \\ . [ ] * (at offset {i})")
            if not in_key:
                raise FieldPathError(f"{text!r}: a key must follow '.' (at offset {i})")
            key.append(text[i + 1])
            i += 2
        elif char == ".":
            if in_key:
                segments.append("".join(key))
                key = []
            if pattern and text[i + 1:] == "*":
                if i == 0:
                    raise FieldPathError(f"{text!r}: '.*' must follow a field path")
                subtree = True
                i = n
                in_key = False
                break
            in_key = True
            i += 1
        elif char == "[":
            if in_key:
                if not key and not segments and i == 0:
                    raise FieldPathError(f"{text!r}: a path starts with a field name, not '['")
                segments.append("".join(key))
                key = []
                in_key = False
            close = text.find("]", i)
            if close < 0:
                raise FieldPathError(f"{text!r}: '[' at offset {i} is not closed; escape it as '\\[' in a key")
            inside = text[i + 1:close]
            if inside == "*" and pattern:
                segments.append(ANY_INDEX)
            elif inside == "key" and not pattern:
                if close + 1 != n or not segments or not isinstance(segments[-1], str):
                    raise FieldPathError(f"{text!r}: [key] may only end a path, after a key")
                segments.append(KEY)
            elif inside.isascii() and inside.isdigit():
                segments.append(int(inside))
            else:
                wanted = "a list position like [0] or [*]" if pattern else "a list position like [0]"
                raise FieldPathError(f"{text!r}: expected {wanted}, got [{inside}]")
            i = close + 1
        elif char in "]*":
            raise FieldPathError(f"{text!r}: {char!r} at offset {i} must be escaped as '\\{char}' in a key"
                                 + (" ('*' is allowed only as [*] or a trailing .*)" if pattern else ""))
        else:
            if not in_key:
                raise FieldPathError(f"{text!r}: expected '.' or '[' after a list position (at offset {i})")
            key.append(char)
            i += 1
    if in_key:
        segments.append("".join(key))
    return segments, subtree


@functools.lru_cache(maxsize=8192)
def parse_path(path: str) -> tuple[Segment | _KeyMarker, ...]:
    """The segments of a field path: keys (str), list positions (int) and, last, possibly `KEY`."""
    segments, _ = _tokens(path, pattern=False)
    return tuple(s for s in segments if not isinstance(s, _AnyIndex))  # type: ignore[misc]


@functools.lru_cache(maxsize=8192)
def collapse_path(path: str) -> str:
    """`messages[3].content` -> `messages[*].content`: the path with every list position as `[*]`."""
    return render([ANY_INDEX if isinstance(s, int) else s for s in parse_path(path)])


def render(segments: Iterable[Segment | _AnyIndex | _KeyMarker]) -> str:
    """The path (or pattern) of a list of segments; the inverse of `parse_path`."""
    out = ""
    for number, seg in enumerate(segments):
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif isinstance(seg, _AnyIndex):
            out += "[*]"
        elif isinstance(seg, _KeyMarker):
            out += "[key]"
        else:
            out = escape_key(seg) if number == 0 else f"{out}.{escape_key(seg)}"
    return out


def is_key_path(path: str) -> bool:
    """True for a path that names an object key itself (`...[key]`)."""
    return path.endswith("[key]") and parse_path(path)[-1] is KEY


def data_key_paths(paths: Iterable[str]) -> set[str]:
    """The key paths among `paths` (the fields of a record's findings): the keys that are personal data."""
    return {path for path in paths if is_key_path(path)}


def mask_data_keys(path: str, data_keys: Collection[str], hashed: bool = True) -> str:
    """`path` as reports and the ledger show it: every object key on it that is itself personal data (one of
    `data_keys`, key paths that had a finding) is shown as `{key:<first 8 hex of its SHA-256>}` (`{key}`
    without `hashed`, for counts), so that a map keyed by e-mail does not put the address into a report
    through its field path."""
    if not data_keys:
        return path
    original = parse_path(path)
    segments = list(original)
    for key_path in data_keys:
        value_path = parse_path(key_path)[:-1]
        if value_path and original[:len(value_path)] == value_path:
            key = str(value_path[-1])
            segments[len(value_path) - 1] = \
                "{key:" + hashlib.sha256(key.encode()).hexdigest()[:8] + "}" if hashed else "{key}"
    return render(segments)  # type: ignore[arg-type]


def check_skip_pattern(pattern: str) -> None:
    """Raise FieldPathError unless `pattern` is a valid `fields.skip` entry."""
    if not pattern:
        raise FieldPathError("an empty skip pattern would name no field; remove it")
    _tokens(pattern, pattern=True)


class _Node:
    """A trie of skip patterns: one node per segment matched so far."""

    __slots__ = ("children", "any_index", "exact", "subtree")

    def __init__(self) -> None:
        self.children: dict[Segment, _Node] = {}
        self.any_index: _Node | None = None
        self.exact = False      # a pattern ends here: the value here is skipped, whatever it holds
        self.subtree = False    # a pattern `<here>.*` ends here: everything below is skipped


class SkipMatcher:
    """Decides, one segment at a time while a record is walked, whether a value is skipped."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = list(patterns)
        self.root = _Node()
        for pattern in self.patterns:
            check_skip_pattern(pattern)
            segments, subtree = _tokens(pattern, pattern=True)
            node = self.root
            for seg in segments:
                if isinstance(seg, _AnyIndex):
                    node.any_index = node.any_index or _Node()
                    node = node.any_index
                elif not isinstance(seg, _KeyMarker):  # patterns never hold [key]: _tokens refuses it
                    node = node.children.setdefault(seg, _Node())
            if subtree:
                node.subtree = True
            else:
                node.exact = True
        #: the state before the first segment; an empty tuple means "no pattern can match any more"
        self.start: tuple[_Node, ...] = (self.root,) if self.patterns else ()

    @staticmethod
    def step(nodes: tuple[_Node, ...], seg: Segment) -> tuple[tuple[_Node, ...], bool]:
        """The states after `seg`, and whether the value at `seg` is skipped."""
        following: list[_Node] = []
        for node in nodes:
            if node.subtree:
                return (), True
            child = node.children.get(seg)
            if child is not None:
                following.append(child)
            if node.any_index is not None and isinstance(seg, int):
                following.append(node.any_index)
        return tuple(following), any(node.exact for node in following)


@dataclass
class FieldTally:
    """Run-level counts of the field paths scanned and skipped (list positions collapsed to `[*]`), in
    bounded memory."""

    scanned: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, scanned: Iterable[str], skipped: Iterable[str]) -> None:
        for counter, paths in ((self.scanned, scanned), (self.skipped, skipped)):
            for path in paths:
                if path not in counter and len(counter) >= MAX_DISTINCT_PATHS:
                    path = OTHER_PATHS
                counter[path] += 1

    def to_json(self, skip_patterns: Iterable[str] = (), id_field: str | None = None) -> dict[str, object]:
        return {"scanned": _sorted(self.scanned), "skipped": _sorted(self.skipped),
                "skip_patterns": list(skip_patterns), "id_field": id_field}

    def skipped_line(self) -> str:
        """One line for the terminal: which fields were not scanned, and how often."""
        if not self.skipped:
            return "skipped fields: none (every string field was scanned)"
        shown = ", ".join(f"{path} ({count:,})" for path, count in list(_sorted(self.skipped).items())[:8])
        more = len(self.skipped) - 8
        return f"skipped fields: {shown}" + (f" and {more} more (see the report)" if more > 0 else "")


def _sorted(counter: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counter.items()))
