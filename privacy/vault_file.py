"""The vault's file formats. Version 2 is an append-only log, so runs can add entries side by side under a
short lock; version 1 (one encrypted JSON blob with per-type counters) is still read, and migrated to
version 2 by the first run that adds an entry.

Version 2: MAGIC | 2 | key_id (16 ASCII hex) | generation (16 random bytes), then records, each
length (4 bytes, big-endian) | nonce (12 bytes) | AES-GCM ciphertext of one entry's JSON. A record's
associated data is the header and its index, so records cannot be altered, reordered or moved between
files. A record cut short at the end of the file (a run killed while appending) is ignored: no output that
uses it was published, because runs flush the vault before they publish.
Version 1: MAGIC | 1 | key_id | nonce | AES-GCM ciphertext of {"format": 1, "counters", "entries"}.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gdprep.errors import IntegrityError, VaultError

MAGIC = b"GDPVAULT"
FORMAT_V1 = 1
FORMAT_VERSION = 2
NONCE_BYTES = 12
_KEY_ID_BYTES = 16
GENERATION_BYTES = 16
_V1_HEADER_BYTES = len(MAGIC) + 1 + _KEY_ID_BYTES
HEADER_BYTES = _V1_HEADER_BYTES + GENERATION_BYTES
_LENGTH_BYTES = 4
_TAG_BYTES = 16
#: far above any entry (an original is one finding's text); a larger length is corruption, not a cut
MAX_RECORD_BYTES = 1 << 24


@dataclass(slots=True)
class Entry:
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

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Entry:
        return cls(str(raw["t"]), str(raw["o"]), raw.get("p"), raw.get("s"))


@dataclass(slots=True)
class Chunk:
    """What one read of a file gave: the entries (lookup, entry) in file order, where the valid records end,
    how many records there are, and the file's generation (None for version 1)."""

    entries: list[tuple[str, Entry]]
    end: int
    count: int
    generation: bytes | None


class VaultCodec:
    """Encrypts and decrypts vault files with one key; knows nothing of what the entries mean."""

    def __init__(self, path: Path, vault_key: bytes, key_id: str, key_source: str) -> None:
        self.path, self.key_id, self._key_source = path, key_id, key_source
        self._aead = AESGCM(vault_key)

    def header(self, generation: bytes) -> bytes:
        return MAGIC + bytes([FORMAT_VERSION]) + self.key_id.encode("ascii") + generation

    def check_header(self, head: bytes) -> int:
        """The format version of a file that starts with `head`; an error if it is not ours."""
        where = f"vault {self.path}"
        if len(head) < _V1_HEADER_BYTES or not head.startswith(MAGIC):
            raise IntegrityError(f"{where} is not a gdprep vault (bad header or truncated). "
                                 f"Fix: restore it from a backup or point to the right file")
        version = head[len(MAGIC)]
        if version not in (FORMAT_V1, FORMAT_VERSION):
            raise VaultError(f"{where} has format version {version}; this gdprep reads versions {FORMAT_V1} "
                             f"and {FORMAT_VERSION}. Fix: use the gdprep version that wrote it")
        file_key_id = head[len(MAGIC) + 1:_V1_HEADER_BYTES].decode("ascii", errors="replace")
        if file_key_id != self.key_id:
            raise VaultError(f"{where} was written with key id {file_key_id} but the key from "
                             f"{self._key_source} has key id {self.key_id}: the key does not match. "
                             f"Fix: use the key that wrote the vault (--key-file, $GDPREP_KEY_FILE)")
        return version

    def _tamper(self) -> IntegrityError:
        return IntegrityError(f"vault {self.path} failed its integrity check: the file was modified or "
                              f"corrupted, or the key does not match (key id {self.key_id}). "
                              f"Fix: restore the vault from a backup")

    def read(self, data: bytes) -> Chunk:
        """The entries of a whole file."""
        version = self.check_header(data[:HEADER_BYTES])
        if version == FORMAT_V1:
            return Chunk(self._read_v1(data), len(data), 0, None)
        if len(data) < HEADER_BYTES:
            raise IntegrityError(f"vault {self.path} is not a gdprep vault (bad header or truncated). "
                                 f"Fix: restore it from a backup or point to the right file")
        return self.read_records(data[:HEADER_BYTES], data[HEADER_BYTES:], HEADER_BYTES, 0)

    def read_records(self, header: bytes, tail: bytes, offset: int, index: int) -> Chunk:
        """The entries of the records in `tail`, the bytes of a version-2 file from `offset` on, where
        record number `index` starts."""
        pos, entries = 0, []
        while pos + _LENGTH_BYTES + NONCE_BYTES <= len(tail):
            size = int.from_bytes(tail[pos:pos + _LENGTH_BYTES], "big")
            body = pos + _LENGTH_BYTES + NONCE_BYTES
            if size > MAX_RECORD_BYTES:
                raise self._tamper()
            if body + size > len(tail):
                break  # cut short: a run was killed while appending it
            nonce = tail[pos + _LENGTH_BYTES:body]
            try:
                plain = self._aead.decrypt(nonce, tail[body:body + size], header + index.to_bytes(8, "big"))
                raw = json.loads(plain)
                entries.append((str(raw["k"]), Entry.from_json(raw)))
            except (InvalidTag, ValueError, KeyError, TypeError):
                raise self._tamper() from None
            pos, index = body + size, index + 1
        return Chunk(entries, offset + pos, index, header[_V1_HEADER_BYTES:])

    def _read_v1(self, blob: bytes) -> list[tuple[str, Entry]]:
        if len(blob) < _V1_HEADER_BYTES + NONCE_BYTES + _TAG_BYTES:
            raise IntegrityError(f"vault {self.path} is not a gdprep vault (bad header or truncated). "
                                 f"Fix: restore it from a backup or point to the right file")
        nonce = blob[_V1_HEADER_BYTES:_V1_HEADER_BYTES + NONCE_BYTES]
        try:
            plain = self._aead.decrypt(nonce, blob[_V1_HEADER_BYTES + NONCE_BYTES:], blob[:_V1_HEADER_BYTES])
        except InvalidTag:
            raise self._tamper() from None
        try:
            payload = json.loads(plain)
            if not isinstance(payload, dict) or payload.get("format") != FORMAT_V1:
                raise ValueError
            return [(str(lookup), Entry.from_json(raw)) for lookup, raw in payload["entries"].items()]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise IntegrityError(f"vault {self.path} decrypted but its payload has an unknown layout") from None

    def record(self, header: bytes, index: int, lookup: str, entry: Entry) -> bytes:
        plain = json.dumps({"k": lookup, **entry.to_json()}, separators=(",", ":"), ensure_ascii=False)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), header + index.to_bytes(8, "big"))
        return len(sealed).to_bytes(_LENGTH_BYTES, "big") + nonce + sealed

    def write_new(self, entries: Iterable[tuple[str, Entry]]) -> tuple[bytes, int, int]:
        """Write a fresh version-2 file with these entries, atomically (temp file, then os.replace), mode
        0600. Returns its generation, its length and its number of records."""
        generation = os.urandom(GENERATION_BYTES)
        header = self.header(generation)
        parts = [header] + [self.record(header, i, lookup, entry) for i, (lookup, entry) in enumerate(entries)]
        blob = b"".join(parts)
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
        return generation, len(blob), len(parts) - 1
