"""``client.chat.completions``: chat completions, whole or streamed, and stored ones.

A completion created with ``store=True`` is kept by OpenAI (with its ``metadata``) and can be
read back: ``retrieve``, ``list``, ``update`` (metadata only), ``delete`` and
``messages.list`` (the request's messages). LowCodeAPI defines only ``POST
/v1/chat/completions`` (``reference/lowcodeapi-openai-endpoints.json``), so under
``flavor="lowcodeapi"`` those methods refuse before sending; ``store=True`` itself is forwarded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

from .._http import RequestSpec
from .._models import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionDeleted,
    ChatCompletionStoreMessage,
)
from .._pagination import SyncPage, paginate
from .._sse import Stream
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate import check_choice, check_int, validate_chat
from ._flavor import require_openai_flavor
from ._resource import Resource, call_options, per_call
from ._spec import make_spec, require_id

__all__ = ["Chat", "ChatCompletionMessages", "ChatCompletions"]

_PATH = "/chat/completions/{completion_id}"


def _check_metadata(metadata: Any, name: str = "metadata") -> dict[str, str] | None:
    """OpenAI's metadata rules (at most 16 pairs; keys up to 64 characters, values up to 512,
    all strings), checked before sending; None means "not given"."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise TypeError(f"{name} must be a dict of strings (got {type(metadata).__name__})")
    if len(metadata) > 16:
        raise ValueError(f"{name} holds at most 16 pairs (got {len(metadata)})")
    for k, v in metadata.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"{name} keys and values must be strings (got {k!r:.40}: {v!r:.40})")
        if len(k) > 64 or len(v) > 512:
            raise ValueError(f"{name} keys must be at most 64 characters and values at most 512 "
                             f"(got a key of {len(k)} and a value of {len(v)})")
    return dict(metadata)


def _check_page_args(after: Any, limit: Any, order: Any) -> None:
    if after is not None and not isinstance(after, str):
        raise TypeError(f"after must be an id string (got {type(after).__name__})")
    check_int("limit", limit, 1, 100)
    check_choice("order", order, ("asc", "desc"))


def _completion_id(requester: Any, completion_id: Any, what: str) -> dict[str, str]:
    require_openai_flavor(requester, what)
    return {"completion_id": require_id(completion_id, "completion_id")}


class ChatCompletionMessages(Resource):
    """``client.chat.completions.messages``: the messages of a stored completion (OpenAI flavor
    only)."""

    def list(
        self, completion_id: str, *, after: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN, order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[ChatCompletionStoreMessage]:
        """List the request messages of a completion created with ``store=True``.

        Parameters
        ----------
        completion_id : str
            The stored completion's id (``chatcmpl-...``).
        after : str, optional
            A message id (``<completion id>-<n>``): list the messages after it.
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            Default ``"asc"`` (the conversation's order).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of ChatCompletionStoreMessage
            Iterating it walks every page; each message has ``id``, ``role``, ``content`` and
            ``content_parts`` (the text and image parts, when the content was a list). Under
            ``AsyncClient`` an ``AsyncPager``.

        Raises
        ------
        ValueError
            Under ``flavor="lowcodeapi"`` (no such route there), or for a bad argument.
        """
        params = _completion_id(self._requester, completion_id,
                                "chat.completions.messages.list")
        query = given(after=after, limit=limit, order=order)
        _check_page_args(query.get("after"), query.get("limit"), query.get("order"))
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, make_spec("GET", _PATH + "/messages", options,
                                                   path_params=params, query=query),
                        ChatCompletionStoreMessage)


class ChatCompletions(Resource):
    """``client.chat.completions``: ``create``; for stored completions (OpenAI flavor)
    ``retrieve``, ``list``, ``update``, ``delete`` and ``messages.list``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.messages = ChatCompletionMessages(requester)

    @overload
    def create(
        self, *, model: str, messages: Sequence[Mapping[str, Any]],
        stream: Literal[False] = False, audio: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        function_call: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        functions: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: bool | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        modalities: Sequence[str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        prediction: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | None | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: str | None | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        user: str | None | NotGiven = NOT_GIVEN,
        verbosity: str | None | NotGiven = NOT_GIVEN,
        web_search_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChatCompletion: ...

    @overload
    def create(
        self, *, model: str, messages: Sequence[Mapping[str, Any]],
        stream: Literal[True], audio: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        function_call: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        functions: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: bool | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        modalities: Sequence[str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        prediction: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | None | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: str | None | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        user: str | None | NotGiven = NOT_GIVEN,
        verbosity: str | None | NotGiven = NOT_GIVEN,
        web_search_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[ChatCompletionChunk]: ...

    @overload
    def create(
        self, *, model: str, messages: Sequence[Mapping[str, Any]],
        stream: bool, audio: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        function_call: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        functions: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: bool | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        modalities: Sequence[str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        prediction: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | None | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: str | None | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        user: str | None | NotGiven = NOT_GIVEN,
        verbosity: str | None | NotGiven = NOT_GIVEN,
        web_search_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChatCompletion | Stream[ChatCompletionChunk]: ...

    def create(
        self, *, model: str, messages: Sequence[Mapping[str, Any]],
        stream: bool = False, audio: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        function_call: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        functions: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: bool | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        modalities: Sequence[str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        prediction: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | None | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: str | None | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        user: str | None | NotGiven = NOT_GIVEN,
        verbosity: str | None | NotGiven = NOT_GIVEN,
        web_search_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChatCompletion | Stream[ChatCompletionChunk]:
        """Create a chat completion.

        Every optional parameter defaults to ``NOT_GIVEN`` and is sent only when set (``None``
        also means "not set"). Ranges and enumerations from OpenAI's API are checked before
        sending; rules tied to one model apply only to models this package knows.

        Parameters
        ----------
        model : str
            A chat model id, e.g. ``"gpt-4o-mini"``. Unknown ids are passed through.
        messages : list of dict
            The conversation: ``{"role": "system" | "developer" | "user" | "assistant" | "tool" |
            "function", "content": ...}``; tool messages need ``tool_call_id``. A message taken
            from a previous response (``resp.choices[0].message``) may be passed back as is.
        stream : bool, default False
            When True, return a :class:`~lcoai_notebook._sse.Stream` of
            :class:`~lcoai_notebook._models.ChatCompletionChunk` (iterable and closeable; use it
            in a ``with`` block to close it early).
        audio : dict, optional
            Audio output settings (``{"voice": ..., "format": ...}``) with
            ``modalities=["text", "audio"]``.
        frequency_penalty : float, optional
            -2 to 2; positive values discourage repeating the same tokens.
        function_call : str or dict, optional
            Deprecated in favour of ``tool_choice``.
        functions : list of dict, optional
            Deprecated in favour of ``tools``.
        logit_bias : dict of str to int, optional
            Token id to a bias from -100 to 100.
        logprobs : bool, optional
            Return the log probabilities of the output tokens.
        max_completion_tokens : int, optional
            At most this many generated tokens, reasoning tokens included (>= 1).
        max_tokens : int, optional
            Deprecated by OpenAI in favour of ``max_completion_tokens``; refused for reasoning
            models (>= 1).
        metadata : dict of str to str, optional
            Up to 16 pairs stored with the completion (with ``store=True``).
        modalities : list of {"text", "audio"}, optional
            The output types wanted.
        moderation : dict, optional
            Moderation settings for the request's input and output.
        n : int, optional
            How many choices to generate (1 to 128).
        parallel_tool_calls : bool, optional
            Allow several tool calls in one reply.
        prediction : dict, optional
            Predicted output (``{"type": "content", "content": ...}``) to speed up a reply.
        presence_penalty : float, optional
            -2 to 2; positive values encourage new topics.
        prompt_cache_key : str, optional
            A key grouping requests with a shared prefix, for the prompt cache.
        prompt_cache_options : dict, optional
            Prompt cache settings (``{"ttl": ...}``).
        prompt_cache_retention : {"in_memory", "24h"}, optional
            Deprecated in favour of ``prompt_cache_options``.
        reasoning_effort : {"none", "minimal", "low", "medium", "high", "xhigh", "max"}, optional
            How hard a reasoning model thinks.
        response_format : dict, optional
            ``{"type": "json_object"}`` (JSON mode; mention JSON in the messages) or
            ``{"type": "json_schema", "json_schema": {...}}``.
        safety_identifier : str, optional
            A stable, hashed id of your end user, for abuse detection.
        seed : int, optional
            Best-effort deterministic sampling.
        service_tier : {"auto", "default", "flex", "scale", "priority"}, optional
            The processing tier.
        stop : str or list of str, optional
            Up to 4 sequences where generation stops.
        store : bool, optional
            True keeps the completion for :meth:`retrieve` / :meth:`list` (reading it back needs
            the OpenAI flavor).
        stream_options : dict, optional
            With ``stream=True`` only, e.g. ``{"include_usage": True}``.
        temperature : float, optional
            0 to 2; higher is more random. Reasoning models accept only 1.
        tool_choice : {"none", "auto", "required"} or dict, optional
            Which tool to call; needs ``tools``.
        tools : list of dict, optional
            Function (or custom) tools the model may call.
        top_logprobs : int, optional
            0 to 20 most likely tokens per position; needs ``logprobs=True``.
        top_p : float, optional
            0 to 1; nucleus sampling.
        user : str, optional
            An end-user id (superseded by ``safety_identifier`` and ``prompt_cache_key``).
        verbosity : {"low", "medium", "high"}, optional
            How long the reply should be.
        web_search_options : dict, optional
            Web search settings for the search models.
        extra_headers : dict, optional
            Extra HTTP headers for this call.
        extra_query : dict, optional
            Extra query parameters for this call.
        extra_body : dict, optional
            Extra body fields, merged as given without validation: the escape hatch for fields
            this package does not know yet.
        timeout : float or Timeout, optional
            This call's timeout (default: the client's).
        max_retries : int, optional
            This call's retry budget (default: the client's).

        Returns
        -------
        ChatCompletion or Stream of ChatCompletionChunk
            Under ``AsyncClient``, an awaitable of the same (an ``AsyncStream`` when streaming);
            the annotations describe the sync client.

        Raises
        ------
        ValueError, TypeError
            Before sending, for a parameter out of range or of the wrong type, or an unknown
            keyword (with the closest accepted name).

        Examples
        --------
        >>> resp = client.chat.completions.create(  # doctest: +SKIP
        ...     model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
        >>> resp.choices[0].message.content  # doctest: +SKIP
        """
        body_params = given(
            audio=audio, frequency_penalty=frequency_penalty, function_call=function_call,
            functions=functions, logit_bias=logit_bias, logprobs=logprobs,
            max_completion_tokens=max_completion_tokens, max_tokens=max_tokens,
            metadata=metadata, modalities=modalities, moderation=moderation, n=n,
            parallel_tool_calls=parallel_tool_calls, prediction=prediction,
            presence_penalty=presence_penalty, prompt_cache_key=prompt_cache_key,
            prompt_cache_options=prompt_cache_options,
            prompt_cache_retention=prompt_cache_retention, reasoning_effort=reasoning_effort,
            response_format=response_format, safety_identifier=safety_identifier, seed=seed,
            service_tier=service_tier, stop=stop, store=store, stream_options=stream_options,
            temperature=temperature, tool_choice=tool_choice, tools=tools,
            top_logprobs=top_logprobs, top_p=top_p, user=user, verbosity=verbosity,
            web_search_options=web_search_options,
        )
        options = call_options(per_call(extra_headers, extra_query, None, timeout, max_retries))
        msgs = validate_chat(model, messages, stream, body_params)
        if not isinstance(body_params.get("store", False), bool):
            raise TypeError(f"store must be True or False (got {body_params['store']!r:.40})")
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

    def retrieve(
        self, completion_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChatCompletion:
        """A completion created with ``store=True``, as it was returned (plus its
        ``metadata``). OpenAI flavor only.

        Parameters
        ----------
        completion_id : str
            The completion's id (``chatcmpl-...``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        ChatCompletion
        """
        params = _completion_id(self._requester, completion_id, "chat.completions.retrieve")
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("GET", _PATH, options, path_params=params,
                                       cast=ChatCompletion))

    def list(
        self, *, after: str | NotGiven = NOT_GIVEN, limit: int | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | NotGiven = NOT_GIVEN, order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[ChatCompletion]:
        """List stored completions (those created with ``store=True``). OpenAI flavor only.

        Parameters
        ----------
        after : str, optional
            A completion id: list the completions after it.
        limit : int, optional
            Page size, 1 to 100 (default 20).
        metadata : dict of str to str, optional
            Only completions whose metadata holds every one of these pairs.
        model : str, optional
            Only completions made with this model.
        order : {"asc", "desc"}, optional
            By creation time; default ``"asc"`` (oldest first).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of ChatCompletion
            Iterating it walks every page. Under ``AsyncClient`` an ``AsyncPager``.

        Examples
        --------
        >>> for done in client.chat.completions.list(metadata={"lesson": "1"}):  # doctest: +SKIP
        ...     print(done.id, done.text)
        """
        require_openai_flavor(self._requester, "chat.completions.list")
        fields = given(after=after, limit=limit, metadata=metadata, model=model, order=order)
        model_id = fields.get("model")
        if model_id is not None and (not isinstance(model_id, str) or not model_id):
            raise TypeError(f"model must be a non-empty model id string (got {model_id!r:.40})")
        wanted = _check_metadata(fields.get("metadata")) or {}
        _check_page_args(fields.get("after"), fields.get("limit"), fields.get("order"))
        # The API reads the filter as one query parameter per pair: metadata[key]=value.
        query = {"model": model_id, **{f"metadata[{k}]": v for k, v in wanted.items()},
                 "after": fields.get("after"), "limit": fields.get("limit"),
                 "order": fields.get("order")}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, make_spec("GET", "/chat/completions", options,
                                                   query=query), ChatCompletion)

    def update(
        self, completion_id: str, *, metadata: Mapping[str, str] | None,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChatCompletion:
        """Replace a stored completion's metadata (the only field that can change). OpenAI
        flavor only.

        Parameters
        ----------
        completion_id : str
            The completion's id.
        metadata : dict of str to str or None
            The new metadata, replacing the old (None or ``{}`` clears it): at most 16 pairs,
            keys up to 64 characters, values up to 512.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        ChatCompletion
        """
        params = _completion_id(self._requester, completion_id, "chat.completions.update")
        body = {"metadata": _check_metadata(metadata)}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", _PATH, options, path_params=params, json=body,
                                       cast=ChatCompletion))

    def delete(
        self, completion_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChatCompletionDeleted:
        """Delete a stored completion. OpenAI flavor only.

        Parameters
        ----------
        completion_id : str
            The completion's id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a DELETE has no body).

        Returns
        -------
        ChatCompletionDeleted
            ``{"object": "chat.completion.deleted", "id", "deleted": true}``.
        """
        params = _completion_id(self._requester, completion_id, "chat.completions.delete")
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("DELETE", _PATH, options, path_params=params,
                                       cast=ChatCompletionDeleted))


class Chat(Resource):
    """``client.chat``: holds :attr:`completions`."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.completions = ChatCompletions(requester)
