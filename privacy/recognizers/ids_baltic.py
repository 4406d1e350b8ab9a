"""Personal identity numbers of the Baltic states: EE isikukood, LV personas kods, LT asmens kodas.

The Estonian and Lithuanian codes share one layout (sex and century, YYMMDD, serial, mod 11 check digit);
the Latvian one is DDMMYY-CNNNN, or from July 2017 a code starting 32 without a birth date.
"""

from __future__ import annotations

from typing import ClassVar

from stdnum.ee import ik as stdnum_ik
from stdnum.lt import asmens as stdnum_asmens
from stdnum.lv import pvn as stdnum_lv_pvn

from gdprep.privacy.recognizers.national import (
    BARE,
    SHAPED,
    NationalIdRecognizer,
    digits_of,
    not_in_future,
)


def _century_born(first: str, yymmdd: str) -> bool:
    """EE/LT: the first digit gives sex and century (1-2: 1800s, 3-4: 1900s, 5-6: 2000s)."""
    if first not in "123456":
        return False
    century = 1800 + (int(first) - 1) // 2 * 100
    return not_in_future(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))


class EeIsikukoodRecognizer(NationalIdRecognizer):
    """Estonian isikukood: 11 digits, sex and century, YYMMDD, serial, a two-pass mod 11 check digit. A
    plain digit run: `BARE` without a cue ("isikukood", "IK", "личный код")."""

    ENTITY = "EE_ISIKUKOOD"
    VALUE = r"[1-6]\d{10}"
    CUES = (r"isikukoo(?:d|di|du)", r"(?-i:IK)", r"личный\s+код", r"estonian\s+(?:personal\s+)?(?:id|code)")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[1-6]\d{10}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["isikukood", "isikukoodi"]

    def validate(self, value: str) -> bool | None:
        return stdnum_ik.is_valid(value) and _century_born(value[0], value[1:7])


class LtAsmensKodasRecognizer(NationalIdRecognizer):
    """Lithuanian asmens kodas: the Estonian layout (sex and century, YYMMDD, serial, mod 11). A plain digit
    run: `BARE` without a cue ("asmens kodas", "a.k.")."""

    ENTITY = "LT_ASMENS_KODAS"
    VALUE = r"[1-6]\d{10}"
    CUES = (r"asmens\s+kod(?:as|ą|o|u)", r"a\.\s?k\.", r"personal\s+code", r"lithuanian\s+(?:personal\s+)?(?:id|code)")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (("bare", r"[1-6]\d{10}", BARE),)
    CONTEXT: ClassVar[list[str]] = ["asmens", "kodas"]

    def validate(self, value: str) -> bool | None:
        return stdnum_asmens.is_valid(value) and _century_born(value[0], value[1:7])


class LvPersonasKodsRecognizer(NationalIdRecognizer):
    """Latvian personas kods: DDMMYY-CNNNN (C: 0 = 1800s, 1 = 1900s, 2 = 2000s) with a weighted check
    digit, or the 32NNNN-NNNNN code issued since July 2017. Written with its hyphen: `SHAPED`; as a plain
    11-digit run: `BARE`."""

    ENTITY = "LV_PERSONAS_KODS"
    VALUE = r"[0-3]\d{5}-?\d{5}"
    CUES = (r"personas\s+kod(?:s|a|u)", r"p\.\s?k\.", r"personal\s+code", r"latvian\s+(?:personal\s+)?(?:id|code)")
    BARE: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("shaped", r"[0-3]\d{5}-\d{5}", SHAPED),
        ("bare", r"[0-3]\d{10}", BARE),
    )
    CONTEXT: ClassVar[list[str]] = ["personas", "kods"]

    def validate(self, value: str) -> bool | None:
        digits = digits_of(value)
        if not stdnum_lv_pvn.is_valid(digits):
            return False
        if digits.startswith("32"):
            return True
        return not_in_future(1800 + int(digits[6]) * 100 + int(digits[4:6]), int(digits[2:4]), int(digits[:2]))


BALTIC_RECOGNIZERS: tuple[type[NationalIdRecognizer], ...] = (
    EeIsikukoodRecognizer,
    LvPersonasKodsRecognizer,
    LtAsmensKodasRecognizer,
)
