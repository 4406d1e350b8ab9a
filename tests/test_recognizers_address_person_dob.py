"""Tables of found and not-found examples for the street address, person-cue and date-of-birth recognizers.

Names and streets here are invented for the tests; each valid row pins the exact reported span.
"""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.address import ADDRESS_RECOGNIZERS, StreetAddressRecognizer
from gdprep.privacy.recognizers.base import GdprepPatternRecognizer
from gdprep.privacy.recognizers.dob import DOB_RECOGNIZERS, DateOfBirthRecognizer, is_calendar_date
from gdprep.privacy.recognizers.person import PERSON_RECOGNIZERS, PersonCueRecognizer

ADDRESS = StreetAddressRecognizer()
PERSON = PersonCueRecognizer()
DOB = DateOfBirthRecognizer()


def spans(recognizer: GdprepPatternRecognizer, text: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [recognizer.ENTITY])]


# --- street addresses -------------------------------------------------------------------------------------

ADDRESS_VALID = [
    ("Please post it to 221B Quillon Street.", "221B Quillon Street"),
    # Ukrainian, Russian and Bulgarian in Cyrillic: street word, name, house number, flat, town, postcode
    ("He lives at вул. Хрещатик, 22, кв. 5, м. Київ, 01001 with his sister.",
     "вул. Хрещатик, 22, кв. 5, м. Київ, 01001"),
    ("Адрес: г. Рязань, ул. Слободская, д. 186 к. 139, 030824", "г. Рязань, ул. Слободская, д. 186 к. 139, 030824"),
    ("Адрес: гр. София, бул. „Витоша“ 15, бл. 5, вх. А", "гр. София, бул. „Витоша“ 15, бл. 5, вх. А"),
    ("Нова адреса: проспект Перемоги, буд. 8.", "проспект Перемоги, буд. 8"),
    # Latin America and Indonesia
    ("He lives at Cl. 121 # 34-97 with his sister.", "Cl. 121 # 34-97"),
    ("Envíelo a Carrera 43Y Bis # 4M-4 Este.", "Carrera 43Y Bis # 4M-4 Este"),
    ("Kirim ke Jl. Indragiri No. 3, Bengkulu", "Jl. Indragiri No. 3, Bengkulu"),
    ("Flat 3, 14 Kingsway Road, Leeds LS6 2QT", "Flat 3, 14 Kingsway Road, Leeds LS6 2QT"),
    ("New address: Apartment 12, 5 Queen's Gate, London SW7 5HR.",
     "Apartment 12, 5 Queen's Gate, London SW7 5HR"),
    ("Send it to 12 High St, Bristol BS1 4DJ before Friday", "12 High St, Bristol BS1 4DJ"),
    ("I live at 5 Mill Lane, Sarah lives next door", "5 Mill Lane"),
    ("we moved to 7 Marrowby Close, Upper Tilford, Kent ME14 2XZ",
     "7 Marrowby Close, Upper Tilford, Kent ME14 2XZ"),
    ("my address is 12 high st, bristol bs1 4dj", "12 high st, bristol bs1 4dj"),
    ("Rose Cottage, Mill Lane, Little Snoring, Norfolk NR21 0AA",
     "Rose Cottage, Mill Lane, Little Snoring, Norfolk NR21 0AA"),
    ("Ich wohne in der Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
    ("Lieferung an Am Markt 3a, 80331 München", "Am Markt 3a, 80331 München"),
    ("Anschrift: Berliner Straße 12 a, D-60311 Frankfurt am Main",
     "Berliner Straße 12 a, D-60311 Frankfurt am Main"),
    ("Wohnung 4, Lindenallee 7, 50667 Köln", "Wohnung 4, Lindenallee 7, 50667 Köln"),
    ("An der Alster 3, 20099 Hamburg", "An der Alster 3, 20099 Hamburg"),
    ("Brief an\nGoldbachweg 14\n70173 Stuttgart\n", "Goldbachweg 14\n70173 Stuttgart"),
    ("J'habite au 12 rue de la Paix, 75002 Paris.", "12 rue de la Paix, 75002 Paris"),
    ("3 bis avenue Victor Hugo, 69003 Lyon", "3 bis avenue Victor Hugo, 69003 Lyon"),
    ("appartement 5, 8 rue des Lilas Blancs, 33000 Bordeaux",
     "appartement 5, 8 rue des Lilas Blancs, 33000 Bordeaux"),
    ("Rue de la Loi 16, 1000 Bruxelles", "Rue de la Loi 16, 1000 Bruxelles"),
    ("Mijn adres is Kerkstraat 12, 1017 GC Amsterdam.", "Kerkstraat 12, 1017 GC Amsterdam"),
    ("Bezorgen op Prinsengracht 263-267, 1016 GV Amsterdam", "Prinsengracht 263-267, 1016 GV Amsterdam"),
    ("Abito in Via Roma 10, 00184 Roma.", "Via Roma 10, 00184 Roma"),
    ("Piazza Garibaldi 4, 20121 Milano", "Piazza Garibaldi 4, 20121 Milano"),
    ("Vivo in via dei Tigli 5 a Napoli", "via dei Tigli 5"),
    ("Calle Mayor 5, 3º B, 28013 Madrid", "Calle Mayor 5, 3º B, 28013 Madrid"),
    ("Avenida de la Constitución 12, 41004 Sevilla", "Avenida de la Constitución 12, 41004 Sevilla"),
    ("Carrer de Valldoreix 401, 08013 Barcelona", "Carrer de Valldoreix 401, 08013 Barcelona"),
    ("Ship to: 4 Harrowgate Lane, Smithford, W8 6FJ", "4 Harrowgate Lane, Smithford, W8 6FJ"),
    ("Adres: Kerkstraat 9, 5907JO, Hasselt", "Kerkstraat 9, 5907JO, Hasselt"),
    ("Vicolo Stretto, 59, 30010, Campo Lupino (VE)", "Vicolo Stretto, 59, 30010, Campo Lupino (VE)"),
    ("Paseo de Loreto Baena 59, Soria, 42002", "Paseo de Loreto Baena 59, Soria, 42002"),
    ("Livraison : rue de Picardie, 30910 Lunel", "rue de Picardie, 30910 Lunel"),
    ("9 O'Malley Gardens, Northaven, S90 7EG", "9 O'Malley Gardens, Northaven, S90 7EG"),
    # US military post (USPS Publication 28): the APO/FPO/DPO line with its ZIP code marks the address
    ("Billing address: PSC 4014, Box 1931, APO AA 16449", "PSC 4014, Box 1931, APO AA 16449"),
    ("Forward to Unit 2532 Box 8704\nDPO AP 95577 please", "Unit 2532 Box 8704\nDPO AP 95577"),
    ("He serves on USNS Hayes\nFPO AE 84975-1234.", "USNS Hayes\nFPO AE 84975-1234"),
    # post-office boxes, and the North American / Australian town, state and postcode tail
    ("Address: P.O. Box 4567, Anchorage, AK 99510", "P.O. Box 4567, Anchorage, AK 99510"),
    ("Postfach 10 11 40, 70010 Stuttgart", "Postfach 10 11 40, 70010 Stuttgart"),
    ("Mail it to 77 Massachusetts Ave., Cambridge, MA 02139 today", "77 Massachusetts Ave., Cambridge, MA 02139"),
    ("Unit 5, 23 Smith St, Fitzroy VIC 3065", "Unit 5, 23 Smith St, Fitzroy VIC 3065"),
    ("Ship to 555 Burrard St, Vancouver, BC V7X 1M8", "555 Burrard St, Vancouver, BC V7X 1M8"),
]

ADDRESS_INVALID = [
    "Step 3 of 5",
    "Зустріч на вул. Хрещатик завтра о 5.",   # a street with no house number: a place
    "Ціна 250 грн, доставка 2 дні.",
    "Room 5 # 2-3 notes",                      # a grid address needs its street kind
    "the gang of 5 arrived",
    "See Version 2 Road map for details",
    "Call 3 times before giving up",
    "Chapter 12 Place holders are explained later",
    "The meeting is in room 4",
    "The voucher is valid for 30 days",
    "an offence under Section 5 Street Offences Act",
    "It costs £12 Market Street prices",
    "We walked 5 miles down the road",
    "The parcel was sent via Amazon 3 times",
    "Appointment on 12 March 2024 at 10:30",
    "Total: 1,250.00 EUR, Release 2024-05-01",
    "Der Parkplatz 3 ist frei.",
    "j'ai 3 places de parking",
    "Flat 2 please",
    "Order 12345 shipped to customer 67890",
    "In 2019 Queen Street was closed for repairs",
    "Der Weg 5 Jahre lang war hart.",
    "Place Order 3.",
    "Am Montag 3 Termine",
    "Nel corso Python 3 lezioni",
]


@pytest.mark.parametrize(("text", "expected"), ADDRESS_VALID)
def test_street_address_found(text: str, expected: str) -> None:
    results = ADDRESS.analyze(text, ["STREET_ADDRESS"])
    assert [text[r.start:r.end] for r in results] == [expected]
    assert all(0.5 <= r.score <= 0.85 for r in results)


@pytest.mark.parametrize("text", ADDRESS_INVALID)
def test_street_address_not_found(text: str) -> None:
    assert spans(ADDRESS, text) == []


# --- person names after cues ------------------------------------------------------------------------------

PERSON_VALID = [
    ("Hello, my name is sarah jonquil and I need help", "sarah jonquil"),
    ("Mr Pemberton called about the invoice", "Pemberton"),
    ("Dear Mrs O'Harlan,\nthank you for your letter", "O'Harlan"),
    ("Sehr geehrte Frau Dr. Kellermeyer,", "Kellermeyer"),
    ("Ich heiße Lukas Brandtner und wohne hier", "Lukas Brandtner"),
    ("Bonjour Mme Lefauvre, merci", "Lefauvre"),
    ("je m'appelle Jean-Luc Morvanec", "Jean-Luc Morvanec"),
    ("Dhr. van der Bosschaert komt morgen", "van der Bosschaert"),
    ("mijn naam is pieter de wilder", "pieter de wilder"),
    ("Gentile Sig.ra Bianconeri,", "Bianconeri"),
    ("mi chiamo giulia ferrantelli", "giulia ferrantelli"),
    ("Estimado Sr. Garcillán López:", "Garcillán López"),
    ("Hola, me llamo María del Carrizo", "María del Carrizo"),
    ("I'm Priyanka, nice to meet you", "Priyanka"),
    ("This is Tomas Brackley from Acme support", "Tomas Brackley"),
    ("Name: Johan Smitherly\nDOB: 12/03/1985", "Johan Smitherly"),
    ("Patient: ahmed khanzada", "ahmed khanzada"),
    ("Nom : Dupontel", "Dupontel"),
    ("Mitarbeiter: Jonas Krügerle", "Jonas Krügerle"),
    ("Nombre: Lucía Fernándel", "Lucía Fernándel"),
    ("hi sarabeth, thanks for the update", "sarabeth"),
    ("Liebe Johanna,\nwie geht's?", "Johanna"),
    ("Beste Sanne,\nBedankt voor je bericht.", "Sanne"),
    ("Ciao Francesca!", "Francesca"),
    ("Kind regards,\nOliver Grantham", "Oliver Grantham"),
    ("Best,\nmeg", "meg"),
    ("Mit freundlichen Grüßen\nKlaus Wetterau", "Klaus Wetterau"),
    ("Cordialement,\nÉlodie Marchetti", "Élodie Marchetti"),
    ("Met vriendelijke groet,\nDaan Visschering", "Daan Visschering"),
    ("Cordiali saluti,\nMarco Brunetti", "Marco Brunetti"),
    ("Un saludo,\nPablo Ruizalba", "Pablo Ruizalba"),
    ("Thanks for the quick reply. Regards, Sarabeth", "Sarabeth"),
    ('{"id": 7, "first_name": "Aisha", "plan": "pro"}', "Aisha"),
    ("Geachte mevrouw de Grootveld,", "de Grootveld"),
    ("Dear Mevr. Jansen-de Vriesland,", "Jansen-de Vriesland"),
    ("Cordialement,\nJoséphine Traoré Le Blanchet", "Joséphine Traoré Le Blanchet"),
    ("Un saludo,\nMaría José Garcillán López", "María José Garcillán López"),
    ("Name: Univ.Prof. Andres Frankel B.Sc.", "Andres Frankel"),
]

PERSON_INVALID = [
    "Hi team, the build is green",
    "Dear customer, your order has shipped",
    "Dear Sir or Madam,",
    "Hi all",
    "I'm sorry for the delay",
    "I'm happy to help",
    "this is urgent",
    "je suis désolé pour le retard",
    "sono disponibile domani",
    "soy consciente del problema",
    "ik ben blij met het resultaat",
    "Dear Hiring Manager,",
    "Hallo zusammen,",
    "File name: report.pdf",
    "Customer: Acme Ltd",
    "I miss London in spring",
    "MS Word crashed again",
    "Thanks, that works.",
    "Regards,\nThe Support Team",
    "name: build\nruns-on: ubuntu-latest",
    "def greet(name: str) -> None:",
    "We are hiring a Sr. Software Engineer",
    "Beste Preise im Juni",
    "Name: Total",
    "Patient: Male, 45 years old",
    '{"name": "express", "version": "4.18.2"}',
    "Herr der Ringe ist ein Buch",
    "Hello World! This program prints text.",
]


@pytest.mark.parametrize(("text", "expected"), PERSON_VALID)
def test_person_cue_found(text: str, expected: str) -> None:
    results = PERSON.analyze(text, ["PERSON"])
    assert [text[r.start:r.end] for r in results] == [expected]
    assert all(0.5 <= r.score <= 0.85 for r in results)


@pytest.mark.parametrize("text", PERSON_INVALID)
def test_person_cue_not_found(text: str) -> None:
    assert spans(PERSON, text) == []


# --- dates of birth ---------------------------------------------------------------------------------------

DOB_VALID = [
    ("DOB: 12/03/1985", "12/03/1985"),
    ("DOB: 19850312", "19850312"),                          # an export's compact date, year first
    ("date of birth is 20010228, can you check?", "20010228"),
    ("Patient D.O.B. 1985-03-12, seen today", "1985-03-12"),
    ("date of birth is 12 March 1985", "12 March 1985"),
    ("She was born on March 12, 1985 in Leeds", "March 12, 1985"),
    ("born in Leeds on the 12th of March 1985", "12th of March 1985"),
    ("DOB (dd/mm/yyyy): 05/11/79", "05/11/79"),
    ("Geburtsdatum: 12.03.1985", "12.03.1985"),
    ("geb. 12. März 1985 in Ulm", "12. März 1985"),
    ("geboren am 3. Mai 1990", "3. Mai 1990"),
    ("née le 1er mars 1985 à Lyon", "1er mars 1985"),
    ("Date de naissance : 12/03/1985", "12/03/1985"),
    ("geboortedatum 12 maart 1985", "12 maart 1985"),
    ("geboren op 12-03-1985 te Utrecht", "12-03-1985"),
    ("data di nascita: 12 marzo 1985", "12 marzo 1985"),
    ("nata a Roma il 12/03/1985", "12/03/1985"),
    ("fecha de nacimiento: 12 de marzo de 1985", "12 de marzo de 1985"),
    ("nacido el 29 de febrero de 1988", "29 de febrero de 1988"),
    ("Birthday: 7 Sept 1992", "7 Sept 1992"),
    ('{"patient_dob": "1985-03-12", "visit": "2024-01-02"}', "1985-03-12"),
    ("| DOB | 12/03/1985 |", "12/03/1985"),
    ("Client: J. Doe | b. 5 June 1997 | UK resident", "5 June 1997"),
    ("Paz.: Mario Verdi, n. 11 aprile 1952, CF", "11 aprile 1952"),
    ("Cliente: Ana Ruiz, nací el 25/12/1988", "25/12/1988"),
    ("Alumno/a: Leo Mar\nNacido/a el 07/09/1949", "07/09/1949"),
    ("and 1976-08-14 is my birthday", "1976-08-14"),
    ("Er ist am 4. Oktober 2000 geboren.", "4. Oktober 2000"),
    ("3 January 1988\n(date of birth)", "3 January 1988"),
    ("Geb. datum: 21-11-1957", "21-11-1957"),
    ("Data di nascita (gg/mm/aaaa): 20 febbraio 1947", "20 febbraio 1947"),
    ("Né(e) le : 30 juin 1960", "30 juin 1960"),
    ("DoB on the booking system says 18 Jul 1999", "18 Jul 1999"),
    ("Luogo e data di nascita: Napoli, 6 marzo 1954", "6 marzo 1954"),
    ("Votre date de naissance.\nClient : le 21/10/1985", "21/10/1985"),
    ("DOB 3rd Apr 85", "3rd Apr 85"),                       # a two-digit year where the phrase ends
    ("DOB 12-Jan-1977", "12-Jan-1977"),                     # the month named between two hyphens
    ("born 3/Mar/85.", "3/Mar/85"),
    ("DOB: 12 March '85, male", "12 March '85"),
]

DOB_INVALID = [
    "Appointment on 12/03/2024",
    "Order date: 2024-05-01",
    "Release 2024-05-01 is out",
    "DOB: 31/02/1985",
    "DOB: 19850231",                                        # compact, and no such day
    "Order 19850312 shipped, customer born abroad",         # no cue right before it
    "date of birth: 30 février 1990",
    "NATO summit on 12 March 2024",
    "je ne serai pas là le 12 mars 2024",
    "born in Leeds, seen on 12/03/2024",
    "She was born in 1985.",
    "Geburtsdatum: unbekannt, Termin am 12.03.2024",
    "Seen 12/03/2024, DOB not given",
    "Delivered 12/03/2024 (order date)",
    "DOB on file; next review is 12/03/2026 at the clinic",
    "DOB 31 Feb 85",                                        # no such day in 1985 or 2085
    "DOB checked on 5 May 20 minutes ago",                  # a two-digit year must end the phrase
]


@pytest.mark.parametrize(("text", "expected"), DOB_VALID)
def test_date_of_birth_found(text: str, expected: str) -> None:
    results = DOB.analyze(text, ["DATE_OF_BIRTH"])
    assert [text[r.start:r.end] for r in results] == [expected]
    assert all(0.5 <= r.score <= 0.85 for r in results)


@pytest.mark.parametrize("text", DOB_INVALID)
def test_date_of_birth_not_found(text: str) -> None:
    assert spans(DOB, text) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("29/02/2000", True), ("29/02/1900", False), ("12/31/1985", True), ("31.04.1985", False),
    ("1985-13-01", False), ("12 März 1985", True), ("31 de junio de 1985", False), ("Feb 29, 96", False),
])
def test_is_calendar_date(value: str, expected: bool) -> None:
    assert is_calendar_date(value) is expected


# --- contracts and speed ----------------------------------------------------------------------------------

@pytest.mark.parametrize("recognizer_class", [*ADDRESS_RECOGNIZERS, *PERSON_RECOGNIZERS, *DOB_RECOGNIZERS])
def test_recognizer_contract(recognizer_class: type[GdprepPatternRecognizer]) -> None:
    recognizer = recognizer_class()
    assert recognizer.supported_entities == [recognizer_class.ENTITY]
    assert recognizer.analyze("nothing personal here", ["EMAIL_ADDRESS"]) == []


_TYPICAL_PARTS = [
    "Hi Sarabeth, thanks for getting back to me about the order. ",
    "The delivery was due on 12/03/2024 but never arrived at 14 Kingsway Road, Leeds LS6 2QT. ",
    "Sehr geehrte Frau Kellermeyer, vielen Dank für Ihre Nachricht vom 3. Mai. ",
    "Ich wohne in der Hauptstraße 5, 10115 Berlin und bin ab Montag erreichbar. ",
    "Bonjour, je m'appelle Jean Morvanec et j'habite au 12 rue de la Paix, 75002 Paris. ",
    "Mijn naam is Pieter de Wilder, geboren op 12-03-1985. ",
    "Me llamo Lucía Garcillán y vivo en Calle Mayor 5, 3º B, 28013 Madrid. ",
    "The model reached 93.4% accuracy after 3 epochs on 12,000 examples. ",
    "Step 3 of 5: configure the Road map and save your changes before Version 2 ships. ",
    "We shipped 300 units via DHL on Tuesday; invoice INV-2024-0042 totals €1,250.00. ",
    "Kind regards,\nOliver Grantham\n",
]


@pytest.mark.parametrize("text", [
    "Aa-" * 3000, "Name: " + "Aa " * 3000, "12 " + "Ab " * 3000, "Via " + "Roma " * 2000,
    ", Leeds" * 1500, "DOB " * 2000, "born " + "on " * 2000 + "12", "Hi " * 3000, "Mill Lane, " * 1000,
])
def test_pathological_input_does_not_backtrack(text: str) -> None:
    # every pattern runs under the regex module's timeout (base.py): catastrophic backtracking would raise
    for recognizer in (ADDRESS, PERSON, DOB):
        assert isinstance(recognizer.analyze(text, [recognizer.ENTITY]), list)


@pytest.mark.parametrize("cls", DOB_RECOGNIZERS)
def test_dob_cue_prefilters_change_no_finding(cls: type[GdprepPatternRecognizer]) -> None:
    """A date-of-birth pattern is skipped for a text without its cue: the same findings as running them all."""
    with_prefilters, without = cls(), cls()
    without._compiled = [(name, compiled, score, None) for name, compiled, score, _ in without._compiled]
    texts = [text for text, _ in DOB_VALID] + list(DOB_INVALID)
    texts += ["Anna Weber (12.03.1980) called", "Mme Inès Lambert, 13/02/1986, adressée par", "12/03/1985 (DOB)"]
    found = 0
    for text in texts:
        expected = [(r.start, r.end, r.score) for r in without.analyze(text, [])]
        assert [(r.start, r.end, r.score) for r in with_prefilters.analyze(text, [])] == expected, text
        found += len(expected)
    assert found
