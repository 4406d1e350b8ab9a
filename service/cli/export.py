"""`gdprep export-adapter`: a released adapter, its base model's hashes, chat template, release decision and
approvals, with the vLLM and TGI flags to load it, for a serving team (docs/serving.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gdprep.service.cli.common import _command_line, _run, err, out


def export_adapter(
    run: Annotated[str, typer.Option("--run", help="Training run id (`gdprep train` prints it), or NAME:VERSION of "
                                     "a registered model (`gdprep models list`).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory to create (new or empty; see --overwrite).")],
    force: Annotated[bool, typer.Option("--force", help="Export although the release gate did not pass (never "
                                        "probed, inconclusive or failed); needs --reason, recorded in the ledger.")
                     ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why a forced export is needed (with --force).")
                      ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier export in --out.")
                         ] = False,
    ledger_url: Annotated[str | None, typer.Option(
        "--ledger-url", "--ledger", help="Ledger database URL (default: $GDPREP_LEDGER_URL, else SQLite in the "
        "state directory).")] = None,
    policy: Annotated[str | None, typer.Option("--policy", "-p", help="Policy (shipped name or YAML path) recorded "
                                               "with the export run (default: the training run's).")] = None,
) -> None:
    """Hand a trained LoRA adapter to serving (vLLM, TGI): the adapter in PEFT format, the base model's name and
    weight hashes, the chat template, the release decision and approvals, a README with the flags to load it, and
    SHA256SUMS. Only an adapter whose files match the ledger and whose release gate let it out is exported
    (exit 3 otherwise) unless --force --reason; every export is recorded in the ledger. Documentation:
    docs/serving.md."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages

    def go() -> None:
        meta = stages.export_adapter(Ledger(ledger_url), run, out_dir, force=force, reason=reason,
                                     overwrite=overwrite, policy=load_policy(policy) if policy else None,
                                     command=_command_line())
        where = out_dir.resolve()
        release = meta["release"]
        verdict = f"{release['verdict']} ({'released' if release['released'] else 'not released'})"
        err.print(f"exported training run {meta['training']['run']} to {where}", markup=False)
        err.print(f"  adapter {meta['adapter']['sha256'][:16]}..., rank {meta['adapter']['r']}, on base model "
                  f"{meta['base_model']['name']}", markup=False)
        err.print(f"  release decision: {verdict}; approvals: {len(meta['approvals'])}", markup=False)
        if meta["forced"]:
            err.print(f"  FORCED past the release gate: {meta['force_reason']} (recorded in the ledger, export run "
                      f"{meta['export_run']})", markup=False)
        err.print(f"  how to serve it: {where / 'README.md'}", markup=False)
        out.print(str(where), markup=False)

    _run(go)
