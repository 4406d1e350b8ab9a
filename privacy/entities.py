"""The entity types gdprep detects, with the group each belongs to. One list, used everywhere."""

from __future__ import annotations

from typing import Final

# entity type -> short description (shown in reports and `gdprep policy show`)
ENTITY_TYPES: Final[dict[str, str]] = {
    "PERSON": "A person's name (gdprep's NER model plus multilingual cue patterns and name lists)",
    "EMAIL_ADDRESS": "E-mail address",
    "PHONE_NUMBER": "Telephone number, UK national or international (+44, +49, ...)",
    "UK_NINO": "UK National Insurance number",
    "UK_NHS": "NHS number (mod 11 checksum)",
    "UK_POSTCODE": "UK postcode",
    "UK_SORT_CODE": "UK bank sort code (with context)",
    "UK_BANK_ACCOUNT": "UK bank account number (8 digits, with context)",
    "UK_PASSPORT": "UK passport number (with context)",
    "UK_DRIVING_LICENCE": "UK (DVLA) driving licence number",
    "UK_VAT": "UK VAT registration number (mod 97 / 9755 checksum)",
    "IBAN_CODE": "IBAN for any EU/EEA country or the UK (mod 97)",
    "DE_TAX_ID": "German Steuer-Identifikationsnummer (IdNr)",
    "FR_NIR": "French social security number (NIR / numero de securite sociale)",
    "ES_DNI": "Spanish DNI / NIF",
    "ES_NIE": "Spanish NIE (foreigner identity number)",
    "IT_FISCAL_CODE": "Italian codice fiscale",
    "NL_BSN": "Dutch BSN (11-proof)",
    "PL_PESEL": "Polish PESEL",
    "STREET_ADDRESS": "Street address (gdprep's NER model for EU/EEA, UK, US, CA, AU and ZA shapes, plus UK/EU rules)",
    "DATE_OF_BIRTH": "A date in a birth context",
    "IP_ADDRESS": "IPv4 or IPv6 address",
    "CREDIT_CARD": "Payment card number (Luhn)",
    "LOCATION": "A place name from spaCy NER (off in the shipped policies; addresses are STREET_ADDRESS)",
}

#: the language code every recognizer is registered under. Records in de/fr/nl/it/es are analysed
#: with the same engine: the patterns and context words are multilingual, the spaCy model is English.
ENGINE_LANGUAGE: Final[str] = "en"
