"""Embeddings as numpy arrays: fetch them, compare them, find neighbours.

``embed`` turns texts into an ``(n, d)`` float32 matrix (batched within the API's limits, sent
concurrently, optionally cached on disk); ``cosine_similarity`` and ``top_k`` work on any such
matrices; ``search`` ties the two together and answers with a DataFrame.

numpy is imported at module level (this module is itself imported lazily by the package);
pandas is imported only inside the functions that return DataFrames.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _embed_cache

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EmbeddingCache", "cosine_similarity", "embed", "embed_dataframe", "search", "top_k"]

EmbeddingCache = _embed_cache.EmbeddingCache

#: The API's own limits for one ``/embeddings`` request.
MAX_INPUTS_PER_REQUEST = 2048
MAX_TOKENS_PER_REQUEST = 300_000
DEFAULT_MODEL = "text-embedding-3-small"
_VIA = ("direct", "batch")
#: Above this many texts to send, ``progress=None`` shows a bar.
_PROGRESS_THRESHOLD = 4096

# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _as_texts(texts: Any, name: str = "texts") -> list[str]:
    """A list of non-empty str from a list, tuple, pandas Series or 1-D array, or a clear error."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"{name} must be a list, tuple, pandas Series or 1-D array of str, got a single "
            f"{type(texts).__name__}; wrap it in a list: [{name}]"
        )
    module = type(texts).__module__ or ""
    if isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise ValueError(
                f"{name} must be a 1-D array of str, got an array of shape {texts.shape}")
        values = texts.tolist()
    elif module.startswith("pandas") and hasattr(texts, "tolist"):
        if getattr(texts, "ndim", 1) != 1:
            raise TypeError(
                f"{name} must be a pandas Series (one column), got a {type(texts).__name__}; "
                "pick a column, e.g. df['text']"
            )
        values = texts.tolist()
    elif isinstance(texts, (list, tuple)):
        values = list(texts)
    else:
        raise TypeError(
            f"{name} must be a list, tuple, pandas Series or 1-D array of str, got "
            f"{type(texts).__name__}"
        )
    for i, value in enumerate(values):
        if not isinstance(value, str):
            hint = " (a missing value? drop them first, e.g. series.dropna())" if (
                value is None or (isinstance(value, float) and value != value)
            ) else ""
            raise TypeError(f"{name}[{i}] must be str, got {type(value).__name__}{hint}")
        if not value:
            raise ValueError(
                f"{name}[{i}] is an empty string; the embeddings API rejects empty input")
    return values


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


def _inv_norms(m: np.ndarray, name: str, offset: int = 0) -> np.ndarray:
    """1/||row|| as float32, 0 for all-zero rows; NaN/inf rows raise ValueError."""
    norms = np.sqrt(np.einsum("ij,ij->i", m, m))
    bad = ~np.isfinite(norms)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + offset
        raise ValueError(
            f"{name} row {row} contains NaN or infinity (or values too large for float32)")
    inv = np.zeros(norms.shape, dtype=np.float32)
    np.divide(1.0, norms, out=inv, where=norms > 0)
    return inv


def _f32(m: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(m, dtype=np.float32)


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
    a2 = _f32(_as_matrix(a, "a"))
    b2 = a2 if b is None else _f32(_as_matrix(b, "b"))
    if a2.shape[1] != b2.shape[1]:
        raise ValueError(
            f"a and b must have vectors of the same length: a has shape {a2.shape}, "
            f"b has shape {b2.shape}"
        )
    an = a2 * _inv_norms(a2, "a")[:, None]
    bn = an if b is None else b2 * _inv_norms(b2, "b")[:, None]
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
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be a positive int, got {type(k).__name__}")
    if k < 1:
        raise ValueError(f"k must be a positive int, got {k}")
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
    inv_q = np.concatenate([
        _inv_norms(whole_q[r0:r0 + qb] if whole_q is not None else _f32(q[r0:r0 + qb]),
                   "queries", offset=r0)
        for r0 in range(0, nq, qb)
    ])
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
        chunk = c[start:stop]
        if chunk.dtype != np.float32 or not chunk.flags.c_contiguous:
            chunk = _f32(chunk)
        inv_c = _inv_norms(chunk, "corpus", offset=start)
        for r0 in range(0, nq, qb):
            r1 = min(nq, r0 + qb)
            qq = whole_q[r0:r1] if whole_q is not None else _f32(q[r0:r1])
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


# --------------------------------------------------------------------------------------------
# fetching embeddings
# --------------------------------------------------------------------------------------------


def _estimate_tokens(text: str) -> int:
    """A generous token estimate (~3 UTF-8 bytes a token; English runs nearer 4 chars a token),
    so a planned request never exceeds the API's per-request token budget."""
    return len(text.encode("utf-8")) // 3 + 1


def _plan(
    indices: Sequence[int], texts: Sequence[str], batch_size: int, max_tokens: int
) -> list[list[int]]:
    """Consecutive groups of ``indices``: at most ``batch_size`` texts and ``max_tokens``
    estimated tokens each (a single over-long text still gets a request; the API judges it)."""
    batches: list[list[int]] = []
    current: list[int] = []
    tokens = 0
    for i in indices:
        t = _estimate_tokens(texts[i])
        if current and (len(current) >= batch_size or tokens + t > max_tokens):
            batches.append(current)
            current, tokens = [], 0
        current.append(i)
        tokens += t
    if current:
        batches.append(current)
    return batches


def _source(client: Any) -> str:
    """Where vectors come from, for the cache key: the base URL without credentials, query or
    (on loopback, where an emulator's port changes every run) port."""
    from urllib.parse import urlsplit

    url = str(getattr(client, "base_url", "") or type(client).__name__)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port and host not in ("127.0.0.1", "localhost", "::1"):
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/")


def _check_options(model: Any, dimensions: Any, batch_size: Any, max_concurrency: Any,
                   max_tokens_per_request: Any, via: Any, progress: Any) -> None:
    if not isinstance(model, str) or not model:
        raise TypeError(f"model must be a non-empty str, got {model!r}")
    for name, value, low, high in (
        ("dimensions", dimensions, 1, None),
        ("batch_size", batch_size, 1, MAX_INPUTS_PER_REQUEST),
        ("max_concurrency", max_concurrency, 1, None),
        ("max_tokens_per_request", max_tokens_per_request, 1, None),
    ):
        if value is None and name == "dimensions":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{name} must be {span}, got {value}")
    if via not in _VIA:
        raise ValueError(f"via must be one of {', '.join(map(repr, _VIA))}, got {via!r}")
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {type(progress).__name__}")


def embed(
    texts: Any,
    client: Any = None,
    model: str = DEFAULT_MODEL,
    dimensions: int | None = None,
    *,
    # Many mid-sized requests in flight beat few 2,048-input ones: big bodies cost more than
    # proportionally to send, parse and decode, and concurrent requests overlap that work with
    # the server's (measured in benchmarks/bench_embed.py).
    batch_size: int = 256,
    max_concurrency: int = 8,
    max_tokens_per_request: int = MAX_TOKENS_PER_REQUEST,
    cache: Any = None,
    progress: bool | None = None,
    via: str = "direct",
    batch_options: dict[str, Any] | None = None,
) -> np.ndarray:
    """Embed texts into an ``(n, d)`` float32 matrix, rows in input order.

    The texts are split into requests within the API's limits (``batch_size`` texts, at most
    2,048, and an estimated ``max_tokens_per_request``), sent ``max_concurrency`` at a time,
    asked for as base64 and decoded straight into float32. Repeated texts are sent once.

    Parameters
    ----------
    texts : list, tuple, pandas Series or 1-D array of str
        Non-empty strings.
    client : Client, optional
        Defaults to :func:`lcoai_notebook.connect` (the emulator when no token is set).
    model : str, default "text-embedding-3-small"
    dimensions : int, optional
        Shorter vectors (text-embedding-3 models).
    batch_size : int, default 256
        Texts per request (1 to 2,048).
    max_concurrency : int, default 8
        Requests in flight at once.
    max_tokens_per_request : int, default 300,000
        Token budget per request, estimated from the text lengths.
    cache : None, True, path or EmbeddingCache, optional
        An on-disk cache keyed by (source, model, dimensions, text): ``True`` uses
        ``~/.cache/lcoai-notebook/embeddings.sqlite3`` (or ``$LCOAI_CACHE_DIR``), a path names
        the SQLite file (or its directory). Cached texts are not sent again; each response is
        stored as it arrives, so an interrupted run resumes where it stopped. The source is the
        client's base URL, so simulated (emulator) vectors never stand in for live ones.
    progress : bool, optional
        Show a tqdm bar; by default only when more than 4,096 texts must be sent.
    via : {"direct", "batch"}, default "direct"
        ``"batch"`` sends the requests through the Batch API (``client.batches.run``): cheaper
        and for corpora too large to wait on, but it may take up to 24 hours live.
    batch_options : dict, optional
        Extra keywords for ``client.batches.run`` (``poll_interval``, ``timeout``, ``metadata``).

    Returns
    -------
    np.ndarray, shape (n, d), dtype float32

    Raises
    ------
    TypeError, ValueError
        Bad arguments (before any request is sent).
    lcoai_notebook.APIError
        A request failed (after the client's retries); vectors already received stay cached.

    Examples
    --------
    >>> vectors = embed(["a cat", "a dog", "an invoice"])  # doctest: +SKIP
    >>> vectors.shape  # doctest: +SKIP
    (3, 1536)
    """
    items = _as_texts(texts)
    _check_options(model, dimensions, batch_size, max_concurrency, max_tokens_per_request, via,
                   progress)
    if batch_options is not None and not isinstance(batch_options, dict):
        raise TypeError(f"batch_options must be a dict, got {type(batch_options).__name__}")
    if not items:
        return np.zeros((0, dimensions or 0), dtype=np.float32)
    store, owned = _embed_cache.open_cache(cache)
    own_client = client is None
    try:
        if own_client:
            from .connect import connect

            client = connect()
        if getattr(getattr(client, "requester", None), "is_async", False):
            raise TypeError("embed needs a synchronous Client, got an AsyncClient; "
                            "embed sends its requests concurrently itself")
        # Send each distinct text once.
        slot: dict[str, int] = {}
        where = np.fromiter((slot.setdefault(t, len(slot)) for t in items), dtype=np.intp,
                            count=len(items))
        unique = list(slot)
        out: np.ndarray | None = None
        keys: list[bytes] = []
        todo = list(range(len(unique)))
        if store is not None and unique:
            keys = store.keys(_source(client), model, dimensions, unique)
            hits = store.get_many(keys)
            if hits:
                todo = [i for i, key in enumerate(keys) if key not in hits]
                d = len(next(iter(hits.values())))
                out = np.empty((len(unique), d), dtype=np.float32)
                for i, key in enumerate(keys):
                    vec = hits.get(key)
                    if vec is not None:
                        out[i] = vec
        if todo:
            batches = _plan(todo, unique, batch_size, max_tokens_per_request)
            show = progress if progress is not None else len(todo) > _PROGRESS_THRESHOLD
            fetch = _fetch_batch if via == "batch" else _fetch_direct
            for idx, mat in fetch(client, unique, batches, model, dimensions, max_concurrency,
                                  show, batch_options or {}):
                if mat.ndim != 2 or mat.shape[0] != len(idx):
                    from ._exceptions import APIResponseValidationError

                    raise APIResponseValidationError(
                        f"the embeddings response has shape {mat.shape} for {len(idx)} inputs")
                if out is None:
                    out = np.empty((len(unique), mat.shape[1]), dtype=np.float32)
                elif mat.shape[1] != out.shape[1]:
                    from ._exceptions import APIResponseValidationError

                    raise APIResponseValidationError(
                        f"vectors of length {mat.shape[1]} after vectors of length {out.shape[1]}"
                        " (a cache filled with another dimension?)")
                out[idx] = mat
                if store is not None:
                    store.put_many([keys[i] for i in idx], mat)
    finally:
        if owned and store is not None:
            store.close()
        if own_client and client is not None:
            client.close()
    assert out is not None  # every distinct text was cached or fetched
    if len(unique) == len(items):
        return out  # no repeats: rows are already in input order
    return out[where]


def _create_kwargs(model: str, dimensions: int | None) -> dict[str, Any]:
    kw: dict[str, Any] = {"model": model}
    if dimensions is not None:
        kw["dimensions"] = dimensions
    return kw


def _fetch_direct(client: Any, texts: list[str], batches: list[list[int]], model: str,
                  dimensions: int | None, max_concurrency: int, show: bool,
                  _options: dict[str, Any]) -> Any:
    """Yield ``(indices, matrix)`` per request as responses arrive (any order).

    A thread pool over the synchronous client: httpx's Client is thread-safe, the socket waits
    release the GIL, and it works the same inside a notebook's running event loop."""
    kw = _create_kwargs(model, dimensions)

    def call(idx: list[int]) -> np.ndarray:
        resp = client.embeddings.create(input=[texts[i] for i in idx], **kw)
        if inspect.isawaitable(resp):  # pragma: no cover - guarded by the is_async check
            resp.close()
            raise TypeError("embed needs a synchronous Client")
        to_numpy = getattr(resp, "to_numpy", None)
        if to_numpy is None:
            # Another OpenAI-style client (e.g. the official SDK's): rows by their index.
            rows = sorted(resp.data, key=lambda item: item.index)
            return np.asarray([item.embedding for item in rows], dtype=np.float32)
        return np.asarray(to_numpy(), dtype=np.float32)

    bar = _bar(sum(len(b) for b in batches), show)
    pool = ThreadPoolExecutor(max_workers=min(max_concurrency, len(batches)),
                              thread_name_prefix="lcoai-embed")
    queue = iter(batches)
    pending: dict[Any, list[int]] = {}
    try:
        # Keep at most max_concurrency requests submitted: after a failure nothing new is sent.
        for idx in queue:
            pending[pool.submit(call, idx)] = idx
            if len(pending) >= max_concurrency:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            finished = [(fut, pending.pop(fut)) for fut in done]
            errors = [fut for fut, _ in finished if fut.exception() is not None]
            if not errors:
                # Refill before handing results over, so requests overlap the caller's work.
                for _ in finished:
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending[pool.submit(call, nxt)] = nxt
            # Successes first (so they get cached), then the first error.
            for fut, idx in finished:
                if fut.exception() is None:
                    if bar is not None:
                        bar.update(len(idx))
                    yield idx, fut.result()
            if errors:
                errors[0].result()  # re-raises the request's error
    finally:
        # On error (or an abandoned generator) drop what is queued; running requests finish.
        pool.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()


def _fetch_batch(client: Any, texts: list[str], batches: list[list[int]], model: str,
                 dimensions: int | None, _max_concurrency: int, show: bool,
                 options: dict[str, Any]) -> Any:
    """Yield ``(indices, matrix)`` per planned request, run through the Batch API."""
    kw = _create_kwargs(model, dimensions)
    requests = [{**kw, "input": [texts[i] for i in idx], "encoding_format": "base64"}
                for idx in batches]
    results = client.batches.run(requests, endpoint="/v1/embeddings",
                                 **{"progress": show, **options})
    for idx, res in zip(batches, results, strict=True):
        error = getattr(res, "error", None)
        if error:
            from ._exceptions import APIError

            raise APIError(f"batch request {getattr(res, 'custom_id', '?')} failed: "
                           f"{error.get('code')}: {error.get('message')}")
        yield idx, np.asarray(res.to_numpy(), dtype=np.float32)


def _bar(total: int, show: bool) -> Any:
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="embedding", unit="text")


def embed_dataframe(df: Any, column: str, **kwargs: Any) -> np.ndarray:
    """Embed one text column of a DataFrame.

    Parameters
    ----------
    df : pandas.DataFrame
    column : str
        The column holding the texts (no missing values, no empty strings).
    **kwargs
        Passed to :func:`embed` (``client``, ``model``, ``dimensions``, ``cache``, ...).

    Returns
    -------
    np.ndarray, shape (len(df), d), dtype float32
        Row ``i`` belongs to ``df.iloc[i]``. To keep the vectors with the rows:
        ``df.assign(embedding=list(matrix))``.

    Examples
    --------
    >>> matrix = embed_dataframe(df, "review")  # doctest: +SKIP
    """
    if not (hasattr(df, "columns") and hasattr(df, "iloc")):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if column not in df.columns:
        shown = ", ".join(map(repr, list(df.columns)[:20]))
        raise ValueError(f"column {column!r} is not in df; its columns are: {shown}")
    series = df[column]
    if getattr(series, "ndim", 1) != 1:
        raise ValueError(f"column {column!r} is not unique in df")
    return embed(_as_texts(series, f"df[{column!r}]"), **kwargs)


def search(
    query: Any,
    corpus: Any,
    k: int = 5,
    *,
    client: Any = None,
    texts: Any = None,
    model: str = DEFAULT_MODEL,
    dimensions: int | None = None,
    cache: Any = None,
) -> pd.DataFrame:
    """The ``k`` corpus entries nearest one query, as a DataFrame.

    Parameters
    ----------
    query : str or array_like, shape (d,) or (1, d)
        A text (embedded with ``model``) or a vector.
    corpus : sequence of str or array_like, shape (n, d)
        Texts (embedded together with a text query, in one call) or vectors.
    k : int, default 5
        Rows to return (at most ``n``).
    client : Client, optional
        For texts; defaults to :func:`lcoai_notebook.connect`.
    texts : sequence of str, optional
        Labels for the rows of a vector corpus (length ``n``); a text corpus labels itself.
    model, dimensions, cache
        As for :func:`embed`.

    Returns
    -------
    pandas.DataFrame
        Columns ``text`` (None for an unlabelled vector corpus), ``score`` (cosine similarity,
        float32) and ``rank`` (1 = nearest), best first; the index holds the corpus positions.

    Examples
    --------
    >>> search("kittens", ["cats purr", "stocks fell", "a dog barked"], k=2)  # doctest: +SKIP
    """
    import pandas as pd

    query_is_text = isinstance(query, str)
    if query_is_text and not query:
        raise ValueError("query is an empty string")
    corpus_is_text = not isinstance(corpus, np.ndarray) and _looks_like_texts(corpus)
    labels: list[Any] | None = None
    if corpus_is_text:
        if texts is not None:
            raise ValueError("texts= labels a vector corpus; this corpus is texts already")
        labels = _as_texts(corpus, "corpus")
    elif texts is not None:
        labels = _as_texts(texts, "texts")
    to_embed = ([query] if query_is_text else []) + (labels if corpus_is_text else [])
    if to_embed:
        vecs = embed(to_embed, client, model, dimensions, cache=cache)
        qv = vecs[0] if query_is_text else _as_matrix(query, "query")
        cv = vecs[1:] if query_is_text and corpus_is_text else (vecs if corpus_is_text else corpus)
    else:
        qv, cv = query, corpus
    qm = _as_matrix(qv, "query")
    if qm.shape[0] != 1:
        raise ValueError(f"query must be one text or one vector, got shape {qm.shape}; "
                         "for many queries use top_k")
    cm = _as_matrix(cv, "corpus")
    if labels is not None and len(labels) != cm.shape[0]:
        raise ValueError(f"texts has {len(labels)} labels for a corpus of shape {cm.shape}")
    idx, scores = top_k(qm, cm, k)
    rows = idx[0]
    return pd.DataFrame(
        {
            "text": [labels[i] for i in rows] if labels is not None else [None] * len(rows),
            "score": scores[0],
            "rank": np.arange(1, len(rows) + 1),
        },
        index=pd.Index(rows, name="index"),
    )


def _looks_like_texts(value: Any) -> bool:
    """True for a list/tuple/Series whose first element is a str."""
    if isinstance(value, (list, tuple)):
        return bool(value) and isinstance(value[0], str)
    module = type(value).__module__ or ""
    if module.startswith("pandas") and getattr(value, "dtype", None) is not None:
        return len(value) > 0 and isinstance(value.iloc[0], str)
    return False
