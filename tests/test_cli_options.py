"""One meaning of `--format` on the command line: the input's format, in every command that shows it. What a
command writes has its own option (`curate --output-format`, `audit export --view`); the old spellings still
work, hidden, with a deprecation warning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from gdprep.service.cli import app

from .conftest import CURATE_YAML, write_jsonl

runner = CliRunner()

ROWS = [{"id": f"r{i}", "prompt": f"How do I reset router model {i}?",
         "completion": f"Hold the reset button for {i + 10} seconds, then wait for the light.",
         "label": ("a", "b")[i % 2]} for i in range(40)]

#: hidden `--format` options and what they still mean: the old spelling of the option named here
DEPRECATED_FORMAT = {("curate",): "--output-format", ("audit", "export"): "--view"}


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _format_options() -> list[tuple[tuple[str, ...], Any]]:
    return [(path, param) for path, command in _commands(typer.main.get_command(app))
            for param in command.params if "--format" in param.opts]


def test_every_shown_format_option_is_the_input_format() -> None:
    """A contract over every command: where `--format` is in the help it means the input's format; where it
    is hidden it is a deprecated spelling listed above, and the new spelling is shown."""
    found = _format_options()
    shown = {path for path, param in found if not param.hidden}
    assert {("detect",), ("redact",), ("deanonymize",)} <= shown
    for path, param in found:
        if param.hidden:
            assert path in DEPRECATED_FORMAT, path
        else:
            assert param.help.startswith("Input format"), (path, param.help)
    assert {path for path, param in found if param.hidden} == set(DEPRECATED_FORMAT)
    for path, new in DEPRECATED_FORMAT.items():
        help_text = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).output
        assert new in help_text and "--format " not in help_text, path


@pytest.fixture()
def redacted(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "red.jsonl", ROWS)


def _curate(tmp_path: Path, src: Path, out: str, *options: str) -> Any:
    cfg = tmp_path / "curate.yaml"
    cfg.write_text(CURATE_YAML, encoding="utf-8")
    return runner.invoke(app, ["curate", "-i", str(src), "-o", str(tmp_path / out), "-c", str(cfg), *options])


def test_curate_output_format_and_its_old_spelling(tmp_path: Path, redacted: Path) -> None:
    result = _curate(tmp_path, redacted, "new", "--output-format", "parquet")
    assert result.exit_code == 0, result.output
    assert "deprecated" not in result.stderr
    assert pq.read_table(tmp_path / "new" / "train.parquet").num_rows > 0
    result = _curate(tmp_path, redacted, "old", "--format", "parquet")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("deprecated") == 1
    assert "warning: `gdprep curate --format` is deprecated; use --output-format" in result.stderr
    assert (tmp_path / "old" / "train.parquet").read_bytes() == (tmp_path / "new" / "train.parquet").read_bytes()
    assert not (tmp_path / "old" / "train.jsonl").exists()


def test_curate_input_format_reads_a_file_its_extension_does_not_name(tmp_path: Path, redacted: Path) -> None:
    src = tmp_path / "red.txt"
    src.write_bytes(redacted.read_bytes())
    result = _curate(tmp_path, src, "cur")
    assert result.exit_code == 2 and "--input-format" in result.output
    result = _curate(tmp_path, src, "cur", "--input-format", "jsonl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cur" / "train.jsonl").is_file()


def test_both_spellings_with_different_values_are_refused(tmp_path: Path, redacted: Path) -> None:
    result = _curate(tmp_path, redacted, "cur", "--format", "csv", "--output-format", "parquet")
    assert result.exit_code == 2
    assert "--format and --output-format are two spellings of one option" in result.output
    assert not (tmp_path / "cur").exists()
    result = _curate(tmp_path, redacted, "same", "--format", "csv", "--output-format", "csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "same" / "train.csv").is_file()


def test_audit_export_view_and_its_old_spelling(tmp_path: Path, redacted: Path) -> None:
    assert _curate(tmp_path, redacted, "cur").exit_code == 0  # a curation run in the ledger
    result = runner.invoke(app, ["audit", "export", "--view", "ropa", "--out", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert "deprecated" not in result.stderr
    ropa = json.loads((tmp_path / "new" / "ropa.json").read_text(encoding="utf-8"))
    assert ropa["record_of_processing_activities"]
    result = runner.invoke(app, ["audit", "export", "--format", "ropa", "--out", str(tmp_path / "old")])
    assert result.exit_code == 0, result.output
    assert "warning: `gdprep audit export --format` is deprecated; use --view" in result.stderr
    assert (tmp_path / "old" / "ropa.json").is_file() and not (tmp_path / "old" / "lineage.csv").exists()
    result = runner.invoke(app, ["audit", "export", "--out", str(tmp_path / "default")])
    assert result.exit_code == 0 and (tmp_path / "default" / "lineage.csv").is_file()
    result = runner.invoke(app, ["audit", "export", "--view", "yaml", "--out", str(tmp_path / "bad")])
    assert result.exit_code == 2 and "--view must be one of csv, openlineage, prov, ropa" in result.output
