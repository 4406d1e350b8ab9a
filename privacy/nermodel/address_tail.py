"""Where a street address ends on an English envelope: after the units and the ZIP code that follow the street.

Kept free of Presidio and spaCy: `gdprep.privacy.engine` imports it at module level, before a detection worker
has armed its parent-death signal.
"""

from __future__ import annotations

import regex

# what follows a street on an English envelope and stays part of the address: its units ("Apt. 335",
# "Suite 542 Apt. 249", "Unit 4", "#12") and a ZIP code ("... Apt. 335 21780")
_UNIT_WORD = r"(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Room|Rm\.|Floor|Fl\.|Bldg\.?|Building|\#)"
_UNIT_NUMBER = r"[ \t]*\#?\d{1,5}[A-Za-z]?(?![\p{L}\p{N}.,]\w)"
_UNITS_AND_ZIP: regex.Pattern[str] = regex.compile(
    # a span that stops after the unit's word ("... Calvin Brook Apt.") takes its number first
    rf"(?:(?<=(?<![\p{{L}}]){_UNIT_WORD}){_UNIT_NUMBER})?"
    rf"(?:,?[ \t]+{_UNIT_WORD}{_UNIT_NUMBER}){{0,2}}"
    # a ZIP code, not the first group of a phone number ("... tel 25520 19 015")
    r"(?:[ \t]+\d{5}(?:-\d{4})?(?![ \t]*\d))?(?![\p{L}\p{N}]|[.,]\d)"
)


def with_units_and_zip(text: str, end: int) -> int:
    """Where a street address found up to `end` really ends: after the units and ZIP code that follow it."""
    match = _UNITS_AND_ZIP.match(text, end)
    return match.end() if match is not None else end
