"""``client.moderations``: classify text (and images) against OpenAI's usage policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._models import ModerationResponse
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate import validate_moderation
from ._resource import Resource, per_call
from ._spec import make_spec

__all__ = ["Moderations"]


class Moderations(Resource):
    """``POST /moderations``."""

    def create(
        self, *, input: str | Sequence[str] | Sequence[Mapping[str, Any]],
        model: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ModerationResponse:
        """Classify ``input`` over the 13 moderation categories.

        Parameters
        ----------
        input : str, list of str, or list of dict
            Text, several texts, or multimodal parts (``{"type": "text", "text": ...}``,
            ``{"type": "image_url", "image_url": {"url": ...}}``).
        model : str, optional
            ``"omni-moderation-latest"`` (the service's default) ...
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        ModerationResponse
            ``results[i].flagged``, ``.categories``, ``.category_scores``; ``.flagged`` is True
            when any input was flagged.

        Examples
        --------
        >>> client.moderations.create(input="I love puppies").flagged  # doctest: +SKIP
        False
        """
        fields = given(model=model)
        body = {"input": validate_moderation(input, fields.get("model")), **fields}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", "/moderations", options, json=body,
                                       cast=ModerationResponse))
