"""Extra held-out dev-set templates, written blind to the detector and to the tuning templates.

Same slot syntax as `bench/devset.py` (see `gdprep.examples.generate.SLOT_TYPES`); `{dob}` only ever appears
as a birth date. The lead merges `HELDOUT_TEMPLATES_EXTRA` into the held-out split.
"""

from __future__ import annotations

from typing import Final

HELDOUT_TEMPLATES_EXTRA: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        # live support chat; the customer is only ever called by first name
        "Live chat · started {timestamp}\n"
        "Visitor ({first}): hiya, my {product} keeps dropping the wifi since the {version} update\n"
        "Support ({first2}): Sorry to hear that! Could you confirm the email address on the account?\n"
        "Visitor ({first}): {email}, though the order was placed by my flatmate, {name3}\n"
        "Support ({first2}): Thanks {first}, I can see order {order} now. I've raised {ticket} and a replacement "
        "will go out today, tracking {tracking}.",
        # e-mail header, bank block, quoted Outlook reply
        "From: {name} <{email}>\nTo: Accounts Payable\nCc: {name2}\nDate: {timestamp}\nSubject: Change of bank "
        "details - {invoice}\n\nHi both,\n\nI've switched banks, so please pay {invoice} ({price}) and anything "
        "after it into:\n\nAccount name: {name}\nSort code: {sort_code}\nAccount number: {account}\n\nThanks,\n"
        "{first}\n\n-----Original Message-----\nFrom: {name2}\nSent: {date}\nSubject: RE: {invoice}\n\n{first}, "
        "we'll need your new details before Thursday's payment run.",
        "HR CASE NOTE {ticket}\nEmployee: {last:f}, {first:f} (payroll no. {staff_id})\nManager: {name2}\n"
        "Meeting date: {date}\n\nMet with {first} and her manager to discuss three short-term absences. {first} "
        "explained she is caring for her father after a stroke and asked about flexible working. Accompanied by "
        "{name3} (union rep). Agreed: OH referral, temporary move to early shifts, review with {last2} in four "
        "weeks.",
        "Minutes - Facilities working group, {date}\nPresent: {name3} (chair), {name}, {name2}\nApologies: none "
        "received\n\n1. Boiler: {last} reported that {company} quoted {price} for the replacement; {last2} to get "
        "a second quote.\n2. Access control: badge {staff_id} still opens the side door out of hours although the "
        "holder left in March. {first2} to revoke it with the supplier.\n3. AOB: the {product} in the kitchen is "
        "back under warranty, serial {serial}.",
        "Private and confidential\nDr {name2}\nThe Surgery\n\nRe: Mrs {name:f}, Date of Birth: {dob}, NHS Number: "
        "{nhs}\n{address}\n\nDear Dr {last2},\n\nI reviewed Mrs {last} in the memory clinic on {date}, accompanied "
        "by her son. Her cognitive screen has fallen since last year and the history fits a mixed dementia. I have "
        "started donepezil 5 mg at night. Her son has asked that appointments go to him on {phone2}.\n\nKind "
        "regards,\n\n{name3}\nSpecialty Doctor, Older Adults' Mental Health",
        "FNOL call {timestamp}, policy {order}. Policyholder {name:m} reports a rear-end shunt at a roundabout on "
        "{date}. The other driver gave her name as {name2:f} and her number as {phone2}; she accepted fault at the "
        "scene. ID&V passed (DOB {dob}, postcode {postcode}). Car recovered to {company}, estimate {price}. Claim "
        "{ticket} opened, no injuries reported.",
        "Your Current Account Switch is complete\n\nDear Mr {last:m},\n\nFrom {date}, everything paid into or out "
        "of your old account (sort code {sort_code}, account number {account}) is redirected to your new account "
        "with us. We moved seven Direct Debits and two standing orders for you. If anything has been missed, call "
        "us quoting {ticket}.\n\nYours sincerely,\n\n{name2}\nHead of Current Accounts",
        "BACS REMITTANCE ADVICE\nFrom: {company}\nPayee: {name}\nPaid to: {sort_code} / {account}\nOur ref: "
        "{invoice}   Your ref: {order}\nAmount: {price}\nPayment date: {date}\nQueries to {email2}",
        "HOME INSURANCE - CLAIM FORM\nPolicy no.: {order}\nPolicyholder: {name}\nPolicyholder's date of birth: "
        "{dob}\nAddress of insured property: {address}\nDaytime telephone: {phone}\nJoint policyholder: {name2}\n"
        "Date of loss: {date}\nWhat happened? Shed broken into, {product} and two bikes taken. Police crime ref "
        "{ticket}.\nSettlement to be paid to: sort code {sort_code}, a/c {account}",
        "Dear {name} and {name2},\n\nRe: {address}\n\nWe are pleased to confirm that your tenancy starts on {date} "
        "at a rent of {price} per calendar month. Your deposit is protected under certificate {ticket}. Please set "
        "up a standing order to our client account quoting {invoice} as the reference.\n\nYour landlord, "
        "{name3:m}, has asked that all repairs are reported through us rather than directly to him.\n\nKind "
        "regards,\nLettings Team, {company}",
        "Dear Parent/Carer,\n\nYear 9 visit to the Science Museum - {date}\n\nThe cost of the trip is {price}, "
        "payable online by Friday. Please complete and return the slip below to {name2:f} in the school office.\n\n"
        "- - - - - - - - - - - - - - - - - - - -\nPupil name: {name}   Form: 9R\nParent/carer: "
        "{name3}\nEmergency contact no.: {phone}\nMedical needs / allergies: asthma (blue inhaler)",
        # CRM export as JSON; the literal braces are not slots because `"` cannot start a slot name
        '{"id": "{order}", "contact": {"name": "{name}", "email": "{email}", "mobile": "{phone}"}, '
        '"date_of_birth": "{dob}", "bank": {"sort_code": "{sort_code}", "account_no": "{account}"}, '
        '"owner": "{name2}", "last_ticket": "{ticket}", "app_version": "{version}", "updated": "{timestamp}"}',
        "ACCIDENT BOOK ENTRY\nDate and time of accident: {date}, {time}\nInjured person: {name} (staff no. "
        "{staff_id})\nHome address: {address}\nWhat happened: slipped on a wet floor by the loading bay while "
        "carrying {qty} cartons of {sku}; cut to the left hand.\nFirst aid given by: {name2}\nWitness: {name3}\n"
        "Entry made by {first2}, reported to the duty manager the same day.",
        "[{date}, {time}] {first}: omw, 10 mins late sorry 🙈\n"
        "[{date}, {time}] {first2}: no worries!! did u send the money for {name3}'s stag do?\n"
        "[{date}, {time}] {first}: not yet, whats the details again\n"
        "[{date}, {time}] {first2}: {sort_code} {account}, put ur surname as the ref 👍\n"
        "[{date}, {time}] {first}: sorted",
        "Voicemail from {phone}, {timestamp} (auto-transcribed)\n\"Hi, it's {name:f} ringing about my mum, "
        "{name2:f}. She's got an appointment on {date} but she's been admitted to hospital so she won't make it. "
        "Her date of birth's {dob} if you need it. Could you ring me back on this number or on {phone2}? Thanks, "
        "bye.\"",
        "SECTION 1 - PERSONAL DETAILS\nTitle: Ms   Surname: {last:f}   Forename(s): {first:f}\nDoB: {dob}   "
        "NI number: {nino}\nAddress: {address}\nMobile: {phone}\n\nSECTION 6 - REFERENCES\n1. {name2}, {company}, "
        "{email2}\n2. {name3}, former line manager (may be contacted before interview)\n\nI confirm the "
        "information above is true.\nSigned: {name}   Date: {date}",
        "Hi team,\n\nSince we upgraded to {version} (build {build}), our finance lead {name2:f} gets {error} every "
        "time she exports the ledger to CSV. Her login is {email2}. HAR file attached. Could someone look at this "
        "today? We're on the annual plan (invoice {invoice}).\n\nCheers,\n{name}\nIT Manager | {company}\n"
        "M: {phone}",
        "Dear Sir or Madam,\n\nYou took two payments of {price} from my account on {date}. The account is in my "
        "name, {name:m}, sort code {sort_code}, account number {account}, and my wife {name2:f} is also a named "
        "holder. Please refund the duplicate collection within 14 days. My customer number is {order}.\n\nYours "
        "faithfully,\n\n{name}",
        # Teams-style messages between two colleagues about a third
        "{name2}  {time}\nhey quick one, {first:m} in the warehouse (staff no {staff_id}) says his pay went to "
        "his old bank last month. new details: acc {account} sort {sort_code}. can u update before the cut-off on "
        "{date}?\n\n{name3}  {time}\nyep but I need it in writing from him first. can you ask {first} to email it "
        "from {email}?",
        "CONFIRMATION OF PAYEE - {timestamp}\nCustomer: {name} (cust no. {order})\nPayee name entered: {name2}\n"
        "Sort code: {sort_code}  Account no.: {account}\nResult: CLOSE MATCH - account is held by {name3}\n"
        "Action: customer warned about scams, payment of {price} cancelled, fraud case {ticket} opened.",
        "Instruction to your bank or building society to pay by Direct Debit\nName(s) of account holder(s): "
        "{name}\nBranch sort code: {sort_code}\nBank/building society account number: {account}\nReference: "
        "{order}\nMember date of birth: {dob}\nHome club: {company}\nFirst collection: {date}, {price}",
        "spoke w/ {first:f} re the support engineer role, v keen, 4 wks notice. referred by {name2} from "
        "{company}. rang her on {phone} at {time}, she's free for a 2nd interview with {name3} on {date}. ask "
        "{first} for right to work docs (passport {passport}) before offer.",
        "ED triage {time}. Pt {name:m} (b. {dob}), NHS {nhs}. Brought in by wife {name2:f} (tel {phone2}) with "
        "central chest pain since early morning. PMH T2DM, HTN. Obs stable, ECG no acute changes. Plan: troponin "
        "0/3h, review by {name3}. Belongings bag ref {serial}.",
        "Subject: Subject access request - {name}\n\nTo the Data Protection Officer,\n\nUnder Article 15 of the "
        "UK GDPR I ask for a copy of all personal data you hold about me. To help you find my records: my date of "
        "birth is {dob}, my previous address was {address}, my customer number was {order}, and I also used the "
        "e-mail {email}. Please reply within one month.\n\nRegards,\n{name}",
        "Car hire desk note {timestamp}\nMain driver: {name:m}, born {dob}, licence {licence} (DVLA check code "
        "shared by the customer)\nAdditional driver: {name2}\nDeposit of {price} pre-authorised on card {card}, "
        "booking {order}.\nReturned with a scuff on the rear bumper; photos filed under {ticket}. Mr {last} "
        "disputes it and asked for a call back on {phone}.",
        "SECURITY INCIDENT REPORT {ticket}\nReported: {timestamp} by {name2}\nSummary: a phishing e-mail "
        "impersonating {company} was opened by {name:f} ({email}). She entered her credentials and sign-ins "
        "followed from {ip} and {ipv6}.\nContainment: password reset, sessions revoked, MFA re-registered on build "
        "{build}. No customer data accessed according to the logs.\nDPO informed: yes ({name3})",
    ),
    "de": (
        "Aktennotiz vom {date}\nBetreff: Personalgespräch mit Frau {name:f} (Personalnr. {staff_id})\n"
        "Teilnehmende: {name2} (Teamleitung), {name3} (Betriebsrat)\n\nFrau {last} berichtet, dass sie seit ihrem "
        "Umzug (neue Anschrift: {address}) täglich über eine Stunde pendelt, und bittet um zwei Tage Homeoffice "
        "pro Woche. {last2} sagt eine Prüfung bis Monatsende zu.",
        "Schadenmeldung Nr. {ticket}\nVersicherungsnehmer: {name}, * {dob}\nAnschrift: {address}\nTelefon "
        "tagsüber: {phone}\nSchadentag: {date}, gegen {time} Uhr\nSchilderung: Beim Ausparken hat {name2:f} mit "
        "ihrem Wagen meine Fahrertür gestreift und den Schaden vor Ort zugegeben.\nBankverbindung für die "
        "Erstattung: {iban}",
        "[{date}, {time}] {first}: hey, hab dir grad die {price} fürs konzert überwiesen 😊\n"
        "[{date}, {time}] {first2}: danke!! kommt {name3:f} eigentlich auch mit?\n"
        "[{date}, {time}] {first}: ja, aber sie zahlt erst nächste woche\n"
        "[{date}, {time}] {first2}: ok, sag ihr sie soll an {iban} überweisen, verwendungszweck konzert",
        "Chatverlauf {timestamp}\nKundin: Guten Tag, mein Gerät ({product}) startet seit dem Update auf {version} "
        "ständig neu.\nMitarbeiter {first2:m}: Das tut mir leid. Nennen Sie mir bitte zur Verifizierung Ihren "
        "vollständigen Namen und Ihr Geburtsdatum.\nKundin: {name:f}, geboren am {dob}\nMitarbeiter {first2}: "
        "Danke, Frau {last}. Ich schicke Ihnen ein Austauschgerät an {address}. Vorgangsnummer {ticket}.",
        "Sehr geehrte Frau {last:f}, sehr geehrter Herr {last2:m},\n\nhiermit bitten wir Sie um Zustimmung zur "
        "Erhöhung der Nettokaltmiete für Ihre Wohnung {address} ab dem {date} auf {price} monatlich. Die "
        "Vergleichsmieten finden Sie in der Anlage.\n\nMit freundlichen Grüßen\n{name3}\nHausverwaltung {company}",
        "Aufnahmeantrag Turnverein\nName, Vorname: {last}, {first}\nGeb.-Datum: {dob}\nE-Mail: {email}\n"
        "Telefon: {phone}\nEintritt zum: {date}\nGeworben von: {name2}\nBeitrag: {price} monatlich per "
        "SEPA-Lastschrift von {iban}\nKontoinhaber/in, falls abweichend: {name3}",
    ),
    "fr": (
        "De : {name} <{email}>\nÀ : Service RH\nObjet : Mutuelle - ajout de mon conjoint\n\nBonjour {first2},\n\n"
        "Suite à notre échange du {date}, je souhaite ajouter mon conjoint, {name3:m}, à la mutuelle. Vous "
        "trouverez ci-joint son attestation de sécurité sociale (NIR {nir}) ; il est né le {dob}.\n\nBien "
        "cordialement,\n{first}\n\n> Le {date}, {name2} a écrit :\n> Merci de nous transmettre les justificatifs "
        "avant la fin du mois.",
        "Madame {name:f},\n\nNous accusons réception de votre demande de virement permanent de {price} par mois au "
        "profit de {name2}, titulaire du compte {iban}. Le premier virement sera exécuté le {date}. Pour toute "
        "modification, contactez votre conseillère, {name3:f}, au {phone}.\n\nVeuillez agréer, Madame, "
        "l'expression de nos salutations distinguées.",
        "Déclaration de sinistre n° {ticket}\nAssuré : M. {name:m}, né le {dob} à Lille\nAdresse : {address}\n"
        "Tél. : {phone}\nDate du sinistre : {date}\nCirconstances : dégât des eaux provenant de l'appartement du "
        "dessus, occupé par {name2}. Le syndic ({company}) a été prévenu.\nRèglement à effectuer sur le compte "
        "{iban}.",
        "slt {first} c {first2} 😊 tu peux me renvoyer ton rib stp ? c pour les {price} du week-end chez {name3}. "
        "c toujours {iban} ou t'as changé ?",
        "Bulletin d'inscription - médiathèque municipale\nNom et prénom : {name}\nDate de naiss. : {dob}\n"
        "Adresse : {address}\nTél. : {phone}\nCourriel : {email}\nInscription enregistrée le {date} par {name2}, "
        "agent d'accueil.",
    ),
    "nl": (
        "Geachte heer/mevrouw {last},\n\nVolgens onze administratie heeft u een huurachterstand van {price} voor "
        "de woning op het adres {address}. Wij verzoeken u dit bedrag vóór {date} over te maken onder vermelding "
        "van {invoice}. Lukt dat niet, neem dan contact op met uw woonconsulent, {name2}, via {phone2} of "
        "{email2}.\n\nMet vriendelijke groet,\n{company}",
        "[{date} {time}] {first}: hoi! ben je morgen ook bij de verjaardag van {name3}?\n"
        "[{date} {time}] {first2}: ja! wat geven we? ik schiet het wel voor\n"
        "[{date} {time}] {first}: top, ik maak m'n deel naar je over. was het {iban}?\n"
        "[{date} {time}] {first2}: jep 👍",
        "Schademeldingsformulier\nPolisnummer: {order}\nVerzekerde: {name}\nGeb. datum: {dob}\nAdres: {address}\n"
        "Telefoon: {phone}\nDatum schade: {date}\nOmschrijving: fiets gestolen bij het station, aangifte gedaan "
        "({ticket}).\nGetuige: {name2}\nUitbetaling op IBAN: {iban}",
        "Verzuimnotitie {date}\nMedewerker: {name:f} (personeelsnr. {staff_id})\nGesproken met {first}, "
        "telefonisch ({phone}). {first} meldt zich ziek met griepklachten en verwacht volgende week weer te "
        "beginnen. Haar leidinggevende, {name2}, is geïnformeerd. Bedrijfsarts: {name3}.",
        "Beste klantenservice,\n\nOp {date} is er twee keer {price} afgeschreven van mijn rekening {iban}. Mijn "
        "klantnummer is {order} en het abonnement staat op naam van mijn partner, {name2}. Kunnen jullie het "
        "dubbele bedrag terugstorten?\n\nGroetjes,\n{name}\n\nVerstuurd vanaf mijn iPhone",
    ),
    "it": (
        "Verbale dell'assemblea condominiale del {date}\nPresenti: {name} (amministratore), {name2:m}, {name3}\n"
        "1. Il sig. {last2} lamenta infiltrazioni dal lastrico solare; l'impresa {company} ha preventivato "
        "{price}.\n2. {first} ricorda che le quote vanno versate entro fine mese.\nLa seduta è tolta alle {time}.",
        "Si certifica che il sig. {name:m}, nato a Bari il {dob}, C.F. {cf}, residente in {address}, è stato "
        "visitato in data odierna e presenta una lombosciatalgia acuta. Si prescrivono sette giorni di riposo a "
        "partire dal {date}.\n\nIl medico curante\ndott. {name3:m}",
        "[{date}, {time}] {first}: ciao!! stasera da {name3} alle 9?\n"
        "[{date}, {time}] {first2}: sìì, porto io il vino 🍷\n"
        "[{date}, {time}] {first}: perfetto, poi ti giro la mia parte, mi rimandi l'iban?\n"
        "[{date}, {time}] {first2}: {iban} intestato a {name2}",
        "Denuncia di sinistro n. {ticket}\nContraente: {name}\nData di nascita: {dob}\nCodice fiscale: {cf}\n"
        "Recapito: {phone} - {email}\nData dell'evento: {date}\nDescrizione: tamponamento in coda al casello; "
        "conducente del veicolo antagonista {name2}, che ha firmato il CAI.\nLiquidazione su IBAN {iban}",
        "Da: {name2} <{email2}>\nInviato: {timestamp}\nA: {name}\nOggetto: R: ferie agosto\n\nCiao {first},\nok "
        "per le ferie dal {date}. Ricordati di passare le consegne a {name3} prima di partire.\n\n{first2}\n\n"
        "-----Messaggio originale-----\nDa: {name}\nOggetto: ferie agosto\n\nCiao {first2}, posso prendere due "
        "settimane dal {date}? Grazie, {first}",
    ),
    "es": (
        "Estimada familia:\n\nLes informamos de que su hija {name:f} participará en la salida al museo el {date}. "
        "El coste es de {price}, que se cargará en la cuenta {iban}. Si tiene alguna alergia, comuníquenlo a su "
        "tutora, {name2:f}, antes del viernes.\n\nAtentamente,\n{name3}\nJefatura de Estudios",
        "[{date} {time}] {first}: holaa, al final vienes a la cena de {name3}??\n"
        "[{date} {time}] {first2}: siii 🙌 cuánto es?\n"
        "[{date} {time}] {first}: {price} por cabeza, hazme un bizum al {phone} o transferencia a {iban}",
        "Parte de siniestro n.º {ticket}\nTomador: {name}, con fecha de nacimiento {dob} y DNI {dni}\nDomicilio: "
        "{address}\nTeléfono: {phone}\nFecha del siniestro: {date}\nRelato: al salir del garaje, el vehículo "
        "conducido por {name2} golpeó mi puerta trasera. Testigo: {name3}.",
        "Estimado/a {name}:\n\nLe recordamos que el contrato de arrendamiento de la vivienda situada en {address} "
        "vence el {date}. Si desea renovarlo, comuníquenoslo por escrito. La fianza se devolverá a la cuenta "
        "{iban}, salvo que nos indique otra.\n\nUn cordial saludo,\n{name2}\nAdministración de Fincas {company}",
        # a British employee in Spain still paid into a UK account
        "Asunto: Alta en nómina - {name}\n\nHola {first2}:\n\nTe paso mis datos para la nómina. NIE: {nie}. Nací "
        "el {dob}. De momento sigo con mi cuenta del Reino Unido (sort code {sort_code}, número de cuenta "
        "{account}); en cuanto abra la cuenta española te mando el IBAN.\n\nGracias,\n{first}\n\nEl {date}, "
        "{name2} escribió:\n> ¿Me puedes mandar tu NIE y una cuenta bancaria?",
    ),
}
