"""Delimited text (CSV/TSV/pipe tables pasted into a record): a header that names a person column
("surname", "first_name", "Vorname", "nom"), a birth-date column ("dob", "Geburtsdatum") or a UK bank
column ("sort code", "acc no.") marks the cells below it, when the cell has the right shape."""

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
_DOB_COLUMN = regex.compile(
    r"^(?:d\.?o\.?b\.?|date[ _-]?of[ _-]?birth|birth[ _-]?date|birthdate|birthday|geburtsdatum"
    r"|date[ _-]?(?:de[ _-]?)?naissance|naissance|geboortedatum|geb[ _.-]*datum|data[ _-]?(?:di[ _-]?)?nascita"
    r"|fecha[ _-]?(?:de[ _-]?)?nacimiento|f[ _.-]*nacimiento|birth[ _-]?dt|dob[ _-]?date|born|geb(?:oren)?\.?"
    r"|date[ _-]?(?:de[ _-]?)?naiss\.?|fecha[ _-]?(?:de[ _-]?)?nac\.?|nascita|data[ _-]?(?:di[ _-]?)?nasc\.?"
    r"|geburtstag|geboren[ _-]?op)$",
    regex.IGNORECASE,
)
_SORT_CODE_COLUMN = regex.compile(r"^(?:sort[ _-]?code|s/c)$", regex.IGNORECASE)
_ACCOUNT_COLUMN = regex.compile(
    r"^(?:acc(?:ount|t)?\.?[ _-]?(?:no\.?|num(?:ber)?)|account|a/c(?:[ _-]?no\.?)?|bank[ _-]?account"
    r"|kontonummer|rekeningnummer|n°[ _]de[ _]compte|numero[ _]di[ _]conto|número[ _]de[ _]cuenta)$",
    regex.IGNORECASE,
)
# cell shapes that a column header alone cannot vouch for
_CELL_SHAPES: Final = {
    "UK_SORT_CODE": regex.compile(r"^\d{2}([- ]?)\d{2}\1\d{2}$"),
    "UK_BANK_ACCOUNT": regex.compile(r"^\d{8}$"),
    "UK_PASSPORT": regex.compile(r"^(?:\d{9}|[A-Z]{2}\d{7})$"),
}
_PASSPORT_COLUMN = regex.compile(r"^(?:passport(?:[ _-]?(?:no\.?|number))?|reisepass|passeport|paspoort"
                                  r"|passaporto|pasaporte)$", regex.IGNORECASE)
_DELIMITERS: Final = (",", ";", "\t", "|")
_LINE = regex.compile(r"(?P<line>[^\r\n]*)(?:\r\n|\r|\n|\Z)")
_CELL_OK = regex.compile(r"^[\p{L}\p{M}][\p{L}\p{M}'’. -]{0,60}$")
SCORE: Final = 0.85


_DECIMAL_COMMA = regex.compile(r"\d,\d")


def _row_fits(line: str, delimiter: str, width: int) -> bool:
    """A row of the header's width; or, in a comma file, one whose extra commas are all decimal commas
    ("€1.003,99"): its cells line up left of the first of them, and each cell is checked against
    its column's shape anyway. Other rows of another width are not part of the table."""
    extra = line.count(delimiter) - (width - 1)
    if extra == 0:
        return True
    return extra > 0 and delimiter == "," and len(_DECIMAL_COMMA.findall(line)) >= extra


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
    """PERSON cells under a name-like header column; DATE_OF_BIRTH, UK_SORT_CODE and UK_BANK_ACCOUNT cells
    under their columns."""

    ENTITY: Final = "PERSON"

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY, "DATE_OF_BIRTH", "UK_SORT_CODE", "UK_BANK_ACCOUNT",
                                             "UK_PASSPORT"],
                         supported_language=ENGINE_LANGUAGE, name=type(self).__name__)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if (entities and not set(self.supported_entities) & set(entities)) or ("\n" not in text and "\r" not in text):
            return []
        from gdprep.privacy.recognizers.dob import is_calendar_date
        results: list[RecognizerResult] = []
        columns: dict[int, str] = {}
        delimiter = ""
        width = 0
        for line in _LINE.finditer(text):  # lines end at "\n", "\r\n" or a lone "\r" (old Mac files)
            stripped, offset = line.group("line"), line.start()
            if columns and _row_fits(stripped, delimiter, width) and '"' not in stripped:
                for index, (start, end) in enumerate(_cells(stripped, delimiter)[:width]):
                    entity = columns.get(index)
                    cell = stripped[start:end].strip()
                    if entity is None or not cell:
                        continue
                    if entity == "PERSON" and not _CELL_OK.match(cell):
                        continue
                    if entity == "DATE_OF_BIRTH" and not is_calendar_date(cell):
                        continue
                    if entity in _CELL_SHAPES and not _CELL_SHAPES[entity].match(cell):
                        continue
                    lead = start + (len(stripped[start:end]) - len(stripped[start:end].lstrip()))
                    results.append(self._result(offset + lead, offset + lead + len(cell), entity))
            else:
                columns, delimiter, width = self._header(stripped)
        return results

    @staticmethod
    def _header(line: str) -> tuple[dict[int, str], str, int]:
        best = max(_DELIMITERS, key=line.count)
        if line.count(best) < 1:
            return {}, "", 0
        cells = next(csv.reader([line], delimiter=best))
        columns = {}
        for i, cell in enumerate(cells):
            if _NAME_COLUMN.search(cell.strip()):
                columns[i] = "PERSON"
            elif _DOB_COLUMN.search(cell.strip()):
                columns[i] = "DATE_OF_BIRTH"
            elif _SORT_CODE_COLUMN.search(cell.strip()):
                columns[i] = "UK_SORT_CODE"
            elif _ACCOUNT_COLUMN.search(cell.strip()):
                columns[i] = "UK_BANK_ACCOUNT"
            elif _PASSPORT_COLUMN.search(cell.strip()):
                columns[i] = "UK_PASSPORT"
        return (columns, best, len(cells)) if columns else ({}, "", 0)

    def _result(self, start: int, end: int, entity: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=entity, start=start, end=end, score=SCORE,
            analysis_explanation=AnalysisExplanation(recognizer=type(self).__name__, original_score=SCORE,
                                                     pattern_name="csv_name_column"),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
        )


TABULAR_RECOGNIZERS: Final = (CsvNameColumnRecognizer,)
