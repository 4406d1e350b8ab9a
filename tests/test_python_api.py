"""The public Python API (`from gdprep import detect, redact, curate, train, probe`): typed, with the CLI's
defaults (read from the typer commands themselves), keeping what the CLI keeps, every field of mixed-format
rows in `to_datasets()`, and a cheap `import gdprep`."""

from __future__ import annotations

import enum
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import gdprep
from gdprep.curation import CurationResult
from gdprep.service.cli import app
from gdprep.service.cli import curation as cli_curation
from gdprep.service.cli import export as cli_export
from gdprep.service.cli import privacy as cli_privacy
from gdprep.service.cli import synth as cli_synth
from gdprep.service.cli import training as cli_training

from .conftest import CURATE_YAML, write_jsonl

API = ("detect", "redact", "curate", "train", "probe", "synth", "export_adapter")
CLI: dict[str, Callable[..., Any]] = {"detect": cli_privacy.detect, "redact": cli_privacy.redact,
                                      "curate": cli_curation.curate, "train": cli_training.train,
                                      "probe": cli_training.probe, "synth": cli_synth.synth,
                                      "export_adapter": cli_export.export_adapter}
#: CLI options the API leaves out, each with its reason
NOT_IN_API = {
    ("curate", "print_config"): "printing the config is for a shell; CurationConfig() is the same in Python",
    ("curate", "old_output_format"): "a deprecated spelling kept for scripts",
    ("curate", "input"): "the API's first argument, `data`: a path or rows in memory",
    ("curate", "engine"): "Ray curation stays with the CLI and the jobs",
    ("curate", "ray_address"): "Ray curation stays with the CLI and the jobs",
    ("curate", "ray_region"): "Ray curation stays with the CLI and the jobs",
    ("curate", "workers"): "with --engine ray only",
    ("train", "print_preset"): "printing a preset is for a shell; gdprep.training.presets.get_preset(NAME) is the "
                               "same in Python",
}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def test_the_api_functions_come_from_the_package_root() -> None:
    from gdprep import curate, detect, export_adapter, probe, redact, synth, train

    for fn in (detect, redact, curate, train, probe, synth, export_adapter):
        assert callable(fn) and fn.__module__ == "gdprep.service.python_api" and fn.__doc__
    assert set(API) <= set(gdprep.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        gdprep.nothing  # noqa: B018


@pytest.mark.parametrize("name", API)
def test_every_parameter_and_return_is_typed(name: str) -> None:
    signature = inspect.signature(getattr(gdprep, name))
    assert signature.return_annotation is not inspect.Signature.empty
    untyped = [p.name for p in signature.parameters.values() if p.annotation is inspect.Parameter.empty]
    assert not untyped
    assert all(p.kind is not p.VAR_KEYWORD for p in signature.parameters.values())


@pytest.mark.parametrize("name", API)
def test_defaults_are_the_cli_commands_defaults(name: str) -> None:
    api = inspect.signature(getattr(gdprep, name)).parameters
    cli = inspect.signature(CLI[name]).parameters
    missing = [p for p in cli if p not in api and (name, p) not in NOT_IN_API]
    assert not missing, f"CLI options of gdprep {name} the API does not take: {missing}"
    compared = [p for p in cli if p in api]
    for p in compared:
        assert _plain(api[p].default) == _plain(cli[p].default), (name, p)
    assert compared


def _rows(tag: str, texts: list[str]) -> list[dict[str, Any]]:
    return [{"id": f"{tag}-{i}", "prompt": text, "completion": f"{text} ({i})", "label": tag}
            for i, text in enumerate(texts)]


MULTILINGUAL = [
    *_rows("en", ["The delivery arrived two days late and the box was damaged on one side.",
                  "Could you explain why my monthly invoice went up without any notice?",
                  "The mobile application logs me out every time I switch between screens.",
                  "I would like to change the address for all future orders to my office."]),
    *_rows("de", ["Die Lieferung kam zwei Tage zu spät und der Karton war an einer Seite beschädigt.",
                  "Können Sie mir erklären, warum meine Monatsrechnung ohne Ankündigung gestiegen ist?",
                  "Die mobile Anwendung meldet mich jedes Mal ab, wenn ich zwischen Seiten wechsle.",
                  "Ich möchte die Lieferadresse für alle künftigen Bestellungen auf mein Büro ändern."]),
    *_rows("fr", ["La livraison est arrivée avec deux jours de retard et le carton était abîmé.",
                  "Pouvez-vous m'expliquer pourquoi ma facture mensuelle a augmenté sans prévenir ?",
                  "L'application mobile me déconnecte chaque fois que je change d'écran.",
                  "Je voudrais changer l'adresse de livraison de toutes mes commandes pour mon bureau."]),
]


def test_curate_keeps_the_records_the_cli_keeps(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", MULTILINGUAL)
    result = CliRunner().invoke(app, ["curate", "-i", str(src), "-o", str(tmp_path / "cur")])
    assert result.exit_code == 0, result.output
    by_cli = sorted(json.loads(line)["id"] for split in ("train", "validation", "test")
                    for line in (tmp_path / "cur" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines())
    in_memory = gdprep.curate(MULTILINGUAL)
    by_api = sorted(row["id"] for rows in in_memory.rows.values() for row in rows)
    assert by_api == by_cli
    assert {i.split("-")[0] for i in by_api} == {"en", "de", "fr"}  # German and French kept, as the CLI keeps them


def test_curate_a_file_is_recorded_and_returns_its_splits(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", MULTILINGUAL)
    cfg = tmp_path / "curate.yaml"
    cfg.write_text(CURATE_YAML, encoding="utf-8")
    result = gdprep.curate(src, cfg, output_dir=tmp_path / "cur")
    assert sum(len(rows) for rows in result.rows.values()) == result.report["counts"]["input"] == len(MULTILINGUAL)
    assert len(result.decisions) == len(MULTILINGUAL)
    from gdprep.audit.ledger import Ledger

    stages = [e.payload.get("stage") for e in Ledger().iter_entries() if e.kind == "run_completed"]
    assert stages == ["curation"]
    with pytest.raises(gdprep.errors.UsageError, match="give output_dir"):
        gdprep.curate(src)


def test_curate_several_files_as_one_input_as_the_cli_does(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", MULTILINGUAL[:6])
    second = write_jsonl(tmp_path / "b.jsonl", MULTILINGUAL[6:])
    cfg = tmp_path / "curate.yaml"
    cfg.write_text(CURATE_YAML, encoding="utf-8")
    result = gdprep.curate([first, second], cfg, output_dir=tmp_path / "cur")
    assert result.report["counts"]["input"] == len(MULTILINGUAL) == sum(len(r) for r in result.rows.values())
    from gdprep.audit.ledger import Ledger

    inputs = [e.payload for e in Ledger().iter_entries() if e.kind == "dataset_version"
              and e.payload.get("stage") == "curation" and e.payload.get("role") == "input"]
    assert sorted(Path(i["name"]).name for i in inputs) == ["a.jsonl", "b.jsonl"]


MIXED = [
    {"id": "p-1", "prompt": "Where is my parcel?", "completion": "It ships on Monday.", "label": "delivery"},
    {"id": "c-1", "messages": [{"role": "user", "content": "Reset my password, please."},
                               {"role": "assistant", "content": "A reset link is on its way."}], "label": "tech"},
    {"id": "t-1", "text": "The courier left the box at the wrong house again.", "label": "delivery",
     "metadata": {"channel": "email", "tags": ["late", "wrong address"]}},
]


def test_to_datasets_keeps_every_field_of_mixed_rows() -> None:
    result = CurationResult({"train": [MIXED[0], MIXED[1]], "validation": [MIXED[2]], "test": []}, [], {})
    splits = result.to_datasets()
    columns = {"id", "prompt", "completion", "messages", "text", "label", "metadata"}
    assert all(set(split.column_names) == columns for split in splits.values())
    train = splits["train"].to_list()
    assert train[0]["prompt"] == "Where is my parcel?" and train[0]["messages"] is None
    assert train[1]["messages"] == MIXED[1]["messages"] and train[1]["prompt"] is None
    validation = splits["validation"].to_list()[0]
    assert validation["text"] == MIXED[2]["text"] and validation["metadata"] == MIXED[2]["metadata"]
    assert len(splits["test"]) == 0


def test_import_gdprep_stays_light() -> None:
    heavy = ("torch", "transformers", "datasets", "polars", "presidio_analyzer", "spacy", "sqlalchemy", "typer",
             "pydantic", "gdprep.service", "gdprep.service.python_api")
    code = (f"import sys, gdprep; print(sorted(m for m in {heavy!r} if m in sys.modules)); gdprep.curate; "
            "print('gdprep.service.python_api' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]
