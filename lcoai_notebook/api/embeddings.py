"""``client.embeddings``: embedding vectors, decoded straight into one float32 matrix.

Like the official SDK, when the caller leaves ``encoding_format`` unset the request asks for
``base64``: a packed little-endian float32 string per item is a quarter of the JSON of a float
list and needs no float parsing. The decoder does one ``a2b_base64`` and one row copy per item
into a single ``(n, d)`` float32 matrix ordered by ``index`` (``json.loads`` has already been done
once by the requester), so ``response.to_numpy()`` is free.

What ``data[i].embedding`` reads as, by ``encoding_format``:

- unset: the matrix row (a float32 ``np.ndarray`` view: indexable, iterable, ``len`` = d);
- ``"float"``: the list of floats as sent (``to_numpy()`` builds the matrix on first use);
- ``"base64"`` (asked for explicitly): the base64 string as sent; ``to_numpy()`` still gives the
  decoded matrix.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from typing import Any, Literal

from .._exceptions import APIResponseValidationError
from .._models import CreateEmbeddingResponse
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate import validate_embeddings
from ._resource import Resource, per_call
from ._spec import make_spec

__all__ = ["Embeddings", "decode_embeddings"]


def _bad(message: str) -> APIResponseValidationError:
    return APIResponseValidationError(f"unreadable embeddings response: {message}")


def decode_embeddings(body: dict[str, Any], *, rows_as_embedding: bool) -> CreateEmbeddingResponse:
    """Build a :class:`CreateEmbeddingResponse` with its float32 matrix from a parsed body.

    Parameters
    ----------
    body : dict
        The parsed ``{"object": "list", "data": [{"index", "embedding"}...], ...}``; base64 or
        float embeddings (a server may ignore ``encoding_format``). Mutated in place when
        ``rows_as_embedding`` is True.
    rows_as_embedding : bool
        Replace each item's ``embedding`` with its row of the matrix (a view, no copy).

    Returns
    -------
    CreateEmbeddingResponse
        ``to_numpy()`` returns the ``(n, d)`` float32 matrix, rows in ``index`` order.
    """
    import numpy as np

    data = body.get("data")
    if not isinstance(data, list):
        raise _bad("no 'data' list")
    n = len(data)
    if n == 0:
        return CreateEmbeddingResponse(body, np.zeros((0, 0), dtype=np.float32))
    try:
        first = data[0]["embedding"]
    except (TypeError, KeyError):
        raise _bad("an item without 'embedding'") from None
    seen = bytearray(n)
    if isinstance(first, str):
        a2b = binascii.a2b_base64
        try:
            row_bytes = len(a2b(first))  # one extra decode of one item: cheaper than guessing
        except binascii.Error as exc:
            raise _bad(f"item 0: {exc}") from None
        if row_bytes % 4:
            raise _bad(f"a base64 embedding of {row_bytes} bytes is not packed float32")
        # '<f4' is the wire's byte order; it is the native float32 on every platform we run on.
        matrix = np.empty((n, row_bytes // 4), dtype="<f4")
        # Copy each decoded row straight into the matrix's buffer: no per-item array objects.
        # numpy's stubs do not declare the buffer protocol pyright looks for; ndarray has it.
        flat = memoryview(matrix).cast("B")  # pyright: ignore[reportArgumentType]
        for item in data:
            idx = item["index"]
            if type(idx) is not int or not 0 <= idx < n or seen[idx]:
                raise _bad(f"index {idx!r} is out of range or repeated")
            seen[idx] = 1
            try:
                raw = a2b(item["embedding"])
            except (binascii.Error, TypeError) as exc:
                raise _bad(f"item {idx}: {exc}") from None
            if len(raw) != row_bytes:
                raise _bad(f"item {idx} has {len(raw) // 4} dimensions, "
                           f"item 0 has {row_bytes // 4}")
            start = idx * row_bytes
            flat[start:start + row_bytes] = raw
        flat.release()
    else:
        # Float lists: some OpenAI-compatible servers ignore encoding_format.
        ordered: list[Any] = [None] * n
        for item in data:
            idx = item["index"]
            if type(idx) is not int or not 0 <= idx < n or seen[idx]:
                raise _bad(f"index {idx!r} is out of range or repeated")
            seen[idx] = 1
            ordered[idx] = item["embedding"]
        try:
            matrix = np.asarray(ordered, dtype=np.float32)
        except ValueError:
            raise _bad("embeddings of different lengths") from None
        if matrix.ndim != 2:
            raise _bad("embeddings are not lists of numbers")
    if rows_as_embedding:
        for item in data:
            item["embedding"] = matrix[item["index"]]
    return CreateEmbeddingResponse(body, matrix)


def _cast_decoded_rows(body: Any) -> CreateEmbeddingResponse:
    return decode_embeddings(body, rows_as_embedding=True)


def _cast_keep_base64(body: Any) -> CreateEmbeddingResponse:
    return decode_embeddings(body, rows_as_embedding=False)


class Embeddings(Resource):
    """``POST /embeddings``."""

    def create(
        self, *, input: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]] | Any,
        model: str, encoding_format: Literal["float", "base64"] | None | NotGiven = NOT_GIVEN,
        dimensions: int | None | NotGiven = NOT_GIVEN, user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> CreateEmbeddingResponse:
        """Embed one text or a batch.

        Parameters
        ----------
        input : str, list of str, list of int, or list of list of int
            Up to 2,048 non-empty texts (or token-id lists). A numpy array or pandas Series of
            strings is accepted too.
        model : str
            An embedding model id, e.g. ``"text-embedding-3-small"``.
        encoding_format : {"float", "base64"}, optional
            Unset: base64 on the wire, decoded to float32 (``data[i].embedding`` is a row of
            the matrix). Set explicitly, the data is kept as sent (see the module docstring).
        dimensions : int, optional
            Shorter output vectors (text-embedding-3 models; at most the model's dimension).
        user : str, optional
            An end-user id for abuse monitoring.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        CreateEmbeddingResponse
            ``.to_numpy()`` is the ``(n, d)`` float32 matrix in input order.

        Examples
        --------
        >>> resp = client.embeddings.create(  # doctest: +SKIP
        ...     model="text-embedding-3-small", input=["a cat", "a dog"])
        >>> resp.to_numpy().shape  # doctest: +SKIP
        (2, 1536)
        """
        encoding_format = None if encoding_format is NOT_GIVEN else encoding_format
        dimensions = None if dimensions is NOT_GIVEN else dimensions
        input = validate_embeddings(input, model, encoding_format, dimensions)
        body: dict[str, Any] = {"input": input, "model": model,
                                "encoding_format": encoding_format or "base64"}
        if dimensions is not None:
            body["dimensions"] = dimensions
        body.update(given(user=user))
        if encoding_format is None:
            cast: Any = _cast_decoded_rows
        elif encoding_format == "base64":
            cast = _cast_keep_base64
        else:
            cast = CreateEmbeddingResponse
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", "/embeddings", options, json=body, cast=cast))
