"""``client.vector_stores``: vector stores, their files, file batches and search.

Sent with ``OpenAI-Beta: assistants=v2``, as the Assistants family they serve. ``search`` and
``file_batches`` are OpenAI flavor only: LowCodeAPI does not define those routes, so the client
refuses them before sending under ``flavor="lowcodeapi"``.

Every method names the parameters OpenAI documents for its endpoint; an optional one defaults to
``NOT_GIVEN`` and is left out of the request unless set (``None`` counts as unset too). Each also
takes the per-call options ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout`` and
``max_retries``. ``extra_body`` is merged into the JSON body as given (for fields this package
does not know yet); a request without a body (GET, DELETE) refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from .._http import RequestSpec
from .._models_assistants import (
    VectorStore,
    VectorStoreDeleted,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileDeleted,
    VectorStoreSearchResponse,
)
from .._pagination import SyncPage, paginate
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._flavor import require_openai_flavor
from ._resource import Resource, per_call
from ._spec import BETA_HEADERS, check_list_args, make_spec, require_id

__all__ = ["VectorStoreFileBatches", "VectorStoreFiles", "VectorStores"]

_STORE_PATH = "/vector_stores/{vector_store_id}"
_FILE_FILTERS = ("in_progress", "completed", "failed", "cancelled")
_FileFilter = Literal["in_progress", "completed", "failed", "cancelled"]


def _spec(method: str, path: str, opts: dict[str, Any], **kw: Any) -> RequestSpec:
    """The one spec builder, with the Assistants v2 header every request here carries."""
    return make_spec(method, path, opts, headers=BETA_HEADERS, **kw)


def _unset(value: Any) -> Any:
    """``value``, or None when it was not given (for the checks written against None)."""
    return None if value is NOT_GIVEN else value


def _list_spec(path: str, path_params: dict[str, str], opts: dict[str, Any], *, after: Any,
               before: Any, limit: Any, order: Any, filter: Any = None) -> RequestSpec:
    limit, order, filter = _unset(limit), _unset(order), _unset(filter)
    check_list_args(limit, order)
    if filter is not None and filter not in _FILE_FILTERS:
        raise ValueError(f"filter must be one of {', '.join(_FILE_FILTERS)}, got {filter!r}")
    query = given(after=after, before=before, filter=filter, limit=limit, order=order)
    return _spec("GET", path, opts, path_params=path_params, query=query)


def _store(vector_store_id: Any) -> dict[str, str]:
    return {"vector_store_id": require_id(vector_store_id, "vector_store_id")}


class VectorStoreFiles(Resource):
    """``vector_stores.files``: create (attach an uploaded file), retrieve, list, delete."""

    def create(
        self,
        vector_store_id: str,
        *,
        file_id: str,
        attributes: dict[str, str | float | bool] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Attach an uploaded file (``files.create(..., purpose="assistants")``) to a store.

        Parameters
        ----------
        vector_store_id : str
            The store's id (``vs_...``).
        file_id : str
            The uploaded file's id.
        attributes : dict, optional
            Up to 16 string, number or boolean values (used by search ``filters``).
        chunking_strategy : dict, optional
            ``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreFile
            The ``vector_store.file`` (``status`` ``in_progress`` or ``completed``).
        """
        params = _store(vector_store_id)
        body = given(file_id=require_id(file_id, "file_id"), attributes=attributes,
                     chunking_strategy=chunking_strategy)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", _STORE_PATH + "/files", opts, path_params=params,
                                   json=body, cast=VectorStoreFile))

    def retrieve(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Read a store's file.

        Parameters
        ----------
        file_id, vector_store_id : str
            The file's id and its store's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreFile
            The ``vector_store.file``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", _STORE_PATH + "/files/{file_id}", opts,
                                   path_params=_both(vector_store_id, file_id),
                                   cast=VectorStoreFile))

    def list(
        self,
        vector_store_id: str,
        *,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        filter: _FileFilter | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[VectorStoreFile]:
        """List a store's files; iterating walks every page.

        Parameters
        ----------
        vector_store_id : str
            The store's id.
        after, before : str, optional
            Cursors: a file id to list after (or before).
        filter : {"in_progress", "completed", "failed", "cancelled"}, optional
            Only the files in this status.
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of VectorStoreFile
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        spec = _list_spec(_STORE_PATH + "/files", _store(vector_store_id), opts, after=after,
                          before=before, limit=limit, order=order, filter=filter)
        return paginate(self._requester, spec, VectorStoreFile)

    def delete(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileDeleted:
        """Detach a file from the store (the file itself stays in ``files``).

        Parameters
        ----------
        file_id, vector_store_id : str
            The file's id and its store's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreFileDeleted
            ``{"id", "object": "vector_store.file.deleted", "deleted": true}``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("DELETE", _STORE_PATH + "/files/{file_id}", opts,
                                   path_params=_both(vector_store_id, file_id),
                                   cast=VectorStoreFileDeleted))


def _both(vector_store_id: Any, file_id: Any) -> dict[str, str]:
    return {"vector_store_id": require_id(vector_store_id, "vector_store_id"),
            "file_id": require_id(file_id, "file_id")}


def _file_id_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list, got {value!r:.80}")
    if not 1 <= len(value) <= 2000:
        raise ValueError(f"{name} must hold 1 to 2000 files, got {len(value)}")
    return list(value)


_BATCH_PATH = _STORE_PATH + "/file_batches/{batch_id}"


class VectorStoreFileBatches(Resource):
    """``vector_stores.file_batches``: attach many files at once; create, retrieve, cancel,
    list_files (OpenAI flavor only)."""

    def _params(self, what: str, vector_store_id: Any, batch_id: Any = None) -> dict[str, str]:
        require_openai_flavor(self._requester, f"vector_stores.file_batches.{what}")
        params = _store(vector_store_id)
        if batch_id is not None or what != "create":
            params["batch_id"] = require_id(batch_id, "batch_id")
        return params

    def create(
        self,
        vector_store_id: str,
        *,
        file_ids: Sequence[str] | None | NotGiven = NOT_GIVEN,
        files: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        attributes: dict[str, str | float | bool] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Attach files to a store in one batch.

        Parameters
        ----------
        vector_store_id : str
            The store's id.
        file_ids : list of str, optional
            1 to 2000 uploaded files, sharing ``attributes`` and ``chunking_strategy``.
        files : list of dict, optional
            Instead of ``file_ids``: ``{"file_id", "attributes"?, "chunking_strategy"?}`` each.
        attributes : dict, optional
            Up to 16 string, number or boolean values (used by search ``filters``).
        chunking_strategy : dict, optional
            ``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreFileBatch
            The ``vector_store.files_batch`` (``status``, ``file_counts``).
        """
        params = self._params("create", vector_store_id)
        file_ids, files = _unset(file_ids), _unset(files)
        attributes, chunking_strategy = _unset(attributes), _unset(chunking_strategy)
        if (file_ids is None) == (files is None):
            raise ValueError("give exactly one of file_ids (a list of file ids) or files (a "
                             "list of {'file_id': ...} objects)")
        if file_ids is not None:
            file_ids = [require_id(f, f"file_ids[{i}]")
                        for i, f in enumerate(_file_id_list(file_ids, "file_ids"))]
        else:
            files = _file_id_list(files, "files")
            for i, item in enumerate(files):
                if not isinstance(item, dict):
                    raise TypeError(f"files[{i}] must be a dict with a 'file_id', got "
                                    f"{item!r:.80}")
                require_id(item.get("file_id"), f"files[{i}]['file_id']")
            if attributes is not None or chunking_strategy is not None:
                raise ValueError("with files=, give attributes and chunking_strategy inside "
                                 "each file's dict")
        body = given(file_ids=file_ids, files=files, attributes=attributes,
                     chunking_strategy=chunking_strategy)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", _STORE_PATH + "/file_batches", opts,
                                   path_params=params, json=body, cast=VectorStoreFileBatch))

    def retrieve(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Read a file batch.

        Parameters
        ----------
        batch_id, vector_store_id : str
            The batch's id and its store's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreFileBatch
            The ``vector_store.files_batch``.
        """
        params = self._params("retrieve", vector_store_id, batch_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", _BATCH_PATH, opts, path_params=params,
                                   cast=VectorStoreFileBatch))

    def cancel(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Cancel a batch in progress: its files still processing become ``cancelled``.

        Parameters
        ----------
        batch_id, vector_store_id : str
            The batch's id and its store's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreFileBatch
            The ``vector_store.files_batch`` (``status`` ``cancelling`` or ``cancelled``).
        """
        params = self._params("cancel", vector_store_id, batch_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", _BATCH_PATH + "/cancel", opts, path_params=params,
                                   json={}, cast=VectorStoreFileBatch))

    def list_files(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        filter: _FileFilter | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[VectorStoreFile]:
        """List the batch's files; iterating walks every page.

        Parameters
        ----------
        batch_id, vector_store_id : str
            The batch's id and its store's.
        after, before : str, optional
            Cursors: a file id to list after (or before).
        filter : {"in_progress", "completed", "failed", "cancelled"}, optional
            Only the files in this status.
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of VectorStoreFile
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        params = self._params("list_files", vector_store_id, batch_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        spec = _list_spec(_BATCH_PATH + "/files", params, opts, after=after, before=before,
                          limit=limit, order=order, filter=filter)
        return paginate(self._requester, spec, VectorStoreFile)


class VectorStores(Resource):
    """``client.vector_stores``: create, retrieve, update, list, delete, search; ``.files``,
    ``.file_batches``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.files = VectorStoreFiles(requester)
        self.file_batches = VectorStoreFileBatches(requester)

    def create(
        self,
        *,
        file_ids: Sequence[str] | None | NotGiven = NOT_GIVEN,
        name: str | None | NotGiven = NOT_GIVEN,
        description: str | None | NotGiven = NOT_GIVEN,
        expires_after: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Create a vector store, optionally with files already uploaded.

        Parameters
        ----------
        file_ids : list of str, optional
            Uploaded files to attach (``purpose="assistants"``).
        name : str, optional
            The store's name.
        description : str, optional
            What the store holds.
        expires_after : dict, optional
            ``{"anchor": "last_active_at", "days": n}``.
        chunking_strategy : dict, optional
            For ``file_ids``: ``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStore
            The ``vector_store``.
        """
        file_ids = _unset(file_ids)
        if file_ids is not None:
            if isinstance(file_ids, str) or not isinstance(file_ids, (list, tuple)):
                raise TypeError(f"file_ids must be a list of file ids, got {file_ids!r:.80}")
            file_ids = [require_id(f, f"file_ids[{i}]") for i, f in enumerate(file_ids)]
        body = given(file_ids=file_ids, name=name, description=description,
                     expires_after=expires_after, chunking_strategy=chunking_strategy,
                     metadata=metadata)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", "/vector_stores", opts, json=body, cast=VectorStore))

    def retrieve(
        self,
        vector_store_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Read a vector store.

        Parameters
        ----------
        vector_store_id : str
            The store's id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStore
            The ``vector_store``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", _STORE_PATH, opts, path_params=_store(vector_store_id),
                                   cast=VectorStore))

    def update(
        self,
        vector_store_id: str,
        *,
        name: str | None | NotGiven = NOT_GIVEN,
        expires_after: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Modify a store's name, expiry or metadata.

        Parameters
        ----------
        vector_store_id : str
            The store's id.
        name : str, optional
            The new name.
        expires_after : dict, optional
            ``{"anchor": "last_active_at", "days": n}``.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStore
            The modified ``vector_store``.
        """
        params = _store(vector_store_id)
        body = given(name=name, expires_after=expires_after, metadata=metadata)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", _STORE_PATH, opts, path_params=params, json=body,
                                   cast=VectorStore))

    def list(
        self,
        *,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[VectorStore]:
        """List vector stores; iterating walks every page.

        Parameters
        ----------
        after, before : str, optional
            Cursors: a store id to list after (or before).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of VectorStore
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        spec = _list_spec("/vector_stores", {}, opts, after=after, before=before, limit=limit,
                          order=order)
        return paginate(self._requester, spec, VectorStore)

    def delete(
        self,
        vector_store_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> VectorStoreDeleted:
        """Delete a vector store.

        Parameters
        ----------
        vector_store_id : str
            The store's id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        VectorStoreDeleted
            ``{"id", "object": "vector_store.deleted", "deleted": true}``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("DELETE", _STORE_PATH, opts,
                                   path_params=_store(vector_store_id), cast=VectorStoreDeleted))

    def search(
        self,
        vector_store_id: str,
        *,
        query: str | Sequence[str],
        filters: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        max_num_results: int | None | NotGiven = NOT_GIVEN,
        ranking_options: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        rewrite_query: bool | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[VectorStoreSearchResponse]:
        """Search a store's files for chunks relevant to ``query`` (OpenAI flavor only).

        Parameters
        ----------
        vector_store_id : str
            The store's id.
        query : str or list of str
            What to look for.
        filters : dict, optional
            On file ``attributes``: ``{"type": "eq", "key": ..., "value": ...}`` (also ``ne``,
            ``gt``, ``gte``, ``lt``, ``lte``, ``in``, ``nin``), or ``{"type": "and" | "or",
            "filters": [...]}``.
        max_num_results : int, optional
            1 to 50 (default 10).
        ranking_options : dict, optional
            ``{"ranker": ..., "score_threshold": 0..1}``.
        rewrite_query : bool, optional
            Let the service rewrite the query for vector search.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of VectorStoreSearchResponse
            Iterating yields results best first: ``file_id``, ``filename``, ``score`` (0..1),
            ``attributes`` and ``content`` (``[{"type": "text", "text": ...}]``). An
            ``AsyncPager`` under ``AsyncClient``.

        Examples
        --------
        >>> for hit in client.vector_stores.search(vs.id, query="return policy"):  # doctest: +SKIP
        ...     print(round(hit.score, 2), hit.filename)
        """
        require_openai_flavor(self._requester, "vector_stores.search")
        params = _store(vector_store_id)
        queries = [query] if isinstance(query, str) else query
        if not isinstance(queries, list) or not queries or not all(
                isinstance(q, str) and q.strip() for q in queries):
            raise ValueError(f"query must be a non-empty string or a non-empty list of them, "
                             f"got {query!r:.80}")
        max_num_results, rewrite_query = _unset(max_num_results), _unset(rewrite_query)
        if max_num_results is not None and (
                isinstance(max_num_results, bool) or not isinstance(max_num_results, int)
                or not 1 <= max_num_results <= 50):
            raise ValueError(f"max_num_results must be an integer from 1 to 50, got "
                             f"{max_num_results!r}")
        if rewrite_query is not None and not isinstance(rewrite_query, bool):
            raise TypeError(f"rewrite_query must be True or False, got {rewrite_query!r}")
        for name, value in (("filters", filters), ("ranking_options", ranking_options)):
            value = _unset(value)
            if value is not None and not isinstance(value, dict):
                raise TypeError(f"{name} must be a dict, got {type(value).__name__}")
        body = given(query=query, filters=filters, max_num_results=max_num_results,
                     ranking_options=ranking_options, rewrite_query=rewrite_query)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, _spec("POST", _STORE_PATH + "/search", opts,
                                               path_params=params, json=body),
                        VectorStoreSearchResponse)
