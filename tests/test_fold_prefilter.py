"""Prefilters searched with `re` in the case-folded text (`gdprep.privacy.recognizers.fold`): the rewrite may let
more texts through than the `regex` original, never fewer, or a finding would be lost."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import regex
from faker import Faker

from gdprep.privacy.recognizers import base
from gdprep.privacy.recognizers.fold import FoldedPrefilter, folded_form
from gdprep.privacy.recognizers.registry import build_recognizers


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?i:customer|client)[ \t]+", r"(?:customer|client)[ \t]+"),
    # word-start assertions in front are dropped (they keep `re` from skipping ahead); the original, searched
    # after the folded form passes, still asks for them
    (r"(?m)\b(?<![\p{L}\p{M}\p{N}_])(?i:Dear|Hi)", "(?m)(?:dear|hi)"),
    (r"(?<![\p{L}\p{N}])born", "born"),
    (r",[ \t]*(?<![\p{L}\p{N}])born", r",[ \t]*(?<![^\W_])born"),
    (r",[ \t]*\b(?<![\p{L}\p{M}\p{N}_])born", r",[ \t]*\b(?<!\w)born"),
    ("Straße", "strasse"),
    (r"ΚΥΡΙΑΣ|Κυρίας", "κυριασ|κυρίασ"),  # final sigma folds to sigma, in the pattern as in the text
    (r"[A-Z]{2}\d", r"[a-z]{2}\d"),
    (r"[^\]\n]{0,30}x", r"[^\]\n]{0,30}x"),
    (r"(?P<cue>Tel)\.?", r"(?P<cue>tel)\.?"),
    # a case-sensitive scope loses its case: it passes "mr" as well as "Mr"
    (r"(?-i:Mr|Mrs)[ \t]+", r"(?:mr|mrs)[ \t]+"),
    # letter properties in a class: any word character beside the rest of the class
    (r"[\p{L}-]+x", r"(?:[-]|\w)+x"),
    (r"Mr\.?[ \t]+\p{L}", r"mr\.?[ \t]+[^\W\d_]"),
    # what forbids something is dropped: widened, it would forbid more
    (r"Anna(?![ \t]+Street)", "anna"),
    (r"(?<!Mr )Anna", "anna"),
    (r"(?<=,)Anna", "(?<=,)anna"),  # a fixed-width one is kept
])
def test_rewrites(pattern: str, expected: str) -> None:
    assert folded_form(pattern) == expected


@pytest.mark.parametrize("pattern", [
    r"[^a-z]x",  # a negated class of letters lets fewer through once the text is folded
    r"[A-z]",  # holds "_" and "^", which "[a-z]" does not
    r"[à-ÿ]x",  # holds "ß", which folds to "ss"
    r"Straß?e",  # "ß?" would become "ss?"
    r"[ß]",
    r"(?<=,[ \t]*)Anna",  # `re` takes fixed-width look-behinds only (without it a cue is looked for everywhere)
    r"\L<names>",  # a `regex` named list
    r"[^\p{L}]x",  # a property in a negated class
    r"[\p{M}]",  # marks: `re`'s \w does not hold them
    r"\p{Greek}",
    r"x(?m)y",  # a global flag after the start
    r"(?=\p{Lu})(?i:name|surname)",  # selective by case: folded, it would pass far more texts
    r"(?i:asked|told)(?=[ \t]+\p{Lu})",
    r"(?:\p{Lu}\p{L}+[ \t]+)?(?i:office|branch)",
    r"\d{6}",  # no letter to fold
])
def test_gives_up_where_no_wider_rewrite_is_sure(pattern: str) -> None:
    assert folded_form(pattern) is None


def _folded_prefilters() -> dict[str, tuple[str, FoldedPrefilter]]:
    found: dict[str, tuple[str, FoldedPrefilter]] = {}
    for recognizer in build_recognizers():
        if isinstance(recognizer, base.GdprepPatternRecognizer):
            for pattern_name, _, _, prefilter in recognizer._compiled:
                if isinstance(prefilter, FoldedPrefilter):
                    found[prefilter.pattern] = (f"{type(recognizer).__name__}.{pattern_name}", prefilter)
    return found


def _texts() -> list[str]:
    """Records in the languages the cue lists cover, as written, in capitals and in title case."""
    texts = []
    for locale in ("en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES", "pt_PT", "pl_PL", "cs_CZ", "hu_HU",
                   "sv_SE", "da_DK", "fi_FI", "et_EE", "lv_LV", "lt_LT", "el_GR", "ro_RO", "bg_BG", "hr_HR"):
        fake = Faker(locale)
        fake.seed_instance(7)
        for _ in range(12):
            text = f"{fake.text(160)}\n{fake.name()}, {fake.address()}, {fake.phone_number()}"
            texts += [text, text.upper(), text.title()]
    cues = ["Dear Mr Smith,", "Kind regards,\nAnna", "Patient: JOHN DOE", "MEINE FRAU heißt Anna",
            "Customer ahmed khan", "IN THE NAME OF Jo", "passport no. 123456789",
            "Rijksregisternummer 85.07.30-033.28", "Sozialversicherungsnummer",
            "ΑΜΚΑ 12345678901", "Straße", "STRASSE", "Adóazonosító jel 8123456789", "Isikukood 38001085718",
            "TAJ-szám 123 456 789", "PEID-Nr 12345", "Mit freundlichen Grüßen\nJan", "VAT reg GB123456789"]
    return texts + cues + [c.upper() for c in cues] + [c.lower() for c in cues]


def test_a_folded_prefilter_passes_every_text_its_original_passes() -> None:
    prefilters = _folded_prefilters()
    assert len(prefilters) >= 30  # the cue lists of the person, document and national-number recognizers
    texts = _texts()
    for label, prefilter in prefilters.values():
        for text in texts:
            if prefilter.original.search(text) is not None:
                assert prefilter.folded.search(text.casefold()) is not None, (label, text)
                assert prefilter.search(text) is not None


def test_long_texts_are_searched_with_the_original_pattern() -> None:
    _, prefilter = next(iter(_folded_prefilters().values()))
    long_text = "x " * base.TIMEOUT_FROM_CHARS
    assert len(long_text) >= base.TIMEOUT_FROM_CHARS
    original_calls = []

    class Spy:
        pattern = prefilter.original.pattern

        def search(self, text: str) -> object:
            original_calls.append(len(text))
            return None

    spied = FoldedPrefilter(Spy(), prefilter.folded, base._GATES.folded, base.TIMEOUT_FROM_CHARS)  # type: ignore[arg-type]
    assert spied.search(long_text) is None
    assert original_calls == [len(long_text)]
    spied.search("short")
    assert original_calls == [len(long_text)]


def test_folded_prefilters_finish_on_adversarial_texts() -> None:
    """`re` has no timeout: the folded prefilters run on the adversarial texts of tests/test_redos.py (the only
    texts they see are shorter than TIMEOUT_FROM_CHARS) in a child process that must finish within 120 s."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_fold_prefilter import _folded_prefilters
        from test_redos import _texts
        texts = [t.casefold() for t in _texts()]
        for label, prefilter in _folded_prefilters().values():
            for text in texts:
                prefilter.folded.search(text)
        print("done")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "done"


def test_a_folded_prefilter_is_an_re_pattern_and_the_original_a_regex_one() -> None:
    _, prefilter = next(iter(_folded_prefilters().values()))
    assert isinstance(prefilter.folded, re.Pattern)
    assert isinstance(prefilter.original, regex.Pattern)


def test_findings_are_the_same_with_and_without_the_folded_search() -> None:
    texts = _texts()
    for folded in build_recognizers():
        if not isinstance(folded, base.GdprepPatternRecognizer) or not any(
                isinstance(p, FoldedPrefilter) for *_, p in folded._compiled):
            continue
        plain = type(folded)()
        plain._compiled = [(name, compiled, score, p.original if isinstance(p, FoldedPrefilter) else p)
                           for name, compiled, score, p in plain._compiled]
        for text in texts:
            expected = [(r.start, r.end, r.score) for r in plain.analyze(text, [])]
            assert [(r.start, r.end, r.score) for r in folded.analyze(text, [])] == expected, (type(folded), text)


def test_a_gate_declared_non_ascii_must_match_no_ascii_character() -> None:
    with pytest.raises(ValueError, match="matches the ASCII character"):
        base.non_ascii_gate(regex.compile(r"[\p{Greek}a]"))


def test_script_gates_fail_ascii_texts_unsearched_and_pass_texts_in_their_script() -> None:
    from gdprep.privacy.recognizers.scripts import GreekCyrillicNameRecognizer, OtherScriptNameRecognizer

    greek = GreekCyrillicNameRecognizer()
    other = OtherScriptNameRecognizer()
    assert greek.worth_searching("Signed by Γιώργος Παπαδόπουλος")
    assert other.worth_searching("Yesterday محمد told the committee")
    assert not greek.worth_searching("Signed by George Papadopoulos")
    assert not other.worth_searching("Signed by George Papadopoulos")
    # the findings themselves are unchanged: a name in its script, in a Latin-letter record, is still found
    text = "Goodbye drinks for Δόμνα Σκαρπέτας are at 5."
    assert [text[r.start:r.end] for r in greek.analyze(text, ["PERSON"])] == ["Δόμνα Σκαρπέτας"]
