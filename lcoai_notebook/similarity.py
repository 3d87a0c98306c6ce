"""Cosine similarity and nearest neighbours over embedding matrices (numpy only).

``cosine_similarity`` compares every row of one matrix with every row of another; ``top_k``
finds each query's nearest corpus rows in bounded memory, chunk by chunk. Both take any
``(n, d)`` real array (a 1-D input is one vector) and return float32 scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["cosine_similarity", "top_k"]

# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _as_matrix(x: Any, name: str) -> np.ndarray:
    """A 2-D real array (1-D promoted to one row); dtype kept so big inputs are not copied here."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype.kind in "US":
        kind = "bytes" if arr.dtype.kind == "S" else "str"
        raise TypeError(f"{name} must be numeric vectors, got an array of {kind}; "
                        "embed texts first with lcoai_notebook.embed")
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float32)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be numeric vectors, got objects that are not numbers") from None
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[None, :]
    elif arr.ndim != 2:
        raise ValueError(f"{name} must be 1-D (one vector) or 2-D (n, d), got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has vectors of length 0 (shape {arr.shape})")
    return arr


def _check_k(k: Any) -> None:
    """``k`` is a positive int (numpy integers too), or TypeError/ValueError naming it."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be a positive int, got {type(k).__name__}")
    if k < 1:
        raise ValueError(f"k must be a positive int, got {k}")


#: Row norms computed in float32 are trusted between these bounds. Above, the sum of squares
#: overflowed (a finite row such as [1e20, 1]); below, it lost precision in subnormals or
#: underflowed to 0 (a row such as [1e-30, 0] is not a zero vector).
_NORM_LOW, _NORM_HIGH = np.float32(1e-18), np.float32(1.8e19)


def _inv_norms(
    m: np.ndarray, name: str, offset: int = 0, orig: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1/||row|| as float32 (0 for all-zero rows) for a float32 matrix ``m``.

    The fast path is one float32 pass; the rare rows whose float32 norm is out of range are
    redone in float64 from ``orig`` (the values before conversion, default ``m``), scaled by
    their largest magnitude. Returns ``(inv, rows, units)``: those rows' indices and their
    float32 unit vectors, which the caller puts in place of the rows (their ``inv`` is 1).
    NaN/inf rows raise ValueError naming the row."""
    norms = np.sqrt(np.einsum("ij,ij->i", m, m))
    inv = np.zeros(norms.shape, dtype=np.float32)
    ok = (norms >= _NORM_LOW) & (norms <= _NORM_HIGH)
    np.divide(1.0, norms, out=inv, where=ok)
    rows = np.flatnonzero(~ok)
    if rows.size == 0:
        return inv, rows, np.empty((0, m.shape[1]), dtype=np.float32)
    x = np.asarray((m if orig is None else orig)[rows], dtype=np.float64)
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        row = int(rows[np.flatnonzero(~finite)[0]]) + offset
        raise ValueError(f"{name} row {row} contains NaN or infinity")
    scale = np.abs(x).max(axis=1)
    nonzero = scale > 0
    x[nonzero] /= scale[nonzero, None]
    n = np.sqrt(np.einsum("ij,ij->i", x, x))
    units = np.zeros(x.shape, dtype=np.float32)
    units[nonzero] = x[nonzero] / n[nonzero, None]
    inv[rows] = np.where(nonzero, 1.0, 0.0)
    return inv, rows, units


def _f32(m: np.ndarray) -> np.ndarray:
    # Values beyond float32's range become inf here; _inv_norms redoes those rows from the
    # original values, so the cast's overflow warning would only alarm.
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(m, dtype=np.float32)


def _unit_rows(m: np.ndarray, name: str) -> np.ndarray:
    """The rows of ``m`` scaled to unit length, float32 (zero rows stay zero)."""
    m32 = _f32(m)
    inv, rows, units = _inv_norms(m32, name, orig=m)
    out = m32 * inv[:, None]
    out[rows] = units
    return out


# --------------------------------------------------------------------------------------------
# similarity
# --------------------------------------------------------------------------------------------


def cosine_similarity(a: Any, b: Any = None) -> np.ndarray:
    """Cosine similarity between the rows of ``a`` and the rows of ``b``.

    Parameters
    ----------
    a : array_like, shape (n, d) or (d,)
        Vectors, one per row; a 1-D input is one vector.
    b : array_like, shape (m, d) or (d,), optional
        Vectors to compare with; defaults to ``a`` (all pairs within ``a``).

    Returns
    -------
    np.ndarray, shape (n, m), dtype float32
        ``S[i, j] = a[i]·b[j] / (|a[i]| |b[j]|)``. A zero vector has similarity 0 with
        everything (no NaN, no warning).

    Raises
    ------
    ValueError
        When the vector lengths differ (both shapes are in the message) or inputs hold NaN/inf.

    Examples
    --------
    >>> cosine_similarity([[1, 0], [0, 2]], [1, 1]).astype(float).round(3).tolist()
    [[0.707], [0.707]]
    """
    a2 = _as_matrix(a, "a")
    b2 = a2 if b is None else _as_matrix(b, "b")
    if a2.shape[1] != b2.shape[1]:
        raise ValueError(
            f"a and b must have vectors of the same length: a has shape {a2.shape}, "
            f"b has shape {b2.shape}"
        )
    an = _unit_rows(a2, "a")
    bn = an if b is None else _unit_rows(b2, "b")
    return np.dot(an, bn.T)


#: Elements of the (queries x corpus chunk) score buffer: 8M float32 = 32 MB. Together with the
#: mask, the partition copy and index arrays of the slow path this keeps extra memory well
#: under 300 MB whatever the corpus size.
_BUF_ELEMS = 1 << 23
_QUERY_BLOCK = 1024


def top_k(queries: Any, corpus: Any, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` corpus rows most cosine-similar to each query, best first.

    Works through the corpus in chunks, so extra memory beyond the ``(q, k)`` results stays
    bounded (about 50 MB measured, well under 300 MB) whatever the corpus size: the corpus is
    never normalised or copied as a whole (a float32, C-contiguous corpus -- or a
    ``np.memmap`` -- is read in place) and the full
    ``(queries, corpus)`` score matrix is never built. Each chunk's dot products come from one
    float32 matrix product into a reused buffer and are divided by the chunk's norms in place;
    a per-query threshold (the k-th best score so far) then discards almost every entry with
    one comparison, and only the survivors are merged into the running top k.

    Parameters
    ----------
    queries : array_like, shape (q, d) or (d,)
        Query vectors (a 1-D input is one query; the results then have one row).
    corpus : array_like, shape (n, d)
        Vectors to search.
    k : int, default 10
        Neighbours per query; more than ``n`` gives ``n``.

    Returns
    -------
    indices : np.ndarray, shape (q, min(k, n)), dtype int64
        Corpus row numbers, each row sorted by score descending (ties: lower index first).
    scores : np.ndarray, shape (q, min(k, n)), dtype float32
        The matching cosine similarities.

    Raises
    ------
    ValueError
        Mismatched vector lengths (both shapes in the message), ``k`` < 1, NaN/inf rows.

    Examples
    --------
    >>> idx, sc = top_k([1.0, 0.0], [[0, 1], [1, 0], [1, 1]], k=2)
    >>> idx.tolist()
    [[1, 2]]
    """
    _check_k(k)
    q = _as_matrix(queries, "queries")
    c = _as_matrix(corpus, "corpus")
    if q.shape[1] != c.shape[1]:
        raise ValueError(
            f"queries and corpus must have vectors of the same length: queries has shape "
            f"{q.shape}, corpus has shape {c.shape}"
        )
    nq, n = q.shape[0], c.shape[0]
    kk = int(min(k, n))
    best_i = np.full((nq, kk), -1, dtype=np.int64)
    best_u = np.full((nq, kk), -np.inf, dtype=np.float32)
    if nq == 0 or kk == 0:
        return best_i, best_u
    # Convert the queries once when that is cheap; otherwise block by block.
    whole_q = _f32(q) if q.nbytes <= (64 << 20) or q.dtype == np.float32 else None
    qb = min(nq, _QUERY_BLOCK)
    inv_q = np.empty(nq, dtype=np.float32)
    # Query rows whose float32 norm is out of range (e.g. [1e20, 1]) are searched as their unit
    # vectors (inv 1), so neither their norm nor their dot products overflow.
    q_fix: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for r0 in range(0, nq, qb):
        qq = whole_q[r0:r0 + qb] if whole_q is not None else _f32(q[r0:r0 + qb])
        inv_q[r0:r0 + qb], rows, units = _inv_norms(qq, "queries", r0, q[r0:r0 + qb])
        if rows.size:
            q_fix[r0] = (rows, units)
    cb = max(1, min(n, _BUF_ELEMS // qb))
    if c.dtype != np.float32 or not c.flags.c_contiguous:
        # Chunks are converted copies: bound them too (~64 MB each).
        cb = max(1, min(cb, (16 << 20) // c.shape[1]))
    buf = np.empty(qb * cb, dtype=np.float32)
    # Comparison mask, padded to whole 8-byte words: see _survivors.
    maskbuf = np.zeros(-(-qb * cb // 8) * 8, dtype=np.bool_)
    # thr[i]: the k-th best u = dot/|c| so far for query i (ranking by u equals ranking by
    # cosine, since |q| is fixed per query); -inf until k candidates are known.
    thr = np.full(nq, -np.inf, dtype=np.float32)
    # A narrow first chunk sets the thresholds cheaply; later chunks are mostly filtered away.
    start, first = 0, True
    while start < n:
        width = min(cb, max(4 * kk, 2048)) if first else cb
        stop = min(n, start + width)
        first = False
        chunk = orig = c[start:stop]
        if chunk.dtype != np.float32 or not chunk.flags.c_contiguous:
            chunk = _f32(chunk)
        inv_c, rows, units = _inv_norms(chunk, "corpus", start, orig)
        if rows.size:
            # A copy (the corpus is the caller's, maybe read in place): rows as unit vectors.
            chunk = chunk.copy() if chunk is orig else chunk
            chunk[rows] = units
        for r0 in range(0, nq, qb):
            r1 = min(nq, r0 + qb)
            qq = whole_q[r0:r1] if whole_q is not None else _f32(q[r0:r1])
            if r0 in q_fix:
                qq = qq.copy()
                qq[q_fix[r0][0]] = q_fix[r0][1]
            scores = buf[: (r1 - r0) * (stop - start)].reshape(r1 - r0, stop - start)
            np.dot(qq, chunk.T, out=scores)
            _select(
                scores, inv_c, start, thr[r0:r1], best_u[r0:r1], best_i[r0:r1], maskbuf
            )
        start = stop
    best_u *= inv_q[:, None]
    return best_i, best_u


def _select(
    raw: np.ndarray,
    inv_c: np.ndarray,
    col0: int,
    thr: np.ndarray,
    best_u: np.ndarray,
    best_i: np.ndarray,
    maskbuf: np.ndarray,
) -> None:
    """Merge one chunk of raw dot products into the running top-k (all arrays updated in place)."""
    m, w = raw.shape
    k = best_u.shape[1]
    # Exact scores (up to the per-query factor 1/|q|): one pass over the chunk, in place.
    raw *= inv_c[None, :]
    mask = None
    if np.isfinite(thr).all():
        mask = maskbuf[: m * w].reshape(m, w)
        np.greater(raw, thr[:, None], out=mask)  # strict: a tie never displaces a lower index
        sparse = np.count_nonzero(mask) <= max(m * w // 16, 4 * m * k)
    if mask is not None and sparse:
        rows, cols = _survivors(maskbuf, m * w, w)
        u = raw[rows, cols]
    else:
        # Dense path (the first chunk, or data with many equal scores): per row everything
        # above the k-th value, plus just enough ties, lowest index first.
        if w > k:
            kth = np.partition(raw, w - k, axis=1)[:, w - k]
            sel = raw > kth[:, None]
            ties = raw == kth[:, None]
            need = k - np.count_nonzero(sel, axis=1)
            if np.count_nonzero(ties) > need.sum():
                ties &= np.cumsum(ties, axis=1, dtype=np.int32) <= need[:, None]
            sel |= ties
            del ties
            sel &= raw > thr[:, None]
        else:
            sel = raw > thr[:, None]
        rows, cols = np.nonzero(sel)
        u = raw[rows, cols]
    if rows.size == 0:
        return
    have_r, have_c = np.nonzero(best_i >= 0)
    all_r = np.concatenate([have_r, rows])
    all_i = np.concatenate([best_i[have_r, have_c], cols.astype(np.int64) + col0])
    all_u = np.concatenate([best_u[have_r, have_c], u])
    order = np.lexsort((all_i, -all_u, all_r))
    all_r, all_i, all_u = all_r[order], all_i[order], all_u[order]
    # Rank of each candidate within its row group.
    starts = np.flatnonzero(np.r_[True, all_r[1:] != all_r[:-1]])
    rank = np.arange(all_r.size) - np.repeat(starts, np.diff(np.r_[starts, all_r.size]))
    keep = rank < k
    best_u[all_r[keep], rank[keep]] = all_u[keep]
    best_i[all_r[keep], rank[keep]] = all_i[keep]
    thr[:] = best_u[:, k - 1]


def _survivors(maskbuf: np.ndarray, size: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the set entries of a sparse mask: scan it as 8-byte words, which is
    several times faster than ``np.nonzero`` over the bytes."""
    end = -(-size // 8) * 8
    maskbuf[size:end] = False  # stale bytes from a larger earlier chunk
    words = maskbuf[:end].view(np.uint64)
    hit = np.flatnonzero(words)
    pos = (hit[:, None] * 8 + np.arange(8)).ravel()
    pos = pos[maskbuf[pos]]
    return pos // w, pos % w
