"""``client.models``: list, retrieve and delete models."""

from __future__ import annotations

from .._models import Model, ModelDeleted, ModelList
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg
from ._resource import Resource, per_call
from ._spec import make_spec, require_id

__all__ = ["ModelList", "Models"]


class Models(Resource):
    """``/models``."""

    def list(
        self, *, extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ModelList:
        """List the models available to you.

        Parameters
        ----------
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        ModelList
            Iterable over the :class:`Model` objects (``id``, ``created``, ``owned_by``);
            ``.ids`` lists their ids.
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("GET", "/models", options, cast=ModelList))

    def retrieve(
        self, model: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Model:
        """One model's ``{id, object, created, owned_by}``.

        Parameters
        ----------
        model : str
            The model id, e.g. ``"gpt-4o-mini"`` or a fine-tuned ``"ft:..."`` id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        Model
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("GET", "/models/{model}", options, cast=Model,
                                       path_params={"model": require_id(model, "model")}))

    def delete(
        self, model: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ModelDeleted:
        """Delete a fine-tuned model you own.

        Parameters
        ----------
        model : str
            The ``ft:...`` model id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a DELETE has no body).

        Returns
        -------
        ModelDeleted
            ``{"id", "object": "model", "deleted": true}``.
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("DELETE", "/models/{model}", options, cast=ModelDeleted,
                                       path_params={"model": require_id(model, "model")}))
