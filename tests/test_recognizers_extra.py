"""Tables for the CSV column recognizer and for later fixes to the phone and date-of-birth recognizers."""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.dob import DateOfBirthRecognizer
from gdprep.privacy.recognizers.phone import PhoneRecognizer
from gdprep.privacy.recognizers.registry import RECOGNIZERS
from gdprep.privacy.recognizers.tabular import CsvNameColumnRecognizer

CSV = CsvNameColumnRecognizer()
PHONE = PhoneRecognizer()
DOB = DateOfBirthRecognizer()


def spans(recognizer, text: str, entity: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [entity]) if r.entity_type == entity]


@pytest.mark.parametrize(("text", "names", "dobs"), [
    ("surname,first_name,email,dob\nQuennell,Orla,o@x.org,02/03/1981\nhaverkamp,joris,j@x.org,1990-01-05\n",
     ["Quennell", "Orla", "haverkamp", "joris"], ["02/03/1981", "1990-01-05"]),
    ("Export:\nid;Nachname;Vorname;Geburtsdatum\n1;Pfeiffer;Gernot;12.03.1970\n", ["Pfeiffer", "Gernot"],
     ["12.03.1970"]),
    ("nom\tprénom\tville\nBrissac\tGaëtane\tLyon\n", ["Brissac", "Gaëtane"], []),
    # a row of another width is not part of the table; a non-date under DOB is not reported
    ("name,dob\nOrla Quennell,unknown\nnot,a,row\n", ["Orla Quennell"], []),
    # a decimal comma adds a cell at the right; the cells to its left still line up
    ("apellidos,nombre,fecha_nac,importe\nOrmazábal,Lucía,11/06/1957,1.003,99\n", ["Ormazábal", "Lucía"],
     ["11/06/1957"]),
    ("SURNAME|FORENAME|BIRTH_DT|JOINED\nQuennell|Orla|3 Feb 1985|11 Aug 2025\n", ["Quennell", "Orla"],
     ["3 Feb 1985"]),
    # lines that end in a lone carriage return (old Mac files) or in "\r\n"; the csv module refuses a "\r" inside
    # a line, and the whole record's detection failed on it
    ("name,email\rOrla Quennell,o@x.org\rJoris Haverkamp,j@x.org", ["Orla Quennell", "Joris Haverkamp"], []),
    ("name,dob\r\nOrla Quennell,02/03/1981\r\n", ["Orla Quennell"], ["02/03/1981"]),
])
def test_csv_columns(text: str, names: list[str], dobs: list[str]) -> None:
    assert spans(CSV, text, "PERSON") == names
    assert spans(CSV, text, "DATE_OF_BIRTH") == dobs


def test_pipe_table_bank_columns() -> None:
    text = "Name | Team | Sort code | Acc no. | Amount\nOrla Quennell | Sales | 61-28-58 | 67436946 | £1.00\n"
    assert spans(CSV, text, "PERSON") == ["Orla Quennell"]
    assert spans(CSV, text, "UK_SORT_CODE") == ["61-28-58"]
    assert spans(CSV, text, "UK_BANK_ACCOUNT") == ["67436946"]
    assert spans(CSV, "Sort code | Acc no.\nn/a | 1234\n", "UK_BANK_ACCOUNT") == []  # wrong shape


@pytest.mark.parametrize("text", [
    "order,sku,price\n1001,SKU-1,4.99\n",           # no name or birth column
    "Name: Orla Quennell, Email: o@x.org",          # a single line is not a table
    "product_name,price\nKestrel 2,49.99\n",        # "product_name" is not a person's name
])
def test_csv_without_person_columns(text: str) -> None:
    assert spans(CSV, text, "PERSON") == []


@pytest.mark.parametrize(("text", "found"), [
    ("Cordialement,\nGaëtane Brissac\n0385416707", ["0385416707"]),          # number alone on its own line
    ("Regards,\nOrla\n+33 (0)1 48 48 74 96", ["+33 (0)1 48 48 74 96"]),
    ("Tél. : +33 7 40 52 57 04\nColis 7607372656 – 3 articles", ["+33 7 40 52 57 04"]),  # cue stays on its line
    ("richiamare al numero 3772199902.", ["3772199902"]),
    ("the direct debit comes out of 68-14-55 85736878 every month", []),   # bank details, not a phone
])
def test_phone_line_handling(text: str, found: list[str]) -> None:
    assert spans(PHONE, text, "PHONE_NUMBER") == found


@pytest.mark.parametrize(("text", "found"), [
    ("ID&V: passed on birth date (9 May 1986) and postcode", ["9 May 1986"]),
    ("Agent: And your date of birth, please?\nCustomer: 4 Jul 1948\nAgent: Thanks", ["4 Jul 1948"]),
    ("Mag ik uw geboortedatum en adres?\nKlant: 24-10-1963, Kerkstraat 1", ["24-10-1963"]),
    ("Notes: passed ID&V (date-of-birth check, 1972-02-14).", ["1972-02-14"]),
    ("We have your date of birth as 3 July 1946. From", ["3 July 1946"]),
    ("What's your date of birth?\nVisitor: its 1953-07-08", ["1953-07-08"]),
    ("Herrn Uli Quellec (* 07.07.1993), wohnhaft", ["07.07.1993"]),
    ("Geburtsdatum: unbekannt, Termin am 12.03.2024", []),
    ("Your date of birth is needed. Appointment: 12.03.2024", []),
])
def test_dob_near_cue(text: str, found: list[str]) -> None:
    assert spans(DOB, text, "DATE_OF_BIRTH") == found


def test_registry_contract() -> None:
    """Every registered recognizer builds without arguments, names known entities and has a docstring."""
    from gdprep.privacy.entities import ENTITY_TYPES

    assert len(RECOGNIZERS) >= 20
    for name, cls in RECOGNIZERS.items():
        recognizer = cls()
        assert set(recognizer.supported_entities) <= set(ENTITY_TYPES), name
        assert (cls.__doc__ or "").strip(), name
        assert recognizer.analyze("", recognizer.supported_entities) == [], name


@pytest.mark.parametrize(("text", "code", "account"), [
    ("Please pay 20-00-00 12345678 by Friday", ["20-00-00"], ["12345678"]),
    ("details: 20 00 00 / 12345678", ["20 00 00"], ["12345678"]),
    ("20-00-00, acc no. 12345678", ["20-00-00"], ["12345678"]),
    ("Order 12-03-85 shipped, ref 12345678", [], []),      # words between: no pair
    ("dated 12-03-2024 invoice 12345678", [], []),
    ("20-00-00 123456789", [], []),                        # nine digits is no UK account number
])
def test_sort_code_and_account_pair_without_cue(text: str, code: list[str], account: list[str]) -> None:
    from gdprep.privacy.recognizers.uk import UkBankAccountRecognizer, UkSortCodeRecognizer

    assert spans(UkSortCodeRecognizer(), text, "UK_SORT_CODE") == code
    assert spans(UkBankAccountRecognizer(), text, "UK_BANK_ACCOUNT") == account


@pytest.mark.parametrize(("text", "found"), [
    ("Patient Anna Quellec (12.03.1980) attended clinic.", ["12.03.1980"]),
    ("12/03/1985 (DOB) on file", ["12/03/1985"]),
    ("Invoice Date (12.03.2024)", []),           # too recent to be an adult's birth date
    ("Next Visit (03/04/2025)", []),
    ("Order 1234 (12.03.1980)", []),             # not after a name-like pair of words
    # the table cell after a name's cell
    ("| Ana Silva | 12/03/1985 | Leeds |", ["12/03/1985"]),
    ("Ana Silva | Mar 4, 1959 | Leeds", ["Mar 4, 1959"]),
    ("Ana Silva\t1985-03-12\tLeeds", ["1985-03-12"]),
    ("| Order Date | 12/03/1985 |", []),         # the heading of another date
    ("| Last Visit | 12/03/1985 |", []),
    ("Ana Silva | 12/03/2024 | Leeds", []),       # too recent
    ("Ana Silva | 12/03/1985 shipped", []),      # no cell ends after the date
])
def test_birth_date_by_position(text: str, found: list[str]) -> None:
    from gdprep.privacy.recognizers.dob import BirthDateShapeRecognizer

    assert spans(BirthDateShapeRecognizer(), text, "DATE_OF_BIRTH") == found


def test_every_registered_pattern_compiles_and_compiling_changes_no_finding() -> None:
    """Patterns compile on first use; a broken one must still fail here, not on a user's first record that
    needs it. And a recognizer gives the same findings whether its patterns were compiled up front or lazily."""
    from gdprep.privacy.recognizers.base import GdprepPatternRecognizer

    text = ("Dear Mr Alan Example, my name is Jo Sample (DOB 01/02/1980), call 020 7946 0000, NHS 943 476 5919, "
            "10 Downing Street, London SW1A 2AA; Hauptstraße 5, 10115 Berlin.")
    for cls in RECOGNIZERS.values():
        lazy = cls()  # type: ignore[call-arg]
        if not isinstance(lazy, GdprepPatternRecognizer):
            continue
        eager = cls()  # type: ignore[call-arg]
        eager.compile_all()
        assert all(compiled is not None for _, compiled, _, _ in eager._compiled), cls.__name__
        found = [(r.start, r.end, r.entity_type, r.score) for r in lazy.analyze(text, [])]
        assert found == [(r.start, r.end, r.entity_type, r.score) for r in eager.analyze(text, [])], cls.__name__
