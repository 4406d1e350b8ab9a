"""The spaCy models' matrix products on NumPy's BLAS (gdprep.privacy.matmul): built so, and held to one thread
while detection runs, then given back."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_info

from gdprep.privacy.matmul import one_blas_thread


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_blas_is_held_to_one_thread_and_given_back_also_after_an_error() -> None:
    import numpy  # noqa: F401  (loads the BLAS library threadpoolctl reports)

    before = _blas_threads()
    assert before, "no BLAS library found"
    with one_blas_thread():
        assert set(_blas_threads()) == {1}
    assert _blas_threads() == before
    with pytest.raises(RuntimeError), one_blas_thread():
        raise RuntimeError("a batch failed")
    assert _blas_threads() == before


def test_the_name_model_multiplies_with_numpy_not_blis() -> None:
    from gdprep.privacy.engine import load_name_model

    nlp = load_name_model()
    tok2vec_nodes = list(nlp.get_pipe("tok2vec").model.walk())
    assert tok2vec_nodes and all(node.ops.use_blis is False for node in tok2vec_nodes)
