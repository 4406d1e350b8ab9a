"""`prose_in`: a text's language told by function words only that language has."""

from __future__ import annotations

import pytest

from gdprep.privacy.wordlists import prose_in


@pytest.mark.parametrize(("lang", "text"), [
    ("nl", "Ik heb mijn nummer al doorgegeven, maar er is nog geen antwoord."),
    ("de", "Ich habe die Rechnung noch nicht bekommen, bitte schicken Sie sie nochmal."),
])
def test_prose_of_a_language_is_recognised(lang: str, text: str) -> None:
    assert prose_in(lang, text)


@pytest.mark.parametrize(("lang", "text"), [
    ("nl", "Please send the invoice to Anna van Dijk before Friday."),   # a Dutch surname is no Dutch prose
    ("nl", "Ich habe die Rechnung noch nicht bekommen."),
    ("de", "Ik heb mijn nummer al doorgegeven."),
    ("de", "Kind regards, Hans"),
])
def test_other_text_is_not(lang: str, text: str) -> None:
    assert not prose_in(lang, text)
