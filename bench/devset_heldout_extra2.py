"""A second batch of held-out dev-set templates, written blind to the detector and to the tuning templates.

Same slot syntax as `bench/devset.py` (see `gdprep.examples.generate.SLOT_TYPES`); `{dob}` only ever appears
as a birth date. The lead merges `HELDOUT_TEMPLATES_EXTRA2` into the held-out split.
"""

from __future__ import annotations

from typing import Final

HELDOUT_TEMPLATES_EXTRA2: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        # bank KYC refresh note
        "KYC REVIEW - periodic refresh\nCase: {ticket}   Analyst: {name2}   Completed: {timestamp}\n\n"
        "Customer {name:m} (DOB {dob}) supplied a UK passport, no. {passport}, in date, and a council tax bill "
        "showing {address}. Electoral roll match confirmed. Source of funds: salary from {company}, credited to "
        "{sort_code} {account}. Mr {last} also holds a joint savings account with {name3}. Risk rating unchanged "
        "(low). Next review due {date}.",
        # event sign-up export; the second attendee was brought along by a third person
        "reg_id,first_name,last_name,email,mobile,guest_of,dietary,ticket_type,paid\n"
        "{order},{first},{last},{email},{phone},,vegetarian,Early bird,\"{price}\"\n"
        "{serial},{first2},{last2},{email2},{phone2},{name3},none,Standard,0.00",
        # energy supplier call transcript about a deceased customer
        "Call transcript - {timestamp}\nAgent: Thanks for calling {company}, you're through to {first2}. Who am I "
        "speaking with?\nCaller: Hi, it's {name:f}. I'm ringing about my late dad's account, he was {name3:m}.\n"
        "Agent: I'm so sorry for your loss. Could I take the supply address?\nCaller: {address}.\nAgent: And his "
        "date of birth, just for security?\nCaller: Erm, {dob}.\nAgent: Thank you. I've closed the account from "
        "{date}; the final bill of {price} will come to you. Best number for you?\nCaller: {phone}, or email me "
        "on {email}.",
        "DELIVERY NOTE\nConsignment: {tracking}\nOrder: {order}   Despatched: {date}\n\nDeliver to:\n{name}\n"
        "{address}\nContact: {phone}\n\nItem: {product} x {qty} ({sku})\nSafe place: porch\n\nPROOF OF DELIVERY\n"
        "Signed for by: {name2} (neighbour) at {time}\nDriver ID: {staff_id}",
        "NURSERY REGISTRATION FORM\nChild's full name: {name}\nChild's date of birth: {dob}\nHome address: "
        "{address}\n\nParent/carer 1: {name2:f}   Relationship: mother\nMobile: {phone2}   Email: {email2}\n"
        "Parent/carer 2: {name3:m}   Relationship: father\nWork number: {phone}\n\nStart date: {date}\nSessions: "
        "Mon/Wed mornings\nAllergies: none known\nInvoices to be e-mailed to {email2}.",
        "{address}\n\n{date}\n\nCustomer Relations\n{company}\n\nDear Sir or Madam,\n\nComplaint ref {ticket} - "
        "faulty {product}\n\nI bought the {product} from your website (order {order}) for {price}, paid on my card "
        "{card}. It stopped working after a fortnight. Your colleague {name2} promised on the phone that a refund "
        "would follow within five working days; three weeks later nothing has arrived.\n\nIf I have not heard from "
        "you within 14 days I will refer the matter to the Ombudsman.\n\nYours faithfully,\n\n{name}\nTel: {phone}",
        "DISCHARGE SUMMARY\nPatient: {last:m}, {first:m}   DOB: {dob}   NHS No: {nhs}\nAdmitted: {date}   "
        "Ward 7B\nConsultant: {name2}\n\nDiagnosis: community-acquired pneumonia, treated with IV then oral "
        "antibiotics. Discharged home to the care of his partner, {name3}, who is next of kin (tel {phone2}).\n\n"
        "GP actions: repeat chest X-ray in six weeks; please review Mr {last}'s ramipril dose.\n\nDictated by "
        "Dr {last2}, typed {timestamp}.",
        # casual IT channel; the colleague is discussed, never addressed
        "#it-helpdesk\n{first2}: anyone know why {first:f}'s laptop keeps locking her out? she's on {version}\n"
        "{name3}: prob the MFA thing again. whats her login\n{first2}: {email}\n{name3}: weird, sign-ins from "
        "{ip} overnight. resetting it now\n{first2}: ta. also her desk phone still forwards to {phone}, that's "
        "her old mobile lol\n{name3}: log it pls, {ticket}",
        "New starter checklist - warehouse\nName: {name}   Start: {date}   Shift: nights\nNI number: {nino} "
        "(letter seen)\nPESEL (from Polish ID card): {pesel}\nDate of birth: {dob}\nRight to work: share code "
        "checked by {name2}\nPay into: {sort_code} / {account}\nEmergency contact: {name3}, {phone2}\nLocker: "
        "{qty}   Badge: {staff_id}\nP45: not provided, starter checklist completed instead.",
    ),
    "de": (
        "Sehr geehrte Frau Kollegin {last2:f},\n\nwir berichten über Ihren Patienten, Herrn {name:m}, geb. "
        "{dob}, wohnhaft {address}, der sich ab dem {date} in unserer stationären Behandlung befand.\n\n"
        "Diagnosen: Unterschenkelfraktur rechts, versorgt mit Marknagel.\nProcedere: Vollbelastung nach "
        "Maßgabe der Schmerzen, Fadenzug in zwölf Tagen. Die Ehefrau ist unter {phone2} erreichbar.\n\n"
        "Mit freundlichen kollegialen Grüßen\n{name3:f}\nOberärztin Unfallchirurgie",
        "Hallo {first2},\n\nanbei die Daten unseres neuen Kollegen für die Lohnabrechnung:\n\n{last:m}, "
        "{first:m}\nGeburtsdatum: {dob}\nSteuer-ID: {steuer_id}\nIBAN: {iban}\nAnschrift: {address}\nEintritt: "
        "{date}, Personalnummer {staff_id}\n\nDie Sozialversicherungsnummer reicht er nach.\n\nViele Grüße\n"
        "{name3}",
        "Ticket-ID | Erstellt | Kunde | E-Mail | Telefon | Status\n{ticket} | {timestamp} | {name:m} | {email} | "
        "{phone} | offen\n\nVerlauf:\n{first2} (Support): Kunde meldet {error} beim Bezahlen, App-Version "
        "{version}. Rückruf vereinbart.\n{name3}: Zahlung über {price} manuell gebucht, Rechnung {invoice} an "
        "Herrn {last} verschickt.",
        "{name}\n{address}\n\n{company}\nKundenservice\n\n{date}\n\nKündigung meines Vertrags, Kundennummer "
        "{order}\n\nSehr geehrte Damen und Herren,\n\nhiermit kündige ich meinen Vertrag fristgerecht zum "
        "nächstmöglichen Termin und widerrufe das SEPA-Lastschriftmandat für mein Konto {iban}. Bitte bestätigen "
        "Sie mir die Kündigung schriftlich an {email}.\n\nMit freundlichen Grüßen\n{name}",
        "Protokoll Elternabend Klasse 3b, {date}\nAnwesend: {name2:f} (Klassenlehrerin), 14 Eltern\nProtokoll: "
        "{name3}\n\n1. Elternvertretung: gewählt wurden {name} (Tel. {phone}) und {name3}.\n2. Klassenfahrt: "
        "Kosten ca. {price}, Anzahlung bis Monatsende.\n3. Frau {last2} bittet, Krankmeldungen bis 8 Uhr an "
        "{email2} zu schicken.",
    ),
    "fr": (
        "Objet : Réclamation - commande n° {order}\n\nMadame, Monsieur,\n\nLe {date}, j'ai commandé sur votre "
        "site un {product} qui ne m'a jamais été livré. Malgré trois relances auprès de votre service client "
        "(dossier {ticket}), dont un appel avec {name2}, je n'ai reçu aucune réponse. Je vous mets en demeure de "
        "me rembourser la somme de {price} sur mon compte {iban} sous quinze jours.\n\n{name}\n{address}\n"
        "{phone}",
        "Compte rendu - réunion d'équipe du {date}\nPrésents : {name}, {name2}, {name3:f}\n\n1. {first} présente "
        "les chiffres du trimestre ; la facture {invoice} de {company} reste impayée.\n2. {last2} rappelle que "
        "la mise à jour {version} sera déployée lundi.\n3. Congés : {name3} sera absente deux semaines, "
        "{first} assure l'intérim.\nProchaine réunion dans quinze jours.",
        "Cher confrère,\n\nJe vous adresse Mme {name:f}, née le {dob} (NIR {nir}), pour avis cardiologique. "
        "Elle décrit depuis trois semaines des palpitations à l'effort. L'ECG réalisé au cabinet le {date} est "
        "normal. Elle est joignable au {phone} ; sa fille, {name3:f}, l'accompagnera.\n\nBien confraternellement,"
        "\n\nDr {name2}",
        "nom;prenom;date_naissance;email;telephone;adresse;cotisation;date_adhesion\n{last};{first};{dob};"
        "{email};{phone};{address};{price};{date}\n{last2};{first2};;{email2};{phone2};;{price};{date}",
    ),
    "nl": (
        "Geachte collega,\n\nHierbij verwijs ik mevrouw {name:f}, geboren {dob}, BSN {bsn}, wonende {address}, "
        "naar uw polikliniek dermatologie in verband met een snel groeiende moedervlek op de rug. Zij is "
        "telefonisch bereikbaar op {phone}.\n\nMet collegiale groet,\n\n{name2}, huisarts",
        "HUUROVEREENKOMST WOONRUIMTE\nVerhuurder: {company}\nHuurder: {name}, geboren op {dob}\nMedehuurder: "
        "{name2}\nGehuurde: {address}\nIngangsdatum: {date}\nKale huur: {price} per maand\nBetaling via "
        "automatische incasso van {iban}\nE-mail huurder: {email}\nOpgemaakt door: {name3}",
        "Chat gestart {timestamp}\nKlant: mijn pakket {tracking} is nog steeds niet binnen\nMedewerker "
        "({first2:f}): Hoi! Ik ben {first2}. Mag ik je naam en bezorgadres?\nKlant: {name}, {address}\n"
        "Medewerker ({first2}): Dank je! Het pakket is om {time} bij de buren afgegeven, getekend door {name3}.\n"
        "Klant: oh die ken ik niet eens haha\nMedewerker ({first2}): Ik zet een onderzoek uit ({ticket}).",
        "Notulen werkoverleg {date}\nAanwezig: {first}, {first2}, {name3}\nAfwezig: geen\n\n1. {first} meldt "
        "dat de {product} op de tweede verdieping weer {error} geeft; {first2} belt {company}.\n2. {name3} "
        "vraagt of iedereen zijn uren vóór vrijdag invult.\n3. Actiepunt {last2}: offerte {invoice} goedkeuren.",
    ),
    "it": (
        "MODULO DI ISCRIZIONE - Palestra {company}\nCognome e nome: {last} {first}\nNato/a il: {dob}\nCodice "
        "fiscale: {cf}\nIndirizzo: {address}\nCellulare: {phone}\nE-mail: {email}\nIn caso di emergenza "
        "avvisare: {name2} ({phone2})\nQuota annuale: {price}, versata il {date}\nFirma: {name}",
        "Spett.le {company},\n\nio sottoscritto {name:m}, titolare del conto corrente IBAN {iban}, contesto "
        "l'addebito di {price} del {date}, che non ho mai autorizzato. Allego copia del documento d'identità e "
        "della denuncia. Per contatti: {phone}, {email}.\n\nDistinti saluti\n{name}",
        "Trascrizione chiamata {timestamp}\nOperatrice ({first2:f}): Buongiorno, mi dice nome, cognome e data "
        "di nascita?\nCliente: Sì, {name:m}, sono nato il {dob}.\nOperatrice: Grazie. Il numero di contratto?\n"
        "Cliente: {order}. Chiamo perché la bolletta {invoice} è di {price}, il doppio del solito.\nOperatrice: "
        "Vedo una lettura stimata. Le invio la rettifica a {email}. Buona giornata, signor {last}.",
        "Nota HR - colloquio del {date}\nDipendente: {name:f}, matricola {staff_id}\nPresenti: {name2} (HR), "
        "{name3} (responsabile di reparto)\n\nLa dipendente chiede il passaggio al part-time per assistere la "
        "madre. {name3} è favorevole. {last2} verificherà l'impatto sui turni e risponderà a {first} via mail "
        "({email}).",
    ),
    "es": (
        "INFORME DE ALTA - URGENCIAS\nPaciente: {name:f}\nFecha de nacimiento: {dob}\nDNI: {dni}\nFecha de "
        "atención: {date}\nMotivo de consulta: dolor abdominal en fosa ilíaca derecha. Analítica y ecografía sin "
        "hallazgos. Acude acompañada de su marido, {name2:m}, teléfono de contacto {phone2}.\nFacultativo: "
        "Dr. {name3:m}",
        "id_cliente|nombre|apellidos|documento|email|telefono|alta\n{order}|{first}|{last}|{nie}|{email}|{phone}"
        "|{date}\n{serial}|{first2}|{last2}|{dni}|{email2}|{phone2}|{date}",
        "HOJA DE RECLAMACIÓN\nReclamante: {name}, DNI {dni}, con domicilio en {address}, teléfono {phone}\n"
        "Establecimiento: {company}\nHechos: el {date} compré un {product} (ticket {ticket}) por {price}. A los "
        "dos días dejó de funcionar y el encargado, {name2}, se negó a cambiarlo.\nSolicito: la devolución del "
        "importe.",
        "Asunto: Baja de maternidad - {name:f}\n\nHola {first2}:\n\nTe confirmo que {first} inicia su baja por "
        "maternidad el {date}. Mientras tanto, sus clientes los llevará {name3}. Para la nómina, {first} ha "
        "cambiado de cuenta: la nueva es {iban}. Su móvil personal, por si hace falta, es {phone}.\n\nUn "
        "saludo,\nRRHH - {company}",
    ),
}
