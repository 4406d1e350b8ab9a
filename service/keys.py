"""API keys for the HTTP service, kept in the ledger's database (table `api_keys`).

A key is shown once, at creation: `gdp_<key id>_<secret>`. The key id finds the row without scanning hashes;
only a slow scrypt hash of the whole key (with its salt and parameters) is stored. Every creation and
revocation is a `key_event` in the audit ledger, which never holds the key or its hash.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gdprep.audit.ledger import Ledger, actor, utc_now
from gdprep.errors import UsageError

KEY_PREFIX = "gdp"
TABLE = "api_keys"
_KEY_ID_BYTES = 8  # 16 hex characters: unique enough to index, public (it is part of the shown key)
_SECRET_BYTES = 32
_SALT_BYTES = 16
# scrypt's interactive-login parameters (about 16 MiB and tens of milliseconds per check)
SCRYPT_PARAMS: dict[str, int] = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_VERIFIED_MAX = 10_000
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
#: scrypt checks that may run at once (16 MiB and tens of milliseconds each); more wait their turn, so that a
#: burst of wrong keys cannot take every core and all the memory from the requests of real users
SCRYPT_SLOTS = max(1, min(4, (os.cpu_count() or 2) // 2))


class Role(StrEnum):
    """What a key may do; the HTTP API checks each route against these."""

    engineer = "engineer"
    compliance_officer = "compliance_officer"
    auditor = "auditor"
    admin = "admin"
    evaluator = "evaluator"   # rates blind pairs of model answers (/ui/evaluations) and nothing else


ROLES: tuple[str, ...] = tuple(r.value for r in Role)


class ApiKeyError(UsageError):
    """An API key could not be created or revoked as asked (unknown role, duplicate or unknown name)."""

    exit_code = 2


class LastAdminError(ApiKeyError):
    """Revoking this key would leave no active admin key."""


class FailureLimiter:
    """Failed sign-ins per client: after `max_failures` within `window_s`, a client's attempts are refused
    until the oldest of them leaves the window, without a key check. In memory, for at most `max_clients`
    clients (the least recently failing are forgotten first)."""

    def __init__(self, max_failures: int = 30, window_s: float = 60.0, max_clients: int = 10_000) -> None:
        if max_failures < 1 or window_s <= 0:
            raise ValueError("FailureLimiter needs max_failures >= 1 and window_s > 0")
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            times = self._failures.get(client)
            if times is None:
                return 0.0
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if len(times) < self.max_failures:
                return 0.0
            return max(times[0] + self.window_s - now, 0.001)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            times = self._failures.pop(client, None) or deque(maxlen=self.max_failures)
            times.append(now)
            self._failures[client] = times  # most recent last
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who an authenticated request acts as."""

    name: str
    role: str
    key_id: str


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """A key as listed: never its secret or hash."""

    name: str
    role: str
    key_id: str
    created_at: str
    created_by: str
    revoked_at: str | None
    revoked_by: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _scrypt(secret: str, salt: bytes, params: dict[str, int]) -> bytes:
    n, r, p, dklen = params["n"], params["r"], params["p"], params["dklen"]
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=128 * r * n + (1 << 20))


def _parse(secret: str) -> str | None:
    """The key id of a well-formed key, else None."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not _KEY_ID.match(parts[1]) or not parts[2]:
        return None
    return parts[1]


class KeyStore:
    """Create, authenticate, revoke and list API keys in the ledger's database."""

    def __init__(self, ledger: Ledger) -> None:
        from sqlalchemy import Column, Integer, MetaData, String, Table

        self.ledger = ledger
        meta = MetaData()
        self.table = Table(
            TABLE, meta,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("name", String(64), nullable=False, unique=True),
            Column("role", String(32), nullable=False),
            Column("key_id", String(16), nullable=False, unique=True),
            Column("secret_hash", String(128), nullable=False),
            Column("salt", String(64), nullable=False),
            Column("hash_params", String(128), nullable=False),  # JSON: algorithm and its parameters
            Column("created_at", String(32), nullable=False),
            Column("created_by", String(128), nullable=False),
            Column("revoked_at", String(32)),
            Column("revoked_by", String(128)),
        )
        ledger.create_tables(meta)
        self._scrypt_slots = threading.BoundedSemaphore(SCRYPT_SLOTS)
        self._stats_lock = threading.Lock()
        #: scrypt checks run so far, and the most that ran at once (what the slots bound)
        self.scrypt_checks = 0
        self.scrypt_peak = 0
        self._scrypt_running = 0
        # key id -> SHA-256 of a key that passed scrypt: later requests with the same key skip scrypt (the
        # key is 256 random bits, so a fast hash of it is as strong); the row is still read every time, so a
        # revocation takes effect at once
        self._verified: dict[str, bytes] = {}
        self._verified_lock = threading.Lock()

    def create(self, name: str, role: str, *, created_by: str | None = None) -> str:
        """Store a new key for `name` with `role` and return it; this is the only time it is shown."""
        from sqlalchemy import exc, select

        if not _NAME.match(name):
            raise ApiKeyError(f"API key name {name!r} is not allowed: use 1-64 letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit (a service or team name, not personal data)")
        if role not in ROLES:
            raise ApiKeyError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        by = created_by or actor()
        with self.ledger.engine.connect() as conn:
            if conn.execute(select(self.table.c.id).where(self.table.c.name == name)).first() is not None:
                raise ApiKeyError(f"an API key named {name!r} already exists (names are never reused, also "
                                  "after revocation); choose another name")
        key_id = secrets.token_hex(_KEY_ID_BYTES)
        secret = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        salt = secrets.token_bytes(_SALT_BYTES)
        row = {"name": name, "role": role, "key_id": key_id, "secret_hash": _scrypt(secret, salt, SCRYPT_PARAMS).hex(),
               "salt": salt.hex(), "hash_params": json.dumps({"alg": "scrypt", **SCRYPT_PARAMS}, sort_keys=True),
               "created_at": utc_now(), "created_by": by}
        try:
            with self.ledger.engine.begin() as conn:
                conn.execute(self.table.insert(), [row])
        except exc.IntegrityError:  # a concurrent create with the same name
            raise ApiKeyError(f"an API key named {name!r} already exists; choose another name") from None
        self.ledger.append("key_event", {"event": "created", "key": "api-key", "name": name, "role": role,
                                         "key_id": key_id, "actor": by})
        self.ledger.checkpoint()
        return secret

    def authenticate(self, secret: str) -> Principal | None:
        """The principal of a valid, unrevoked key, else None. A malformed key or an unknown key id is refused
        without scrypt: key ids are not secret (they are part of every key shown), while a slow hash for each
        would let anyone with random tokens take the server's CPU and memory."""
        from sqlalchemy import select

        key_id = _parse(secret)
        if key_id is None:
            return None
        with self.ledger.engine.connect() as conn:
            row: Any = conn.execute(select(self.table).where(self.table.c.key_id == key_id)).first()
        if row is None:
            return None
        fast = hashlib.sha256(secret.encode("utf-8")).digest()
        with self._verified_lock:
            known = self._verified.get(row.key_id)
        if known is None or not hmac.compare_digest(known, fast):
            params = {k: int(v) for k, v in json.loads(row.hash_params).items() if k != "alg"}
            computed = self._bounded_scrypt(secret, bytes.fromhex(row.salt), params)
            if not hmac.compare_digest(computed, bytes.fromhex(row.secret_hash)):
                return None
            with self._verified_lock:
                if len(self._verified) >= _VERIFIED_MAX:
                    self._verified.clear()
                self._verified[row.key_id] = fast
        if row.revoked_at is not None:
            return None
        return Principal(name=row.name, role=row.role, key_id=row.key_id)

    def is_active(self, key_id: str) -> bool:
        """Whether the key with this id exists and is not revoked: one indexed select, no scrypt (a page's
        session is checked with it on every request)."""
        from sqlalchemy import select

        with self.ledger.engine.connect() as conn:
            row = conn.execute(select(self.table.c.revoked_at).where(self.table.c.key_id == key_id)).first()
        return row is not None and row.revoked_at is None

    def _bounded_scrypt(self, secret: str, salt: bytes, params: dict[str, int]) -> bytes:
        with self._scrypt_slots:
            with self._stats_lock:
                self.scrypt_checks += 1
                self._scrypt_running += 1
                self.scrypt_peak = max(self.scrypt_peak, self._scrypt_running)
            try:
                return _scrypt(secret, salt, params)
            finally:
                with self._stats_lock:
                    self._scrypt_running -= 1

    def revoke(self, name: str, *, revoked_by: str | None = None) -> ApiKeyInfo:
        """Revoke the key called `name`; it stops authenticating at once. The last active admin key cannot
        be revoked: nobody could manage keys through the API after it (create another admin key first)."""
        from sqlalchemy import select

        by = revoked_by or actor()
        with self.ledger.engine.begin() as conn:
            row = conn.execute(select(self.table).where(self.table.c.name == name)).first()
            if row is None:
                raise ApiKeyError(f"no API key named {name!r}; `gdprep keys list` shows the names")
            if row.revoked_at is not None:
                raise ApiKeyError(f"the API key {name!r} was already revoked at {row.revoked_at}")
            if row.role == Role.admin:
                # the active admin rows stay locked until this transaction ends (PostgreSQL; SQLite has one
                # writer at a time), so two admins revoking each other at once cannot leave none
                admins = conn.execute(select(self.table.c.id).where(self.table.c.role == Role.admin.value)
                                      .where(self.table.c.revoked_at.is_(None)).with_for_update()).all()
                if len(admins) <= 1:
                    raise LastAdminError(f"the API key {name!r} is the last active admin key; create another "
                                         "admin key (`gdprep keys create --role admin`) before revoking it")
            done = conn.execute(self.table.update().where(self.table.c.id == row.id)
                                .where(self.table.c.revoked_at.is_(None)).values(revoked_at=utc_now(), revoked_by=by))
            if not done.rowcount:
                raise ApiKeyError(f"the API key {name!r} was revoked at the same time by someone else")
        self.ledger.append("key_event", {"event": "revoked", "key": "api-key", "name": name, "role": row.role,
                                         "key_id": row.key_id, "actor": by})
        self.ledger.checkpoint()
        return next(k for k in self.list() if k.name == name)

    def list(self) -> builtins.list[ApiKeyInfo]:
        """Every key, oldest first, without secrets or hashes."""
        from sqlalchemy import select

        t = self.table
        with self.ledger.engine.connect() as conn:
            rows = conn.execute(select(t.c.name, t.c.role, t.c.key_id, t.c.created_at, t.c.created_by,
                                       t.c.revoked_at, t.c.revoked_by).order_by(t.c.id))
            return [ApiKeyInfo(r.name, r.role, r.key_id, r.created_at, r.created_by, r.revoked_at, r.revoked_by)
                    for r in rows]
