"""``client.responses``: OpenAI's Responses API (OpenAI flavor only).

LowCodeAPI's OpenAI provider defines no ``/v1/responses`` route
(``reference/lowcodeapi-openai-endpoints.json``), so under ``flavor="lowcodeapi"`` every method
here raises before anything is sent; use ``Client(flavor="openai")`` (OpenAI itself, an
OpenAI-compatible server, or ``Emulator(flavor="openai")`` offline).

Streams: ``create(stream=True)`` returns a :class:`ResponseStream` of typed
:class:`~lcoai_notebook._models.ResponseStreamEvent` objects (``event.type`` is
``response.created``, ``response.output_text.delta`` with ``.delta``, ...,
``response.completed`` with ``.response``). A Responses stream ends with its terminal event
(``response.completed``, ``response.incomplete`` or ``response.failed``), not with ``[DONE]``:
the stream stops there, and a connection that closes before it raises
:class:`~lcoai_notebook._exceptions.StreamInterruptedError`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

from .._exceptions import APIError
from .._http import RequestSpec
from .._models import Response, ResponseDeleted, ResponseItem, ResponseStreamEvent, Result
from .._pagination import SyncPage, paginate
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate import check_choice, check_int, check_number
from .._wire import clean_text, redact_obj
from ._flavor import require_openai_flavor
from ._resource import Resource, per_call
from ._spec import make_spec, require_id

__all__ = ["AsyncResponseStream", "InputItems", "ResponseStream", "Responses"]

_PATH = "/responses/{response_id}"
_ROLES = ("user", "assistant", "system", "developer")
_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_SUMMARIES = ("auto", "concise", "detailed")
_FORMATS = ("text", "json_object", "json_schema")
_TOOL_CHOICES = ("none", "auto", "required")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The events that end a Responses stream (it sends no ``[DONE]``).
TERMINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


# -- validation (before sending) ---------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A dict from a Result (an output item fed back as input), else ``value``."""
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, Mapping) and not isinstance(value, dict):
        return dict(value)
    return value


def _check_dict(name: str, value: Any) -> dict[str, Any] | None:
    value = _plain(value)
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict (got {type(value).__name__})")
    return value


def _check_bool(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False (got {type(value).__name__} {value!r})")


def _check_input(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) or not isinstance(value, (list, tuple)):
        raise TypeError("input must be a string or a list of input items such as "
                        "{'role': 'user', 'content': '...'} or {'type': 'function_call_output', "
                        "'call_id': ..., 'output': '...'} "
                        f"(got {type(value).__name__})")
    items = []
    for i, item in enumerate(value):
        item = _plain(item)
        if not isinstance(item, dict):
            raise TypeError(f"input[{i}] must be a dict (got {type(item).__name__})")
        kind = item.get("type")
        if kind is None and "role" not in item:
            raise ValueError(f"input[{i}] needs a 'role' (a message) or a 'type'")
        if "role" in item and kind in (None, "message"):
            check_choice(f"input[{i}]['role']", item["role"], _ROLES)
            if not isinstance(item.get("content"), (str, list)):
                raise TypeError(f"input[{i}]['content'] must be a string or a list of content "
                                f"parts (got {type(item.get('content')).__name__})")
        elif kind == "function_call_output":
            if not isinstance(item.get("call_id"), str) or not item["call_id"]:
                raise ValueError(f"input[{i}]['call_id'] must be the call_id of the "
                                 "function_call being answered")
            if not isinstance(item.get("output"), (str, list)):
                raise TypeError(f"input[{i}]['output'] must be a string (e.g. json.dumps(result))"
                                f" or a list of content parts (got "
                                f"{type(item.get('output')).__name__})")
        elif kind == "function_call":
            for key in ("call_id", "name", "arguments"):
                if not isinstance(item.get(key), str):
                    raise TypeError(f"input[{i}]['{key}'] must be a string")
        items.append(item)
    return items


def _check_tools(tools: Any, tool_choice: Any) -> Any:
    if tools is not None:
        if isinstance(tools, (str, Mapping)) or not isinstance(tools, (list, tuple)):
            raise TypeError(f"tools must be a list of tool dicts (got {type(tools).__name__})")
        tools = [_plain(t) for t in tools]
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
                raise TypeError(f"tools[{i}] must be a dict with a 'type' (got {tool!r:.80})")
            if tool["type"] != "function":
                continue  # hosted tools (web_search, file_search, ...) go as given
            if "function" in tool and "name" not in tool:
                raise ValueError(f"tools[{i}] is a chat-completions tool; the Responses API "
                                 "takes function tools flat: {'type': 'function', 'name': ..., "
                                 "'description': ..., 'parameters': {...}}")
            if not isinstance(tool.get("name"), str) or not _NAME.fullmatch(tool["name"]):
                raise ValueError(f"tools[{i}]['name'] must be 1-64 letters, digits, '_' or '-' "
                                 f"(got {tool.get('name')!r})")
            _check_dict(f"tools[{i}]['parameters']", tool.get("parameters"))
    if isinstance(tool_choice, str):
        check_choice("tool_choice", tool_choice, _TOOL_CHOICES)
    elif tool_choice is not None:
        tool_choice = _check_dict("tool_choice", tool_choice)
        if not isinstance(tool_choice.get("type"), str):  # type: ignore[union-attr]
            raise ValueError("tool_choice must be 'none', 'auto', 'required' or a dict such as "
                             "{'type': 'function', 'name': ...}")
    return tools, tool_choice


def _check_text(text: Any) -> Any:
    text = _check_dict("text", text)
    if text is None:
        return None
    fmt = _check_dict("text['format']", text.get("format"))
    if fmt is not None:
        check_choice("text['format']['type']", fmt.get("type"), _FORMATS)
        if fmt.get("type") is None:
            raise ValueError(f"text['format']['type'] must be one of: {', '.join(_FORMATS)}")
        if fmt["type"] == "json_schema":
            if not isinstance(fmt.get("name"), str) or not _NAME.fullmatch(fmt["name"]):
                raise ValueError("text['format']['name'] must be 1-64 letters, digits, '_' or "
                                 f"'-' (got {fmt.get('name')!r})")
            if not isinstance(_plain(fmt.get("schema")), dict):
                raise TypeError("text['format']['schema'] must be a JSON schema dict")
        text = {**text, "format": fmt}
    check_choice("text['verbosity']", text.get("verbosity"), ("low", "medium", "high"))
    return text


def _check_reasoning(reasoning: Any) -> Any:
    reasoning = _check_dict("reasoning", reasoning)
    if reasoning is not None:
        check_choice("reasoning['effort']", reasoning.get("effort"), _EFFORTS)
        check_choice("reasoning['summary']", reasoning.get("summary"), _SUMMARIES)
    return reasoning


def _check_metadata(metadata: Any) -> Any:
    metadata = _check_dict("metadata", metadata)
    if metadata is not None:
        if len(metadata) > 16:
            raise ValueError(f"metadata holds at most 16 pairs (got {len(metadata)})")
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str) or len(k) > 64 or len(v) > 512:
                raise ValueError("metadata keys must be strings of up to 64 characters and "
                                 f"values strings of up to 512 (got {k!r}: {v!r:.40})")
    return metadata


def _check_include(include: Any) -> list[str]:
    if isinstance(include, str) or not isinstance(include, (list, tuple)) or not all(
            isinstance(v, str) for v in include):
        raise TypeError(f"include must be a list of strings (got {include!r:.80})")
    return list(include)


def _create_body(model: Any, input: Any, stream: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of ``responses.create``; ``fields`` holds the optional parameters given."""
    if not isinstance(model, str) or not model.strip():
        raise TypeError(f"model must be a non-empty model id string (got {model!r:.40})")
    if input is None and fields.get("previous_response_id") is None:
        raise TypeError("input is required: a string, or a list of input items")
    _check_bool("stream", stream)
    body: dict[str, Any] = {"model": model}
    if input is not None:
        body["input"] = _check_input(input)
    if fields.get("instructions") is not None and not isinstance(fields["instructions"], str):
        raise TypeError("instructions must be a string (got "
                        f"{type(fields['instructions']).__name__})")
    if fields.get("previous_response_id") is not None:
        require_id(fields["previous_response_id"], "previous_response_id")
    check_number("temperature", fields.get("temperature"), 0, 2)
    check_number("top_p", fields.get("top_p"), 0, 1)
    check_int("max_output_tokens", fields.get("max_output_tokens"), 16)
    check_int("top_logprobs", fields.get("top_logprobs"), 0, 20)
    check_int("max_tool_calls", fields.get("max_tool_calls"), 1)
    for name in ("store", "background", "parallel_tool_calls"):
        _check_bool(name, fields.get(name))
    check_choice("truncation", fields.get("truncation"), ("auto", "disabled"))
    fields = dict(fields)
    if fields.get("include") is not None:
        fields["include"] = _check_include(fields["include"])
    fields["tools"], fields["tool_choice"] = _check_tools(fields.get("tools"),
                                                          fields.get("tool_choice"))
    fields["text"] = _check_text(fields.get("text"))
    fields["reasoning"] = _check_reasoning(fields.get("reasoning"))
    fields["metadata"] = _check_metadata(fields.get("metadata"))
    body.update({k: v for k, v in fields.items() if v is not None})
    if stream:
        body["stream"] = True
    return body


# -- streams -----------------------------------------------------------------------------------
def _event(obj: Any) -> ResponseStreamEvent:
    """A stream event from its JSON; a named SSE event arrives as ``{"event", "data"}``."""
    if type(obj) is dict and "data" in obj and "event" in obj and "type" not in obj:
        obj = obj["data"]
    return ResponseStreamEvent(obj if type(obj) is dict else {"type": None, "data": obj})


class _ResponseStreamBase:
    def __init__(self, inner: Any) -> None:
        self._inner = inner  # the SSE Stream / AsyncStream (it holds the HTTP response)
        self._iterator: Any = None
        self._text: list[str] = []
        #: The final :class:`Response` once the terminal event has arrived, else None.
        self.response: Response | None = None

    def _seen(self, event: ResponseStreamEvent) -> bool:
        """Note ``event``; True when it ends the stream."""
        kind = event.type
        if kind == "response.output_text.delta" and isinstance(event.delta, str):
            self._text.append(event.delta)
        elif kind in TERMINAL_EVENTS:
            self.response = event.response
            self._inner.done = True
            return True
        elif kind == "error":
            # A data-only error event (a named ``event: error`` is raised by the SSE layer).
            self._inner.done = True
            body = redact_obj(event.to_dict())
            code = body.get("code")
            raise APIError(clean_text(str(body.get("message") or "An error occurred during "
                                          "streaming")), body=body,
                           code=None if code is None else clean_text(str(code)),
                           param=body.get("param"))
        return False

    @property
    def text(self) -> str:
        """The ``output_text`` deltas received so far, joined."""
        return "".join(self._text)

    @property
    def closed(self) -> bool:
        return bool(self._inner.closed)

    def __repr__(self) -> str:
        state = ("done" if self.response is not None else
                 "closed" if self._inner.closed else "open")
        return f"<{type(self).__name__} {state}>"


class ResponseStream(_ResponseStreamBase):
    """The events of a streamed response (``for event in stream``); closeable, a context
    manager. Ends after ``response.completed`` / ``response.incomplete`` / ``response.failed``.

    Attributes
    ----------
    response : Response or None
        The final response, once the stream has ended.
    text : str
        The output text received so far.
    """

    def __iter__(self) -> Iterator[ResponseStreamEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def __next__(self) -> ResponseStreamEvent:
        return next(iter(self))

    def _events(self) -> Iterator[ResponseStreamEvent]:
        try:
            for event in self._inner:
                yield event
                if self._seen(event):
                    break
        finally:
            self._inner.close()

    def close(self) -> None:
        """Close the connection (safe to call more than once)."""
        self._inner.close()

    def until_done(self) -> ResponseStream:
        """Consume the rest of the stream; return it."""
        for _ in self:
            pass
        return self

    def get_final_response(self) -> Response | None:
        """Consume the rest of the stream and return the final :class:`Response`."""
        return self.until_done().response

    def __enter__(self) -> ResponseStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncResponseStream(_ResponseStreamBase):
    """The async twin of :class:`ResponseStream` (``async for event in stream``)."""

    def __aiter__(self) -> AsyncIterator[ResponseStreamEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    async def __anext__(self) -> ResponseStreamEvent:
        return await self.__aiter__().__anext__()

    async def _events(self) -> AsyncIterator[ResponseStreamEvent]:
        try:
            async for event in self._inner:
                yield event
                if self._seen(event):
                    break
        finally:
            await self._inner.aclose()

    async def aclose(self) -> None:
        """Close the connection (safe to call more than once)."""
        await self._inner.aclose()

    close = aclose

    async def until_done(self) -> AsyncResponseStream:
        """Consume the rest of the stream; return it."""
        async for _ in self:
            pass
        return self

    async def get_final_response(self) -> Response | None:
        """Consume the rest of the stream and return the final :class:`Response`."""
        return (await self.until_done()).response

    async def __aenter__(self) -> AsyncResponseStream:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


# -- resources ---------------------------------------------------------------------------------
class InputItems(Resource):
    """``responses.input_items``: the items a response was given as input."""

    def list(
        self, response_id: str, *, after: str | NotGiven = NOT_GIVEN,
        include: Sequence[str] | NotGiven = NOT_GIVEN, limit: int | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[ResponseItem]:
        """List the input items of a stored response; iterating walks every page.

        Parameters
        ----------
        response_id : str
            The response.
        after : str, optional
            An item id: list the items after it.
        include : list of str, optional
            Extra fields to include (as in ``create``).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            Default ``"desc"`` (newest first).
        extra_headers : dict, optional
            Extra HTTP headers for this call.
        extra_query : dict, optional
            Extra query parameters for this call.
        extra_body : dict, optional
            Refused: a GET has no body.
        timeout : float or Timeout, optional
            This call's timeout (default: the client's).
        max_retries : int, optional
            This call's retry budget (default: the client's).

        Returns
        -------
        SyncPage of ResponseItem
            Under ``AsyncClient`` an ``AsyncPager``.
        """
        require_openai_flavor(self._requester, "responses.input_items.list")
        params = {"response_id": require_id(response_id, "response_id")}
        query = given(after=after, include=include, limit=limit, order=order)
        check_int("limit", query.get("limit"), 1, 100)
        check_choice("order", query.get("order"), ("asc", "desc"))
        if "include" in query:
            query["include"] = _check_include(query["include"])
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, make_spec("GET", _PATH + "/input_items", options,
                                                   path_params=params, query=query),
                        ResponseItem)


class Responses(Resource):
    """``client.responses``: create, retrieve, delete, cancel; ``.input_items.list``
    (OpenAI flavor only)."""

    # Chat-completions names people carry over, refused with the Responses way of saying it.
    _keyword_hints = {
        "response_format": "a chat-completions parameter; the Responses API takes "
                           "text={'format': {'type': 'json_schema', 'name': ..., 'schema': "
                           "{...}}} (or {'type': 'json_object'})",
        "messages": "a chat-completions parameter; the Responses API takes input= (a string or "
                    "a list of {'role', 'content'} items)",
    }

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.input_items = InputItems(requester)

    @overload
    def create(
        self, *, model: str, input: str | Sequence[Any] | NotGiven = NOT_GIVEN,
        stream: Literal[False] = False,
        background: bool | None | NotGiven = NOT_GIVEN,
        context_management: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        conversation: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_output_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tool_calls: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        previous_response_id: str | None | NotGiven = NOT_GIVEN,
        prompt: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: Literal["in_memory", "24h"] | None | NotGiven = NOT_GIVEN,
        reasoning: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        text: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation: Literal["auto", "disabled"] | None | NotGiven = NOT_GIVEN,
        user: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response: ...

    @overload
    def create(
        self, *, model: str, input: str | Sequence[Any] | NotGiven = NOT_GIVEN,
        stream: Literal[True],
        background: bool | None | NotGiven = NOT_GIVEN,
        context_management: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        conversation: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_output_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tool_calls: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        previous_response_id: str | None | NotGiven = NOT_GIVEN,
        prompt: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: Literal["in_memory", "24h"] | None | NotGiven = NOT_GIVEN,
        reasoning: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        text: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation: Literal["auto", "disabled"] | None | NotGiven = NOT_GIVEN,
        user: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ResponseStream: ...

    @overload
    def create(
        self, *, model: str, input: str | Sequence[Any] | NotGiven = NOT_GIVEN,
        stream: bool,
        background: bool | None | NotGiven = NOT_GIVEN,
        context_management: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        conversation: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_output_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tool_calls: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        previous_response_id: str | None | NotGiven = NOT_GIVEN,
        prompt: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: Literal["in_memory", "24h"] | None | NotGiven = NOT_GIVEN,
        reasoning: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        text: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation: Literal["auto", "disabled"] | None | NotGiven = NOT_GIVEN,
        user: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response | ResponseStream: ...

    def create(
        self, *, model: str, input: str | Sequence[Any] | NotGiven = NOT_GIVEN,
        stream: bool = False,
        background: bool | None | NotGiven = NOT_GIVEN,
        context_management: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        conversation: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_output_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tool_calls: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        previous_response_id: str | None | NotGiven = NOT_GIVEN,
        prompt: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: Literal["in_memory", "24h"] | None | NotGiven = NOT_GIVEN,
        reasoning: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        text: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation: Literal["auto", "disabled"] | None | NotGiven = NOT_GIVEN,
        user: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response | ResponseStream:
        """Create a model response.

        Every optional parameter defaults to ``NOT_GIVEN`` and is sent only when set (``None``
        also means "not set"). Ranges and enumerations are checked before sending.

        Parameters
        ----------
        model : str
            e.g. ``"gpt-5-mini"``, ``"gpt-4.1-mini"``. Unknown ids are passed through.
        input : str or list of dict
            The prompt, or input items: messages ``{"role": "user" | "assistant" | "system" |
            "developer", "content": ...}``, output items of an earlier response (``resp.output``
            items may be passed back as they are), and ``{"type": "function_call_output",
            "call_id": ..., "output": "..."}`` answering a function call. Required unless
            ``previous_response_id`` is given.
        stream : bool, default False
            True returns a :class:`ResponseStream` of typed events.
        background : bool, optional
            Run in the background (poll with ``retrieve``; ``cancel`` stops it).
        context_management : list of dict, optional
            Context management settings (e.g. compaction) for this request.
        conversation : str or dict, optional
            A conversation id (or ``{"id": ...}``) whose items are prepended to ``input``.
        include : list of str, optional
            Extra output data, e.g. ``"message.output_text.logprobs"``,
            ``"reasoning.encrypted_content"``, ``"web_search_call.action.sources"``.
        instructions : str, optional
            A system (developer) message; not carried over by ``previous_response_id``.
        max_output_tokens : int, optional
            At least 16; counts reasoning tokens too.
        max_tool_calls : int, optional
            At most this many built-in tool calls in the response (>= 1).
        metadata : dict of str to str, optional
            Up to 16 pairs.
        moderation : dict, optional
            Moderation settings for the input and output of this response.
        parallel_tool_calls : bool, optional
            Allow several tool calls at once.
        previous_response_id : str, optional
            Continue the conversation of a stored response.
        prompt : dict, optional
            A stored prompt template: ``{"id", "version", "variables"}``.
        prompt_cache_key : str, optional
            A key grouping requests with a shared prefix, for the prompt cache.
        prompt_cache_options : dict, optional
            Prompt cache settings (``{"ttl": ...}``).
        prompt_cache_retention : {"in_memory", "24h"}, optional
            Deprecated in favour of ``prompt_cache_options``.
        reasoning : dict, optional
            Reasoning models: ``{"effort": "none" | "minimal" | "low" | "medium" | "high" |
            "xhigh" | "max", "summary": "auto" | "concise" | "detailed"}``.
        safety_identifier : str, optional
            A stable, hashed id of your end user, for abuse detection.
        service_tier : {"auto", "default", "flex", "scale", "priority"}, optional
            The processing tier.
        store : bool, optional
            Default True: keep the response for ``retrieve`` and ``previous_response_id``.
        stream_options : dict, optional
            With ``stream=True`` only, e.g. ``{"include_obfuscation": False}``.
        temperature : float, optional
            0 to 2.
        text : dict, optional
            ``{"format": {"type": "json_schema", "name", "schema", "strict"}}`` for structured
            output (or ``{"type": "json_object"}``); ``"verbosity"``: low / medium / high.
        tool_choice : {"none", "auto", "required"} or dict, optional
            ``{"type": "function", "name": ...}`` forces one function.
        tools : list of dict, optional
            Function tools ``{"type": "function", "name", "description", "parameters"}``
            (flat, unlike chat's), or hosted tools (``{"type": "web_search"}`` ...).
        top_logprobs : int, optional
            0 to 20 most likely tokens per position (with ``include=
            ["message.output_text.logprobs"]``).
        top_p : float, optional
            0 to 1.
        truncation : {"auto", "disabled"}, optional
            What to do when the input exceeds the context window (deprecated by OpenAI).
        user : str, optional
            An end-user id (superseded by ``safety_identifier`` and ``prompt_cache_key``).
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
        Response or ResponseStream
            Under ``AsyncClient``, an awaitable of a Response or an
            :class:`AsyncResponseStream`; the annotations describe the sync client.

        Raises
        ------
        ValueError
            Under ``flavor="lowcodeapi"`` (LowCodeAPI does not route the Responses API), and
            before sending for an argument out of range.
        TypeError
            Before sending, for an argument of the wrong type or an unknown keyword (with the
            closest accepted name).

        Examples
        --------
        >>> resp = client.responses.create(model="gpt-5-mini", input="Hi")  # doctest: +SKIP
        >>> resp.output_text  # doctest: +SKIP
        """
        fields = given(background=background, context_management=context_management,
            conversation=conversation, include=include, instructions=instructions,
            max_output_tokens=max_output_tokens, max_tool_calls=max_tool_calls, metadata=metadata,
            moderation=moderation, parallel_tool_calls=parallel_tool_calls,
            previous_response_id=previous_response_id, prompt=prompt,
            prompt_cache_key=prompt_cache_key, prompt_cache_options=prompt_cache_options,
            prompt_cache_retention=prompt_cache_retention, reasoning=reasoning,
            safety_identifier=safety_identifier, service_tier=service_tier, store=store,
            stream_options=stream_options, temperature=temperature, text=text,
            tool_choice=tool_choice, tools=tools, top_logprobs=top_logprobs, top_p=top_p,
            truncation=truncation, user=user)
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._create(model, input, stream, fields, options)

    def stream(
        self, *, model: str, input: str | Sequence[Any] | NotGiven = NOT_GIVEN,
        background: bool | None | NotGiven = NOT_GIVEN,
        context_management: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        conversation: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_output_tokens: int | None | NotGiven = NOT_GIVEN,
        max_tool_calls: int | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        moderation: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | None | NotGiven = NOT_GIVEN,
        previous_response_id: str | None | NotGiven = NOT_GIVEN,
        prompt: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_key: str | NotGiven = NOT_GIVEN,
        prompt_cache_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        prompt_cache_retention: Literal["in_memory", "24h"] | None | NotGiven = NOT_GIVEN,
        reasoning: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        safety_identifier: str | NotGiven = NOT_GIVEN,
        service_tier: str | None | NotGiven = NOT_GIVEN,
        store: bool | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        text: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        tools: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        top_logprobs: int | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation: Literal["auto", "disabled"] | None | NotGiven = NOT_GIVEN,
        user: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ResponseStream:
        """``create(..., stream=True)``: a :class:`ResponseStream` to use in a ``with`` block.

        Takes the parameters of :meth:`create` (all but ``stream``); see there.

        Returns
        -------
        ResponseStream
            Under ``AsyncClient``, an awaitable of an :class:`AsyncResponseStream`.

        Examples
        --------
        >>> with client.responses.stream(model="gpt-5-mini", input="Hi") as s:  # doctest: +SKIP
        ...     for event in s:
        ...         if event.type == "response.output_text.delta":
        ...             print(event.delta, end="")
        """
        fields = given(background=background, context_management=context_management,
            conversation=conversation, include=include, instructions=instructions,
            max_output_tokens=max_output_tokens, max_tool_calls=max_tool_calls, metadata=metadata,
            moderation=moderation, parallel_tool_calls=parallel_tool_calls,
            previous_response_id=previous_response_id, prompt=prompt,
            prompt_cache_key=prompt_cache_key, prompt_cache_options=prompt_cache_options,
            prompt_cache_retention=prompt_cache_retention, reasoning=reasoning,
            safety_identifier=safety_identifier, service_tier=service_tier, store=store,
            stream_options=stream_options, temperature=temperature, text=text,
            tool_choice=tool_choice, tools=tools, top_logprobs=top_logprobs, top_p=top_p,
            truncation=truncation, user=user)
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._create(model, input, True, fields, options)

    def _create(self, model: Any, input: Any, stream: Any, fields: dict[str, Any],
                options: dict[str, Any]) -> Any:
        require_openai_flavor(self._requester, "responses.create")
        body = _create_body(model, None if input is NOT_GIVEN else input, stream, fields)
        spec = make_spec("POST", "/responses", options, json=body, stream=bool(stream),
                         cast=_event if stream else Response)
        return self._send(spec)

    def _send(self, spec: RequestSpec) -> Any:
        """The result of ``spec``; a stream's events come wrapped in a (Async)ResponseStream."""
        if not spec.stream:
            return self._request(spec)
        if getattr(self._requester, "is_async", False):
            return self._astream(spec)
        return ResponseStream(self._request(spec))

    async def _astream(self, spec: RequestSpec) -> AsyncResponseStream:
        return AsyncResponseStream(await self._request(spec))

    @overload
    def retrieve(
        self, response_id: str, *, stream: Literal[False] = False,
        include: Sequence[str] | NotGiven = NOT_GIVEN,
        include_obfuscation: bool | NotGiven = NOT_GIVEN,
        starting_after: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response: ...

    @overload
    def retrieve(
        self, response_id: str, *, stream: Literal[True],
        include: Sequence[str] | NotGiven = NOT_GIVEN,
        include_obfuscation: bool | NotGiven = NOT_GIVEN,
        starting_after: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ResponseStream: ...

    @overload
    def retrieve(
        self, response_id: str, *, stream: bool,
        include: Sequence[str] | NotGiven = NOT_GIVEN,
        include_obfuscation: bool | NotGiven = NOT_GIVEN,
        starting_after: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response | ResponseStream: ...

    def retrieve(
        self, response_id: str, *, stream: bool = False,
        include: Sequence[str] | NotGiven = NOT_GIVEN,
        include_obfuscation: bool | NotGiven = NOT_GIVEN,
        starting_after: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response | ResponseStream:
        """The stored :class:`Response` (a background one shows its current ``status``).

        Parameters
        ----------
        response_id : str
            The response (``resp_...``).
        stream : bool, default False
            True replays the response's events as a :class:`ResponseStream` (for a background
            response: the events so far, then the rest as they come).
        include : list of str, optional
            Extra output data to include (as in :meth:`create`).
        include_obfuscation : bool, optional
            With ``stream=True``: False leaves out the random ``obfuscation`` padding of delta
            events.
        starting_after : int, optional
            With ``stream=True``: replay only the events after this ``sequence_number``.
        extra_headers : dict, optional
            Extra HTTP headers for this call.
        extra_query : dict, optional
            Extra query parameters for this call.
        extra_body : dict, optional
            Refused: a GET has no body.
        timeout : float or Timeout, optional
            This call's timeout (default: the client's).
        max_retries : int, optional
            This call's retry budget (default: the client's).

        Returns
        -------
        Response or ResponseStream
            Under ``AsyncClient``, an awaitable of the same (an :class:`AsyncResponseStream`).
        """
        require_openai_flavor(self._requester, "responses.retrieve")
        params = {"response_id": require_id(response_id, "response_id")}
        _check_bool("stream", stream)
        query = given(include=include, include_obfuscation=include_obfuscation,
                      starting_after=starting_after)
        if query.get("include") is not None:
            query["include"] = _check_include(query["include"])
        _check_bool("include_obfuscation", query.get("include_obfuscation"))
        check_int("starting_after", query.get("starting_after"), 0)
        # The query carries booleans as the API spells them.
        if "include_obfuscation" in query:
            query["include_obfuscation"] = "true" if query["include_obfuscation"] else "false"
        if stream:
            query["stream"] = "true"
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._send(make_spec("GET", _PATH, options, path_params=params, query=query,
                                    stream=bool(stream), cast=_event if stream else Response))

    def delete(
        self, response_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ResponseDeleted:
        """Delete a stored response (its input items go with it).

        Parameters
        ----------
        response_id : str
            The response.
        extra_headers : dict, optional
            Extra HTTP headers for this call.
        extra_query : dict, optional
            Extra query parameters for this call.
        extra_body : dict, optional
            Refused: a DELETE has no body.
        timeout : float or Timeout, optional
            This call's timeout (default: the client's).
        max_retries : int, optional
            This call's retry budget (default: the client's).

        Returns
        -------
        ResponseDeleted
            ``{"id", "object": "response", "deleted": true}``.
        """
        require_openai_flavor(self._requester, "responses.delete")
        params = {"response_id": require_id(response_id, "response_id")}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("DELETE", _PATH, options, path_params=params,
                                       cast=ResponseDeleted))

    def cancel(
        self, response_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response:
        """Cancel a background response still queued or in progress. Only
        ``background=True`` responses can be cancelled.

        Parameters
        ----------
        response_id : str
            The response.
        extra_headers : dict, optional
            Extra HTTP headers for this call.
        extra_query : dict, optional
            Extra query parameters for this call.
        extra_body : dict, optional
            Extra body fields, merged as given.
        timeout : float or Timeout, optional
            This call's timeout (default: the client's).
        max_retries : int, optional
            This call's retry budget (default: the client's).

        Returns
        -------
        Response
            ``status`` ``"cancelled"``.
        """
        require_openai_flavor(self._requester, "responses.cancel")
        params = {"response_id": require_id(response_id, "response_id")}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", _PATH + "/cancel", options, path_params=params,
                                       json={}, cast=Response))
