"""Special-category cue detection: positives per category and language, and the known false-positive traps."""

from __future__ import annotations

import re

import pytest

from gdprep.errors import PolicyError
from gdprep.privacy.special_categories import (
    CATEGORY_DESCRIPTIONS,
    CUES,
    SPECIAL_CATEGORIES,
    SpecialCategoryDetector,
    SpecialCategoryFlag,
    validate_cues,
)

LANGUAGES = ("en", "de", "fr", "nl", "it", "es")

# (category, language, text, expected cue)
POSITIVES = [
    ("health", "en", "She was diagnosed with diabetes last year.", "diabetes"),
    ("health", "en", "He has been on sick leave since March.", "sick leave"),
    ("health", "en", "My partner is HIV-positive.", "HIV-positive"),
    ("health", "en", "She is pregnant with twins.", "pregnant"),
    ("health", "en", "He has suffered from depression for years.", "depression"),
    ("health", "de", "Anbei meine Krankschreibung bis Freitag.", "Krankschreibung"),
    ("health", "de", "Sie ist seit Mai schwanger.", "schwanger"),
    ("health", "fr", "Je suis en arrêt maladie cette semaine.", "arrêt maladie"),
    ("health", "fr", "Enceinte de 5 mois, elle travaille à mi-temps.", "Enceinte de 5 mois"),
    ("health", "nl", "Ik heb me ziek gemeld vanwege een burn-out.", "ziek gemeld"),
    ("health", "it", "Mio figlio ha una disabilità.", "disabilità"),
    ("health", "es", "Estoy de baja médica hasta el lunes.", "baja médica"),
    ("ethnicity", "en", "The applicant is of Pakistani heritage.", "Pakistani heritage"),
    ("ethnicity", "en", "Ethnic origin: Black British", "Ethnic origin"),
    ("ethnicity", "de", "Schüler mit Migrationshintergrund", "Migrationshintergrund"),
    ("ethnicity", "fr", "discrimination selon l'origine ethnique", "origine ethnique"),
    ("ethnicity", "nl", "mensen van Marokkaanse afkomst", "Marokkaanse afkomst"),
    ("ethnicity", "es", "una familia gitana de Sevilla", "gitana"),
    ("religion", "en", "As a practising Muslim he fasts during Ramadan.", "Muslim"),
    ("religion", "en", "She attends synagogue on Saturdays.", "attends synagogue"),
    ("religion", "de", "Ich bin aus der Kirche ausgetreten und zahle keine Kirchensteuer.", "Kirchensteuer"),
    ("religion", "fr", "Il est catholique pratiquant.", "catholique"),
    ("religion", "nl", "Zij is moslim en draagt een hoofddoek.", "moslim"),
    ("religion", "it", "È ebreo osservante.", "ebreo"),
    ("politics", "en", "He has been a Labour Party member since 1997.", "Labour Party"),
    ("politics", "en", "I voted Conservative at the last election.", "voted Conservative"),
    ("politics", "de", "Sie ist Mitglied der SPD.", "Mitglied der SPD"),
    ("politics", "fr", "Il milite au Rassemblement national.", "Rassemblement national"),
    ("politics", "nl", "Hij is lid van de VVD.", "lid van de VVD"),
    ("politics", "es", "Es votante de Vox desde 2019.", "votante de Vox"),
    ("trade_union", "en", "I am a member of Unite and want union representation.", "member of Unite"),
    ("trade_union", "en", "Our shop steward raised the grievance.", "shop steward"),
    ("trade_union", "de", "Er ist in der Gewerkschaft aktiv.", "Gewerkschaft"),
    ("trade_union", "fr", "Elle est déléguée syndicale chez nous.", "déléguée syndicale"),
    ("trade_union", "nl", "Ik ben lid van de vakbond.", "vakbond"),
    ("trade_union", "it", "Sono iscritto al sindacato.", "iscritto al sindacato"),
    ("trade_union", "es", "Se afilió al sindicato en 2020.", "sindicato"),
    ("sex_life_orientation", "en", "He came out as gay to his manager.", "came out as"),
    ("sex_life_orientation", "en", "She lives with her same-sex partner.", "same-sex partner"),
    ("sex_life_orientation", "de", "Mein Kollege ist schwul.", "schwul"),
    ("sex_life_orientation", "fr", "Son orientation sexuelle ne regarde personne.", "orientation sexuelle"),
    ("sex_life_orientation", "it", "È apertamente omosessuale.", "omosessuale"),
    ("sex_life_orientation", "es", "Ella es lesbiana.", "lesbiana"),
    ("genetic_biometric", "en", "The results of my genetic test came back.", "genetic test"),
    ("genetic_biometric", "en", "Staff clock in with their fingerprints.", "fingerprints"),
    ("genetic_biometric", "en", "The door uses facial recognition.", "facial recognition"),
    ("genetic_biometric", "de", "Wir speichern Ihren Fingerabdruck.", "Fingerabdruck"),
    ("genetic_biometric", "fr", "Le système utilise la reconnaissance faciale.", "reconnaissance faciale"),
    ("genetic_biometric", "nl", "De uitslag van de DNA-test is binnen.", "DNA-test"),
    ("genetic_biometric", "es", "Registramos su huella dactilar.", "huella dactilar"),
    ("criminal", "en", "He has a criminal record for theft.", "criminal record"),
    ("criminal", "en", "She received a police caution in 2015.", "police caution"),
    ("criminal", "en", "The role requires an enhanced DBS check.", "DBS check"),
    ("criminal", "en", "He was arrested at the airport.", "was arrested"),
    ("criminal", "de", "Der Bewerber hat keine Vorstrafen.", "Vorstrafen"),
    ("criminal", "fr", "Merci de fournir un extrait de casier judiciaire.", "casier judiciaire"),
    ("criminal", "nl", "Voor deze functie is een VOG nodig.", "VOG"),
    ("criminal", "it", "Non ho precedenti penali.", "precedenti penali"),
    ("criminal", "es", "Fue condenado por fraude.", "condenado por"),
]

# Everyday uses of words that are cues only in a special-category sense.
NEGATIVES = [
    "The European Union adopted the regulation.",
    "Take the union of sets A and B.",
    "We share data with a third party processor.",
    "We are planning a birthday party for Sam.",
    "Labour costs rose by 4% this quarter.",
    "That is a conservative estimate of the savings.",
    "Press the green button to continue.",
    "A healthy diet includes plenty of vegetables.",
    "Our Christmas sale starts on Friday.",
    "The system crashed twice overnight.",
    "Please add a new test case for the parser.",
    "Proceed with caution when editing the config.",
    "No offence, but the design needs work.",
    "She spoke with strong conviction about the plan.",
    "The feature is disabled by default.",
    "Verify the SSH key fingerprint before connecting.",
    "Hearing aids are sold at the counter.",
    "Homo sapiens evolved in Africa.",
    "The Great Depression began in 1929.",
    "Branchez l'enceinte Bluetooth au téléviseur.",
    "Le syndicat de copropriété se réunit lundi.",
    "She won the race by two seconds.",
    "We trained the model with gradient descent.",
    "Roma è la capitale d'Italia.",
    "Herr Krebs ist heute nicht im Büro.",
    "Das Projekt war zum Scheitern verurteilt.",
    "Podemos ir mañana al cine.",
    "Fill in the form in the prescribed manner.",
    "She was charged with leading the migration project.",
    "New employees are on probation for three months.",
    "We need to diagnose the network fault.",
    "The browser fingerprint changes after an update.",
]


@pytest.fixture(scope="module")
def detector() -> SpecialCategoryDetector:
    return SpecialCategoryDetector()


@pytest.mark.parametrize(("category", "language", "text", "cue"), POSITIVES,
                         ids=[f"{c}-{lang}-{i}" for i, (c, lang, _, _) in enumerate(POSITIVES)])
def test_positive_examples_are_flagged(detector: SpecialCategoryDetector, category: str, language: str,
                                       text: str, cue: str) -> None:
    flags = detector.detect(text, "text")
    assert (category, cue) in {(flag.category, flag.cue) for flag in flags}, flags


@pytest.mark.parametrize("text", NEGATIVES)
def test_false_positive_traps_are_not_flagged(detector: SpecialCategoryDetector, text: str) -> None:
    assert detector.detect(text, "text") == []


def test_positive_table_covers_every_category_in_three_languages() -> None:
    for category in SPECIAL_CATEGORIES:
        rows = [row for row in POSITIVES if row[0] == category]
        assert len(rows) >= 4, category
        assert len({row[1] for row in rows}) >= 3, category


def test_cue_table_is_complete_and_compiles() -> None:
    validate_cues()
    assert set(CUES) == set(SPECIAL_CATEGORIES) == set(CATEGORY_DESCRIPTIONS)
    for category, per_lang in CUES.items():
        assert set(per_lang) == set(LANGUAGES), category
        for phrases in per_lang.values():
            for phrase in phrases:
                assert re.compile(phrase).groups == 0, phrase


@pytest.mark.parametrize("category", SPECIAL_CATEGORIES)
def test_descriptions_cite_the_article(category: str) -> None:
    expected = "Art. 10" if category == "criminal" else "Art. 9(1)"
    assert expected in CATEGORY_DESCRIPTIONS[category]


def test_flag_carries_field_and_offsets(detector: SpecialCategoryDetector) -> None:
    text = "Notes: member of Unite; diagnosed with asthma."
    flags = detector.detect(text, "messages[2].content")
    assert [f.category for f in flags] == ["trade_union", "health", "health"]
    assert all(f.field == "messages[2].content" for f in flags)
    assert all(text[f.start:f.end] == f.cue for f in flags)
    assert flags[2] == SpecialCategoryFlag("health", "asthma", "messages[2].content", 39, 45)


def test_matching_is_case_insensitive_except_scoped_cues(detector: SpecialCategoryDetector) -> None:
    assert [f.cue for f in detector.detect("DIAGNOSED WITH EPILEPSY", "t")] == ["DIAGNOSED WITH", "EPILEPSY"]
    assert [f.cue for f in detector.detect("living with AIDS", "t")] == ["AIDS"]
    assert detector.detect("first aids kit", "t") == []


@pytest.mark.parametrize(("categories", "expected"), [
    (["health"], ["health"]),
    (["criminal", "trade_union"], ["trade_union", "criminal"]),
    ([], []),
])
def test_category_subset(categories: list[str], expected: list[str]) -> None:
    text = "Union rep, on sick leave, criminal record."
    flags = SpecialCategoryDetector(categories).detect(text, "t")
    assert [f.category for f in flags] == expected


def test_unknown_category_is_rejected() -> None:
    with pytest.raises(PolicyError, match=r"unknown special category 'medical'; use one of health"):
        SpecialCategoryDetector(["health", "medical"])


def test_pattern_is_compiled_once_per_category_set() -> None:
    first = SpecialCategoryDetector(["health", "religion"])
    second = SpecialCategoryDetector(("religion", "health"))
    assert first._pattern is second._pattern
