"""``client.moderations``: classify text (and images) against OpenAI's usage policies."""

from __future__ import annotations

from typing import Any

from .._http import RequestSpec
from .._models import ModerationResponse
from .._validate import validate_moderation
from ._resource import Resource, call_options

__all__ = ["Moderations"]


class Moderations(Resource):
    """``POST /moderations``."""

    def create(self, *, input: Any, model: str | None = None, **params: Any) -> Any:
        """Classify ``input`` over the 13 moderation categories.

        Parameters
        ----------
        input : str, list of str, or list of dict
            Text, several texts, or multimodal parts (``{"type": "text", "text": ...}``,
            ``{"type": "image_url", "image_url": {"url": ...}}``).
        model : str, optional
            ``"omni-moderation-latest"`` (the service's default) ...
        **params
            The per-call options (``timeout``, ``max_retries``, ``extra_headers``,
            ``extra_query``, ``extra_body``).

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
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        body: dict[str, Any] = {"input": validate_moderation(input, model)}
        if model is not None:
            body["model"] = model
        body.update({k: v for k, v in params.items() if v is not None})
        if extra_body:
            body.update(extra_body)
        return self._request(RequestSpec("POST", "/moderations", json=body,
                                         cast=ModerationResponse, **options))
