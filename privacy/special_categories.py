"""Flag text that reveals special-category data (GDPR Art. 9(1)) or criminal-offence data (Art. 10).

The cues are declarative (`CUES`: category -> language -> regex phrases) and compiled once into one
alternation with a named group per category, so a record is scanned a single time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from gdprep.errors import PolicyError

SPECIAL_CATEGORIES: Final[tuple[str, ...]] = (
    "health",
    "ethnicity",
    "religion",
    "politics",
    "trade_union",
    "sex_life_orientation",
    "genetic_biometric",
    "criminal",
)

CATEGORY_DESCRIPTIONS: Final[dict[str, str]] = {
    "health": "Data concerning health: diagnoses, conditions, medication, pregnancy, disability, "
              "mental health, sick leave (Art. 9(1))",
    "ethnicity": "Personal data revealing racial or ethnic origin (Art. 9(1))",
    "religion": "Personal data revealing religious or philosophical beliefs (Art. 9(1))",
    "politics": "Personal data revealing political opinions or party membership (Art. 9(1))",
    "trade_union": "Personal data revealing trade union membership (Art. 9(1))",
    "sex_life_orientation": "Data concerning a natural person's sex life or sexual orientation (Art. 9(1))",
    "genetic_biometric": "Genetic data, and biometric data (fingerprints, face, iris, voice) processed to "
                         "identify a person (Art. 9(1))",
    "criminal": "Personal data relating to criminal convictions and offences or related security "
                "measures: arrests, cautions, records, DBS checks (Art. 10)",
}

# Why the cues look the way they do: generic words that also have everyday meanings ("union", "party",
# "Labour", "conservative", "green", "health", "case", "caution", "offence", "conviction", "disabled",
# "race", "descent", "fingerprint", "enceinte", "Krebs", "Roma", "Podemos") are only cues inside a
# phrase that fixes the special-category sense. Case-sensitive pieces use the scoped flag `(?-i:...)`.
# Every phrase is matched case-insensitively between non-word characters; no capturing groups.
CUES: Final[dict[str, dict[str, list[str]]]] = {
    "health": {
        "en": [
            r"diagnosed with", r"(?:medical|clinical) diagnos(?:is|es)",
            r"medical (?:condition|history|record)s?", r"health (?:condition|problem|issue|record)s?",
            r"(?:chronic|terminal|serious|long-term) illness", r"mental illness",
            r"mental health (?:condition|problem|issue|crisis|episode|support)s?", r"diabet(?:es|ic)",
            r"cancer", r"chemotherapy", r"radiotherapy", r"tumou?rs?", r"leukaemia", r"HIV(?:[- ]positive)?",
            r"(?-i:AIDS)", r"hepatitis [ABC]", r"asthma(?:tic)?", r"epilep(?:sy|tic)",
            r"(?<!great )(?<!economic )(?<!tropical )depression", r"antidepressants?", r"anxiety disorder",
            r"bipolar(?: disorder)?", r"schizophreni(?:a|c)", r"PTSD", r"ADHD", r"autis(?:m|tic)",
            r"dementia", r"Alzheimer(?:'s|’s)?", r"Parkinson(?:'s|’s)", r"multiple sclerosis",
            r"(?:had|suffered) a stroke", r"heart attack", r"pregnan(?:t|cy|cies)", r"maternity leave",
            r"miscarriage", r"IVF", r"disabilit(?:y|ies)", r"registered disabled",
            r"disabled (?:person|people|employee|worker|child)", r"wheelchair user",
            r"sick (?:leave|note|pay)", r"fit note", r"off sick", r"medical leave", r"medication",
            r"(?:was|were|been|is|got) prescribed", r"insulin", r"sertraline", r"fluoxetine", r"prozac",
            r"metformin", r"methadone", r"psychiatri(?:st|c)", r"therapist", r"hospitali[sz]ed",
            r"admitted to hospital", r"(?:had|underwent|undergoing|recovering from) (?:\w+ )?surgery",
            r"alcoholi(?:c|sm)", r"(?:drug|alcohol) addiction", r"allerg(?:y|ies|ic) to",
            r"blood (?:test|pressure)",
        ],
        "de": [
            r"(?:ärztliche|medizinische)n? Diagnose", r"diagnostiziert", r"Krankschreibung",
            r"krankgeschrieben", r"Krankmeldung", r"Arbeitsunfähigkeitsbescheinigung", r"AU-Bescheinigung",
            r"Erkrankung(?:en)?", r"Krebs(?:erkrankung|diagnose|patient(?:in)?)", r"an Krebs erkrankt",
            r"Zuckerkrankheit", r"Schwangerschaft", r"schwanger", r"Mutterschutz", r"Behinderung(?:en)?",
            r"schwerbehindert(?:e[nr]?)?", r"Depressionen", r"depressiv",
            r"psychische (?:Erkrankung|Probleme|Störung)", r"Medikamente?", r"HIV-positiv",
            r"Krankenhausaufenthalt", r"Psychotherapie",
        ],
        "fr": [
            r"diagnostiqué(?:e|s|es)? (?:avec|d['’]une?|une?)", r"diagnostic médical",
            r"arrêt (?:maladie|de travail)", r"diabète", r"cancer", r"grossesse", r"est enceinte",
            r"enceinte de \d+ (?:mois|semaines)", r"congé (?:de )?maternité", r"handicap(?:é|ée|és|ées)?",
            r"dépression", r"dépressi(?:f|ve)", r"médicaments?", r"traitement médical", r"séropositi(?:f|ve)",
            r"trouble(?:s)? psychiques?", r"maladie (?:chronique|grave|mentale)", r"hospitalisé(?:e|s|es)?",
            r"dossier médical",
        ],
        "nl": [
            r"(?:kreeg|kregen) de diagnose", r"gediagnosticeerd", r"ziekteverlof", r"ziek gemeld",
            r"ziekmelding", r"kanker", r"zwanger(?:schap)?", r"zwangerschapsverlof", r"handicap",
            r"lichamelijke beperking", r"depressie", r"burn-out", r"medicijnen", r"medicatie",
            r"psychische klachten", r"opgenomen in het ziekenhuis", r"medisch dossier",
        ],
        "it": [
            r"diagnosi medica", r"diagnosticat[oaie] (?:con|un|una)", r"diabete", r"cancro", r"tumore",
            r"in malattia", r"certificato medico", r"incinta", r"gravidanza", r"disabilità", r"disabile",
            r"depressione", r"farmaci", r"sieropositiv[oa]", r"congedo di maternità", r"ricoverat[oaie]",
            r"cartella clinica",
        ],
        "es": [
            r"diagnóstico médico", r"diagnosticad[oa]s? (?:con|de)", r"cáncer",
            r"baja (?:médica|por enfermedad|de maternidad)", r"embarazada", r"embarazo", r"discapacidad",
            r"depresión", r"medicamentos?", r"medicación", r"seropositiv[oa]",
            r"enfermedad (?:crónica|grave|mental)", r"hospitalizad[oa]s?", r"historia clínica",
        ],
    },
    "ethnicity": {
        "en": [
            r"ethnic(?:ity| origin| background| minority| group)", r"racial (?:origin|background)",
            r"(?:Black|White|Asian) (?:British|African|Caribbean|Irish|other)", r"mixed[- ]race",
            r"(?:African|Arab|Asian|Caribbean|Chinese|Indian|Jewish|Kurdish|Moroccan|Nigerian|Pakistani|"
            r"Bangladeshi|Somali|Turkish|Hispanic|Latino) (?:descent|heritage|origin)", r"Romani",
            r"Roma (?:community|people|family)", r"Gypsy", r"Irish Traveller", r"skin colou?r",
        ],
        "de": [
            r"ethnische(?:n|r)? Herkunft", r"Migrationshintergrund", r"Hautfarbe",
            r"rassische(?:n|r)? Herkunft", r"Sinti", r"(?:türkisch|arabisch|afrikanisch)e(?:n|r)? Abstammung",
        ],
        "fr": [
            r"origine (?:ethnique|raciale)", r"couleur de (?:la )?peau", r"maghrébin(?:e|s|es)?",
            r"d['’]origine (?:africaine|maghrébine|arabe|asiatique|antillaise|subsaharienne)", r"ethnie",
        ],
        "nl": [
            r"etnische (?:afkomst|achtergrond)", r"etniciteit", r"huidskleur", r"allochto(?:on|nen)",
            r"migratieachtergrond", r"(?:Marokkaanse|Turkse|Surinaamse|Antilliaanse) afkomst",
        ],
        "it": [r"origine etnica", r"etnia", r"colore della pelle", r"di origine (?:africana|araba|asiatica)"],
        "es": [r"origen étnico", r"etnia", r"color de piel", r"gitan[oa]s?", r"de origen (?:africano|árabe)"],
    },
    "religion": {
        "en": [
            r"Muslims?", r"Islam(?:ic)?", r"Jews?", r"Jewish", r"Judaism", r"Christians?", r"Christianity",
            r"Catholics?", r"Protestants?", r"Hindus?", r"Hinduism", r"Sikhs?", r"Buddhists?", r"Buddhism",
            r"atheists?", r"agnostics?", r"Jehovah(?:'s|’s) Witness(?:es)?", r"Mormons?",
            r"religious (?:belief|beliefs|views|affiliation|faith)",
            r"(?:attends|goes to) (?:church|mosque|synagogue|temple)", r"mosque", r"synagogue", r"Ramadan",
            r"converted to (?:Islam|Christianity|Judaism|Catholicism)",
        ],
        "de": [
            r"Muslim(?:in|e|en)?", r"Moslem(?:in)?", r"jüdisch(?:e[nrs]?)?", r"Jüd(?:e|in)",
            r"katholisch(?:e[nrs]?)?", r"evangelisch(?:e[nrs]?)?", r"Konfession", r"Religionszugehörigkeit",
            r"Kirchensteuer", r"Kirchenaustritt", r"Moschee", r"Synagoge",
        ],
        "fr": [
            r"musulman(?:e|s|es)?", r"jui(?:f|ve|fs|ves)", r"chrétien(?:ne|s|nes)?", r"catholique",
            r"protestant(?:e|s|es)?", r"pratiquant(?:e|s|es)?", r"mosquée", r"croyances religieuses",
            r"confession religieuse",
        ],
        "nl": [
            r"moslim(?:s)?", r"islamitisch(?:e)?", r"joods(?:e)?", r"christelijk(?:e)?", r"katholiek(?:e)?",
            r"protestants(?:e)?", r"gelovig(?:e)?", r"moskee", r"geloofsovertuiging",
        ],
        "it": [
            r"musulman[oaie]", r"ebre[oaie]", r"cristian[oaie]", r"cattolic[oaie]", r"cattolici", r"moschea",
            r"credo religioso", r"convinzioni religiose",
        ],
        "es": [
            r"musulm(?:án|ana|anes|anas)", r"judí[oa]s?", r"cristian[oa]s?", r"católic[oa]s?", r"mezquita",
            r"creencias religiosas",
        ],
    },
    "politics": {
        "en": [
            r"political (?:opinion|opinions|views|beliefs|affiliation|leanings)",
            r"(?:Labour|Conservative|Green|Liberal Democrat|Scottish National|Brexit|Independence) Party",
            r"Liberal Democrats", r"Lib Dems?", r"Reform UK", r"Plaid Cymru", r"Tory", r"Tories",
            r"voted? (?:for )?(?:Labour|Conservative|Tory|Reform|Leave|Remain|Green)",
            r"(?:Labour|Tory|Conservative) (?:voter|supporter|member|activist|councillor)s?",
            r"party member(?:ship)?", r"(?:left|right)-wing", r"far[- ](?:left|right)",
        ],
        "de": [
            r"politische(?:n|r)? (?:Einstellung|Überzeugung|Gesinnung|Meinung)", r"Parteimitglied(?:schaft)?",
            r"Mitglied der (?:SPD|CDU|CSU|FDP|AfD|Grünen|Linken)",
            r"(?:SPD|CDU|CSU|FDP|Grünen|Linke)-Mitglied", r"(?-i:AfD)",
            r"wählt (?:die )?(?:SPD|CDU|CSU|FDP|AfD|Grünen|Linke)",
        ],
        "fr": [
            r"opinions? politiques?", r"Rassemblement national", r"La France insoumise", r"Parti socialiste",
            r"Les Républicains", r"militant(?:e)? (?:socialiste|communiste|écologiste)",
            r"adhérent(?:e)? du parti", r"encarté(?:e)? (?:au|à)",
        ],
        "nl": [
            r"politieke (?:voorkeur|overtuiging|kleur)", r"partijlid",
            r"lid van (?:de )?(?:VVD|PVV|PvdA|CDA|D66|SP)", r"GroenLinks",
            r"stemt (?:op )?(?:VVD|PVV|PvdA|CDA|D66|GroenLinks)",
        ],
        "it": [
            r"opinioni politiche", r"orientamento politico", r"Fratelli d['’]Italia", r"Partito Democratico",
            r"Movimento 5 Stelle", r"Forza Italia", r"Lega Nord", r"iscritto al partito",
        ],
        "es": [
            r"ideología política", r"afiliación política", r"opiniones políticas", r"PSOE",
            r"Partido Popular", r"votante de (?:Vox|Podemos|Sumar|PSOE|PP)", r"afiliad[oa] al partido",
        ],
    },
    "trade_union": {
        "en": [
            r"trade unions?", r"trades union", r"labou?r unions?",
            r"union (?:member|members|membership|rep|representative|dues|official|steward)", r"shop steward",
            r"member of (?:the )?(?:(?-i:Unite)|Unison|GMB|RMT|NEU|TUC|USDAW|Prospect)",
            r"(?-i:Unite) the Union", r"Unison member",
        ],
        "de": [r"Gewerkschaft\w*", r"(?-i:ver\.di)", r"IG Metall"],
        "fr": [
            r"syndicat(?:s)?(?! de copropriété| intercommunal| d[\'’]initiative| des eaux)",
            r"syndiqué(?:e|s|es)?", r"syndicaliste", r"délégué(?:e)? syndical(?:e)?", r"(?-i:CGT|CFDT)",
            r"Force ouvrière",
        ],
        "nl": [r"vakbond\w*", r"(?-i:FNV|CNV)"],
        "it": [r"sindacat[oi]", r"sindacale", r"iscritt[oa] al sindacato", r"(?-i:CGIL|CISL)"],
        "es": [r"sindicat[oa]s?", r"sindical", r"Comisiones Obreras", r"(?-i:CCOO|UGT)"],
    },
    "sex_life_orientation": {
        "en": [
            r"sexual orientation", r"sex life", r"gay", r"lesbians?", r"bisexual", r"homosexual(?:ity)?",
            r"LGBTQ?\+?", r"same-sex (?:partner|relationship|marriage)", r"came out as", r"sexual partners?",
        ],
        "de": [
            r"sexuelle(?:n)? Orientierung", r"Sexualleben", r"schwul(?:e[nr]?)?", r"lesbisch(?:e[nr]?)?",
            r"bisexuell(?:e[nr]?)?", r"homosexuell(?:e[nr]?)?", r"gleichgeschlechtlich(?:e[nr]?)?",
        ],
        "fr": [
            r"orientation sexuelle", r"vie sexuelle", r"homosexuel(?:le|s|les)?", r"lesbiennes?",
            r"bisexuel(?:le|s|les)?",
        ],
        "nl": [
            r"seksuele (?:geaardheid|oriëntatie|voorkeur)", r"seksleven", r"homoseksu(?:eel|ele)",
            r"lesbisch(?:e)?", r"biseksu(?:eel|ele)",
        ],
        "it": [
            r"orientamento sessuale", r"vita sessuale", r"omosessual[ei]", r"lesbic(?:a|he)",
            r"bisessual[ei]",
        ],
        "es": [
            r"orientación sexual", r"vida sexual", r"homosexual(?:es)?", r"lesbianas?", r"bisexual(?:es)?",
        ],
    },
    "genetic_biometric": {
        "en": [
            r"genetic (?:test|tests|testing|data|profile|marker|markers|predisposition|screening)",
            r"DNA (?:test|sample|profile|analysis|testing)", r"genome sequencing", r"BRCA[12]?",
            r"(?<!browser )(?<!device )(?<!key )(?<!SSH )(?<!TLS )(?<!file )fingerprints?",
            r"fingerprint (?:scan|scanner|data)", r"facial recognition", r"face (?:scan|template)",
            r"(?:iris|retina|retinal) scan", r"voiceprint", r"biometrics?", r"biometric data",
        ],
        "de": [
            r"Fingerabdr(?:uck|ücke|ucks)", r"Gesichtserkennung", r"Gentest",
            r"genetische(?:n)? (?:Daten|Test|Analyse)", r"DNA-(?:Test|Probe|Analyse)",
            r"biometrische(?:n)? (?:Daten|Merkmale)",
        ],
        "fr": [
            r"empreintes? digitales?", r"reconnaissance faciale", r"tests? génétiques?",
            r"données génétiques", r"(?:données )?biométriques?", r"test ADN",
        ],
        "nl": [
            r"vingerafdruk(?:ken)?", r"gezichtsherkenning", r"genetische (?:test|gegevens)", r"DNA-test",
            r"biometrische (?:gegevens|kenmerken)",
        ],
        "it": [
            r"impronte? digital[ei]", r"riconoscimento facciale", r"test genetic[oi]", r"dati genetici",
            r"dati biometrici", r"test del DNA",
        ],
        "es": [
            r"huellas? dactilar(?:es)?", r"reconocimiento facial", r"prueba genética", r"datos genéticos",
            r"datos biométricos", r"prueba de ADN",
        ],
    },
    "criminal": {
        "en": [
            r"criminal (?:record|records|conviction|convictions|offence|offences|offense|case|charge|charges|"
            r"history|past)", r"(?:previous|prior|spent|unspent) convictions?", r"convicted (?:of|for)",
            r"conviction for", r"(?:was|were|been|got) arrested", r"arrested (?:for|on suspicion)",
            r"under arrest", r"(?:police|formal|received a) caution",
            r"(?:driving|sexual|violent|drug) offences?",
            r"charged with (?:murder|assault|theft|fraud|robbery|burglary|manslaughter|rape|drink[- ]driving|"
            r"possession|criminal|an offence|a crime)", r"pleaded (?:guilty|not guilty)",
            r"(?:DBS|CRB) check", r"(?:prison|custodial|suspended) sentence", r"served time", r"imprisoned",
            r"jailed", r"on parole", r"probation (?:officer|service)", r"sex offender", r"ex-offender",
        ],
        "de": [
            r"Vorstrafen?", r"vorbestraft", r"Führungszeugnis", r"verurteilt (?:wegen|zu)", r"Haftstrafe",
            r"festgenommen", r"Straftat(?:en)?", r"Bewährungsstrafe", r"Strafregister",
        ],
        "fr": [
            r"casier judiciaire", r"condamné(?:e)? (?:pour|à)", r"condamnation pénale", r"garde à vue",
            r"infraction pénale", r"délit", r"peine de prison", r"mis(?:e)? en examen",
        ],
        "nl": [
            r"strafblad", r"veroordeeld (?:voor|wegens|tot)", r"verklaring omtrent (?:het )?gedrag",
            r"(?-i:VOG)", r"gearresteerd", r"strafbaar feit", r"gevangenisstraf",
        ],
        "it": [
            r"casellario giudiziale", r"fedina penale", r"precedenti penali", r"condannat[oa] (?:per|a)",
            r"arrestat[oaie]", r"reato", r"pena detentiva",
        ],
        "es": [
            r"antecedentes penales", r"condenad[oa] (?:por|a)", r"detenid[oa] por", r"arrestad[oa]",
            r"delito", r"pena de prisión",
        ],
    },
}

_FLAGS: Final[int] = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class SpecialCategoryFlag:
    """One cue found in one field: the category, the matched cue text and its character offsets."""

    category: str
    cue: str
    field: str
    start: int
    end: int


def _category_alternation(category: str) -> str:
    """All languages' cues for one category; longest first so the fullest phrase is the one reported."""
    phrases = {phrase for per_lang in CUES[category].values() for phrase in per_lang}
    return "|".join(sorted(phrases, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=32)
def _compiled(categories: frozenset[str]) -> re.Pattern[str]:
    # One pattern per category subset, shared by every detector; the named group tells the category.
    groups = [f"(?P<{cat}>{_category_alternation(cat)})" for cat in SPECIAL_CATEGORIES if cat in categories]
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)", _FLAGS)


def validate_cues() -> None:
    """Check the cue table's shape: known categories, every language, compilable and group-free phrases."""
    languages = ("en", "de", "fr", "nl", "it", "es")
    if set(CUES) != set(SPECIAL_CATEGORIES):
        raise PolicyError(f"CUES categories {sorted(CUES)} differ from SPECIAL_CATEGORIES")
    for category, per_lang in CUES.items():
        missing = [lang for lang in languages if not per_lang.get(lang)]
        if missing:
            raise PolicyError(f"CUES[{category!r}] has no cues for languages {missing}")
        for lang, phrases in per_lang.items():
            for phrase in phrases:
                # a capturing group would shadow the per-category named group in `lastgroup`
                if re.compile(phrase, _FLAGS).groups:
                    raise PolicyError(f"CUES[{category!r}][{lang!r}] cue {phrase!r} has a capturing group; "
                                      "use (?:...) instead")


class SpecialCategoryDetector:
    """Scan text for special-category cues; the compiled pattern is built once per category set."""

    def __init__(self, categories: Iterable[str] | None = None) -> None:
        chosen = frozenset(SPECIAL_CATEGORIES if categories is None else categories)
        unknown = sorted(chosen - set(SPECIAL_CATEGORIES))
        if unknown:
            raise PolicyError(f"unknown special category {', '.join(map(repr, unknown))}; "
                              f"use one of {', '.join(SPECIAL_CATEGORIES)}")
        self.categories: frozenset[str] = chosen
        self._pattern: re.Pattern[str] | None = _compiled(chosen) if chosen else None

    def detect(self, text: str, field: str) -> list[SpecialCategoryFlag]:
        """Return every cue in `text`, in order of position; `field` is copied into each flag."""
        if self._pattern is None or not text:
            return []
        return [
            SpecialCategoryFlag(category=match.lastgroup or "", cue=match.group(), field=field,
                                start=match.start(), end=match.end())
            for match in self._pattern.finditer(text)
        ]
