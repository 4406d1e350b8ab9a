"""A fifth batch of tuning templates for the PII dev set (bench/devset.py), written without the held-out set.

Focus: names in casual writing and in every position, UK sort codes and account numbers written many ways, and
dates of birth phrased many ways (always in a birth context), mixed with hard-negative identifiers.
"""

from __future__ import annotations

from typing import Final

# Whole documents a UK/EU company would fine-tune on: chat exports, e-mail threads, forms, letters, notes and
# CSV exports. Literal text holds no personal data of its own (every name, number and birth date is a slot),
# so the recorded spans are the complete truth for each filled record.
TUNE_TEMPLATES_EXTRA4: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "WhatsApp chat with \"Flat 2B\"\n[{date}, {time}] {first}: has anyone actually paid {first2} back for the "
        "boiler guy yet??\n[{date}, {time}] {name3}: not yet sorry, what are her details again\n[{date}, {time}] "
        "{first2:f}: {sort_code} {account} x\n[{date}, {time}] {first}: sent 👍 {name3} you still owe me for the "
        "pizza btw",
        "Live chat {ticket}\nBot: Before I connect you, what name is the account under?\nVisitor: {name}\nBot: "
        "Thanks. And what's your date of birth?\nVisitor: its {dob}\n-- {first2} has joined the chat --\n{first2}: "
        "Hi {first}, I can see the {product} on order {order} was refunded on {date}, so it should show within 3-5 "
        "days. Anything else?\nVisitor: no thats all, thanks {first2}",
        "From: {name} <{email}>\nSent: {timestamp}\nTo: Accounts Payable\nSubject: RE: Remittance for {invoice}\n\n"
        "Hiya,\n\nSorry, I gave {name2} the wrong number last week - the account is {account}, not the one printed "
        "on the invoice. Sort code stays the same ({sort_code}).\n\nCheers,\n{first}\n\n-----Original Message-----\n"
        "From: {name2}\nSent: {date}\nSubject: Remittance for {invoice}\n\nHi {first}, our payment of {price} was "
        "bounced back by your bank. Could you re-confirm the details?",
        "HR file note - {date}\nPresent: {name:m} (employee), {name2:f} (Team Leader, Warehouse), {name3} (HR "
        "Business Partner)\n{first} explained that the late starts were down to childcare. {first2} accepted this "
        "but reminded him that shifts start at 07:00. {name3} suggested a temporary 10:00-18:30 pattern for six "
        "weeks, which {first} agreed to try. Staff ID {staff_id}; no further action.",
        "minutes - weekly ops sync ({date})\nattendees: {first}, {first2}, {name3}\napologies: none\n- {first2} went "
        "through the backlog: {qty} orders stuck at the depot because of {error}\n- agreed {name3} owns the courier "
        "escalation and {first} updates the {product} FAQ\n- next week {first2} chairs, {first} takes notes",
        "Dear Colleague,\n\nRe: {name:f}, aged 67, born {dob}\n{address}\n\nI would be grateful if you could see this "
        "lady, who has had three falls since {date}. She lives alone; her daughter {name2:f} visits daily and can be "
        "reached on {phone}. Please copy all correspondence to me.\n\nYours sincerely,\n\n{name3}\nGP Partner",
        "Our ref: {ticket}\n\nMr {name:m}\n{address}\n\n{date}\n\nDear Mr {last},\n\nWelcome to {company}. Your new "
        "current account is open and ready to use. Please keep these details safe:\n\n    Account name     {name}\n"
        "    Sort code        {sort_code}\n    Account number   {account}\n\nYour debit card will follow separately "
        "within 7 working days.\n\nYours sincerely,\n{name2}\nBranch Manager",
        "HOME INSURANCE - CLAIM FORM\nSection A: Policyholder\nFull name: {name}\nDate of birth: {dob}\nPolicy no.: "
        "{order}\nSection B: Incident\nDate of incident: {date}    Time: {time}\nDescription: escape of water from "
        "upstairs bathroom, ceiling damage to kitchen\nSection C: Payment\nPay to: [x] Policyholder  [ ] Contractor\n"
        "Sort code {sort_code}    Account no. {account}\nSigned: {name}",
        "Voicemail transcription (auto) - from {phone}, {timestamp}\n\"hi yeah it's {first} from flat 3, um, just "
        "to say the engineer from {company} didn't turn up again today, so if you could ring me back, or have a word "
        "with {first2:f} in your office cos she said she'd sort it... it's the number I'm calling from. thanks, bye\"",
        "customer_id,full_name,date_of_birth,sort_code,account_no,last_contacted_by,last_order\n"
        "{staff_id},{name},{dob},{sort_code},{account},{name2},{order}\n"
        "{ticket},{name3},,,,{name2},{invoice}",
        "ENROLMENT FORM - Adult Learning\nLearner: {name}\nDate of birth: {dob}    Aged 19 or over? Yes\nAddress: "
        "{address}\nCourse: Level 2 Bookkeeping, starts {date}, fee {price}\nEmergency contact: {name2} ({phone})\n"
        "Office use: enrolled by {name3}, Student Services",
        "Mid-year review - {name:m}, Senior Data Analyst\nReviewer: {name2:f}, Analytics Manager\n\n{first} delivered "
        "the churn dashboard ahead of schedule and has mentored two new starters. Feedback from {name3} in Marketing "
        "was very positive. {first2} and {first} agreed that his next goal is to own the {company} account, "
        "shadowing {name3} until {date}. Rating: exceeds expectations.",
        "Dear Sir or Madam,\n\nComplaint - refund of {price} not received\n\nOn {date} your colleague {name2} promised "
        "me a refund for the faulty {product} (order {order}) into my current account, {sort_code} / {account}. "
        "Three weeks later nothing has arrived and {first2} no longer answers my e-mails. Please reply to {email} "
        "rather than by post.\n\nYours faithfully,\n{name}",
        "INCIDENT REPORT {ticket}\nLocation: loading bay 2\nDate/time: {date} {time}\nInjured person: {name:m} "
        "(agency worker)\nWhat happened: {first} was unloading pallets when a roll cage tipped over. {name2:f}, the "
        "shift first-aider, dressed a cut to his hand; {name3} (Site Manager) closed the bay.\nWitnesses: {name2}, "
        "{name3}\nRIDDOR reportable: no",
        "{first} {time}\nmorning all 👋 quick one - who's covering for {name3:f} while she's off? {name2}'s customer "
        "({company}) keeps ringing about order {order}\n{first2} {time}\npretty sure that's me, forward it over. or "
        "check with {name3}'s manager",
        "NEW STARTER FORM - PAYROLL\nSurname: {last}\nFirst name(s): {first}\nDate of birth: {dob}\nNational "
        "Insurance no.: {nino}\nBank details for salary\n  Name of account holder: {name}\n  Branch sort code: "
        "{sort_code}\n  Account number: {account}\nStart date: {date}    Employee no.: {staff_id}\nLine manager: "
        "{name2}",
        "hi there, im trying to reset my online banking but it keeps saying my details dont match?? name is {name}, "
        "birthday {dob}, account {account} sort code {sort_code}. can someone call me on {phone} pls, thanks",
        "Dear {first} and {first2},\n\nRe: {address}\n\nFurther to your conversation with my colleague {name3}, I "
        "confirm that the tenancy ends on {date}. Once the check-out report is agreed, {first}'s share of the "
        "deposit ({price}) will go to sort code {sort_code}, account {account}, as requested. {first2}, please let "
        "us know where your share should be paid.\n\nKind regards,\nLettings Team",
        "Fraud call - {timestamp}\nSecurity: full name, date of birth ({dob}) and postcode {postcode} all OK.\n"
        "Customer {name} says an unknown payee, {name2}, was added on {date} and {price} sent to s/c {sort_code}, "
        "acc {account}. Card {card} blocked and a new one ordered. Case {ticket} referred to {name3} (Fraud Ops).",
        "Mill Road Dental Practice\n\n{name:f}\n{address}\n\nDear {first},\n\nOur records show you are now due your "
        "six-monthly check-up. Your last visit was on {date} with {name2}. To book, please call reception on "
        "{phone}.\n\nBest wishes,\n{name3}, Practice Manager\n\nPatient ref {staff_id} | Date of birth {dob}",
        "hiya, i want to cancel my membership please. it's under {name}, born {dob}, and the direct debit comes out "
        "of {sort_code} {account} every month. {first2} on reception said to message here. ta",
        "Subject: cover next week\n\nhey {first2},\n\njust a heads up that {name:m} is off from {date} (paternity "
        "leave 🎉) so anything for {company} should come to me or {name3}. {first} said he's left handover notes on "
        "the shared drive. the only urgent one is {ticket} - {name3} is already talking to their IT about it.\n\n"
        "sent from my phone",
        "Dear Mrs {last:f},\n\nClaim {ticket} - {product}\n\nThank you for speaking to me on {date}. As agreed, we "
        "will settle your claim at {price} less the excess. Payment will be made by BACS to the account you "
        "confirmed on the call:\n\nAccount holder: {name}\nSort code: {sort_code}\nAccount: {account}\n\nIf any of "
        "this is wrong, please ring me directly on {phone}.\n\nKind regards,\n{name2}\nClaims Handler",
        "Council Tax - change of circumstances\nAccount ref: {order}\nName: {name}\nProperty: {address}\n\n{name2} "
        "moved out on {date} and I now live alone, so I would like to apply for the single person discount. Please "
        "take the payments from my own account from now on rather than {first2}'s: {sort_code}, {account}.\n\n"
        "Signed: {name}",
        "Hi {first},\n\nThanks for putting {name2} forward for the Payroll Administrator role. I've shared the CV with "
        "{name3}, our Payroll Manager, and with {first2}'s permission we'll contact the referees next week. One "
        "thing: the passport shows a date of birth of {dob} but the application form doesn't - could you check?\n\n"
        "Thanks,\nRecruitment",
        "RETURNED PAYMENT NOTIFICATION\nDate: {date}\nOriginator: {company}\nBeneficiary name as supplied: {name}\n"
        "Beneficiary sort code: {sort_code}\nBeneficiary account: {account}\nAmount: {price}\nReason: name does not "
        "match - the account is held by {name2}. Please check the details with your customer and resubmit.",
        "SMS from {phone} ({timestamp}):\n\"hi its {first:f}, {first2:m}'s wife. he won't be in today, temp of 38 "
        "since last night. ive let {name3} on the front desk know too. sorry!\"",
        "Booking {order} - passenger list\nPassenger | Date of birth | Passport\n{name} | {dob} | {passport}\n{name2} "
        "| to follow | to follow\nBooked by {name3} on {date}; balance of {price} due 8 weeks before departure.",
        "Complaint ref {ticket}\n\nI am writing about the way I was treated at your store on {date}. I asked the "
        "assistant, whose badge said {first2:m}, for a refund on the {product} ({sku}). He refused and called over "
        "the manager, {name3}, who was rude to me in front of my son. I expect an apology from both {first2} and "
        "{name3}.\n\n{name}\n{email}",
        "Clinic letter - Orthopaedics\nRe: {name:m}, {address}\n\nI reviewed this 58-year-old retired postman, born "
        "{dob}, on {date}. He came with his wife {name2:f}. X-rays show advanced OA of the left hip and we have "
        "listed him for a hip replacement. {first} is happy to proceed.\n\n{name3}\nConsultant Orthopaedic Surgeon",
        "Dear {name},\n\nYour State Pension\n\nWe have your date of birth as {dob}. From {date} we will pay {price} "
        "every 4 weeks into the account you told us about:\n  Sort code: {sort_code}\n  Account number: {account}\n"
        "If {name2} still acts for you as your appointee, they must tell us about any change.\n\nPension Service",
        "All,\n\nplease welcome {name:f}, who joins us on {date} as Head of Payroll, reporting to {name2} (CFO). "
        "{first} takes over from {name3}, who retires after 22 years - thank you {name3}! If you need anything in "
        "the meantime, speak to {first2}'s assistant or me.\n\nPeople Team",
        "Release notes {version} (build {build})\n- fixed {error} when paying with a saved card (thanks to {first} "
        "for the repro)\n- the {product} pairing screen no longer freezes - reported by {name2} at {company}\n- "
        "reviewed by {name3}; shipped {date}",
    ),
    "de": (
        "[{time}] {first}: hey, hast du {first2} schon wegen der Kaution geschrieben?\n[{time}] {name3}: ne noch "
        "nicht, mach ich heute abend\n[{time}] {first}: ok. sag {first2} bitte auch, dass das Geld an {name3} geht "
        "und nicht an mich 😅",
        "Sehr geehrter Herr Kollege {last2:m},\n\nvielen Dank für die Überweisung von Herrn {name:m} (* {dob}), "
        "wohnhaft {address}. Wir sahen den Patienten am {date} in unserer Sprechstunde. Befund: Gonarthrose rechts. "
        "Wir empfehlen Physiotherapie und Ibuprofen 400 mg bei Bedarf.\n\nMit freundlichen Grüßen\n{name3}\n"
        "Facharzt für Orthopädie",
        "Protokoll Teammeeting {date}\nAnwesend: {name}, {name2}, {name3}\nTOP 1: {first} berichtet über den Ausfall "
        "von Version {version} ({error}). TOP 2: Urlaubsvertretung - {first2} übernimmt die Tickets von {name3}, "
        "Rückfragen bitte an {first}.\nNächster Termin: {time} Uhr, gleicher Raum.",
        "Kündigung des Mietverhältnisses\n\nSehr geehrte Frau {last2:f},\n\nhiermit kündige ich, {name}, geboren "
        "{dob}, den Mietvertrag für die Wohnung {address} fristgerecht zum {date}. Die Kaution überweisen Sie bitte "
        "auf mein Konto, IBAN {iban}. Mein Mitbewohner {name3:m} zieht ebenfalls aus.\n\nMit freundlichen Grüßen\n"
        "{name}",
        "Telefonnotiz ({timestamp}): Herr {last:m} ruft an, will für die Gehaltszahlung sein britisches Konto "
        "hinterlegen - Sort Code {sort_code}, Kontonr. {account}. Hab ihn an {name2:f} aus der Lohnbuchhaltung "
        "verwiesen; {first2} meldet sich morgen bei {first}.",
        "Beschwerde Filiale\n\nGuten Tag,\n\nam {date} wollte ich den {product} (Artikel {sku}) umtauschen. Ihr "
        "Mitarbeiter, laut Namensschild {first2:m}, hat mich an die Filialleiterin {name3:f} verwiesen, die mich "
        "einfach stehen ließ. Ich erwarte eine Antwort an {email}.\n\n{name}\nKundennummer {order}",
    ),
    "fr": (
        "[{date} {time}] {first} : coucou, t'as pu voir {first2} pour le loyer ?\n[{date} {time}] {name3} : oui je "
        "lui ai fait le virement ce matin\n[{date} {time}] {first} : top merci ! dis à {first2} que {name3} passe "
        "samedi récupérer les clés",
        "Cher confrère,\n\nJe vous adresse Mme {name:f}, âgée de 71 ans, née le {dob}, domiciliée {address}, pour "
        "un avis concernant une dyspnée d'effort apparue depuis le {date}. Sa fille, {name2:f}, l'accompagnera ; "
        "elle est joignable au {phone}.\n\nBien confraternellement,\nDr {last2}",
        "Compte rendu réunion CSE du {date}\nPrésents : {name}, {name2}, {name3}\n1. {first} présente le bilan des "
        "heures supplémentaires. 2. {first2} demande que les tickets-restaurant passent à {price}. 3. {name3} se "
        "charge de transmettre la demande à la direction de {company}.",
        "Objet : changement de coordonnées bancaires\n\nMadame, Monsieur,\n\nJe vous informe que mon compte a changé. "
        "Merci de verser désormais mon salaire sur l'IBAN {iban} (titulaire : {name}). Mon ancien compte, partagé "
        "avec {name2}, sera clôturé le {date}.\n\nCordialement,\n{first}\nMatricule {staff_id}",
        "Déclaration de sinistre habitation\nAssuré(e) : {name}\nDate de naissance : {dob}\nAdresse du sinistre : "
        "{address}\nDate du sinistre : {date} vers {time}\nCirconstances : dégât des eaux provenant de "
        "l'appartement de {name2}, voisin du dessus.\nContrat n° {order}",
        "nom;prenom;date_naissance;email;telephone;derniere_commande;conseiller\n{last};{first};{dob};{email};"
        "{phone};{order};{name2}\n{last2};{first2};;{email2};;{invoice};{name3}",
    ),
    "nl": (
        "[{date} {time}] {first}: hee {first2}, heb jij {name3:m} nog gesproken over de huur?\n[{date} {time}] "
        "{first2}: nee nog niet, doe ik vanavond\n[{date} {time}] {first}: top. zeg maar dat hij het naar mij mag "
        "overmaken, niet naar {first2} 😉",
        "Declaratieformulier zorgverzekering\nVerzekerde: {name}\nGeb.: {dob}\nBSN: {bsn}\nPolisnummer: {order}\n"
        "Behandeling: fysiotherapie, 6 sessies vanaf {date}\nUit te betalen op IBAN {iban} t.n.v. {name}\n"
        "Verwerkt door {name2}",
        "Notulen MT-overleg {date}\nAanwezig: {name}, {name2} en {name3}\n- {first} meldt dat versie {version} nog "
        "steeds {error} geeft bij de kassa\n- {first2} neemt contact op met {company}\n- {name3} stuurt de planning "
        "vóór vrijdag rond",
        "Voicemail {timestamp}, nummer {phone}:\n\"ja hallo, met {name}, ik bel over mijn bestelling {order}. het "
        "pakket {tracking} is nooit aangekomen. kunt u {first2:f} vragen of ze mij terugbelt? ze weet ervan. dank u, "
        "dag\"",
        "Beste {first},\n\nZoals besproken met mijn collega {name2} ontvang je de borg van {price} binnen twee weken "
        "terug op {iban}. De eindinspectie van {address} is uitgevoerd door {name3} op {date}.\n\nMet vriendelijke "
        "groet,\nVerhuurteam",
        "Beoordelingsgesprek {date}\nMedewerker: {name:f}, geboren {dob}, personeelsnummer {staff_id}\n"
        "Leidinggevende: {name2}\n{first} heeft dit jaar de overstap naar het nieuwe systeem geleid. {first2} "
        "stelt voor dat zij volgend jaar {name3} gaat inwerken.",
    ),
    "it": (
        "[{time}] {first}: ciao {first2}, hai sentito {name3:m} per l'affitto?\n[{time}] {first2}: non ancora, lo "
        "chiamo stasera\n[{time}] {first}: ok grazie! digli che i soldi vanno a me e non a {first2} 😅",
        "Gentile collega,\n\nLe invio la sig.ra {name:f}, nata a Bari il {dob}, residente in {address}, per "
        "comparsa di dolore toracico dal {date}. La figlia {name2:f} è reperibile al numero {phone}.\n\nCordiali "
        "saluti,\ndott. {last2}",
        "Verbale riunione di reparto del {date}\nPresenti: {name}, {name2}, {name3}\n1. {first} illustra i ritardi "
        "dovuti all'errore {error}. 2. {first2} propone di contattare {company}. 3. {name3} aggiornerà il "
        "calendario entro venerdì.",
        "Oggetto: variazione coordinate bancarie\n\nBuongiorno,\nvi comunico che da {date} lo stipendio va accreditato "
        "sul conto IBAN {iban}, intestato a {name}. Per eventuali dubbi potete sentire {name2} dell'ufficio "
        "personale.\n\nGrazie,\n{first}\nMatricola {staff_id}",
        "Modulo di iscrizione - palestra\nNome e cognome: {name}\nData nascita: {dob}\nCodice fiscale: {cf}\n"
        "Telefono: {phone}\nQuota: {price} (addebito su IBAN {iban})\nIscritto da: {name2}, reception",
        "Segreteria telefonica, {timestamp}, dal numero {phone}:\n\"sì buongiorno, sono {name}, chiamo per la "
        "fattura {invoice}... mi può richiamare {first2:m}? gli ho già spiegato tutto la settimana scorsa. grazie\"",
    ),
    "es": (
        "[{time}] {first}: oye {first2}, ¿has hablado con {name3} lo del alquiler?\n[{time}] {first2}: todavía no, "
        "le llamo esta noche\n[{time}] {first}: vale, dile que el dinero me lo pase a mí, no a {first2} 😅",
        "Estimado/a compañero/a:\n\nRemito a la Sra. {name:f}, nacida en Sevilla el {dob}, con domicilio en "
        "{address}, por dolor lumbar desde el {date}. Su hija, {name2:f}, la acompaña (tel. {phone}).\n\nUn saludo,\n"
        "Dr. {last2}",
        "Acta de la reunión de equipo del {date}\nAsistentes: {name}, {name2} y {name3}\n1. {first} explica la caída "
        "de la versión {version} ({error}). 2. {first2} se encarga de avisar a {company}. 3. {name3} cubrirá las "
        "vacaciones de {first}.",
        "Asunto: cambio de cuenta bancaria\n\nHola:\nA partir del {date}, por favor ingresad mi nómina en la cuenta "
        "{iban}, a nombre de {name}. La cuenta antigua la compartía con {name2} y la voy a cerrar.\n\nGracias,\n"
        "{first}\nN.º de empleado {staff_id}",
        "Parte de siniestro\nTomador: {name}\nF. nacimiento: {dob}\nDNI: {dni}\nFecha y hora: {date}, {time}\n"
        "Descripción: golpe por alcance; conductor contrario: {name2}\nPóliza n.º {order}",
        "Mensaje de voz, {timestamp}, desde el {phone}:\n\"hola, buenas, soy {name}, llamo por el pedido {order}, "
        "que el {product} llegó roto... ¿me puede llamar {first2:m}? ya le conté todo a él. gracias\"",
    ),
}
