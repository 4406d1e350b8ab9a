"""The small exception hierarchy that domain code raises; only `gdprep.service` maps it to exit codes."""

from __future__ import annotations


class GdprepError(Exception):
    """Base of every error gdprep raises on purpose. Messages say what, where and what to do."""

    exit_code: int = 1


class UsageError(GdprepError):
    """The command was called wrongly (bad option combination, missing file)."""

    exit_code = 2


class StateConflict(GdprepError):
    """The request is valid but the thing it acts on is in the wrong state for it (cancelling a finished job,
    resubmitting a succeeded one). The message says which state it is in and what can be done."""

    exit_code = 2


class InputError(GdprepError):
    """An input file or record is malformed. The message names the file, line and fix."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 reason: str = "bad_input") -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line
        self.reason = reason
        self.detail = message


class PolicyError(GdprepError):
    """A policy file is invalid. The message names the field and the fix."""

    exit_code = 2


class ConfigError(GdprepError):
    """A stage configuration file is invalid."""

    exit_code = 2


class ModelNotInstalledError(GdprepError):
    """A required local model package is missing; we never download one."""

    exit_code = 1


class VaultError(GdprepError):
    """The pseudonym vault or a key could not be opened, decrypted or written."""

    exit_code = 1


class IntegrityError(GdprepError):
    """Stored data failed an integrity check (bad tag, broken chain, wrong hash)."""

    exit_code = 1


class EgressError(GdprepError):
    """Something tried to open a network connection; gdprep never sends data off the machine."""

    exit_code = 1


class ResidencyError(GdprepError):
    """The run would process data in a region the policy does not allow, or on a cluster whose region
    nobody declared."""

    exit_code = 2


class DetectionTimeout(GdprepError):
    """A detection pattern ran over its time limit on one (long) text. Raised instead of the `regex` module's
    TimeoutError, which is an OSError and would read as a storage problem."""

    exit_code = 1


class StorageError(GdprepError):
    """A file or directory could not be written or read: a read-only file system, no space left, no
    permission. The message names the path and what to do."""

    exit_code = 2

    @classmethod
    def from_os_error(cls, exc: OSError, path: object = None, *, action: str = "write") -> StorageError:
        """`cannot write PATH: read-only file system; ...` from the OSError that said so."""
        import errno

        where = path if path is not None else (exc.filename if exc.filename is not None else "a file")
        what = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
        what = what[:1].lower() + what[1:]
        hint = {errno.EROFS: "mount it read-write or choose a location on a writable file system",
                errno.ENOSPC: "free some space or choose another location",
                errno.EDQUOT: "free some space or choose another location",
                errno.EACCES: "check the permissions or choose another location",
                errno.EPERM: "check the permissions or choose another location"}.get(exc.errno or 0)
        error = cls(f"cannot {action} {where}: {what}" + (f"; {hint}" if hint else ""))
        error.errno = exc.errno
        return error

    errno: int | None = None
