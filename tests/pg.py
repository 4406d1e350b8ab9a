"""A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, started on a private
unix socket, stopped and removed at the end of the session. No mocks; skipped only when no binaries exist.

Use it by importing the fixture into a test module: `from tests.pg import postgres_url  # noqa: F401`.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"  # the server refuses to run as root; this is the Debian packages' account
_COMMAND_TIMEOUT_S = 120
_MIN_TMPFS_FREE = 1 << 30  # containers often get a 64 MiB /dev/shm: too small for a cluster and its databases


def find_pg_bin() -> Path | None:
    """The directory holding both `initdb` and `pg_ctl`: PATH first, then /usr/local/bin, then the newest
    /usr/lib/postgresql/*/bin (where Debian's `postgresql` package puts them, off PATH)."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    candidates.append(Path("/usr/local/bin"))

    def version(path: Path) -> tuple[int, ...]:
        try:
            return tuple(int(part) for part in path.parent.name.split("."))
        except ValueError:
            return (0,)

    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True))
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


def _scratch_parent() -> str | None:
    """Where the server's directory goes: a roomy tmpfs when there is one (CREATE DATABASE is several times
    faster there), else /tmp. Both keep the socket path short (unix socket paths are limited to ~107 bytes)
    and reachable by the server account even when TMPDIR points into root's home."""
    for parent in ("/dev/shm", "/tmp"):
        if os.path.isdir(parent) and os.access(parent, os.W_OK | os.X_OK):
            if parent != "/dev/shm" or shutil.disk_usage(parent).free >= _MIN_TMPFS_FREE:
                return parent
    return None


def _free_port() -> int:
    # The server listens on no TCP address, but the port names its socket file; a free one avoids surprises.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    bin_dir: Path
    base: Path  # temporary directory holding data/, sock/ and server.log
    port: int
    as_user: str | None  # run the server commands as this user (when the tests run as root)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "sock"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.socket_dir}&port={self.port}"

    def run(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user is not None:
            # -s: the account's login shell may be nologin in slim images
            argv = ["su", "-s", "/bin/sh", self.as_user, "-c", shlex.join(argv)]
        result = subprocess.run(argv, cwd=self.base, capture_output=True, text=True, timeout=_COMMAND_TIMEOUT_S,
                                check=False)
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else ""
            raise RuntimeError(f"`{shlex.join(argv)}` failed with exit status {result.returncode}:\n"
                               f"{result.stdout}{result.stderr}{log}")
        return result

    def start(self) -> None:
        self.run(["initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync"])
        # Durability is pointless for a throwaway server; fsync=off keeps CREATE DATABASE cheap.
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off")
        self.run(["pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w", "start"])

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self.run(["pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])


def start_server() -> PostgresServer:
    """Start a server, or skip the calling test when PostgreSQL is not installed."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl on PATH, in /usr/local/bin or "
                    "/usr/lib/postgresql/*/bin); .ci/run installs the Debian `postgresql` package")
    as_user: str | None = None
    base = Path(tempfile.mkdtemp(prefix="gdprep-pg-", dir=_scratch_parent()))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            pytest.fail(f"tests run as root but there is no `{SERVER_USER}` user to run PostgreSQL as; "
                        f"create it (the Debian `postgresql` package does) or run the tests as another user")
        os.chown(base, account.pw_uid, account.pw_gid)
        as_user = SERVER_USER
    server = PostgresServer(bin_dir=bin_dir, base=base, port=_free_port(), as_user=as_user)
    try:
        server.run(["pg_ctl", "--version"])  # also proves the server account can run the binaries
        Path(server.socket_dir).mkdir()
        if as_user is not None:
            account = pwd.getpwnam(as_user)
            os.chown(server.socket_dir, account.pw_uid, account.pw_gid)
        server.start()
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of the `postgres` database on a throwaway server (superuser, trust auth)."""
    server = start_server()
    try:
        yield server.url
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A ledger URL on each backend: a SQLite file, then a fresh database on the throwaway PostgreSQL server
    (the module must import `postgres_url` too)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    url = create_database(server)
    try:
        yield url
    finally:
        drop_database(server, url)


# -- databases on the server ------------------------------------------------------------------------------
def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _admin(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")  # CREATE/DROP DATABASE refuse transactions
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def create_database(server_url: str, template: str | None = None) -> str:
    """Create a fresh database (optionally a copy of `template`, which must have no open connections) and
    return its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    _admin(server_url, f'CREATE DATABASE "{name}"{clause}')
    return _with_database(server_url, name)


def drop_database(server_url: str, database_url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
