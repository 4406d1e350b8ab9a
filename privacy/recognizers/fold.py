"""Prefilters searched first with the standard library's `re` in a case-folded copy of the text.

A prefilter is a case-insensitive cue (a word list such as "customer|client|patient|...") that a text must hold
before a costly pattern is tried. The `regex` module matches such an alternation under IGNORECASE several
times slower than `re` matches the same alternation, case-sensitively, in the text's `str.casefold()`, which is
made once per text and shared by every prefilter. `folded_form` rewrites a prefilter for that search.

The rewrite may only widen what a prefilter lets through, never narrow it: a text it wrongly passes is searched
with the original prefilter as well (`FoldedPrefilter.search` answers exactly as the original does), a text it
wrongly failed would lose a finding. So it case-folds literals, drops the `(?i:...)` scopes, writes `regex`'s
letter classes as `re`'s, drops what forbids, and gives up (returns None: the `regex` prefilter is kept as it
is) on anything it cannot carry over exactly or more widely: negated classes naming letters, Unicode properties
other than letters and numbers, named lists, quantified literals whose folded form is longer ("ß?").

Measured on bench/pii.py's records (one process): the prefilters of a record went from about 310 to 235 µs.
"""

from __future__ import annotations

import re
from typing import Final

import regex

#: `regex` word-start guards and their `re` equivalents (fixed width, as `re` look-behinds must be)
_GUARDS: Final[tuple[tuple[str, str], ...]] = (
    (r"(?<![\p{L}\p{M}\p{N}_])", r"(?<!\w)"),  # `re`'s \w is letters, digits and "_": it lets more through
    (r"(?<![\p{L}\p{N}])", r"(?<![^\W_])"),
    (r"(?<![\p{L}\p{N}.])", r"(?<![^\W_])(?<!\.)"),
)
#: the letter property outside a class: any letter
_LETTER_PROPERTIES: Final[tuple[str, ...]] = (r"\p{L}",)
#: properties inside a class that `\w` (letters, digits, "_") holds
_WORD_PROPERTIES: Final[tuple[str, ...]] = (r"\p{L}", r"\p{Nd}", r"\p{N}")
#: case properties: a prefilter that asks for a capital ("(?=\p{Lu})") is selective by case, which folding loses.
#: Measured on bench/pii.py's records, the three such cue prefilters of the person recognizer ran 1.3 to 3.6 times
#: slower folded (the folded form passed more texts, each then searched again with the original).
_CASED_PROPERTIES: Final[tuple[str, ...]] = (r"\p{Lu}", r"\p{Ll}", r"\p{Lt}")
#: what is skipped looking for a pattern's first literal letter: escapes and the letters of group syntax
_NOT_LITERAL: Final[re.Pattern[str]] = re.compile(r"\\[pPN]\{[^}]*\}|\\.|\(\?(?:P<\w+>|P=\w+\)|[a-zA-Z-]+[:)])")
_ANY_LETTER: Final[str] = r"[^\W\d_]"
#: escapes that mean the same in `re` as in `regex` and hold no letter to fold
_KEPT_ESCAPES: Final[frozenset[str]] = frozenset("wWsSdDbBtnrf") | frozenset(r".\|()[]{}?*+^$-/:#'\"&@!%,;<=>_~` ")
_QUANTIFIERS: Final[str] = "?*+{"
_LEADING_ASSERTIONS: Final[re.Pattern[str]] = re.compile(
    r"^(\(\?m\))?(?:\\b|\(\?<!\\w\)|\(\?<!\[\^\\W_\]\)|\(\?<!\\\.\))+")


class FoldedPrefilter:
    """A prefilter with the `regex` pattern it stands for (`pattern`, `original`) and its `re` rewrite, searched
    in the case-folded text that `fold` returns (one copy per text, shared). Texts of `long_from` characters or
    more are searched with the original pattern instead, as before: `re` has no timeout."""

    __slots__ = ("pattern", "original", "folded", "_fold", "_long_from")

    def __init__(self, original: regex.Pattern[str], folded: re.Pattern[str], fold: object, long_from: int) -> None:
        self.pattern = original.pattern
        self.original = original
        self.folded = folded
        self._fold = fold
        self._long_from = long_from

    def search(self, text: str) -> object | None:
        """The original's match, or None; the folded search only rules texts out (most texts hold no cue)."""
        if len(text) < self._long_from and self.folded.search(self._fold(text)) is None:  # type: ignore[operator]
            return None
        return self.original.search(text)


def folded_form(pattern: str) -> str | None:
    """`pattern` (a `regex` pattern compiled with IGNORECASE) rewritten for `re` without IGNORECASE over the
    case-folded text, matching at least wherever the original matches; None where no such rewrite is sure.

    Every step widens or keeps what matches: literals and classes are folded as the text is, case-sensitive
    scopes lose their case (they pass "mr" as well as "Mr"), the letter property becomes any letter, and
    look-arounds that forbid something are dropped (a widened one would forbid more). The word-start guards are
    rewritten exactly or more widely, and dropped where they open the pattern. A prefilter that asks for case
    (`_CASED_PROPERTIES`) or holds a look-behind of varying width (which `re` cannot take) is not rewritten:
    without its case or its anchor it would pass too many texts to be worth it."""
    if _first_literal_letter(pattern) is None or any(prop in pattern for prop in _CASED_PROPERTIES):
        return None  # no letter to fold, or the prefilter is selective by case ("(?=\\p{Lu})(?i:name)")
    guards = {f"\x00{k}\x00": equivalent for k, (_, equivalent) in enumerate(_GUARDS)}
    for placeholder, (guard, _) in zip(guards, _GUARDS, strict=True):
        pattern = pattern.replace(guard, placeholder)
    without_negatives = _without_groups(pattern, ("(?!", "(?<!"))
    rewritten = None if without_negatives is None else _fold_literals(without_negatives)
    if rewritten is None:
        return None
    for placeholder, equivalent in guards.items():
        rewritten = rewritten.replace(placeholder, equivalent)
    # a word-start assertion in front keeps `re` from skipping to the characters a match can start with
    rewritten = _LEADING_ASSERTIONS.sub(r"\1", rewritten)
    try:
        re.compile(rewritten)
    except re.error:  # a variable-width look-behind, or syntax `re` lacks: without its anchor, a cue list is
        return None   # searched at every position, slower than the original
    return rewritten


def _fold_literals(pattern: str) -> str | None:
    """The scan behind `folded_form`: escapes, classes, group openings and literals, one at a time."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            prop = next((p for p in _LETTER_PROPERTIES if pattern.startswith(p, i)), None)
            if prop is not None:
                out.append(_ANY_LETTER)
                i += len(prop)
                continue
            escape = pattern[i:i + 2]
            if len(escape) < 2 or escape[1] not in _KEPT_ESCAPES:
                return None
            out.append(escape)
            i += 2
            continue
        if char == "[":
            end = _class_end(pattern, i)
            folded_class = None if end is None else _fold_class(pattern[i:end + 1])
            if end is None or folded_class is None:
                return None
            out.append(folded_class)
            i = end + 1
            continue
        if char == "(" and pattern.startswith("(?", i):
            step = _group_opening(pattern, i, out)
            if step is None:
                return None
            i += step
            continue
        folded = char.casefold()
        if len(folded) != 1 and i + 1 < n and pattern[i + 1] in _QUANTIFIERS:
            return None  # "ß?" would become "ss?"
        out.append(re.escape(folded) if len(folded) != 1 else folded)
        i += 1
    return "".join(out)


def _fold_class(text: str) -> str | None:
    """A class ("[...]") folded: its letters case-folded; letter and number properties in a class that is not
    negated become `\\w` beside it ("[\\p{L}-]" -> "(?:[-]|\\w)"). None where that would narrow it."""
    negated = text.startswith("[^")
    body = text[2:-1] if negated else text[1:-1]
    words = False
    for prop in _WORD_PROPERTIES:
        if prop in body:
            if negated:
                return None
            body, words = body.replace(prop, ""), True
    literal = _unescaped(body)
    if negated and any(c.isalpha() for c in literal):
        return None  # folding the letters of a negated class would let fewer texts through
    if not _ranges_fold_safely(literal):
        return None  # "[A-z]" is not "[a-z]"
    parts: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\":
            if body[i + 1:i + 2] not in _KEPT_ESCAPES:
                return None  # an escape `re` may read otherwise ("\\p{Greek}", "\\N{...}")
            parts.append(body[i:i + 2])
            i += 2
            continue
        folded_char = body[i].casefold()
        if len(folded_char) != 1:
            return None  # "[ß]": a letter that folds to two
        parts.append(folded_char)
        i += 1
    folded = "".join(parts)
    if not folded:
        return r"\w" if words else None
    kept = f"[^{folded}]" if negated else f"[{folded}]"
    return f"(?:{kept}|\\w)" if words else kept


def _without_groups(pattern: str, openings: tuple[str, ...]) -> str | None:
    """`pattern` without the groups that open with one of `openings` (None if one is not closed)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        elif pattern[i] == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            out.append(pattern[i:end + 1])
            i = end + 1
        elif any(pattern.startswith(opening, i) for opening in openings):
            end = _group_end(pattern, i)
            if end is None:
                return None
            i = end + 1
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _group_end(pattern: str, start: int) -> int | None:
    """The index of the ")" that closes the group opening at `start`."""
    depth, i = 0, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            i = end + 1
            continue
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return i
        i += 1
    return None


def _group_opening(pattern: str, i: int, out: list[str]) -> int | None:
    """Append the rewrite of the group opening at `i` and return its length; None for one `re` cannot carry."""
    for opening, rewrite in (("(?i:", "(?:"), ("(?-i:", "(?:"), ("(?:", "(?:"), ("(?=", "(?="), ("(?!", "(?!"),
                             ("(?<=", "(?<="), ("(?<!", "(?<!"), ("(?i)", ""), ("(?m)", "(?m)")):
        if pattern.startswith(opening, i):
            if opening == "(?m)" and i != 0:
                return None  # `re` takes global flags only at the start
            out.append(rewrite)
            return len(opening)
    if pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
        close = pattern.find(">" if pattern.startswith("(?P<", i) else ")", i)
        if close < 0:
            return None
        out.append(pattern[i:close + 1])
        return close + 1 - i
    return None


def _class_end(pattern: str, start: int) -> int | None:
    """The index of the "]" that closes the class opening at `start`."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "[":
            return None  # a nested set (`regex` V1) or a POSIX class: not carried over
        if pattern[i] == "]":
            return i
        i += 1
    return None


def _ranges_fold_safely(body: str) -> bool:
    """Whether each range of a class body holds, folded, what the original range matched: ranges of ASCII
    characters whose ends folding leaves alone ("0-9", "a-z") or that are both capitals ("A-Z" -> "a-z"). A range
    of other letters is refused: "[à-ÿ]" holds "ß", which folds to "ss"."""
    for match in re.finditer(r"(.)-(.)", body, re.DOTALL):
        low, high = match.groups()
        if not (low.isascii() and high.isascii()):
            return False
        if (low.casefold() != low or high.casefold() != high) and not (low.isupper() and high.isupper()):
            return False
    return True


def _first_literal_letter(pattern: str) -> int | None:
    """The index of the first letter `pattern` matches literally (not one of an escape or of group syntax)."""
    i = 0
    while i < len(pattern):
        skipped = _NOT_LITERAL.match(pattern, i)
        if skipped is not None:
            i = skipped.end()
            continue
        if pattern[i].isalpha():
            return i
        i += 1
    return None


def _unescaped(body: str) -> str:
    """A class body without its escapes ("\\n", "\\]"): what is left are its literal characters."""
    return re.sub(r"\\.", "", body)
