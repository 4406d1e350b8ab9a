"""Person names found through cues spaCy's English model does not use, in en/de/fr/nl/it/es.

Honorifics, self-introductions, labelled fields, greetings and sign-offs anchor a 1-4 token name;
only the name is reported. There is no gazetteer: a small stop list of common words that follow
these cues ("Hi team", "je suis désolé") keeps the cues from reporting ordinary words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from gdprep.privacy.collector import collection_paused
from gdprep.privacy.recognizers.base import (
    GdprepPatternRecognizer,
    compile_pattern,
    make_result,
    subpattern,
    word_alternation,
)
from gdprep.privacy.wordlists import english_words

# Words that follow a cue but are not names. Written for this module (greetings, pronouns,
# feelings, group nouns, company words, weekdays); never taken from a name list.
_STOP_WORDS: Final[frozenset[str]] = frozenset("""
a about after again all also am an and anonymous any anyone applicant are as at available aware away
back bad be best boss busy but by candidate can chief client colleague colleagues company concerned
customer customers dad dear department doctor done everybody everyone excited fine folks for friend
friends from glad going good great guys happy have having he her here hey hi hiring his hello how
i if in interested is it its just kind late looking lot love madam manager many me member members mum
mom my na n/a new nice no nobody none not noted now null of ok okay on or our out over patient
perfect please pleased ready really recruiter regards sales see she sir sirs so someone somebody sorry
staff still student students support sure team thank thanks that the their them then there these
they this those to today tomorrow too unknown urgent us user valued very was we well what when who
with world writing yes yesterday you your last next earlier tonight
admin both buddy darling guest guests honey ladies gentlemen mate neighbour neighbours pal parents partner
partners reader readers sweetie webmaster
ask call cc email phone ping remind ring tell
software engineer developer data product director analyst consultant designer scientist architect
associate specialist vice vp executive officer assistant lead senior junior head intern
str string int integer float bool boolean list dict object array number text true false void
univ mba phd bsc msc sc ba ma md llm meng beng dipl mag
male female man woman boy girl child adult total feeling diary männlich weiblich homme femme
vrouw maschio femmina uomo donna hombre mujer varón
later afterwards finally meanwhile dann danach später gestern heute puis ensuite daarna gisteren dopo poi ieri
luego después ayer
pozdrawiam pozdrowienia dzięki dzieki dziękuję díky diky děkuji ďakujem abraço abraços abraco cumprimentos
atenciosamente obrigado obrigada bedankt köszönöm köszi mulțumesc multumesc terveisin kiitos lugupidamisega
tänan aitäh
british english scottish welsh irish american european german french dutch italian spanish
monday tuesday wednesday thursday friday saturday sunday dob
service services portal care success experience relations records record account accounts data feedback
satisfaction id ids number numbers no nr nummer numéro numero número reference ref handbook survey base
journey segment segments list details file files profile profiles area login app services group groups
owns updates chairs takes went goes gets leads runs handles covers visitor visitors hiya buenas guten tag
moin servus coucou salut hola ciao buongiorno recruitment verhuurteam
rang called phoned emailed wrote says reported asked complained confirmed holds wants requested needs joined
started rief schrieb meldet signale meldt segnala informa llamó would mentioned explained stated told replied
responded attended presented arrived visited contacted cancelled canceled booked ordered paid returned submitted
signed agreed declined missed reports states complains writes asks berichtet fragt écrit demande vraagt schrijft
scrive chiede escribe pregunta solicita by via
mr mrs ms mx dr prof miss messrs mme mlle dhr mevr mw mej dott sig sigra avv sr sra srta dña dra
ltd limited gmbh inc plc llc bv sa srl sl ag sarl sas corp
alle allen also anfang auch bewerber bewerberin bin danke das dem den der die doktor du ein eine
eltern ende er es freunde frau gern gerne geehrte geehrter grüße grüsse gruß gruss gut hallo herr
herren hier ich ihr ist kein keine kollege kollegen kollegin kolleginnen kunde kunden kundin leider
leute liebe lieber mein meine mitglieder mitte müde nicht noch nutzer oder schon sehr sie team
unbekannt und wir zusammen deutscher deutsche dein deine deinen deiner ihre ihren ihrem unser
unsere unseren euer eure wünsche
montag dienstag mittwoch donnerstag freitag samstag sonntag
à aucun aucune aussi avec bien bonjour ce cher chère client cliente clients collègues content contente
cordialement d'accord dans de des désolé désolée disponible du elle elles en encore équipe et heureuse
heureux ici il ils inconnu intéressé intéressée je là la le les madame malade merci mesdames messieurs
moi monsieur nous on ou pas pour prêt prête ravi ravie sur tous tout toutes très tu un une vous
forename forenames surname surnames has had nurse practice head operations advisor adviser clerk receptionist
physician surgeon therapist pharmacist midwife paramedic accountant solicitor lawyer teacher coordinator
administrator representative technician inspector assessor surveyor adjuster courier gutachter
dpto dept depto payroll dir dich euch ihnen personalabteilung buchhaltung abteilung verwaltung geschäftsleitung
summary report note notes letter review case ticket request order update incident discharge referral
appointment meeting form handover supplier sons brothers partners associates holdings
patientin patiente patiënt paziente paciente kundin mitarbeiterin mitarbeiter dipendente empleado empleada
salarié salariée employé employée medewerker medewerkster werknemer employee employees driver contractor tenant
caller cardholder starter leaver claimant witness attendees attendee participants owner agent requester
votre vos notre nos leur leurs riguardo sobre über wegen concernant alla alle allo agli regarding re
que qui che wie hat ist heeft ha ne française français lundi mardi mercredi jeudi vendredi samedi dimanche
allemaal bang bedankt beschikbaar benieuwd beste bezig blij collega collega's dames dank een erg
geen geïnteresseerd gelukkig groet groeten groetjes hallo heel heer heren het hoi iedereen ik jij
jullie klaar klant klanten mevrouw mijn moe nederlander nederlandse niet nog onbekend ook op te u
van vrienden wel wij ze zeer ziek zij
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
amici anche ancora buongiorno cara care cari caro ciao cliente clienti colleghe colleghi con contenta
contento cordiali da di disponibile disponibili dispiaciuta dispiaciuto e gentile gentili già
gli grazie il interessata interessato io italiana italiano loro lui mio molto nessuno noi
non per pronta pronto qui ragazzi saluti sconosciuto sicura sicuro signora signore signori signorina
sono spiacente stanca stanco stata stato su tra tutte tutti una uno voi
lunedì martedì mercoledì giovedì venerdì sabato domenica
amigos aquí cansada cansado colegas compañeros consciente conscientes contenta contento del
desconocido disponible él el ellos encargada encargado equipo española español estimada
estimado gracias hola interesada interesado las lista listo los muy ninguno nosotros nueva nuevo
para por querida querido responsable saludos señor señora señores señorita también todas todos tú
vosotros y ya yo lunes martes miércoles jueves viernes sábado
""".split())


def _not_one_of(name: str, words: Iterable[str]) -> str:
    """A look-ahead refusing a token that is one of `words` (any case, either apostrophe). Every token of a name
    passes through it: a trie (`word_alternation`), called as the subpattern `name`."""
    spelt = {w.replace("'", apostrophe) for w in words for apostrophe in ("'", "’")}
    return subpattern(name, rf"(?!(?i:{word_alternation(spelt)})(?![\p{{L}}\p{{M}}'’-]))")


_NOT_STOP = _not_one_of("name_stop_words", _STOP_WORDS)
# Cue words that are also common surnames or given names ("Mrs Driver", "Mr. Allen", "Ms Donna Lambe"): right
# after a capitalised honorific they are names
_NAME_LIKE_CUE_WORDS: Final[frozenset[str]] = frozenset(
    "allen bang best caro case child darling domenica donna driver english french friday gentile german good "
    "guest head irish love meng moe ravi sales welsh".split())
_NOT_STOP_AFTER_HONORIFIC = _not_one_of("name_stop_words_after_honorific", _STOP_WORDS - _NAME_LIKE_CUE_WORDS)

# A capitalised token: Sarah, O'Neill, Jean-Luc, McAdam, MÜLLER, Jansen-de Vries. At least two letters.
_HYPHEN_PART = r"(?:-(?:(?i:de|van|van[ \t]+der|van[ \t]+den|ter|ten|le|la)[ \t]+)?\p{L}[\p{L}\p{M}]*+){0,3}+"
_CAP_TOKEN = rf"\p{{Lu}}(?:['’]\p{{Lu}})?[\p{{L}}\p{{M}}]++{_HYPHEN_PART}"
# A lower-case token, for cues strong enough to trust lower-case input ("my name is sarah jones").
_LOWER_TOKEN = rf"\p{{Ll}}(?:['’]\p{{L}})?[\p{{L}}\p{{M}}]++{_HYPHEN_PART}"
# van der, de la, Le, Van: in either case. "di" is left out: "Sono Marco di Roma" is where Marco is from
_PARTICLE = (
    r"(?:(?i:van|von|de|da|del|della|dei|degli|des|du|dos|das|do|ter|ten|zu|vom|zum|af|le|la)"
    r"(?:[ \t]+(?i:der|den|de|la|le|los|las|van|'t))?[ \t]+|(?i:[dl])['’])"
)
_INITIALS = r"(?:\p{Lu}\.[ \t]?){0,2}"
# "Customer: Acme Ltd" names a company
_COMPANY = (
    r"[ \t]+(?i:ltd|limited|gmbh|inc|plc|llc|b\.?v\.?|s\.?a\.?|s\.?r\.?l\.?|s\.?l\.?|ag|sarl|sas|corp)\b"
)


def _name(token: str, min_tokens: int = 1, not_stop: str = _NOT_STOP) -> str:
    """1-4 tokens with optional particles (Spanish names often carry two given names and two surnames);
    atomic, so a rejected ending never yields a shorter name."""
    one = rf"{_PARTICLE}?{not_stop}{token}"
    more = f"{{{min_tokens - 1},3}}"
    # parts of one name are one space apart; a wider gap separates form fields ("Surname: Wutke   Forename")
    return rf"(?>{_INITIALS}{one}(?:[ \t]{_INITIALS}{one}){more})(?![\p{{L}}\p{{M}}\d])(?!{_COMPANY})"


_NAME_CAP = _name(_CAP_TOKEN)
_NAME_LOWER = _name(_LOWER_TOKEN)
# weaker cues trust lower-case text only as a full name: "Patient stable." is no name, "patient anna weber" is
_NAME_LOWER2 = _name(_LOWER_TOKEN, min_tokens=2)
_NAME_CAP2 = _name(_CAP_TOKEN, min_tokens=2)
_NAME_CAP_AFTER_HONORIFIC = _name(_CAP_TOKEN, not_stop=_NOT_STOP_AFTER_HONORIFIC)
# all tokens capitalised or all lower case: "Beste Preise im Juni" mixes them and is no name
_NAME_ANY = rf"(?:{_NAME_CAP}|{_NAME_LOWER})"

# Honorifics are case-sensitive: "I miss London" and "MS Word" are not cues.
_HONORIFIC = (
    r"(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|MR|MRS|Messrs|Mme|Mlle|Dhr|Mevr|Mw|Mej|Dott|Dott\.ssa|Prof\.ssa|Sig|Sig\.ra|Herrn"
    r"|Sig\.na|Sigra|Avv|Sr|Sra|Srta|Dña|Dra)\.?|M\.|Miss|MISS|Herr|Frau|Madame|Monsieur|Mademoiselle|Mevrouw"
    r"|Meneer|Signor|Signora|Signorina|Don|Doña|Señor|Señora|Señorita|Sir"
    # Polish and Czech in any case form ("z panem Wiśniewskim", "paní Nováková"), Greek ("κα Κωνσταντίνου")
    r"|[Pp]an(?:i|a|u|em|ią)?|[Pp]aní|κ\.|κα|κος|[Κκ]υρία|[Κκ]ύριος|[Κκ]υρίου|[Κκ]υρίας|[Κκ]ύριε"
    # Nordic and Baltic, written in lower case mid-sentence: "fru Nilsson", "rouva Virtanen" (not Danish "hr.",
    # which English writes for hours: "takes 1 hr. Passengers ...")
    r"|[Ff]ru|herr|[Ff]röken|[Ff]rk\.|[Rr]ouva|[Hh]erra|[Nn]eiti|[Pp]roua|[Hh]ärra|[Pp]onas|[Pp]onia"
    # spelt-out honorifics are written in lower case mid-sentence: "de heer Jansen", "la señora Ruiz"
    r"|heer|mevrouw|meneer|monsieur|madame|mademoiselle|signor|signora|signorina|dottor|dottoressa|señor"
    r"|señora|señorita)"
)
_TITLES = (
    r"(?:(?:(?:Dr|Prof|Dott|Ing|Mag|Dipl\.-Ing|Dres|Univ\.[ \t]?-?Prof)\.?|Doktor|Professor(?:in)?|Kollegin|Kollege"
    r"|Collega|collega|collègue|Collègue|colleague)"
    r"[ \t]+){0,3}"
)
_OPTIONAL_HONORIFIC = rf"(?:{_HONORIFIC}[ \t]+)?{_TITLES}"
# before a lower-case name the honorific may be lower case too: "hi dr smith"
_OPTIONAL_HONORIFIC_ANY = (
    rf"(?:(?:{_HONORIFIC}|(?i:mr|mrs|ms|miss|dr|prof|mme|mlle|dhr|mevr|sig|sr|sra)\.?)[ \t]+)?{_TITLES}"
)
# `\b` first: the regex engine then skips positions inside words quickly
_WORD_START = r"\b(?<![\p{L}\p{M}\p{N}_])"
# line start, or after sentence punctuation: greetings and sign-offs open a line or a sentence
_LINE_OR_SENTENCE_START = r"\b(?<=(?:^|[.!?;:\"“(>*-])[ \t]*)"
# a field ends at the line's end, a separator, or a column gap of two spaces or more ("Surname: peacock    Forename")
_END_OF_FIELD = r"(?=[ \t]{2,}|[ \t]*(?:$|[,;|/()<\[]|\.(?:[ \t]|$)|[–—-][ \t]))"
_END_OF_PHRASE = (
    r"(?=[ \t]*(?:$|[,;|/()<\[.:!?])|['’]s\b|[ \t]+(?i:from|holds|has|is|was|says|rang|called|segnala|informa|meldet"
    r"|signale|meldt|at|to|about|regarding|re|on|in|for|who|and|or|with|sobre|riguardo|über|wegen|concernant"
    r"|over|que|qui|che|und|et|y|en|e|con|mit|avec|met|op|am|um|zu|à|au|aux|il|el|la|le|der|die|das|de|di"
    r"|del|da|al|wie|qu['’]il|hat|ist|a|è|es|heeft|ha|ne|of|visited|raised|exceeded|asked|agreed|said|wants"
    r"|souhaite|möchte|wil|vuole|quiere|left|arrived|attended|called|rang|phoned|emailed|reported"
    # when: "spoke with anna weber yesterday", "met tom baker last week"
    r"|yesterday|today|tonight|tomorrow|earlier|later|again|last|this|next|gestern|heute|morgen|hier"
    r"|aujourd['’]hui|demain|ieri|oggi|domani|ayer|hoy|mañana|gisteren|vandaag)(?![\p{L}\p{M}]))"
)
_END_OF_LINE = r"(?=[ \t]*(?:[.!]?[ \t]*$|[,|(<–-]))"

_SELF_INTRO_STRONG = (
    r"(?i:my[ \t]+name[ \t]+is|my[ \t]+name['’]s|mein[ \t]+name[ \t]+ist|ich[ \t]+hei(?:ß|ss)e"
    r"|je[ \t]+m['’][ \t]?appelle|mon[ \t]+nom[ \t]+est|je[ \t]+me[ \t]+nomme|mijn[ \t]+naam[ \t]+is"
    r"|ik[ \t]+heet"
    r"|mi[ \t]+chiamo|il[ \t]+mio[ \t]+nome[ \t]+è|me[ \t]+llamo|mi[ \t]+nombre[ \t]+es)"
)
_SELF_INTRO_WEAK = r"(?i:i['’]m|i[ \t]+am|je[ \t]+suis|ik[ \t]+ben|sono|soy)"
_PRESENTING = (
    r"(?i:this[ \t]+is|it['’]s|hier[ \t]+ist|hier[ \t]+spricht|c['’]est|ici|dit[ \t]+is|hier[ \t]+is"
    r"|qui[ \t]+è|aquí[ \t]+(?:está|habla)|(?:hoi|hallo|goedemorgen|goedemiddag|goedenavond|dag),?[ \t]+met)"
)
_AFFILIATION = (
    r"(?=[ \t]+(?i:from|at|with|of|calling|here|von|vom|aus|de|du|d['’]|van|namens|di|da|della|del)\b)"
)

_LABEL = (
    r"(?i:(?:(?:full|first|last|given|family|your|patient|customer|client|employee|contact)[ \t]+)?names?"
    r"|surname|forenames?(?:\(s\))?|present|presenti|presentes|anwesend|aanwezig|présents?|asistentes|tenants"
    r"|account[ \t]+holders?(?:\(s\))?|name\(s\)[ \t]+of[ \t]+account[ \t]+holder\(s\)|deliver[ \t]+to|ship[ \t]+to"
    r"|destinataire|empfänger(?:in)?|ontvanger|destinatario|reviewer|reviewee|assicurat[oa]|asegurad[oa]"
    r"|versicherte[rn]?|assuré(?:e)?|verzekerde|chair|notes?[ \t]+taken[ \t]+by|minute[ \t]+taker"
    r"|learner|student|pupil|claimant|applicant[ \t]+name|beneficiario|bénéficiaire|begünstigte[rn]?"
    r"|begunstigde|autoriza|autorizza|autorisé[ \t]+par|referees?"
    r"|teilnehmende|teilnehmer(?:innen)?|deelnemers|participants|partecipanti|participantes|attendees"
    r"|third[ \t]+party|other[ \t]+driver|conducente(?:[ \t]+dell['’]altro[ \t]+veicolo)?"
    r"|conductor(?:[ \t]+del[ \t]+otro[ \t]+vehículo)?"
    r"|unfallgegner(?:in)?|tiers|tegenpartij"
    r"|leidinggevende|huisarts|medico[ \t]+curante|médico[ \t]+de[ \t]+cabecera|médecin[ \t]+traitant|hausarzt"
    r"|firmato|firmado|signé|getekend|unterschrift|unterzeichnet|rédigé[ \t]+par|written[ \t]+by|prepared[ \t]+by"
    r"|versicherungsnehmer(?:in)?|policy[ \t]?holder|insured|preparer|requested[ \t]+by|approved[ \t]+by"
    r"|patient|employee|customer|client|contact(?:[ \t]+person)?|applicant|candidate"
    r"|tenant|account[ \t]+holder|card[ \t]?holder|attn|attention|owner|agent|caller|requester|assignee"
    r"|reporter|(?:line[ \t]+)?manager|supervisor|consultant|gp|next[ \t]+of[ \t]+kin|nok|emergency[ \t]+contact"
    r"|payee|beneficiary|recipient|sender|attendees?|participants?|interviewer|interviewee|witness|landlord"
    r"|guarantor|account[ \t]+name|cardholder[ \t]+name|name[ \t]+on[ \t]+card|staff(?:[ \t]+member)?"
    r"|author|signatory|driver|passenger|guest|visitor|student|pupil|parent|carer|referrer"
    r"|from|to|cc|signed|vorname|nachname|familienname|patientin|mitarbeiter(?:in)?|kunde|kundin"
    r"|ansprechpartner(?:in)?|antragsteller(?:in)?|bewerber(?:in)?|absender|empfänger|nom(?:[ \t]+complet"
    r"|[ \t]+de[ \t]+famille|[ \t]+de[ \t]+l['’](?:élève|eleve|enfant|étudiant(?:e)?))?|pr[ée]nom|patiente"
    r"|employ[ée]e?|salari[ée]e?|cliente|demandeur|candidat(?:e)?"
    r"|titulaire|naam|voorna(?:am|men)|achternaam|volledige[ \t]+naam|pati[ëe]nt|medewerk(?:er|ster)|klant"
    r"|contactpersoon"
    r"|aanvrager|sollicitant|nome(?:[ \t]+e[ \t]+cognome)?|cognome(?:[ \t]+alunn[oa](?:/a)?)?|nominativo"
    r"|paziente|dipendente|contatto|alumn[oa](?:/a)?|alunn[oa](?:/a)?"
    r"|richiedente|candidat[oa]|titolare|nombre(?:[ \t]+completo|[ \t]+y[ \t]+apellidos)?|apellidos?|paciente"
    r"|emplead[oa]|contacto|solicitante|titular)"
)
# "Name:" but not "File name:" or "Username:"; a capital first letter keeps out code and YAML keys
# ("name: build", "def f(name: str)")
_LABEL_START = r"\b(?<![\p{L}\p{N}_][ \t]?)(?=\p{Lu})"

# JSON/YAML keys that can only hold a person's name: '"first_name": "Sarah"' (plain "name" is too often a
# package or job name)
_PERSON_KEY = (
    r"[\"'](?i:(?:full|first|last|given|family|middle|customer|patient|employee|contact)[_ -]?name"
    r"|surname|forename|vorname|nachname|pr[ée]nom|nom[_ ]de[_ ]famille|voornaam|achternaam|cognome"
    r"|nome[_ ]completo|apellidos?|nombre[_ ]completo)[\"'][ \t]*:[ \t]*[\"']"
)

_GREETING = (
    r"(?i:dear|hi|hello|hey|hiya|good[ \t]+(?:morning|afternoon|evening)|sehr[ \t]+geehrter?|liebe[rs]?|hallo"
    r"|guten[ \t]+(?:tag|morgen|abend)|moin|servus|bonjour|bonsoir|salut|cher|chère|coucou|beste|hoi|geachte"
    r"|lieve|goedemorgen|goedemiddag|gentil(?:e|issim[oa])|egregi[oa]|car[oa]|ciao|buongiorno|buonasera|salve"
    r"|estimad[oa]|querid[oa]|hola|buen[oa]s[ \t]+(?:días|dias|tardes|noches)"
    r"|thank[ \t]+you|thanks|merci|danke|dank[ \t]+je|bedankt|grazie|gracias|congratulations|congrats"
    r"|sorry|apologies|my[ \t]+apologies|welcome(?:[ \t]+back)?|happy[ \t]+(?:birthday|anniversary|retirement)"
    r"|good[ \t]+luck|well[ \t]+done"
    r"|félicitations|herzlichen[ \t]+glückwunsch|gefeliciteerd|complimenti|felicidades|enhorabuena)"
)
_SIGN_OFF = (
    r"(?i:(?:kind|best|warm|warmest|many|with)[ \t]+regards|regards|best[ \t]+wishes|best"
    r"|thanks(?:[ \t]+again)?"
    r"|thank[ \t]+you|many[ \t]+thanks|cheers|(?:yours[ \t]+)?sincerely|yours[ \t]+(?:faithfully|truly)"
    r"|all[ \t]+the[ \t]+best|take[ \t]+care"
    r"|groet|(?:mit[ \t]+)?(?:freundlichen|besten|herzlichen|lieben|vielen|sonnigen)[ \t]+gr(?:ü|ue|u)(?:ß|ss)en"
    r"|(?:viele|liebe|beste|herzliche|freundliche|schöne)[ \t]+gr(?:ü|ue|u)(?:ß|ss)e|gru(?:ß|ss)|mfg|lg|vg"
    r"|danke"
    r"|(?:bien[ \t]+)?cordialement|bien[ \t]+à[ \t]+vous|salutations(?:[ \t]+distinguées)?|amicalement|bises"
    r"|merci(?:[ \t]+beaucoup)?|(?:met[ \t]+)?(?:vriendelijke|hartelijke)[ \t]+groet(?:en)?|groet(?:en|jes)"
    r"|mvg|bedankt|cordiali[ \t]+saluti|distinti[ \t]+saluti|saluti|un[ \t]+saluto|grazie(?:[ \t]+mille)?"
    r"|(?:un[ \t]+)?saludos?(?:[ \t]+cordiales)?|un[ \t]+cordial[ \t]+saludo|atentamente|un[ \t]+abrazo"
    r"|(?:muchas[ \t]+)?gracias"
    # Polish, Czech and Slovak, Portuguese, Dutch, Hungarian, Romanian, Finnish, Estonian, Nordic
    r"|(?:serdecznie[ \t]+)?pozdrawiam(?:[ \t]+serdecznie)?|pozdrowienia|z[ \t]+powa(?:ż|z)aniem|dzi(?:ę|e)kuj(?:ę|e)"
    r"|dzi(?:ę|e)ki|s[ \t]+pozdravem|s[ \t]+pozdravom|d(?:í|i)ky|d(?:ě|e)kuji|(?:ď|d)akujem|abra(?:ç|c)os?|beijinhos?"
    r"|(?:com[ \t]+os[ \t]+melhores[ \t]+)?cumprimentos|atenciosamente|obrigad[oa]|dank[ \t]+(?:je|u)(?:[ \t]+wel)?|gr"
    r"|(?:üdvözlettel|köszönöm|köszi)|cu[ \t]+stim(?:ă|a)|mul(?:ț|ţ|t)umesc|(?:ystävällisin[ \t]+)?terveisin|kiitos"
    r"|lugupidamisega|tänan|aitäh|mvh|med[ \t]+vänlig[ \t]+hälsning|(?:vänliga[ \t]+)?hälsningar"
    r"|(?:venlig[ \t]+)?hilsen|tack|tak)"
)


# Role nouns that introduce the person they describe: "Customer Sarah Jones", "Il cliente Marco Rossi",
# "Patientin Anna Weber", "the customer, Tom Hill,". Articles are not needed: the noun is the cue.
_ROLE = (
    r"(?i:customer|client|patient|employee|colleague|driver|contractor|applicant|candidate|tenant|resident"
    r"|caller|cardholder|account[ \t]+holder|new[ \t]+starter|starter|leaver|claimant|policyholder|student"
    r"|(?-i:pt)|gp|assessor|surveyor|adjuster|inspector|gutachter(?:in)?|sachverständige[rn]?|expert(?:e)?"
    r"|médico[ \t]+de[ \t]+cabecera|médecin[ \t]+traitant|hausarzt|hausärztin|medico[ \t]+curante|huisarts"
    r"|kund(?:e|in)|patient(?:in)?|mitarbeiter(?:in)?|bewerber(?:in)?|mieter(?:in)?|fahrer(?:in)?"
    r"|antragsteller(?:in)?|versicherte[rn]?|client(?:e)?|patiente|salari[ée]e?|employ[ée]e?"
    r"|collaborat(?:eur|rice)|candidat(?:e)?|locataire|conduct(?:eur|rice)|assur[ée]e?|klant|pati[ëe]nt"
    r"|medewerk(?:er|ster)|werknemer|sollicitant|huurder|bestuurder|verzekerde|paziente|dipendente"
    r"|collaborat(?:ore|rice)|candidat[oa]|inquilin[oa]|conducente|assicurat[oa]|paciente|emplead[oa]"
    r"|trabajador(?:a)?|conductor(?:a)?|asegurad[oa])"
)
# Phrases that name the holder or addressee: "in the name of", "au nom de", "t.n.v.", "intestato a".
_ON_BEHALF = (
    r"(?i:in[ \t]+the[ \t]+name[ \t]+of|on[ \t]+behalf[ \t]+of|we[ \t]+act[ \t]+for|acting[ \t]+for|we[ \t]+represent"
    r"|the[ \t]+(?:writer|undersigned),|versicherungsnehmer(?:in)?|made[ \t]+out[ \t]+to|payable[ \t]+to"
    r"|addressed[ \t]+to|for[ \t]+the[ \t]+attention[ \t]+of|im[ \t]+namen[ \t]+von|zu[ \t]+händen(?:[ \t]+von)?"
    r"|z\.[ \t]?hd\.?|lautend[ \t]+auf|kontoinhaber(?:in)?|au[ \t]+nom[ \t]+de|de[ \t]+la[ \t]+part[ \t]+de"
    r"|à[ \t]+l['’]attention[ \t]+de|t\.[ \t]?n\.[ \t]?v\.|ten[ \t]+name[ \t]+van|t\.[ \t]?a\.[ \t]?v\."
    r"|intestat[oa][ \t]+a|a[ \t]+nome[ \t]+di|per[ \t]+conto[ \t]+di|all['’]attenzione[ \t]+di"
    r"|a[ \t]+nombre[ \t]+de|en[ \t]+nombre[ \t]+de|a[ \t]+la[ \t]+atención[ \t]+de)"
)
# Clinical and service verbs whose object is a person: "I saw Tom Hill", "spoke to anna weber".
_MET = (
    r"(?i:(?:i|we)[ \t]+(?:saw|reviewed|examined|assessed|visited|treated|met|called|phoned|rang"
    r"|spoke[ \t]+(?:to|with)|emailed|interviewed|contacted|met[ \t]+with)"
    r"|(?:spoke|talked|speaking|met|meeting|call|chat|appointment|session|interview)[ \t]+(?:to|with)"
    r"|(?:raised|reported|created|submitted|updated|closed|handled|reviewed|seen|signed|approved|requested"
    r"|escalated|referred|discharged|written|prepared|authori[sz]ed|logged|opened|completed|booked|sent"
    r"|entered|recorded|verified|checked|countersigned|witnessed)[ \t]+by"
    r"|(?:assigned|referred|escalated|forwarded|sent|transferred|handed[ \t]+over|reassigned)[ \t]+to"
    r"|please[ \t]+(?:contact|call|ask[ \t]+for|email|ring)|ask[ \t]+for|cc(?:[ \t]+to)?"
    r"|(?:my|his|her|their|our|your)[ \t]+(?:wife|husband|partner|son|daughter|mother|mum|mom|father|dad"
    r"|brother|sister|colleague"
    r"|manager|boss|friend|neighbour|neighbor|carer|child|grandson|granddaughter|fiancée?|landlord|tenant|gp)"
    r"(?:[ \t]*,|[ \t]+(?:is[ \t]+)?(?:called|named))?"
    r"|ich[ \t]+habe|j['’]ai[ \t]+vu|ho[ \t]+visitato|he[ \t]+visto"
    r"|(?:request|message|e-?mail|complaint|call|letter|note|reply|enquiry|query|feedback|referral"
    r"|application|booking|order|payment|refund|claim)[ \t]+(?:from|for|by)"
    r"|(?:mein(?:e)?|ma|mon|mijn|mia|mio|mi)[ \t]+(?:frau|mann|sohn|tochter|mutter|vater|femme|mari|fils|fille"
    r"|mère|père|vrouw|zoon|dochter|moeder|vader|moglie|marito|figlio|figlia|madre|padre|esposa|esposo|hijo"
    r"|hija)"
    r"|(?:atendid[oa]|visto|vista|seen(?:[ \t]+in[ \t]+person)?|served|helped|attended|visité?e?|gesehen)"
    r"[ \t]+(?:por|by|par|von|da)"
    r"|(?:llamada|chiamata|appel|anruf|telefoontje)[ \t]+(?:de|di|von|van)"
    r"|(?:asked|told|thanked|informed|reminded|emailed|called|phoned|contacted|invited)(?=[ \t]+\p{Lu})"
    # the same verbs in the present ("Please ask Kowalski to sign", "remind Aoife about the form"), before a
    # capital (under IGNORECASE, \p{Lu} alone takes any letter); "contact Customer Services" finds ordinary words,
    # which are no name
    r"|(?:ask|tell|thank|inform|remind|e-?mail|ping|phone|contact|invite|message)(?=[ \t]+(?-i:\p{Lu}))"
    # a document handed on to a person: "I forwarded the invoice to Naoimh" (a parcel goes to places too)
    r"|(?:forward(?:ed)?|sen[dt]|pass(?:ed)?|g[ia]ve|hand(?:ed)?)[ \t]+(?:the|this|that|my|your|his|her|our|their|an?)"
    r"[ \t]+(?:invoice|e-?mail|details|form|file|files|contract|report|document|documents|link|quote|message"
    r"|note|letter|request|ticket|query|case|complaint|minutes|slides|draft|spreadsheet|figures|receipt"
    r"|statement|summary|paperwork|notes|keys|key)[ \t]+to"
    r"|(?:remis|remise|livré|livrée)[ \t]+à|(?:delivered|handed|given)[ \t]+to|left[ \t]+with|übergeben[ \t]+an"
    r"|afgegeven[ \t]+aan|consegnat[oa][ \t]+a|entregad[oa][ \t]+a"
    r"|passed[ \t]+(?:\p{L}+[ \t]+){0,2}?to|signed[ \t]+off[ \t]+by|together[ \t]+with"
    r"|(?:check|checked|speak|spoke|talk|get[ \t]+in[ \t]+touch)[ \t]+with"
    r"|(?:speak|talk|reach[ \t]+out|(?:forward(?:ed)?|send)(?:[ \t]+(?:this|it|that|them|these|those)(?:[ \t]+on)?)?)"
    r"[ \t]+to|held[ \t]+with|thanks[ \t]+to|looping[ \t]+in"
    r"|loop[ \t]+in|cc['’]?d|copying[ \t]+in|(?:can|could)[ \t]+you[ \t]+(?:ask|send|tell|email|call)"
    r"|grazie[ \t]+a|grâce[ \t]+à|dank[ \t]+an|dankzij|gracias[ \t]+a|pon[ \t]+en[ \t]+copia[ \t]+a"
    r"|(?:chiedere|chiedi)[ \t]+a|ho[ \t]+sentito|(?:preguntar|pregunta)[ \t]+a|demander[ \t]+à"
    r"|(?:envoyer|transmettre)[ \t]+[^\n]{0,30}?[ \t]à|(?:schon[ \t]+)?an(?=[ \t]+(?-i:\p{Lu}\p{Ll}+[ \t]+\p{Lu}))"
    r"|te[ \t]+paso[ \t]+el[ \t]+contacto[ \t]+de|contacto[ \t]+de|gestit[oa][ \t]+da|pratica[ \t]+gestita[ \t]+da"
    r"|have[ \t]+a[ \t]+word[ \t]+with|(?:held|owned)[ \t]+by|putting|told|tell"
    r"|let(?=[ \t]+\p{L}+[ \t]+\p{L}+[ \t]+(?:on|in|at|from|know))"
    r"|(?:sag|frag|sagen[ \t]+sie)(?=[ \t])|(?:pu|pourrais|peux)[ \t]+voir|dis[ \t]+à"
    r"|(?:mi[ \t]+può|può)[ \t]+(?:richiamare|chiamare)"
    r"|(?:me[ \t]+)?puede[ \t]+llamar|whose[ \t]+badge[ \t]+said|mijn[ \t]+collega|meine[ \t]+kollegin"
    r"|mein[ \t]+kollege"
    r"|mitbewohner(?:in)?|colocataire|huisgenoot|coinquilin[oa]|compañer[oa][ \t]+de[ \t]+piso"
    r"|signed[ \t]+for[ \t]+by|(?:forwarded|sent)[ \t]+(?:from|by)|on[ \t]+behalf[ \t]+of"
    r"|(?:gespräch|termin|telefonat|rücksprache|treffen)[ \t]+mit|rückruf[ \t]+an|(?:wurde|wird)[ \t]+von"
    r"|(?:entretien|rendez-vous|échange|appel)[ \t]+avec|transmis[e]?[ \t]+à|(?:attribué|assigné)e?[ \t]+à"
    r"|(?:gesprek|afspraak|overleg)[ \t]+met|(?:ingediend|gemeld|doorgestuurd)[ \t]+door|doorgestuurd[ \t]+naar"
    r"|(?:parlato|incontro|colloquio|appuntamento)[ \t]+con|(?:assegnat|inoltrat)[oa][ \t]+a"
    r"|(?:hablé|hablado|reunión|cita|entrevista)[ \t]+con|(?:asignad|enviad|remitid)[oa][ \t]+a"
    r"|(?:bearbeitet|gemeldet|erstellt|unterschrieben)[ \t]+von|(?:signalé|traité|créé|signé)[ \t]+par"
    r"|(?:gemeld|behandeld|aangemaakt|ondertekend)[ \t]+door|(?:segnalato|gestito|creato|firmato)[ \t]+da"
    r"|(?:reportado|gestionado|creado|firmado)[ \t]+por)"
)
# A name that opens a sentence and is followed by what people do: "Bradley Ferran rang about the order".
_PERSON_VERB = (
    r"(?=[ \t]+(?i:rang|called|phoned|emailed|e-mailed|wrote|says|said|reported|asked|complained|confirmed"
    r"|holds|has[ \t]+asked|would[ \t]+like|wants|requested|needs|joined|left|started|mentioned|explained"
    r"|stated|told|replied|responded|attended|presented|arrived|visited|contacted|cancelled|canceled|booked"
    r"|ordered|paid|returned|submitted|signed|agreed|declined|missed|reports|states|complains|writes|asks"
    r"|rief|schrieb|meldet|berichtet|fragt|hat[ \t]+angerufen|a[ \t]+appelé|signale|écrit|demande"
    r"|heeft[ \t]+gebeld|meldt|vraagt|schrijft|ha[ \t]+chiamato|segnala|scrive|chiede|llamó|informa|escribe"
    r"|pregunta|solicita|raised|exceeded|achieved|completed|received|wishes|souhaite|möchte|wil[ \t]+graag"
    r"|vuole|quiere|has[ \t]+been|was[ \t]+seen|was[ \t]+admitted|presented|owns|updates|chairs|takes|went"
    r"|goes|gets|leads|runs|handles|covers|is[ \t]+happy|is[ \t]+off|no[ \t]+longer|will[ \t]+(?:call|send|be)"
    r"|moved|relocated|retired|resigned|died|graduated|lives|lived|works|worked|studied|studies"
    r"|gaat|zal|wird|va|sera|andrà|irá)\b)"
)
# "Ansprechpartner ist Jan Weber", "the contact person is anna weber."
_CONTACT_IS = (
    r"(?i:contact(?:[ \t]+person)?|ansprechpartner(?:in)?|contactpersoon|interlocut(?:eur|rice)|referente"
    r"|persona[ \t]+de[ \t]+contacto|responsable|case[ \t]+(?:worker|officer|handler)|sachbearbeiter(?:in)?)"
    r"[ \t]+(?i:is|ist|est|è|es)"
)
# e-mail quoting: "On 3 May, Anna Weber wrote:"
_WROTE = r"(?i:wrote|schrieb|a[ \t]+écrit|schreef|ha[ \t]+scritto|escribió)[ \t]*:"
_BIRTH_DESCRIPTOR = (
    r"(?i:born|b\.|n[ée]e?[ \t]+le|geb\.|geboren|nat[oa][ \t]+il|nacid[oa][ \t]+el|d\.?o\.?b\.?|date[ \t]+of[ \t]+birth"
    r"|birth[ \t]?date|geburtsdatum|geboortedatum|date[ \t]+de[ \t]+naissance|data[ \t]+di[ \t]+nascita"
    r"|fecha[ \t]+de[ \t]+nacimiento"
    r"|aged?[ \t]+\d|\d{1,3}[ \t]*(?:y/?o|years?[ \t]+old|jahre|ans|jaar|anni|años))"
)
_BRACKET_ROLE = (
    r"(?i:agent|advisor|adviser|operator|operatore|operadora?|medewerk(?:er|ster)|mitarbeiter(?:in)?|conseill(?:er|ère)"
    r"|dpo|manager|nurse|doctor|consultant|engineer|technician|rep|representative|supervisor|customer|caller"
    r"|klant|kunde|kundin|cliente?|patient(?:e|in)?|paziente|paciente|chair|owner)"
)
_MAIL_HEADER = r"(?:From|To|Cc|Bcc|Reply-To|Von|An|De|À|A|Van|Aan|Da|Para|Expéditeur|Absender)"
_ROLE_WORD = (
    r"(?i:team|lead|manager|director|officer|head|chair|gp|nurse|doctor|consultant|fy[12]|registrar|department"
    r"|dept|hr|finance|sales|support|accounts|refunds|billing|payroll|quality|operations|procurement|purchasing"
    r"|buchhaltung|betriebsrat|teamleitung|abteilung|einkauf|vertrieb|équipe|responsable|chef|cheffe|directeur"
    r"|directrice|afdeling|teamleider|ufficio|responsabile|reparto|magazzino|jefe|jefa|departamento|dpto"
    r"|compras|logística|administración|acquisti)(?![\p{L}])"
)
_CLAUSE_OPENER = (r"(?i:whether|if|that|because|since|as|when|while|unless|until|although|though|once|after"
                  r"|before|so)")
# where a sentence's subject can start: line or sentence start, or after "and"/a comma in a list of clauses
_SUBJECT_START = (r"(?:(?:^|(?<=[.!?;:\"“(>*-][ \t]{0,3})|(?<=,[ \t]{1,3})"
                  r"|(?<=(?<![\p{L}])(?i:and|und|et|en|e|y)[ \t]))"
                  # a clause opener is no part of the name ("Since Weber moved": not "Since Weber")
                  rf"(?!{_CLAUSE_OPENER}[ \t])"
                  # a sentence that opens with a time word: "Then Pemberton said", "Danach Okafor schrieb"
                  r"|(?<=(?:^|[.!?;:\n][ \t]{0,3})(?:Then|Later|Afterwards|Yesterday|Today|Also|Finally|Meanwhile"
                  r"|Dann|Danach|Später|Gestern|Heute|Puis|Ensuite|Hier|Daarna|Gisteren|Dopo|Poi|Ieri|Luego"
                  r"|Después|Ayer)[ \t,]{1,2}))")
# a subordinate clause has a subject of its own: "check whether Townsend received it", "as Friberg mentioned",
# "note that Reynolds no longer works here"
_CLAUSE_SUBJECT_START = rf"(?<=(?<![\p{{L}}]){_CLAUSE_OPENER}[ \t])(?!{_CLAUSE_OPENER}[ \t])"
_QUESTION_AUX = r"(?i:is|was|has|had|did|does|can|could|will|would|should|shall|may)"
# what a question asks about a person ("Is X available", "Did X call"), not about a place or a thing
_QUESTION_PREDICATE = (
    r"(?i:available|around|free|coming|joining|attending|back|aware|able|happy|still|already|ever|off|away"
    r"|replied|responded|called|rung|phoned|emailed|confirmed|agreed|signed|sent|seen|answered|approved|said|asked"
    r"|left|arrived|joined|finished|reviewed|call|ring|reply|confirm|agree|sign|send|know|attend|join|come|help"
    r"|approve|review|mind|remember|check|look|take|cover|handle|pick|bring|update|sort|chase|book|arrange|share"
    r"|forward|print|fix|see|speak|talk|meet|explain|follow|collect|drop|pop)"
)
_CLOSING_WORD = (
    r"regards|wishes|grüßen|grüssen|grüße|grüsse|groeten|groet|saluti|saludos|saludo|cordialement|distinguées"
    r"|salutations|atentamente|cordialmente|sincerely|faithfully|truly"
)
_OPENER = (
    r"(?i:while|i|i['’]m|i['’]ve|i['’]ll|we|please|thanks|thank|just|hope|as|can|could|would|quick|following"
    r"|further|sorry|good|re|regarding|attached|here|ich|wir|je|nous|ik|wij|io|noi|yo|nosotros)(?![\p{L}])"
)
_PERSON_VERB_WORDS = _PERSON_VERB[len("(?=[ \\t]+"):-1]  # the verb list alone: a cheap pre-check
# "Amsterdam office: Bo Schouten", "Dossier RH : Anna Weber", "Personalakte: ..."
_RECORD_LABEL = (
    r"(?:\p{Lu}[\p{L}-]+[ \t]+)?(?i:office|branch|team|site|ward|clinic|paperwork|dossier(?:[ \t]+RH)?"
    r"|personalakte|personeelsdossier|scheda[ \t]+dipendente|ficha[ \t]+de[ \t]+emplead[oa]|fiche[ \t]+salari[ée]"
    r"|new[ \t]+starter|leaver|starter|(?:annual[ \t]+)?(?:performance[ \t]+)?review|appraisal|evaluation|beoordeling"
    r"|beurteilung|mitarbeitergespräch|évaluation|valutazione|evaluación|functioneringsgesprek)"
)


def _structure(pattern: str) -> tuple[int, bool]:
    """(groups still open at the end, whether a `|` stands outside every group and character class)."""
    depth, in_class, bar, i = 0, False, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            bar = True
        i += 1
    return depth, bar


def _cue_prefilter(pattern: str) -> str | None:
    """What a pattern must find before its name: the part before `(?P<value>`, when it stands on its own (no
    group left open, no top-level alternation: "A(?P<value>..)|B..." can match without A) and holds a cue (a
    word of at least three letters). A text where it is absent cannot match the pattern, so the pattern (and
    its long name part) is neither compiled nor run for it."""
    left = pattern.split("(?P<value>", 1)[0]
    if left == pattern or not regex.search(r"[a-z]{3}", left) or _structure(pattern)[1] or _structure(left)[0]:
        return None
    return "(?m)" + left  # the pattern's own flags: line anchors; the prefilter adds IGNORECASE (a superset)


def _with_cue_prefilters(patterns: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    with_prefilters = []
    for spec in patterns:
        prefilter = _cue_prefilter(spec[1]) if len(spec) == 3 else None
        with_prefilters.append(spec if prefilter is None else (*spec, prefilter))
    return with_prefilters


class PersonCueRecognizer(GdprepPatternRecognizer):
    """A name after an honorific, a self-introduction, a field label, a greeting or a sign-off."""

    ENTITY = "PERSON"
    # no IGNORECASE: capitalisation carries meaning; the cue words switch it on locally with (?i:...)
    FLAGS = regex.MULTILINE
    PATTERNS = [
        ("person_self_intro", rf"{_WORD_START}{_SELF_INTRO_STRONG}[ \t]*:?[ \t]+{_OPTIONAL_HONORIFIC_ANY}"
                              rf"(?P<value>{_NAME_ANY})", 0.8),
        ("person_honorific", rf"{_WORD_START}{_HONORIFIC}[ \t]+{_TITLES}(?P<value>{_NAME_CAP_AFTER_HONORIFIC})", 0.75),
        ("person_honorific_lower", rf"{_WORD_START}"
                                   rf"(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Herrn|Herr|Frau|Mme|Dhr|Mevr|Sig|Sr|Sra|Dra)"
                                   rf"\.?[ \t]+(?P<value>{_NAME_LOWER}){_END_OF_PHRASE}", 0.6),
        # a role with the person in brackets: "Agent (Elliot):", "DPO (wendy marsden)", "Medewerker (Marit):"
        ("person_role_bracket", rf"{_WORD_START}{_BRACKET_ROLE}[ \t]*\([ \t]*(?P<value>{_NAME_ANY})[ \t]*\)", 0.7),
        # e-mail headers: "From: Anna Weber <anna@...>", "Von: ...", "À : ..."
        ("person_mail_header", rf"^[ \t>]*{_MAIL_HEADER}[ \t]*:[ \t]*(?P<value>{_NAME_ANY})[ \t]*[<\[(]", 0.75),
        # a salutation line that is only a name: "Brenda,\n"
        ("person_salutation_line", rf"^[ \t]*(?P<value>{_NAME_ANY})[ \t]*,[ \t]*$", 0.55, r"(?m),[ \t]*$"),
        # a lower-case name must fill the field: "Patient: ahmed khan" but not "Customer: yes please"
        ("person_label", rf"{_LABEL_START}{_LABEL}[ \t]*:[ \t]*{_OPTIONAL_HONORIFIC}"
                         rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER}{_END_OF_FIELD})", 0.7),
        ("person_presenting", rf"{_WORD_START}{_PRESENTING}[ \t]+(?P<value>{_NAME_CAP}|{_NAME_LOWER2})"
                              rf"(?:{_AFFILIATION}|(?=[ \t]*[.!]?[ \t]*$))", 0.65),
        # an e-mail that opens with the addressee: "Brenda, while I'm on leave ..."
        ("person_opening_address", rf"^[ \t]*(?P<value>{_NAME_ANY}),[ \t]+{_OPENER}", 0.55, rf",[ \t]+{_OPENER}"),
        # "Checked and bagged by ben austin": a past participle's agent (names of 2+ words only)
        ("person_agent_by", rf"{_WORD_START}\p{{Ll}}+ed[ \t]+by[ \t]+(?P<value>{_NAME_CAP2}|{_NAME_LOWER2})"
                            rf"{_END_OF_PHRASE}", 0.55),
        # a birth or age descriptor right after a name: "anna weber, born 1980", "Tom Hill (DOB ...)"
        # a greeting's name ends the phrase ("Hi Sarah," / "Liebe Anna!"): "Beste Preise im Juni" does not
        ("person_greeting", rf"{_LINE_OR_SENTENCE_START}{_GREETING},?[ \t]+{_OPTIONAL_HONORIFIC_ANY}"
                            rf"(?P<value>{_NAME_ANY})(?=[ \t]*(?:[,!:;.\-–—]|$))", 0.6),
        # the name ends its line: "Regards,\nSarah Jones" or "Thanks, Sarah"
        ("person_sign_off", rf"{_LINE_OR_SENTENCE_START}{_SIGN_OFF}[ \t]*"
                            rf"(?:[,.!]?[ \t]*(?:\r?\n[ \t]*){{1,2}}{_OPTIONAL_HONORIFIC_ANY}|,[ \t]*"
                            rf"|[ \t]+[-–—]{{1,2}}[ \t]+)"
                            rf"(?P<value>{_NAME_ANY}){_END_OF_LINE}", 0.6),
        # lower-case names after these cues must end the phrase ("Customer toby mann (DOB ...)")
        ("person_role", rf"{_WORD_START}{_ROLE}[ \t]*[,:]?[ \t]+{_OPTIONAL_HONORIFIC}"
                        rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER2}{_END_OF_PHRASE})", 0.65),
        ("person_on_behalf", rf"{_WORD_START}{_ON_BEHALF}[ \t]*:?[ \t]+{_OPTIONAL_HONORIFIC_ANY}"
                             rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER}(?=[ \t]*(?:$|[,;|/()<\[.])))", 0.7),
        # "According to Lindqvist, ..." (a firm or an agency too, so only for review)
        ("person_according", rf"{_WORD_START}(?i:according[ \t]+to)[ \t]+{_OPTIONAL_HONORIFIC_ANY}"
                             rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER2}{_END_OF_PHRASE})", 0.55),
        # a question about a person: "Is Mthonti available on Tuesday?", "Has Havel replied?"
        ("person_question", rf"{_LINE_OR_SENTENCE_START}{_QUESTION_AUX}[ \t]+(?P<value>{_NAME_CAP})"
                            rf"(?=[ \t]+{_QUESTION_PREDICATE}(?![\p{{L}}]))", 0.55),
        ("person_met", rf"{_WORD_START}{_MET}[ \t]+{_OPTIONAL_HONORIFIC_ANY}"
                       rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER2}{_END_OF_PHRASE})", 0.6),
        ("person_record_label", rf"{_WORD_START}{_RECORD_LABEL}[ \t]*:[ \t]*{_OPTIONAL_HONORIFIC}"
                                rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER2}{_END_OF_PHRASE})", 0.65),
        ("person_contact_is", rf"{_WORD_START}{_CONTACT_IS}[ \t]+{_OPTIONAL_HONORIFIC_ANY}"
                              rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER2}{_END_OF_PHRASE})", 0.65),
        # dotted lower-case honorifics are unambiguous: "dr. van Alenburg", "dott. callegaro"
        ("person_dotted_honorific", rf"{_WORD_START}(?i:dr|dott|dott\.ssa|prof|sig|sig\.ra|avv|ing)\.[ \t]*"
                                    rf"(?P<value>{_NAME_ANY}){_END_OF_PHRASE}", 0.65),
        # Dutch phone opening: "hoi, met Esther", "goedemiddag, met Jan de Vries"
        ("person_nl_phone_opening", rf"{_WORD_START}(?i:hoi|hallo|goedemorgen|goedemiddag|goedenavond|dag),?"
                                    rf"[ \t]+met[ \t]+(?P<value>{_NAME_ANY}){_END_OF_PHRASE}", 0.65),
        # any closing formula ending in "regards/Grüßen/saluti..." puts the name on the next line
        ("person_closing_line", rf"(?i:{_CLOSING_WORD})[,.!]?[ \t]*\r?\n[ \t]*{_OPTIONAL_HONORIFIC_ANY}"
                                rf"(?P<value>{_NAME_ANY}){_END_OF_LINE}", 0.6, _CLOSING_WORD),
        # the last line of a message signs it: "— Constance" (an en or em dash: "- Milk" is a list item, "-Wall" a
        # compiler flag), "Édouard x" (kisses)
        ("person_dash_sign_off", rf"^[ \t]*[—–][ \t]?(?P<value>{_NAME_CAP})\s*\Z", 0.6, r"[—–]"),
        ("person_kisses_sign_off", rf"^[ \t]*(?P<value>{_NAME_CAP})[ \t]+(?-i:x{{1,3}})\s*\Z", 0.6, r"x\s*\Z"),
        # chat transcripts: "[14:15] Manja: ...", "lorraine (12:30): ...", "teresa: ok cheers". The timed form
        # comes first: a span found by an earlier pattern is not reported again by a later one
        ("person_chat_speaker_timed", rf"^[ \t]*\[[^\]\n]{{0,30}}\d{{1,2}}:\d{{2}}[^\]\n]{{0,12}}\][ \t]*"
                                      rf"(?P<value>{_NAME_ANY})[ \t]?:", 0.7),
        ("person_chat_speaker", rf"^[ \t]*(?:\[[\d:T .-]{{4,20}}\][ \t]*)?(?P<value>{_NAME_ANY})"
                                rf"(?:[ \t]*\(\d{{1,2}}:\d{{2}}(?::\d{{2}})?\))?[ \t]?:[ \t]+(?=\p{{Ll}}|@|[\[(])",
                                0.6, r":[ \t]+[\p{Ll}@\[(]"),
        # "@Ekaterina kurze Frage", "hey @louis"
        ("person_mention", r"(?<![\w.@])@(?P<value>\p{Lu}\p{Ll}{2,}|\p{Ll}{3,})(?![\w@.-]*\.\p{L})", 0.6),
        ("person_json_key", rf"{_PERSON_KEY}(?P<value>{_NAME_ANY})(?=[\"'])", 0.7),
        ("person_self_intro_weak", rf"{_WORD_START}{_SELF_INTRO_WEAK}[ \t]+{_OPTIONAL_HONORIFIC}"
                                   rf"(?P<value>{_NAME_CAP}|{_NAME_LOWER2}{_END_OF_PHRASE})", 0.55),
        # a possessive before an identifier names its holder: "Tom Hill's passport", "anna weber's NHS number"
    ]
    PATTERNS = _with_cue_prefilters(PATTERNS)
    CONTEXT = ["name", "named", "called", "nom", "naam", "nome", "nombre", "heiße", "appelle", "chiamo",
               "llamo"]
    # Cues that FOLLOW the name. Scanning for a name at every word is slow, so these find the cue first
    # and then the longest name that ends right where it starts: (pattern, left context, name, cue, score).
    NAME_BEFORE = [
        # a birth or age descriptor right after a name: "anna weber, born 1980", "Tom Hill (DOB ...)"
        ("person_birth_descriptor", _WORD_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         rf"[ \t]*[,(][ \t]*{_BIRTH_DESCRIPTOR}", 0.6),
        # a name that opens a sentence and is followed by what people do: "Bradley Ferran rang about ..."
        ("person_subject", _SUBJECT_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         rf"[ \t]+{_PERSON_VERB_WORDS}", 0.6),
        # the frames below take a firm or a place as readily ("whether Reuters received"): listed for review
        ("person_clause_subject", _CLAUSE_SUBJECT_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         rf"[ \t]+{_PERSON_VERB_WORDS}", 0.55),
        # "Lagarde and I went to school together", "anna weber and me"
        ("person_and_me", _WORD_START, rf"{_NAME_CAP}|{_NAME_LOWER2}", r"[ \t]+and[ \t]+(?:I|(?i:me|myself))\b",
         0.55),
        # e-mail quoting: "On 3 May, Anna Weber wrote:"
        ("person_wrote", _WORD_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         rf"(?:[ \t]+<[^>\n]{{3,80}}>)?[ \t]+{_WROTE}", 0.65),
        # a possessive before an identifier names its holder: "Tom Hill's passport", "anna weber's NHS number"
        ("person_possessive", _WORD_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         r"['’]s[ \t]+(?i:codice[ \t]+fiscale|passport|nhs[ \t]+number|date[ \t]+of[ \t]+birth|address|e-?mail"
         r"|phone|mobile|account|licence|license|national[ \t]+insurance|ni[ \t]+number|iban|bsn|pesel"
         r"|tax[ \t]+id|steuer-?id|salary|payslip|medical|records?)\b", 0.6),
        # "J'ai mis Sylvie Roche en copie", "zet Jan de Vries in de cc"
        ("person_cc_after", _WORD_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         r"[ \t]+(?:even[ \t]+)?(?:en[ \t]+copie|in[ \t]+(?:de[ \t]+)?cc|in[ \t]+copia|en[ \t]+copia"
         r"|in[ \t]+kopie)\b", 0.6),
        # "Suzanne's main development area": a capitalised possessive that is no English word
        ("person_possessive_any", _WORD_START, _NAME_CAP, r"['’]s[ \t]+\p{Ll}", 0.5),
        # "Mogensen, who lives next door, saw the van": "who" refers to a person (a firm at times: for review)
        ("person_relative_who", _WORD_START, _NAME_CAP, r",?[ \t]+who(?:['’]s)?(?![\p{L}])", 0.55),
        # "samantha harrison here (staff no. ...)": introducing oneself
        ("person_here", r"(?:^|(?<=[,.:;!?][ \t]{0,3}))", rf"{_NAME_CAP}|{_NAME_LOWER2}", r"[ \t]+here\b", 0.6),
        # a name with its role or department after it: "kieran alexander (Refunds team)", "X – jefa de compras"
        ("person_with_role", _WORD_START, rf"{_NAME_CAP}|{_NAME_LOWER2}",
         rf"[ \t]*(?:\(|[–—][ \t]|-[ \t]|,[ \t])[ \t]*(?:the[ \t]+)?(?:[\p{{L}}&/]+[ \t]+){{0,3}}?{_ROLE_WORD}", 0.6),
    ]

    def validate(self, value: str) -> bool | None:
        # "Hi HR," / "Dear IT": a short all-capitals word is a department, not a name
        if len(value) <= 3 and value.isupper():
            return False
        return None

    def __init__(self) -> None:
        super().__init__()
        # the cues compile now; the (large) name patterns on the first cue found, as the other patterns do
        self._name_before: list[tuple[str, str, regex.Pattern[str], float]] = [
            (pattern, rf"{left}(?P<value>{names})", compile_pattern(cue, self.FLAGS), score)
            for pattern, left, names, cue, score in self.NAME_BEFORE
        ]
        self._names_compiled: dict[str, regex.Pattern[str]] = {}

    def _names_pattern(self, source: str) -> regex.Pattern[str]:
        compiled = self._names_compiled.get(source)
        if compiled is None:
            with collection_paused():
                compiled = self._names_compiled[source] = compile_pattern(source, self.FLAGS)
        return compiled

    def compile_all(self) -> None:
        super().compile_all()
        for _, source, _, _ in self._name_before:
            self._names_pattern(source)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        if not entities or self.ENTITY in entities:
            results.extend(self._names_before_cues(text))
        results = [r for r in results if not _dictionary_phrase_after_weak_cue(text, r)]
        return drop_nested_results(_chat_speakers_that_talk(text, results))

    def _names_before_cues(self, text: str) -> list[RecognizerResult]:
        found = []
        cues_of: dict[str, list[regex.Match[str]]] = {}  # two frames may share a cue: it is searched once
        for pattern, names, cue_rx, score in self._name_before:
            cues = cues_of.get(cue_rx.pattern)
            if cues is None:
                cues = cues_of[cue_rx.pattern] = list(cue_rx.finditer(text))
            for cue in cues:
                name_rx = self._names_pattern(names)
                end = cue.start()
                # the longest name first: try word starts from the farthest (a name has at most 4 words)
                for word in _WORD_BEGIN.finditer(text, max(0, end - 80), end):
                    m = name_rx.fullmatch(text, word.start(), end)
                    if m:
                        start, stop = m.span("value")
                        found.append(self._result(start, stop, score, pattern))
                        break
        return found

    def _result(self, start: int, end: int, score: float, pattern: str) -> RecognizerResult:
        return make_result(self, self.ENTITY, start, end, score, pattern)


_WORD_BEGIN = regex.compile(r"(?<![\p{L}\p{M}\p{N}_'’-])[\p{L}]")
_WEAK_LOWER_CUES = frozenset({"person_role", "person_subject", "person_clause_subject"})
_DICTIONARY_CHECKED_ANY_CASE = frozenset({"person_possessive_any", "person_opening_address", "person_agent_by",
                                          "person_with_role", "person_relative_who"})
# a chat speaker or an @mention is trusted when capitalised ("@Mohammed"), checked when lower case ("@support")
_WEAK_LOWER_CUES_EXTRA = frozenset({"person_chat_speaker", "person_mention"})


def _dictionary_phrase_after_weak_cue(text: str, result: RecognizerResult) -> bool:
    """"Patient stable overnight", "customer service": after a role noun, a lower-case phrase made only
    of English dictionary words is a description, not a name. (Strong cues such as "my name is" are
    trusted even for "tom baker".)"""
    explanation = result.analysis_explanation
    if explanation is None:
        return False
    value = text[result.start:result.end]
    if explanation.pattern_name in _DICTIONARY_CHECKED_ANY_CASE:
        return all(token.lower() in english_words() for token in value.replace("-", " ").split())
    if explanation.pattern_name not in _WEAK_LOWER_CUES | _WEAK_LOWER_CUES_EXTRA or value != value.lower():
        return False
    words = english_words()
    return all(token in words for token in value.replace("-", " ").split())


# the name shapes, for the record-level list extension in `gdprep.privacy.pipeline`
NAME_CAP_PATTERN: Final[str] = _NAME_CAP
NAME_LOWER_PATTERN: Final[str] = _NAME_LOWER


_PARTICLE_WORDS: Final[frozenset[str]] = frozenset(
    "van von de da del della dei degli des du dos das do ter ten zu vom zum af le la der den".split())


def is_cue_word(word: str) -> bool:
    """True for greetings, honorifics, roles and verbs around names that are never part of one ("danke",
    "herr", "dear", "caller"); unlike `is_name_stop_word`, name particles ("van", "de") do not count."""
    return word.lower() in _STOP_WORDS and word.lower() not in _PARTICLE_WORDS


def is_name_stop_word(word: str) -> bool:
    """True for words that follow name cues but are never names on their own ("team", "merci", "von")."""
    return word.lower() in _STOP_WORDS or word.lower() in _PARTICLE_WORDS


def _chat_speakers_that_talk(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """An untimed "Word: text" line is a chat turn only in a conversation: the speaker talks again or at
    least three turns are present. A single "Descrizione: ..." or "runs-on: ..." is a field label."""
    speakers = [r for r in results if r.analysis_explanation is not None
                and r.analysis_explanation.pattern_name == "person_chat_speaker"]
    if not speakers:
        return results
    names = [text[r.start:r.end].lower() for r in speakers]
    keep = {id(r) for r, n in zip(speakers, names, strict=True) if names.count(n) > 1 or len(set(names)) >= 3}
    return [r for r in results if r not in speakers or id(r) in keep]


def drop_nested_results(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Keep the longest of overlapping names ("Dear Dr Jane Doe" is found by two cues)."""
    kept: list[RecognizerResult] = []
    for result in sorted(results, key=lambda r: (-(r.end - r.start), -r.score)):
        if all(result.end <= other.start or result.start >= other.end for other in kept):
            kept.append(result)
    return sorted(kept, key=lambda r: r.start)


PERSON_RECOGNIZERS: Final[tuple[type[GdprepPatternRecognizer], ...]] = (PersonCueRecognizer,)
