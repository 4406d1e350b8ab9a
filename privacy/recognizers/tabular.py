"""Names in delimited text (CSV/TSV exports pasted into a record): a header that names a person
column ("surname", "first_name", "Vorname", "nom") marks the cells below it as names."""

from __future__ import annotations

import csv
from typing import Final

import regex
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.entities import ENGINE_LANGUAGE

_NAME_COLUMN = regex.compile(
    r"^(?:(?:full|first|last|given|family|middle|customer|client|patient|employee|contact|account|card|staff"
    r"|holder|owner)[ _-]?)?(?:name|names|forename|forenames|surname|firstname|lastname|givenname|familyname)"
    r"|^(?:account[ _-]?(?:owner|holder)|cardholder|vorname|nachname|familienname|nom|pr[ée]nom|nom[ _]de[ _]famille"
    r"|naam|voornaam|achternaam|nome|cognome|nominativo|nombre|apellidos?|nombre[ _]completo)$",
    regex.IGNORECASE,
)
_DELIMITERS: Final = (",", ";", "\t", "|")
_CELL_OK = regex.compile(r"^[\p{L}\p{M}][\p{L}\p{M}'’. -]{0,60}$")
SCORE: Final = 0.85


def _cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Character spans of the cells of one unquoted line (quoted lines are skipped by the caller)."""
    spans, start = [], 0
    for i, ch in enumerate(line):
        if ch == delimiter:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(line)))
    return spans


class CsvNameColumnRecognizer(LocalRecognizer):
    """PERSON cells under a name-like CSV/TSV header column."""

    ENTITY: Final = "PERSON"

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language=ENGINE_LANGUAGE,
                         name=type(self).__name__)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if (entities and self.ENTITY not in entities) or "\n" not in text:
            return []
        results: list[RecognizerResult] = []
        offset = 0
        columns: list[int] = []
        delimiter = ""
        width = 0
        for line in text.split("\n"):
            stripped = line.rstrip("\r")
            if columns and stripped.count(delimiter) == width - 1 and '"' not in stripped:
                for index, (start, end) in enumerate(_cells(stripped, delimiter)):
                    if index not in columns:
                        continue
                    cell = stripped[start:end].strip()
                    if not cell or not _CELL_OK.match(cell):
                        continue
                    lead = start + (len(stripped[start:end]) - len(stripped[start:end].lstrip()))
                    results.append(self._result(offset + lead, offset + lead + len(cell)))
            else:
                columns, delimiter, width = self._header(stripped)
            offset += len(line) + 1
        return results

    @staticmethod
    def _header(line: str) -> tuple[list[int], str, int]:
        best = max(_DELIMITERS, key=line.count)
        if line.count(best) < 1:
            return [], "", 0
        cells = next(csv.reader([line], delimiter=best))
        names = [i for i, cell in enumerate(cells) if _NAME_COLUMN.search(cell.strip())]
        return (names, best, len(cells)) if names else ([], "", 0)

    def _result(self, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY, start=start, end=end, score=SCORE,
            analysis_explanation=AnalysisExplanation(recognizer=self.name, original_score=SCORE,
                                                     pattern_name="csv_name_column"),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )


TABULAR_RECOGNIZERS: Final = (CsvNameColumnRecognizer,)
