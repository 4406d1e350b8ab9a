"""The ledger's signed head, pinned outside the database, and the hash chain of its checkpoints.

The database alone cannot show that its newest rows were removed: a shorter log with fewer checkpoints
verifies as well as the full one. So every checkpoint is also pinned in a file beside the signing key
(`ledger-head-<ledger id>.json`, owner-only, replaced atomically), and `verify` fails when the database no
longer holds the pinned checkpoint. `gdprep audit head` prints the same record, so that it can be kept
somewhere an attacker of the database cannot reach (WORM storage, a ticket, an e-mail to the DPO), and
`gdprep audit verify --expect-head FILE` checks the ledger against such a copy.

- A checkpoint's hash covers its signed fields and its signature. Each checkpoint signs the hash of the
  one before it (`previous`), so deleting, replacing or reordering any checkpoint breaks the chain.
- A ledger is identified by the leaf hash of its first entry: moving or copying the database keeps its
  head; a database that is replaced by another one does not find it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from gdprep.errors import UsageError

HEAD_SCHEMA: Final[int] = 1
HEAD_PREFIX: Final[str] = "ledger-head-"
_HEAD_LOCK: Final[str] = ".ledger-head.lock"
#: the fields of a checkpoint that its hash covers (the frontier is a cache beside it, not part of it)
_HASHED: Final[tuple[str, ...]] = ("tree_size", "root_hash", "created_at", "key_id", "previous", "signature")
_HEAD_FIELDS: Final[tuple[str, ...]] = ("ledger", "tree_size", "root_hash", "created_at", "key_id", "previous",
                                        "signature", "checkpoint_hash")


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def checkpoint_hash(cp: Mapping[str, Any]) -> str:
    """SHA-256 of a checkpoint's signed fields and its signature: what the next checkpoint signs."""
    body = {name: cp.get(name) for name in _HASHED}
    body["tree_size"] = int(cp["tree_size"])
    return hashlib.sha256(_canonical(body)).hexdigest()


def fingerprint(public_pem: bytes) -> str:
    """A public key's full SHA-256 fingerprint (its key id is the first 16 hex digits)."""
    return hashlib.sha256(public_pem).hexdigest()


def head_record(cp: Mapping[str, Any], ledger_id: str) -> dict[str, Any]:
    """What is pinned and printed for a checkpoint: enough to find it again and to check its signature."""
    public = str(cp["public_key"])
    return {"schema_version": HEAD_SCHEMA, "ledger": ledger_id, "tree_size": int(cp["tree_size"]),
            "root_hash": cp["root_hash"], "created_at": cp["created_at"], "key_id": cp["key_id"],
            "previous": cp.get("previous"), "signature": cp["signature"], "checkpoint_hash": checkpoint_hash(cp),
            "public_key": public, "key_fingerprint": fingerprint(public.encode())}


def head_path(directory: Path, ledger_id: str) -> Path:
    return directory / f"{HEAD_PREFIX}{ledger_id[:32]}.json"


def pinned_heads(directory: Path) -> list[Path]:
    """Every head pinned in a state directory (one per ledger written from it)."""
    return sorted(directory.glob(f"{HEAD_PREFIX}*.json")) if directory.is_dir() else []


def parse_head(text: str, origin: str) -> dict[str, Any]:
    """A head record read from `origin` (a file), with a clear error when it is not one."""
    try:
        head = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{origin} is not a ledger head (not JSON: {exc}); write one with `gdprep audit head`") \
            from None
    if not isinstance(head, dict):
        raise UsageError(f"{origin} is not a ledger head (expected a JSON object from `gdprep audit head`)")
    missing = [name for name in _HEAD_FIELDS if name not in head]
    if missing:
        raise UsageError(f"{origin} is not a ledger head: missing {', '.join(missing)} "
                         "(write one with `gdprep audit head`)")
    try:
        head["tree_size"] = int(head["tree_size"])
    except (TypeError, ValueError):
        raise UsageError(f"{origin}: tree_size must be a whole number") from None
    return head


def read_pinned(directory: Path, ledger_id: str) -> dict[str, Any] | None:
    path = head_path(directory, ledger_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return parse_head(text, str(path))


def pin(directory: Path, record: Mapping[str, Any]) -> bool:
    """Pin `record` as its ledger's head unless a newer checkpoint is pinned already (processes writing
    checkpoints at once may finish out of order). Atomic: a reader sees the old head or the new one."""
    directory.mkdir(parents=True, exist_ok=True)
    lock = os.open(directory / _HEAD_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = head_path(directory, str(record["ledger"]))
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            current = None
        if isinstance(current, dict) and int(current.get("tree_size", -1)) > int(record["tree_size"]):
            return False
        staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, json.dumps(dict(record), indent=2, sort_keys=True).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(staged, path)
        return True
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)


def chain_problems(checkpoints: Sequence[Mapping[str, Any]]) -> list[str]:
    """Breaks in the hash chain of checkpoints (in the order they were written). Checkpoints from before
    chaining (no `previous`) may only come first."""
    problems: list[str] = []
    chained = False
    for i, cp in enumerate(checkpoints):
        size = int(cp["tree_size"])
        previous = cp.get("previous")
        if previous is None:
            if chained:
                problems.append(f"checkpoint at tree size {size} is outside the checkpoint chain (inserted "
                                "after chained checkpoints without naming the one before it)")
            continue
        chained = True
        expected = checkpoint_hash(checkpoints[i - 1]) if i else ""
        if previous != expected:
            problems.append(f"checkpoint at tree size {size} does not follow the checkpoint stored before it: a "
                            "checkpoint was deleted, replaced or reordered")
        elif i and size < int(checkpoints[i - 1]["tree_size"]):
            problems.append(f"checkpoint at tree size {size} is smaller than the one before it")
    return problems


def head_problems(head: Mapping[str, Any], checkpoints: Sequence[Mapping[str, Any]], entries: int,
                  origin: str) -> list[str]:
    """Does the ledger still hold the checkpoint `head` names (pinned, or kept elsewhere)? The database
    may be ahead of it, never behind it or beside it."""
    wanted = str(head["checkpoint_hash"])
    if any(checkpoint_hash(cp) == wanted for cp in checkpoints):
        return []
    size = int(head["tree_size"])
    newest = max((int(cp["tree_size"]) for cp in checkpoints), default=None)
    if entries < size or newest is None or newest < size:
        return [f"the database is behind the head in {origin}: it was signed at {size} entries "
                f"({head['created_at']}), the database holds {entries} entries and "
                f"{'no checkpoint' if newest is None else f'checkpoints up to {newest}'}; entries or "
                "checkpoints were deleted, or an older copy of the database was restored"]
    return [f"the checkpoint in {origin} (tree size {size}, {head['created_at']}) is not in the database: "
            "checkpoints were replaced"]
