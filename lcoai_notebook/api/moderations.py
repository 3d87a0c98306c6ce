"""``client.moderations``: classify text (and images) against OpenAI's usage policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._http import RequestSpec
from .._models import ModerationResponse
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate import validate_moderation
from ._resource import Resource, call_options, per_call

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
        extra_headers, extra_query : dict, optional
            Extra HTTP headers / query parameters for this call.
        extra_body : dict, optional
            Extra fields, merged as given (for fields this package does not know yet).
        timeout : float or Timeout, optional
            This call's timeout (default: the client's).
        max_retries : int, optional
            This call's retry budget (default: the client's).

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
        options = call_options(per_call(extra_headers, extra_query, None, timeout, max_retries))
        body: dict[str, Any] = given(model=model)
        body = {"input": validate_moderation(input, body.get("model")), **body}
        if extra_body:
            body.update(extra_body)
        return self._request(RequestSpec("POST", "/moderations", json=body,
                                         cast=ModerationResponse, **options))
