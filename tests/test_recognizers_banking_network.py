"""Tables for IBAN, card, e-mail and IP recognizers, an offline proof for e-mail, and the contract test."""

from __future__ import annotations

import socket

import pytest
import regex
from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn
from stdnum import numdb

from gdprep.offline import offline_tld_extractor
from gdprep.privacy.entities import ENTITY_TYPES
from gdprep.privacy.recognizers.banking import (
    BANKING_RECOGNIZERS,
    IBAN_LENGTHS,
    CreditCardRecognizer,
    IbanRecognizer,
)
from gdprep.privacy.recognizers.base import GdprepPatternRecognizer
from gdprep.privacy.recognizers.eu_ids import EU_ID_RECOGNIZERS
from gdprep.privacy.recognizers.network import NETWORK_RECOGNIZERS, EmailRecognizer, IpAddressRecognizer


def found(cls: type[GdprepPatternRecognizer], text: str) -> list[str]:
    """The span texts a recognizer reports, in text order."""
    results = cls().analyze(text, [cls.ENTITY])
    return [text[r.start:r.end] for r in sorted(results, key=lambda r: r.start)]


# -- IBAN -----------------------------------------------------------------------------------------------
# BBANs of the SWIFT IBAN registry's examples (BE: a bank code stdnum's Belgian check knows);
# the check digits are computed, not copied
REGISTRY_BBANS = {
    "AT": "1904300234573201", "BE": "096123456769", "BG": "BNBG96611020345678", "HR": "10010051863000160",
    "CY": "002001280000001200527600", "CZ": "08000000192000145399", "DK": "00400440116243",
    "EE": "2200221020145685", "FI": "12345600000785", "FR": "20041010050500013M02606",
    "DE": "370400440532013000", "GR": "01101250000000012300695", "HU": "117730161111101800000000",
    "IE": "AIBK93115212345678", "IT": "X0542811101000000123456", "LV": "BANK0000435195001",
    "LT": "1000011101001000", "LU": "0019400644750000", "MT": "MALT011000012345MTLCAST001S",
    "NL": "ABNA0417164300", "PL": "109010140000071219812874", "PT": "000201231234567890154",
    "RO": "AAAA1B31007593840000", "SK": "12000000198742637541", "SI": "263300012039086",
    "ES": "21000418450200051332", "SE": "50000000058398257466", "IS": "0159260076545510730339",
    "LI": "088100002324013AA", "NO": "86011117947", "GB": "NWBK60161331926819", "CH": "00762011623852957",
}
EU_EEA_GB = set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
                "IS LI NO GB".split())


def make_iban(country: str, bban: str) -> str:
    return country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban


def test_iban_table_covers_eu_eea_gb_and_matches_stdnum_registry() -> None:
    assert EU_EEA_GB <= set(IBAN_LENGTHS) <= EU_EEA_GB | {"CH"}
    assert set(REGISTRY_BBANS) == set(IBAN_LENGTHS)
    registry = numdb.get("iban")
    for country, length in IBAN_LENGTHS.items():
        bban_layout = registry.info(country)[0][1]["bban"]
        assert 4 + sum(int(n) for n in regex.findall(r"(\d+)!", bban_layout)) == length, country


@pytest.mark.parametrize("country", sorted(REGISTRY_BBANS))
def test_iban_every_country(country: str) -> None:
    iban = make_iban(country, REGISTRY_BBANS[country])
    spaced = stdnum_iban.format(iban)
    assert stdnum_iban.is_valid(iban) and len(iban) == IBAN_LENGTHS[country]
    text = f"Please pay to IBAN {iban}, or ({spaced}). Thanks: {iban.lower()}."
    assert found(IbanRecognizer, text) == [iban, spaced, iban.lower()]
    broken = iban[:2] + f"{(int(iban[2:4]) + 1) % 100:02d}" + iban[4:]
    assert found(IbanRecognizer, f"IBAN {broken} and {iban[:-1]}") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("IBAN: DE89 3704 0044 0532 0130 00", ["DE89 3704 0044 0532 0130 00"]),
    ("Konto DE89370400440532013000.", ["DE89370400440532013000"]),
    ("GB29 NWBK 6016 1331 9268 19 (Barclays)", ["GB29 NWBK 6016 1331 9268 19"]),
    ("NL91ABNA0417164300 en BE71096123456769", ["NL91ABNA0417164300", "BE71096123456769"]),
    ("rekening nl91abna0417164300", ["nl91abna0417164300"]),
    ("IBAN DE89370400440532013000 7 days", ["DE89370400440532013000"]),  # a fixed length swallows nothing
    ("MT84 MALT 0110 0001 2345 MTLC AST0 01S, NO93 8601 1117 947",
     ["MT84 MALT 0110 0001 2345 MTLC AST0 01S", "NO93 8601 1117 947"]),
    (f"virement {make_iban('FR', '30006000011234567890189')} reçu",
     [make_iban("FR", "30006000011234567890189")]),
])
def test_iban_valid(text: str, expected: list[str]) -> None:
    assert found(IbanRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "IBAN DE88 3704 0044 0532 0130 00",                    # check digits
    "IBAN DE89 3704 0044 0532 0130 0",                     # one short
    "IBAN DE8937040044053201300012",                       # too long
    f"IBAN {make_iban('DE', '37040044053201300A')}",      # letter where DE needs digits
    f"IBAN {make_iban('BR', '00360305000010009795493P1')}",  # valid, but not an EU/EEA/UK IBAN
    "SKU XDE89370400440532013000",                         # glued to a word
    "part DE89-3704-0044-0532-0130-00",                    # hyphen groups are not an IBAN layout
])
def test_iban_invalid(text: str) -> None:
    assert found(IbanRecognizer, text) == []


# -- payment cards ------------------------------------------------------------------------------------
def make_card(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 2) + "7"
    return body + stdnum_luhn.calc_check_digit(body)


VISA_13 = make_card("4", 13)
VISA_19 = make_card("4", 19)
MAESTRO_18 = make_card("6759", 18)
UNIONPAY_17 = make_card("62", 17)


@pytest.mark.parametrize(("text", "expected"), [
    ("card 4111 1111 1111 1111 exp 12/27", ["4111 1111 1111 1111"]),
    ("Mastercard 5555-5555-5555-4444.", ["5555-5555-5555-4444"]),
    ("Amex 378282246310005 or 3782 822463 10005", ["378282246310005", "3782 822463 10005"]),
    ("Discover 6011111111111117, JCB 3530111333300000", ["6011111111111117", "3530111333300000"]),
    ("Diners 3056 930902 5904; 2-series 2223003122003222", ["3056 930902 5904", "2223003122003222"]),
    (f"Visa {VISA_13} / {VISA_19}", [VISA_13, VISA_19]),
    (f"Maestro {MAESTRO_18}, UnionPay {UNIONPAY_17}", [MAESTRO_18, UNIONPAY_17]),
    (f"grouped 19: {VISA_19[:4]} {VISA_19[4:8]} {VISA_19[8:12]} {VISA_19[12:16]} {VISA_19[16:]}",
     [f"{VISA_19[:4]} {VISA_19[4:8]} {VISA_19[8:12]} {VISA_19[12:16]} {VISA_19[16:]}"]),
])
def test_credit_card_valid(text: str, expected: list[str]) -> None:
    assert found(CreditCardRecognizer, text) == expected


LUHN_VALID_BAD_PREFIX = make_card("1", 16)
LUHN_VALID_WRONG_LENGTH = make_card("51", 15)          # Mastercard is always 16 digits


@pytest.mark.parametrize("text", [
    "card 4111 1111 1111 1112",                            # Luhn
    f"order {LUHN_VALID_BAD_PREFIX}",                      # Luhn-valid, no issuer starts with 1
    f"ref {LUHN_VALID_WRONG_LENGTH}",                      # Luhn-valid, wrong length for the issuer
    "account 4111 1111-1111 1111",                         # mixed separators
    "tracking 4111 1111 1111 1111 0000",                   # five groups of four: a reference
    "ISBN 978-3-16-148410-0 and 9783161484100",            # ISBN-13
    "order ORD-4111111111111111",                          # glued to a code
    "total 4111111111111111.00 EUR",                       # an amount
    "serial 41111111111111110000",                         # 20 digits
    "zeros 0000 0000 0000 0000",                           # Luhn-valid filler
])
def test_credit_card_invalid(text: str) -> None:
    assert stdnum_luhn.is_valid(LUHN_VALID_BAD_PREFIX) and stdnum_luhn.is_valid(LUHN_VALID_WRONG_LENGTH)
    assert found(CreditCardRecognizer, text) == []


# -- e-mail -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("write to john.doe@example.com.", ["john.doe@example.com"]),
    ("Contact: a.b-c+tag@mail.example.co.uk", ["a.b-c+tag@mail.example.co.uk"]),
    ("<JANE_SMITH@EXAMPLE.ORG>", ["JANE_SMITH@EXAMPLE.ORG"]),
    ("mailto:info@firma.de?subject=x", ["info@firma.de"]),
    ("jörg@müller.de, marie@exemple.fr", ["jörg@müller.de", "marie@exemple.fr"]),
    ("(p.rossi@libero.it)", ["p.rossi@libero.it"]),
    ("ops@startup.io; sales@startup.io", ["ops@startup.io", "sales@startup.io"]),
])
def test_email_valid(text: str, expected: list[str]) -> None:
    assert found(EmailRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "ssh root@localhost",                                  # no domain
    "ping admin@printer.local",                            # mDNS, not a public suffix
    "sprite icon@2x.png",                                  # a file name
    "see user@example.invalid",                            # reserved TLD
    "test x@y.test",
    "npm i left-pad@1.3.0",                                # a version pin
    "@decorator and @user mentions",
    "git user@host",
    "broken user@.com and user@-example.com",
    "a.@example.com",
])
def test_email_invalid(text: str) -> None:
    assert found(EmailRecognizer, text) == []


@pytest.mark.network_guard
def test_email_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    offline_tld_extractor.cache_clear()  # also build the extractor again, under the guard
    try:
        assert found(EmailRecognizer, "mail anna@example.co.uk, not bob@host.local") == ["anna@example.co.uk"]
    finally:
        offline_tld_extractor.cache_clear()


# -- IP -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("client 192.168.1.254 connected", ["192.168.1.254"]),
    ("dns 8.8.8.8, gw 10.0.0.1.", ["8.8.8.8", "10.0.0.1"]),
    ("src:10.0.0.5 dst=172.16.0.9:443", ["10.0.0.5", "172.16.0.9"]),
    ("IPv6 2001:0db8:85a3:0000:0000:8a2e:0370:7334", ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]),
    ("from [2001:db8::1]:8080 and fe80::1ff:fe23:4567:890a", ["2001:db8::1", "fe80::1ff:fe23:4567:890a"]),
    ("mapped ::ffff:192.0.2.1", ["::ffff:192.0.2.1"]),
    ("link fe80::1: down", ["fe80::1"]),
    ("network 10.0.0.0/24", ["10.0.0.0"]),
])
def test_ip_valid(text: str, expected: list[str]) -> None:
    assert found(IpAddressRecognizer, text) == expected


@pytest.mark.parametrize("text", [
    "localhost 127.0.0.1 and ::1",                         # loopback
    "bind 0.0.0.0 or ::",                                  # unspecified
    "netmask 255.255.255.0, broadcast 255.255.255.255",    # 240/4 reserved
    "multicast 224.0.0.1 and ff02::1",
    "bad 999.1.1.1 and 1.2.3",
    "oid 1.3.6.1.4.1 and 1.2.3.4.5",                       # longer dotted numbers
    "upgrade to version 2.13.0.1 (v2.13.0.2, Release: 1.2.3.4)",
    "see section 3.1.2.4 and § 4.1.2.1",
    "at 12:30:45, mac 00:1a:2b:3c:4d:5e",
    "std::vector and Foo::bar",
    "price 1.234.567.89",
])
def test_ip_invalid(text: str) -> None:
    assert found(IpAddressRecognizer, text) == []


# -- contract over every recognizer in the three groups -----------------------------------------------
ALL_RECOGNIZERS = EU_ID_RECOGNIZERS + BANKING_RECOGNIZERS + NETWORK_RECOGNIZERS
KITCHEN_SINK = (
    "Steuer-ID 36 574 261 809, NIR 2 95 10 99 126 111 93, DNI 12345678Z, NIE X1234567L, "
    "CF RCCMNL83S18D969H, BSN 1112.22.333, PESEL 44051401359, IBAN DE89 3704 0044 0532 0130 00, "
    "card 4111 1111 1111 1111, mail john@example.com, ip 192.0.2.7 and 2001:db8::7."
)


def test_groups_are_disjoint_and_cover_their_types() -> None:
    assert len(set(ALL_RECOGNIZERS)) == len(ALL_RECOGNIZERS)
    assert {cls.ENTITY for cls in ALL_RECOGNIZERS} == {
        "DE_TAX_ID", "FR_NIR", "ES_DNI", "ES_NIE", "IT_FISCAL_CODE", "NL_BSN", "PL_PESEL",
        "IBAN_CODE", "CREDIT_CARD", "EMAIL_ADDRESS", "IP_ADDRESS",
    }


@pytest.mark.parametrize("cls", ALL_RECOGNIZERS, ids=lambda cls: cls.__name__)
def test_contract(cls: type[GdprepPatternRecognizer]) -> None:
    assert issubclass(cls, GdprepPatternRecognizer) and cls.ENTITY in ENTITY_TYPES
    recognizer = cls()
    assert recognizer.supported_entities == [cls.ENTITY] and recognizer.name == cls.__name__
    assert cls.PATTERNS and all(0 < score <= 1 for _, _, score in cls.PATTERNS)
    assert len({name for name, _, _ in cls.PATTERNS}) == len(cls.PATTERNS)
    assert cls.CONTEXT and all(word == word.lower() for word in cls.CONTEXT)
    assert recognizer.analyze("Nothing personal here: 42 apples, 3.5 kg.", [cls.ENTITY]) == []
    assert recognizer.analyze(KITCHEN_SINK, ["SOME_OTHER_TYPE"]) == []
    results = recognizer.analyze(KITCHEN_SINK, [cls.ENTITY])
    assert results, f"{cls.__name__} found nothing in the kitchen-sink text"
    for result in results:
        span = KITCHEN_SINK[result.start:result.end]
        assert result.entity_type == cls.ENTITY and 0 < result.score <= 1
        assert span == span.strip(" .,;:()") and span
        assert result.recognition_metadata[result.RECOGNIZER_NAME_KEY] == cls.__name__
