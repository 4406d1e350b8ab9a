"""Synthetic training corpus for the learned name/address detector (labels PERSON and STREET_ADDRESS).

Every example is built by filling hand-written templates (chat turns, e-mails, CSV rows, form dumps, tickets,
HR / clinical / delivery notes, letters) in English and sixteen other European languages with values drawn
from per-locale Faker pools and from composition rules for address shapes Faker renders poorly. Spans are
recorded while the text is assembled, never searched for afterwards. Hard negatives (companies, job titles,
products, drugs, cities, countries, teams, dates, amounts, order ids, e-mail addresses, phone numbers) appear
unlabelled; about a fifth of the examples carry no span at all.
Recipe 2 adds hard negatives with digits in every language (dates, times, ids with their labels, phones,
bank details, ages, rooms, list/agenda numbers), often right after a PERSON span, and lists of names.
Recipe 4 writes some full names the way registers and directories do, surname first ("Meza, Barbara"), and
gives some English names a generational or degree suffix ("Jr.", "III", "PhD").
Recipe 5 adds English prose composed from frames (`frames.py`: what comes before and after a name or an
address in running text), names in Chinese, Japanese, Korean, Arabic and Devanagari script, examples written
all in capitals and surnames in capitals ("DUPONT Jean").

The recipe is deterministic for (n, seed): all randomness comes from `random.Random` instances and Faker
instances seeded with `seed_instance`, never from global state, time or `hash()`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
import unicodedata
import zlib
from collections import Counter
from typing import Any

from faker import Faker
from faker.config import AVAILABLE_LOCALES

from gdprep.privacy.nermodel.frames import prose_frames

LABELS = ("PERSON", "STREET_ADDRESS")
RECIPE_VERSION = 6

PER, ADR = LABELS
Seg = tuple[str, str | None]

# ----------------------------------------------------------------------------------------------------------
# Locales
# ----------------------------------------------------------------------------------------------------------

#: locales whose Faker person provider gives usable names (filtered by what the installed Faker has)
_NAME_LOCALES_ALL: dict[str, float] = {
    "en_GB": 3, "en_IE": 1, "en_US": 3, "en_CA": 1, "en_AU": 1, "en_NZ": 0.5, "en_IN": 1, "ga_IE": 0.5,
    "zu_ZA": 0.5, "de_DE": 3, "de_AT": 1, "de_CH": 1, "fr_FR": 3, "fr_BE": 1, "fr_CH": 1, "fr_CA": 1,
    "nl_NL": 2, "nl_BE": 1, "it_IT": 3, "es_ES": 3, "pt_PT": 2, "pl_PL": 3, "cs_CZ": 2, "sk_SK": 1,
    "hu_HU": 1.5, "sv_SE": 1.5, "da_DK": 1.5, "fi_FI": 1.5, "no_NO": 1.5, "et_EE": 1, "lv_LV": 1, "lt_LT": 1,
    "el_GR": 1, "ro_RO": 1.5, "bg_BG": 0.7, "hr_HR": 1, "sl_SI": 1, "is_IS": 0.5, "tr_TR": 1.5, "hi_IN": 0.6,
    "vi_VN": 1, "ar_AA": 0.8, "mt_MT": 0.3,
    # recipe 3: names from outside English and European lists, as a UK/EU organisation's customers and staff
    # carry them (Latin America, West and East Africa, South and East Asia, Ukrainian and Russian in Cyrillic)
    "pt_BR": 1, "es_MX": 1, "es_AR": 0.5, "es_CO": 0.5, "en_NG": 0.6, "yo_NG": 0.4, "ig_NG": 0.3, "ha_NG": 0.3,
    "en_KE": 0.4, "sw": 0.3, "tw_GH": 0.3, "id_ID": 0.5, "en_PK": 0.5, "az_AZ": 0.3, "de_LU": 0.3, "uk_UA": 0.3,
    "ru_RU": 0.2, "zh_CN_latn": 0.7, "ja_JP_latn": 0.4,
    # recipe 5: names in their own script (Han, Kana/Kanji, Hangul; Arabic and Devanagari weighted up)
    "zh_CN": 0.5, "ja_JP": 0.4, "ko_KR": 0.4,
}
#: "<locale>_latn": the locale's romanized names (Faker's `*_romanized_*` providers)
_LATN = "_latn"
_NAME_LOCALES = {k: v for k, v in _NAME_LOCALES_ALL.items() if k.removesuffix(_LATN) in AVAILABLE_LOCALES}

#: address style -> locale whose Faker address() is good for that country (None: composition rules only)
_STYLE_FAKER: dict[str, str | None] = {
    "GB": "en_GB", "IE": "en_IE", "US": "en_US", "CA": "en_CA", "CA_fr": "fr_CA", "AU": "en_AU", "NZ": "en_NZ",
    "IN": "en_IN", "ZA": "zu_ZA", "DE": "de_DE", "AT": "de_AT", "CH": "de_CH", "CH_fr": "fr_CH", "FR": "fr_FR",
    "BE": None, "NL": "nl_NL", "BE_nl": "nl_BE", "IT": "it_IT", "ES": "es_ES", "PT": "pt_PT", "PL": "pl_PL",
    "CZ": "cs_CZ", "SK": "sk_SK", "HU": "hu_HU", "SE": "sv_SE", "DK": "da_DK", "FI": "fi_FI", "NO": "no_NO",
    "EE": None, "LV": None, "LT": None, "GR": "el_GR", "GR_latn": None, "RO": "ro_RO", "HR": "hr_HR",
    "SI": "sl_SI",
}
_STYLE_FAKER = {k: (v if v in AVAILABLE_LOCALES else None) for k, v in _STYLE_FAKER.items()}

# ----------------------------------------------------------------------------------------------------------
# Address composition rules (for shapes Faker renders poorly or not at all)
# ----------------------------------------------------------------------------------------------------------


def _combos(types: str, roots: str, after: bool = False) -> list[str]:
    t, r = types.split("|"), roots.split("|")
    return [f"{b} {a}" if after else f"{a} {b}" for a in t for b in r]


_SPECS: dict[str, dict[str, Any]] = {
    "GB": dict(
        streets="Baker Street|High Street|Station Road|Church Lane|Victoria Road|Mill Lane|The Crescent|Park Avenue|"
        "Kings Road|Queen's Drive|Green Lane|Manor Way|Albert Terrace|The Green|Orchard Close|St John's Road|"
        "Elm Grove|Castle Street|Northumberland Avenue",
        fmt=["{n} {s}", "{n} {s}", "{n}{a} {s}"],
        pre=["Flat {n2}", "Flat {n2}{A}", "Apartment {n2}", "Rose Cottage", "The Old Vicarage", "Unit {n2}"],
        cities="London|Manchester|Leeds|Bristol|Edinburgh|Glasgow|Cardiff|Belfast|Oxford|York|Brighton|Norwich|"
        "Bath|Leicester|Milton Keynes",
        pc="faker", cline=["{city}\n{pc}", "{city} {pc}", "{city}, {pc}", "{CITY}\n{pc}"],
        pcc=["{pc} {city}", "{city} {pc}"], country=["United Kingdom", "UK"],
    ),
    "IE": dict(
        streets="Main Street|O'Connell Street|Grafton Street|Patrick Street|Church Road|The Green|Seaview Terrace|"
        "Shop Street|Dublin Road|Castle Avenue|Ashfield Park|Oakwood Drive|Strand Road",
        fmt=["{n} {s}"], pre=["Apartment {n2}", "Apt {n2}", "Unit {n2}"],
        cities="Dublin 8|Dublin 4|Dublin 15|Cork|Galway|Limerick|Waterford|Kilkenny|Sligo|Athlone|Ennis, Co. Clare|"
        "Navan, Co. Meath|Bray, Co. Wicklow|Tralee, Co. Kerry",
        pc="eircode", cline=["{city}\n{pc}", "{city}, {pc}", "{city} {pc}"], country=["Ireland"],
    ),
    "US": dict(
        streets="Main St|Oak Street|Maple Ave|Elm Street|Washington Blvd|Park Avenue|2nd Street|Sunset Blvd|"
        "Lakeview Drive|Pine Road|Cedar Lane|Broadway|Market Street|Highland Ave|Willow Way",
        fmt=["{n3} {s}", "{n3} {s}", "{n3} N {s}", "{n3} W {s}"],
        extra=[" Apt {n2}", " Apt. {n2}{A}", ", Suite {n3}", " #{n2}", " Unit {n2}"],
        cities="Springfield, IL|Austin, TX|Portland, OR|Denver, CO|Columbus, OH|Boston, MA|Seattle, WA|Miami, FL|"
        "Phoenix, AZ|Raleigh, NC|Madison, WI|Albany, NY|Burlington, VT",
        pc=["#####", "#####", "#####-####"], cline=["{city} {pc}"], country=["USA", "United States"],
    ),
    "AU": dict(
        streets="George Street|Pitt Street|Collins Street|Queen Street|Swanston Street|Hay Street|Beach Road|"
        "Station Street|Bourke Street|Church Street|Albert Parade",
        fmt=["{n} {s}", "{n2}/{n} {s}", "Unit {n2}, {n} {s}"],
        cities="Sydney NSW|Melbourne VIC|Brisbane QLD|Perth WA|Adelaide SA|Hobart TAS|Canberra ACT|Darwin NT|"
        "Parramatta NSW|Geelong VIC",
        pc="####", cline=["{city} {pc}", "{city}, {pc}", "{CITY} {pc}"], country=["Australia"],
    ),
    "ZA": dict(
        streets="Long Street|Main Road|Jan Smuts Avenue|Church Street|Voortrekker Road|Beach Road|Oxford Road|"
        "Rivonia Road|Nelson Mandela Boulevard",
        fmt=["{n} {s}"], pre=["Unit {n2} Sunset Villas", "Flat {n2}"],
        cities="Sea Point, Cape Town|Rosebank, Johannesburg|Sandton|Umhlanga, Durban|Hatfield, Pretoria|"
        "Observatory, Cape Town|Gqeberha|Bloemfontein|Stellenbosch",
        pc="####", cline=["{city}\n{pc}", "{city}, {pc}", "{city} {pc}"], country=["South Africa"],
    ),
    "DE": dict(
        streets="Hauptstraße|Hauptstr.|Bahnhofstraße|Schulstraße|Gartenweg|Am Markt|Lindenallee|Goethestraße|"
        "Berliner Str.|Friedrichstraße|Kirchplatz|An der Alster|Im Winkel|Unter den Linden|Schillerstr.|Ringstraße|"
        "Waldweg|Münchener Straße|Zum Sportplatz|Kastanienallee|Alte Dorfstraße",
        fmt=["{s} {n}", "{s} {n}", "{s} {n}{a}", "{s} {n}-{n1}"],
        extra=[", {n1}. OG", ", App. {n2}", ", Hinterhaus", ", Whg. {n2}"],
        cities="Berlin|München|Hamburg|Köln|Frankfurt am Main|Stuttgart|Leipzig|Dresden|Hannover|Nürnberg|Bremen|"
        "Freiburg im Breisgau|Bad Homburg v. d. Höhe|Mülheim an der Ruhr|Halle (Saale)",
        pc="#####", pcpre=["D-"], cline=["{pc} {city}"], country=["Deutschland", "Germany"],
    ),
    "AT": dict(
        streets="Mariahilfer Straße|Hauptplatz|Landstraßer Hauptstraße|Kärntner Ring|Herrengasse|Wiener Straße|"
        "Linzer Gasse|Schubertgasse|Grabenweg",
        fmt=["{s} {n}", "{s} {n}/{n2}", "{s} {n}/{n1}/{n2}", "{s} {n}/Top {n2}"],
        cities="Wien|Graz|Linz|Salzburg|Innsbruck|Klagenfurt|St. Pölten|Villach|Wels",
        pc="####", pcpre=["A-"], cline=["{pc} {city}"], country=["Österreich", "Austria"],
    ),
    "CH": dict(
        streets="Bahnhofstrasse|Seestrasse|Dorfstrasse|Kirchgasse|Rue du Rhône|Via Nassa|Hauptgasse|Marktgasse|"
        "Rue de Lausanne|Avenue de la Gare|Zürichstrasse",
        fmt=["{s} {n}", "{s} {n}{a}"],
        cities="Zürich|Bern|Basel|Genève|Lausanne|Luzern|St. Gallen|Lugano|Winterthur|Zug|Fribourg",
        pc="####", pcpre=["CH-"], cline=["{pc} {city}"], country=["Schweiz", "Suisse", "Switzerland"],
    ),
    "FR": dict(
        streets="rue de la Paix|avenue Victor Hugo|rue du Faubourg Saint-Antoine|boulevard de la République|"
        "rue Jean Jaurès|allée des Lilas|rue Gambetta|avenue du Général de Gaulle|rue Pasteur|rue de Rivoli|"
        "chemin des Vignes|impasse des Roses|place de la Mairie|quai de la Loire|bd Haussmann|Rue Nationale|"
        "route de Lyon|cours Mirabeau",
        fmt=["{n} {s}", "{n} {s}", "{n} bis {s}", "{n} ter {s}", "{n}, {s}"],
        pre=["Bât. {A}", "Appartement {n2}", "Résidence Les Tilleuls", "Escalier {A}, porte {n2}", "Apt {n2}"],
        cities="Paris|Lyon|Marseille|Toulouse|Nantes|Lille|Bordeaux|Strasbourg|Montpellier|Rennes|Nice|"
        "Saint-Étienne|Aix-en-Provence|Boulogne-Billancourt|Le Havre",
        pc="#####", cline=["{pc} {city}", "{pc} {city}", "{pc} {CITY}", "{pc} {city} CEDEX"], country=["France"],
    ),
    "BE": dict(
        streets="Rue Neuve|Avenue Louise|Rue de la Loi|Chaussée de Waterloo|Meir|Grote Markt|Kerkstraat|"
        "Stationsstraat|Nieuwstraat|Boulevard Anspach|Rue des Bouchers|Veldstraat|Rue du Marché",
        fmt=["{s} {n}", "{s}, {n}", "{s} {n} bte {n2}", "{s} {n} bus {n2}", "{s} {n}/{n2}"],
        cities="Bruxelles|Brussel|Antwerpen|Gent|Liège|Namur|Leuven|Brugge|Charleroi|Mons|Hasselt|Ixelles",
        pc="####", pcpre=["B-"], cline=["{pc} {city}"], country=["Belgique", "België", "Belgium"],
    ),
    "NL": dict(
        streets="Keizersgracht|Kalverstraat|Hoofdstraat|Dorpsstraat|Kerkstraat|Stationsweg|Molenweg|Coolsingel|"
        "Laan van Meerdervoort|Oudegracht|Prinsengracht|Julianalaan|Beatrixstraat|Markt|Vondelstraat",
        fmt=["{s} {n}", "{s} {n}{a}", "{s} {n}-II", "{s} {n}-{n2}", "{s} {n} bis", "{s} {n} hs"],
        cities="Amsterdam|Rotterdam|Utrecht|Den Haag|'s-Hertogenbosch|Eindhoven|Groningen|Haarlem|Leiden|"
        "Maastricht|Zwolle|Nijmegen|Alphen aan den Rijn",
        pc=["#### @@", "#### @@", "####@@"], cline=["{pc} {city}", "{pc}  {CITY}"],
        country=["Nederland", "the Netherlands"],
    ),
    "IT": dict(
        streets=_combos("Via|Via|Via|Viale|Corso|Piazza|Piazzale|Largo|Vicolo|Strada",
                        "Roma|Garibaldi|Mazzini|Cavour|Vittorio Emanuele II|Dante Alighieri|XX Settembre|Matteotti|"
                        "della Repubblica|Marconi|Giuseppe Verdi|dei Mille|San Francesco|Nazionale"),
        fmt=["{s}, {n}", "{s} {n}", "{s} n. {n}", "{s}, {n}/{A}"],
        extra=[", int. {n2}", ", scala {A}", ", piano {n1}"],
        cities="Milano (MI)|Roma (RM)|Napoli (NA)|Torino (TO)|Bologna (BO)|Firenze (FI)|Palermo (PA)|Genova (GE)|"
        "Bari (BA)|Verona (VR)|Padova (PD)|Trieste (TS)|Cagliari (CA)|Milano|Roma|Lecce (LE)",
        pc="#####", cline=["{pc} {city}", "{pc} {city}", "{pc} - {city}", "{pc}, {city}"], country=["Italia"],
    ),
    "ES": dict(
        streets=_combos("C/|C/|C.|Calle|Calle|Avda.|Avenida|Paseo|Plaza|Pza.|Rúa|Carrer|Camino|Ronda|Travesía",
                        "Mayor|Gran Vía|de Alcalá|del Sol|de la Constitución|Real|San Vicente|de Colón|Serrano|"
                        "del Carmen|Nueva|de Galicia|Princesa|de Gràcia|Sierpes"),
        fmt=["{s}, {n}", "{s} {n}", "{s}, nº {n}", "{s} {n}"], pextra=0.55,
        extra=[", {n1}º {A}", ", {n1}º {A}", ", Piso {n1}, Puerta {n1}", ", {n1}.º D", ", Bajo {A}", ", {n1}º Izq.",
               ", {n1}º Dcha.", ", Esc. {n1}, {n1}º {A}", " {n1}-{A}", ", {n1}º {n1}ª"],
        cities="Madrid|Barcelona|Valencia|Sevilla|Zaragoza|Málaga|Bilbao|A Coruña|Vigo|Santiago de Compostela|"
        "Valladolid|Palma|Granada|Alicante|Getafe",
        pc="#####", cline=["{pc} {city}", "{pc} {city}", "{city}, {pc}", "{pc} {CITY}"], country=["España"],
    ),
    "PT": dict(
        streets="Rua Augusta|Rua do Carmo|Avenida da Liberdade|Av. da República|Rua de Santa Catarina|"
        "Travessa do Carvalho|Largo do Rato|Praça do Comércio|Rua Dr. António Martins|Rua das Flores|"
        "Estrada Nacional 10|Alameda dos Oceanos|Rua Cândido dos Reis",
        fmt=["{s}, {n}", "{s} {n}", "{s}, n.º {n}"], pextra=0.5,
        extra=[", {n1}.º Esq.", ", {n1}.º Dto", " {n1}º Frt", ", R/C", ", {n1}.º {A}", " - {n1}º Andar"],
        cities="Lisboa|Porto|Braga|Coimbra|Faro|Aveiro|Setúbal|Funchal|Viseu|Guimarães|Vila Nova de Gaia|Amadora",
        pc="####-###", cline=["{pc} {city}"], country=["Portugal"],
    ),
    "PL": dict(
        streets=_combos("ul.|ul.|ul.|ul.|al.|pl.|os.|ulica|Al.",
                        "Mickiewicza|Słowackiego|Kościuszki|Długa|Polna|Lipowa|Ogrodowa|Marszałkowska|Piłsudskiego|"
                        "Jana Pawła II|Krakowska|Wrocławska|Sienkiewicza|Kwiatowa|Grunwaldzka|Niepodległości|"
                        "Armii Krajowej|Wolności|Rynek"),
        fmt=["{s} {n}", "{s} {n}/{n2}", "{s} {n} m. {n2}", "{s} {n}{a}", "{s} {n} lok. {n2}", "{s} {n}{a}/{n2}"],
        cities="Warszawa|Kraków|Łódź|Wrocław|Poznań|Gdańsk|Szczecin|Lublin|Katowice|Białystok|Gdynia|Częstochowa|"
        "Bielsko-Biała|Zielona Góra",
        pc="##-###", cline=["{pc} {city}", "{pc} {CITY}"], country=["Polska", "Poland"],
    ),
    "CZ": dict(
        streets="Národní|Vinohradská|Masarykova|Husova|Palackého|Nádražní|Školní|Komenského|Jiráskova|Sokolská|"
        "Lidická|Na Příkopě|Karlovo náměstí|Dlouhá|U Nemocnice",
        fmt=["{s} {n}", "{s} {n3}/{n2}", "{s} {n3}/{n2}{a}"],
        cities="Praha 1|Praha 2|Praha 10|Brno|Ostrava|Plzeň|Olomouc|Liberec|České Budějovice|Hradec Králové|"
        "Pardubice|Zlín",
        pc=["### ##", "### ##", "#####"], cline=["{pc} {city}"], country=["Česká republika", "Czech Republic"],
    ),
    "SK": dict(
        streets="Hlavná|Obchodná|Štúrova|Námestie SNP|Mlynská|Záhradnícka|Hurbanova|Nám. slobody|Kpt. Nálepku|"
        "Pražská",
        fmt=["{s} {n}", "{s} {n3}/{n2}"],
        cities="Bratislava|Košice|Žilina|Nitra|Prešov|Banská Bystrica|Trnava|Trenčín|Martin|Poprad",
        pc="### ##", cline=["{pc} {city}"], country=["Slovensko", "Slovakia"],
    ),
    "HU": dict(
        streets=_combos("utca|utca|út|sor|tér|körút|köz|u.",
                        "Kossuth Lajos|Petőfi Sándor|Rákóczi|Dózsa György|Váci|Andrássy|Bem József|Arany János|"
                        "Széchenyi|Fő|Ady Endre|Hunyadi|Jókai", after=True),
        fmt=["{s} {n}.", "{s} {n}.", "{s} {n}", "{s} {n}. {n1}. em. {n2}.", "{s} {n}. fszt. {n1}."],
        cities="Budapest|Debrecen|Szeged|Pécs|Győr|Miskolc|Nyíregyháza|Kecskemét|Székesfehérvár|Eger",
        pc="####", pcpre=["H-"], cline=["{pc} {city}"], order_cs=0.35, country=["Magyarország", "Hungary"],
    ),
    "SE": dict(
        streets="Drottninggatan|Kungsgatan|Storgatan|Sveavägen|Vasagatan|Götgatan|Skolgatan|Kyrkvägen|Björkvägen|"
        "Strandvägen|Stora Torget|Hamngatan|Östra Långgatan",
        fmt=["{s} {n}", "{s} {n}{A}", "{s} {n} lgh {n4}", "{s} {n}, {n1} tr"],
        cities="Stockholm|Göteborg|Malmö|Uppsala|Västerås|Örebro|Linköping|Helsingborg|Umeå|Lund|Jönköping",
        pc="### ##", pcpre=["SE-"], cline=["{pc} {city}", "{pc} {CITY}"], country=["Sverige", "Sweden"],
    ),
    "DK": dict(
        streets="Vestergade|Østergade|Nørregade|Strøget|Jernbanegade|Bredgade|Algade|Søndergade|Åboulevarden|"
        "Frederiksberg Allé|Nørrebrogade|Vesterbrogade|Kongensgade",
        fmt=["{s} {n}", "{s} {n}{A}", "{s} {n}, {n1}. th.", "{s} {n}, {n1}. tv.", "{s} {n}, st. tv.",
             "{s} {n}, {n1}. mf.", "{s} {n} {n1}. th"],
        cities="København K|København Ø|Aarhus C|Odense C|Aalborg|Esbjerg|Randers|Kolding|Vejle|Roskilde|"
        "Frederiksberg|Horsens",
        pc="####", pcpre=["DK-", "DK-"], cline=["{pc} {city}"], country=["Danmark", "Denmark"],
    ),
    "FI": dict(
        streets="Mannerheimintie|Hämeenkatu|Aleksanterinkatu|Kauppakatu|Rautatienkatu|Koulukatu|Puistotie|"
        "Kirkkokatu|Satamakatu|Pohjoisesplanadi|Itäinen Pitkäkatu|Koivukuja|Rantatie",
        fmt=["{s} {n}", "{s} {n} {A} {n2}", "{s} {n} as. {n2}", "{s} {n} {A}"],
        cities="Helsinki|Espoo|Tampere|Vantaa|Oulu|Turku|Jyväskylä|Lahti|Kuopio|Pori|Rovaniemi",
        pc="#####", pcpre=["FI-"], cline=["{pc} {city}", "{pc} {CITY}"], country=["Suomi", "Finland"],
    ),
    "NO": dict(
        streets="Storgata|Kirkegata|Karl Johans gate|Parkveien|Bogstadveien|Kongens gate|Strandveien|Skolegata|"
        "Thorvald Meyers gate|Torggata|Bryggen|Markveien",
        fmt=["{s} {n}", "{s} {n}{A}", "{s} {n}, leil. H{n4}"],
        cities="Oslo|Bergen|Trondheim|Stavanger|Tromsø|Drammen|Kristiansand|Fredrikstad|Bodø|Ålesund",
        pc="####", cline=["{pc} {city}", "{pc} {CITY}"], country=["Norge", "Norway"],
    ),
    "EE": dict(
        streets="Tartu mnt|Pärnu mnt|Narva mnt|Rüütli|Lossi|Vabaduse pst|Kalda tee|Pikk|Aia|Männi|Kase|"
        "Sõpruse pst|Tähe|Mustamäe tee|Ülikooli",
        fmt=["{s} {n}", "{s} {n}-{n2}", "{s} {n}{a}"],
        cities="Tallinn|Tartu|Pärnu|Narva|Viljandi|Rakvere|Kuressaare|Haapsalu|Jõhvi",
        pc="#####", cline=["{pc} {city}", "{city} {pc}", "{city}\n{pc}"], country=["Eesti", "Estonia"],
    ),
    "LV": dict(
        streets="Brīvības iela|Elizabetes iela|Krišjāņa Barona iela|Dzirnavu iela|Lāčplēša iela|Raiņa bulvāris|"
        "Skolas iela|Ganību dambis|Maskavas iela|Rīgas iela",
        fmt=["{s} {n}", "{s} {n}-{n2}", "{s} {n} dz. {n2}", "{s} {n}k-{n1}"],
        cities="Rīga|Daugavpils|Liepāja|Jelgava|Jūrmala|Ventspils|Rēzekne|Valmiera",
        pc="LV-####", cline=["{city}, {pc}", "{pc} {city}"], country=["Latvija", "Latvia"],
    ),
    "LT": dict(
        streets="Gedimino pr.|Vilniaus g.|Pilies g.|Laisvės al.|Savanorių pr.|Taikos g.|Mokyklos g.|"
        "Konstitucijos pr.|Žalgirio g.|Basanavičiaus g.",
        fmt=["{s} {n}", "{s} {n}-{n2}", "{s} {n}{a}-{n2}"],
        cities="Vilnius|Kaunas|Klaipėda|Šiauliai|Panevėžys|Alytus|Marijampolė",
        pc="LT-#####", cline=["{pc} {city}", "{city}, {pc}", "{pc}, {city}"], country=["Lietuva", "Lithuania"],
    ),
    "GR": dict(
        streets="Ερμού|Σταδίου|Πανεπιστημίου|Αγίου Δημητρίου|Εγνατίας|Τσιμισκή|Λεωφ. Κηφισίας|Βασιλίσσης Σοφίας|"
        "Αθηνάς|Πατησίων|Οδός Αιόλου|Λεωφ. Συγγρού|Μητροπόλεως|Κολοκοτρώνη",
        fmt=["{s} {n}", "{s} {n}", "{s} {n}-{n2}"],
        cities="Αθήνα|Θεσσαλονίκη|Πάτρα|Ηράκλειο|Λάρισα|Βόλος|Ιωάννινα|Χανιά|Πειραιάς|Καλαμάτα",
        pc="### ##", pcpre=["ΤΚ "], cline=["{pc} {city}", "{city} {pc}", "{city}, ΤΚ {pc}"],
        country=["Ελλάδα", "Greece"],
    ),
    "GR_latn": dict(
        streets="Ermou|Stadiou|Panepistimiou|Egnatias|Tsimiski|Kifisias Ave.|Vasilissis Sofias|Athinas|Patision|"
        "Syngrou Ave.",
        fmt=["{s} {n}", "{n} {s}"],
        cities="Athens|Thessaloniki|Patras|Heraklion|Larissa|Volos|Piraeus",
        pc="### ##", cline=["{pc} {city}", "{city} {pc}"], country=["Greece"],
    ),
    "RO": dict(
        streets="Str. Mihai Eminescu|Strada Victoriei|Bd. Unirii|Calea Victoriei|Șos. Kiseleff|Str. Avram Iancu|"
        "Bulevardul Carol I|Str. Republicii|Aleea Teilor|Calea Dorobanților|Piața Unirii",
        fmt=["{s} nr. {n}", "{s} {n}", "{s}, nr. {n}"], pextra=0.45,
        extra=[", bl. {A}{n1}, sc. {n1}, ap. {n2}", ", et. {n1}, ap. {n2}", ", ap. {n2}", ", bl. {n2}, ap. {n2}"],
        cities="București, sector 1|București, sector 3|București|Cluj-Napoca|Iași|Timișoara|Brașov|Constanța|"
        "Craiova|Sibiu|Oradea|Ploiești",
        pc="######", cline=["{pc} {city}", "{city}, {pc}", "{city} {pc}"], country=["România", "Romania"],
    ),
}
for _spec in _SPECS.values():
    for _key in ("streets", "cities"):
        if isinstance(_spec[_key], str):
            _spec[_key] = _spec[_key].split("|")
_SPECS["BE_nl"] = _SPECS["BE"]
_SPECS["CH_fr"] = _SPECS["CH"]

_EIRCODE_KEYS = "D08 D04 D15 D02 D6W T12 T23 H91 V94 X91 R95 F91 N37 V95 C15 A98 V92 P72 Y35".split()
_EIRCODE_CHARS = "ACDEFHKNPRTVWXY0123456789"

# ----------------------------------------------------------------------------------------------------------
# Language data
# ----------------------------------------------------------------------------------------------------------

_LAB_KEYS = ("name", "first", "last", "addr", "street", "pcity", "city", "phone", "email", "dob", "cust", "company",
             "note", "order", "product", "amount", "date")

# shapes: chat, email, csv, form, ticket, hr, clinical, delivery, letter
SHAPES = ("chat", "email", "csv", "form", "ticket", "hr", "clinical", "delivery", "letter")

_LANG: dict[str, dict[str, Any]] = {}


def _lang(code: str, **kw: Any) -> None:
    kw["lab"] = dict(zip(_LAB_KEYS, kw["lab"].split("|"), strict=True))
    for key in ("weekdays", "months"):
        kw[key] = kw[key].split()
    kw["teams"] = kw["teams"].split("|")
    _LANG[code] = kw


_lang(
    "en",
    name_locales={"en_GB": 3, "en_US": 3, "en_IE": 1, "en_CA": 1, "en_AU": 1, "en_NZ": 0.5, "en_IN": 1,
                  "ga_IE": 0.5, "zu_ZA": 0.5},
    styles={"GB": 3, "US": 3, "IE": 1.5, "CA": 1, "AU": 1, "NZ": 0.5, "IN": 0.5, "ZA": 0.7},
    diversity=0.35, foreign_addr=0.3,
    lab="Name|First name|Last name|Address|Street|Postcode/City|City|Phone|Email|Date of birth|Customer no.|Company|"
    "Notes|Order|Product|Amount|Date",
    hon={"m": ["Mr", "Mr.", "Mr", "Dr", "Dr.", "Prof."], "f": ["Mrs", "Ms", "Mrs.", "Ms.", "Miss", "Dr", "Dr."]},
    dear={"m": ["Dear Mr", "Dear Mr.", "Dear Dr"], "f": ["Dear Ms", "Dear Mrs", "Dear Mrs.", "Dear Dr."]},
    greet=["Hi {first},", "Hello {first},", "{dear},", "{dear},", "Dear {name},", "Good morning {first},", "{first},",
           "Hi all,", "Dear Sir or Madam,", "Hey {first}!"],
    bye=["Thanks,", "Best regards,", "Kind regards,", "Cheers,", "Many thanks,", "Best,", "Sincerely,", "Regards,",
         "Thanks again,"],
    hdr=("From", "To", "Subject"), re="Re:",
    subj=["Your order {order}", "Change of address", "Re: contract renewal", "Invoice {order}", "Meeting on {weekday}"],
    body=[
        "Thank you for your order {order}. We will ship it to {addr} within three working days.",
        "Following our call on {weekday}, I attach the signed contract. Could you please confirm that the invoice "
        "address ({addr}) is still correct?",
        "I'm writing on behalf of {name3}, who has asked us to forward the medical records to the address below:"
        "\n\n{addrml}\n\nPlease let me know if you need anything else.",
        "Just a quick reminder that {first3} will cover for me while I'm away until {date}. For anything urgent, "
        "call the {team} on {phone}.",
        "The meeting with {company} has moved to {weekday} at {time} in our {city} office, {addr}. Parking is "
        "available behind the {bank}.",
        "As discussed, {hon3} from {company} will collect the {product} samples. Please have them ready at "
        "reception by {date}.",
        "We have received your request to update your details. The new address we hold for you is:\n{addrml}\n"
        "If this is not correct, reply to this e-mail or call {phone}.",
        "{first3}'s team is moving to the new site next month. Post for {name3} should now go to {addr}.",
    ],
    chat=[
        "User: Hi, I'm {name} and I moved to {addr} last month. Can you update my account?\nAssistant: Thanks "
        "{first}, I've updated the address on your account. Anything else?",
        "Customer: my name is {name}, order {order} never arrived\nAgent: Sorry to hear that! Can you confirm the "
        "delivery address?\nCustomer: {addr}\nAgent: Thanks, I've raised a claim with {company}.",
        "User: can you write a birthday message for {first}'s party on {weekday}?\nAssistant: Of course! Here's a "
        "short note: \"Happy birthday, {first}! See you on {weekday}.\"",
        "Agent: Good morning, you're speaking with {first2} from the {team}. Who am I talking to?\nCustomer: "
        "{name}. I'm calling about invoice {order}.\nAgent: Thank you, {hon}. Let me pull that up.",
        "User: draft a reply to {hon} saying the {product} will ship from our {city} warehouse on {date}\n"
        "Assistant: {dear},\nThank you for your patience. Your {product} will leave our {city} warehouse on {date}."
        "\nKind regards,\n{first2}",
        "User: my neighbour {first} at {street} keeps getting my parcels, what should I do?\nAssistant: You could "
        "leave a note for {first} or ask {company} to add delivery instructions to your account.",
        "user: pls send the contract to {name} at {addr}\nassistant: Done. I've sent the contract to {first} by "
        "tracked post.",
    ],
    free=[
        ("ticket", "Ticket {order} | Priority: high\nReported by: {name} ({email})\nIssue: {product} stops syncing "
                   "after the update. Customer is based in {city}, callback on {phone}."),
        ("ticket", "Support ticket {order}: {hon} reports that the refund of {amount} has not arrived. Shipping "
                   "address on file: {addr}."),
        ("hr", "HR note {date}: {name} ({job}) requested a change of address to {addr}. Manager {name2} approved. "
               "Payroll to update before {month}."),
        ("hr", "Performance review for {name}, {job} in the {team}. Reviewer: {hon2}. Strong results on the "
               "{company} account; {first} will mentor two new starters."),
        ("clinical", "Patient: {name}, DOB {dob}\nAddress: {addr}\nSeen by {hon2} on {weekday}. Prescribed {drug} "
                     "500 mg twice daily. Review in two weeks."),
        ("clinical", "Clinical note: {first} attended with a family member. Reports headaches since {month}. Plan: "
                     "{drug}, follow-up with {hon2} at the {city} clinic."),
        ("delivery", "Delivery note {order}\nDeliver to: {name}\n{addrml}\nLeave with neighbour if out. "
                     "Contact: {phone}"),
        ("delivery", "Driver note: parcel for {honf} left at reception, {addr}. Signed for by {first2}."),
        ("delivery", "Ship to {name}, {pccity}. Carrier: {company}."),
        ("email", "Hi team, {name} from {company} will visit our {city} office on {weekday}. Please send the "
                  "contract to {addr} beforehand.\n\nThanks,\n{first2}"),
        ("letter", "Please forward all post for {name} to the new address:\n{addrml}\n\nWith thanks,\n{name2}"),
        ("hr", "Reminder: {first}'s leaving drinks are on {weekday} at the {bank}. Cards to {hon2} by {date}."),
        ("form", "{name}\n{addrml}\n{phone}\n{email}"),
        ("chat", "Thanks,\n{first}"),
    ],
    neg=[
        ("email", "Order {order} was shipped on {date} via {company}. Total: {amount}. Questions? Contact the "
                  "{team} at {email} or {phone}."),
        ("email", "{company} opened a new office in {city}, {country}. The {job} role reports to the {team}."),
        ("ticket", "Reminder: the {product} release is moved to {weekday}, {date}. {company} will host the demo in "
                   "{city}."),
        ("clinical", "Patient reports improvement on {drug}. Continue {drug2} until {month}. No known allergies. "
                     "Next review at the {city} General Hospital."),
        ("chat", "Agent: Thanks for contacting {company}. How can I help?\nCustomer: My {product} won't turn on "
                 "since {weekday}.\nAgent: Sorry about that, I've opened case {order}."),
        ("form", "Invoice {order}\nAmount due: {amount}\nDue date: {date}\nPayable to: {company}\nRef: {num}"),
        ("hr", "Meeting notes ({date}): {team} to review {product} pricing; {company} contract renewal due in "
               "{month}. Action: e-mail {email}."),
        ("ticket", "Sales in {city} rose by {num}% in {month}; the {team} credits the new {product}. The {bank} "
                   "account was closed."),
    ],
    weekdays="Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    months="January February March April May June July August September October November December",
    teams="Support Team|Customer Service|Billing Team|IT Helpdesk|Sales Team|Accounts Payable|HR Team|"
    "Data Protection Office|Facilities Team",
    dates=["{d:02d}/{m:02d}/{y}", "{y}-{m:02d}-{d:02d}", "{d} {Mon} {y}", "{Mon} {d}, {y}"],
    money=["£{en}", "${en}", "€{en}", "{en} EUR", "GBP {en}"],
)

_lang(
    "de",
    name_locales={"de_DE": 4, "de_AT": 1.5, "de_CH": 1.5}, styles={"DE": 4, "AT": 1.5, "CH": 1.5},
    diversity=0.2, foreign_addr=0.08,
    lab="Name|Vorname|Nachname|Anschrift|Straße|PLZ/Ort|Ort|Telefon|E-Mail|Geburtsdatum|Kundennummer|Firma|Bemerkung|"
    "Bestellung|Produkt|Betrag|Datum",
    hon={"m": ["Herr", "Herrn", "Hr.", "Herr Dr.", "Dr.", "Prof. Dr."], "f": ["Frau", "Fr.", "Frau Dr.", "Dr."]},
    dear={"m": ["Sehr geehrter Herr", "Sehr geehrter Herr Dr.", "Lieber Herr"],
          "f": ["Sehr geehrte Frau", "Sehr geehrte Frau Dr.", "Liebe Frau"]},
    greet=["Hallo {first},", "{dear},", "{dear},", "Guten Tag,", "Hallo zusammen,", "Moin {first},",
           "Sehr geehrte Damen und Herren,", "Hi {first},"],
    bye=["Viele Grüße", "Mit freundlichen Grüßen", "Beste Grüße", "Danke und viele Grüße", "VG", "Gruß"],
    hdr=("Von", "An", "Betreff"), re="Betreff:",
    subj=["Ihre Bestellung {order}", "Adressänderung", "AW: Vertrag", "Rechnung {order}"],
    body=[
        "vielen Dank für Ihre Bestellung {order}. Die Ware wird innerhalb von drei Werktagen an {addr} geliefert.",
        "wie am {weekday} besprochen, sende ich Ihnen den unterschriebenen Vertrag. Bitte prüfen Sie, ob die "
        "Rechnungsadresse ({addr}) noch aktuell ist.",
        "während meiner Abwesenheit bis {date} übernimmt {name3} meine Aufgaben. In dringenden Fällen erreichen "
        "Sie den {team} unter {phone}.",
        "unser Termin mit {company} findet am {weekday} um {time} Uhr in unserem Büro statt:\n{addrml}",
        "die Unterlagen für {hon3} liegen ab {date} bei uns am Empfang zur Abholung bereit.",
    ],
    chat=[
        "Kunde: Hallo, mein Name ist {name}. Ich bin umgezogen, neue Adresse: {addr}\nMitarbeiter: Danke, {hon}, "
        "ich habe Ihre Adresse geändert.",
        "User: Schreib eine kurze Einladung an {first} für {weekday}, Treffpunkt {addr}.\nAssistant: Hallo "
        "{first}, ich lade dich am {weekday} zu uns ein: {addr}. Bis bald!",
        "Agent: Guten Tag, Sie sprechen mit {first2} vom {team}. Mit wem spreche ich?\nKunde: {name}, es geht um die "
        "Rechnung {order}.",
    ],
    free=[
        ("ticket", "Ticket {order} – Priorität hoch\nGemeldet von: {name} ({email})\nProblem: {product} startet nach "
                   "dem Update nicht mehr. Rückruf unter {phone}."),
        ("hr", "Personalnotiz vom {date}: {name} ({job}) hat eine Adressänderung beantragt, neue Anschrift: {addr}. "
               "Genehmigt von {hon2}."),
        ("clinical", "Patient: {name}, geb. {dob}\nWohnhaft: {addr}\nBefund: Verdacht auf Migräne. Therapie: {drug} "
                     "400 mg bei Bedarf. Kontrolle bei {hon2} am {weekday}."),
        ("delivery", "Lieferschein {order}\nEmpfänger: {name}\n{addrml}\nBei Abwesenheit bitte beim Nachbarn "
                     "abgeben. Tel.: {phone}"),
        ("letter", "Bitte senden Sie die Unterlagen von {hon} an folgende Adresse:\n{addrml}\n\nMit freundlichen "
                   "Grüßen\n{name2}"),
        ("hr", "Die Kündigung von {name} ist am {date} eingegangen. Die Wohnung in der {street} wird im {month} "
               "übergeben."),
        ("delivery", "Lieferung an {pccity}, z. Hd. {name}."),
    ],
    neg=[
        ("email", "Die Rechnung {order} über {amount} ist am {date} fällig. Bei Fragen wenden Sie sich an den "
                  "{team} unter {email}."),
        ("hr", "{company} eröffnet im {month} eine neue Filiale in {city}. Gesucht wird ein {job}."),
        ("ticket", "{noun}, {noun2} und {noun3} für {product} finden Sie im Kundenportal. Lieferung erfolgt am "
                   "{weekday} aus {city}."),
        ("chat", "Besprechung am {weekday}, {time} Uhr: {team} und {company} klären die Lieferung von {product} "
                 "nach {country}."),
    ],
    weekdays="Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    months="Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    teams="Kundenservice|Support-Team|Buchhaltung|IT-Service|Vertrieb|Personalabteilung",
    nouns="Rechnung Vertrag Kündigung Lieferung Bestellung Mahnung Gutschrift Steuererklärung Krankmeldung "
    "Urlaubsantrag Bescheinigung Vollmacht Anlage Zahlung Widerruf Datenschutzerklärung".split(),
    dates=["{d:02d}.{m:02d}.{y}", "{d}.{m}.{y}", "{d}. {Mon} {y}", "{y}-{m:02d}-{d:02d}"],
    money=["{eu} €", "{eu} EUR", "EUR {eu}", "CHF {eu}"],
)

_lang(
    "fr",
    name_locales={"fr_FR": 4, "fr_BE": 1, "fr_CH": 1, "fr_CA": 1}, styles={"FR": 4, "BE": 1.5, "CH_fr": 1,
                                                                           "CA_fr": 0.7},
    diversity=0.2, foreign_addr=0.08,
    lab="Nom|Prénom|Nom de famille|Adresse|Rue|CP/Ville|Ville|Téléphone|Courriel|Date de naissance|N° client|"
    "Société|Remarques|Commande|Produit|Montant|Date",
    hon={"m": ["M.", "M.", "Monsieur", "Dr", "Me"], "f": ["Mme", "Mme.", "Madame", "Mlle", "Dr"]},
    dear={"m": ["Monsieur", "Cher Monsieur"], "f": ["Madame", "Chère Madame"]},
    greet=["Bonjour {first},", "Bonjour,", "{dear},", "{dear},", "Salut {first},", "Madame, Monsieur,"],
    bye=["Cordialement,", "Bien cordialement,", "Merci d'avance,", "Bonne journée,", "Sincères salutations,"],
    hdr=("De", "À", "Objet"), re="Objet :",
    subj=["Votre commande {order}", "Changement d'adresse", "RE: contrat", "Facture {order}"],
    body=[
        "merci pour votre commande {order}. Elle sera livrée à l'adresse suivante : {addr}, sous trois jours ouvrés.",
        "suite à notre échange de {weekday}, je vous transmets le contrat signé. Pouvez-vous confirmer que l'adresse "
        "de facturation ({addr}) est toujours valable ?",
        "pendant mon absence jusqu'au {date}, {name3} assure le suivi de vos dossiers. En cas d'urgence : {phone}.",
        "le rendez-vous avec {company} aura lieu {weekday} à {time} dans nos locaux :\n{addrml}",
    ],
    chat=[
        "Client : Bonjour, je m'appelle {name}, j'ai déménagé : {addr}.\nConseiller : Merci {hon}, votre adresse a "
        "bien été mise à jour.",
        "Utilisateur : écris un message d'anniversaire pour {first}, la fête est {weekday} soir.\nAssistant : Bien "
        "sûr ! Joyeux anniversaire {first}, on se voit {weekday} !",
        "Agent : Bonjour, {first2} du {team}, à qui ai-je l'honneur ?\nClient : {name}, j'appelle pour la facture "
        "{order}.",
    ],
    free=[
        ("ticket", "Ticket {order} - priorité haute\nSignalé par : {name} ({email})\nProblème : le {product} ne se "
                   "synchronise plus. Rappeler au {phone}."),
        ("hr", "Note RH du {date} : {name}, {job}, demande un changement d'adresse : {addr}. Validé par {hon2}."),
        ("clinical", "Patient : {name}, né(e) le {dob}\nAdresse : {addr}\nVu par {hon2} le {weekday}. Traitement : "
                     "{drug} 1 g trois fois par jour."),
        ("delivery", "Bon de livraison {order}\nDestinataire : {name}\n{addrml}\nEn cas d'absence, déposer chez le "
                     "gardien. Tél. : {phone}"),
        ("letter", "Merci d'envoyer le dossier de {hon} à l'adresse suivante :\n{addrml}\n\nCordialement,\n{name2}"),
        ("delivery", "Livraison prévue à {pccity} pour {name}, le {date}."),
    ],
    neg=[
        ("email", "La facture {order} d'un montant de {amount} est à régler avant le {date}. Contact : {team}, "
                  "{email}."),
        ("hr", "{company} ouvre un nouveau site à {city} en {month} et recrute un {job}."),
        ("chat", "Réunion {weekday} à {time} : le {team} présente le {product} aux équipes de {company}."),
    ],
    weekdays="lundi mardi mercredi jeudi vendredi samedi dimanche",
    months="janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    teams="Service Client|Support Technique|Service Comptabilité|Service RH",
    dates=["{d:02d}/{m:02d}/{y}", "{d} {Mon} {y}", "{d:02d}.{m:02d}.{y}"],
    money=["{eu} €", "{eu} EUR", "{eu} CHF"],
)

_lang(
    "es",
    name_locales={"es_ES": 1}, styles={"ES": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Nombre completo|Nombre|Apellidos|Dirección|Calle|CP/Localidad|Ciudad|Teléfono|Correo electrónico|"
    "Fecha de nacimiento|N.º de cliente|Empresa|Observaciones|Pedido|Producto|Importe|Fecha",
    hon={"m": ["Sr.", "D.", "Don", "Dr.", "Sr. D."], "f": ["Sra.", "Dña.", "Doña", "Dra.", "Srta."]},
    dear={"m": ["Estimado Sr.", "Estimado señor"], "f": ["Estimada Sra.", "Estimada señora"]},
    greet=["Hola {first},", "Buenos días,", "{dear}:", "{dear},", "Estimados señores:"],
    bye=["Saludos,", "Un saludo,", "Atentamente,", "Gracias,", "Saludos cordiales,"],
    hdr=("De", "Para", "Asunto"), re="Asunto:",
    subj=["Su pedido {order}", "Cambio de domicilio", "RE: contrato", "Factura {order}"],
    body=[
        "gracias por su pedido {order}. Lo enviaremos a {addr} en un plazo de tres días laborables.",
        "tal como hablamos el {weekday}, le adjunto el contrato firmado. ¿Puede confirmar que la dirección de "
        "facturación ({addr}) sigue siendo correcta?",
        "durante mi ausencia hasta el {date}, {name3} se encargará de sus consultas. Para urgencias: {phone}.",
        "la reunión con {company} será el {weekday} a las {time} en nuestra oficina:\n{addrml}",
    ],
    chat=[
        "Cliente: Hola, soy {name} y me he mudado a {addr}.\nAgente: Gracias, {hon}, ya hemos actualizado su "
        "dirección.",
        "Usuario: escribe una felicitación para {first}, la fiesta es el {weekday}.\nAsistente: ¡Claro! Feliz "
        "cumpleaños, {first}. ¡Nos vemos el {weekday}!",
        "Agente: Buenos días, le atiende {first2} del {team}. ¿Con quién hablo?\nCliente: Con {name}, llamo por la "
        "factura {order}.",
    ],
    free=[
        ("ticket", "Incidencia {order} - prioridad alta\nAbierta por: {name} ({email})\nDescripción: el {product} no "
                   "sincroniza desde la actualización. Llamar al {phone}."),
        ("hr", "Nota de RR. HH. ({date}): {name}, {job}, solicita cambio de domicilio a {addr}. Aprobado por "
               "{hon2}."),
        ("clinical", "Paciente: {name}, fecha de nacimiento {dob}\nDomicilio: {addr}\nAtendido por {hon2}. "
                     "Tratamiento: {drug} 600 mg cada 8 horas."),
        ("delivery", "Albarán {order}\nDestinatario: {name}\n{addrml}\nSi no está, dejar en portería. Tel.: "
                     "{phone}"),
        ("letter", "Por favor, envíen la documentación de {hon} a esta dirección:\n{addrml}\n\nAtentamente,\n"
                   "{name2}"),
        ("delivery", "Entrega en {pccity} a nombre de {name}."),
    ],
    neg=[
        ("email", "La factura {order} por importe de {amount} vence el {date}. Para cualquier duda, escriba al "
                  "{team}: {email}."),
        ("hr", "{company} abrirá una nueva oficina en {city} en {month}; buscamos un {job}."),
        ("chat", "Reunión el {weekday} a las {time}: el {team} revisará el contrato de {product} con {company}."),
    ],
    weekdays="lunes martes miércoles jueves viernes sábado domingo",
    months="enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    teams="Servicio de Atención al Cliente|Departamento de Facturación|Soporte Técnico|Recursos Humanos",
    dates=["{d:02d}/{m:02d}/{y}", "{d} de {Mon} de {y}", "{d:02d}-{m:02d}-{y}"],
    money=["{eu} €", "{eu} EUR"],
)

_lang(
    "it",
    name_locales={"it_IT": 1}, styles={"IT": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Nome e cognome|Nome|Cognome|Indirizzo|Via|CAP/Città|Città|Telefono|E-mail|Data di nascita|Codice cliente|"
    "Azienda|Note|Ordine|Prodotto|Importo|Data",
    hon={"m": ["Sig.", "Dott.", "Ing.", "Avv.", "Prof."], "f": ["Sig.ra", "Dott.ssa", "Avv.", "Prof.ssa"]},
    dear={"m": ["Gentile Sig.", "Egregio Dott.", "Egregio Sig."], "f": ["Gentile Sig.ra", "Gentile Dott.ssa"]},
    greet=["Ciao {first},", "Buongiorno,", "{dear},", "{dear},", "Gentile cliente,", "Buongiorno {first},"],
    bye=["Cordiali saluti,", "Saluti,", "Grazie,", "Distinti saluti,", "Un saluto,"],
    hdr=("Da", "A", "Oggetto"), re="Oggetto:",
    subj=["Il suo ordine {order}", "Cambio indirizzo", "R: contratto", "Fattura {order}"],
    body=[
        "grazie per l'ordine {order}. La merce sarà spedita a {addr} entro tre giorni lavorativi.",
        "come concordato {weekday}, le invio il contratto firmato. Può confermare che l'indirizzo di fatturazione "
        "({addr}) è ancora corretto?",
        "durante la mia assenza fino al {date} le sue richieste saranno seguite da {name3}. Per urgenze: {phone}.",
        "l'incontro con {company} si terrà {weekday} alle {time} presso la nostra sede:\n{addrml}",
    ],
    chat=[
        "Cliente: Buongiorno, sono {name}, mi sono trasferito in {addr}.\nOperatore: Grazie {hon}, ho aggiornato il "
        "suo indirizzo.",
        "Utente: scrivi un biglietto di auguri per {first}, la festa è {weekday}.\nAssistente: Certo! Tanti auguri "
        "{first}, ci vediamo {weekday}!",
        "Operatore: Buongiorno, sono {first2} del {team}. Con chi parlo?\nCliente: {name}, chiamo per la fattura "
        "{order}.",
    ],
    free=[
        ("ticket", "Ticket {order} - priorità alta\nAperto da: {name} ({email})\nProblema: il {product} non si "
                   "sincronizza più. Richiamare al {phone}."),
        ("hr", "Nota HR del {date}: {name} ({job}) chiede di aggiornare la residenza in {addr}. Approvato da "
               "{hon2}."),
        ("clinical", "Paziente: {name}, nato/a il {dob}\nResidenza: {addr}\nVisitato/a da {hon2}. Terapia: {drug} "
                     "1 cp due volte al giorno."),
        ("delivery", "DDT n. {order}\nDestinatario: {name}\n{addrml}\nIn caso di assenza lasciare al portiere. "
                     "Tel. {phone}"),
        ("letter", "Si prega di inviare la documentazione di {hon} al seguente indirizzo:\n{addrml}\n\nCordiali "
                   "saluti,\n{name2}"),
        ("delivery", "Consegna a {pccity}, c.a. {name}."),
    ],
    neg=[
        ("email", "La fattura {order} di {amount} scade il {date}. Per informazioni scrivere al {team}: {email}."),
        ("hr", "{company} apre una nuova sede a {city} a {month} e cerca un {job}."),
        ("chat", "Riunione {weekday} alle {time}: il {team} presenta il {product} ai colleghi di {company}."),
    ],
    weekdays="lunedì martedì mercoledì giovedì venerdì sabato domenica",
    months="gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    teams="Servizio Clienti|Ufficio Amministrazione|Supporto Tecnico|Ufficio Personale",
    dates=["{d:02d}/{m:02d}/{y}", "{d} {Mon} {y}", "{d:02d}-{m:02d}-{y}"],
    money=["{eu} €", "€ {eu}", "EUR {eu}"],
)

_lang(
    "nl",
    name_locales={"nl_NL": 3, "nl_BE": 1}, styles={"NL": 3, "BE_nl": 1}, diversity=0.25, foreign_addr=0.08,
    lab="Naam|Voornaam|Achternaam|Adres|Straat|Postcode/Plaats|Plaats|Telefoon|E-mail|Geboortedatum|Klantnummer|"
    "Bedrijf|Opmerkingen|Bestelling|Product|Bedrag|Datum",
    hon={"m": ["dhr.", "de heer", "meneer", "Dhr.", "Dr."], "f": ["mevr.", "mevrouw", "Mevr.", "Dr."]},
    dear={"m": ["Geachte heer", "Beste meneer"], "f": ["Geachte mevrouw", "Beste mevrouw"]},
    greet=["Hoi {first},", "Beste {first},", "{dear},", "{dear},", "Goedemiddag,", "Beste klant,"],
    bye=["Met vriendelijke groet,", "Groeten,", "Mvg,", "Hartelijke groet,", "Bedankt,"],
    hdr=("Van", "Aan", "Onderwerp"), re="Betreft:",
    subj=["Uw bestelling {order}", "Adreswijziging", "RE: contract", "Factuur {order}"],
    body=[
        "bedankt voor uw bestelling {order}. We versturen deze binnen drie werkdagen naar {addr}.",
        "zoals {weekday} besproken stuur ik u het getekende contract. Kunt u bevestigen dat het factuuradres "
        "({addr}) nog klopt?",
        "tijdens mijn afwezigheid tot {date} neemt {name3} mijn taken over. Bij spoed: {phone}.",
        "het overleg met {company} vindt {weekday} om {time} plaats op ons kantoor:\n{addrml}",
    ],
    chat=[
        "Klant: Hallo, ik ben {name} en ik ben verhuisd naar {addr}.\nMedewerker: Dank u, {hon}, uw adres is "
        "aangepast.",
        "Gebruiker: schrijf een felicitatie voor {first}, het feest is op {weekday}.\nAssistent: Natuurlijk! "
        "Gefeliciteerd {first}, tot {weekday}!",
        "Medewerker: Goedemiddag, u spreekt met {first2} van de {team}. Met wie spreek ik?\nKlant: Met {name}, ik "
        "bel over factuur {order}.",
    ],
    free=[
        ("ticket", "Ticket {order} - prioriteit hoog\nGemeld door: {name} ({email})\nProbleem: {product} "
                   "synchroniseert niet meer. Terugbellen op {phone}."),
        ("hr", "HR-notitie {date}: {name} ({job}) heeft een adreswijziging doorgegeven: {addr}. Goedgekeurd door "
               "{hon2}."),
        ("clinical", "Patiënt: {name}, geb. {dob}\nAdres: {addr}\nGezien door {hon2}. Beleid: {drug} 500 mg 3 dd."),
        ("delivery", "Pakbon {order}\nOntvanger: {name}\n{addrml}\nBij afwezigheid afgeven bij de buren. Tel.: "
                     "{phone}"),
        ("letter", "Wilt u de stukken van {hon} naar het volgende adres sturen:\n{addrml}\n\nMet vriendelijke "
                   "groet,\n{name2}"),
        ("delivery", "Levering in {pccity} t.a.v. {name}."),
    ],
    neg=[
        ("email", "Factuur {order} van {amount} moet vóór {date} betaald zijn. Vragen? Mail de {team} via {email}."),
        ("hr", "{company} opent in {month} een nieuw kantoor in {city} en zoekt een {job}."),
        ("chat", "Overleg op {weekday} om {time}: de {team} bespreekt de levering van {product} met {company}."),
    ],
    weekdays="maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    months="januari februari maart april mei juni juli augustus september oktober november december",
    teams="Klantenservice|Servicedesk|Financiële Administratie|Team Support",
    dates=["{d:02d}-{m:02d}-{y}", "{d} {Mon} {y}", "{d:02d}/{m:02d}/{y}"],
    money=["€ {eu}", "{eu} EUR", "EUR {eu}"],
)

_lang(
    "pt",
    name_locales={"pt_PT": 1}, styles={"PT": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Nome|Nome próprio|Apelido|Morada|Rua|Código postal/Localidade|Localidade|Telefone|E-mail|"
    "Data de nascimento|N.º de cliente|Empresa|Observações|Encomenda|Produto|Valor|Data",
    hon={"m": ["Sr.", "Dr.", "Eng.", "Sr. Dr."], "f": ["Sra.", "Dra.", "D.", "Sra. Dra."]},
    dear={"m": ["Exmo. Sr.", "Caro Sr.", "Exmo. Sr. Dr."], "f": ["Exma. Sra.", "Cara Sra.", "Exma. Sra. Dra."]},
    greet=["Olá {first},", "Bom dia,", "{dear},", "{dear},", "Caro cliente,", "Boa tarde {first},"],
    bye=["Com os melhores cumprimentos,", "Cumprimentos,", "Obrigado,", "Atenciosamente,", "Abraço,"],
    hdr=("De", "Para", "Assunto"), re="Assunto:",
    subj=["A sua encomenda {order}", "Alteração de morada", "RE: contrato", "Fatura {order}"],
    body=[
        "obrigado pela sua encomenda {order}. Será enviada para {addr} no prazo de três dias úteis.",
        "conforme falámos, envio o contrato assinado. Pode confirmar se a morada de faturação ({addr}) continua "
        "correta?",
        "durante a minha ausência até {date}, {name3} acompanhará os seus pedidos. Urgências: {phone}.",
        "a reunião com a {company} será na {weekday} às {time} no nosso escritório:\n{addrml}",
    ],
    chat=[
        "Cliente: Olá, sou {name} e mudei-me para {addr}.\nAssistente: Obrigado, {hon}, a sua morada foi "
        "atualizada.",
        "Utilizador: escreve uma mensagem de parabéns para {first}, a festa é no sábado.\nAssistente: Claro! "
        "Parabéns, {first}! Até sábado!",
        "Agente: Bom dia, fala {first2} do {team}. Com quem estou a falar?\nCliente: {name}, ligo por causa da "
        "fatura {order}.",
    ],
    free=[
        ("ticket", "Pedido de suporte {order} - prioridade alta\nAberto por: {name} ({email})\nProblema: o {product} "
                   "deixou de sincronizar. Ligar para {phone}."),
        ("hr", "Nota de RH ({date}): {name}, {job}, pediu alteração de morada para {addr}. Aprovado por {hon2}."),
        ("clinical", "Doente: {name}, data de nascimento {dob}\nMorada: {addr}\nObservado por {hon2}. Medicação: "
                     "{drug} 1 g de 8 em 8 horas."),
        ("delivery", "Guia de remessa {order}\nDestinatário: {name}\n{addrml}\nSe ausente, deixar no vizinho. Tel.: "
                     "{phone}"),
        ("letter", "Por favor, enviem os documentos de {hon} para a seguinte morada:\n{addrml}\n\nCumprimentos,\n"
                   "{name2}"),
        ("delivery", "Entrega em {pccity}, ao cuidado de {name}."),
    ],
    neg=[
        ("email", "A fatura {order} no valor de {amount} vence a {date}. Dúvidas: {team}, {email}."),
        ("hr", "A {company} vai abrir um escritório em {city} em {month} e procura um {job}."),
        ("chat", "Reunião na {weekday} às {time}: o {team} apresenta o {product} à {company}."),
    ],
    weekdays="segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    months="janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    teams="Apoio ao Cliente|Departamento Financeiro|Suporte Técnico|Recursos Humanos",
    dates=["{d:02d}/{m:02d}/{y}", "{d} de {Mon} de {y}", "{d:02d}-{m:02d}-{y}"],
    money=["{eu} €", "{eu} EUR"],
)

_lang(
    "pl",
    name_locales={"pl_PL": 1}, styles={"PL": 3}, diversity=0.15, foreign_addr=0.08,
    lab="Imię i nazwisko|Imię|Nazwisko|Adres|Ulica|Kod/Miejscowość|Miejscowość|Telefon|E-mail|Data urodzenia|"
    "Nr klienta|Firma|Uwagi|Zamówienie|Produkt|Kwota|Data",
    hon={"m": ["pan", "Pan", "dr", "prof.", "mgr"], "f": ["pani", "Pani", "dr", "mgr"]},
    dear={"m": ["Szanowny Panie", "Szanowny Pan"], "f": ["Szanowna Pani"]},
    greet=["Dzień dobry,", "Cześć {first},", "{dear},", "{dear},", "Witam,", "Szanowni Państwo,"],
    bye=["Pozdrawiam,", "Z poważaniem,", "Dziękuję,", "Serdecznie pozdrawiam,", "Z wyrazami szacunku,"],
    hdr=("Od", "Do", "Temat"), re="Dotyczy:",
    subj=["Zamówienie {order}", "Zmiana adresu", "Odp: umowa", "Faktura {order}"],
    body=[
        "dziękujemy za zamówienie {order}. Przesyłka zostanie wysłana na adres {addr} w ciągu trzech dni roboczych.",
        "zgodnie z naszą rozmową przesyłam podpisaną umowę. Proszę potwierdzić, czy adres do faktury ({addr}) jest "
        "aktualny.",
        "podczas mojej nieobecności do {date} zastępuje mnie {name3}. W pilnych sprawach: {phone}.",
        "spotkanie z firmą {company} odbędzie się w {weekday} o {time} w naszym biurze:\n{addrml}",
    ],
    chat=[
        "Klient: Dzień dobry, nazywam się {name}, mój nowy adres to {addr}.\nKonsultant: Dziękuję, {hon}, adres "
        "został zmieniony.",
        "Użytkownik: napisz życzenia urodzinowe, solenizant: {first}, impreza w {weekday}.\nAsystent: Jasne! "
        "Wszystkiego najlepszego, {first}!",
        "Konsultant: Dzień dobry, {first2}, {team}. W czym mogę pomóc?\nKlient: Tu {name}, dzwonię w sprawie "
        "faktury {order}.",
    ],
    free=[
        ("ticket", "Zgłoszenie {order} - priorytet wysoki\nZgłaszający: {name} ({email})\nOpis: {product} nie "
                   "synchronizuje się po aktualizacji. Kontakt: {phone}."),
        ("hr", "Notatka kadrowa z {date}: {name} ({job}) zgłosił(a) zmianę adresu zamieszkania: {addr}. "
               "Zatwierdził(a): {hon2}."),
        ("clinical", "Pacjent: {name}, ur. {dob}\nAdres: {addr}\nBadał(a): {hon2}. Zalecenia: {drug} 500 mg 2 x "
                     "dziennie, kontrola za 2 tygodnie."),
        ("delivery", "List przewozowy {order}\nOdbiorca: {name}\n{addrml}\nW razie nieobecności zostawić u sąsiada. "
                     "Tel.: {phone}"),
        ("letter", "Proszę przesłać dokumenty na adres:\n{addrml}\nOsoba kontaktowa: {hon}\n\nZ poważaniem\n"
                   "{name2}"),
        ("delivery", "Dostawa: {pccity}, odbiorca {name}."),
    ],
    neg=[
        ("email", "Faktura {order} na kwotę {amount} jest płatna do {date}. Pytania prosimy kierować do: {team}, "
                  "{email}."),
        ("hr", "{company} otwiera od {month} nowe biuro w mieście {city} i szuka osoby na stanowisko {job}."),
        ("chat", "Spotkanie w {weekday} o {time}: {team} omówi dostawy {product} dla {company}."),
    ],
    weekdays="poniedziałek wtorek środę czwartek piątek sobotę niedzielę",
    months="stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    teams="Biuro Obsługi Klienta|Dział Księgowości|Wsparcie Techniczne|Dział Kadr",
    dates=["{d:02d}.{m:02d}.{y}", "{d} {Mon} {y}", "{y}-{m:02d}-{d:02d}"],
    money=["{eu} zł", "{eu} PLN"],
)

_lang(
    "cs",
    name_locales={"cs_CZ": 2, "sk_SK": 1}, styles={"CZ": 2, "SK": 1}, diversity=0.15, foreign_addr=0.08,
    lab="Jméno a příjmení|Jméno|Příjmení|Adresa|Ulice|PSČ/Obec|Obec|Telefon|E-mail|Datum narození|Číslo zákazníka|"
    "Firma|Poznámka|Objednávka|Produkt|Částka|Datum",
    hon={"m": ["pan", "Ing.", "MUDr.", "Mgr.", "pan Ing."], "f": ["paní", "Ing.", "MUDr.", "Mgr.", "paní Mgr."]},
    dear={"m": ["Vážený pane", "Vážený pane Ing."], "f": ["Vážená paní", "Vážená paní Mgr."]},
    greet=["Dobrý den,", "Ahoj {first},", "{dear},", "{dear},", "Vážení,"],
    bye=["S pozdravem", "Děkuji,", "S přáním hezkého dne", "Zdraví"],
    hdr=("Od", "Komu", "Předmět"), re="Věc:",
    subj=["Objednávka {order}", "Změna adresy", "Re: smlouva", "Faktura {order}"],
    body=[
        "děkujeme za objednávku {order}. Zboží odešleme na adresu {addr} do tří pracovních dnů.",
        "v návaznosti na naši schůzku zasílám podepsanou smlouvu. Potvrďte prosím, že fakturační adresa ({addr}) je "
        "stále platná.",
        "během mé nepřítomnosti do {date} mě zastupuje {name3}. V naléhavých případech volejte {phone}.",
        "schůzka se společností {company} proběhne v {weekday} v {time} v naší kanceláři:\n{addrml}",
    ],
    chat=[
        "Zákazník: Dobrý den, jmenuji se {name} a moje nová adresa je {addr}.\nOperátor: Děkuji, adresu jsem "
        "změnil.",
        "Operátor: Dobrý den, u telefonu {first2}, {team}. S kým mluvím?\nZákazník: {name}, volám kvůli faktuře "
        "{order}.",
    ],
    free=[
        ("ticket", "Požadavek {order} - vysoká priorita\nNahlásil: {name} ({email})\nPopis: {product} se po "
                   "aktualizaci nesynchronizuje. Kontakt: {phone}."),
        ("hr", "Personální poznámka {date}: {name} ({job}) oznámil(a) změnu bydliště: {addr}. Schválil(a) {hon2}."),
        ("clinical", "Pacient: {name}, nar. {dob}\nBydliště: {addr}\nVyšetřil(a): {hon2}. Terapie: {drug} 500 mg "
                     "2x denně."),
        ("delivery", "Dodací list {order}\nPříjemce: {name}\n{addrml}\nPři nepřítomnosti nechat u souseda. Tel.: "
                     "{phone}"),
        ("letter", "Prosím zašlete dokumenty na adresu:\n{addrml}\nKontaktní osoba: {hon}\n\nS pozdravem\n{name2}"),
        ("delivery", "Doručení: {pccity}, k rukám: {name}."),
    ],
    neg=[
        ("email", "Faktura {order} na částku {amount} je splatná {date}. Dotazy: {team}, {email}."),
        ("hr", "{company} otevírá od {month} novou pobočku ve městě {city} a hledá pozici {job}."),
        ("chat", "Schůzka v {weekday} v {time}: {team} projedná dodávku {product} pro {company}."),
    ],
    weekdays="pondělí úterý středu čtvrtek pátek sobotu neděli",
    months="ledna února března dubna května června července srpna září října listopadu prosince",
    teams="Zákaznický servis|Oddělení fakturace|Technická podpora|Personální oddělení",
    dates=["{d}. {m}. {y}", "{d:02d}.{m:02d}.{y}", "{d}. {Mon} {y}"],
    money=["{eu} Kč", "{eu} CZK", "{eu} €"],
)

_lang(
    "hu",
    name_locales={"hu_HU": 1}, styles={"HU": 1}, diversity=0.15, foreign_addr=0.08, eastern_order=True,
    lab="Név|Keresztnév|Vezetéknév|Cím|Utca|Irsz./Település|Település|Telefon|E-mail|Születési dátum|Ügyfélszám|Cég|"
    "Megjegyzés|Rendelés|Termék|Összeg|Dátum",
    hon={"m": ["|úr", "|úr", "dr. |", "Dr. |"], "f": ["|asszony", "dr. |", "Dr. |"]},
    dear={"m": ["Tisztelt|Úr", "Kedves|úr"], "f": ["Tisztelt|Asszony", "Kedves|asszony"]},
    greet=["Jó napot,", "Szia {first}!", "{dear}!", "{dear}!", "Tisztelt Ügyfelünk!"],
    bye=["Üdvözlettel,", "Köszönettel,", "Tisztelettel,", "Üdv,"],
    hdr=("Feladó", "Címzett", "Tárgy"), re="Tárgy:",
    subj=["Rendelés {order}", "Címváltozás", "Re: szerződés", "Számla {order}"],
    body=[
        "köszönjük a(z) {order} számú rendelését. A csomagot három munkanapon belül elküldjük erre a címre: {addr}.",
        "a megbeszéltek szerint csatolom az aláírt szerződést. Kérem, erősítse meg, hogy a számlázási cím ({addr}) "
        "még érvényes.",
        "távollétem alatt, {date} napig {name3} helyettesít. Sürgős esetben: {phone}.",
        "a(z) {company} céggel {weekday} {time} órakor találkozunk az irodánkban:\n{addrml}",
    ],
    chat=[
        "Ügyfél: Jó napot, {name} vagyok, az új címem: {addr}.\nÜgyintéző: Köszönöm, {hon}, a címet módosítottam.",
        "Ügyintéző: Jó napot kívánok, {first2} vagyok, {team}. Kivel beszélek?\nÜgyfél: {name}, a(z) {order} számú "
        "számla miatt hívom.",
    ],
    free=[
        ("ticket", "Hibajegy {order} - magas prioritás\nBejelentő: {name} ({email})\nLeírás: a(z) {product} frissítés "
                   "után nem szinkronizál. Visszahívás: {phone}."),
        ("hr", "HR-feljegyzés, {date}: {name} ({job}) lakcímváltozást jelentett: {addr}. Jóváhagyta: {hon2}."),
        ("clinical", "Beteg: {name}, szül. {dob}\nLakcím: {addr}\nVizsgálta: {hon2}. Terápia: {drug} 500 mg "
                     "naponta kétszer."),
        ("delivery", "Szállítólevél {order}\nCímzett: {name}\n{addrml}\nTávollét esetén a szomszédnál hagyni. Tel.: "
                     "{phone}"),
        ("letter", "Kérjük, a dokumentumokat az alábbi címre küldjék:\n{addrml}\nKapcsolattartó: {hon}\n\n"
                   "Üdvözlettel:\n{name2}"),
        ("delivery", "Kézbesítés: {pccity}, címzett: {name}."),
    ],
    neg=[
        ("email", "A(z) {order} számú, {amount} összegű számla fizetési határideje {date}. Kérdés esetén: {team}, "
                  "{email}."),
        ("hr", "A(z) {company} {month} hónapban új irodát nyit, helyszín: {city}. Keresett pozíció: {job}."),
        ("chat", "Megbeszélés {weekday} {time}: a(z) {team} egyeztet a(z) {company} céggel a(z) {product} "
                 "szállításáról."),
    ],
    weekdays="hétfőn kedden szerdán csütörtökön pénteken szombaton vasárnap",
    months="január február március április május június július augusztus szeptember október november december",
    teams="Ügyfélszolgálat|Pénzügyi Osztály|Műszaki Támogatás|HR Osztály",
    dates=["{y}. {m:02d}. {d:02d}.", "{y}-{m:02d}-{d:02d}", "{y}. {Mon} {d}."],
    money=["{eu} Ft", "{eu} HUF", "{eu} €"],
)

_lang(
    "sv",
    name_locales={"sv_SE": 1}, styles={"SE": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Namn|Förnamn|Efternamn|Adress|Gatuadress|Postnr/Ort|Ort|Telefon|E-post|Födelsedatum|Kundnummer|Företag|"
    "Anteckning|Order|Produkt|Belopp|Datum",
    hon={"m": ["herr", "Dr"], "f": ["fru", "Dr"]},
    dear={"m": ["Bäste herr"], "f": ["Bästa fru"]},
    greet=["Hej {first},", "Hej!", "{dear},", "Hejsan {first}!", "Hej {first}!"],
    bye=["Med vänliga hälsningar", "Vänliga hälsningar,", "Mvh", "Tack,", "Hälsningar,"],
    hdr=("Från", "Till", "Ämne"), re="Ärende:",
    subj=["Din beställning {order}", "Adressändring", "SV: avtal", "Faktura {order}"],
    body=[
        "tack för din beställning {order}. Vi skickar den till {addr} inom tre arbetsdagar.",
        "som vi pratade om skickar jag det undertecknade avtalet. Kan du bekräfta att fakturaadressen ({addr}) "
        "stämmer?",
        "under min frånvaro till {date} tar {name3} hand om dina ärenden. Vid brådskande frågor: {phone}.",
        "mötet med {company} hålls på {weekday} kl. {time} på vårt kontor:\n{addrml}",
    ],
    chat=[
        "Kund: Hej, jag heter {name} och har flyttat till {addr}.\nHandläggare: Tack {first}, adressen är "
        "uppdaterad.",
        "Handläggare: Hej, du pratar med {first2} på {team}. Vem talar jag med?\nKund: {name}, jag ringer om faktura "
        "{order}.",
    ],
    free=[
        ("ticket", "Ärende {order} - hög prioritet\nAnmält av: {name} ({email})\nProblem: {product} synkar inte efter "
                   "uppdateringen. Ring upp på {phone}."),
        ("hr", "HR-anteckning {date}: {name} ({job}) har anmält ny adress: {addr}. Godkänt av {name2}."),
        ("clinical", "Patient: {name}, född {dob}\nAdress: {addr}\nBedömd av {hon2}. Ordination: {drug} 500 mg två "
                     "gånger dagligen."),
        ("delivery", "Följesedel {order}\nMottagare: {name}\n{addrml}\nLämna hos grannen vid frånvaro. Tel: "
                     "{phone}"),
        ("letter", "Skicka handlingarna till följande adress:\n{addrml}\nKontaktperson: {name}\n\nHälsningar\n"
                   "{name2}"),
        ("delivery", "Leverans till {pccity}, att. {name}."),
    ],
    neg=[
        ("email", "Faktura {order} på {amount} förfaller {date}. Frågor? Kontakta {team} på {email}."),
        ("hr", "{company} öppnar nytt kontor i {city} i {month} och söker en {job}."),
        ("chat", "Möte på {weekday} kl. {time}: {team} går igenom leveransen av {product} med {company}."),
    ],
    weekdays="måndag tisdag onsdag torsdag fredag lördag söndag",
    months="januari februari mars april maj juni juli augusti september oktober november december",
    teams="Kundtjänst|Ekonomiavdelningen|Support|HR-avdelningen",
    dates=["{y}-{m:02d}-{d:02d}", "{d} {Mon} {y}", "{d}/{m} {y}"],
    money=["{eu} kr", "{eu} SEK"],
)

_lang(
    "da",
    name_locales={"da_DK": 1}, styles={"DK": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Navn|Fornavn|Efternavn|Adresse|Vej|Postnr./By|By|Telefon|E-mail|Fødselsdato|Kundenr.|Firma|Bemærkning|"
    "Ordre|Produkt|Beløb|Dato",
    hon={"m": ["hr.", "Dr."], "f": ["fru", "Dr."]},
    dear={"m": ["Kære hr."], "f": ["Kære fru"]},
    greet=["Hej {first},", "Kære {first},", "{dear},", "Goddag,", "Hej {first}!"],
    bye=["Med venlig hilsen", "Venlig hilsen,", "Mvh.", "Tak,", "Hilsen"],
    hdr=("Fra", "Til", "Emne"), re="Vedr.:",
    subj=["Din bestilling {order}", "Adresseændring", "SV: kontrakt", "Faktura {order}"],
    body=[
        "tak for din bestilling {order}. Vi sender den til {addr} inden for tre hverdage.",
        "som aftalt sender jeg den underskrevne kontrakt. Kan du bekræfte, at fakturaadressen ({addr}) stadig er "
        "korrekt?",
        "mens jeg er væk indtil {date}, tager {name3} sig af dine henvendelser. Haster det: {phone}.",
        "mødet med {company} holdes {weekday} kl. {time} på vores kontor:\n{addrml}",
    ],
    chat=[
        "Kunde: Hej, jeg hedder {name}, og jeg er flyttet til {addr}.\nMedarbejder: Tak, {first}, adressen er "
        "opdateret.",
        "Medarbejder: Goddag, du taler med {first2} fra {team}. Hvem taler jeg med?\nKunde: {name}, jeg ringer om "
        "faktura {order}.",
    ],
    free=[
        ("ticket", "Sag {order} - høj prioritet\nOprettet af: {name} ({email})\nProblem: {product} synkroniserer ikke "
                   "efter opdateringen. Ring på {phone}."),
        ("hr", "HR-notat {date}: {name} ({job}) har meldt ny adresse: {addr}. Godkendt af {name2}."),
        ("clinical", "Patient: {name}, født {dob}\nAdresse: {addr}\nSet af {hon2}. Behandling: {drug} 500 mg to "
                     "gange dagligt."),
        ("delivery", "Følgeseddel {order}\nModtager: {name}\n{addrml}\nStilles hos naboen ved fravær. Tlf.: "
                     "{phone}"),
        ("letter", "Send venligst papirerne til denne adresse:\n{addrml}\nKontaktperson: {name}\n\nVenlig hilsen\n"
                   "{name2}"),
        ("delivery", "Levering til {pccity}, att.: {name}."),
    ],
    neg=[
        ("email", "Faktura {order} på {amount} forfalder {date}. Spørgsmål? Kontakt {team} på {email}."),
        ("hr", "{company} åbner nyt kontor i {city} i {month} og søger en {job}."),
        ("chat", "Møde {weekday} kl. {time}: {team} gennemgår leveringen af {product} med {company}."),
    ],
    weekdays="mandag tirsdag onsdag torsdag fredag lørdag søndag",
    months="januar februar marts april maj juni juli august september oktober november december",
    teams="Kundeservice|Bogholderiet|Support|HR-afdelingen",
    dates=["{d:02d}.{m:02d}.{y}", "{d}. {Mon} {y}", "{d}/{m}-{y}"],
    money=["{eu} kr.", "DKK {eu}"],
)

_lang(
    "fi",
    name_locales={"fi_FI": 1}, styles={"FI": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Nimi|Etunimi|Sukunimi|Osoite|Katuosoite|Postinro/Toimipaikka|Kaupunki|Puhelin|Sähköposti|Syntymäaika|"
    "Asiakasnumero|Yritys|Lisätiedot|Tilaus|Tuote|Summa|Päivämäärä",
    hon={"m": ["herra", "tri", "hra"], "f": ["rouva", "tri", "rva"]},
    dear={"m": ["Hyvä herra"], "f": ["Hyvä rouva"]},
    greet=["Hei {first},", "Hyvä vastaanottaja,", "{dear},", "Moi {first}!", "Hei!"],
    bye=["Ystävällisin terveisin", "Terveisin", "Kiitos,", "Parhain terveisin"],
    hdr=("Lähettäjä", "Vastaanottaja", "Aihe"), re="Asia:",
    subj=["Tilauksesi {order}", "Osoitteenmuutos", "VS: sopimus", "Lasku {order}"],
    body=[
        "kiitos tilauksestasi {order}. Lähetämme sen osoitteeseen {addr} kolmen arkipäivän kuluessa.",
        "sovitusti liitteenä allekirjoitettu sopimus. Voitko vahvistaa, että laskutusosoite ({addr}) on edelleen "
        "oikea?",
        "poissaoloni aikana {date} asti sijaisena toimii {name3}. Kiireellisissä asioissa: {phone}.",
        "tapaaminen yrityksen {company} kanssa pidetään {weekday} klo {time} toimistollamme:\n{addrml}",
    ],
    chat=[
        "Asiakas: Hei, olen {name} ja muutin osoitteeseen {addr}.\nAsiakaspalvelu: Kiitos, {first}, osoite on "
        "päivitetty.",
        "Asiakaspalvelu: Hyvää päivää, täällä {first2}. Kenen kanssa puhun?\nAsiakas: {name}, soitan laskusta "
        "{order}.",
    ],
    free=[
        ("ticket", "Tiketti {order} - korkea prioriteetti\nIlmoittaja: {name} ({email})\nOngelma: {product} ei "
                   "synkronoidu päivityksen jälkeen. Soita: {phone}."),
        ("hr", "HR-muistio {date}: {name} ({job}) ilmoitti uuden osoitteen: {addr}. Hyväksyjä: {name2}."),
        ("clinical", "Potilas: {name}, synt. {dob}\nOsoite: {addr}\nTutkinut: {hon2}. Lääkitys: {drug} 500 mg "
                     "kahdesti päivässä."),
        ("delivery", "Lähetyslista {order}\nVastaanottaja: {name}\n{addrml}\nJos ei kotona, jätä naapurille. Puh. "
                     "{phone}"),
        ("letter", "Lähettäkää asiakirjat osoitteeseen:\n{addrml}\nYhteyshenkilö: {name}\n\nTerveisin\n{name2}"),
        ("delivery", "Toimitus: {pccity}, vastaanottaja {name}."),
    ],
    neg=[
        ("email", "Lasku {order} ({amount}) erääntyy {date}. Kysymykset: {team}, {email}."),
        ("hr", "{company} avaa uuden toimiston, sijainti {city}. Haemme tehtävään: {job}."),
        ("chat", "Palaveri {weekday} klo {time}: {team} käy läpi tuotteen {product} toimitukset."),
    ],
    weekdays="maanantaina tiistaina keskiviikkona torstaina perjantaina lauantaina sunnuntaina",
    months="tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta "
    "lokakuuta marraskuuta joulukuuta",
    teams="Asiakaspalvelu|Taloushallinto|Tekninen tuki|Henkilöstöhallinto",
    dates=["{d}.{m}.{y}", "{d:02d}.{m:02d}.{y}", "{d}. {Mon} {y}"],
    money=["{eu} €", "{eu} EUR"],
)

_lang(
    "no",
    name_locales={"no_NO": 1}, styles={"NO": 1}, diversity=0.2, foreign_addr=0.08,
    lab="Navn|Fornavn|Etternavn|Adresse|Gateadresse|Postnr./Sted|Sted|Telefon|E-post|Fødselsdato|Kundenr.|Firma|"
    "Merknad|Ordre|Produkt|Beløp|Dato",
    hon={"m": ["herr", "Dr."], "f": ["fru", "Dr."]},
    dear={"m": ["Kjære herr"], "f": ["Kjære fru"]},
    greet=["Hei {first},", "Hei!", "{dear},", "Hallo {first},", "Hei {first}!"],
    bye=["Med vennlig hilsen", "Vennlig hilsen,", "Mvh", "Takk,", "Hilsen"],
    hdr=("Fra", "Til", "Emne"), re="Sak:",
    subj=["Din bestilling {order}", "Adresseendring", "SV: kontrakt", "Faktura {order}"],
    body=[
        "takk for bestillingen {order}. Vi sender den til {addr} innen tre virkedager.",
        "som avtalt sender jeg den signerte kontrakten. Kan du bekrefte at fakturaadressen ({addr}) fortsatt "
        "stemmer?",
        "mens jeg er borte til {date}, tar {name3} seg av henvendelsene dine. Haster det: {phone}.",
        "møtet med {company} holdes {weekday} kl. {time} på kontoret vårt:\n{addrml}",
    ],
    chat=[
        "Kunde: Hei, jeg heter {name} og har flyttet til {addr}.\nSaksbehandler: Takk, {first}, adressen er "
        "oppdatert.",
        "Saksbehandler: Hei, du snakker med {first2} i {team}. Hvem snakker jeg med?\nKunde: {name}, jeg ringer om "
        "faktura {order}.",
    ],
    free=[
        ("ticket", "Sak {order} - høy prioritet\nMeldt av: {name} ({email})\nProblem: {product} synkroniserer ikke "
                   "etter oppdateringen. Ring {phone}."),
        ("hr", "HR-notat {date}: {name} ({job}) har meldt ny adresse: {addr}. Godkjent av {name2}."),
        ("clinical", "Pasient: {name}, født {dob}\nAdresse: {addr}\nUndersøkt av {hon2}. Behandling: {drug} 500 mg "
                     "to ganger daglig."),
        ("delivery", "Pakkseddel {order}\nMottaker: {name}\n{addrml}\nLeveres til nabo ved fravær. Tlf.: {phone}"),
        ("letter", "Send dokumentene til følgende adresse:\n{addrml}\nKontaktperson: {name}\n\nHilsen\n{name2}"),
        ("delivery", "Levering til {pccity}, att.: {name}."),
    ],
    neg=[
        ("email", "Faktura {order} på {amount} forfaller {date}. Spørsmål? Kontakt {team} på {email}."),
        ("hr", "{company} åpner nytt kontor i {city} i {month} og søker en {job}."),
        ("chat", "Møte {weekday} kl. {time}: {team} går gjennom leveransen av {product} med {company}."),
    ],
    weekdays="mandag tirsdag onsdag torsdag fredag lørdag søndag",
    months="januar februar mars april mai juni juli august september oktober november desember",
    teams="Kundeservice|Regnskapsavdelingen|Brukerstøtte|HR-avdelingen",
    dates=["{d:02d}.{m:02d}.{y}", "{d}. {Mon} {y}"],
    money=["{eu} kr", "NOK {eu}"],
)

_lang(
    "el",
    name_locales={"el_GR": 1}, styles={"GR": 4, "GR_latn": 0.5}, diversity=0.1, foreign_addr=0.05,
    lab="Ονοματεπώνυμο|Όνομα|Επώνυμο|Διεύθυνση|Οδός|ΤΚ/Πόλη|Πόλη|Τηλέφωνο|Email|Ημερομηνία γέννησης|Κωδ. πελάτη|"
    "Εταιρεία|Σημειώσεις|Παραγγελία|Προϊόν|Ποσό|Ημερομηνία",
    hon={"m": ["κ.", "κύριος", "Δρ."], "f": ["κα", "κ.", "κυρία", "Δρ."]},
    dear={"m": ["Αγαπητέ κύριε", "Κύριε"], "f": ["Αγαπητή κυρία", "Κυρία"]},
    greet=["Γεια σου {first},", "Καλημέρα,", "{dear},", "{dear},", "Αγαπητοί συνεργάτες,"],
    bye=["Με εκτίμηση,", "Φιλικά,", "Ευχαριστώ,", "Με φιλικούς χαιρετισμούς,"],
    hdr=("Από", "Προς", "Θέμα"), re="Θέμα:",
    subj=["Η παραγγελία σας {order}", "Αλλαγή διεύθυνσης", "RE: σύμβαση", "Τιμολόγιο {order}"],
    body=[
        "σας ευχαριστούμε για την παραγγελία {order}. Θα αποσταλεί στη διεύθυνση {addr} εντός τριών εργάσιμων "
        "ημερών.",
        "όπως συζητήσαμε, σας στέλνω το υπογεγραμμένο συμβόλαιο. Παρακαλώ επιβεβαιώστε ότι η διεύθυνση τιμολόγησης "
        "({addr}) ισχύει.",
        "κατά την απουσία μου έως {date} θα με αντικαθιστά ο/η {name3}. Για επείγοντα: {phone}.",
        "η συνάντηση με την {company} θα γίνει την {weekday} στις {time} στο γραφείο μας:\n{addrml}",
    ],
    chat=[
        "Πελάτης: Καλημέρα, ονομάζομαι {name} και η νέα μου διεύθυνση είναι {addr}.\nΥπάλληλος: Ευχαριστώ, {hon}, "
        "η διεύθυνση ενημερώθηκε.",
        "Υπάλληλος: Καλησπέρα, είμαι ο/η {first2} από το {team}. Με ποιον μιλάω;\nΠελάτης: {name}, καλώ για το "
        "τιμολόγιο {order}.",
    ],
    free=[
        ("ticket", "Αίτημα {order} - υψηλή προτεραιότητα\nΑναφέρθηκε από: {name} ({email})\nΠρόβλημα: το {product} "
                   "δεν συγχρονίζεται. Τηλ.: {phone}."),
        ("hr", "Σημείωμα HR {date}: {name} ({job}) δήλωσε νέα διεύθυνση: {addr}. Εγκρίθηκε από {hon2}."),
        ("clinical", "Ασθενής: {name}, ημ. γέννησης {dob}\nΔιεύθυνση: {addr}\nΕξετάστηκε από {hon2}. Αγωγή: {drug} "
                     "500 mg δύο φορές ημερησίως."),
        ("delivery", "Δελτίο αποστολής {order}\nΠαραλήπτης: {name}\n{addrml}\nΤηλ.: {phone}"),
        ("letter", "Παρακαλώ στείλτε τα έγγραφα στη διεύθυνση:\n{addrml}\nΥπόψη: {hon}\n\nΜε εκτίμηση,\n{name2}"),
        ("delivery", "Παράδοση: {pccity}, παραλήπτης {name}."),
    ],
    neg=[
        ("email", "Το τιμολόγιο {order} ποσού {amount} λήγει στις {date}. Για απορίες: {team}, {email}."),
        ("hr", "Η {company} ανοίγει νέο γραφείο στην πόλη {city} και αναζητά {job}."),
        ("chat", "Σύσκεψη την {weekday} στις {time}: το {team} παρουσιάζει το {product} στην {company}."),
    ],
    weekdays="Δευτέρα Τρίτη Τετάρτη Πέμπτη Παρασκευή Σάββατο Κυριακή",
    months="Ιανουαρίου Φεβρουαρίου Μαρτίου Απριλίου Μαΐου Ιουνίου Ιουλίου Αυγούστου Σεπτεμβρίου Οκτωβρίου "
    "Νοεμβρίου Δεκεμβρίου",
    teams="Τμήμα Εξυπηρέτησης Πελατών|Λογιστήριο|Τεχνική Υποστήριξη|Τμήμα Προσωπικού",
    dates=["{d:02d}/{m:02d}/{y}", "{d} {Mon} {y}"],
    money=["{eu} €", "{eu} EUR"],
)

_lang(
    "et",
    name_locales={"et_EE": 3, "lv_LV": 1, "lt_LT": 1}, styles={"EE": 3, "LV": 1, "LT": 1}, diversity=0.15,
    foreign_addr=0.08,
    lab="Nimi|Eesnimi|Perekonnanimi|Aadress|Tänav|Sihtnumber/Linn|Linn|Telefon|E-post|Sünniaeg|Kliendi nr|Ettevõte|"
    "Märkused|Tellimus|Toode|Summa|Kuupäev",
    hon={"m": ["hr", "dr"], "f": ["pr", "dr"]},
    dear={"m": ["Lugupeetud hr"], "f": ["Lugupeetud pr"]},
    greet=["Tere {first}!", "Tere,", "{dear},", "Lugupeetud klient,", "Tere {first},"],
    bye=["Lugupidamisega", "Parimate soovidega", "Tervitades", "Aitäh,"],
    hdr=("Saatja", "Saaja", "Teema"), re="Teema:",
    subj=["Teie tellimus {order}", "Aadressi muutmine", "RE: leping", "Arve {order}"],
    body=[
        "täname tellimuse {order} eest. Saadame selle aadressile {addr} kolme tööpäeva jooksul.",
        "nagu kokku leppisime, saadan allkirjastatud lepingu. Palun kinnitage, et arveldusaadress ({addr}) kehtib.",
        "minu äraoleku ajal kuni {date} asendab mind {name3}. Kiireloomulistes küsimustes: {phone}.",
        "kohtumine ettevõttega {company} toimub {weekday} kell {time} meie kontoris:\n{addrml}",
    ],
    chat=[
        "Klient: Tere, minu nimi on {name} ja minu uus aadress on {addr}.\nTeenindaja: Aitäh, {first}, aadress on "
        "uuendatud.",
        "Teenindaja: Tere, teid teenindab {first2}. Kellega ma räägin?\nKlient: {name}, helistan arve {order} "
        "pärast.",
    ],
    free=[
        ("ticket", "Pöördumine {order} - kõrge prioriteet\nTeataja: {name} ({email})\nProbleem: {product} ei "
                   "sünkroniseeru. Tagasihelistamine: {phone}."),
        ("hr", "Personalimärge {date}: {name} ({job}) teatas uuest aadressist: {addr}. Kinnitas {name2}."),
        ("clinical", "Patsient: {name}, sünd. {dob}\nAadress: {addr}\nVaatas läbi {hon2}. Ravi: {drug} 500 mg kaks "
                     "korda päevas."),
        ("delivery", "Saateleht {order}\nSaaja: {name}\n{addrml}\nTel: {phone}"),
        ("letter", "Palun saatke dokumendid aadressile:\n{addrml}\nKontaktisik: {name}\n\nLugupidamisega\n{name2}"),
        ("delivery", "Kohaletoimetamine: {pccity}, saaja {name}."),
    ],
    neg=[
        ("email", "Arve {order} summas {amount} tuleb tasuda {date}. Küsimused: {team}, {email}."),
        ("hr", "{company} avab uue kontori, asukoht {city}. Otsime: {job}."),
        ("chat", "Koosolek {weekday} kell {time}: {team} arutab toote {product} tarneid."),
    ],
    weekdays="esmaspäeval teisipäeval kolmapäeval neljapäeval reedel laupäeval pühapäeval",
    months="jaanuar veebruar märts aprill mai juuni juuli august september oktoober november detsember",
    teams="Klienditugi|Raamatupidamine|IT-tugi|Personaliosakond",
    dates=["{d:02d}.{m:02d}.{y}", "{d}. {Mon} {y}"],
    money=["{eu} €", "{eu} EUR"],
)

_lang(
    "ro",
    name_locales={"ro_RO": 1}, styles={"RO": 1}, diversity=0.15, foreign_addr=0.08,
    lab="Nume și prenume|Prenume|Nume|Adresă|Stradă|Cod poștal/Localitate|Localitate|Telefon|E-mail|Data nașterii|"
    "Cod client|Firmă|Observații|Comandă|Produs|Sumă|Dată",
    hon={"m": ["dl.", "domnul", "Dr.", "dl"], "f": ["dna", "doamna", "Dr.", "dna."]},
    dear={"m": ["Stimate domnule", "Stimate dle"], "f": ["Stimată doamnă", "Stimată dnă"]},
    greet=["Bună ziua,", "Salut {first},", "{dear},", "{dear},", "Stimate client,"],
    bye=["Cu stimă,", "Mulțumesc,", "Toate cele bune,", "Cu respect,"],
    hdr=("De la", "Către", "Subiect"), re="Subiect:",
    subj=["Comanda dvs. {order}", "Schimbare de adresă", "RE: contract", "Factura {order}"],
    body=[
        "vă mulțumim pentru comanda {order}. O vom expedia la adresa {addr} în trei zile lucrătoare.",
        "așa cum am discutat, vă trimit contractul semnat. Vă rog să confirmați că adresa de facturare ({addr}) este "
        "corectă.",
        "în perioada absenței mele, până la {date}, mă va înlocui {name3}. Urgențe: {phone}.",
        "întâlnirea cu {company} va avea loc {weekday} la ora {time}, la sediul nostru:\n{addrml}",
    ],
    chat=[
        "Client: Bună ziua, mă numesc {name} și m-am mutat la adresa {addr}.\nOperator: Mulțumesc, {hon}, adresa a "
        "fost actualizată.",
        "Operator: Bună ziua, sunt {first2} de la {team}. Cu cine vorbesc?\nClient: {name}, sun în legătură cu "
        "factura {order}.",
    ],
    free=[
        ("ticket", "Tichet {order} - prioritate ridicată\nRaportat de: {name} ({email})\nProblemă: {product} nu se "
                   "mai sincronizează. Telefon: {phone}."),
        ("hr", "Notă HR {date}: {name} ({job}) a comunicat noua adresă: {addr}. Aprobat de {hon2}."),
        ("clinical", "Pacient: {name}, născut(ă) la {dob}\nDomiciliu: {addr}\nConsultat de {hon2}. Tratament: "
                     "{drug} 500 mg de două ori pe zi."),
        ("delivery", "Aviz de însoțire {order}\nDestinatar: {name}\n{addrml}\nTel.: {phone}"),
        ("letter", "Vă rugăm să trimiteți documentele la adresa:\n{addrml}\nPersoană de contact: {hon}\n\nCu stimă,\n"
                   "{name2}"),
        ("delivery", "Livrare în {pccity}, în atenția: {name}."),
    ],
    neg=[
        ("email", "Factura {order} în valoare de {amount} este scadentă la {date}. Întrebări: {team}, {email}."),
        ("hr", "{company} deschide un birou nou în {city} în {month} și caută un {job}."),
        ("chat", "Ședință {weekday} la ora {time}: {team} discută livrarea {product} cu {company}."),
    ],
    weekdays="luni marți miercuri joi vineri sâmbătă duminică",
    months="ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie",
    teams="Serviciul Clienți|Departamentul Financiar|Suport Tehnic|Resurse Umane",
    dates=["{d:02d}.{m:02d}.{y}", "{d} {Mon} {y}"],
    money=["{eu} lei", "{eu} RON", "{eu} €"],
)

# recipe 3, English: a street named without its house number ("lives on Maple Drive"), and an address that
# runs on into a time phrase ("to 4 Elm Road before Friday"), so that the model learns where one ends
_LANG["en"]["free"].extend([
    ("chat", "User: I live on {sname} and the bins haven't been collected for two weeks.\nAssistant: Sorry about "
             "that, {first}. I've reported the missed collection on {sname}."),
    ("ticket", "Ticket {order}: {name} reports a burst water main outside their house on {sname}. Callback on "
               "{phone}."),
    ("hr", "{name} has moved to {sname} in {city} and asked payroll to update the records before {month}."),
    ("delivery", "Driver note: the parcel for {hon} was left with a neighbour on {sname}, {city}."),
    ("clinical", "Home visit: {name}, lives alone on {sname}; carer visits on {weekday} mornings."),
    ("email", "Hi {first},\nthe viewing of the flat on {sname} is at {time} on {weekday}. See you there,\n{first2}"),
    ("chat", "user: the accident was at the corner of {sname} and {sname2}, the other driver was {name}\n"
             "assistant: Thanks. I've added the location and the other driver's name to your claim."),
    ("delivery", "Please deliver to {addr} before {weekday}."),
    ("ticket", "Engineer visit booked at {addr} on {date} between 8 and 12. Customer: {name}."),
    ("email", "Could you drop the keys at {addr} by {time} tomorrow? Thanks, {first2}"),
    ("chat", "User: send the replacement to {addr} asap please\nAssistant: Will do, {first}. It should reach "
             "{street} by {weekday}."),
    ("hr", "{name} starts at the {city} depot, {street}, from {date} and will report to {hon2}."),
])

# recipe 3, Greek: names in running prose after the article, as Greek writes them ("Ο Γιώργος ... τηλεφώνησε")
_LANG["el"]["free"].extend([
    ("email", "{artc} {name} τηλεφώνησε σήμερα για την παραγγελία {order} και ζήτησε να τον/την καλέσουμε στο "
              "{phone}."),
    ("hr", "{artc} {name} ({job}) ξεκινά στο {team} από {date}. Υπεύθυνος/η: {hon2}."),
    ("chat", "Υπάλληλος: {artc} {name} ζήτησε επιστροφή χρημάτων, το έλεγξα.\nΠελάτης: Ευχαριστώ πολύ!"),
    ("clinical", "{artc} {name} προσήλθε με πυρετό από {weekday}. Συνταγογραφήθηκε {drug}, επανέλεγχος σε δύο "
                 "εβδομάδες."),
    ("ticket", "Αίτημα {order}: {art2} {name2} αναφέρει ότι το {product} δεν λειτουργεί. {artc} {first} θα "
               "επικοινωνήσει στο {phone}."),
])

_LANG_WEIGHTS = {"en": 0.24, "de": 0.08, "fr": 0.07, "es": 0.06, "it": 0.06, "nl": 0.05, "pt": 0.04, "pl": 0.05,
                 "cs": 0.04, "hu": 0.035, "sv": 0.035, "da": 0.03, "fi": 0.03, "no": 0.03, "el": 0.035, "et": 0.03,
                 "ro": 0.035}
_LANGS = list(_LANG_WEIGHTS)
_LANG_W = [_LANG_WEIGHTS[k] for k in _LANGS]

_SHAPE_WEIGHTS = {"chat": 0.15, "email": 0.16, "csv": 0.09, "form": 0.12, "ticket": 0.09, "hr": 0.08,
                  "clinical": 0.08, "delivery": 0.12, "letter": 0.11}
_NEG_SHARE = 0.2
#: share of examples written all in lower case (recipe 3)
_LOWER_SHARE = 0.04
#: recipe 4: full names written surname first, and English names with a suffix
_INVERTED_SHARE = 0.06
_SUFFIX_SHARE = 0.04
_NAME_SUFFIXES = ("Jr.", "Jr", "Sr.", "II", "III", "IV", "PhD", "MD", "DDS", "DVM")
#: recipe 5: locales whose names are written surname first in their own script, and the separator
_SURNAME_FIRST_SCRIPTS = {"zh_CN": "", "ko_KR": "", "ja_JP": " "}
#: recipe 5: share of examples written all in capitals, and of full names with the surname in capitals
_UPPER_SHARE = 0.03
_CAPS_SURNAME_SHARE = 0.03
#: recipe 5: share of positive English examples written as composed prose frames
_FRAME_SHARE = 0.3

# ----------------------------------------------------------------------------------------------------------
# Language-independent distractor values
# ----------------------------------------------------------------------------------------------------------

_PRODUCTS = (
    "Galaxy S23|iPhone 15|ThinkPad X1|Kindle Paperwhite|Office 365|Model 3|PlayStation 5|Nespresso Vertuo|Dyson V11|"
    "Apple Watch|AirPods Pro|Surface Pro|Roomba i7|Thermomix TM6|Fitbit Charge 6|Garmin Forerunner|Sonos One|"
    "Philips Hue|Bosch Serie 6|Miele W1|FRITZ!Box 7590|Windows 11|SAP S/4HANA|Jira|Salesforce|Outlook|Teams|"
    "Premium Plus|Gold Card|Basic Tarif|Pixel 8|Xbox Series X|Canon EOS R6|Volvo XC60|Golf GTI|Mercedes-Benz|"
    "Dr. Martens|Marks & Spencer|Ben & Jerry's|Johnson & Johnson|Tim Hortons|Stripe Terminal|Zoom Rooms"
).split("|")
_DRUGS = (
    "Ibuprofen|Paracetamol|Amoxicillin|Metformin|Atorvastatin|Omeprazole|Ramipril|Levothyroxine|Sertraline|"
    "Salbutamol|Diclofenac|Pantoprazol|Bisoprolol|Amlodipine|Cetirizine|Novalgin|Voltaren|Aspirin|Nurofen|Xarelto|"
    "Eliquis|Ozempic|Lyrica|Augmentin|Clexane|Ventolin|Euthyrox|Concor|Tramadol"
).split("|")
_BANKS = (
    "Main Street Bank|Park Avenue Dental|Baker Street Books|Station Road Garage|High Street Kitchen|"
    "Church Lane Surgery|Wall Street Journal|Fifth Avenue Collection|Abbey Road Studios|Oxford Street Pharmacy|"
    "King Street Capital|Elm Street Bakery|Downing Street briefing|Bahnhofstraße Apotheke|Rue de la Paix Boutique"
).split("|")
_DOMAINS = ("gmail.com|outlook.com|web.de|gmx.de|orange.fr|libero.it|wp.pl|seznam.cz|example.com|yahoo.co.uk|"
            "icloud.com|proton.me|telenet.be|freemail.hu|hotmail.com|company.eu|mail.ee").split("|")
_EXTRA_JOBS = ("Account Manager|Data Analyst|Head of Sales|Nurse|Software Engineer|Office Manager|Project Lead|"
               "Chief Financial Officer|Warehouse Operative|Legal Counsel").split("|")

# ----------------------------------------------------------------------------------------------------------
# Hard negatives with digits (recipe 2): dates, times, ids, phones, bank details, ages, rooms, list items
# ----------------------------------------------------------------------------------------------------------

#: per language: extra date formats (df), time formats (tf), birth labels (born), age phrases (age), phone labels
#: (tel), national/tax/staff id labels with the shape of their number (ids: "label|kind"), bank detail phrases
#: (bank), rooms/flats/floors without an address (room), attendee-list headers (att), "and" (conj), agenda
#: prefixes (agenda), minute titles (mins), agenda item texts (items) and free sentences (s)
_DX: dict[str, dict[str, Any]] = {}


def _dx(code: str, **kw: Any) -> None:
    for key, val in kw.items():
        if isinstance(val, str) and key != "conj":
            kw[key] = val.split("|") if key != "ids" else [tuple(x.split(":")) for x in val.split("|")]
    _DX[code] = kw


_dx("en", df="{d} {Mo} {y}|{d} {Mon}|{Mo} {d}|{d}/{m}/{y}|{m}/{d}/{y}|{d}{th} {Mon} {y}|{d:02d}/{m:02d}/{yy:02d}|"
    "{Mon} {y}|{d}-{Mo}-{y}|{Mo} {d}, {y}",
    tf="{h}:{mm:02d}|{h12}:{mm:02d} {ap}|{h12}{ap}|{h}.{mm:02d}|{h:02d}:{mm:02d}",
    born="born|DOB|dob|b.|date of birth|D.O.B.", age="aged {a}|{a}-year-old|{a} years old|age {a}|{a}yo|{a} y/o",
    tel="on|tel.|Tel:|call|ring|phone|mobile|mob.|at", conj="and",
    ids="NI number:ni|NI:ni|NHS:nhs|NHS no.:nhs|NHS number:nhs|SSN:ssn|tax ID:d10|UTR:d10|PPSN:ppsn|"
    "passport no.:pass|employee ID:emp|VAT no.:vat|policy no.:pol|MRN:d8",
    bank="Sort Code {sc}, Account {acc}|sort code {sc}, acc no. {acc}|IBAN {iban}|Acct {acc}|BIC {bic}, IBAN {iban}|"
    "account number {acc}, sort code {sc}",
    room="flat {r}|Flat {r}{A}|room {r3}|Room {r}|floor {f}|desk {r}|gate {A}{r}|bay {r}|ward {r}|bed {r}|"
    "meeting room {r}|level {f}|seat {r}{A}|locker {r3}|platform {r}|Unit {r}|apartment {r}",
    att="Attendees|Present|Apologies|Participants|Cc|Invited",
    agenda="Item {k}:|{k}.|{k})|Agenda item {k}:|Point {k} -",
    mins="Minutes|Team meeting|Weekly sync|Board meeting",
    items="{first} reports on the {product} rollout|Budget: {amount}, deadline {dx}|Next meeting {dtx}|"
    "Q{q} figures up {pct}|Release {ver} moved to {dx}|Any other business",
    s="Deadline: {dx}.|> On {dx}, {name} wrote:|On {dtx}, {name} <{email}> wrote:|Date/time: {dtx}|"
    "it's {first} from {room}, um, the heating is off again|Please pay {amount} by {dx}.|"
    "Your appointment is on {dx} at {tm} in {room}.|{k}. The application says version {ver} is required.|"
    "Stock level: {qty} units ({pct} of target).|Ticket {order} escalated on {dx}.|I saw {name} ({idn}) on {dx}.|"
    "Patient {age} (dob {dx}), seen in {room}.|Call back {name} {tel} {ph} after {tm}.|Under {name}, born {dx}.|"
    "Booked for {dx}, {tm}, {room}.|Refund of {amount} issued on {dx}.")
_dx("de", df="{d}. {Mon} {y}|{d}. {Mo}. {y}|{d:02d}.{m:02d}.{yy:02d}|{d}.{m}.|{d}. {Mon}|{d:02d}.{m:02d}.{y}|"
    "{d}.{m}.{y}|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d} Uhr|{h}.{mm:02d} Uhr|{h:02d}:{mm:02d}|{h} Uhr",
    born="geb.|geboren am|geb. am|Geburtsdatum", age="{a} Jahre alt|{a}-jährig|im Alter von {a} Jahren|Alter: {a}",
    tel="unter|Tel.|Tel.:|Mobil|Handy|erreichbar unter|Rufnummer", conj="und",
    ids="Steuer-ID:d11|Steuer-IdNr.:d11|Steuernummer:stnr|SV-Nummer:svnr|Versichertennr.:kvnr|Personalnr.:emp|"
    "USt-IdNr.:vat|AHV-Nr.:ahv|Ausweisnr.:pass|Aktenzeichen:az",
    bank="IBAN: {iban}|Kontonr. {acc}|BLZ {blz}, Kontonr. {acc}|BIC {bic}|IBAN {iban}, BIC {bic}",
    room="Zimmer {r3}|Raum {r}|Wohnung {r}|{f}. OG|{f}. Stock|Etage {f}|Platz {r}|Gate {A}{r}|Bett {r}|Station {r}|"
    "Büro {r3}|Gleis {r}|Besprechungsraum {r}|Whg. {r}",
    att="Anwesend|Teilnehmer|Entschuldigt|Verteiler|Gäste", agenda="TOP {k}:|TOP {k}|{k}.|Punkt {k}:",
    mins="Protokoll|Besprechung|Jour fixe|Teamsitzung",
    items="{first} berichtet über {product}|Budget {amount}, Frist {dx}|Nächster Termin: {dtx}|"
    "Umsatz Q{q} plus {pct}|Version {ver} ab {dx}|Verschiedenes",
    s="Abgabe bis {dx}.|> Am {dx} schrieb {name}:|Am {dtx} schrieb {name} <{email}>:|Termin: {dtx}, {room}|"
    "Bitte {amount} bis {dx} überweisen.|Hier ist {first} aus {room}, die Heizung ist wieder aus.|"
    "Lieferung von {qty} Stück am {dx}.|Version {ver} ab {dx} verfügbar ({pct} der Nutzer).|"
    "Rückruf an {name} {tel} {ph}.|Stand: {dx}|Frist: {dx}, {tm}|Ihre Bestellung {order} vom {dx}.")
_dx("fr", df="{d} {Mon} {y}|{d} {Mon}|{d:02d}/{m:02d}/{y}|{d} {Mo}. {y}|{d}/{m}/{y}|{d:02d}.{m:02d}.{y}",
    tf="{h}h{mm:02d}|{h} h {mm:02d}|{h}:{mm:02d}|{h}h",
    born="né le|née le|date de naissance|né(e) le", age="{a} ans|âgé de {a} ans|âgée de {a} ans",
    tel="au|tél.|Tél. :|portable|joignable au", conj="et",
    ids="n° de sécu:nir|NIR:nir|numéro fiscal:d13|SIRET:siret|n° client:d8|matricule:emp|TVA:vat|passeport:pass",
    bank="IBAN : {iban}|RIB {iban}|BIC {bic}|compte n° {acc}",
    room="chambre {r3}|salle {r}|appartement {r}|{f}e étage|bureau {r3}|porte {A}{r}|quai {r}|lit {r}|place {r}|"
    "apt {r}", att="Présents|Participants|Excusés|Absents", agenda="Point {k} :|{k}.|{k})|Point n° {k} :",
    mins="Compte rendu|Réunion d'équipe|Procès-verbal", items="{first} présente le projet {product}|"
    "Budget {amount}, échéance {dx}|Prochaine réunion le {dtx}|Chiffres T{q} : +{pct}|Version {ver} le {dx}|Divers",
    s="À rendre avant le {dx}.|Le {dx}, {name} a écrit :|Le {dtx}, {name} <{email}> a écrit :|"
    "RDV le {dx} à {tm}, {room}.|Merci de régler {amount} avant le {dx}.|Livraison de {qty} unités le {dx}.|"
    "Mise à jour {ver} déployée le {dx} ({pct}).|C'est {first}, {room}, le chauffage est en panne.|"
    "Rappeler {name} {tel} {ph}.|Date limite : {dx}|Commande {order} du {dx}.")
_dx("es", df="{d} de {Mon} de {y}|{d} de {Mon}|{d:02d}/{m:02d}/{y}|{d}/{m}/{y}|{d}-{Mo}-{y}|{d}/{m:02d}/{yy:02d}",
    tf="{h}:{mm:02d}|{h}:{mm:02d} h|a las {h}",
    born="nacido el|nacida el|fecha de nacimiento|nac.|F. nac.", age="{a} años|de {a} años|edad: {a}",
    tel="al|tel.|Tel.:|móvil|llamar al|tfno.", conj="y",
    ids="DNI:dni|NIE:nie|NIF:dni|NSS:nss|n.º de socio:d8|pasaporte:pass|CIF:cif",
    bank="IBAN {iban}|cuenta {iban}|BIC {bic}|n.º de cuenta {acc}",
    room="habitación {r3}|sala {r}|planta {f}|{f}.ª planta|despacho {r3}|puerta {A}{r}|andén {r}|cama {r}|mesa {r}",
    att="Asistentes|Participantes|Excusan asistencia|Presentes", agenda="Punto {k}:|{k}.|{k}.º|{k})",
    mins="Acta|Reunión de equipo|Orden del día",
    items="{first} presenta el informe de {product}|Presupuesto {amount}, plazo {dx}|Próxima reunión: {dtx}|"
    "Ventas T{q}: +{pct}|Versión {ver} el {dx}|Ruegos y preguntas",
    s="A partir del {dx}, por favor.|El {dx}, {name} escribió:|El {dtx}, {name} <{email}> escribió:|"
    "Cita el {dx} a las {tm} en {room}.|Pagar {amount} antes del {dx}.|Alumno de {k}.º de Bachillerato.|"
    "Soy {first}, de {room}, no funciona la calefacción.|Envío de {qty} unidades el {dx}.|"
    "Llamar a {name} {tel} {ph}.|Plazo: {dx}|Pedido {order} del {dx}.|Actualización {ver} ({pct}).")
_dx("it", df="{d} {Mon} {y}|{d:02d}/{m:02d}/{y}|{d}/{m}/{y}|{d:02d}.{m:02d}.{y}|{d} {Mo} {y}|{d:02d}/{m:02d}/{yy:02d}",
    tf="{h}:{mm:02d}|ore {h}:{mm:02d}|{h}.{mm:02d}",
    born="nato il|nata il|data di nascita|n.|nato/a il", age="{a} anni|di {a} anni|età {a}",
    tel="al|tel.|Tel.:|cell.|cellulare", conj="e",
    ids="codice fiscale:cf|C.F.:cf|P.IVA:d11|tessera sanitaria:d20|matricola:emp|passaporto:pass",
    bank="IBAN {iban}|IBAN: {iban}|BIC {bic}|conto n. {acc}",
    room="stanza {r3}|camera {r}|sala {r}|piano {f}|{f}° piano|ufficio {r3}|gate {A}{r}|binario {r}|letto {r}|"
    "scrivania {r}|interno {r}", att="Presenti|Partecipanti|Assenti giustificati|In copia",
    agenda="Punto {k}:|{k}.|{k})|OdG {k}:", mins="Verbale|Riunione di team|Ordine del giorno",
    items="{first} illustra {product}|Budget {amount}, scadenza {dx}|Prossima riunione: {dtx}|Vendite T{q}: +{pct}|"
    "Versione {ver} dal {dx}|Varie ed eventuali",
    s="Consegna entro il {dx}.|Il {dx}, {name} ha scritto:|Il giorno {dtx} {name} <{email}> ha scritto:|"
    "Appuntamento il {dx} alle {tm}, {room}.|Pagare {amount} entro il {dx}.|Spedizione di {qty} pezzi il {dx}.|"
    "Sono {first} della {room}, il riscaldamento non va.|Richiamare {name} {tel} {ph}.|Scadenza: {dx}|"
    "Ordine {order} del {dx}.|Aggiornamento {ver} ({pct}).")
_dx("nl", df="{d} {Mon} {y}|{d}-{m}-{y}|{d:02d}-{m:02d}-{y}|{d} {Mo} {y}|{d:02d}/{m:02d}/{y}|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d}|{h}.{mm:02d} uur|{h} uur", born="geb.|geboren op|geboortedatum",
    age="{a} jaar|{a} jaar oud|leeftijd {a}|{a}-jarige", tel="op|tel.|Tel.:|mobiel|bereikbaar op", conj="en",
    ids="BSN:d9|burgerservicenummer:d9|btw-nummer:vat|personeelsnr.:emp|klantnr.:d8|paspoort:pass",
    bank="IBAN {iban}|rekeningnummer {iban}|BIC {bic}|rek.nr. {acc}",
    room="kamer {r3}|zaal {r}|verdieping {f}|{f}e verdieping|bureau {r}|gate {A}{r}|spoor {r}|bed {r}|"
    "appartement {r}", att="Aanwezig|Deelnemers|Afwezig|Afmeldingen", agenda="Agendapunt {k}:|Punt {k}:|{k}.",
    mins="Notulen|Teamoverleg|Agenda", items="{first} presenteert {product}|Budget {amount}, deadline {dx}|"
    "Volgend overleg: {dtx}|Omzet Q{q}: +{pct}|Versie {ver} per {dx}|Rondvraag",
    s="Inleveren voor {dx}.|Op {dx} schreef {name}:|Op {dtx} schreef {name} <{email}>:|"
    "Afspraak op {dx} om {tm}, {room}.|Gelieve {amount} voor {dx} te betalen.|Levering van {qty} stuks op {dx}.|"
    "Met {first} van {room}, de verwarming doet het niet.|{name} terugbellen {tel} {ph}.|Deadline: {dx}|"
    "Bestelling {order} van {dx}.|Update {ver} ({pct}).")
_dx("pt", df="{d} de {Mon} de {y}|{d}/{m}/{y}|{d:02d}.{m:02d}.{y}|{d:02d}/{m:02d}/{y}|{d} {Mo} {y}",
    tf="{h}:{mm:02d}|{h}h{mm:02d}|às {h}h", born="nascido em|nascida em|data de nascimento|n.",
    age="{a} anos|com {a} anos|idade: {a}", tel="pelo|tel.|Tel.:|telemóvel|tlm.", conj="e",
    ids="NIF:d9|n.º de contribuinte:d9|NISS:d11|n.º de utente:d9|CC:cc|n.º de funcionário:emp",
    bank="IBAN {iban}|NIB {acc}|BIC {bic}", room="quarto {r3}|sala {r}|piso {f}|{f}.º andar|gabinete {r3}|"
    "porta {A}{r}|cama {r}|secretária {r}", att="Presentes|Participantes|Ausentes", agenda="Ponto {k}:|{k}.|{k}.º",
    mins="Ata|Reunião de equipa", items="{first} apresenta o {product}|Orçamento {amount}, prazo {dx}|"
    "Próxima reunião: {dtx}|Vendas T{q}: +{pct}|Versão {ver} a {dx}|Outros assuntos",
    s="Entregar até {dx}.|Em {dx}, {name} escreveu:|A {dtx}, {name} <{email}> escreveu:|"
    "Consulta a {dx} às {tm}, {room}.|Pagar {amount} até {dx}.|Envio de {qty} unidades a {dx}.|"
    "Fala {first}, do {room}, o aquecimento avariou.|Ligar a {name} {tel} {ph}.|Prazo: {dx}|"
    "Encomenda {order} de {dx}.")
_dx("pl", df="{d} {Mon} {y}|{d} {Mon} {y} r.|{d:02d}.{m:02d}.{y} r.|{d}.{m:02d}.{y}|{d:02d}.{m:02d}.{y}|"
    "{y}-{m:02d}-{d:02d}", tf="{h}:{mm:02d}|godz. {h}:{mm:02d}|o {h}:{mm:02d}",
    born="ur.|urodzony|urodzona|data urodzenia", age="{a} lat|lat {a}|wiek: {a}|{a}-latek",
    tel="pod numerem|tel.|Tel.:|kom.|nr tel.", conj="i",
    ids="PESEL:d11|NIP:nip|REGON:d9|nr dowodu:dow|nr legitymacji:emp|nr paszportu:pass",
    bank="nr konta {iban}|IBAN {iban}|konto {acc}|BIC {bic}", room="pokój {r3}|sala {r}|piętro {f}|{f}. piętro|"
    "mieszkanie {r}|biurko {r}|bramka {A}{r}|peron {r}|łóżko {r}", att="Obecni|Uczestnicy|Nieobecni",
    agenda="Punkt {k}:|{k}.|Pkt {k}.", mins="Protokół|Spotkanie zespołu|Notatka ze spotkania",
    items="{first} omawia wdrożenie {product}|Budżet {amount}, termin {dx}|Następne spotkanie: {dtx}|"
    "Sprzedaż Q{q}: +{pct}|Wersja {ver} od {dx}|Sprawy różne",
    s="Termin oddania: {dx}.|{dx} {name} napisał(a):|Dnia {dtx} {name} <{email}> napisał(a):|"
    "Wizyta {dx} o {tm}, {room}.|Proszę wpłacić {amount} do {dx}.|Dostawa {qty} szt. w dniu {dx}.|"
    "Tu {first} z {room}, nie działa ogrzewanie.|Oddzwonić do {name} {tel} {ph}.|Termin: {dx}|"
    "Zamówienie {order} z {dx}.|Spotkanie {dx}, {tm}.")
_dx("cs", df="{d}. {Mon} {y}|{d}. {m}. {y}|{d}.{m}.{y}|{d:02d}.{m:02d}.{y}|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d}|v {h}:{mm:02d}|{h}.{mm:02d} h", born="nar.|narozen|narozena|datum narození",
    age="{a} let|věk {a}|{a}letý|{a}letá", tel="na čísle|tel.|Tel.:|mobil", conj="a",
    ids="rodné číslo:rc|RČ:rc|IČO:d8|DIČ:dic|č. OP:d9|osobní číslo:emp",
    bank="IBAN {iban}|č. ú. {acc}/{bk}|účet {acc}/{bk}", room="pokoj {r3}|místnost {r}|{f}. patro|byt {r}|"
    "kancelář {r3}|brána {A}{r}|nástupiště {r}|lůžko {r}", att="Přítomni|Účastníci|Omluveni",
    agenda="Bod {k}:|{k}.|{k})", mins="Zápis|Porada týmu", items="{first} informuje o {product}|"
    "Rozpočet {amount}, termín {dx}|Příští porada: {dtx}|Tržby Q{q}: +{pct}|Verze {ver} od {dx}|Různé",
    s="Odevzdat do {dx}.|Dne {dx} {name} napsal(a):|Dne {dtx} {name} <{email}> napsal(a):|"
    "Schůzka {dx} v {tm}, {room}.|Uhraďte {amount} do {dx}.|Dodávka {qty} ks dne {dx}.|"
    "Tady {first} z {room}, nejde topení.|Zavolat {name} {tel} {ph}.|Termín: {dx}|Objednávka {order} ze dne {dx}.")
_dx("hu", df="{y}. {Mon} {d}.|{y}.{m:02d}.{d:02d}.|{y}. {m:02d}. {d:02d}.|{Mon} {d}.|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d}|{h} órakor|{h}:{mm:02d}-kor", born="szül.|született|születési dátum",
    age="{a} éves|életkor: {a}|{a} év", tel="tel.:|Tel.:|mobil:|telefonszám:", conj="és",
    ids="adóazonosító jel:d10|TAJ-szám:taj|TAJ:taj|személyi szám:d11|törzsszám:emp",
    bank="IBAN {iban}|számlaszám: {hacc}|bankszámla {hacc}", room="{r3}. szoba|{r}-es terem|{f}. emelet|{r}. lakás|"
    "{A}{r} kapu|{r}. vágány|{r}. ágy|{r}. iroda", att="Jelen vannak|Résztvevők|Távol|Meghívottak",
    agenda="{k}. napirendi pont:|{k}.|{k})", mins="Jegyzőkönyv|Csapatmegbeszélés",
    items="{first} beszámol a(z) {product} bevezetéséről|Költségkeret {amount}, határidő {dx}|"
    "Következő ülés: {dtx}|Q{q} forgalom: +{pct}|{ver} verzió {dx}-tól|Egyebek",
    s="Beadási határidő: {dx}.|{dx}, {name} írta:|{dtx} időpontban {name} <{email}> írta:|"
    "Időpont: {dx} {tm}, {room}.|Kérjük, {amount} összeget {dx}-ig fizessen be.|Szállítás: {qty} db, {dx}.|"
    "{first} vagyok a(z) {room}-ből, nincs fűtés.|Visszahívni: {name}, {tel} {ph}.|Határidő: {dx}|"
    "{order} számú rendelés, {dx}.")
_dx("sv", df="{d} {Mon} {y}|{d} {Mon}|{y}-{m:02d}-{d:02d}|{d}/{m}|{d}/{m} {y}|{d} {Mo} {y}",
    tf="{h}:{mm:02d}|kl. {h}.{mm:02d}|kl {h}", born="född|f.|födelsedatum",
    age="{a} år|{a} år gammal|ålder {a}|{a}-åring",
    tel="på|tel.|Tel:|mobil|ring", conj="och", ids="personnummer:pnr|pnr:pnr|org.nr:orgnr|anst.nr:emp|kundnr:d8",
    bank="IBAN {iban}|bankgiro {bg}|kontonr {acc}|clearingnr {blz4}", room="rum {r3}|sal {r}|våning {f}|"
    "lägenhet {r}|skrivbord {r}|gate {A}{r}|spår {r}|säng {r}", att="Närvarande|Deltagare|Frånvarande",
    agenda="§ {k}|Punkt {k}:|{k}.", mins="Protokoll|Teammöte", items="{first} rapporterar om {product}|"
    "Budget {amount}, deadline {dx}|Nästa möte: {dtx}|Försäljning Q{q}: +{pct}|Version {ver} från {dx}|Övrigt",
    s="Sista dag: {dx}.|Den {dx} skrev {name}:|{dtx} skrev {name} <{email}>:|Tid {dx} kl. {tm}, {room}.|"
    "Betala {amount} senast {dx}.|Leverans av {qty} st den {dx}.|Det är {first} från {room}, värmen är av.|"
    "Ring {name} {tel} {ph}.|Senast: {dx}|Order {order} från {dx}.")
_dx("da", df="{d}. {Mon} {y}|{d}/{m} {y}|{d:02d}.{m:02d}.{y}|{d}-{m}-{y}|{d}. {Mo}. {y}",
    tf="{h}:{mm:02d}|kl. {h}.{mm:02d}|kl. {h}", born="født|f.|fødselsdato", age="{a} år|{a}-årig|alder {a}",
    tel="på|tlf.|Tlf.:|mobil|ring", conj="og",
    ids="CPR-nr.:cpr|CPR:cpr|CVR:d8|medarbejdernr.:emp|kundenr.:d8",
    bank="IBAN {iban}|reg.nr. {blz4}, kontonr. {acc}|konto {acc}", room="værelse {r3}|lokale {r}|{f}. sal|"
    "lejlighed {r}|kontor {r3}|gate {A}{r}|spor {r}|seng {r}", att="Til stede|Deltagere|Afbud",
    agenda="Punkt {k}:|{k}.|Pkt. {k}", mins="Referat|Teammøde", items="{first} orienterer om {product}|"
    "Budget {amount}, frist {dx}|Næste møde: {dtx}|Salg K{q}: +{pct}|Version {ver} fra {dx}|Eventuelt",
    s="Frist: {dx}.|Den {dx} skrev {name}:|{dtx} skrev {name} <{email}>:|Tid {dx} kl. {tm}, {room}.|"
    "Betal {amount} senest {dx}.|Levering af {qty} stk. den {dx}.|Det er {first} fra {room}, varmen virker ikke.|"
    "Ring til {name} {tel} {ph}.|Ordre {order} af {dx}.")
_dx("fi", df="{d}.{m}.{y}|{d}. {Mon} {y}|{d}.{m}.|{d:02d}.{m:02d}.{y}|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d}|klo {h}.{mm:02d}|klo {h}",
    born="s.|syntynyt|syntymäaika", age="{a} vuotta|{a}-vuotias|ikä {a}", tel="puh.|Puh.:|p.|numerossa", conj="ja",
    ids="henkilötunnus:hetu|hetu:hetu|Y-tunnus:ytun|asiakasnro:d8|henkilönumero:emp",
    bank="IBAN {iban}|tilinumero {iban}|BIC {bic}", room="huone {r3}|sali {r}|{f}. kerros|asunto {r}|"
    "työpiste {r}|portti {A}{r}|raide {r}|vuode {r}", att="Läsnä|Osallistujat|Poissa", agenda="{k} §|Kohta {k}:|{k}.",
    mins="Pöytäkirja|Tiimipalaveri", items="{first} esittelee {product}|Budjetti {amount}, määräaika {dx}|"
    "Seuraava kokous: {dtx}|Myynti Q{q}: +{pct}|Versio {ver} {dx} alkaen|Muut asiat",
    s="Palautus viimeistään {dx}.|{dx} {name} kirjoitti:|{dtx} {name} <{email}> kirjoitti:|"
    "Aika {dx} klo {tm}, {room}.|Maksa {amount} viimeistään {dx}.|Toimitus {qty} kpl {dx}.|"
    "Täällä {first}, {room}, lämmitys ei toimi.|Soita {name} {tel} {ph}.|Määräaika: {dx}|Tilaus {order}, {dx}.")
_dx("no", df="{d}. {Mon} {y}|{d:02d}.{m:02d}.{y}|{d}.{m}.{y}|{d}. {Mo}. {y}|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d}|kl. {h}.{mm:02d}|kl. {h}", born="født|f.|fødselsdato", age="{a} år|{a} år gammel|alder {a}",
    tel="på|tlf.|Tlf.:|mobil|ring", conj="og", ids="fødselsnummer:d11|fnr.:d11|org.nr.:d9|ansattnr.:emp|kundenr.:d8",
    bank="IBAN {iban}|kontonr. {nacc}|konto {nacc}", room="rom {r3}|sal {r}|{f}. etasje|leilighet {r}|"
    "kontor {r3}|gate {A}{r}|spor {r}|seng {r}", att="Til stede|Deltakere|Forfall", agenda="Sak {k}:|Punkt {k}:|{k}.",
    mins="Referat|Teammøte", items="{first} orienterer om {product}|Budsjett {amount}, frist {dx}|"
    "Neste møte: {dtx}|Salg Q{q}: +{pct}|Versjon {ver} fra {dx}|Eventuelt",
    s="Frist: {dx}.|Den {dx} skrev {name}:|{dtx} skrev {name} <{email}>:|Time {dx} kl. {tm}, {room}.|"
    "Betal {amount} innen {dx}.|Levering av {qty} stk. {dx}.|Det er {first} fra {room}, varmen er borte.|"
    "Ring {name} {tel} {ph}.|Ordre {order} av {dx}.")
_dx("el", df="{d} {Mon} {y}|{d}/{m}/{y}|{d}-{m}-{y}|{d:02d}/{m:02d}/{y}|{d:02d}.{m:02d}.{y}",
    tf="{h}:{mm:02d}|στις {h}:{mm:02d}",
    born="γεν.|γεννήθηκε|ημερομηνία γέννησης", age="{a} ετών|ηλικία {a}", tel="τηλ.|Τηλ.:|κιν.", conj="και",
    ids="ΑΦΜ:d9|ΑΜΚΑ:d11|ΑΔΤ:adt|αρ. μητρώου:emp", bank="IBAN {iban}|λογ. {acc}",
    room="δωμάτιο {r3}|αίθουσα {r}|{f}ος όροφος|διαμέρισμα {r}|γραφείο {r3}|πύλη {A}{r}|κλίνη {r}",
    att="Παρόντες|Συμμετέχοντες|Απόντες", agenda="Θέμα {k}:|{k}.|{k})", mins="Πρακτικά|Σύσκεψη ομάδας",
    items="Ο/Η {first} παρουσιάζει το {product}|Προϋπολογισμός {amount}, προθεσμία {dx}|Επόμενη σύσκεψη: {dtx}|"
    "Πωλήσεις Q{q}: +{pct}|Έκδοση {ver} από {dx}|Διάφορα",
    s="Προθεσμία: {dx}.|Στις {dx}, ο/η {name} έγραψε:|Στις {dtx}, ο/η {name} <{email}> έγραψε:|"
    "Ραντεβού {dx} {tm}, {room}.|Πληρωμή {amount} έως {dx}.|Αποστολή {qty} τεμ. στις {dx}.|"
    "Καλέστε {name} {tel} {ph}.|Παραγγελία {order}, {dx}.")
_dx("et", df="{d}. {Mon} {y}|{d}.{m}.{y}|{d:02d}.{m:02d}.{y}|{y}-{m:02d}-{d:02d}", tf="{h}:{mm:02d}|kell {h}.{mm:02d}",
    born="sünd.|sündinud|sünniaeg", age="{a} aastane|vanus {a}|{a}-aastane", tel="tel.|Tel.:|mob.|telefonil", conj="ja",
    ids="isikukood:d11|IK:d11|registrikood:d8|töötaja nr:emp", bank="IBAN {iban}|a/a {iban}|arveldusarve {iban}",
    room="tuba {r3}|ruum {r}|{f}. korrus|korter {r}|kabinet {r3}|värav {A}{r}|voodi {r}",
    att="Kohal|Osalejad|Puudujad", agenda="Punkt {k}:|{k}.|{k})", mins="Protokoll|Meeskonna koosolek",
    items="{first} tutvustab {product}|Eelarve {amount}, tähtaeg {dx}|Järgmine koosolek: {dtx}|"
    "Müük Q{q}: +{pct}|Versioon {ver} alates {dx}|Muud küsimused",
    s="Tähtaeg: {dx}.|{dx} kirjutas {name}:|{dtx} kirjutas {name} <{email}>:|Aeg {dx} kell {tm}, {room}.|"
    "Tasuda {amount} hiljemalt {dx}.|Tarne {qty} tk, {dx}.|Siin {first}, {room}, küte ei tööta.|"
    "Helista {name} {tel} {ph}.|Tellimus {order}, {dx}.")
_dx("ro", df="{d} {Mon} {y}|{d}.{m}.{y}|{d:02d}/{m:02d}/{y}|{d:02d}.{m:02d}.{y}|{y}-{m:02d}-{d:02d}",
    tf="{h}:{mm:02d}|ora {h}:{mm:02d}|la ora {h}", born="născut la|născută la|data nașterii|n.",
    age="{a} ani|în vârstă de {a} ani|vârsta {a}", tel="la|tel.|Tel.:|mobil", conj="și",
    ids="CNP:d13|CIF:d8|nr. matricol:emp|serie CI:ci", bank="IBAN {iban}|cont {iban}|cont nr. {acc}",
    room="camera {r3}|sala {r}|etajul {f}|apartamentul {r}|biroul {r3}|poarta {A}{r}|linia {r}|patul {r}",
    att="Prezenți|Participanți|Absenți", agenda="Punctul {k}:|{k}.|{k})", mins="Proces-verbal|Ședința echipei",
    items="{first} prezintă {product}|Buget {amount}, termen {dx}|Următoarea ședință: {dtx}|"
    "Vânzări T{q}: +{pct}|Versiunea {ver} din {dx}|Diverse",
    s="Termen: {dx}.|Pe {dx}, {name} a scris:|La {dtx}, {name} <{email}> a scris:|Programare {dx} la {tm}, {room}.|"
    "Plata de {amount} până la {dx}.|Livrare {qty} buc. pe {dx}.|Sunt {first} de la {room}, nu merge căldura.|"
    "Sunați-l pe {name} {tel} {ph}.|Comanda {order} din {dx}.")

_IBAN_CC = {"en": "GB", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL", "pt": "PT", "pl": "PL", "cs": "CZ",
            "hu": "HU", "sv": "SE", "da": "DK", "fi": "FI", "no": "NO", "el": "GR", "et": "EE", "ro": "RO"}
_IBAN_LEN = {"GB": 22, "DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "PT": 25, "PL": 28, "CZ": 24, "HU": 28,
             "SE": 24, "DK": 18, "FI": 18, "NO": 15, "GR": 27, "EE": 20, "RO": 24}
#: name-then-value lines: the name is a PERSON span, the value is not labelled
_NAME_VALUE = ("{name}, {idn}|{name} {tel} {ph}|{name}, {born} {dx}|{name} ({born} {dx})|{name} ({idn})|{name}, {age}|"
               "{name} ({age}, {born} {dx})|{name}, {tel} {ph}|{name} – {idn}|{name}: {ph}|{name}, {acct}|"
               "{name} ({idn}|{name}, {dx}|{name} {ph}|{name}, {room}|{name} ({age})|{name} - {dtx}").split("|")
_DX_SLOTS = {"dx", "dtx", "tm", "ph", "idn", "acct", "age", "room", "pct", "ver", "qty", "born", "tel", "k", "q"}
_NAME_SLOTS = {"name", "first", "last", "hon", "honf", "dear", "lastfirst"}


def _has_name(tpl: str) -> bool:
    return any(slot in _NAME_SLOTS for _, slot, _ in _compile(tpl))


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _id_number(rng: random.Random, kind: str) -> str:
    d = lambda n: _digits(rng, n)  # noqa: E731
    up = "ABCDEFGHJKLMNPRSTWXYZ"
    if kind[0] == "d" and kind[1:].isdigit():
        n = int(kind[1:])
        s = d(n)
        if n >= 10 and rng.random() < 0.25:  # grouped
            s = " ".join(s[i:i + 3] for i in range(0, n, 3))
        return s
    if kind == "nhs":
        s = d(10)
        return rng.choice([f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}"])
    if kind == "ni":
        s = d(6)
        a = rng.choice(up) + rng.choice(up)
        return rng.choice([f"{a} {s[:2]} {s[2:4]} {s[4:]} {rng.choice('ABCD')}", f"{a}{s}{rng.choice('ABCD')}"])
    if kind == "ssn":
        s = d(9)
        return f"{s[:3]}-{s[3:5]}-{s[5:]}"
    if kind == "ppsn":
        return d(7) + rng.choice(up) + rng.choice(["", "A", "W"])
    if kind == "cf":
        c = lambda k: "".join(rng.choice(up) for _ in range(k))  # noqa: E731
        return f"{c(6)}{d(2)}{rng.choice('ABCDEHLMPRST')}{rng.randint(10, 71)}{c(1)}{d(3)}{c(1)}"
    if kind in ("dni", "nie", "cif"):
        pre = rng.choice("XYZ") if kind == "nie" else rng.choice("ABCDEFGH") if kind == "cif" else ""
        return pre + d(8 - len(pre)) + rng.choice(["", "-"]) + rng.choice(up)
    if kind == "nir":
        s = str(rng.randint(1, 2)) + d(14)
        return rng.choice([s, f"{s[0]} {s[1:3]} {s[3:5]} {s[5:7]} {s[7:10]} {s[10:13]} {s[13:]}"])
    if kind in ("cpr", "pnr", "hetu", "rc"):
        dd, mm, yy = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99)
        sep = {"cpr": "-", "pnr": rng.choice(["-", ""]), "hetu": rng.choice(["-", "A"]), "rc": "/"}[kind]
        head = f"{yy:02d}{mm:02d}{dd:02d}" if kind == "pnr" else f"{dd:02d}{mm:02d}{yy:02d}"
        if kind == "rc":
            head = f"{yy:02d}{mm + rng.choice([0, 50]):02d}{dd:02d}"
        tail = d(3) + rng.choice("0123456789ABCFHJ") if kind == "hetu" else d(4)
        return head + sep + tail
    if kind == "taj":
        s = d(9)
        return f"{s[:3]} {s[3:6]} {s[6:]}"
    if kind == "svnr":
        return f"{d(4)} {rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(40, 99)}"
    if kind == "kvnr":
        return rng.choice(up) + d(9)
    if kind == "stnr":
        return f"{d(2)}/{d(3)}/{d(5)}"
    if kind == "ahv":
        return f"756.{d(4)}.{d(4)}.{d(2)}"
    if kind == "nip":
        s = d(10)
        return rng.choice([s, f"{s[:3]}-{s[3:6]}-{s[6:8]}-{s[8:]}"])
    if kind in ("vat", "dic"):
        return rng.choice(["DE", "FR", "NL", "GB", "IT", "CZ", "PL"]) + d(9) + ("B01" if rng.random() < 0.1 else "")
    if kind == "siret":
        s = d(14)
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"
    if kind == "nss":
        s = d(12)
        return f"{s[:2]}/{s[2:10]}/{s[10:]}"
    if kind == "orgnr":
        return f"{d(6)}-{d(4)}"
    if kind == "ytun":
        return f"{d(7)}-{rng.randint(0, 9)}"
    if kind == "dow":
        return "".join(rng.choice(up) for _ in range(3)) + " " + d(6)
    if kind in ("pass", "adt", "ci"):
        return "".join(rng.choice(up) for _ in range(2)) + rng.choice(["", " "]) + d(7 if kind == "pass" else 6)
    if kind == "cc":
        return f"{d(8)} {rng.randint(0, 9)} {rng.choice(up)}{rng.choice(up)}{rng.randint(0, 9)}"
    if kind == "az":
        return f"{rng.randint(1, 99)} {rng.choice(['O', 'C', 'K', 'S'])} {rng.randint(1, 999)}/{rng.randint(19, 25)}"
    if kind == "emp":
        return rng.choice(["", "E", "P-", "MA-", "#"]) + d(rng.randint(4, 7))
    if kind == "pol":
        return rng.choice(["POL", "PN", "HX"]) + "-" + d(8)
    return d(8)


def _iban(rng: random.Random, lang: str) -> str:
    cc = _IBAN_CC.get(lang, "DE") if rng.random() < 0.85 else rng.choice(list(_IBAN_LEN))
    n = _IBAN_LEN[cc]
    body = f"{rng.randint(10, 99)}" + ("".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
                                         if cc in ("GB", "NL") else _digits(rng, 4))
    body += "".join(str(rng.randint(0, 9)) for _ in range(n - 2 - len(body)))
    s = cc + body
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if rng.random() < 0.6 else s


def _dx_value(c: Any, name: str) -> str:
    rng, lang = c.rng, c.lang
    L, X = c.L, _DX[lang]
    if name in ("dx", "dtx"):
        y = rng.randint(1935, 2027)
        if rng.random() < 0.6:
            y = rng.randint(2018, 2027)
        m, d = rng.randint(1, 12), rng.randint(1, 31 if rng.random() < 0.5 else 28)
        if m in (4, 6, 9, 11) and d == 31 or m == 2 and d > 28:
            d = 28
        fmts = X["df"] if rng.random() < 0.7 else L["dates"]
        mon = L["months"][m - 1]
        mo = mon[:3] if len(mon) > 4 else mon
        if lang == "en" and rng.random() < 0.3:
            mo = mon[:3]
        th = "th" if 10 < d < 14 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
        s = rng.choice(fmts).format(d=d, m=m, y=y, yy=y % 100, Mon=mon, Mo=mo, th=th)
        if rng.random() < 0.05:
            s = s.upper()
        if name == "dtx" or rng.random() < 0.08:
            s += rng.choice([" ", ", ", " - ", " "]) + _dx_value(c, "tm")
        if rng.random() < 0.15 and name == "dtx":
            s = rng.choice(L["weekdays"]) + rng.choice([", ", " "]) + s
        return s
    if name == "tm":
        h, mm = rng.randint(0, 23), rng.choice([0, 0, 15, 30, 45, rng.randint(0, 59)])
        return rng.choice(X["tf"]).format(h=h, mm=mm, h12=(h % 12) or 12, ap=rng.choice(["am", "pm", "AM", "PM"]))
    if name == "ph":
        return c.value("phone", 1)
    if name == "idn":
        label, kind = rng.choice(X["ids"])
        sep = rng.choice([" ", ": ", " ", " no. " if lang == "en" else " ", ":"])
        return (label if rng.random() < 0.85 else label.upper()) + sep + _id_number(rng, kind)
    if name == "acct":
        return rng.choice(X["bank"]).format(
            iban=_iban(rng, lang), acc=_digits(rng, 8), sc=f"{rng.randint(10, 99)}-{rng.randint(10, 99)}-"
            f"{rng.randint(10, 99)}", bic="".join(rng.choice("ABCDEFGHKLMNPRSTUWXZ") for _ in range(6)) +
            rng.choice(["2L", "FF", "XX", "MM", "22"]) + rng.choice(["", "XXX"]),
            blz=f"{_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 2)}", bk=_digits(rng, 4), blz4=_digits(rng, 4),
            bg=f"{_digits(rng, 3)}-{_digits(rng, 4)}",
            hacc=f"{_digits(rng, 8)}-{_digits(rng, 8)}", nacc=f"{_digits(rng, 4)}.{_digits(rng, 2)}.{_digits(rng, 5)}")
    if name == "age":
        return rng.choice(X["age"]).format(a=rng.randint(1, 99))
    if name == "room":
        return rng.choice(X["room"]).format(r=rng.randint(1, 40), r3=rng.randint(1, 450), f=rng.randint(1, 12),
                                            A=rng.choice("ABCDEF"))
    if name == "pct":
        v = rng.choice([str(rng.randint(1, 99)), f"{rng.randint(0, 99)}.{rng.randint(0, 9)}",
                        f"{rng.randint(0, 99)},{rng.randint(0, 9)}"])
        return v + rng.choice(["%", " %", "%"])
    if name == "ver":
        return rng.choice(["", "v", "V"]) + ".".join(str(rng.randint(0, 20)) for _ in range(rng.randint(2, 3)))
    if name == "qty":
        return str(rng.choice([rng.randint(2, 50), rng.randint(50, 5000)]))
    if name == "born":
        return rng.choice(X["born"])
    if name == "tel":
        return rng.choice(X["tel"])
    if name == "k":
        return str(rng.randint(1, 12))
    if name == "q":
        return str(rng.randint(1, 4))
    raise KeyError(name)


def _neg_line(c: Any) -> str:
    """One template of a digit-bearing line without any name."""
    rng, X, lab = c.rng, _DX[c.lang], c.L["lab"]
    r = rng.random()
    if r < 0.3:
        return rng.choice([s for s in X["s"] if not _has_name(s)])
    if r < 0.45:
        return rng.choice(["{dx}", "{dtx}", lab["date"] + ": {dx}", "{dx}", lab["date"] + ": {dtx}", "{weekday}, {dx}"])
    if r < 0.55:
        return rng.choice(["{idn}", lab["cust"] + " {order}", "{idn}"])
    if r < 0.62:
        return rng.choice(["{acct}", "{acct}"])
    if r < 0.68:
        return rng.choice(["{tel} {ph}", lab["phone"] + ": {ph}"])
    if r < 0.76:
        room = rng.choice(["{room}", "{room}", "{room}, {room}"])
        return room[0].upper() + room[1:] if rng.random() < 0.5 else room
    if r < 0.84:
        item = rng.choice([s for s in X["items"] if not _has_name(s)])
        return rng.choice(X["agenda"]).replace("{k}", str(rng.randint(1, 9))) + " " + item
    if r < 0.88:
        return rng.choice(["{age}", "{age}, {born} {dx}"])
    return rng.choice(["{ver}", "{pct}", "{qty} x {product}", "{amount}", "{order}", "{amount} ({pct})",
                       lab["order"] + " {order}, {dx}", "{product} {ver}"])


def _digit_snippet(c: Any) -> str:
    """A hard-negative line for a positive example; about half of them put a name right before the value."""
    rng = c.rng
    r = rng.random()
    if r < 0.4:
        t = rng.choice(_NAME_VALUE)
        if rng.random() < 0.5:
            t = t.replace("{name}", "{name6}")
        if rng.random() < 0.15:
            t = c.L["lab"]["name"] + ": " + t
        return t
    if r < 0.6:
        return rng.choice([s for s in _DX[c.lang]["s"] if _has_name(s)] or _DX[c.lang]["s"]).replace(
            "{name}", "{name6}").replace("{first}", "{first6}")
    return _neg_line(c)


def _add_snippet(c: Any) -> None:
    rng = c.rng
    tpl = _digit_snippet(c)
    if rng.random() < 0.35 and c.segs:
        old, c.segs = c.segs, []
        c.fill(tpl)
        c.emit(rng.choice(["\n", "\n", "\n\n", " "]))
        c.segs.extend(old)
    else:
        if c.segs:
            c.emit(rng.choice(["\n", "\n", "\n\n", " | " if c.shape == "ticket" else "\n"]))
        c.fill(tpl)


def _name_list(c: Any, idxs: list[int]) -> None:
    rng = c.rng
    conj = _DX[c.lang]["conj"]
    last_sep = rng.choice([f" {conj} ", f" {conj} ", ", ", f", {conj} " if c.lang == "en" else f" {conj} "])
    sep = ", " if rng.random() < 0.85 else "; "
    for j, i in enumerate(idxs):
        if j:
            c.emit(last_sep if j == len(idxs) - 1 else sep)
        c.slot("name" if rng.random() < 0.85 else "last" if rng.random() < 0.5 else "first", i)


def _build_minutes(c: Any) -> None:
    """Meeting minutes: a title with a date, one or two lists of names, numbered agenda items."""
    rng, X = c.rng, _DX[c.lang]
    att = X["att"]
    if rng.random() < 0.7:
        c.fill(rng.choice(X["mins"]) + rng.choice([" ", ", ", " - ", " vom " if c.lang == "de" else " "]) + "{dx}\n")
    n = rng.randint(2, 5)
    c.emit(rng.choice(att[:2] if len(att) > 2 else att) + rng.choice([": ", ": ", ":\t", " - "]))
    _name_list(c, list(range(1, n + 1)))
    c.emit("\n")
    if rng.random() < 0.35:
        c.emit(rng.choice(att[2:] or att) + ": ")
        _name_list(c, list(range(n + 1, n + 1 + rng.randint(1, 2))))
        c.emit("\n")
    agenda = rng.choice(X["agenda"])
    for k in range(1, rng.randint(2, 5)):
        item = rng.choice(X["items"]).replace("{first}", f"{{first{rng.randint(1, n)}}}")
        c.fill(agenda.replace("{k}", str(k)) + " " + item + "\n")

_HONORIFIC_CHECK: tuple[str, ...] = ()


def _honorific_phrases() -> tuple[str, ...]:
    """Unambiguous honorific phrases (lower-case, dots removed) that must never open a PERSON span."""
    out: set[str] = set()
    for data in _LANG.values():
        for forms in list(data["hon"].values()) + list(data["dear"].values()):
            for h in forms:
                for part in h.split("|"):
                    p = part.replace(".", "").strip().lower()
                    if len(p) > 1 and p not in {"don", "d", "m", "me"}:
                        out.add(p)
    out.update({"mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "pan", "pani", "dott", "sig", "sigra",
                "mme", "mlle", "sr", "sra", "monsieur", "madame", "signor", "signora", "dhr", "mevr"})
    return tuple(sorted(out, key=len, reverse=True))


_HONORIFIC_CHECK = _honorific_phrases()
_HON_TOKENS = {p for p in _HONORIFIC_CHECK if " " not in p}

# ----------------------------------------------------------------------------------------------------------
# Faker pools
# ----------------------------------------------------------------------------------------------------------

_FAKERS: dict[str, Faker] = {}
_NAME_RE = re.compile(r"^[^\W\d_][^\d_()\[\]{}<>@#/\\:;,.!?\"]*$")
#: Faker providers whose city() depends on str hash randomisation (checked with two PYTHONHASHSEED values)
_UNSTABLE_CITY = {"it_IT"}
_TOWN_RE = re.compile(r"^[\d\s,-]+|\s*\([A-Z]{2}\)\s*$")
_BAD_ADDR = re.compile(r"\b(PSC|USNS|USS|USCGC|APO|FPO|DPO)\b")


def _faker(locale: str) -> Faker:
    f = _FAKERS.get(locale)
    if f is None:
        f = _FAKERS[locale] = Faker(locale)
    return f


def _clean_names(values: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        v = " ".join(v.split())
        if not v or not _NAME_RE.match(v):
            continue
        if v[0].islower():
            v = v[0].upper() + v[1:]
        if v.replace(".", "").lower().split()[0] in _HON_TOKENS or v in seen:
            continue
        seen.add(v)
        out.append(v)
    return out or ["Alex"]


class _Pool:
    """Values pre-drawn from one Faker locale (Faker is slow; drawing from lists is not)."""

    N_NAMES = 160
    N_OTHER = 60

    def __init__(self, locale: str, seed: int) -> None:
        latn = locale.endswith(_LATN)
        f = _faker(locale.removesuffix(_LATN))
        f.seed_instance(zlib.crc32(f"{seed}:{locale}".encode()))
        n, m = self.N_NAMES, self.N_OTHER
        if latn:
            male = getattr(f, "first_romanized_name_male", f.first_romanized_name)
            female = getattr(f, "first_romanized_name_female", f.first_romanized_name)
            self.first = {"m": _clean_names([male() for _ in range(n)]),
                          "f": _clean_names([female() for _ in range(n)])}
            last = _clean_names([f.last_romanized_name() for _ in range(n)])
            self.last = {"m": last, "f": last}
        else:
            self.first = {"m": _clean_names([f.first_name_male() for _ in range(n)]),
                          "f": _clean_names([f.first_name_female() for _ in range(n)])}
            self.last = {"m": _clean_names([f.last_name_male() for _ in range(n)]),
                         "f": _clean_names([f.last_name_female() for _ in range(n)])}
        self.company = [c for c in (f.company() for _ in range(m)) if c.strip()]
        self.job = [j for j in (f.job() for _ in range(m)) if 2 < len(j) < 60]
        self.phone = [f.phone_number() for _ in range(m)]
        self.city = [f.city() for _ in range(m)] if locale not in _UNSTABLE_CITY else []
        self.country = [f.country() for _ in range(m // 2)]
        self.email = [f.free_email() for _ in range(m // 2)]
        self.addr: list[list[str]] = []
        self.street: list[str] = []
        self.sname: list[str] = []
        self.pccity: list[str] = []

    def fill_addresses(self, locale: str, seed: int) -> None:
        if self.addr:
            return
        f = _faker(locale)
        f.seed_instance(zlib.crc32(f"{seed}:{locale}:addr".encode()))
        for _ in range(self.N_OTHER * 2):
            a = f.address()
            if _BAD_ADDR.search(a):
                continue
            lines = [" ".join(x.split()) for x in a.split("\n") if x.strip()]
            self.addr.append(lines)
            if len(lines) >= 2:
                self.pccity.append(lines[-1])
        self.sname = [" ".join(f.street_name().split()) for _ in range(self.N_OTHER)]
        self.street = [" ".join(f.street_address().split()) for _ in range(self.N_OTHER)]
        self.street = [s for s in self.street if not _BAD_ADDR.search(s)] or [self.addr[0][0]]
        if not self.pccity:
            self.pccity = [f"{f.postcode()} {f.city()}" for _ in range(self.N_OTHER // 2)]
        if not self.city:  # towns taken from the address lines ("05035, Narni Scalo (TR)" -> "Narni Scalo")
            towns = (_TOWN_RE.sub("", lines[-1]).strip(" ,") for lines in self.addr if len(lines) > 1)
            self.city = [t for t in towns if t] or ["Roma"]
        self.postcode = [f.postcode() for _ in range(self.N_OTHER)]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.pools: dict[str, _Pool] = {}

    def pool(self, locale: str) -> _Pool:
        p = self.pools.get(locale)
        if p is None:
            p = self.pools[locale] = _Pool(locale, self.seed)
        return p

    def addr_pool(self, locale: str) -> _Pool:
        p = self.pool(locale)
        p.fill_addresses(locale, self.seed)
        return p


# ----------------------------------------------------------------------------------------------------------
# Templates
# ----------------------------------------------------------------------------------------------------------

_SLOT_RE = re.compile(r"\{([a-z_]+)(\d?)\}")
_TPL_CACHE: dict[str, list[tuple[str, str | None, int]]] = {}


def _compile(tpl: str) -> list[tuple[str, str | None, int]]:
    c = _TPL_CACHE.get(tpl)
    if c is None:
        c = []
        pos = 0
        for m in _SLOT_RE.finditer(tpl):
            if m.start() > pos:
                c.append((tpl[pos:m.start()], None, 0))
            c.append(("", m.group(1), int(m.group(2) or 1)))
            pos = m.end()
        if pos < len(tpl):
            c.append((tpl[pos:], None, 0))
        _TPL_CACHE[tpl] = c
    return c


_PARTICLES = {
    "nl": ["van", "van der", "van den", "de", "ter", "van de"], "de": ["von", "von der", "zu", "van"],
    "fr": ["de", "du", "de la", "Le", "d'"], "es": ["de la", "del", "de"], "it": ["Di", "De", "Lo", "Della"],
    "pt": ["da", "dos", "de"], "en": ["O'", "Mc", "Mac", "van", "de"],
}


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and (c.isalnum() or c in ".-")).lower()


class _Ctx:
    """One example under construction: segments of text, each with a label or None."""

    def __init__(self, gen: _Gen, rng: random.Random, lang: str, shape: str) -> None:
        self.g = gen
        self.rng = rng
        self.lang = lang
        self.L = _LANG[lang]
        self.shape = shape
        self.segs: list[Seg] = []
        self.persons: dict[int, dict[str, Any]] = {}
        self.caps = False
        self.lower_p = 0.1 if shape == "chat" else 0.0
        self.addr_caps_p = 0.04

    # -- output -------------------------------------------------------------------------------------------
    def emit(self, text: str, label: str | None = None) -> None:
        if label is None and text.startswith(".") and self.segs and self.segs[-1][0].endswith("."):
            text = text[1:]  # "… 12 Main St." + "." reads as one full stop
        if text:
            self.segs.append((text, label))

    def ent(self, text: str, label: str) -> None:
        if self.caps:
            text = text.upper()
        elif label == PER and self.lower_p and self.rng.random() < self.lower_p:
            text = text.lower()
        self.emit(text, label)

    def val(self, text: str) -> None:
        self.emit(text.upper() if self.caps else text)

    def fill(self, tpl: str) -> None:
        for lit, slot, idx in _compile(tpl):
            if slot is None:
                self.emit(lit)
            else:
                self.slot(slot, idx)

    # -- locales ------------------------------------------------------------------------------------------
    def name_locale(self) -> str:
        rng = self.rng
        if rng.random() < self.L["diversity"]:
            locs = list(_NAME_LOCALES)
            return rng.choices(locs, weights=[_NAME_LOCALES[k] for k in locs])[0]
        locs = [k for k in self.L["name_locales"] if k in _NAME_LOCALES]
        return rng.choices(locs, weights=[self.L["name_locales"][k] for k in locs])[0]

    def addr_style(self) -> str:
        rng = self.rng
        if rng.random() < self.L["foreign_addr"]:
            return rng.choice(sorted(_SPECS.keys() | {k for k, v in _STYLE_FAKER.items() if v}))
        st = self.L["styles"]
        keys = list(st)
        return rng.choices(keys, weights=[st[k] for k in keys])[0]

    # -- people -------------------------------------------------------------------------------------------
    def person(self, idx: int) -> dict[str, Any]:
        p = self.persons.get(idx)
        if p is None:
            p = self.persons[idx] = self.make_person()
        return p

    def make_person(self) -> dict[str, Any]:
        rng = self.rng
        loc = self.name_locale()
        pool = self.g.pool(loc)
        g = "m" if rng.random() < 0.5 else "f"
        first = rng.choice(pool.first[g])
        last = rng.choice(pool.last[g])
        if loc in _SURNAME_FIRST_SCRIPTS:  # "王伟", "김민준", "佐藤 花子": surname first, no middle part
            return {"first": first, "last": last, "full": f"{last}{_SURNAME_FIRST_SCRIPTS[loc]}{first}", "g": g,
                    "loc": loc}
        r = rng.random()
        middle = ""
        eastern = loc.startswith("hu") and bool(self.L.get("eastern_order"))
        if r < 0.08:
            middle = rng.choice(pool.first[g])
            if middle == first or eastern:
                middle = ""
        elif r < 0.15 and not eastern:
            middle = rng.choice("ABCDEFGHJKLMNPRSTW") + "."
        elif r < 0.2:
            first2 = rng.choice(pool.first[g])
            if first2 != first:
                first = f"{first}-{first2}"
        elif r < 0.27:
            other = rng.choice(pool.last[g])
            if other != last:
                last = f"{last}-{other}"
        elif r < 0.34 and unicodedata.name(last[0], "").startswith("LATIN"):  # no "von" before Arabic
            plist = _PARTICLES.get(loc[:2], _PARTICLES["en"] if loc.startswith(("en", "ga")) else ["van", "de", "von"])
            part = rng.choice(plist)
            last = f"{part}{last}" if part.endswith("'") or part in ("Mc", "Mac") and rng.random() < 0.6 else \
                f"{part} {last}"
        elif r < 0.4 or (loc[:2] in ("es", "pt") and r < 0.6):
            other = rng.choice(pool.last[g])
            if other != last:
                last = f"{last} {other}"
        if eastern:
            full = f"{last} {first}"
        else:
            full = " ".join(x for x in (first, middle, last) if x)
        if rng.random() < 0.05 and not middle:
            full = f"{first[0]}. {last}"
        elif loc.startswith("en_") and rng.random() < _SUFFIX_SHARE:
            full = f"{full} {rng.choice(_NAME_SUFFIXES)}"
        return {"first": first, "last": last, "full": full, "g": g, "loc": loc}

    def full_name(self, p: dict[str, Any]) -> str:
        """The full name as written in this slot: usually as drawn, sometimes surname first, as registers,
        directories and exports list people ("Meza, Barbara"), sometimes with the surname in capitals, as
        French and clinical records write it ("DUPONT Jean", "Jean DUPONT")."""
        r = self.rng.random()
        if not p["full"].startswith(p["first"]) or p["loc"] in _SURNAME_FIRST_SCRIPTS:
            return p["full"]
        if r < _INVERTED_SHARE:
            return f"{p['last']}, {p['first']}"
        if r < _INVERTED_SHARE + _CAPS_SURNAME_SHARE and len(p["last"].upper()) == len(p["last"]):
            last = p["last"].upper()
            return f"{last} {p['first']}" if self.rng.random() < 0.5 else f"{p['first']} {last}"
        return p["full"]

    def hon_person(self, p: dict[str, Any], forms: list[str], surname: str) -> None:
        h = self.rng.choice(forms)
        pre, _, suf = h.partition("|")
        pre, suf = pre.strip(), suf.strip()
        if pre:
            self.val(pre + " ")
        self.ent(surname, PER)
        if suf:
            self.val(" " + suf)

    # -- addresses ----------------------------------------------------------------------------------------
    def address_source(self, style: str) -> tuple[dict[str, Any] | None, _Pool | None]:
        """Where an address of `style` comes from: its composition rules (always when Faker has no locale for
        it, else 60% of the time) or its Faker locale's pre-drawn pool; exactly one of the two is set."""
        spec = _SPECS.get(style)
        floc = _STYLE_FAKER.get(style)
        if spec is not None and (floc is None or self.rng.random() < 0.6):
            return spec, None
        assert floc is not None
        return None, self.g.addr_pool(floc)

    def address_lines(self) -> list[str]:
        spec, pool = self.address_source(self.addr_style())
        if spec is not None:
            return self.compose(spec)
        assert pool is not None
        return list(self.rng.choice(pool.addr))

    def nums(self) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        n = rng.randint(1, 30) if r < 0.6 else rng.randint(1, 200) if r < 0.95 else rng.randint(1, 2000)
        return {"n": n, "n1": rng.randint(1, 9), "n2": rng.randint(1, 60), "n3": rng.randint(10, 9999),
                "n4": rng.randint(1001, 1404), "a": rng.choice("abcd"), "A": rng.choice("ABCDEF")}

    def postcode(self, spec: dict[str, Any]) -> str:
        rng = self.rng
        pc = spec["pc"]
        if pc == "faker":
            return rng.choice(self.g.addr_pool("en_GB").postcode)
        if pc == "eircode":
            return rng.choice(_EIRCODE_KEYS) + " " + "".join(rng.choice(_EIRCODE_CHARS) for _ in range(4))
        pat = rng.choice(pc) if isinstance(pc, list) else pc
        out = "".join(str(rng.randint(0, 9)) if ch == "#" else rng.choice("ABCDEFGHJKLMNPRSTVWXZ") if ch == "@"
                      else ch for ch in pat)
        if out[0] == "0" and spec.get("pcpre") is None and pat.startswith("#") and rng.random() < 0.5:
            out = str(rng.randint(1, 9)) + out[1:]
        if spec.get("pcpre") and rng.random() < 0.12:
            out = rng.choice(spec["pcpre"]) + out
        return out

    def city_line(self, spec: dict[str, Any], fmts: list[str] | None = None) -> str:
        rng = self.rng
        city = rng.choice(spec["cities"])
        fmt = rng.choice(fmts or spec["cline"])
        return fmt.format(pc=self.postcode(spec), city=city, CITY=city.upper())

    def street_line(self, spec: dict[str, Any]) -> str:
        rng = self.rng
        nums = self.nums()
        line = rng.choice(spec["fmt"]).format(s=rng.choice(spec["streets"]), **nums)
        if spec.get("extra") and rng.random() < spec.get("pextra", 0.25):
            line += rng.choice(spec["extra"]).format(**nums)
        return line

    def compose(self, spec: dict[str, Any]) -> list[str]:
        rng = self.rng
        lines = [self.street_line(spec)]
        if spec.get("pre") and rng.random() < 0.18:
            pre = rng.choice(spec["pre"]).format(**self.nums())
            if rng.random() < 0.5:
                lines = [pre, lines[0]]
            else:
                lines = [f"{pre}, {lines[0]}"]
        cl = self.city_line(spec).split("\n")
        if rng.random() < spec.get("order_cs", 0.0):
            lines = cl + lines
        else:
            lines = lines + cl
        if rng.random() < 0.06:
            lines.append(rng.choice(spec["country"]))
        return lines

    def render_addr(self, lines: list[str], multiline: bool) -> str:
        rng = self.rng
        if multiline and len(lines) > 1:
            if len(lines) > 2 and rng.random() < 0.3:
                lines = [f"{lines[0]}, {lines[1]}", *lines[2:]]
            text = "\n".join(lines)
        else:
            sep = rng.choices([", ", " ", " - ", "; "], weights=[75, 18, 4, 3])[0]
            text = sep.join(lines)
        if rng.random() < self.addr_caps_p:
            text = text.upper()
        return text

    def street_only(self) -> str:
        spec, pool = self.address_source(self.addr_style())
        if spec is not None:
            return self.street_line(spec)
        assert pool is not None
        return self.rng.choice(pool.street)

    def street_name(self) -> str:
        """A street named without a house number ("Maple Drive", "Seaview Terrace"), from the language's own
        address styles: foreign street names on their own lose the type word their format adds ("ul. ")."""
        style = self.addr_style()
        if style not in self.L["styles"]:
            style = self.rng.choice(sorted(self.L["styles"]))
        spec, pool = self.address_source(style)
        if spec is not None:
            return self.rng.choice(spec["streets"])
        assert pool is not None
        return self.rng.choice(pool.sname)

    def pccity(self) -> str:
        spec, pool = self.address_source(self.addr_style())
        if spec is not None:
            return self.city_line(spec, spec.get("pcc")).replace("\n", " ")
        assert pool is not None
        return self.rng.choice(pool.pccity)

    # -- slots --------------------------------------------------------------------------------------------
    def main_pool(self) -> _Pool:
        loc = next(iter(self.L["name_locales"]))
        return self.g.addr_pool(loc) if loc in _UNSTABLE_CITY else self.g.pool(loc)

    def slot(self, name: str, idx: int) -> None:
        rng = self.rng
        L = self.L
        if name in ("name", "first", "last", "hon", "honf", "dear", "lastfirst"):
            p = self.person(idx)
            if name == "name":
                self.ent(self.full_name(p), PER)
            elif name == "first":
                self.ent(p["first"], PER)
            elif name == "last":
                self.ent(p["last"], PER)
            elif name == "lastfirst":
                self.ent(f"{p['last']}, {p['first']}", PER)
            elif name == "hon":
                self.hon_person(p, L["hon"][p["g"]], p["last"])
            elif name == "honf":
                forms = [h for h in L["hon"][p["g"]] if not h.startswith("|")] or L["hon"][p["g"]]
                self.hon_person(p, forms, p["full"])
            else:  # dear
                self.hon_person(p, L["dear"][p["g"]], p["last"] if rng.random() < 0.8 else p["full"])
            return
        if name in ("art", "artc"):  # the Greek article before the person's name: ο/η
            article = "ο" if self.person(idx)["g"] == "m" else "η"
            self.val(article.upper() if name == "artc" else article)
            return
        if name == "addr":
            self.ent(self.render_addr(self.address_lines(), False), ADR)
        elif name == "addrml":
            self.ent(self.render_addr(self.address_lines(), True), ADR)
        elif name == "street":
            self.ent(self.street_only(), ADR)
        elif name == "pccity":
            self.ent(self.pccity(), ADR)
        elif name == "sname":
            self.ent(self.street_name(), ADR)
        else:
            self.val(self.value(name, idx))

    def value(self, name: str, idx: int) -> str:
        rng = self.rng
        L = self.L
        pool = self.main_pool()
        if name == "company":
            return rng.choice(pool.company if rng.random() < 0.8 else self.g.pool("en_US").company)
        if name == "job":
            jobs = pool.job if L is not _LANG["en"] else self.g.pool("en_US").job
            return rng.choice(jobs if rng.random() < 0.85 else _EXTRA_JOBS)
        if name == "product":
            return rng.choice(_PRODUCTS)
        if name == "drug":
            return rng.choice(_DRUGS)
        if name == "bank":
            return rng.choice(_BANKS)
        if name == "city":
            style = self.addr_style()
            spec = _SPECS.get(style)
            if spec is not None and rng.random() < 0.6:
                return rng.choice(spec["cities"]).split(",")[0]
            return rng.choice(pool.city)
        if name == "country":
            return rng.choice(pool.country)
        if name == "phone":
            return rng.choice(pool.phone)
        if name == "email":
            p = self.persons.get(idx)
            if p is not None and rng.random() < 0.7:
                a, b = _ascii(p["first"]), _ascii(p["last"].split()[-1])
                local = rng.choice([f"{a}.{b}", f"{a[:1]}{b}", f"{a}{rng.randint(1, 99)}", f"{b}.{a}"])
                return f"{local}@{rng.choice(_DOMAINS)}"
            return rng.choice(pool.email)
        if name in ("date", "dob"):
            y = rng.randint(1940, 2006) if name == "dob" else rng.randint(2019, 2026)
            m, d = rng.randint(1, 12), rng.randint(1, 28)
            return rng.choice(L["dates"]).format(d=d, m=m, y=y, Mon=L["months"][m - 1])
        if name == "time":
            return rng.choice(["{h}:{mm:02d}", "{h}.{mm:02d}"]).format(h=rng.randint(8, 18), mm=rng.choice([0, 15,
                                                                                                             30, 45]))
        if name == "weekday":
            return rng.choice(L["weekdays"])
        if name == "month":
            return rng.choice(L["months"])
        if name == "team":
            return rng.choice(L["teams"])
        if name == "noun":
            return rng.choice(L.get("nouns") or ["Invoice"])
        if name == "amount":
            v = rng.randint(5, 25000) + rng.randint(0, 99) / 100
            en = f"{v:,.2f}"
            eu = en.replace(",", " ").replace(".", ",").replace(" ", rng.choice([".", " ", ""]))
            return rng.choice(L["money"]).format(en=en, eu=eu)
        if name == "order":
            return rng.choice(["#{d6}", "ORD-{d8}", "INV-2024-{d4}", "{AB}{d6}", "A{d7}", "{d10}", "SR-{d5}"]).format(
                d4=rng.randint(1000, 9999), d5=rng.randint(10000, 99999), d6=rng.randint(100000, 999999),
                d7=rng.randint(10 ** 6, 10 ** 7 - 1), d8=rng.randint(10 ** 7, 10 ** 8 - 1),
                d10=rng.randint(10 ** 9, 10 ** 10 - 1), AB=rng.choice(["AB", "DE", "PL", "FR", "XZ", "GB"]))
        if name == "num":
            return str(rng.randint(2, 99))
        if name in _DX_SLOTS:
            return _dx_value(self, name)
        raise KeyError(f"unknown template slot {name!r}")


# ----------------------------------------------------------------------------------------------------------
# Structured shapes built in code (localised through the language data)
# ----------------------------------------------------------------------------------------------------------


def _build_email(c: _Ctx) -> None:
    rng, L = c.rng, c.L
    if rng.random() < 0.35:
        h = L["hdr"] if rng.random() < 0.7 else _LANG["en"]["hdr"]
        c.emit(f"{h[0]}: ")
        if rng.random() < 0.6:
            c.fill("{name2} <")
            c.val(c.value("email", 2))
            c.emit(">")
        else:
            c.val(c.value("email", 2))
        c.emit(f"\n{h[1]}: ")
        c.val(c.value("email", 1))
        c.emit(f"\n{h[2]}: ")
        c.fill(rng.choice(L["subj"]))
        c.emit("\n\n")
    c.fill(rng.choice(L["greet"]))
    c.emit("\n\n")
    paras = 1 if rng.random() < 0.85 else rng.randint(2, 3)
    bodies = rng.sample(L["body"], k=min(paras, len(L["body"])))
    for i, b in enumerate(bodies):
        if i:
            c.emit("\n\n")
        c.fill(b[0].upper() + b[1:] if rng.random() < 0.5 or i else b)
    c.emit("\n\n")
    c.fill(rng.choice(L["bye"]))
    c.emit("\n")
    _signature(c)


def _signature(c: _Ctx) -> None:
    rng = c.rng
    r = rng.random()
    if r < 0.3:
        c.fill("{first2}")
    elif r < 0.55:
        c.fill("{name2}")
    elif r < 0.75:
        c.fill(rng.choice(["{name2}\n{job}\n{company}", "{name2} | {job} | {company}", "{name2}\n{job}, {company}"]))
    else:
        c.fill(rng.choice(["{name2}\n{job}\n{company}\n", "{name2} | {company}\n", "{name2}\n{company}\n"]))
        lab = c.L["lab"]
        c.fill(rng.choice(["Tel: {phone}\n{addrml}", f"{{addrml}}\n{lab['phone']}: {{phone}}",
                           "{addr} | {phone}", "{addr}\nT {phone} | {email2}"]))


def _build_form(c: _Ctx) -> None:
    rng, lab = c.rng, c.L["lab"]
    c.caps = rng.random() < 0.22
    sep = rng.choice([": ", ": ", ":\t", " - ", " = ", ":  ", ": "])
    up = rng.random() < 0.25

    def line(key: str, tpl: str) -> None:
        label = lab[key].upper() if up else lab[key]
        c.emit(label + sep)
        c.fill(tpl)
        c.emit("\n")

    if rng.random() < 0.3:
        c.emit(rng.choice(["=== ", "--- ", "", "# "]))
        c.fill(rng.choice(["{company}", "{team}", "{order}"]))
        c.emit("\n")
    r = rng.random()
    if r < 0.6:
        line("name", "{name}")
    elif r < 0.85:
        line("first", "{first}")
        line("last", "{last}")
    else:
        line("name", "{lastfirst}")
    fields = ["addr", "phone", "email", "dob", "cust", "company", "note", "idn", "acct", "age", "room"]
    rng.shuffle(fields)
    chosen = [f for f in fields if rng.random() < 0.55]
    if "addr" not in chosen and rng.random() < 0.8:
        chosen.insert(0, "addr")
    for f in chosen:
        if f == "addr":
            a = rng.random()
            if a < 0.55:
                line("addr", "{addr}")
            elif a < 0.75:
                line("street", "{street}")
                line("pcity", "{pccity}")
            elif a < 0.85:
                line("street", "{street}")
                line("city", "{city}")
            else:
                label = lab["addr"].upper() if up else lab["addr"]
                c.emit(label + ":\n")
                c.fill("{addrml}")
                c.emit("\n")
        elif f == "phone":
            line("phone", "{phone}")
        elif f == "email":
            line("email", "{email}")
        elif f == "dob":
            line("dob", "{dob}")
        elif f == "cust":
            line("cust", "{order}")
        elif f == "company":
            line("company", "{company}")
        elif f in ("idn", "acct", "age", "room"):
            if rng.random() < 0.5:
                c.fill({"idn": "{idn}", "acct": "{acct}", "age": "{age}", "room": "{room}"}[f])
                c.emit("\n")
        else:
            line("note", rng.choice(["{product}", "{drug} 20 mg", "{team}", "{weekday}", "{city}"]))
    c.caps = False


def _csv_cell(c: _Ctx, text: str, label: str | None, delim: str) -> None:
    if c.caps:
        text = text.upper()
    quote = delim in text or '"' in text or (c.rng.random() < 0.1)
    if quote:
        c.emit('"')
    c.emit(text, label)
    if quote:
        c.emit('"')


def _build_csv(c: _Ctx, negative: bool = False) -> None:
    rng, lab = c.rng, c.L["lab"]
    delim = rng.choice([",", ";", ",", ";", "\t", "|"])
    gap = " " if rng.random() < 0.2 else ""
    c.caps = rng.random() < 0.12
    id_label, id_kind = rng.choice(_DX[c.lang]["ids"])
    heads = {**lab, "idn": id_label, "iban": "IBAN", "ph": lab["phone"], "dx": lab["date"]}
    if negative:
        cols = ["order", "product", "amount", "date", "city", "company", "idn", "iban", "ph", "dx"]
        cols = [x for x in cols if rng.random() < (0.8 if x in lab else 0.3)] or ["order", "product"]
    else:
        name_cols = rng.choice([["name"], ["name"], ["first", "last"], ["last", "first"]])
        addr_cols = rng.choice([["addr"], ["addr"], ["addr"], ["street", "city"], ["street", "pcity"], []])
        extra = [x for x in ("email", "phone", "company", "date", "amount") if rng.random() < 0.35]
        extra += [x for x in ("dob", "idn", "iban", "dx") if rng.random() < 0.2]
        cols = ["cust"] * (rng.random() < 0.5) + name_cols + addr_cols + extra
        if rng.random() < 0.5:
            rng.shuffle(cols)
    if rng.random() < 0.65:
        c.emit((delim + gap).join(heads.get(x, x) for x in cols) + "\n")
    for row in range(rng.randint(1, 4)):
        c.persons.pop(1, None)
        for i, col in enumerate(cols):
            if i:
                c.emit(delim + gap)
            p = c.person(1) if col in ("name", "first", "last") else None
            if col == "name":
                _csv_cell(c, p["full"] if p else "", PER, delim)
            elif col in ("first", "last"):
                _csv_cell(c, p[col] if p else "", PER, delim)
            elif col == "addr":
                _csv_cell(c, c.render_addr(c.address_lines(), False), ADR, delim)
            elif col == "street":
                _csv_cell(c, c.street_only(), ADR, delim)
            elif col == "pcity":
                _csv_cell(c, c.pccity(), ADR, delim)
            elif col == "cust":
                _csv_cell(c, str(rng.randint(1000, 99999)), None, delim)
            elif col == "idn":
                _csv_cell(c, _id_number(rng, id_kind), None, delim)
            elif col == "iban":
                _csv_cell(c, _iban(rng, c.lang), None, delim)
            else:
                _csv_cell(c, c.value(col, 1), None, delim)
        if row < 3:
            c.emit("\n")
    c.caps = False


def _build_letter(c: _Ctx) -> None:
    rng, L = c.rng, c.L
    c.addr_caps_p = 0.15
    if rng.random() < 0.5:
        c.fill("{company}\n{addrml}\n\n")
    c.fill(rng.choice(["{name}\n", "{honf}\n", "{name}\n"]))
    c.fill("{addrml}\n\n")
    c.addr_caps_p = 0.04
    c.fill(rng.choice(["{city}, {date}", "{date}"]))
    c.emit("\n\n")
    if rng.random() < 0.6:
        c.emit(L["re"] + " ")
        c.fill(rng.choice(L["subj"]))
        c.emit("\n\n")
    c.fill(rng.choice([g for g in L["greet"] if "{dear}" in g] or L["greet"]))
    c.emit("\n\n")
    b = rng.choice(L["body"])
    c.fill(b[0].upper() + b[1:])
    c.emit("\n\n")
    c.fill(rng.choice(L["bye"]))
    c.emit("\n\n")
    c.fill(rng.choice(["{name2}", "{name2}\n{job}", "{honf2}"]))


def _build_negative_form(c: _Ctx) -> None:
    rng, lab = c.rng, c.L["lab"]
    sep = rng.choice([": ", ":\t", " - "])
    for key, tpl in (("order", "{order}"), ("product", "{product}"), ("amount", "{amount}"), ("date", "{date}"),
                     ("company", "{company}"), ("city", "{city}"), ("phone", "{phone}"), ("email", "{email}"),
                     ("note", "{team}")):
        if rng.random() < 0.6:
            c.emit(lab[key] + sep)
            c.fill(tpl)
            c.emit("\n")
    if not c.segs:
        c.emit(lab["order"] + sep)
        c.fill("{order}")


# ----------------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------------


def _free(L: dict[str, Any], shape: str, key: str = "free") -> list[str]:
    return [t for s, t in L[key] if s == shape]


def _one(gen: _Gen, rng: random.Random) -> dict[str, Any]:
    lang = rng.choices(_LANGS, weights=_LANG_W)[0]
    L = _LANG[lang]
    negative = rng.random() < _NEG_SHARE
    if negative:
        r = rng.random()
        if r < 0.4:
            c = _Ctx(gen, rng, lang, rng.choice(("ticket", "form", "chat", "email", "hr", "clinical", "delivery")))
            for i in range(rng.choice((1, 1, 2, 2, 3, 4))):
                if i:
                    c.emit(rng.choice(["\n", "\n", " ", "\n\n"]))
                c.fill(_neg_line(c))
        elif r < 0.75:
            shape, tpl = rng.choice(L["neg"])
            c = _Ctx(gen, rng, lang, shape)
            c.fill(tpl)
            if rng.random() < 0.3:
                c.emit(rng.choice(["\n", " "]))
                c.fill(_neg_line(c))
        elif r < 0.88:
            c = _Ctx(gen, rng, lang, "csv")
            _build_csv(c, negative=True)
        else:
            c = _Ctx(gen, rng, lang, "form")
            _build_negative_form(c)
    else:
        shape = rng.choices(list(_SHAPE_WEIGHTS), weights=list(_SHAPE_WEIGHTS.values()))[0]
        c = _Ctx(gen, rng, lang, shape)
        if lang == "en" and rng.random() < _FRAME_SHARE:
            c.fill(prose_frames(rng))
        elif shape in ("hr", "email", "chat", "ticket") and rng.random() < 0.12:
            _build_minutes(c)
        elif shape == "chat":
            c.fill(rng.choice(L["chat"] + _free(L, "chat")))
        elif shape in ("email", "form", "letter") and _free(L, shape) and rng.random() < 0.25:
            c.fill(rng.choice(_free(L, shape)))
        elif shape == "email":
            _build_email(c)
        elif shape == "form":
            _build_form(c)
        elif shape == "letter":
            _build_letter(c)
        elif shape == "csv":
            _build_csv(c)
        else:
            c.fill(rng.choice(_free(L, shape) or [t for _, t in L["free"]]))
        if rng.random() < 0.3:
            _add_snippet(c)
    r = rng.random()
    if r < _LOWER_SHARE:
        # typed all in lower case (chat, hurried notes): every segment lowered where that keeps its length
        c.segs = [(t.lower() if len(t.lower()) == len(t) else t, label) for t, label in c.segs]
    elif r < _LOWER_SHARE + _UPPER_SHARE:
        # recipe 5: written all in capitals (forms, envelopes, legacy exports), where that keeps the length
        c.segs = [(t.upper() if len(t.upper()) == len(t) else t, label) for t, label in c.segs]
    text_parts: list[str] = []
    spans: list[list[Any]] = []
    pos = 0
    for t, label in c.segs:
        if label is not None:
            # entity text never carries outer whitespace (Faker values occasionally do)
            lead = len(t) - len(t.lstrip())
            core = t.strip()
            if core:
                spans.append([pos + lead, pos + lead + len(core), label])
        text_parts.append(t)
        pos += len(t)
    return {"text": "".join(text_parts), "spans": spans, "lang": lang, "shape": c.shape}


def generate(n: int, seed: int) -> list[dict]:
    """Exactly `n` examples, deterministic for (n, seed)."""
    gen = _Gen(seed)
    rng = random.Random(seed * 1_000_003 + 17)
    return [_one(gen, rng) for _ in range(n)]


def _template_counts() -> dict[str, int]:
    # the four code-built shapes (e-mail, form dump, CSV, letter) count once each per language, plus the e-mail
    # bodies, chats, free-text and negative templates written for that language
    return {k: 4 + len(v["body"]) + len(v["chat"]) + len(v["free"]) + len(v["neg"]) for k, v in _LANG.items()}


def describe() -> dict[str, Any]:
    """The recipe as data, for the model manifest."""
    return {
        "recipe_version": RECIPE_VERSION,
        "labels": list(LABELS),
        "languages": {k: _LANG_WEIGHTS[k] for k in _LANGS},
        "shapes": dict(_SHAPE_WEIGHTS),
        "negative_share": _NEG_SHARE,
        "name_locales": sorted(_NAME_LOCALES),
        "address_styles": {k: {"faker_locale": _STYLE_FAKER.get(k), "composition_rules": k in _SPECS}
                           for k in sorted(set(_STYLE_FAKER) | set(_SPECS))},
        "template_counts": _template_counts(),
        "faker_version": _faker_version(),
    }


def _faker_version() -> str:
    try:
        from importlib.metadata import version

        return version("faker")
    except Exception:  # pragma: no cover - metadata missing
        return "unknown"


# ----------------------------------------------------------------------------------------------------------
# Self-check and CLI
# ----------------------------------------------------------------------------------------------------------


def check(n: int = 5000, seed: int = 7) -> list[str]:
    """Invariant violations in `n` examples (empty list: all good)."""
    errors: list[str] = []
    t0 = time.perf_counter()
    a = generate(n, seed)
    t1 = time.perf_counter()
    b = generate(n, seed)
    if json.dumps(a, ensure_ascii=False) != json.dumps(b, ensure_ascii=False):
        errors.append("determinism: two calls with the same (n, seed) differ")
    if len(a) != n:
        errors.append(f"count: asked {n}, got {len(a)}")
    digest = hashlib.sha256(json.dumps(a, ensure_ascii=False).encode()).hexdigest()
    for hash_seed in ("0", "12345"):
        code = (f"import hashlib, json; from gdprep.privacy.nermodel.corpus import generate; "
                f"print(hashlib.sha256(json.dumps(generate({n}, {seed}), ensure_ascii=False).encode()).hexdigest())")
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
        if out.stdout.strip() != digest:
            errors.append(f"determinism: a process with PYTHONHASHSEED={hash_seed} gives different output "
                          f"{out.stderr.strip()[-300:]}")
    for i, ex in enumerate(a):
        text = ex["text"]
        prev_end = -1
        if set(ex) != {"text", "spans", "lang", "shape"}:
            errors.append(f"#{i}: keys {sorted(ex)}")
        for start, end, label in sorted(ex["spans"]):
            where = f"#{i} [{start}:{end}] {label}"
            if label not in LABELS:
                errors.append(f"{where}: unknown label")
            if not (0 <= start < end <= len(text)):
                errors.append(f"{where}: out of bounds")
                continue
            s = text[start:end]
            if s != s.strip():
                errors.append(f"{where}: outer whitespace {s!r}")
            if start < prev_end:
                errors.append(f"{where}: overlaps previous span")
            prev_end = end
            if label == PER:
                low = s.lower().replace(".", "")
                for h in _HONORIFIC_CHECK:
                    if low == h or low.startswith(h + " "):
                        errors.append(f"{where}: honorific inside PERSON span {s!r}")
                        break
        if ex["shape"] not in SHAPES:
            errors.append(f"#{i}: unknown shape {ex['shape']}")
    print(f"check: {n} examples generated in {t1 - t0:.1f} s; {len(errors)} violations", file=sys.stderr)
    return errors


def _alignment(examples: list[dict]) -> str:
    try:
        import spacy
    except ImportError:  # pragma: no cover
        return "spaCy not installed; token alignment not measured"
    from gdprep.privacy.nermodel.train import with_row_separators

    nlp = with_row_separators(spacy.blank("en"))  # the tokenizer the model is trained and run with
    total = strict = 0
    for ex in examples:
        doc = nlp.make_doc(ex["text"])
        for s, e, label in ex["spans"]:
            total += 1
            strict += doc.char_span(s, e, label=label) is not None
    return f"token alignment (spacy.blank('en') + infix [,;|\"]): {strict}/{total} spans on token boundaries " \
           f"({100 * strict / max(total, 1):.2f}%)"


def _stats(examples: list[dict], seconds: float) -> str:
    labels: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    shapes: Counter[str] = Counter()
    empty = 0
    lengths = sorted(len(e["text"]) for e in examples)
    for e in examples:
        langs[e["lang"]] += 1
        shapes[e["shape"]] += 1
        empty += not e["spans"]
        for _, _, label in e["spans"]:
            labels[label] += 1
    n = len(examples)

    def fmt(c: Counter[str]) -> str:
        return "\n".join(f"  {k:<16}{v:>8}  {100 * v / n:5.1f}%" for k, v in c.most_common())

    return (f"examples: {n}   generated in {seconds:.1f} s\n"
            f"examples without spans: {empty} ({100 * empty / max(n, 1):.1f}%)\n"
            f"spans per label:\n" + "\n".join(f"  {k:<16}{v:>8}" for k, v in labels.most_common()) +
            f"\nper language (examples):\n{fmt(langs)}\nper shape (examples):\n{fmt(shapes)}\n"
            f"text length: min {lengths[0]}, median {lengths[n // 2]}, p95 {lengths[int(n * 0.95)]}, "
            f"max {lengths[-1]}; under 40: {sum(x < 40 for x in lengths)}, over 600: {sum(x > 600 for x in lengths)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gdprep.privacy.nermodel.corpus", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stats", action="store_true", help="print counts per label/language/shape and the time")
    ap.add_argument("--check", action="store_true", help="verify the invariants on 5,000 examples (or --n)")
    ap.add_argument("--describe", action="store_true", help="print the recipe as JSON")
    args = ap.parse_args(argv)
    if args.describe:
        print(json.dumps(describe(), ensure_ascii=False, indent=2))
        return 0
    if args.check:
        n = args.n if args.n != 20 else 5000
        errors = check(n, args.seed)
        for e in errors[:50]:
            print(e)
        print(_alignment(generate(min(n, 5000), args.seed)))
        print("OK" if not errors else f"FAILED: {len(errors)} violations")
        return 1 if errors else 0
    t0 = time.perf_counter()
    examples = generate(args.n, args.seed)
    seconds = time.perf_counter() - t0
    if args.stats:
        print(_stats(examples, seconds))
        return 0
    for ex in examples:
        print(json.dumps(ex, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
