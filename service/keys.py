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
import re
import secrets
import threading
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


class Role(StrEnum):
    """What a key may do; the HTTP API checks each route against these."""

    engineer = "engineer"
    compliance_officer = "compliance_officer"
    auditor = "auditor"
    admin = "admin"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)


class ApiKeyError(UsageError):
    """An API key could not be created or revoked as asked (unknown role, duplicate or unknown name)."""

    exit_code = 2


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
        # hashed when a key id is unknown, so that a miss costs as much as a hit
        self._dummy_salt = secrets.token_bytes(_SALT_BYTES)
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
        """The principal of a valid, unrevoked key, else None (the same work is done either way)."""
        from sqlalchemy import select

        key_id = _parse(secret)
        row: Any = None
        if key_id is not None:
            with self.ledger.engine.connect() as conn:
                row = conn.execute(select(self.table).where(self.table.c.key_id == key_id)).first()
        if row is None:
            _scrypt(secret, self._dummy_salt, SCRYPT_PARAMS)
            return None
        fast = hashlib.sha256(secret.encode("utf-8")).digest()
        with self._verified_lock:
            known = self._verified.get(row.key_id)
        if known is None or not hmac.compare_digest(known, fast):
            params = {k: int(v) for k, v in json.loads(row.hash_params).items() if k != "alg"}
            computed = _scrypt(secret, bytes.fromhex(row.salt), params)
            if not hmac.compare_digest(computed, bytes.fromhex(row.secret_hash)):
                return None
            with self._verified_lock:
                if len(self._verified) >= _VERIFIED_MAX:
                    self._verified.clear()
                self._verified[row.key_id] = fast
        if row.revoked_at is not None:
            return None
        return Principal(name=row.name, role=row.role, key_id=row.key_id)

    def revoke(self, name: str, *, revoked_by: str | None = None) -> ApiKeyInfo:
        """Revoke the key called `name`; it stops authenticating at once."""
        from sqlalchemy import select

        by = revoked_by or actor()
        with self.ledger.engine.begin() as conn:
            row = conn.execute(select(self.table).where(self.table.c.name == name)).first()
            if row is None:
                raise ApiKeyError(f"no API key named {name!r}; `gdprep keys list` shows the names")
            if row.revoked_at is not None:
                raise ApiKeyError(f"the API key {name!r} was already revoked at {row.revoked_at}")
            conn.execute(self.table.update().where(self.table.c.id == row.id)
                         .values(revoked_at=utc_now(), revoked_by=by))
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
