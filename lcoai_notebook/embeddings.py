"""Embeddings as numpy arrays: fetch them and search them.

``embed`` turns texts into an ``(n, d)`` float32 matrix (batched within the API's limits, sent
concurrently, optionally cached on disk); ``search`` embeds a query and corpus and answers with a
DataFrame. The arithmetic (``cosine_similarity``, ``top_k``) lives in :mod:`.similarity` and is
re-exported here.

numpy is imported at module level (this module is itself imported lazily by the package);
pandas is imported only inside the functions that return DataFrames.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _embed_cache
from ._progress import progress_bar
from .similarity import _as_matrix, _check_k, cosine_similarity, top_k

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EmbeddingCache", "EmbeddingCacheWarning", "cosine_similarity", "embed",
           "embed_dataframe", "search", "top_k"]

EmbeddingCache = _embed_cache.EmbeddingCache
EmbeddingCacheWarning = _embed_cache.EmbeddingCacheWarning

#: The API's own limits for one ``/embeddings`` request.
MAX_INPUTS_PER_REQUEST = 2048
MAX_TOKENS_PER_REQUEST = 300_000
DEFAULT_MODEL = "text-embedding-3-small"
_VIA = ("direct", "batch")
#: Above this many texts to send, ``progress=None`` shows a bar.
_PROGRESS_THRESHOLD = 4096

# --------------------------------------------------------------------------------------------
# validation
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
                _is_missing(value)
            ) else ""
            raise TypeError(f"{name}[{i}] must be str, got {type(value).__name__}{hint}")
        if not value:
            raise ValueError(
                f"{name}[{i}] is an empty string; the embeddings API rejects empty input")
    return values


def _is_missing(value: Any) -> bool:
    """None, NaN, or pandas' NA / NaT: what a Series holds where data is missing."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


# --------------------------------------------------------------------------------------------
# fetching embeddings
# --------------------------------------------------------------------------------------------


def _estimate_tokens(text: str) -> int:
    """A generous token estimate, so a planned request stays within the API's per-request budget.

    A third of a token a character (English runs nearer a quarter), plus a token for each UTF-8
    byte past the first of every non-ASCII character: about 2.3 a CJK character and 3.3 an
    emoji, where the embedding models' tokenizer spends 1 to 2 and 1 to 3."""
    n = len(text)
    return n // 3 + (len(text.encode("utf-8")) - n) + 1


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
    """Where vectors come from, for the cache key: the flavor and the full origin of the base URL
    (scheme, host, port -- explicit even when default -- and base path), without credentials,
    query or fragment.

    The port always counts: two servers on one loopback host (an emulator on 127.0.0.1:8000
    today, a local model server there tomorrow) are different servers. The consequence for the
    emulator served over loopback is that its port changes every run, so each run fetches its
    (free, simulated) vectors again and the cache file grows by one run's rows; that is the price
    of never mixing servers. The in-process emulator keeps one URL (``http://emulator.invalid``):
    ``.invalid`` is a reserved top-level domain (RFC 6761) that no network server can answer for,
    so only code running in this process can -- for ``connect()``, the emulator shipped with this
    package. Its vectors change between releases, so for such hosts the key also holds the
    package version: an upgrade never serves the previous emulator's vectors.
    """
    from urllib.parse import urlsplit

    url = str(getattr(client, "base_url", "") or type(client).__name__)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # a malformed port: keep the text as written
        port = None
        host = parts.netloc.rpartition("@")[2].lower()
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    origin = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    flavor = getattr(client, "flavor", None)
    source = f"{flavor if isinstance(flavor, str) else 'openai'} {origin}{parts.path.rstrip('/')}"
    if host.endswith(".invalid"):
        from . import __version__

        source += f" lcoai-notebook/{__version__}"
    return source


def _check_options(model: Any, dimensions: Any, batch_size: Any, max_concurrency: Any,
                   max_tokens_per_request: Any, via: Any, progress: Any,
                   batch_options: Any) -> tuple[int | None, int, int, int]:
    """Refuse bad options before any request; return the numbers as plain ints
    (``dimensions``, ``batch_size``, ``max_concurrency``, ``max_tokens_per_request``)."""
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
    if batch_options is not None and not isinstance(batch_options, dict):
        raise TypeError(f"batch_options must be a dict, got {type(batch_options).__name__}")
    # numpy integers pass the checks; the request body and the cache key want plain ints.
    return (None if dimensions is None else int(dimensions), int(batch_size),
            int(max_concurrency), int(max_tokens_per_request))


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
        client's flavor and full base URL origin (scheme, host, port, path), so one server's
        vectors (the emulator's simulated ones included) never stand in for another's. Every
        row is checked (length and digest): a damaged row is fetched again, never returned.
        A cache that cannot be written (read-only file or folder, full disk) is still read,
        and the new vectors are returned with one :class:`EmbeddingCacheWarning`. A SQLite
        file of another program is refused (ValueError) and left unchanged.
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
    dimensions, batch_size, max_concurrency, max_tokens_per_request = _check_options(
        model, dimensions, batch_size, max_concurrency, max_tokens_per_request, via, progress,
        batch_options)
    if not items:
        return np.zeros((0, dimensions or 0), dtype=np.float32)
    unique, where = _distinct(items)
    store, owned = _embed_cache.open_cache(cache)
    own_client = client is None
    try:
        if own_client:
            from ._connect import connect

            client = connect()
        _require_sync(client)
        keys: list[bytes] = []
        out: np.ndarray | None = None
        todo = list(range(len(unique)))
        if store is not None:
            keys = store.keys(_source(client), model, dimensions, unique)
            out, todo = _cached_rows(store, keys, dimensions)
        if todo:
            batches = _plan(todo, unique, batch_size, max_tokens_per_request)
            show = progress if progress is not None else len(todo) > _PROGRESS_THRESHOLD
            fetch = _fetch_batch if via == "batch" else _fetch_direct
            fetched = fetch(client, unique, batches, model, dimensions, max_concurrency, show,
                            batch_options or {})
            try:
                out = _assemble(out, len(unique), fetched, store, keys)
            finally:
                # Before the client closes: drop queued requests, let running ones finish.
                fetched.close()
    finally:
        if owned and store is not None:
            store.close()
        if own_client and client is not None:
            client.close()
    assert out is not None  # every distinct text was cached or fetched
    if len(unique) == len(items):
        return out  # no repeats: rows are already in input order
    return out[where]


def _distinct(items: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts in first-seen order, and each item's row among them (each distinct
    text is sent once)."""
    slot: dict[str, int] = {}
    where = np.fromiter((slot.setdefault(t, len(slot)) for t in items), dtype=np.intp,
                        count=len(items))
    return list(slot), where


def _require_sync(client: Any) -> None:
    """Refuse an AsyncClient: embed runs its own thread pool over a synchronous client."""
    if getattr(getattr(client, "requester", None), "is_async", False):
        raise TypeError("embed needs a synchronous Client, got an AsyncClient; "
                        "embed sends its requests concurrently itself")


def _cached_rows(store: Any, keys: list[bytes],
                 dimensions: int | None) -> tuple[np.ndarray | None, list[int]]:
    """The rows the cache holds (a matrix, or None when it holds none) and the positions of the
    texts still to fetch."""
    hits = store.get_many(keys)
    if not hits:
        return None, list(range(len(keys)))
    # Rows of the asked dimensions (else the length most rows agree on); a damaged row of
    # another length counts as missing and is fetched again.
    d = dimensions or Counter(len(v) for v in hits.values()).most_common(1)[0][0]
    out = np.empty((len(keys), d), dtype=np.float32)
    todo: list[int] = []
    for i, key in enumerate(keys):
        vec = hits.get(key)
        if vec is None or len(vec) != d:
            todo.append(i)
        else:
            out[i] = vec
    return out, todo


def _assemble(out: np.ndarray | None, n: int, fetched: Iterable[tuple[list[int], np.ndarray]],
              store: Any, keys: list[bytes]) -> np.ndarray | None:
    """Place each fetched matrix in its rows of the ``(n, d)`` result (made on the first one
    when the cache gave none), caching it as it arrives."""
    for idx, mat in fetched:
        _check_matrix(mat, len(idx), out)
        if out is None:
            out = np.empty((n, mat.shape[1]), dtype=np.float32)
        out[idx] = mat
        if store is not None:
            store.put_many([keys[i] for i in idx], mat)
    return out


def _check_matrix(mat: np.ndarray, rows: int, out: np.ndarray | None) -> None:
    """Refuse a response matrix that is not ``rows`` vectors of the length already placed."""
    if mat.ndim != 2 or mat.shape[0] != rows:
        problem = f"the embeddings response has shape {mat.shape} for {rows} inputs"
    elif out is not None and mat.shape[1] != out.shape[1]:
        problem = (f"vectors of length {mat.shape[1]} after vectors of length {out.shape[1]}"
                   " (a cache filled with another dimension?)")
    else:
        return
    from ._exceptions import APIResponseValidationError

    raise APIResponseValidationError(problem)


#: What the fetchers yield: the positions of one request's texts and their vectors.
_Fetched = Generator[tuple[list[int], np.ndarray], None, None]


def _create_kwargs(model: str, dimensions: int | None) -> dict[str, Any]:
    kw: dict[str, Any] = {"model": model}
    if dimensions is not None:
        kw["dimensions"] = dimensions
    return kw


def _fetch_direct(client: Any, texts: list[str], batches: list[list[int]], model: str,
                  dimensions: int | None, max_concurrency: int, show: bool,
                  _options: dict[str, Any]) -> _Fetched:
    """Yield ``(indices, matrix)`` per request as responses arrive (any order).

    A thread pool over the synchronous client: httpx's Client is thread-safe, the socket waits
    release the GIL, and it works the same inside a notebook's running event loop."""
    kw = _create_kwargs(model, dimensions)

    def call(idx: list[int]) -> np.ndarray:
        resp = client.embeddings.create(input=[texts[i] for i in idx], **kw)
        if inspect.isawaitable(resp):  # pragma: no cover - guarded by the is_async check
            if inspect.iscoroutine(resp):
                resp.close()  # never awaited: closed so Python does not warn about it
            raise TypeError("embed needs a synchronous Client")
        to_numpy = getattr(resp, "to_numpy", None)
        if to_numpy is None:
            # Another OpenAI-style client (e.g. the official SDK's): rows by their index.
            rows = sorted(resp.data, key=lambda item: item.index)
            return np.asarray([item.embedding for item in rows], dtype=np.float32)
        return np.asarray(to_numpy(), dtype=np.float32)

    bar = progress_bar(sum(len(b) for b in batches), desc="embedding", unit="text", enabled=show)
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
                    bar.update(len(idx))
                    yield idx, fut.result()
            if errors:
                errors[0].result()  # re-raises the request's error
    finally:
        # On error (or an abandoned generator) drop what is queued; running requests finish.
        pool.shutdown(wait=True, cancel_futures=True)
        bar.close()


def _fetch_batch(client: Any, texts: list[str], batches: list[list[int]], model: str,
                 dimensions: int | None, _max_concurrency: int, show: bool,
                 options: dict[str, Any]) -> _Fetched:
    """Yield ``(indices, matrix)`` per planned request, run through the Batch API; every
    answered request is yielded (so it is cached) before the first failure is raised."""
    kw = _create_kwargs(model, dimensions)
    requests = [{**kw, "input": [texts[i] for i in idx], "encoding_format": "base64"}
                for idx in batches]
    results = client.batches.run(requests, endpoint="/v1/embeddings",
                                 **{"progress": show, **options})
    failed = None
    for idx, res in zip(batches, results, strict=True):
        if getattr(res, "error", None):
            failed = failed or res
            continue
        yield idx, np.asarray(res.to_numpy(), dtype=np.float32)
    if failed is not None:
        from ._exceptions import APIError

        error = failed.error
        raise APIError(f"batch request {getattr(failed, 'custom_id', '?')} failed: "
                       f"{error.get('code')}: {error.get('message')}",
                       code=error.get("code"), request_id=failed.get("request_id"))


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

    # Everything that can be judged without the vectors is judged before any request is sent.
    _check_k(k)
    query_is_text = isinstance(query, str)
    if query_is_text and not query:
        raise ValueError("query is an empty string")
    if _is_empty(corpus):
        raise ValueError("corpus is empty: search needs at least one text or vector to rank")
    corpus_is_text = _looks_like_texts(corpus)
    labels: list[Any] | None = None
    corpus_texts: list[str] = []
    if corpus_is_text:
        if texts is not None:
            raise ValueError("texts= labels a vector corpus; this corpus is texts already")
        labels = corpus_texts = _as_texts(corpus, "corpus")
    elif texts is not None:
        labels = _as_texts(texts, "texts")
    to_embed = ([query] if query_is_text else []) + corpus_texts
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


def _is_empty(value: Any) -> bool:
    """True for a corpus with no rows: an empty list/tuple/Series/array (or an (0, d) array)."""
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and len(shape) >= 1:
        return shape[0] == 0
    return False


def _looks_like_texts(value: Any) -> bool:
    """True for an array of str, or a list/tuple/Series/1-D object array whose first element is
    a str (the forms :func:`embed` takes)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "US":
            return True
        return value.dtype.kind == "O" and value.ndim == 1 and value.size > 0 and isinstance(
            value[0], str)
    if isinstance(value, (list, tuple)):
        return bool(value) and isinstance(value[0], str)
    module = type(value).__module__ or ""
    if module.startswith("pandas") and getattr(value, "dtype", None) is not None:
        return len(value) > 0 and isinstance(value.iloc[0], str)
    return False
