"""The pseudonym vault: original <-> pseudonym token / surrogate, kept only AES-GCM encrypted on disk.

A token is derived from a keyed HMAC of the entity type and the value, so the same value gets the same
token in every run, whatever the number of workers or the runs beside it. Runs add their entries to one
append-only file under a short lock (`lock_path`), each first reading what the others added, so two
runs never give one token or surrogate to two different values. The file formats are in `vault_file.py`.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from gdprep.errors import VaultError
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.vault_file import (
    FORMAT_V1,
    FORMAT_VERSION,
    GENERATION_BYTES,
    HEADER_BYTES,
    Entry,
    VaultCodec,
)
from gdprep.state import state_dir

__all__ = ["DEFAULT_VAULT_FILE", "ENTITY_TYPE_RE", "FORMAT_VERSION", "TOKEN_DIGITS", "Vault"]

DEFAULT_VAULT_FILE = "vault.bin"
#: enough for the linear probing over 2,000 reserved fictional phone numbers (see operators.py)
MAX_SURROGATE_ATTEMPTS = 5000
ENTITY_TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]*")
#: digits of a pseudonym token (<PERSON_4821397716>): about 33 bits, short enough for training text. Two
#: values of one type want the same token about once in 10^10 pairs (0.5% of vaults with 10,000 of a type);
#: then the later of the two gets 4 more digits, the one case where the order of runs shows in a token
TOKEN_DIGITS = 10
_TOKEN_DIGITS_STEP = 4
_TOKEN_DIGITS_MAX = 76  # an HMAC-SHA256 has 77 decimal digits
_Entry = Entry  # the name erasure callbacks were typed with


class Vault:
    """The mapping for one dataset or project. Entries reach the file as they are issued; `save()` flushes
    them to disk (and applies erasures), and must come before any output that uses them is published."""

    def __init__(self, path: Path, keyring: KeyRing) -> None:
        self.path = path
        self._keyring = keyring
        self._codec = VaultCodec(path, keyring.vault_key, keyring.key_id, keyring.source)
        self._entries: dict[str, Entry] = {}   # HMAC(type NUL original) hex -> entry
        self._by_token: dict[str, str] = {}
        self._by_surrogate: dict[str, str] = {}
        self._lock = threading.RLock()
        self._generation: bytes | None = None  # of the version-2 file read so far (None: none, or version 1)
        self._end = 0                           # where the records read so far end
        self._count = 0                         # how many records were read so far
        self._forgotten: set[str] = set()       # lookups erased here and not yet saved
        self.dirty = False
        #: bumped on every change, so callers can cache what they derive from the mapping
        self.revision = 0

    @staticmethod
    def default_path(state: Path | None = None) -> Path:
        """`<state directory>/vault.bin`: the vault every command uses unless it is given another."""
        return (Path(state) if state is not None else state_dir()) / DEFAULT_VAULT_FILE

    @staticmethod
    def lock_path(path: Path) -> Path:
        """The lock file held while a run adds entries to the vault at `path` (briefly, per new value)."""
        return path.with_name(path.name + ".lock")

    @property
    def key_id(self) -> str:
        return self._keyring.key_id

    @classmethod
    def open(cls, path: Path, keyring: KeyRing) -> Vault:
        """Open the vault at `path`; a missing file is an empty vault (created when the first entry is added)."""
        vault = cls(Path(path), keyring)
        data = vault._read_file()
        if data is not None:
            vault._absorb_file(data)
        return vault

    def _read_file(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise VaultError(f"vault {self.path} could not be read ({exc.strerror}). "
                             f"Fix: check its permissions") from None

    def _absorb_file(self, data: bytes) -> None:
        """Take in a whole file (a new generation: what this vault held before is replaced)."""
        chunk = self._codec.read(data)
        self._entries.clear()
        self._by_token.clear()
        self._by_surrogate.clear()
        for lookup, entry in chunk.entries:
            self._merge(lookup, entry)
        self._generation, self._end, self._count = chunk.generation, chunk.end, chunk.count
        self._changed()

    def _merge(self, lookup: str, entry: Entry) -> None:
        """A record adds to what is known of its lookup: a token, a surrogate, or both."""
        known = self._entries.setdefault(lookup, entry)
        if known is not entry:
            known.token = known.token or entry.token
            known.surrogate = known.surrogate or entry.surrogate
        if known.token is not None:
            self._by_token[known.token] = lookup
        if known.surrogate is not None:
            self._by_surrogate[known.surrogate] = lookup

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Held only while entries are read and added (not for a whole run), by threads and processes alike."""
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with open(self.lock_path(self.path), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _catch_up(self) -> None:
        """Under the file lock: read what other runs added (only the new bytes, unless the file was replaced),
        migrate a version-1 file, create a missing one, and cut off a record a killed run left half written."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            self._rewrite()
            return
        except OSError as exc:
            raise VaultError(f"vault {self.path} could not be read ({exc.strerror}). "
                             f"Fix: check its permissions") from None
        with handle:
            head = handle.read(HEADER_BYTES)
            version = self._codec.check_header(head)
            if version == FORMAT_V1 or self._generation is None or head[-GENERATION_BYTES:] != self._generation:
                self._absorb_file(head + handle.read())  # new, or replaced since (an erasure, a migration)
            else:
                handle.seek(self._end)
                chunk = self._codec.read_records(head, handle.read(), self._end, self._count)
                for lookup, entry in chunk.entries:
                    self._merge(lookup, entry)
                if chunk.entries:
                    self._changed()
                self._end, self._count = chunk.end, chunk.count
            size = os.fstat(handle.fileno()).st_size
        if version == FORMAT_V1:
            self._rewrite()  # old tokens are kept: they are entries like any other
        elif self._end < size:
            os.truncate(self.path, self._end)

    def _rewrite(self) -> None:
        self._generation, self._end, self._count = self._codec.write_new(list(self._entries.items()))

    def _append(self, lookup: str, entry: Entry) -> None:
        """Under the file lock, after `_catch_up`: add one record at the end of the file."""
        assert self._generation is not None
        header = self._codec.header(self._generation)
        record = self._codec.record(header, self._count, lookup, entry)
        with open(self.path, "ab") as handle:
            handle.write(record)
        self._end += len(record)
        self._count += 1
        self._merge(lookup, entry)
        self.dirty = True
        self._changed()

    def save(self) -> None:
        """Flush the added entries to disk and carry out erasures (`forget*`), rewriting the file without the
        erased entries; creates the file (mode 0600) for a vault that has none yet."""
        with self._file_lock():
            if self._forgotten:
                self._catch_up()
                self._drop(self._forgotten)
                self._forgotten.clear()
                self._rewrite()
            elif not self.path.exists():
                self._catch_up()  # creates it
            else:
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            self.dirty = False

    def _changed(self) -> None:
        self.revision += 1

    def _lookup(self, entity_type: str, original: str) -> str:
        if not ENTITY_TYPE_RE.fullmatch(entity_type):
            raise ValueError(f"entity type {entity_type!r} must match {ENTITY_TYPE_RE.pattern}")
        return self._keyring.keyed_digest(entity_type, original).hex()

    def _issue(self, entity_type: str, original: str, has: Callable[[Entry], str | None],
               choose: Callable[[Entry], None]) -> str:
        """The value `has` reads from the original's entry; when there is none yet, `choose` sets it under
        the file lock, after reading what other runs added, and the entry is appended."""
        lookup = self._lookup(entity_type, original)
        with self._lock:
            known = self._entries.get(lookup)
            if known is not None and (value := has(known)) is not None:
                return value
            with self._file_lock():
                self._catch_up()
                known = self._entries.get(lookup)
                if known is not None and (value := has(known)) is not None:
                    return value
                entry = Entry(entity_type, original)
                choose(entry)
                self._append(lookup, entry)
                issued = has(entry)
                assert issued is not None
                return issued

    def pseudonym(self, entity_type: str, original: str) -> str:
        """`<TYPE_digits>`, the digits from a keyed HMAC of type and value: the same in every run. A value
        already in the vault keeps the token it has (version-1 vaults numbered them: `<PERSON_3>`)."""
        def choose(entry: Entry) -> None:
            number = int.from_bytes(self._keyring.pseudonym_digest(entity_type, original), "big")
            for digits in range(TOKEN_DIGITS, _TOKEN_DIGITS_MAX + 1, _TOKEN_DIGITS_STEP):
                token = f"<{entity_type}_{number % 10 ** digits:0{digits}d}>"
                if token not in self._by_token:
                    entry.token = token
                    return
            raise VaultError(f"no unused {entity_type} token for a value (vault {self.path}). Fix: restore "
                             f"the vault from a backup; it holds more tokens than can be")

        return self._issue(entity_type, original, lambda e: e.token, choose)

    def surrogate(self, entity_type: str, original: str, make: Callable[[int], str]) -> str:
        """A realistic stand-in from `make(attempt)` (derived from a keyed HMAC of the value and the attempt),
        stored so the same original always gets it back; the first attempt not already taken wins.

        Surrogates are unique across the whole vault (not only per type) and never equal their original,
        so that deanonymisation maps each one back to exactly one value."""
        def choose(entry: Entry) -> None:
            for attempt in range(MAX_SURROGATE_ATTEMPTS):
                candidate = make(attempt)
                if (candidate and candidate not in self._by_surrogate
                        and candidate.casefold() != original.casefold()):
                    entry.surrogate = candidate
                    return
            raise VaultError(f"no unused {entity_type} surrogate found after {MAX_SURROGATE_ATTEMPTS} attempts "
                             f"(vault {self.path} holds {len(self._by_surrogate)} surrogates). Fix: use the "
                             f"pseudonym or encrypt operator for {entity_type}")

        return self._issue(entity_type, original, lambda e: e.surrogate, choose)

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

    def forget_where(self, matches: Callable[[str, Entry], bool]) -> int:
        """Remove the entries `matches(lookup, entry)` selects: their tokens and surrogates can no longer
        be reversed once the vault is saved (erasure). Returns how many were removed."""
        with self._lock:
            doomed = {lookup for lookup, e in self._entries.items() if matches(lookup, e)}
            self._drop(doomed)
            self._forgotten |= doomed
            if doomed:
                self.dirty = True
            return len(doomed)

    def _drop(self, lookups: Collection[str]) -> None:
        for lookup in lookups:
            entry = self._entries.pop(lookup, None)
            if entry is None:
                continue
            if entry.token is not None:
                self._by_token.pop(entry.token, None)
            if entry.surrogate is not None:
                self._by_surrogate.pop(entry.surrogate, None)
        if lookups:
            self._changed()

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
