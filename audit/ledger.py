"""The append-only, tamper-evident lineage ledger.

- Entries live in a real database through SQLAlchemy: SQLite in the state directory by default
  (`.gdprep/ledger.db`), PostgreSQL (or any SQLAlchemy URL) by `GDPREP_LEDGER_URL` or `--ledger-url`.
- Each entry is canonical JSON (sorted keys, fixed separators) of its sequence number, kind, run id,
  record key, payload and time; its RFC 6962 leaf hash is stored beside it.
- Signed checkpoints (Ed25519, `cryptography`) carry the tree size, the Merkle root, the time and the hash
  of the checkpoint before them (a chain); one is written at the end of every run, and the newest is also
  pinned in a file outside the database (`gdprep.audit.head`). `verify` recomputes every leaf hash and every
  checkpoint's root, checks every signature, the chain and the pinned head, and names the first bad entry.
- A run records which process writes it; a run whose process died without finishing it (`kill -9`) is
  recorded as `run_interrupted` when the next run starts, and until then `verify` reports its entries as
  an unsigned tail, not as tampering.
- No raw personal data goes in: record ids and subject identifiers are stored as keyed HMACs
  (`record_key`), and payloads carry types, offsets, reason codes and hashes only.
"""

from __future__ import annotations

import datetime
import getpass
import hashlib
import hmac
import itertools
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from gdprep.audit import head as heads
from gdprep.audit.database import (
    database_exists,
    default_url,
    safe_url,
    sqlite_in_memory,
    sqlite_pragmas,
    sqlite_writer_engine,
)
from gdprep.audit.entries import RUN_TERMINAL_KINDS, Entry, canonical, entry_leaf, load_payload, recomputed_leaf
from gdprep.audit.keys import Keys, checkpoint_message, key_id, public_pem_of, signed_message, verify_signature
from gdprep.audit.liveness import liveness, process_identity
from gdprep.audit.merkle import MerkleAccumulator, inclusion_proof, verify_inclusion
from gdprep.audit.verification import VerifyResult, expected_head_problems, resumable_frontier, verify_log
from gdprep.errors import IntegrityError, UsageError
from gdprep.state import state_dir

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_BATCH = 5000
# The PostgreSQL advisory lock that serialises the ledger's writers (per database); a fixed name's hash,
# so every gdprep version takes the same lock.
WRITER_LOCK_KEY = int.from_bytes(hashlib.sha256(b"gdprep.audit.ledger.writer").digest()[:8], "big", signed=True)


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Ledger:
    """Append entries, write signed checkpoints, verify, trace. One instance per process."""

    def __init__(self, url: str | None = None, keys: Keys | None = None, *, create: bool = True) -> None:
        """Open the ledger at `url` (default: GDPREP_LEDGER_URL, else the state directory's SQLite file).
        With `create=False` nothing is created: not the state directory, the database or its tables
        (verifying a ledger must not make one); a missing ledger then reads as empty."""
        from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, create_engine, event

        self.url = url or default_url(create)
        self.keys = keys or Keys(state_dir(create))
        self.exists = create or database_exists(self.url)
        engine_url = self.url if self.exists else "sqlite://"  # a missing ledger: nothing on disk is touched
        # `engine` is shared with other code (API keys, reads) and keeps the driver's default transactions;
        # the ledger's own writes go through `_writer` (see `writing`)
        self.engine = create_engine(engine_url, future=True)
        self._writer = self.engine
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", sqlite_pragmas)
            if not sqlite_in_memory(self.engine.url):
                self._writer = sqlite_writer_engine(engine_url)
                writer = self._writer
                # disposing `engine` (tests, shutdown) closes the writer's connections too, so that SQLite
                # folds its WAL back into the file
                event.listen(self.engine, "engine_disposed", lambda _engine: writer.dispose())
        meta = MetaData()
        self.entries = Table(
            "ledger_entries", meta,
            Column("seq", BigInteger, primary_key=True, autoincrement=False),
            Column("kind", String(48), nullable=False, index=True),
            Column("run_id", String(64), index=True),
            Column("record_key", String(64), index=True),
            Column("payload", Text, nullable=False),
            Column("created_at", String(32), nullable=False),
            Column("leaf_hash", String(64), nullable=False),
        )
        self.checkpoints = Table(
            "ledger_checkpoints", meta,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("tree_size", BigInteger, nullable=False),
            Column("root_hash", String(64), nullable=False),
            Column("created_at", String(32), nullable=False),
            Column("key_id", String(16), nullable=False),
            Column("public_key", Text, nullable=False),
            Column("signature", String(128), nullable=False),
            # the Merkle frontier at this size, so the next checkpoint reads only newer entries (a wrong
            # frontier gives a root that verification, which recomputes from the entries, rejects)
            Column("frontier", Text),
            # the hash of the checkpoint before this one ("" for the first; null on checkpoints written before
            # checkpoints were chained), signed with the rest (see gdprep.audit.head)
            Column("previous", String(64)),
        )
        self._meta = meta
        if not create and self.exists and not self._has_tables(self.engine):
            self.exists = False
            self.engine.dispose()
            self.engine = self._writer = create_engine("sqlite://", future=True)
        if self.exists:
            self._ensure_schema()  # an existing ledger from an earlier gdprep is brought up to date
        else:  # read as empty: an in-memory database with the tables and no rows
            meta.create_all(self.engine)
        self._hmac_key: bytes | None = None

    @staticmethod
    def _has_tables(bind: Any) -> bool:
        from sqlalchemy import inspect

        found = inspect(bind)
        return bool(found.has_table("ledger_entries") and found.has_table("ledger_checkpoints"))

    @staticmethod
    def _schema_current(bind: Any) -> bool:
        from sqlalchemy import inspect

        found = inspect(bind)
        if not (found.has_table("ledger_entries") and found.has_table("ledger_checkpoints")):
            return False
        columns = {c["name"] for c in found.get_columns("ledger_checkpoints")}
        indexed = {tuple(i["column_names"]) for i in found.get_indexes("ledger_entries")}
        return {"frontier", "previous"} <= columns and ("kind",) in indexed

    def _ensure_schema(self) -> None:
        """Create the tables, or bring a ledger written by an earlier gdprep up to date: the Merkle frontier
        and checkpoint-chain columns, and the index on entry kinds that finding unfinished runs uses. Under
        the writer lock, so that processes opening a new ledger at once do not clash."""
        from sqlalchemy import inspect, text

        if self._schema_current(self.engine):  # the usual case: no lock taken
            return
        with self.writing() as conn:
            self._meta.create_all(conn)
            columns = {c["name"] for c in inspect(conn).get_columns("ledger_checkpoints")}
            for name, sql_type in (("frontier", "TEXT"), ("previous", "VARCHAR(64)")):
                if name not in columns:
                    conn.execute(text(f"ALTER TABLE ledger_checkpoints ADD COLUMN {name} {sql_type}"))
            conn.execute(text("CREATE INDEX IF NOT EXISTS ix_ledger_entries_kind ON ledger_entries (kind)"))

    # -- identifiers --------------------------------------------------------------------------------
    def hmac_key(self) -> bytes:
        """The ledger's HMAC key (read once per ledger)."""
        if self._hmac_key is None:
            self._hmac_key = self.keys.hmac_key()
        return self._hmac_key

    def record_key(self, record_id: str) -> str:
        """Keyed HMAC-SHA256 of a record or subject identifier (what the ledger stores instead)."""
        return hmac.new(self.hmac_key(), record_id.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- writing --------------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction that holds the ledger's writer lock until it commits or rolls back.

        Every process appending to one ledger takes this lock, so sequence numbers never clash or skip:
        `BEGIN IMMEDIATE` on SQLite (writers queue for up to SQLITE_BUSY_TIMEOUT_MS), a transaction-scoped
        advisory lock on PostgreSQL. Other databases get a plain transaction (one writer at a time is then
        the deployment's job). Keep the transaction short: every other writer waits for it."""
        from sqlalchemy import text

        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(CAST(:key AS BIGINT))"), {"key": WRITER_LOCK_KEY})
            yield conn

    def create_tables(self, meta: Any) -> None:
        """Create another component's missing tables in the ledger's database (API keys, jobs) under the
        writer lock, so processes starting at once on a new database do not race each other's CREATE TABLE."""
        from sqlalchemy import inspect

        existing = set(inspect(self.engine).get_table_names())
        if all(name in existing for name in meta.tables):
            return
        with self.writing() as conn:
            meta.create_all(conn)

    def _next_seq(self, conn: Any) -> int:
        from sqlalchemy import func, select

        value = conn.execute(select(func.max(self.entries.c.seq))).scalar()
        return 0 if value is None else int(value) + 1

    def append_many(self, items: Iterable[tuple[str, str | None, str | None, Mapping[str, Any]]]) -> int:
        """Append (kind, run_id, record_key, payload) entries in batches; returns how many. The entries get
        consecutive sequence numbers, also while other processes append; `items` is read under the writer
        lock, so pass entries already made rather than a generator that does slow work."""
        with self.writing() as conn:
            return self._insert(conn, items)

    def _insert(self, conn: Any, items: Iterable[tuple[str, str | None, str | None, Mapping[str, Any]]]) -> int:
        """Append entries inside a transaction that holds the writer lock."""
        # The first write creates the key pair; its creation is the first key event. Created under the
        # lock, and only by the one process that wins the race to create the file.
        if self.keys.create_signing_key():
            public = self.keys.public_pem()
            items = itertools.chain([("key_event", None, None, {
                "event": "created", "key": "ledger-signing", "key_id": key_id(public), "actor": actor()})],
                items)
        count = 0
        seq = self._next_seq(conn)
        batch: list[dict[str, Any]] = []
        for kind, run_id, record_key, payload in items:
            body = {"seq": seq, "kind": kind, "run_id": run_id, "record_key": record_key,
                    "payload": dict(payload), "created_at": utc_now()}
            batch.append({**body, "payload": canonical(body["payload"]).decode(),
                          "leaf_hash": entry_leaf(body).hex()})
            seq += 1
            count += 1
            if len(batch) >= _BATCH:
                conn.execute(self.entries.insert(), batch)
                batch = []
        if batch:
            conn.execute(self.entries.insert(), batch)
        return count

    def append(self, kind: str, payload: Mapping[str, Any], *, run_id: str | None = None,
               record_key: str | None = None) -> None:
        self.append_many([(kind, run_id, record_key, payload)])

    def checkpoint(self) -> dict[str, Any]:
        """Sign the current tree head, chained to the checkpoint before it, store it and pin it outside the
        database. The root is computed without the writer lock (from the newest checkpoint's frontier, over
        the entries after it); only reading the checkpoint it follows and storing it hold the lock, so that
        the chain stays one line while several processes write checkpoints.

        Refuses to sign when the database no longer holds the pinned head (checkpoints or entries deleted, or
        an older copy restored): signing then would make a rewritten history look genuine."""
        from sqlalchemy import select

        if not self.keys.has_signing_key():
            self.append_many(())  # creates the key and records its creation, as any first write does
        signing_key = self.keys.signing_key()  # read once: a rotation meanwhile cannot split key and signature
        self._refuse_behind_pinned_head()
        acc = resumable_frontier(self.latest_checkpoint()) or MerkleAccumulator()
        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True).execute(
                select(self.entries).where(self.entries.c.seq >= acc.size).order_by(self.entries.c.seq))
            for stored in rows:
                # sign only what the content says: a stored hash that does not match is a tampered entry
                entry = Entry.from_row(stored)
                leaf = recomputed_leaf(entry)
                if leaf is None or leaf.hex() != entry.leaf or entry.seq != acc.size:
                    raise IntegrityError(f"refusing to sign a checkpoint: entry {entry.seq} does not match its "
                                         "hash or sequence; run `gdprep audit verify`")
                acc.append(leaf)
        root = acc.root().hex()
        public = public_pem_of(signing_key)
        kid = key_id(public)
        with self.writing() as conn:
            latest = conn.execute(select(self.checkpoints).order_by(self.checkpoints.c.id.desc()).limit(1)).first()
            newest = dict(latest._mapping) if latest is not None else None
            if newest is not None and int(newest["tree_size"]) > acc.size:
                row = newest  # written meanwhile by another process, and it covers everything this one would
            else:
                previous = heads.checkpoint_hash(newest) if newest is not None else ""
                created = utc_now()
                signature = signing_key.sign(checkpoint_message(acc.size, root, created, kid, previous)).hex()
                row = {"tree_size": acc.size, "root_hash": root, "created_at": created, "key_id": kid,
                       "public_key": public.decode(), "signature": signature, "frontier": json.dumps(acc.state()),
                       "previous": previous}
                conn.execute(self.checkpoints.insert(), [row])
        ledger = self.ledger_id()
        if ledger is not None:  # pinned after the commit: a head never names a checkpoint the database lacks
            heads.pin(self.keys.directory, heads.head_record(row, ledger))
        return row

    def ledger_id(self) -> str | None:
        """The ledger's identity: the leaf hash of its first entry (None while it has none)."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            value = conn.execute(select(self.entries.c.leaf_hash).where(self.entries.c.seq == 0)).scalar()
        return None if value is None else str(value)

    def head(self) -> dict[str, Any]:
        """The newest checkpoint as a head record (`gdprep audit head`), once it is checked against the
        head pinned outside the database."""
        self._refuse_behind_pinned_head()
        latest, ledger = self.latest_checkpoint(), self.ledger_id()
        if latest is None or ledger is None:
            raise UsageError("the ledger has no signed checkpoint over any entry yet: run a gdprep command first")
        return heads.head_record(latest, ledger)

    def _refuse_behind_pinned_head(self) -> None:
        ledger = self.ledger_id()
        pinned = heads.read_pinned(self.keys.directory, ledger) if ledger is not None else None
        if pinned is None:
            return
        problems = heads.head_problems(pinned, self.list_checkpoints(), self._next_seq_now(),
                                       str(heads.head_path(self.keys.directory, ledger)))
        if problems:
            raise IntegrityError(f"refusing to sign a checkpoint: {problems[0]}; run `gdprep audit verify`")

    def _next_seq_now(self) -> int:
        with self.engine.connect() as conn:
            return self._next_seq(conn)

    def rotate_key(self, reason: str) -> dict[str, Any]:
        """A new signing key: the old one signs a last checkpoint, the rotation is a key event, and the
        new key signs the next checkpoint. Old checkpoints keep verifying with the retired public key."""
        self.checkpoint()
        old, new = self.keys.rotate()
        self.append("key_event", {"event": "rotated", "key": "ledger-signing", "old_key_id": old,
                                  "new_key_id": new, "actor": actor(), "reason": reason})
        return self.checkpoint()

    # -- runs --------------------------------------------------------------------------------------------
    def start_run(self, stage: str, *, command: str, config: Mapping[str, Any] | None = None,
                  policy_hash: str | None = None, versions: Mapping[str, str] | None = None) -> str:
        """Record a run's start (with the process writing it), after recording as interrupted every
        earlier run whose process ended without finishing it."""
        self.record_interrupted_runs()
        run_id = uuid.uuid4().hex
        self.append("run_started", {"stage": stage, "actor": actor(), "command": command,
                                    "config": dict(config or {}), "policy_hash": policy_hash,
                                    "versions": dict(versions or {}), "process": process_identity()},
                    run_id=run_id)
        return run_id

    def unfinished_runs(self, conn: Any | None = None) -> dict[str, dict[str, Any]]:
        """Runs started and never ended: run id -> its `run_started` payload."""
        from sqlalchemy import and_, exists, select

        ended = self.entries.alias("ended")
        query = (select(self.entries.c.run_id, self.entries.c.payload)
                 .where(self.entries.c.kind == "run_started")
                 .where(~exists().where(and_(ended.c.run_id == self.entries.c.run_id,
                                             ended.c.kind.in_(RUN_TERMINAL_KINDS)))))
        if conn is None:
            with self.engine.connect() as own:
                rows = own.execute(query).all()
        else:
            rows = conn.execute(query).all()
        return {str(run_id): load_payload(payload) for run_id, payload in rows if run_id is not None}

    def record_interrupted_runs(self) -> list[str]:
        """Record `run_interrupted` for every unfinished run whose process is known to have ended (on this
        host), and sign them; returns their run ids. Runs still running, or written on another host, are
        left alone. Under the writer lock, so processes starting at once record each run once."""
        if not self.unfinished_runs():  # the usual case: nothing to do, no lock taken
            return []
        recorded: list[str] = []
        with self.writing() as conn:
            found = [(run_id, payload) for run_id, payload in self.unfinished_runs(conn).items()
                     if liveness(payload.get("process")) == "ended"]
            if found:
                self._insert(conn, [("run_interrupted", run_id, None, {
                    "stage": payload.get("stage"), "actor": actor(), "started_by": payload.get("actor"),
                    "reason": "the process running it ended without finishing it (killed or crashed)",
                    "process": payload.get("process")}) for run_id, payload in found])
                recorded = [run_id for run_id, _ in found]
        if recorded:
            self.checkpoint()
        return recorded

    def finish_run(self, run_id: str, stage: str, *, ok: bool, summary: Mapping[str, Any] | None = None,
                   error: str | None = None) -> dict[str, Any]:
        kind = "run_completed" if ok else "run_failed"
        payload: dict[str, Any] = {"stage": stage, "actor": actor(), "summary": dict(summary or {})}
        if error is not None:
            payload["error"] = error
        self.append(kind, payload, run_id=run_id)
        return self.checkpoint()

    # -- reading -------------------------------------------------------------------------------------
    def iter_entries(self) -> Iterator[Entry]:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True).execute(
                select(self.entries).order_by(self.entries.c.seq))
            for row in rows:
                yield Entry.from_row(row)

    def latest_checkpoint(self) -> dict[str, Any] | None:
        """The newest checkpoint (one row: what each new checkpoint builds on)."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            row = conn.execute(select(self.checkpoints).order_by(self.checkpoints.c.id.desc()).limit(1)).first()
        return dict(row._mapping) if row is not None else None

    def list_checkpoints(self) -> list[dict[str, Any]]:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(self.checkpoints).order_by(
                self.checkpoints.c.id))]

    def entries_for_record(self, record_id: str) -> list[Entry]:
        from sqlalchemy import select

        key = self.record_key(record_id)
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.entries).where(self.entries.c.record_key == key)
                                .order_by(self.entries.c.seq))
            return [Entry.from_row(r) for r in rows]

    def run_entries(self, run_id: str) -> list[Entry]:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(self.entries).where(self.entries.c.run_id == run_id)
                                .where(self.entries.c.record_key.is_(None)).order_by(self.entries.c.seq))
            return [Entry.from_row(r) for r in rows]

    def verify(self, expect_head: Mapping[str, Any] | None = None,
               expect_origin: str = "the expected head") -> VerifyResult:
        """Verify the entries, checkpoints and chain (`verify_log`), then the database against the head
        pinned outside it and, when given, against a head kept elsewhere (`expect_head`, read from
        `expect_origin`). Never writes."""
        trusted = self.keys.public_pem(create=False)
        retired = self.keys.retired_public_pems()
        checkpoints = self.list_checkpoints()
        result = verify_log(self.iter_entries(), checkpoints, trusted_public_pem=trusted,
                            retired_public_pems=retired)
        directory = self.keys.directory
        ledger = self.ledger_id()
        problems: list[str] = []
        if ledger is None:
            # the signing key is made by a ledger's first write (nothing else creates it), so a key beside
            # a ledger with no entries and no checkpoint means the rows went; a checkpoint of the empty tree
            # (signed before anything was written) is the one empty ledger a key may sign
            pinned_elsewhere = bool(heads.pinned_heads(directory))
            if not checkpoints or pinned_elsewhere:
                where = (f"the ledger database ({safe_url(self.url)}) is missing" if not self.exists
                         else f"the ledger ({safe_url(self.url)}) has no entries")
                pins = " and pins the head of a ledger with entries" if pinned_elsewhere else ""
                problems.append(f"{where}, but {directory} holds the signing key its first write created{pins}: "
                                "the database was deleted or emptied, or this is not the ledger that key signs")
        else:
            pinned = heads.read_pinned(directory, ledger)
            if pinned is not None:
                problems += heads.head_problems(pinned, checkpoints, result.entries,
                                                str(heads.head_path(directory, ledger)))
                result.head_checked = True
            elif heads.pinned_heads(directory):
                problems.append(f"the database's first entry matches none of the heads pinned in {directory}: "
                                "the database was replaced, or its first entry rewritten")
        if expect_head is not None:
            problems += expected_head_problems(expect_head, ledger, checkpoints, result.entries, expect_origin,
                                                (trusted, *retired))
            result.head_checked = True
        if problems:
            result.problems += problems
            result.ok = False
        if result.unfinished_runs:
            started = self.unfinished_runs()
            result.unfinished_runs = {run_id: liveness(started.get(run_id, {}).get("process"))
                                      for run_id in result.unfinished_runs}
        return result

    def inclusion(self, seq: int) -> dict[str, Any]:
        """An inclusion proof of entry `seq` against the latest checkpoint that covers it."""
        checkpoints = [c for c in self.list_checkpoints() if c["tree_size"] > seq]
        if not checkpoints:
            raise IntegrityError(f"entry {seq} is not covered by a signed checkpoint yet")
        head = checkpoints[-1]
        # leaves recomputed from the entries' content (a stored hash proves nothing about edited content)
        leaves = []
        for entry in self.iter_entries():
            if entry.seq >= head["tree_size"]:
                break
            leaves.append(recomputed_leaf(entry) or b"\x00" * 32)
        head_pem = str(head["public_key"]).encode()
        trusted = head_pem in (self.keys.public_pem(create=False), *self.keys.retired_public_pems())
        signed = trusted and verify_signature(head_pem, signed_message(head), str(head["signature"]))
        path = inclusion_proof(leaves, seq)
        ok = signed and len(leaves) == head["tree_size"] and verify_inclusion(
            leaves[seq], seq, head["tree_size"], path, bytes.fromhex(head["root_hash"]))
        return {"seq": seq, "tree_size": head["tree_size"], "root_hash": head["root_hash"],
                "checkpoint_time": head["created_at"], "path": [p.hex() for p in path], "verified": ok}


def actor() -> str:
    """Who runs this process, for the ledger: the login name, else the numeric user id."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return f"uid:{os.getuid()}"
