"""``client.vector_stores``: vector stores and their files.

Sent with ``OpenAI-Beta: assistants=v2``, as the Assistants family they serve.
"""

from __future__ import annotations

from typing import Any

from .._pagination import paginate
from ._resource import Resource
from ._spec import BETA_HEADERS, body_of, check_list_args, make_spec, require_id

__all__ = ["VectorStoreFiles", "VectorStores"]

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


class VectorStores(Resource):
    """``client.vector_stores``: create, retrieve, update, list, delete; ``.files``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.files = VectorStoreFiles(requester)

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
