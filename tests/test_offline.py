"""Nothing leaves the machine: detection (ours and Presidio's e-mail recognizer) with sockets blocked."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gdprep.policies import load_policy

TEXTS = [
    "Contact jane.doe@example.co.uk or j.smith@firma.de, IP 81.2.69.160, visit https://shop.example.org",
    "Mein Name ist Jonas Becker, Telefon +49 30 901820, E-Mail jonas@beispiel.de",
]


@pytest.fixture
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted during an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.network_guard
def test_detection_makes_no_connection(blocked_network: list[str]) -> None:
    from gdprep.privacy.engine import Detector

    detector = Detector(load_policy("uk-gdpr-default"))
    results = detector.analyze_texts(TEXTS)
    assert blocked_network == []
    assert any(f.entity_type == "EMAIL_ADDRESS" for f in results[0])


@pytest.mark.network_guard
def test_presidio_email_recognizer_uses_bundled_suffix_list(blocked_network: list[str], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "tld-cache"))  # an empty cache: would force a fetch
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    from gdprep.offline import enforce_offline

    enforce_offline()
    found = EmailRecognizer().analyze(TEXTS[0], ["EMAIL_ADDRESS"])
    assert blocked_network == []
    assert {TEXTS[0][r.start:r.end] for r in found} >= {"jane.doe@example.co.uk", "j.smith@firma.de"}


def test_offline_env_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from gdprep.offline import OFFLINE_ENV, enforce_offline

    for key in OFFLINE_ENV:
        monkeypatch.delenv(key, raising=False)
    enforce_offline()
    assert all(os.environ[key] == value for key, value in OFFLINE_ENV.items())


def test_egress_guard_refuses_remote_and_allows_loopback() -> None:
    import socket as sock

    from gdprep.errors import EgressError
    from gdprep.offline import install_egress_guard

    install_egress_guard()
    client = sock.socket(sock.AF_INET, sock.SOCK_STREAM)
    try:
        with pytest.raises(EgressError, match="blocked an outbound connection to 192.0.2.1"):
            client.connect(("192.0.2.1", 443))
    finally:
        client.close()
    with pytest.raises(EgressError, match="example.org"):
        sock.getaddrinfo("example.org", 443)
    server = sock.socket(sock.AF_INET, sock.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = sock.socket(sock.AF_INET, sock.SOCK_STREAM)
    try:
        client.connect(server.getsockname())  # loopback stays usable (local databases, browsers)
    finally:
        client.close()
        server.close()


@pytest.mark.network_guard
def test_worker_processes_run_under_the_guard(tmp_path: Path) -> None:
    """Detection in child processes: any outbound connection there would raise and fail the run."""
    import json

    from gdprep.privacy.pipeline import run_detect

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(TEXTS * 20)),
                   encoding="utf-8")
    summary = run_detect(src, tmp_path / "out.jsonl", load_policy("uk-gdpr-default"), workers=2)
    assert summary.n_out == len(TEXTS) * 20
