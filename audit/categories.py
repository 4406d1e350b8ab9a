"""Categories of personal data in plain language, for the record of processing: the detector's entity types
and the special categories mapped to the words a controller, a DPO or a supervisory authority uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

NAMES: Final = "names"
CONTACT: Final = "contact details (e-mail addresses, phone numbers, postal addresses)"
LOCATION: Final = "location data (place names)"
BIRTH: Final = "dates of birth"
NATIONAL_ID: Final = "national identification numbers"
DOCUMENTS: Final = "identity document numbers (passports, identity cards, driving licences)"
SOCIAL: Final = "social security and health insurance numbers"
HEALTH_ID: Final = "health service identifiers (e.g. NHS numbers)"
TAX: Final = "tax identifiers"
FINANCIAL: Final = "financial details (bank accounts, payment cards)"
ONLINE: Final = "online identifiers (IP addresses)"
#: organisations' identifiers are not personal data: they never appear as a category
NOT_PERSONAL: Final = None

#: detector entity type -> category of personal data; every type in `gdprep.policies.entities` has a row (a
#: test holds it to that, so a new recognizer says which category it finds)
ENTITY_CATEGORIES: Final[dict[str, str | None]] = {
    "PERSON": NAMES,
    "EMAIL_ADDRESS": CONTACT, "PHONE_NUMBER": CONTACT, "STREET_ADDRESS": CONTACT, "UK_POSTCODE": CONTACT,
    "LOCATION": LOCATION,
    "DATE_OF_BIRTH": BIRTH,
    "UK_NHS": HEALTH_ID,
    "UK_NINO": SOCIAL, "FR_NIR": SOCIAL, "AT_SVNR": SOCIAL, "HU_TAJ": SOCIAL, "GR_AMKA": SOCIAL,
    "DE_SOCIAL_SECURITY": SOCIAL, "DE_HEALTH_INSURANCE": SOCIAL,
    "UK_PASSPORT": DOCUMENTS, "UK_DRIVING_LICENCE": DOCUMENTS, "PASSPORT_NUMBER": DOCUMENTS,
    "ID_CARD_NUMBER": DOCUMENTS, "DRIVING_LICENCE_NUMBER": DOCUMENTS, "PT_CC": DOCUMENTS, "MT_ID_CARD": DOCUMENTS,
    "DE_TAX_ID": TAX, "DE_TAX_NUMBER": TAX, "HU_TAX_ID": TAX, "CY_TIC": TAX, "PT_NIF": TAX, "UK_VAT": TAX,
    "PERSONAL_VAT_NUMBER": TAX,
    "UK_SORT_CODE": FINANCIAL, "UK_BANK_ACCOUNT": FINANCIAL, "IBAN_CODE": FINANCIAL, "CREDIT_CARD": FINANCIAL,
    "IP_ADDRESS": ONLINE,
    "ORGANISATION_ID": NOT_PERSONAL,
    **{t: NATIONAL_ID for t in ("ES_DNI", "ES_NIE", "IT_FISCAL_CODE", "NL_BSN", "PL_PESEL", "SE_PERSONNUMMER",
                                "FI_HETU", "DK_CPR", "NO_FODSELSNUMMER", "IS_KENNITALA", "EE_ISIKUKOOD",
                                "LV_PERSONAS_KODS", "LT_ASMENS_KODAS", "BE_NATIONAL_NUMBER", "LI_PEID",
                                "CZ_SK_RODNE_CISLO", "RO_CNP", "BG_EGN", "HR_OIB", "SI_EMSO", "IE_PPS",
                                "LU_MATRICULE")},
}

#: special category (as the privacy stage flags it) -> its name in Art. 9(1) / Art. 10
SPECIAL_CATEGORIES: Final[dict[str, str]] = {
    "health": "health data",
    "ethnicity": "racial or ethnic origin",
    "religion": "religious or philosophical beliefs",
    "politics": "political opinions",
    "trade_union": "trade union membership",
    "sex_life_orientation": "sex life or sexual orientation",
    "genetic_biometric": "genetic or biometric data",
    "criminal": "criminal convictions and offences (Art. 10)",
}

def data_category(entity_type: str) -> str | None:
    """The plain-language category of a detector entity type; None for types that are not personal data. A
    type this table does not know (a newer detector's) is named as such, never dropped."""
    if entity_type in ENTITY_CATEGORIES:
        return ENTITY_CATEGORIES[entity_type]
    return f"other identifiers (detector type {entity_type})"


def data_categories(entity_types: Iterable[str]) -> list[str]:
    """The distinct plain-language categories of some entity types, in the order of the table."""
    found = {c for c in (data_category(t) for t in entity_types) if c is not None}
    order = list(dict.fromkeys(c for c in ENTITY_CATEGORIES.values() if c is not None))
    return sorted(found, key=lambda c: (order.index(c) if c in order else len(order), c))


def special_categories(ids: Iterable[str]) -> list[str]:
    """Special-category ids in plain language (an unknown id is shown as it is)."""
    known = list(SPECIAL_CATEGORIES)
    return [SPECIAL_CATEGORIES.get(c, c) for c in sorted(set(ids), key=lambda c: (
        known.index(c) if c in known else len(known), c))]
