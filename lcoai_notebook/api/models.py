"""``client.models``: list, retrieve and delete models."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import Any

from .._models import Result, wrap
from ._resource import Resource
from ._spec import make_spec, require_id

__all__ = ["ModelList", "Models"]


class ModelList(Result):
    """``{"object": "list", "data": [Model, ...]}``: iterating it yields the models.

    ``len()`` is the number of models and ``models[0]`` the first; ``models["data"]``,
    ``.keys()``, ``.items()`` and ``.to_dict()`` still see the JSON object.
    """

    __slots__ = ()

    def _models(self) -> list[Any]:
        return self._data.get("data") or []

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return (wrap(m) for m in self._models())

    def __len__(self) -> int:
        return len(self._models())

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, slice)):
            return wrap(self._models()[key])
        return super().__getitem__(key)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return self._data.keys()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        return self._data.values()

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        return self._data.items()

    @property
    def ids(self) -> list[str]:
        """The model ids, in the order listed."""
        return [m.get("id") for m in self._models()]

    def __repr__(self) -> str:
        return f"ModelList({len(self)} models: {', '.join(map(str, self.ids[:8]))}" + \
            (", ...)" if len(self) > 8 else ")")


class Models(Resource):
    """``/models``."""

    def list(self, **params: Any) -> Any:
        """List the models available to you.

        Parameters
        ----------
        **params
            The per-call options (``timeout``, ``max_retries``, ``extra_headers``,
            ``extra_query``).

        Returns
        -------
        ModelList
            Iterable over the models (each with ``id``, ``created``, ``owned_by``).
        """
        return self._request(make_spec("GET", "/models", params, cast=ModelList))

    def retrieve(self, model: str, **params: Any) -> Any:
        """One model's ``{id, object, created, owned_by}``.

        Parameters
        ----------
        model : str
            The model id, e.g. ``"gpt-4o-mini"`` or a fine-tuned ``"ft:..."`` id.
        **params
            The per-call options.

        Returns
        -------
        Result
        """
        return self._request(make_spec("GET", "/models/{model}", params,
                                       path_params={"model": require_id(model, "model")}))

    def delete(self, model: str, **params: Any) -> Any:
        """Delete a fine-tuned model you own.

        Parameters
        ----------
        model : str
            The ``ft:...`` model id.
        **params
            The per-call options.

        Returns
        -------
        Result
            ``{"id", "object": "model", "deleted": true}``.
        """
        return self._request(make_spec("DELETE", "/models/{model}", params,
                                       path_params={"model": require_id(model, "model")}))
