"""The ledger under attack and under faults (issue 14): every way of shortening, wiping, restoring, re-chaining
or re-signing the stored history is caught against the chained checkpoints and the head pinned outside the
database; a run killed with SIGKILL reads as an unfinished run, not as tampering, and is recorded as
interrupted by the next run; `audit head` / `verify --expect-head` and pinned bundle verification work from
the CLI; verifying where nothing was recorded creates nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from gdprep.audit import head as heads
from gdprep.audit.entries import entry_leaf
from gdprep.audit.keys import Keys
from gdprep.audit.ledger import Ledger
from gdprep.errors import IntegrityError
from gdprep.service.cli import EXIT_UNSIGNED_TAIL, app
from tests.pg import ledger_url as ledger_url  # noqa: F401  (SQLite and PostgreSQL)
from tests.pg import postgres_url as postgres_url  # noqa: F401

RUNS = 4  # each run: run_started, 5 record entries, run_completed, then a checkpoint


def _finding(i: int) -> dict[str, Any]:
    return {"type": "EMAIL_ADDRESS", "reason": "pii_redacted", "start": i, "end": i + 9, "redacted": True}


def _run(ledger: Ledger, n: int = 5) -> dict[str, Any]:
    run_id = ledger.start_run("privacy", command="gdprep redact")
    ledger.append_many(("record_redacted", run_id, ledger.record_key(f"doc-{i}"), _finding(i)) for i in range(n))
    return ledger.finish_run(run_id, "privacy", ok=True)


def _sql(ledger: Ledger, statement: str, **params: Any) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(text(statement), params)


def _rows(ledger: Ledger, table: str, order: str) -> list[dict[str, Any]]:
    with ledger.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]


@pytest.fixture
def history(ledger_url: str, tmp_path: Path) -> Iterator[Ledger]:
    """A ledger of RUNS runs on each backend, its key and pinned head in tmp_path/state."""
    ledger = Ledger(ledger_url, Keys(directory=tmp_path / "state"))
    for _ in range(RUNS):
        _run(ledger)
    try:
        result = ledger.verify()
        assert (result.ok, result.unsigned_tail, result.head_checked) == (True, 0, True), result.problems
        yield ledger
    finally:
        ledger.engine.dispose()


# -- mutations of the database that keep every remaining row self-consistent -------------------------------
def _delete_checkpoint(position: int) -> Callable[[Ledger], str]:
    def mutate(ledger: Ledger) -> str:
        cp = _rows(ledger, "ledger_checkpoints", "id")[position]
        _sql(ledger, "DELETE FROM ledger_checkpoints WHERE id = :id", id=cp["id"])
        return "behind the head" if position == -1 else "does not follow the checkpoint stored before it"
    return mutate


def _truncate_to_first_checkpoint(ledger: Ledger) -> str:
    first = _rows(ledger, "ledger_checkpoints", "id")[0]
    _sql(ledger, "DELETE FROM ledger_entries WHERE seq >= :n", n=first["tree_size"])
    _sql(ledger, "DELETE FROM ledger_checkpoints WHERE id <> :id", id=first["id"])
    return "behind the head"


def _wipe(ledger: Ledger) -> str:
    _sql(ledger, "DELETE FROM ledger_entries")
    _sql(ledger, "DELETE FROM ledger_checkpoints")
    return "has no entries, but"


def _swap_checkpoints(ledger: Ledger) -> str:
    """Two checkpoints trade places in the stored order (their ids), each still perfectly signed."""
    a, b = _rows(ledger, "ledger_checkpoints", "id")[1:3]
    _sql(ledger, "UPDATE ledger_checkpoints SET id = -1 WHERE id = :id", id=a["id"])
    _sql(ledger, "UPDATE ledger_checkpoints SET id = :new WHERE id = :old", new=a["id"], old=b["id"])
    _sql(ledger, "UPDATE ledger_checkpoints SET id = :new WHERE id = -1", new=b["id"])
    return "does not follow the checkpoint stored before it"


def _duplicate_checkpoint(ledger: Ledger) -> str:
    """A genuine old checkpoint copied in again at the end (a replay)."""
    first = _rows(ledger, "ledger_checkpoints", "id")[0]
    row = {k: v for k, v in first.items() if k != "id"}
    _sql(ledger, "INSERT INTO ledger_checkpoints (tree_size, root_hash, created_at, key_id, public_key, signature, "
                 "frontier, previous) VALUES (:tree_size, :root_hash, :created_at, :key_id, :public_key, "
                 ":signature, :frontier, :previous)", **row)
    return "does not follow the checkpoint stored before it"


def _unchain(ledger: Ledger) -> str:
    """A checkpoint's link to the one before it removed (as if it were written before chaining)."""
    cp = _rows(ledger, "ledger_checkpoints", "id")[2]
    _sql(ledger, "UPDATE ledger_checkpoints SET previous = NULL WHERE id = :id", id=cp["id"])
    return f"checkpoint at tree size {cp['tree_size']}: bad signature"


def _rewrite_after_last_checkpoint_but_one(ledger: Ledger) -> str:
    """The attack from the security review: edit an entry after checkpoint N-1, recompute its (unkeyed)
    leaf hash, and delete the checkpoint that covered it."""
    cps = _rows(ledger, "ledger_checkpoints", "id")
    seq = cps[-2]["tree_size"] + 2
    entry = next(e for e in ledger.iter_entries() if e.seq == seq)
    forged = {**entry.payload, "redacted": False, "reason": "kept_on_request"}
    body = {**entry.body(), "payload": forged}
    _sql(ledger, "UPDATE ledger_entries SET payload = :p, leaf_hash = :h WHERE seq = :s",
         p=json.dumps(forged), h=entry_leaf(body).hex(), s=seq)
    _sql(ledger, "DELETE FROM ledger_checkpoints WHERE id = :id", id=cps[-1]["id"])
    return "behind the head"


def _corrupt_newest_frontier(ledger: Ledger) -> str:
    cp = _rows(ledger, "ledger_checkpoints", "id")[-1]
    _sql(ledger, "UPDATE ledger_checkpoints SET frontier = :f WHERE id = :id", f="[[3], [0, \"00\"]]", id=cp["id"])
    return "stored Merkle frontier does not match its signed root"


MUTATIONS: dict[str, Callable[[Ledger], str]] = {
    "delete_newest_checkpoint": _delete_checkpoint(-1),
    "delete_middle_checkpoint": _delete_checkpoint(1),
    "delete_first_checkpoint": _delete_checkpoint(0),
    "truncate_to_first_checkpoint": _truncate_to_first_checkpoint,
    "wipe_both_tables": _wipe,
    "swap_checkpoints": _swap_checkpoints,
    "replay_old_checkpoint": _duplicate_checkpoint,
    "unchain_checkpoint": _unchain,
    "rewrite_and_drop_covering_checkpoint": _rewrite_after_last_checkpoint_but_one,
    "corrupt_newest_frontier": _corrupt_newest_frontier,
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_mutation_of_the_stored_history_is_caught(history: Ledger, name: str) -> None:
    expected = MUTATIONS[name](history)
    result = history.verify()
    assert not result.ok, name
    assert any(expected in p for p in result.problems), result.problems


def test_the_mutation_table_is_exercised_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    """The reliability suite says how many kinds of mutation it tries (besides test_audit_ledger's per-row
    table): every one above is a test case on SQLite and on PostgreSQL."""
    with capsys.disabled():
        print(f"\nledger mutation kinds tried (x2 backends): {len(MUTATIONS)}")
    assert len(MUTATIONS) >= 10


@pytest.mark.parametrize("name", ["delete_newest_checkpoint", "rewrite_and_drop_covering_checkpoint",
                                  "truncate_to_first_checkpoint"])
def test_the_next_ordinary_run_refuses_to_re_sign_a_shortened_history(history: Ledger, name: str) -> None:
    MUTATIONS[name](history)
    with pytest.raises(IntegrityError, match="refusing to sign a checkpoint: the database is behind the head"):
        _run(history)
    assert not history.verify().ok  # and nothing it did made the forgery verify


def test_a_corrupted_frontier_is_rebuilt_and_runs_go_on(history: Ledger) -> None:
    _corrupt_newest_frontier(history)
    head = _run(history)  # no IndexError: the frontier is checked against the signed root first
    entries = list(history.iter_entries())
    assert head["tree_size"] == len(entries)
    problems = history.verify().problems
    assert len(problems) == 1 and "stored Merkle frontier does not match" in problems[0]


def test_an_older_copy_of_the_database_is_behind_the_pinned_head(tmp_path: Path) -> None:
    """A restored backup verifies on its own; the head pinned since then gives it away."""
    keys = Keys(directory=tmp_path / "state")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger = Ledger(url, keys)
    _run(ledger)
    ledger.engine.dispose()
    shutil.copyfile(tmp_path / "ledger.db", tmp_path / "backup.db")
    ledger = Ledger(url, keys)
    _run(ledger)
    ledger.engine.dispose()
    shutil.copyfile(tmp_path / "backup.db", tmp_path / "ledger.db")
    restored = Ledger(url, keys)
    result = restored.verify()
    assert not result.ok and "the database is behind the head in" in result.problems[0]
    restored.engine.dispose()


def test_another_database_is_not_taken_for_the_pinned_one(tmp_path: Path) -> None:
    """A whole other ledger, genuinely signed with the same key (another deployment sharing it, or an
    insider's replay), swapped in for the pinned one: every signature verifies, the head gives it away."""
    keys = Keys(directory=tmp_path / "state")
    first = Ledger(f"sqlite:///{tmp_path / 'a.db'}", keys)
    _run(first)
    first.engine.dispose()
    (tmp_path / "other-state").mkdir(mode=0o700)
    shutil.copy2(tmp_path / "state" / "audit-signing.key", tmp_path / "other-state" / "audit-signing.key")
    other = Ledger(f"sqlite:///{tmp_path / 'b.db'}", Keys(directory=tmp_path / "other-state"))
    _run(other)
    other.engine.dispose()
    swapped = Ledger(f"sqlite:///{tmp_path / 'b.db'}", keys)
    result = swapped.verify()
    assert not result.ok
    assert result.problems == [f"the database's first entry matches none of the heads pinned in {keys.directory}: "
                               "the database was replaced, or its first entry rewritten"]
    swapped.engine.dispose()


def test_the_pinned_head_is_owner_only_and_follows_the_newest_checkpoint(history: Ledger) -> None:
    ledger_id = history.ledger_id()
    assert ledger_id is not None
    path = heads.head_path(history.keys.directory, ledger_id)
    assert path.stat().st_mode & 0o777 == 0o600
    pinned = json.loads(path.read_text(encoding="utf-8"))
    newest = history.list_checkpoints()[-1]
    assert (pinned["tree_size"], pinned["checkpoint_hash"]) == (newest["tree_size"], heads.checkpoint_hash(newest))
    # an older head never replaces a newer one (processes finishing their checkpoints out of order)
    older = heads.head_record(history.list_checkpoints()[0], ledger_id)
    assert heads.pin(history.keys.directory, older) is False
    assert json.loads(path.read_text(encoding="utf-8"))["tree_size"] == newest["tree_size"]


def test_every_checkpoint_follows_the_one_before_it(history: Ledger) -> None:
    cps = history.list_checkpoints()
    assert [cp["previous"] for cp in cps] == ["", *(heads.checkpoint_hash(cp) for cp in cps[:-1])]


# -- a run killed with SIGKILL -----------------------------------------------------------------------------
_KILLED_RUN = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from gdprep.audit.keys import Keys
    from gdprep.audit.ledger import Ledger
    ledger = Ledger(sys.argv[1], Keys(directory=Path(sys.argv[2])))
    run_id = ledger.start_run("privacy", command="gdprep redact")
    ledger.append_many(("record_redacted", run_id, ledger.record_key(f"doc-{i}"), {"i": i}) for i in range(7))
    print(run_id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _killed_run(url: str, state: Path) -> str:
    done = subprocess.run([sys.executable, "-c", _KILLED_RUN, url, str(state)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh-state", "after-signed-runs"])
def test_a_run_killed_mid_way_is_an_unfinished_run_not_tampering(ledger_url: str, tmp_path: Path,
                                                                 fresh: bool) -> None:
    state = tmp_path / "state"
    if not fresh:
        earlier = Ledger(ledger_url, Keys(directory=state))
        _run(earlier)
        earlier.engine.dispose()
    run_id = _killed_run(ledger_url, state)
    ledger = Ledger(ledger_url, Keys(directory=state))
    try:
        result = ledger.verify()
        assert result.ok, result.problems
        assert result.unsigned_tail == (9 if fresh else 8)  # (key event,) run_started, 7 records
        assert result.unfinished_runs == {run_id: "ended"}
        assert any("never finished: its process ended" in line for line in result.tail_explanation())
        # the next run records it as interrupted and signs everything
        _run(ledger)
        kinds = [(e.kind, e.run_id) for e in ledger.iter_entries()]
        assert kinds.count(("run_interrupted", run_id)) == 1
        after = ledger.verify()
        assert (after.ok, after.unsigned_tail, after.unfinished_runs) == (True, 0, {}), after.problems
        assert ledger.record_interrupted_runs() == []  # recorded once
    finally:
        ledger.engine.dispose()


def test_a_run_still_running_is_not_recorded_as_interrupted(history: Ledger) -> None:
    running = history.start_run("curation", command="gdprep curate")  # this process: alive
    assert history.record_interrupted_runs() == []
    result = history.verify()
    assert result.ok and result.unfinished_runs == {running: "running"}
    # a run written on another host is never judged from here
    _sql(history, "UPDATE ledger_entries SET payload = :p WHERE run_id = :r AND kind = 'run_started'",
         p=json.dumps({"stage": "curation", "process": {"host": "elsewhere", "pid": 1}}), r=running)
    assert history.record_interrupted_runs() == []


# -- the CLI -----------------------------------------------------------------------------------------------
def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _cli_history(home: Path, runs: int = 2) -> None:
    ledger = Ledger()
    for _ in range(runs):
        _run(ledger)
    ledger.engine.dispose()
    assert (home / "ledger.db").exists()


def test_verify_where_nothing_was_recorded_creates_nothing(tmp_path: Path) -> None:
    home = Path(os.environ["GDPREP_HOME"])
    before = sorted(tmp_path.rglob("*"))
    result = _cli("audit", "verify")
    assert result.exit_code == 2 and "no ledger signing key" in result.output
    assert _cli("audit", "head").exit_code == 2
    assert _cli("audit", "public-key").exit_code == 2
    assert not home.exists() and sorted(tmp_path.rglob("*")) == before


def test_a_deleted_ledger_database_fails_verify(tmp_path: Path) -> None:
    home = Path(os.environ["GDPREP_HOME"])
    _cli_history(home)
    assert _cli("audit", "verify").exit_code == 0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{home / 'ledger.db'}{suffix}").unlink(missing_ok=True)
    result = _cli("audit", "verify")
    assert result.exit_code == 1 and "the ledger database" in result.output and "is missing" in result.output
    assert not (home / "ledger.db").exists()  # verify did not make a new one


def test_emptied_tables_fail_verify(tmp_path: Path) -> None:
    home = Path(os.environ["GDPREP_HOME"])
    _cli_history(home)
    with sqlite3.connect(home / "ledger.db") as conn:
        conn.execute("DELETE FROM ledger_entries")
        conn.execute("DELETE FROM ledger_checkpoints")
    result = _cli("audit", "verify")
    assert result.exit_code == 1 and "has no entries, but" in result.output


def test_head_and_expect_head_catch_a_restore_of_database_and_state_together(tmp_path: Path) -> None:
    """An attacker who can restore both the database and the state directory from a backup defeats the
    pinned head; a head kept elsewhere (`audit head` at the time) still catches it."""
    home = Path(os.environ["GDPREP_HOME"])
    _cli_history(home, runs=1)
    shutil.copytree(home, tmp_path / "backup")
    _cli_history(home, runs=2)
    printed = _cli("audit", "head")
    assert printed.exit_code == 0, printed.output
    head = json.loads(printed.output)
    assert head["tree_size"] == 1 + 3 * 7 and head["key_fingerprint"].startswith(head["key_id"])
    kept = tmp_path / "head-kept-by-the-dpo.json"
    kept.write_text(printed.output, encoding="utf-8")
    assert _cli("audit", "verify", "--expect-head", str(kept)).exit_code == 0
    _cli_history(home, runs=1)  # the ledger may move on past the kept head
    assert _cli("audit", "verify", "--expect-head", str(kept)).exit_code == 0

    shutil.rmtree(home)
    shutil.copytree(tmp_path / "backup", home)
    assert _cli("audit", "verify").exit_code == 0  # self-consistent
    result = _cli("audit", "verify", "--expect-head", str(kept))
    assert result.exit_code == 1 and "the database is behind the head in" in result.output


def test_an_expected_head_that_was_edited_or_is_not_a_head_is_refused(tmp_path: Path) -> None:
    home = Path(os.environ["GDPREP_HOME"])
    _cli_history(home)
    head = json.loads(_cli("audit", "head").output)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({**head, "tree_size": head["tree_size"] + 5}), encoding="utf-8")
    result = _cli("audit", "verify", "--expect-head", str(edited))
    assert result.exit_code == 1 and "does not carry a valid signature" in result.output
    junk = tmp_path / "junk.json"
    junk.write_text('{"tree_size": 3}', encoding="utf-8")
    result = _cli("audit", "verify", "--expect-head", str(junk))
    assert result.exit_code == 2 and "junk.json is not a ledger head: missing" in result.output
    result = _cli("audit", "verify", "--expect-head", str(tmp_path / "absent.json"))
    assert result.exit_code == 2 and "cannot read it" in result.output


def test_verify_exit_status_3_names_a_killed_run(tmp_path: Path) -> None:
    home = Path(os.environ["GDPREP_HOME"])
    _cli_history(home, runs=1)
    run_id = _killed_run(f"sqlite:///{home / 'ledger.db'}", home)
    result = _cli("audit", "verify")
    assert result.exit_code == EXIT_UNSIGNED_TAIL == 3, result.output
    assert f"run {run_id} never finished" in result.output
    assert "Exit status" in _cli("audit", "verify", "--help").output
    _cli_history(home, runs=1)  # the next run records the killed one as interrupted
    assert _cli("audit", "verify").exit_code == 0
    bundle = tmp_path / "bundle"
    assert _cli("audit", "export", "--out", str(bundle), "--view", "openlineage").exit_code == 0
    events = json.loads((bundle / "openlineage.json").read_text(encoding="utf-8"))
    ends = {e["run"]["runId"].replace("-", ""): e["eventType"] for e in events if e["eventType"] != "START"}
    assert ends[run_id] == "ABORT" and list(ends.values()).count("COMPLETE") == 2


def test_a_bundle_is_checked_against_a_key_the_auditor_holds(tmp_path: Path) -> None:
    home = Path(os.environ["GDPREP_HOME"])
    _cli_history(home)
    bundle = tmp_path / "bundle"
    assert _cli("audit", "export", "--out", str(bundle)).exit_code == 0
    pem = Keys().public_pem(create=False)
    fingerprint = heads.fingerprint(pem)
    unpinned = _cli("audit", "verify", "--bundle", str(bundle))
    assert unpinned.exit_code == 2 and fingerprint in unpinned.output
    good = _cli("audit", "verify", "--bundle", str(bundle), "--fingerprint", fingerprint)
    assert good.exit_code == 0 and f"bundle key fingerprint: {fingerprint}" in good.output
    assert _cli("audit", "verify", "--bundle", str(bundle), "--fingerprint", fingerprint[:16]).exit_code == 0
    assert _cli("audit", "verify", "--bundle", str(bundle), "--fingerprint", "ab" * 32).exit_code == 1
    kept = tmp_path / "head.json"
    kept.write_text(_cli("audit", "head").output, encoding="utf-8")
    assert _cli("audit", "verify", "--bundle", str(bundle), "--fingerprint", fingerprint,
                "--expect-head", str(kept)).exit_code == 0
    # a bundle re-signed throughout by an attacker's key verifies on its own key, never on the auditor's
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    attacker = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (bundle / "public_key.pem").write_bytes(attacker)
    ours = tmp_path / "ours.pem"
    ours.write_bytes(pem)
    result = _cli("audit", "verify", "--bundle", str(bundle), "--public-key", str(ours))
    assert result.exit_code == 1 and "not by the key you gave" in result.output
