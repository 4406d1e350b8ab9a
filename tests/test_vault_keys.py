"""Key loading (sources, precedence, formats, permissions) and the encrypted pseudonym vault."""

from __future__ import annotations

import base64
import pickle
import re
import stat
from pathlib import Path

import pytest

from gdprep.errors import IntegrityError, VaultError
from gdprep.privacy.keys import KEY_FILE_ENV, MASTER_KEY_ENV, KeyRing
from gdprep.privacy.vault import MAX_SURROGATE_ATTEMPTS, Vault

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- keys --------------------------------------------------------------------------------------------------


def test_default_key_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    ring = KeyRing.open()
    key_file = tmp_path / "home" / "keys" / "master.key"
    assert key_file.read_bytes() and len(key_file.read_bytes()) == 32
    assert _mode(key_file) == 0o600
    assert _mode(key_file.parent) == 0o700
    assert KeyRing.open().key_id == ring.key_id
    assert not [p for p in key_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_state_argument_overrides_gdprep_home(tmp_path: Path) -> None:
    KeyRing.open(state=tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "keys" / "master.key").exists()
    assert not (tmp_path / "home" / "keys").exists()


@pytest.mark.parametrize(("explicit", "env_file", "env_key", "expected"), [
    ("a", "b", KEY_B, KEY_A),   # explicit key_file wins over everything
    (None, "a", KEY_B, KEY_A),  # $GDPREP_KEY_FILE wins over $GDPREP_MASTER_KEY
    (None, None, KEY_B, KEY_B),  # $GDPREP_MASTER_KEY wins over the default key file
    (None, None, None, None),   # default key file
])
def test_key_source_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, explicit: str | None,
                               env_file: str | None, env_key: bytes | None, expected: bytes | None) -> None:
    files = {"a": tmp_path / "a.key", "b": tmp_path / "b.key"}
    files["a"].write_bytes(KEY_A)
    files["b"].write_bytes(KEY_B)
    if env_file:
        monkeypatch.setenv(KEY_FILE_ENV, str(files[env_file]))
    if env_key:
        monkeypatch.setenv(MASTER_KEY_ENV, base64.b64encode(env_key).decode())
    ring = KeyRing.open(key_file=files[explicit] if explicit else None)
    if expected is None:
        default = (tmp_path / "home" / "keys" / "master.key").read_bytes()
        assert ring.key_id == KeyRing(default, "test").key_id
    else:
        assert ring.key_id == KeyRing(expected, "test").key_id


@pytest.mark.parametrize("content", [
    KEY_A,
    base64.b64encode(KEY_A),
    base64.b64encode(KEY_A) + b"\n",
    base64.urlsafe_b64encode(KEY_A).rstrip(b"="),
    KEY_A.hex().encode() + b"\n",
])
def test_key_file_formats(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "k"
    path.write_bytes(content)
    assert KeyRing.open(key_file=path).key_id == KeyRing(KEY_A, "test").key_id


@pytest.mark.parametrize(("content", "match"), [
    (b"", r"key file .*k is malformed.*32 raw bytes"),
    (b"short", r"malformed.*found 5 bytes"),
    (KEY_A[:31], r"malformed"),
    (base64.b64encode(KEY_A[:16]), r"malformed"),
    (b"z" * 64, r"malformed"),  # 64 characters that are neither hex nor a 32-byte base64
])
def test_malformed_key_file(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "k"
    path.write_bytes(content)
    with pytest.raises(VaultError, match=match):
        KeyRing.open(key_file=path)


@pytest.mark.parametrize("value", ["", "not base64 !!", base64.b64encode(KEY_A[:16]).decode(),
                                   base64.b64encode(KEY_A + b"x").decode()])
def test_malformed_master_key_env(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(MASTER_KEY_ENV, value)
    with pytest.raises(VaultError, match=r"\$GDPREP_MASTER_KEY is not a valid key.*base64.*32 bytes.*unset"):
        KeyRing.open()


@pytest.mark.parametrize(("use_env", "match"), [
    (False, r"key file .*missing.key does not exist"),
    (True, r"missing.key \(from \$GDPREP_KEY_FILE\) does not exist.*unset it"),
])
def test_missing_explicit_key_file_is_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  use_env: bool, match: str) -> None:
    missing = tmp_path / "missing.key"
    if use_env:
        monkeypatch.setenv(KEY_FILE_ENV, str(missing))
    with pytest.raises(VaultError, match=match):
        KeyRing.open(key_file=None if use_env else missing)
    assert not missing.exists()


def test_empty_key_file_env_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_FILE_ENV, " ")
    with pytest.raises(VaultError, match=r"\$GDPREP_KEY_FILE is set but empty"):
        KeyRing.open()


def test_malformed_default_key_names_the_file(tmp_path: Path) -> None:
    key_file = tmp_path / "home" / "keys" / "master.key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"oops")
    with pytest.raises(VaultError, match=r"master.key is malformed.*restore it from your backup"):
        KeyRing.open()


def test_subkeys_are_distinct_and_sized() -> None:
    ring = KeyRing(KEY_A, "test")
    keys = [ring.hmac_key, ring.vault_key, ring.siv_key, ring.surrogate_key]
    assert [len(k) for k in keys] == [32, 32, 64, 32]
    assert len({*keys, KEY_A}) == 5
    assert len(ring.key_id) == 16 and int(ring.key_id, 16) >= 0
    assert ring.key_id != KeyRing(KEY_B, "test").key_id


def test_key_bytes_never_shown_or_pickled() -> None:
    ring = KeyRing(KEY_A, "test")
    shown = repr(ring) + str(ring)
    assert ring.key_id in shown
    for secret in (KEY_A, ring.hmac_key, ring.vault_key, ring.siv_key, ring.surrogate_key):
        assert secret.hex() not in shown and base64.b64encode(secret).decode() not in shown
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(ring)


# --- vault -------------------------------------------------------------------------------------------------


@pytest.fixture()
def ring() -> KeyRing:
    return KeyRing(KEY_A, "test")


def test_missing_vault_is_empty(tmp_path: Path, ring: KeyRing) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    assert len(vault) == 0 and vault.known_surrogates() == {}
    assert vault.original_for("<PERSON_1>") is None
    assert not (tmp_path / "vault.bin").exists()


def test_pseudonyms_come_from_the_key_not_from_the_order(tmp_path: Path, ring: KeyRing) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    calls = [("PERSON", "Anna"), ("PERSON", "Ben"), ("EMAIL_ADDRESS", "a@b.c"), ("PERSON", "Anna"),
             ("UK_NHS", "Anna")]
    tokens = [vault.pseudonym(t, o) for t, o in calls]
    assert [t.rsplit("_", 1)[0] for t in tokens] == ["<PERSON", "<PERSON", "<EMAIL_ADDRESS", "<PERSON", "<UK_NHS"]
    assert all(re.fullmatch(r"<[A-Z_]+_\d{10}>", t) for t in tokens)
    assert tokens[0] == tokens[3] and len(set(tokens)) == 4 and len(vault) == 4
    vault.save()
    reopened = Vault.open(tmp_path / "vault.bin", ring)
    assert [reopened.pseudonym(t, o) for t, o in calls] == tokens
    assert reopened.original_for(tokens[1]) == "Ben"
    # another vault with the same key, values in the reverse order: the same tokens
    other = Vault.open(tmp_path / "other.bin", ring)
    assert [other.pseudonym(t, o) for t, o in reversed(calls)] == tokens[::-1]
    # another key: other tokens
    assert Vault.open(tmp_path / "b.bin", KeyRing(KEY_B, "test")).pseudonym("PERSON", "Anna") != tokens[0]


def test_a_token_taken_by_another_value_gets_more_digits(tmp_path: Path, ring: KeyRing) -> None:
    first_choice = Vault.open(tmp_path / "probe.bin", ring).pseudonym("PERSON", "Ben")
    vault = Vault.open(tmp_path / "vault.bin", ring)
    vault._by_token[first_choice] = vault.lookup_key("PERSON", "Anna")  # as if Anna's HMAC ended alike
    longer = vault.pseudonym("PERSON", "Ben")
    assert re.fullmatch(r"<PERSON_\d{14}>", longer) and longer[-11:] == first_choice[-11:]
    assert Vault.open(tmp_path / "vault.bin", ring).pseudonym("PERSON", "Ben") == longer  # kept from then on


@pytest.mark.parametrize(("query", "entity_type", "expected"), [
    ("TOKEN", None, "Anna"),
    ("TOKEN", "PERSON", "Anna"),
    ("TOKEN", "EMAIL_ADDRESS", None),
    ("Zed Quill", None, "Anna"),
    ("Zed Quill", "PERSON", "Anna"),
    ("Zed Quill", "LOCATION", None),
    ("<PERSON_9>", None, None),
    ("Anna", None, None),  # an original is not a key
])
def test_original_for(tmp_path: Path, ring: KeyRing, query: str, entity_type: str | None,
                      expected: str | None) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    token = vault.pseudonym("PERSON", "Anna")
    vault.surrogate("PERSON", "Anna", lambda attempt: "Zed Quill")
    assert vault.original_for(token if query == "TOKEN" else query, entity_type) == expected


def test_surrogates_retry_on_collision_and_never_echo_the_original(tmp_path: Path, ring: KeyRing) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    names = ["Zed Quill", "Yan Pike", "Xia Moss"]
    assert vault.surrogate("PERSON", "Anna", lambda a: names[a]) == "Zed Quill"
    assert vault.surrogate("PERSON", "Ben", lambda a: names[a]) == "Yan Pike"      # attempt 0 taken
    assert vault.surrogate("LOCATION", "Leeds", lambda a: names[a]) == "Xia Moss"  # unique vault-wide
    assert vault.surrogate("PERSON", "Anna", lambda a: "other") == "Zed Quill"     # stored, not remade
    assert vault.surrogate("PERSON", "Cleo", lambda a: ["cleo", "Wim Ode"][a]) == "Wim Ode"
    assert vault.known_surrogates() == {"Zed Quill": "Anna", "Yan Pike": "Ben", "Xia Moss": "Leeds",
                                        "Wim Ode": "Cleo"}


def test_surrogate_exhaustion_is_a_vault_error(tmp_path: Path, ring: KeyRing) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    vault.surrogate("PHONE_NUMBER", "1", lambda a: "same")
    attempts: list[int] = []

    def make(attempt: int) -> str:
        attempts.append(attempt)
        return "same"

    with pytest.raises(VaultError, match=r"no unused PHONE_NUMBER surrogate.*use the pseudonym or encrypt"):
        vault.surrogate("PHONE_NUMBER", "2", make)
    assert len(attempts) == MAX_SURROGATE_ATTEMPTS
    assert len(vault) == 1


@pytest.mark.parametrize("entity_type", ["person", "", "1PERSON", "PER-SON", "PERSON>"])
def test_entity_type_must_be_token_safe(tmp_path: Path, ring: KeyRing, entity_type: str) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    with pytest.raises(ValueError, match="must match"):
        vault.pseudonym(entity_type, "x")


ORIGINALS = [("PERSON", "Gwendolyn Featherstonehaugh"), ("EMAIL_ADDRESS", "gwen.f@private-mail.co.uk"),
             ("UK_NINO", "QQ123456C"), ("STREET_ADDRESS", "Flat 2, 17 Ünïcødé Straße")]


def test_vault_file_holds_no_originals_in_clear(tmp_path: Path, ring: KeyRing) -> None:
    path = tmp_path / "state" / "vault.bin"
    vault = Vault.open(path, ring)
    tokens = {}
    for entity_type, original in ORIGINALS:
        tokens[entity_type] = vault.pseudonym(entity_type, original)
        vault.surrogate(entity_type, original, lambda a, o=original: f"Fake {len(o)} {a}")
    vault.save()
    blob = path.read_bytes()
    assert blob.startswith(b"GDPVAULT")
    for entity_type, original in ORIGINALS:
        for needle in (original, original.split()[-1], tokens[entity_type], f"Fake {len(original)}"):
            for encoded in (needle.encode("utf-8"), needle.encode("utf-16-le"), needle.encode("latin-1", "ignore")):
                assert encoded not in blob
    assert _mode(path) == 0o600
    # no temp file left behind (the lock file holds nothing)
    assert sorted(p.name for p in path.parent.iterdir()) == ["vault.bin", "vault.bin.lock"]
    assert not vault.dirty


def test_every_record_uses_a_fresh_nonce(tmp_path: Path, ring: KeyRing) -> None:
    blobs = []
    for name in ("a.bin", "b.bin"):
        vault = Vault.open(tmp_path / name, ring)
        token = vault.pseudonym("PERSON", "Anna")
        vault.save()
        blobs.append((tmp_path / name).read_bytes())
        assert Vault.open(tmp_path / name, ring).original_for(token) == "Anna"
    assert blobs[0][57:] != blobs[1][57:]  # same entry, other nonce and ciphertext


def _saved_vault(tmp_path: Path, ring: KeyRing) -> Path:
    path = tmp_path / "vault.bin"
    vault = Vault.open(path, ring)
    vault.pseudonym("PERSON", "Anna")
    vault.save()
    return path


def test_wrong_key_is_refused(tmp_path: Path, ring: KeyRing) -> None:
    path = _saved_vault(tmp_path, ring)
    with pytest.raises(VaultError, match=r"vault .*vault.bin was written with key id .*the key does not match"):
        Vault.open(path, KeyRing(KEY_B, "test"))


@pytest.mark.parametrize(("offset", "error"), [
    (0, IntegrityError),    # magic
    (8, VaultError),        # format version
    (12, VaultError),       # key id
    (30, IntegrityError),   # generation (the records' associated data)
    (41, IntegrityError),   # a record's length
    (45, IntegrityError),   # a record's nonce
    (60, IntegrityError),   # a record's ciphertext
    (-1, IntegrityError),   # GCM tag
])
def test_tampered_vault_is_refused(tmp_path: Path, ring: KeyRing, offset: int, error: type[Exception]) -> None:
    path = _saved_vault(tmp_path, ring)
    blob = bytearray(path.read_bytes())
    blob[offset] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(error, match=r"vault .*vault.bin"):
        Vault.open(path, ring)


@pytest.mark.parametrize("blob", [b"", b"GDPVAULT", b"not a vault at all, just some bytes here......"])
def test_truncated_or_foreign_file_is_refused(tmp_path: Path, ring: KeyRing, blob: bytes) -> None:
    path = tmp_path / "vault.bin"
    path.write_bytes(blob)
    with pytest.raises(IntegrityError, match=r"vault .*vault.bin is not a gdprep vault"):
        Vault.open(path, ring)


def test_revision_tracks_changes(tmp_path: Path, ring: KeyRing) -> None:
    vault = Vault.open(tmp_path / "vault.bin", ring)
    vault.pseudonym("PERSON", "Anna")
    after_first = vault.revision
    vault.pseudonym("PERSON", "Anna")
    assert vault.revision == after_first == 1
    vault.surrogate("PERSON", "Anna", lambda a: "Zed")
    assert vault.revision == 2 and vault.dirty
    assert "Anna" not in repr(vault)


def test_save_creates_missing_directory_owner_only(tmp_path: Path, ring: KeyRing) -> None:
    path = tmp_path / "new" / "vault.bin"
    vault = Vault.open(path, ring)
    vault.pseudonym("PERSON", "Anna")
    vault.save()
    assert _mode(path.parent) == 0o700
