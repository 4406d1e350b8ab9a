"""Near-duplicate detection: MinHash LSH (rensa) for candidates, the real Jaccard for the decision.

- Shingles are word n-grams (or character n-grams) of the normalised training text.
- Signatures are computed a batch at a time with rensa's bulk digest; the LSH index lives in rensa
  and holds band hashes only, never texts. A record whose bands collide with an earlier record is
  queried at once, so every candidate pair is known when the last batch has been added.
- Candidates are verified by the exact Jaccard of their shingle sets, which the caller supplies in a
  second pass over the input for the (few) records that are candidates; LSH false positives are never
  dropped.
- Clusters are the connected components of the verified pairs.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import regex

_SPLIT = regex.compile(r"[\s\x1f]+")


def shingles(text: str, ngram: int, unit: Literal["word", "char"] = "word") -> set[str]:
    """The shingle set of an already normalised text. A text shorter than one n-gram is one shingle."""
    if unit == "char":
        if len(text) <= ngram:
            return {text}
        return {text[i:i + ngram] for i in range(len(text) - ngram + 1)}
    words = [w for w in _SPLIT.split(text) if w]
    if len(words) <= ngram:
        return {" ".join(words)}
    return {" ".join(words[i:i + ngram]) for i in range(len(words) - ngram + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@functools.cache
def choose_bands(threshold: float, num_perm: int, false_negative_weight: float = 0.9) -> int:
    """The number of LSH bands (a divisor of num_perm, as rensa requires) that minimises the weighted
    probability mass of false negatives and false positives around `threshold`. Candidates are verified
    exactly, so misses weigh more than false candidates by default."""
    def collide(s: float, bands: int, rows: int) -> float:
        return float(1.0 - (1.0 - s ** rows) ** bands)

    def area(lo: float, hi: float, f: object) -> float:
        steps = 200
        width = (hi - lo) / steps
        return sum(f(lo + (i + 0.5) * width) for i in range(steps)) * width  # type: ignore[operator]

    best, best_cost = num_perm, float("inf")
    for bands in (b for b in range(1, num_perm + 1) if num_perm % b == 0):
        rows = num_perm // bands
        fp = area(0.0, threshold, lambda s, b=bands, r=rows: collide(s, b, r))
        fn = area(threshold, 1.0, lambda s, b=bands, r=rows: 1.0 - collide(s, b, r))
        cost = (1.0 - false_negative_weight) * fp + false_negative_weight * fn
        if cost < best_cost:
            best, best_cost = bands, cost
    return best


class NearDuplicateIndex:
    """Add texts batch by batch; then `candidate_members()` says which records need their shingles
    for `verify`. Record indices are the caller's (input order); keys inside rensa are sequential."""

    def __init__(self, *, threshold: float, num_perm: int, ngram: int, unit: Literal["word", "char"] = "word",
                 seed: int = 1, num_bands: int | None = None) -> None:
        import rensa

        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.num_perm = num_perm
        self.ngram = ngram
        self.unit: Literal["word", "char"] = unit
        self.seed = seed
        self.num_bands = num_bands or choose_bands(threshold, num_perm)
        self._rensa = rensa
        self._lsh = rensa.RMinHashLSH(threshold, num_perm, self.num_bands)
        self._record_of_key = array("q")  # rensa key -> record index
        self._pairs: set[tuple[int, int]] = set()

    def __len__(self) -> int:
        return len(self._record_of_key)

    def add(self, indices: Sequence[int], texts: Sequence[str]) -> None:
        """Index one batch of normalised texts; record the candidate pairs they form."""
        if not texts:
            return
        sets = [sorted(shingles(t, self.ngram, self.unit)) for t in texts]
        start = len(self._record_of_key)
        self._record_of_key.extend(indices)
        matrix = self._rensa.RMinHash.digest_matrix_from_token_sets(sets, self.num_perm, self.seed)
        flags = self._lsh.insert_matrix_and_query_duplicate_flags(matrix, start)
        flagged = [i for i, flag in enumerate(flags) if flag]
        if not flagged:
            return
        hashes = self._rensa.RMinHash.from_token_sets([sets[i] for i in flagged], self.num_perm, self.seed)
        keys = self._record_of_key
        for offset, minhash in zip(flagged, hashes, strict=True):
            me = keys[start + offset]
            for key in self._lsh.query(minhash):
                other = keys[key]
                if other != me:
                    self._pairs.add((other, me) if other < me else (me, other))

    @property
    def candidate_pairs(self) -> set[tuple[int, int]]:
        return self._pairs

    def candidate_members(self) -> set[int]:
        return {i for pair in self._pairs for i in pair}

    def verify(self, texts: Mapping[int, str], pairs: Iterable[tuple[int, int]] | None = None
               ) -> list[tuple[int, int, float]]:
        """Candidate pairs (all, or the given subset) whose real Jaccard of their shingle sets reaches the
        threshold, sorted. `texts` maps each candidate member to its normalised text."""
        cache: dict[int, set[str]] = {}

        def shingle_set(i: int) -> set[str]:
            if i not in cache:
                cache[i] = shingles(texts[i], self.ngram, self.unit)
            return cache[i]

        edges = []
        for a, b in sorted(self._pairs if pairs is None else pairs):
            similarity = jaccard(shingle_set(a), shingle_set(b))
            if similarity >= self.threshold:
                edges.append((a, b, similarity))
        return edges


def connected_components(edges: Iterable[tuple[int, int, float]]) -> dict[int, list[int]]:
    """Clusters of the verified pairs: smallest member -> sorted members (only clusters of 2+)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    clusters: dict[int, list[int]] = {}
    for x in parent:
        clusters.setdefault(find(x), []).append(x)
    return {min(members): sorted(members) for members in clusters.values()}
