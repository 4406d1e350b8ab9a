"""Tables of valid and invalid EU national identifiers; valid values are built with stdnum's check digits."""

from __future__ import annotations

import pytest
from stdnum.de import idnr as stdnum_idnr
from stdnum.es import dni as stdnum_dni
from stdnum.es import nie as stdnum_nie
from stdnum.fr import nir as stdnum_nir
from stdnum.iso7064 import mod_11_10
from stdnum.it import codicefiscale as stdnum_cf
from stdnum.nl import bsn as stdnum_bsn
from stdnum.pl import pesel as stdnum_pesel

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer
from gdprep.privacy.recognizers.eu_ids import (
    DeTaxIdRecognizer,
    EsDniRecognizer,
    EsNieRecognizer,
    FrNirRecognizer,
    ItFiscalCodeRecognizer,
    NlBsnRecognizer,
    PlPeselRecognizer,
)


def found(cls: type[GdprepPatternRecognizer], text: str) -> list[str]:
    """The span texts a recognizer reports, in text order."""
    results = cls().analyze(text, [cls.ENTITY])
    return [text[r.start:r.end] for r in sorted(results, key=lambda r: r.start)]


def score_of(cls: type[GdprepPatternRecognizer], text: str) -> float:
    (result,) = cls().analyze(text, [cls.ENTITY])
    return result.score


def bad_last(value: str) -> str:
    """The same number with its last digit changed: a checksum failure."""
    return value[:-1] + str((int(value[-1]) + 1) % 10)


# -- generated valid values ------------------------------------------------------------------------
IDNR_A = "8609574271" + mod_11_10.calc_check_digit("8609574271")
IDNR_B = "6531247389" + mod_11_10.calc_check_digit("6531247389")  # 3 appears twice
IDNR_C = "9512557380" + mod_11_10.calc_check_digit("9512557380")  # 5 appears three times
IDNR_ALL_DISTINCT = "1234567890" + mod_11_10.calc_check_digit("1234567890")

NIR_A = "1841276451089" + stdnum_nir.calc_check_digits("1841276451089")
NIR_B = "2920575123456" + stdnum_nir.calc_check_digits("2920575123456")
NIR_OVERSEAS = "2850597123456" + stdnum_nir.calc_check_digits("2850597123456")  # dept 971, commune 23
NIR_MONTH_13 = "1841376451089" + stdnum_nir.calc_check_digits("1841376451089")
NIR_SEX_5 = "5841276451089" + stdnum_nir.calc_check_digits("5841276451089")

DNI_A = "87654321" + stdnum_dni.calc_check_digit("87654321")
DNI_B = "45678912" + stdnum_dni.calc_check_digit("45678912")
NIE_Y = "Y7654321" + stdnum_nie.calc_check_digit("Y7654321")
NIE_Z = "Z0012345" + stdnum_nie.calc_check_digit("Z0012345")

CF_OMOCODIA = "RCCMNL83S18D96V" + stdnum_cf.calc_check_digit("RCCMNL83S18D96V")  # 9 -> V
CF_GENERATED = "BNCGVN90A41H501" + stdnum_cf.calc_check_digit("BNCGVN90A41H501")
CF_DAY_32 = "RCCMNL83S32D969" + stdnum_cf.calc_check_digit("RCCMNL83S32D969")


def complete_bsn(first8: str) -> str:
    """The 9-digit BSN starting with `first8`, its last digit chosen so that stdnum accepts it."""
    return next(first8 + d for d in "0123456789" if stdnum_bsn.is_valid(first8 + d))


BSN_A = complete_bsn("12345678")
BSN_B = complete_bsn("23456789")


def pesel(birth: str, serial: str) -> str:
    return birth + serial + stdnum_pesel.calc_check_digit(birth + serial)


PESEL_1985 = pesel("850312", "0476")
PESEL_2005 = pesel("052714", "1234")  # month + 20 marks the 2000s
PESEL_2150 = pesel("504101", "1234")  # month + 40: born in 2150, in the future
PESEL_MONTH_13 = pesel("851312", "0476")
# passes both PESEL and DE IdNr checks: which type it is depends on the cue word
AMBIGUOUS_11 = "85031204762"


def test_generated_values_are_valid() -> None:
    assert all(stdnum_idnr.is_valid(v) for v in (IDNR_A, IDNR_B, IDNR_C))
    assert all(stdnum_nir.is_valid(v) for v in (NIR_A, NIR_B, NIR_OVERSEAS, NIR_MONTH_13, NIR_SEX_5))
    assert all(stdnum_cf.is_valid(v) for v in (CF_OMOCODIA, CF_GENERATED))
    assert all(stdnum_pesel.is_valid(v) for v in (PESEL_1985, PESEL_2005, PESEL_2150))
    assert stdnum_pesel.is_valid(AMBIGUOUS_11) and stdnum_idnr.is_valid(AMBIGUOUS_11)


# -- DE tax id ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    (f"Steuer-ID: {IDNR_A}", [IDNR_A]),
    ("Steueridentifikationsnummer 36 574 261 809", ["36 574 261 809"]),
    (f"Meine steuerliche Identifikationsnummer lautet {stdnum_idnr.format(IDNR_B)}.",
     [stdnum_idnr.format(IDNR_B)]),
    (f"IdNr. {IDNR_C}", [IDNR_C]),
    ("Bitte 36574261809 eintragen", ["36574261809"]),  # stdnum's own example, bare
    (f"Tax ID ({IDNR_B}) and {IDNR_C}", [IDNR_B, IDNR_C]),
])
def test_de_tax_id_valid(text: str, expected: list[str]) -> None:
    assert found(DeTaxIdRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    f"Steuer-ID: {bad_last(IDNR_A)}",                      # check digit
    "Steuer-ID: 36574261890",                              # last two digits swapped
    f"Steuer-ID: {IDNR_ALL_DISTINCT}",                     # no repeated digit
    "Steuer-ID: 36554266806",                              # a digit repeated in two places
    f"Steuer-ID: 0{IDNR_A[1:]}",                           # leading zero
    f"Steuer-ID: {IDNR_A}7",                               # 12 digits
    f"Steuer-ID: {IDNR_A[:-1]}",                           # 10 digits
    f"order ORD-{IDNR_A} shipped",                         # SKU / order number
    f"call +{IDNR_A}",                                     # phone number
    f"amount {IDNR_A}.50 EUR",                             # price
])
def test_de_tax_id_invalid(text: str) -> None:
    assert found(DeTaxIdRecognizer, text) == []


def test_checksum_only_ids_are_typed_by_their_cue() -> None:
    # a bare validated number is still found, but below a cued one, so the cued type wins an overlap
    assert score_of(DeTaxIdRecognizer, f"Steuer-ID {AMBIGUOUS_11}") == 1.0
    assert score_of(PlPeselRecognizer, f"Steuer-ID {AMBIGUOUS_11}") == 0.5
    assert score_of(PlPeselRecognizer, f"PESEL {AMBIGUOUS_11}") == 1.0
    assert score_of(DeTaxIdRecognizer, f"PESEL {AMBIGUOUS_11}") == 0.6
    assert score_of(NlBsnRecognizer, f"BSN {BSN_A}") == 1.0
    assert score_of(NlBsnRecognizer, f"klant {BSN_A}") == 0.5  # bare: redacted, and listed for review


def _spaced(value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def _dotted(value: str) -> str:
    return f"{value[:4]}.{value[4:6]}.{value[6:]}"


def test_a_bsn_in_three_groups_is_one_only_in_dutch_prose() -> None:
    dutch = "Ik heb mijn nummer {} al doorgegeven."
    assert found(NlBsnRecognizer, dutch.format(_spaced(BSN_A))) == [_spaced(BSN_A)]
    assert found(NlBsnRecognizer, dutch.format(_spaced(bad_last(BSN_A)))) == []
    assert found(NlBsnRecognizer, f"Details: {_spaced(BSN_A)}") == []


def test_an_uncued_bsn_layout_is_no_phone_number() -> None:
    from gdprep.privacy.recognizers.phone import PhoneRecognizer

    phone = PhoneRecognizer()

    def phones(text: str) -> list[str]:
        return [text[r.start:r.end] for r in phone.analyze(text, ["PHONE_NUMBER"])]

    # "1234.56.782" is how Dutch records write a BSN; phone numbers are not grouped 4-2-3 with dots
    assert phones(f"Identificatie: {_dotted(BSN_A)}") == []
    assert found(NlBsnRecognizer, f"Identificatie: {_dotted(BSN_A)}") == [_dotted(BSN_A)]
    # three groups of three: a BSN in Dutch prose, a phone number elsewhere
    assert phones(f"Ik heb mijn nummer {_spaced(BSN_A)} al doorgegeven.") == []
    assert phones(f"Details: {_spaced(BSN_A)}") == [_spaced(BSN_A)]
    # a phone cue keeps the phone reading, whatever the checksum says
    assert phones(f"Bel mij op {_dotted(BSN_A)}") == [_dotted(BSN_A)]


# -- FR NIR -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("N° de sécurité sociale : 2 95 10 99 126 111 93", ["2 95 10 99 126 111 93"]),
    ("Corse-du-Sud: 253072A07300443, Haute-Corse: 253072B07300470",
     ["253072A07300443", "253072B07300470"]),
    (f"NIR {NIR_A}.", [NIR_A]),
    (f"numéro {stdnum_nir.format(NIR_B)} (assuré)", [stdnum_nir.format(NIR_B)]),
    (f"outre-mer : {NIR_OVERSEAS}", [NIR_OVERSEAS]),
    ("spaced 2 85 05 971 23 456 " + NIR_OVERSEAS[-2:], ["2 85 05 971 23 456 " + NIR_OVERSEAS[-2:]]),
    (f"dotted {stdnum_nir.format(NIR_A, '.')}", [stdnum_nir.format(NIR_A, ".")]),
])
def test_fr_nir_valid(text: str, expected: list[str]) -> None:
    assert found(FrNirRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "NIR 2 95 10 99 126 111 99",                           # key
    f"NIR {NIR_A[:-1]}",                                   # 14 digits
    f"NIR {NIR_A}3",                                       # 16 digits
    f"NIR {NIR_SEX_5}",                                    # first digit is not a sex code
    f"NIR {NIR_MONTH_13}",                                 # month 13
    "NIR 253072C07300443",                                 # only 2A/2B are letters
    f"invoice INV-{NIR_A}",                                # document number
    f"tracking {NIR_A}0001",                               # longer reference
])
def test_fr_nir_invalid(text: str) -> None:
    assert found(FrNirRecognizer, text) == []


# -- ES DNI / NIE -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("DNI: 12345678Z", ["12345678Z"]),
    ("NIF 54362315-K del titular", ["54362315-K"]),
    ("con DNI 12.345.678-Z.", ["12.345.678-Z"]),
    (f"{DNI_A} y {DNI_B}", [DNI_A, DNI_B]),
    (f"documento {DNI_A[:8]} {DNI_A[8]}", [f"{DNI_A[:8]} {DNI_A[8]}"]),
    ("lower case 12345678z", ["12345678z"]),
])
def test_es_dni_valid(text: str, expected: list[str]) -> None:
    assert found(EsDniRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "DNI 54362315Z",                                       # check letter
    "DNI 1234567Z",                                        # 7 digits
    "DNI 123456789Z",                                      # 9 digits
    "we sold 12345678 z parts",                             # separated lower-case letter
    "SKU AB12345678Z",                                     # glued to a word
    "code 12345678ZX",                                     # letter run continues
    f"ref {DNI_A[:8]}-{DNI_A[8]}-01",                      # part of a longer reference
])
def test_es_dni_invalid(text: str) -> None:
    assert found(EsDniRecognizer, text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("NIE X1234567L", ["X1234567L"]),
    ("nie x-2482300w", ["x-2482300w"]),
    (f"tarjeta de residencia {NIE_Y}", [NIE_Y]),
    (f"{NIE_Z}.", [NIE_Z]),
    ("X-1234567-L y X 1234567 L", ["X-1234567-L", "X 1234567 L"]),
    (f"({NIE_Y[0]} {NIE_Y[1:8]} {NIE_Y[8]})", [f"{NIE_Y[0]} {NIE_Y[1:8]} {NIE_Y[8]}"]),
])
def test_es_nie_valid(text: str, expected: list[str]) -> None:
    assert found(EsNieRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "NIE X1234567A",                                       # check letter
    "NIE W1234567L",                                       # prefix letter
    "NIE X123456L",                                        # 6 digits
    "NIE X12345678L",                                      # 8 digits
    "model AX1234567L",                                    # glued to a word
    "part X-1234567 l",                                    # separated lower-case letter
    "serial X1234567L9",                                   # continues
])
def test_es_nie_invalid(text: str) -> None:
    assert found(EsNieRecognizer, text) == []


# -- IT codice fiscale --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Codice fiscale: RCCMNL83S18D969H", ["RCCMNL83S18D969H"]),
    ("CF CNTCHR83T41D969D (donna)", ["CNTCHR83T41D969D"]),
    (f"omocodia {CF_OMOCODIA}", [CF_OMOCODIA]),
    (f"{CF_GENERATED}.", [CF_GENERATED]),
    ("minuscolo rccmnl83s18d969h", ["rccmnl83s18d969h"]),
    (f"due: {CF_GENERATED}, RCCMNL83S18D969H", [CF_GENERATED, "RCCMNL83S18D969H"]),
])
def test_it_fiscal_code_valid(text: str, expected: list[str]) -> None:
    assert found(ItFiscalCodeRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "CF RCCMNL83S18D969A",                                 # check letter
    "CF RCCMNL83S18D969",                                  # 15 characters
    "CF RCCMNL83Z18D969H",                                 # Z is no month letter
    f"CF {CF_DAY_32}",                                     # day 32
    "CF XRCCMNL83S18D969H",                                # 17 characters
    "CF RCCMNL83S18D969H-2",                               # part of a longer code
    "the word INTERNATIONALISM is 16 letters",
])
def test_it_fiscal_code_invalid(text: str) -> None:
    assert found(ItFiscalCodeRecognizer, text) == []


# -- NL BSN -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    (f"BSN: {BSN_A}", [BSN_A]),
    ("burgerservicenummer 1112.22.333", ["1112.22.333"]),
    (f"mijn sofinummer is {BSN_B[:3]} {BSN_B[3:6]} {BSN_B[6:]}", [f"{BSN_B[:3]} {BSN_B[3:6]} {BSN_B[6:]}"]),
    (f"BSN-nummer {BSN_B}.", [BSN_B]),
    ("rij 7: 111222333", ["111222333"]),                   # bare: found, at the review score
    ("klantnummer 111222333", []),                         # labelled as another kind of number
    ("Order no. 111222333", []),
    (f"{BSN_A} en {BSN_B}", [BSN_A, BSN_B]),
])
def test_nl_bsn_valid(text: str, expected: list[str]) -> None:
    assert found(NlBsnRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "BSN 1112.52.333",                                     # 11-proof
    f"BSN {bad_last(BSN_A)}",
    "BSN 000000000",                                       # zero
    f"BSN {BSN_A}1",                                       # 10 digits
    "BSN 12345678",                                        # 8 digits
    f"order {BSN_A[:3]} {BSN_A[3:6]} {BSN_A[6:]}",         # spaced digits need the cue
    f"SKU NL-{BSN_A}",                                     # glued to a code
    f"price {BSN_A},00",                                   # an amount
])
def test_nl_bsn_invalid(text: str) -> None:
    assert found(NlBsnRecognizer, text) == []


# -- PL PESEL -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("PESEL: 44051401359", ["44051401359"]),
    (f"nr PESEL {PESEL_1985}.", [PESEL_1985]),
    (f"urodzony w 2005, PESEL {PESEL_2005}", [PESEL_2005]),
    (f"numer {PESEL_1985}", [PESEL_1985]),                 # bare: found, at a low score
    (f"({PESEL_2005})", [PESEL_2005]),
    (f"{PESEL_1985}, {PESEL_2005}", [PESEL_1985, PESEL_2005]),
])
def test_pl_pesel_valid(text: str, expected: list[str]) -> None:
    assert found(PlPeselRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "PESEL 44051401358",                                   # check digit
    "PESEL 02381307589",                                   # impossible birth date
    f"PESEL {PESEL_MONTH_13}",                             # month 13
    f"PESEL {PESEL_2150}",                                 # born in the future
    "call 07700900123",                                    # UK mobile: "born" in 2207
    f"PESEL {PESEL_1985}0",                                # 12 digits
    f"PESEL {PESEL_1985[:-1]}",                            # 10 digits
    f"item #A{PESEL_1985}",                                # glued to a code
])
def test_pl_pesel_invalid(text: str) -> None:
    assert found(PlPeselRecognizer, text) == []
