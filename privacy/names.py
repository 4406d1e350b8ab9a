"""Given-name and surname frequencies from public, installed reference lists (never from Faker).

- Given names: Jörg Michael's `nam_dict.txt` (GNU FDL), shipped in the `gender-guesser` package. About
  48,000 names with a frequency from 1 (rare) to 13 (extremely common) for each of 55 countries; the
  file is read, never modified or redistributed.
- Surnames: the 1990 US Census surname list (public domain), shipped in the `names` package, ranked by
  frequency. US surnames carry most British, Irish, German, Italian, Spanish and Polish family names.

Both lists contain ordinary words ("will", "rosa", "day"); the recognizer decides what a bare token
needs (capitals, a surname, a sentence position) before it is reported.
"""

from __future__ import annotations

import functools
from importlib import resources

# A name's frequency is the highest it has in any country column of nam_dict.txt.
FREQ_MAX = 13
_COUNTRY_COLUMNS = slice(30, 85)


@functools.cache
def given_names() -> dict[str, int]:
    """Lower-cased given name -> highest frequency (1-13) in any country of nam_dict.txt."""
    path = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    out: dict[str, int] = {}
    with resources.as_file(path) as file, open(file, encoding="utf-8") as handle:
        for line in handle:
            if not line or line[0] in "#=" or len(line) < 31:
                continue
            name = line[3:29].strip()
            freq = max((int(ch, 16) for ch in line[_COUNTRY_COLUMNS] if ch in "0123456789ABCDEFabcdef"), default=0)
            if not name or freq == 0:
                continue
            # "Jan+Erik" is written Jan-Erik, Jan Erik or JanErik; multi-word names are matched per token
            for variant in {name.replace("+", "-"), name.replace("+", "")}:
                key = variant.lower()
                out[key] = max(freq, out.get(key, 0))
    return out


@functools.cache
def surname_ranks() -> dict[str, int]:
    """Lower-cased surname -> rank (1 = most common) in the 1990 US Census surname list."""
    path = resources.files("names").joinpath("dist.all.last")
    out: dict[str, int] = {}
    with resources.as_file(path) as file, open(file, encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 4:
                out.setdefault(parts[0].lower(), int(parts[3]))
    return out
