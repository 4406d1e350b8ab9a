"""The record of one detected entity: where it is and what it is, never its value."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final

#: the key under which gdprep's pattern recognizers name the pattern that matched, in a Presidio result's
#: recognition_metadata (Presidio drops the explanation unless asked for its decision process; this stays)
PATTERN_NAME_KEY: Final[str] = "gdprep_pattern"


@dataclass(frozen=True, slots=True)
class Finding:
    """A detected span in one field of one record. Offsets index that field's original text."""

    field: str          # "text", "prompt", "completion" or "messages[2].content"
    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


@dataclass(frozen=True, slots=True)
class RawFinding:
    """A span found in one text, before per-policy thresholds and overlap resolution."""

    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str


@dataclass(frozen=True, slots=True)
class TimedOut:
    """A record whose detection ran over the regex time limit (`DetectionTimeout`): it goes to quarantine."""

    message: str
