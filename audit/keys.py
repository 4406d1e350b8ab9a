"""The ledger's keys: the Ed25519 key that signs checkpoints (and the retired ones that still verify old
checkpoints), the HMAC key of record keys, and what a checkpoint's signature is over."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gdprep.audit.entries import canonical
from gdprep.errors import ConfigError
from gdprep.state import create_secret, replace_secret, state_dir

SIGNING_KEY_FILE = "audit-signing.key"
HMAC_KEY_FILE = "audit-hmac.key"
RETIRED_KEYS_DIR = "audit-signing-retired"


def _private_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


def public_pem_of(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo))


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
        return create_secret(self.directory / SIGNING_KEY_FILE, _private_pem(Ed25519PrivateKey.generate()))

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
        return public_pem_of(self.signing_key())

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
        replace_secret(folder / f"{key_id(old_public)}.pem", old_public)
        replace_secret(self.directory / SIGNING_KEY_FILE, _private_pem(Ed25519PrivateKey.generate()))
        return key_id(old_public), key_id(self.public_pem())

    def hmac_key(self) -> bytes:
        path = self.directory / HMAC_KEY_FILE
        if not path.exists():
            create_secret(path, os.urandom(32))
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


def checkpoint_message(tree_size: int, root_hex: str, created_at: str, kid: str, previous: str | None = None) -> bytes:
    """What a checkpoint's key signs. `previous` is the hash of the checkpoint before it ("" for the first);
    checkpoints written before chaining have none and sign the four other fields only."""
    body: dict[str, Any] = {"tree_size": tree_size, "root_hash": root_hex, "created_at": created_at, "key_id": kid}
    if previous is not None:
        body["previous"] = previous
    return canonical(body)


def signed_message(cp: Mapping[str, Any]) -> bytes:
    """The message a stored checkpoint's signature is over."""
    return checkpoint_message(int(cp["tree_size"]), str(cp["root_hash"]), str(cp["created_at"]), str(cp["key_id"]),
                              None if cp.get("previous") is None else str(cp["previous"]))
