"""Repetition statistics of the Gopher filters (Rae et al. 2021, table A1): shares of duplicate lines or
paragraphs and the word characters covered by repeated word n-grams. Used by `quality.RepetitionFilter`."""

from __future__ import annotations

from collections import Counter, defaultdict

import regex

# words for repetition: letters, digits and marks, with inner apostrophes ("don't" is one word)
WORD_RE = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*")


def duplicate_shares(units: list[str]) -> tuple[float, float]:
    """(duplicate units / units, characters of duplicate units / characters of all units); a unit is a
    duplicate from its second occurrence on."""
    seen: set[str] = set()
    count = duplicates = chars = duplicate_chars = 0
    for raw in units:
        unit = raw.strip()
        if not unit:
            continue
        count += 1
        chars += len(unit)
        if unit in seen:
            if WORD_RE.search(unit):
                duplicates += 1
                duplicate_chars += len(unit)
        else:
            seen.add(unit)
    if not count:
        return 0.0, 0.0
    return duplicates / count, duplicate_chars / chars


def top_ngram_chars(gram_ids: list[int], counts: Counter[int], offsets: list[int], n: int) -> int:
    """Word characters covered by the occurrences of the most frequent n-gram (overlaps counted once);
    among equally frequent n-grams the one covering most. Zero when no n-gram occurs twice."""
    top_count = max(counts.values())
    if top_count < 2:
        return 0
    positions: dict[int, list[int]] = defaultdict(list)
    for i, gram in enumerate(gram_ids):
        if counts[gram] == top_count:
            positions[gram].append(i)
    return max(_covered_chars(starts, offsets, n) for starts in positions.values())


def duplicate_ngram_chars(gram_ids: list[int], counts: Counter[int], offsets: list[int], n: int) -> int:
    """Word characters covered by any n-gram that occurs more than once, each word counted once."""
    return _covered_chars([i for i, gram in enumerate(gram_ids) if counts[gram] > 1], offsets, n)


def _covered_chars(starts: list[int], offsets: list[int], n: int) -> int:
    """Characters of the words covered by n-word windows at ascending `starts`, overlaps counted once."""
    covered = covered_until = 0
    for start in starts:
        end = start + n
        if end > covered_until:
            covered += offsets[end] - offsets[max(start, covered_until)]
            covered_until = end
    return covered
