"""API keys on SQLite and PostgreSQL: shown once, stored only as a scrypt hash, refused when wrong or revoked,
names and roles checked, and every creation and revocation a key event in the ledger without the secret."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from gdprep.audit.keys import Keys
from gdprep.audit.ledger import Ledger
from gdprep.errors import GdprepError
from gdprep.service.keys import ROLES, SCRYPT_PARAMS, ApiKeyError, KeyStore, Principal
from tests.pg import create_database, drop_database
from tests.pg import postgres_url as postgres_url  # noqa: F401  (registers the session fixture here)

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    if request.param == "sqlite":
        opened = Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", Keys(tmp_path / "state"))
        yield opened
        opened.engine.dispose()
        return
    server = request.getfixturevalue("postgres_url")
    url = create_database(server)
    opened = Ledger(url, Keys(tmp_path / "state"))
    try:
        yield opened
    finally:
        opened.engine.dispose()
        drop_database(server, url)


@pytest.fixture
def store(ledger: Ledger) -> KeyStore:
    return KeyStore(ledger)


def _rows(store: KeyStore) -> list[dict[str, object]]:
    with store.ledger.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(store.table))]


def test_created_key_authenticates_as_its_name_and_role(store: KeyStore) -> None:
    secret = store.create("ci-pipeline", "auditor", created_by="ops")
    assert secret.startswith("gdp_")
    principal = store.authenticate(secret)
    assert principal is not None
    assert (principal.name, principal.role) == ("ci-pipeline", "auditor")
    assert principal.key_id == secret.split("_")[1]
    assert isinstance(principal, Principal)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_hold_a_key(store: KeyStore, role: str) -> None:
    principal = store.authenticate(store.create(f"key-{role}", role))
    assert principal is not None and principal.role == role


def test_only_a_scrypt_hash_is_stored(store: KeyStore) -> None:
    secret = store.create("svc", "engineer")
    random_part = secret.split("_", 2)[2]
    (row,) = _rows(store)
    for value in row.values():
        assert secret not in str(value)
        assert random_part not in str(value)
    params = json.loads(str(row["hash_params"]))
    assert params == {"alg": "scrypt", **SCRYPT_PARAMS}
    expected = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(str(row["salt"])), n=2**14, r=8, p=1, dklen=32)
    assert row["secret_hash"] == expected.hex()


def test_two_keys_never_share_salt_or_hash(store: KeyStore) -> None:
    store.create("a", "engineer")
    store.create("b", "engineer")
    first, second = _rows(store)
    assert first["salt"] != second["salt"]
    assert first["secret_hash"] != second["secret_hash"]
    assert first["key_id"] != second["key_id"]


@pytest.mark.parametrize("mangle", [
    lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # right key id, wrong secret
    lambda s: "gdp_" + "0" * 16 + "_" + s.split("_", 2)[2],  # unknown key id
    lambda s: s.split("_", 2)[2],  # no prefix
    lambda s: "",
    lambda s: "gdp__x",
    lambda s: s + "x",
], ids=["wrong-secret", "unknown-key-id", "no-prefix", "empty", "malformed", "extra-char"])
def test_wrong_keys_are_refused(store: KeyStore, mangle: object) -> None:
    secret = store.create("svc", "admin")
    assert callable(mangle)
    assert store.authenticate(mangle(secret)) is None
    assert store.authenticate(secret) is not None


def test_revoked_key_is_refused_and_listed_as_revoked(store: KeyStore) -> None:
    secret = store.create("old", "auditor")
    keep = store.create("new", "auditor")
    info = store.revoke("old", revoked_by="ops")
    assert info.revoked_at is not None and info.revoked_by == "ops" and not info.active
    assert store.authenticate(secret) is None
    assert store.authenticate(keep) is not None
    listed = {k.name: k for k in store.list()}
    assert not listed["old"].active and listed["new"].active
    assert not store.is_active(listed["old"].key_id) and store.is_active(listed["new"].key_id)
    assert not store.is_active("no-such-key-id")


def test_list_never_returns_hashes(store: KeyStore) -> None:
    store.create("one", "engineer", created_by="ops")
    store.create("two", "compliance_officer")
    keys = store.list()
    assert [(k.name, k.role) for k in keys] == [("one", "engineer"), ("two", "compliance_officer")]
    assert keys[0].created_by == "ops"
    for k in keys:
        assert not hasattr(k, "secret_hash") and not hasattr(k, "salt")


@pytest.mark.parametrize(("name", "role", "match"), [
    ("dup", "auditor", "already exists"),
    ("fresh", "superuser",
     "unknown role 'superuser': use one of engineer, compliance_officer, auditor, admin, evaluator"),
    ("has space", "auditor", "is not allowed"),
    ("", "auditor", "is not allowed"),
    ("x" * 65, "auditor", "is not allowed"),
])
def test_bad_creations_are_clear_usage_errors(store: KeyStore, name: str, role: str, match: str) -> None:
    store.create("dup", "engineer")
    with pytest.raises(ApiKeyError, match=match) as caught:
        store.create(name, role)
    assert isinstance(caught.value, GdprepError) and caught.value.exit_code == 2
    assert [k.name for k in store.list()] == ["dup"]


def test_a_revoked_name_is_not_reused(store: KeyStore) -> None:
    store.create("gone", "auditor")
    store.revoke("gone")
    with pytest.raises(ApiKeyError, match="never reused"):
        store.create("gone", "auditor")


@pytest.mark.parametrize(("setup", "match"), [(False, "no API key named 'ghost'"), (True, "already revoked")])
def test_revoking_unknown_or_revoked_key_fails(store: KeyStore, setup: bool, match: str) -> None:
    if setup:
        store.create("ghost", "auditor")
        store.revoke("ghost")
    with pytest.raises(ApiKeyError, match=match):
        store.revoke("ghost")


def test_create_and_revoke_are_key_events_without_the_secret(store: KeyStore) -> None:
    secret = store.create("svc", "compliance_officer", created_by="ops")
    store.revoke("svc", revoked_by="sec")
    events = [e for e in store.ledger.iter_entries() if e.kind == "key_event" and e.payload.get("key") == "api-key"]
    assert [(e.payload["event"], e.payload["name"], e.payload["role"], e.payload["actor"]) for e in events] == [
        ("created", "svc", "compliance_officer", "ops"), ("revoked", "svc", "compliance_officer", "sec")]
    (row,) = _rows(store)
    dumped = json.dumps([e.body() for e in store.ledger.iter_entries()])
    assert secret not in dumped and secret.split("_", 2)[2] not in dumped
    assert str(row["secret_hash"]) not in dumped and str(row["salt"]) not in dumped
    result = store.ledger.verify()
    assert result.ok and result.unsigned_tail == 0


def test_keys_cli_shows_the_secret_once_and_revokes() -> None:
    from typer.testing import CliRunner

    from gdprep.audit.ledger import Ledger
    from gdprep.service.cli import app
    from gdprep.service.keys import KeyStore

    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "auditor", "--name", "audit-team"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    assert secret.startswith("gdp_")
    assert KeyStore(Ledger()).authenticate(secret) is not None
    listed = runner.invoke(app, ["keys", "list"])
    assert "audit-team" in listed.stdout and secret not in listed.stdout
    assert runner.invoke(app, ["keys", "create", "--role", "auditor", "--name", "audit-team"]).exit_code == 2
    assert runner.invoke(app, ["keys", "create", "--role", "owner", "--name", "x"]).exit_code == 2
    assert runner.invoke(app, ["keys", "revoke", "audit-team"]).exit_code == 0
    assert KeyStore(Ledger()).authenticate(secret) is None


def test_a_verified_key_revoked_later_is_refused_at_once(store: KeyStore) -> None:
    """Keys that passed scrypt are remembered (by a fast hash) to spare later requests; revocation still wins,
    and a wrong secret for the same key id is still refused."""
    secret = store.create("busy", "engineer")
    assert store.authenticate(secret) is not None
    assert store.authenticate(secret) is not None  # the remembered path
    assert store.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    store.revoke("busy")
    assert store.authenticate(secret) is None


@pytest.mark.parametrize("token", ["", "gdp__x", "not-a-key", "gdp_0123456789abcdef_" + "A" * 43,
                                   "gdp_0123456789ABCDEF_secret", "Bearer gdp_0123456789abcdef_x"],
                         ids=["empty", "malformed", "no-prefix", "unknown-key-id", "upper-case-id", "with-scheme"])
def test_malformed_and_unknown_keys_are_refused_without_scrypt(store: KeyStore, token: str) -> None:
    """A slow hash per random token would hand the server's CPU and memory to anyone; a known key id with a
    wrong secret still costs one (that is what the per-client limit and the slots are for)."""
    secret = store.create("svc", "engineer")
    before = store.scrypt_checks
    assert store.authenticate(token) is None
    assert store.scrypt_checks == before
    assert store.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.scrypt_checks == before + 1


def test_concurrent_scrypt_checks_are_bounded(store: KeyStore) -> None:
    import threading

    from gdprep.service.keys import SCRYPT_SLOTS

    secret = store.create("svc", "engineer")
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    n = 4 * SCRYPT_SLOTS + 2
    start = threading.Barrier(n)
    results: list[Principal | None] = []

    def attempt() -> None:
        start.wait()
        results.append(store.authenticate(wrong))

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [None] * n
    assert store.scrypt_checks == n
    assert 1 <= store.scrypt_peak <= SCRYPT_SLOTS


def test_the_last_active_admin_key_cannot_be_revoked(store: KeyStore) -> None:
    from gdprep.service.keys import LastAdminError

    first = store.create("ops-1", "admin")
    store.create("ops-2", "admin")
    store.create("eng", "engineer")
    store.revoke("ops-2")
    with pytest.raises(LastAdminError, match="'ops-1' is the last active admin key; create another admin key"):
        store.revoke("ops-1")
    assert store.authenticate(first) is not None
    assert {k.name: k.active for k in store.list()} == {"ops-1": True, "ops-2": False, "eng": True}
    store.revoke("eng")  # other roles are not held to it
    store.create("ops-3", "admin")
    store.revoke("ops-1")  # now that another admin exists
    assert store.authenticate(first) is None


def test_failure_limiter_counts_per_client_within_its_window() -> None:
    import time

    from gdprep.service.keys import FailureLimiter

    limiter = FailureLimiter(max_failures=3, window_s=0.5)
    for _ in range(3):
        assert limiter.retry_after("10.0.0.1") == 0
        limiter.failed("10.0.0.1")
    wait = limiter.retry_after("10.0.0.1")
    assert 0 < wait <= 0.5
    assert limiter.retry_after("10.0.0.2") == 0  # another client is not held back
    time.sleep(wait + 0.05)
    assert limiter.retry_after("10.0.0.1") == 0  # the window moved on
