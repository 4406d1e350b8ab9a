"""`gdprep serve` (the HTTP API and review pages) and `gdprep keys create|list|revoke` for its API keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from gdprep.service.cli.common import (
    LedgerOpt,
    _run,
    err,
    out,
)

keys_app = typer.Typer(help="Create, list and revoke API keys for the HTTP service (`gdprep serve`).",
                       no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="engineer, compliance_officer, auditor, admin or evaluator.")],
    name: Annotated[str, typer.Option("--name", help="A unique name for the key: a service or team, not a "
                                      "person's e-mail (names are recorded in the audit ledger).")],
    ledger_url: LedgerOpt = None,
) -> None:
    """Create an API key and print it once; only a scrypt hash is stored. Recorded in the audit ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    def go() -> None:
        secret = KeyStore(Ledger(ledger_url)).create(name, role)
        out.print(secret, markup=False)
        err.print(escape(f"API key {name!r} ({role}) created; it is shown only now: keep it in a secret store"))

    _run(go)


@keys_app.command("list")
def keys_list(
    ledger_url: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the keys as JSON.")] = False,
) -> None:
    """List API keys: name, role, key id, who created or revoked them and when (never secrets or hashes)."""
    import dataclasses

    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    def go() -> None:
        keys = KeyStore(Ledger(ledger_url)).list()
        if as_json:
            out.print(json.dumps([dataclasses.asdict(k) for k in keys], indent=2), markup=False)
            return
        if not keys:
            err.print("no API keys; create one with `gdprep keys create --role ROLE --name NAME`")
        for k in keys:
            state = f"revoked {k.revoked_at} by {k.revoked_by}" if k.revoked_at else "active"
            out.print(escape(f"{k.name:24} {k.role:18} {k.key_id}  created {k.created_at} by {k.created_by}; "
                             f"{state}"))

    _run(go)


@keys_app.command("revoke")
def keys_revoke(
    name: Annotated[str, typer.Argument(help="The key's name (see `gdprep keys list`).")],
    ledger_url: LedgerOpt = None,
) -> None:
    """Revoke an API key; it stops working at once. Recorded in the audit ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    def go() -> None:
        info = KeyStore(Ledger(ledger_url)).revoke(name)
        out.print(escape(f"API key {info.name!r} ({info.role}) revoked at {info.revoked_at}"))

    _run(go)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    ledger_url: LedgerOpt = None,
    workers: Annotated[int | None, typer.Option("--workers", min=0, max=64, help="Job worker processes "
                                                "(default: $GDPREP_WORKERS, else 1; 0 runs no jobs).")] = None,
    root: Annotated[Path | None, typer.Option("--root", help="Where uploads and job outputs are kept (default: "
                                              "$GDPREP_SERVICE_ROOT, else the state directory's service/).")] = None,
    input_root: Annotated[list[Path] | None, typer.Option(
        "--input-root", help="A directory whose files jobs may name by `path` (repeatable; default: "
        "$GDPREP_INPUT_ROOTS, colon-separated; none: uploads only).")] = None,
    max_upload_mb: Annotated[int | None, typer.Option("--max-upload-mb", min=1, help="Largest upload accepted "
                                                      "(default: $GDPREP_MAX_UPLOAD_BYTES, else 512 MiB).")] = None,
) -> None:
    """Serve the HTTP API and the review pages (OpenAPI at /docs and /openapi.json; /healthz, /readyz; API
    routes under /v1, pages under /ui). Requests authenticate with `Authorization: Bearer <key>` from
    `gdprep keys create`; people sign in at /ui/login with the same keys. Jobs run in worker processes."""
    import uvicorn

    from gdprep.service.api import create_app
    from gdprep.service.settings import ServiceSettings

    def go() -> None:
        settings = ServiceSettings.from_env(
            ledger_url=ledger_url, workers=workers, root=root,
            input_roots=tuple(input_root) if input_root else None,
            max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb else None)
        err.print(f"gdprep serve: http://{host}:{port}  (workers {settings.workers}, data {settings.root}, "
                  f"upload limit {settings.max_upload_bytes:,} bytes)")
        # no access log: request paths can hold record ids (/v1/audit/trace/{record_id})
        uvicorn.run(create_app(ledger_url, settings=settings), host=host, port=port, access_log=False,
                    server_header=False, proxy_headers=False)

    _run(go)
