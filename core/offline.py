"""Keep every library gdprep uses off the network: Hugging Face offline flags, no telemetry,
and a tldextract that reads only the public-suffix snapshot bundled inside the package."""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
from typing import Any

import tldextract

from gdprep.errors import EgressError

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}
#: set whatever the environment says: these libraries would otherwise send usage data (MLflow reads
#: DO_NOT_TRACK only when it is "true")
TELEMETRY_OFF = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


@functools.cache
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A TLDExtract with no remote suffix-list URLs and no cache dir: the bundled snapshot only."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


#: hosts a run declared and the policy allowed (a Ray cluster's head, see `gdprep.ray_cluster`)
_ALLOWED_HOSTS: set[str] = set()


def allow_egress_to(host: str) -> None:
    """Let this process reach `host` besides loopback: only for a cluster the residency check passed."""
    _ALLOWED_HOSTS.add(host)


def _loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost" or host in _ALLOWED_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(host: object) -> EgressError:
    return EgressError(f"blocked an outbound connection to {host}: gdprep never sends data off this machine")


def install_egress_guard() -> None:
    """Refuse every socket connection and name lookup that is not to this machine (loopback and Unix
    sockets stay usable, e.g. for a local database). Idempotent; it also runs in worker processes."""
    if getattr(socket.socket.connect, "_gdprep_guard", False):
        return
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            raise _refuse(address[0])
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            raise _refuse(address[0])
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(host if isinstance(host, str) else str(host)):
            raise _refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    guarded_connect._gdprep_guard = True  # type: ignore[attr-defined]
    socket.socket.connect = guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = guarded_getaddrinfo


def enforce_offline() -> None:
    """Set offline env vars, make the module-level `tldextract.extract` (used by Presidio's
    EmailRecognizer) use the bundled snapshot, and install the egress guard. Idempotent; call once at
    start-up (the detection engine does, in every worker process)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.update(TELEMETRY_OFF)
    extractor = offline_tld_extractor()
    tldextract.extract = extractor  # type: ignore[assignment]
    tldextract.tldextract.TLD_EXTRACTOR = extractor
    install_egress_guard()
