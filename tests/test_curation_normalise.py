"""Comparison keys of the curation stage (issue 3): normalisation never merges different content."""

from __future__ import annotations

from gdprep.curation.normalise import content_hash, normalise, training_text


def test_normalise_nfkc_whitespace_and_case() -> None:
    assert normalise("  Ｒｅｆｕｎｄ\tthe\n\n ORDER ") == "refund the order"
    assert normalise("Refund  ORDER", casefold=False) == "Refund ORDER"
    assert normalise("ﬁle") == "file"  # the ligature folds under NFKC


def test_exact_duplicates_share_a_hash_whatever_the_spacing_or_case() -> None:
    a = {"id": "1", "prompt": "Where is my order?", "completion": "It ships today."}
    b = {"id": "2", "prompt": "where is  my ORDER?", "completion": "It ships today.\n"}
    assert content_hash(a) == content_hash(b)
    assert content_hash(a, casefold=False) != content_hash(b, casefold=False)


def test_field_boundaries_are_part_of_the_key() -> None:
    a = {"prompt": "ab", "completion": "c"}
    b = {"prompt": "a", "completion": "bc"}
    assert content_hash(a) != content_hash(b)


def test_chat_roles_are_part_of_the_key() -> None:
    user = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    swapped = {"messages": [{"role": "assistant", "content": "Hi"}, {"role": "user", "content": "Hello"}]}
    assert content_hash(user) != content_hash(swapped)
    assert training_text(user) == "user:hi\x1fassistant:hello"


def test_text_records() -> None:
    assert training_text({"text": " Hello   World "}) == "hello world"
    assert content_hash({"text": "a"}) != content_hash({"text": "b"})
