"""Person cues added for names spaCy misses: role nouns, on-behalf phrases, by-phrases, verbs, quoting.

Names here are invented for the tests; none come from the generator's (Faker's) lists.
"""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.person import PersonCueRecognizer

RECOGNIZER = PersonCueRecognizer()


def names(text: str) -> list[str]:
    return [text[r.start:r.end] for r in RECOGNIZER.analyze(text, ["PERSON"])]


FOUND = [
    ("Surname: pembroke    Forename(s): gwilym", "pembroke"),  # a column gap ends a lower-case field
    ("Achternaam: simonsz | Voornamen: siennah", "siennah"),    # the plural label
    ("Nom de l'élève : Rochembeau | Classe : terminale", "Rochembeau"),  # school forms
    ("Cognome alunno/a: coardini | Classe: 3B", "coardini"),
    ("Alumno/a: Brigidana Saezcamps | Curso: 1.º", "Brigidana Saezcamps"),
    ("The parcel never arrived. Please advise.\n\n— Constadine", "Constadine"),  # a dash signs the last line
    ("Attached is the signed form.\n– Abigaíla", "Abigaíla"),
    ("I'll be late tomorrow, sorry.\nÉdouarnic x", "Édouarnic"),  # kisses
    ("I'll be late tomorrow, sorry.\nÉdouarnic xx", "Édouarnic"),
    ("Attached is the signed form.\n— Abigaíla\n", "Abigaíla"),  # a line break after the signature
    ("Then Pemberwick said it was fine.", "Pemberwick"),  # a sentence opening with a time word
    ("Later Whitcombe called about the invoice.", "Whitcombe"),
    ("Rozmawiałem z panem Wiercichowskim wczoraj.", "Wiercichowskim"),  # Polish honorific in any case form
    ("Volala paní Drahotová ohledně faktury.", "Drahotová"),
    ("Η κα Ξενοφωντίδου ζήτησε επιστροφή χρημάτων.", "Ξενοφωντίδου"),  # Greek abbreviated honorific
    ("Jag pratade med fru Lindqvarn i går.", "Lindqvarn"),  # Nordic and Baltic honorifics, lower case
    ("herr Öhrnbeck ringde om fakturan.", "Öhrnbeck"),
    ("Soitin rouva Kettunmäelle eilen.", "Kettunmäelle"),
    ("Rääkisin proua Tammelaiuga.", "Tammelaiuga"),
    ("Customer Orla Quennell called twice.", "Orla Quennell"),
    ("Customer orla quennell (DOB 1990-01-02) called.", "orla quennell"),
    ("Il cliente Tizio Brambillone segnala un errore.", "Tizio Brambillone"),
    ("Patientin Wiebke Olmsted, geb. 01.02.1960", "Wiebke Olmsted"),
    ("Please refund to the card in the name of Hesper Lockwood.", "Hesper Lockwood"),
    ("Virement au nom de Gaëtane Brissac.", "Gaëtane Brissac"),
    ("Rekening t.n.v. joris haverkamp.", "joris haverkamp"),
    ("Bonifico intestato a Ugo Ferrantelli.", "Ugo Ferrantelli"),
    ("Transferencia a nombre de Lucía Ormazábal.", "Lucía Ormazábal"),
    ("Kontoinhaber: Gernot Pfeiffenberger.", "Gernot Pfeiffenberger"),
    ("Dear Dr Amsel,\nI saw tobias wrenfield (NHS 123) today.", "tobias wrenfield"),
    ("Ticket raised by Imelda Strachan on Monday.", "Imelda Strachan"),
    # verbs of addressing in the present, a document handed to a person, what a question asks a person to do,
    # and wishes (session 9's own probe of Faker names in sentences written for it)
    ("Please ask Wiercichowski to sign the delivery note.", "Wiercichowski"),
    ("Remind Aoibheann about the consent form.", "Aoibheann"),
    ("I forwarded the invoice to Naoimhe yesterday.", "Naoimhe"),
    ("Could Tükelalp check the warehouse stock before Friday?", "Tükelalp"),
    ("Happy birthday Basriyenur! Cake is in the kitchen.", "Basriyenur"),
    ("Mogensenová, who lives next door, saw the van leave.", "Mogensenová"),  # "who" refers to a person
    ("Escalated to ferdy oakhurst in billing.", "ferdy oakhurst"),
    ("Priya Venkataraman rang about the invoice.", "Priya Venkataraman"),
    ("quentin ashdown phoned to cancel.", "quentin ashdown"),
    ("On 3 May, Ottilie Frame wrote:\n> hello", "Ottilie Frame"),
    ("Please check Corwin Maddox's passport before Friday.", "Corwin Maddox"),
    ("Ansprechpartner ist Ludger Hembrock.", "Ludger Hembrock"),
    ("Gesprek met Fenna Kloosterboer op maandag.", "Fenna Kloosterboer"),
    ("Nota: parlato con ilario gasparetti riguardo alla fattura.", "ilario gasparetti"),
    ("Hablé con eulalia montoro sobre la factura.", "eulalia montoro"),
    ("We met her husband osric penhallow to discuss it.", "osric penhallow"),
    ("Thank you Marisol! I have passed this on.", "Marisol"),
    ("Witness: dunstan farrow. Manager informed.", "dunstan farrow"),
    ("Amsterdam office: Tjitske Roorda, BSN 123.", "Tjitske Roorda"),
    ("I have passed your details to orla quennell, who will email you.", "orla quennell"),
    ("J'ai mis Gaëtane Brissac en copie.", "Gaëtane Brissac"),
    ("[14:15] Manja: @Ekaterina kurze Frage", "Ekaterina"),
    ("[14:15] Manja: hallo", "Manja"),
    ("ann: hi\nbob: hello ann\nann: ok cheers", "ann"),
    ("Please check with Tobias Wrenfield (Refunds team) first.", "Tobias Wrenfield"),
    ("hi payroll, orla quennell here (staff no. E1)", "orla quennell"),
    ("Summary: Hesper exceeded her targets.", "Hesper"),
    ("Assurée : manon quellec – date de naiss. : 02/02/1983", "manon quellec"),
    ("[13/04/2022, 10:15] Marit: 63 42 97 49098461 x", "Marit"),
    ("[23 septembre 2025 07:00] éric : top merci !", "éric"),
    ("Jade chairs, and Hesper Quellec takes notes", "Hesper Quellec"),
    ("Martin owns the escalation and Ottilie Frame updates the FAQ", "Ottilie Frame"),
    ("the account is held by orla quennell. Please check", "orla quennell"),
    ("Zoals besproken met mijn collega Juul Quellec ontvang je", "Juul Quellec"),
    # a lone surname as the subject of a subordinate clause, in a question, beside "I", after a dash sign-off
    ("Could you check whether Quennell received the invoice?", "Quennell"),
    ("As Wrenfield mentioned earlier, the printer is broken.", "Wrenfield"),
    ("Please note that Brissac no longer works here.", "Brissac"),
    ("Since Roorda moved to Leeds, nobody calls.", "Roorda"),
    ("Born in 1980, Kloosterboer moved to Leeds at ten.", "Kloosterboer"),
    ("Is Pfeiffenberger available on Tuesday?", "Pfeiffenberger"),
    ("Has Ferrantelli replied to the tender?", "Ferrantelli"),
    ("Hembrock and I went to school together.", "Hembrock"),
    ("Regards - Ottilie", "Ottilie"),
    ("According to Maddox, shipping takes three days.", "Maddox"),
    ("Apologies, Marisol, for the delay.", "Marisol"),
    # a lower-case name ends its phrase with a word of time too
    ("I spoke with ondrej vavrusko yesterday.", "ondrej vavrusko"),
    ("we met with tamsin orrell last week", "tamsin orrell"),
    # sign-offs in more languages
    ("Dzięki za pomoc.\n\nZ poważaniem,\nWiesława", "Wiesława"),
    ("Díky,\nBohuslava", "Bohuslava"),
    ("Abraço,\nRúbemar", "Rúbemar"),
    ("Dank je!\nTjitske", "Tjitske"),
    ("Gr, Joukje", "Joukje"),
    ("Terveisin\nAapeli", "Aapeli"),
    # "forward this to", "send it on to"
    ("Please forward this to Quillan Marrowby.", "Quillan Marrowby"),
    ("Can you send it on to Odalys Ferrowind?", "Odalys Ferrowind"),
]

NOT_FOUND = [
    "Shopping list:\n- Milk",                       # a hyphen opens a list item, not a signature
    "Build with\n-Wall",                            # or a compiler flag
    "The release notes follow.\n— Summary",         # a heading word after a dash
    "Chapter one — Elmsworth\nThe story begins.",   # a dash that does not open the last line
    "Box 4 x",                                       # lower-case or short words before "x" are no name
    "Customer service will contact you.",
    "Patient stable overnight.",
    "Customer satisfaction is up 5%.",
    "Client portal login failed.",
    "The system reported an error.",
    "Payment method was declined.",
    "Escalated to the billing team.",
    "Request from the finance department.",
    "Thank you for your order!",
    "Employee handbook updated.",
    "Assigned to support.",
    "Please contact us at any time.",
    "Descrizione: tamponamento avvenuto in via Roma",   # one field label is not a chat
    "runs-on: ubuntu-latest",
    "ping @support about it",                           # a lower-case dictionary word
    "Hi payroll, please check",
    "hiya, i want to cancel my order",
    "Met vriendelijke groet,\nVerhuurteam",
    "What's your date of birth?\nVisitor: its 27 May 1988",
    "Since the update, nothing works.",
    "Is the office available on Tuesday?",
    "According to the report, sales fell.",
    "Could you check whether it arrived?",
    "Please forward this to the billing team today.",
    "I spoke with the manager yesterday.",
    "We will send it to accounts tomorrow.",
    "I sent the parcel to Leeds yesterday.",        # a parcel goes to places: no document handed to a person
    "Could the courier check the address?",
    "Happy birthday to you!",
    "Please ask for the manager at reception.",
    "Customers, who are our priority, come first.",
    "The engineer who called left a note.",
    "First you will delete an entire line, then paste it.",  # English "an", not German "an" + a name
    "Create an empty line.",
]


def test_the_clause_opener_is_not_part_of_the_name() -> None:
    assert names("Since Roorda moved to Leeds, nobody calls.") == ["Roorda"]


@pytest.mark.parametrize(("text", "name"), FOUND)
def test_cue_finds_name(text: str, name: str) -> None:
    assert name in names(text)


@pytest.mark.parametrize("text", NOT_FOUND)
def test_cue_ignores_ordinary_words(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize("text", [
    "Hi, I'm Jo Sample, call me on 020 7946 0000.",
    "From: Anna Weber <anna@example.org>\nTo: team",
    "Brenda,\nthe report is attached.",
    "Patient: ahmed khan\nDOB: 01/02/1980",
    "Regards,\nSarah Jones",
    "[14:30] Liane: ok, danke",
    "Agent (Elliot): how can I help?",
    "Je m'appelle Sylvie Roche et j'habite à Lyon.",
    "Dear Mr. Okonkwo, thank you for your letter.",
    "hey @louis, can you check?",
    '{"customer_name": "Maria Rossi"}',
    "I met with Tom Hill yesterday about the claim.",
])
def test_cue_prefilters_change_no_finding(text: str) -> None:
    """Each cue pattern is skipped for a text without its cue (`_cue_prefilter`): never a finding lost."""
    with_prefilters = PersonCueRecognizer()
    without = PersonCueRecognizer()
    without._compiled = [(name, compiled, score, None) for name, compiled, score, _ in without._compiled]
    found = [(r.start, r.end, r.score) for r in with_prefilters.analyze(text, ["PERSON"])]
    assert found == [(r.start, r.end, r.score) for r in without.analyze(text, ["PERSON"])]
    assert found or text.startswith("hey")  # every text but the mention holds a cued name


def test_a_pattern_with_a_top_level_alternation_gets_no_cue_prefilter() -> None:
    from gdprep.privacy.recognizers.person import _cue_prefilter

    assert _cue_prefilter(r"(?i:hello)[ \t]+(?P<value>\p{Lu}\p{Ll}+)") == r"(?m)(?i:hello)[ \t]+"
    # the second branch matches without "hello": its cue is not necessary, so no prefilter
    assert _cue_prefilter(r"(?i:hello)[ \t]+(?P<value>\p{Lu}\p{Ll}+)|@(?P<value>\w+)") is None
    assert _cue_prefilter(r"[|](?i:hello)[ \t]+(?P<value>\p{Lu}\p{Ll}+)") is not None  # "|" in a class


def test_name_patterns_before_a_cue_compile_when_a_cue_is_found() -> None:
    recognizer = PersonCueRecognizer()
    assert recognizer._names_compiled == {}
    assert names("Then Pemberwick said it was fine.") == ["Pemberwick"]  # the module-level recognizer
    assert recognizer.analyze("The weather is fine.", ["PERSON"]) == [] and recognizer._names_compiled == {}
    assert [r.start for r in recognizer.analyze("Quentin Ashdown phoned to cancel.", ["PERSON"])] == [0]
    assert recognizer._names_compiled

