"""Pseudonyms and surrogates come from a keyed HMAC, not from a counter: redaction gives the same output
whatever the number of workers and whatever runs share the vault at the same time, and the vault merges
the entries of runs side by side. Version-1 vaults (counter tokens) keep their tokens; a run killed
mid-way leaves a vault that opens and reverses what was published."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gdprep.errors import VaultError
from gdprep.policies import Policy, load_policy
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.pipeline import run_redact
from gdprep.privacy.restore import Restorer
from gdprep.privacy.vault import Vault
from gdprep.records import Record, RecordReader

from .conftest import read_jsonl, write_jsonl

MASTER = bytes(range(7, 39))
SHIPPED = Path(__file__).resolve().parents[1] / "policies" / "uk-gdpr-default.yaml"


@pytest.fixture(autouse=True)
def _fixed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """One key for every run of a test (a subprocess inherits it), so runs can be compared."""
    monkeypatch.setenv("GDPREP_MASTER_KEY", base64.b64encode(MASTER).decode("ascii"))


def _policy(tmp_path: Path) -> Path:
    """The shipped UK policy with names as surrogates and e-mail addresses as pseudonyms."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("PERSON:                 {threshold: 0.5, operator: pseudonym}",
                        "PERSON:                 {threshold: 0.5, operator: surrogate}")
    text = text.replace("EMAIL_ADDRESS:          {threshold: 0.5, operator: placeholder}",
                        "EMAIL_ADDRESS:          {threshold: 0.5, operator: pseudonym}")
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


NAMES = ["Oliver Bennett", "Amelia Hartley", "George Whitfield", "Isla Montgomery", "Harry Pemberton"]


def _rows(start: int, stop: int) -> list[dict[str, str]]:
    return [{"id": f"r{i}", "text": f"Ring {NAMES[i % len(NAMES)]} or write to person{i % 23}@example.org"}
            for i in range(start, stop)]


def _restored(path: Path, policy: Policy, vault: Path) -> list[dict[str, object]]:
    restorer = Restorer(KeyRing.open(), Vault.open(vault, KeyRing.open()))
    out = []
    for rec in RecordReader(path, policy.fields, require_text=False).batches():
        for item in rec:
            assert isinstance(item, Record)
            out.append(restorer.restore(item)[0])
    return out


@pytest.mark.slow
def test_one_and_two_workers_write_the_same_bytes(tmp_path: Path) -> None:
    policy = load_policy(str(_policy(tmp_path)))
    src = write_jsonl(tmp_path / "in.jsonl", _rows(0, 40))
    for workers in (1, 2):
        run_redact(src, tmp_path / f"w{workers}.jsonl", tmp_path / f"w{workers}.json", policy, workers=workers,
                   vault_path=tmp_path / f"vault{workers}.bin")
    one, two = (tmp_path / "w1.jsonl").read_bytes(), (tmp_path / "w2.jsonl").read_bytes()
    assert one == two
    assert b"<EMAIL_ADDRESS_" in one and b"Oliver Bennett" not in one


_RUN = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from gdprep.policies import load_policy
    from gdprep.privacy.pipeline import run_redact
    src, out, policy, vault, mine, other, kill_at = sys.argv[1:8]
    seen = 0
    def progress(n):
        global seen
        seen += n
        if seen == 5 and other != "-":  # both runs are mid-way, each with entries added, before either goes on
            Path(mine).touch()
            deadline = time.monotonic() + 120
            while not Path(other).exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        if seen == int(kill_at):
            os.kill(os.getpid(), signal.SIGKILL)
    run_redact(Path(src), Path(out), Path(out + ".report.json"), load_policy(policy), vault_path=Path(vault),
               progress=progress)
""")


def _start(tmp_path: Path, src: Path, out: Path, vault: Path, mine: str = "-", other: str = "-",
           kill_at: int = -1) -> subprocess.Popen[str]:
    args = [str(src), str(out), str(_policy(tmp_path)), str(vault), mine, other, str(kill_at)]
    return subprocess.Popen([sys.executable, "-c", _RUN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=os.environ.copy())


@pytest.mark.slow
def test_two_runs_at_once_give_the_tokens_of_one_run_after_the_other(tmp_path: Path) -> None:
    policy = load_policy(str(_policy(tmp_path)))
    first, second = write_jsonl(tmp_path / "a.jsonl", _rows(0, 30)), write_jsonl(tmp_path / "b.jsonl", _rows(15, 45))
    for src in (first, second):  # one after the other, in a vault of their own
        run_redact(src, tmp_path / f"seq-{src.name}", tmp_path / f"seq-{src.stem}.json", policy,
                   vault_path=tmp_path / "seq.bin")
    shared = tmp_path / "shared.bin"
    runs = [_start(tmp_path, first, tmp_path / "par-a.jsonl", shared, str(tmp_path / "a.ready"),
                   str(tmp_path / "b.ready")),
            _start(tmp_path, second, tmp_path / "par-b.jsonl", shared, str(tmp_path / "b.ready"),
                   str(tmp_path / "a.ready"))]
    for proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    for name in ("a.jsonl", "b.jsonl"):
        redacted = (tmp_path / f"par-{name}").read_bytes()
        assert redacted == (tmp_path / f"seq-{name}").read_bytes()
        assert b"<EMAIL_ADDRESS_" in redacted and b"Oliver Bennett" not in redacted
    # the merged vault reverses both outputs, and holds each value once
    for name, src in (("a.jsonl", first), ("b.jsonl", second)):
        assert _restored(tmp_path / f"par-{name}", policy, shared) == read_jsonl(src)
    merged = Vault.open(shared, KeyRing.open())
    assert len(merged) == len(Vault.open(tmp_path / "seq.bin", KeyRing.open())) == len(NAMES) + 23


def test_vaults_adding_at_the_same_time_never_share_a_token_or_surrogate(tmp_path: Path) -> None:
    path, ring = tmp_path / "vault.bin", KeyRing.open()
    values = [f"person {i}" for i in range(60)]
    start = threading.Barrier(2)
    issued: dict[str, list[tuple[str, str, str]]] = {}

    def add(name: str, order: list[str]) -> None:
        vault = Vault.open(path, ring)
        start.wait()
        # surrogates from a pool of 200 names: both vaults' first choices collide often
        issued[name] = [(v, vault.pseudonym("PERSON", v),
                         vault.surrogate("PERSON", v, lambda a, v=v: f"Name {(hash_of(v) + a) % 200}"))
                        for v in order]
        vault.save()

    threads = [threading.Thread(target=add, args=("up", values)),
               threading.Thread(target=add, args=("down", values[::-1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued["up"]) == sorted(issued["down"])  # each value got one token and one surrogate
    merged = Vault.open(path, ring)
    assert len(merged) == len(values)
    assert len({s for _v, _t, s in issued["up"]}) == len(values)
    for value, token, surrogate in issued["up"]:
        assert merged.original_for(token) == merged.original_for(surrogate) == value
        assert Vault.open(tmp_path / "alone.bin", ring).pseudonym("PERSON", value) == token


def hash_of(value: str) -> int:
    return sum(value.encode("utf-8")) * 7


def _version1_vault(path: Path, ring: KeyRing, entries: dict[str, dict[str, str]]) -> None:
    """A vault as gdprep wrote it before tokens came from the HMAC: MAGIC | 1 | key_id | nonce | AES-GCM of
    {"format": 1, "counters", "entries"}, the header being the associated data."""
    payload = {"format": 1, "written_by": "gdprep 0.1", "key_id": ring.key_id, "counters": {"PERSON": 2},
               "entries": entries}
    header = b"GDPVAULT" + bytes([1]) + ring.key_id.encode("ascii")
    nonce = os.urandom(12)
    sealed = AESGCM(ring.vault_key).encrypt(nonce, json.dumps(payload).encode("utf-8"), header)
    path.write_bytes(header + nonce + sealed)


def test_a_version_1_vault_keeps_its_tokens_and_reverses_its_outputs(tmp_path: Path) -> None:
    policy = load_policy("uk-gdpr-default")
    ring = KeyRing.open()
    path = tmp_path / "vault.bin"
    old = {"PERSON": {"Oliver Bennett": "<PERSON_1>", "Amelia Hartley": "<PERSON_2>"}}
    _version1_vault(path, ring, {ring.keyed_digest("PERSON", o).hex(): {"t": "PERSON", "o": o, "p": p}
                                 for o, p in old["PERSON"].items()})
    written = write_jsonl(tmp_path / "old.jsonl", [{"id": "1", "text": "Ring <PERSON_1> about <PERSON_2>"}])
    assert _restored(written, policy, path) == [{"id": "1", "text": "Ring Oliver Bennett about Amelia Hartley"}]

    vault = Vault.open(path, ring)
    assert vault.pseudonym("PERSON", "Oliver Bennett") == "<PERSON_1>"  # an old value keeps its token
    new = vault.pseudonym("PERSON", "George Whitfield")                # a new one gets an HMAC token
    assert new == Vault.open(tmp_path / "fresh.bin", ring).pseudonym("PERSON", "George Whitfield") != "<PERSON_3>"
    vault.save()
    assert path.read_bytes()[8] == 2  # migrated by the first added entry
    reopened = Vault.open(path, ring)
    assert [reopened.original_for(t) for t in ("<PERSON_1>", "<PERSON_2>", new)] == [
        "Oliver Bennett", "Amelia Hartley", "George Whitfield"]
    # erasure works on the converted vault as on any other
    assert reopened.forget(lambda _t, original: original == "Amelia Hartley") == 1
    reopened.save()
    assert Vault.open(path, ring).original_for("<PERSON_2>") is None
    assert Vault.open(path, ring).original_for("<PERSON_1>") == "Oliver Bennett"


def test_an_old_gdprep_is_told_the_format_version(tmp_path: Path) -> None:
    ring = KeyRing.open()
    vault = Vault.open(tmp_path / "vault.bin", ring)
    vault.pseudonym("PERSON", "Anna")
    vault.save()
    blob = bytearray((tmp_path / "vault.bin").read_bytes())
    blob[8] = 3  # a version this gdprep does not know
    (tmp_path / "vault.bin").write_bytes(bytes(blob))
    with pytest.raises(VaultError, match=r"format version 3; this gdprep reads versions 1 and 2"):
        Vault.open(tmp_path / "vault.bin", ring)


@pytest.mark.slow
def test_a_run_killed_mid_way_leaves_a_vault_that_reverses_what_was_published(tmp_path: Path) -> None:
    policy = load_policy(str(_policy(tmp_path)))
    vault = tmp_path / "vault.bin"
    published = write_jsonl(tmp_path / "a.jsonl", _rows(0, 20))
    run_redact(published, tmp_path / "a.out.jsonl", tmp_path / "a.json", policy, vault_path=vault)
    size = vault.stat().st_size
    killed = _start(tmp_path, write_jsonl(tmp_path / "b.jsonl", _rows(100, 160)), tmp_path / "b.out.jsonl",
                    vault, kill_at=40)
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL, err
    assert not (tmp_path / "b.out.jsonl").exists()   # the killed run published nothing
    assert vault.stat().st_size > size               # but it had added entries
    with vault.open("ab") as handle:                 # and say it died half-way through one more
        handle.write((200).to_bytes(4, "big") + os.urandom(30))
    assert _restored(tmp_path / "a.out.jsonl", policy, vault) == read_jsonl(published)
    # the next run cuts the half-written record off and adds after it
    run_redact(tmp_path / "b.jsonl", tmp_path / "b.out.jsonl", tmp_path / "b.json", policy, vault_path=vault)
    assert _restored(tmp_path / "b.out.jsonl", policy, vault) == read_jsonl(tmp_path / "b.jsonl")
    assert _restored(tmp_path / "a.out.jsonl", policy, vault) == read_jsonl(published)
