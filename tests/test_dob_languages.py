"""Date-of-birth cues, month names and date shapes in pt/pl/cs/sk/hu/sv/da/no/fi/et/lv/lt/el/ro/hr/sl/bg.

Each language has found rows (the exact reported span) and not-found rows: an appointment or invoice date
with no birth cue, and a birth cue whose phrase a comma closes before a date that is not a birth date.
"""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.dob import _MONTH_NAMES, DateOfBirthRecognizer, is_calendar_date

DOB = DateOfBirthRecognizer()

FOUND = [
    # day, month and year separated by spaces, as some forms and exports write them
    ("de", "Geburtsdatum: 28 02 1985", "28 02 1985"),
    ("fr", "Mme Roche, née le 01 07 1981", "01 07 1981"),
    ("fr", "née le 6 déc. 1979", "6 déc. 1979"),          # French and Austrian month abbreviations
    ("de", "geboren am 3. Jänner 1960", "3. Jänner 1960"),
    # pt
    ("pt", "Data de nascimento: 14/03/1986", "14/03/1986"),
    ("pt", "nascido em Lisboa a 14 de março de 1986", "14 de março de 1986"),
    ("pt", "Doente: Ana Sousa, nascida em 02-11-1950", "02-11-1950"),
    ("pt", "O senhor nasceu a 7 de outubro de 1949 no Porto.", "7 de outubro de 1949"),
    ("pt", "Dt. nasc.: 1990-05-21", "1990-05-21"),
    # pl
    ("pl", "Data urodzenia: 14.03.1986", "14.03.1986"),
    ("pl", "Pacjent: Jan Nowak, ur. 14 marca 1986 r.", "14 marca 1986"),
    ("pl", "urodził się w Krakowie 3 października 1975 r.", "3 października 1975"),
    ("pl", "Urodzona/a dnia 21.11.1990", "21.11.1990"),
    ("pl", "Pacjentka: Anna Wiśniewska, ur. 14 III 1986 r.", "14 III 1986"),
    # cs
    ("cs", "Datum narození: 14. 3. 1986", "14. 3. 1986"),
    ("cs", "Pacient: Petr Novák, nar. 14. března 1986", "14. března 1986"),
    ("cs", "narodila se v Brně dne 2.11.1961", "2.11.1961"),
    ("cs", "narozen 14.března 1986 v Olomouci", "14.března 1986"),
    # sk
    ("sk", "Dátum narodenia: 14.03.1986", "14.03.1986"),
    ("sk", "narodená 5. mája 1977 v Žiline", "5. mája 1977"),
    ("sk", "Pacient Ján Kováč, nar. 30. 6. 1958", "30. 6. 1958"),
    # hu
    ("hu", "Születési idő: 1986. 03. 14.", "1986. 03. 14"),
    ("hu", "szül.: 1986. március 14.", "1986. március 14"),
    ("hu", "Kovács Anna 1986. márc. 14-én született Debrecenben.", "1986. márc. 14"),
    ("hu", "Született: 1979.11.02.", "1979.11.02"),
    # sv
    ("sv", "Födelsedatum: 1986-03-14", "1986-03-14"),
    ("sv", "född den 14 mars 1986 i Uppsala", "14 mars 1986"),
    ("sv", "Hon föddes i Malmö 3 augusti 1968.", "3 augusti 1968"),
    # da
    ("da", "Fødselsdato: 14.03.1986", "14.03.1986"),
    ("da", "født den 14. marts 1986 i Aarhus", "14. marts 1986"),
    ("da", "Patient: Jens Holm, født 2. december 1944", "2. december 1944"),
    # no
    ("no", "Fødselsdato: 14.3.1986", "14.3.1986"),
    ("no", "født 14. mars 1986 i Bergen", "14. mars 1986"),
    ("no", "Hun er født 31. desember 1999.", "31. desember 1999"),
    # fi
    ("fi", "Syntymäaika: 14.3.1986", "14.3.1986"),
    ("fi", "syntynyt Tampereella 14. maaliskuuta 1986", "14. maaliskuuta 1986"),
    ("fi", "Potilas: Matti Virtanen, s. 14.3.1986", "14.3.1986"),
    ("fi", "Potilas: Liisa Mäki, synt. 2.12.1955", "2.12.1955"),
    # et
    ("et", "Sünniaeg: 14.03.1986", "14.03.1986"),
    ("et", "sündinud 14. märtsil 1986 Tartus", "14. märtsil 1986"),
    ("et", "Patsient: Mari Tamm, sünd. 02.11.1960", "02.11.1960"),
    # lv
    ("lv", "Dzimšanas datums: 14.03.1986.", "14.03.1986"),
    ("lv", "dzimis 1986. gada 14. martā Rīgā", "1986. gada 14. martā"),
    ("lv", "Anna Bērziņa, dzimusi 1971. gada 3. novembrī", "1971. gada 3. novembrī"),
    # lt
    ("lt", "Gimimo data: 1986-03-14", "1986-03-14"),
    ("lt", "gimęs 1986 m. kovo 14 d. Vilniuje", "1986 m. kovo 14"),
    ("lt", "Ji gimusi 1990 m. gegužės 2 d.", "1990 m. gegužės 2"),
    ("lt", "Petras Kazlauskas, 1952-07-09 gimęs Kaune", "1952-07-09"),
    # el
    ("el", "Ημερομηνία γέννησης: 14/03/1986", "14/03/1986"),
    ("el", "γεννήθηκε στην Αθήνα στις 14 Μαρτίου 1986", "14 Μαρτίου 1986"),
    ("el", "Ημ. γέν.: 2 Μαΐου 1961", "2 Μαΐου 1961"),
    ("el", "ΗΜΕΡΟΜΗΝΙΑ ΓΕΝΝΗΣΗΣ: 14 ΜΑΡΤΙΟΥ 1986", "14 ΜΑΡΤΙΟΥ 1986"),
    # ro
    ("ro", "Data nașterii: 14.03.1986", "14.03.1986"),
    ("ro", "născută la 14 martie 1986 în Cluj", "14 martie 1986"),
    ("ro", "Pacient: Ion Popa, născut(ă) la 02.11.1950", "02.11.1950"),
    ("ro", "data nasterii 5 noiembrie 1969", "5 noiembrie 1969"),
    ("ro", "Data naşterii: 1 ianuarie 1970", "1 ianuarie 1970"),
    # hr
    ("hr", "Datum rođenja: 14. 3. 1986.", "14. 3. 1986"),
    ("hr", "rođen 14. ožujka 1986. u Zagrebu", "14. ožujka 1986"),
    ("hr", "Ana Horvat, rođena 31. listopada 1972.", "31. listopada 1972"),
    # sl
    ("sl", "Datum rojstva: 14. 3. 1986", "14. 3. 1986"),
    ("sl", "rojen 14. marca 1986 v Ljubljani", "14. marca 1986"),
    ("sl", "Pacientka Maja Novak, rojena 2. 11. 1958", "2. 11. 1958"),
    # bg
    ("bg", "Дата на раждане: 14.03.1986", "14.03.1986"),
    ("bg", "роден на 14 март 1986 г. в София", "14 март 1986"),
    ("bg", "Пациент: Мария Иванова, родена 02.11.1950 г.", "02.11.1950"),
]

NOT_FOUND = [
    ("de", "Geburtsdatum: 31 02 1985"),  # no such day
    # pt
    ("pt", "Consulta marcada para 14/03/2024 às 10h."),
    ("pt", "nascido em Lisboa, consulta em 14 de março de 2024"),
    ("pt", "Data de nascimento: desconhecida, fatura de 12/03/2024"),
    # pl
    ("pl", "Faktura z dnia 14 marca 2024 r."),
    ("pl", "urodzony w Krakowie, wizyta 14.03.2024"),
    # cs
    ("cs", "Termín návštěvy: 14. 3. 2024"),
    ("cs", "narozen v Brně, objednán na 14. března 2024"),
    # sk
    ("sk", "Faktúra zo dňa 14.03.2024"),
    ("sk", "narodený v Žiline, kontrola 14. mája 2024"),
    # hu
    ("hu", "Számla kelte: 2024. 03. 14."),
    ("hu", "született Debrecenben, vizsgálat 2024. március 14."),
    # sv
    ("sv", "Fakturadatum: 2024-03-14"),
    ("sv", "född i Uppsala, besök 14 mars 2024"),
    # da
    ("da", "Faktura udstedt 14. marts 2024"),
    ("da", "født i Aarhus, tid hos lægen 14.03.2024"),
    # no
    ("no", "Time hos legen 14.3.2024 kl. 10"),
    ("no", "født i Bergen, time 14. mars 2024"),
    # fi
    ("fi", "Lasku päivätty 14.3.2024"),
    ("fi", "syntynyt Tampereella, vastaanotto 14. maaliskuuta 2024"),
    ("fi", "Katso s. 14.3.2024 pöytäkirja"),
    # et
    ("et", "Arve kuupäev 14.03.2024"),
    ("et", "sündinud Tartus, visiit 14. märtsil 2024"),
    # lv
    ("lv", "Rēķins izrakstīts 2024. gada 14. martā"),
    ("lv", "dzimis Rīgā, vizīte 2024. gada 14. martā"),
    # lt
    ("lt", "Sąskaita išrašyta 2024 m. kovo 14 d."),
    ("lt", "gimęs Vilniuje, vizitas 2024-03-14"),
    # el
    ("el", "Ραντεβού στις 14/03/2024"),
    ("el", "γεννήθηκε στην Αθήνα, ραντεβού 14 Μαρτίου 2024"),
    # ro
    ("ro", "Factura din 14.03.2024"),
    ("ro", "născut în Cluj, programare 14 martie 2024"),
    # hr
    ("hr", "Račun izdan 14. 3. 2024."),
    ("hr", "rođen u Zagrebu, pregled 14. ožujka 2024."),
    # sl
    ("sl", "Račun z dne 14. 3. 2024"),
    ("sl", "rojen v Ljubljani, pregled 14. marca 2024"),
    # bg
    ("bg", "Фактура от 14.03.2024 г."),
    ("bg", "роден в София, преглед на 14 март 2024 г."),
    # a real date is still required
    ("pl", "Data urodzenia: 31 kwietnia 1986"),
    ("hu", "Születési idő: 1986. 02. 30."),
    ("pl", "ur. 14 XIII 1986"),
    ("pl", "Wizyta 14 III 2024 r."),
]


@pytest.mark.parametrize(("language", "text", "expected"), FOUND)
def test_date_of_birth_found(language: str, text: str, expected: str) -> None:
    results = DOB.analyze(text, ["DATE_OF_BIRTH"])
    assert [text[r.start:r.end] for r in results] == [expected], language


@pytest.mark.parametrize(("language", "text"), NOT_FOUND)
def test_date_of_birth_not_found(language: str, text: str) -> None:
    assert [text[r.start:r.end] for r in DOB.analyze(text, ["DATE_OF_BIRTH"])] == [], language


@pytest.mark.parametrize(("spelling", "month"), [
    ("marca", 3), ("března", 3), ("brezna", 3), ("maaliskuuta", 3), ("μαρτίου", 3), ("μαρτιου", 3), ("kovo", 3),
    ("martā", 3), ("március", 3), ("martie", 3), ("março", 3), ("март", 3), ("ožujka", 3), ("märtsil", 3),
    ("mar", 3), ("mai", 5), ("maj", 5), ("μαΐου", 5), ("dec", 12), ("desember", 12), ("gruodžio", 12),
    ("listopadu", 11), ("studenoga", 11), ("listopada", 10), ("out", 10), ("noi", 11), ("lipnja", 6), ("lipca", 7),
])
def test_month_spellings(spelling: str, month: int) -> None:
    assert _MONTH_NAMES[spelling] == month


@pytest.mark.parametrize(("value", "expected"), [
    ("1986. 03. 14", True), ("1986. március 14", True), ("1986 m. kovo 14", True), ("1986. gada 14. martā", True),
    ("14. 3. 1986", True), ("14.III.1986", True), ("31 IV 1986", False), ("29 lutego 1987", False),
    ("31 listopadu 1986", False), ("31. listopada 1972", True),
])
def test_is_calendar_date(value: str, expected: bool) -> None:
    assert is_calendar_date(value) is expected
