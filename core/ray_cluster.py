"""The `ray` engine's plumbing that the privacy and curation stages share: which engine a run uses, the
residency check before any connection, a Ray session that is started or joined without telemetry and with
the egress guard on, and the set-up every Ray worker runs before it touches a record.

A local Ray (no address) is started on 127.0.0.1 only and shares its fate with this process: Ray's own
processes get the parent-death signal, so a `kill -9` of the run leaves no Ray process behind. A cluster
address is joined only when the user has declared its region and the policy allows that region.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from gdprep.errors import GdprepError, ResidencyError, UsageError

EngineKind = Literal["local", "ray"]
T = TypeVar("T")
REGION_ENV = "GDPREP_REGION"
#: what keeps Ray quiet and local: no usage statistics, no dashboard, no log streaming to remote consumers
RAY_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_USAGE_STATS_PROMPT_ENABLED": "0",
    "RAY_DISABLE_DOCKER_CPU_WARNING": "1",
    "RAY_ENABLE_RECORD_ACTOR_TASK_LOGGING": "0",
    # Ray's C++ core logs notices (actor restart caveats) to the CLI's stderr; its failures still raise
    "RAY_BACKEND_LOG_LEVEL": "fatal",
}
#: the object store of a Ray we start ourselves: records waiting for a detector spill to disk beyond this,
#: so memory does not grow with the input
LOCAL_OBJECT_STORE_BYTES = 512 << 20
RAY_EXTRA_HINT = 'install the Ray extra: pip install "gdprep[ray]"'


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Where a stage runs: `local` (processes on this machine) or `ray` (a Ray cluster; `address` None
    starts a local Ray). `region` is the cluster's declared region (else $GDPREP_REGION); `workers` is the
    number of detector actors (0: one per CPU of the cluster)."""

    kind: EngineKind = "local"
    address: str | None = None
    region: str | None = None
    workers: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("local", "ray"):
            raise UsageError(f"--engine must be local or ray (got {self.kind!r})")
        if self.kind == "local" and (self.address or self.region):
            raise UsageError("--ray-address and --ray-region need --engine ray")

    @property
    def is_ray(self) -> bool:
        return self.kind == "ray"


def declared_region(spec: EngineSpec) -> str | None:
    return spec.region or os.environ.get(REGION_ENV) or None


def check_residency(spec: EngineSpec, allowed_regions: Sequence[str]) -> str | None:
    """Refuse, before connecting, a cluster whose region is undeclared or not in the policy's
    `residency.allowed_regions`. A local Ray runs on this machine, as the local engine does: a declared
    region is still checked, but none is needed. Returns the region."""
    region = declared_region(spec)
    if region is not None and region not in allowed_regions:
        shown = ", ".join(list(allowed_regions)[:8]) + (", ..." if len(allowed_regions) > 8 else "")
        raise ResidencyError(f"region {region!r} is not allowed by the policy's residency (allowed: {shown}); "
                             "run on a cluster in an allowed region (--ray-region / $GDPREP_REGION) or use a "
                             "policy that allows this one")
    if spec.address and region is None:
        raise ResidencyError(f"--ray-address {spec.address} needs the cluster's region: pass --ray-region (or set "
                             f"${REGION_ENV}), e.g. GB or eu-west-2; data goes to a cluster only where the policy "
                             "allows")
    return region


@dataclass(frozen=True, slots=True)
class WorkerGuard:
    """What every Ray worker checks before it reads a record: the egress guard is on, and the node it runs
    on does not declare ($GDPREP_REGION in its environment) a region the policy forbids."""

    allowed_regions: tuple[str, ...]
    region: str | None = None

    def install(self) -> None:
        from gdprep.offline import enforce_offline

        for key, value in RAY_ENV.items():
            os.environ.setdefault(key, value)
        enforce_offline()
        node_region = os.environ.get(REGION_ENV)
        if node_region and node_region not in self.allowed_regions:
            raise ResidencyError(f"this Ray node declares region {node_region!r} (${REGION_ENV}), which the "
                                 "policy's residency does not allow; it refuses to process the data")


@dataclass(slots=True)
class ClusterInfo:
    """What the ledger records about the cluster a run used."""

    address: str
    nodes: int
    cpus: int
    region: str | None
    actors: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"engine": "ray", "address": self.address, "nodes": self.nodes, "cpus": self.cpus,
                "region": self.region, **({"actors": dict(self.actors)} if self.actors else {})}


def _import_ray() -> Any:
    for key, value in RAY_ENV.items():
        os.environ.setdefault(key, value)
    try:
        import ray
        import ray.data  # noqa: F401  (the engine needs Ray Data, not only Ray core)
    except ImportError as exc:
        raise UsageError(f"--engine ray needs Ray Data, which is not installed ({exc.name}); {RAY_EXTRA_HINT}") \
            from None
    return ray


class RaySession:
    """A Ray connection for one run: joins the Ray this process is already connected to, connects to
    `spec.address`, or starts a local Ray (stopped again on close). Use as a context manager."""

    def __init__(self, spec: EngineSpec, allowed_regions: Sequence[str]) -> None:
        self.region = check_residency(spec, allowed_regions)
        self.guard = WorkerGuard(tuple(allowed_regions), self.region)
        self.spec = spec
        self.ray = _import_ray()
        self._started = False
        self._temp_dir: str | None = None
        self._reaper: Any = None

    def __enter__(self) -> RaySession:
        from gdprep.offline import allow_egress_to, enforce_offline

        ray = self.ray
        enforce_offline()
        for name in ("ray", "ray.data"):  # Ray's start-up notices would garble the CLI's stderr
            logging.getLogger(name).setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module=r"ray(\.|$)")  # e.g. "fewer inputs than actors" on tiny input
        if not ray.is_initialized():
            quiet = {"include_dashboard": False, "logging_level": logging.ERROR, "log_to_driver": False,
                     "configure_logging": True}
            if self.spec.address:
                # the declared, allowed cluster head is the one remote host this process may reach
                allow_egress_to(self.spec.address.removeprefix("ray://").rsplit(":", 1)[0])
                try:
                    ray.init(address=self.spec.address, **quiet)
                except Exception as exc:  # Ray raises ConnectionError, RuntimeError, its own errors ...
                    raise RayEngineError(
                        f"cannot connect to the Ray cluster at {self.spec.address} ({type(exc).__name__}: "
                        f"{str(exc)[:200]}); check the address and that the cluster runs. A cluster with token "
                        "authentication also needs RAY_AUTH_MODE=token here and its token (~/.ray/auth_token or "
                        "$RAY_AUTH_TOKEN)") from None
            else:
                # a private temp dir (logs, sockets, spilled objects), removed when the run ends
                self._temp_dir = tempfile.mkdtemp(prefix="gdprep-ray-")
                self._start_reaper(self._temp_dir)
                # address "local": a new Ray, never one that $RAY_ADDRESS or a `ray start` on this machine
                # names, which would bypass the residency check
                try:
                    ray.init(address="local", num_cpus=self.spec.workers or None, _node_ip_address="127.0.0.1",
                             object_store_memory=LOCAL_OBJECT_STORE_BYTES, _temp_dir=self._temp_dir, **quiet)
                except BaseException:
                    self.__exit__(None, None, None)  # the reaper and the temp dir go again
                    raise
                self._started = True
        else:
            self._check_joined()
        self._configure_data()
        return self

    def _check_joined(self) -> None:
        """A Ray this process was already connected to (by its caller) is held to the same rule as an address:
        a node on another machine needs a declared, allowed region."""
        local = {"127.0.0.1", "localhost", self.ray.util.get_node_ip_address()}
        remote = sorted({n.get("NodeManagerAddress") for n in self.ray.nodes() if n.get("Alive")} - local)
        if remote and self.region is None:
            raise ResidencyError(f"this process is connected to a Ray cluster with nodes on other machines "
                                 f"({', '.join(map(str, remote[:3]))}); declare its region with --ray-region (or "
                                 f"${REGION_ENV}) so the policy's residency can be checked")

    def _start_reaper(self, temp_dir: str) -> None:
        """Start the process that removes this Ray if this process is killed (see `gdprep.reaper`), then mark
        the environment every Ray process will inherit."""
        import subprocess
        import sys
        import uuid

        from gdprep.reaper import MARKER_ENV

        marker = uuid.uuid4().hex
        env = {k: v for k, v in os.environ.items() if k != MARKER_ENV}
        self._reaper = subprocess.Popen([sys.executable, "-m", "gdprep.reaper", str(os.getpid()), marker, temp_dir],
                                        env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        os.environ[MARKER_ENV] = marker

    def _configure_data(self) -> None:
        ctx = self.ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # results come back in input order, as locally
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False

    def __exit__(self, *exc: object) -> None:
        if self._started:
            self.ray.shutdown()
            self._started = False
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        if self._reaper is not None:
            from gdprep.reaper import MARKER_ENV

            os.environ.pop(MARKER_ENV, None)
            self._reaper.terminate()
            self._reaper.wait()
            self._reaper = None

    def info(self) -> ClusterInfo:
        nodes = [n for n in self.ray.nodes() if n.get("Alive")]
        cpus = int(sum(n.get("Resources", {}).get("CPU", 0) for n in nodes))
        address = self.spec.address or ("local" if self._started else "connected")
        return ClusterInfo(address, len(nodes), cpus, self.region)

    def actors(self, wanted: int = 0) -> int:
        """How many actors a stage runs: `wanted`, else the spec's workers, else one per cluster CPU."""
        cpus = max(1, self.info().cpus)
        # no more actors than the cluster has CPUs: an actor pool larger than the cluster would wait forever
        return max(1, min(wanted or self.spec.workers or cpus, cpus))


class RayEngineError(GdprepError):
    """The Ray cluster failed the run (a worker died, the cluster went away); nothing was published."""

    exit_code = 1


@contextlib.contextmanager
def ray_errors(what: str) -> Iterator[None]:
    """Turn what Ray raises into gdprep's errors: a gdprep error raised in a worker (a residency refusal, bad
    input) is raised as it is; anything else Ray raises becomes a `RayEngineError` naming the stage."""
    try:
        yield
    except GdprepError:
        raise
    except Exception as exc:
        if not type(exc).__module__.startswith("ray"):
            raise
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, GdprepError):
                raise cause from None
            cause = getattr(cause, "cause", None) or cause.__cause__
        first = (str(exc).strip().splitlines() or [""])[-1][:300]
        raise RayEngineError(f"the Ray engine failed during {what} ({type(exc).__name__}: {first}); nothing was "
                             "published. Check the cluster (ray status) and run again") from None


def in_order(rows: Iterable[tuple[int, T]], what: str) -> Iterator[T]:
    """The items of (seq, item) rows that must come back in sequence order from 0; a gap or a reordering is
    an integrity error, never silently wrong output."""
    from gdprep.errors import IntegrityError

    expected = 0
    for seq, item in rows:
        if seq != expected:
            raise IntegrityError(f"the Ray engine returned {what} {seq} where {expected} was due; the output "
                                 "was not written")
        expected += 1
        yield item


def ray_rows(dataset: Any, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a Ray dataset as tuples of the named columns, one block at a time."""
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        yield from zip(*(batch.column(name).to_pylist() for name in columns), strict=True)
