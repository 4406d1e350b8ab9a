"""Direct identifiers of a data subject and their normal forms, for the subject index behind
`gdprep erase --subject`: the same person written two ways ("Anna@Example.org", "+44 7700 900123" and
"07700 900123", "Zoë Müller" and "MULLER, Zoe") gives the same key. The ledger holds only keyed HMACs of
these forms, never the forms themselves."""

from __future__ import annotations

import unicodedata
from typing import Final

import regex

from gdprep.privacy.entities import NATIONAL_ID_TYPES

#: what the subject index holds: identifiers that single out a person (a name too, so a controller can look a
#: subject up by the name in the request)
DIRECT_IDENTIFIERS: Final[frozenset[str]] = frozenset({
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_NINO", "UK_NHS", "UK_PASSPORT", "UK_DRIVING_LICENCE", "IBAN_CODE",
    "CREDIT_CARD", "DE_TAX_ID", "FR_NIR", "ES_DNI", "ES_NIE", "IT_FISCAL_CODE", "NL_BSN", "PL_PESEL",
    *NATIONAL_ID_TYPES,
})
_NON_DIGITS = regex.compile(r"\D+")
_NON_ALNUM = regex.compile(r"[^0-9A-Z]+")
_NAME_WORD = regex.compile(r"\p{L}+")
# titles a detector may or may not include in a name's span
_TITLES: Final = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr", "frau", "m", "mme",
                            "mlle", "sr", "sra", "srta", "sig", "dott"})
# record ids that are opaque tokens: UUIDs and hex digests (a content id is "sha256:" and 24 hex digits)
_OPAQUE_ID = regex.compile(r"(?i)(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                           r"|(?:sha\d+:|md5:)?[0-9a-f]{16,})")
_PERSONAL_ID = regex.compile(
    r"@"                                  # an e-mail address or a handle
    r"|\p{Lu}\p{Ll}+(?:[\s_.'-]+\p{Lu}\p{Ll}+)+"  # capitalised words: a name, a street
    r"|://|^www\."                        # a web address
    r"|\+?\d(?:[\s\-./()]*\d){8,}"          # nine or more digits: a phone number, a national id, an account
    r"|^[A-Za-z]{2}\d{6}[A-Da-d]$"          # a UK National Insurance number
    r"|^[A-Za-z]{2}\d{2}[A-Za-z0-9]{10,}$"  # an IBAN
)


def _phone(value: str) -> str:
    digits = _NON_DIGITS.sub("", value)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) >= 12:
        digits = "0" + digits[2:]
    return "tel:" + digits


def _name(value: str) -> str | None:
    """A name's normal form: its words without accents, case, punctuation or titles, in sorted order (so
    "Müller, Zoë" is "Zoe Muller"); None when no word is left."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    words = sorted(w for w in (m.group().casefold() for m in _NAME_WORD.finditer(plain)) if w not in _TITLES)
    return "name:" + " ".join(words) if words else None


def normalise_identifier(entity_type: str, value: str) -> str:
    """The normal form of one identifier of a known type."""
    if entity_type == "PERSON":
        return _name(value) or "name:"
    if entity_type == "EMAIL_ADDRESS":
        return "email:" + value.strip().lower()
    if entity_type == "PHONE_NUMBER":
        return _phone(value)
    return "id:" + _NON_ALNUM.sub("", value.upper())


def looks_like_personal_data(record_id: str) -> bool:
    """Whether a record id may itself identify a person (an e-mail, a name, a phone number, a national id
    or an account number). Such ids are shown in reports by their keyed hash, never as they are; plain
    sequence numbers, UUIDs and hex digests are shown as they are."""
    if _OPAQUE_ID.fullmatch(record_id):
        return False
    return _PERSONAL_ID.search(record_id) is not None


def identifier_candidates(value: str) -> set[str]:
    """Every normal form a subject identifier typed by a person could have (its type is not given)."""
    forms = {normalise_identifier("EMAIL_ADDRESS", value)} if "@" in value else set()
    if len(_NON_DIGITS.sub("", value)) >= 7:
        forms.add(_phone(value))
    forms.add("id:" + _NON_ALNUM.sub("", value.upper()))
    name = _name(value) if "@" not in value and not any(c.isdigit() for c in value) else None
    if name is not None:
        forms.add(name)
    return forms
