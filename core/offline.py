"""Keep every library gdprep uses off the network: Hugging Face offline flags, no telemetry,
and a tldextract that reads only the public-suffix snapshot bundled inside the package."""

from __future__ import annotations

import functools
import os

import tldextract

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


@functools.cache
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A TLDExtract with no remote suffix-list URLs and no cache dir: the bundled snapshot only."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def enforce_offline() -> None:
    """Set offline env vars and make the module-level `tldextract.extract` (used by Presidio's
    EmailRecognizer) use the bundled snapshot. Idempotent; call once at start-up."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    extractor = offline_tld_extractor()
    tldextract.extract = extractor  # type: ignore[assignment]
    tldextract.tldextract.TLD_EXTRACTOR = extractor
