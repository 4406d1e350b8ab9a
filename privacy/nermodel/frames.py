"""English prose frames for the model corpus (recipe 5): what people write before and after a name or an
address in running text, composed freely so that the model learns names and addresses from their shape and
the words around them rather than from a few fixed sentences.

Every phrase here was written for this recipe (recipe 6 added the clause frames). A frame is
`lead + slot + tail`, where the slot is a corpus placeholder (`{name}`, `{addr}` ...), and one example joins one
to three frames into a paragraph. Some frames carry a company, product, city or team in the slot instead,
unlabelled, so that "I spoke with" is not read as "a name follows".
"""

from __future__ import annotations

import random
from typing import Final

# what comes before a person's name in a sentence
PERSON_LEADS: Final[tuple[str, ...]] = (
    "Our records show", "I spoke with", "The form was signed by", "According to", "Please forward this to",
    "This morning I met", "We still need approval from", "The account belongs to", "Can you ask",
    "Payment was received from", "Ask for", "I had a meeting with", "The interview is scheduled with",
    "Emergency contact:", "Next of kin:", "My manager,", "Our new hire,", "Please welcome", "Congratulations to",
    "The driver,", "Reported by", "Assigned to", "cc", "Approved by", "Landlord:", "Guarantor -",
    "The claimant,", "A complaint was raised by", "The parcel was handed to", "The referral came from",
    "I was told by", "Yesterday we heard from", "The booking is under the name of", "Invoice addressed to",
    "The tenant,", "Please cancel the subscription for", "The doctor on call was", "Signed:", "Witness:",
    "Pupil:", "Client name", "Do you remember", "I think", "Last week", "Then", "Apparently", "Tell",
    "Could you call", "We are writing to inform", "The keys were collected by", "Contract holder -",
    "The visit was rescheduled by", "The author of the report is", "Mentor:", "Buyer:", "Seller:",
    "This letter is to confirm that", "Questions about the claim go to", "Our representative",
    "The complaint concerns", "Prescription for", "The nurse who saw",
)
# what follows a person's name (the name ends the lead's sentence or starts the next clause)
PERSON_TAILS: Final[tuple[str, ...]] = (
    "as the account holder.", "yesterday.", "about the refund.", "on Monday.", "before the end of the month.",
    "and nobody else.", "for the second time.", "(see attached).", "- see the notes below.", "at 10am.",
    "over the phone.", "last year.", "once the payment clears.", ".", "!", "?", ", please.", "in person.",
    "without any delay.", "regarding the missing invoice.", "about her pension.", "about his pension.",
    "and the team.", "from the Leeds office.", "on behalf of the family.", "by e-mail.",
)
# a name opening a sentence, then what that person did
PERSON_SUBJECT_TAILS: Final[tuple[str, ...]] = (
    "called about the delayed refund.", "will join the call at noon.", "has left the company.",
    "is on leave until Monday.", "asked us to update the address.", "confirmed the booking.",
    "'s application was approved.", "signed the tenancy agreement.", "was discharged on Friday.",
    "requested a copy of her data.", "requested a copy of his data.", "did not attend the appointment.",
    "sent the documents by post.", "paid the outstanding balance.", "wants to be contacted by e-mail only.",
    "reported a leak in the bathroom.", "works in accounts.", "is the main contact for this case.",
    "and I will review the file.", "was promoted to team lead.", "took over the project.",
    "complained about the noise again.", "has two children.", "is allergic to penicillin.",
    "(account manager) will follow up.", "- thanks for your patience!", "said the parcel never arrived.",
)
# what comes before an address
ADDRESS_LEADS: Final[tuple[str, ...]] = (
    "Our records show the address as", "Deliver to", "The property at", "The viewing is at",
    "Home address:", "He grew up at", "She grew up at", "The incident happened outside", "Collect from",
    "She now lives at", "He now lives at", "Their previous address was", "Residence:", "Please send the card to",
    "The flat at", "Correspondence address -", "Registered at", "Return the form to", "The meeting point is",
    "Forwarding address:", "They moved out of", "The boiler at", "Statements go to", "The new tenant at",
    "Post for the family should go to", "Current address", "I used to live at", "Visit us at",
    "The accident was reported at", "Shipping to",
)
ADDRESS_TAILS: Final[tuple[str, ...]] = (
    "since 2019.", "(ground floor).", ", which is near the station.", "- please confirm.", "was sold last year.",
    ".", "until further notice.", "from next week.", "and not the old one.", "by Friday.", "today.",
    "(back door).", "for all future letters.", "?", "as agreed.",
)
# a name and an address in one sentence
PERSON_ADDRESS: Final[tuple[str, ...]] = (
    "{name} of {addr} has asked to be removed from the mailing list.",
    "{name}, {addr}.",
    "{name} ({addr})",
    "{name} lives at {addr} and can be reached on {phone}.",
    "The new address for {name} is {addr}.",
    "Please send {first}'s documents to {addr}.",
    "{hon} has moved from {addr} to {addr2}.",
    "Tenant {name} at {addr} reported a broken window.",
    "{name} - {addr} - {phone}",
    "Recipient: {name}, {addr}",
)
# recipe 6: a name inside the sentence's structure rather than after a lead-in: in a clause that opens the
# sentence ("As X mentioned earlier, ..."), between commas as an appositive, at the end after a verb, in a
# question, in a list; written for this recipe like the phrases above
CLAUSE_OPENERS: Final[tuple[str, ...]] = (
    "As", "When", "Before", "After", "Although", "Since", "Because", "If", "Once", "Unless", "While", "Until",
    "Now that", "Even though", "Just as", "Ever since",
)
CLAUSE_VERBS: Final[tuple[str, ...]] = (
    "mentioned earlier", "said", "pointed out", "explained on the call", "left", "arrived", "called back",
    "agreed", "signed the lease", "was away", "wrote yesterday", "asked", "replied", "joined the team",
    "finished the audit", "approved it", "noticed", "suggested last week", "moved house", "went on leave",
    "took over", "complained", "confirmed", "is not here",
)
MAIN_CLAUSES: Final[tuple[str, ...]] = (
    "the printer is broken", "we have closed the ticket", "the refund went out on Friday",
    "nobody has updated the rota", "the meeting moved to Thursday", "the figures need checking again",
    "please resend the contract", "I have escalated it", "the order was put on hold", "we will need a new quote",
    "the keys are with reception", "the claim is still open", "I cannot sign it off", "the boiler was fixed",
    "the form has to be filed again", "everyone else has been told",
)
APPOSITIVE_HEADS: Final[tuple[str, ...]] = (
    "The auditor", "Our landlord", "Her solicitor", "His solicitor", "The new caretaker", "Their accountant",
    "The on-call engineer", "My neighbour", "The course tutor", "Our contact at the bank", "The shift supervisor",
    "The previous owner", "Your case worker", "The head of finance", "A former colleague",
)
APPOSITIVE_TAILS: Final[tuple[str, ...]] = (
    "found three issues.", "has not replied.", "is off sick today.", "needs the keys back.", "sent a reminder.",
    "will chair the panel.", "signed for the parcel.", "disagreed.", "asked for a refund.", "was copied in.",
)
OBJECT_LEADS: Final[tuple[str, ...]] = (
    "The prize was shared with", "It turned out to be", "The last person to leave was", "Everyone voted for",
    "Keys are held by", "The spare laptop went to", "Thanks again to", "Minutes taken by", "Nobody has heard from",
    "The complaint was about", "I was sitting next to", "The shift was swapped with", "Send my regards to",
    "The request came in from", "We owe an apology to", "Half the team blamed", "The caller asked for",
)
QUESTIONS: Final[tuple[str, ...]] = (
    "Has {slot} replied yet?", "Will {slot} be at the offsite?", "Does {slot} still need a laptop?",
    "Did {slot} sign the NDA?", "Why did {slot} cancel?", "Where is {slot} based now?",
    "Was {slot} told about the change?", "Can {slot} cover the late shift?", "Who is covering for {slot}?",
    "Shall I loop in {slot}?",
)
LISTS: Final[tuple[str, ...]] = (
    "{a}, {b} and {c} attended.", "Present: {a}, {b}, {c}.", "{a} and {b} were absent.",
    "Thanks to {a}, {b} and {c} for their help.", "The panel ({a}, {b}) agreed.", "{a} with {b}",
)
# a surname alone, or a given name alone, stands in a slot as often as a full name
_CLAUSE_SLOTS: Final[tuple[str, ...]] = ("{name}", "{name}", "{name}", "{last}", "{first}", "{hon}")


def _clause_sentence(rng: random.Random, slot: str) -> str:
    r = rng.random()
    if r < 0.3:
        return f"{rng.choice(CLAUSE_OPENERS)} {slot} {rng.choice(CLAUSE_VERBS)}, {rng.choice(MAIN_CLAUSES)}."
    if r < 0.45:
        return f"{rng.choice(APPOSITIVE_HEADS)}, {slot}, {rng.choice(APPOSITIVE_TAILS)}"
    if r < 0.7:
        return f"{rng.choice(OBJECT_LEADS)} {slot}."
    if r < 0.88:
        return rng.choice(QUESTIONS).replace("{slot}", slot)
    slots = [f"{{name{i}}}" if rng.random() < 0.6 else rng.choice((f"{{first{i}}}", f"{{last{i}}}"))
             for i in (2, 3, 4)]
    return rng.choice(LISTS).format(a=slots[0], b=slots[1], c=slots[2])


# what may stand in a person's slot without being one
NOT_A_PERSON: Final[tuple[str, ...]] = ("{company}", "{team}", "{city}", "{product}", "the {team}", "{company}'s team")


def _person_sentence(rng: random.Random, slot: str) -> str:
    if rng.random() < 0.4:
        return f"{slot} {rng.choice(PERSON_SUBJECT_TAILS)}".replace(" '", "'")
    tail = rng.choice(PERSON_TAILS)
    glue = "" if tail[:1] in ".!?," else " "
    return f"{rng.choice(PERSON_LEADS)} {slot}{glue}{tail}"


def _address_sentence(rng: random.Random) -> str:
    tail = rng.choice(ADDRESS_TAILS)
    glue = "" if tail[:1] in ".?," else " "
    slot = "{addrml}" if rng.random() < 0.1 else rng.choice(("{addr}", "{addr}", "{street}"))
    return f"{rng.choice(ADDRESS_LEADS)} {slot}{glue}{tail}"


def prose_frames(rng: random.Random) -> str:
    """A paragraph of one to three frames, as a corpus template (placeholders still to fill)."""
    parts: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        r = rng.random()
        if r < 0.3:
            slot = rng.choice(("{name}", "{name}", "{name}", "{first}", "{hon}", "{name2}"))
            parts.append(_person_sentence(rng, slot))
        elif r < 0.5:
            parts.append(_clause_sentence(rng, rng.choice(_CLAUSE_SLOTS)))
        elif r < 0.75:
            parts.append(_address_sentence(rng))
        elif r < 0.87:
            parts.append(rng.choice(PERSON_ADDRESS))
        else:  # the same frames around something that is no person
            not_a_person = rng.choice(NOT_A_PERSON)
            parts.append(_person_sentence(rng, not_a_person) if rng.random() < 0.6
                         else _clause_sentence(rng, not_a_person))
    return " ".join(parts)
