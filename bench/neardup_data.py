"""Labelled near-duplicate set for the curation benchmark: synthetic support/HR/clinical texts, edited
variants with a recorded true Jaccard, and the exact set of pairs at or above the threshold.

- Base documents are sentences built from this file's own vocabulary plus random ids, amounts and
  dates, 20-120 words long (`random.Random(seed)`; no Faker word lists).
- A share of bases get 1-4 variants, each made by random word substitutions, insertions, deletions
  and swaps of adjacent spans until its Jaccard against the base is as close as it gets to a target
  (`TARGETS`, both sides of the threshold). No variant has the same shingle set as its base.
- Similarity is measured as the stage measures it: `shingles(normalise(text), ngram)` and `jaccard`
  from `gdprep.curation.neardup`.
- Ground truth is every pair (i, j), i < j, whose true Jaccard reaches the threshold. All pairs inside
  each family (a base and its variants; variants of one base can match each other) are computed
  exactly. That no pair across families qualifies is checked twice: on a random sample of
  cross-family pairs, and exhaustively with a prefix-filtered all-pairs join (two sets with Jaccard
  >= t must share a token among the |x| - ceil(t|x|) + 1 rarest of each), whose result must equal the
  family-based ground truth.
- Documents are shuffled (seeded) so that families are not contiguous.

    python bench/neardup_data.py [--n 2000] [--seed 1] [--threshold 0.8] [--ngram 3] [--out PATH.jsonl]
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from gdprep.curation.neardup import jaccard, shingles
from gdprep.curation.normalise import normalise

TARGETS: Final[tuple[float, ...]] = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5)

# --- vocabulary (written for this file) -------------------------------------------------------------

DETERMINERS: Final = ("the", "a", "this", "our", "their", "each", "one", "that", "another", "every")
PEOPLE: Final = (
    "customer", "patient", "employee", "manager", "nurse", "clinician", "agent", "applicant", "supervisor",
    "consultant", "pharmacist", "technician", "caller", "tenant", "contractor", "registrar", "recruiter",
    "physiotherapist", "receptionist", "midwife", "paramedic", "surgeon", "auditor", "analyst", "trainee",
    "volunteer", "carer", "claimant", "member", "colleague", "engineer", "dispatcher", "coordinator",
)
THINGS: Final = (
    "invoice", "refund", "prescription", "referral", "payslip", "contract", "appointment", "complaint",
    "ticket", "order", "parcel", "account", "password", "subscription", "dressing", "dosage", "scan",
    "blood test", "discharge letter", "rota", "timesheet", "holiday request", "grievance", "warning",
    "laptop", "badge", "router", "handset", "voucher", "statement", "claim", "certificate", "allergy",
    "wound", "inhaler", "pension", "overtime", "bonus", "probation review", "sick note", "care plan",
    "medication chart", "x-ray", "delivery", "return label", "direct debit", "login", "firmware update",
)
ADJECTIVES: Final = (
    "urgent", "delayed", "missing", "duplicate", "incorrect", "new", "revised", "overdue", "pending",
    "damaged", "expired", "temporary", "annual", "weekly", "final", "initial", "routine", "acute",
    "chronic", "minor", "severe", "stable", "partial", "full", "manual", "automatic", "confidential",
    "outstanding", "cancelled", "approved", "rejected", "faulty", "replacement", "second", "unpaid",
)
VERBS: Final = (
    "reported", "requested", "cancelled", "reviewed", "approved", "escalated", "updated", "queried",
    "returned", "submitted", "signed", "rescheduled", "confirmed", "disputed", "recorded", "checked",
    "renewed", "declined", "forwarded", "assessed", "documented", "prescribed", "administered",
    "examined", "discussed", "chased", "closed", "reopened", "logged", "flagged", "amended", "processed",
)
PLACES: Final = (
    "ward", "clinic", "branch", "warehouse", "portal", "helpdesk", "office", "depot", "pharmacy",
    "surgery", "call centre", "payroll team", "finance system", "outpatient unit", "night shift",
    "reception", "shop floor", "HR inbox", "triage desk", "mobile app", "website", "billing queue",
)
PREPOSITIONS: Final = ("at", "from", "via", "through", "near", "before", "after", "during", "under", "beside")
TIMES: Final = (
    "this morning", "last night", "yesterday", "on monday", "on friday", "last week", "over the weekend",
    "after lunch", "before the handover", "during the audit", "at short notice", "twice this month",
    "earlier today", "late on tuesday", "first thing", "at the end of the shift",
)
CONNECTORS: Final = (
    "however", "meanwhile", "in addition", "as a result", "following this", "separately", "later",
    "unfortunately", "in the meantime", "for now", "to be safe", "as agreed",
)
OUTCOMES: Final = (
    "was resolved", "remains open", "needs a follow-up", "was passed to the team lead", "is on hold",
    "was closed without action", "requires a second opinion", "was logged for review",
    "was refunded in full", "awaits sign-off", "was booked again", "needs a callback",
)
UNITS: Final = ("mg", "ml", "hours", "days", "items", "GBP", "EUR", "units", "minutes", "doses")

VOCABULARY: Final[tuple[str, ...]] = tuple(sorted({
    w for group in (DETERMINERS, PEOPLE, THINGS, ADJECTIVES, VERBS, PLACES, PREPOSITIONS, TIMES, CONNECTORS,
                    OUTCOMES, UNITS) for phrase in group for w in phrase.split()
}))


def _token(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return f"#{rng.randint(10000, 999999)}"
    if kind == 1:
        return f"REF-{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(100, 9999)}"
    if kind == 2:
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(18, 26)}"
    if kind == 3:
        return f"{rng.randint(1, 950)}.{rng.randint(0, 99):02d}"
    return str(rng.randint(2, 480))


def _noun_phrase(rng: random.Random, nouns: Sequence[str]) -> str:
    adjective = f"{rng.choice(ADJECTIVES)} " if rng.random() < 0.55 else ""
    return f"{rng.choice(DETERMINERS)} {adjective}{rng.choice(nouns)}"


def sentence(rng: random.Random) -> str:
    """One sentence from a handful of structures; the words come from the lists above plus random ids."""
    pattern = rng.randrange(6)
    if pattern == 0:
        s = (f"{_noun_phrase(rng, PEOPLE)} {rng.choice(VERBS)} {_noun_phrase(rng, THINGS)} "
             f"{rng.choice(PREPOSITIONS)} the {rng.choice(PLACES)}")
        if rng.random() < 0.5:
            s += f" {rng.choice(TIMES)}"
    elif pattern == 1:
        s = f"{rng.choice(CONNECTORS)}, {_noun_phrase(rng, THINGS)} {_token(rng)} {rng.choice(OUTCOMES)}"
    elif pattern == 2:
        s = (f"{_token(rng)} {rng.choice(UNITS)} of {_noun_phrase(rng, THINGS)} {rng.choice(VERBS)} "
             f"by {_noun_phrase(rng, PEOPLE)}")
    elif pattern == 3:
        s = (f"{_noun_phrase(rng, PEOPLE)} {rng.choice(VERBS)} that {_noun_phrase(rng, THINGS)} was "
             f"{rng.choice(ADJECTIVES)} {rng.choice(TIMES)}")
    elif pattern == 4:
        s = (f"{rng.choice(TIMES)} {_noun_phrase(rng, PEOPLE)} {rng.choice(VERBS)} {_token(rng)} "
             f"{rng.choice(PREPOSITIONS)} {_noun_phrase(rng, PLACES)}")
    else:
        s = (f"{_noun_phrase(rng, THINGS)} for {_noun_phrase(rng, PEOPLE)} {rng.choice(OUTCOMES)} "
             f"{rng.choice(PREPOSITIONS)} {_token(rng)}")
    return s[0].upper() + s[1:] + "."


def base_words(rng: random.Random, min_words: int, max_words: int) -> list[str]:
    """A base document as a list of words, exactly `randint(min_words, max_words)` long."""
    target = rng.randint(min_words, max_words)
    words: list[str] = []
    while len(words) < target:
        words.extend(sentence(rng).split())
    return words[:target]


# --- controlled edits -------------------------------------------------------------------------------

def edit_once(rng: random.Random, words: list[str]) -> None:
    """One random edit in place: substitute, insert, delete, or swap two adjacent spans of 1-3 words."""
    op = rng.randrange(4)
    if op == 2 and len(words) <= 8:
        op = 0  # keep very short texts from shrinking to nothing
    if op == 0:
        words[rng.randrange(len(words))] = rng.choice(VOCABULARY) if rng.random() < 0.8 else _token(rng)
    elif op == 1:
        words.insert(rng.randrange(len(words) + 1), rng.choice(VOCABULARY))
    elif op == 2:
        del words[rng.randrange(len(words))]
    else:
        a, b = rng.randint(1, 3), rng.randint(1, 3)
        if len(words) < a + b + 1:
            words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
            return
        p = rng.randrange(len(words) - a - b + 1)
        words[p:p + a + b] = words[p + a:p + a + b] + words[p:p + a]


def shingle_set(text: str, ngram: int) -> set[str]:
    """The shingles the stage compares: word n-grams of the normalised text."""
    return shingles(normalise(text), ngram)


def make_variant(rng: random.Random, base: Sequence[str], target: float, ngram: int,
                 base_shingles: set[str] | None = None, attempts: int = 3) -> tuple[list[str], float, int]:
    """Edit a copy of `base` until its true Jaccard against it is as close to `target` as one more or
    one fewer edit allows (never the same shingles as the base). Up to `attempts` edit sequences are
    tried and the closest kept, since one edit moves a short text a long way.
    Returns (words, true Jaccard, edits)."""
    reference = base_shingles if base_shingles is not None else shingle_set(" ".join(base), ngram)
    best = _edit_towards(rng, base, target, ngram, reference)
    for _ in range(attempts - 1):
        if abs(best[1] - target) <= 0.02:
            break
        other = _edit_towards(rng, base, target, ngram, reference)
        if abs(other[1] - target) < abs(best[1] - target):
            best = other
    return best


def _edit_towards(rng: random.Random, base: Sequence[str], target: float, ngram: int,
                  reference: set[str]) -> tuple[list[str], float, int]:
    words = list(base)
    previous: tuple[list[str], float, int] | None = None
    for edits in range(1, 4 * len(base) + 8):
        edit_once(rng, words)
        similarity = jaccard(reference, shingle_set(" ".join(words), ngram))
        if similarity >= 1.0:
            continue  # an edit the normalised shingles cannot see (case, a swap of equal spans)
        current = (list(words), similarity, edits)
        if similarity <= target:
            if previous is not None and abs(previous[1] - target) < abs(similarity - target):
                return previous
            return current
        previous = current
    assert previous is not None
    return previous


# --- the labelled set -------------------------------------------------------------------------------

@dataclass
class NearDupSet:
    """Documents (shuffled) with their families and the exact ground-truth pairs."""

    texts: list[str]
    family: list[int]  # family id per document; a base and its variants share one
    base_similarity: list[float | None]  # true Jaccard against its base (None for a base)
    target: list[float | None]  # the similarity its edits aimed at (None for a base)
    truth: set[tuple[int, int]]  # (i, j), i < j, true Jaccard >= threshold
    pair_similarity: dict[tuple[int, int], float]  # every within-family pair, qualifying or not
    threshold: float
    ngram: int
    seed: int
    cross_sampled: int = 0  # random cross-family pairs checked
    cross_sample_max: float = 0.0  # the highest Jaccard among them
    join_candidates: int = 0  # pairs the prefix-filtered all-pairs join had to verify
    stats: dict[str, object] = field(default_factory=dict)


def all_pairs_at_least(sets: Sequence[set[str]], threshold: float) -> tuple[set[tuple[int, int]], int]:
    """Every pair with Jaccard >= threshold, exactly, by prefix filtering (All-Pairs, Bayardo et al.):
    tokens ordered rarest first, each set indexed by its first |x| - ceil(t|x|) + 1 tokens, plus the
    length filter t|x| <= |y|. Returns (pairs, candidates verified)."""
    frequency: Counter[str] = Counter()
    for s in sets:
        frequency.update(s)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        ordered = sorted(s, key=lambda tok: (frequency[tok], tok))
        keep = len(ordered) - math.ceil(threshold * len(ordered) - 1e-9) + 1
        for tok in ordered[:max(keep, 1)]:
            postings[tok].append(i)
    candidates: set[tuple[int, int]] = set()
    for ids in postings.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                a, b = ids[x], ids[y]
                small, large = sorted((len(sets[a]), len(sets[b])))
                if small >= threshold * large - 1e-9:
                    candidates.add((a, b) if a < b else (b, a))
    pairs = {(a, b) for a, b in candidates if jaccard(sets[a], sets[b]) >= threshold}
    return pairs, len(candidates)


def generate_neardup_set(n: int, seed: int = 1, *, threshold: float = 0.8, ngram: int = 3,
                         family_share: float = 0.3, max_variants: int = 4, min_words: int = 20,
                         max_words: int = 120, targets: Sequence[float] = TARGETS,
                         cross_sample: int = 100_000, exhaustive_check: bool = True) -> NearDupSet:
    """`n` documents: bases, of which `family_share` get 1-`max_variants` edited variants; the rest of the
    bases are unrelated negatives. Raises AssertionError if any cross-family pair reaches the threshold."""
    rng = random.Random(seed)
    docs: list[tuple[str, int, float | None, float | None]] = []  # text, family, similarity, target
    family_id = 0
    while len(docs) < n:
        base = base_words(rng, min_words, max_words)
        docs.append((" ".join(base), family_id, None, None))
        if rng.random() < family_share:
            reference = shingle_set(" ".join(base), ngram)
            for _ in range(min(rng.randint(1, max_variants), n - len(docs))):
                target = rng.choice(targets)
                words, similarity, _ = make_variant(rng, base, target, ngram, reference)
                docs.append((" ".join(words), family_id, similarity, target))
        family_id += 1

    order = list(range(n))
    rng.shuffle(order)
    docs = [docs[k] for k in order]
    texts = [d[0] for d in docs]
    family = [d[1] for d in docs]
    sets = [shingle_set(t, ngram) for t in texts]

    members: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(family):
        members[f].append(i)
    pair_similarity: dict[tuple[int, int], float] = {}
    for ids in members.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                a, b = ids[x], ids[y]  # ids are ascending, so a < b
                pair_similarity[(a, b)] = jaccard(sets[a], sets[b])
    truth = {pair for pair, similarity in pair_similarity.items() if similarity >= threshold}

    # The assumption behind computing truth per family: unrelated documents never reach the threshold.
    check = random.Random(seed + 7919)
    sampled, sample_max = 0, 0.0
    if len(members) > 1:
        while sampled < cross_sample:
            a, b = check.randrange(n), check.randrange(n)
            if family[a] == family[b]:
                continue
            similarity = jaccard(sets[a], sets[b])
            assert similarity < threshold, f"cross-family pair ({a}, {b}) has Jaccard {similarity:.3f}"
            sample_max = max(sample_max, similarity)
            sampled += 1
    join_candidates = 0
    if exhaustive_check:
        joined, join_candidates = all_pairs_at_least(sets, threshold)
        stray = joined - truth
        assert not stray, f"{len(stray)} cross-family pairs reach the threshold, e.g. {sorted(stray)[:3]}"
        assert joined == truth, "prefix-filtered join and family ground truth disagree"

    n_variants = sum(1 for d in docs if d[2] is not None)
    lengths = [len(t.split()) for t in texts]
    stats: dict[str, object] = {
        "documents": n, "families": len(members), "variants": n_variants,
        "families_with_variants": sum(1 for ids in members.values() if len(ids) > 1),
        "words_min": min(lengths), "words_max": max(lengths), "words_mean": sum(lengths) / n,
        "truth_pairs": len(truth), "within_family_pairs": len(pair_similarity),
    }
    return NearDupSet(texts=texts, family=family, base_similarity=[d[2] for d in docs],
                      target=[d[3] for d in docs], truth=truth, pair_similarity=pair_similarity,
                      threshold=threshold, ngram=ngram, seed=seed, cross_sampled=sampled,
                      cross_sample_max=sample_max, join_candidates=join_candidates, stats=stats)


def describe(data: NearDupSet) -> list[str]:
    """Summary lines: sizes, realised similarity per target, and the cross-family checks."""
    s = data.stats
    lines = [
        f"near-dup set: {s['documents']} documents, {s['families']} families "
        f"({s['families_with_variants']} with variants, {s['variants']} variants), "
        f"{s['words_min']}-{s['words_max']} words (mean {s['words_mean']:.1f}), seed={data.seed}",
        f"ground truth: {s['truth_pairs']} pairs with Jaccard >= {data.threshold} "
        f"(word {data.ngram}-grams; {s['within_family_pairs']} within-family pairs computed)",
    ]
    by_target: dict[float, list[float]] = defaultdict(list)
    for target, similarity in zip(data.target, data.base_similarity, strict=True):
        if target is not None and similarity is not None:
            by_target[target].append(similarity)
    lines.append("variant vs base, true Jaccard by target:  target   n    min   mean    max  >=thr")
    for target in sorted(by_target, reverse=True):
        values = by_target[target]
        above = sum(v >= data.threshold for v in values)
        lines.append(f"{'':41}{target:6.2f} {len(values):4d} {min(values):6.3f} "
                     f"{sum(values) / len(values):6.3f} {max(values):6.3f} {above:6d}")
    lines.append(f"cross-family check: {data.cross_sampled} random pairs, max Jaccard {data.cross_sample_max:.3f}; "
                 f"exhaustive prefix-filtered join verified {data.join_candidates} candidate pairs, "
                 f"none across families")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--ngram", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the documents as JSONL")
    args = parser.parse_args(argv)
    data = generate_neardup_set(args.n, args.seed, threshold=args.threshold, ngram=args.ngram)
    print("\n".join(describe(data)))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(data.texts):
                fh.write(json.dumps({"id": i, "text": text, "family": data.family[i],
                                     "base_similarity": data.base_similarity[i], "target": data.target[i]}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
