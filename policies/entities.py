"""The entity types a policy may name, each with a description, and the groups the privacy stage needs
(national identifiers, the engine's language). Policies validate against this list; the recognizers
register under these names."""

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
    "SE_PERSONNUMMER": "Swedish personnummer or samordningsnummer (Luhn, birth date)",
    "FI_HETU": "Finnish henkilötunnus (birth date, century sign, mod 31 check character)",
    "DK_CPR": "Danish CPR number (birth date; no check digit since 2007)",
    "NO_FODSELSNUMMER": "Norwegian fødselsnummer or D-nummer (birth date, two mod 11 check digits)",
    "IS_KENNITALA": "Icelandic kennitala of a person (birth date, mod 11)",
    "EE_ISIKUKOOD": "Estonian isikukood (sex and century, birth date, mod 11)",
    "LV_PERSONAS_KODS": "Latvian personas kods (birth date and check digit, or the 32... form from 2017)",
    "LT_ASMENS_KODAS": "Lithuanian asmens kodas (sex and century, birth date, mod 11)",
    "BE_NATIONAL_NUMBER": "Belgian rijksregisternummer / numéro de registre national or BIS number (mod 97)",
    "AT_SVNR": "Austrian social insurance number (Versicherungsnummer, check digit, birth date)",
    "LI_PEID": "Liechtenstein Personenidentifikationsnummer (after a cue; no check digit)",
    "CZ_SK_RODNE_CISLO": "Czech or Slovak rodné číslo (birth date, mod 11)",
    "HU_TAJ": "Hungarian TAJ social security number (weighted mod 10)",
    "HU_TAX_ID": "Hungarian adóazonosító jel of a person (birth date, weighted mod 11)",
    "RO_CNP": "Romanian CNP (sex and century, birth date, county, mod 11)",
    "BG_EGN": "Bulgarian EGN (birth date, weighted mod 11)",
    "HR_OIB": "Croatian OIB (ISO 7064 mod 11,10)",
    "SI_EMSO": "Slovenian EMŠO (birth date, region, mod 11)",
    "PT_NIF": "Portuguese NIF of a person or sole trader (mod 11)",
    "PT_CC": "Portuguese Cartão de Cidadão number (civil id, version letters, check digits)",
    "GR_AMKA": "Greek AMKA social security number (birth date, Luhn)",
    "IE_PPS": "Irish PPS number (seven digits and check letters)",
    "LU_MATRICULE": "Luxembourg national identification number (birth date, Luhn and Verhoeff)",
    "MT_ID_CARD": "Maltese identity card number (up to seven digits and a letter)",
    "CY_TIC": "Cypriot tax identification code of a person (check letter)",
    "DE_SOCIAL_SECURITY": "German Rentenversicherungsnummer (birth date, initial, check digit)",
    "DE_HEALTH_INSURANCE": "German Krankenversichertennummer (letter, eight digits, check digit)",
    "DE_TAX_NUMBER": "German Steuernummer in a Land's layout or the 13-digit ELSTER form",
    "PERSONAL_VAT_NUMBER": "VAT number whose national format is a person's own identity number (sole traders)",
    "PASSPORT_NUMBER": "Passport number of an EU/EEA country (format per country; a cue word raises it)",
    "ID_CARD_NUMBER": "National identity card number of an EU/EEA country (format per country; a cue raises it)",
    "DRIVING_LICENCE_NUMBER": "Driving licence number of an EU/EEA country (format per country; a cue raises it)",
    "ORGANISATION_ID": "A company's VAT or registration number: not personal data, kept by default",
    "STREET_ADDRESS": "Street address (gdprep's NER model for EU/EEA, UK, US, CA, AU and ZA shapes, plus UK/EU rules)",
    "DATE_OF_BIRTH": "A date in a birth context",
    "IP_ADDRESS": "IPv4 or IPv6 address",
    "CREDIT_CARD": "Payment card number (Luhn)",
    "LOCATION": "A place name from spaCy NER (off in the shipped policies; addresses are STREET_ADDRESS)",
}

#: national identity numbers and identity documents of EU/EEA countries (gdprep.privacy.recognizers.national
#: and its country modules): each identifies one person directly. Their tests are the per-identifier tables
#: and Presidio's own recognizer cases (tests/test_recognizers_national.py, tests/test_presidio_conformance.py).
NATIONAL_ID_TYPES: Final[frozenset[str]] = frozenset({
    "SE_PERSONNUMMER", "FI_HETU", "DK_CPR", "NO_FODSELSNUMMER", "IS_KENNITALA", "EE_ISIKUKOOD", "LV_PERSONAS_KODS",
    "LT_ASMENS_KODAS", "BE_NATIONAL_NUMBER", "AT_SVNR", "LI_PEID", "CZ_SK_RODNE_CISLO", "HU_TAJ", "HU_TAX_ID", "RO_CNP",
    "BG_EGN", "HR_OIB", "SI_EMSO", "PT_NIF", "PT_CC", "GR_AMKA", "IE_PPS", "LU_MATRICULE", "MT_ID_CARD", "CY_TIC",
    "DE_SOCIAL_SECURITY", "DE_HEALTH_INSURANCE", "DE_TAX_NUMBER", "PERSONAL_VAT_NUMBER", "PASSPORT_NUMBER",
    "ID_CARD_NUMBER", "DRIVING_LICENCE_NUMBER",
})

#: the language code every recognizer is registered under. Records in de/fr/nl/it/es are analysed
#: with the same engine: the patterns and context words are multilingual, the spaCy model is English.
ENGINE_LANGUAGE: Final[str] = "en"
