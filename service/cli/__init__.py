"""The `gdprep` command line: a thin typer layer over the stage packages, one module per command group.
Commands are registered here, in the order `gdprep --help` lists them; `common._run` is the only place
(besides the HTTP API) where GdprepError is turned into an exit code: 0 ok, 2 bad usage/input, 1 other."""

from __future__ import annotations

import typer

from gdprep.service.cli import audit, curation, demo, evaluation, model, models, policy, privacy, serve, training
from gdprep.service.cli import export as export_cli
from gdprep.service.cli import synth as synth_cli
from gdprep.service.cli.audit import EXIT_UNSIGNED_TAIL

__all__ = ["EXIT_UNSIGNED_TAIL", "app", "main"]

app = typer.Typer(
    name="gdprep",
    help="GDPR-focused, fully offline data preparation for LLM fine-tuning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(privacy.detect)
app.command()(privacy.redact)
app.command(name="eval-detector")(privacy.evaluate)
# the detector's scores were `gdprep eval`, too close to `gdprep evaluate` (the adapter's task metrics)
app.command(name="eval", hidden=True)(privacy.evaluate)
app.command()(privacy.deanonymize)
app.command()(audit.erase)
app.command()(curation.sample)
app.command()(curation.curate)
app.command(name="synth")(synth_cli.synth)
app.command()(training.train)
app.command()(training.probe)
app.command(name="evaluate")(training.evaluate_task)
app.command(name="review-outputs")(evaluation.review_outputs)
app.command(name="export-adapter")(export_cli.export_adapter)
app.command()(demo.demo)
app.command()(serve.serve)
app.add_typer(policy.policy_app, name="policy")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(serve.keys_app, name="keys")
app.add_typer(model.model_app, name="model")
app.add_typer(models.models_app, name="models")
app.add_typer(evaluation.feedback_app, name="feedback")


def main() -> None:
    """Console-script entry point (and `python -m gdprep.service.cli`). Off a terminal, the libraries' progress
    bars and deprecation notices are turned off for the whole process first: they would fill a log."""
    from gdprep.service.quiet import is_terminal, quiet_libraries

    if not is_terminal():
        quiet_libraries()
    app()
