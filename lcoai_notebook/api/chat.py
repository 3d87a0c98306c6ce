"""``client.chat.completions``: chat completions, whole or streamed."""

from __future__ import annotations

from typing import Any

from .._http import RequestSpec
from .._models import ChatCompletion, ChatCompletionChunk
from .._validate import validate_chat
from ._resource import Resource, call_options

__all__ = ["Chat", "ChatCompletions"]


class ChatCompletions(Resource):
    """``POST /chat/completions``."""

    def create(self, *, model: str, messages: list[dict[str, Any]], stream: bool = False,
               **params: Any) -> Any:
        """Create a chat completion.

        Parameters
        ----------
        model : str
            A chat model id, e.g. ``"gpt-4o-mini"``. Unknown ids are passed through.
        messages : list of dict
            The conversation: ``{"role": "system" | "developer" | "user" | "assistant" | "tool" |
            "function", "content": ...}``; tool messages need ``tool_call_id``. A message taken
            from a previous response (``resp.choices[0].message``) may be passed back as is.
        stream : bool, default False
            When True, return a stream of :class:`~lcoai_notebook._models.ChatCompletionChunk`
            (iterable and closeable; use it in a ``with`` block to close it early).
        **params
            Any other request field, as in OpenAI's API: ``temperature`` (0–2), ``top_p`` (0–1),
            ``n`` (≥ 1), ``max_tokens`` / ``max_completion_tokens`` (≥ 1), ``stop`` (≤ 4
            strings), ``presence_penalty`` / ``frequency_penalty`` (−2..2), ``seed``,
            ``logprobs`` / ``top_logprobs`` (0–20), ``response_format`` (``{"type":
            "json_object"}`` for JSON mode), ``tools``, ``tool_choice``, ``stream_options``
            (``{"include_usage": True}``), ``user`` ... A value of None means "not set".
            Per-call options: ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``,
            ``extra_body`` (merged into the body as given, without validation: an escape hatch
            for fields this package does not know yet).

        Returns
        -------
        ChatCompletion or Stream of ChatCompletionChunk
            Under ``AsyncClient``, an awaitable of the same.

        Raises
        ------
        ValueError, TypeError
            Before sending, for a parameter out of range or of the wrong type.

        Examples
        --------
        >>> resp = client.chat.completions.create(  # doctest: +SKIP
        ...     model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
        >>> resp.choices[0].message.content  # doctest: +SKIP
        """
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        body_params = {k: v for k, v in params.items() if v is not None}
        msgs = validate_chat(model, messages, stream, body_params)
        body: dict[str, Any] = {"model": model, "messages": msgs, **body_params}
        if stream:
            body["stream"] = True
        if extra_body:
            body.update(extra_body)
        spec = RequestSpec(
            "POST",
            "/chat/completions",
            json=body,
            stream=stream,
            cast=ChatCompletionChunk if stream else ChatCompletion,
            **options,
        )
        return self._request(spec)


class Chat(Resource):
    """``client.chat``: holds :attr:`completions`."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.completions = ChatCompletions(requester)
