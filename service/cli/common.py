"""What every `gdprep` command shares: the consoles, the common options, and the one place where
GdprepError (and a few OS and database errors) become an exit code: 0 ok, 2 bad usage/input, 1 other."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import ProgressColumn, Task
from rich.text import Text

from gdprep.errors import GdprepError, StorageError, UsageError

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class OnErrorChoice(StrEnum):
    fail = "fail"
    quarantine = "quarantine"


class FormatChoice(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


PolicyOpt = Annotated[str | None, typer.Option("--policy", "-p", help="Shipped policy name or path to a YAML file "
                                                "(default: uk-gdpr-default).")]
InputOpt = Annotated[Path, typer.Option("--input", "-i", help="Input file: .jsonl, .csv or .parquet.")]
OnErrorOpt = Annotated[OnErrorChoice, typer.Option(
    "--on-error", help="fail: stop at the first bad record; quarantine: set bad records aside with a reason.")]
QuarantineOpt = Annotated[Path | None, typer.Option(
    "--quarantine", help="Where bad records go with --on-error quarantine (default: the output's name without its "
    "extension + .quarantine.jsonl, e.g. redacted.quarantine.jsonl).")]
LedgerOpt = Annotated[str | None, typer.Option(
    "--ledger-url", help="Ledger database URL (default: $GDPREP_LEDGER_URL, else SQLite in the state directory).")]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", min=0,
                                         help="Detection processes; 0 = one per CPU core.")]
class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


EngineOpt = Annotated[EngineChoice, typer.Option(
    "--engine", help='local: processes on this machine; ray: Ray Data on a Ray cluster (pip install "gdprep[ray]"). '
    "Same inputs, policy and config give the same outputs on both.")]
RayAddressOpt = Annotated[str | None, typer.Option(
    "--ray-address", help="With --engine ray: an existing cluster (host:port, or ray://host:10001); default: start "
    "a local Ray on this machine. Needs --ray-region.")]
RayRegionOpt = Annotated[str | None, typer.Option(
    "--ray-region", help="With --engine ray: the cluster's region (default: $GDPREP_REGION); it must be in the "
    "policy's residency.allowed_regions.")]


def _engine(engine: EngineChoice, address: str | None, region: str | None, workers: int = 0) -> Any:
    """The `EngineSpec` of a command's --engine options (`workers`: Ray actors, 0 = one per cluster CPU)."""
    from gdprep.ray_cluster import EngineSpec

    return EngineSpec(engine.value, address, region, workers)


#: `--format` is the input format in every command that has one; nowhere does it name an output or a view
FormatOpt = Annotated[FormatChoice | None, typer.Option("--format", help="Input format when the extension "
                                                        "does not tell it.")]


# Below this many records a second process costs more (model load) than it saves.
_RECORDS_PER_EXTRA_WORKER = 2000


def _workers(value: int, n_records: int | None = None) -> int:
    """`--workers 0` means: one per core, but no more than the input can keep busy."""
    from gdprep.privacy.engine import default_workers

    if value:
        return value
    if n_records is None:
        return default_workers()
    return max(1, min(default_workers(), n_records // _RECORDS_PER_EXTRA_WORKER + 1))


@contextmanager
def _progress(label: str, total: int | None, *,
              loading: str | None = "loading models…") -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on a terminal: records done, rate and time left; `loading` shows until the first
    records are done (the models load first). Nothing at all when stderr is piped, a file or in CI."""
    if not err.is_terminal or os.environ.get("CI"):
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                  TextColumn("eta"), TimeRemainingColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(f"{label}: {loading}" if loading else label, total=total)
        started = [loading is None]

        def tick(n: int) -> None:
            if not started[0]:
                started[0] = True
                bar.update(task, description=label)
            bar.advance(task, n)

        yield tick


class _RateColumn(ProgressColumn):
    """Records per second over the last seconds; a dash until there is a rate."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("- records/s" if speed is None else f"{speed:,.0f} records/s", style="progress.data.speed")


def _count_records(path: Path) -> int | None:
    """Cheap total for the progress bar (lines or Parquet row count); None when unknown."""
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        with path.open("rb") as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return lines - 1 if path.suffix.lower() == ".csv" else lines
    except Exception:  # the count is cosmetic; the real read reports real errors
        return None


def _fail(message: str, code: int) -> typer.Exit:
    # paths and messages may contain "[...]": print them as text, never as rich markup
    err.print("[red]error:[/red] " + escape(message), markup=True, soft_wrap=True)
    return typer.Exit(code)


def _run(fn: Callable[[], Any]) -> Any:
    from concurrent.futures.process import BrokenProcessPool

    from sqlalchemy.exc import OperationalError

    try:
        return fn()
    except GdprepError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except BrokenProcessPool:
        raise _fail("a detection worker process failed to start or died; run with --workers 1 to see the "
                    "cause", 1) from None
    except OSError as exc:  # a read-only or full file system, a missing folder, no permission: never a traceback
        action = "write" if exc.errno in (errno.EROFS, errno.ENOSPC, errno.EDQUOT) else "write or read"
        raise _fail(str(StorageError.from_os_error(exc, action=action)), 2) from None
    except OperationalError as exc:
        message, code = _database_problem(exc)
        raise _fail(message, code) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise  # typer's own exits and usage errors (typer carries its own click: not the `click` package's classes)
    except Exception as exc:  # a fault in gdprep itself, not in the input: a short message; the traceback is kept
        raise _fail(_internal_error(exc), 1) from None


def _internal_error(exc: Exception) -> str:
    """Keep the traceback of an unexpected exception in the state directory's crashes/ folder (on stderr when
    that cannot be written) and say where it is."""
    import time
    import traceback

    from gdprep.state import state_dir, write_new_file

    text = "".join(traceback.format_exception(exc))
    try:
        folder = state_dir() / "crashes"
        folder.mkdir(exist_ok=True)
        path = folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.txt"
        write_new_file(path, text.encode("utf-8"))  # owner-only from the start: it may quote a record
        where = f"its traceback is in {path}"
    except OSError:
        sys.stderr.write(text)
        where = "its traceback is above"
    return (f"internal error ({type(exc).__name__}: {exc}): a fault in gdprep, not in your input; {where}. "
            "Please report it with that traceback, after checking it for personal data (it may quote a record)")


def _database_problem(exc: Exception) -> tuple[str, int]:
    """What to tell about a database that cannot be opened or written: the state directory's file system
    when that is the cause (exit 2, like any unwritable path), else the driver's own words (exit 1)."""
    from gdprep.state import state_dir

    home = state_dir(create=False)
    if home.is_dir() and not os.access(home, os.W_OK):
        readonly = bool(os.statvfs(home).f_flag & os.ST_RDONLY)
        what = "read-only file system" if readonly else "permission denied"
        return (f"cannot write {home}: {what}; the ledger database lives there. Set GDPREP_HOME to a writable "
                "directory or pass --ledger-url"), 2
    detail = str(getattr(exc, "orig", exc)).splitlines()[0]
    return (f"the ledger database could not be opened or written ({detail}); check --ledger-url, "
            "$GDPREP_LEDGER_URL or the state directory"), 1


def _summary_line(summary: Any) -> str:
    return (f"{summary.n_in} records in: {summary.n_out} written, {summary.n_quarantined} quarantined, "
            f"{summary.n_dropped} dropped; {summary.n_findings} findings in {summary.elapsed_s:.1f}s")


def _warn_duplicate_ids(summary: Any, input_path: Path) -> None:
    """Ids must be unique: lineage, review decisions and deanonymisation find records by them."""
    if summary.n_duplicate_ids:
        lines = ", ".join(str(n) for n in summary.duplicate_id_lines)
        more = ", ..." if summary.n_duplicate_ids > len(summary.duplicate_id_lines) else ""
        err.print(escape(f"warning: {input_path}: {summary.n_duplicate_ids} record(s) repeat the id of an earlier "
                         f"record (lines {lines}{more}); give every record its own id"), markup=False)




def _renamed_option(new_value: Any, old_value: Any, *, command: str, old: str, new: str) -> Any:
    """The value of an option whose old spelling is still accepted (hidden): the new spelling's, else the old
    one's, with a one-line deprecation warning on stderr. Both spellings with different values is a usage error."""
    if old_value is None:
        return new_value
    err.print(f"warning: `{command} {old}` is deprecated; use {new} (--format is the input format in every "
              "command)", markup=False, highlight=False)
    if new_value is not None and new_value != old_value:
        raise UsageError(f"{old} and {new} are two spellings of one option and were given different values; "
                         f"give {new} only")
    return old_value


def _command_line() -> str:
    """The command as typed, for the ledger (arguments are paths and options, not record content)."""
    return " ".join(["gdprep", *sys.argv[1:]])


RunOpt = Annotated[str | None, typer.Option("--run", help="Training run id (`gdprep train` prints it).")]
AdapterOpt = Annotated[Path | None, typer.Option("--adapter", help="Adapter directory written by `gdprep train`.")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda.")]
