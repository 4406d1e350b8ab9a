"""Detection on a Ray cluster: the `ray` engine's counterpart of `DetectionPool`.

Each batch the reader produced becomes one row of a Ray dataset (its records' texts and the caller's payload,
pickled) and flows through `map_batches` to a pool of actors, one `Detector` each, built once per actor.
Batches keep the boundaries the local engine gives them and come back in input order, so the redaction,
pseudonyms, report and files written afterwards in this process are the local engine's, byte for byte.

The batches are put into Ray's object store as they are read (it spills to disk beyond its size), so this
process holds object references only, however long the input.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias, TypeVar

from gdprep.policies import Policy
from gdprep.privacy.findings import TimedOut
from gdprep.ray_cluster import EngineSpec, RaySession, WorkerGuard, in_order, ray_errors, ray_rows

T = TypeVar("T")
RecordFindings: TypeAlias = tuple[list[Any], list[Any]] | TimedOut  # as Detector.scan_records gives


class DetectorActor:
    """One Ray actor: the worker guard, then one detector for the policy, reused for every batch."""

    def __init__(self, policy_json: str, guard: WorkerGuard) -> None:
        guard.install()
        from gdprep.privacy.engine import Detector

        self.detector = Detector(Policy.model_validate_json(policy_json))

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        seqs = batch.column("seq").to_pylist()
        out = []
        for blob in batch.column("records").to_pylist():
            out.append(pickle.dumps(self.detector.scan_records(pickle.loads(blob)), protocol=5))
        return pa.table({"seq": pa.array(seqs, pa.int64()), "result": pa.array(out, pa.binary()),
                         "payload": batch.column("payload")})


class RayDetectionPool:
    """`map_records` on a Ray cluster (see the module docstring); same contract as `DetectionPool`."""

    def __init__(self, policy: Policy, spec: EngineSpec) -> None:
        self.policy = policy
        self.session = RaySession(spec, policy.residency.allowed_regions).__enter__()
        try:
            self.n_actors = self.session.actors()
            self.cluster = self.session.info()
        except BaseException:
            self.session.__exit__(None, None, None)
            raise
        self.cluster.actors["detector"] = self.n_actors

    def map_records(self, batches: Iterable[tuple[T, list[list[tuple[str, str]]]]]
                    ) -> Iterator[tuple[T, list[RecordFindings]]]:
        import pyarrow as pa

        ray = self.session.ray
        refs = []
        for seq, (payload, records) in enumerate(batches):
            row = pa.table({"seq": pa.array([seq], pa.int64()),
                            "records": pa.array([pickle.dumps(records, protocol=5)], pa.binary()),
                            "payload": pa.array([pickle.dumps(payload, protocol=5)], pa.binary())})
            refs.append(ray.put(row))
        if not refs:
            return
        dataset = ray.data.from_arrow_refs(refs).map_batches(
            DetectorActor, fn_constructor_args=(self.policy.model_dump_json(), self.session.guard),
            compute=ray.data.ActorPoolStrategy(size=self.n_actors), batch_size=1, batch_format="pyarrow",
            num_cpus=1)
        del refs  # the dataset holds them now; each is freed once its batch is through
        with ray_errors("detection"):
            rows = ray_rows(dataset, "seq", "payload", "result")
            for payload_blob, result_blob in in_order(((seq, (p, r)) for seq, p, r in rows), "batch"):
                yield pickle.loads(payload_blob), pickle.loads(result_blob)

    def close(self) -> None:
        self.session.__exit__(None, None, None)

    def __enter__(self) -> RayDetectionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

