"""The vault is used by one redaction run at a time: the CLI fails fast, the service's workers wait."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gdprep.errors import UsageError
from gdprep.privacy.pipeline import _vault_lock


class GiveUp(Exception):
    pass


def test_a_busy_vault_fails_at_once_without_wait(tmp_path: Path) -> None:
    vault = tmp_path / "vault.bin"
    with _vault_lock(vault), pytest.raises(UsageError, match="another gdprep run is using the vault"):
        with _vault_lock(vault):
            pass


def test_a_waiting_run_gets_the_vault_when_the_holder_lets_go(tmp_path: Path) -> None:
    vault = tmp_path / "vault.bin"
    release = threading.Event()
    held = threading.Event()
    waits: list[int] = []

    def holder() -> None:
        with _vault_lock(vault):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)

    def wait() -> None:
        waits.append(1)
        if len(waits) == 3:
            release.set()  # the other run finishes while we wait
        threading.Event().wait(0.05)
        if len(waits) > 200:
            raise GiveUp()

    got = False
    with _vault_lock(vault, wait):
        got = True
    thread.join(10)
    assert got and len(waits) >= 3


def test_a_waiting_run_can_give_up(tmp_path: Path) -> None:
    """The service's wait raises when the job is cancelled: the lock is never taken."""
    vault = tmp_path / "vault.bin"
    calls: list[int] = []

    def wait() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise GiveUp()

    with _vault_lock(vault), pytest.raises(GiveUp):
        with _vault_lock(vault, wait):
            pytest.fail("took a vault that another run holds")
    assert len(calls) == 2
