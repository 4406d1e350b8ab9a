"""The append-only, tamper-evident lineage ledger.

- Entries live in a real database through SQLAlchemy: SQLite in the state directory by default
  (`.gdprep/ledger.db`), PostgreSQL (or any SQLAlchemy URL) by `GDPREP_LEDGER_URL` or `--ledger-url`.
- Each entry is canonical JSON (sorted keys, fixed separators) of its sequence number, kind, run id,
  record key, payload and time; its RFC 6962 leaf hash is stored beside it.
- Signed checkpoints (Ed25519, `cryptography`) carry the tree size, the Merkle root and the time; one is
  written at the end of every run. `verify` recomputes every leaf hash and every checkpoint's root and
  checks every signature, and names the first bad entry.
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
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdprep.audit.merkle import MerkleAccumulator, inclusion_proof, leaf_hash, verify_inclusion
from gdprep.errors import ConfigError, IntegrityError
from gdprep.state import state_dir

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

LEDGER_URL_ENV = "GDPREP_LEDGER_URL"
SIGNING_KEY_FILE = "audit-signing.key"
HMAC_KEY_FILE = "audit-hmac.key"
RETIRED_KEYS_DIR = "audit-signing-retired"
_BATCH = 5000
# Writers wait this long for one another (SQLite); a write holds the lock only for its own entries.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The PostgreSQL advisory lock that serialises the ledger's writers (per database); a fixed name's hash,
# so every gdprep version takes the same lock.
WRITER_LOCK_KEY = int.from_bytes(hashlib.sha256(b"gdprep.audit.ledger.writer").digest()[:8], "big", signed=True)


def canonical(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_url() -> str:
    url = os.environ.get(LEDGER_URL_ENV)
    if url:
        return url
    return f"sqlite:///{state_dir() / 'ledger.db'}"


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    kind: str
    run_id: str | None
    record_key: str | None
    payload: dict[str, Any]
    created_at: str
    leaf: str  # hex leaf hash as stored

    def body(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "run_id": self.run_id, "record_key": self.record_key,
                "payload": self.payload, "created_at": self.created_at}


_UNREADABLE = "__gdprep_unreadable_payload__"


def _load_payload(text: str) -> dict[str, Any]:
    """A stored payload; one that is not valid JSON is kept as a marker that can never hash correctly."""
    try:
        value = json.loads(text)
    except ValueError:
        return {_UNREADABLE: text}
    return value if isinstance(value, dict) else {_UNREADABLE: text}


def entry_leaf(body: Mapping[str, Any]) -> bytes:
    return leaf_hash(canonical(dict(body)))


def recomputed_leaf(entry: Entry) -> bytes | None:
    """The leaf hash of an entry's content, or None when the content cannot be canonical JSON."""
    if _UNREADABLE in entry.payload:
        return None
    try:
        return entry_leaf(entry.body())
    except (ValueError, TypeError):  # NaN or other non-canonical values
        return None


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    entries: int
    checkpoints: int
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None
    unsigned_tail: int = 0  # entries after the last checkpoint

    def summary(self) -> str:
        if self.ok:
            tail = f"; {self.unsigned_tail} entries after the last checkpoint" if self.unsigned_tail else ""
            return f"ledger verified: {self.entries} entries, {self.checkpoints} signed checkpoints{tail}"
        return "ledger verification FAILED: " + self.problems[0]


def _private_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


def _public_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo))


def _write_new_file(path: Path, data: bytes) -> None:
    """Create `path` (FileExistsError if it exists) owner-only, whatever the umask, with `data` synced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _staged_secret(path: Path, data: bytes) -> Path:
    """Key material written in full to a private file beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    _write_new_file(staged, data)
    return staged


def _create_secret(path: Path, data: bytes) -> bool:
    """Write key material to `path` unless it exists; True when this call created it. The file appears
    complete or not at all, and of racing creators (processes sharing the directory) exactly one wins:
    the others keep, and then read, the winner's key."""
    staged = _staged_secret(path, data)
    try:
        os.link(staged, path)  # fails if `path` exists, atomically
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: exclusive creation still picks one winner
        try:
            _write_new_file(path, data)
        except FileExistsError:
            return False
    finally:
        staged.unlink()
    return True


def _replace_secret(path: Path, data: bytes) -> None:
    """Replace key material atomically: a reader sees the old file or the new one, never a partial one."""
    os.replace(_staged_secret(path, data), path)


class Keys:
    """The ledger's Ed25519 signing key and HMAC key, in the state directory (owner-only files).

    Several processes may share the directory: a missing key is created once, atomically, and every
    process then uses that one key."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or state_dir()

    def has_signing_key(self) -> bool:
        return (self.directory / SIGNING_KEY_FILE).exists()

    def create_signing_key(self) -> bool:
        """Create the signing key unless it exists; True only for the call (in any process) that created it."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if self.has_signing_key():
            return False
        return _create_secret(self.directory / SIGNING_KEY_FILE, _private_pem(Ed25519PrivateKey.generate()))

    def signing_key(self) -> Any:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.create_signing_key()
        path = self.directory / SIGNING_KEY_FILE
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ConfigError(f"{path} is not an Ed25519 private key")
        return loaded

    def public_pem(self, create: bool = True) -> bytes:
        if not create and not self.has_signing_key():
            raise ConfigError(f"no ledger signing key in {self.directory}; run gdprep where the ledger was written "
                              "(GDPREP_HOME), or verify an exported bundle with --bundle")
        return _public_pem(self.signing_key())

    def retired_public_pems(self) -> list[bytes]:
        """Public keys of earlier signing keys (kept so their checkpoints still verify after a rotation)."""
        folder = self.directory / RETIRED_KEYS_DIR
        return [p.read_bytes() for p in sorted(folder.glob("*.pem"))] if folder.is_dir() else []

    def rotate(self) -> tuple[str, str]:
        """Retire the signing key (its public half is kept) and make a new one: (old key id, new key id)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        old_public = self.public_pem(create=False)
        folder = self.directory / RETIRED_KEYS_DIR
        folder.mkdir(mode=0o700, exist_ok=True)
        # retired before it is replaced, so a checkpoint it signs meanwhile keeps verifying
        _replace_secret(folder / f"{key_id(old_public)}.pem", old_public)
        _replace_secret(self.directory / SIGNING_KEY_FILE, _private_pem(Ed25519PrivateKey.generate()))
        return key_id(old_public), key_id(self.public_pem())

    def hmac_key(self) -> bytes:
        path = self.directory / HMAC_KEY_FILE
        if not path.exists():
            _create_secret(path, os.urandom(32))
        return path.read_bytes()


def key_id(public_pem: bytes) -> str:
    return hashlib.sha256(public_pem).hexdigest()[:16]


def verify_signature(public_pem: bytes, message: bytes, signature_hex: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_pem_public_key(public_pem)
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_message(tree_size: int, root_hex: str, created_at: str, kid: str) -> bytes:
    return canonical({"tree_size": tree_size, "root_hash": root_hex, "created_at": created_at, "key_id": kid})


class Ledger:
    """Append entries, write signed checkpoints, verify, trace. One instance per process."""

    def __init__(self, url: str | None = None, keys: Keys | None = None) -> None:
        from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, create_engine, event

        self.url = url or default_url()
        self.keys = keys or Keys()
        # `engine` is shared with other code (API keys, reads) and keeps the driver's default transactions;
        # the ledger's own writes go through `_writer` (see `writing`)
        self.engine = create_engine(self.url, future=True)
        self._writer = self.engine
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            if not _sqlite_in_memory(self.engine.url):
                self._writer = _sqlite_writer_engine(self.url)
                writer = self._writer
                # disposing `engine` (tests, shutdown) closes the writer's connections too, so that SQLite
                # folds its WAL back into the file
                event.listen(self.engine, "engine_disposed", lambda _engine: writer.dispose())
        meta = MetaData()
        self.entries = Table(
            "ledger_entries", meta,
            Column("seq", BigInteger, primary_key=True, autoincrement=False),
            Column("kind", String(48), nullable=False),
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
        )
        self._meta = meta
        self._ensure_schema()
        self._hmac_key: bytes | None = None

    def _ensure_schema(self) -> None:
        """Create the tables, or add the Merkle frontier column that ledgers written before checkpoints
        stored it lack. Under the writer lock, so that processes opening a new ledger at once do not clash."""
        from sqlalchemy import inspect, text

        def current(bind: Any) -> bool:
            found = inspect(bind)
            return (found.has_table("ledger_entries") and found.has_table("ledger_checkpoints")
                    and "frontier" in {c["name"] for c in found.get_columns("ledger_checkpoints")})

        if current(self.engine):  # the usual case: no lock taken
            return
        with self.writing() as conn:
            self._meta.create_all(conn)
            if not current(conn):
                conn.execute(text("ALTER TABLE ledger_checkpoints ADD COLUMN frontier TEXT"))

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
        count = 0
        with self.writing() as conn:
            # The first write creates the key pair; its creation is the first key event. Created under the
            # lock, and only by the one process that wins the race to create the file.
            if self.keys.create_signing_key():
                public = self.keys.public_pem()
                items = itertools.chain([("key_event", None, None, {
                    "event": "created", "key": "ledger-signing", "key_id": key_id(public), "actor": _actor()})],
                    items)
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
        """Sign the current tree head and store it. Needs no writer lock: it signs whatever contiguous
        prefix of the log it reads, and checkpoints written at once by several processes all verify."""
        from sqlalchemy import select

        if not self.keys.has_signing_key():
            self.append_many(())  # creates the key and records its creation, as any first write does
        signing_key = self.keys.signing_key()  # read once: a rotation meanwhile cannot split key and signature
        previous = self.latest_checkpoint()
        acc = MerkleAccumulator()
        if previous and previous.get("frontier"):
            acc = MerkleAccumulator.from_state(json.loads(previous["frontier"]))
        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True).execute(
                select(self.entries).where(self.entries.c.seq >= acc.size).order_by(self.entries.c.seq))
            for stored in rows:
                # sign only what the content says: a stored hash that does not match is a tampered entry
                entry = Entry(int(stored.seq), stored.kind, stored.run_id, stored.record_key,
                              _load_payload(stored.payload), stored.created_at, stored.leaf_hash)
                leaf = recomputed_leaf(entry)
                if leaf is None or leaf.hex() != entry.leaf or entry.seq != acc.size:
                    raise IntegrityError(f"refusing to sign a checkpoint: entry {entry.seq} does not match its "
                                         "hash or sequence; run `gdprep audit verify`")
                acc.append(leaf)
        root = acc.root().hex()
        created = utc_now()
        public = _public_pem(signing_key)
        kid = key_id(public)
        signature = signing_key.sign(checkpoint_message(acc.size, root, created, kid)).hex()
        row = {"tree_size": acc.size, "root_hash": root, "created_at": created, "key_id": kid,
               "public_key": public.decode(), "signature": signature, "frontier": json.dumps(acc.state())}
        with self.engine.begin() as conn:
            conn.execute(self.checkpoints.insert(), [row])
        return row

    def rotate_key(self, reason: str) -> dict[str, Any]:
        """A new signing key: the old one signs a last checkpoint, the rotation is a key event, and the
        new key signs the next checkpoint. Old checkpoints keep verifying with the retired public key."""
        self.checkpoint()
        old, new = self.keys.rotate()
        self.append("key_event", {"event": "rotated", "key": "ledger-signing", "old_key_id": old,
                                  "new_key_id": new, "actor": _actor(), "reason": reason})
        return self.checkpoint()

    # -- runs --------------------------------------------------------------------------------------------
    def start_run(self, stage: str, *, command: str, config: Mapping[str, Any] | None = None,
                  policy_hash: str | None = None, versions: Mapping[str, str] | None = None) -> str:
        run_id = uuid.uuid4().hex
        self.append("run_started", {"stage": stage, "actor": _actor(), "command": command,
                                    "config": dict(config or {}), "policy_hash": policy_hash,
                                    "versions": dict(versions or {})}, run_id=run_id)
        return run_id

    def finish_run(self, run_id: str, stage: str, *, ok: bool, summary: Mapping[str, Any] | None = None,
                   error: str | None = None) -> dict[str, Any]:
        kind = "run_completed" if ok else "run_failed"
        payload: dict[str, Any] = {"stage": stage, "actor": _actor(), "summary": dict(summary or {})}
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
                yield Entry(int(row.seq), row.kind, row.run_id, row.record_key, _load_payload(row.payload),
                            row.created_at, row.leaf_hash)

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
            return [Entry(int(r.seq), r.kind, r.run_id, r.record_key, _load_payload(r.payload), r.created_at,
                          r.leaf_hash) for r in rows]

    def run_entries(self, run_id: str) -> list[Entry]:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(self.entries).where(self.entries.c.run_id == run_id)
                                .where(self.entries.c.record_key.is_(None)).order_by(self.entries.c.seq))
            return [Entry(int(r.seq), r.kind, r.run_id, r.record_key, _load_payload(r.payload), r.created_at,
                          r.leaf_hash) for r in rows]

    def verify(self) -> VerifyResult:
        return verify_log(self.iter_entries(), self.list_checkpoints(),
                          trusted_public_pem=self.keys.public_pem(create=False),
                          retired_public_pems=self.keys.retired_public_pems())

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
        signed = (trusted and verify_signature(
            head_pem, checkpoint_message(int(head["tree_size"]), str(head["root_hash"]), str(head["created_at"]),
                                        str(head["key_id"])), str(head["signature"])))
        path = inclusion_proof(leaves, seq)
        ok = signed and len(leaves) == head["tree_size"] and verify_inclusion(
            leaves[seq], seq, head["tree_size"], path, bytes.fromhex(head["root_hash"]))
        return {"seq": seq, "tree_size": head["tree_size"], "root_hash": head["root_hash"],
                "checkpoint_time": head["created_at"], "path": [p.hex() for p in path], "verified": ok}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer; writers wait for one another instead of failing at once."""
    import sqlite3

    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Switching a new database to WAL needs it to itself, and SQLite answers "locked" at once rather than
    # waiting when another process is opening it too: wait here.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _sqlite_writer_engine(url: str) -> Any:
    """An engine whose transactions start with BEGIN IMMEDIATE, taking SQLite's write lock before the next
    sequence number is read (SQLAlchemy's documented pattern: the driver's own BEGIN is switched off and
    emitted here instead). A separate engine, because the pattern makes every transaction on it a write."""
    from sqlalchemy import create_engine, event

    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own
        _sqlite_pragmas(dbapi_connection, record)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def actor() -> str:
    return _actor()


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return f"uid:{os.getuid()}"


def verify_log(entries: Iterable[Entry], checkpoints: Sequence[Mapping[str, Any]],
               trusted_public_pem: bytes | None = None, retired_public_pems: Sequence[bytes] = ()) -> VerifyResult:
    """Recompute every leaf hash and every checkpoint's root; check every signature. The log must be
    the contiguous sequence 0..n-1; the first problem found is reported first."""
    problems: list[str] = []
    first_bad: int | None = None
    acc = MerkleAccumulator()
    by_size: dict[int, list[Mapping[str, Any]]] = {}
    for cp in checkpoints:
        by_size.setdefault(int(cp["tree_size"]), []).append(cp)
    checked_sizes: set[int] = set()
    last_good_size = 0

    def note(problem: str, seq: int | None) -> None:
        nonlocal first_bad
        problems.append(problem)
        if seq is not None and first_bad is None:
            first_bad = seq

    def check_heads(size: int) -> None:
        nonlocal last_good_size
        for cp in by_size.get(size, ()):
            root = acc.root().hex()
            pem = str(cp["public_key"]).encode()
            if trusted_public_pem is not None and pem != trusted_public_pem and pem not in retired_public_pems:
                note(f"checkpoint at tree size {size} is signed by key {cp['key_id']}, not the ledger's key", None)
            elif cp["key_id"] != key_id(pem):
                note(f"checkpoint at tree size {size}: key id does not match its public key", None)
            elif not verify_signature(pem, checkpoint_message(size, str(cp["root_hash"]), str(cp["created_at"]),
                                                              str(cp["key_id"])), str(cp["signature"])):
                note(f"checkpoint at tree size {size}: bad signature", None)
            elif cp["root_hash"] != root:
                note(f"checkpoint at tree size {size}: root hash does not match the entries; the change is "
                     f"among entries {last_good_size}..{size - 1}", last_good_size if first_bad is None else None)
            else:
                last_good_size = size
        checked_sizes.add(size)

    check_heads(0)
    expected = 0
    for entry in entries:
        if entry.seq != expected:
            if entry.seq < expected:
                note(f"entry {entry.seq} appears again or out of order after entry {expected - 1}", entry.seq)
            else:
                note(f"entries {expected}..{entry.seq - 1} are missing (deleted rows)", expected)
            expected = entry.seq
        leaf = recomputed_leaf(entry)
        if leaf is None:
            note(f"entry {entry.seq} ({entry.kind}) was modified: its payload is not valid canonical JSON", entry.seq)
            leaf = hashlib.sha256(b"unreadable" + str(entry.seq).encode()).digest()
        elif leaf.hex() != entry.leaf:
            note(f"entry {entry.seq} ({entry.kind}) was modified: its content does not match its leaf hash", entry.seq)
        acc.append(leaf)
        expected += 1
        check_heads(acc.size)
    for size in sorted(by_size):
        if size not in checked_sizes:
            note(f"checkpoint at tree size {size} covers entries that are not in the ledger (rows deleted at "
                 f"the end)", acc.size)
    if acc.size and not checkpoints:
        note("the ledger has entries but no signed checkpoint: nothing in it is attested (checkpoints deleted?)",
             None)
    unsigned = acc.size - max((s for s in by_size if s <= acc.size), default=0)
    return VerifyResult(ok=not problems, entries=acc.size, checkpoints=len(checkpoints), problems=problems,
                        first_bad_seq=first_bad, unsigned_tail=unsigned)
