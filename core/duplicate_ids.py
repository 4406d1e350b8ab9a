"""Which records of an input repeat the id of an earlier record: lineage, review decisions and
deanonymisation find records by id, so a run reports the repeats."""

from __future__ import annotations

import hashlib
from array import array


class IdTally:
    """Finds the records whose id an earlier record of the same input already had. Keeps 16 bytes per record
    (a 64-bit digest of the id and the line), never the ids, and compares them once at the end."""

    def __init__(self) -> None:
        self._digests = array("Q")
        self._lines = array("Q")

    def add(self, record_id: str, line: int) -> None:
        digest = hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        self._digests.append(int.from_bytes(digest, "little"))
        self._lines.append(max(line, 0))

    def duplicates(self, max_lines: int = 10) -> tuple[int, list[int]]:
        """(records repeating an earlier record's id, the first `max_lines` of their lines)."""
        import numpy as np

        if len(self._digests) < 2:
            return 0, []
        digests = np.frombuffer(self._digests, dtype=np.uint64)
        order = np.argsort(digests, kind="stable")  # stable: the first of equal ids is the earliest record
        ordered = digests[order]
        repeat = np.zeros(len(ordered), dtype=bool)
        repeat[1:] = ordered[1:] == ordered[:-1]
        lines = np.sort(np.frombuffer(self._lines, dtype=np.uint64)[order[repeat]])
        return int(repeat.sum()), [int(x) for x in lines[:max_lines]]
