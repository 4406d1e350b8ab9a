"""The audit ledger on SQLite and PostgreSQL: signed checkpoints verify, every single tampering with the
stored rows is caught and located, inclusion proofs follow RFC 6962, and record ids never reach the database."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import random
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.engine import Connection

from gdprep.audit.entries import entry_leaf
from gdprep.audit.keys import HMAC_KEY_FILE, SIGNING_KEY_FILE, Keys, checkpoint_message, key_id, verify_signature
from gdprep.audit.ledger import Ledger
from gdprep.audit.merkle import EMPTY_ROOT, MerkleAccumulator, inclusion_proof, leaf_hash, tree_root, verify_inclusion
from gdprep.errors import ConfigError, IntegrityError
from tests.pg import create_database, drop_database
from tests.pg import ledger_url as ledger_url  # noqa: F401  (SQLite and PostgreSQL)
from tests.pg import postgres_url as postgres_url  # noqa: F401  (registers the session fixture here)

BACKENDS = ["sqlite", "postgres"]


# -- fixtures: one fresh ledger database and key directory per test, on each backend ------------------------
def _provisioned_keys(directory: Path) -> Keys:
    """Key material created before the ledger opens, so that a new ledger starts empty (opening one without
    a signing key records the key's creation as its first entry; see the key-event test)."""
    keys = Keys(directory=directory)
    keys.public_pem()
    keys.hmac_key()
    return keys


@pytest.fixture
def open_ledger(ledger_url: str, tmp_path: Path) -> Iterator[Callable[..., Ledger]]:
    """Open (or reopen) the test's ledger; `state` names the key directory under tmp_path."""
    opened: list[Ledger] = []

    def factory(state: str = "state") -> Ledger:
        ledger = Ledger(ledger_url, _provisioned_keys(tmp_path / state))
        opened.append(ledger)
        return ledger

    yield factory
    for ledger in opened:  # before the database is dropped
        ledger.engine.dispose()


@pytest.fixture
def ledger(open_ledger: Callable[..., Ledger]) -> Ledger:
    return open_ledger()


def _finding(i: int) -> dict[str, Any]:
    """A payload as the pipeline writes it: types, offsets, reason codes and hashes, never the text."""
    types = ("EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "PERSON")
    return {"type": types[i % len(types)], "reason": "pii_redacted", "start": 7 * i, "end": 7 * i + 12,
            "score": 0.85, "sha256": hashlib.sha256(f"span-{i}".encode()).hexdigest(), "redacted": i % 3 != 0}


def _sql(ledger: Ledger, statement: str, **params: Any) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(text(statement), params)


# -- appending, checkpoints, verify ----------------------------------------------------------------------
def test_append_checkpoint_and_verify(ledger: Ledger) -> None:
    ledger.append("pii_redacted", _finding(0), run_id="r1", record_key=ledger.record_key("doc-1"))
    assert ledger.append_many([("pii_redacted", "r1", ledger.record_key(f"doc-{i}"), _finding(i)) for i in (2, 3)]) == 2
    head = ledger.checkpoint()

    result = ledger.verify()
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints, result.unsigned_tail, result.first_bad_seq, result.problems) == (
        3, 1, 0, None, [])
    assert result.summary() == "ledger verified: 3 entries, 1 signed checkpoints"

    entries = list(ledger.iter_entries())
    assert [e.seq for e in entries] == [0, 1, 2]
    assert entries[0].payload == _finding(0)
    assert all(entry_leaf(e.body()).hex() == e.leaf for e in entries)
    public = ledger.keys.public_pem()
    assert head["tree_size"] == 3
    assert head["root_hash"] == tree_root([bytes.fromhex(e.leaf) for e in entries]).hex()
    assert head["public_key"] == public.decode()
    assert head["key_id"] == key_id(public) == hashlib.sha256(public).hexdigest()[:16]
    assert head["previous"] == ""  # the first checkpoint follows none
    message = checkpoint_message(3, head["root_hash"], head["created_at"], head["key_id"], "")
    assert verify_signature(public, message, head["signature"])
    assert not verify_signature(public, message + b" ", head["signature"])


def test_empty_ledger_verifies_and_checkpoints_the_empty_root(ledger: Ledger) -> None:
    # a signing key beside a ledger with no rows at all reads as a wiped ledger (only a write makes a key;
    # this fixture provisions one first)
    result = ledger.verify()
    assert not result.ok and "has no entries, but" in result.problems[0]
    head = ledger.checkpoint()
    assert (head["tree_size"], head["root_hash"]) == (0, EMPTY_ROOT.hex())
    result = ledger.verify()
    assert (result.ok, result.entries, result.checkpoints, result.unsigned_tail) == (True, 0, 1, 0)


def test_finish_run_writes_a_checkpoint(ledger: Ledger) -> None:
    run_id = ledger.start_run("privacy", command="gdprep redact in.jsonl", config={"min_score": 0.5},
                              policy_hash="ab" * 32, versions={"gdprep": "0.1.0"})
    ledger.append_many(("pii_redacted", run_id, ledger.record_key(f"doc-{i}"), _finding(i)) for i in range(5))
    head = ledger.finish_run(run_id, "privacy", ok=True, summary={"records": 5})

    assert head["tree_size"] == 7
    [stored] = ledger.list_checkpoints()
    assert {k: stored[k] for k in head} == head
    started, completed = ledger.run_entries(run_id)  # run-level entries only, not the per-record ones
    assert (started.kind, completed.kind) == ("run_started", "run_completed")
    assert started.payload["policy_hash"] == "ab" * 32
    assert completed.payload["summary"] == {"records": 5}
    result = ledger.verify()
    assert (result.ok, result.entries, result.checkpoints, result.unsigned_tail) == (True, 7, 1, 0)


def test_failed_run_is_recorded_and_checkpointed(ledger: Ledger) -> None:
    run_id = ledger.start_run("curation", command="gdprep curate")
    head = ledger.finish_run(run_id, "curation", ok=False, error="InputError: in.jsonl:3: not JSON")
    assert head["tree_size"] == 2
    failed = ledger.run_entries(run_id)[-1]
    assert failed.kind == "run_failed"
    assert failed.payload["error"] == "InputError: in.jsonl:3: not JSON"
    assert ledger.verify().ok


def test_entries_after_the_last_checkpoint_are_an_unsigned_tail(ledger: Ledger) -> None:
    run_id = ledger.start_run("privacy", command="gdprep redact")
    ledger.finish_run(run_id, "privacy", ok=True)
    ledger.append("pii_redacted", _finding(1), run_id="later")
    ledger.append("pii_redacted", _finding(2), run_id="later")

    result = ledger.verify()
    assert (result.ok, result.entries, result.checkpoints, result.unsigned_tail) == (True, 4, 1, 2)
    assert result.summary() == "ledger verified: 4 entries, 1 signed checkpoints; 2 entries after the last checkpoint"
    ledger.checkpoint()
    assert ledger.verify().unsigned_tail == 0


def test_reopened_ledger_continues_the_sequence(open_ledger: Callable[..., Ledger]) -> None:
    first = open_ledger()
    first.append("pii_redacted", _finding(0), record_key=first.record_key("doc-1"))
    first.checkpoint()
    first.engine.dispose()

    again = open_ledger()  # same database, same key directory
    again.append("pii_redacted", _finding(1), record_key=again.record_key("doc-1"))
    again.checkpoint()
    assert [e.seq for e in again.entries_for_record("doc-1")] == [0, 1]
    result = again.verify()
    assert (result.ok, result.entries, result.checkpoints) == (True, 2, 2)


def test_checkpoints_resumed_from_the_stored_frontier_sign_the_full_root(ledger: Ledger) -> None:
    for batch in (1, 1, 0, 2, 3, 5, 8, 13):  # 0: a second head of the same size
        ledger.append_many(("pii_redacted", "r1", None, _finding(i)) for i in range(batch))
        head = ledger.checkpoint()
        leaves = [bytes.fromhex(e.leaf) for e in ledger.iter_entries()]
        assert (head["tree_size"], head["root_hash"]) == (len(leaves), _ref_root(leaves).hex())
    result = ledger.verify()
    assert (result.ok, result.entries, result.checkpoints) == (True, 33, 8)


def test_a_tampered_frontier_is_reported_and_not_built_on(ledger: Ledger) -> None:
    """The frontier beside a checkpoint is not signed; a forged one is caught against the signed root, the
    next checkpoint hashes the entries from the start instead, and verify reports the corrupted frontier."""
    ledger.append_many(("pii_redacted", "r1", None, _finding(i)) for i in range(5))
    ledger.checkpoint()
    forged = MerkleAccumulator()
    for leaf in _leaves(5):
        forged.append(leaf)
    _sql(ledger, "UPDATE ledger_checkpoints SET frontier = :f", f=json.dumps(forged.state()))
    ledger.append("pii_redacted", _finding(5), run_id="r1")
    head = ledger.checkpoint()
    leaves = [bytes.fromhex(e.leaf) for e in ledger.iter_entries()]
    assert head["root_hash"] == _ref_root(leaves).hex()
    result = ledger.verify()
    assert not result.ok
    assert result.problems == ["checkpoint at tree size 5: its stored Merkle frontier does not match its signed "
                               "root (corrupted; the next checkpoint recomputes it from the entries)"]


@pytest.mark.parametrize("frontier", ["[]", "[[1]]", "not json", '[["x"], [0, "zz"]]', '{"a": 1}', "[[5], [0]]"])
def test_an_unreadable_frontier_never_crashes_a_run(ledger: Ledger, frontier: str) -> None:
    ledger.append_many(("pii_redacted", "r1", None, _finding(i)) for i in range(5))
    ledger.checkpoint()
    _sql(ledger, "UPDATE ledger_checkpoints SET frontier = :f", f=frontier)
    run_id = ledger.start_run("privacy", command="gdprep redact")
    ledger.finish_run(run_id, "privacy", ok=True)
    result = ledger.verify()
    assert result.problems == ["checkpoint at tree size 5: its stored Merkle frontier does not match its signed "
                               "root (corrupted; the next checkpoint recomputes it from the entries)"]


def test_the_first_write_creates_the_signing_key_and_records_it(ledger_url: str, tmp_path: Path) -> None:
    keys = Keys(directory=tmp_path / "new-state")
    ledger = Ledger(ledger_url, keys)
    try:
        assert list(ledger.iter_entries()) == []  # opening a ledger never writes to it
        with pytest.raises(ConfigError, match="no ledger signing key"):
            ledger.verify()  # and verifying never creates a key
        ledger.append("pii_redacted", _finding(0))
        event, first = list(ledger.iter_entries())
        assert (event.seq, event.kind, first.seq) == (0, "key_event", 1)
        assert event.payload["key_id"] == key_id(keys.public_pem())
        assert {k: event.payload[k] for k in ("event", "key")} == {"event": "created", "key": "ledger-signing"}
        assert stat.S_IMODE((tmp_path / "new-state" / SIGNING_KEY_FILE).stat().st_mode) == 0o600
        ledger.append("pii_redacted", _finding(1))  # the key exists now: no second key event
        assert [e.kind for e in ledger.iter_entries()].count("key_event") == 1
        ledger.checkpoint()
        assert ledger.verify().ok
    finally:
        ledger.engine.dispose()


def test_reformatted_payload_json_is_not_a_change(ledger: Ledger) -> None:
    """Leaf hashes commit to the canonical JSON, so re-serialising the same content is harmless."""
    ledger.append("pii_redacted", _finding(4), run_id="r1")
    ledger.checkpoint()
    reformatted = json.dumps(dict(reversed(list(_finding(4).items()))), indent=2)
    _sql(ledger, "UPDATE ledger_entries SET payload = :p WHERE seq = 0", p=reformatted)
    assert ledger.verify().ok


def test_a_forged_entry_after_the_last_checkpoint_is_only_reported_as_unsigned(ledger: Ledger) -> None:
    """The limit of what verify can know: a correctly hashed row appended after the last signed head looks
    like a genuine new entry. It is never silent, though: it counts as unsigned tail."""
    ledger.append("pii_redacted", _finding(0), run_id="r1")
    ledger.checkpoint()
    body = {"seq": 1, "kind": "pii_redacted", "run_id": "r1", "record_key": None, "payload": _finding(9),
            "created_at": "2030-01-01T00:00:00.000000Z"}
    _sql(ledger, "INSERT INTO ledger_entries (seq, kind, run_id, record_key, payload, created_at, leaf_hash) "
                 "VALUES (1, 'pii_redacted', 'r1', NULL, :p, :t, :h)",
         p=json.dumps(_finding(9)), t=body["created_at"], h=entry_leaf(body).hex())
    result = ledger.verify()
    assert (result.ok, result.unsigned_tail) == (True, 1)


@pytest.mark.parametrize("payload", ['{"type": "EMAIL', '{"score": NaN}'], ids=["truncated", "nan"])
def test_unparseable_payload_is_reported_not_raised(ledger: Ledger, payload: str) -> None:
    ledger.append("pii_redacted", _finding(0))
    ledger.append("pii_redacted", _finding(1))
    ledger.checkpoint()
    _sql(ledger, "UPDATE ledger_entries SET payload = :p WHERE seq = 1", p=payload)
    try:
        result = ledger.verify()
    except ValueError as exc:
        failure = exc
    else:
        assert not result.ok
        assert result.first_bad_seq == 1
        return
    # Raised afresh, outside the handler: the original traceback would keep verify's half-read streaming
    # cursor alive until after the PostgreSQL database is dropped.
    message = str(failure)
    del failure
    raise ValueError(message)


# -- the mutation test: every single edit of the stored rows is caught and located ----------------------------
RUN_RECORDS = (12, 11, 11)  # per-record entries of each run; with start and finish: 14 + 13 + 13 entries
CHECKPOINT_SIZES = tuple(sum(n + 2 for n in RUN_RECORDS[:i + 1]) for i in range(len(RUN_RECORDS)))
N_ENTRIES = CHECKPOINT_SIZES[-1]
KINDS = ("run_started", "run_completed", "run_failed", "pii_redacted", "record_dropped", "record_curated")
assert CHECKPOINT_SIZES == (14, 27, 40)


def _signed_range(seq: int) -> tuple[int, int]:
    """The entries between two checkpoints that contain `seq` (what verify can narrow a rewrite down to)."""
    start = max((size for size in (0, *CHECKPOINT_SIZES) if size <= seq), default=0)
    end = min(size for size in CHECKPOINT_SIZES if size > seq)
    return start, end - 1


def _build_reference(ledger: Ledger) -> None:
    i = 0
    for run, records in enumerate(RUN_RECORDS):
        stage = ("privacy", "curation", "training")[run]
        run_id = ledger.start_run(stage, command=f"gdprep {stage} in.jsonl",
                                  config={"min_score": 0.5, "languages": ["en", "de"]},
                                  policy_hash=hashlib.sha256(b"policy").hexdigest(), versions={"gdprep": "0.1.0"})
        ledger.append_many(("pii_redacted", run_id, ledger.record_key(f"doc-{i + k}"), _finding(i + k))
                           for k in range(records))
        i += records
        ledger.finish_run(run_id, stage, ok=True, summary={"records": records, "dropped": run})


@dataclass(frozen=True)
class Mutation:
    kind: str  # a key of MUTATORS
    target: int  # an entry seq, or a checkpoint index for the checkpoint kinds
    other: int = 0  # the second entry of a swap, a new tree size, a variant

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.target}" + (f"-{self.other}" if self.other or self.kind == "cp_tree_size" else "")


Expected = tuple[int | None, str]  # (first_bad_seq, text that the first problem must contain)


def _entry(conn: Connection, seq: int) -> dict[str, Any]:
    return dict(conn.execute(text("SELECT * FROM ledger_entries WHERE seq = :s"), {"s": seq}).mappings().one())


def _set(conn: Connection, seq: int, column: str, value: Any) -> None:
    conn.execute(text(f"UPDATE ledger_entries SET {column} = :v WHERE seq = :s"), {"v": value, "s": seq})


def _rehash(conn: Connection, seq: int) -> None:
    """What an attacker who knows the hashing does after an edit: store a consistent leaf hash."""
    row = _entry(conn, seq)
    body = {k: row[k] for k in ("seq", "kind", "run_id", "record_key", "created_at")}
    _set(conn, seq, "leaf_hash", entry_leaf({**body, "payload": json.loads(row["payload"])}).hex())


def _tweak(value: Any, rng: random.Random) -> Any:
    """A small, plausible change of a JSON value that always changes its canonical form."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice((-1, 1))
    if isinstance(value, float):
        return round(value + 0.01, 6)
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1] != "0" else "1") if value else "x"
    if isinstance(value, list):
        return [_tweak(value[0], rng), *value[1:]] if value else [0]
    if isinstance(value, dict):
        if not value:
            return {"injected": True}
        key = rng.choice(sorted(value))
        return {**value, key: _tweak(value[key], rng)}
    return "x"  # None


def _edit_payload(conn: Connection, seq: int, rng: random.Random) -> None:
    payload = json.loads(_entry(conn, seq)["payload"])
    _set(conn, seq, "payload", json.dumps(_tweak(payload, rng)))


def _field_changed(seq: int) -> Expected:
    return seq, f"entry {seq} ("


def _rewrite_caught_by_root(seq: int) -> Expected:
    start, end = _signed_range(seq)
    return start, f"root hash does not match the entries; the change is among entries {start}..{end}"


def _m_payload(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _edit_payload(conn, m.target, rng)
    return _field_changed(m.target)


def _m_kind(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    current = _entry(conn, m.target)["kind"]
    _set(conn, m.target, "kind", rng.choice([k for k in KINDS if k != current]))
    return _field_changed(m.target)


def _m_run_id(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    current = _entry(conn, m.target)["run_id"]
    runs = sorted(r for (r,) in conn.execute(text("SELECT DISTINCT run_id FROM ledger_entries")) if r != current)
    _set(conn, m.target, "run_id", rng.choice(runs))  # another real run: the most plausible forgery
    return _field_changed(m.target)


def _m_created_at(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
    when = datetime.datetime.strptime(_entry(conn, m.target)["created_at"], fmt)
    shifted = when + datetime.timedelta(microseconds=rng.choice((-1, 1)), seconds=rng.randrange(0, 3600))
    _set(conn, m.target, "created_at", shifted.strftime(fmt))
    return _field_changed(m.target)


def _m_record_key(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _set(conn, m.target, "record_key", hashlib.sha256(f"forged-{rng.random()}".encode()).hexdigest())
    return _field_changed(m.target)


def _m_leaf_hash(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _set(conn, m.target, "leaf_hash", f"{rng.getrandbits(256):064x}")
    return _field_changed(m.target)


def _m_rehashed_payload(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _edit_payload(conn, m.target, rng)
    _rehash(conn, m.target)
    return _rewrite_caught_by_root(m.target)


def _m_delete(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    conn.execute(text("DELETE FROM ledger_entries WHERE seq = :s"), {"s": m.target})
    if m.target == N_ENTRIES - 1:
        return m.target, f"checkpoint at tree size {N_ENTRIES} covers entries that are not in the ledger"
    return m.target, f"entries {m.target}..{m.target} are missing"


def _insert(conn: Connection, seq: int, like: int) -> None:
    """Insert a plausible entry at `seq` (copying entry `like`'s run and time) with a correct leaf hash."""
    row = _entry(conn, like)
    body = {"seq": seq, "kind": "record_dropped", "run_id": row["run_id"], "record_key": row["record_key"],
            "payload": {"reason": "quality_short_doc"}, "created_at": row["created_at"]}
    conn.execute(text("INSERT INTO ledger_entries (seq, kind, run_id, record_key, payload, created_at, leaf_hash) "
                      "VALUES (:seq, :kind, :run_id, :record_key, :payload, :created_at, :leaf)"),
                 {**body, "payload": json.dumps(body["payload"]), "leaf": entry_leaf(body).hex()})


def _m_insert_shifting(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    for seq in range(N_ENTRIES - 1, m.target - 1, -1):  # make room, keeping every later leaf consistent
        _set(conn, seq, "seq", seq + 1)
        _rehash(conn, seq + 1)
    _insert(conn, m.target, like=m.target + 1)
    return _rewrite_caught_by_root(m.target)


def _m_insert_after_gap(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _insert(conn, N_ENTRIES + m.other, like=N_ENTRIES - 1)
    return N_ENTRIES, f"entries {N_ENTRIES}..{N_ENTRIES + m.other - 1} are missing"


def _m_insert_before_first(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _insert(conn, -1, like=0)
    return -1, "entry -1 appears again or out of order"


def _swap(conn: Connection, a: int, b: int) -> None:
    _set(conn, a, "seq", -1000)
    _set(conn, b, "seq", a)
    _set(conn, -1000, "seq", b)


def _m_swap(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _swap(conn, m.target, m.other)
    return _field_changed(min(m.target, m.other))


def _m_swap_rehashed(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    _swap(conn, m.target, m.other)
    _rehash(conn, m.target)
    _rehash(conn, m.other)
    return _rewrite_caught_by_root(min(m.target, m.other))


def _checkpoints(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(text("SELECT * FROM ledger_checkpoints ORDER BY id")).mappings()]


def _set_checkpoint(conn: Connection, cp_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    conn.execute(text(f"UPDATE ledger_checkpoints SET {assignments} WHERE id = :cp_id"), {**values, "cp_id": cp_id})


def _flip_hex(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    return value[:i] + ("0" if value[i] != "0" else "f") + value[i + 1:]


def _m_cp_signature(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    cps = _checkpoints(conn)
    cp = cps[m.target]
    if m.other:  # a genuine signature by the ledger's key, over another tree head
        signature = cps[(m.target + 1) % len(cps)]["signature"]
    else:
        signature = _flip_hex(cp["signature"], rng)
    _set_checkpoint(conn, cp["id"], signature=signature)
    return None, f"checkpoint at tree size {cp['tree_size']}: bad signature"


def _m_cp_root(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    cps = _checkpoints(conn)
    cp = cps[m.target]
    root = cps[(m.target + 1) % len(cps)]["root_hash"] if m.other else _flip_hex(cp["root_hash"], rng)
    _set_checkpoint(conn, cp["id"], root_hash=root)
    return None, f"checkpoint at tree size {cp['tree_size']}: bad signature"


def _m_cp_tree_size(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    cp = _checkpoints(conn)[m.target]
    _set_checkpoint(conn, cp["id"], tree_size=m.other)
    if m.other > N_ENTRIES:
        return N_ENTRIES, f"checkpoint at tree size {m.other} covers entries that are not in the ledger"
    return None, f"checkpoint at tree size {m.other}: bad signature"


def _attacker_sign(conn: Connection, cp: dict[str, Any], attacker: Ed25519PrivateKey, root: str) -> str:
    pem = attacker.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = key_id(pem)
    signature = attacker.sign(checkpoint_message(cp["tree_size"], root, cp["created_at"], kid)).hex()
    _set_checkpoint(conn, cp["id"], root_hash=root, key_id=kid, public_key=pem.decode(), signature=signature)
    return kid


def _m_cp_foreign_key(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    """A checkpoint that verifies perfectly, under a key that is not the ledger's."""
    cp = _checkpoints(conn)[m.target]
    kid = _attacker_sign(conn, cp, Ed25519PrivateKey.generate(), cp["root_hash"])
    return None, f"checkpoint at tree size {cp['tree_size']} is signed by key {kid}, not the ledger's key"


def _m_cp_key_id(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    cp = _checkpoints(conn)[m.target]
    _set_checkpoint(conn, cp["id"], key_id=_flip_hex(cp["key_id"], rng))
    return None, f"checkpoint at tree size {cp['tree_size']}: key id does not match its public key"


def _m_forged_history(conn: Connection, m: Mutation, rng: random.Random) -> Expected:
    """Rewrite an entry, make every leaf and root consistent and re-sign every checkpoint: only the key
    gives it away."""
    _edit_payload(conn, m.target, rng)
    _rehash(conn, m.target)
    leaves = [bytes.fromhex(h) for (h,) in conn.execute(text("SELECT leaf_hash FROM ledger_entries ORDER BY seq"))]
    attacker = Ed25519PrivateKey.generate()
    kids = [_attacker_sign(conn, cp, attacker, tree_root(leaves[:cp["tree_size"]]).hex())
            for cp in _checkpoints(conn)]
    return None, f"checkpoint at tree size {CHECKPOINT_SIZES[0]} is signed by key {kids[0]}, not the ledger's key"


MUTATORS: dict[str, Callable[[Connection, Mutation, random.Random], Expected]] = {
    "payload": _m_payload, "kind": _m_kind, "run_id": _m_run_id, "created_at": _m_created_at,
    "record_key": _m_record_key, "leaf_hash": _m_leaf_hash, "rehashed_payload": _m_rehashed_payload,
    "delete": _m_delete, "insert_shifting": _m_insert_shifting, "insert_after_gap": _m_insert_after_gap,
    "insert_before_first": _m_insert_before_first, "swap": _m_swap, "swap_rehashed": _m_swap_rehashed,
    "cp_signature": _m_cp_signature, "cp_root": _m_cp_root, "cp_tree_size": _m_cp_tree_size,
    "cp_foreign_key": _m_cp_foreign_key, "cp_key_id": _m_cp_key_id, "forged_history": _m_forged_history,
}


def _mutations(seed: int = 6962) -> list[Mutation]:
    rng = random.Random(seed)
    entries = range(N_ENTRIES)
    boundaries = sorted({0, *(s - 1 for s in CHECKPOINT_SIZES), *CHECKPOINT_SIZES[:-1]})  # 0,13,14,26,27,39
    cases: list[Mutation] = []
    cases += [Mutation("payload", s) for s in sorted(rng.sample(entries, 6))]
    for kind in ("kind", "run_id", "created_at", "record_key", "leaf_hash"):
        cases += [Mutation(kind, s) for s in sorted(rng.sample(entries, 4))]
    cases += [Mutation("rehashed_payload", s) for s in sorted({*boundaries, *rng.sample(entries, 2)})]
    cases += [Mutation("delete", s) for s in sorted({0, N_ENTRIES - 1, *rng.sample(range(1, N_ENTRIES - 1), 4)})]
    cases += [Mutation("insert_shifting", s) for s in sorted({0, *rng.sample(range(1, N_ENTRIES), 4)})]
    cases += [Mutation("insert_after_gap", 0, gap) for gap in (1, 3)]
    cases += [Mutation("insert_before_first", 0)]
    pairs = {(5, 6), (13, 14), *(tuple(sorted(rng.sample(entries, 2))) for _ in range(4))}
    cases += [Mutation("swap", a, b) for a, b in sorted(pairs)]
    cases += [Mutation("swap_rehashed", a, b) for a, b in sorted(pairs)[:3]]
    checkpoints = range(len(CHECKPOINT_SIZES))
    cases += [Mutation(kind, cp, variant) for kind in ("cp_signature", "cp_root")
              for cp in checkpoints for variant in (0, 1)]
    sizes = [0, 1, CHECKPOINT_SIZES[1], N_ENTRIES - 1, N_ENTRIES + 1, N_ENTRIES + 100]
    cases += [Mutation("cp_tree_size", i % len(CHECKPOINT_SIZES), size) for i, size in enumerate(sizes)
              if size != CHECKPOINT_SIZES[i % len(CHECKPOINT_SIZES)]]
    cases += [Mutation("cp_foreign_key", cp) for cp in checkpoints]
    cases += [Mutation("cp_key_id", cp) for cp in checkpoints]
    cases += [Mutation("forged_history", s) for s in sorted(rng.sample(entries, 2))]
    return cases


MUTATIONS = _mutations()


@dataclass(frozen=True)
class Reference:
    backend: str
    url: str
    state: Path
    server_url: str | None  # the PostgreSQL server, to copy the reference database


@pytest.fixture(scope="module", params=BACKENDS)
def reference(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    """A clean ledger of 40 entries over 3 runs (3 checkpoints), built once per backend and never modified."""
    base = tmp_path_factory.mktemp(f"reference-{request.param}")
    server_url: str | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{base / 'ledger.db'}"
    else:
        server_url = request.getfixturevalue("postgres_url")
        url = create_database(server_url)
    ledger = Ledger(url, _provisioned_keys(base / "state"))
    try:
        _build_reference(ledger)
        assert [c["tree_size"] for c in ledger.list_checkpoints()] == list(CHECKPOINT_SIZES)
    finally:
        ledger.engine.dispose()  # SQLite folds its WAL back into the file; PostgreSQL can use it as a template
    yield Reference(request.param, url, base / "state", server_url)
    if server_url is not None:
        drop_database(server_url, url)


@pytest.fixture
def ledger_copy(reference: Reference, tmp_path: Path) -> Iterator[Ledger]:
    """A private copy of the reference ledger (database and keys) for one mutation."""
    state = tmp_path / "state"
    shutil.copytree(reference.state, state)
    if reference.server_url is None:
        source = Path(reference.url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", tmp_path / f"ledger.db{suffix}")
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        from sqlalchemy.engine import make_url

        url = create_database(reference.server_url, template=make_url(reference.url).database)
    ledger = Ledger(url, Keys(directory=state))
    try:
        yield ledger
    finally:
        ledger.engine.dispose()
        if reference.server_url is not None:
            drop_database(reference.server_url, url)


def test_mutation_table_covers_every_kind() -> None:
    assert {m.kind for m in MUTATIONS} == set(MUTATORS)
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS) >= 60


def test_reference_copy_verifies(ledger_copy: Ledger) -> None:
    result = ledger_copy.verify()
    assert (result.ok, result.entries, result.checkpoints, result.unsigned_tail) == (True, N_ENTRIES, 3, 0)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.id)
def test_every_single_tampering_is_caught_and_located(ledger_copy: Ledger, mutation: Mutation) -> None:
    with ledger_copy.engine.begin() as conn:
        expected_seq, expected_text = MUTATORS[mutation.kind](conn, mutation, random.Random(mutation.id))

    result = ledger_copy.verify()
    assert not result.ok
    assert expected_text in result.problems[0], result.problems
    assert result.first_bad_seq == expected_seq, result.problems
    assert result.summary() == "ledger verification FAILED: " + result.problems[0]


# -- inclusion proofs ---------------------------------------------------------------------------------------
def test_inclusion_proof_of_every_entry_verifies(ledger: Ledger) -> None:
    run_id = ledger.start_run("privacy", command="gdprep redact")
    ledger.append_many(("pii_redacted", run_id, ledger.record_key(f"doc-{i}"), _finding(i)) for i in range(9))
    ledger.finish_run(run_id, "privacy", ok=True)  # checkpoint of 11
    ledger.append_many(("record_curated", "r2", None, {"outcome": "assigned", "split": "train"}) for _ in range(4))
    head = ledger.checkpoint()  # of 15: the latest covering head is used for every entry
    leaves = [bytes.fromhex(e.leaf) for e in ledger.iter_entries()]

    for seq in range(15):
        proof = ledger.inclusion(seq)
        assert proof["verified"] is True, seq
        assert (proof["seq"], proof["tree_size"], proof["root_hash"]) == (seq, 15, head["root_hash"])
        path = [bytes.fromhex(p) for p in proof["path"]]
        assert verify_inclusion(leaves[seq], seq, 15, path, bytes.fromhex(head["root_hash"]))

    ledger.append("record_dropped", {"reason": "quality_short_doc"})
    with pytest.raises(IntegrityError, match="entry 15 is not covered by a signed checkpoint yet"):
        ledger.inclusion(15)


def test_inclusion_of_an_edited_entry_is_not_verified(ledger: Ledger) -> None:
    ledger.append("pii_redacted", _finding(0))
    ledger.append("pii_redacted", _finding(1))
    ledger.checkpoint()
    _sql(ledger, "UPDATE ledger_entries SET payload = :p WHERE seq = 1", p=json.dumps({"reason": "forged"}))
    assert not ledger.verify().ok
    assert ledger.inclusion(1)["verified"] is False


def test_inclusion_against_a_forged_checkpoint_is_not_verified(ledger: Ledger) -> None:
    ledger.append("pii_redacted", _finding(0))
    ledger.append("pii_redacted", _finding(1))
    ledger.checkpoint()
    with ledger.engine.begin() as conn:
        _m_forged_history(conn, Mutation("forged_history", 1), random.Random(1))
    assert not ledger.verify().ok
    assert ledger.inclusion(1)["verified"] is False


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(f"entry-{i}".encode()) for i in range(n)]


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _ref_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1 MTH, written out recursively (over leaf hashes)."""
    if not leaves:
        return _h(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)  # the largest power of two below n
    return _h(b"\x01" + _ref_root(leaves[:k]) + _ref_root(leaves[k:]))


def _ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 section 2.1.1 PATH(m, D[n])."""
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*_ref_path(m, leaves[:k]), _ref_root(leaves[k:])]
    return [*_ref_path(m - k, leaves[k:]), _ref_root(leaves[:k])]


def test_leaf_and_empty_hashes_follow_rfc_6962() -> None:
    assert leaf_hash(b"abc") == _h(b"\x00abc")
    assert EMPTY_ROOT == tree_root([]) == _h(b"")
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_tree_root_matches_the_recursive_reference_for_1_to_70_leaves() -> None:
    leaves = _leaves(70)
    acc = MerkleAccumulator()
    for n in range(1, 71):
        acc.append(leaves[n - 1])
        expected = _ref_root(leaves[:n])
        assert tree_root(leaves[:n]) == expected, n
        assert (acc.size, acc.root()) == (n, expected), n


def test_inclusion_proofs_match_the_reference_and_verify() -> None:
    leaves = _leaves(70)
    for n in range(1, 71):
        root = _ref_root(leaves[:n])
        for m in range(n):
            path = inclusion_proof(leaves[:n], m)
            assert path == _ref_path(m, leaves[:n]), (n, m)
            assert verify_inclusion(leaves[m], m, n, path, root), (n, m)
    with pytest.raises(IndexError):
        inclusion_proof(leaves[:3], 3)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 31, 32, 33, 70])
def test_verify_inclusion_rejects_a_wrong_leaf_index_root_or_path(n: int) -> None:
    leaves = _leaves(n)
    root = tree_root(leaves)
    forged = leaf_hash(b"forged")
    for m in range(n):
        path = inclusion_proof(leaves, m)
        assert verify_inclusion(leaves[m], m, n, path, root)
        assert not verify_inclusion(forged, m, n, path, root)
        assert not verify_inclusion(leaves[m], m, n, path, _h(root))
        assert not any(verify_inclusion(leaves[m], other, n, path, root) for other in range(-1, n + 1) if other != m)
        assert not verify_inclusion(leaves[m], m, n, [*path, forged], root)  # one sibling too many
        if path:
            assert not verify_inclusion(leaves[m], m, n, path[:-1], root)  # one too few
            assert not verify_inclusion(leaves[m], m, n, [forged, *path[1:]], root)


# -- record keys and key files ---------------------------------------------------------------------------------
def test_record_key_is_a_keyed_hmac(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'a.db'}", _provisioned_keys(tmp_path / "state"))
    other = Ledger(f"sqlite:///{tmp_path / 'b.db'}", _provisioned_keys(tmp_path / "other-state"))
    reopened = Ledger(f"sqlite:///{tmp_path / 'a.db'}", Keys(directory=tmp_path / "state"))
    try:
        key = ledger.record_key("doc-42")
        assert key == ledger.record_key("doc-42") == reopened.record_key("doc-42")
        secret = (tmp_path / "state" / HMAC_KEY_FILE).read_bytes()
        assert key == hmac.new(secret, b"doc-42", hashlib.sha256).hexdigest()
        assert key != hashlib.sha256(b"doc-42").hexdigest()
        assert key != ledger.record_key("doc-43")
        assert other.record_key("doc-42") != key  # another key file, another value
    finally:
        for opened in (ledger, other, reopened):
            opened.engine.dispose()


def test_raw_record_ids_never_reach_the_database_file(tmp_path: Path) -> None:
    raw_ids = ["patient-7731/anna.kowalska@example.org", "DE89370400440532013000", "Zoë Müller-Lüdenscheidt"]
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", _provisioned_keys(tmp_path / "state"))
    try:
        run_id = ledger.start_run("privacy", command="gdprep redact in.jsonl")
        ledger.append_many(("pii_redacted", run_id, ledger.record_key(raw), _finding(i))
                           for i, raw in enumerate(raw_ids))
        ledger.finish_run(run_id, "privacy", ok=True)
        assert [e.seq for e in ledger.entries_for_record(raw_ids[1])] == [2]
        keys = [ledger.record_key(raw) for raw in raw_ids]
    finally:
        ledger.engine.dispose()

    stored = b"".join(path.read_bytes() for path in sorted(tmp_path.glob("ledger.db*")))
    assert all(key.encode() in stored for key in keys)  # the scan does see the entries
    for raw in raw_ids:
        for encoding in ("utf-8", "utf-16-le"):
            assert raw.encode(encoding) not in stored, raw


def test_key_files_are_owner_only_and_the_public_key_is_pem(tmp_path: Path) -> None:
    directory = tmp_path / "state"
    previous = os.umask(0)  # even a permissive umask must not widen the key files
    try:
        keys = Keys(directory=directory)
        public = keys.public_pem()
        secret = keys.hmac_key()
    finally:
        os.umask(previous)

    for name in (SIGNING_KEY_FILE, HMAC_KEY_FILE):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600, name
    assert public.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert public.endswith(b"-----END PUBLIC KEY-----\n")
    assert isinstance(serialization.load_pem_public_key(public), Ed25519PublicKey)
    assert (directory / SIGNING_KEY_FILE).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert len(secret) == 32
    again = Keys(directory=directory)
    assert (again.public_pem(), again.hmac_key()) == (public, secret)


def test_a_signing_key_that_is_not_ed25519_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "state"
    directory.mkdir()
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (directory / SIGNING_KEY_FILE).write_bytes(pem)
    with pytest.raises(ConfigError, match=r"audit-signing\.key is not an Ed25519 private key"):
        Keys(directory=directory).signing_key()


def test_checkpoint_refuses_to_sign_tampered_content(ledger: Ledger) -> None:
    ledger.append("pii_redacted", _finding(0))
    ledger.checkpoint()
    ledger.append("pii_redacted", _finding(1))
    _sql(ledger, "UPDATE ledger_entries SET payload = :p WHERE seq = 1", p=json.dumps({"reason": "forged"}))
    with pytest.raises(IntegrityError, match="refusing to sign a checkpoint: entry 1"):
        ledger.checkpoint()


def test_deleting_every_checkpoint_is_caught_by_the_pinned_head(ledger: Ledger) -> None:
    ledger.append("pii_redacted", _finding(0))
    ledger.checkpoint()
    _sql(ledger, "DELETE FROM ledger_checkpoints")
    result = ledger.verify()
    assert not result.ok and "the database is behind the head in" in result.problems[0]


def test_a_ledger_from_before_the_frontier_column_still_opens(tmp_path: Path) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path / 'old.db'}"
    keys = Keys(directory=tmp_path / "state")
    keys.signing_key()
    first = Ledger(url, keys)
    first.append("pii_redacted", _finding(0))
    first.checkpoint()
    first.engine.dispose()
    with sqlite3.connect(tmp_path / "old.db") as conn:  # the table as it was created before the column existed
        conn.execute("ALTER TABLE ledger_checkpoints DROP COLUMN frontier")
    again = Ledger(url, keys)
    again.append("pii_redacted", _finding(1))
    again.checkpoint()
    assert again.verify().ok
    again.engine.dispose()
