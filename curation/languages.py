"""The languages the offline detector (lingua) knows, the detector for a set of them, and the check of
language codes in a config."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from gdprep.errors import ConfigError


@functools.cache
def supported_languages() -> frozenset[str]:
    """ISO 639-1 codes (lower case) that the language detector knows."""
    return frozenset(language.iso_code_639_1.name.lower() for language in Language.all())


@functools.cache
def language_detector(codes: frozenset[str], low_accuracy: bool) -> LanguageDetector:
    # built once per language set and mode; lingua loads each script's models on first use
    languages = [Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in sorted(codes)]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def language_codes(languages: Sequence[str], where: str) -> list[str]:
    """Lower-cased, de-duplicated codes; ValueError naming `where` for a code the detector does not know."""
    codes = list(dict.fromkeys(code.lower() for code in languages))
    unknown = [code for code in codes if code not in supported_languages()]
    if unknown:
        raise ValueError(f"{where} has codes the language detector does not know: {unknown}; use ISO 639-1 "
                         f"codes from {sorted(supported_languages())}")
    return codes


def validated_languages(languages: Sequence[str], where: str) -> list[str]:
    try:
        return language_codes(languages, where)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
