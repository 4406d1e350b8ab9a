"""RFC 6962 (Certificate Transparency) Merkle tree hashing: leaf and node hashes, the tree head of any
prefix of the log, and inclusion proofs.

- leaf hash: SHA-256(0x00 || entry bytes); node hash: SHA-256(0x01 || left || right);
- the tree of n leaves splits at the largest power of two below n (RFC 6962, section 2.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleAccumulator:
    """Leaves appended one by one; `root()` is the RFC 6962 tree head of everything appended so far,
    in O(log n). The frontier holds the roots of the perfect subtrees, largest first."""

    def __init__(self) -> None:
        self.size = 0
        self._frontier: list[tuple[int, bytes]] = []  # (height, hash)

    def append(self, leaf: bytes) -> None:
        height, value = 0, leaf
        while self._frontier and self._frontier[-1][0] == height:
            _, left = self._frontier.pop()
            value = node_hash(left, value)
            height += 1
        self._frontier.append((height, value))
        self.size += 1

    def state(self) -> list[list[object]]:
        """The frontier as JSON-able data (to resume appending later)."""
        return [[self.size], *[[h, v.hex()] for h, v in self._frontier]]

    @classmethod
    def from_state(cls, state: list[list[object]]) -> MerkleAccumulator:
        acc = cls()
        acc.size = int(state[0][0])  # type: ignore[call-overload]
        acc._frontier = [(int(h), bytes.fromhex(str(v))) for h, v in state[1:]]  # type: ignore[call-overload]
        return acc

    def root(self) -> bytes:
        if not self._frontier:
            return EMPTY_ROOT
        value = self._frontier[-1][1]
        for _, left in reversed(self._frontier[:-1]):
            value = node_hash(left, value)
        return value


def tree_root(leaves: Sequence[bytes]) -> bytes:
    acc = MerkleAccumulator()
    for leaf in leaves:
        acc.append(leaf)
    return acc.root()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of all `leaves` (RFC 6962 PATH(m, D[n]))."""
    if not 0 <= index < len(leaves):
        raise IndexError("leaf index outside the tree")
    path: list[bytes] = []

    def walk(lo: int, hi: int, m: int) -> None:
        n = hi - lo
        if n == 1:
            return
        k = _split(n)
        if m < k:
            walk(lo, lo + k, m)
            path.append(tree_root(leaves[lo + k:hi]))
        else:
            walk(lo + k, hi, m - k)
            path.append(tree_root(leaves[lo:lo + k]))

    walk(0, len(leaves), index)
    return path


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """Check an audit path against a tree head (RFC 9162, section 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    value = leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            value = node_hash(value, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and value == root
