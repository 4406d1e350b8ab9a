"""Verifying a ledger's log: every entry's leaf hash, every checkpoint's Merkle root and signature, the chain
of checkpoints, and a head kept outside the database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gdprep.audit import head as heads
from gdprep.audit.entries import RUN_TERMINAL_KINDS, Entry, recomputed_leaf
from gdprep.audit.keys import key_id, signed_message, verify_signature
from gdprep.audit.merkle import MerkleAccumulator


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    entries: int
    checkpoints: int
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None
    unsigned_tail: int = 0  # entries after the last checkpoint
    #: runs with entries in the unsigned tail and no end: run id -> what is known of their process
    #: ("running", "ended" (killed or crashed), "unknown")
    unfinished_runs: dict[str, str] = field(default_factory=dict)
    #: whether a head pinned outside the database (or given with --expect-head) was checked
    head_checked: bool = False

    def summary(self) -> str:
        if not self.ok:
            return "ledger verification FAILED: " + self.problems[0]
        text = f"ledger verified: {self.entries} entries, {self.checkpoints} signed checkpoints"
        if self.unsigned_tail:
            text += f"; {self.unsigned_tail} entries after the last checkpoint"
        return text

    def tail_explanation(self) -> list[str]:
        """What the unsigned tail is, for people: the runs still being written, and those whose process
        ended without finishing them."""
        if not self.unsigned_tail:
            return []
        lines = [f"the last {self.unsigned_tail} entries are not covered by a signed checkpoint yet"]
        for run_id, state in sorted(self.unfinished_runs.items()):
            lines.append({
                "running": f"run {run_id} is still running; its checkpoint is written when it ends",
                "ended": f"run {run_id} never finished: its process ended (killed or crashed); the next gdprep "
                         "run records it as interrupted and signs its entries",
                "unknown": f"run {run_id} has not finished (running elsewhere, or stopped); the next gdprep run "
                           "on this machine records it as interrupted if its process is gone",
            }[state])
        if not self.unfinished_runs:
            lines.append("no unfinished run owns them: the process that wrote them stopped before signing; the "
                         "next gdprep run signs them")
        return lines


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
    frontier_problems: list[str] = []
    last_signed = max(by_size, default=0)
    tail_runs: dict[str, bool] = {}  # run id -> ended, for the runs with entries after the last checkpoint

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
            elif not verify_signature(pem, signed_message(cp), str(cp["signature"])):
                note(f"checkpoint at tree size {size}: bad signature", None)
            elif cp["root_hash"] != root:
                note(f"checkpoint at tree size {size}: root hash does not match the entries; the change is "
                     f"among entries {last_good_size}..{size - 1}", last_good_size if first_bad is None else None)
            else:
                last_good_size = size
                if cp.get("frontier") is not None and resumable_frontier(cp) is None:
                    frontier_problems.append(f"checkpoint at tree size {size}: its stored Merkle frontier does not "
                                             "match its signed root (corrupted; the next checkpoint recomputes it "
                                             "from the entries)")
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
        if entry.seq >= last_signed and entry.run_id is not None:
            tail_runs[entry.run_id] = tail_runs.get(entry.run_id, False) or entry.kind in RUN_TERMINAL_KINDS
        check_heads(acc.size)
    for size in sorted(by_size):
        if size not in checked_sizes:
            note(f"checkpoint at tree size {size} covers entries that are not in the ledger (rows deleted at "
                 f"the end)", acc.size)
    problems += frontier_problems
    problems += heads.chain_problems(checkpoints)
    unsigned = acc.size - max((s for s in by_size if s <= acc.size), default=0)
    unfinished = {run_id: "unknown" for run_id, ended in tail_runs.items() if not ended} if unsigned else {}
    return VerifyResult(ok=not problems, entries=acc.size, checkpoints=len(checkpoints), problems=problems,
                        first_bad_seq=first_bad, unsigned_tail=unsigned, unfinished_runs=unfinished)


def resumable_frontier(cp: Mapping[str, Any] | None) -> MerkleAccumulator | None:
    """The Merkle frontier stored beside a checkpoint, if it is well formed and gives the checkpoint's own
    size and signed root; None otherwise (the entries must then be hashed from the start)."""
    if cp is None or not cp.get("frontier"):
        return None
    try:
        acc = MerkleAccumulator.from_state(json.loads(str(cp["frontier"])))
        if acc.size == int(cp["tree_size"]) and acc.root().hex() == cp["root_hash"]:
            return acc
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        pass
    return None


def expected_head_problems(head: Mapping[str, Any], ledger: str | None, checkpoints: Sequence[Mapping[str, Any]],
                            entries: int, origin: str, trusted_pems: Sequence[bytes]) -> list[str]:
    """A head kept outside the ledger (`verify --expect-head`): signed by the ledger's key, for this ledger,
    and still held by the database."""
    if ledger is not None and head["ledger"] != ledger:
        return [f"the head in {origin} is for another ledger (first entry {str(head['ledger'])[:16]}…), not this "
                f"one ({ledger[:16]}…)"]
    pem = str(head.get("public_key", "")).encode()
    if pem not in trusted_pems:
        return [f"the head in {origin} is signed by key {head['key_id']}, not by this ledger's key"]
    try:
        signed = verify_signature(pem, signed_message(head), str(head["signature"]))
    except (ValueError, TypeError, KeyError):
        signed = False
    if not signed or heads.checkpoint_hash(head) != head["checkpoint_hash"]:
        return [f"the head in {origin} does not carry a valid signature: it was edited"]
    return heads.head_problems(head, checkpoints, entries, origin)
