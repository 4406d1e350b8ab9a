"""presidio-evaluator's synthetic sentences as a labelled evaluation source (evaluation only: nothing here, nor
the package's templates or FakeNameGenerator table, is ever used to train or tune gdprep's detector).

The sentences come from `PresidioSentenceFaker` with its own templates, providers and person table. Its entity
types are mapped onto ours; spans of types gdprep does not claim to detect (organisations, cities and
countries on their own, titles, nationalities, ages, US SSNs and driving licences, generic dates, URLs) are
returned separately as `ignore` ranges, so that neither system gains or loses for what it finds inside them.

    python bench/sources/presidio_eval.py --n 5 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
from typing import Any, Final

#: presidio-evaluator's output types -> gdprep's. Everything else becomes an ignored range.
TYPE_MAP: Final[dict[str, str]] = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
}


def _merge_adjacent(spans: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """presidio-evaluator labels an address's parts ({{building_number}} {{street_name}}, {{postcode}}) as
    separate STREET_ADDRESS spans; one address separated only by spaces or commas is one span for us."""
    merged: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda s: s["start"]):
        if merged and merged[-1]["type"] == span["type"] == "STREET_ADDRESS" \
                and text[merged[-1]["end"]:span["start"]].strip(" ,\n") == "":
            merged[-1]["end"] = span["end"]
        else:
            merged.append(dict(span))
    return merged


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` records `{"id", "text", "lang", "spans", "ignore"}`, deterministic for (n, seed)."""
    from presidio_evaluator.data_generator import PresidioSentenceFaker
    from presidio_evaluator.data_generator.faker_extensions.providers import HospitalProvider
    from presidio_evaluator.data_generator.presidio_sentence_faker import presidio_additional_entity_providers

    # its hospital provider queries Wikidata when built (our egress guard refuses it); no template uses it
    providers = [p for p in presidio_additional_entity_providers if p is not HospitalProvider]

    import numpy as np

    # the faker seeds Faker's, `random`'s and numpy's global state, but only after it has drawn the person
    # table's full names (middle initials) from `random`: seed both first, so the same (n, seed) gives the
    # same names in every run; keep the caller's states as they were
    saved, saved_np = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, entity_providers=providers,
                                          random_seed=seed)
            samples = faker.generate_new_fake_sentences(n)
    finally:
        random.setstate(saved)
        np.random.set_state(saved_np)
    records = []
    for i, sample in enumerate(samples):
        text = sample.full_text
        spans, ignore = [], []
        for span in sample.spans:
            start, end = span.start_position, span.end_position
            value = text[start:end]
            # trim whitespace the templates leave inside a span, so spans are comparable with ours
            lead = len(value) - len(value.lstrip())
            trail = len(value) - len(value.rstrip())
            start, end = start + lead, end - trail
            if end <= start:
                continue
            ours = TYPE_MAP.get(span.entity_type)
            (spans if ours else ignore).append({"start": start, "end": end, "type": ours or span.entity_type})
        records.append({"id": f"presidio-evaluator-{seed}-{i:05d}", "text": text, "lang": "en",
                        "template_id": sample.template_id, "spans": _merge_adjacent(spans, text),
                        "ignore": ignore})
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for record in generate(args.n, args.seed):
        print(json.dumps(record, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
