"""The pseudonym vault: original <-> pseudonym token / surrogate, kept only AES-GCM encrypted on disk.

File layout: MAGIC | version (1 byte) | key_id (16 ASCII hex) | nonce (12 bytes) | AES-GCM ciphertext.
The header before the nonce is the AES-GCM associated data, so changing any byte of it is detected.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gdprep import __version__
from gdprep.errors import IntegrityError, VaultError
from gdprep.privacy.keys import KeyRing
from gdprep.state import state_dir

MAGIC = b"GDPVAULT"
FORMAT_VERSION = 1
NONCE_BYTES = 12
_KEY_ID_BYTES = 16
_HEADER_BYTES = len(MAGIC) + 1 + _KEY_ID_BYTES
DEFAULT_VAULT_FILE = "vault.bin"
#: enough for the linear probing over 2,000 reserved fictional phone numbers (see operators.py)
MAX_SURROGATE_ATTEMPTS = 5000
ENTITY_TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(slots=True)
class _Entry:
    entity_type: str
    original: str
    token: str | None = None
    surrogate: str | None = None

    def to_json(self) -> dict[str, str]:
        data = {"t": self.entity_type, "o": self.original}
        if self.token is not None:
            data["p"] = self.token
        if self.surrogate is not None:
            data["s"] = self.surrogate
        return data


class Vault:
    """The mapping for one dataset or project. Call `save()` to persist; nothing is written in clear."""

    def __init__(self, path: Path, keyring: KeyRing) -> None:
        self.path = path
        self._keyring = keyring
        self._aead = AESGCM(keyring.vault_key)
        self._entries: dict[str, _Entry] = {}   # HMAC(type NUL original) hex -> entry
        self._counters: dict[str, int] = {}     # entity type -> last pseudonym number issued
        self._by_token: dict[str, str] = {}
        self._by_surrogate: dict[str, str] = {}
        self._lock = threading.RLock()
        self.dirty = False
        #: bumped on every change, so callers can cache what they derive from the mapping
        self.revision = 0

    @staticmethod
    def default_path(state: Path | None = None) -> Path:
        """`<state directory>/vault.bin`: the vault every command uses unless it is given another."""
        return (Path(state) if state is not None else state_dir()) / DEFAULT_VAULT_FILE

    @staticmethod
    def lock_path(path: Path) -> Path:
        """The lock file that gives one run at a time the vault at `path`."""
        return path.with_name(path.name + ".lock")

    @property
    def key_id(self) -> str:
        return self._keyring.key_id

    @classmethod
    def open(cls, path: Path, keyring: KeyRing) -> Vault:
        """Open the vault at `path`; a missing file is an empty vault (created on the first `save()`)."""
        vault = cls(Path(path), keyring)
        try:
            blob = vault.path.read_bytes()
        except FileNotFoundError:
            return vault
        except OSError as exc:
            raise VaultError(f"vault {vault.path} could not be read ({exc.strerror}). "
                             f"Fix: check its permissions") from None
        vault._load(vault._decrypt(blob))
        return vault

    def _header(self) -> bytes:
        return MAGIC + bytes([FORMAT_VERSION]) + self.key_id.encode("ascii")

    def _decrypt(self, blob: bytes) -> dict[str, Any]:
        where = f"vault {self.path}"
        if len(blob) < _HEADER_BYTES + NONCE_BYTES + 16 or not blob.startswith(MAGIC):
            raise IntegrityError(f"{where} is not a gdprep vault (bad header or truncated). "
                                 f"Fix: restore it from a backup or point to the right file")
        version = blob[len(MAGIC)]
        if version != FORMAT_VERSION:
            raise VaultError(f"{where} has format version {version}; this gdprep reads version "
                             f"{FORMAT_VERSION}. Fix: use the gdprep version that wrote it")
        file_key_id = blob[len(MAGIC) + 1:_HEADER_BYTES].decode("ascii", errors="replace")
        if file_key_id != self.key_id:
            raise VaultError(f"{where} was written with key id {file_key_id} but the key from "
                             f"{self._keyring.source} has key id {self.key_id}: the key does not match. "
                             f"Fix: use the key that wrote the vault (--key-file, $GDPREP_KEY_FILE)")
        nonce = blob[_HEADER_BYTES:_HEADER_BYTES + NONCE_BYTES]
        try:
            plain = self._aead.decrypt(nonce, blob[_HEADER_BYTES + NONCE_BYTES:], blob[:_HEADER_BYTES])
        except InvalidTag:
            raise IntegrityError(f"{where} failed its integrity check: the file was modified or "
                                 f"corrupted, or the key does not match (key id {self.key_id}). "
                                 f"Fix: restore the vault from a backup") from None
        try:
            payload = json.loads(plain)
        except ValueError:
            raise IntegrityError(f"{where} decrypted but its payload is not valid JSON") from None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            raise IntegrityError(f"{where} decrypted but its payload has an unknown layout")
        return payload

    def _load(self, payload: dict[str, Any]) -> None:
        try:
            self._counters = {str(k): int(v) for k, v in payload["counters"].items()}
            for lookup, raw in payload["entries"].items():
                entry = _Entry(raw["t"], raw["o"], raw.get("p"), raw.get("s"))
                self._index(lookup, entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise IntegrityError(f"vault {self.path} decrypted but its payload has an unknown layout") from None

    def _index(self, lookup: str, entry: _Entry) -> None:
        self._entries[lookup] = entry
        if entry.token is not None:
            self._by_token[entry.token] = lookup
        if entry.surrogate is not None:
            self._by_surrogate[entry.surrogate] = lookup

    def save(self) -> None:
        """Encrypt and write atomically (temp file in the same directory, then os.replace), mode 0600."""
        with self._lock:
            payload = {
                "format": FORMAT_VERSION,
                "written_by": f"gdprep {__version__}",
                "key_id": self.key_id,
                "counters": self._counters,
                "entries": {lookup: entry.to_json() for lookup, entry in self._entries.items()},
            }
            plain = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            nonce = os.urandom(NONCE_BYTES)
            header = self._header()
            blob = header + nonce + self._aead.encrypt(nonce, plain, header)
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkstemp creates the file 0600, so the ciphertext is never readable by others either
            fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp_name, self.path)
            except OSError as exc:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp_name)
                raise VaultError(f"vault {self.path} could not be written ({exc.strerror}). "
                                 f"Fix: check the directory exists and is writable") from None
            self.path.chmod(0o600)
            self.dirty = False

    def _changed(self) -> None:
        self.dirty = True
        self.revision += 1

    def _lookup(self, entity_type: str, original: str) -> str:
        if not ENTITY_TYPE_RE.fullmatch(entity_type):
            raise ValueError(f"entity type {entity_type!r} must match {ENTITY_TYPE_RE.pattern}")
        return self._keyring.keyed_digest(entity_type, original).hex()

    def _entry(self, entity_type: str, original: str) -> tuple[str, _Entry]:
        """The entry for this original; a new one is only indexed once a token or surrogate is set."""
        lookup = self._lookup(entity_type, original)
        return lookup, self._entries.get(lookup) or _Entry(entity_type, original)

    def pseudonym(self, entity_type: str, original: str) -> str:
        """`<TYPE_n>`, numbered per type in the order first seen; the same original keeps its token."""
        with self._lock:
            lookup, entry = self._entry(entity_type, original)
            if entry.token is None:
                number = self._counters.get(entity_type, 0) + 1
                self._counters[entity_type] = number
                entry.token = f"<{entity_type}_{number}>"
                self._index(lookup, entry)
                self._changed()
            return entry.token

    def surrogate(self, entity_type: str, original: str, make: Callable[[int], str]) -> str:
        """A realistic stand-in from `make(attempt)`, stored so the same original always gets it back.

        Surrogates are unique across the whole vault (not only per type) and never equal their original,
        so that deanonymisation maps each one back to exactly one value."""
        with self._lock:
            lookup, entry = self._entry(entity_type, original)
            if entry.surrogate is not None:
                return entry.surrogate
            for attempt in range(MAX_SURROGATE_ATTEMPTS):
                candidate = make(attempt)
                if (candidate and candidate not in self._by_surrogate
                        and candidate.casefold() != original.casefold()):
                    entry.surrogate = candidate
                    self._index(lookup, entry)
                    self._changed()
                    return candidate
            raise VaultError(f"no unused {entity_type} surrogate found after {MAX_SURROGATE_ATTEMPTS} attempts "
                             f"(vault {self.path} holds {len(self._by_surrogate)} surrogates). Fix: use the "
                             f"pseudonym or encrypt operator for {entity_type}")

    def original_for(self, token_or_surrogate: str, entity_type: str | None = None) -> str | None:
        """The original behind a pseudonym token or a surrogate, or None if this vault never issued it."""
        with self._lock:
            lookup = self._by_token.get(token_or_surrogate) or self._by_surrogate.get(token_or_surrogate)
            if lookup is None:
                return None
            entry = self._entries[lookup]
            if entity_type is not None and entry.entity_type != entity_type:
                return None
            return entry.original

    def lookup_key(self, entity_type: str, original: str) -> str:
        """The keyed digest that names an original's entry (safe to store: it reveals nothing without
        the master key)."""
        return self._lookup(entity_type, original)

    def forget_keys(self, lookups: set[str]) -> int:
        """Remove the entries with these lookup keys (see `lookup_key`)."""
        return self.forget_where(lambda lookup, _entry: lookup in lookups)

    def forget(self, matches: Callable[[str, str], bool]) -> int:
        """Remove every entry whose (entity type, original) `matches`."""
        return self.forget_where(lambda _lookup, e: matches(e.entity_type, e.original))

    def forget_where(self, matches: Callable[[str, _Entry], bool]) -> int:
        """Remove the entries `matches(lookup, entry)` selects: their tokens and surrogates can no longer
        be reversed once the vault is saved (erasure). Returns how many were removed."""
        with self._lock:
            doomed = [lookup for lookup, e in self._entries.items() if matches(lookup, e)]
            for lookup in doomed:
                entry = self._entries.pop(lookup)
                if entry.token is not None:
                    self._by_token.pop(entry.token, None)
                if entry.surrogate is not None:
                    self._by_surrogate.pop(entry.surrogate, None)
            if doomed:
                self._changed()
            return len(doomed)

    def originals(self, lookups: Collection[str]) -> list[tuple[str, str, str]]:
        """(entity type, original, token or surrogate) of the entries with these lookup keys, for in-memory
        checks such as the regurgitation probe; callers must not write them anywhere."""
        with self._lock:
            return [(e.entity_type, e.original, e.token or e.surrogate or "")
                    for lookup, e in self._entries.items() if lookup in lookups]

    def known_surrogates(self) -> dict[str, str]:
        """surrogate -> original, for deanonymisation."""
        with self._lock:
            return {surrogate: self._entries[lookup].original for surrogate, lookup in self._by_surrogate.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Vault(path={str(self.path)!r}, key_id={self.key_id!r}, entries={len(self._entries)})"
