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
