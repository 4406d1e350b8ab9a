"""A sixth batch of tuning templates for the PII dev set (bench/devset.py), written without the held-out set.

Focus: dates of birth phrased in as many ways as people and systems write them, in all six languages (cue
words before and after the date, abbreviations, column headers, form labels after the value, chat answers,
birthdays mentioned in passing), mixed with hard-negative dates and identifiers in the same documents.
"""

from __future__ import annotations

from typing import Final

# Whole documents a UK/EU company would fine-tune on: forms, chats, e-mails, letters, clinical notes, KYC notes,
# CSV exports and call transcripts. Literal text holds no personal data of its own (every name, number and birth
# date is a slot); the dob slot is used only for a real date of birth, every other date is a date/timestamp slot.
TUNE_TEMPLATES_EXTRA5: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "PATIENT REGISTRATION (please use block capitals)\nSurname: {last}    Forename(s): {first}\nD.O.B.  {dob}    "
        "NHS no. (if known): {nhs}\nHome address: {address}\nMobile: {phone}\nPrevious GP: {name2}, registered until "
        "{date}\n-- practice use only --\nID seen and scanned by {name3} at {timestamp}. Summary requested, ref "
        "{ticket}.",
        "Messenger - {company} Help\nAgent {first2}: Hi! Before I look at the order, can I take the first line of your "
        "address and your date of birth?\nCustomer: {street}... and {dob} is my birthday\nAgent {first2}: Perfect, "
        "thanks {first}. Your replacement {product} left us on {date}, tracking {tracking}.\nCustomer: amazing "
        "ty\nAgent {first2}: You're welcome, chat closed {timestamp}",
        "KYC PERIODIC REVIEW - {ticket}\nClient: {name:m} | b. {dob} | resident UK\nID: passport {passport}, issued "
        "{date}\nPoA: utility bill showing {address}\nEmployer / source of funds: salary, {company}\nSanctions & PEP "
        "screening: no match\nNotes: {first} also holds a joint account with {name2}; no changes since the last "
        "review.\nReviewer {name3}, signed off {timestamp}",
        "MEMBER_NO|SURNAME|FORENAME|BIRTH_DT|JOINED|EMAIL|LAST_INVOICE\n{staff_id}|{last}|{first}|{dob}|{date}|{email}|"
        "{invoice}\n{order}|{last2}|{first2}||{date}||",
        "Call transcript {ticket} ({timestamp}) - agent: {name2}\nAGENT: Thanks for holding, who am I speaking "
        "with?\nCALLER: hi, it's {name:f}, I'm phoning about the claim for my laptop\nAGENT: No problem. Can you "
        "confirm the date of birth on the policy?\nCALLER: yeah, {dob}\nAGENT: Lovely, you're through security. I can "
        "see the receipt came in on {date}.\nCALLER: great, so when will I hear?\nAGENT: {name3} in claims will ring "
        "you, {first}, within five working days.",
        "SIXTH FORM APPLICATION - ref {order}\nStudent full name: {name}\nStudent's date of birth: {dob}\nCurrent "
        "school: {company}\nParent/carer name: {name2}\nParent/carer mobile: {phone}    e-mail: {email2}\nDeclaration: "
        "I confirm the details above are correct.\nSigned (parent/carer): {name2}    Date: {date}",
        "Consultation {date} {time}\nClinician: {name3}\nPt: {name:m}, aged 47 (dob {dob}), NHS {nhs}\nS: 3 days "
        "productive cough, fevers, mild SOB. Non-smoker. Lives with partner {name2}.\nO: T 38.2, RR 20, crackles R "
        "base, sats 95% RA.\nA: likely CAP, CURB-65 = 0.\nP: amoxicillin 500mg TDS x5 days. Safety-netted; {first} to "
        "call back if worse.",
        "Subject: {first}'s send-off 🎉\n\nHi all,\n\nas most of you know, {name:f} finishes with us on {date} after "
        "nine years in Credit Control. {name2:f} is collecting for a card and gift - please see her by Thursday. "
        "Funnily enough it's also {first}'s birthday that week (b. {dob} according to the HR system, I'm told), so "
        "cake is on me.\n\nDrinks from 5pm, booking ref {order}.\n\n{name3}",
        "BOOKING CONFIRMED - {order}\nFare paid: {price}    Booked: {timestamp}\nLead passenger\n  Name (as in "
        "passport): MRS {name:f}\n  Birth date: {dob}\n  Passport number: {passport}\n  Passport expiry: {date}\n  "
        "Contact: {email} / {phone}\nSpecial assistance: none\nIssued by {name2}, Travel Desk",
        "WORKPLACE PENSION - OPT-OUT NOTICE\n{name}\n(name of jobholder)\n{nino}\n(National Insurance "
        "number)\n{dob}\n(date of birth)\n{company}\n(name of employer)\nI want to opt out of pension saving.\nSigned: "
        "{name}    Date: {date}\nReceived by {name3}, Payroll - ref {ticket}",
        "From: {name2} <{email2}>\nTo: {email}\nSubject: Application {order} - two queries from the lender\n\nHi "
        "{first},\n\nQuick update: the valuation is booked for {date}. The underwriter has two questions:\n1. The "
        "application says you were born on {dob}, but their credit search shows another date - which is right?\n2. "
        "They need your latest P60 from {company}.\n\nOnce I have these I'll resubmit.\n\nKind "
        "regards,\n{first2}\nMortgage Adviser",
        "{first2} {time}\nanyone know when {first}'s birthday is? want to sort a card\n{name3} {time}\nDoB on the rota "
        "system says {dob} 👀\n{first2} {time}\nomg so it's a big one. collection closes {date}, money to me or "
        "{name3}",
        "Re: Estate of {name}, deceased\nOur ref: {ticket}\n\nDear {first2},\n\nThank you for sending the death "
        "certificate. Our records hold the following for the late account holder:\nFull name: {name}\nDate of birth: "
        "{dob}\nDate of death: {date}\nLast known address: {address}\nAccount no.: {account}, sort code "
        "{sort_code}\nAs executor, please complete the enclosed form and return it with photo ID.\n\nBereavement Team, "
        "{company}",
    ),
    "de": (
        "PATIENTENAUFNAHME - Praxis für Allgemeinmedizin\nName, Vorname: {last}, {first}\nGeb.-Datum: "
        "{dob}\nKrankenkasse: {company}\nAnschrift: {address}\nTelefon (mobil): {phone}\nHausarzt bisher: "
        "{name2}\nLetzte Tetanus-Impfung: {date}\nAufgenommen von {name3} am {timestamp}",
        "Chatverlauf {ticket}\nBot: Willkommen beim Kundenservice von {company}! Wie lautet Ihr Name?\nKunde: "
        "{name}\nBot: Danke. Bitte nennen Sie zur Verifizierung Ihr Geburtsdatum.\nKunde: {dob}\nBot: Vielen Dank, Sie "
        "werden mit {first2} verbunden.\n{first2}: Hallo, ich sehe die Bestellung {order} vom {date}. Was kann ich "
        "tun?\nKunde: die Lieferung ist unvollständig",
        "Personalstammblatt\nPersonalnummer: {staff_id}\nNachname: {last}    Vorname: {first}\ngeboren am "
        "{dob}\nSteuer-ID: {steuer_id}\nEintrittsdatum: {date}\nBankverbindung: IBAN {iban}\nVorgesetzte/r: "
        "{name2}\nErfasst durch: {name3} (Personalabteilung)",
        "Nachname;Vorname;Geburtsdatum;Mitglied_seit;E-Mail;Beitrag\n{last};{first};{dob};{date};{email};{price}\n"
        "{last2};{first2};;{date};{email2};{price}",
        "Sehr geehrte Damen und Herren,\n\nich möchte meinen Sohn {name:m} als weiteren Fahrer in meinen Kfz-Vertrag "
        "(Vertragsnr. {order}) aufnehmen. Er ist am {dob} geboren und hat seinen Führerschein seit {date}. Das "
        "Fahrzeug wird hauptsächlich von mir genutzt.\n\nMit freundlichen Grüßen\n{name2}\n{address}",
        "Telefonnotiz {timestamp}\nAnruferin: Frau {name:f} (Geb. {dob}), Kd.-Nr. {order}\nAnliegen: Rechnung "
        "{invoice} doppelt abgebucht, bittet um Erstattung auf IBAN {iban}.\nRückruf zugesagt durch {name2} bis "
        "{date}.\nWeitergeleitet an {name3}, Buchhaltung.",
        "Anmeldung zur Berufsschule\nAuszubildende/r\n  Familienname: {last}\n  Vorname: {first}\n  {dob} "
        "(Geburtsdatum)\n  Wohnort: {address}\nAusbildungsbetrieb: {company}, Ansprechpartner "
        "{name2}\nAusbildungsbeginn: {date}\nErziehungsberechtigte/r (falls minderjährig): {name3}, Tel. {phone}",
        "{first2}: weißt du, wann {first} Geburtstag hat? 🎂\n{name3}: laut Personalakte geb. {dob}\n{first2}: ah, "
        "dann wird gesammelt! Karte liegt bei mir, Abgabe bis {date}. {first} nix sagen 🤫",
    ),
    "fr": (
        "FICHE DE RENSEIGNEMENTS - rentrée\nNom de l'élève : {last}\nPrénom : {first}\nNé(e) le : {dob}\nClasse : "
        "terminale\nResponsable légal 1 : {name2}\nTél. : {phone}    Courriel : {email2}\nAdresse : {address}\nFiche "
        "remplie le {date}, vérifiée par {name3} (vie scolaire)",
        "Conversation {ticket}\nConseillère {first2:f} : Bonjour ! Pour sécuriser l'échange, pouvez-vous me donner "
        "votre nom et votre date de naissance ?\nClient : {name:f}, née le {dob}\nConseillère {first2} : Merci "
        "{first}. Votre colis {tracking} a été remis au transporteur le {date}.\nClient : super merci bcp",
        "ATTESTATION DE DROITS - complémentaire santé {company}\nAssuré principal : {name}\nDate de naissance : "
        "{dob}\nN° de sécurité sociale : {nir}\nN° d'adhérent : {order}\nDate d'effet : {date}\nAyant droit : {name2} "
        "(conjoint)\nDocument édité le {timestamp}",
        "NOM|PRENOM|DATE_NAISS|DATE_ENTREE|SERVICE|RESPONSABLE\n{last}|{first}|{dob}|{date}|comptabilité|{name2}\n"
        "{last2}|{first2}||{date}|logistique|{name3}",
        "Consultation du {date}\nMme {name:f}, {dob}, adressée par le Dr {name2}\nMotif : céphalées depuis 15 jours. "
        "Pas de fièvre. Examen neurologique normal. TA 13/8.\nConduite : bilan sanguin, revoir dans 1 mois. Patiente "
        "de 52 ans, sans antécédent notable.\n{name3}",
        "Transcription appel {timestamp} - agence bancaire\nConseiller : Je dois d'abord vérifier votre identité. "
        "Votre date de naissance ?\nClient : le {dob}\nConseiller : Et vos nom et prénom ?\nClient : "
        "{name:m}\nConseiller : Merci monsieur {last}. Le prélèvement de {price} du {date} a bien été rejeté, votre "
        "IBAN {iban} ne sera pas débité.",
        "Objet : succession de {name:m}\nRéf. : {ticket}\n\nMaître,\n\nNous accusons réception de l'acte de décès de "
        "M. {name}, né le {dob} et décédé le {date}. Le compte {iban} est bloqué à compter de ce jour. Sa fille, "
        "{name2}, nous a indiqué que vous étiez chargé du dossier.\n\nVeuillez agréer, Maître, nos salutations "
        "distinguées.\n{name3}",
    ),
    "nl": (
        "INSCHRIJFFORMULIER HUISARTSENPRAKTIJK\nAchternaam: {last}\nVoornamen: {first}\nGeboortedatum: {dob}\nBSN: "
        "{bsn}\nAdres: {address}\nTelefoon: {phone}\nVorige huisarts: {name2}, uitgeschreven per {date}\nIngevoerd "
        "door {name3} op {timestamp}",
        "Chat {ticket}\nMedewerker {first2}: Goedemiddag! Mag ik uw naam en geboortedatum voor de controle?\nKlant: "
        "{name}, geboren op {dob}\nMedewerker {first2}: Dank u. Ik zie dat uw pakket {tracking} op {date} is bezorgd "
        "bij de buren.\nKlant: o wat raar, ik ga even kijken\nMedewerker {first2}: Prima, fijne dag!",
        "relatienr;achternaam;voornaam;geb_datum;lid_sinds;email\n{order};{last};{first};{dob};{date};{email}\n"
        "{staff_id};{last2};{first2};;{date};{email2}",
        "Hoi {first2},\n\nKleine vraag: wil jij {name:f} toevoegen aan de verjaardagskalender? Ze is geboren op {dob}. "
        "Haar eerste werkdag is {date}, ze komt bij mij in het team. Personeelsnummer volgt nog van de "
        "salarisadministratie.\n\nGroetjes,\n{name3}",
        "Schadeformulier reisverzekering\nNaam verzekerde: {name}\nGeb. datum: {dob}\nPolisnummer: {order}\nDatum "
        "voorval: {date}\nOmschrijving: koffer met {product} gestolen op het station\nProces-verbaal opgemaakt, ref. "
        "{ticket}\nUitbetalen op: {iban} t.n.v. {name}",
        "Gespreksverslag klantenservice {timestamp}\nBeller: {name:m}\nVerificatie: postcode en geboortedatum ({dob}) "
        "correct\nVraag: factuur {invoice} is twee keer afgeschreven van {iban}\nActie: {name2} zet terugbetaling van "
        "{price} klaar; {first} krijgt bevestiging per mail op {email}.",
        "Aanmeldformulier {company} - junioren\nNaam speler: {name}\n{dob}  ← geboortedatum\nOuder/verzorger: "
        "{name2}\nMobiel ouder: {phone}\nE-mail ouder: {email2}\nLidmaatschap per: {date}\nContributie: {price} per "
        "seizoen\nGetekend door {name2}",
    ),
    "it": (
        "DOMANDA DI ISCRIZIONE - anno scolastico\nCognome alunno/a: {last}\nNome: {first}\nnato/a il {dob}\nCodice "
        "fiscale: {cf}\nResidenza: {address}\nGenitore/tutore: {name2}, cell. {phone}\nE-mail: {email2}\nData di "
        "presentazione: {date}    Protocollo {order}\nFirma del genitore: {name2}",
        "Chat assistenza {ticket}\nOperatore {first2:m}: Buongiorno! Per verificare l'intestatario mi serve la data di "
        "nascita.\nCliente: sono {name:f}, nata il {dob}\nOperatore {first2}: Grazie signora {last}. Il rimborso di "
        "{price} è stato disposto il {date}.\nCliente: perfetto grazie mille",
        "COGNOME;NOME;DATA_NASCITA;DATA_ASSUNZIONE;MATRICOLA;REFERENTE\n{last};{first};{dob};{date};{staff_id};"
        "{name2}\n{last2};{first2};;{date};{order};{name3}",
        "Diario clinico - {date} {time}\nPaz.: {name:m}, n. {dob}, CF {cf}\nRiferisce dolore addominale da ieri sera. "
        "Addome trattabile, Blumberg negativo. Si richiedono esami ematici ed ecografia.\nIl paziente è accompagnato "
        "dalla moglie {name2:f}.\nMedico: {name3}",
        "Adeguata verifica cliente - pratica {ticket}\nIntestatario: {name:m}\nLuogo e data di nascita: Italia, "
        "{dob}\nDocumento: carta d'identità rilasciata il {date}\nIndirizzo: {address}\nProfessione: impiegato presso "
        "{company}\nEsito: nessuna corrispondenza PEP. Verificato da {name2} il {timestamp}",
        "Prenotazione {order} confermata\nPasseggero 1: {name}\nData di nascita (gg/mm/aaaa): {dob}\nDocumento: "
        "passaporto {passport}, scadenza {date}\nContatto: {email}, {phone}\nTotale pagato: {price}\nOperatore: "
        "{name2}",
        "Ciao a tutti,\n\nvenerdì salutiamo {name:f}, che va in pensione dopo vent'anni! Tra l'altro {first} compie "
        "gli anni proprio quel giorno (è del {dob}, me l'ha detto {name2}), quindi doppia festa. Per il regalo versate "
        "la quota a me entro il {date}.\n\nUn abbraccio,\n{name3}",
    ),
    "es": (
        "FICHA DE PACIENTE\nApellidos: {last}\nNombre: {first}\nF. nac.: {dob}\nDNI: {dni}\nDomicilio: "
        "{address}\nTeléfono: {phone}\nMutua: {company}\nPrimera visita: {date}\nAlta en el sistema por {name3}, "
        "{timestamp}",
        "Chat {ticket}\nAgente {first2}: ¡Hola! Para poder ayudarte necesito tu nombre completo y tu fecha de "
        "nacimiento.\nCliente: {name:m}, nací el {dob}\nAgente {first2}: Gracias, {first}. Tu pedido {order} sale del "
        "almacén el {date}.\nCliente: vale genial",
        "apellidos,nombre,fecha_nacimiento,fecha_alta,email,importe\n{last},{first},{dob},{date},{email},{price}\n"
        "{last2},{first2},,{date},{email2},{price}",
        "SOLICITUD DE MATRÍCULA\nAlumno/a: {name}\nNacido/a el {dob}\nNIE: {nie}\nCurso: 1.º de Bachillerato\nPadre, "
        "madre o tutor: {name2}\nTeléfono de contacto: {phone}\nFecha de solicitud: {date}    N.º de registro "
        "{order}\nFirmado: {name2}",
        "Comunicación de siniestro - póliza {order}\nAsegurada: {name:f}, nacida el {dob}, DNI {dni}\nFecha del "
        "siniestro: {date}, hacia las {time}\nDaños: rotura de cristal del escaparate\nTramitado por {name2}, "
        "expediente {ticket}",
        "Reserva {order} - {company}\nPasajero: {name}\nFecha de nacimiento: {dob}\nPasaporte: {passport} (caduca el "
        "{date})\nEmail: {email}    Móvil: {phone}\nImporte total: {price}\nEmitida por {name2} el {timestamp}",
        "Hola equipo:\n\nEl jueves es el cumple de {name:f} 🎂 (según RR. HH. nació el {dob}, pero no le digáis que lo "
        "sabemos). {name2} está organizando la merienda; poned vuestra parte antes del {date}. {first} no sabe nada, "
        "¡discreción!\n\nSaludos,\n{name3}",
    ),
}
