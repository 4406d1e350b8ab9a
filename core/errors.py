"""The small exception hierarchy that domain code raises; only `gdprep.service` maps it to exit codes."""

from __future__ import annotations


class GdprepError(Exception):
    """Base of every error gdprep raises on purpose. Messages say what, where and what to do."""

    exit_code: int = 1


class UsageError(GdprepError):
    """The command was called wrongly (bad option combination, missing file)."""

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
