"""Independent, evaluation-only source of labelled personal-data text.

Everything here (names, streets, postcodes, templates, check-digit arithmetic) is written in this file and
nowhere else; nothing is derived from the detector or from any other data generator. Spans are recorded while
the template is being filled (offsets tracked as the string grows), never found by searching the text.

    python bench/sources/independent.py --n 20 --seed 1     # JSONL on stdout
    python bench/sources/independent.py --check             # invariants over 2,000 records + distribution
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any

# ---------------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------------

_DIGITS = "0123456789"


def _pat(rng: Random, pattern: str, letters: str = "ABCDEFGHJKLMNPRSTUVWXYZ", alnum: str = "") -> str:
    """Fill a pattern: '#' any digit, '%' a non-zero digit, '@' a letter from `letters`, '^' from `alnum`."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(rng.choice(_DIGITS))
        elif ch == "%":
            out.append(rng.choice("123456789"))
        elif ch == "@":
            out.append(rng.choice(letters))
        elif ch == "^":
            out.append(rng.choice(alnum or letters + _DIGITS))
        else:
            out.append(ch)
    return "".join(out)


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d",
                       "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d"})


def _ascii(s: str) -> str:
    s = s.translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _split(s: str) -> list[str]:
    return [x.strip() for x in s.split(";") if x.strip()]


# ---------------------------------------------------------------------------------------------------------------
# Names: culture -> (male given names, female given names, surnames). "m|f" gives gendered surname forms,
# "script=latin" gives a Greek-script name with its transliteration (used for e-mail local parts).
# ---------------------------------------------------------------------------------------------------------------

_NAMES: dict[str, tuple[str, str, str]] = {
    "en_gb": ("James;Oliver;Harry;George;Thomas;William;Jack;Daniel;Callum;Rhys",
              "Emily;Charlotte;Sophie;Hannah;Olivia;Amelia;Jessica;Lucy;Bethan;Imogen",
              "Smith;Taylor;Hughes;Whitfield;Pemberton;Ashworth;Clarke;Holloway;Thornton;Fairbairn;Llewellyn;"
              "Macdonald"),
    "ie": ("Seán;Cian;Oisín;Pádraig;Ciarán;Darragh;Eoin",
           "Aoife;Siobhán;Niamh;Caoimhe;Róisín;Sinéad;Orla",
           "O'Sullivan;Ó Súilleabháin|Ní Shúilleabháin;McCarthy;Fitzgerald;Byrne;Mac Giolla Phádraig;Doherty;"
           "Kavanagh;O'Brien;Ó Briain|Ní Bhriain;Ó Ceallaigh|Ní Cheallaigh"),
    "de": ("Lukas;Jonas;Maximilian;Jürgen;Matthias;Felix;Hans-Peter;Tobias",
           "Anna;Lea;Sabine;Katharina;Hannelore;Mia;Anna-Lena;Ute",
           "Müller;Schneider;Weißenberger;Hoffmann;Becker;Krüger;von Stetten;Schäfer;Zimmermann;Brandstätter;"
           "Oberhuber;Gruber"),
    "fr": ("Étienne;Julien;Mathieu;Benoît;Hugo;Théo;Jean-Baptiste",
           "Chloé;Élodie;Margaux;Léa;Anaïs;Camille;Marie-Claire",
           "Dubois;Lefèvre;Moreau;Girard;Rousseau;Fournier;Chevalier;Leclerc;Deschamps;Lambert-Roy;Peeters;"
           "Wagner"),
    "es": ("Alejandro;Javier;Sergio;Íñigo;Pablo;José Luis",
           "Lucía;María José;Carmen;Nuria;Ainhoa;Begoña",
           "García López;Fernández;Martínez Ruiz;Sánchez;Gómez de la Serna;Iglesias;Etxeberria;Navarro Gil;"
           "Muñoz"),
    "it": ("Giuseppe;Lorenzo;Matteo;Alessandro;Francesco;Gianluca",
           "Giulia;Chiara;Francesca;Alessia;Beatrice;Maria Grazia",
           "Rossi;Bianchi;Esposito;Colombo;Ricci;De Luca;Marchetti;Lombardi;D'Angelo;Santoro"),
    "nl": ("Daan;Sem;Bram;Thijs;Joost;Pieter-Jan",
           "Sanne;Fleur;Lotte;Femke;Anouk;Marieke",
           "de Vries;van den Berg;Jansen;Bakker;Visser;van Dijk;Smit;Meijer;de Groot;Mulder;Van Damme"),
    "pt": ("João;Tiago;Rui;Gonçalo;Duarte;Nuno",
           "Inês;Beatriz;Mariana;Leonor;Carolina;Conceição",
           "Silva;Santos;Ferreira;Pereira;Gonçalves;Rodrigues;Carvalho;Sousa Lima;Magalhães;Brandão"),
    "pl": ("Piotr;Krzysztof;Tomasz;Grzegorz;Łukasz;Paweł;Wojciech",
           "Agnieszka;Małgorzata;Katarzyna;Zofia;Joanna;Ewa;Jadwiga",
           "Kowalski|Kowalska;Wiśniewski|Wiśniewska;Nowak;Wójcik;Zieliński|Zielińska;Szymański|Szymańska;"
           "Dąbrowski|Dąbrowska;Lewandowski|Lewandowska;Grzybowski|Grzybowska;Kaczmarek;Błaszczykowski|Błaszczykowska"),
    "cs": ("Jiří;Tomáš;Ondřej;Miroslav;Vojtěch;Marek",
           "Lenka;Markéta;Tereza;Zuzana;Jana;Ľubica",
           "Novák|Nováková;Svoboda|Svobodová;Dvořák|Dvořáková;Černý|Černá;Procházka|Procházková;"
           "Kučera|Kučerová;Horváth|Horváthová;Veselý|Veselá;Šťastný|Šťastná"),
    "hu": ("László;Zoltán;Gábor;István;Bence;Attila",
           "Erzsébet;Katalin;Zsófia;Ildikó;Réka;Enikő",
           "Nagy;Kovács;Tóth;Szabó;Horváth;Varga;Kiss;Molnár;Németh;Farkas;Szűcs"),
    "fi": ("Juha;Mikko;Timo;Jukka;Eero;Ville",
           "Aino;Päivi;Tuula;Satu;Helmi;Sanna",
           "Virtanen;Korhonen;Mäkinen;Nieminen;Hämäläinen;Laaksonen;Heikkinen;Järvinen"),
    "et": ("Jaan;Tõnu;Margus;Rein;Priit;Indrek",
           "Kadri;Triin;Liis;Maarja;Kersti;Ülle",
           "Tamm;Saar;Sepp;Mägi;Kask;Kukk;Rebane;Ilves;Õunapuu;Pärn"),
    "lv": ("Jānis;Andris;Edgars;Mārtiņš;Kārlis;Raimonds",
           "Ilze;Līga;Inese;Kristīne;Dace;Agnese",
           "Bērziņš|Bērziņa;Kalniņš|Kalniņa;Ozols|Ozola;Liepiņš|Liepiņa;Krūmiņš|Krūmiņa;Vītols|Vītola;"
           "Zariņš|Zariņa"),
    "lt": ("Tomas;Mindaugas;Darius;Vytautas;Žygimantas;Gediminas",
           "Rūta;Eglė;Ieva;Gintarė;Aušra;Jurgita",
           "Kazlauskas|Kazlauskienė;Petrauskas|Petrauskienė;Jankauskas|Jankauskienė;Žukauskas|Žukauskienė;"
           "Butkus|Butkienė;Paulauskas|Paulauskienė;Vasiliauskas|Vasiliauskienė"),
    "el": ("Γιώργος=Giorgos;Νίκος=Nikos;Δημήτρης=Dimitris;Κωνσταντίνος=Konstantinos;Παναγιώτης=Panagiotis;"
           "Γιάννης=Giannis",
           "Μαρία=Maria;Ελένη=Eleni;Κατερίνα=Katerina;Σοφία=Sofia;Αικατερίνη=Aikaterini;Δέσποινα=Despoina",
           "Παπαδόπουλος|Παπαδοπούλου=Papadopoulos|Papadopoulou;Γεωργίου=Georgiou;Οικονόμου=Oikonomou;"
           "Νικολάου=Nikolaou;Καραγιάννης|Καραγιάννη=Karagiannis|Karagianni;Βασιλείου=Vasileiou;"
           "Αντωνίου=Antoniou;Μαυρίδης|Μαυρίδου=Mavridis|Mavridou;Παπαγεωργίου=Papageorgiou"),
    "el_lat": ("Giorgos;Nikos;Dimitris;Konstantinos;Panagiotis;Stavros",
               "Maria;Eleni;Katerina;Sofia;Despoina;Vasiliki",
               "Papadopoulos|Papadopoulou;Georgiou;Oikonomou;Nikolaou;Karagiannis|Karagianni;Vasileiou;"
               "Mavridis|Mavridou;Christodoulou"),
    "ro": ("Andrei;Mihai;Ionuț;Bogdan;Radu;Vlad",
           "Ioana;Elena;Andreea;Mihaela;Ramona;Oana",
           "Popescu;Ionescu;Dumitrescu;Stoica;Constantinescu;Munteanu;Țurcanu;Răducanu;Georgescu"),
    "bg": ("Georgi;Dimitar;Ivaylo;Hristo;Stoyan",
           "Desislava;Tsvetelina;Yordanka;Radostina;Mariya",
           "Ivanov|Ivanova;Petrov|Petrova;Dimitrov|Dimitrova;Georgiev|Georgieva;Todorov|Todorova;"
           "Stoyanov|Stoyanova"),
    "hr": ("Ivan;Marko;Luka;Krešimir;Dražen",
           "Ivana;Marija;Ana;Snježana;Dubravka",
           "Horvat;Kovačević;Babić;Marić;Jurić;Knežević;Vuković"),
    "tr": ("Mehmet;Mustafa;Emre;Burak;Oğuz",
           "Ayşe;Zeynep;Elif;Gülşen;Büşra",
           "Yılmaz;Kaya;Demir;Şahin;Çelik;Öztürk;Aydın;Arslan"),
    "ar": ("Mohammed;Omar;Youssef;Khalid;Tariq",
           "Fatima;Layla;Nour;Amira;Yasmin",
           "Al-Hassan;El-Sayed;Haddad;Mansour;Khalil;Abdullah;Al-Rashid;Nasser;Benali;Bouzid"),
    "sa": ("Arjun;Rohan;Imran;Sanjay;Vikram;Harpreet",
           "Priya;Ananya;Ayesha;Deepika;Sunita;Gurpreet",
           "Patel;Sharma;Khan;Chaudhry;Iyer;Reddy;Banerjee;Siddiqui;Gupta;Krishnamurthy"),
    "wa": ("Chinedu;Kwame;Oluwaseun;Kofi;Mamadou;Babajide",
           "Ngozi;Adaeze;Abena;Fatoumata;Yetunde;Efua",
           "Okafor;Mensah;Adeyemi;Boateng;Diallo;Nwosu;Owusu;Traoré;Olawale;Asante"),
    "zh": ("Wei;Jun;Hao;Zhiwei;Yong",
           "Mei;Xiaoling;Li Na;Yan;Fang",
           "Wang;Zhang;Chen;Liu;Huang;Zhou;Xu;Lin"),
    "vi": ("Minh;Tuấn;Huy;Dũng;Quang",
           "Linh;Thảo;Hương;Ngọc;Trang",
           "Nguyễn;Trần;Lê;Phạm;Hoàng;Vũ;Đặng;Bùi"),
    "sv": ("Erik;Lars;Anders;Johan;Björn;Per-Olof",
           "Karin;Ingrid;Astrid;Maja;Elsa;Ann-Sofie",
           "Andersson;Johansson;Lindqvist;Bergström;Sjöberg;Nyström;Ekström;Holmberg"),
    "da": ("Søren;Mads;Rasmus;Frederik;Niels",
           "Mette;Sofie;Freja;Ida;Kirsten",
           "Jensen;Nielsen;Hansen;Pedersen;Kristensen;Sørensen;Rasmussen;Østergaard"),
}

# Cultures whose names appear anywhere ("diverse" pool); Greek script only where the text is Greek.
_DIVERSE = [c for c in _NAMES if c != "el"]
_MIDDLE_INITIAL = {"en_gb", "ie", "wa", "sa"}


def _pick_name(entry: str, female: bool) -> tuple[str, str]:
    """Return (native form, latin form) of a name entry."""
    native, _, latin = entry.partition("=")
    latin = latin or native
    if "|" in native:
        native = native.split("|")[1 if female else 0]
    if "|" in latin:
        latin = latin.split("|")[1 if female else 0]
    return native, latin


@dataclass
class Person:
    given: str
    surname: str
    female: bool
    culture: str
    given_lat: str
    surname_lat: str
    birth: dt.date
    middle: str = ""
    surname_first: bool = False

    def full(self) -> str:
        parts = [self.surname, self.middle, self.given] if self.surname_first else [self.given, self.middle,
                                                                                     self.surname]
        return " ".join(p for p in parts if p)


def _make_person(rng: Random, culture: str) -> Person:
    male, female_s, surnames = _NAMES[culture]
    female = rng.random() < 0.5
    given, given_lat = _pick_name(rng.choice(_split(female_s if female else male)), female)
    surname, surname_lat = _pick_name(rng.choice(_split(surnames)), female)
    start = dt.date(1940, 1, 1).toordinal()
    birth = dt.date.fromordinal(rng.randint(start, dt.date(2006, 12, 31).toordinal()))
    middle = ""
    surname_first = False
    if culture == "hu":
        surname_first = True
    elif culture == "vi":
        surname_first = True
        if rng.random() < 0.6:
            middle = "Thị" if female else "Văn"
    elif culture == "zh":
        surname_first = rng.random() < 0.5
    elif culture in _MIDDLE_INITIAL and rng.random() < 0.15:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") + "."
    return Person(given, surname, female, culture, given_lat, surname_lat, birth, middle, surname_first)


# ---------------------------------------------------------------------------------------------------------------
# Addresses. Each country function returns (single line, multi line, "postcode city" pair).
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Address:
    single: str
    multi: str
    pc: str


AddrFn = Callable[[Random, str], tuple[str, str, str]]

_UK_IN = "ABDEFGHJLNPQRSTUWXYZ"
_UK_STREETS = _split("Albert Road;Station Road;Victoria Street;Church Lane;Kingsway;Mill Hill;Cranbrook Avenue;"
                     "Elm Grove;Queen's Crescent;The Green;Bishopsgate;Hollybush Close")
_UK_CITIES = [("London", ["SW1A #@@", "E1 #@@", "N7 #@@", "SE15 #@@", "NW3 #@@"]), ("Manchester", ["M14 #@@"]),
              ("Leeds", ["LS6 #@@"]), ("Bristol", ["BS8 #@@"]), ("Edinburgh", ["EH3 #@@"]),
              ("Cardiff", ["CF10 #@@"]), ("Glasgow", ["G12 #@@"]), ("Birmingham", ["B15 #@@"]),
              ("Norwich", ["NR2 #@@"]), ("Belfast", ["BT7 #@@"])]


def _a_uk(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_UK_CITIES)
    pc = _pat(rng, rng.choice(pcs), _UK_IN)
    lines = [f"{rng.randint(1, 240)} {rng.choice(_UK_STREETS)}"]
    r = rng.random()
    if r < 0.25:
        lines.insert(0, f"Flat {rng.randint(1, 30)}")
    elif r < 0.35:
        lines.insert(0, rng.choice(["Rose Cottage", "Hillcrest House", "The Old Rectory", "Unit 4"]))
    ml_city = city.upper() if rng.random() < 0.3 else city
    multi = "\n".join([*lines, ml_city, pc])
    if rng.random() < 0.6:
        single = ", ".join(lines) + f", {city} {pc}"
    else:
        single = ", ".join([*lines, city, pc])
    return single, multi, f"{city} {pc}"


_IE_STREETS = _split("Pembroke Road;Main Street;Ranelagh Road;Grand Parade;Shop Street;Ard na Gréine;"
                     "O'Connell Street;Patrick Street;Mary Street")
_IE_CITIES = [("Ballsbridge", "Dublin 4", "D04"), ("Ranelagh", "Dublin 6", "D06"), ("", "Dublin 2", "D02"),
              ("Terenure", "Dublin 6W", "D6W"), ("", "Cork", "T12"), ("Ballincollig", "Co. Cork", "P31"),
              ("", "Galway", "H91"), ("", "Limerick", "V94"), ("", "Waterford", "X91"), ("", "Sligo", "F91")]


def _a_ie(rng: Random, lang: str) -> tuple[str, str, str]:
    area, city, key = rng.choice(_IE_CITIES)
    eir = key + " " + _pat(rng, "@^^^", "ACDEFHKNPRTVWXY", "ACDEFHKNPRTVWXY0123456789")
    lines = [f"{rng.randint(1, 180)} {rng.choice(_IE_STREETS)}"]
    if rng.random() < 0.3:
        lines.insert(0, f"Apt {rng.randint(1, 40)}")
    if area:
        lines.append(area)
    lines.append(city)
    multi = "\n".join([*lines, eir])
    single = ", ".join(lines) + (f", {eir}" if rng.random() < 0.7 else f" {eir}")
    return single, multi, f"{city} {eir}"


_US_STREETS = _split("Maple Avenue;Oak Street;Sunset Boulevard;Elm Street;Lakeshore Drive;Broadway;"
                     "Pine Ridge Road;Cedar Lane;Washington Avenue")
_US_CITIES = [("Springfield", "IL", "627##"), ("Austin", "TX", "787##"), ("Portland", "OR", "972##"),
              ("Columbus", "OH", "432##"), ("Denver", "CO", "802##"), ("Boston", "MA", "021##"),
              ("Raleigh", "NC", "276##"), ("Madison", "WI", "537##")]


def _a_us(rng: Random, lang: str) -> tuple[str, str, str]:
    city, st, zp = rng.choice(_US_CITIES)
    z = _pat(rng, zp)
    if rng.random() < 0.2:
        z += "-" + _pat(rng, "####")
    lines = [f"{rng.randint(10, 9899)} {rng.choice(_US_STREETS)}"]
    if rng.random() < 0.35:
        lines.append(rng.choice([f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}", f"Suite {rng.randint(100, 950)}",
                                 f"Unit {rng.randint(1, 99)}"]))
    last = f"{city}, {st} {z}"
    return ", ".join([*lines, last]), "\n".join([*lines, last]), last


_CA_STREETS = _split("Queen Street West;Rue Sainte-Catherine;Granville Street;Jasper Avenue;Bank Street;"
                     "Spring Garden Road;Yonge Street")
_CA_CITIES = [("Toronto", "ON", "M5V"), ("Vancouver", "BC", "V6B"), ("Montréal", "QC", "H2X"),
              ("Calgary", "AB", "T2P"), ("Ottawa", "ON", "K1P"), ("Halifax", "NS", "B3H")]


def _a_ca(rng: Random, lang: str) -> tuple[str, str, str]:
    city, prov, fsa = rng.choice(_CA_CITIES)
    pc = fsa + " " + _pat(rng, "#@#", "ABCEGHJKLMNPRSTVWXYZ")
    line = f"{rng.randint(1, 2400)} {rng.choice(_CA_STREETS)}"
    lines = [line]
    if rng.random() < 0.4:
        if rng.random() < 0.5:
            lines = [f"{rng.randint(101, 2899)}-{line}"]
        else:
            lines.insert(0, f"Unit {rng.randint(101, 2899)}")
    last = f"{city} {prov} {pc}" if rng.random() < 0.5 else f"{city}, {prov} {pc}"
    return ", ".join([*lines, last]), "\n".join([*lines, last]), last


_AU_STREETS = _split("Crown Street;Brunswick Street;Merthyr Road;High Street;King William Road;George Street;"
                     "Beach Road")
_AU_SUBURBS = [("Surry Hills", "NSW", "2010"), ("Fitzroy", "VIC", "3065"), ("New Farm", "QLD", "4005"),
               ("Fremantle", "WA", "6160"), ("Glenelg", "SA", "5045"), ("Battery Point", "TAS", "7004"),
               ("Braddon", "ACT", "2612")]


def _a_au(rng: Random, lang: str) -> tuple[str, str, str]:
    sub, state, pc = rng.choice(_AU_SUBURBS)
    num = str(rng.randint(1, 400))
    r = rng.random()
    if r < 0.3:
        num = f"{rng.randint(1, 40)}/{num}"
    street = f"{num} {rng.choice(_AU_STREETS)}"
    if r > 0.85:
        street = f"Unit {rng.randint(1, 40)}, {street}"
    last = f"{sub} {state} {pc}"
    return f"{street}, {last}" if rng.random() < 0.7 else f"{street} {last}", f"{street}\n{last}", last


_ZA_STREETS = _split("Main Road;Jan Smuts Avenue;Florida Road;Burnett Street;Long Street;Beach Road;Oxford Road")
_ZA_PLACES = [("Sea Point", "Cape Town", "8005"), ("Rosebank", "Johannesburg", "2196"),
              ("Morningside", "Durban", "4001"), ("Hatfield", "Pretoria", "0083"), ("Gardens", "Cape Town", "8001")]


def _a_za(rng: Random, lang: str) -> tuple[str, str, str]:
    sub, city, pc = rng.choice(_ZA_PLACES)
    lines = [f"{rng.randint(1, 300)} {rng.choice(_ZA_STREETS)}", sub, city, pc]
    if rng.random() < 0.25:
        lines.insert(0, f"Unit {rng.randint(1, 60)} {rng.choice(['Harbour View', 'Protea Court', 'Seaside Villas'])}")
    return ", ".join(lines), "\n".join(lines), f"{city} {pc}"


_DE_STREETS = _split("Hauptstraße;Bahnhofstr.;Lindenallee;Am Mühlbach;Schillerplatz;Kastanienweg;"
                     "Friedrich-Ebert-Straße;Goethestraße;Unter den Linden;Rosenheimer Str.;Im Winkel;Gartenweg;"
                     "Auf der Heide;Sonnenstraße")
_DE_CITIES = [("Berlin", ["101##", "104##", "120##", "133##"]), ("München", ["803##", "806##", "813##"]),
              ("Hamburg", ["200##", "220##"]), ("Köln", ["506##", "509##"]),
              ("Frankfurt am Main", ["603##", "604##"]), ("Leipzig", ["041##"]), ("Stuttgart", ["701##"]),
              ("Dresden", ["010##"]), ("Freiburg im Breisgau", ["791##"]), ("Bremen", ["281##"])]


def _housenum(rng: Random) -> str:
    n = rng.randint(1, 160)
    r = rng.random()
    if r < 0.12:
        return f"{n}{rng.choice('abc')}"
    if r < 0.18:
        return f"{n}-{n + 2}"
    return str(n)


def _a_de(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_DE_CITIES)
    pc = f"{_pat(rng, rng.choice(pcs))} {city}"
    line = f"{rng.choice(_DE_STREETS)} {_housenum(rng)}"
    extra = ""
    if rng.random() < 0.15:
        extra = rng.choice(["Hinterhaus", "3. OG links", f"Whg. {rng.randint(1, 40)}", "Aufgang B"])
    lines = [line, extra] if extra else [line]
    sep = ", " if rng.random() < 0.8 else " "
    return sep.join([*lines, pc]), "\n".join([*lines, pc]), pc


_AT_STREETS = _split("Mariahilfer Straße;Landstraßer Hauptstraße;Herrengasse;Getreidegasse;Maria-Theresien-Straße;"
                     "Favoritenstraße;Annenstraße;Schottenring")
_AT_CITIES = [("Wien", ["1010", "1020", "1030", "1060", "1070", "1090", "1100", "1120", "1150", "1180"]),
              ("Graz", ["8010", "8020"]), ("Linz", ["4020"]), ("Salzburg", ["5020"]), ("Innsbruck", ["6020"])]


def _a_at(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_AT_CITIES)
    pc = f"{'A-' if rng.random() < 0.1 else ''}{rng.choice(pcs)} {city}"
    n = rng.randint(1, 120)
    r = rng.random()
    num = f"{n}/{rng.randint(1, 4)}/{rng.randint(1, 30)}" if r < 0.4 else f"{n}/{rng.randint(1, 30)}" if r < 0.7 \
        else str(n)
    line = f"{rng.choice(_AT_STREETS)} {num}"
    if r > 0.9:
        line += f", Top {rng.randint(1, 25)}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_CH_DE = (_split("Bahnhofstrasse;Seefeldstrasse;Marktgasse;Spalenberg;Hirschengraben;Kramgasse"),
          [("Zürich", ["8001", "8005", "8032", "8050"]), ("Bern", ["3011", "3012"]), ("Basel", ["4051", "4056"]),
           ("Luzern", ["6003", "6004"])])
_CH_FR = (_split("Rue du Rhône;Avenue de la Gare;Rue de Bourg;Chemin des Vignes;Boulevard Carl-Vogt"),
          [("Genève", ["1201", "1204", "1205", "1207"]), ("Lausanne", ["1003", "1004"]), ("Neuchâtel", ["2000"])])


def _a_ch(rng: Random, lang: str) -> tuple[str, str, str]:
    streets, cities = _CH_FR if lang == "fr" or (lang == "en" and rng.random() < 0.4) else _CH_DE
    city, pcs = rng.choice(cities)
    pc = f"{'CH-' if rng.random() < 0.15 else ''}{rng.choice(pcs)} {city}"
    line = f"{rng.choice(streets)} {_housenum(rng)}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_FR_TYPES = ["rue", "avenue", "boulevard", "place", "impasse", "allée", "chemin", "quai"]
_FR_NAMES = _split("des Lilas;Victor Hugo;de la République;du Général de Gaulle;Jean Jaurès;Saint-Honoré;"
                   "des Écoles;Pasteur;de la Paix;du Port;des Tanneurs;Gambetta")
_FR_CITIES = [("Paris", [f"750{i:02d}" for i in range(1, 21)]), ("Lyon", [f"6900{i}" for i in range(1, 10)]),
              ("Marseille", [f"130{i:02d}" for i in range(1, 17)]), ("Toulouse", ["31000", "31200", "31400"]),
              ("Nantes", ["44000", "44100"]), ("Lille", ["59000", "59800"]), ("Bordeaux", ["33000", "33800"]),
              ("Strasbourg", ["67000"]), ("Rennes", ["35000"]), ("Montpellier", ["34000"])]


def _a_fr(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_FR_CITIES)
    pc = f"{rng.choice(pcs)} {city.upper() if rng.random() < 0.2 else city}"
    bis = rng.choice([" bis", " ter"]) if rng.random() < 0.1 else ""
    line = f"{rng.randint(1, 180)}{bis} {rng.choice(_FR_TYPES)} {rng.choice(_FR_NAMES)}"
    lines = [line]
    if rng.random() < 0.2:
        lines.insert(0, rng.choice([f"Bâtiment {rng.choice('ABCD')}, apt {rng.randint(1, 60)}",
                                    "Résidence Les Pins", f"Appartement {rng.randint(1, 60)}"]))
    sep = ", " if rng.random() < 0.85 else " "
    return sep.join([*lines, pc]), "\n".join([*lines, pc]), pc


_BE_FR = (_split("Rue de la Loi;Avenue Louise;Chaussée de Waterloo;Rue Neuve;Boulevard d'Avroy;Rue des Carmes"),
          [("Bruxelles", ["1000", "1050", "1060"]), ("Liège", ["4000"]), ("Namur", ["5000"]),
           ("Charleroi", ["6000"])], "boîte")
_BE_NL = (_split("Meir;Veldstraat;Bondgenotenlaan;Kerkstraat;Nationalestraat;Steenstraat"),
          [("Antwerpen", ["2000", "2018"]), ("Gent", ["9000"]), ("Leuven", ["3000"]), ("Brugge", ["8000"])], "bus")


def _a_be(rng: Random, lang: str) -> tuple[str, str, str]:
    streets, cities, box = _BE_FR if lang == "fr" or (lang == "en" and rng.random() < 0.5) else _BE_NL
    city, pcs = rng.choice(cities)
    pc = f"{rng.choice(pcs)} {city}"
    line = f"{rng.choice(streets)} {rng.randint(1, 220)}"
    if rng.random() < 0.3:
        line += f" {box} {rng.randint(1, 30)}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_NL_STREETS = _split("Keizersgracht;Prinsengracht;Kalverstraat;Coolsingel;Oudegracht;Laan van Meerdervoort;"
                     "Stationsweg;Dorpsstraat;Herengracht;Vismarkt;Lange Voorhout")
_NL_CITIES = [("Amsterdam", "10##"), ("Rotterdam", "30##"), ("Utrecht", "35##"), ("Den Haag", "25##"),
              ("Eindhoven", "56##"), ("Groningen", "97##"), ("Haarlem", "20##"), ("Leiden", "23##")]


def _a_nl(rng: Random, lang: str) -> tuple[str, str, str]:
    city, p = rng.choice(_NL_CITIES)
    code = _pat(rng, p)
    if code.endswith("00"):
        code = code[:-1] + "1"
    letters = _pat(rng, "@@", "ABCEGHJKLMNPRTVWXZ")
    pc = f"{code}{letters} {city}" if rng.random() < 0.2 else f"{code} {letters} {city}"
    suffix = rng.choice(["", "", "", "A", "-II", " hs", "-3", "B"])
    line = f"{rng.choice(_NL_STREETS)} {rng.randint(1, 480)}{suffix}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_LU_STREETS = _split("rue de la Gare;avenue de la Liberté;boulevard Royal;rue de l'Alzette;Grand-Rue;route d'Arlon")
_LU_CITIES = [("Luxembourg", ["L-1611", "L-2449", "L-1931", "L-2540"]), ("Esch-sur-Alzette", ["L-4011", "L-4240"]),
              ("Differdange", ["L-4530"]), ("Ettelbruck", ["L-9010"])]


def _a_lu(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_LU_CITIES)
    pc = f"{rng.choice(pcs)} {city}"
    n = rng.randint(1, 150)
    line = f"{n}, {rng.choice(_LU_STREETS)}" if rng.random() < 0.6 else f"{n} {rng.choice(_LU_STREETS)}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_IT_STREETS = _split("Via Roma;Via Garibaldi;Viale Europa;Corso Vittorio Emanuele II;Piazza Garibaldi;Via dei Mille;"
                     "Viale Monza;Via Toledo;Corso Buenos Aires;Via Nazionale;Lungarno Corsini;Via San Gregorio")
_IT_CITIES = [("Milano", "MI", 20121, 42), ("Roma", "RM", 118, 81), ("Torino", "TO", 10121, 35),
              ("Napoli", "NA", 80121, 26), ("Bologna", "BO", 40121, 20), ("Firenze", "FI", 50121, 24),
              ("Palermo", "PA", 90121, 30), ("Genova", "GE", 16121, 46), ("Bari", "BA", 70121, 11),
              ("Verona", "VR", 37121, 21)]


def _a_it(rng: Random, lang: str) -> tuple[str, str, str]:
    city, prov, base, span = rng.choice(_IT_CITIES)
    cap = f"{base + rng.randint(0, span):05d}"
    pc = f"{cap} {city} ({prov})" if rng.random() < 0.75 else f"{cap} {city}"
    n = rng.randint(1, 240)
    street = rng.choice(_IT_STREETS)
    line = f"{street} {n}" if rng.random() < 0.7 else f"{street}, {n}"
    if rng.random() < 0.2:
        line += rng.choice([f", int. {rng.randint(1, 20)}", f", scala {rng.choice('ABC')}"])
    return f"{line}, {pc}" if rng.random() < 0.85 else f"{line} - {pc}", f"{line}\n{pc}", pc


_ES_STREETS = _split("C/ Mayor;Calle de Alcalá;Gran Vía;C/ del Pez;Carrer de Sants;Avda. Diagonal;Calle Sierpes;"
                     "C/ Ledesma;Paseo de la Castellana;Calle Larios;Plaza del Pilar;Avenida de la Constitución")
_ES_CITIES = [("Madrid", 28001, 54), ("Barcelona", 8001, 41), ("Valencia", 46001, 25), ("Sevilla", 41001, 19),
              ("Bilbao", 48001, 14), ("Zaragoza", 50001, 17), ("Málaga", 29001, 17), ("Salamanca", 37001, 7)]


def _a_es(rng: Random, lang: str) -> tuple[str, str, str]:
    city, base, span = rng.choice(_ES_CITIES)
    pc = f"{base + rng.randint(0, span):05d} {city}"
    n = rng.randint(1, 200)
    line = f"{rng.choice(_ES_STREETS)}, {n}" if rng.random() < 0.5 else f"{rng.choice(_ES_STREETS)} {n}"
    r = rng.random()
    if r < 0.35:
        line += f", {rng.randint(1, 9)}º {rng.choice('ABCD')}"
    elif r < 0.6:
        line += f", Piso {rng.randint(1, 9)}, Puerta {rng.choice(['1', '2', '3', 'A', 'B', 'C'])}"
    elif r < 0.7:
        line += f", {rng.randint(1, 6)}º izda"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_PT_STREETS = _split("Rua Augusta;Avenida da Liberdade;Rua de Santa Catarina;Travessa do Carmo;Avenida da Boavista;"
                     "Rua Ferreira Borges;Largo do Rato;Rua do Comércio;Rua das Flores")
_PT_CITIES = [("Lisboa", "1###-###"), ("Porto", "4###-###"), ("Coimbra", "3000-###"), ("Braga", "4700-###"),
              ("Faro", "8000-###"), ("Aveiro", "3800-###")]


def _a_pt(rng: Random, lang: str) -> tuple[str, str, str]:
    city, p = rng.choice(_PT_CITIES)
    code = _pat(rng, p)
    if city == "Porto":
        code = f"4{rng.randint(0, 4)}{code[2:]}"
    elif city == "Lisboa":
        code = f"1{rng.randint(0, 9)}{code[2:]}"
    pc = f"{code} {city}"
    line = f"{rng.choice(_PT_STREETS)}, {rng.randint(1, 400)}" if rng.random() < 0.6 else \
        f"{rng.choice(_PT_STREETS)} {rng.randint(1, 400)}"
    if rng.random() < 0.4:
        line += ", " + rng.choice([f"{rng.randint(1, 8)}.º Esq.", f"{rng.randint(1, 8)}.º Dto.", "R/C",
                                   f"{rng.randint(1, 8)}.º {rng.choice('ABC')}"])
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_PL_STREETS = [("ul.", "Marszałkowska"), ("al.", "Jerozolimskie"), ("pl.", "Grunwaldzki"), ("ul.", "Piotrkowska"),
               ("ul.", "Długa"), ("ul.", "Floriańska"), ("ul.", "Świętego Marcina"), ("ul.", "Kościuszki"),
               ("ul.", "Mickiewicza"), ("al.", "Ujazdowskie"), ("pl.", "Zbawiciela"), ("ul.", "Słowackiego")]
_PL_CITIES = [("Warszawa", ["0%-###"]), ("Kraków", ["30-###", "31-###"]), ("Wrocław", ["50-###", "53-###"]),
              ("Poznań", ["60-###", "61-###"]), ("Gdańsk", ["80-###"]), ("Łódź", ["90-###", "93-###"]),
              ("Lublin", ["20-###"]), ("Katowice", ["40-###"])]


def _a_pl(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_PL_CITIES)
    code = _pat(rng, rng.choice(pcs))
    if city == "Warszawa":
        code = f"0{rng.randint(0, 4)}{code[2:]}"
    pc = f"{code} {city}"
    prefix, name = rng.choice(_PL_STREETS)
    n = rng.randint(1, 180)
    r = rng.random()
    num = f"{n}/{rng.randint(1, 90)}" if r < 0.45 else f"{n} m. {rng.randint(1, 90)}" if r < 0.6 else \
        f"{n} lok. {rng.randint(1, 20)}" if r < 0.7 else str(n)
    line = f"{prefix} {name} {num}" if rng.random() < 0.9 else f"{name} {num}"
    sep = ", " if rng.random() < 0.85 else " "
    return f"{line}{sep}{pc}", f"{line}\n{pc}", pc


_CZ_STREETS = _split("Vinohradská;Masarykova;Náměstí Republiky;Karlova;Národní;Husova;Palackého;Dlouhá;Nádražní")
_CZ_CITIES = [("Praha 1", "110 00"), ("Praha 2", "120 00"), ("Praha 3", "130 00"), ("Praha 10", "100 00"),
              ("Praha 5", "150 00"), ("Brno", "602 00"), ("Brno", "612 00"), ("Ostrava", "702 00"),
              ("Plzeň", "301 00"), ("Olomouc", "779 00"), ("Liberec", "460 01"), ("České Budějovice", "370 01")]
_SK_STREETS = _split("Obchodná;Hlavná;Štúrova;Nám. SNP;Mlynská;Hviezdoslavovo námestie;Panská")
_SK_CITIES = [("Bratislava", "811 06"), ("Bratislava", "811 02"), ("Košice", "040 01"), ("Žilina", "010 01"),
              ("Banská Bystrica", "974 01"), ("Prešov", "080 01")]


def _a_czsk(streets: list[str], cities: list[tuple[str, str]]) -> AddrFn:
    def fn(rng: Random, lang: str) -> tuple[str, str, str]:
        city, code = rng.choice(cities)
        pc = f"{code} {city}"
        num = f"{rng.randint(100, 2999)}/{rng.randint(1, 80)}" if rng.random() < 0.5 else str(rng.randint(1, 99))
        line = f"{rng.choice(streets)} {num}"
        return f"{line}, {pc}", f"{line}\n{pc}", pc
    return fn


_HU_STREETS = _split("Váci utca;Andrássy út;Rákóczi út;Király utca;Piac utca;Kossuth Lajos tér;Tisza Lajos körút;"
                     "Dózsa György út;Liszt Ferenc sor;Bem rakpart;Széchenyi sor;Petőfi Sándor utca")
_HU_CITIES = [("Budapest", None), ("Debrecen", "40##"), ("Szeged", "67##"), ("Pécs", "76##"), ("Győr", "90##"),
              ("Miskolc", "35##")]


def _a_hu(rng: Random, lang: str) -> tuple[str, str, str]:
    city, p = rng.choice(_HU_CITIES)
    code = f"1{rng.randint(1, 23):02d}{rng.randint(1, 9)}" if p is None else _pat(rng, p)
    n = rng.randint(1, 140)
    r = rng.random()
    num = f"{n}. {rng.randint(1, 6)}. em. {rng.randint(1, 12)}" if r < 0.3 else \
        f"{n}. {rng.choice(['I', 'II', 'III', 'IV'])}/{rng.randint(1, 12)}" if r < 0.5 else str(n)
    line = f"{rng.choice(_HU_STREETS)} {num}"
    if rng.random() < 0.6:
        single = f"{code} {city}, {line}"
    else:
        single = f"{city}, {line}, {code}"
    multi = f"{city}\n{line}\n{code}" if rng.random() < 0.5 else f"{code} {city}\n{line}"
    return single, multi, f"{code} {city}"


_SE_STREETS = _split("Drottninggatan;Storgatan;Kungsgatan;Vasagatan;Linnégatan;Södra Förstadsgatan;Ringvägen;"
                     "Stora Torget")
_SE_CITIES = [("Stockholm", ["111 21", "113 45", "118 27", "112 51"]), ("Göteborg", ["411 03", "413 14"]),
              ("Malmö", ["211 22", "214 21"]), ("Uppsala", ["753 20"]), ("Umeå", ["903 26"]), ("Lund", ["222 21"])]


def _a_se(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_SE_CITIES)
    pc = f"{'SE-' if rng.random() < 0.1 else ''}{rng.choice(pcs)} {city}"
    line = f"{rng.choice(_SE_STREETS)} {rng.randint(1, 120)}{rng.choice(['', '', '', 'A', 'B'])}"
    if rng.random() < 0.3:
        line += rng.choice([f" lgh {rng.randint(1001, 1404)}", f", {rng.randint(1, 6)} tr"])
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_DK_STREETS = _split("Vesterbrogade;Nørrebrogade;Strøget;Søndergade;Østerbrogade;Algade;Jernbanegade;Kongensgade")
_DK_CITIES = [("København K", ["1050", "1100", "1150", "1200", "1300"]), ("København V", ["1620", "1650"]),
              ("København N", ["2200"]), ("Aarhus C", ["8000"]), ("Odense C", ["5000"]), ("Aalborg", ["9000"]),
              ("Esbjerg", ["6700"])]


def _a_dk(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_DK_CITIES)
    pc = f"{'DK-' if rng.random() < 0.3 else ''}{rng.choice(pcs)} {city}"
    line = f"{rng.choice(_DK_STREETS)} {rng.randint(1, 180)}"
    if rng.random() < 0.45:
        line += f", {rng.choice(['st.', '1.', '2.', '3.', '4.'])} {rng.choice(['th.', 'tv.', 'mf.'])}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_FI_STREETS = _split("Mannerheimintie;Aleksanterinkatu;Hämeenkatu;Aurakatu;Isokatu;Kauppakatu;Runeberginkatu;"
                     "Pohjoisesplanadi")
_FI_CITIES = [("Helsinki", ["00100", "00120", "00250", "00530"]), ("Espoo", ["02100", "02600"]),
              ("Tampere", ["33100", "33200"]), ("Turku", ["20100", "20500"]), ("Oulu", ["90100"]),
              ("Jyväskylä", ["40100"])]


def _a_fi(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_FI_CITIES)
    pc = f"{'FI-' if rng.random() < 0.08 else ''}{rng.choice(pcs)} {city.upper() if rng.random() < 0.2 else city}"
    line = f"{rng.choice(_FI_STREETS)} {rng.randint(1, 90)}"
    if rng.random() < 0.5:
        line += f" {rng.choice('ABCD')} {rng.randint(1, 60)}"
    return f"{line}, {pc}" if rng.random() < 0.8 else f"{line} {pc}", f"{line}\n{pc}", pc


_EE_STREETS = _split("Narva mnt;Pärnu mnt;Tartu mnt;Rüütli;Viru;Lai;Riia;Kalda tee;Tähe;Pikk")
_EE_CITIES = [("Tallinn", ["10117", "10141", "11415", "13516", "10111"]), ("Tartu", ["51007", "50090", "51014"]),
              ("Pärnu", ["80010", "80042"]), ("Narva", ["20308"])]


def _a_ee(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_EE_CITIES)
    code = rng.choice(pcs)
    num = f"{rng.randint(1, 80)}-{rng.randint(1, 90)}" if rng.random() < 0.5 else str(rng.randint(1, 80))
    line = f"{rng.choice(_EE_STREETS)} {num}"
    r = rng.random()
    if r < 0.6:
        tail = f"{code} {city}"
    elif r < 0.85:
        tail = f"{city} {code}"
    else:
        tail = f"{code} {city}, {rng.choice(['Harju maakond', 'Tartu maakond'])}"
    return f"{line}, {tail}", f"{line}\n{tail}", f"{code} {city}"


_LV_STREETS = _split("Brīvības iela;Kr. Valdemāra iela;Elizabetes iela;Rīgas iela;Lāčplēša iela;Tērbatas iela;"
                     "Dzirnavu iela;Raiņa bulvāris")
_LV_CITIES = [("Rīga", None), ("Daugavpils", "LV-5401"), ("Liepāja", "LV-3401"), ("Jelgava", "LV-3001"),
              ("Jūrmala", "LV-2015")]


def _a_lv(rng: Random, lang: str) -> tuple[str, str, str]:
    city, code = rng.choice(_LV_CITIES)
    if code is None:
        code = f"LV-10{rng.randint(1, 84):02d}"
    num = f"{rng.randint(1, 120)}-{rng.randint(1, 60)}" if rng.random() < 0.5 else str(rng.randint(1, 120))
    line = f"{rng.choice(_LV_STREETS)} {num}"
    return f"{line}, {city}, {code}", f"{line}\n{city}\n{code}", f"{city}, {code}"


_LT_STREETS = _split("Gedimino pr.;Laisvės al.;Tiltų g.;Pilies g.;Vilniaus g.;Savanorių pr.;Didžioji g.;"
                     "Konstitucijos pr.")
_LT_CITIES = [("Vilnius", ["LT-011##", "LT-031##", "LT-092##"]), ("Kaunas", ["LT-443##", "LT-492##"]),
              ("Klaipėda", ["LT-912##"]), ("Šiauliai", ["LT-762##"])]


def _a_lt(rng: Random, lang: str) -> tuple[str, str, str]:
    city, pcs = rng.choice(_LT_CITIES)
    pc = f"{_pat(rng, rng.choice(pcs))} {city}"
    num = f"{rng.randint(1, 90)}-{rng.randint(1, 60)}" if rng.random() < 0.5 else str(rng.randint(1, 90))
    line = f"{rng.choice(_LT_STREETS)} {num}"
    return f"{line}, {pc}", f"{line}\n{pc}", pc


_GR_STREETS = [("Ερμού", "Ermou"), ("Λεωφόρος Βασιλίσσης Σοφίας", "Vasilissis Sofias Avenue"),
               ("Πανεπιστημίου", "Panepistimiou"), ("Τσιμισκή", "Tsimiski"), ("Εγνατία", "Egnatia"),
               ("Αγίου Νικολάου", "Agiou Nikolaou"), ("Μητροπόλεως", "Mitropoleos"), ("Ακαδημίας", "Akadimias"),
               ("Κολοκοτρώνη", "Kolokotroni")]
_GR_CITIES = [("Αθήνα", "Athens", ["105 63", "106 74", "106 79", "115 21", "104 34"]),
              ("Θεσσαλονίκη", "Thessaloniki", ["546 23", "546 24", "546 31"]),
              ("Πάτρα", "Patras", ["262 21", "262 23"]), ("Ηράκλειο", "Heraklion", ["712 02", "713 05"]),
              ("Λάρισα", "Larissa", ["412 22"])]


def _a_gr(rng: Random, lang: str) -> tuple[str, str, str]:
    greek = lang == "el"
    st_el, st_lat = rng.choice(_GR_STREETS)
    c_el, c_lat, pcs = rng.choice(_GR_CITIES)
    code = rng.choice(pcs)
    city = c_el if greek else c_lat
    line = f"{st_el if greek else st_lat} {rng.randint(1, 160)}"
    if greek and rng.random() < 0.25:
        pc = f"Τ.Κ. {code}, {city}"
    else:
        pc = f"{code} {city}"
    return f"{line}, {pc}", f"{line}\n{pc}", f"{code} {city}"


_RO_STREETS = _split("Str. Lipscani;Bd. Eroilor;Calea Victoriei;Str. Memorandumului;Bulevardul Unirii;"
                     "Str. Republicii;Șos. Kiseleff;Str. Avram Iancu")
_RO_CITIES = [("București", None), ("Cluj-Napoca", "400###"), ("Iași", "700###"), ("Timișoara", "300###"),
              ("Brașov", "500###"), ("Constanța", "900###")]


def _a_ro(rng: Random, lang: str) -> tuple[str, str, str]:
    city, p = rng.choice(_RO_CITIES)
    parts = [f"{rng.choice(_RO_STREETS)} nr. {rng.randint(1, 200)}"]
    if rng.random() < 0.4:
        parts.append(f"bl. {rng.choice('ABCDM')}{rng.randint(1, 9)}")
        if rng.random() < 0.5:
            parts.append(f"sc. {rng.randint(1, 4)}")
        parts.append(f"ap. {rng.randint(1, 80)}")
    if p is None:
        sector = rng.randint(1, 6)
        parts.append(f"sector {sector}")
        code = f"0{sector}{_pat(rng, '####')}"
    else:
        code = _pat(rng, p)
    pc = f"{code} {city}"
    return ", ".join([*parts, pc]), "\n".join([", ".join(parts), pc]), pc


_ADDRESS_FNS: dict[str, AddrFn] = {
    "UK": _a_uk, "IE": _a_ie, "US": _a_us, "CA": _a_ca, "AU": _a_au, "ZA": _a_za, "DE": _a_de, "AT": _a_at,
    "CH": _a_ch, "FR": _a_fr, "BE": _a_be, "NL": _a_nl, "LU": _a_lu, "IT": _a_it, "ES": _a_es, "PT": _a_pt,
    "PL": _a_pl, "CZ": _a_czsk(_CZ_STREETS, _CZ_CITIES), "SK": _a_czsk(_SK_STREETS, _SK_CITIES), "HU": _a_hu,
    "SE": _a_se, "DK": _a_dk, "FI": _a_fi, "EE": _a_ee, "LV": _a_lv, "LT": _a_lt, "GR": _a_gr, "RO": _a_ro,
}

# (English name, native name) used as an optional last address line.
_COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "UK": ("United Kingdom", "UK"), "IE": ("Ireland", "Éire"), "US": ("USA", "USA"), "CA": ("Canada", "Canada"),
    "AU": ("Australia", "Australia"), "ZA": ("South Africa", "South Africa"), "DE": ("Germany", "Deutschland"),
    "AT": ("Austria", "Österreich"), "CH": ("Switzerland", "Schweiz"), "FR": ("France", "France"),
    "BE": ("Belgium", "Belgique"), "NL": ("Netherlands", "Nederland"), "LU": ("Luxembourg", "Luxembourg"),
    "IT": ("Italy", "Italia"), "ES": ("Spain", "España"), "PT": ("Portugal", "Portugal"),
    "PL": ("Poland", "Polska"), "CZ": ("Czech Republic", "Česká republika"), "SK": ("Slovakia", "Slovensko"),
    "HU": ("Hungary", "Magyarország"), "SE": ("Sweden", "Sverige"), "DK": ("Denmark", "Danmark"),
    "FI": ("Finland", "Suomi"), "EE": ("Estonia", "Eesti"), "LV": ("Latvia", "Latvija"),
    "LT": ("Lithuania", "Lietuva"), "GR": ("Greece", "Ελλάδα"), "RO": ("Romania", "România"),
}

_CITY_NAMES: dict[str, list[str]] = {
    "UK": [c for c, _ in _UK_CITIES], "IE": ["Dublin", "Cork", "Galway", "Limerick", "Kilkenny"],
    "US": [c for c, _, _ in _US_CITIES], "CA": [c for c, _, _ in _CA_CITIES],
    "AU": ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"],
    "ZA": ["Cape Town", "Johannesburg", "Durban", "Pretoria"], "DE": [c for c, _ in _DE_CITIES],
    "AT": [c for c, _ in _AT_CITIES], "CH": ["Zürich", "Bern", "Basel", "Genève", "Lausanne", "Luzern"],
    "FR": [c for c, _ in _FR_CITIES], "BE": ["Bruxelles", "Antwerpen", "Gent", "Liège", "Leuven"],
    "NL": [c for c, _ in _NL_CITIES], "LU": ["Luxembourg", "Esch-sur-Alzette", "Differdange"],
    "IT": [c for c, _, _, _ in _IT_CITIES], "ES": [c for c, _, _ in _ES_CITIES], "PT": [c for c, _ in _PT_CITIES],
    "PL": [c for c, _ in _PL_CITIES], "CZ": ["Praha", "Brno", "Ostrava", "Plzeň", "Olomouc", "Liberec"],
    "SK": ["Bratislava", "Košice", "Žilina", "Prešov"], "HU": [c for c, _ in _HU_CITIES],
    "SE": [c for c, _ in _SE_CITIES], "DK": ["København", "Aarhus", "Odense", "Aalborg", "Esbjerg"],
    "FI": [c for c, _ in _FI_CITIES], "EE": [c for c, _ in _EE_CITIES], "LV": [c for c, _ in _LV_CITIES],
    "LT": [c for c, _ in _LT_CITIES], "GR": [c for _, c, _ in _GR_CITIES], "RO": [c for c, _ in _RO_CITIES],
}
_GR_CITY_NAMES = [c for c, _, _ in _GR_CITIES]


def _make_address(rng: Random, country: str, lang: str) -> Address:
    single, multi, pc = _ADDRESS_FNS[country](rng, lang)
    if rng.random() < 0.12:
        en, native = _COUNTRY_NAMES[country]
        name = en if lang == "en" else native
        single = f"{single}, {name}"
        multi = f"{multi}\n{name.upper() if rng.random() < 0.4 else name}"
    return Address(single, multi, pc)


# ---------------------------------------------------------------------------------------------------------------
# Phone numbers: per country (national patterns, international patterns). '#' digit, '%' non-zero digit.
# ---------------------------------------------------------------------------------------------------------------

_PHONES: dict[str, tuple[list[str], list[str]]] = {
    "UK": (["07%## ######", "020 7%## ####", "0161 %## ####", "0113 %## ####", "(020) 7%## ####", "01632 %#####"],
           ["+44 7%## ######", "+44 20 7%## ####", "+44 (0)20 7%## ####", "+44-(0)-20-7%##-####", "+447%########"]),
    "IE": (["08% ### ####", "(01) %## ####", "021 %## ####"],
           ["+353 8% ### ####", "+353 1 %## ####", "+353-(0)-1-%##-####"]),
    "US": (["(%##) %##-####", "%##-%##-####", "%##.%##.####"],
           ["+1 %##-%##-####", "+1 (%##) %##-####", "+1-(%##)-%##-####"]),
    "CA": (["(%##) %##-####", "%##-%##-####"], ["+1 %##-%##-####", "+1 (%##) %##-####"]),
    "AU": (["04## ### ###", "(02) %### ####", "(03) %### ####"], ["+61 4## ### ###", "+61 2 %### ####"]),
    "ZA": (["08% ### ####", "021 %## ####", "011 %## ####"], ["+27 8% ### ####", "+27 21 %## ####"]),
    "DE": (["030 %#######", "089 %######", "(040) %### ####", "0151 ########", "0171 %######", "0221/%######",
            "069 %###-##"],
           ["+49 30 %#######", "+49 (0)89 %#####-##", "+49 151 ########", "+49-(0)-40-%###-####",
            "0049 221 %######"]),
    "AT": (["01 %## ## ##", "0664 %######", "0316 %#####"], ["+43 1 %######", "+43 664 %## ####",
                                                             "+43 (0)1 %## ## ##"]),
    "CH": (["044 %## ## ##", "079 %## ## ##", "022 %## ## ##"], ["+41 44 %## ## ##", "+41 79 %## ## ##",
                                                                "0041 22 %## ## ##"]),
    "FR": (["01 ## ## ## ##", "06 ## ## ## ##", "07.##.##.##.##", "04-##-##-##-##"],
           ["+33 6 ## ## ## ##", "+33 (0)1 ## ## ## ##", "+33 1 ## ## ## ##", "+336########"]),
    "BE": (["02 %## ## ##", "04%# ## ## ##", "09 %## ## ##"], ["+32 2 %## ## ##", "+32 4%# ## ## ##"]),
    "NL": (["06-########", "06 ## ## ## ##", "020-%## ####", "010 %## ## ##", "(030) %## ####"],
           ["+31 6 ########", "+31 (0)20 %## ####", "+31-(0)-6-####-####"]),
    "LU": (["621 ### ###", "26 ## ## ##"], ["+352 621 ### ###", "+352 26 ## ## ##"]),
    "IT": (["02 %### ####", "06 %#######", "3%# ### ####", "33%.###.####"],
           ["+39 02 %### ####", "+39 3%# ### ####", "0039 06 %#######"]),
    "ES": (["6## ### ###", "91 %## ## ##", "93 %## ## ##", "6##.###.###"],
           ["+34 6## ### ###", "+34 91 %## ## ##", "0034 6########"]),
    "PT": (["91# ### ###", "21 %## ####", "22 %## ####"], ["+351 91# ### ###", "+351 21 %## ####"]),
    "PL": (["5%# ### ###", "6%#-###-###", "(22) %## ## ##", "7%#.###.###", "12 %## ## ##"],
           ["+48 5%# ### ###", "+48 22 %## ## ##", "0048 6%# ### ###"]),
    "CZ": (["6%# ### ###", "2%# ### ###", "7%# ### ###"], ["+420 6%# ### ###", "+420 2%# ### ###",
                                                          "00420 7%# ### ###"]),
    "SK": (["09%# ### ###", "02/%### ####"], ["+421 9%# ### ###", "+421 2 %### ####"]),
    "HU": (["06 30 %## ####", "06 1 %## ####", "06-20-%##-####", "(06 1) %## ####"],
           ["+36 30 %## ####", "+36 1 %## ####", "+36-(1)-%##-####"]),
    "SE": (["070-%## ## ##", "08-%## ### ##", "031-%# ## ##", "073 %## ## ##"],
           ["+46 70 %## ## ##", "+46 (0)8 %## ### ##", "+46 8 %## ### ##"]),
    "DK": (["%# ## ## ##", "%#######"], ["+45 %# ## ## ##", "+45 %#######", "0045 %# ## ## ##"]),
    "FI": (["040 %## ####", "050 %######", "09 %## ####", "044-%## ####"],
           ["+358 40 %## ####", "+358 9 %## ####", "+358 (0)50 %## ####"]),
    "EE": (["5### ####", "6%# ####", "5%######"], ["+372 5### ####", "+372 6%# ####"]),
    "LV": (["2%## ####", "67 ### ###", "2%######"], ["+371 2%## ####", "+371 67 ### ###"]),
    "LT": (["8 6%# #####", "(8 5) %## ####", "86%######"], ["+370 6%# #####", "+370 5 %## ####"]),
    "GR": (["69% ### ####", "210 %## ####", "2310 %#####", "210-%######"],
           ["+30 69% ### ####", "+30 210 %## ####", "0030 2310 %#####"]),
    "RO": (["07%# ### ###", "021 %## ####", "0264 %## ###", "07%#.###.###"],
           ["+40 7%# ### ###", "+40 (0)21 %## ####", "+40-21-%##-####"]),
}

_EXTENSIONS: dict[str, list[str]] = {
    "en": [" x####", " ext. ##", " ext ###", " Ext. ###", " x##"], "de": ["-##", "-###", " Durchwahl ##"],
    "fr": [" poste ##", " poste ###"], "it": [" int. ##", " interno ###"], "es": [" ext. ##", " extensión ###"],
    "nl": [" toestel ##", " tst. ###"], "pl": [" wew. ##", " wewn. ###"], "pt": [" ext. ##"],
}


def _make_phone(rng: Random, country: str, lang: str, mods: tuple[str, ...]) -> str:
    national, intl = _PHONES[country]
    if "intl" in mods:
        pool = intl
    elif "nat" in mods:
        pool = national
    else:
        pool = intl if rng.random() < 0.45 else national
    number = _pat(rng, rng.choice(pool))
    if "ext" in mods:
        number += _pat(rng, rng.choice(_EXTENSIONS.get(lang, [" ext. ##", " x###"])))
    return number


# ---------------------------------------------------------------------------------------------------------------
# Check-digit arithmetic (all computed here; python-stdnum is only used by --check to confirm).
# ---------------------------------------------------------------------------------------------------------------

# Italian odd-position table (codice fiscale and CIN share it).
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                    12, 14, 16, 10, 22, 25, 24, 23], strict=True))


def _cf_even(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - 65


def _it_check_char(s: str) -> str:
    total = sum(_CF_ODD[c] if i % 2 == 0 else _cf_even(c) for i, c in enumerate(s))
    return chr(65 + total % 26)


def _luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _luhn_ok(number: str) -> bool:
    return number.isdigit() and _luhn_digit(number[:-1]) == number[-1]


def _mod97(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s)) % 97


def _iban_ok(iban: str) -> bool:
    c = iban.replace(" ", "")
    return _mod97(c[4:] + c[:4]) == 1


def _bsn_ok(n: str) -> bool:
    if len(n) != 9 or not n.isdigit():
        return False
    return (sum(int(d) * w for d, w in zip(n[:8], range(9, 1, -1), strict=True)) - int(n[8])) % 11 == 0


def _pesel_ok(n: str) -> bool:
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    return len(n) == 11 and n.isdigit() and (10 - sum(int(a) * b for a, b in zip(n, w, strict=False)) % 10) % 10 \
        == int(n[10])


def _mod11_10(payload: str) -> str:
    product = 10
    for ch in payload:
        s = (int(ch) + product) % 10 or 10
        product = (s * 2) % 11
    return str((11 - product) % 10)


def _idnr_ok(n: str) -> bool:
    if len(n) != 11 or not n.isdigit() or n[0] == "0":
        return False
    repeated = [c for c in Counter(n[:10]).values() if c > 1]
    return len(repeated) == 1 and repeated[0] in (2, 3) and _mod11_10(n[:10]) == n[10]


def _nhs_ok(n: str) -> bool:
    return len(n) == 10 and n.isdigit() and sum(int(d) * w for d, w in zip(n, range(10, 0, -1), strict=True)) % 11 == 0


_NINO_RE = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[ABCEGHJ-PRSTW-Z][ABCEGHJ-NPRSTW-Z]\d{6}[A-D]$")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _gen_nino(rng: Random) -> str:
    while True:
        pre = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if pre not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    digits = _pat(rng, "######")
    suffix = rng.choice("ABCD")
    if rng.random() < 0.55:
        return f"{pre} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{pre}{digits}{suffix}"


def _gen_nhs(rng: Random) -> str:
    while True:
        body = _pat(rng, "%########")
        c = (11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11) % 11
        if c != 10:
            break
    n = body + str(c)
    r = rng.random()
    return f"{n[:3]} {n[3:6]} {n[6:]}" if r < 0.6 else f"{n[:3]}-{n[3:6]}-{n[6:]}" if r < 0.7 else n


def _gen_idnr(rng: Random) -> str:
    while True:
        digits = rng.sample(_DIGITS, 9)
        digits.append(rng.choice(digits))
        rng.shuffle(digits)
        if digits[0] != "0":
            break
    n = "".join(digits)
    n += _mod11_10(n)
    return f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:]}" if rng.random() < 0.4 else n


def _gen_nir(rng: Random, p: Person) -> str:
    sex = "2" if p.female else "1"
    dept = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}"
    body = f"{sex}{p.birth.year % 100:02d}{p.birth.month:02d}{dept}{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}"
    key = f"{97 - int(body) % 97:02d}"
    if rng.random() < 0.5:
        return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key}"
    return body + key


def _gen_dni(rng: Random) -> str:
    n = rng.randint(1_000_000, 99_999_999)
    sep = "-" if rng.random() < 0.2 else ""
    return f"{n:08d}{sep}{_DNI_LETTERS[n % 23]}"


def _gen_nie(rng: Random) -> str:
    prefix = rng.choice("XYZ")
    body = _pat(rng, "#######")
    letter = _DNI_LETTERS[int(str("XYZ".index(prefix)) + body) % 23]
    return f"{prefix}-{body}-{letter}" if rng.random() < 0.2 else f"{prefix}{body}{letter}"


_CF_MONTHS = "ABCDEHLMPRST"
_CF_COMUNI = ["F205", "H501", "L219", "F839", "A944", "D612", "G273", "D969", "A662", "L781"]


def _cf_part(name: str, given: bool) -> str:
    letters = [c for c in _ascii(name).upper() if "A" <= c <= "Z"]
    cons = [c for c in letters if c not in "AEIOU"]
    vows = [c for c in letters if c in "AEIOU"]
    if given and len(cons) >= 4:
        return cons[0] + cons[2] + cons[3]
    return "".join(cons + vows + ["X", "X", "X"])[:3]


def _gen_cf(rng: Random, p: Person) -> str:
    day = p.birth.day + (40 if p.female else 0)
    body = (_cf_part(p.surname_lat, False) + _cf_part(p.given_lat, True) + f"{p.birth.year % 100:02d}"
            + _CF_MONTHS[p.birth.month - 1] + f"{day:02d}" + rng.choice(_CF_COMUNI))
    return body + _it_check_char(body)


def _gen_bsn(rng: Random) -> str:
    while True:
        body = _pat(rng, "%#######")
        c = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
        if c != 10:
            break
    n = body + str(c)
    return f"{n[:4]}.{n[4:6]}.{n[6:]}" if rng.random() < 0.2 else n


def _gen_pesel(rng: Random, p: Person) -> str:
    month = p.birth.month + (20 if p.birth.year >= 2000 else 0)
    sex = rng.choice("02468" if p.female else "13579")
    body = f"{p.birth.year % 100:02d}{month:02d}{p.birth.day:02d}{_pat(rng, '###')}{sex}"
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    return body + str((10 - sum(int(a) * b for a, b in zip(body, w, strict=True)) % 10) % 10)


def _gen_card(rng: Random) -> str:
    r = rng.random()
    prefix = "4" if r < 0.5 else str(rng.randint(51, 55)) if r < 0.85 else str(rng.randint(2221, 2720))
    payload = prefix + _pat(rng, "#" * (15 - len(prefix)))
    n = payload + _luhn_digit(payload)
    r = rng.random()
    groups = [n[i:i + 4] for i in range(0, 16, 4)]
    return " ".join(groups) if r < 0.5 else "-".join(groups) if r < 0.7 else n


# IBAN: BBAN builders per country (national check digits computed where a country has them).
def _bban_es(rng: Random) -> str:
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

    def dc(s: str) -> str:
        v = 11 - sum(int(a) * b for a, b in zip(s, w, strict=True)) % 11
        return "1" if v == 10 else "0" if v == 11 else str(v)

    bank, branch, acct = _pat(rng, "%###"), _pat(rng, "####"), _pat(rng, "##########")
    return bank + branch + dc("00" + bank + branch) + dc(acct) + acct


def _bban_fr(rng: Random) -> str:
    bank, branch, acct = _pat(rng, "%####"), _pat(rng, "#####"), _pat(rng, "###########")
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
    return f"{bank}{branch}{acct}{key:02d}"


def _bban_be(rng: Random) -> str:
    # bank codes from the large Belgian banks' ranges (000-099, 310-399, 730-749)
    bank = rng.choice([rng.randint(1, 99), rng.randint(310, 399), rng.randint(730, 749)])
    body = f"{bank:03d}" + _pat(rng, "#######")
    return f"{body}{int(body) % 97 or 97:02d}"


def _bban_pt(rng: Random) -> str:
    body = _pat(rng, "00%#") + _pat(rng, "####") + _pat(rng, "###########")
    return f"{body}{98 - (int(body) * 100) % 97:02d}"


def _bban_pl(rng: Random) -> str:
    bank = _pat(rng, "%######")
    chk = (10 - sum(int(a) * b for a, b in zip(bank, [3, 9, 7, 1, 3, 9, 7], strict=True)) % 10) % 10
    return f"{bank}{chk}{_pat(rng, '################')}"


def _bban_it(rng: Random) -> str:
    rest = _pat(rng, "0####") + _pat(rng, "#####") + _pat(rng, "000#########")
    return _it_check_char(rest) + rest


_BBANS: dict[str, Callable[[Random], str]] = {
    "DE": lambda r: _pat(r, "%#######" + "#" * 10),
    "AT": lambda r: _pat(r, "%####" + "#" * 11),
    "CH": lambda r: _pat(r, "00%##" + "#" * 12),
    "FR": _bban_fr, "BE": _bban_be, "ES": _bban_es, "PT": _bban_pt, "PL": _bban_pl, "IT": _bban_it,
    "NL": lambda r: r.choice(["ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ"]) + _pat(r, "#" * 10),
    "LU": lambda r: _pat(r, "%##" + "#" * 13),
    "UK": lambda r: r.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + _pat(r, "%#####" + "#" * 8),
    "IE": lambda r: r.choice(["AIBK", "BOFI", "IPBS"]) + _pat(r, "9#####" + "#" * 8),
    "SE": lambda r: _pat(r, "%##" + "#" * 17), "DK": lambda r: _pat(r, "%" + "#" * 13),
    "FI": lambda r: _pat(r, "%" + "#" * 13), "EE": lambda r: _pat(r, "%" + "#" * 15),
    "LV": lambda r: r.choice(["HABA", "UNLA", "RIKO"]) + _pat(r, "#" * 13),
    "LT": lambda r: _pat(r, "%" + "#" * 15), "GR": lambda r: _pat(r, "0%#" + "#" * 20),
    "RO": lambda r: r.choice(["RNCB", "BTRL", "INGB", "BRDE"]) + _pat(r, "#" * 16),
    "HU": lambda r: _pat(r, "1%" + "#" * 22), "CZ": lambda r: _pat(r, "0%##" + "#" * 16),
    "SK": lambda r: _pat(r, "%###" + "#" * 16),
}


def _gen_iban(rng: Random, country: str, mods: tuple[str, ...]) -> str:
    if country not in _BBANS:
        country = rng.choice(sorted(_BBANS))
    cc = "GB" if country == "UK" else country
    bban = _BBANS[country](rng)
    check = 98 - _mod97(bban + cc + "00")
    compact = f"{cc}{check:02d}{bban}"
    spaced = " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    if "compact" in mods:
        return compact
    if "spaced" in mods:
        return spaced
    return spaced if rng.random() < 0.6 else compact


def _gen_ip(rng: Random, mods: tuple[str, ...]) -> str:
    v6 = "v6" in mods or ("v4" not in mods and rng.random() < 0.3)
    if not v6:
        r = rng.random()
        if r < 0.15:
            return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if r < 0.3:
            return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if r < 0.35:
            return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        first = rng.choice([f for f in range(1, 224) if f not in (10, 127)])
        return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    r = rng.random()
    if r < 0.3:
        groups[:2] = ["2001", "db8"]
    elif r < 0.45:
        return "fe80::" + ":".join(groups[4:])
    if rng.random() < 0.5:
        start = rng.randint(2, 4)
        length = rng.randint(2, 3)
        head = ":".join(groups[:start])
        tail = ":".join(groups[start + length:])
        return f"{head}::{tail}"
    text = ":".join(groups)
    return text.upper() if rng.random() < 0.1 else text


# ---------------------------------------------------------------------------------------------------------------
# Dates (birth dates are labelled; every other date is a distractor and uses the same formats).
# ---------------------------------------------------------------------------------------------------------------

_MONTHS: dict[str, list[str]] = {
    "en": _split("January;February;March;April;May;June;July;August;September;October;November;December"),
    "de": _split("Januar;Februar;März;April;Mai;Juni;Juli;August;September;Oktober;November;Dezember"),
    "fr": _split("janvier;février;mars;avril;mai;juin;juillet;août;septembre;octobre;novembre;décembre"),
    "es": _split("enero;febrero;marzo;abril;mayo;junio;julio;agosto;septiembre;octubre;noviembre;diciembre"),
    "it": _split("gennaio;febbraio;marzo;aprile;maggio;giugno;luglio;agosto;settembre;ottobre;novembre;dicembre"),
    "nl": _split("januari;februari;maart;april;mei;juni;juli;augustus;september;oktober;november;december"),
    "pt": _split("janeiro;fevereiro;março;abril;maio;junho;julho;agosto;setembro;outubro;novembro;dezembro"),
    "pl": _split("stycznia;lutego;marca;kwietnia;maja;czerwca;lipca;sierpnia;września;października;listopada;"
                 "grudnia"),
    "cs": _split("ledna;února;března;dubna;května;června;července;srpna;září;října;listopadu;prosince"),
    "hu": _split("január;február;március;április;május;június;július;augusztus;szeptember;október;november;"
                 "december"),
    "sv": _split("januari;februari;mars;april;maj;juni;juli;augusti;september;oktober;november;december"),
    "da": _split("januar;februar;marts;april;maj;juni;juli;august;september;oktober;november;december"),
    "fi": _split("tammikuuta;helmikuuta;maaliskuuta;huhtikuuta;toukokuuta;kesäkuuta;heinäkuuta;elokuuta;"
                 "syyskuuta;lokakuuta;marraskuuta;joulukuuta"),
    "el": _split("Ιανουαρίου;Φεβρουαρίου;Μαρτίου;Απριλίου;Μαΐου;Ιουνίου;Ιουλίου;Αυγούστου;Σεπτεμβρίου;"
                 "Οκτωβρίου;Νοεμβρίου;Δεκεμβρίου"),
    "et": _split("jaanuar;veebruar;märts;aprill;mai;juuni;juuli;august;september;oktoober;november;detsember"),
    "lv": _split("janvārī;februārī;martā;aprīlī;maijā;jūnijā;jūlijā;augustā;septembrī;oktobrī;novembrī;decembrī"),
    "lt": _split("sausio;vasario;kovo;balandžio;gegužės;birželio;liepos;rugpjūčio;rugsėjo;spalio;lapkričio;"
                 "gruodžio"),
    "ro": _split("ianuarie;februarie;martie;aprilie;mai;iunie;iulie;august;septembrie;octombrie;noiembrie;"
                 "decembrie"),
}


def _ordinal(d: int) -> str:
    suffix = "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix}"


def _fmt_date(rng: Random, d: dt.date, lang: str, country: str) -> str:
    dd, mm, y = d.day, d.month, d.year
    num = {"dmy/": f"{dd:02d}/{mm:02d}/{y}", "dmy.": f"{dd:02d}.{mm:02d}.{y}", "dmy-": f"{dd:02d}-{mm:02d}-{y}",
           "iso": f"{y}-{mm:02d}-{dd:02d}", "d.m.y": f"{dd}.{mm}.{y}"}
    mon = _MONTHS.get(lang, _MONTHS["en"])[mm - 1]
    options: dict[str, list[str]] = {
        "en": ([f"{_MONTHS['en'][mm - 1]} {dd}, {y}", f"{mm:02d}/{dd:02d}/{y}", f"{mm}/{dd}/{y}", num["iso"]]
               if country in ("US", "CA") else
               [f"{dd} {mon} {y}", num["dmy/"], f"{_ordinal(dd)} {mon} {y}", num["iso"], num["dmy."],
                f"{dd} {mon[:3]} {y}"]),
        "de": [num["dmy."], f"{dd}. {mon} {y}", num["iso"], num["d.m.y"]],
        "fr": [num["dmy/"], f"{'1er' if dd == 1 else dd} {mon} {y}"],
        "es": [num["dmy/"], f"{dd} de {mon} de {y}", num["dmy-"]],
        "it": [num["dmy/"], f"{dd} {mon} {y}", num["dmy."]],
        "nl": [num["dmy-"], f"{dd} {mon} {y}", num["dmy/"]],
        "pt": [num["dmy/"], f"{dd} de {mon} de {y}", num["dmy-"]],
        "pl": [num["dmy."], f"{dd} {mon} {y}", num["iso"]],
        "cs": [f"{dd}. {mm}. {y}", num["dmy."], f"{dd}. {mon} {y}"],
        "hu": [f"{y}. {mon} {dd}", f"{y}.{mm:02d}.{dd:02d}", num["iso"]],
        "sv": [num["iso"], f"{dd} {mon} {y}"],
        "da": [num["dmy."], f"{dd}. {mon} {y}", num["dmy-"]],
        "fi": [num["d.m.y"], num["dmy."], f"{dd}. {mon} {y}"],
        "el": [num["dmy/"], num["dmy-"], f"{dd} {mon} {y}"],
        "et": [num["dmy."], f"{dd}. {mon} {y}"],
        "lv": [num["dmy."], f"{y}. gada {dd}. {mon}"],
        "lt": [num["iso"], f"{y}.{mm:02d}.{dd:02d}"],
        "ro": [num["dmy."], f"{dd} {mon} {y}", num["dmy/"]],
    }
    return rng.choice(options.get(lang, options["en"]))


def _recent_date(rng: Random) -> dt.date:
    start = dt.date(2023, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(2026, 12, 31).toordinal()))


# ---------------------------------------------------------------------------------------------------------------
# Distractor vocabularies (never labelled).
# ---------------------------------------------------------------------------------------------------------------

_ORGS_INTL = _split("Siemens;Philips;Deutsche Bahn;Vodafone;IKEA;Lidl;Allianz;Ryanair;Zalando;Ferrero;Bosch;"
                    "Heineken;Carrefour;Santander")
_ORGS: dict[str, list[str]] = {
    "en": _split("Brightwater Analytics Ltd;Northwind Logistics;Harbourview Dental Practice;Kestrel Insurance plc;"
                 "Greenfield Medical Centre;Oakridge Property Management;Bluebell Nursery;St Columba's Hospital;"
                 "Morgan & Fitch Solicitors;Lakeside Veterinary Clinic"),
    "de": _split("Nordlicht Logistik GmbH;Stadtwerke Lindenau;Bäckerei Sonnenschein;Praxis am Markt;"
                 "Hausverwaltung Kranich KG;Techniker Krankenkasse"),
    "fr": _split("Société Lumière Conseil;Atelier Bleu SARL;Cabinet Médical des Tilleuls;Agence Immobilière du Port;"
                 "Mutuelle Horizon"),
    "es": _split("Construcciones Albahaca S.L.;Clínica Dental Sonrisa;Inmobiliaria Mediterránea;Gestoría Almudena"),
    "it": _split("Farmacia Centrale;Studio Legale Ferri & Associati;Ospedale San Raffaele;Trasporti Adriatici S.p.A."),
    "nl": _split("Bouwbedrijf De Linde B.V.;Huisartsenpraktijk Zuid;Woningcorporatie Eigen Haard;Fietsenmakerij Wiel"),
    "pt": _split("Transportes Atlântico Lda.;Clínica do Parque;Imobiliária Tejo;Farmácia Central"),
    "pl": _split("Mleczarnia Zielona Dolina Sp. z o.o.;Przychodnia Zdrowie;Spółdzielnia Mieszkaniowa Jutrzenka"),
    "cs": _split("Pivovar Dubový Vrch s.r.o.;Nemocnice Na Homolce;Stavby Morava a.s."),
    "hu": _split("Napfény Kft.;Duna Logisztika Zrt.;Szent Margit Kórház"),
    "sv": _split("Ekholm Bygg AB;Vårdcentralen Solsidan;Norrlands Transport AB"),
    "da": _split("Fjordlys ApS;Lægehuset Nørreport;Boligselskabet Havblik"),
    "fi": _split("Revontuli Oy;Terveystalo Kamppi;Kiinteistö Oy Koivukuja"),
    "el": _split("Ελαιώνας Α.Ε.;Ιατρικό Κέντρο Αθηνών;Μεταφορική Αιγαίου"),
    "et": _split("Meretuul OÜ;Tallinna Keskhaigla;Kalevipoja Ehitus AS"),
    "lv": _split("Dzintarkrasts SIA;Rīgas Klīnika;Baltijas Loģistika"),
    "lt": _split("Gintaro Prekyba UAB;Santaros Klinikos;Nemuno Statyba"),
    "ro": _split("Carpați Soft SRL;Clinica Sanitas;Transilvania Logistic SA"),
}
_JOBS: dict[str, list[str]] = {
    "en": _split("Senior Data Engineer;Head of Procurement;Staff Nurse;Account Manager;Site Supervisor;"
                 "Chief Financial Officer;Warehouse Operative"),
    "de": _split("Sachbearbeiterin Buchhaltung;Projektleiter;Softwareentwickler;Pflegefachkraft"),
    "fr": _split("Chargée de clientèle;Responsable RH;Ingénieur commercial;Comptable"),
    "es": _split("Jefe de Ventas;Administrativa;Técnico de Mantenimiento"),
    "it": _split("Responsabile Acquisti;Impiegata amministrativa;Direttore Tecnico"),
    "nl": _split("Teamleider Logistiek;Verpleegkundige;Financieel Controller"),
    "pt": _split("Técnico de Manutenção;Gestora de Conta;Enfermeira"),
    "pl": _split("Kierownik Projektu;Księgowa;Specjalista ds. kadr"),
    "cs": _split("Účetní;Vedoucí skladu;Programátor"),
    "hu": _split("Projektvezető;Könyvelő;Értékesítési vezető"),
    "sv": _split("Projektledare;Sjuksköterska;Ekonomiassistent"),
    "da": _split("Projektleder;Bogholder;Lagermedarbejder"),
    "fi": _split("Projektipäällikkö;Kirjanpitäjä;Myyntipäällikkö"),
    "el": _split("Υπεύθυνος Πωλήσεων;Λογίστρια;Μηχανικός"),
    "et": _split("Projektijuht;Raamatupidaja;Müügijuht"),
    "lv": _split("Projektu vadītājs;Grāmatvede;Pārdevējs"),
    "lt": _split("Projektų vadovas;Buhalterė;Vadybininkas"),
    "ro": _split("Contabil;Manager de proiect;Inginer software"),
}
_DRUGS = _split("Metformin 500 mg;Ibuprofen 400 mg;Amoxicillin 500 mg;Atorvastatin 20 mg;Ramipril 5 mg;"
                "Levothyroxine 50 mcg;Paracetamol 1 g;Omeprazol 20 mg;Salbutamol;Sertraline 50 mg;Bisoprolol 2.5 mg;"
                "Apixaban 5 mg")
_PRODUCTS = _split("ThinkPad X1 Carbon;Galaxy S23;AirPods Pro;Dyson V15;Bosch Serie 6;Miele W1;Kindle Paperwhite;"
                   "PlayStation 5;Nespresso Vertuo;iPhone 15")
_AIRLINES = ["LH", "FR", "BA", "AF", "KL", "LO", "OS", "SK", "A3", "RO"]
_NATIONALITIES = _split("German;Irish;Portuguese;Polish;Nigerian;Greek;Romanian;Turkish;Indian;Vietnamese;Latvian")
_CURRENCY: dict[str, tuple[str, str, str, str]] = {
    # lang: (prefix, suffix, thousands separator, decimal separator)
    "en": ("£", "", ",", "."), "de": ("", " €", ".", ","), "fr": ("", " €", "\u202f", ","),
    "es": ("", " €", ".", ","), "it": ("€ ", "", ".", ","), "nl": ("€ ", "", ".", ","), "pt": ("", " €", " ", ","),
    "pl": ("", " zł", " ", ","), "cs": ("", " Kč", " ", ","), "hu": ("", " Ft", " ", ","),
    "sv": ("", " kr", " ", ","), "da": ("", " kr.", ".", ","), "fi": ("", " €", " ", ","),
    "el": ("", " €", ".", ","), "et": ("", " €", " ", ","), "lv": ("", " EUR", " ", ","),
    "lt": ("", " Eur", " ", ","), "ro": ("", " lei", ".", ","),
}


def _gen_amount(rng: Random, lang: str) -> str:
    pre, suf, thou, dec = _CURRENCY.get(lang, _CURRENCY["en"])
    if lang == "en":
        pre = rng.choice(["£", "$", "€"])
    value = rng.randint(5, 250_000) if lang in ("hu", "cs") else rng.randint(5, 9_999)
    cents = rng.randint(0, 99)
    whole = f"{value:,}".replace(",", thou)
    return f"{pre}{whole}{dec}{cents:02d}{suf}" if lang not in ("hu", "cs") else f"{pre}{whole}{suf}"


def _gen_time(rng: Random, lang: str) -> str:
    h, m = rng.randint(8, 18), rng.choice([0, 15, 30, 45])
    if lang == "en" and rng.random() < 0.5:
        return f"{(h - 1) % 12 + 1}:{m:02d} {'am' if h < 12 else 'pm'}"
    return f"{h}.{m:02d}" if lang in ("fi", "da") else f"{h:02d}:{m:02d}"


def _not_id(rng: Random, pattern: str, *checks: Callable[[str], bool]) -> str:
    """A number that looks like an identifier but fails every given check-digit test."""
    while True:
        s = _pat(rng, pattern)
        if not any(check(s) for check in checks):
            return s


def _gen_order(rng: Random) -> str:
    r = rng.random()
    if r < 0.3:
        return f"ORD-{rng.randint(2022, 2026)}-{_pat(rng, '#####')}"
    if r < 0.5:
        return _not_id(rng, "%########", _bsn_ok)
    if r < 0.7:
        return f"SO{_pat(rng, '#######')}"
    if r < 0.85:
        return f"A-{_pat(rng, '######')}"
    return f"#{_pat(rng, '%#####')}"


def _gen_ref(rng: Random) -> str:
    r = rng.random()
    if r < 0.25:
        return f"INV-{rng.randint(2022, 2026)}-{_pat(rng, '####')}"
    if r < 0.45:
        return _not_id(rng, "%##########", _pesel_ok, _idnr_ok)
    if r < 0.6:
        return f"REF/{_pat(rng, '####')}/{_pat(rng, '##')}"
    if r < 0.8:
        return f"TCK-{_pat(rng, '######')}"
    return _not_id(rng, "%#########", _nhs_ok)


def _gen_track(rng: Random) -> str:
    r = rng.random()
    if r < 0.4:
        return _not_id(rng, "%###############", _luhn_ok)
    if r < 0.7:
        return f"JJD{_pat(rng, '#' * 16)}"
    return f"1Z{_pat(rng, '###@@#', 'ABCDEFGHJKLMNPRSTVWXY')}{_pat(rng, '##########')}"


# ---------------------------------------------------------------------------------------------------------------
# Per-language honorifics (unlabelled: only the name after them is a PERSON span) and e-mail domains.
# ---------------------------------------------------------------------------------------------------------------

_HON: dict[str, tuple[list[str], list[str]]] = {
    "en": (["Mr", "Mr.", "Dr"], ["Ms", "Mrs", "Dr", "Miss"]), "de": (["Herr", "Herr Dr."], ["Frau", "Frau Dr."]),
    "fr": (["M.", "Monsieur"], ["Mme", "Madame"]), "es": (["Sr.", "D."], ["Sra.", "Dña."]),
    "it": (["Sig.", "Dott."], ["Sig.ra", "Dott.ssa"]), "nl": (["dhr.", "de heer"], ["mevr.", "mevrouw"]),
    "pt": (["Sr.", "Dr."], ["Sra.", "Dra."]), "pl": (["Pan"], ["Pani"]), "cs": (["pan"], ["paní"]),
    "ro": (["dl.", "domnul"], ["dna", "doamna"]), "el": (["κ."], ["κα"]),
}
_DEAR: dict[str, tuple[str, str]] = {
    "en": ("Dear Mr", "Dear Ms"), "de": ("Sehr geehrter Herr", "Sehr geehrte Frau"),
    "fr": ("Cher Monsieur", "Chère Madame"), "es": ("Estimado Sr.", "Estimada Sra."),
    "it": ("Gentile Sig.", "Gentile Sig.ra"), "nl": ("Geachte heer", "Geachte mevrouw"),
    "pt": ("Caro Sr.", "Cara Sra."), "ro": ("Stimate domnule", "Stimată doamnă"),
    "el": ("Αγαπητέ κύριε", "Αγαπητή κυρία"),
}
_MAIL_DOMAINS: dict[str, list[str]] = {
    "UK": ["gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com"], "IE": ["eircom.net", "gmail.com"],
    "US": ["gmail.com", "yahoo.com", "icloud.com"], "CA": ["gmail.com", "rogers.com"],
    "AU": ["bigpond.com", "gmail.com"], "ZA": ["mweb.co.za", "gmail.com"],
    "DE": ["web.de", "gmx.de", "t-online.de", "posteo.de"], "AT": ["gmx.at", "aon.at"], "CH": ["bluewin.ch"],
    "FR": ["orange.fr", "free.fr", "laposte.net"], "BE": ["skynet.be", "telenet.be"],
    "NL": ["ziggo.nl", "kpnmail.nl", "hotmail.nl"], "LU": ["pt.lu"], "IT": ["libero.it", "virgilio.it"],
    "ES": ["telefonica.net", "hotmail.es"], "PT": ["sapo.pt"], "PL": ["wp.pl", "onet.pl", "interia.pl", "o2.pl"],
    "CZ": ["seznam.cz", "email.cz", "centrum.cz"], "SK": ["azet.sk", "zoznam.sk"],
    "HU": ["freemail.hu", "citromail.hu"], "SE": ["telia.com", "bredband.net"], "DK": ["mail.dk", "jubii.dk"],
    "FI": ["elisanet.fi", "luukku.com"], "EE": ["hot.ee", "mail.ee"], "LV": ["inbox.lv", "apollo.lv"],
    "LT": ["one.lt", "takas.lt"], "GR": ["otenet.gr", "yahoo.gr"], "RO": ["yahoo.ro", "gmail.com"],
}
_WORK_DOMAINS = _split("brightwater-analytics.co.uk;northwind-logistik.de;atelierbleu.fr;albahaca.es;ferri-legal.it;"
                       "delinde.nl;revontuli.fi;ekholmbygg.se;carpatisoft.ro;example-health.eu;kestrel-ins.com")


def _make_email(rng: Random, p: Person, country: str) -> str:
    def clean(s: str) -> str:
        return "".join(c for c in _ascii(s).lower() if c.isalnum())

    g, s = clean(p.given_lat), clean(p.surname_lat.split()[-1] if rng.random() < 0.5 else p.surname_lat)
    r = rng.random()
    if r < 0.35:
        local = f"{g}.{s}"
    elif r < 0.5:
        local = f"{g[0]}.{s}"
    elif r < 0.62:
        local = f"{g}_{s}{rng.randint(1, 99)}"
    elif r < 0.72:
        local = f"{s}.{g}"
    elif r < 0.82:
        local = f"{g}{s}"
    elif r < 0.9:
        local = f"{g}.{s[0]}"
    else:
        local = f"{g}{rng.randint(1960, 2005)}"
    domain = rng.choice(_WORK_DOMAINS) if rng.random() < 0.25 else rng.choice(_MAIL_DOMAINS.get(country, ["gmail.com"]))
    return f"{local}@{domain}"


# ---------------------------------------------------------------------------------------------------------------
# Templates: (language, shape, forced country or "", text). Slots:
#   labelled:   {P} {P2} (.given .sur .lower .rev .revc .init .upper, chainable: .given.lower), {P.email} {EMAIL},
#               {PEL} (Greek-script name), {ADDR} (.ml multi-line, .pc postcode+city), {PHONE} (.ext .intl .nat),
#               {IBAN} (.compact .spaced), {CC}, {IP} (.v4 .v6), {DOB} (birth date of P; {DOB2} of P2),
#               {NINO} {NHS} {STEUERID} {NIR} {DNI} {NIE} {CF} {BSN} {PESEL}
#   unlabelled: {P.hon} {P.dear} {CITY} {ORG} {DRUG} {DATE} {TIME} {ORDER} {REF} {AMOUNT} {JOB} {PRODUCT} {NUM}
#               {TRACK} {NATIONALITY} {FLIGHT} {COUNTRY}; a trailing digit ({DATE2}, {ORG2}) gives another value.
# ---------------------------------------------------------------------------------------------------------------

Template = tuple[str, str, str, str]

_TEMPLATES_EN: list[Template] = [
    ("en", "chat", "", "user: hi, my name is {P.lower} and I still haven't received order {ORDER}\n"
                       "assistant: Sorry to hear that! Could you confirm the delivery address?\nuser: {ADDR}"),
    ("en", "chat", "", "user: can you update my phone number to {PHONE}? the old one was disconnected\n"
                       "assistant: Of course. For security, please confirm your date of birth.\nuser: {DOB}"),
    ("en", "chat", "", "user: Please draft a reply to {P} ({P.email}) saying the {PRODUCT} will ship on {DATE}.\n"
                       "assistant: Sure, here is a draft addressed to {P.given}."),
    ("en", "chat", "", "user: my card {CC} was charged twice for {AMOUNT} at {ORG}, what do I do?\n"
                       "assistant: I can open a dispute. Which date did the second charge appear?\nuser: {DATE}"),
    ("en", "chat", "", "user: our server keeps getting hits from {IP} and {IP2}, is that a bot?\n"
                       "assistant: Possibly. Both addresses hit /login about 400 times on {DATE}."),
    ("en", "email", "", "Dear {P.hon} {P.sur},\n\nThank you for your application for the {JOB} role at {ORG}. We "
                        "would like to invite you for an interview on {DATE} at {TIME} in our {CITY} office.\n\n"
                        "Kind regards,\n{P2}\nTalent Acquisition"),
    ("en", "email", "", "Hi team,\n\nplease find the Q3 figures attached. Ping me if anything looks off.\n\nBest,\n"
                        "{P}\n{JOB} | {ORG}\nM: {PHONE}\n{ADDR.ml}"),
    ("en", "email", "", "Hello {P.given},\n\nyour refund of {AMOUNT} will be sent to the IBAN you gave us: {IBAN}. "
                        "Please allow 5 working days.\n\nThanks,\n{ORG} Billing"),
    ("en", "form", "", "Name: {P}\nDate of birth: {DOB}\nAddress: {ADDR}\nPhone: {PHONE}\nEmail: {P.email}"),
    ("en", "form", "UK", "Patient: {P}\nNHS number: {NHS}\nDOB: {DOB}\nGP practice: {ORG}\nNext review: {DATE}"),
    ("en", "hr_note", "UK", "HR note {DATE}: {P} ({JOB}) submitted updated payroll details. NI number {NINO}, new "
                            "bank details on file. Contact: {PHONE}."),
    ("en", "clinical_note", "", "Pt {P}, DOB {DOB}, seen in clinic re: persistent cough. Started {DRUG}. Review in "
                                "2 weeks at {ORG}. Next of kin: {P2}, tel {PHONE}."),
    ("en", "ticket", "", "Ticket {REF} | Priority: high\nCustomer {P} reports login failures from IP {IP}. Last "
                         "successful login {DATE}. Callback number: {PHONE.ext}."),
    ("en", "letter", "US", "{P}\n{ADDR.ml}\n\n{DATE}\n\nDear {P.hon} {P.sur},\n\nWe are writing to confirm that "
                           "your policy {REF} with {ORG} has been renewed until {DATE2}."),
    ("en", "delivery_note", "", "Delivery note {ORDER}\nDeliver to: {P}\n{ADDR.ml}\nContact on arrival: {PHONE}\n"
                                "Items: 2 x {PRODUCT}"),
    ("en", "tenancy_note", "", "Tenancy file: {P} moved into {ADDR} on {DATE}. Deposit of {AMOUNT} received. "
                               "Guarantor {P2} can be reached at {P2.email}."),
    ("en", "csv_row", "", "{NUM},{P},{P.email},{PHONE},\"{ADDR}\",{DATE}"),
    ("en", "csv_row", "UK", "{NUM},{P.revc},{NHS},{DATE},{ORG}"),
    ("en", "note", "", "Met {P.given} from {ORG} at the {CITY} trade fair. Interested in the {PRODUCT} bundle. "
                       "Follow up via {P.email} before {DATE}."),
    ("en", "chat", "", "user: hey its {P.given.lower} again lol, can u send the invoice to {P.email} instead\n"
                       "assistant: Done! Invoice {REF} has been re-sent."),
    ("en", "email", "IE", "Hi {P.given},\n\nThe keys for the apartment at {ADDR} are ready for collection. Our "
                          "office number is {PHONE}.\n\nRegards,\n{P2.given}"),
    ("en", "form", "US", "Applicant: {P}\nDOB: {DOB}\nMailing address: {ADDR}\nEmployer: {ORG}\nPosition: {JOB}"),
    ("en", "ticket", "", "Support case {REF}: user {P.email} cannot reach the VPN since {DATE}. Assigned IPv6 "
                         "{IP.v6}, gateway responds. Escalated to the network team."),
    ("en", "chat", "", "user: I want to pay with my card, the number is {CC}, expiry 09/27\n"
                       "assistant: Please never share full card numbers in chat. I have masked it in our logs."),
    ("en", "note", "FR", "Relocation file: {P}, French social security number {NIR}, starts at {ORG} on {DATE}. "
                         "Temporary address: {ADDR}."),
    ("en", "hr_note", "DE", "Onboarding checklist for {P}: Steuer-ID {STEUERID} received, health insurer {ORG}, "
                            "start date {DATE}. Payroll address {ADDR}."),
    ("en", "email", "ES", "Hi {P.given}, for the rental contract in {CITY} the agency needs a copy of your DNI "
                          "({DNI}) and a Spanish phone number. Mine is {PHONE} if they ask.\n{P2.given}"),
    ("en", "note", "ES", "Visa file {REF}: {P}, NIE {NIE}, born {DOB}, residing at {ADDR}."),
    ("en", "form", "IT", "Full name: {P}\nCodice fiscale: {CF}\nAddress: {ADDR}\nMobile: {PHONE}"),
    ("en", "hr_note", "PL", "Candidate {P} (PESEL {PESEL}) has accepted the offer from {ORG}. Contract start "
                            "{DATE}, salary {AMOUNT} gross."),
    ("en", "table_row", "NL", "{P} | {BSN} | {ADDR.pc} | {DATE} | {AMOUNT}"),
    ("en", "letter", "ZA", "{P}\n{ADDR.ml}\n\nRe: account {REF}\n\nDear {P.given},\nFollowing your call on {DATE}, "
                           "we have updated your contact number to {PHONE}."),
    ("en", "chat", "AU", "user: we moved! new address is {ADDR}, can you update the subscription?\n"
                         "assistant: Updated. Your next box of {PRODUCT} will ship on {DATE}."),
    ("en", "delivery_note", "CA", "Shipping label\nTo: {P}\n{ADDR.ml}\nTel: {PHONE}\nRef: {ORDER}"),
    ("en", "note", "", "Guest list for the {ORG} dinner: {P}, {P2} and {PEL}. Dietary requests by {DATE}, venue "
                       "in {CITY}."),
    ("en", "log_line", "", "{DATE} 401 POST /api/v2/auth from {IP.v4} user={P.email} agent=curl/8.4"),
    ("en", "clinical_note", "", "Referral letter\nRe: {P}, born {DOB}\nAddress: {ADDR}\nPresenting complaint: "
                                "migraine, currently on {DRUG}.\nReferring clinician: Dr {P2.sur}"),
    ("en", "ticket", "", "Refund request {REF}\nCustomer: {P}\nIBAN: {IBAN.compact}\nAmount: {AMOUNT}\nReason: "
                         "damaged {PRODUCT}"),
    ("en", "email", "GR", "Hi all,\n\nour new colleague {PEL} joins the {CITY} office on {DATE} as {JOB}. Please "
                          "say hello!\n\n{P2.given}"),
    ("en", "note", "", "Voicemail from {P} at {TIME}: wants to rebook the {DATE} appointment. Call back on "
                       "{PHONE}."),
    ("en", "sms", "", "Hi {P.given}, your {ORG} courier will arrive between 10:00 and 12:00 at {ADDR}. Reply STOP "
                      "to opt out."),
    ("en", "form", "", "Emergency contact\nName: {P2}\nRelationship: sister\nPhone: {PHONE}\nEmail: {P2.email}"),
    ("en", "hr_note", "", "Exit interview {DATE}: {P} leaves {ORG} after 6 years as {JOB}. Forwarding address "
                          "{ADDR}; final payslip by email to {P.email}."),
    ("en", "chat", "", "user: who is {P}?\nassistant: I don't have information about a private individual named "
                       "{P}, and I can't look people up."),
    ("en", "csv_row", "", "{P.revc};{DOB};{PHONE};{IBAN}"),
    ("en", "ticket", "", "Security alert: new sign-in to {P.email} from {IP} ({CITY}, {COUNTRY}). If this wasn't "
                         "you, reset your password."),
    ("en", "note", "", "{P.hon} {P.sur} called about the boiler at {ADDR}; engineer booked for {DATE} at "
                       "{TIME}."),
    ("en", "email", "UK", "Dear {P},\n\nYour appointment at {ORG} is confirmed for {DATE} at {TIME}. Please bring "
                          "photo ID and your NHS number ({NHS}).\n\n{ORG2}"),
    ("en", "chat", "", "user: booking for two: me ({P}, born {DOB}) and my partner {P2}\n"
                       "assistant: Thanks! Seats 14A and 14B on flight {FLIGHT} are reserved."),
    ("en", "note", "", "Contractor {P} invoices via {ORG}. Payment to {IBAN}, reference {REF}. Phone {PHONE}."),
    ("en", "form", "", "Guest registration\nSurname: {P.sur}\nFirst name: {P.given}\nNationality: {NATIONALITY}\n"
                       "Home address: {ADDR}\nPassport checked: yes"),
    ("en", "letter", "UK", "{P.upper}\n{ADDR.ml}\n\nYour National Insurance number is {NINO}. Keep this letter "
                           "safe. Issued {DATE}."),
    ("en", "csv_row", "NL", "{NUM};{BSN};{P.revc};{CITY};{AMOUNT}"),
    ("en", "chat", "", "user: what's the best way to contact {P.init}?\n"
                       "assistant: Their work number on the intranet is {PHONE.ext}."),
    ("en", "email", "US", "Hey {P.given.lower},\n\nsending the lease to {ADDR} tomorrow. Call me at {PHONE} if the "
                          "{CITY} office needs anything.\n\n- {P2.given}"),
]

_NONE_EN: list[Template] = [
    ("en", "email", "", "Reminder: the {ORG} quarterly review moves to {DATE} at {TIME} in {CITY}. Please bring the "
                        "{PRODUCT} prototypes and the budget figures ({AMOUNT})."),
    ("en", "chat", "", "user: what's the usual dosage for {DRUG}?\nassistant: Dosing varies; please follow the "
                       "leaflet or ask a pharmacist at {ORG}."),
    ("en", "ticket", "", "Ticket {REF}: {PRODUCT} firmware update failed on 12 units at the {CITY} warehouse. "
                         "Order {ORDER}, tracking {TRACK}. Vendor: {ORG}."),
    ("en", "csv_row", "", "{ORDER},{PRODUCT},{NUM},{AMOUNT},{DATE},{CITY}"),
    ("en", "note", "", "Board meeting {DATE}: {ORG} approved the {CITY} expansion. Head of Finance to circulate "
                       "the cost model (ref {REF}) by {DATE2}."),
    ("en", "email", "", "Hello,\n\nThe {CITY} office will be closed on {DATE} for maintenance. Parcels for {ORG} "
                        "can be collected from reception from {TIME}.\n\nFacilities Team"),
    ("en", "chat", "", "user: is {ORG} based in {CITY}?\nassistant: Its headquarters are in {CITY}, with a second "
                       "site in {CITY2} opening on {DATE}."),
]

_TEMPLATES_OTHER: list[Template] = [
    # German
    ("de", "email", "", "{P.dear} {P.sur},\n\nvielen Dank für Ihre Bestellung {ORDER} vom {DATE}. Die Lieferung an "
                        "{ADDR} erfolgt voraussichtlich in drei Werktagen.\n\nMit freundlichen Grüßen\n{P2}\n"
                        "Kundenservice {ORG}"),
    ("de", "form", "", "Name: {P}\nGeburtsdatum: {DOB}\nAnschrift: {ADDR}\nTelefon: {PHONE}\nE-Mail: {P.email}"),
    ("de", "hr_note", "DE", "Personalakte {P.revc}: Steuer-ID {STEUERID}, Eintritt {DATE}, Position {JOB}. Gehalt "
                            "auf {IBAN}."),
    ("de", "chat", "", "user: hallo, ich bin {P.lower}, meine adresse ist {ADDR}. mein paket ist nicht angekommen\n"
                       "assistant: Das tut mir leid! Ich prüfe die Sendung {TRACK} sofort."),
    ("de", "clinical_note", "", "Pat. {P}, geb. {DOB}, stellt sich mit Rückenschmerzen vor. Medikation: {DRUG}. "
                                "Kontrolle am {DATE}. Hausarzt: Dr. {P2.sur}, {CITY}."),
    ("de", "email", "", "Hallo {P2.given},\n\nanbei die Unterlagen für das Meeting in {CITY}.\n\nViele Grüße\n{P}\n"
                        "{JOB}\n{ORG}\n{ADDR.ml}\nTel. {PHONE.ext}"),
    ("de", "tenancy_note", "", "Mieter: {P}, Wohnung {ADDR}, Mietbeginn {DATE}, Kaution {AMOUNT}. Notfallkontakt "
                               "{P2}, {PHONE}."),
    ("de", "csv_row", "", "{P.sur};{P.given};{ADDR.pc};{PHONE};{NUM}"),
    ("de", "ticket", "DE", "Ticket {REF}: Kundin/Kunde {P} meldet Zugriff von unbekannter IP {IP}. Rückruf unter "
                           "{PHONE} erbeten."),
    ("de", "letter", "", "{P}\n{ADDR.ml}\n\n{CITY}, den {DATE}\n\nKündigung Vertrag {REF}\n\nSehr geehrte Damen "
                         "und Herren,\nhiermit kündige ich meinen Vertrag fristgerecht zum {DATE2}."),
    # French
    ("fr", "email", "", "{P.dear} {P.sur},\n\nNous avons bien reçu votre dossier {REF}. Votre rendez-vous est fixé "
                        "au {DATE} à {TIME} dans notre agence de {CITY}.\n\nCordialement,\n{P2}\n{ORG}"),
    ("fr", "form", "", "Nom : {P.sur}\nPrénom : {P.given}\nNé(e) le : {DOB}\nAdresse : {ADDR}\nTél. : {PHONE}"),
    ("fr", "hr_note", "FR", "Dossier salarié : {P}, n° de sécurité sociale {NIR}, embauché(e) le {DATE} en tant que "
                            "{JOB}."),
    ("fr", "chat", "", "user: bonjour, je suis {P.lower}, mon adresse mail est {P.email}, je n'arrive pas à me "
                       "connecter\nassistant: Bonjour ! Je vous envoie un lien de réinitialisation."),
    ("fr", "letter", "", "{P}\n{ADDR.ml}\n\n{CITY}, le {DATE}\n\nObjet : résiliation du contrat {REF}\n\nMadame, "
                         "Monsieur,\nje vous prie de résilier mon abonnement. IBAN pour le remboursement : {IBAN}."),
    ("fr", "ticket", "", "Ticket {REF} – client(e) {P}, tél. {PHONE}, signale une panne de {PRODUCT} depuis le "
                         "{DATE}. Intervention prévue : {ADDR}."),
    ("fr", "clinical_note", "FR", "Patient(e) {P}, né(e) le {DOB}, NIR {NIR}. Traitement : {DRUG}. Prochain "
                                  "contrôle le {DATE}."),
    # Spanish
    ("es", "email", "", "{P.dear} {P.sur}:\n\nLe confirmamos la cita del {DATE} a las {TIME} en nuestra clínica de "
                        "{CITY}. Si necesita cambiarla, llame al {PHONE}.\n\nUn saludo,\n{P2.given}"),
    ("es", "form", "", "Nombre y apellidos: {P}\nDNI: {DNI}\nFecha de nacimiento: {DOB}\nDomicilio: {ADDR}"),
    ("es", "chat", "", "user: hola, soy {P.given.lower}, necesito cambiar la dirección de entrega a {ADDR}\n"
                       "assistant: ¡Hecho! El pedido {ORDER} llegará el {DATE}."),
    ("es", "note", "", "Expediente {REF}: {P}, NIE {NIE}, contrato con {ORG}, correo {P.email}."),
    ("es", "csv_row", "", "{P};{NIE};{PHONE};{ADDR.pc};{AMOUNT}"),
    ("es", "tenancy_note", "", "Contrato de arrendamiento: inquilino/a {P}, vivienda sita en {ADDR}, fianza "
                               "{AMOUNT}. Domiciliación en la cuenta {IBAN}."),
    ("es", "csv_row", "", "{NUM},{DNI},{P.upper},{DATE}"),
    # Italian
    ("it", "email", "", "{P.dear} {P.sur},\n\nle confermiamo la spedizione dell'ordine {ORDER} all'indirizzo {ADDR}. "
                        "Per informazioni può contattarci al {PHONE}.\n\nCordiali saluti,\n{ORG}"),
    ("it", "form", "", "Cognome e nome: {P.rev}\nCodice fiscale: {CF}\nData di nascita: {DOB}\nResidenza: {ADDR}"),
    ("it", "clinical_note", "", "Paziente {P}, nato/a il {DOB}, in terapia con {DRUG}. Prossimo controllo il {DATE} "
                                "presso {ORG} (ambulatorio 3)."),
    ("it", "chat", "", "user: ciao, sono {P.lower}. il mio codice fiscale è {CF}, mi serve il certificato\n"
                       "assistant: Certo, lo riceverà via email entro il {DATE}."),
    ("it", "letter", "", "Spett.le {ORG}\n\nIl/La sottoscritto/a {P}, residente in {ADDR}, chiede il rimborso di "
                         "{AMOUNT} sul conto {IBAN}.\n\n{CITY}, {DATE}"),
    ("it", "csv_row", "", "{NUM},{P},{CF},{PHONE},{DATE}"),
    # Dutch
    ("nl", "email", "", "{P.dear} {P.sur},\n\nUw afspraak bij {ORG} op {DATE} om {TIME} is bevestigd. Het adres is "
                        "{ADDR}.\n\nMet vriendelijke groet,\n{P2}"),
    ("nl", "form", "NL", "Naam: {P}\nGeboortedatum: {DOB}\nBSN: {BSN}\nAdres: {ADDR}\nTelefoon: {PHONE}"),
    ("nl", "chat", "", "user: hoi, ik ben {P.given.lower}. kan de factuur naar {P.email}?\n"
                       "assistant: Natuurlijk, factuur {REF} is verstuurd."),
    ("nl", "csv_row", "NL", "{NUM};{P.revc};{BSN};{ADDR.pc};{AMOUNT}"),
    ("nl", "tenancy_note", "", "Huurder {P} betrekt per {DATE} de woning aan {ADDR}. Huur {AMOUNT} per maand via "
                               "{IBAN}."),
    ("nl", "ticket", "", "Melding {REF}: {P} ({PHONE}) kan niet inloggen vanaf {IP}. Laatste login {DATE}."),
    # Portuguese
    ("pt", "email", "", "{P.dear} {P.sur},\n\nInformamos que a encomenda {ORDER} será entregue em {ADDR} no dia "
                        "{DATE}.\n\nCom os melhores cumprimentos,\n{P2}\n{ORG}"),
    ("pt", "form", "", "Nome completo: {P}\nData de nascimento: {DOB}\nMorada: {ADDR}\nTelemóvel: {PHONE}\n"
                       "E-mail: {P.email}"),
    ("pt", "chat", "", "user: olá, chamo-me {P.lower}, o meu IBAN é {IBAN}, podem devolver o valor?\n"
                       "assistant: Sim, o reembolso de {AMOUNT} será processado até {DATE}."),
    ("pt", "clinical_note", "", "Utente {P}, nascido(a) a {DOB}, medicado(a) com {DRUG}. Contacto: {PHONE}."),
    ("pt", "delivery_note", "", "Guia de remessa {ORDER}\nDestinatário: {P}\n{ADDR.ml}\nTel.: {PHONE}"),
    # Polish
    ("pl", "email", "", "Dzień dobry,\n\nw nawiązaniu do zamówienia {ORDER} potwierdzam adres dostawy: {ADDR}.\n\n"
                        "Pozdrawiam\n{P}\n{PHONE}"),
    ("pl", "form", "PL", "Imię i nazwisko: {P}\nPESEL: {PESEL}\nData urodzenia: {DOB}\nAdres zamieszkania: {ADDR}"),
    ("pl", "chat", "", "user: cześć, tu {P.lower}, mój numer to {PHONE}, oddzwonicie?\n"
                       "assistant: Oczywiście, konsultant zadzwoni przed {TIME}."),
    ("pl", "hr_note", "", "Notatka kadrowa: {P} ({JOB}) – umowa od {DATE}, konto do wypłat {IBAN}, e-mail "
                          "{P.email}."),
    ("pl", "csv_row", "PL", "{P.rev};{PESEL};{ADDR.pc};{AMOUNT}"),
    ("pl", "clinical_note", "", "Pacjent(ka) {P}, ur. {DOB} r., zgłasza ból głowy. Zalecono {DRUG}. Wizyta kontrolna "
                                "{DATE} r."),
    # Czech / Slovak
    ("cs", "email", "", "Dobrý den,\n\nzasílám podklady k objednávce {ORDER}. Doručovací adresa: {ADDR}.\n\n"
                        "S pozdravem\n{P}\n{PHONE}"),
    ("cs", "form", "", "Jméno a příjmení: {P}\nDatum narození: {DOB}\nBydliště: {ADDR}\nTelefon: {PHONE}"),
    ("cs", "chat", "", "user: ahoj, jsem {P.given.lower}, můžete mi poslat fakturu na {P.email}?\n"
                       "assistant: Jistě, faktura {REF} je na cestě."),
    ("cs", "clinical_note", "", "Pacient(ka) {P}, nar. {DOB}, užívá {DRUG}. Kontrola {DATE} ({ORG}, ambulance 2)."),
    ("cs", "tenancy_note", "", "Nájemce {P} přebírá byt na adrese {ADDR} k {DATE}. Nájemné {AMOUNT} na účet {IBAN}."),
    # Hungarian
    ("hu", "email", "", "Tisztelt {P}!\n\nKöszönjük megrendelését ({ORDER}). A csomagot a következő címre küldjük: "
                        "{ADDR}.\n\nÜdvözlettel:\n{ORG}"),
    ("hu", "form", "", "Név: {P}\nSzületési idő: {DOB}\nLakcím: {ADDR}\nTelefon: {PHONE}\nE-mail: {P.email}"),
    ("hu", "chat", "", "user: szia, {P.lower} vagyok, a számlaszámom {IBAN}\n"
                       "assistant: Köszönöm, a visszatérítés {DATE}-ig megérkezik."),
    ("hu", "hr_note", "", "Munkavállaló: {P}, munkakör: {JOB}, belépés: {DATE}, telefonszám: {PHONE}."),
    ("hu", "delivery_note", "", "Szállítólevél {ORDER}\nCímzett: {P}\n{ADDR.ml}\nTel.: {PHONE}"),
    # Swedish
    ("sv", "email", "", "Hej {P.given},\n\ntack för din beställning {ORDER}. Paketet skickas till {ADDR}.\n\n"
                        "Med vänliga hälsningar\n{P2}\n{ORG}"),
    ("sv", "form", "", "Namn: {P}\nFödelsedatum: {DOB}\nAdress: {ADDR}\nTelefon: {PHONE}"),
    ("sv", "chat", "", "user: hej, jag heter {P.lower} och mitt nummer är {PHONE}\n"
                       "assistant: Tack! Vi ringer upp dig före {TIME}."),
    ("sv", "tenancy_note", "", "Hyresgäst {P} flyttar in på {ADDR} den {DATE}. Deposition {AMOUNT}. Kontakt: "
                               "{P.email}."),
    ("sv", "ticket", "", "Ärende {REF}: {P} kan inte logga in, senaste IP {IP}. Återkoppling via {PHONE}."),
    # Danish
    ("da", "email", "", "Kære {P.given}\n\nDin ordre {ORDER} er afsendt til {ADDR}.\n\nVenlig hilsen\n{P2}\n{ORG}"),
    ("da", "form", "", "Navn: {P}\nFødselsdato: {DOB}\nAdresse: {ADDR}\nTelefon: {PHONE}\nE-mail: {P.email}"),
    ("da", "chat", "", "user: hej, det er {P.lower}, kan I sende fakturaen til {P.email}?\n"
                       "assistant: Selvfølgelig, faktura {REF} er sendt."),
    ("da", "tenancy_note", "", "Lejer {P}, {ADDR}, indflytning {DATE}. Husleje {AMOUNT} betales til {IBAN}."),
    ("da", "clinical_note", "", "Patient {P}, født {DOB}, behandles med {DRUG}. Næste kontrol {DATE}. "
                                "Tlf. {PHONE}."),
    # Finnish
    ("fi", "email", "", "Hei {P.given},\n\ntilauksesi {ORDER} on lähetetty osoitteeseen {ADDR}.\n\nYstävällisin "
                        "terveisin\n{P2}\n{ORG}"),
    ("fi", "form", "", "Nimi: {P}\nSyntymäaika: {DOB}\nOsoite: {ADDR}\nPuhelin: {PHONE}"),
    ("fi", "chat", "", "user: moi, olen {P.lower}, sähköpostini on {P.email}\n"
                       "assistant: Kiitos! Lähetin vahvistuksen."),
    ("fi", "tenancy_note", "", "Vuokralainen {P}, osoite {ADDR}, vuokra {AMOUNT}, tili {IBAN}. Sopimus alkaa {DATE}."),
    ("fi", "ticket", "", "Tiketti {REF}: asiakas {P} ({PHONE}) ilmoittaa, että {PRODUCT} ei käynnisty."),
    # Greek
    ("el", "email", "", "{P.dear} {P.sur},\n\nσας ενημερώνουμε ότι η παραγγελία {ORDER} θα παραδοθεί στη διεύθυνση "
                        "{ADDR} στις {DATE}.\n\nΜε εκτίμηση,\n{P2}\n{ORG}"),
    ("el", "form", "", "Ονοματεπώνυμο: {P}\nΗμερομηνία γέννησης: {DOB}\nΔιεύθυνση: {ADDR}\nΤηλέφωνο: {PHONE}"),
    ("el", "chat", "", "user: γεια, είμαι ο/η {P.lower}, το email μου είναι {P.email}\n"
                       "assistant: Ευχαριστούμε! Σας στείλαμε σύνδεσμο επαναφοράς."),
    ("el", "clinical_note", "", "Ασθενής {P}, γεν. {DOB}, λαμβάνει {DRUG}. Επόμενο ραντεβού {DATE}. Τηλ. {PHONE}."),
    ("el", "tenancy_note", "", "Μισθωτής: {P}, ακίνητο: {ADDR}, μίσθωμα {AMOUNT}, IBAN {IBAN}."),
    # Estonian
    ("et", "email", "", "Tere, {P.given}!\n\nTeie tellimus {ORDER} saadeti aadressile {ADDR}.\n\nLugupidamisega\n"
                        "{P2}\n{ORG}"),
    ("et", "form", "", "Nimi: {P}\nSünniaeg: {DOB}\nAadress: {ADDR}\nTelefon: {PHONE}\nE-post: {P.email}"),
    ("et", "chat", "", "user: tere, ma olen {P.lower}, minu number on {PHONE}\nassistant: Aitäh! Helistame teile "
                       "tagasi."),
    ("et", "tenancy_note", "", "Üürnik {P}, korter {ADDR}, üür {AMOUNT}, arveldusarve {IBAN}."),
    # Romanian
    ("ro", "email", "", "{P.dear} {P.sur},\n\nVă confirmăm livrarea comenzii {ORDER} la adresa {ADDR}.\n\nCu stimă,"
                        "\n{P2}\n{ORG}"),
    ("ro", "form", "", "Nume și prenume: {P}\nData nașterii: {DOB}\nDomiciliu: {ADDR}\nTelefon: {PHONE}"),
    ("ro", "chat", "", "user: bună, sunt {P.lower}, emailul meu este {P.email}\n"
                       "assistant: Mulțumim! V-am trimis factura {REF}."),
    ("ro", "hr_note", "", "Angajat: {P}, funcția {JOB}, data angajării {DATE}, cont salariu {IBAN}."),
    ("ro", "delivery_note", "", "Aviz de livrare {ORDER}\nDestinatar: {P}\n{ADDR.ml}\nTel: {PHONE}"),
    # Latvian
    ("lv", "email", "", "Labdien, {P}!\n\nJūsu pasūtījums {ORDER} ir nosūtīts uz adresi {ADDR}.\n\nAr cieņu,\n"
                        "{ORG}"),
    ("lv", "form", "", "Vārds, uzvārds: {P}\nDzimšanas datums: {DOB}\nAdrese: {ADDR}\nTālrunis: {PHONE}"),
    ("lv", "chat", "", "user: sveiki, esmu {P.lower}, mans e-pasts ir {P.email}\n"
                       "assistant: Paldies! Rēķins {REF} ir nosūtīts."),
    # Lithuanian
    ("lt", "email", "", "Laba diena, {P}!\n\nJūsų užsakymas {ORDER} išsiųstas adresu {ADDR}.\n\nPagarbiai\n{ORG}"),
    ("lt", "form", "", "Vardas, pavardė: {P}\nGimimo data: {DOB}\nAdresas: {ADDR}\nTelefonas: {PHONE}"),
    ("lt", "chat", "", "user: labas, aš {P.lower}, mano telefonas {PHONE}\n"
                       "assistant: Ačiū! Perskambinsime iki {TIME}."),
]

_NONE_OTHER: list[Template] = [
    ("de", "note", "", "Die {ORG} verlegt ihren Sitz zum {DATE} nach {CITY}. Rechnungen mit der Nummer {REF} bitte "
                       "weiterhin an die Buchhaltung senden. Betrag: {AMOUNT}."),
    ("fr", "note", "", "Le salon {ORG} se tiendra à {CITY} du {DATE} au {DATE2}. Tarif exposant : {AMOUNT}. "
                       "Référence de commande {ORDER}."),
    ("es", "note", "", "La reunión del consejo de {ORG} se celebrará en {CITY} el {DATE}. Presupuesto aprobado: "
                       "{AMOUNT}. Expediente {REF}."),
    ("it", "note", "", "Il convegno di {ORG} si terrà a {CITY} il {DATE}. Quota di iscrizione {AMOUNT}, codice "
                       "evento {REF}."),
    ("nl", "note", "", "{ORG} opent op {DATE} een nieuwe vestiging in {CITY}. Bestellingen met nummer {ORDER} worden "
                       "vanaf dan daar verwerkt."),
    ("pt", "note", "", "A {ORG} abre a nova loja em {CITY} a {DATE}. Promoção de lançamento: {PRODUCT} por "
                       "{AMOUNT}."),
    ("pl", "note", "", "Spotkanie zarządu {ORG} odbędzie się w mieście {CITY} dnia {DATE}. Budżet projektu: {AMOUNT}, "
                       "numer sprawy {REF}."),
    ("cs", "note", "", "Společnost {ORG} otevírá pobočku ve městě {CITY} dne {DATE}. Objednávka {ORDER} v hodnotě "
                       "{AMOUNT}."),
    ("hu", "note", "", "{ORG}: új iroda nyílik {DATE} napján. Helyszín: {CITY}. Rendelésszám: {ORDER}, összeg: "
                       "{AMOUNT}."),
    ("sv", "note", "", "{ORG} öppnar nytt kontor i {CITY} den {DATE}. Ordernummer {ORDER}, belopp {AMOUNT}."),
    ("da", "note", "", "{ORG} holder generalforsamling i {CITY} den {DATE}. Tilmelding med reference {REF}."),
    ("fi", "note", "", "{ORG}: uusi toimipiste avataan {DATE}. Paikkakunta: {CITY}. Tilausnumero {ORDER}."),
    ("el", "note", "", "Η {ORG} εγκαινιάζει νέο κατάστημα. Πόλη: {CITY}, ημερομηνία: {DATE}. Κωδικός παραγγελίας "
                       "{ORDER}."),
    ("et", "note", "", "{ORG} avab uue kontori. Linn: {CITY}, kuupäev {DATE}. Tellimuse number {ORDER}."),
    ("ro", "note", "", "{ORG} deschide un nou birou în {CITY} pe {DATE}. Valoare contract: {AMOUNT}."),
    ("lv", "note", "", "{ORG} atver jaunu biroju. Pilsēta: {CITY}, datums {DATE}. Pasūtījuma numurs {ORDER}."),
    ("lt", "note", "", "{ORG} atidaro naują biurą. Miestas: {CITY}, data {DATE}. Užsakymo numeris {ORDER}."),
]

TEMPLATES: list[Template] = _TEMPLATES_EN + _TEMPLATES_OTHER
NONE_TEMPLATES: list[Template] = _NONE_EN + _NONE_OTHER
LANGS: list[str] = sorted({t[0] for t in TEMPLATES})


# ---------------------------------------------------------------------------------------------------------------
# Filling templates
# ---------------------------------------------------------------------------------------------------------------

_LANG_COUNTRIES: dict[str, list[tuple[str, float]]] = {
    "en": [("UK", 25), ("IE", 12), ("US", 15), ("CA", 8), ("AU", 8), ("ZA", 7), ("EU", 25)],
    "de": [("DE", 60), ("AT", 20), ("CH", 20)], "fr": [("FR", 65), ("BE", 20), ("LU", 8), ("CH", 7)],
    "nl": [("NL", 75), ("BE", 25)], "cs": [("CZ", 70), ("SK", 30)], "es": [("ES", 1)], "it": [("IT", 1)],
    "pt": [("PT", 1)], "pl": [("PL", 1)], "hu": [("HU", 1)], "sv": [("SE", 1)], "da": [("DK", 1)],
    "fi": [("FI", 1)], "el": [("GR", 1)], "et": [("EE", 1)], "lv": [("LV", 1)], "lt": [("LT", 1)],
    "ro": [("RO", 1)],
}
_EU = ["DE", "AT", "CH", "FR", "BE", "NL", "LU", "IT", "ES", "PT", "PL", "CZ", "SK", "HU", "SE", "DK", "FI", "EE",
       "LV", "LT", "GR", "RO"]
_COUNTRY_CULTURE: dict[str, list[str]] = {
    "UK": ["en_gb"], "IE": ["ie"], "US": ["en_gb", "es", "wa", "zh"], "CA": ["en_gb", "fr", "zh"],
    "AU": ["en_gb", "el_lat", "vi"], "ZA": ["en_gb", "wa", "sa"], "DE": ["de"], "AT": ["de"], "CH": ["de", "fr"],
    "FR": ["fr"], "BE": ["fr", "nl"], "NL": ["nl"], "LU": ["fr", "de"], "IT": ["it"], "ES": ["es"], "PT": ["pt"],
    "PL": ["pl"], "CZ": ["cs"], "SK": ["cs"], "HU": ["hu"], "SE": ["sv"], "DK": ["da"], "FI": ["fi"], "EE": ["et"],
    "LV": ["lv"], "LT": ["lt"], "GR": ["el_lat"], "RO": ["ro"],
}
_LABELS: dict[str, str] = {
    "P": "PERSON", "PEL": "PERSON", "EMAIL": "EMAIL_ADDRESS", "ADDR": "STREET_ADDRESS", "PHONE": "PHONE_NUMBER",
    "IBAN": "IBAN_CODE", "CC": "CREDIT_CARD", "IP": "IP_ADDRESS", "DOB": "DATE_OF_BIRTH", "NINO": "UK_NINO",
    "NHS": "UK_NHS", "STEUERID": "DE_TAX_ID", "NIR": "FR_NIR", "DNI": "ES_DNI", "NIE": "ES_NIE",
    "CF": "IT_FISCAL_CODE", "BSN": "NL_BSN", "PESEL": "PL_PESEL",
}
ENTITY_TYPES: list[str] = sorted(set(_LABELS.values()))
_SLOT = re.compile(r"\{([A-Z]+)(\d*)((?:\.[a-z0-9]+)*)\}")


def _weighted(rng: Random, options: list[tuple[str, float]]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for name, w in options:
        x -= w
        if x < 0:
            return name
    return options[-1][0]


class _Filler:
    """Per-record state: language, country and the values already drawn (so a slot repeated means one value)."""

    def __init__(self, rng: Random, lang: str, country: str) -> None:
        self.rng = rng
        self.lang = lang
        self.country = country
        self.memo: dict[str, Any] = {}

    def _culture(self) -> str:
        rng = self.rng
        if self.lang == "el" and self.country == "GR" and rng.random() < 0.85:
            return "el"
        if rng.random() < (0.5 if self.lang == "en" else 0.25):
            return rng.choice(_DIVERSE)
        return rng.choice(_COUNTRY_CULTURE[self.country])

    def person(self, idx: str) -> Person:
        key = "P" + idx
        if key not in self.memo:
            self.memo[key] = _make_person(self.rng, self._culture())
        return self.memo[key]

    def _memo(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def _person_slot(self, p: Person, mods: tuple[str, ...], idx: str) -> tuple[str, str | None]:
        rng = self.rng
        if "email" in mods:
            return self._memo("EMAIL" + idx, lambda: _make_email(rng, p, self.country)), "EMAIL_ADDRESS"
        if "hon" in mods:
            male, female = _HON.get(self.lang, (["Mr"], ["Ms"]))
            return self._memo("HON" + idx, lambda: rng.choice(female if p.female else male)), None
        if "dear" in mods:
            return _DEAR.get(self.lang, _DEAR["en"])[1 if p.female else 0], None
        if "given" in mods:
            value = p.given
        elif "sur" in mods:
            value = p.surname
        elif "rev" in mods:
            value = p.full() if p.surname_first else f"{p.surname} {p.given}"
        elif "revc" in mods:
            value = f"{p.surname}, {p.given}"
        elif "init" in mods:
            value = f"{p.given[0]}. {p.surname}"
        else:
            value = p.full()
        if "lower" in mods:
            value = value.lower()
        elif "upper" in mods:
            value = value.upper()
        return value, "PERSON"

    def fill(self, kind: str, idx: str, mods: tuple[str, ...]) -> tuple[str, str | None]:
        rng, lang, country = self.rng, self.lang, self.country
        key = kind + idx + "".join("." + m for m in mods)
        label = _LABELS.get(kind)
        if kind == "P":
            return self._person_slot(self.person(idx), mods, idx)
        if kind == "EMAIL":
            return self._person_slot(self.person(idx), ("email",), idx)
        if kind == "PEL":
            p = self._memo(kind + idx, lambda: _make_person(rng, "el"))
            return p.full(), label
        if kind == "ADDR":
            a: Address = self._memo(kind + idx, lambda: _make_address(rng, country, lang))
            return (a.multi if "ml" in mods else a.pc if "pc" in mods else a.single), label
        makers: dict[str, Callable[[], str]] = {
            "PHONE": lambda: _make_phone(rng, country, lang, mods),
            "IBAN": lambda: _gen_iban(rng, country, mods),
            "CC": lambda: _gen_card(rng),
            "IP": lambda: _gen_ip(rng, mods),
            "DOB": lambda: _fmt_date(rng, self.person(idx).birth, lang, country),
            "NINO": lambda: _gen_nino(rng),
            "NHS": lambda: _gen_nhs(rng),
            "STEUERID": lambda: _gen_idnr(rng),
            "NIR": lambda: _gen_nir(rng, self.person(idx)),
            "DNI": lambda: _gen_dni(rng),
            "NIE": lambda: _gen_nie(rng),
            "CF": lambda: _gen_cf(rng, self.person(idx)),
            "BSN": lambda: _gen_bsn(rng),
            "PESEL": lambda: _gen_pesel(rng, self.person(idx)),
            # distractors
            "CITY": lambda: rng.choice(_GR_CITY_NAMES if lang == "el" and country == "GR" else _CITY_NAMES[country]),
            "ORG": lambda: rng.choice(_ORGS.get(lang, _ORGS["en"]) + _ORGS_INTL),
            "DRUG": lambda: rng.choice(_DRUGS),
            "DATE": lambda: _fmt_date(rng, _recent_date(rng), lang, country),
            "TIME": lambda: _gen_time(rng, lang),
            "ORDER": lambda: _gen_order(rng),
            "REF": lambda: _gen_ref(rng),
            "AMOUNT": lambda: _gen_amount(rng, lang),
            "JOB": lambda: rng.choice(_JOBS.get(lang, _JOBS["en"])),
            "PRODUCT": lambda: rng.choice(_PRODUCTS),
            "NUM": lambda: str(rng.randint(1, 9999)),
            "TRACK": lambda: _gen_track(rng),
            "NATIONALITY": lambda: rng.choice(_NATIONALITIES),
            "FLIGHT": lambda: f"{rng.choice(_AIRLINES)} {rng.randint(100, 9899)}",
            "COUNTRY": lambda: _COUNTRY_NAMES[country][0],
        }
        if kind not in makers:
            raise KeyError(f"unknown slot {{{kind}{idx}}}")
        return self._memo(key, makers[kind]), label


def _pick_country(rng: Random, lang: str, forced: str) -> str:
    if forced:
        return forced
    c = _weighted(rng, _LANG_COUNTRIES[lang])
    return rng.choice(_EU) if c == "EU" else c


def _render(rng: Random, template: Template) -> tuple[str, list[dict[str, Any]], str]:
    lang, _shape, forced, text = template
    country = _pick_country(rng, lang, forced)
    filler = _Filler(rng, lang, country)
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    pos = 0
    last = 0
    for m in _SLOT.finditer(text):
        literal = text[last:m.start()]
        parts.append(literal)
        pos += len(literal)
        mods = tuple(x for x in m.group(3).split(".") if x)
        value, label = filler.fill(m.group(1), m.group(2), mods)
        parts.append(value)
        if label is not None:
            spans.append({"start": pos, "end": pos + len(value), "type": label, "value": value})
        pos += len(value)
        last = m.end()
    parts.append(text[last:])
    return "".join(parts), spans, country


_EN_SHARE = 0.40
_NONE_SHARE = 0.10


def _generate_full(n: int, seed: int) -> list[dict[str, Any]]:
    """Records with the extra bookkeeping --check needs (span values, template index, country)."""
    rng = Random(f"independent:{seed}")
    others = [lang for lang in LANGS if lang != "en"]
    by_lang = {lang: [i for i, t in enumerate(TEMPLATES) if t[0] == lang] for lang in LANGS}
    none_by_lang = {lang: [i for i, t in enumerate(NONE_TEMPLATES) if t[0] == lang] for lang in LANGS}
    records: list[dict[str, Any]] = []
    for i in range(n):
        lang = "en" if rng.random() < _EN_SHARE else rng.choice(others)
        if rng.random() < _NONE_SHARE and none_by_lang[lang]:
            tid = f"none:{rng.choice(none_by_lang[lang])}"
            template = NONE_TEMPLATES[int(tid[5:])]
        else:
            tid = f"span:{rng.choice(by_lang[lang])}"
            template = TEMPLATES[int(tid[5:])]
        text, spans, country = _render(rng, template)
        records.append({"id": f"ind-{seed}-{i}", "text": text, "lang": lang, "family": "independent",
                        "shape": template[1], "spans": spans, "_template": tid, "_country": country})
    return records


def generate(n: int, seed: int) -> list[dict]:
    """Exactly n labelled records, deterministic for (n, seed)."""
    out: list[dict] = []
    for r in _generate_full(n, seed):
        spans = [{"start": s["start"], "end": s["end"], "type": s["type"]} for s in r["spans"]]
        out.append({"id": r["id"], "text": r["text"], "lang": r["lang"], "family": r["family"], "shape": r["shape"],
                    "spans": spans})
    return out


# ---------------------------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _stdnum_validators() -> dict[str, Callable[[str], bool]]:
    try:
        from stdnum import iban, luhn
        from stdnum.de import idnr
        from stdnum.es import dni, nie
        from stdnum.fr import nir
        from stdnum.gb import nhs
        from stdnum.it import codicefiscale
        from stdnum.nl import bsn
        from stdnum.pl import pesel
    except ImportError:
        return {}
    return {"IBAN_CODE": iban.is_valid, "CREDIT_CARD": lambda v: luhn.is_valid(re.sub(r"[^0-9]", "", v)),
            "DE_TAX_ID": idnr.is_valid, "ES_DNI": dni.is_valid, "ES_NIE": nie.is_valid, "FR_NIR": nir.is_valid,
            "UK_NHS": nhs.is_valid, "IT_FISCAL_CODE": codicefiscale.is_valid, "NL_BSN": bsn.is_valid,
            "PL_PESEL": pesel.is_valid}


def _own_validators() -> dict[str, Callable[[str], bool]]:
    def digits(v: str) -> str:
        return re.sub(r"[^0-9]", "", v)

    def compact(v: str) -> str:
        return re.sub(r"[\s.\-]", "", v).upper()

    def ip_ok(v: str) -> bool:
        try:
            ipaddress.ip_address(v)
        except ValueError:
            return False
        return True

    def dni_ok(v: str) -> bool:
        c = compact(v)
        return len(c) == 9 and c[:8].isdigit() and _DNI_LETTERS[int(c[:8]) % 23] == c[8]

    def nie_ok(v: str) -> bool:
        c = compact(v)
        return len(c) == 9 and c[0] in "XYZ" and _DNI_LETTERS[int(str("XYZ".index(c[0])) + c[1:8]) % 23] == c[8]

    def nir_ok(v: str) -> bool:
        c = digits(v)
        return len(c) == 15 and 97 - int(c[:13]) % 97 == int(c[13:])

    def cf_ok(v: str) -> bool:
        shape = re.fullmatch(r"[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]", v)
        return bool(shape) and _it_check_char(v[:15]) == v[15]

    def dob_ok(v: str) -> bool:
        return any(1940 <= int(y) <= 2006 for y in re.findall(r"\d{4}", v))

    return {
        "PERSON": lambda v: not any(c.isdigit() for c in v) and len(v) >= 2,
        "EMAIL_ADDRESS": lambda v: bool(_EMAIL_RE.match(v)),
        "STREET_ADDRESS": lambda v: any(c.isdigit() for c in v),
        "PHONE_NUMBER": lambda v: 7 <= len(digits(v)) <= 18 and bool(re.fullmatch(r"[+(0-9][0-9 ()./\-+a-zA-Zäö]*", v)),
        "IBAN_CODE": lambda v: _iban_ok(v),
        "CREDIT_CARD": lambda v: len(digits(v)) == 16 and _luhn_ok(digits(v)),
        "IP_ADDRESS": ip_ok,
        "DATE_OF_BIRTH": dob_ok,
        "UK_NINO": lambda v: bool(_NINO_RE.match(v.replace(" ", ""))),
        "UK_NHS": lambda v: _nhs_ok(digits(v)),
        "DE_TAX_ID": lambda v: _idnr_ok(digits(v)),
        "FR_NIR": nir_ok,
        "ES_DNI": dni_ok,
        "ES_NIE": nie_ok,
        "IT_FISCAL_CODE": cf_ok,
        "NL_BSN": lambda v: _bsn_ok(digits(v)),
        "PL_PESEL": lambda v: _pesel_ok(v),
    }


def _edge_ok(value: str) -> bool:
    if not value or value != value.strip():
        return False
    first, last = value[0], value[-1]
    if unicodedata.category(first).startswith("P") and not (first == "(" and ")" in value):
        return False
    return not (unicodedata.category(last).startswith("P") and not (last == ")" and "(" in value))


def check(n: int = 2000, seed: int = 0) -> bool:
    records = _generate_full(n, seed)
    errors: list[str] = []
    own = _own_validators()
    std = _stdnum_validators()
    if len(records) != n:
        errors.append(f"asked for {n} records, got {len(records)}")
    if generate(n, seed) != generate(n, seed):
        errors.append("generate() is not deterministic")
    if generate(50, seed + 1) == generate(50, seed + 2):
        errors.append("different seeds give the same records")
    if len({r["id"] for r in records}) != len(records):
        errors.append("duplicate ids")
    by_type: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    by_shape: Counter[str] = Counter()
    per_record: Counter[int] = Counter()
    by_country: Counter[str] = Counter()
    std_checked: Counter[str] = Counter()
    lengths: list[int] = []
    for r in records:
        text, spans = r["text"], r["spans"]
        by_lang[r["lang"]] += 1
        by_shape[r["shape"]] += 1
        by_country[r["_country"]] += 1
        per_record[len(spans)] += 1
        lengths.append(len(text))
        where = f"{r['id']} ({r['_template']})"
        if "{" in text or "}" in text:
            errors.append(f"{where}: unfilled slot in {text!r}")
        if r["_template"].startswith("none:") and spans:
            errors.append(f"{where}: distractor-only template produced spans")
        if r["_template"].startswith("span:") and not 1 <= len(spans) <= 5:
            errors.append(f"{where}: {len(spans)} spans (want 1-5)")
        prev_end = 0
        for s in spans:
            start, end, typ, value = s["start"], s["end"], s["type"], s["value"]
            by_type[typ] += 1
            if typ not in ENTITY_TYPES:
                errors.append(f"{where}: unknown type {typ}")
            if not (0 <= start < end <= len(text)) or start < prev_end:
                errors.append(f"{where}: bad offsets {start}-{end}")
            prev_end = end
            if text[start:end] != value:
                errors.append(f"{where}: text[{start}:{end}]={text[start:end]!r} != {value!r}")
            if not _edge_ok(value):
                errors.append(f"{where}: {typ} span {value!r} has whitespace/punctuation at an edge")
            if "\n" in value and typ != "STREET_ADDRESS":
                errors.append(f"{where}: newline inside {typ} span {value!r}")
            if not own[typ](value):
                errors.append(f"{where}: {typ} {value!r} fails the format/check-digit test")
            if typ in std:
                std_checked[typ] += 1
                if not std[typ](value):
                    errors.append(f"{where}: {typ} {value!r} rejected by python-stdnum")
    for e in errors[:40]:
        print("ERROR", e)
    total_spans = sum(by_type.values())
    print(f"records: {len(records)}  spans: {total_spans}  templates: {len(TEMPLATES)} with spans + "
          f"{len(NONE_TEMPLATES)} distractor-only, languages: {len(LANGS)}")
    print("templates per language:", dict(Counter(t[0] for t in TEMPLATES + NONE_TEMPLATES).most_common()))
    print("per type:", json.dumps(dict(by_type.most_common()), ensure_ascii=False))
    print("per language:", json.dumps(dict(by_lang.most_common()), ensure_ascii=False))
    print("per shape:", json.dumps(dict(by_shape.most_common()), ensure_ascii=False))
    print("per country:", json.dumps(dict(by_country.most_common()), ensure_ascii=False))
    print("spans per record:", dict(sorted(per_record.items())), f"(none: {per_record[0] / len(records):.1%})")
    lengths.sort()
    in_range = sum(80 <= x <= 400 for x in lengths) / len(lengths)
    print(f"text length: min {lengths[0]}, median {lengths[len(lengths) // 2]}, max {lengths[-1]}, "
          f"80-400 chars: {in_range:.1%}")
    if std:
        print("python-stdnum confirmed:", json.dumps(dict(std_checked.most_common())))
    else:
        print("python-stdnum not installed: check digits verified by this file's own arithmetic only")
    print("OK" if not errors else f"FAILED: {len(errors)} problem(s)")
    return not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=None, help="number of records (default 20; 2000 with --check)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default 1; 0 with --check)")
    parser.add_argument("--check", action="store_true", help="verify span invariants and print the distribution")
    args = parser.parse_args(argv)
    if args.check:
        return 0 if check(args.n or 2000, 0 if args.seed is None else args.seed) else 1
    for record in generate(20 if args.n is None else args.n, 1 if args.seed is None else args.seed):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
