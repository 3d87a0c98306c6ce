"""``client.vector_stores``: vector stores, their files, file batches and search.

Sent with ``OpenAI-Beta: assistants=v2``, as the Assistants family they serve. ``search`` and
``file_batches`` are OpenAI flavor only: LowCodeAPI does not define those routes, so the client
refuses them before sending under ``flavor="lowcodeapi"``.
"""

from __future__ import annotations

from typing import Any

from .._pagination import paginate
from ._flavor import require_openai_flavor
from ._resource import Resource
from ._spec import BETA_HEADERS, body_of, check_list_args, make_spec, require_id

__all__ = ["VectorStoreFileBatches", "VectorStoreFiles", "VectorStores"]

_STORE_PATH = "/vector_stores/{vector_store_id}"
_FILE_FILTERS = ("in_progress", "completed", "failed", "cancelled")


def _spec(method: str, path: str, kwargs: dict[str, Any], **kw: Any) -> Any:
    return make_spec(method, path, kwargs, headers=BETA_HEADERS, **kw)


def _list_spec(path: str, path_params: dict[str, str], kwargs: dict[str, Any],
               query: dict[str, Any]) -> Any:
    check_list_args(query.get("limit"), query.get("order"))
    return _spec("GET", path, kwargs, path_params=path_params, query=query)


class VectorStoreFiles(Resource):
    """``vector_stores.files``: create (attach an uploaded file), retrieve, list, delete."""

    def create(self, vector_store_id: str, *, file_id: str,
               attributes: dict[str, Any] | None = None,
               chunking_strategy: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Attach an uploaded file (``files.create(..., purpose="assistants")``) to a store.

        Returns
        -------
        Result
            The ``vector_store.file`` (``status`` ``in_progress`` or ``completed``).
        """
        params = {"vector_store_id": require_id(vector_store_id, "vector_store_id")}
        body = body_of(file_id=require_id(file_id, "file_id"), attributes=attributes,
                       chunking_strategy=chunking_strategy)
        return self._request(_spec("POST", _STORE_PATH + "/files", kwargs, path_params=params,
                                   json=body))

    def retrieve(self, file_id: str, *, vector_store_id: str, **kwargs: Any) -> Any:
        """The ``vector_store.file``."""
        return self._request(_spec("GET", _STORE_PATH + "/files/{file_id}", kwargs,
                                   path_params=_both(vector_store_id, file_id)))

    def list(self, vector_store_id: str, *, after: str | None = None, before: str | None = None,
             filter: str | None = None, limit: int | None = None, order: str | None = None,
             **kwargs: Any) -> Any:
        """List a store's files; ``filter`` is a status (``in_progress``, ``completed``,
        ``failed``, ``cancelled``). Iterating walks every page."""
        if filter is not None and filter not in _FILE_FILTERS:
            raise ValueError(f"filter must be one of {', '.join(_FILE_FILTERS)}, got {filter!r}")
        params = {"vector_store_id": require_id(vector_store_id, "vector_store_id")}
        query = {"after": after, "before": before, "filter": filter, "limit": limit,
                 "order": order}
        return paginate(self._requester,
                        _list_spec(_STORE_PATH + "/files", params, kwargs, query))

    def delete(self, file_id: str, *, vector_store_id: str, **kwargs: Any) -> Any:
        """Detach a file from the store (the file itself stays in ``files``)."""
        return self._request(_spec("DELETE", _STORE_PATH + "/files/{file_id}", kwargs,
                                   path_params=_both(vector_store_id, file_id)))


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
        params = {"vector_store_id": require_id(vector_store_id, "vector_store_id")}
        if batch_id is not None or what != "create":
            params["batch_id"] = require_id(batch_id, "batch_id")
        return params

    def create(self, vector_store_id: str, *, file_ids: list[str] | None = None,
               files: list[dict[str, Any]] | None = None,
               attributes: dict[str, Any] | None = None,
               chunking_strategy: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Attach files to a store in one batch.

        Parameters
        ----------
        vector_store_id : str
        file_ids : list of str, optional
            1 to 2000 uploaded files, sharing ``attributes`` and ``chunking_strategy``.
        files : list of dict, optional
            Instead of ``file_ids``: ``{"file_id", "attributes"?, "chunking_strategy"?}`` each.
        attributes : dict, optional
            Up to 16 string, number or boolean values (used by search ``filters``).
        chunking_strategy : dict, optional
            ``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``.

        Returns
        -------
        Result
            The ``vector_store.files_batch`` (``status``, ``file_counts``).
        """
        params = self._params("create", vector_store_id)
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
        body = body_of(file_ids=file_ids, files=files, attributes=attributes,
                       chunking_strategy=chunking_strategy)
        return self._request(_spec("POST", _STORE_PATH + "/file_batches", kwargs,
                                   path_params=params, json=body))

    def retrieve(self, batch_id: str, *, vector_store_id: str, **kwargs: Any) -> Any:
        """The ``vector_store.files_batch``."""
        params = self._params("retrieve", vector_store_id, batch_id)
        return self._request(_spec("GET", _BATCH_PATH, kwargs, path_params=params))

    def cancel(self, batch_id: str, *, vector_store_id: str, **kwargs: Any) -> Any:
        """Cancel a batch in progress: its files still processing become ``cancelled``."""
        params = self._params("cancel", vector_store_id, batch_id)
        return self._request(_spec("POST", _BATCH_PATH + "/cancel", kwargs, path_params=params,
                                   json={}))

    def list_files(self, batch_id: str, *, vector_store_id: str, after: str | None = None,
                   before: str | None = None, filter: str | None = None,
                   limit: int | None = None, order: str | None = None, **kwargs: Any) -> Any:
        """List the batch's ``vector_store.file`` objects; ``filter`` is a status. Iterating
        walks every page."""
        params = self._params("list_files", vector_store_id, batch_id)
        if filter is not None and filter not in _FILE_FILTERS:
            raise ValueError(f"filter must be one of {', '.join(_FILE_FILTERS)}, got {filter!r}")
        query = {"after": after, "before": before, "filter": filter, "limit": limit,
                 "order": order}
        return paginate(self._requester, _list_spec(_BATCH_PATH + "/files", params, kwargs,
                                                    query))


class VectorStores(Resource):
    """``client.vector_stores``: create, retrieve, update, list, delete, search; ``.files``,
    ``.file_batches``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.files = VectorStoreFiles(requester)
        self.file_batches = VectorStoreFileBatches(requester)

    def create(self, *, name: str | None = None, file_ids: list[str] | None = None,
               description: str | None = None, expires_after: dict[str, Any] | None = None,
               chunking_strategy: dict[str, Any] | None = None,
               metadata: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Create a vector store, optionally with files already uploaded.

        Returns
        -------
        Result
            The ``vector_store``.
        """
        if file_ids is not None:
            if isinstance(file_ids, str) or not isinstance(file_ids, (list, tuple)):
                raise TypeError(f"file_ids must be a list of file ids, got {file_ids!r:.80}")
            file_ids = [require_id(f, f"file_ids[{i}]") for i, f in enumerate(file_ids)]
        body = body_of(name=name, file_ids=file_ids, description=description,
                       expires_after=expires_after, chunking_strategy=chunking_strategy,
                       metadata=metadata)
        return self._request(_spec("POST", "/vector_stores", kwargs, json=body))

    def retrieve(self, vector_store_id: str, **kwargs: Any) -> Any:
        """The ``vector_store``."""
        return self._request(_spec("GET", _STORE_PATH, kwargs, path_params={
            "vector_store_id": require_id(vector_store_id, "vector_store_id")}))

    def update(self, vector_store_id: str, *, name: str | None = None,
               expires_after: dict[str, Any] | None = None,
               metadata: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Modify a store's name, expiry or metadata."""
        params = {"vector_store_id": require_id(vector_store_id, "vector_store_id")}
        body = body_of(name=name, expires_after=expires_after, metadata=metadata)
        return self._request(_spec("POST", _STORE_PATH, kwargs, path_params=params, json=body))

    def list(self, *, after: str | None = None, before: str | None = None,
             limit: int | None = None, order: str | None = None, **kwargs: Any) -> Any:
        """List vector stores; iterating walks every page."""
        query = {"after": after, "before": before, "limit": limit, "order": order}
        return paginate(self._requester, _list_spec("/vector_stores", {}, kwargs, query))

    def delete(self, vector_store_id: str, **kwargs: Any) -> Any:
        """Delete a vector store."""
        return self._request(_spec("DELETE", _STORE_PATH, kwargs, path_params={
            "vector_store_id": require_id(vector_store_id, "vector_store_id")}))

    def search(self, vector_store_id: str, *, query: str | list[str],
               filters: dict[str, Any] | None = None, max_num_results: int | None = None,
               ranking_options: dict[str, Any] | None = None,
               rewrite_query: bool | None = None, **kwargs: Any) -> Any:
        """Search a store's files for chunks relevant to ``query`` (OpenAI flavor only).

        Parameters
        ----------
        vector_store_id : str
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

        Returns
        -------
        SyncPage or AsyncPager
            Iterating yields results best first: ``file_id``, ``filename``, ``score`` (0..1),
            ``attributes`` and ``content`` (``[{"type": "text", "text": ...}]``).

        Examples
        --------
        >>> for hit in client.vector_stores.search(vs.id, query="return policy"):  # doctest: +SKIP
        ...     print(round(hit.score, 2), hit.filename)
        """
        require_openai_flavor(self._requester, "vector_stores.search")
        params = {"vector_store_id": require_id(vector_store_id, "vector_store_id")}
        queries = [query] if isinstance(query, str) else query
        if not isinstance(queries, list) or not queries or not all(
                isinstance(q, str) and q.strip() for q in queries):
            raise ValueError(f"query must be a non-empty string or a non-empty list of them, "
                             f"got {query!r:.80}")
        if max_num_results is not None and (
                isinstance(max_num_results, bool) or not isinstance(max_num_results, int)
                or not 1 <= max_num_results <= 50):
            raise ValueError(f"max_num_results must be an integer from 1 to 50, got "
                             f"{max_num_results!r}")
        if rewrite_query is not None and not isinstance(rewrite_query, bool):
            raise TypeError(f"rewrite_query must be True or False, got {rewrite_query!r}")
        for name, value in (("filters", filters), ("ranking_options", ranking_options)):
            if value is not None and not isinstance(value, dict):
                raise TypeError(f"{name} must be a dict, got {type(value).__name__}")
        body = body_of(query=query, filters=filters, max_num_results=max_num_results,
                       ranking_options=ranking_options, rewrite_query=rewrite_query)
        return paginate(self._requester, _spec("POST", _STORE_PATH + "/search", kwargs,
                                               path_params=params, json=body))
