"""The ledger's database connection: SQLite in WAL mode with writers that take the write lock first, and
URLs that are safe to show (no password)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdprep.state import state_dir

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

LEDGER_URL_ENV = "GDPREP_LEDGER_URL"
# Writers wait this long for one another (SQLite); a write holds the lock only for its own entries.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_url(create: bool = True) -> str:
    """$GDPREP_LEDGER_URL, else the SQLite file in the state directory."""
    url = os.environ.get(LEDGER_URL_ENV)
    if url:
        return url
    return f"sqlite:///{state_dir(create) / 'ledger.db'}"


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer; writers wait for one another instead of failing at once."""
    import sqlite3

    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Switching a new database to WAL needs it to itself, and SQLite answers "locked" at once rather than
    # waiting when another process is opening it too: wait here.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def sqlite_in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def sqlite_writer_engine(url: str) -> Any:
    """An engine whose transactions start with BEGIN IMMEDIATE, taking SQLite's write lock before the next
    sequence number is read (SQLAlchemy's documented pattern: the driver's own BEGIN is switched off and
    emitted here instead). A separate engine, because the pattern makes every transaction on it a write."""
    from sqlalchemy import create_engine, event

    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own
        sqlite_pragmas(dbapi_connection, record)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def database_exists(url: str) -> bool:
    """Whether the ledger's database is there to read: a SQLite file must exist; a server database (or an
    in-memory one) is taken to exist, and connecting says otherwise."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or sqlite_in_memory(parsed):
        return True
    return Path(str(parsed.database)).expanduser().exists()


def safe_url(url: str) -> str:
    """A database URL for messages, without its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # a message must not fail over a URL it cannot parse
        return "<unparseable URL>"
