"""``client.batches``: the Batch API, plus ``wait``, ``results`` and the one-call ``run``.

``batches.run(requests, endpoint=...)`` is the notebook way to hand a large job to OpenAI's batch
infrastructure: it writes the JSONL, uploads it, creates the batch, waits (with a progress bar),
downloads the output and error files and returns one result per request, **in input order**
(output lines come back in any order; they are matched by ``custom_id``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .._exceptions import BatchFailedError, WaitTimeoutError
from .._models import (
    Batch,
    ChatCompletion,
    CreateEmbeddingResponse,
    FileObject,
    ImagesResponse,
    ModerationResponse,
    Result,
)
from .._pagination import SyncPage, paginate
from .._progress import check_polling, poll_flow, progress_bar, run_flow, set_total
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._resource import Resource, per_call
from ._spec import body_of, check_list_args, make_spec, require_id
from .completions import Completion
from .embeddings import decode_embeddings
from .files import FileContent

__all__ = [
    "BATCH_ENDPOINTS",
    "BATCH_TERMINAL_STATUSES",
    "BatchFailedError",
    "BatchRequestError",
    "BatchResults",
    "Batches",
    "REQUEST_KEYS",
]

BATCH_ENDPOINTS = (
    "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions",
    "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos",
)
BATCH_TERMINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})
# OpenAI's per-batch limit on requests (lines of the input file).
MAX_BATCH_REQUESTS = 50_000
_BATCH_PATH = "/batches/{batch_id}"


class BatchRequestError(Result):
    """The result of one request that failed: ``custom_id``, ``status_code`` (None when the
    request got no response) and ``error`` (``{"code", "message"}``). Successful results read
    ``result.error`` as None, so ``[r for r in results if r.error]`` picks the failures."""

    __slots__ = ()

    def __repr__(self) -> str:
        err = self._data.get("error") or {}
        return (
            f"BatchRequestError(custom_id={self._data.get('custom_id')!r}, "
            f"status_code={self._data.get('status_code')!r}, code={err.get('code')!r}, "
            f"message={err.get('message')!r})"
        )


class BatchResults(list):
    """Results of :meth:`Batches.run` / :meth:`Batches.results`, one per request in input order.

    Each item is the response body (``ChatCompletion``, ``CreateEmbeddingResponse``, ... by
    endpoint) or a :class:`BatchRequestError`.

    Attributes
    ----------
    batch : Result
        The final ``batch`` object.
    custom_ids : list of str
        The custom_id of each request, in the same order.
    """

    def __init__(self, items: list[Any], *, batch: Any, custom_ids: list[str]) -> None:
        super().__init__(items)
        self.batch = batch
        self.custom_ids = custom_ids

    @property
    def errors(self) -> dict[int, BatchRequestError]:
        """The failed requests, by input index."""
        return {i: r for i, r in enumerate(self) if isinstance(r, BatchRequestError)}

    @property
    def ok(self) -> bool:
        """True when every request succeeded."""
        return not any(isinstance(r, BatchRequestError) for r in self)

    def by_custom_id(self) -> dict[str, Any]:
        """The results keyed by custom_id."""
        return dict(zip(self.custom_ids, self, strict=True))

    def to_numpy(self) -> Any:
        """For embedding batches: every request's embeddings stacked in input order,
        an ``np.ndarray`` of shape ``(n_inputs, d)``, dtype float32.

        Raises ``ValueError`` naming the first failed request, if any failed.
        """
        import numpy as np

        for i, r in self.errors.items():
            raise ValueError(f"request {i} ({self.custom_ids[i]!r}) failed: {r.error}")
        mats = [r.to_numpy() for r in self]
        if not mats:
            return np.zeros((0, 0), dtype=np.float32)
        return np.concatenate(mats, axis=0)

    def __repr__(self) -> str:
        status = self.batch.get("status") if self.batch is not None else None
        return (
            f"BatchResults(n={len(self)}, failed={len(self.errors)}, "
            f"batch={self.batch.get('id') if self.batch is not None else None!r}, "
            f"status={status!r})"
        )


def _embedding_result(body: dict[str, Any]) -> CreateEmbeddingResponse:
    # base64 or float rows, decoded into one float32 matrix by the embeddings endpoint's decoder.
    return decode_embeddings(body, rows_as_embedding=False)


_RESULT_CAST: dict[str, Any] = {
    "/v1/chat/completions": ChatCompletion,
    "/v1/embeddings": _embedding_result,
    "/v1/moderations": ModerationResponse,
    "/v1/images/generations": ImagesResponse,
    "/v1/images/edits": ImagesResponse,
    "/v1/completions": Completion,
}


#: The top-level request properties of each endpoint whose schema we check before uploading,
#: from OpenAI's OpenAPI spec (``CreateChatCompletionRequest``, ``CreateEmbeddingRequest``,
#: ``CreateCompletionRequest``, ``CreateModerationRequest`` with their ``allOf`` parts; a test
#: compares this table with the spec). A body with any other key would fail on every line after
#: the whole file was uploaded and waited for, so it is refused first.
REQUEST_KEYS: dict[str, frozenset[str]] = {
    "/v1/chat/completions": frozenset({
        "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
        "max_completion_tokens", "max_tokens", "messages", "metadata", "modalities", "model",
        "moderation", "n", "parallel_tool_calls", "prediction", "presence_penalty",
        "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention",
        "reasoning_effort", "response_format", "safety_identifier", "seed", "service_tier",
        "stop", "store", "stream", "stream_options", "temperature", "tool_choice", "tools",
        "top_logprobs", "top_p", "user", "verbosity", "web_search_options",
    }),
    "/v1/embeddings": frozenset({"dimensions", "encoding_format", "input", "model", "user"}),
    "/v1/completions": frozenset({
        "best_of", "echo", "frequency_penalty", "logit_bias", "logprobs", "max_tokens", "model",
        "n", "presence_penalty", "prompt", "seed", "stop", "stream", "stream_options", "suffix",
        "temperature", "top_p", "user",
    }),
    "/v1/moderations": frozenset({"input", "model"}),
}
#: The keys of one line of a batch input file, as OpenAI's docs write them.
_LINE_KEYS = frozenset({"custom_id", "method", "url", "body"})


def build_jsonl(requests: Sequence[Any], endpoint: str) -> tuple[bytes, list[str]]:
    """The batch input file for ``requests`` and the custom_id of each, in order.

    Each request is a body dict (custom_id ``request-<i>``), a ``(custom_id, body)`` pair, or a
    whole batch line ``{"custom_id", "method": "POST", "url": endpoint, "body"}`` as in OpenAI's
    docs. Everything is checked before anything is sent: custom_ids unique, every ``url`` equal
    to ``endpoint``, and (for the endpoints in ``REQUEST_KEYS``) no unknown body keys.
    """
    if isinstance(requests, (str, bytes, dict)) or not isinstance(requests, Sequence):
        raise TypeError(
            "requests must be a list of request bodies (dicts), (custom_id, body) pairs or "
            f"batch lines, got {type(requests).__name__}"
        )
    if not requests:
        raise ValueError("requests is empty: a batch needs at least one request")
    if len(requests) > MAX_BATCH_REQUESTS:
        raise ValueError(
            f"requests has {len(requests)} items; a batch takes at most {MAX_BATCH_REQUESTS}: "
            "split it into several batches"
        )
    known = REQUEST_KEYS.get(endpoint)
    ids: list[str] = []
    lines: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(requests):
        if isinstance(item, dict) and _is_line(item):
            cid, body = item.get("custom_id"), item.get("body")
            _check_line(i, item, endpoint)
        elif isinstance(item, dict):
            cid, body = f"request-{i}", item
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            cid, body = item
        else:
            raise TypeError(
                f"requests[{i}] must be a body dict, a (custom_id, body) pair or a batch line "
                f"{{'custom_id', 'method', 'url', 'body'}}, got {type(item).__name__}"
            )
        if not isinstance(cid, str) or not cid:
            raise TypeError(f"requests[{i}]: custom_id must be a non-empty string, got {cid!r}")
        if not isinstance(body, dict):
            raise TypeError(f"requests[{i}]: the body must be a dict, got {type(body).__name__}")
        if cid in seen:
            raise ValueError(f"requests[{i}]: custom_id {cid!r} is used twice; ids must be unique")
        seen.add(cid)
        if known is not None:
            unknown = sorted(str(k) for k in body if k not in known)
            if unknown:
                hint = (" (a batch line? it needs custom_id and body, and may have method and url)"
                        if set(unknown) & _LINE_KEYS else "")
                raise ValueError(
                    f"requests[{i}]: unknown key(s) {', '.join(map(repr, unknown))} for "
                    f"{endpoint}{hint}; accepted: {', '.join(sorted(known))}")
        try:
            line = json.dumps(
                {"custom_id": cid, "method": "POST", "url": endpoint, "body": body},
                separators=(",", ":"), ensure_ascii=False,
            )
        except (TypeError, ValueError) as exc:
            raise TypeError(f"requests[{i}]: the body is not JSON-serialisable: {exc}") from None
        ids.append(cid)
        lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8"), ids


def _is_line(item: dict[str, Any]) -> bool:
    """A whole batch line: ``custom_id`` and ``body``, and nothing outside the line's keys (no
    endpoint's request body has either key, so a body is never taken for a line)."""
    return "custom_id" in item and "body" in item and set(item) <= _LINE_KEYS


def _check_line(i: int, item: dict[str, Any], endpoint: str) -> None:
    method = item.get("method", "POST")
    if method != "POST":
        raise ValueError(f"requests[{i}]: method must be 'POST' (the only batch method), "
                         f"got {method!r}")
    url = item.get("url", endpoint)
    if url != endpoint:
        raise ValueError(f"requests[{i}]: url {url!r} differs from endpoint {endpoint!r}; a "
                         "batch sends every request to one endpoint: pass endpoint=" + repr(url)
                         + " or split the batch")


def collate(
    custom_ids: list[str],
    output: bytes | str | None,
    errors: bytes | str | None,
    batch: Any,
) -> BatchResults:
    """Match output and error file lines to ``custom_ids``; requests with no line get a
    :class:`BatchRequestError` saying the batch ended without running them."""
    endpoint = batch.get("endpoint") if batch is not None else None
    cast = _RESULT_CAST.get(endpoint or "", Result)
    index = {cid: i for i, cid in enumerate(custom_ids)}
    items: list[Any] = [None] * len(custom_ids)
    for text in (output, errors):
        if not text:
            continue
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        for raw in text.splitlines():
            if not raw.strip():
                continue
            line = json.loads(raw)
            i = index.get(line.get("custom_id"))
            if i is None or items[i] is not None and not isinstance(items[i], BatchRequestError):
                continue
            items[i] = _line_result(line, cast)
    status = batch.get("status") if batch is not None else None
    for i, item in enumerate(items):
        if item is None:
            items[i] = BatchRequestError({
                "custom_id": custom_ids[i], "status_code": None,
                "error": {"code": f"batch_{status}" if status else "missing_result",
                          "message": f"no result for {custom_ids[i]!r}: the batch ended "
                                     f"{status!r} before running it"},
            })
    return BatchResults(items, batch=batch, custom_ids=list(custom_ids))


def _line_result(line: dict[str, Any], cast: Any) -> Any:
    response = line.get("response") or None
    status = response.get("status_code") if isinstance(response, dict) else None
    body = response.get("body") if isinstance(response, dict) else None
    error = line.get("error")
    if not error and status is not None and 200 <= status < 300 and isinstance(body, dict):
        return cast(body)
    if not error:
        inner = body.get("error") if isinstance(body, dict) else None
        error = inner if isinstance(inner, dict) else {
            "code": f"http_{status}", "message": f"the request failed with status {status}"
        }
    return BatchRequestError({
        "custom_id": line.get("custom_id"), "status_code": status, "error": error,
        "request_id": response.get("request_id") if isinstance(response, dict) else None,
    })


#: The endpoints a batch can target, for type checkers (the same as ``BATCH_ENDPOINTS``).
BatchEndpoint = Literal[
    "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions",
    "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos",
]


class Batches(Resource):
    """Batches: ``create``, ``list``, ``retrieve``, ``cancel``, ``wait``, ``results``, ``run``."""

    def create(
        self, *, input_file_id: str, endpoint: BatchEndpoint,
        completion_window: Literal["24h"] = "24h",
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        output_expires_after: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Batch:
        """Create a batch from an uploaded JSONL file (``purpose="batch"``).

        Parameters
        ----------
        input_file_id : str
            The uploaded input file.
        endpoint : str
            One of ``BATCH_ENDPOINTS`` (e.g. ``"/v1/chat/completions"``); every line's ``url``.
        completion_window : {"24h"}
            The only window OpenAI offers.
        metadata : dict of str to str, optional
            Up to 16 pairs stored with the batch.
        output_expires_after : dict, optional
            ``{"anchor": "created_at", "seconds": ...}`` for the output and error files.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        Batch
            The ``batch`` (status ``validating`` at first).
        """
        optional = given(metadata=metadata, output_expires_after=output_expires_after)
        body = _create_body(input_file_id, endpoint, completion_window, optional.get("metadata"),
                            optional.get("output_expires_after"))
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", "/batches", options, json=body, cast=Batch))

    def list(
        self, *, after: str | NotGiven = NOT_GIVEN, limit: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[Batch]:
        """List batches, newest first; iterating the result walks every page.

        Parameters
        ----------
        after : str, optional
            A batch id to start after.
        limit : int, optional
            Page size, 1 to 100 (default 20).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of Batch
            Under ``AsyncClient`` an ``AsyncPager``.
        """
        query = given(after=after, limit=limit)
        check_list_args(query.get("limit"))
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, make_spec("GET", "/batches", options, query=query),
                        Batch)

    def retrieve(
        self, batch_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Batch:
        """The ``batch`` object.

        Parameters
        ----------
        batch_id : str
            The batch.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        Batch
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_batch_spec("GET", _BATCH_PATH, batch_id, options))

    def cancel(
        self, batch_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Batch:
        """Cancel a batch (status ``cancelling``, then ``cancelled``).

        Parameters
        ----------
        batch_id : str
            The batch.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        Batch
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_batch_spec("POST", _BATCH_PATH + "/cancel", batch_id, options))

    def wait(
        self, batch_id: str, *, poll_interval: float = 5.0, timeout: float | None = None,
        progress: bool = True, extra_headers: Headers | None = None,
        extra_query: Query | None = None, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Batch:
        """Poll a batch until it is completed, failed, expired or cancelled.

        Parameters
        ----------
        batch_id : str
            The batch.
        poll_interval : float
            The longest pause between polls, in seconds (the first polls come sooner: pauses
            start at 0.25 s and double).
        timeout : float or None
            Give up after this many seconds with a :class:`TimeoutError` naming the last status
            (the batch keeps running). None waits as long as it takes. (Each poll uses the
            client's request timeout.)
        progress : bool
            Show a notebook-aware bar of requests done out of the total.
        extra_headers, extra_query : dict, optional
            Extra HTTP headers / query parameters for each poll.
        max_retries : int, optional
            Each poll's retry budget (default: the client's).

        Returns
        -------
        Batch
            The final ``batch`` object.
        """
        options = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        spec = _batch_spec("GET", _BATCH_PATH, batch_id, options)
        check_polling(poll_interval, timeout)
        return run_flow(self._requester, _wait_flow(spec, batch_id, poll_interval, timeout,
                                                    progress))

    def results(
        self, batch: str | Mapping[str, Any], *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> BatchResults:
        """Download a finished batch's output and error files and return a :class:`BatchResults`
        in the order of its input file (useful after ``wait`` when ``run`` timed out).

        Parameters
        ----------
        batch : str or Batch
            The batch id, or the batch object.
        extra_headers, extra_query : dict, optional
            Extra HTTP headers / query parameters for each request made.
        timeout : float or Timeout, optional
            Each request's timeout (default: the client's).
        max_retries : int, optional
            Each request's retry budget (default: the client's).

        Returns
        -------
        BatchResults
            One result per request, in input order.
        """
        kwargs = per_call(extra_headers, extra_query, None, timeout, max_retries)
        batch_id = batch if isinstance(batch, str) else (batch or {}).get("id")
        spec = _batch_spec("GET", _BATCH_PATH, batch_id, kwargs)
        return run_flow(self._requester, _results_flow(spec, kwargs))

    def run(
        self, requests: Sequence[Any], *, endpoint: BatchEndpoint = "/v1/chat/completions",
        completion_window: Literal["24h"] = "24h",
        metadata: Mapping[str, str] | None = None, poll_interval: float = 5.0,
        timeout: float | None = None, progress: bool = True,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> BatchResults:
        """Run many requests as one batch and return their results in input order.

        Parameters
        ----------
        requests : list
            Request bodies (dicts, given ``custom_id`` ``"request-<i>"``), ``(custom_id, body)``
            pairs, or whole batch lines ``{"custom_id", "method": "POST", "url", "body"}`` (the
            format of OpenAI's docs; ``url`` must equal ``endpoint``). Every body goes to
            ``endpoint``; for chat completions, completions, embeddings and moderations a body
            with a key the endpoint does not define is refused before anything is uploaded.
        endpoint : str
            One of ``BATCH_ENDPOINTS``.
        completion_window : {"24h"}
            The only window OpenAI offers.
        metadata : dict, optional
            Stored on the batch.
        poll_interval : float
            As for :meth:`wait`.
        timeout : float or None
            As for :meth:`wait`. On timeout the batch keeps running; the error names it, and
            ``batches.wait(id)`` then ``batches.results(id)`` pick it up later.
        progress : bool
            As for :meth:`wait`.
        extra_headers, extra_query : dict, optional
            Extra HTTP headers / query parameters for every request made.
        max_retries : int, optional
            Every request's retry budget (default: the client's).

        Returns
        -------
        BatchResults
            A list, one item per request in input order: the response body (``ChatCompletion``,
            ``CreateEmbeddingResponse``, ...) or a :class:`BatchRequestError` (``.error``);
            ``.batch`` is the final batch, ``.errors`` the failures by index.

        Raises
        ------
        BatchFailedError
            When the batch as a whole failed (nothing ran).

        Examples
        --------
        >>> reqs = [{"model": "text-embedding-3-small", "input": t}
        ...         for t in texts]  # doctest: +SKIP
        >>> res = client.batches.run(reqs, endpoint="/v1/embeddings")  # doctest: +SKIP
        >>> res.to_numpy().shape  # doctest: +SKIP
        (len(texts), 1536)
        """
        kwargs = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        data, ids = build_jsonl(requests, endpoint)
        _create_body("file-x", endpoint, completion_window, metadata, None)  # validate early
        check_polling(poll_interval, timeout)
        flow = _run_flow(data, ids, endpoint, completion_window, metadata, poll_interval, timeout,
                         progress, kwargs)
        return run_flow(self._requester, flow)


def _create_body(input_file_id: Any, endpoint: Any, completion_window: Any, metadata: Any,
                 output_expires_after: Any) -> dict[str, Any]:
    require_id(input_file_id, "input_file_id")
    if endpoint not in BATCH_ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(BATCH_ENDPOINTS)}; got {endpoint!r}")
    if completion_window != "24h":
        raise ValueError(f"completion_window must be '24h' (the only window), got "
                         f"{completion_window!r}")
    return body_of(input_file_id=input_file_id, endpoint=endpoint,
                   completion_window=completion_window, metadata=metadata,
                   output_expires_after=output_expires_after)


def _batch_spec(method: str, path: str, batch_id: Any, kwargs: dict[str, Any]) -> Any:
    return make_spec(method, path, dict(kwargs), cast=Batch,
                     path_params={"batch_id": require_id(batch_id, "batch_id")})


def _content_spec(file_id: str, kwargs: dict[str, Any]) -> Any:
    return make_spec("GET", "/files/{file_id}/content", dict(kwargs),
                     path_params={"file_id": require_id(file_id, "file_id")}, response="bytes",
                     cast=lambda pair: FileContent(pair[0], pair[1] or ""))


def _wait_flow(spec: Any, batch_id: str, poll_interval: float, timeout: float | None,
               progress: bool) -> Any:
    bar = progress_bar(desc=f"{batch_id}: polling", unit="req", enabled=progress)

    def show(batch: Any) -> None:
        counts = batch.get("request_counts") or {}
        total = counts.get("total") or 0
        if total and bar.total != total:
            set_total(bar, total)
        bar.n = (counts.get("completed") or 0) + (counts.get("failed") or 0)
        failed = counts.get("failed") or 0
        bar.set_description_str(
            f"{batch_id}: {batch.get('status')}" + (f", {failed} failed" if failed else "")
        )
        bar.refresh()

    try:
        return (yield from poll_flow(
            spec, done=lambda b: b.get("status") in BATCH_TERMINAL_STATUSES,
            poll_interval=poll_interval, timeout=timeout, what=f"batch {batch_id}",
            on_update=show,
        ))
    finally:
        bar.close()


def _download(batch: Any, kwargs: dict[str, Any]) -> Any:
    """A flow step pair: the output and error files of a finished batch (None where absent)."""
    out = err = None
    if batch.get("output_file_id"):
        out = yield _content_spec(batch.get("output_file_id"), kwargs)
    if batch.get("error_file_id"):
        err = yield _content_spec(batch.get("error_file_id"), kwargs)
    return out, err


def _check_not_failed(batch: Any) -> None:
    if batch.get("status") == "failed":
        errs = ((batch.get("errors") or {}).get("data")) or []
        why = "; ".join(str(e.get("message")) for e in errs[:3]) or "no reason given"
        raise BatchFailedError(f"batch {batch.get('id')} failed: {why}", batch)


def _results_flow(spec: Any, kwargs: dict[str, Any]) -> Any:
    batch = yield spec
    if batch.get("status") not in BATCH_TERMINAL_STATUSES:
        raise ValueError(
            f"batch {batch.get('id')} is still {batch.get('status')!r}: wait for it first"
        )
    _check_not_failed(batch)
    # The input file gives the request order; output lines may come in any order.
    source = yield _content_spec(batch.get("input_file_id"), kwargs)
    ids = [json.loads(line)["custom_id"] for line in source.decode("utf-8").splitlines()
           if line.strip()]
    out, err = yield from _download(batch, kwargs)
    return collate(ids, out, err, batch)


def _run_flow(data: bytes, ids: list[str], endpoint: str, completion_window: str, metadata: Any,
              poll_interval: float, timeout: float | None, progress: bool,
              kwargs: dict[str, Any]) -> Any:
    upload_spec = make_spec("POST", "/files", dict(kwargs), data={"purpose": "batch"},
                            files=[("file", ("batch_input.jsonl", data, "application/jsonl"))],
                            cast=FileObject)
    upload = yield upload_spec
    body = body_of(input_file_id=upload.get("id"), endpoint=endpoint,
                   completion_window=completion_window, metadata=metadata)
    try:
        batch = yield make_spec("POST", "/batches", dict(kwargs), json=body, cast=Batch)
    except Exception:
        # Nothing half-created: the input file is useless without its batch.
        try:
            yield make_spec("DELETE", "/files/{file_id}", dict(kwargs),
                            path_params={"file_id": upload.get("id")})
        except Exception:  # noqa: S110 - the original error is the one worth reporting
            pass
        raise
    batch_id = batch.get("id")
    try:
        batch = yield from _wait_flow(_batch_spec("GET", _BATCH_PATH, batch_id, kwargs),
                                      batch_id, poll_interval, timeout, progress)
    except WaitTimeoutError as exc:
        raise WaitTimeoutError(
            f"{exc}. Later: client.batches.wait({batch_id!r}) then "
            f"client.batches.results({batch_id!r})"
        ) from None
    if batch.get("status") == "failed":
        # Nothing ran, so nothing will ever read the input file: remove it, as after a failed
        # create. The batch failure is the error worth reporting.
        try:
            yield make_spec("DELETE", "/files/{file_id}", dict(kwargs),
                            path_params={"file_id": upload.get("id")})
        except Exception:  # noqa: S110
            pass
    _check_not_failed(batch)
    out, err = yield from _download(batch, kwargs)
    return collate(ids, out, err, batch)
