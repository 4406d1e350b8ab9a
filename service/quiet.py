"""What the machine-learning libraries print when `gdprep` runs off a terminal (a log file, CI, a pipe): no
progress bars and no notices about their own deprecations, which say nothing about the user's data or run.

Set as environment variables before those libraries are imported (and for the processes gdprep starts), and
through their own switches when they already are. A variable the user set is left as it is."""

from __future__ import annotations

import os
import sys
import warnings

#: the libraries whose progress bars and deprecation notices are theirs, not gdprep's
LIBRARIES = ("transformers", "peft", "trl", "datasets", "accelerate", "huggingface_hub", "torch", "mlflow",
             "bitsandbytes")

_ENVIRONMENT = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",       # huggingface_hub, and transformers' "Loading weights" bars
    "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",  # datasets' map / filter bars (trl builds datasets)
    "TRANSFORMERS_VERBOSITY": "error",         # advisory notices ("mtime may not be reliable"); errors stay
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}

#: a regex over the module that issues the warning: the libraries above and their submodules only
_LIBRARY_MODULES = r"(" + "|".join(LIBRARIES) + r")(\..*)?$"


def is_terminal() -> bool:
    """Whether a person watches stderr (and CI does not say otherwise)."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def quiet_libraries() -> None:
    """Turn off the libraries' progress bars and their FutureWarning / DeprecationWarning notices for this
    process and the processes it starts. gdprep's own warnings and every library error still show."""
    for name, value in _ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1":
        _disable_loaded_progress_bars()
    for category in (FutureWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=_LIBRARY_MODULES)


def _disable_loaded_progress_bars() -> None:
    """The environment is read at import: a library already imported is switched off through its own API."""
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        if os.environ.get("TRANSFORMERS_VERBOSITY") == "error":
            transformers_logging.set_verbosity_error()
    if "datasets" in sys.modules and os.environ.get("HF_DATASETS_DISABLE_PROGRESS_BARS") == "1":
        import datasets

        datasets.disable_progress_bars()
