"""From raw recognizer hits to the findings a policy acts on: thresholds, overlap merging, and the
record-level name passes (other mentions of a found name, name lists). Runs inside detection workers."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import regex

from gdprep.policies import Policy
from gdprep.privacy.findings import Finding, RawFinding

# Catch-all types: on an exact tie a checksum-specific type ("UK_VAT") names the span better.
_GENERIC_TYPES = frozenset({"PHONE_NUMBER", "LOCATION"})
PROPAGATED_NAME_SCORE = 0.7


def _token_spans(text: str) -> list[tuple[int, int]]:
    from gdprep.privacy.operators import TOKEN_RE

    return [m.span() for m in TOKEN_RE.finditer(text)] if "<" in text else []


_EDGE = " \t\r\n,.;:!?()[]{}\"'"


def _outside_tokens(text: str, finding: RawFinding, tokens: list[tuple[int, int]]) -> RawFinding | None:
    """`finding` cut to the text outside the gdprep tokens at its edges (a model reads "<PERSON_1667110381>, IBAN"
    as one address now and then), or None when nothing of it is left but punctuation and one capitalised or short
    word ("IBAN"): findings inside a token are placeholders, not personal data."""
    if not any(token_start < finding.end and finding.start < token_end for token_start, token_end in tokens):
        return finding
    start, end = finding.start, finding.end
    for token_start, token_end in tokens:
        if token_start < end and start < token_end:
            if token_start <= start:
                start = max(start, token_end)
            if token_end >= end:
                end = min(end, token_start)
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    rest = text[start:end]
    if not rest or (" " not in rest and (len(rest) < 3 or rest.isupper())):
        return None
    return RawFinding(start, end, finding.entity_type, finding.score, finding.recognizer)


def resolve(
    raw: Sequence[RawFinding], text: str, field_name: str, policy: Policy
) -> tuple[list[Finding], list[Finding]]:
    """Apply thresholds and resolve overlaps.

    Overlapping confident findings are merged into their union, typed by the longest (then
    highest-scoring) member: for redaction, leaving part of a detected value visible is the worse
    error. Findings inside a gdprep token (e.g. `<PERSON_3>`) are ignored and ones reaching into a token are cut
    to the text outside it, so re-running the detector on redacted text finds nothing new in the placeholders.
    """
    tokens = _token_spans(text)
    confident: list[RawFinding] = []
    review: list[RawFinding] = []
    for f in raw:
        rule = policy.entities.get(f.entity_type)
        if rule is None:
            continue
        if tokens:
            outside = _outside_tokens(text, f, tokens)
            if outside is None:
                continue
            f = outside
        if f.score >= rule.threshold:
            confident.append(f)
        elif f.score >= policy.review_band.low:
            review.append(f)
    confident = _names_before_addresses(confident, text)
    confident.sort(key=lambda f: (f.start, -f.end))
    groups: list[list[RawFinding]] = []
    group_end = -1
    for f in confident:
        if groups and f.start < group_end:
            groups[-1].append(f)
            group_end = max(group_end, f.end)
        else:
            groups.append([f])
            group_end = f.end
    groups = _join_address_parts(groups, text)
    kept: list[Finding] = []
    for members in groups:
        lead = max(members, key=lambda f: (f.end - f.start, f.score, f.entity_type not in _GENERIC_TYPES))
        start = min(f.start for f in members)
        end = max(f.end for f in members)
        kept.append(Finding(field_name, start, end, lead.entity_type, max(f.score for f in members), lead.recognizer))
    below: list[Finding] = []
    for f in sorted(review, key=lambda f: (f.start, -f.end)):
        if any(k.start < f.end and f.start < k.end for k in kept):
            continue
        if below and below[-1].end > f.start:
            continue
        below.append(Finding(field_name, f.start, f.end, f.entity_type, f.score, f.recognizer))
    return kept, below


_ADDRESS_TYPES = frozenset({"STREET_ADDRESS", "UK_POSTCODE"})
# what may stand between two parts of one address: a comma, a line break, spaces
_ADDRESS_JOINT = regex.compile(r"[ \t]*(?:,[ \t]*\n?|\n)?[ \t]*")


def _join_address_parts(groups: list[list[RawFinding]], text: str) -> list[list[RawFinding]]:
    """"Flat 12, Block C" + "45 Nelson Mandela Drive" + ", Durban 4001": parts of one address found apart are
    one span (and one value to redact), when only a comma, a line break or spaces separate them and at least
    one of them is a street address."""
    out: list[list[RawFinding]] = []
    for members in groups:
        if out:
            last = out[-1]
            last_end = max(f.end for f in last)
            start = min(f.start for f in members)
            types = {f.entity_type for f in last} | {f.entity_type for f in members}
            joint = _ADDRESS_JOINT.fullmatch(text, last_end, start)
            if joint is not None and types <= _ADDRESS_TYPES and "STREET_ADDRESS" in types:
                last.extend(members)
                continue
        out.append(members)
    return out


_ADDRESS_AFTER_NAME = regex.compile(r"[ \t]*(?:,|\n|[ \t](?:of|at|c/o|care[ \t]+of)[ \t])[ \t\n]*")


def _names_before_addresses(confident: list[RawFinding], text: str) -> list[RawFinding]:
    """"Re: Daniel Evans, Flat 7, 202 Bowen Lane": an address found from the addressee's name onwards
    starts after the name, so the name keeps its own type (and its own pseudonym)."""
    people = [f for f in confident if f.entity_type == "PERSON"]
    if not people:
        return confident
    out: list[RawFinding] = []
    for f in confident:
        if f.entity_type == "STREET_ADDRESS":
            for person in people:
                if f.start == person.start and person.end < f.end:
                    gap = _ADDRESS_AFTER_NAME.match(text, person.end, f.end)
                    if gap is not None and gap.end() < f.end:
                        f = RawFinding(gap.end(), f.end, f.entity_type, f.score, f.recognizer)
                    break
        out.append(f)
    return out


def propagate_names(fields: Sequence[tuple[str, str]], kept: list[list[Finding]], policy: Policy) -> None:
    """Find every other mention of a name already found in the same record (any field).

    A redactor who has spotted "Marianne Leleu" also strikes the later "marianne leleu" and the lone
    "Marianne" in the reply; a recognizer that needs a cue only sees the first. Full names match in any
    case; single name parts match in any case unless they are ordinary English words ("May", "Will"),
    which must keep their capital. `kept[i]` (findings of `fields[i]`) is extended in place.
    """
    if "PERSON" not in policy.entities:
        return
    from gdprep.privacy.recognizers.person import is_name_stop_word
    from gdprep.privacy.wordlists import english_words

    for (name, text), found in zip(fields, kept, strict=True):
        _extend_name_lists(name, text, found, policy)

    folded: set[str] = set()
    exact: set[str] = set()
    for (_, text), found in zip(fields, kept, strict=True):
        for f in found:
            if f.entity_type != "PERSON":
                continue
            value = text[f.start:f.end].strip()
            if " " not in value and (len(value) < 3 or is_name_stop_word(value)):
                continue
            folded.add(value.lower())
            for part in value.replace("-", " ").split():
                if len(part) < 3 or not part[0].isalpha() or is_name_stop_word(part):
                    continue
                if part.lower() in english_words():
                    exact.add(part[0].upper() + part[1:])
                else:
                    folded.add(part.lower())
    if not folded and not exact:
        return
    longest = max((len(n.split()) for n in folded | exact), default=1)
    score = max(PROPAGATED_NAME_SCORE, policy.entities["PERSON"].threshold)
    for (name, text), found in zip(fields, kept, strict=True):
        added = False
        tokens = _token_spans(text)
        for start, end in _mentions(text, folded, exact, longest):
            if any(f.start < end and start < f.end for f in found):
                continue
            if any(s <= start and end <= e for s, e in tokens):
                continue
            found.append(Finding(name, start, end, "PERSON", score, "NamePropagation"))
            added = True
        if added:
            found.sort(key=lambda f: f.start)


_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")


def _mentions(text: str, folded: set[str], exact: set[str], longest: int) -> Iterator[tuple[int, int]]:
    """Spans of `text` that spell a known name: word n-grams (longest first) looked up in sets, so no
    regex is compiled per record. Words must be separated by single spaces, as in the name."""
    words = [(m.start(), m.end() - 2 if m.group().endswith(("'s", "’s")) else m.end()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            phrase = text[start:end]
            if n > 1 and "  " in phrase:
                continue
            before = text[start - 1] if start else " "
            if before in "@.":  # part of an e-mail address or a dotted identifier
                continue
            if phrase.lower() in folded or phrase in exact:
                yield start, end
                i += n
                break
        else:
            i += 1


@functools.cache
def _list_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    from gdprep.privacy.recognizers.base import compile_pattern
    from gdprep.privacy.recognizers.person import NAME_CAP_PATTERN, NAME_LOWER_PATTERN

    name = rf"(?P<value>{NAME_CAP_PATTERN}|{NAME_LOWER_PATTERN})"
    note = r"(?:[ \t]*\([^()\n]{1,40}\))?"  # "(chair)", "(HR)"
    joiner = (r"(?:[ \t]*[,;][ \t]*(?:(?P<conj>and|und|et|en|e|y|&)[ \t]+)?"
              r"|[ \t]+(?P<conj>and|und|et|en|e|y|&)[ \t]+)")
    # a list item ends the list or is followed by the next item; "Anna Weber, BSN 123" is no list
    item_end = r"(?=[ \t]*(?:$|[,;.)!?\n(]|(?:and|und|et|en|e|y|&)[ \t]))"
    after = compile_pattern(rf"\G{note}{joiner}{name}{item_end}", regex.MULTILINE)
    # (?r): searched backwards from the anchor, so only the text just before it is tried
    before = compile_pattern(rf"(?r){name}{note}{joiner}\Z", regex.MULTILINE)
    return after, before


#: what `_list_patterns` needs right after a name ("(chair), ", " and ") or right before one (", ", " und ")
_JOINER_AFTER = regex.compile(r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*(?:[,;]|(?:and|und|et|en|e|y|&)[ \t])")
_JOINER_BEFORE = regex.compile(r"(?:[,;][ \t]*|[ \t,;](?:and|und|et|en|e|y|&)[ \t]+)\Z")
_LIST_ITEM_START = regex.compile(r"(?:^|[:;,\n]|\A)[ \t]*\Z", regex.MULTILINE)
_LIST_LABEL = regex.compile(r"[ \t]*[\p{L}][\p{L}() \t-]{1,40}:[ \t]")


def _plausible_list_item(text: str, start: int, end: int, anchor: Finding, conjunction: bool) -> bool:
    """Reject acronyms ("BSN"), job titles made of dictionary words ("Practice Nurse"), and lower-case
    appositions after a capitalised name ("Pauline Vallet, conseillère clientèle")."""
    from gdprep.privacy.nermodel.spans import all_plain_words
    from gdprep.privacy.recognizers.person import is_name_stop_word
    from gdprep.privacy.wordlists import english_words

    value = text[start:end]
    tokens = value.replace("-", " ").split()
    if any(t.isupper() and len(t) <= 4 for t in tokens):
        return False
    if all_plain_words(value):
        return False  # "ring you, Holly, within five working days", "Gerard Woods, Travel Desk"
    if any(is_name_stop_word(t) for t in tokens):
        return False  # "Practice Nurse", "Head of Operations"
    if len(tokens) == 1 and value.islower():
        # "Employee: allen, paige": a lone lower-case word only as the forename after a lone surname
        return text[anchor.start:anchor.end].islower() and " " not in text[anchor.start:anchor.end].strip() \
            and not conjunction and value not in english_words()
    if not value.islower() or conjunction:
        return True
    # a comma-joined lower-case item only inside a labelled list ("Present: Ann Lee, tom hill"), not an
    # apposition ("jesusa blázquez, conseillère clientèle") or the next clause ("..., obs stable")
    line_start = text.rfind("\n", 0, anchor.start) + 1
    return _LIST_LABEL.match(text, line_start, anchor.start) is not None


def _extend_name_lists(field_name: str, text: str, found: list[Finding], policy: Policy) -> None:
    """"Present: Anna Weber (chair), tom hill and Jan Maas": a name list continues the name it starts
    with. Extends `found` with list neighbours of PERSON findings, left and right, until none is left."""
    queue = [f for f in found if f.entity_type == "PERSON"]
    # a list goes on through a separator or a conjunction next to a name: without one, no list pattern (they
    # are large; compiled on first use) can match
    if not any(_JOINER_AFTER.match(text, f.end) or _JOINER_BEFORE.search(text, max(0, f.start - 120), f.start)
               for f in queue):
        return
    after, before = _list_patterns()
    score = max(PROPAGATED_NAME_SCORE, policy.entities["PERSON"].threshold)
    while queue:
        f = queue.pop()
        candidates = []
        m = after.match(text, f.end)
        if m:
            candidates.append((*m.span("value"), bool(m.group("conj"))))
        m = before.search(text, max(0, f.start - 120), f.start)
        # an item before the anchor must itself start the list or follow a separator: "su médico de
        # cabecera, Alma Canet" is an apposition, "Present: tom hill, Ann Lee" a list
        if m and _LIST_ITEM_START.search(text, max(0, m.start("value") - 3), m.start("value")):
            candidates.append((*m.span("value"), bool(m.group("conj"))))
        for start, end, conjunction in candidates:
            if any(g.start < end and start < g.end for g in found):
                continue
            if not _plausible_list_item(text, start, end, f, conjunction):
                continue
            new = Finding(field_name, start, end, "PERSON", score, "NameListExtension")
            found.append(new)
            queue.append(new)
    found.sort(key=lambda f: f.start)


def resolve_record(fields: Sequence[tuple[str, str]], raw_per_field: Sequence[Sequence[RawFinding]],
                   policy: Policy) -> tuple[list[Finding], list[Finding]]:
    """All findings of one record: (confident findings to redact, review-band findings), both in field
    order. Name passes run across the record's fields, so a name found in the prompt is also struck in
    the completion."""
    kept_per_field: list[list[Finding]] = []
    below: list[Finding] = []
    for (name, text), raw in zip(fields, raw_per_field, strict=True):
        kept, review = resolve(raw, text, name, policy)
        kept_per_field.append(kept)
        below.extend(review)
    propagate_names(fields, kept_per_field, policy)
    kept_all = [f for found in kept_per_field for f in found]
    # a propagated name may now cover what was only a review-band finding
    below = [b for b in below if not any(f.field == b.field and f.start < b.end and b.start < f.end
                                         for f in kept_all)]
    return kept_all, below
