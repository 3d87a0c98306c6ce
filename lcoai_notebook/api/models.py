"""``client.models``: list, retrieve and delete models."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import Any

from .._http import RequestSpec
from .._models import Result, wrap
from .._wire import check_path_value
from ._resource import Resource, call_options

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


def _model_id(model: Any) -> str:
    """A model id for the path (the shared path-id rule: no ``/``, ``..``, ``?`` ...)."""
    if not isinstance(model, str):
        raise TypeError(f"model must be a model id string (got {type(model).__name__})")
    if not model.strip():
        raise ValueError(f"model must be a non-empty model id (got {model!r})")
    return check_path_value(model, "model")


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
        return self._request(self._spec("GET", "/models", params, cast=ModelList))

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
        return self._request(self._spec("GET", "/models/{model}", params, model=_model_id(model)))

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
        return self._request(self._spec("DELETE", "/models/{model}", params,
                                        model=_model_id(model)))

    @staticmethod
    def _spec(method: str, path: str, params: dict[str, Any], *, cast: Any = Result,
              model: str | None = None) -> RequestSpec:
        params.pop("extra_body", None)  # these requests have no body
        options = call_options(params)
        if params:
            raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(params))}")
        path_params = {} if model is None else {"model": model}
        return RequestSpec(method, path, path_params=path_params, cast=cast, **options)
