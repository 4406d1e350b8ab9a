"""Publishing every output of a run together, or none of them.

A run writes each output under a staging name (`.NAME.partial` beside it, or a staging folder) and
publishes them in one step when it has succeeded. That step is journalled: the moves are written to a
journal (atomically, after the staged files are on disk) before the first rename, so a run killed while
publishing is completed by the next run that publishes to the same place. An output the run owns but did
not produce (no bad records, so no quarantine file) is removed when it publishes, so an older run's file
never sits beside a newer run's outputs.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from gdprep.errors import StorageError

JOURNAL_SCHEMA = "gdprep.publish/1"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
            _fsync_file(child)
    elif path.is_file():
        _fsync_file(path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # a file system that cannot open directories: the renames are still ordered
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _move(temp: Path, final: Path) -> None:
    """Rename `temp` over `final`; a directory replaces a directory (removed first: a rename cannot)."""
    if temp.is_dir() and final.is_dir() and not final.is_symlink():
        shutil.rmtree(final)
    os.replace(temp, final)


class StagedOutputs:
    """The outputs of one run: where to write each until publication, and the publication itself.

    Open it with `StagedOutputs.open`, which first completes a publication that a killed run left behind
    at the same journal. `path(final)` registers an output and returns its staging path; `commit()`
    publishes every registered output that was written and removes those that were not; `discard()`
    removes the staged files of a failed run."""

    def __init__(self, journal: Path, staging_dir: Path | None = None) -> None:
        self.journal = journal
        self.staging_dir = staging_dir
        self._pairs: list[tuple[Path, Path]] = []

    @classmethod
    def open(cls, journal: Path, staging_dir: Path | None = None) -> StagedOutputs:
        cls.recover(journal)
        return cls(journal, staging_dir)

    def path(self, final: Path) -> Path:
        """Register `final` as an output of this run; return the path to write it at until publication. A
        file left at that staging path by a killed run is removed: it must never be published as this run's.
        (With a staging folder, the caller empties the folder before the run writes to it.)"""
        temp = self.staging_dir / final.name if self.staging_dir is not None \
            else final.with_name(f".{final.name}.partial")
        if (temp, final) not in self._pairs:
            if any(f == final for _, f in self._pairs) or any(t == temp for t, _ in self._pairs):
                raise ValueError(f"output {final} is registered twice with different staging paths")
            self._pairs.append((temp, final))
            if self.staging_dir is None and (temp.exists() or temp.is_symlink()):
                try:
                    _remove(temp)
                except OSError as exc:
                    raise StorageError.from_os_error(exc, final) from None
        return temp

    @property
    def finals(self) -> list[Path]:
        return [final for _, final in self._pairs]

    def check_writable(self) -> None:
        """Before any work: every folder an output goes to exists (it is created) and takes a new file, so a
        read-only or full file system is reported now, not after the whole input was processed."""
        folders: dict[Path, Path] = {}
        for temp, final in self._pairs:
            folders.setdefault(temp.parent, final)
        for folder, final in folders.items():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd, probe = tempfile.mkstemp(prefix=".gdprep-probe-", dir=folder)
                os.close(fd)
                os.unlink(probe)
            except OSError as exc:
                raise StorageError.from_os_error(exc, final) from None

    def commit(self) -> None:
        """Publish: journal the moves, then rename every staged output into place and remove the outputs
        of an earlier run that this run did not produce."""
        moves = [(temp, final) for temp, final in self._pairs if temp.exists()]
        removals = [final for temp, final in self._pairs if not temp.exists()]
        for temp, final in moves:
            if final.is_dir() and not final.is_symlink() and not temp.is_dir():
                raise StorageError(f"cannot write {final}: it is a directory; give a file path") from None
        try:
            for temp, _ in moves:
                _fsync_tree(temp)
            self._write_journal(moves, removals)
        except OSError as exc:
            self.journal.unlink(missing_ok=True)
            raise StorageError.from_os_error(exc, exc.filename or self.journal) from None
        try:
            self._complete(moves, removals)
        except OSError as exc:
            # the journal stays: the next run to this output finishes the publication, never half of it
            error = StorageError.from_os_error(exc, exc.filename or self.journal)
            raise StorageError(f"{error}; publishing the outputs was cut short, and the next run that writes "
                               f"to the same place completes it ({self.journal})") from None

    def discard(self) -> None:
        """Remove what this run staged (and scratch files named after a staging path). Once a publication
        was journalled its staged files belong to it and stay, so that it can be completed."""
        if self.journal.exists():
            return
        if self.staging_dir is not None:
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            return
        for temp, _ in self._pairs:
            try:
                _remove(temp)
                for scratch in temp.parent.glob(f"{_glob_escape(temp.name)}.*"):
                    _remove(scratch)
            except OSError:  # best effort: a staging name is never mistaken for a finished output
                pass

    # -- the journal ------------------------------------------------------------------------------------
    def _write_journal(self, moves: list[tuple[Path, Path]], removals: list[Path]) -> None:
        body = {"schema": JOURNAL_SCHEMA, "moves": [[str(t), str(f)] for t, f in moves],
                "removals": [str(f) for f in removals]}
        tmp = self.journal.with_name(self.journal.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(body).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.journal)
        _fsync_dir(self.journal.parent)

    def _complete(self, moves: list[tuple[Path, Path]], removals: list[Path]) -> None:
        for temp, final in moves:
            if temp.exists():  # renamed already by an earlier attempt otherwise
                _move(temp, final)
        for final in removals:
            if final.exists() or final.is_symlink():
                _remove(final)
        for parent in {final.parent for _, final in moves} | {final.parent for final in removals}:
            _fsync_dir(parent)
        self.journal.unlink(missing_ok=True)
        if self.staging_dir is not None:
            shutil.rmtree(self.staging_dir, ignore_errors=True)

    @classmethod
    def recover(cls, journal: Path) -> bool:
        """Complete a publication that a killed run journalled but did not finish; True if there was one.
        A journal that cannot be read was never complete (it is written by rename), so it is dropped."""
        scratch = journal.with_name(journal.name + ".tmp")
        if not journal.exists():
            if scratch.exists():  # a journal that was never finished: nothing was moved yet
                scratch.unlink()
            return False
        try:
            body = json.loads(journal.read_text(encoding="utf-8"))
            if body.get("schema") != JOURNAL_SCHEMA:
                raise ValueError(body.get("schema"))
            moves = [(Path(t), Path(f)) for t, f in body["moves"]]
            removals = [Path(f) for f in body["removals"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"cannot read the publication journal {journal} ({type(exc).__name__}); it "
                               "records outputs a killed run was publishing. Remove it once you have checked "
                               "the outputs beside it") from None
        try:
            cls(journal)._complete(moves, removals)
        except OSError as exc:
            raise StorageError.from_os_error(exc, exc.filename or journal) from None
        return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
