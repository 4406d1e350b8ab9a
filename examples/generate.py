"""Synthetic UK/EU fine-tuning records full of fake personal data, and the template engine behind them.

Faker only *generates* data here (and for the benchmark dev set in `bench/devset.py`); the detector in
`gdprep.privacy` must never use Faker's vocabularies. Every identifier produced passes its checksum.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final, Literal

import phonenumbers
from faker import Faker
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs, vat
from stdnum.iso7064 import mod_11_10
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel

from gdprep.errors import GdprepError, UsageError

LANGS: Final[tuple[str, ...]] = ("en", "de", "fr", "nl", "it", "es")
#: the Faker locale used for addresses, phones, companies and national identifiers of each language
DATA_LOCALES: Final[dict[str, str]] = {
    "en": "en_GB", "de": "de_DE", "fr": "fr_FR", "nl": "nl_NL", "it": "it_IT", "es": "es_ES",
}
_EU_IBAN_LOCALES: Final[tuple[str, ...]] = ("de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES")
_EXTRA_LOCALES: Final[tuple[str, ...]] = ("pl_PL",)

# slot name -> entity type it is labelled with, or None for a hard negative (never labelled)
SLOT_TYPES: Final[dict[str, str | None]] = {
    "name": "PERSON", "name2": "PERSON", "name3": "PERSON",
    "first": "PERSON", "first2": "PERSON", "last": "PERSON", "last2": "PERSON",
    "email": "EMAIL_ADDRESS", "email2": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER", "phone2": "PHONE_NUMBER",
    "nino": "UK_NINO", "nhs": "UK_NHS", "postcode": "UK_POSTCODE",
    "sort_code": "UK_SORT_CODE", "account": "UK_BANK_ACCOUNT", "passport": "UK_PASSPORT",
    "licence": "UK_DRIVING_LICENCE", "vat": "UK_VAT",
    "iban": "IBAN_CODE", "iban_eu": "IBAN_CODE",
    "steuer_id": "DE_TAX_ID", "nir": "FR_NIR", "dni": "ES_DNI", "nie": "ES_NIE",
    "cf": "IT_FISCAL_CODE", "bsn": "NL_BSN", "pesel": "PL_PESEL",
    "address": "STREET_ADDRESS", "street": "STREET_ADDRESS",
    "dob": "DATE_OF_BIRTH", "ip": "IP_ADDRESS", "ipv6": "IP_ADDRESS", "card": "CREDIT_CARD",
    # hard negatives: look like identifiers, names or dates but are not personal data
    "order": None, "sku": None, "version": None, "price": None, "error": None, "ticket": None,
    "timestamp": None, "time": None, "date": None, "company": None, "product": None,
    "tracking": None, "build": None, "invoice": None, "qty": None, "serial": None, "staff_id": None,
}

# slot -> (person index, which part of the name)
_PERSON_SLOTS: Final[dict[str, tuple[int, str]]] = {
    "name": (1, "full"), "name2": (2, "full"), "name3": (3, "full"),
    "first": (1, "first"), "first2": (2, "first"), "last": (1, "last"), "last2": (2, "last"),
    "email": (1, "email"), "email2": (2, "email"),
}

#: `{slot}` or `{slot:f}` / `{slot:m}` (the person that slot names is female / male, for grammar)
SLOT_RE: Final[re.Pattern[str]] = re.compile(r"\{([a-z0-9_]+)(?::([fm]))?\}")

_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}

# UK towns with their postcode area, so generated addresses are internally consistent
_UK_TOWNS: Final[tuple[tuple[str, str], ...]] = (
    ("Leeds", "LS"), ("Manchester", "M"), ("Birmingham", "B"), ("Bristol", "BS"), ("Sheffield", "S"),
    ("Liverpool", "L"), ("Newcastle upon Tyne", "NE"), ("Nottingham", "NG"), ("Cardiff", "CF"),
    ("Edinburgh", "EH"), ("Glasgow", "G"), ("Belfast", "BT"), ("Oxford", "OX"), ("Cambridge", "CB"),
    ("Brighton", "BN"), ("Norwich", "NR"), ("York", "YO"), ("Exeter", "EX"), ("Leicester", "LE"),
    ("Southampton", "SO"), ("Reading", "RG"), ("Bath", "BA"), ("Aberdeen", "AB"), ("Swansea", "SA"),
    ("London", "SW"), ("London", "E"), ("London", "N"), ("London", "SE"), ("Coventry", "CV"),
    ("Derby", "DE"), ("Hull", "HU"), ("Plymouth", "PL"), ("Stoke-on-Trent", "ST"), ("Harrogate", "HG"),
)
_UK_STREET_TYPES: Final[tuple[str, ...]] = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Crescent", "Way", "Gardens", "Place",
    "Terrace", "Grove", "Court", "Mews", "Row", "Walk", "Square", "Hill", "Rise", "View",
)
_UK_STREET_STEMS: Final[tuple[str, ...]] = (
    "Mill", "Church", "Station", "Park", "Victoria", "Queen's", "High", "Manor", "Oak", "Elm",
    "Kingsway", "Chapel", "Meadow", "Orchard", "Springfield", "Windsor", "Albert", "Grange", "Beech",
)
_UK_FLAT_WORDS: Final[tuple[str, ...]] = ("Flat", "Apartment", "Flat", "Unit")
_UK_POSTCODE_UNIT: Final[str] = "ABDEFGHJLNPQRSTUWXYZ"
# National Insurance prefix rules: these letters never appear in the first / second position
_NINO_FIRST: Final[str] = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND: Final[str] = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD_PREFIXES: Final[frozenset[str]] = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

_PRODUCTS: Final[tuple[str, ...]] = (
    "SmartHub 3 router", "AquaPure filter jug", "ProLine X200 printer", "Nimbus 14 laptop",
    "EcoHeat thermostat", "Vela running shoes", "Orbit smart speaker", "Terra 5 e-bike",
    "FlexiDesk standing desk", "Lumen LED panel", "Kestrel 2 headphones", "Harbor coffee grinder",
)
_COMPANY_STEMS: Final[tuple[str, ...]] = (
    "Acme", "Northwind", "Bluebell", "Harbour", "Summit", "Crown", "Riverside", "Oakleaf", "Pennine",
    "Brightwater", "Meridian", "Saltire", "Kestrel", "Juniper",
)
_COMPANY_SECTORS: Final[tuple[str, ...]] = (
    "Logistics", "Foods", "Digital", "Healthcare", "Energy", "Systems", "Retail", "Telecom", "Insurance",
)
_COMPANY_FORMS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Ltd", "plc", "LLP", "Ltd"), "de": ("GmbH", "AG", "GmbH & Co. KG"), "fr": ("SAS", "SARL", "SA"),
    "nl": ("B.V.", "N.V."), "it": ("S.r.l.", "S.p.A."), "es": ("S.L.", "S.A."),
}
_ERROR_WORDS: Final[tuple[str, ...]] = ("PAYMENT", "CONN", "AUTH", "SYNC", "TIMEOUT", "DISK", "CART")
_DOB_RANGE: Final[tuple[date, date]] = (date(1938, 1, 1), date(2006, 12, 31))
# non-birth dates (appointments, deliveries) are fixed to a window so output never depends on today
_EVENT_RANGE: Final[tuple[date, date]] = (date(2022, 1, 1), date(2025, 12, 31))

#: checksum validators for the identifiers that have one (the generator refuses to emit anything else)
IDENTIFIER_VALIDATORS: Final[dict[str, Callable[[str], bool]]] = {
    "UK_NHS": nhs.is_valid,
    "UK_VAT": vat.is_valid,
    "IBAN_CODE": std_iban.is_valid,
    "CREDIT_CARD": lambda v: luhn.is_valid(re.sub(r"[ -]", "", v)),
    "DE_TAX_ID": idnr.is_valid,
    "FR_NIR": nir.is_valid,
    "ES_DNI": dni.is_valid,
    "ES_NIE": nie.is_valid,
    "IT_FISCAL_CODE": codicefiscale.is_valid,
    "NL_BSN": bsn.is_valid,
    "PL_PESEL": pesel.is_valid,
}


@dataclass(frozen=True)
class Span:
    """A labelled character range [start, end) of a generated text."""

    start: int
    end: int
    type: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "type": self.type}


@dataclass(frozen=True)
class Person:
    """One fake person as written in a record (possibly all lower case) plus their e-mail stem."""

    first: str
    last: str
    female: bool
    ascii_first: str
    ascii_last: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class NamePool:
    """First names (by gender) and surnames to draw from; built from Faker's locale lists."""

    label: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]

    def __post_init__(self) -> None:
        if not (self.female and self.male and self.last):
            raise GdprepError(f"name pool {self.label!r} is empty after filtering; loosen the filter")

    def filtered(self, keep: Callable[[str], bool], label: str | None = None) -> NamePool:
        return NamePool(
            label=label or self.label,
            female=tuple(n for n in self.female if keep(n)),
            male=tuple(n for n in self.male if keep(n)),
            last=tuple(n for n in self.last if keep(n)),
        )

    def tokens(self) -> frozenset[str]:
        return frozenset(self.female) | frozenset(self.male) | frozenset(self.last)


def _clean_name(raw: str) -> str:
    # some Faker lists carry doubled spaces ("Alta  Gracia")
    return " ".join(raw.split())


@cache
def faker_name_pool(locale: str) -> NamePool:
    """The full first/last name lists of one Faker locale (built once per process, on first use)."""
    provider = next(p for p in Faker(locale).providers if p.__provider__ == "faker.providers.person")

    def _read(*attrs: str) -> tuple[str, ...]:
        names: set[str] = set()
        for attr in attrs:
            names.update(_clean_name(n) for n in (getattr(provider, attr, None) or ()))
        # initials such as "H.-Dieter" are not how people write a name in a ticket
        return tuple(sorted(n for n in names if n and "." not in n))

    last = _read("last_names")
    if len(last) < 10:  # pl_PL keeps its surnames in `unisex_last_names`
        last = _read("last_names", "unisex_last_names")
    female = _read("first_names_female") or _read("first_names")
    male = _read("first_names_male") or _read("first_names")
    return NamePool(label=locale, female=female, male=male, last=last)


def _ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@lru_cache(maxsize=1024)
def parse_template(template: str) -> tuple[tuple[str, str | None], ...]:
    """Split a template into (literal, None) and (slot, gender) parts; unknown slots are a bug."""
    parts: list[tuple[str, str | None]] = []
    last = 0
    for m in SLOT_RE.finditer(template):
        if m.group(1) not in SLOT_TYPES:
            raise ValueError(f"unknown slot {{{m.group(1)}}} in template {template[:60]!r}")
        parts.append((template[last:m.start()], None))
        parts.append((m.group(1), m.group(2) or ""))
        last = m.end()
    parts.append((template[last:], None))
    return tuple(parts)


def template_slots(template: str) -> set[str]:
    """The slot names a template uses (raises ValueError for an unknown one)."""
    return {text for text, gender in parse_template(template) if gender is not None}


class FakeData:
    """Seeded source of fake values: one `random.Random` plus one seeded Faker per locale.

    `name_pools` maps a language to weighted name pools; a person in a record of that language is
    drawn from them. `lowercase_rate` is the share of people whose name is written all lower case.
    """

    def __init__(self, seed: int | str, name_pools: Mapping[str, Sequence[tuple[float, NamePool]]],
                 lowercase_rate: float = 0.25) -> None:
        self.rng = random.Random(seed)
        self.name_pools = name_pools
        self.lowercase_rate = lowercase_rate
        self._fakers: dict[str, Faker] = {}
        for locale in (*DATA_LOCALES.values(), *_EXTRA_LOCALES):
            fake = Faker(locale)
            fake.seed_instance(self.rng.randrange(2**32))
            self._fakers[locale] = fake

    def faker(self, locale: str) -> Faker:
        return self._fakers[locale]

    # --- people -----------------------------------------------------------------------------
    def person(self, lang: str, female: bool | None = None) -> Person:
        weights, pools = zip(*self.name_pools[lang], strict=True)
        pool = self.rng.choices(pools, weights=weights)[0]
        if female is None:
            female = self.rng.random() < 0.5
        first = self.rng.choice(pool.female if female else pool.male)
        last = self.rng.choice(pool.last)
        if lang == "es" and self.rng.random() < 0.6:
            # Spanish naming: two surnames
            last = f"{last} {self.rng.choice(pool.last)}"
        ascii_first, ascii_last = _ascii_fold(first), _ascii_fold(last)
        if self.rng.random() < self.lowercase_rate:
            first, last = first.lower(), last.lower()
        return Person(first, last, female, ascii_first or "user", ascii_last or "x")

    def email_for(self, person: Person, lang: str) -> str:
        f, la = person.ascii_first, person.ascii_last
        local = self.rng.choice((
            f"{f}.{la}", f"{f}{la}", f"{f[0]}.{la}", f"{f}_{la}{self.rng.randint(60, 99)}",
            f"{f}{self.rng.randint(1, 999)}", f"{la}.{f}",
        ))
        fake = self.faker(DATA_LOCALES[lang])
        domain = fake.free_email_domain() if self.rng.random() < 0.6 else fake.domain_name()
        return f"{local}@{domain}"

    # --- dates ------------------------------------------------------------------------------
    def random_date(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def format_date(self, d: date, lang: str) -> str:
        month = _MONTHS[lang][d.month - 1]
        styles: dict[str, tuple[str, ...]] = {
            "en": (f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {month} {d.year}",
                   f"{d.year}-{d.month:02d}-{d.day:02d}", f"{d.day} {month[:3]} {d.year}"),
            "de": (f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day}. {month} {d.year}"),
            "fr": (f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {month} {d.year}"),
            "nl": (f"{d.day:02d}-{d.month:02d}-{d.year}", f"{d.day} {month} {d.year}"),
            "it": (f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {month} {d.year}"),
            "es": (f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} de {month} de {d.year}"),
        }
        return self.rng.choice(styles[lang])

    # --- UK identifiers (check digits computed here) ---------------------------------------
    def nhs_number(self) -> str:
        while True:
            digits = [self.rng.choice((4, 6, 7))] + [self.rng.randint(0, 9) for _ in range(8)]
            check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
            if check == 10:
                continue  # no valid check digit exists for this stem
            number = "".join(map(str, digits)) + str(check % 11)
            return self._checked("UK_NHS", self._maybe(f"{number[:3]} {number[3:6]} {number[6:]}", number))

    def tracking_number(self) -> str:
        """Ten digits that fail the NHS checksum: a hard negative for NHS detection."""
        while True:
            number = str(self.rng.randint(1_000_000_000, 9_999_999_999))
            if not nhs.is_valid(number):
                return number

    def nino(self) -> str:
        while True:
            prefix = self.rng.choice(_NINO_FIRST) + self.rng.choice(_NINO_SECOND)
            if prefix not in _NINO_BAD_PREFIXES:
                break
        digits = f"{self.rng.randint(0, 999_999):06d}"
        suffix = self.rng.choice("ABCD")
        spaced = f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        return self._maybe(spaced, f"{prefix}{digits}{suffix}")

    def uk_vat(self) -> str:
        while True:
            body = [self.rng.randint(1, 9)] + [self.rng.randint(0, 9) for _ in range(6)]
            check = -sum(d * w for d, w in zip(body, range(8, 1, -1), strict=True)) % 97
            number = "".join(map(str, body)) + f"{check:02d}"
            if vat.is_valid(number):
                break
        spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
        return self._checked("UK_VAT", self.rng.choice((f"GB{number}", f"GB {spaced}", spaced)))

    def sort_code(self) -> str:
        a, b, c = (self.rng.randint(0, 99) for _ in range(3))
        a = max(a, 1)
        return self._maybe(f"{a:02d}-{b:02d}-{c:02d}", f"{a:02d} {b:02d} {c:02d}", p=0.8)

    def bank_account(self) -> str:
        return f"{self.rng.randint(10_000_000, 99_999_999)}"

    def passport(self) -> str:
        return f"{self.rng.randint(100_000_000, 999_999_999)}"

    def driving_licence(self, person: Person, dob: date) -> str:
        surname = re.sub(r"[^A-Z]", "", person.ascii_last.upper())[:5].ljust(5, "9")
        month = dob.month + (50 if person.female else 0)
        initials = (person.ascii_first[:1].upper() or "X") + "9"
        checks = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTWXYZ") for _ in range(2))
        number = f"{surname}{str(dob.year)[2]}{month:02d}{dob.day:02d}{str(dob.year)[3]}{initials}9{checks}"
        return self._maybe(number, f"{number[:5]} {number[5:11]} {number[11:]}", p=0.85)

    def uk_postcode(self, area: str | None = None) -> str:
        area = area or self.rng.choice(_UK_TOWNS)[1]
        outward = f"{area}{self.rng.randint(1, 20 if len(area) == 2 else 29)}"
        inward = f"{self.rng.randint(0, 9)}" + "".join(self.rng.choice(_UK_POSTCODE_UNIT) for _ in range(2))
        return self._maybe(f"{outward} {inward}", f"{outward}{inward}", p=0.95)

    # --- EU identifiers ---------------------------------------------------------------------
    def iban(self, locale: str) -> str:
        raw = self.faker(locale).iban()
        grouped = " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))
        return self._checked("IBAN_CODE", self._maybe(grouped, raw, p=0.6))

    def card(self) -> str:
        kind = self.rng.choice(("visa16", "visa16", "mastercard", "mastercard", "amex"))
        raw = self.faker("en_GB").credit_card_number(card_type=kind)
        if len(raw) == 15:
            grouped = f"{raw[:4]} {raw[4:10]} {raw[10:]}"
        else:
            grouped = " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))
        value = self.rng.choices((grouped, grouped.replace(" ", "-"), raw), weights=(6, 1, 3))[0]
        return self._checked("CREDIT_CARD", value)

    def steuer_id(self) -> str:
        while True:
            digits = self.rng.sample(range(10), 9)
            body = [*digits, self.rng.choice(digits)]  # exactly one digit appears twice
            self.rng.shuffle(body)
            if body[0] != 0:
                break
        number = "".join(map(str, body))
        number += mod_11_10.calc_check_digit(number)
        return self._checked("DE_TAX_ID", self._maybe(number, idnr.format(number), p=0.7))

    def fr_nir(self) -> str:
        number = self.faker("fr_FR").ssn()
        return self._checked("FR_NIR", self._maybe(number, nir.format(number), p=0.5))

    def es_dni(self) -> str:
        number = self.faker("es_ES").nif()
        return self._checked("ES_DNI", self._maybe(number, f"{number[:-1]}-{number[-1]}", p=0.8))

    def es_nie(self) -> str:
        number = self.faker("es_ES").nie()
        return self._checked("ES_NIE", self._maybe(number, f"{number[0]}-{number[1:-1]}-{number[-1]}", p=0.8))

    def it_fiscal_code(self) -> str:
        return self._checked("IT_FISCAL_CODE", self.faker("it_IT").ssn())

    def nl_bsn(self) -> str:
        number = self.faker("nl_NL").ssn()
        return self._checked("NL_BSN", self._maybe(number, bsn.format(number), p=0.8))

    def pl_pesel(self, dob: date) -> str:
        born = datetime(dob.year, dob.month, dob.day)
        return self._checked("PL_PESEL", self.faker("pl_PL").pesel(date_of_birth=born))

    # --- contact details --------------------------------------------------------------------
    def phone(self, lang: str) -> str:
        locale = DATA_LOCALES[lang]
        region = locale[-2:]
        for _ in range(50):
            if lang == "en" and self.rng.random() < 0.45:
                raw = self._uk_mobile()
            else:
                raw = " ".join(self.faker(locale).phone_number().split())
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(raw, region)):
                    return raw
            except phonenumbers.NumberParseException:
                continue
        raise GdprepError(f"could not generate a valid {region} phone number; this is a bug")

    def _uk_mobile(self) -> str:
        digits = f"7{self.rng.choice('123456789')}{self.rng.randint(0, 99_999_999):08d}"
        return self.rng.choice((f"0{digits[:4]} {digits[4:]}", f"+44 {digits[:4]} {digits[4:]}",
                                f"+44{digits}", f"0{digits[:4]}{digits[4:]}"))

    def street(self, lang: str) -> str:
        if lang == "en":
            stem = self.rng.choice(_UK_STREET_STEMS) if self.rng.random() < 0.5 else \
                self.faker("en_GB").last_name()
            return f"{self.rng.randint(1, 240)} {stem} {self.rng.choice(_UK_STREET_TYPES)}"
        fake = self.faker(DATA_LOCALES[lang])
        number = self.rng.randint(1, 180)
        if lang == "fr":
            return f"{number}{self.rng.choice((',', ''))} {fake.street_name()}"
        return f"{fake.street_name()} {number}"

    def address(self, lang: str) -> str:
        street = self.street(lang)
        if lang == "en":
            town, area = self.rng.choice(_UK_TOWNS)
            if self.rng.random() < 0.25:
                town = self.faker("en_GB").city()  # an unknown town: the postcode must carry the match
            if self.rng.random() < 0.3:
                street = f"{self.rng.choice(_UK_FLAT_WORDS)} {self.rng.randint(1, 40)}, {street}"
            sep = self.rng.choice((" ", ", "))
            return f"{street}, {town}{sep}{self.uk_postcode(area)}"
        fake = self.faker(DATA_LOCALES[lang])
        if lang == "it":
            # it_IT.city() draws from a set-ordered list (differs per process); this one is stable
            cap, _, town = fake.postcode_city_province().partition(", ")
            return f"{street}, {cap} {town}"
        postcode, city = fake.postcode(), fake.city()
        if lang == "nl":
            compact = postcode.replace(" ", "")
            postcode = f"{compact[:4]} {compact[4:]}"
        return f"{street}, {postcode} {city}"

    # --- hard negatives ---------------------------------------------------------------------
    def price(self, lang: str) -> str:
        amount = self.rng.choice((self.rng.randint(1, 99) + self.rng.choice((0, 0.5, 0.99, 0.9)),
                                  self.rng.randint(100, 2500) + self.rng.choice((0, 0.99))))
        if lang == "en":
            return f"£{amount:,.2f}"
        text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
        return self.rng.choice((f"€{text}", f"{text} €", f"EUR {text}"))

    def company(self, lang: str) -> str:
        if self.rng.random() < 0.5:
            name = " ".join(self.faker(DATA_LOCALES[lang]).company().split())
            # a bare surname ("Guillot") would read as a person, and "S.A.S." at a sentence end as "S.A.S.."
            if " " in name and not name.endswith("."):
                return name
        return (f"{self.rng.choice(_COMPANY_STEMS)} {self.rng.choice(_COMPANY_SECTORS)} "
                f"{self.rng.choice(_COMPANY_FORMS[lang])}")

    def negative(self, slot: str, lang: str) -> str:
        r = self.rng
        if slot == "order":
            return str(r.randint(10_000_000, 999_999_999))
        if slot == "sku":
            variant = r.choice(("BLK", "WHT", "XL", "S", "2P"))
            return f"{r.choice(('TX', 'HB', 'AQ', 'KV', 'PL'))}-{r.randint(1000, 9999)}-{variant}"
        if slot == "version":
            return r.choice(("v", "")) + f"{r.randint(1, 14)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
        if slot == "error":
            return r.choice((f"E{r.randint(1000, 9999)}",
                             f"ERR_{r.choice(_ERROR_WORDS)}_{r.randint(100, 999)}",
                             f"0x8007{r.randint(0, 0xFFFF):04X}", f"HTTP {r.choice((500, 502, 503, 504))}"))
        if slot == "ticket":
            return r.choice((f"INC{r.randint(0, 9_999_999):07d}", f"TCK-{r.randint(10000, 99999)}",
                             f"CS-{r.randint(100000, 999999)}"))
        if slot == "timestamp":
            d = self.random_date(*_EVENT_RANGE)
            hms = f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
            return r.choice((f"{d.isoformat()} {hms}", f"{d.isoformat()}T{hms}Z"))
        if slot == "time":
            return f"{r.randint(7, 19):02d}:{r.choice(('00', '15', '30', '45'))}"
        if slot == "date":
            return self.format_date(self.random_date(*_EVENT_RANGE), lang)
        if slot == "price":
            return self.price(lang)
        if slot == "company":
            return self.company(lang)
        if slot == "product":
            return r.choice(_PRODUCTS)
        if slot == "tracking":
            return self.tracking_number()
        if slot == "build":
            return f"10.0.{r.randint(17000, 22631)}.{r.randint(100, 4000)}"
        if slot == "invoice":
            return f"INV-{r.randint(2022, 2025)}-{r.randint(1, 99999):05d}"
        if slot == "qty":
            return str(r.randint(2, 480))
        if slot == "serial":
            return "SN" + "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
        if slot == "staff_id":
            return f"E{r.randint(100000, 999999)}"
        raise ValueError(f"no producer for slot {slot!r}")

    # --- helpers ----------------------------------------------------------------------------
    def _maybe(self, first: str, second: str, p: float = 0.5) -> str:
        return first if self.rng.random() < p else second

    @staticmethod
    def _checked(entity: str, value: str) -> str:
        if not IDENTIFIER_VALIDATORS[entity](value):
            raise GdprepError(f"generated an invalid {entity} ({value!r}); this is a bug in the generator")
        return value


class RecordContext:
    """The values of one record: each slot is produced once, so `{name}` twice is the same person."""

    def __init__(self, data: FakeData, lang: str) -> None:
        self.data = data
        self.lang = lang
        self._values: dict[str, str] = {}
        self._people: dict[int, Person] = {}
        self._genders: dict[int, bool] = {}
        self._dob: date | None = None

    def hint_genders(self, parts: Sequence[tuple[str, str | None]]) -> None:
        for text, gender in parts:
            if gender and text in _PERSON_SLOTS:
                self._genders.setdefault(_PERSON_SLOTS[text][0], gender == "f")

    def person(self, index: int) -> Person:
        if index not in self._people:
            self._people[index] = self.data.person(self.lang, self._genders.get(index))
        return self._people[index]

    @property
    def dob(self) -> date:
        if self._dob is None:
            self._dob = self.data.random_date(*_DOB_RANGE)
        return self._dob

    def value(self, slot: str) -> str:
        if slot not in self._values:
            self._values[slot] = self._produce(slot)
        return self._values[slot]

    def _produce(self, slot: str) -> str:
        d, lang = self.data, self.lang
        if slot in _PERSON_SLOTS:
            index, part = _PERSON_SLOTS[slot]
            person = self.person(index)
            if part == "email":
                return d.email_for(person, lang)
            return {"full": person.full, "first": person.first, "last": person.last}[part]
        producers: dict[str, Callable[[], str]] = {
            "phone": lambda: d.phone(lang), "phone2": lambda: d.phone(lang),
            "nino": d.nino, "nhs": d.nhs_number, "postcode": d.uk_postcode, "sort_code": d.sort_code,
            "account": d.bank_account, "passport": d.passport, "vat": d.uk_vat,
            "licence": lambda: d.driving_licence(self.person(1), self.dob),
            "iban": lambda: d.iban(DATA_LOCALES[lang]),
            "iban_eu": lambda: d.iban(d.rng.choice(_EU_IBAN_LOCALES)),
            "steuer_id": d.steuer_id, "nir": d.fr_nir, "dni": d.es_dni, "nie": d.es_nie,
            "cf": d.it_fiscal_code, "bsn": d.nl_bsn, "pesel": lambda: d.pl_pesel(self.dob),
            "address": lambda: d.address(lang), "street": lambda: d.street(lang),
            "dob": lambda: d.format_date(self.dob, lang),
            "ip": lambda: d.faker("en_GB").ipv4_public(),
            "ipv6": lambda: d.faker("en_GB").ipv6(),
            "card": d.card,
        }
        if slot in producers:
            return producers[slot]()
        return d.negative(slot, lang)


def fill_template(template: str, ctx: RecordContext) -> tuple[str, list[Span]]:
    """Fill a template, recording each labelled value's offsets as it is appended."""
    parts = parse_template(template)
    ctx.hint_genders(parts)
    chunks: list[str] = []
    spans: list[Span] = []
    pos = 0
    for text, gender in parts:
        if gender is None:
            chunks.append(text)
            pos += len(text)
            continue
        value = ctx.value(text)
        if not value or value != value.strip():
            raise GdprepError(f"slot {text!r} produced {value!r}: empty or padded; this is a bug")
        entity = SLOT_TYPES[text]
        if entity is not None:
            spans.append(Span(pos, pos + len(value), entity))
        chunks.append(value)
        pos += len(value)
    return "".join(chunks), spans


def default_name_pools(
    locales: Mapping[str, Sequence[tuple[float, str]]],
) -> dict[str, list[tuple[float, NamePool]]]:
    """Resolve `{lang: [(weight, faker_locale), ...]}` into weighted Faker name pools."""
    return {lang: [(w, faker_name_pool(loc)) for w, loc in items] for lang, items in locales.items()}


# ---------------------------------------------------------------------------------------------
# The shipped sample: realistic fine-tuning records (support, e-mail, HR, clinical).
# ---------------------------------------------------------------------------------------------

Form = Literal["text", "prompt_completion", "chat"]


@dataclass(frozen=True)
class SampleTemplate:
    """One kind of fine-tuning record: its label, language, form and the template text(s)."""

    label: str
    lang: str
    form: Form
    # text: (text,); prompt_completion: (prompt, completion); chat: ("role|template", ...)
    parts: tuple[str, ...]


def _t(label: str, lang: str, text: str) -> SampleTemplate:
    return SampleTemplate(label, lang, "text", (text,))


def _pc(label: str, lang: str, prompt: str, completion: str) -> SampleTemplate:
    return SampleTemplate(label, lang, "prompt_completion", (prompt, completion))


def _chat(label: str, lang: str, *turns: str) -> SampleTemplate:
    return SampleTemplate(label, lang, "chat", turns)


SAMPLE_LABELS: Final[tuple[str, ...]] = ("support", "email", "hr", "clinical")
# the sample uses the same name locales as the benchmark's tuning split, never the held-out ones
SAMPLE_NAME_LOCALES: Final[dict[str, tuple[tuple[float, str], ...]]] = {
    ""
    "en": ((0.75, "en_GB"), (0.05, "de_DE"), (0.05, "fr_FR"), (0.05, "it_IT"), (0.05, "es_ES"),
           (0.05, "nl_NL")),
    "de": ((1.0, "de_DE"),), "fr": ((1.0, "fr_FR"),), "nl": ((1.0, "nl_NL"),),
    "it": ((1.0, "it_IT"),), "es": ((1.0, "es_ES"),),
}
SAMPLE_LANG_WEIGHTS: Final[dict[str, float]] = {
    "en": 0.6, "de": 0.08, "fr": 0.08, "nl": 0.08, "it": 0.08, "es": 0.08,
}

SAMPLE_TEMPLATES: Final[tuple[SampleTemplate, ...]] = (
    # ---------------- English: support ----------------
    _t("support", "en",
       "Ticket {ticket} opened {timestamp}\nFrom: {name} <{email}>\nPhone: {phone}\n\n"
       "Hi, I ordered the {product} ({sku}) on {date}, order #{order}, and it arrived with a cracked screen. "
       "I paid {price} with my card {card}. Please can you send a replacement to {address}? "
       "I'm at work until 6 so please call after that.\n\nThanks,\n{first}"),
    _chat("support", "en",
          "system|You are a friendly customer support assistant for {company}. Never read out full card or "
          "bank numbers.",
          "user|Hi, I'm {name}. My broadband keeps dropping every evening. The router is a {product} on "
          "firmware {version} and the log shows {error}. The account is registered to postcode {postcode}.",
          "assistant|Thanks {first}, sorry about the drops. Firmware {version} has a known issue that causes "
          "{error}; I've scheduled an update for tonight. If it still drops, reply to ticket {ticket} and "
          "we'll "
          "book an engineer."),
    _pc("support", "en",
        "Summarise the following support ticket for the handover log.\n\nCustomer {name} (account e-mail "
        "{email}) reports being charged twice for order #{order} ({price} each). Bank details given: sort "
        "code "
        "{sort_code}, account number {account}. Customer asked for the refund to go back to the same "
        "account.",
        "Duplicate charge on order #{order}: {price} taken twice. Refund the second payment to the account "
        "on "
        "file; no further action needed from the customer."),
    _t("support", "en",
       "Known issue {ticket}: after upgrading to {version}, the {product} shows {error} when syncing. "
       "Workaround: roll back to build {build} and clear the app cache. Affects orders placed since {date}; "
       "goodwill credit is capped at {price} per order."),
    _chat("support", "en",
          "user|I can't log in since this morning. My username is {email} and the last login shows an IP "
          "I don't recognise: {ip}.",
          "assistant|Thanks for flagging this. I've locked the account and logged {ip} under security case "
          "{ticket}. A reset code has been sent by text to {phone}; it expires at {time}."),
    # ---------------- English: e-mail ----------------
    _t("email", "en",
       "From: {email}\nTo: {email2}\nSubject: Invoice {invoice} overdue\n\nDear {name2},\n\n"
       "Invoice {invoice} for {price} is now 30 days overdue. Please pay by bank transfer to {company}, "
       "IBAN {iban}, quoting {invoice}. Our VAT registration number is {vat}.\n\nKind regards,\n{name}\n"
       "Credit Control"),
    _pc("email", "en",
        "Write a polite reply to this e-mail.\n\nHi, this is {name}. I've moved house: my new address is "
        "{address} and my mobile is now {phone}. Could you update my details before the next delivery on "
        "{date}?",
        "Dear {first},\n\nThank you for letting us know. We've updated your address and mobile number, so "
        "your delivery on {date} will go to the new address.\n\nBest wishes,\nCustomer Care, {company}"),
    _chat("email", "en",
          "system|You draft short internal e-mails for the operations team.",
          "user|Draft a note telling the warehouse that shipment {tracking} with {qty} units of {sku} is "
          "delayed until {date}.",
          "assistant|Subject: Shipment {tracking} delayed\n\nHi all,\n\nShipment {tracking} ({qty} x {sku}) "
          "will now arrive on {date}. Please hold the loading bay slot and update the stock forecast.\n\n"
          "Thanks,\nOperations"),
    _t("email", "en",
       "Subject: Your {company} order #{order}\n\nHello {first},\n\nGood news: your {product} has shipped "
       "and should arrive by {date}. Track it with reference {tracking}. The payment of {price} was taken "
       "from card {card}.\n\nApp version {version} now lets you change your delivery slot."),
    # ---------------- English: HR ----------------
    _t("hr", "en",
       "HR NOTE - CONFIDENTIAL\nEmployee: {name}\nStaff ID: {staff_id}\nDOB: {dob}\nNI number: {nino}\n"
       "Address: {address}\nPersonal e-mail: {email}\n\n{first} met {name2} (line manager) on {date} to "
       "agree a return-to-work plan after sickness absence for anxiety and depression. Occupational health "
       "recommends a phased return over four weeks. Salary continues to sort code {sort_code}, account "
       "{account}."),
    _pc("hr", "en",
        "Extract the right-to-work check details as a list.\n\nNew starter {name} showed UK passport "
        "{passport} and driving licence {licence} on {date}. Date of birth {dob}. Checked by {name2}.",
        "- Name: {name}\n- Document: UK passport {passport}\n- Secondary ID: driving licence {licence}\n"
        "- Date of birth: {dob}\n- Checked on {date} by {name2}"),
    _chat("hr", "en",
          "system|You are an HR assistant. Answer only from the family leave policy.",
          "user|Hi, it's {name:f} from the Leeds depot. I'm pregnant and due on {date}. How much maternity "
          "leave can I take? My employee number is {staff_id}.",
          "assistant|Congratulations, {first}! You can take up to 52 weeks of maternity leave. Please send "
          "your MATB1 form to HR and we'll confirm your dates in writing."),
    _t("hr", "en",
       "Payroll set-up for seconded staff ({company}):\n- {name}, Polish national, PESEL {pesel}, paid to "
       "{iban_eu}\n- {name2}, Dutch national, BSN {bsn}\nBoth start on {date}; contracts reference "
       "{ticket}."),
    # ---------------- English: clinical ----------------
    _t("clinical", "en",
       "Discharge summary\nPatient: {name}   NHS number: {nhs}   DOB: {dob}\nAddress: {address}\n"
       "GP: Dr {last2}\n\nAdmitted {date} with community-acquired pneumonia. Treated with IV co-amoxiclav, "
       "then oral amoxicillin 500 mg TDS for 5 days. Background: type 2 diabetes (metformin 1 g BD), "
       "hypertension (amlodipine 5 mg OD). Follow-up chest X-ray in 6 weeks."),
    _pc("clinical", "en",
        "Turn this consultation note into a short letter to the patient.\n\nPt {name}, NHS {nhs}. "
        "Low mood and poor sleep for 3 months. PHQ-9 score 16. Started sertraline 50 mg OD. Review in "
        "2 weeks ({date}). Safety-netted; crisis line number given.",
        "Dear {first},\n\nThank you for coming to see me today about your low mood and sleep. We agreed to "
        "start sertraline 50 mg once a day. I'd like to see you again on {date}. If you feel unsafe at any "
        "point, please call the crisis line or 111.\n\nBest wishes,\nDr {last2}"),
    _chat("clinical", "en",
          "system|You are a clinical coding assistant. Suggest ICD-10 codes.",
          "user|Patient {name}, born {dob}, attended A&E on {date} with a fractured left distal radius after "
          "a fall. Known epilepsy on levetiracetam 500 mg BD.",
          "assistant|Suggested codes: S52.5 (fracture of lower end of radius), W19 (unspecified fall), "
          "G40.9 (epilepsy, unspecified). Please confirm laterality in the notes."),
    _t("clinical", "en",
       "Ward 7B handover {timestamp}\nBed 12: {name} ({dob}), NHS {nhs}. Day 2 after laparoscopic "
       "cholecystectomy. Pain controlled with paracetamol 1 g QDS. HIV positive, on stable ART. "
       "Next of kin: {name2}, {phone}. Plan: home tomorrow if eating and drinking."),
    _pc("clinical", "en",
        "Classify the urgency of this referral (routine / urgent / two-week wait).\n\nReferral for {name}, "
        "{address}, NHS no. {nhs}: 6 weeks of rectal bleeding and weight loss, age over 50.",
        "Two-week wait (suspected lower GI cancer)."),
    # ---------------- German ----------------
    _chat("support", "de",
          "system|Du bist der hilfsbereite Kundenservice von {company}.",
          "user|Hallo, hier ist {name}. Meine Bestellung {order} über {price} ist nicht angekommen. "
          "Lieferadresse: {address}.",
          "assistant|Hallo {first}, danke für Ihre Nachricht. Die Sendung {tracking} hängt im Verteilzentrum "
          "fest; wir schicken Ihnen bis zum {date} kostenlos Ersatz."),
    _t("email", "de",
       "Betreff: Rechnung {invoice}\n\nSehr geehrte Damen und Herren,\n\nbitte überweisen Sie {price} bis "
       "zum {date} auf unser Konto IBAN {iban}. Bei Fragen erreichen Sie mich unter {phone} oder {email}.\n\n"
       "Mit freundlichen Grüßen\n{name}\n{company}"),
    _pc("hr", "de",
        "Fasse die Personalnotiz in einem Satz zusammen:\n\n{name} (geb. {dob}, Steuer-ID {steuer_id}) "
        "wechselt "
        "zum {date} in die Abteilung Logistik. Das Gehalt geht weiterhin auf {iban}. Wohnhaft: {address}.",
        "{name} wechselt zum {date} in die Logistik; Bankverbindung und Anschrift bleiben unverändert."),
    _t("clinical", "de",
       "Arztbrief\nPatient: {name}, geb. {dob}\nAnschrift: {address}\n\nDiagnosen: Diabetes mellitus Typ 2, "
       "arterielle Hypertonie.\nMedikation: Metformin 1000 mg 1-0-1, Ramipril 5 mg 1-0-0.\n"
       "Kontrolltermin am {date} um {time} Uhr."),
    # ---------------- French ----------------
    _t("support", "fr",
       "Bonjour,\n\nJe m'appelle {name} et ma commande n° {order} ({price}) n'est jamais arrivée. "
       "Mon adresse : {address}. Vous pouvez me joindre au {phone}.\n\nCordialement,\n{first}"),
    _chat("email", "fr",
          "system|Tu rédiges des e-mails professionnels en français.",
          "user|Écris un rappel à {name} ({email}) pour la facture {invoice} de {price}, échéance le {date}.",
          "assistant|Objet : Rappel facture {invoice}\n\nBonjour {first},\n\nSauf erreur de notre part, la "
          "facture {invoice} d'un montant de {price} arrivait à échéance le {date}. Merci de procéder au "
          "règlement.\n\nBien cordialement,\n{company}"),
    _pc("hr", "fr",
        "Résume cette note RH :\n\n{name:f}, née le {dob}, numéro de sécurité sociale {nir}, est en arrêt "
        "maladie depuis le {date} (dépression). Salaire versé sur l'IBAN {iban}.",
        "{name} est en arrêt maladie depuis le {date} ; le salaire continue d'être versé."),
    _t("clinical", "fr",
       "Compte rendu de consultation\nPatient : {name:m}, né le {dob}, NIR {nir}\nAdresse : {address}\n\n"
       "Motif : asthme mal contrôlé. Traitement : salbutamol à la demande, budésonide 200 µg matin et soir. "
       "Prochain rendez-vous le {date}."),
    # ---------------- Dutch ----------------
    _t("support", "nl",
       "Beste klantenservice,\n\nIk ben {name} en mijn bestelling {order} ({product}) doet het niet: "
       "foutcode "
       "{error} na update {version}. Bel me op {phone} of mail naar {email}.\n\nGroet,\n{first}"),
    _pc("email", "nl",
        "Schrijf een korte bevestiging voor deze wijziging:\n\n{name} heeft een nieuw adres: {address}. "
        "Het rekeningnummer blijft {iban}.",
        "Beste {first},\n\nWe hebben je nieuwe adres verwerkt. Je rekeningnummer blijft ongewijzigd.\n\n"
        "Met vriendelijke groet,\n{company}"),
    _chat("hr", "nl",
          "system|Je bent een HR-assistent.",
          "user|Nieuwe medewerker: {name}, BSN {bsn}, geboortedatum {dob}. Start op {date}. Wat moet ik nog "
          "regelen?",
          "assistant|Controleer het identiteitsbewijs, leg het BSN vast in de salarisadministratie en plan "
          "de introductie op {date}."),
    _t("clinical", "nl",
       "Verwijsbrief\nPatiënt: {name}, geboren op {dob}, BSN {bsn}\n\nKlachten: hartkloppingen en "
       "duizeligheid sinds {date}. Medicatie: metoprolol 50 mg. Graag cardiologisch onderzoek."),
    # ---------------- Italian ----------------
    _chat("support", "it",
          "system|Sei l'assistente clienti di {company}: rispondi sempre in italiano.",
          "user|Buongiorno, sono {name}. Il mio ordine {order} è arrivato danneggiato. Codice fiscale per la "
          "fattura: {cf}.",
          "assistant|Buongiorno {first}, ci scusiamo. Abbiamo aperto la pratica {ticket} e spediremo un "
          "nuovo prodotto entro il {date}."),
    _t("email", "it",
       "Oggetto: Fattura {invoice}\n\nGentile {name},\n\nle ricordiamo che la fattura {invoice} di {price} "
       "scade il {date}. Può effettuare il bonifico sull'IBAN {iban}.\n\nCordiali "
       "saluti,\n{name2}\n{company}"),
    _pc("hr", "it",
        "Riassumi la scheda dipendente:\n\n{name}, data di nascita {dob}, codice fiscale {cf}, residente in "
        "{address}, telefono {phone}. Assunzione dal {date}.",
        "{name} viene assunto/a dal {date}; i dati anagrafici sono completi."),
    _t("clinical", "it",
       "Lettera di dimissione\nPaziente: {name:m}, nato il {dob}, CF {cf}\n\nDiagnosi: scompenso cardiaco. "
       "Terapia: furosemide 25 mg, bisoprololo 2,5 mg. Controllo il {date}."),
    # ---------------- Spanish ----------------
    _t("support", "es",
       "Hola,\n\nSoy {name} y mi pedido {order} no ha llegado. Dirección de entrega: {address}. "
       "Mi teléfono es {phone}.\n\nGracias,\n{first}"),
    _chat("email", "es",
          "system|Redactas correos formales en español.",
          "user|Escribe a {name} ({email}) confirmando el reembolso de {price} del pedido {order}.",
          "assistant|Asunto: Reembolso del pedido {order}\n\nEstimado/a {first}:\n\nLe confirmamos el "
          "reembolso de {price}. Lo verá en su cuenta en 3 a 5 días hábiles.\n\nAtentamente,\n{company}"),
    _pc("hr", "es",
        "Resume la ficha de empleado:\n\n{name}, NIE {nie}, fecha de nacimiento {dob}, cuenta {iban}. "
        "Incorporación el {date}.",
        "{name} se incorpora el {date}; la documentación está completa."),
    _t("clinical", "es",
       "Informe de alta\nPaciente: {name}, DNI {dni}, fecha de nacimiento {dob}\nDomicilio: {address}\n\n"
       "Diagnóstico: hipotiroidismo. Tratamiento: levotiroxina 50 mcg en ayunas. Revisión el {date}."),
)


def _render(template: SampleTemplate, ctx: RecordContext) -> dict[str, Any]:
    for part in template.parts:
        # genders first, so a hint in a later turn still applies to a person named earlier
        ctx.hint_genders(parse_template(part.partition("|")[2] if template.form == "chat" else part))
    if template.form == "text":
        return {"text": fill_template(template.parts[0], ctx)[0]}
    if template.form == "prompt_completion":
        return {"prompt": fill_template(template.parts[0], ctx)[0],
                "completion": fill_template(template.parts[1], ctx)[0]}
    messages = []
    for turn in template.parts:
        role, _, body = turn.partition("|")
        messages.append({"role": role, "content": fill_template(body, ctx)[0]})
    return {"messages": messages}


def generate_sample(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` fine-tuning records (text, prompt/completion and chat forms) labelled support/email/hr/clinical.

    Deterministic for a seed. About 60% are UK English; the rest are German, French, Dutch, Italian and
    Spanish, written in that language.
    """
    if n < 1:
        raise UsageError(f"--n must be at least 1 (got {n})")
    data = FakeData(f"sample:{seed}", default_name_pools(SAMPLE_NAME_LOCALES), lowercase_rate=0.15)
    by_lang: dict[str, list[SampleTemplate]] = {lang: [] for lang in LANGS}
    for template in SAMPLE_TEMPLATES:
        by_lang[template.lang].append(template)
    langs, weights = zip(*SAMPLE_LANG_WEIGHTS.items(), strict=True)
    records: list[dict[str, Any]] = []
    for i in range(n):
        lang = data.rng.choices(langs, weights=weights)[0]
        template = data.rng.choice(by_lang[lang])
        record: dict[str, Any] = {"id": f"sample-{seed}-{i:04d}"}
        record.update(_render(template, RecordContext(data, lang)))
        record["label"] = template.label
        records.append(record)
    return records


def generic_corpus(n: int, seed: int) -> list[str]:
    """`n` texts in the sample's style and languages with every personal value replaced by its type
    (`<PERSON>`, `<UK_NINO>`, ...): generic domain text, free of even fake personal data, for pre-training
    the smoke model that the demo fine-tunes."""
    data = FakeData(f"generic:{seed}", default_name_pools(SAMPLE_NAME_LOCALES), lowercase_rate=0.0)
    texts = []
    for _ in range(n):
        template = data.rng.choice(SAMPLE_TEMPLATES)
        ctx = RecordContext(data, template.lang)
        pieces = []
        for part in template.parts:
            text, spans = fill_template(part.partition("|")[2] if template.form == "chat" else part, ctx)
            for span in sorted(spans, key=lambda s: s.start, reverse=True):
                text = f"{text[:span.start]}<{span.type}>{text[span.end:]}"
            pieces.append(text)
        texts.append("\n".join(pieces))
    return texts


def write_jsonl(records: Sequence[Mapping[str, Any]], out: Path) -> None:
    """Write records as UTF-8 JSON lines (non-ASCII kept readable), creating the parent folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gdprep.examples.generate", description=__doc__)
    parser.add_argument("--n", type=int, default=120, help="number of records (default 120)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="output JSONL path")
    args = parser.parse_args(argv)
    records = generate_sample(args.n, args.seed)
    write_jsonl(records, args.out)
    print(f"wrote {len(records)} records to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
