"""The master key and the sub-keys derived from it (HKDF-SHA256). Key bytes live only in `KeyRing`
and are never logged, printed or put in an error message; `key_id` is the safe name of a key."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gdprep.errors import VaultError
from gdprep.state import create_secret, state_dir

MASTER_KEY_BYTES = 32
KEY_FILE_ENV = "GDPREP_KEY_FILE"
MASTER_KEY_ENV = "GDPREP_MASTER_KEY"
DEFAULT_KEY_DIR = "keys"
DEFAULT_KEY_FILE = "master.key"

# Distinct HKDF `info` labels give independent sub-keys: a leak of one use never exposes another.
_HKDF_LABELS: dict[str, tuple[bytes, int]] = {
    "hmac": (b"gdprep/v1/hmac-sha256", 32),
    "vault": (b"gdprep/v1/vault-aes-gcm", 32),
    "siv": (b"gdprep/v1/token-aes-siv", 64),
    "surrogate": (b"gdprep/v1/surrogate-seed", 32),
    "pseudonym": (b"gdprep/v1/pseudonym-token", 32),
}
_KEY_ID_LABEL = b"gdprep/v1/key-id"
_KEY_FILE_ARG_FIX = "pass the path of an existing key file"
_NEW_KEY_HINT = "python -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())'"


def _derive(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


def _decode_key_text(raw: bytes) -> bytes | None:
    """A key file holds the 32 raw bytes, or their base64 / hex text (what `openssl rand` prints)."""
    if len(raw) == MASTER_KEY_BYTES:
        return raw
    text = raw.strip()
    if len(text) == 2 * MASTER_KEY_BYTES:
        with contextlib.suppress(ValueError):
            return bytes.fromhex(text.decode("ascii"))
    return _decode_base64(text)


def _decode_base64(text: bytes) -> bytes | None:
    padded = text + b"=" * (-len(text) % 4)
    for altchars in (None, b"-_"):  # standard and URL-safe alphabets
        try:
            key = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(key) == MASTER_KEY_BYTES:
            return key
    return None


class KeyRing:
    """The master key plus its derived sub-keys. Open with `KeyRing.open()`; `repr` shows only key_id."""

    __slots__ = ("_hmac_key", "_vault_key", "_siv_key", "_surrogate_key", "_pseudonym_key", "_key_id", "source",
                 "created")

    def __init__(self, master: bytes, source: str) -> None:
        if len(master) != MASTER_KEY_BYTES:
            raise VaultError(f"the master key from {source} has {len(master)} bytes; it must have "
                             f"{MASTER_KEY_BYTES}. Fix: replace it with a new key made by {_NEW_KEY_HINT}")
        self._hmac_key = _derive(master, *_HKDF_LABELS["hmac"])
        self._vault_key = _derive(master, *_HKDF_LABELS["vault"])
        self._siv_key = _derive(master, *_HKDF_LABELS["siv"])
        self._surrogate_key = _derive(master, *_HKDF_LABELS["surrogate"])
        self._pseudonym_key = _derive(master, *_HKDF_LABELS["pseudonym"])
        label_mac = hmac.new(master, _KEY_ID_LABEL, hashlib.sha256).digest()
        self._key_id = hashlib.sha256(label_mac).hexdigest()[:16]
        #: where the key came from ("key file /x/master.key", "$GDPREP_MASTER_KEY"); never the key
        self.source = source
        #: True when `open` generated this key just now
        self.created = False

    @classmethod
    def open(cls, state: Path | None = None, key_file: Path | None = None) -> KeyRing:
        """Load the key from `key_file`, $GDPREP_KEY_FILE, $GDPREP_MASTER_KEY or `<state>/keys/master.key`
        (in that order). Only the last is created when missing: an explicit source must already exist."""
        if key_file is not None:
            return cls(_read_key_file(Path(key_file), f"key file {key_file}", _KEY_FILE_ARG_FIX),
                       f"key file {key_file}")
        env_file = os.environ.get(KEY_FILE_ENV)
        if env_file is not None:
            # set-but-empty is a broken deployment, not "unset": falling back would use another key
            if not env_file.strip():
                raise VaultError(f"${KEY_FILE_ENV} is set but empty. Fix: set it to the path of your key "
                                 f"file or unset it")
            path = Path(env_file).expanduser()
            return cls(_read_key_file(path, f"key file {path} (from ${KEY_FILE_ENV})",
                                      f"point ${KEY_FILE_ENV} at an existing key file or unset it"),
                       f"key file {path} (from ${KEY_FILE_ENV})")
        env_key = os.environ.get(MASTER_KEY_ENV)
        if env_key is not None:
            key = _decode_base64(env_key.strip().encode("ascii", errors="replace"))
            if key is None:
                raise VaultError(f"${MASTER_KEY_ENV} is not a valid key: it must be the base64 text of "
                                 f"{MASTER_KEY_BYTES} bytes. Fix: set it to the output of {_NEW_KEY_HINT}, "
                                 f"or unset it to use the key file")
            return cls(key, f"${MASTER_KEY_ENV}")
        base = Path(state) if state is not None else state_dir()
        path = base / DEFAULT_KEY_DIR / DEFAULT_KEY_FILE
        created = not path.exists()
        if created:
            _create_key_file(path)
        ring = cls(_read_key_file(path, f"key file {path}",
                                  "restore it from your backup (deleting it makes existing vaults and "
                                  "<ENC:...> tokens unreadable)"),
                   f"key file {path}")
        ring.created = created  # the audit ledger records a key's creation
        return ring

    @property
    def key_id(self) -> str:
        """16 hex characters naming this key; safe to print and to record in ledgers and vaults."""
        return self._key_id

    @property
    def hmac_key(self) -> bytes:
        return self._hmac_key

    @property
    def vault_key(self) -> bytes:
        return self._vault_key

    @property
    def siv_key(self) -> bytes:
        return self._siv_key

    @property
    def surrogate_key(self) -> bytes:
        return self._surrogate_key

    def keyed_digest(self, entity_type: str, value: str) -> bytes:
        """HMAC-SHA256(hmac_key, type NUL value): the keyed fingerprint of one original value."""
        message = f"{entity_type}\x00{value}".encode()
        return hmac.new(self._hmac_key, message, hashlib.sha256).digest()

    def pseudonym_digest(self, entity_type: str, value: str) -> bytes:
        """HMAC-SHA256(pseudonym_key, type NUL value): what a pseudonym token's digits come from. A key of its
        own, so a token says nothing about the lookup digest the ledger records."""
        message = f"{entity_type}\x00{value}".encode()
        return hmac.new(self._pseudonym_key, message, hashlib.sha256).digest()

    def __repr__(self) -> str:
        return f"KeyRing(key_id={self._key_id!r}, source={self.source!r})"

    def __reduce__(self) -> NoReturn:
        # pickling would copy key bytes into whatever stores the pickle (caches, queues, crash dumps)
        raise TypeError("KeyRing cannot be pickled; reopen it with KeyRing.open() where it is needed")


def _read_key_file(path: Path, where: str, fix: str) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VaultError(f"{where} does not exist. Fix: {fix}") from None
    except OSError as exc:
        raise VaultError(f"{where} could not be read ({exc.strerror}). Fix: check its permissions") from None
    key = _decode_key_text(raw)
    if key is None:
        raise VaultError(f"{where} is malformed: it must hold {MASTER_KEY_BYTES} raw bytes or their base64 "
                         f"or hex text (found {len(raw)} bytes). Fix: {fix}")
    return key


def _create_key_file(path: Path) -> None:
    """Create a fresh master key with mode 0600 in a 0700 directory, without racing another process (of
    racing creators one wins, and every one then reads the winner's key)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a mounted volume may ignore chmod
        path.parent.chmod(0o700)
    create_secret(path, secrets.token_bytes(MASTER_KEY_BYTES))
