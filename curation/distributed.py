"""Near-duplicate detection as Ray Data stages: the `ray` engine's counterpart of `NearDuplicateIndex`.

The shape is NeMo Curator's and datatrove's: MinHash signatures are computed where the texts are; band hashes
are shuffled by (band, hash) so each bucket is whole in one partition, which emits its candidate pairs;
pairs are deduplicated by a second shuffle; each candidate is joined with its two texts and verified by the
real Jaccard; the verified edges go to one task that finds the connected components (as datatrove's cluster
step does in one worker). Every computation is the local engine's own code (`NearDuplicateIndex.band_hashes`,
`bucket_pairs`, `NearDuplicateIndex.verify`, `connected_components`) on the same inputs, so candidates,
edges and clusters are the same as a local run with the compact index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdprep.curation.neardup import NearDuplicateIndex, bucket_pairs, connected_components
from gdprep.ray_cluster import RaySession, ray_errors

Params = dict[str, Any]
_PART_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(slots=True)
class NearDuplicates:
    """What the near-duplicate step needs from either engine."""

    num_bands: int
    candidate_pairs: set[tuple[int, int]]
    edges: list[tuple[int, int, float]]
    clusters: dict[int, list[int]]


def _index(params: Params) -> NearDuplicateIndex:
    return NearDuplicateIndex(**params, index="compact", cache_bytes=0)


def _signature_rows(batch: Any, params: Params, partitions: int) -> Any:
    """(index, text) rows -> one (part, band, key, index) row per band of each text."""
    import pyarrow as pa

    index = _index(params)
    records = np.asarray(batch.column("index").to_numpy(zero_copy_only=False), dtype=np.int64)
    texts = batch.column("text").to_pylist()
    bands = index.band_hashes(texts) if texts else np.zeros((0, index.num_bands), dtype=np.uint64)
    band_ids = np.tile(np.arange(index.num_bands, dtype=np.uint64), len(texts))
    keys = bands.reshape(-1)
    with np.errstate(over="ignore"):
        part = ((keys ^ (band_ids * _PART_MIX)) % np.uint64(partitions)).astype(np.int64)
    return pa.table({"part": part, "band": band_ids.astype(np.int64), "key": keys,
                     "index": np.repeat(records, index.num_bands)})


def _pairs_of_buckets(group: Any) -> Any:
    """All rows of some (band, key) buckets -> their candidate pairs (a < b), each once."""
    import pyarrow as pa

    band = group.column("band").to_numpy()
    key = group.column("key").to_numpy()
    records = group.column("index").to_numpy()
    order = np.lexsort((records, key, band))
    band, key, records = band[order], key[order], records[order]
    change = np.flatnonzero((np.diff(band) != 0) | (np.diff(key) != 0)) + 1
    bounds = np.concatenate(([0], change, [len(records)]))
    shared = np.flatnonzero(np.diff(bounds) >= 2)
    found: set[tuple[int, int]] = set()
    for lo, hi in zip(bounds[shared].tolist(), bounds[shared + 1].tolist(), strict=True):
        found.update(bucket_pairs(sorted(records[lo:hi].tolist())))
    return _pair_table(found, pa)


def _pair_table(pairs: Iterable[tuple[int, int]], pa: Any) -> Any:
    array = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return pa.table({"a": array[:, 0], "b": array[:, 1], "part": array[:, 0] % 31})


def _distinct_pairs(group: Any) -> Any:
    import pyarrow as pa

    return _pair_table(zip(group.column("a").to_pylist(), group.column("b").to_pylist(), strict=True), pa)


def _keep_members(batch: Any, members: np.ndarray) -> Any:
    keep = np.isin(batch.column("index").to_numpy(zero_copy_only=False), members)
    return batch.filter(keep)


def _verified(batch: Any, params: Params) -> Any:
    """(a, b, text_a, text_b) rows -> the (a, b, similarity) of those at or above the threshold."""
    import pyarrow as pa

    a, b = batch.column("a").to_pylist(), batch.column("b").to_pylist()
    texts = dict(zip(a, batch.column("text_a").to_pylist(), strict=True))
    texts.update(zip(b, batch.column("text_b").to_pylist(), strict=True))
    edges = _index(params).verify(texts, list(zip(a, b, strict=True)))
    return pa.table({"a": pa.array([e[0] for e in edges], pa.int64()), "b": pa.array([e[1] for e in edges], pa.int64()),
                     "similarity": pa.array([e[2] for e in edges], pa.float64()), "all": pa.array([0] * len(edges))})


def _components(group: Any) -> Any:
    import pyarrow as pa

    edges = zip(group.column("a").to_pylist(), group.column("b").to_pylist(), group.column("similarity").to_pylist(),
                strict=True)
    rows = [(member, root) for root, members in connected_components(edges).items() for member in members]
    return pa.table({"member": pa.array([m for m, _ in rows], pa.int64()), "root": pa.array([r for _, r in rows],
                                                                                            pa.int64())})


def _collect(dataset: Any, *columns: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        out.extend(zip(*(batch.column(c).to_pylist() for c in columns), strict=True))
    return out


def ray_near_duplicates(session: RaySession, batches: Iterable[tuple[list[int], list[str]]],
                        params: Params) -> NearDuplicates:
    """Signatures, banding, verification and components of the (index, normalised text) batches on Ray."""
    import pyarrow as pa

    ray = session.ray
    partitions = max(2, 2 * session.actors())
    refs = [ray.put(pa.table({"index": pa.array(idx, pa.int64()), "text": pa.array(texts, pa.string())}))
            for idx, texts in batches if idx]
    num_bands = _index(params).num_bands
    if not refs:
        return NearDuplicates(num_bands, set(), [], {})
    with ray_errors("near-duplicate detection"):
        records = ray.data.from_arrow_refs(refs)
        rows = records.map_batches(_signature_rows, fn_kwargs={"params": params, "partitions": partitions},
                                   batch_format="pyarrow", batch_size=None)
        # as many shuffle partitions as the cluster has CPUs to spare, not Ray Data's default of 200
        pairs = rows.groupby("part", num_partitions=partitions).map_groups(_pairs_of_buckets, batch_format="pyarrow")
        distinct = pairs.groupby("part", num_partitions=partitions).map_groups(_distinct_pairs,
                                                                                batch_format="pyarrow")
        candidates = {(int(a), int(b)) for a, b in _collect(distinct, "a", "b")}
        if not candidates:
            return NearDuplicates(num_bands, candidates, [], {})
        edges = _verify(ray, records, candidates, params, partitions)
        components = ray.data.from_arrow(pa.table({
            "a": pa.array([e[0] for e in edges], pa.int64()), "b": pa.array([e[1] for e in edges], pa.int64()),
            "similarity": pa.array([e[2] for e in edges], pa.float64()), "all": pa.array([0] * len(edges))}))
        roots = _collect(components.groupby("all", num_partitions=1).map_groups(_components, batch_format="pyarrow"),
                         "member", "root")
    clusters: dict[int, list[int]] = {}
    for member, root in sorted(roots):
        clusters.setdefault(root, []).append(member)
    return NearDuplicates(num_bands, candidates, edges, clusters)


def _verify(ray: Any, records: Any, candidates: set[tuple[int, int]], params: Params, partitions: int
            ) -> list[tuple[int, int, float]]:
    """Each candidate joined with its two texts (only candidates' texts are shuffled), then verified."""
    import pyarrow as pa

    members = np.unique(np.array(sorted(candidates), dtype=np.int64))
    texts = records.map_batches(_keep_members, fn_kwargs={"members": members}, batch_format="pyarrow",
                                batch_size=None)
    ordered = sorted(candidates)
    pairs = ray.data.from_arrow(pa.table({"a": pa.array([p[0] for p in ordered], pa.int64()),
                                          "b": pa.array([p[1] for p in ordered], pa.int64())}))
    with_a = pairs.join(texts.rename_columns({"index": "a", "text": "text_a"}), "inner", partitions, on=("a",))
    with_b = with_a.join(texts.rename_columns({"index": "b", "text": "text_b"}), "inner", partitions, on=("b",))
    verified = with_b.map_batches(_verified, fn_kwargs={"params": params}, batch_format="pyarrow")
    return sorted((int(a), int(b), float(s)) for a, b, s in _collect(verified, "a", "b", "similarity"))
