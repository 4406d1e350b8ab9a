"""`gdprep model info|train`: the shipped name/address model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from gdprep.service.cli.common import (
    _run,
    err,
    out,
)

model_app = typer.Typer(help="The shipped name/address model: show its manifest, check it, retrain it.",
                        no_args_is_help=True)


@model_app.command("info")
def model_info(
    model_dir: Annotated[Path | None, typer.Option("--model-dir", help="A model directory (default: the shipped one).")]
    = None,
) -> None:
    """Check the model against its manifest and print the manifest (hash, corpus recipe, dev scores)."""
    from gdprep.privacy.nermodel.train import MODEL_DIR, verify_model

    manifest = _run(lambda: verify_model(model_dir or MODEL_DIR))
    out.print_json(json.dumps(manifest))


@model_app.command("train")
def model_train(
    model_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the model (default: the package's "
                                                   "own model directory, replacing the shipped model).")] = None,
    n_train: Annotated[int | None, typer.Option("--n-train", min=10, help="Training examples.")] = None,
    n_dev: Annotated[int | None, typer.Option("--n-dev", min=5, help="Dev examples (another seed).")] = None,
    max_steps: Annotated[int | None, typer.Option("--steps", min=1, help="Training steps.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Corpus and training seed.")] = None,
) -> None:
    """Generate the synthetic corpus and train the model deterministically; nothing is downloaded."""
    from dataclasses import replace

    from gdprep.privacy.nermodel.train import MODEL_DIR, TrainSettings, train_model

    settings = TrainSettings()
    overrides = {"n_train": n_train, "n_dev": n_dev, "max_steps": max_steps, "seed": seed}
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    manifest = _run(lambda: train_model(model_dir or MODEL_DIR, settings, log=lambda line: err.print(escape(line))))
    out.print(f"model {manifest['sha256']}: dev F {manifest['dev_scores']['ents_f']:.3f}")
