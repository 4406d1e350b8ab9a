"""Word look-ups behind the name checks: the dictionary of ordinary words (English and EU function words) and
the public reference lists of given names and surnames."""

from __future__ import annotations

import functools


@functools.cache
def common_words() -> frozenset[str]:
    from gdprep.privacy.wordlists import EU_STOP_WORD_LANGUAGES, english_words, stop_words

    return english_words() | stop_words(*EU_STOP_WORD_LANGUAGES)


def given_name_frequency(word: str) -> int:
    from gdprep.privacy.names import given_names

    return given_names().get(word.strip(".,'’()").lower(), 0)


# an everyday word is still evidence of a name when it is a common given name or surname ("Rose", "Wall")
_NAME_FREQUENCY_MIN = 1
_SURNAME_RANK_MAX = 5000


@functools.lru_cache(maxsize=65536)
def plain_word(word: str) -> bool:
    """An ordinary word (English dictionary with its inflections, EU function words) that the public
    reference lists do not know as a common given name or surname."""
    return _ordinary(word, common_words(), ("s", "es", "ed", "d", "ing", "ly"))


@functools.cache
def _english_words() -> frozenset[str]:
    from gdprep.privacy.wordlists import english_words, stop_words

    return english_words() | stop_words("en")


@functools.lru_cache(maxsize=65536)
def plain_english_word(word: str) -> bool:
    """`plain_word` for English alone: an English dictionary word or function word (or one with a regular
    ending: -s, -es, -ed, -d, -ing) that the reference lists do not know as a common name."""
    return _ordinary(word, _english_words(), _ENGLISH_ENDINGS)


def _ordinary(word: str, dictionary: frozenset[str], endings: tuple[str, ...]) -> bool:
    """`word` (punctuation stripped, any case) is in `dictionary`, or is one of its words with one of `endings`,
    and is no common given name or surname."""
    w = word.strip(".,'’()!?\"").lower()
    if not w:
        return True
    return _in_dictionary(w, dictionary, endings) and not name_like(w)


_ENGLISH_ENDINGS = ("s", "es", "ed", "d", "ing")


def _in_dictionary(w: str, dictionary: frozenset[str], endings: tuple[str, ...]) -> bool:
    """`w` (lower case) is in `dictionary`, or is one of its words with one of `endings`."""
    return w in dictionary or any(w.endswith(ending) and w[: -len(ending)] in dictionary for ending in endings)


UNRANKED = 10**9


def surname_rank(word: str) -> int:
    """The word's rank among the public reference list's surnames (1 = most common), or `UNRANKED`."""
    from gdprep.privacy.names import surname_ranks

    return surname_ranks().get(word.lower(), UNRANKED)


def name_like(word: str) -> bool:
    """A common given name or a ranked surname in the public reference lists."""
    w = word.strip(".,'’()").lower()
    return given_name_frequency(w) >= _NAME_FREQUENCY_MIN or surname_rank(w) <= _SURNAME_RANK_MAX


_COMMON_SURNAME_RANK = 1000


def common_surname(word: str) -> bool:
    """A capitalised word among the most common surnames of the public reference list ("Allen", "Love")."""
    return word[:1].isupper() and surname_rank(word) <= _COMMON_SURNAME_RANK


@functools.lru_cache(maxsize=65536)
def english_word(word: str) -> bool:
    """An English dictionary or function word, or one of them with a regular ending, whether or not the
    reference lists also know it as a name ("line", "edit", "mark")."""
    return _in_dictionary(word.strip(".,'’()!?\"").lower(), _english_words(), _ENGLISH_ENDINGS)


def name_evidence(word: str) -> float:
    """1 for a given name of some frequency or a surname among the 20,000 most common, 0.5 for a rarer entry
    of the lists ("cristal"), 0 for a word they do not hold."""
    frequency, rank = given_name_frequency(word), surname_rank(word)
    if frequency >= 2 or rank <= 20_000:
        return 1.0
    return 0.5 if frequency or rank < UNRANKED else 0.0
