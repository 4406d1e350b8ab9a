"""Train, hash and load gdprep's name/address NER. One recipe, one command (`gdprep model train`, `make model`):
the corpus comes from `gdprep.privacy.nermodel.corpus` with a fixed seed, the network from `config.cfg` beside
this file, and the result is written with a manifest (tree hash, corpus recipe, dev scores) that loading checks.
Nothing is downloaded at any step."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from gdprep.errors import IntegrityError, ModelNotInstalledError, UsageError

PACKAGE_DIR: Final[Path] = Path(__file__).resolve().parent
CONFIG_PATH: Final[Path] = PACKAGE_DIR / "config.cfg"
#: where the shipped model lives (package data); `gdprep model train` writes here by default
MODEL_DIR: Final[Path] = PACKAGE_DIR / "model"
MANIFEST_NAME: Final[str] = "gdprep-manifest.json"
MANIFEST_SCHEMA: Final[int] = 1
MAX_MODEL_BYTES: Final[int] = 30 * 1024 * 1024
#: spaCy writes measured speeds into meta.json; they differ run to run and would break the tree hash
_VOLATILE_META_KEYS: Final[tuple[str, ...]] = ("speed",)


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """The recipe's knobs. The defaults are what the shipped model was trained with."""

    n_train: int = 40_000
    n_dev: int = 2_000
    seed: int = 20261204
    max_steps: int = 6_000


#: separators a CSV or pipe-delimited row glues to its values ("90649,Lázaro Fabregat" is one token to
#: spaCy's English tokenizer); split on them so a value in a row is a span of whole tokens
_ROW_SEPARATOR_INFIXES: Final[tuple[str, ...]] = (r"[,;|\"]",)


def with_row_separators(nlp: Any) -> Any:
    """The tokenizer change the model is trained and run with (saved inside the model directory)."""
    from spacy.util import compile_infix_regex

    nlp.tokenizer.infix_finditer = compile_infix_regex(
        list(nlp.Defaults.infixes) + list(_ROW_SEPARATOR_INFIXES)).finditer
    return nlp


def _register_callbacks() -> None:
    import spacy

    if "gdprep.row_separators.v1" not in spacy.registry.callbacks:
        spacy.registry.callbacks("gdprep.row_separators.v1", func=lambda: with_row_separators)


def tree_sha256(root: Path) -> str:
    """SHA-256 over every file under `root` (relative path and content), the manifest excluded."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST_NAME):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def to_docbin(examples: Iterable[dict[str, Any]]) -> tuple[Any, dict[str, int]]:
    """spaCy DocBin of the corpus examples. A span that does not fall on token boundaries is snapped inwards
    to whole tokens; an example whose span cannot be snapped is left out (counted), because training on it
    with the span missing would teach the model that the name or address is not one."""
    import spacy
    from spacy.tokens import DocBin

    nlp = with_row_separators(spacy.blank("en"))
    docbin = DocBin(store_user_data=False)
    counts = {"examples": 0, "spans": 0, "snapped": 0, "dropped_examples": 0}
    for example in examples:
        doc = nlp.make_doc(example["text"])
        ents = []
        ok = True
        for start, end, label in example["spans"]:
            span = doc.char_span(start, end, label=label, alignment_mode="strict")
            if span is None:
                span = doc.char_span(start, end, label=label, alignment_mode="contract")
                counts["snapped"] += 1
            if span is None or not span.text.strip():
                ok = False
                break
            ents.append(span)
        if not ok:
            counts["dropped_examples"] += 1
            continue
        doc.ents = ents
        docbin.add(doc)
        counts["examples"] += 1
        counts["spans"] += len(ents)
    return docbin, counts


def _clear_paths(model_dir: Path) -> None:
    """The saved config names the temporary corpus files; blank them so the model does not depend on them."""
    from thinc.api import Config

    path = model_dir / "config.cfg"
    config = Config().from_disk(path, interpolate=False)
    for key in ("train", "dev"):
        config["paths"][key] = None
    config.to_disk(path)


def _evaluate(model_dir: Path, dev_path: Path) -> dict[str, Any]:
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Example

    _register_callbacks()
    nlp = spacy.load(model_dir)
    gold = list(DocBin().from_disk(dev_path).get_docs(nlp.vocab))
    scores: dict[str, Any] = nlp.evaluate([Example(nlp.make_doc(doc.text), doc) for doc in gold])
    return scores


def _normalise_meta(model_dir: Path, scores: dict[str, Any]) -> dict[str, Any]:
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for key in _VOLATILE_META_KEYS:
        meta.pop(key, None)
    meta["performance"] = {key: scores[key] for key in ("ents_p", "ents_r", "ents_f", "ents_per_type")}
    meta["name"] = "gdprep_ner"
    meta["description"] = "gdprep's PERSON / STREET_ADDRESS detector, trained offline on a synthetic corpus"
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return meta


def _dev_scores(meta: dict[str, Any]) -> dict[str, Any]:
    perf = meta.get("performance", {})
    per_type = perf.get("ents_per_type") or {}
    return {
        "ents_p": perf.get("ents_p"), "ents_r": perf.get("ents_r"), "ents_f": perf.get("ents_f"),
        "per_type": {label: {k: round(v, 4) for k, v in scores.items()} for label, scores in sorted(per_type.items())},
    }


def _publish(built: Path, out_dir: Path) -> None:
    """Move a finished model into place: the old one is replaced only once the new one is complete."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.partial")
    old = out_dir.with_name(f".{out_dir.name}.old")
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(built, staging)
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    if old.exists():
        shutil.rmtree(old)


def train_model(out_dir: Path = MODEL_DIR, settings: TrainSettings = TrainSettings(), *,
                log: Callable[[str], None] = print) -> dict[str, Any]:
    """Generate the corpus, train, write the model and its manifest to `out_dir`; returns the manifest.

    Deterministic: the same settings and package versions give a byte-identical model (the manifest's
    `sha256` is the check)."""
    import spacy
    from spacy.cli.train import train as spacy_train

    from gdprep.privacy.nermodel import corpus

    _register_callbacks()
    if settings.n_train < 10 or settings.n_dev < 5 or settings.max_steps < 1:
        raise UsageError("model training needs n_train >= 10, n_dev >= 5 and max_steps >= 1")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gdprep-ner-") as tmp:
        work = Path(tmp)
        log(f"corpus: generating {settings.n_train:,} training and {settings.n_dev:,} dev examples "
            f"(recipe v{corpus.RECIPE_VERSION}, seed {settings.seed})")
        train_bin, train_counts = to_docbin(corpus.generate(settings.n_train, settings.seed))
        # the dev examples come from another seed of the same recipe: they measure fit, not generalisation
        # (bench/pii.py scores the detector on sources the recipe never saw)
        dev_bin, dev_counts = to_docbin(corpus.generate(settings.n_dev, settings.seed + 1))
        train_bin.to_disk(work / "train.spacy")
        dev_bin.to_disk(work / "dev.spacy")
        log(f"corpus: {train_counts} (train), {dev_counts} (dev), {time.perf_counter() - started:.0f} s")
        overrides = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                     "system.seed": settings.seed, "training.max_steps": settings.max_steps}
        spacy_train(CONFIG_PATH, work / "out", overrides=overrides, use_gpu=-1)
        # model-last, not model-best: what the recipe's step count produced, whatever the dev evaluations said
        built = work / "out" / "model-last"
        _clear_paths(built)
        meta = _normalise_meta(built, _evaluate(built, work / "dev.spacy"))
        size = _tree_bytes(built)
        if size > MAX_MODEL_BYTES:
            raise IntegrityError(f"the trained model is {size / 2**20:.1f} MiB, over the {MAX_MODEL_BYTES / 2**20:.0f} "
                                 "MiB the package may ship; lower the embedding rows in config.cfg")
        manifest: dict[str, Any] = {
            "schema_version": MANIFEST_SCHEMA,
            "name": "gdprep_ner",
            "labels": list(corpus.LABELS),
            "sha256": tree_sha256(built),
            "size_bytes": size,
            "spacy_version": spacy.__version__,
            "config_sha256": hashlib.sha256(CONFIG_PATH.read_bytes()).hexdigest(),
            "settings": {"n_train": settings.n_train, "n_dev": settings.n_dev, "seed": settings.seed,
                         "max_steps": settings.max_steps},
            "corpus": {"recipe": corpus.describe(), "train": train_counts, "dev": dev_counts},
            "dev_scores": _dev_scores(meta),
            "dev_note": "in-distribution: dev examples come from the training recipe with another seed",
        }
        (built / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _publish(built, out_dir)
    log(f"model: {out_dir} ({size / 2**20:.1f} MiB, sha256 {manifest['sha256'][:16]}…), "
        f"{time.perf_counter() - started:.0f} s in all")
    return manifest


def read_manifest(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    path = model_dir / MANIFEST_NAME
    if not path.is_file():
        raise ModelNotInstalledError(
            f"no trained name/address model at {model_dir} (missing {MANIFEST_NAME}); the package ships one, so "
            "reinstall gdprep, or train it with `gdprep model train` (`make model`)")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def verify_model(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """The manifest, after checking that the files are the ones it was written for."""
    manifest = read_manifest(model_dir)
    actual = tree_sha256(model_dir)
    if actual != manifest.get("sha256"):
        raise IntegrityError(f"the name/address model at {model_dir} does not match its manifest (sha256 "
                             f"{actual[:16]}… != {str(manifest.get('sha256'))[:16]}…); reinstall gdprep or retrain "
                             "with `gdprep model train`")
    return manifest


def load_model(model_dir: Path = MODEL_DIR) -> Any:
    """Load the shipped (or a given) model from disk, hash-checked; never downloads."""
    import spacy

    from gdprep.privacy.matmul import numpy_ops

    verify_model(model_dir)
    _register_callbacks()
    with numpy_ops():  # its matrix products on NumPy's BLAS, not blis (gdprep.privacy.matmul)
        return spacy.load(model_dir)
