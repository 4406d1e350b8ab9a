"""PhoneRecognizer: UK/EU numbers it must find (exact spans), a hard-negative table, scoring and speed."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from gdprep.privacy.recognizers.phone import PhoneRecognizer

ENTITY = "PHONE_NUMBER"


@pytest.fixture(scope="module")
def recognizer() -> PhoneRecognizer:
    return PhoneRecognizer()


def _spans(recognizer: PhoneRecognizer, text: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [ENTITY])]


# (text, the spans it must report, in order)
VALID = [
    ("Call me on 020 7946 0958 tomorrow", ["020 7946 0958"]),
    ("Mobile: 07700 900123", ["07700 900123"]),
    ("office (0161) 496 0000, ask for Sam", ["(0161) 496 0000"]),
    ("+44 20 7946 0958", ["+44 20 7946 0958"]),
    ("Berlin office: +49 30 901820.", ["+49 30 901820"]),
    ("dial 0044 20 7946 0958 from abroad", ["0044 20 7946 0958"]),
    ("(+44 20 7946 0958)", ["+44 20 7946 0958"]),
    # a country code, then the trunk 0 in brackets, the whole in brackets: the span starts at the "+"
    ("Ring Tom (+34 (0) 612 34 57 28) before noon", ["+34 (0) 612 34 57 28"]),
    # a date in brackets right after the number does not swallow it
    ("SMS from +44114 496 0159 (2025-12-09T15:43:34Z):", ["+44114 496 0159"]),
    ("SMS from 07787 735880 (2022-05-06T21:00:01Z):", ["07787 735880"]),
    # a national number written with dots after a phone cue (Spain, Poland): not a version
    ("Móvil: 612.34.56.78", ["612.34.56.78"]),
    # "#" labels a reference number, but not after a phone word: "Phone #" is a form's label for the number
    ("Phone #: (415) 555-2671", ["(415) 555-2671"]),
    ("cell# 07700 900123", ["07700 900123"]),
    ("Phone#020 7946 0958", ["020 7946 0958"]),
    ("Her mobile is 612.34.57.28.", ["612.34.57.28"]),
    ("tel. 12.345.67.89", ["12.345.67.89"]),
    ("Fax +44 (0) 161 496 0000", ["+44 (0) 161 496 0000"]),
    ("ring 07700900123", ["07700900123"]),
    ("020-7946-0958", ["020-7946-0958"]),
    ("Tel: 0161 496 0000 (office), 07700 900123 (mobile)", ["0161 496 0000", "07700 900123"]),
    ("020 7946 0958/07700 900123", ["020 7946 0958", "07700 900123"]),
    ("On 12/03/2024 at 14:30 call 020 7946 0958", ["020 7946 0958"]),
    ("Order 100234567, tel 07700 900123", ["07700 900123"]),
    ("Tel. +33 1 23 45 67 89", ["+33 1 23 45 67 89"]),
    ("téléphone 01 23 45 67 89", ["01 23 45 67 89"]),
    ("01.23.45.67.89", ["01.23.45.67.89"]),
    ("Telefon: 030 1234567", ["030 1234567"]),
    ("+49(0)3012345678", ["+49(0)3012345678"]),
    ("bel +31(0)20 1234567", ["+31(0)20 1234567"]),
    ("+353 1 234 5678", ["+353 1 234 5678"]),
    ("+41 44 668 18 00", ["+41 44 668 18 00"]),
    ("cellulare 347 123 4567", ["347 123 4567"]),
    ("móvil 612 345 678", ["612 345 678"]),
    ("+48 22 123 45 67", ["+48 22 123 45 67"]),
    ("+420 221 234 567", ["+420 221 234 567"]),
    ("zip 75008 Paris 01 42 68 53 00", ["01 42 68 53 00"]),
    # North American grouping, whether or not the area code is assigned; extensions stay in the span
    ("Call me on (112) 704-9372 tomorrow.", ["(112) 704-9372"]),
    ("Call me on 1-129-106-8689 tomorrow.", ["1-129-106-8689"]),
    ("You can reach her at 334.683.6732.", ["334.683.6732"]),
    ("My number is 001-422-700-8261x99582, text first.", ["001-422-700-8261x99582"]),
    ("Office: 212.555.0187 ext. 42", ["212.555.0187 ext. 42"]),
    # a bare run of possible length needs a cue: "my number is", "reach me at"
    ("You can reach her at 9624611695.", ["9624611695"]),
    ("My number is 3082062320, text first.", ["3082062320"]),
    ("Details: 6572419348 (home)", ["6572419348"]),              # a line label after the number is a cue
]

# (text that must yield no phone number, why)
HARD_NEGATIVES = [
    ("Geburtsdatum: 28 02 1985", "a date written with spaces"),
    ("Morada: Rua Augusta 120, 1100-053 Lisboa", "Portuguese postcode before its town"),
    ("ul. Długa 5,\n00-950 Warszawa", "Polish postcode opening a line"),
    ("on 12/03/2024", "date with slashes"),
    ("2024-03-12", "ISO date"),
    ("20240312", "compact date"),
    ("12.03.2024", "dotted date"),
    ("on 01-12-2024 at 14:30", "date and time"),
    ("15 March 2024 at 10:30", "spelled date"),
    ("costs £1,234,567.00", "price with symbol"),
    ("€ 1.299.000", "price, dotted thousands"),
    ("1 234 567 EUR", "price, spaced thousands"),
    ("Order #100234567", "order number"),
    ("Order #100234567 was shipped", "order number in a sentence"),
    ("Invoice 20231234", "invoice number"),
    ("Order no. 0161 496 0000", "labelled order number that looks like a phone"),
    ("ref: 0207946095", "reference"),
    ("Ticket: 1234567", "ticket"),
    ("Kontonummer 12345678", "bank account"),
    ("v2.13.0", "version"),
    ("Python 3.8.18", "version"),
    ("build 10.0.19041.1", "version"),
    ("192.168.100.200", "IPv4 address"),
    ("SKU-4821-XL", "SKU"),
    ("SKU-48213456-XL", "long SKU"),
    ("ERR-5003", "error code"),
    ("ERR-50031234", "long error code"),
    ("0x80070005", "hex error code"),
    ("ABC12345678", "digits glued to letters"),
    ("ABC02079460958", "phone-shaped digits glued to letters"),
    ("batch XK-02079460958-B", "phone-shaped product code"),
    ("file_02079460958.txt", "file name"),
    ("weight 02079460958kg", "digits with a unit"),
    ("IBAN GB82 WEST 1234 5698 7654 32", "UK IBAN"),
    ("DE89 3704 0044 0532 0130 00", "German IBAN"),
    ("card 4111 1111 1111 1111", "card number"),
    ("4111111111111111", "card number, ungrouped"),
    ("NHS number 943 476 5919", "NHS number with its cue"),
    ("London SW1A 2AA", "postcode"),
    ("total 12345678", "bare 8 digits, no cue"),
    ("Ticket #: 020 7946 0958", "a '#' label after another word is a reference"),
    ("upgrade to 612.34.56.78 first", "a dotted run with no phone cue is a version"),
    ("call the server at 10.120.34.56", "an IPv4 address after a phone cue"),
    ("phone firmware 10.0.19041.1234", "a build number after a phone cue: its groups are no phone plan's"),
    ("100234567", "bare 9 digits, no cue"),
    ("9624611695", "bare 10 digits of no valid number, no cue"),
    ("Details: 6572419348 (batch)", "bare 10 digits with another label after them"),
    ("order 112-704-9372", "labelled order number in the North American grouping"),
    ("serial 123-456-7890", "labelled serial number in the North American grouping"),
    ("00000000001", "a 00 with no country code after it is no international prefix"),
    ("0081508150001", "an ungrouped 00-number that is not valid where it points, no cue"),
    ("987/654/32100", "a Land's Steuernummer layout, two slashes: the tax-number recognizer's"),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_finds_phone_numbers_with_exact_spans(recognizer: PhoneRecognizer, text: str,
                                              expected: list[str]) -> None:
    assert _spans(recognizer, text) == expected


@pytest.mark.parametrize(("text", "why"), HARD_NEGATIVES)
def test_hard_negatives_are_not_phones(recognizer: PhoneRecognizer, text: str, why: str) -> None:
    assert _spans(recognizer, text) == [], why


@pytest.mark.parametrize(("text", "low", "high"), [
    ("+44 20 7946 0958", 0.7, 0.8),  # valid, no cue
    ("phone +44 20 7946 0958", 0.85, 1.0),  # a cue adds to the score
    ("Handy 0151 23456789", 0.85, 1.0),
    ("02079460958", 0.5, 0.7),  # bare digits with a trunk 0
    ("+44 7700 900123", 0.5, 0.7),  # Ofcom drama range: possible, not valid
    ("tel: 612345678", 0.5, 0.7),  # bare digits from a region without a trunk prefix need the cue
    ("call 0081508150001", 0.5, 0.6),  # an ungrouped, not valid 00-number counts with a cue
    ("+81 50 8150 0001", 0.7, 0.8),  # the same number written as one
    ("Tel. 030/1234/5678", 0.85, 1.0),  # two slashes, but a phone cue: a phone number
])
def test_scores(recognizer: PhoneRecognizer, text: str, low: float, high: float) -> None:
    (result,) = recognizer.analyze(text, [ENTITY])
    assert low <= result.score <= high


@pytest.mark.parametrize("text", [
    "Τηλέφωνο: 6912345678", "τηλ. 6912345678",  # Greek
    "Ligue-me: 912345678", "telefone 912345678",  # Portuguese
    "tlf. 20123456",                             # Danish/Norwegian
    "tālr. 67123456", "helista 51234567",        # Latvian, Estonian
])
def test_cue_words_of_more_eu_languages_vouch_for_a_bare_number(recognizer: PhoneRecognizer, text: str) -> None:
    number = text.split()[-1]
    assert _spans(recognizer, number) == []
    assert _spans(recognizer, text) == [number]


@pytest.mark.parametrize("text", [
    "You can text 2025550143", "Reach out on 2025550143", "dial 2025550143", "get me at 2025550143",
    "I can be reached at 28194821", "reachable on 2025550143", "Office number: 2109482199", "home no. 2025550143",
])
def test_english_verbs_of_calling_vouch_for_a_bare_number(recognizer: PhoneRecognizer, text: str) -> None:
    number = text.split()[-1]
    assert _spans(recognizer, f"Reference {number}") == []
    assert _spans(recognizer, text) == [number]


def test_bare_number_without_cue_is_dropped(recognizer: PhoneRecognizer) -> None:
    assert _spans(recognizer, "612345678") == []
    assert _spans(recognizer, "Your order number is 4674924708") == []  # "number" alone is no phone cue
    assert _spans(recognizer, "call 612345678") == ["612345678"]


def test_result_carries_explanation_and_metadata(recognizer: PhoneRecognizer) -> None:
    (result,) = recognizer.analyze("call +44 20 7946 0958", [ENTITY])
    assert result.entity_type == ENTITY
    assert result.analysis_explanation is not None
    assert result.analysis_explanation.pattern_name == "phonenumbers_valid+context"
    assert result.recognition_metadata[RecognizerResult.RECOGNIZER_NAME_KEY] == "PhoneRecognizer"
    assert result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] is True


def test_other_entities_are_not_analysed(recognizer: PhoneRecognizer) -> None:
    assert recognizer.analyze("+44 20 7946 0958", ["EMAIL_ADDRESS"]) == []


def test_regions_can_be_narrowed() -> None:
    gb_only = PhoneRecognizer(regions=["GB"])
    assert _spans(gb_only, "+49 30 901820") == ["+49 30 901820"]  # international form needs no region
    assert _spans(gb_only, "Handy 0151 23456789") == []  # too long for a UK number


def test_a_thousand_short_texts_are_fast(recognizer: PhoneRecognizer) -> None:
    texts = [
        "Hi, please call me on 020 7946 0958 after 5pm.",
        "Order #100234567 shipped on 12/03/2024.",
        "Version 3.8.18 fixed the bug ERR-5003.",
        "Mobile +44 7700 900123 or +49 30 901820",
        "Total £1,234.56 paid by card 4111 1111 1111 1111",
        "Thanks for your help with the report, see you soon.",
        "Invoice 20231234 due 2024-03-12",
        "IBAN DE89 3704 0044 0532 0130 00",
    ] * 125
    recognizer.analyze(texts[0], [ENTITY])  # region metadata is loaded on first use
    found = sum(len(recognizer.analyze(text, [ENTITY])) for text in texts)
    assert found == 3 * 125  # speed is shown by bench/pii.py, not asserted here


@pytest.mark.parametrize(("text", "expected"), [
    # the matcher reads the number without the code in front of it; the code is part of the span
    ("Please call me on 1 (728) 820-0182 tomorrow.", ["1 (728) 820-0182"]),
    ("Phone: (351) 212233079", ["(351) 212233079"]),
    ("you can reach her at (02239) 09960 308 after 5pm", ["(02239) 09960 308"]),
    ("My number is 07771 14710 497", ["07771 14710 497"]),
    ("Telefon 0732/16372651", ["0732/16372651"]),
])
def test_an_area_or_country_code_before_the_number_is_in_its_span(recognizer: PhoneRecognizer, text: str,
                                                                   expected: list[str]) -> None:
    assert _spans(recognizer, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("I sent 12345 07700 900123", ["07700 900123"]),       # only a code joins the number, not any digits
    ("1. 07700 900123", ["07700 900123"]),                 # a list's "1." is no North American "1"
    ("No 1 (020) 7946 0958", ["(020) 7946 0958"]),         # nor is a "1" before a number not in its grouping
])
def test_other_digits_before_a_phone_number_stay_out_of_its_span(recognizer: PhoneRecognizer, text: str,
                                                                 expected: list[str]) -> None:
    assert _spans(recognizer, text) == expected


@pytest.mark.parametrize(("text", "expected", "score"), [
    # written as international numbers although libphonenumber reads no number of that country in them
    ("The form lists +30-(1)-0087-9649 for her.", ["+30-(1)-0087-9649"], 0.55),
    ("my number is +33.87.5256.2531", ["+33.87.5256.2531"], 0.7),           # a cue adds to the shape
    ("Tel +372-(9)-6457-9086", ["+372-(9)-6457-9086"], 0.7),
])
def test_a_number_written_in_international_form_is_a_phone_number(recognizer: PhoneRecognizer, text: str,
                                                                  expected: list[str], score: float) -> None:
    results = recognizer.analyze(text, [ENTITY])
    assert [text[r.start:r.end] for r in results] == expected
    assert results[0].score == pytest.approx(score)


@pytest.mark.parametrize("text", ["version +1.2.3 released", "balance +44.50 EUR", "call +11-1111-1111",
                                  "change +1.234.567", "sum +12.345.678.90", "net +123.456.789"])
def test_short_signed_numbers_and_placeholders_are_no_international_numbers(recognizer: PhoneRecognizer,
                                                                            text: str) -> None:
    assert _spans(recognizer, text) == []


def test_reaching_a_named_person_is_a_phone_cue(recognizer: PhoneRecognizer) -> None:
    # a bare eight-digit run needs a cue; "reach <name> at/on" is one, as "reach her at" is
    assert _spans(recognizer, "You can reach Anna at 84308264 after lunch") == ["84308264"]
    assert _spans(recognizer, "reach Dr Okafor on 84308264") == ["84308264"]
    assert _spans(recognizer, "Anna arrived at 84308264") == []
    assert _spans(recognizer, "They reach the final at 84308264") == []  # a lower-case word is no name


_PRICES = ["£1,200.50", "1.234,56 EUR", "100 pounds", "USD 5,000", "€ 45", "45€", "3 euros", "CHF 12.50", "12 sek",
           "¥5000", "₹ 2,500", "1 500 PLN", "GBP 7", "9.99$", "0800 euro"]


@pytest.mark.parametrize("price", _PRICES)
def test_every_price_shape_match_holds_a_currency_sign_or_word(price: str) -> None:
    from gdprep.privacy.recognizers.phone import _NOT_PHONE_SHAPES, _may_hold_price

    shape = dict(_NOT_PHONE_SHAPES)["price"]
    text = f"Call 0161 496 0000 about the {price} invoice"
    assert shape.search(text) is not None
    assert _may_hold_price(text)
    assert not _may_hold_price("Call 0161 496 0000 about invoice 48213377 from Europa Ltd, ref EURX-5")


@pytest.mark.parametrize("price", _PRICES)
def test_skipping_the_price_shape_where_no_currency_is_changes_no_finding(recognizer: PhoneRecognizer, price: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from gdprep.privacy.recognizers import phone

    texts = [f"Tel 0612345678, {price} due", f"{price.replace(' ', '')} 07700 900123", "ring +44 20 7946 0000 now",
             "order 0161 496 0000 3 000 items"]
    found = [[(r.start, r.end, r.score) for r in recognizer.analyze(t, [])] for t in texts]
    monkeypatch.setattr(phone, "_may_hold_price", lambda text: True)
    assert [[(r.start, r.end, r.score) for r in recognizer.analyze(t, [])] for t in texts] == found
