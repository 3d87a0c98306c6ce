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
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from .._exceptions import APIError
from .._http import RequestSpec
from .._models import Response, ResponseStreamEvent, Result
from .._pagination import paginate
from .._validate import check_choice, check_int, check_number
from .._wire import clean_text, redact_obj
from ._flavor import require_openai_flavor
from ._resource import Resource, call_options
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


def _create_body(model: Any, input: Any, stream: Any, fields: dict[str, Any],
                 params: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(model, str) or not model.strip():
        raise TypeError(f"model must be a non-empty model id string (got {model!r:.40})")
    if input is None and fields.get("previous_response_id") is None:
        raise TypeError("input is required: a string, or a list of input items")
    _check_bool("stream", stream)
    if "response_format" in params:
        raise ValueError("response_format is a chat-completions parameter; the Responses API "
                         "takes text={'format': {'type': 'json_schema', 'name': ..., "
                         "'schema': {...}}} (or {'type': 'json_object'})")
    if "messages" in params:
        raise ValueError("messages is a chat-completions parameter; the Responses API takes "
                         "input= (a string or a list of {'role', 'content'} items)")
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
    check_int("top_logprobs", params.get("top_logprobs"), 0, 20)
    check_int("max_tool_calls", params.get("max_tool_calls"), 1)
    for name in ("store", "background", "parallel_tool_calls"):
        _check_bool(name, fields.get(name))
    check_choice("truncation", params.get("truncation"), ("auto", "disabled"))
    fields["tools"], fields["tool_choice"] = _check_tools(fields.get("tools"),
                                                          fields.get("tool_choice"))
    fields["text"] = _check_text(fields.get("text"))
    fields["reasoning"] = _check_reasoning(fields.get("reasoning"))
    fields["metadata"] = _check_metadata(fields.get("metadata"))
    body.update({k: v for k, v in fields.items() if v is not None})
    body.update({k: v for k, v in params.items() if v is not None})
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

    def list(self, response_id: str, *, after: str | None = None,
             include: list[str] | None = None, limit: int | None = None,
             order: str | None = None, **kwargs: Any) -> Any:
        """List the input items of a stored response; iterating walks every page.

        Parameters
        ----------
        response_id : str
        after : str, optional
            An item id: list the items after it.
        include : list of str, optional
            Extra fields to include (as in ``create``).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            Default ``"desc"`` (newest first).

        Returns
        -------
        SyncPage or AsyncPager
        """
        require_openai_flavor(self._requester, "responses.input_items.list")
        params = {"response_id": require_id(response_id, "response_id")}
        check_int("limit", limit, 1, 100)
        check_choice("order", order, ("asc", "desc"))
        if include is not None and (isinstance(include, str) or not all(
                isinstance(v, str) for v in include)):
            raise TypeError(f"include must be a list of strings (got {include!r:.80})")
        query = {"after": after, "include": include, "limit": limit, "order": order}
        return paginate(self._requester, make_spec("GET", _PATH + "/input_items", kwargs,
                                                   path_params=params, query=query))


class Responses(Resource):
    """``client.responses``: create, retrieve, delete, cancel; ``.input_items.list``
    (OpenAI flavor only)."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.input_items = InputItems(requester)

    def create(self, *, model: str, input: str | list[Any] | None = None,
               instructions: str | None = None, stream: bool = False,
               previous_response_id: str | None = None, tools: list[Any] | None = None,
               tool_choice: str | dict[str, Any] | None = None,
               text: dict[str, Any] | None = None, reasoning: dict[str, Any] | None = None,
               max_output_tokens: int | None = None, temperature: float | None = None,
               top_p: float | None = None, store: bool | None = None,
               background: bool | None = None, parallel_tool_calls: bool | None = None,
               metadata: dict[str, str] | None = None, **params: Any) -> Any:
        """Create a model response.

        Parameters
        ----------
        model : str
            e.g. ``"gpt-5-mini"``, ``"gpt-4.1-mini"``. Unknown ids are passed through.
        input : str or list of dict
            The prompt, or input items: messages ``{"role": "user" | "assistant" | "system" |
            "developer", "content": ...}``, output items of an earlier response (``resp.output``
            items may be passed back as they are), and ``{"type": "function_call_output",
            "call_id": ..., "output": "..."}`` answering a function call.
        instructions : str, optional
            A system (developer) message; not carried over by ``previous_response_id``.
        stream : bool, default False
            True returns a :class:`ResponseStream` of typed events.
        previous_response_id : str, optional
            Continue the conversation of a stored response.
        tools : list of dict, optional
            Function tools ``{"type": "function", "name", "description", "parameters"}``
            (flat, unlike chat's), or hosted tools (``{"type": "web_search"}`` ...).
        tool_choice : {"none", "auto", "required"} or dict, optional
            ``{"type": "function", "name": ...}`` forces one function.
        text : dict, optional
            ``{"format": {"type": "json_schema", "name", "schema", "strict"}}`` for structured
            output (or ``{"type": "json_object"}``); ``"verbosity"``: low / medium / high.
        reasoning : dict, optional
            Reasoning models: ``{"effort": "none" | "minimal" | "low" | "medium" | "high" |
            "xhigh", "summary": "auto" | "concise" | "detailed"}``.
        max_output_tokens : int, optional
            At least 16; counts reasoning tokens too.
        temperature : float, optional
            0 to 2.
        top_p : float, optional
            0 to 1.
        store : bool, optional
            Default True: keep the response for ``retrieve`` and ``previous_response_id``.
        background : bool, optional
            Run in the background (poll with ``retrieve``; ``cancel`` stops it).
        parallel_tool_calls : bool, optional
        metadata : dict of str to str, optional
            Up to 16 pairs.
        **params
            Any other request field (``include``, ``top_logprobs``, ``truncation``, ``user``,
            ``service_tier`` ...) and the per-call options (``timeout``, ``max_retries``,
            ``extra_headers``, ``extra_query``, ``extra_body``).

        Returns
        -------
        Response or ResponseStream
            Under ``AsyncClient``, an awaitable of a Response or an
            :class:`AsyncResponseStream`.

        Raises
        ------
        ValueError
            Under ``flavor="lowcodeapi"`` (LowCodeAPI does not route the Responses API), and
            before sending for an argument out of range.
        TypeError
            Before sending, for an argument of the wrong type.

        Examples
        --------
        >>> resp = client.responses.create(model="gpt-5-mini", input="Hi")  # doctest: +SKIP
        >>> resp.output_text  # doctest: +SKIP
        """
        require_openai_flavor(self._requester, "responses.create")
        options = call_options(params)
        fields = {"instructions": instructions, "previous_response_id": previous_response_id,
                  "tools": tools, "tool_choice": tool_choice, "text": text,
                  "reasoning": reasoning, "max_output_tokens": max_output_tokens,
                  "temperature": temperature, "top_p": top_p, "store": store,
                  "background": background, "parallel_tool_calls": parallel_tool_calls,
                  "metadata": metadata}
        body = _create_body(model, input, stream, fields, params)
        spec = RequestSpec("POST", "/responses", json=body, stream=bool(stream),
                           cast=_event if stream else Response, **options)
        if not stream:
            return self._request(spec)
        if getattr(self._requester, "is_async", False):
            return self._astream(spec)
        return ResponseStream(self._request(spec))

    async def _astream(self, spec: RequestSpec) -> AsyncResponseStream:
        return AsyncResponseStream(await self._request(spec))

    def stream(self, **kwargs: Any) -> Any:
        """``create(..., stream=True)``: a :class:`ResponseStream` to use in a ``with`` block.

        Examples
        --------
        >>> with client.responses.stream(model="gpt-5-mini", input="Hi") as s:  # doctest: +SKIP
        ...     for event in s:
        ...         if event.type == "response.output_text.delta":
        ...             print(event.delta, end="")
        """
        kwargs.pop("stream", None)
        return self.create(stream=True, **kwargs)

    def retrieve(self, response_id: str, *, include: list[str] | None = None,
                 **kwargs: Any) -> Any:
        """The stored :class:`Response` (a background one shows its current ``status``)."""
        require_openai_flavor(self._requester, "responses.retrieve")
        params = {"response_id": require_id(response_id, "response_id")}
        return self._request(make_spec("GET", _PATH, kwargs, path_params=params,
                                       query={"include": include}, cast=Response))

    def delete(self, response_id: str, **kwargs: Any) -> Any:
        """Delete a stored response."""
        require_openai_flavor(self._requester, "responses.delete")
        params = {"response_id": require_id(response_id, "response_id")}
        return self._request(make_spec("DELETE", _PATH, kwargs, path_params=params))

    def cancel(self, response_id: str, **kwargs: Any) -> Any:
        """Cancel a background response still queued or in progress; returns the
        :class:`Response` (``status`` ``"cancelled"``). Only ``background=True`` responses can
        be cancelled."""
        require_openai_flavor(self._requester, "responses.cancel")
        params = {"response_id": require_id(response_id, "response_id")}
        return self._request(make_spec("POST", _PATH + "/cancel", kwargs, path_params=params,
                                       json={}, cast=Response))
