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
import itertools
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
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


# odd 64-bit multipliers that mix word hashes into an n-gram hash (position matters: "a b" != "b a")
_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63,
        0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB)


def normalised_words(text: str, casefold: bool = True) -> list[str]:
    """The words of `normalise(text)` in one pass (NFKC, whitespace split, case-fold)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return (text.casefold() if casefold else text).split()


def hashed_word_shingles(rensa: Any, texts: Sequence[str], ngram: int, *, normalised: bool = True
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Word n-grams of a batch of texts as 64-bit hashes, without building n-gram strings: (flat hashes,
    row offsets). Word hashes come from rensa (in Rust); n-grams combine them in numpy. A text shorter
    than one n-gram gives one hash of all its words, like `shingles`. `normalised=False`: normalise here
    (the same words as `normalise`, in one pass)."""
    # str.split() splits on the \x1f field separator too (it is Unicode whitespace)
    words_per_text = [t.split() for t in texts] if normalised else [normalised_words(t) for t in texts]
    lengths = np.fromiter((len(ws) for ws in words_per_text), dtype=np.int64, count=len(texts))
    flat = list(itertools.chain.from_iterable(words_per_text))
    word_hashes = np.array(rensa.RMinHash.hash_token_sets([flat])[0] if flat else [], dtype=np.uint64)
    padded = np.append(word_hashes, np.uint64(0))  # a zero "word" past the end pads short texts
    counts = np.maximum(lengths - ngram + 1, 1)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    gram_text = np.repeat(np.arange(len(texts)), counts)
    within = np.arange(int(offsets[-1]), dtype=np.int64) - offsets[:-1][gram_text]
    first = starts[gram_text] + within
    text_len = lengths[gram_text]
    out = np.zeros(int(offsets[-1]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(ngram):
            pos = np.where(within + k < text_len, first + k, len(word_hashes))
            out = out + padded[pos] * np.uint64(_MIX[k % len(_MIX)]) + np.uint64(k + 1)
    return out, offsets


_BIG_BUCKET = 64


def bucket_pairs(members: list[int]) -> Iterable[tuple[int, int]]:
    """The candidate pairs of one LSH bucket (its members sorted): every pair, or, in a bucket of more than
    `_BIG_BUCKET` records, a chain plus a star (each member to the first), so a boilerplate bucket costs O(n)
    pairs; components stay connected and every link is verified."""
    if len(members) <= _BIG_BUCKET:
        return itertools.combinations(members, 2)
    return itertools.chain(zip(members, members[1:], strict=False), ((members[0], m) for m in members[2:]))


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
                 seed: int = 1, num_bands: int | None = None, cache_bytes: int = 256 << 20,
                 index: Literal["rensa", "compact"] = "rensa") -> None:
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
        self.index_kind = index
        # "rensa": rensa's LSH tables (fastest; about 2.4 KB per record). "compact": band hashes in numpy
        # arrays, 8 bytes per band per record, with candidates found by sorting once all is added
        self._lsh = rensa.RMinHashLSH(threshold, num_perm, self.num_bands) if index == "rensa" else None
        self._band_chunks: list[np.ndarray] = []
        self._finalised = True
        self._record_of_key = array("q")  # rensa key -> record index
        self._n_released = 0
        self._pairs: set[tuple[int, int]] = set()
        # shingle hashes of indexed records, kept (up to cache_bytes) so that verification need not read
        # and hash those texts again: per batch (record indices, hashes, row bounds), numpy arrays only, so a
        # million cached records cost their hashes and 16 bytes each, not a Python object apiece
        self._cache: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._cache_left = cache_bytes

    def __len__(self) -> int:
        return len(self._record_of_key) or self._n_released

    def _tokens(self, texts: Sequence[str], normalised: bool = True
                ) -> tuple[list[list[bytes]] | list[list[str]], tuple[np.ndarray, list[int]] | None]:
        """The MinHash input of each text: word n-grams as 8-byte hash tokens (fast path), or character
        n-gram strings; plus the batch's n-gram hashes and row bounds (word n-grams only)."""
        if self.unit == "char":
            if not normalised:
                texts = [" ".join(normalised_words(t)) for t in texts]
            return [sorted(shingles(t, self.ngram, "char")) for t in texts], None
        hashes, offsets = hashed_word_shingles(self._rensa, texts, self.ngram, normalised=normalised)
        tokens = hashes.view("S8").tolist()  # one bytes token per n-gram, built in C
        bounds = offsets.tolist()
        return [tokens[bounds[i]:bounds[i + 1]] for i in range(len(texts))], (hashes, bounds)

    def add(self, indices: Sequence[int], texts: Sequence[str], *, normalised: bool = True) -> None:
        """Index one batch of texts (normalised ones, or raw ones with `normalised=False`); record the
        candidate pairs they form."""
        if not texts:
            return
        sets, batch = self._tokens(texts, normalised)
        start = len(self._record_of_key)
        self._record_of_key.extend(indices)
        if batch is not None and self._cache_left > 0:
            hashes, bounds = batch
            self._cache_left -= hashes.nbytes + 16 * len(indices)
            self._cache.append((np.asarray(indices, dtype=np.int64), hashes, np.asarray(bounds, dtype=np.int64)))
        matrix = self._rensa.RMinHash.digest_matrix_from_token_sets(sets, self.num_perm, self.seed)
        if self._lsh is None:
            self._add_bands(matrix)
            return
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

    def _bands_of(self, matrix: Any) -> np.ndarray:
        flat = itertools.chain.from_iterable(matrix.to_rows())  # np.fromiter: about half np.array's time here
        rows = np.fromiter(flat, dtype=np.uint64, count=matrix.len() * self.num_perm).reshape(-1, self.num_perm)
        width = self.num_perm // self.num_bands
        mix = np.array([_MIX[k % len(_MIX)] ^ (k * 0x9E3779B1) for k in range(width)], dtype=np.uint64)
        with np.errstate(over="ignore"):
            return np.stack([(rows[:, b * width:(b + 1) * width] * mix).sum(axis=1, dtype=np.uint64)
                             for b in range(self.num_bands)], axis=1)

    def band_hashes(self, texts: Sequence[str], *, normalised: bool = True) -> np.ndarray:
        """The compact index's band hashes of a batch of texts, one row per text (what `add` indexes): a
        distributed engine computes them where the texts are and bands them with `bucket_pairs`."""
        sets, _ = self._tokens(texts, normalised)
        return self._bands_of(self._rensa.RMinHash.digest_matrix_from_token_sets(sets, self.num_perm, self.seed))

    def _add_bands(self, matrix: Any) -> None:
        self._band_chunks.append(self._bands_of(matrix))
        self._finalised = False

    def _find_band_collisions(self) -> None:
        """Compact index: records sharing any band hash are candidates. A bucket of more than
        `_BIG_BUCKET` records is linked as a chain plus a star (each member to the first), so a
        boilerplate bucket costs O(n) pairs; components stay connected and every link is verified."""
        if self._finalised or not self._band_chunks:
            return
        records = np.frombuffer(self._record_of_key, dtype=np.int64)
        for b in range(self.num_bands):
            # one band's column at a time: joining all chunks first would hold the band hashes twice
            column = np.concatenate([chunk[:, b] for chunk in self._band_chunks])
            order = np.argsort(column, kind="stable")
            ordered = column[order]
            starts = np.flatnonzero(np.diff(ordered) != 0) + 1
            bounds = np.concatenate(([0], starts, [len(ordered)]))
            shared = np.flatnonzero(np.diff(bounds) >= 2)  # only buckets of two or more make pairs
            for lo, hi in zip(bounds[shared].tolist(), bounds[shared + 1].tolist(), strict=True):
                self._pairs.update(bucket_pairs(sorted(records[order[lo:hi]].tolist())))
        self._finalised = True

    @property
    def candidate_pairs(self) -> set[tuple[int, int]]:
        self._find_band_collisions()
        return self._pairs

    def candidate_members(self) -> set[int]:
        return {i for pair in self.candidate_pairs for i in pair}

    def _cached(self, members: Iterable[int]) -> dict[int, np.ndarray]:
        """The distinct shingle hashes of those `members` that are cached."""
        wanted = np.fromiter(members, dtype=np.int64)
        found: dict[int, np.ndarray] = {}
        for indices, hashes, bounds in self._cache:
            for k in np.flatnonzero(np.isin(indices, wanted)).tolist():
                found[int(indices[k])] = np.unique(hashes[bounds[k]:bounds[k + 1]])
        return found

    def members_needing_text(self, pairs: Iterable[tuple[int, int]] | None = None) -> set[int]:
        """Candidate members whose shingles are not cached: `verify` needs their normalised texts."""
        chosen = self.candidate_pairs if pairs is None else pairs
        members = {i for pair in chosen for i in pair}
        wanted = np.fromiter(members, dtype=np.int64, count=len(members))
        cached = {int(i) for indices, _, _ in self._cache for i in indices[np.isin(indices, wanted)]}
        return members - cached

    def release(self) -> None:
        """Free the band hashes, the LSH tables and the cache once the pairs are known and verified; the
        candidate pairs stay for the report."""
        self._find_band_collisions()
        self._band_chunks, self._cache, self._cache_left = [], [], 0
        self._lsh = None
        self._n_released = len(self._record_of_key)  # len() stays for the report
        self._record_of_key = array("q")

    def verify(self, texts: Mapping[int, str], pairs: Iterable[tuple[int, int]] | None = None, *,
               normalised: bool = True) -> list[tuple[int, int, float]]:
        """Candidate pairs (all, or the given subset) whose real Jaccard of their shingle sets reaches the
        threshold, sorted. `texts` maps each member in `members_needing_text()` to its normalised text."""
        order = sorted(self.candidate_pairs if pairs is None else pairs)
        members = sorted({i for pair in order for i in pair})
        if self.unit == "char":
            prepared = {i: texts[i] if normalised else " ".join(normalised_words(texts[i])) for i in members}
            sets: dict[int, Any] = {i: shingles(prepared[i], self.ngram, "char") for i in members}

            def similarity(a: int, b: int) -> float:
                return jaccard(sets[a], sets[b])
        else:
            # the Jaccard of the 64-bit shingle hashes: exact unless two different n-grams collide
            unique = self._cached(members)
            missing = [i for i in members if i not in unique]
            for chunk in range(0, len(missing), 5000):
                part = missing[chunk:chunk + 5000]
                hashes, offsets = hashed_word_shingles(self._rensa, [texts[i] for i in part], self.ngram,
                                                       normalised=normalised)
                for k, i in enumerate(part):
                    unique[i] = np.unique(hashes[offsets[k]:offsets[k + 1]])

            def similarity(a: int, b: int) -> float:
                ua, ub = unique[a], unique[b]
                inter = len(np.intersect1d(ua, ub, assume_unique=True))
                return inter / (len(ua) + len(ub) - inter)

        edges = []
        for a, b in order:
            value = similarity(a, b)
            if value >= self.threshold:
                edges.append((a, b, value))
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
