"""A capitalised word joined by "and" to a name is a name too, and so is a surname before "<given name>,"
(`coordinated_names`), in the detector's output."""

from __future__ import annotations

import pytest

from gdprep.policies import load_policy
from gdprep.privacy.engine import Detector
from gdprep.privacy.nermodel.lone_names import coordinated_names


def _coordinated(text: str, name: str) -> list[str]:
    start = text.index(name)
    return [text[s:e] for s, e in coordinated_names(text, [(start, start + len(name))])]


@pytest.mark.parametrize(("text", "found", "expected"), [
    ("Herberto and Néstor Ruiz are coming to dinner.", "Néstor Ruiz", ["Herberto"]),
    ("Please ask Anna und Jannik to sign.", "Anna", ["Jannik"]),
    ("Merci à Sylvie et Mathéo pour leur aide.", "Sylvie", ["Mathéo"]),
    ("Lo firmaron Lucía y Tomás ayer.", "Lucía", ["Tomás"]),
    ("Chelsea & Angela called.", "Angela", ["Chelsea"]),
    # Dutch "en" is "and" in Dutch prose only ("en" is "in" in Spanish and French)
    ("Marieke de Vries en Jort spreken af dat hij het morgen met de klant bespreekt.", "Marieke de Vries", ["Jort"]),
    ("Banco en Reino Unido", "Reino Unido", []),
    # an ordinary word, or one word of a longer proper name, is not taken
    ("Our supplier is Smith and Nephew.", "Smith", []),
    ("The cheque went to Brightwater and Partners Ltd.", "Brightwater", []),
    ("I met Tom and Jerry Lewis.", "Tom", []),
    ("The Rev Anna and Tom", "Tom", []),
    ("Dear Luke and Clare,", "Clare", ["Luke"]),                  # a capitalised greeting is no part of a name
    # lower case or a single letter is no name word
    ("Anna and friends", "Anna", []),
    ("Anna and B", "Anna", []),
    # a surname before a given name and a comma, inside a sentence
    ("Please make the cheque payable to Oyelaran, Beverley.", "Beverley", ["Oyelaran"]),
    ("I have known Dubreuil, Thomas for years.", "Thomas", ["Dubreuil"]),
    ("In Zaragoza, Anna met the team.", "Anna", []),              # a place after a preposition
    ("Hola, Carlos: te paso el contacto", "Carlos", []),          # at the start: a greeting as often
    ("Harbour Foods, Anna called.", "Anna", []),                 # one word of a longer proper name
    ("Sent to Oyelaran, Xq.", "Xq", []),                          # the name after the comma is no given name
    # opening a line or a record, when the word is a listed surname and the name ends the record
    ("Burgess, Dawn - Senior Analyst", "Dawn", ["Burgess"]),
    ("Emergency contact: Howells, Marie (sister)", "Marie", ["Howells"]),
    ("Thanks, Marie (sister)", "Marie", []),                     # a cue word opens it
    ("Burgess, Dawn said she would call", "Dawn", []),            # the name does not end the record
    ("Send it to Harbour Foods, Anna.", "Anna", []),             # one word of a longer proper name
    ("From Leeds, Sarah wrote back.", "Sarah", []),              # a place after a preposition, capitalised
])
def test_a_capitalised_word_joined_to_a_name(text: str, found: str, expected: list[str]) -> None:
    assert _coordinated(text, found) == expected


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_policy("uk-gdpr-default"))


@pytest.mark.parametrize(("text", "names"), [
    ("Herberto and Néstor Ruiz are coming to dinner.", {"Herberto", "Néstor Ruiz"}),
    ("Encarnación and Tomás Ruiz joined the team in May.", {"Encarnación", "Tomás Ruiz"}),
])
def test_the_detector_finds_both_names_of_a_pair(detector: Detector, text: str, names: set[str]) -> None:
    # the model reads the second name from its surname; the first, alone at the sentence's start, from "and"
    kept, review = detector.scan_records([[("text", text)]])[0]
    assert {text[f.start:f.end] for f in [*kept, *review] if f.entity_type == "PERSON"} == names


@pytest.mark.parametrize(("text", "expected"), [
    ("ask feargal when she is back", ["feargal"]),
    ("is león around today?", ["león"]),
    ("thanks tess!", ["tess"]),
    ("ask everyone when they are back", []),          # an English word
    ("ping ops about it", []),                        # no given name of the reference lists
    ("mail tess@example.org", []),                    # part of an e-mail address
    ("thanks tess.smith@example.org", []),
    ("ask tess.", ["tess"]),                          # a sentence's full stop
    ("the tess file", []),                            # no cue word before it
])
def test_a_lower_case_given_name_after_a_chat_cue(text: str, expected: list[str]) -> None:
    from gdprep.privacy.nermodel.lone_names import names_in_context

    assert [text[s:e] for s, e in names_in_context(text, [])] == expected
