"""cosine_similarity and top_k: agreement with brute force, edge cases, validation messages."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from lcoai_notebook import embeddings as emb
from lcoai_notebook import similarity as sim
from lcoai_notebook.similarity import cosine_similarity, top_k


def _reference_cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Brute force in float64 (the whole matrix at once), independent of the code under test."""
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b = np.atleast_2d(np.asarray(b, dtype=np.float64))
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    dots = a @ b.T
    denom = np.outer(na, nb)
    return np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)


def test_reference_itself():
    s = _reference_cos([[1, 0], [0, 0]], [[2, 0], [1, 1], [0, 0]])
    np.testing.assert_allclose(s, [[1, np.sqrt(0.5), 0], [0, 0, 0]])


def _reference_top_k(q: np.ndarray, c: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    s = _reference_cos(q, c)
    # Stable sort of -score: ties go to the lower index, as top_k documents.
    idx = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(s, idx, axis=1)


# -- cosine_similarity -------------------------------------------------------------------------


def test_cosine_matches_reference_and_is_float32():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((4, 5))
    s = cosine_similarity(a, b)
    assert s.shape == (7, 4) and s.dtype == np.float32
    np.testing.assert_allclose(s, _reference_cos(a, b), rtol=1e-5, atol=1e-6)


def test_cosine_self_similarity_defaults_to_a():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((6, 3)).astype(np.float32)
    s = cosine_similarity(a)
    assert s.shape == (6, 6)
    np.testing.assert_allclose(np.diag(s), 1.0, rtol=1e-6)
    np.testing.assert_allclose(s, s.T, atol=1e-7)


def test_cosine_promotes_1d_and_accepts_lists():
    assert cosine_similarity([1, 0], [[1, 0], [0, 3], [-2, 0]]).tolist() == [[1.0, 0.0, -1.0]]
    assert cosine_similarity([3, 4], [6, 8]).shape == (1, 1)


def test_cosine_zero_rows_give_zero_without_warnings():
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    b = np.array([[0.0, 0.0], [2.0, 2.0]])
    with np.errstate(all="raise"):  # any divide-by-zero would raise here
        s = cosine_similarity(a, b)
    assert not np.isnan(s).any()
    assert s[0].tolist() == [0.0, 0.0] and s[:, 0].tolist() == [0.0, 0.0]
    assert s[1, 1] == pytest.approx(1.0)


@pytest.mark.parametrize("row", [
    [1e20, 1.0],  # float32 squares overflow: the reported case
    [3e38, 3e38],  # near float32's largest value
    [1e-30, 0.0],  # float32 squares underflow to 0: not a zero vector
    [1e-40, 2e-40],  # subnormal float32 values
])
def test_cosine_of_finite_rows_whatever_their_magnitude(row):
    x = np.array([row, [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    s = cosine_similarity(x)
    np.testing.assert_allclose(s, _reference_cos(x.astype(np.float64), x.astype(np.float64)),
                               rtol=1e-6, atol=1e-6)
    assert np.isclose(s[0, 0], 1.0)


def test_cosine_of_float64_rows_beyond_float32_range():
    a = np.array([[1e300, 1e299], [1.0, 0.0]])
    s = cosine_similarity(a, [[10.0, 1.0]])  # no overflow warning either: warnings are errors
    np.testing.assert_allclose(s, _reference_cos(a / [[1e299], [1]], [[10.0, 1.0]]), rtol=1e-6)


def test_top_k_with_huge_and_tiny_rows():
    corpus = np.array([[1e20, 1.0], [1.0, 1.0], [-1e-30, 0.0], [0.0, 1e20]], dtype=np.float32)
    before = corpus.copy()
    for q in ([1e20, 1.0], [1.0, 0.0], [1e-30, 1e-30]):
        idx, sc = top_k(q, corpus, k=4)
        ref_i, ref_s = _reference_top_k(np.array([q], dtype=np.float64),
                                        corpus.astype(np.float64), 4)
        np.testing.assert_array_equal(idx, ref_i)
        np.testing.assert_allclose(sc, ref_s, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(corpus, before)  # the caller's corpus is never changed


def test_cosine_mismatched_lengths_name_both_shapes():
    with pytest.raises(ValueError, match=r"a has shape \(2, 3\), b has shape \(4, 5\)"):
        cosine_similarity(np.ones((2, 3)), np.ones((4, 5)))


@pytest.mark.parametrize(
    ("value", "exc", "pattern"),
    [
        (np.ones((2, 2, 2)), ValueError, r"a must be 1-D .* got shape \(2, 2, 2\)"),
        (np.ones((3, 0)), ValueError, r"a has vectors of length 0 \(shape \(3, 0\)\)"),
        (["cat", "dog"], TypeError, "a must be numeric vectors.*embed"),
        (np.array([[1 + 2j]]), TypeError, "real numbers"),
        ([[1.0, np.nan]], ValueError, "a row 0 contains NaN"),
    ],
)
def test_cosine_validation(value, exc, pattern):
    with pytest.raises(exc, match=pattern):
        cosine_similarity(value)


# -- top_k ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nq", "n", "d", "k"),
    [(1, 50, 8, 5), (13, 3000, 16, 10), (5, 9, 4, 9), (40, 20000, 12, 25), (1100, 2500, 8, 3)],
)
def test_top_k_agrees_with_brute_force(nq, n, d, k):
    rng = np.random.default_rng(nq * 7 + n)
    q = rng.standard_normal((nq, d)).astype(np.float32)
    c = rng.standard_normal((n, d)).astype(np.float32)
    idx, sc = top_k(q, c, k)
    ref_idx, ref_sc = _reference_top_k(q, c, k)
    assert idx.dtype == np.int64 and sc.dtype == np.float32
    assert idx.shape == sc.shape == (nq, k)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(sc, ref_sc, rtol=1e-5, atol=1e-6)
    assert (np.diff(sc, axis=1) <= 0).all()  # each row sorted descending


def test_top_k_many_chunks_and_query_blocks(monkeypatch):
    # Tiny buffers force many corpus chunks and several query blocks through the merge.
    monkeypatch.setattr(sim, "_BUF_ELEMS", 4096)
    monkeypatch.setattr(sim, "_QUERY_BLOCK", 64)
    rng = np.random.default_rng(5)
    q = rng.standard_normal((150, 6))
    c = rng.standard_normal((7000, 6))
    idx, sc = top_k(q, c, 7)
    ref_idx, ref_sc = _reference_top_k(q, c, 7)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(sc, ref_sc, rtol=1e-5, atol=1e-6)


def test_survivors_ignore_stale_bytes_past_the_used_part():
    # The mask buffer is reused; bytes past this chunk's size may hold an earlier chunk's hits.
    maskbuf = np.zeros(32, dtype=np.bool_)
    maskbuf[[1, 9, 13, 14, 15, 20]] = True  # 14, 15 are stale: this chunk is 2 x 7 = 14 entries
    rows, cols = sim._survivors(maskbuf, 14, 7)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 1), (1, 2), (1, 6)]


def test_top_k_non_contiguous_float64_corpus():
    rng = np.random.default_rng(6)
    big = rng.standard_normal((3000, 20))
    c = big[::2, ::2]  # float64, strided: converted chunk by chunk
    q = rng.standard_normal((4, 10))
    idx, sc = top_k(q, c, 6)
    ref_idx, ref_sc = _reference_top_k(q, c, 6)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(sc, ref_sc, rtol=1e-5, atol=1e-6)


def test_top_k_ties_go_to_lower_index_even_across_chunks(monkeypatch):
    monkeypatch.setattr(sim, "_BUF_ELEMS", 1024)
    c = np.ones((5000, 3), dtype=np.float32)
    c[4000] = [1, 1, 1.5]  # the only vector pointing elsewhere
    c[3000] = [2, 2, 2]  # same direction as the ones: ties at the top
    idx, sc = top_k(np.ones(3), c, 4)
    assert idx.tolist() == [[0, 1, 2, 3]]
    np.testing.assert_allclose(sc, 1.0, rtol=1e-6)
    idx, _ = top_k([0, 0, 1.0], c, 1)
    assert idx.tolist() == [[4000]]


def test_top_k_zero_vectors_score_zero():
    c = np.array([[0, 0], [1, 0], [-1, 0]], dtype=np.float32)
    idx, sc = top_k([[1, 0], [0, 0]], c, 3)
    assert idx[0].tolist() == [1, 0, 2]
    assert sc[0].tolist() == [1.0, 0.0, -1.0]
    assert sc[1].tolist() == [0.0, 0.0, 0.0]


def test_top_k_k_larger_than_corpus_and_empty_inputs():
    idx, sc = top_k(np.eye(3), np.eye(3)[:2], 10)
    assert idx.shape == (3, 2)
    idx, sc = top_k(np.zeros((0, 4)), np.ones((5, 4)), 3)
    assert idx.shape == sc.shape == (0, 3)


def test_top_k_integer_inputs_do_not_overflow():
    q = np.array([[60000, 60000, 1]], dtype=np.int32)  # squares overflow int32
    c = np.array([[1, 1, 0], [0, 0, 1]], dtype=np.int32)
    idx, sc = top_k(q, c, 2)
    assert idx.tolist() == [[0, 1]]
    np.testing.assert_allclose(sc, _reference_cos(q, c)[:, [0, 1]], rtol=1e-5)


def test_top_k_1d_query_gives_one_row():
    idx, sc = top_k([1.0, 0.0], [[0, 1], [1, 0], [1, 1]], k=2)
    assert idx.tolist() == [[1, 2]]
    np.testing.assert_allclose(sc, [[1.0, np.sqrt(0.5)]], rtol=1e-6)


def test_top_k_memmap_corpus(tmp_path):
    rng = np.random.default_rng(9)
    data = rng.standard_normal((4000, 8)).astype(np.float32)
    path = tmp_path / "corpus.f32"
    data.tofile(path)
    mm = np.memmap(path, dtype=np.float32, mode="r", shape=data.shape)
    q = rng.standard_normal((3, 8)).astype(np.float32)
    idx, _ = top_k(q, mm, 5)
    np.testing.assert_array_equal(idx, _reference_top_k(q, data, 5)[0])
    del mm


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"k": 0}, ValueError, "k must be a positive int, got 0"),
        ({"k": 2.5}, TypeError, "k must be a positive int, got float"),
        ({"k": True}, TypeError, "k must be a positive int"),
        ({"corpus": np.ones((5, 4))}, ValueError,
         r"queries has shape \(2, 3\), corpus has shape \(5, 4\)"),
        ({"corpus": np.ones((5, 3, 1))}, ValueError, r"corpus must be 1-D .* \(5, 3, 1\)"),
        ({"corpus": np.array([[1.0, 2.0, np.inf]])}, ValueError, "corpus row 0 contains NaN"),
        ({"queries": [["a", "b", "c"]]}, TypeError, "queries must be numeric vectors"),
    ],
)
def test_top_k_validation(kwargs, exc, pattern):
    args = {"queries": np.ones((2, 3)), "corpus": np.ones((5, 3)), "k": 2, **kwargs}
    with pytest.raises(exc, match=pattern):
        top_k(args["queries"], args["corpus"], args["k"])


def test_top_k_extra_memory_does_not_grow_with_the_corpus():
    # numpy registers its allocations with tracemalloc; the score buffer, mask and candidate
    # arrays must stay the same size whatever the corpus size (here against a 1,000 x 240k
    # score matrix, ~960 MB if it were built).
    rng = np.random.default_rng(3)
    q = rng.standard_normal((1000, 16), dtype=np.float32)
    peaks = []
    for n in (60_000, 240_000):
        c = rng.standard_normal((n, 16), dtype=np.float32)
        tracemalloc.start()
        try:
            top_k(q, c, 10)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    # All-equal scores push every chunk through the dense (partition + ties) path.
    ties = np.ones((240_000, 16), dtype=np.float32)
    tracemalloc.start()
    try:
        top_k(q, ties, 10)
        peaks.append(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    assert max(peaks) < 150 * 2**20, peaks
    assert peaks[1] < peaks[0] * 1.3 + 4 * 2**20, peaks


def test_embeddings_module_re_exports_the_similarity_functions():
    assert emb.cosine_similarity is cosine_similarity
    assert emb.top_k is top_k
