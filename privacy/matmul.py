"""The matrix products of the spaCy models gdprep runs, on NumPy's BLAS with one thread.

spaCy's CPU models compute their layers with thinc's `NumpyOps`, whose matrix product is `blis` by default.
Profiled on the detection hot path (bench/pii.py's speed records, about 120 characters each), the name/address
model took 1.12 ms per record, 0.76 ms of it in blis's `gemm`; on the same x86-64 machine NumPy's OpenBLAS
does those products about three times faster, and the model takes 0.65 ms per record with one BLAS thread.
Built this way, every layer of the token-to-vector network and of the NER's hidden layer uses NumPy's product;
the NER's small output layer and its transition step keep blis (thinc wires them to it directly).

OpenBLAS would use every core it finds, so detection limits it to one thread while a batch goes through
the model: a detection process then uses one core, as `--workers N` means N cores, and the benchmark's
per-process comparison with Presidio stays a comparison at equal resources. The results are the same model's,
with floating-point sums in another order: a score can move in its last bits, which could tip a decision
that sits exactly on an edge; on 5,200 bench texts every finding was the same.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any


@functools.cache
def _controller() -> Any:
    import numpy  # noqa: F401  (its BLAS must be loaded before the controller looks for libraries)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # reads the loaded BLAS libraries once; a limit then costs microseconds


@contextlib.contextmanager
def numpy_ops() -> Iterator[None]:
    """Build thinc models inside this block with NumPy's matrix product instead of blis."""
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):
        yield


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with NumPy's BLAS on one thread (restored afterwards)."""
    with _controller().limit(limits=1, user_api="blas"):
        yield
