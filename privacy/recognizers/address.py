"""Street addresses in UK and continental (de/fr/nl/it/es) forms, reported as one span per address.

A match needs a street-type word (Road, rue, Via, -straße, -straat ...) next to a house number, or a
postcode; the span runs on over a flat prefix and a comma-separated town/postcode tail. A North American or
Australian town, state and postcode ("Kingston, Ontario K7L 3N6") is an address line on its own.
"""

from __future__ import annotations

from typing import Final

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer, first_words

# Every pattern starts with a required character (digit, capital, type word): an optional prefix at the
# start of a pattern makes the regex engine try each position of every record, three times slower.

# not after a hyphen or apostrophe: "Aa-Aa-Aa-..." must be scanned once, not from every capital
_WORD_START = r"(?<![\p{L}\p{M}\p{N}_'’-])"
# Kingsway, Queen's, O'Neill, Saint-Germain
_CAP_WORD = r"\p{Lu}(?:['’]\p{Lu})?[\p{L}\p{M}]*+(?:['’]s\b)?(?:-\p{L}[\p{L}\p{M}]*+){0,3}+"
_LOWER_WORD = r"\p{Ll}[\p{L}\p{M}'’]*+"
# house number: 5, 221B, 3a, 12-14, 12 A, "12 a," (DE/NL); never a price, a decimal or part of a date
_NUMBER = (
    r"(?<![\p{L}\p{M}\p{N}_\p{Sc}.,:/-])\d{1,4}"
    r"(?:(?:[a-zA-Z]|[ \t][A-Z]|[ \t][a-z](?=,|[ \t]*$))(?![\p{L}\p{M}]))?"
    r"(?:[ \t]*[-–/][ \t]*\d{1,4}[a-zA-Z]?)?(?![\d.:/]\d)"
)

_UK_POSTCODE = r"(?<![\p{L}\p{N}])(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|GIR[ \t]?0AA)(?![\p{L}\p{N}])"
# 10115 / D-10115 / 1017 GC (NL, never SA SD SS) / 1000 (BE, AT, CH)
_EU_POSTCODE = (
    r"(?:(?:[A-Z]{1,2}-)?\d{5}|\d{4}[ \t]?(?!SA|SD|SS)[A-Z]{2}(?![\p{L}])|(?:[A-Z]{1,2}-)?\d{4})(?!\d)"
)
# Frankfurt am Main, Pfaffenhofen an der Ilm, Aix-les-Bains, Milano (MI)
_TOWN = (
    r"\p{Lu}[\p{L}\p{M}'’]*+(?:[ -](?:(?:upon|on|under|in|im|le|la|les|lès|en|sur|sous|aux|am|an|der|de|del"
    r"|di|aan|den|op|ob|vorm|vor|bei|unter)[ -]){0,2}\p{Lu}[\p{L}\p{M}'’]*+){0,2}(?![\p{N}])"
    r"(?:[ \t]+\(?[A-Z]{2}\)?(?![\p{L}\p{N}]))?"
)
_COUNTRY = (
    r"(?:UK|United[ \t]Kingdom|England|Scotland|Wales|Northern[ \t]Ireland|Ireland|Germany|Deutschland|France"
    r"|Netherlands|Nederland|Belgium|Belgique|België|Italy|Italia|Spain|España|Austria|Österreich"
    r"|Switzerland|Schweiz|Suisse|Svizzera|Portugal)(?![\p{L}])"
)
_COMMA = r"[ \t]*,[ \t]*"
_POSTCODE_PART = rf"(?:{_EU_POSTCODE}(?:{_COMMA}|[ \t]+){_TOWN}|(?:{_TOWN}[ \t]+)?{_UK_POSTCODE})"
_POSTCODE_TAIL = rf"(?:{_COMMA}|[ \t]+|[ \t]*\n[ \t]*){_POSTCODE_PART}(?:{_COMMA}{_COUNTRY})?"
# ", Leeds LS6 2QT" / ", 10115 Berlin, Germany" / ", 5907 JO, Hasselt" / "\n10115 Berlin" (envelope layout) /
# ", London." (a bare town only where the phrase ends, so "5 Mill Lane, Sarah said" keeps Sarah out)
_PHRASE_STOPS = r"(?=[ \t]*(?:$|[.;:)!?\n]))"
_TOWNS_POSTCODE = rf"(?:{_COMMA}{_TOWN}){{0,2}}{_POSTCODE_TAIL}"
# "..., Soria, 02878": the postcode last, after the town or province
_TOWNS_THEN_POSTCODE = rf"(?:{_COMMA}{_TOWN}){{1,2}}{_COMMA}\d{{5}}{_PHRASE_STOPS}"
_TAIL = (
    rf"(?:{_TOWNS_POSTCODE}"
    rf"|{_TOWNS_THEN_POSTCODE}"
    # North American and Australian: "..., Anchorage, AK 99510", "..., Toronto, ON M5V 3L9", "..., Fitzroy VIC 3065"
    rf"|(?:{_COMMA}{_TOWN}){{1,2}}(?:[ \t]+[A-Z]{{2,3}})?[ \t]+"
    r"(?:\d{5}(?:-\d{4})?|\d{4}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)(?![\p{L}\p{N}])"
    rf"|(?:{_COMMA}{_TOWN}){{1,2}}{_PHRASE_STOPS})?"
)

_EN_TYPE_WORDS = tuple(
    "Street Road Avenue Lane Close Drive Way Crescent Gardens Place Terrace Court Square Grove Mews Hill Row Walk Park "
    "Parade Gate Green Rise View Boulevard Wharf Yard Vale Croft Chase Circus Embankment Broadway Highway Esplanade "
    "Promenade Quay Passage Approach Bank Brow Common Cottages End Fields Meadow Meadows Mount Orchard Path Ridge "
    "Wynd".split()
)
_EN_TYPE_SHORT = ("St", "Rd", "Ave", "Ln", "Dr", "Cres", "Gdns", "Pl", "Tce", "Ct", "Sq", "Blvd")
_EN_TYPE = (
    rf"(?:(?:{'|'.join(_EN_TYPE_WORDS)})(?![\p{{L}}\p{{M}}])"
    rf"|(?:{'|'.join(_EN_TYPE_SHORT)})(?:\.|(?![\p{{L}}\p{{M}}])))"
)
_EN_NAME = rf"{_CAP_WORD}(?:[ \t]+(?:(?:of|the|upon|on|in|le|de|la)[ \t]+)?{_CAP_WORD}){{0,3}}"

_ROMANCE_PARTICLES = (
    r"(?:(?:de[ \t]+la|de[ \t]+los|de[ \t]+las|de|du|des|la|le|les|los|las|aux|au|à|et|sur|sous|di|del|della"
    r"|dei|degli|delle|dello|da|do|dos|das|y|e|i|van|der|den)[ \t]+|(?:[ld]|dell|dall|nell|sull)['’])"
)
# "de la Paix", "Victor Hugo", "del Carmen", "4 Novembre" (a day number opens some Italian names)
_ROMANCE_NAME = (
    rf"{_ROMANCE_PARTICLES}*+(?:{_CAP_WORD}|\d{{1,2}}(?=[ \t]+{_ROMANCE_PARTICLES}*\p{{Lu}}))"
    rf"(?:[ \t]+{_ROMANCE_PARTICLES}*+{_CAP_WORD}){{0,4}}"
)
# French writes the number first; English look-alikes (Place, Square, Route ...) count only in lower case
_FR_TYPE_ANY_CASE = (
    "rue", "avenue", r"av\.", "boulevard", r"bd\.?", "chemin", "allée", "allee", "impasse", "quai", "faubourg",
    "rond-point", "chaussée", "sentier", "parvis", "cité", "hameau", "lieu-dit", "montée", "traverse", "ruelle",
)
_FR_TYPE_LOWER = ("place", "square", "route", "passage", "villa", "promenade", "esplanade", "cours", "voie")
_FR_TYPE = (
    rf"(?:(?i:{'|'.join(_FR_TYPE_ANY_CASE)})|{'|'.join(_FR_TYPE_LOWER)})(?![\p{{L}}\p{{M}}])"
)
# street type first, number after: Via Roma 10, Calle Mayor 5, Rue de la Loi 16 (BE), Rua Augusta 25
_TYPE_FIRST_WORDS = (
    "via", "viale", r"v\.le", "piazza", r"p\.zza", "piazzale", "corso", r"c\.so", "largo", "vicolo", "strada",
    "contrada", "lungomare", "lungotevere", "borgo", "salita", "calle", "c/", "avenida", r"avda\.?", "plaza",
    r"pza\.?", "paseo", r"p\.º", "pº", "carretera", r"ctra\.?", "camino", "ronda", "travesía", "glorieta",
    "rambla", "cuesta", "callejón", "pasaje", "bulevar", "urbanización", r"urb\.", "vía", "carrer", "avinguda",
    "plaça", "passeig", "rua", "praça", "travessa", "alameda", "laan",
    # Brazil, Latin America and Indonesia, where many of our users' customers and staff come from
    "rodovia", "estrada", "ladeira", "beco", "viela", "vereda", "diagonal", "carrera", r"cra\.", "transversal",
    "jalan", r"jl\.", "gang", r"gg\.",
    # Polish and Romanian ("ul. Mazurska 93", "plac Jana Pawła II 13", "Strada Mihai Eminescu 5"); not "al.",
    # which is also "et al."
    r"ul\.", "ulica", "aleja", r"pl\.", "plac", r"os\.", "osiedle", "calea", "bulevardul", "drumul", "aleea",
    "șoseaua", "soseaua", "splaiul", "intrarea",
    # Swiss and Belgian French write the number last ("rue Pasquier 62", "chemin des Vignes 4")
    "rue", "chemin", "impasse", "allée", "ruelle", "sentier",
)
_TYPE_FIRST = rf"\b(?i:{'|'.join(_TYPE_FIRST_WORDS)})(?![\p{{L}}\p{{M}}])"
_HOUSE_NO_MARK = r"(?:(?i:n\.?[ºo°]\.?|nº|n°|no\.|núm\.?|num\.?)[ \t]*)?"
# Spanish/Italian floor and door after the number: ", 3º B", ", 2º izda.", " scala B", ", piso 3"
_FLOOR = (
    r"(?:,?[ \t]*(?:\d{1,2}[ºª°](?:[ \t]?(?:\d{1,2}[ºª]|[A-Z](?![\p{L}])"
    r"|(?i:izq(?:da|uierda)?|dcha|dch|derecha)\.?))?"
    r"|(?i:piso|planta|puerta|esc\.|escalera|scala|int\.|interno|piano|appartamento|apt\.?|app\.|étage|bte"
    r"|bus)[ \t]*[\dA-Z]{1,3}"
    r"(?![\p{L}\p{N}])|(?i:bajo|ático|atico)(?![\p{L}])))?"
)
# where a street word is also an ordinary word, the number must end the phrase: "via Zoom 2 hours" and
# "Parkplatz 3 Minuten" are no addresses
_PHRASE_END = (
    r"$|[,;.)\n/]|\d{4,5}(?!\d)|[A-Z]{1,2}-\d|(?i:a|in|en|à|te|bis|ter|y|e|and|und|et|im|zu|bei)(?![\p{L}])"
)
_NUMBER_ENDS = rf"(?=[ \t]*(?:{_PHRASE_END}|\p{{Lu}}))"  # "Via Roma 10 Milano"
_NUMBER_ENDS_STRICT = rf"(?=[ \t]*(?:{_PHRASE_END}))"  # German nouns are capitalised: "Weg 5 Jahre"

_DE_NL_STRONG_ENDINGS = ("straße", "strasse", "gasse", "allee", "chaussee", "straat", "laan", "gracht", "kade",
                         "singel", "plein", "boulevard", "steeg", "dreef", "stieg", "steig")
# path, square, ring ... are also ordinary nouns: compounds with a common first part are left out (`_DE_NL_WEAK`)
_DE_NL_WEAK_ENDINGS = ("weg", "platz", "ring", "damm", "ufer", "markt", "dijk", "hof", "pad", "wal", "berg", "kamp",
                       "park", "tor", "graben", "baan")
_DE_NL_STRONG = (
    rf"(?:\p{{Lu}}[\p{{L}}\p{{M}}-]*+(?<=(?i:{'|'.join(_DE_NL_STRONG_ENDINGS)}))|\p{{Lu}}[\p{{L}}\p{{M}}-]*+(?<=str)\.)"
    r"(?![\p{L}\p{M}])"
)
_DE_NL_WEAK = (
    rf"\p{{Lu}}[\p{{L}}\p{{M}}-]*+(?<=(?i:{'|'.join(_DE_NL_WEAK_ENDINGS)}))"
    r"(?<!(?i:park|arbeits|sitz|stell|spiel|camping|steh|liege|sport|flug|bahn|fried|gast|schul|kinder|innen"
    r"|weg|ab|um|aus|vor|super|floh|wochen|jahr|bauern|fuß|rad|feld|markt|sonder)(?:weg|platz|ring|markt|hof"
    r"|park|tor))(?![\p{L}\p{M}])"
)
# Berliner Straße, Lange Gasse; an article is no adjective ("Der Weg 5 Jahre lang")
_DE_ADJECTIVE = (
    r"(?:(?!(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einer|Einem|Einen|Diese|Dieser|Jede|Jeder|Meine|Seine|Ihre"
    r"|Keine|Unsere|De|Het|Een|Deze)[ \t])\p{Lu}[\p{L}\p{M}]*+(?<=er|e|es|en)[ \t]+)?"
)
_DE_PREPOSITION = (
    r"(?:Am|Im|Zum|Zur|Beim|An[ \t]+der|An[ \t]+den|Auf[ \t]+der|Auf[ \t]+dem|In[ \t]+der|In[ \t]+den"
    r"|Unter[ \t]+den|Hinter[ \t]+der|Vor[ \t]+dem|Bei[ \t]+der|Op[ \t]+de|Aan[ \t]+de|In[ \t]+de)(?![\p{L}])"
)

# "Flat 3, " is found on its own and joined to the street that starts where it ends (see `analyze`)
_FLAT_PATTERN = "address_flat_prefix"
_FLAT = (
    r"\b(?i:flat|apartment|apt\.?|unit|suite|studio|wohnung|whg\.?|appartement|appt\.?|appartamento"
    r"|apartamento|piso|dpto\.?)[ \t]*\d{1,4}[a-zA-Z]?,?[ \t]+(?=\d|\p{Lu}|\p{Ll}{2,12}[ \t]+\p{Lu})"
)

# a year is no house number: "In 2019 Queen Street was closed"
_NUMBER_FIRST = (
    rf"(?!(?:19|20)\d\d(?!\d)){_NUMBER}(?:"
    rf",?[ \t]+{_EN_NAME}[ \t]+{_EN_TYPE}{_TAIL}"
    rf"|(?:[ \t]?(?i:bis|ter|quater)(?![\p{{L}}]))?,?[ \t]+{_FR_TYPE}[ \t]+{_ROMANCE_NAME}{_TAIL}"
    # typed in lower case: only with a UK postcode at the end
    rf"|[ \t]+(?:{_LOWER_WORD}[ \t]+){{1,3}}(?i:{_EN_TYPE})"
    rf"(?:,[ \t]*{_LOWER_WORD}(?:[ \t]+{_LOWER_WORD})?){{0,2}},?[ \t]+(?i:{_UK_POSTCODE}))"
)
_NUMBER_LAST = (
    rf"{_TYPE_FIRST}[ \t]+{_ROMANCE_NAME}"
    rf"(?:,?[ \t]*{_HOUSE_NO_MARK}{_NUMBER}{_NUMBER_ENDS}{_FLOOR}{_TAIL}|{_POSTCODE_TAIL})"
    # Belgian "Rue de la Loi 16, 1000 Bruxelles", or no house number at all: "rue de Picard, 30910 Lunel".
    # Without a number first, French street words need the postcode: "Place Order 3." is no address
    rf"|\b{_WORD_START}(?:{_FR_TYPE}|(?i:place|square)(?![\p{{L}}\p{{M}}]))[ \t]+{_ROMANCE_NAME}"
    rf"(?:,?[ \t]*{_NUMBER})?{_POSTCODE_TAIL}"
)
# Prefilters: what every match of a pattern holds, so that a text without it is not searched (most texts have
# none). Every match of number-first holds an English or French street word, whole, after a space
_NUMBER_FIRST_WORDS = first_words(_EN_TYPE_WORDS + _EN_TYPE_SHORT + _FR_TYPE_ANY_CASE + _FR_TYPE_LOWER)
# every match opens with one of these words
_NUMBER_LAST_WORDS = first_words(_TYPE_FIRST_WORDS + _FR_TYPE_ANY_CASE + _FR_TYPE_LOWER + ("place", "square"))
_COMPOUND = (
    rf"{_WORD_START}(?=\p{{Lu}})(?:(?:{_DE_PREPOSITION}[ \t]+)?{_DE_ADJECTIVE}"
    rf"(?:{_DE_NL_STRONG}[ \t]+{_NUMBER}|{_DE_NL_WEAK}[ \t]+{_NUMBER}{_NUMBER_ENDS_STRICT}){_TAIL}"
    # "An der Alster 3, 20099 Hamburg": a preposition street needs its postcode
    rf"|{_DE_PREPOSITION}[ \t]+{_CAP_WORD}(?:[ \t]+{_CAP_WORD})?[ \t]+{_NUMBER}{_POSTCODE_TAIL})"
)
# Nordic, Finnish and Icelandic streets are compounds, as German ones are ("Kyrkogatan 12", "Skyttevej 52",
# "Mannerheimintie 5", "Haagan pappilankatu 1"): the ending names the street type. The house number must end the
# phrase ("Sweetie 5 stars" is no street), and three letters come before the ending ("Gate 5" is no street).
# Endings that end common English words or names ("-lia") are left out.
_NORDIC_ENDINGS = (
    "gatan", "gata", "gate", "vägen", "gränd", "torget", "stigen", "backen", "allén", "leden", "veien", "vegen",
    "vei", "veg", "stien", "bakken", "plassen", "svingen", "faret", "tunet", "haugen", "jordet", "løkka", "kroken",
    "vollen", "vej", "gade", "stræde", "plads", "vænget", "toften", "katu", "tie", "polku", "kuja", "väylä", "kaari",
    "ranta", "puisto", "aukio", "vegur", "stræti", "braut", "stígur",
)
_NORDIC_COMPOUND = (
    rf"{_WORD_START}(?=\p{{Lu}})(?:{_CAP_WORD}[ \t]+\p{{Ll}}|\p{{Lu}})"
    rf"[\p{{L}}\p{{M}}]{{2,}}+(?<=[\p{{L}}\p{{M}}]{{3}}(?i:{'|'.join(_NORDIC_ENDINGS)}))(?![\p{{L}}\p{{M}}])"
    rf"[ \t]+{_NUMBER}{_NUMBER_ENDS_STRICT}{_TAIL}"
)
# Central and eastern European and Baltic streets name their type after the name, in lower case, before the
# number: "Szentendrei út 82", "Kossuth Lajos utca 12", "Ilica cesta 5", "Brīvības iela 21", "Pärnu mnt 12"
_TYPE_AFTER_WORDS = (
    "utca", "út", r"u\.", "tér", "körút", r"krt\.", "ulica", "cesta", "trg", "náměstí", r"nám\.", "nábřeží",
    "třída", "námestie", "nábrežie", "šetalište", "nabrežje", "prilaz", "iela", "gatvė", "prospektas", "tänav",
    r"mnt\.?", "maantee", "puiestee", "väljak",
)
_TYPE_AFTER = (
    rf"{_WORD_START}(?=\p{{Lu}}){_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{0,2}}[ \t]+"
    rf"(?:{'|'.join(_TYPE_AFTER_WORDS)})(?![\p{{L}}\p{{M}}])[ \t]+{_NUMBER}{_NUMBER_ENDS}{_TAIL}"
)
# After a cue that only an address follows, the street's own words need no type: "lives at Šestinski vrh 6c",
# "please ship the order to Chopinov prehod 4c." (a name of up to four words, then the house number ending the
# phrase). "moved to" is no such cue ("moved to Phase 2").
_ADDRESS_CUE = (
    r"(?i:(?:lives?|living|resides?|residing|based|staying)[ \t]+at"
    r"|(?:ship|send|deliver|post|mail|forward)(?:ped|ed|ing)?(?:[ \t]+(?:it|them|this|these|everything"
    r"|(?:the|my|your|our)[ \t]+(?:order|parcel|package|goods|letter|card|documents|invoice)))?[ \t]+to"
    r"|(?:home|postal|billing|shipping|delivery|street|mailing|correspondence)[ \t]+address(?:[ \t]+is)?[ \t]*:?"
    r"|address(?:[ \t]+is|[ \t]*:))"
)
# what follows such a cue and is a part of a building or a place in an organisation, not a street ("Flat 3, ..." is
# found as a flat prefix)
_NOT_A_STREET = (
    r"(?!(?i:flat|apartment|apt|unit|suite|studio|room|level|floor|building|block|wing|ward|office|desk|bay"
    r"|dock|gate|platform|terminal|box|locker|phase|stage|version|team|department|dept|site|plot|lot)(?![\p{L}\p{M}]))"
)
# every word a match of `_ADDRESS_CUE` can open with, whole (its word prefilter)
_ADDRESS_CUE_WORDS = frozenset(
    {"live", "lives", "living", "reside", "resides", "residing", "based", "staying", "address"}
    | {stem + ending for stem in ("ship", "send", "deliver", "post", "mail", "forward")
       for ending in ("", "ped", "ed", "ing")}
    | {"home", "postal", "billing", "shipping", "delivery", "street", "mailing", "correspondence"}
)
_CUED_STREET = (
    rf"{_WORD_START}{_ADDRESS_CUE}[ \t]+{_NOT_A_STREET}"
    rf"(?P<value>{_CAP_WORD}(?:[ \t]+(?:{_CAP_WORD}|\p{{Ll}}{{1,12}})){{0,3}}[ \t]+{_HOUSE_NO_MARK}"
    rf"{_NUMBER}{_NUMBER_ENDS_STRICT}{_TAIL})"
)
# "11 July 1999, BA5 7FP" in a CSV row is a date beside a postcode, not "11 July" street
_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)(?![\p{L}])"
)
# "Rose Cottage, Mill Lane, Little Snoring, Norfolk NR21 0AA": lines held together by a UK postcode
_UK_POSTCODE_LINE = (
    rf"{_WORD_START}(?=[\p{{Lu}}\d])"
    rf"(?:(?:{_NUMBER}[ \t]+)?(?!{_MONTH_WORD}){_EN_NAME}(?:[ \t]+{_NUMBER})?{_COMMA}){{1,3}}"
    rf"(?:{_TOWN}[ \t]+)?{_UK_POSTCODE}"
)
# "10115 Berlin" / "1017 GC Amsterdam" opening a line or after a comma (envelope layout)
_POSTCODE_TOWN_PATTERN = "address_eu_postcode_town"
_POSTCODE_TOWN = rf"(?<=^[ \t]*|,[ \t]*)(?=[A-Z\d]){_EU_POSTCODE}[ \t]+{_TOWN}(?=[ \t]*(?:$|[,;\n]))"
# "Canale Sommaruga 107, 28028 Pratolungo": whatever the street word, capitalised words + house number +
# a five-digit postcode + town is the continental address line (structure, not vocabulary)
_EU_STREET_LINE = (
    rf"{_WORD_START}(?=\p{{Lu}}){_CAP_WORD}(?:[ \t]+{_ROMANCE_NAME})?[ \t]+{_HOUSE_NO_MARK}{_NUMBER}{_FLOOR}"
    rf"{_COMMA}(?:[A-Z]{{1,2}}-)?\d{{5}}(?!\d)[ \t]+{_TOWN}"
)
# Ukrainian, Russian and Bulgarian addresses in Cyrillic: a street word ("вул.", "ул.", "просп.", "бул.", ...)
# before the street's name, then the house number ("буд. 8", "д. 218", "15"), flats and blocks ("кв. 25",
# "к. 1", "бл. 5, вх. А"), and the town and postcode when they follow; a town may also come first ("г. Рязань,
# ул. Слободская, д. 186"). The house number is required: "на вул. Хрещатик" alone is a place.
_CYR_WORD = r"[„\"«]?\p{Lu}[\p{Cyrillic}\p{M}'’-]*+[“\"»]?"
_CYR_STREET_TYPE = (
    r"(?i:вул\.|вулиця|ул\.|улица|просп\.|проспект|пр-т|пр\.|пров\.|провулок|пер\.|переулок|бул\.|бульвар"
    r"|булевар|бульв\.|наб\.|набережна|набережная|пл\.|площа|площадь|ш\.|шосе|шоссе|алея|аллея|алл\.|туп\."
    r"|тупик|узвіз|мкр\.|мікрорайон|микрорайон|ж\.к\.|кв-л)"
)
_CYR_TOWN_WORD = r"(?:г\.|гр\.|м\.|с\.|смт|д\.|пос\.|село|місто|город)"
_CYR_PART = r"(?:буд\.|будинок|д\.|дом|кв\.|квартира|к\.|корп\.|корпус|стр\.|строение|бл\.|вх\.|ет\.|ап\.|оф\.)"
_CYRILLIC_ADDRESS = (
    rf"(?<![\p{{L}}\p{{N}}])(?:{_CYR_TOWN_WORD}[ \t]*{_CYR_WORD}(?:[ \t]+{_CYR_WORD})?,[ \t]*)?"
    rf"{_CYR_STREET_TYPE}[ \t]*{_CYR_WORD}(?:[ \t]+{_CYR_WORD}){{0,2}}"
    rf",?[ \t]*(?:(?:буд\.|будинок|д\.|дом|№)[ \t]*)?\d{{1,4}}[\p{{Cyrillic}}]?(?:/\d{{1,4}})?(?![\p{{L}}\p{{N}}])"
    rf"(?:,?[ \t]*{_CYR_PART}[ \t]*[\d\p{{Lu}}]{{1,4}}(?![\p{{L}}\p{{N}}]))*"
    rf"(?:,[ \t]*(?:{_CYR_TOWN_WORD}[ \t]*)?{_CYR_WORD}(?:[ \t]+{_CYR_WORD})?(?=[ \t]*(?:,|$|[.;\n])))?"
    r"(?:,?[ \t]*\d{4,6}(?![\p{L}\p{N}]))?"
)
# Colombian grid addresses: street kind and number, "#", cross street and distance ("Cl. 15 # 22L-8",
# "Carrera 43Y Bis # 4M-4 Este"), with the town and department when they follow
_GRID_QUARTER = r"(?:[ \t]+(?:Este|Sur|Norte|Oeste))?"
_GRID_ADDRESS = (
    r"\b(?:Calle|Cl\.|Cll\.|Carrera|Cra\.|Cr\.|Kr\.|Diagonal|Dg\.|Transversal|Tv\.|Avenida(?:[ \t]+[Cc]alle)?"
    r"|Av\.|Ak\.|Ac\.)[ \t]+\d{1,3}[A-Z]?(?:[ \t]?[ªº])?(?:[ \t]+Bis)?" + _GRID_QUARTER
    + r"[ \t]*(?:#|No\.?|N°)[ \t]*\d{1,3}[A-Z]?-\d{1,3}" + _GRID_QUARTER + r"(?![\p{L}\p{N}])" + _TAIL
)
# a post-office box, with its town and postcode when they follow: "PO Box 123, Springfield, IL 62704",
# "Postfach 10 11 40", "Postbus 1234, 1000 AA Amsterdam"
_PO_BOX = (
    r"\b(?:P\.?[ ]?O\.?[ ]?Box|Postfach|Postbus|Boîte[ ]postale|Apartado(?:[ ]de[ ]Correos)?|Skrytka[ ]pocztowa"
    rf"|Casella[ ]postale)[ \t]+\d{{1,6}}(?:[ ]\d{{2}}){{0,2}}(?![\p{{L}}\p{{N}}]){_TAIL}"
)
# US military post (USPS Publication 28, 2.3 and 2.4): "PSC 4014, Box 1931\nAPO AA 16449", "Unit 2532 Box 8704,
# DPO AP 95577", "USNS Hayes\nFPO AE 84975"; the APO/FPO/DPO line with its ZIP code is what marks them
_MILITARY = (
    r"\b(?:(?:PSC|CMR|Unit)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}"
    rf"|(?:USNS|USS|USNV|USCGC)[ \t]+{_CAP_WORD}(?:[ \t]+{_CAP_WORD})?)"
    r"(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*|[ \t]+)(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5}(?:-\d{4})?(?!\d)"
)
# the town and postcode that may follow a street another detector found (the model): the `_TAIL` forms that
# carry a postcode, and the North American one also on the next line ("...Springs\nRonniemouth, IN 30997")
_POSTAL_TAIL = regex.compile(
    rf"(?:{_TOWNS_POSTCODE}"
    rf"|{_TOWNS_THEN_POSTCODE}"
    rf"|(?:{_COMMA}|[ \t]*\n[ \t]*){_TOWN}(?:{_COMMA}{_TOWN})?(?:[ \t]+[A-Z]{{2,3}})?[ \t]+"
    r"(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)(?![\p{L}\p{N}])"
    # typed in lower case: ", danielchester, tn 19704" (the ZIP code is what makes it an address's tail)
    rf"|(?:{_COMMA}\p{{Ll}}+(?:[ -]\p{{Ll}}+){{0,2}}){{1,2}},?[ \t]+[a-z]{{2}}[ \t]+\d{{5}}(?:-\d{{4}})?"
    r"(?![\p{L}\p{N}]))"
)


def postal_tail_end(text: str, end: int) -> int:
    """Where an address ending at `end` ends once the town and postcode written right after it are taken in
    (`end` itself when none are)."""
    match = _POSTAL_TAIL.match(text, end)
    return match.end() if match is not None else end


# "Richardsside, AR 07259", "Kingston, Ontario K7L 3N6", "Fitzroy VIC 3065": a town, a state or province
# (the postal services' own codes, or a US state's name) and its postcode form a line of an address on their own
_US_STATE_CODE = (
    r"(?:A[LKZRSEPA]|C[AOT]|D[EC]|F[LM]|G[AU]|HI|I[DLNA]|K[SY]|LA|M[EDAINSOTHP]|N[EVHJMYCD]|O[HKR]|P[ARW]|RI|S[CD]"
    r"|T[NX]|UT|V[TAI]|W[AVIY])"
)
_US_STATE_NAME = (
    r"(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho"
    r"|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
    r"|Mississippi|Missouri|Montana|Nebraska|Nevada|New[ ]Hampshire|New[ ]Jersey|New[ ]Mexico|New[ ]York"
    r"|North[ ]Carolina|North[ ]Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode[ ]Island|South[ ]Carolina"
    r"|South[ ]Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West[ ]Virginia|Wisconsin|Wyoming"
    r"|District[ ]of[ ]Columbia|Puerto[ ]Rico)"
)
_CA_PROVINCE = (
    r"(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT|Alberta|British[ ]Columbia|Manitoba|New[ ]Brunswick"
    r"|Newfoundland(?:[ ]and[ ]Labrador)?|Nova[ ]Scotia|Ontario|Prince[ ]Edward[ ]Island|Qu[ée]bec|Saskatchewan"
    r"|Yukon)"
)
_AU_STATE = r"(?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT)"
_STATE_LINE_TOWN = r"\p{Lu}[\p{L}\p{M}'’.-]*+(?:[ \t]+\p{Lu}[\p{L}\p{M}'’.-]*+){0,3}"
_STATE_LINE = (
    rf"{_WORD_START}(?=\p{{Lu}}){_STATE_LINE_TOWN}"
    rf"(?:{_COMMA}(?:{_US_STATE_CODE}|{_US_STATE_NAME})[ \t]+\d{{5}}(?:-\d{{4}})?"
    rf"|,?[ \t]+{_CA_PROVINCE}[ \t]+[A-Z]\d[A-Z][ ]?\d[A-Z]\d"
    rf"|,?[ \t]+{_AU_STATE}[ \t]+\d{{4}})(?![\p{{L}}\p{{N}}])"
)
# More prefilters (see `_NUMBER_FIRST_WORDS`): a Nordic compound's ending before a digit; the type words after a
# name; ", 12345 Town". The compound-street and state-line patterns have none: every prefilter tried for them
# (a compound's ending or a preposition before a house number; a state or province before its postcode) cost as
# much as the pattern, which skips to capitals, or more (bench/pii.py's speed records: 13 against 14 µs, 36
# against 11 µs a record)
_NORDIC_COMPOUND_NEEDS = rf"(?:{'|'.join(_NORDIC_ENDINGS)})[ \t]+\d"
# (the type word is whole: after a space, before a space; "u." is the word "u")
_TYPE_AFTER_FIRST_WORDS = first_words(_TYPE_AFTER_WORDS)
_EU_STREET_LINE_NEEDS = r",[ \t]*(?:[A-Z]{1,2}-)?\d{5}(?!\d)[ \t]+\p{L}"
# an address that carries a postcode is near certain
_HAS_POSTCODE = regex.compile(rf"(?i:{_UK_POSTCODE})|(?<=,[ \t]*|\n[ \t]*){_EU_POSTCODE}[ \t]+\p{{Lu}}")
_WITH_POSTCODE_SCORE = 0.85


class StreetAddressRecognizer(GdprepPatternRecognizer):
    """Number + street + type (UK), number + type + street (FR), type + street + number (IT/ES/PT/BE),
    compound street + number (DE/NL), each with an optional flat prefix and town/postcode tail."""

    ENTITY = "STREET_ADDRESS"
    FLAGS = regex.MULTILINE  # no IGNORECASE: "12 Park Road" is an address, "5 miles down the road" is not
    PATTERNS = [
        ("address_number_first", _NUMBER_FIRST, 0.7, _NUMBER_FIRST_WORDS),
        ("address_number_last", _NUMBER_LAST, 0.7, _NUMBER_LAST_WORDS),
        ("address_compound_street", _COMPOUND, 0.7),
        ("address_uk_postcode_line", _UK_POSTCODE_LINE, 0.75, _UK_POSTCODE),
        ("address_eu_street_line", _EU_STREET_LINE, 0.75, _EU_STREET_LINE_NEEDS),
        ("address_nordic_compound", _NORDIC_COMPOUND, 0.7, _NORDIC_COMPOUND_NEEDS),
        ("address_type_after", _TYPE_AFTER, 0.7, _TYPE_AFTER_FIRST_WORDS),
        ("address_cued_street", _CUED_STREET, 0.7, _ADDRESS_CUE_WORDS),
        (_POSTCODE_TOWN_PATTERN, _POSTCODE_TOWN, 0.5),
        (_FLAT_PATTERN, _FLAT, 0.7),
        ("address_us_military", _MILITARY, 0.85),
        ("address_po_box", _PO_BOX, 0.7),
        ("address_cyrillic", _CYRILLIC_ADDRESS, 0.75, r"\p{Cyrillic}"),
        ("address_grid", _GRID_ADDRESS, 0.75, r"\w-\d"),
        ("address_state_line", _STATE_LINE, 0.7),
    ]
    CONTEXT = ["address", "street", "live", "lives", "adresse", "anschrift", "adres", "indirizzo",
               "dirección", "domicilio", "wohnhaft", "woonachtig", "residente", "postcode"]

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        results = merge_address_parts(super().analyze(text, entities, nlp_artifacts))
        for result in results:
            explanation = result.analysis_explanation
            postcode_only = explanation is not None and explanation.pattern_name == _POSTCODE_TOWN_PATTERN
            if not postcode_only and _HAS_POSTCODE.search(text, result.start, result.end):
                result.score = max(result.score, _WITH_POSTCODE_SCORE)
        return results


def merge_address_parts(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Report each address once: overlapping parts ("Hauptstraße 5", "10115 Berlin") become their union,
    a flat prefix joins the street that follows it and is dropped when no street does."""
    merged: list[RecognizerResult] = []
    for result in sorted(results, key=lambda r: (r.start, -r.end)):
        last = merged[-1] if merged else None
        joins_flat = last is not None and _is_flat(last) and result.start == last.end
        if last is not None and (result.start < last.end or joins_flat):
            if _is_flat(last) or result.score > last.score:
                last.score, last.analysis_explanation = result.score, result.analysis_explanation
            last.end = max(last.end, result.end)
        else:
            merged.append(result)
    return [r for r in merged if not _is_flat(r)]


def _is_flat(result: RecognizerResult) -> bool:
    explanation = result.analysis_explanation
    return explanation is not None and explanation.pattern_name == _FLAT_PATTERN


ADDRESS_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (StreetAddressRecognizer,)
