"""Dates of birth: a calendar date reported only when a birth cue precedes (or, in a few shapes, follows) it.

Cues, month names and date shapes cover en/de/fr/nl/it/es and pt/pl/cs/sk/hu/sv/da/no/fi/et/lv/lt/el/ro/hr/sl/bg.
Appointment, order and release dates carry no cue and stay untouched; the date must be a real one.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Final

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.recognizers.base import GdprepPatternRecognizer

# month word (lower case, accents as written) -> month number: full names and the usual abbreviations in the
# first six languages, one row per month
_MONTHS_BY_NUMBER: Final = (
    "january jan januar jänner janvier janv januari gennaio gen enero ene",
    "february feb februar février fevrier févr fevr februari febbraio febrero",
    "march mar märz maerz mär mrz mars maart mrt marzo",
    "april apr avril avr aprile abril abr",
    "may mai mei maggio mag mayo",
    "june jun juni juin giugno giu junio",
    "july jul juli juillet juil luglio lug julio",
    "august aug août aout augustus agosto ago",
    "september sep sept septembre settembre set septiembre setiembre",
    "october oct oktober okt octobre ottobre ott octubre",
    "november nov novembre noviembre",
    "december dec dezember dez décembre decembre dicembre dic diciembre",
)
# ...and one row per language and form, January to December, in the inflection dates use ("14 marca",
# "14. března", "14. maaliskuuta", "14 Μαρτίου", "1986. gada 14. martā"); "-" where no spelling is safe.
# "listopad(a)" is October in Croatian but November in Polish and Czech: it stands once, under October, so
# that no real date is rejected (every day of November exists in October).
_MONTHS_BY_LANGUAGE: Final = (
    "janv févr mars avr mai juin juil août sept oct nov déc",  # fr abbreviations ("6 déc. 1979")
    "janv fév mars avr mai juin juil août sept oct nov déc",
    "jän feb mär apr mai jun jul aug sep okt nov dez",  # de abbreviations, Austrian "Jänner"
    "jänner feber märz april mai juni juli august september oktober november dezember",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",  # pt
    "jan fev mar abr mai jun jul ago set out nov dez",
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik - grudzień",  # pl
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października - grudnia",
    "sty lut - kwi - cze - - wrz paź - gru",
    "leden únor březen duben květen červen červenec srpen září říjen - prosinec",  # cs
    "ledna února března dubna května června července srpna září října listopadu prosince",
    "január február marec apríl máj jún júl august september október november december",  # sk
    "januára februára marca apríla mája júna júla augusta septembra októbra novembra decembra",
    "január február március április május június július augusztus szeptember október november december",  # hu
    "jan febr márc ápr máj jún júl aug szept okt nov dec",
    "januari februari mars april maj juni juli augusti september oktober november december",  # sv
    "januar februar marts april maj juni juli august september oktober november december",  # da
    "januar februar mars april mai juni juli august september oktober november desember",  # no
    "tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu elokuu syyskuu lokakuu marraskuu joulukuu",
    "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta"
    " marraskuuta joulukuuta",  # fi
    "tammik helmik maalisk huhtik toukok kesäk heinäk elok syysk lokak marrask jouluk",
    "jaanuar veebruar märts aprill mai juuni juuli august september oktoober november detsember",  # et
    "jaanuaril veebruaril märtsil aprillil mail juunil juulil augustil septembril oktoobril novembril detsembril",
    "janvāris februāris marts aprīlis maijs jūnijs jūlijs augusts septembris oktobris novembris decembris",  # lv
    "janvārī februārī martā aprīlī maijā jūnijā jūlijā augustā septembrī oktobrī novembrī decembrī",
    "sausis vasaris kovas balandis gegužė birželis liepa rugpjūtis rugsėjis spalis lapkritis gruodis",  # lt
    "sausio vasario kovo balandžio gegužės birželio liepos rugpjūčio rugsėjo spalio lapkričio gruodžio",
    "ιανουάριος φεβρουάριος μάρτιος απρίλιος μάιος ιούνιος ιούλιος αύγουστος σεπτέμβριος οκτώβριος νοέμβριος"
    " δεκέμβριος",  # el
    "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου οκτωβρίου νοεμβρίου"
    " δεκεμβρίου",
    "ιαν φεβ μαρ απρ μαϊου ιουν ιουλ αυγ σεπ οκτ νοε δεκ",
    "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie",  # ro
    "ian feb mar apr mai iun iul aug sept oct noi dec",
    "siječanj veljača ožujak travanj svibanj lipanj srpanj kolovoz rujan listopad studeni prosinac",  # hr
    "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga prosinca",
    "- - - - - - - - - - studenog -",
    "januar februar marec april maj junij julij avgust september oktober november december",  # sl
    "januarja februarja marca aprila maja junija julija avgusta septembra oktobra novembra decembra",
    "януари февруари март април май юни юли август септември октомври ноември декември",  # bg
    "яну фев мар апр - - - авг сеп окт ное дек",
)


def _without_accents(word: str) -> str:
    """`word` with combining marks dropped: "března" -> "brezna", "ΜΑΡΤΙΟΥ" is how "Μαρτίου" is capitalised."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _month_table() -> dict[str, int]:
    """Every spelling above, and the same without accents, mapped to its month; refuses a spelling that
    would mean two different months."""
    rows = [(number, names) for number, names in enumerate(_MONTHS_BY_NUMBER, start=1)]
    for line in _MONTHS_BY_LANGUAGE:
        words = line.split()
        if len(words) != 12:
            raise ValueError(f"month row must list 12 spellings (got {len(words)}): {line!r}")
        rows += [(number, word) for number, word in enumerate(words, start=1) if word != "-"]
    table: dict[str, int] = {}
    for number, names in rows:
        for name in names.split():
            for spelling in {name, _without_accents(name)}:
                if table.setdefault(spelling, number) != number:
                    raise ValueError(f"month spelling {spelling!r} means both {table[spelling]} and {number}")
    return table


_MONTH_NAMES: Final[dict[str, int]] = _month_table()


def _trie_pattern(words: list[str]) -> str:
    """One alternation of `words` with shared prefixes factored out ("mar(?:zo|ch|...)"): a text position
    that starts no month fails after one or two letters instead of trying some 500 names one by one."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        # longer continuations before the end of a word, so that "marzo" is not cut to "mar"
        branches = [regex.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # "(?:x|)", not "(?:x)?": with the regex module the optional group made the recognizer twice as slow
        return f"(?:{body}|)" if "" in node else body

    return render(tree)


_MONTH = r"(?<![\p{L}])" + _trie_pattern(list(_MONTH_NAMES)) + r"(?![\p{L}])\.?"
# "March 12, 1985" is English (and tried at every text position): the month-first shape keeps to the names of
# the first six languages
_FIRST_SIX = {name for names in _MONTHS_BY_NUMBER for name in names.split()}
_MONTH_FIRST = r"(?<![\p{L}])" + _trie_pattern(sorted(_FIRST_SIX)) + r"(?![\p{L}])\.?"
_YEAR4 = r"(?:1[89]|20)\d{2}(?!\d)"
_DAY = r"(?:[012]?\d|3[01])(?!\d)"
_ORDINAL = r"(?:st|nd|rd|th|er|re|e|º|°|ª|\.)?"

_DATE = (
    r"(?P<value>(?<!\d)(?:"
    # 12/03/1985, 12-03-85, 12.03.1985 (the same separator twice)
    r"\d{1,2}(?P<sep1>[./-])\d{1,2}(?P=sep1)(?:\d{4}|\d{2})(?![\d./-]\d)"
    # 12 03 1985 (forms and exports that drop the separators for spaces): padded day and month, four-digit year
    rf"|(?:0[1-9]|[12]\d|3[01])[ ](?:0[1-9]|1[0-2])[ ]{_YEAR4}(?![ \t]?\d)"
    # 14. 3. 1986, 14.3. 1986 (cs/sk/hr/sl): dotted with spaces, four-digit year only
    rf"|\d{{1,2}}\.[ \t]?\d{{1,2}}\.[ \t]?{_YEAR4}(?![./-]\d)"
    # 19850312: an export's compact date, year first (after a birth cue only, as every form here)
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
    # 1985-03-12, 1986.03.14, 1986. 03. 14 (hu)
    rf"|{_YEAR4}(?P<sep2>[./-])\d{{1,2}}(?P=sep2)\d{{1,2}}(?!\d)"
    rf"|{_YEAR4}\.[ \t]?\d{{1,2}}\.[ \t]?\d{{1,2}}(?!\d)"
    # 12 March 1985, 12th of March 1985, 12. März 1985, 14.března 1986, 1er mars 1985, 12 de marzo de 1985
    rf"|{_DAY}(?:{_ORDINAL}(?:\s+(?:of|de))?\s+|\.){_MONTH},?\s+(?:(?:de|del)\s+)?{_YEAR4}"
    # 12-Jan-1977, 3/Mar/85 (clinical and US forms): the month's name between two equal separators
    rf"|{_DAY}(?P<sep3>[/-]){_MONTH}(?P=sep3)(?:{_YEAR4}|\d{{2}}(?![\d./-]\d))"
    # 3rd Apr 85, 12 March '85: a two-digit year only where the phrase ends ("on 5 May 20 people came" is none)
    rf"|{_DAY}{_ORDINAL}\s+{_MONTH},?\s+['’]?\d{{2}}(?=[ \t]*(?:$|[,.;)\n]))"
    # year first: 1986. március 14 (hu), 1986 m. kovo 14 (lt; "d." after the day stays outside)
    rf"|{_YEAR4}(?:\.|[ \t]*m\.)?[ \t]+{_MONTH}(?:[ \t]+mėn\.)?[ \t]+{_DAY}"
    # 1986. gada 14. martā (lv)
    rf"|{_YEAR4}\.?[ \t]+(?:gada|g\.)[ \t]+{_DAY}\.?[ \t]+{_MONTH}"
    # 14 III 1986, 14.III.1986 (pl/cs/sk/hu/ro/hr): the month in capital Roman numerals
    rf"|{_DAY}(?:\.[ \t]?|[ \t])(?-i:XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)(?:\.[ \t]?|[ \t]){_YEAR4}"
    # March 12, 1985 / March 12th 1985
    rf")|{_MONTH_FIRST}\s+{_DAY}{_ORDINAL},?\s+{_YEAR4}"
    r")"
)

_CEDILLA_TWINS: Final = {"ș": "ş", "ş": "ș", "ț": "ţ", "ţ": "ț"}


def _accents_optional(fragment: str) -> str:
    """A regex fragment in which each accented letter also matches its bare letter (and Romanian ș/ş, ț/ţ
    their twin): records typed on keyboards without them, and Greek capitals, which drop the tonos."""
    out = []
    for char in fragment:
        bare = _without_accents(char)
        twin = _CEDILLA_TWINS.get(char, "")
        out.append(f"[{char}{bare}{twin}]" if bare != char and bare.isalpha() else char)
    return "".join(out)


def _by_first_letter(fragments: list[str]) -> str:
    """One alternation of regex `fragments`, each starting with a plain letter, grouped by that letter behind
    a one-character guard: most text positions then fail on a single set lookup, not on a hundred cues."""
    groups: dict[str, list[str]] = {}
    for fragment in fragments:
        first = fragment[:1].lower()
        if not first.isalpha() or fragment[1:2] in ("?", "*", "+", "{"):
            raise ValueError(f"cue fragment must start with a plain letter: {fragment!r}")
        groups.setdefault(first, []).append(fragment[1:])
    branches = "|".join(regex.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in groups.items())
    return "(?=[" + "".join(groups) + "])(?:" + branches + ")"


# cues that label a field: only separators, a format hint or a copula may stand before the date. Words
# may be joined by "_" or run together, as JSON keys are: "patient_dob", "dateOfBirth", "birth_date".
_J = r"[\s_-]*"
_LABELS: Final = (
    r"d\.?\s?o\.?\s?b\.?", "date of birth", "birth date", "birthday", "birthdate", "b['’/-]?day",
    "geburtsdatum", "geburtstag", r"geb\.(?:-?datum)?", r"geb\.-datum", r"geb\.?\s+datum", r"geburtsdat\.?",
    "date de naissance", r"date\s+de\s+naiss\.", r"date\s+naiss\.?", "ddn",
    "geboortedatum", r"geboortedat\.?", "verjaardag",
    "data di nascita", r"data\s+nascita", r"data\s+(?:di\s+)?nasc\.", "compleanno",
    "fecha (?:de )?nacimiento", r"fecha\s+de\s+nac\.", r"fecha\s+nac\.?", r"f\.\s?(?:de\s+)?nac\.",
    r"f\.\s?nacimiento", r"fec\.?\s*nac\.?", "cumpleaños",
)
# the same in pt/pl/cs/sk/hu/sv/da/no/fi/et/lv/lt/el/ro/hr/sl/bg: "date of birth", its abbreviations, "birthday"
_MORE_LABELS: Final = (
    "data de nascimento", "data nascimento", r"data de nasc\.?", r"dt\.?\s?nasc\.?", r"nasc\.",  # pt
    "data urodzenia", r"data ur\.", r"ur\.", "urodziny",  # pl
    "datum narození", r"dat\.\s?nar\.", r"nar\.", "narozeniny",  # cs
    "dátum narodenia", r"dát\.\s?nar\.", "narodeniny",  # sk
    "születési (?:idő|ideje|dátum|dátuma)", r"születési hely(?:,|\s+és) idő", r"szül\.(?:\s?idő)?",  # hu
    "születésnap",
    "födelsedatum", "födelsedag",  # sv
    "fødselsdato", "fødselsdag",  # da, no
    "syntymäaika", "syntymäpäivä", r"syntymäpvm\.?", r"synt\.(?:\s?aika)?",  # fi
    "sünniaeg", "sünnikuupäev", "sünnipäev", r"sünd\.",  # et
    "dzimšanas datums", "dzimšanas diena", r"dzim\.",  # lv
    "gimimo data", "gimtadienis", r"gim\.",  # lt
    "ημερομηνία γέννησης", r"ημ/νία γέννησης", r"ημ(?:ερ)?\.\s?γέννησης", r"ημ(?:ερ)?\.\s?γέν\.", "γενέθλια",  # el
    "data nașterii", "data de naștere", "ziua de naștere",  # ro
    "datum rođenja", "datum rodjenja", "rođendan", r"rođ\.",  # hr
    "datum rojstva", "rojstni dan", r"roj\.",  # sl
    "дата на раждане", "рождена дата", "рожден ден",  # bg
)
_LABEL_CUE = (r"(?<![\p{L}\p{N}])"
              + _by_first_letter([label.replace(" ", _J) for label in _LABELS]
                                 + [_accents_optional(label).replace(" ", _J) for label in _MORE_LABELS])
              + r"(?![\p{L}\p{N}])")
# verbs: a short phrase may stand between ("born in Leeds on", "nata a Roma il"), and "/a" or "(ă)" may
# follow ("urodzony/a", "născut(ă)", "роден(а)"). "né" needs its accent (plain "ne" is French negation);
# "nato" is case-sensitive after its first letter so that NATO never counts
_VERBS: Final = ("born", "geboren", "née?", "n(?-i:at[oa])", "nacid[oa]", "naci[óo]", "nac[íi]")
_MORE_VERBS: Final = (
    "nascid[oa]", "nasceu", "nasci",  # pt
    "urodzon[ya]", "urodził[ao]?", "urodziłem", "urodziłam",  # pl
    "narozen[ao]?", "narodil[ao]?", "narodený", "narodená",  # cs, sk
    "született", "születtem",  # hu
    "född", "föddes",  # sv
    "født", "fødd",  # da, no
    "syntynyt", "syntyi", "synnyin",  # fi
    "sündinud", "sündis", "sündisin",  # et
    "dzimis", "dzimusi",  # lv
    "gimęs", "gimusi", "gimė", "gimiau",  # lt
    "γεννήθηκε", "γεννήθηκα", "γεννηθείς", "γεννηθείσα", "γεννημένος", "γεννημένη",  # el
    "născută?",  # ro
    "rođen[ao]?", "rodjen[ao]?",  # hr
    "rojen[ao]?",  # sl
    "роден[ао]?", "родих",  # bg
)
# an abbreviation of the label may stand where the verb would: "ur. w Krakowie 14 marca 1986"
_VERB_ABBREVIATIONS: Final = (r"ur\.", r"nar\.", r"szül\.", r"synt\.", r"sünd\.", r"dzim\.", r"gim\.", r"rođ\.",
                               r"roj\.")
_VERB_CUE = (r"(?<!\w)"
             + _by_first_letter(list(_VERBS) + [_accents_optional(verb)
                                                for verb in (*_MORE_VERBS, *_VERB_ABBREVIATIONS)])
             + r"(?:\(\p{L}{1,3}\)|/\p{L}{1,3})?(?:(?<=\.)|(?!\w))")

# abbreviations of "born": "b. 12/03/1985" (English), ", n. 11 aprile 1952" (Italian) and ", s. 14.3.1986"
# (Finnish) after a name
_ABBREVIATED_CUE = r"(?:(?<![\p{L}\p{N}.])b\.|(?<=,[ \t]*)n\.|(?<=[,(][ \t]*)s\.)[ \t]*+"

_SEPARATORS = r"[\s:=,|\"'“”\-–—]*+"  # "DOB: ", "| DOB | ", '"dob": "'
_FORMAT_HINT = rf"(?:\((?:[dmyjtga]{{1,4}}[./-]){{2}}[dmyjtga]{{2,4}}\){_SEPARATORS})?"
_COPULA = (r"(?:(?:is|was|as|of|ist|war|est|était|è|era|es|fue|on|the|am|op|le|il|el"
           r"|er|är|den|je|jest|dne|dnia|é|em|este|la|ir|yra|είναι|στις|е|на)\s++){0,3}")
# no commas: "born in Leeds, seen on 12/03/2024" must not reach the appointment date
_SHORT_PHRASE = r"(?:[^\W\d_]{1,20}+\s++){0,4}"
# verbs that may follow the date: "Er ist am 4. Oktober 2000 geboren", "1986. március 14-én született"
_VERB_AFTER = _accents_optional(r"geboren|born|született|född|født|syntynyt|sündinud|dzimis|dzimusi|gimęs|gimusi"
                                r"|gimė|născută?|rođen[ao]?|rojen[ao]?|роден[ао]?|γεννήθηκε|urodzon[ya]"
                                r"|narozen[ao]?|narodený|narodená|nascid[oa]")

# Prefilters: the cue each pattern needs besides its date. A text without it cannot match, so the pattern
# (each holds the 18 KB date shape) is neither compiled nor run for it. (Every date shape also holds two
# digits in a row, but most texts have those; far fewer have a birth cue.)
_LABEL_CUE_PREFILTER = "(?m)" + _LABEL_CUE
_VERB_CUE_PREFILTER = "(?m)" + _VERB_CUE
_CUE_AFTER_PREFILTER = r"(?m)(?:" + _LABEL_CUE + r"|(?-i:" + _VERB_AFTER + r"))"


class DateOfBirthRecognizer(GdprepPatternRecognizer):
    """A date right after "DOB", "date of birth", "geboren am", "né le", "nato il", "nacido el", "ur.",
    "született", "född", "γεννήθηκε", "роден" and kin."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        ("dob_label", _LABEL_CUE + _SEPARATORS + _FORMAT_HINT + _COPULA + _DATE, 0.85, _LABEL_CUE_PREFILTER),
        ("dob_born", _VERB_CUE + _SEPARATORS + _SHORT_PHRASE + r"[ \t:]*" + _DATE, 0.75, _VERB_CUE_PREFILTER),
        # "DoB on the rota system says 5 May 1967"; "Luogo e data di nascita: Italia, 6 marzo 1954"
        ("dob_label_says", _LABEL_CUE + r"(?:[ \t]+[\p{L}'’]+){1,5}[ \t]+(?i:says|shows|reads|is|was|given[ \t]+as"
                           r"|listed[ \t]+as)[ \t:]+" + _DATE, 0.7, _LABEL_CUE_PREFILTER),
        ("dob_label_place", _LABEL_CUE + r"[ \t]*:[ \t]*\p{L}[\p{L}\p{M}'’-]*(?:[ \t]+\p{L}[\p{L}\p{M}'’-]*)?,[ \t]*"
                            + _DATE, 0.7, _LABEL_CUE_PREFILTER),
        # "passed on birth date (9 May 1986)"; a question and its answer on the next line:
        # "Your date of birth, please?\nCustomer: 4 Jul 1948", "uw geboortedatum en adres?\nKlant: 24-10-1963"
        ("dob_check", _LABEL_CUE + r"[ \t]+(?i:check|verification|verified|confirmed|matched|on[ \t]+file)"
                      r"[ \t]*[,:(]?[ \t]*" + _DATE, 0.6, _LABEL_CUE_PREFILTER),
        ("dob_bracketed", _LABEL_CUE + r"[^\d\n()]{0,15}\(\s*" + _DATE, 0.6, _LABEL_CUE_PREFILTER),
        ("dob_answer", _LABEL_CUE + r"[^\d\n]{0,40}[?.][ \t]*\r?\n[^\d\n:]{0,30}:[ \t]*"
                       r"(?:[\p{L}'’]{1,8}[,.!]?[ \t]+){0,3}" + _DATE, 0.6, _LABEL_CUE_PREFILTER),
        ("dob_abbreviated", _ABBREVIATED_CUE + _DATE, 0.7, "(?m)" + _ABBREVIATED_CUE),
        # the cue after the date (never after a comma or colon, which start a new field):
        # "12/03/1985 (date of birth)", "1976-08-14 is my birthday", "Er ist am 4. Oktober 2000 geboren",
        # "07-05-1988  ← geboortedatum", "1986. március 14-én született", "1986 m. kovo 14 d. gimęs"
        ("dob_cue_after", _DATE + r"(?:-\p{L}{1,3}|[ \t]*(?:r|d|g|г)\.)?"  # hu "-én", pl "r.", lt "d.", bg "г."
                          r"(?:[ \t]*\r?\n)?[ \t]*[(←<=]?[ \t]*"
                          r"(?:(?:is|was|ist|est|è|es|is)[ \t]+(?:my|his|her|their|mein|sein|ihr|ma|sa|mijn|zijn"
                          r"|haar|la[ \t]+mia|la[ \t]+sua|mi|su)[ \t]+)?"
                          # ...but not "seen 12/03/2024, DOB 01/02/1980": that cue labels the next date
                          r"(?:" + _LABEL_CUE + r"|(?-i:" + _VERB_AFTER + r")(?![\p{L}\p{N}]))(?![^\n\d]{0,15}\d)",
         0.7, _CUE_AFTER_PREFILTER),
        # German "(* 07.07.1993)": the asterisk is the birth sign
        ("dob_asterisk", r"\(\*[ \t]*" + _DATE + r"[ \t]*\)", 0.75, r"\(\*"),
    ]
    CONTEXT = ["birth", "born", "dob", "geboren", "naissance", "nascita", "nacimiento", "geboorte"]

    def validate(self, value: str) -> bool | None:
        # a real calendar date is required but is no checksum: keep the pattern's score (None)
        return None if is_calendar_date(value) else False


_DIGITS = regex.compile(r"\d+")
_ROMAN_MONTHS: Final = {roman: number for number, roman in enumerate(
    "i ii iii iv v vi vii viii ix x xi xii".split(), start=1)}
_LETTERS = regex.compile(r"[^\W\d_]+")


def is_calendar_date(value: str) -> bool:
    """True when `value` (one of the forms `_DATE` matches) names a day that exists."""
    numbers = _DIGITS.findall(value)
    month_word = next((_MONTH_NAMES.get(w) or _ROMAN_MONTHS[w] for w in _LETTERS.findall(value.lower())
                       if w in _MONTH_NAMES or w in _ROMAN_MONTHS), None)
    if month_word is not None:
        if len(numbers) != 2:
            return False
        # "12 March '85" is day first; with a four-digit year the shorter number is the day wherever it stands
        day, year = numbers if len(numbers[0]) == len(numbers[1]) == 2 else sorted(numbers, key=len)
        # only the day-first form has a two-digit year ("3rd Apr 85"; "Feb 29, 96" is no form of ours)
        if len(day) > 2 or len(year) not in (2, 4) or (len(year) == 2 and not value.lstrip()[:1].isdigit()):
            return False
        years = [int(year)] if len(year) == 4 else [1900 + int(year), 2000 + int(year)]
        return any(_exists(y, month_word, int(day)) for y in years)
    if len(numbers) == 1 and len(numbers[0]) == 8:  # 19850312
        numbers = [numbers[0][:4], numbers[0][4:6], numbers[0][6:]]
    if len(numbers) != 3:
        return False
    first, second, third = numbers
    if len(first) == 4:
        return _exists(int(first), int(second), int(third))
    years = [int(third)] if len(third) == 4 else [1900 + int(third), 2000 + int(third)]
    # day-first is the European reading; month-first still names a real date of birth
    return any(_exists(y, int(second), int(first)) or _exists(y, int(first), int(second)) for y in years)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


_THIS_YEAR = datetime.date.today().year
_ADULT_BIRTH_YEARS = range(1900, _THIS_YEAR - 13)


# "(DOB)", "(born)", "(geb.)" after a date
_BIRTH_MARK = r"\([ \t]*(?i:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born|geb\.?|née?)[ \t]*\)"
# an honorific or a heading label before a name: "Mme Inès Lambert, 13/02/1986", "Re: Mr John Doe, 1 May 1950"
_ADDRESSEE = (r"(?:(?-i:Mr|Mrs|Ms|Miss|Mx|Mme|Mlle|M\.|Herr|Frau|Dhr\.|Mevr\.|Sig\.(?:ra)?|Sr\.|Sra\.)"
              r"|(?i:re|patient|patiente|patientin|paziente|paz\.|paciente|patiënt)[ \t]*:)")


class BirthDateShapeRecognizer(GdprepPatternRecognizer):
    """Dates of birth recognisable by where they stand rather than by a cue word before them: a date
    marked "(DOB)" after it, or a date of an adult's birth year in brackets right after a name
    ("Anna Weber (12.03.1980)") or in the table cell after it ("| Anna Weber | 12.03.1980 |"). Appointment and
    order dates are recent, so the year must be at least 14 years back."""

    ENTITY = "DATE_OF_BIRTH"
    GATE = r"(?:19|20)\d\d"  # `validate` keeps a date only with an adult's four-digit birth year
    PATTERNS = [
        ("dob_marked_after", _DATE + r"[ \t]*" + _BIRTH_MARK, 0.7, _BIRTH_MARK),
        ("dob_after_name", r"(?-i:\p{Lu}[\p{Ll}\p{M}'’-]+[ \t]+\p{Lu}[\p{Ll}\p{M}'’-]+)[ \t]*\([ \t]*" + _DATE
                           + r"[ \t]*\)", 0.55, r"\("),
        # the next cell of a table row after a name: "| Ana Silva | 12/03/1985 | Leeds |", "Ana Silva\t1985-03-12"
        ("dob_after_name_cell", r"(?-i:\p{Lu}[\p{Ll}\p{M}'’-]+[ \t]+\p{Lu}[\p{Ll}\p{M}'’-]+)[ \t]*(?:\||\t)[ \t]*"
                                + _DATE + r"[ \t]*(?=\||\t|\r?\n|$)", 0.55, r"[|\t]"),
        # a clinical or legal heading: "Mme Inès Lambert, 13/02/1986, adressée par", "Re: Mr John Doe, 1 May 1950;"
        ("dob_after_addressee", _ADDRESSEE + r"[ \t]+(?:\p{L}[\p{L}\p{M}'’.-]*[ \t]+){0,3}\p{L}[\p{L}\p{M}'’-]+,[ \t]*"
                                + _DATE
                                + r"[ \t]*(?=[,;)]|\r?\n|$)", 0.55, _ADDRESSEE),
    ]
    CONTEXT = ["birth", "born", "dob"]
    ANALYZE_ONLY_NARROWS = True  # `analyze` only drops results: the gates still decide whether it is called

    def validate(self, value: str) -> bool | None:
        if not is_calendar_date(value):
            return False
        years = [int(n) for n in _DIGITS.findall(value) if len(n) == 4]
        return None if years and years[0] in _ADULT_BIRTH_YEARS else False

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        # "Order Date | 12/03/1985": a table's heading, not a name
        return [r for r in super().analyze(text, entities, nlp_artifacts)
                if r.analysis_explanation is None or r.analysis_explanation.pattern_name != "dob_after_name_cell"
                or not _date_heading_before(text, r.start)]


_CELL_NAME_BEFORE = regex.compile(
    r"(?r)(\p{Lu}[\p{Ll}\p{M}'’-]+)[ \t]+(\p{Lu}[\p{Ll}\p{M}'’-]+)[ \t]*(?:\||\t)[ \t]*\Z")
# words of the headings of other dates in a table ("Order Date", "Due Date", "Last Visit", "Start Day")
_DATE_HEADING_WORDS: Final[frozenset[str]] = frozenset(
    "date dates day time order invoice due start end created updated modified issued issue expiry expires expiration "
    "delivery delivered payment paid visit appointment admission admitted discharge discharged hire hired joined "
    "shipped received closed opened submitted signed effective valid last next first review renewal".split())


def _date_heading_before(text: str, start: int) -> bool:
    """Whether the two capitalised words in the cell before `start` head some other date ("Order Date")."""
    match = _CELL_NAME_BEFORE.search(text, max(0, start - 80), start)
    return match is not None and any(word.lower() in _DATE_HEADING_WORDS for word in match.groups())


DOB_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (DateOfBirthRecognizer, BirthDateShapeRecognizer)
