"""Labelled PII dev set for the detector benchmark: synthetic UK/EU texts with exact character spans.

Records are `{"id", "text", "lang", "spans": [{"start", "end", "type"}]}`; types are names from
`gdprep.privacy.entities.ENTITY_TYPES` (never LOCATION, organisations or non-birth dates). Spans are
recorded while each template is filled, never found by searching afterwards.

Held-out protocol. There are two splits and nothing of the held-out one may be used while tuning:
- templates: `TUNE_TEMPLATES` and `HELDOUT_TEMPLATES` are disjoint; the held-out set is over a third of
  all templates and uses its own sentence structures and cue phrasings ("NHS no.", "d.o.b", "born on").
- names: the tuning pool is Faker's en_GB/de_DE/fr_FR/nl_NL/it_IT/es_ES name lists minus a fixed fifth
  of their entries (chosen by CRC32, reserved for held-out use); the held-out pool comes from other
  Faker locales (en_IE, en_NZ, pl_PL, de_AT, de_CH, fr_CH, fr_BE, nl_BE, es_MX, es_CO) plus that
  reserved fifth, with every entry of the tuning pool removed, so no held-out name was seen while tuning.
- randomness: each split is seeded from its own string ("devset:<split>:<seed>").

Usage: python bench/devset.py --n 600 --seed 1 --split heldout --out bench/out/devset-heldout.jsonl
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

from gdprep.errors import UsageError
from gdprep.examples.generate import (
    FakeData,
    NamePool,
    RecordContext,
    faker_name_pool,
    fill_template,
    write_jsonl,
)

SPLITS: Final[tuple[str, ...]] = ("tune", "heldout")
LANG_WEIGHTS: Final[dict[str, float]] = {
    "en": 0.55, "de": 0.09, "fr": 0.09, "nl": 0.09, "it": 0.09, "es": 0.09,
}

TUNE_NAME_LOCALES: Final[dict[str, tuple[tuple[float, str], ...]]] = {
    ""
    "en": ((0.7, "en_GB"), (0.06, "de_DE"), (0.06, "fr_FR"), (0.06, "nl_NL"), (0.06, "it_IT"),
           (0.06, "es_ES")),
    "de": ((0.85, "de_DE"), (0.15, "en_GB")),
    "fr": ((0.85, "fr_FR"), (0.15, "es_ES")),
    "nl": ((0.85, "nl_NL"), (0.15, "de_DE")),
    "it": ((0.85, "it_IT"), (0.15, "fr_FR")),
    "es": ((0.85, "es_ES"), (0.15, "it_IT")),
}
HELDOUT_NAME_LOCALES: Final[dict[str, tuple[tuple[float, str], ...]]] = {
    "en": ((0.35, "en_IE"), (0.3, "en_NZ"), (0.15, "pl_PL"), (0.1, "de_AT"), (0.1, "es_MX")),
    "de": ((0.5, "de_AT"), (0.4, "de_CH"), (0.1, "pl_PL")),
    "fr": ((0.5, "fr_CH"), (0.5, "fr_BE")),
    "nl": ((0.85, "nl_BE"), (0.15, "en_IE")),
    "it": ((0.85, "it_IT"), (0.15, "fr_CH")),  # it_IT here yields only its reserved fifth (see docstring)
    "es": ((0.5, "es_MX"), (0.5, "es_CO")),
}


def _reserved_for_heldout(name: str) -> bool:
    # a stable hash (not Python's salted hash) so the partition is the same in every process
    return zlib.crc32(name.lower().encode("utf-8")) % 5 == 0


@cache
def tune_name_tokens() -> frozenset[str]:
    """Every (lower-cased) first name and surname the tuning split can draw."""
    tokens: set[str] = set()
    for items in TUNE_NAME_LOCALES.values():
        for _, locale in items:
            tokens.update(t.lower() for t in _tune_pool(locale).tokens())
    return frozenset(tokens)


@cache
def _tune_pool(locale: str) -> NamePool:
    return faker_name_pool(locale).filtered(lambda t: not _reserved_for_heldout(t), f"tune:{locale}")


@cache
def _heldout_pool(locale: str) -> NamePool:
    seen = tune_name_tokens()
    return faker_name_pool(locale).filtered(lambda t: t.lower() not in seen, f"heldout:{locale}")


def name_pools(split: str) -> dict[str, list[tuple[float, NamePool]]]:
    """Weighted name pools per language for a split (built on first use, then cached)."""
    _check_split(split)
    if split == "tune":
        return {lang: [(w, _tune_pool(loc)) for w, loc in items] for lang, items in TUNE_NAME_LOCALES.items()}
    return {lang: [(w, _heldout_pool(loc)) for w, loc in items]
            for lang, items in HELDOUT_NAME_LOCALES.items()}


# ---------------------------------------------------------------------------------------------
# Templates. `{slot}` fills a value; see gdprep.examples.generate.SLOT_TYPES for what each labels.
# `{slot:f}` / `{slot:m}` fixes the gender of the person the slot names (for grammar only).
# ---------------------------------------------------------------------------------------------

TUNE_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "Hi, my name is {name} and I can't log in to my account. My email is {email} and my phone number "
        "is {phone}. Error code {error} appears since the {version} update.",
        "Customer {name} (DOB: {dob}) called about Order #{order}. Refund of {price} approved. "
        "Call back on {phone}.",
        "Patient: {name}\nNHS number: {nhs}\nDOB: {dob}\nAddress: {address}\nPresenting complaint: chest "
        "pain on exertion since {date}.",
        "Please update my bank details: sort code {sort_code}, account number {account}. Thanks, {first}",
        "Dear Mr {last:m},\nThank you for your application. We have your National Insurance number as "
        "{nino}. Please confirm your home address: {address}.\nKind regards,\n{name2}\nHR Team, {company}",
        "Shipment {tracking} for SKU {sku} left the depot on {date} at {time}; invoice {invoice} totals "
        "{price}.",
        "Payment failed for card {card} (ticket {ticket}). The customer, {name}, says the billing postcode "
        "is {postcode}.",
        "Login from IP {ip} at {timestamp} flagged for user {email}. Client version {version}.",
        "Supplier {company}, VAT reg. no. {vat}, sent invoice {invoice} for {price}.",
        "Driver {name}, licence number {licence}, passport no. {passport}, starts on {date}.",
        "Please send the refund to IBAN {iban} in the name of {name}. Reference: order {order}.",
        "New starter: {name}, date of birth {dob}, NI number {nino}, home address {address}, mobile "
        "{phone}, personal email {email}.",
        "{name} rang about the {product} ordered last week ({sku}); firmware {version} keeps crashing with "
        "{error}.",
        "Dear Dr {last2},\nI saw {name} (NHS {nhs}, DOB {dob}) today regarding type 2 diabetes. Current "
        "medication: metformin 500 mg twice daily. Review on {date}.",
        "Contractor {name} from Poland, PESEL {pesel}, joins the site team on {date}. Payroll: IBAN "
        "{iban_eu}.",
        "Hi {first}, your ticket {ticket} has been resolved. If the {product} still shows error {error}, "
        "reply to this email.\n{company} Support",
        "Release {version} fixes the checkout bug ({error}) from ticket {ticket}. Build {build} is live in "
        "all stores and the {product} now costs {price}.",
        "Address change request from {name}: new address is {address}. Old postcode {postcode}.",
        "Server {ip} returned {error} at {timestamp}; the request came from {ipv6}.",
        "Employee {name} (staff ID {staff_id}) is on sick leave from {date} with depression; fit note "
        "attached. Contact: {email}.",
        "Visa paperwork: {name} holds NIE {nie}; {name2}'s codice fiscale is {cf}.",
        "Payroll for the Berlin office: {name}, Steuer-ID {steuer_id}, bank account {iban_eu}.",
        "Amsterdam office: {name}, BSN {bsn}. Paris office: {name2}, numéro de sécurité sociale {nir}.",
        "Spanish branch: employee {name}, DNI {dni}, phone {phone}, started on {date}.",
    ),
    "de": (
        "Sehr geehrte Frau {last:f},\nvielen Dank für Ihre Bestellung Nr. {order} über {price}. Wir liefern "
        "an {address}.\nMit freundlichen Grüßen\n{name2}, {company}",
        "Kunde {name:m} (geb. {dob}) meldet Fehler {error} nach dem Update auf {version}. Rückruf unter "
        "{phone}.",
        "Bitte überweisen Sie den Betrag auf IBAN {iban}. Kontoinhaber: {name}. Verwendungszweck: "
        "Rechnung {invoice}.",
        "Personalakte: {name}, Steuer-ID {steuer_id}, geboren am {dob}, wohnhaft {address}, E-Mail {email}.",
        "Patientin {name:f}, geb. {dob}, Diagnose: Asthma bronchiale; Medikation: Salbutamol bei Bedarf. "
        "Nächster Termin am {date} um {time} Uhr.",
        "Lieferung {tracking} mit Artikel {sku} ({product}) wurde am {date} versandt; Preis {price}, "
        "Ticket {ticket}.",
    ),
    "fr": (
        "Bonjour, je m'appelle {name} et ma commande n° {order} n'est jamais arrivée. Mon adresse : "
        "{address}. Tél. : {phone}.",
        "Patient : {name:m}, né le {dob}, numéro de sécurité sociale {nir}. Traitement : amlodipine 5 mg. "
        "Prochain rendez-vous le {date}.",
        "Merci de rembourser {price} sur l'IBAN {iban} au nom de {name}.",
        "Dossier RH : {name}, e-mail {email}, NIR {nir}, date de naissance {dob}.",
        "Le client {name:m} signale l'erreur {error} depuis la version {version} de {product}. "
        "Ticket {ticket}.",
        "Société {company} : facture {invoice} du {date}, {qty} x {sku} à {price}.",
    ),
    "nl": (
        "Beste {first},\nbedankt voor je bericht over bestelling {order}. We sturen het pakket naar "
        "{address}.\nGroet,\n{name2}",
        "Klant {name} (geboren op {dob}) belde over foutcode {error}. Telefoonnummer: {phone}.",
        "Personeelsdossier: {name}, BSN {bsn}, IBAN {iban}, e-mail {email}.",
        "Patiënt {name}, geboortedatum {dob}, diagnose: hypertensie; medicatie: lisinopril 10 mg. "
        "Controle op {date}.",
        "Graag terugbetalen: {price} op rekening {iban} t.n.v. {name}.",
        "Versie {version} lost fout {error} op; artikel {sku} kost nu {price}. Ticket {ticket}.",
    ),
    "it": (
        "Buongiorno, sono {name} e il mio codice fiscale è {cf}. Vorrei aggiornare l'indirizzo in {address}.",
        "Paziente {name:m}, nato il {dob}, diagnosi: diabete mellito di tipo 2; terapia: metformina 850 mg. "
        "Controllo il {date}.",
        "Rimborso di {price} sull'IBAN {iban} intestato a {name}. Ordine n. {order}.",
        "Il cliente {name:m} segnala l'errore {error} con la versione {version}. Telefono: {phone}, "
        "e-mail: {email}.",
        "Scheda dipendente: {name}, data di nascita {dob}, codice fiscale {cf}.",
        "Fattura {invoice} del {date}: {qty} pezzi di {sku} a {price}. Ticket {ticket}.",
    ),
    "es": (
        "Hola, soy {name} y mi DNI es {dni}. Mi pedido {order} no ha llegado a {address}.",
        "Paciente {name}, fecha de nacimiento {dob}, diagnóstico: hipotiroidismo; tratamiento: "
        "levotiroxina 50 mcg. Revisión el {date}.",
        "Devolución de {price} a la cuenta {iban} a nombre de {name}.",
        "Ficha de empleado: {name}, NIE {nie}, correo {email}, teléfono {phone}.",
        "El cliente {name:m} informa del error {error} en la versión {version}. Ticket {ticket}.",
        "Factura {invoice} del {date}: {qty} unidades de {sku} a {price}.",
    ),
}

# A second batch of tuning templates, written later by the detector's author without looking at the
# held-out set: more places a name can stand (mid-sentence objects, lists, quoted replies, call notes).
TUNE_TEMPLATES_EXTRA: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "Call notes {date}: spoke with {name} regarding invoice {invoice}; agreed a refund of {price}.",
        "Escalated to {name} in billing. Original request raised by {name2} via {email}.",
        "Attendees: {name}, {name2} and {name3}. Actions: {first} to chase ticket {ticket}.",
        "On {date} at {time}, {name} wrote:\n> My order {order} arrived damaged, please call {phone}.",
        "Next of kin: {name} ({phone}). GP: Dr {last2}. Allergies: penicillin.",
        "Booking for {name} confirmed: table for 4 on {date}. Contact number {phone}.",
        "Thank you {first}! I have passed your details to {name2}, who will email you at {email}.",
        "Incident report: {name} slipped in aisle 5 on {date}. Witness: {name2}. Store manager informed.",
        "Forwarded from {name} <{email}>: please check the attached payslip, staff ID {staff_id}.",
        "Assigned to {name}. Priority high. Customer reports {error} on build {build}.",
        "We met {name} and her husband {name2} to discuss the mortgage; IBAN on file {iban}.",
        "The parcel {tracking} was signed for by {name} at {address}.",
    ),
    "de": (
        "Rückruf an {name} unter {phone} wegen Rechnung {invoice} ({price}).",
        "Gesprächsnotiz vom {date}: Termin mit {name} vereinbart, Ansprechpartner ist {name2}.",
        "Die Reklamation wurde von {name} am {date} eingereicht; Bestellnummer {order}.",
    ),
    "fr": (
        "Compte rendu du {date} : entretien avec {name} au sujet de la facture {invoice}.",
        "Le dossier a été transmis à {name}, qui vous contactera au {phone}.",
        "Merci {first} ! Votre demande {ticket} est en cours. Cordialement, {name2}",
    ),
    "nl": (
        "Gesprek met {name} op {date} over factuur {invoice}; terugbellen op {phone}.",
        "De klacht is ingediend door {name}. Contactpersoon: {name2}, e-mail {email}.",
    ),
    "it": (
        "Nota del {date}: parlato con {name} riguardo alla fattura {invoice}.",
        "La pratica è stata assegnata a {name}; richiamare al numero {phone}.",
    ),
    "es": (
        "Nota del {date}: hablé con {name} sobre la factura {invoice}.",
        "La incidencia fue asignada a {name}; contacto: {email}, teléfono {phone}.",
    ),
}


# A third batch of tuning templates, written without looking at the held-out set: whole documents a UK/EU
# company would fine-tune on (mail headers with quoted replies, minutes, clinical and bank letters, mandates,
# CSV exports), with names as objects, in lists, signatures and "Surname, Forename" columns. The held-out cue
# phrasings named in the module docstring are deliberately not used here.
TUNE_TEMPLATES_EXTRA2: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "From: {name} <{email}>\nTo: {name2} <{email2}>\nSubject: Re: order {order}\n\nHi {first2},\n\n"
        "Still nothing here. The tracking page for {tracking} says it was delivered on {date}, but not to me.\n\n"
        "{first}\n\n> On {timestamp}, {name2} wrote:\n> Sorry for the delay, your parcel left our warehouse "
        "today.",
        "[{timestamp}] Agent ({first2}): Thanks for holding. Can I take the full name on the account?\n"
        "Customer: it's {name}\nAgent ({first2}): And your date of birth, please?\nCustomer: {dob}\n"
        "Agent ({first2}): Thank you {first}, I can see order {order} for {price}. I'll cancel it now.",
        "HR case note - ref {ticket}\nEmployee: {last:f}, {first} (staff ID {staff_id})\nLine manager: {name2}\n"
        "Summary: {first} raised a formal grievance against her line manager on {date}. Meeting held with {first}, "
        "{name2} and {name3} (HR). {first2} denies the allegations. Next step: investigation led by {name3}.",
        "Annual performance review: {name:f}\nReviewer: {name2}, Head of Operations\nPeriod ending {date}\n\n"
        "{first} exceeded her targets this year and led the migration to build {build} together with {name3}. "
        "{first}'s main development area is delegation. Overall rating: 4 (strong).",
        "Minutes - project steering group, {date}\nPresent: {name} (chair), {name2}, {name3}\n\n"
        "1. {last2} reported that release {version} slipped because of {error} in the payment service.\n"
        "2. {first} asked {first2} to circulate the revised budget ({price}) by Friday.\n3. AOB: none.",
        "Dear Dr {last2},\n\nRe: {name:m}, DoB {dob}, NHS Number {nhs}\n{address}\n\nThank you for referring "
        "Mr {last}, whom I reviewed in the cardiology clinic on {date}. His ECG showed sinus rhythm; I have started "
        "bisoprolol 2.5 mg once daily and will see him again in three months.\n\nYours sincerely,\n\n{name3}\n"
        "Consultant Cardiologist",
        "REFERRAL - MSK physiotherapy\nPatient name: {name:f}\nDate of birth: {dob}\nNHS number: {nhs}\n"
        "Tel: {phone}\nReason for referral: Mrs {last} has had right knee pain for six weeks after a fall on "
        "{date}. Referred by {name2}, Practice Nurse.",
        "DISCHARGE SUMMARY\nSurname: {last}   Forename(s): {first}   DoB: {dob}\nAdmitted: {date}   "
        "Consultant: Dr {last2}\nDiagnosis: community-acquired pneumonia\nTTOs: amoxicillin 500 mg TDS for 5 "
        "days\nFollow-up: GP to review in 2 weeks. Summary completed by {name3}, FY1.",
        "Nursing note {timestamp}, bay 3 bed 2: pt {name:m} settled overnight, obs stable, pain 2/10 after "
        "paracetamol. His wife {name2:f} visited and asked to be rung on {phone} if anything changes. Handed over "
        "to {name3} (RN).",
        "Pharmacy note: repeat prescription for {name:f} (DOB {dob}), sertraline 50 mg x 28. Collected on {date} "
        "by her son, {name2:m}, who showed ID. Checked and bagged by {name3}.",
        "Caller: {name}\nCallback no.: {phone}\nID&V: passed on birth date ({dob}) and postcode ({postcode}).\n"
        "Notes: disputes a charge of {price} on invoice {invoice}. Told {first} a credit note would follow within "
        "5 working days. Case {ticket} left open for {name2}.",
        "Motor claim {order}\nPolicyholder: {name}, date of birth {dob}, driving licence no. {licence}\n"
        "Date of loss: {date} at approx. {time}\nThird party: {name2} (mobile {phone2}) reversed into the "
        "insured vehicle. Excess of {price} paid by card {card}.",
        "Dear Ms {last:f},\n\nYour salary account switch is complete. From {date} please give your employer "
        "s/c {sort_code} and a/c {account}; your old account with {company} will close automatically.\n\n"
        "Yours sincerely,\n{name2}\nCurrent Account Operations",
        "Instruction to your bank or building society to pay by Direct Debit\nName(s) of account holder(s): "
        "{name} and {name2}\nBank/building society account number: {account}\nBranch sort code: {sort_code}\n"
        "Reference: {order}\nService user: {company}\nDate: {date}",
        "DELIVERY NOTE {invoice}\nDeliver to: {name}\n{address}\nContact: {phone}\nItems: {qty} x {sku} "
        "({product})\nCourier ref. {tracking}. Signed for by {name2} (neighbour) at {time}.",
        "surname,forename,email,mobile,date_of_birth,postcode,account_owner,last_order,last_invoice\n"
        "{last},{first},{email},{phone},{dob},{postcode},{staff_id},{order},{invoice}\n"
        "{last2},{first2},{email2},{phone2},,,{staff_id},,",
        "Incident {ticket}: possible personal data breach\nReported by {name2} (IT Security) at {timestamp}\n"
        "A spreadsheet holding {name}'s home address ({address}) and NI number ({nino}) was sent in error to an "
        "external supplier, {company}. Access came from {ip}. DPO ({name3}) to decide on ICO notification.",
        "Our ref: {invoice}\nYour ref: {ticket}\n\nDear Sirs,\n\nWe act for {name} of {address} in connection "
        "with the {product} your company supplied on {date}. Our client paid {price} and the unit failed within "
        "a week. Please direct all correspondence to the writer, {name2}, on {phone}.\n\nYours faithfully",
        "Dear {name},\n\nI am writing about your daughter {name3:f}'s attendance this term, which has fallen to "
        "88%. Please contact me on {phone} or by e-mail at {email2} so that we can arrange a meeting.\n\n"
        "Yours sincerely,\n{name2}\nHead of Year 9",
        "Re: tenancy of {address}\nTenants: {name}, {name2} and {name3}\nThe deposit of {price} was protected on "
        "{date}. Rent is collected by standing order from the tenants' joint account (sort code {sort_code}, "
        "acct no. {account}). Please contact the lead tenant, {first}, about the inspection.",
        "Right-to-work check: UK passport {passport} for {name} (birth date {dob}) seen in person by {name2} on "
        "{date}. Copy stored on file against staff ID {staff_id}.",
        "To: {email2}\nCc: {email}\nSubject: Handover - {company} account\n\n{first2}, while I'm on leave {name:f} "
        "will cover {company}. She knows the pricing ({price} per unit) and the open bug in version {version}, "
        "so loop her in on anything urgent.\n\nThanks,\n{name3}",
    ),
    "de": (
        "Von: {name} <{email}>\nAn: {name2} <{email2}>\nBetreff: AW: Rechnung {invoice}\n\nHallo {name2},\n\n"
        "der Betrag von {price} wurde doppelt abgebucht. Bitte erstatten Sie ihn auf mein Konto (IBAN {iban}).\n\n"
        "Viele Grüße\n{first}\n\n> Am {date} schrieb {name2}:\n> Anbei erhalten Sie Ihre Rechnung.",
        "Sehr geehrte Frau Kollegin {last2:f},\n\nwir berichten über Ihren Patienten Herrn {name:m}, geb. am {dob}, "
        "wohnhaft {address}, der sich am {date} in unserer Notaufnahme vorstellte. Diagnose: NSTEMI. "
        "Entlassmedikation: ASS 100 mg 1-0-0.\n\nMit freundlichen kollegialen Grüßen\n{name3:f}\nOberärztin",
        "Protokoll Mitarbeitergespräch vom {date}\nTeilnehmende: {name:f}, {name2:m} (Teamleitung), {name3} "
        "(Betriebsrat)\nFrau {last} (Personalnummer {staff_id}) schildert erneut Konflikte mit Herrn {last2}. "
        "Vereinbart: {first} und {first2} treffen sich in vier Wochen mit {name3} zur Nachbesprechung.",
        "SEPA-Lastschriftmandat\nZahlungsempfänger: {company}, Mandatsreferenz {order}\nKontoinhaber: {last}, "
        "{first}\nAnschrift: {address}\nKontonummer (IBAN): {iban}\nDatum, Unterschrift: {date}, {name}",
        "Schadenmeldung {ticket}: Versicherungsnehmerin {name:f} (Geburtsdatum {dob}, Tel. {phone}) meldet einen "
        "Wasserschaden vom {date}. Gutachter {name2} wurde beauftragt; Auszahlung nach Prüfung auf {iban}.",
    ),
    "fr": (
        "De : {name} <{email}>\nÀ : {email2}\nObjet : Réclamation commande {order}\n\nMadame, Monsieur,\n\n"
        "J'ai reçu le {date} l'article {product} (numéro de série {serial}), qui est défectueux. "
        "Merci de me rembourser {price} sur mon numéro de compte : {iban}.\n\nCordialement,\n{name}\n{phone}",
        "Compte rendu d'hospitalisation\nPatiente : Mme {name:f}, née le {dob}\nN° de sécurité sociale : {nir}\n"
        "Médecin traitant : Dr {last2}\nMme {last} a été hospitalisée le {date} pour une décompensation cardiaque. "
        "Traitement de sortie : furosémide 40 mg. Rédigé par {name3}.",
        "Note RH – entretien annuel du {date}\nSalarié : {last:m}, {first} (matricule {staff_id})\nManager : "
        "{name2}\nObjectifs atteints ; {first} souhaite évoluer vers un poste de chef de projet. Prochain point "
        "avec {name2} et {name3} en septembre.",
        "Madame {last:f},\n\nNous avons bien reçu votre demande de changement de domiciliation bancaire. Vos "
        "prélèvements seront désormais effectués sur le compte IBAN {iban} au nom de {name}.\n\nVeuillez agréer, "
        "Madame, nos salutations distinguées.\n{name2:f}, conseillère clientèle, {company}",
        "Bon de livraison {invoice}\nDestinataire : {name}\nAdresse : {address}\nTél. : {phone}\nColis {tracking} "
        "– {qty} article(s) {sku}\nRemis à {name2:f} (voisine) le {date} à {time}.",
    ),
    "nl": (
        "Van: {name} <{email}>\nAan: {name2} <{email2}>\nOnderwerp: Klacht over bestelling {order}\n\nGeachte "
        "heer/mevrouw {last2},\n\nOp {date} heb ik het artikel {product} ontvangen, maar het werkt "
        "niet (foutcode {error}). Graag het bedrag van {price} terugstorten op rekeningnummer {iban} t.n.v. {name}.\n\n"
        "Met vriendelijke groet,\n{first}",
        "Ontslagbrief\nPatiënt: dhr. {name:m}, geboren op {dob}, BSN {bsn}\nOpname: {date}, afdeling "
        "cardiologie\nHuisarts: dr. {last2}\nBeleid: metoprolol 50 mg 1x daags, controle bij de huisarts over "
        "twee weken.\nOpgesteld door {name3}, arts-assistent.",
        "Verslag functioneringsgesprek {date}\nMedewerker: {last}, {first} (personeelsnummer {staff_id})\n"
        "Leidinggevende: {name2}\n{first} wil vaker thuiswerken. {name2} en {first} spreken af dit na drie maanden "
        "te evalueren; {name3} van HR krijgt een kopie.",
        "Machtiging doorlopende SEPA-incasso\nNaam: {name}\nAdres: {address}\nRekeningnummer (IBAN): {iban}\n"
        "Kenmerk machtiging: {order}\nIncassant: {company}\nDatum: {date}",
        "Chat klantenservice {timestamp}\nKlant: hoi, met {first}, mijn pakket {tracking} is nog steeds niet "
        "bezorgd\nMedewerker ({first2}): Vervelend! Mag ik uw geboortedatum en adres?\nKlant: {dob}, {address}\n"
        "Medewerker ({first2}): Dank u, mevrouw {last:f}. Ik bel de vervoerder en mail u op {email}.",
    ),
    "it": (
        "Da: {name} <{email}>\nA: {name2} <{email2}>\nOggetto: R: fattura {invoice}\n\nGentile {first2},\n"
        "le confermo il bonifico di {price} dall'IBAN {iban}.\nCordiali saluti,\n{first}\n\n> In data {date}, {name2} "
        "ha scritto:\n> Le ricordiamo il pagamento in sospeso.",
        "Lettera di dimissione\nPaziente: sig.ra {name:f}, nata il {dob}, C.F. {cf}\nRicoverata in data {date} per "
        "polmonite; terapia alla dimissione: amoxicillina 1 g tre volte al giorno.\nMedico curante: dott. {last2}"
        "\nFirmato: {name3}",
        "Verbale colloquio in data {date}\nPresenti: {name:m}, {name2} (HR) e {name3}\nIl dipendente {last} "
        "(matricola {staff_id}) chiede il trasferimento alla sede di Torino. {name2} si impegna a rispondere a "
        "{first} entro fine mese.",
        "Denuncia di sinistro n. {ticket}\nAssicurato: {last}, {first}\nCodice fiscale: {cf}\nTelefono: {phone}\n"
        "Descrizione: tamponamento avvenuto in data {date} alle ore {time}; conducente dell'altro veicolo: {name2}. "
        "Liquidazione sul conto IBAN {iban}.",
        "Chat assistenza {timestamp}\nOperatore ({first2}): Buongiorno, mi conferma nome e data di nascita?\n"
        "Cliente: {name:f}, nata il {dob}\nOperatore ({first2}): Grazie signora {last}, vedo l'ordine {order} per "
        "{price}. Le invio la conferma a {email}.",
    ),
    "es": (
        "De: {name} <{email}>\nPara: {email2}\nAsunto: Reclamación pedido {order}\n\nBuenas tardes:\n\nEl {date} "
        "recibí el artículo {product} (n.º de serie {serial}) y no enciende, da el error {error}. "
        "Solicito el reembolso de {price} en mi cuenta {iban}.\n\nUn saludo,\n{name}\nDNI {dni}",
        "Informe de alta hospitalaria\nPaciente: {name:m}, nacido el {dob}\nIngreso: {date}, servicio de "
        "Neumología\nMédica responsable: Dra. {last2:f}\nTratamiento al alta: salbutamol inhalado a demanda. "
        "Revisión con su médico de cabecera, {name3}.",
        "Acta de reunión de RR. HH. ({date})\nAsistentes: {name}, {name2} y {name3}\n{first} (NIE {nie}, n.º de "
        "empleado {staff_id}) solicita una reducción de jornada. {first2} revisará la propuesta con {name3}.",
        "Orden de domiciliación de adeudo directo SEPA\nReferencia de la orden: {order}\nAcreedor: {company}\n"
        "Titular de la cuenta: {last}, {first}\nDirección: {address}\nNúmero de cuenta (IBAN): {iban}\n"
        "Fecha: {date}",
        "Llamada de {name:f} ({phone}), nacida el {dob}. Pregunta por el envío {tracking}; le indico que llegará "
        "el {date}. Le mandamos el justificante a {email}. Atendida por {name2}.",
    ),
}


# A fourth batch of tuning templates, written without looking at the held-out set: how people actually write
# names and bank details in running text - names as objects and after prepositions, in brackets and between
# dashes, with a job title or department after them, in chat exports with @mentions, in " | " tables, and a
# first name used again later; UK bank details written many ways (also inside non-English texts).
TUNE_TEMPLATES_EXTRA3: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "#billing-escalations - exported {date}\n{first} ({time}): hey @{first2}, any news on {ticket}? the customer "
        "is chasing again\n{first2}: not yet, I passed it to {name3:f} in Finance on Monday - she's checking whether "
        "the {price} refund actually went out\n{first}: ok cheers. can you ask {name3} to reply-all so I can close it?",
        "Hi all,\n\nQuick update on the {product} recall: thanks to {name} (Quality Lead) we traced the fault to build "
        "{build}. I've cc'd {name2:f} - Head of Customer Services - so her team can contact the affected customers. "
        "{first}, could you send {first2} the serial list (the first one is {serial}) by {date}?\n\nBest,\n{name3}",
        "hi payroll, {name} here (staff no. {staff_id}). I've moved banks, so from the {date} pay run please use "
        "sortcode {sort_code}, acc no {account}. The old account closes at the end of the month. Thanks! {first}",
        "Expense claims - approved batch\nEmployee | Dept | Sort code | Acc no. | Amount\n{name} | Sales | {sort_code} "
        "| {account} | {price}\n{name2} | IT Support | (on file) | (on file) | £86.40\nApproved by {name3}, Finance "
        "Manager, on {date}.",
        "Met with {name:f} - operations manager at {company} - this morning, together with {name2} from Accounts. "
        "Afterwards {first2} and I spoke about order {order}: {first} wants a goodwill credit of {price}, which is "
        "above my limit, so I've asked {first2} to get it signed off by {name3} (Finance Director) before {date}.",
        "Telephone message {time}: {name2:f} rang on behalf of her neighbour, {name:f} (birthdate {dob}), who has run "
        "out of her inhaler. Passed it to {name3} (duty GP) to authorise; {first2} asked to be called back on {phone} "
        "rather than on {first}'s landline.",
        "Hi {first2},\n\nAs discussed, from {date} please pay the rent by standing order into my new bank a/c rather "
        "than the old one: {name}, sort-code {sort_code}, a/c no. {account}. Use your flat number as the reference. "
        "Any problems, ring me or my partner {name3} on {phone}.\n\nThanks,\n{first}",
        "{ticket} - store app crashes when adding {sku} to the basket\nReporter: {name} (QA)\nAssignee: {name2}\n\n"
        "Comment by {first2}: "
        "can't repro on {version}. @{first} can you attach the logs? Also looping in {name3} from the platform team "
        "since the stack trace mentions {error}.\nComment by {first}: logs attached, it only happens on build {build}.",
        "CURRICULUM VITAE\n{name}\n{address} | {phone} | {email}\nBorn: {dob} | Nationality: British\n\nEXPERIENCE\n"
        "{date} - present: Customer Service Team Leader, {company}\n\nReferees: {name2} (Store Manager) and {name3}, "
        "my former course tutor - contact details on request.",
        "Refund request {ticket}\nCustomer: {name}\nOrder {order}: {qty} x {sku}, total {price}\nNotes: passed ID&V "
        "(date-of-birth check, {dob}). The card used has expired, so {first} asked for a bank transfer instead - "
        "Sort Code {sort_code}, Account No. {account}. Please check with {name2} (Refunds team) before paying; "
        "{first} is expecting it within 5 working days.",
    ),
    "de": (
        "[{time}] {first}: @{first2} kurze Frage – hast du die Rechnung {invoice} schon an {name3:f} aus der "
        "Buchhaltung weitergeleitet?\n{first2}: ja, gestern. Sie sagt, die Gutschrift über {price} geht erst raus, "
        "wenn du sie freigibst\n{first}: ok, mach ich nachher. Danke dir!",
        "Mitarbeiter {name:m} (Pers.-Nr. {staff_id}, Geb.-Datum {dob}) wird ab {date} an unseren Standort in London "
        "entsandt. Das Gehalt bitte ab dann auf sein britisches Konto überweisen: Sort Code {sort_code}, Kontonummer "
        "{account}. Rückfragen bitte an {name2}, Personalabteilung.",
    ),
    "fr": (
        "Bonjour à tous,\n\ngrâce à {name} (service juridique), le contrat avec {company} est enfin signé. J'ai mis "
        "{name2} en copie – {first2} s'occupera de la facture {invoice}. {first}, peux-tu envoyer le récapitulatif "
        "à {name3} avant le {date} ?\n\nBonne journée",
        "Dossier de remboursement {ticket}\nAssurée : {name:f} – date de naiss. : {dob}\nRésidente au Royaume-Uni "
        "depuis le {date}\nVersement des frais de soins ({price}) sur son compte britannique : sort code {sort_code}, "
        "n° de compte {account}.\nDossier suivi par {name2}, service des relations internationales.",
    ),
    "nl": (
        "{first}: hoi @{first2}, heb jij {name3:f} van de servicedesk al gesproken over ticket {ticket}?\n{first2}: "
        "ja, net gebeld. ze zegt dat de fout ({error}) pas sinds versie {version} optreedt\n{first}: top, dank je. "
        "ik zet {name3} even in de cc van de mail aan {company}",
        "Terugbetaling aan {name:m} (vestiging Manchester, personeelsnummer {staff_id}): {price} aan reiskosten. Hij "
        "heeft een Britse bankrekening – sort code {sort_code}, rekeningnummer {account}. Akkoord gegeven door "
        "{name2}, teamleider finance, op {date}.",
    ),
    "it": (
        "Ciao {first2}, ho sentito {name} (ufficio acquisti di {company}) stamattina: l'ordine {order} partirà il "
        "{date}. Grazie a {name3} del magazzino abbiamo recuperato i {qty} pezzi mancanti. Puoi chiedere a {first} "
        "di mandarci una conferma scritta?",
        "Pratica di rimborso {ticket}\nRichiedente: {name:m}, nato a Napoli il {dob}, residente nel Regno Unito\n"
        "Coordinate bancarie (conto britannico): sort code {sort_code}, numero di conto {account}\nImporto: {price}. "
        "Pratica gestita da {name2} – ufficio sinistri.",
    ),
    "es": (
        "Hola, {first2}:\nte paso el contacto de {name:f} – jefa de compras en {company} –, con quien me reuní ayer; "
        "su correo es {email}. {first} y yo hablamos del pedido {order} y del retraso del {product}. Por favor, pon "
        "en copia a {name3} (Logística) cuando le escribas.\nGracias",
        "Solicitud de transferencia internacional\nBeneficiario: {name}\nFecha de nac.: {dob}\nBanco en Reino Unido "
        "– sort code {sort_code}, número de cuenta {account}\nImporte: {price} (factura {invoice})\nAutoriza: "
        "{name2}, Dpto. de Administración",
    ),
}


HELDOUT_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "Ticket {ticket}: caller identified as {name}, born on {dob}; reachable at {phone} or {email}. "
        "Wants to cancel order {order} ({price}).",
        "{name}'s surgery faxed over the discharge summary. NHS no. {nhs}; lives at {address}. Diagnosis: "
        "COPD exacerbation, started prednisolone 30 mg for 5 days. Follow-up {date}.",
        "Bank transfer details supplied by the client: acct {account}, sort {sort_code}, payee {name}. "
        "Amount {price}, invoice {invoice}.",
        "Could you change the delivery address on {order} to {address}? Cheers, {first}",
        "NINO for {name} is {nino} (passport {passport}); right-to-work check completed {date} by {name2}.",
        "From: {email}\nTo: {email2}\nSubject: Re: {product} {version}\n\nHiya {first2}, the unit with "
        "serial {serial} still throws {error}. My number's {phone} if easier.\n{name}",
        "Audit log {timestamp}: admin {email} signed in from {ip}; three failed attempts from {ipv6} before "
        "that.",
        "Chargeback raised on {card} by the cardholder {name}; merchant ref {order}; amount {price}.",
        "Whoever picks this up: {name} (d.o.b. {dob}) wants the P45 posted to {address}, not the old "
        "{postcode} one.",
        "Stocktake {date}: {qty} units of {sku} ({product}) at {price} each; discrepancy logged as {ticket}, "
        "till software {build}.",
        "Our Dutch subsidiary asked for {name}'s burgerservicenummer ({bsn}), and the French contractor "
        "{name2} gave NIR {nir} plus the Steuer-ID {steuer_id} from a previous job in Munich.",
        "Supplier onboarding for {company}: VAT {vat}; remit to {iban_eu}. Contact person {name}, DL "
        "{licence}.",
        "{name} attended A&E with a fractured wrist after a fall on {date}; their NHS number is {nhs}. "
        "Courier reference for the splint: {tracking}.",
        "ID check: {name} presented Spanish DNI {dni}; {name2} presented a Polish ID with PESEL {pesel}.",
        # --- added: independent held-out set (written without sight of the detector) ---
        "From: {name} <{email}>\nSent: {timestamp}\nTo: Customer Services\nSubject: Re: refund for {invoice}\n\n"
        "Hello, I'm still waiting on the {price} for the {product} I sent back. Please ring me on {phone} after "
        "{time}, I'm on shifts.\n\nThanks,\n{first}\n\n> On {date}, {name2} wrote:\n> Your return has been "
        "passed to our warehouse team under {ticket}.",
        "Chat started {timestamp}\nAgent {first2}: Thanks for waiting. Can I take the postcode on the account?\n"
        "Customer: {postcode}. It's in my partner's name though, {name}\nAgent {first2}: No problem. And the "
        "first line of the address?\nCustomer: {street}\nAgent {first2}: Great, I've reissued order {order}.",
        "1:1 notes, {date}. Attendees: {name:f} and her line manager {name2}. {first} said the night rota is "
        "affecting her sleep; agreed a phased return and an OH referral. {first}'s personal mobile ({phone}) is "
        "only to be used for welfare calls. Staff ID {staff_id}.",
        "MINUTES: product review, {date}\nPresent: {name}, {name2}, {name3} (chair)\n1. {last2} walked through "
        "the {version} release; the crash rate is down since the fix for {error}.\n2. ACTION {first}: chase "
        "{company} about invoice {invoice} ({price}) before the next meeting.",
        "Dear Dr {last2},\n\nRe: {name:m}, DOB {dob}, NHS {nhs}\n{address}\n\nThank you for referring this "
        "pleasant man, whom I saw in the respiratory clinic on {date}. Spirometry is consistent with moderate "
        "COPD. His daughter asked to be contacted on {phone} about any change to his inhalers.\n\n"
        "Yours sincerely,\n\n{name3}\nConsultant Respiratory Physician",
        "DISCHARGE SUMMARY\nPatient: {last:f}, {first:f}\nDate of birth: {dob}\nNHS Number: {nhs}\nAdmitted "
        "{date} via ED with community-acquired pneumonia, treated with IV co-amoxiclav then oral doxycycline.\n"
        "Next of kin: {name2:m} (husband), tel. {phone2}\nGP: {name3}",
        "Cust rang about missed delivery, tracking {tracking}. Spoke to {name:f} (account holder), who gave her "
        "date of birth as {dob} and says the driver left it with a neighbour at {street}. Offered {price} "
        "goodwill. Callback needed on {phone}; ask for {first}.",
        "DELIVERY NOTE {order}\nDeliver to: {name}, {address}\nContact: {phone}\nItems: {qty} x {sku} "
        "{product}\nCarrier ref: {tracking}\nNotes: leave in the porch, please don't knock.",
        "contact_ref,first_name,last_name,email,mobile,created_at,last_sku\n{order},{first},{last},{email},"
        "{phone},{timestamp},{sku}",
        "Dear {name},\n\nWe have set up the Direct Debit you asked for from sort code {sort_code}, account "
        "number {account}, held jointly with {name2}. The first collection of {price} will be taken on or "
        "shortly after {date}. If you did not authorise this, please reply quoting {ticket}.\n\nKind "
        "regards,\nPayments Team, {company}",
        "Fraud flagged a payment of {price} on card {card} from IP {ip} at {timestamp}. The billing address "
        "given was {address}, which doesn't match what we hold for Mr {last:m}, so the order has been put on "
        "hold.",
        "Subject: can't log in since {version}\nUser: {email} | IP {ip} | client build {build}\nAgent note: "
        "reset MFA once the user confirmed their birth date ({dob}) and postcode ({postcode}). Escalated "
        "{error} to L2 as {ticket}.",
        "Could you forward the attached to {name:f}, who took over payroll from {name2} on {date}? She'll need "
        "the new starter's National Insurance number ({nino}) and passport number ({passport}) before cut-off.",
        "Quick update from me and {first2}: the recall list for the {product} went to {company} yesterday, and "
        "{first2} will speak to {name}'s team about the {qty} units still in the warehouse.",
        "hi its {first} here, my mum {name2:f} cant get into her account ({email2}) since the update. her "
        "birthday is {dob} if you need to check, and her new number is {phone2}. thanks",
        "New starter checklist, {name}\n[x] UK driving licence {licence} seen\n[x] Bank details: {sort_code} / "
        "{account}\n[ ] Emergency contact: {name2} (partner) on {phone2}\n[ ] Start date {date}",
        "Incident {ticket}: unusual sign-ins to {email} from {ip} and {ipv6} between {time} and midnight. The "
        "account owner, {name:f}, confirmed she was on annual leave and has reset her password.",
        "Release notes {version} (build {build}): fixed {error} at checkout when the basket held more than "
        "{qty} items; price of {sku} corrected to {price}. Shipped {date}. Replacement units go out under "
        "{tracking}, see invoice {invoice}.",
        "Supplier {company} (VAT {vat}) asked us to pay into {iban_eu} from now on. Their new accounts contact "
        "is {name}, {email}, and {last}'s deputy is {name2}.",
    ),
    "de": (
        "Hallo zusammen, {name} hat sich krankgemeldet (Bandscheibenvorfall). Erreichbar unter {phone}, "
        "Anschrift: {address}. Die Steueridentifikationsnummer lautet {steuer_id}.",
        "Rückerstattung von {price} an {name}: Konto {iban}, Kartenzahlung mit {card} storniert. "
        "Vorgang {ticket}.",
        "Zugriff am {timestamp} von {ip} auf das Konto {email}; Version {version}, Fehlercode {error}.",
        "Geburtsdatum von Herrn {last:m}: {dob}. Termin zur Vertragsunterzeichnung: {date}.",
        "Sehr geehrte Frau Kollegin {last2:f},\n\nwir berichten über Ihre Patientin {name:f}, geb. {dob}, "
        "wohnhaft {address}, die sich am {date} mit akuten Oberbauchschmerzen in unserer Notaufnahme "
        "vorstellte. Sonographisch Cholezystolithiasis.\n\nMit freundlichen Grüßen\n{name3:f}\nOberärztin",
        "Von: {name} <{email}>\nGesendet: {timestamp}\nAn: Buchhaltung\nBetreff: AW: Rechnung {invoice}\n\n"
        "Hallo {first2},\n\ndie Gutschrift über {price} bitte auf mein neues Konto {iban} überweisen, das alte "
        "ist gekündigt.\n\nGruß\n{first}\n\n-----Ursprüngliche Nachricht-----\nVon: {name2}\nBetreff: "
        "Rechnung {invoice}",
        "Telefonnotiz {date}, {time} Uhr: Herr {last:m} (Personalnr. {staff_id}) ruft an, seine "
        "Lohnsteuerbescheinigung ging an die alte Adresse. Neue Anschrift: {address}. Steuer-IdNr. zur "
        "Prüfung: {steuer_id}. Rückruf unter {phone}.",
        "Lieferschein {order}, Empfänger: {name}, {street}. Bei Abwesenheit bitte bei Nachbarin {last2:f} "
        "abgeben. Sendungsnummer {tracking}, {qty} × {product}.",
    ),
    "fr": (
        "Madame {last:f} (née le {dob}) souhaite modifier son adresse : {address}. Elle est joignable au "
        "{phone}.",
        "Échec du paiement par carte {card} ; connexion depuis l'adresse IP {ip} le {timestamp}.",
        "Arrêt maladie de {name} à partir du {date} : lombalgie. N° de sécu : {nir}. Contact : {email}.",
        "Commande {order} expédiée, suivi {tracking}, montant {price}, version de l'appli {version}.",
        "Compte rendu du comité du {date}\nPrésents : {name}, {name2:f} (DRH), {name3}\n1. Mme {last2:f} "
        "présente le bilan social.\n2. {first} relance {company} au sujet de la facture {invoice} ({price}).",
        "Compte rendu d'hospitalisation\nPatiente : {name:f}, date de naissance : {dob}, NIR : {nir}\n"
        "Adresse : {address}\nHospitalisée le {date} pour pyélonéphrite aiguë. Médecin traitant : Dr {last2}.",
        "Client : Bonjour, j'appelle pour ma mère, {name2:f}, qui n'arrive plus à se connecter ({email2}).\n"
        "Conseiller : Pouvez-vous me confirmer le téléphone du compte ?\nClient : {phone}\nConseiller : Merci "
        "{first}, l'accès est réinitialisé, ticket {ticket}.",
        "Madame, Monsieur,\n\nNous vous confirmons le prélèvement de {price} sur le compte {iban} ouvert au nom "
        "de {name}, à compter du {date}. Pour toute contestation, merci de rappeler la référence {invoice}.",
    ),
    "nl": (
        "Hoi, ik ben {name} en mijn burgerservicenummer is {bsn}. Ik woon op {address}.",
        "Inlogpoging vanaf {ip} om {timestamp} voor account {email}; creditcard {card} geblokkeerd.",
        "{name} is ziek gemeld sinds {date} (burn-out). Bereikbaar via {phone}.",
        "{company} heeft pakket {tracking} met {qty} stuks {product} op {date} verzonden.",
        "Klant {name} belde op {date} om {time} over de kapotte {product}. Volgens {first} is het serienummer "
        "{serial}. Retour aangemaakt ({ticket}), ophalen op {address}. Terugbellen op {phone}.",
        "Van: {name} <{email}>\nAan: {name2}\nOnderwerp: Re: salarisstrook\n\nHoi {first2},\n\nMijn salaris "
        "staat nog steeds niet op mijn rekening. Kun je het IBAN controleren? Het moet {iban} zijn.\n\nGroet,\n"
        "{first}\n\n> Op {date} schreef {name2}:\n> Ik heb je gegevens aangepast.",
        "Geachte collega {last2},\n\nHierbij bericht over uw patiënt {name:m}, geboren op {dob}, BSN {bsn}, "
        "die op {date} werd opgenomen met een longembolie. Hij is ontslagen met apixaban.\n\nMet vriendelijke "
        "groet,\n{name3}, arts-assistent interne geneeskunde",
        "Notulen teamoverleg {date}. Aanwezig: {name}, {name2} en {name3}. Actiepunt voor {first2}: "
        "bestelling {order} bij {company} navragen, factuur {invoice} van {price} staat nog open.",
    ),
    "it": (
        "Gentile sig. {last:m}, la sua pratica {ticket} è stata chiusa. La contatteremo al {phone}.",
        "Accesso da {ip} alle {time} del {date}; carta {card} bloccata per sicurezza.",
        "{name:f}, nata il {dob}, residente in {address}, CF {cf}.",
        "Spedizione {tracking} partita il {date} da {company}; build {build}.",
        "Lettera di dimissione\nPaziente: {name:m}, nato il {dob}, C.F. {cf}\nRicoverato dal {date} per "
        "polmonite comunitaria, trattata con ceftriaxone. Medico curante: dott.ssa {last2:f}.",
        "Da: {name} <{email}>\nA: Ufficio Personale\nOggetto: R: cedolino\n\nBuongiorno {first2}, vi segnalo "
        "il nuovo IBAN per l'accredito dello stipendio: {iban}.\nCordiali saluti,\n{first}\n\nIl giorno {date} "
        "{name2} ha scritto:\n> Ci serve l'IBAN aggiornato entro fine mese.",
        "Nota operatore: la sig.ra {last:f} chiama per un addebito di {price} non riconosciuto sulla carta "
        "{card}. Ha confermato l'indirizzo ({address}) e il numero {phone}. Aperta contestazione {ticket}; il "
        "marito, {name2:m}, è cointestatario.",
        "Ordine {order}: {qty} pezzi di {sku} consegnati il {date} da {company}, fattura {invoice}, totale "
        "{price}.",
    ),
    "es": (
        "Buenas tardes, le escribe {name:m} (nacido el {dob}). Mi número de identidad de extranjero es {nie} "
        "y vivo en {address}.",
        "Cargo rechazado en la tarjeta {card}; IP de origen {ip}, hora {timestamp}.",
        "Baja médica de {name} desde el {date} por ansiedad. DNI: {dni}. Contacto: {phone}.",
        "El envío {tracking} con {qty} unidades de {product} salió el {date}; precio {price}.",
        "Agente: Buenos días, ¿me indica su nombre completo?\nCliente: {name}\nAgente: Gracias. ¿Un teléfono "
        "de contacto?\nCliente: {phone}, o mejor al correo {email}\nAgente: Perfecto, {first}, he abierto la "
        "incidencia {ticket} por el {product} averiado.",
        "Informe de alta\nPaciente: {name:f}. Fecha de nacimiento: {dob}. DNI: {dni}.\nIngresó el {date} por "
        "una fractura de cadera. Se remite a su médico de cabecera, el Dr. {last2:m}.",
        "Hola {first2}: te paso los datos de la nueva incorporación para nómina. Nombre: {name}; NIE: {nie}; "
        "cuenta: {iban}; domicilio: {address}. Empieza el {date}.\nUn saludo,\n{name3}",
        "Reunión de seguimiento del {date}. Asisten {name}, {name2} y {name3}. {last2} informa de que el error "
        "{error} de la versión {version} ya está corregido.",
    ),
}


def _sibling(name: str) -> Any:
    """Load a template module that sits beside this file (bench/ is not a package)."""
    import importlib.util

    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_gdprep_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Later batches live in their own files, each written without reading the other split or the detector.
TUNE_TEMPLATES_EXTRA4: Final[dict[str, tuple[str, ...]]] = _sibling("devset_tune_extra").TUNE_TEMPLATES_EXTRA4
TUNE_TEMPLATES_EXTRA5: Final[dict[str, tuple[str, ...]]] = _sibling("devset_tune_extra5").TUNE_TEMPLATES_EXTRA5
HELDOUT_TEMPLATES_EXTRA: Final[dict[str, tuple[str, ...]]] = (
    _sibling("devset_heldout_extra").HELDOUT_TEMPLATES_EXTRA)
HELDOUT_TEMPLATES_EXTRA2: Final[dict[str, tuple[str, ...]]] = (
    _sibling("devset_heldout_extra2").HELDOUT_TEMPLATES_EXTRA2)


def templates(split: str) -> dict[str, tuple[str, ...]]:
    """The template set of a split, by language."""
    _check_split(split)
    if split == "heldout":
        return {lang: HELDOUT_TEMPLATES[lang] + HELDOUT_TEMPLATES_EXTRA.get(lang, ())
                + HELDOUT_TEMPLATES_EXTRA2.get(lang, ()) for lang in HELDOUT_TEMPLATES}
    batches = (TUNE_TEMPLATES_EXTRA, TUNE_TEMPLATES_EXTRA2, TUNE_TEMPLATES_EXTRA3, TUNE_TEMPLATES_EXTRA4,
               TUNE_TEMPLATES_EXTRA5)
    return {lang: TUNE_TEMPLATES[lang] + sum((b.get(lang, ()) for b in batches), ()) for lang in TUNE_TEMPLATES}


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise UsageError(f"--split must be one of {', '.join(SPLITS)} (got {split!r})")


def generate_devset(n: int, seed: int, split: str) -> list[dict[str, Any]]:
    """`n` labelled records of one split; deterministic for (n, seed, split)."""
    _check_split(split)
    if n < 1:
        raise UsageError(f"--n must be at least 1 (got {n})")
    data = FakeData(f"devset:{split}:{seed}", name_pools(split), lowercase_rate=0.25)
    by_lang = templates(split)
    langs = tuple(LANG_WEIGHTS)
    weights = tuple(LANG_WEIGHTS.values())
    records: list[dict[str, Any]] = []
    for i in range(n):
        lang = data.rng.choices(langs, weights=weights)[0]
        text, spans = fill_template(data.rng.choice(by_lang[lang]), RecordContext(data, lang))
        records.append({"id": f"{split}-{seed}-{i:05d}", "text": text, "lang": lang,
                        "spans": [s.as_dict() for s in spans]})
    return records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/devset.py",
                                     description="Generate the labelled PII dev set (see module docstring).")
    parser.add_argument("--n", type=int, default=600, help="number of records (default 600)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--split", choices=SPLITS, default="heldout", help="template/name split")
    parser.add_argument("--out", type=Path, required=True, help="output JSONL path")
    args = parser.parse_args(argv)
    records = generate_devset(args.n, args.seed, args.split)
    write_jsonl(records, args.out)
    print(f"wrote {len(records)} {args.split} records to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
