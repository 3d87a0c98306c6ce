"""``client.beta``: Assistants, threads, messages, runs and run steps (Assistants API v2).

Every request here sends ``OpenAI-Beta: assistants=v2``. Ids that belong in the path are
positional where the official SDK has them positional (``messages.retrieve(message_id,
thread_id=...)``), so code from OpenAI's documentation runs unchanged.

Every method names the parameters OpenAI documents for its endpoint; an optional one defaults to
``NOT_GIVEN`` and is left out of the request unless set (``None`` counts as unset too). Each also
takes the per-call options ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout`` and
``max_retries``. In the polling helpers (``poll``, ``*_and_poll``, ``create_and_run_poll``)
``timeout`` is the whole wait's deadline in seconds, as it always was here. ``extra_body`` is
merged into the JSON body as given (for fields this package does not know yet); a request
without a body (GET, DELETE) refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, overload

from .._http import RequestSpec
from .._models_assistants import (
    Assistant,
    AssistantDeleted,
    AssistantStreamEvent,
    Message,
    MessageDeleted,
    Run,
    RunStep,
    Thread,
    ThreadDeleted,
)
from .._pagination import SyncPage, paginate
from .._progress import check_polling, poll_flow, progress_bar, run_flow
from .._sse import Stream
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._resource import Resource, per_call
from ._spec import BETA_HEADERS, check_list_args, make_spec, require_id, require_str

__all__ = ["Assistants", "Beta", "Messages", "Runs", "Steps", "Threads", "RUN_POLL_STOP_STATUSES"]

# Where polling a run stops: the run needs the caller (requires_action) or is finished.
RUN_POLL_STOP_STATUSES = frozenset(
    {"requires_action", "cancelled", "completed", "failed", "expired", "incomplete"}
)


def _spec(method: str, path: str, opts: dict[str, Any], **kw: Any) -> RequestSpec:
    """The one spec builder, with the Assistants v2 header every request here carries."""
    return make_spec(method, path, opts, headers=BETA_HEADERS, **kw)


def _unset(value: Any) -> Any:
    """``value``, or None when it was not given (for the checks written against None)."""
    return None if value is NOT_GIVEN else value


def _ids(**ids: Any) -> dict[str, str]:
    return {name: require_id(value, name) for name, value in ids.items()}


# The optional body fields of a run request (createRun) and of createThreadAndRun. ``create``
# and its ``*_poll`` twin both take them by name; reading them back from the method's locals
# keeps the list in one place instead of two hand-written copies that could drift.
_RUN_FIELDS = (
    "additional_instructions", "additional_messages", "instructions", "max_completion_tokens",
    "max_prompt_tokens", "metadata", "model", "parallel_tool_calls", "reasoning_effort",
    "response_format", "temperature", "tool_choice", "tools", "top_p", "truncation_strategy",
)
_THREAD_RUN_FIELDS = (
    "thread", "instructions", "max_completion_tokens", "max_prompt_tokens", "metadata", "model",
    "parallel_tool_calls", "response_format", "temperature", "tool_choice", "tool_resources",
    "tools", "top_p", "truncation_strategy",
)


def _body_fields(names: tuple[str, ...], arguments: dict[str, Any]) -> dict[str, Any]:
    """The fields in ``names`` that the caller gave, from a method's ``locals()``."""
    return given(**{name: arguments[name] for name in names})


def _include(include: Any) -> dict[str, list[str]] | None:
    """The ``include[]`` query parameter, or None when not given."""
    include = _unset(include)
    if include is None:
        return None
    if isinstance(include, str) or not isinstance(include, (list, tuple)):
        raise TypeError(f"include must be a list of strings, got {include!r:.80}")
    return {"include[]": list(include)} if include else None


class _BetaResource(Resource):
    """A resource whose lists share the cursor arguments and the page size check."""

    def _list(self, path: str, path_params: dict[str, str], opts: dict[str, Any],
              item_cast: type, *, limit: Any, order: Any, after: Any, before: Any,
              **query: Any) -> Any:
        limit, order = _unset(limit), _unset(order)
        check_list_args(limit, order)
        q = given(limit=limit, order=order, after=after, before=before, **query)
        spec = _spec("GET", path, opts, path_params=path_params, query=q)
        return paginate(self._requester, spec, item_cast)


class Assistants(_BetaResource):
    """``beta.assistants``: create, retrieve, update, list, delete."""

    def create(
        self,
        *,
        model: str,
        name: str | None | NotGiven = NOT_GIVEN,
        description: str | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Create an assistant.

        Parameters
        ----------
        model : str
            The model id.
        name : str, optional
            Up to 256 characters.
        description : str, optional
            Up to 512 characters.
        instructions : str, optional
            The system instructions (up to 256,000 characters).
        reasoning_effort : str, optional
            For reasoning models: ``"minimal"``, ``"low"``, ``"medium"``, ``"high"``.
        tools : list of dict, optional
            Up to 128 tools: ``{"type": "code_interpreter"}``, ``{"type": "file_search"}`` or
            ``{"type": "function", "function": {"name", "description", "parameters"}}``.
        tool_resources : dict, optional
            Files for ``code_interpreter`` (``file_ids``) and ``file_search``
            (``vector_store_ids``).
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        temperature : float, optional
            0 to 2.
        top_p : float, optional
            Nucleus sampling, 0 to 1.
        response_format : "auto" or dict, optional
            ``{"type": "json_object"}`` or ``{"type": "json_schema", "json_schema": {...}}``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Assistant
            The ``assistant``.
        """
        require_str(model, "model")
        _check_tools(tools)
        body = given(
            model=model, name=name, description=description, instructions=instructions,
            reasoning_effort=reasoning_effort, tools=tools, tool_resources=tool_resources,
            metadata=metadata, temperature=temperature, top_p=top_p,
            response_format=response_format,
        )
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", "/assistants", opts, json=body, cast=Assistant))

    def retrieve(
        self,
        assistant_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Read an assistant.

        Parameters
        ----------
        assistant_id : str
            The assistant's id (``asst_...``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Assistant
            The ``assistant``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", "/assistants/{assistant_id}", opts, cast=Assistant,
                                   path_params=_ids(assistant_id=assistant_id)))

    def update(
        self,
        assistant_id: str,
        *,
        model: str | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        name: str | None | NotGiven = NOT_GIVEN,
        description: str | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Modify an assistant; only the fields given change.

        Parameters
        ----------
        assistant_id : str
            The assistant's id.
        model, reasoning_effort, name, description, instructions : str, optional
            As in :meth:`create`.
        tools, tool_resources, metadata, temperature, top_p, response_format : optional
            As in :meth:`create` (``tools`` replaces the whole list).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Assistant
            The modified ``assistant``.
        """
        params = _ids(assistant_id=assistant_id)
        _check_tools(tools)
        body = given(
            model=model, reasoning_effort=reasoning_effort, name=name, description=description,
            instructions=instructions, tools=tools, tool_resources=tool_resources,
            metadata=metadata, temperature=temperature, top_p=top_p,
            response_format=response_format,
        )
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", "/assistants/{assistant_id}", opts,
                                   path_params=params, json=body, cast=Assistant))

    def list(
        self,
        *,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[Assistant]:
        """List assistants (newest first by default); iterating walks every page.

        Parameters
        ----------
        after, before : str, optional
            Cursors: an assistant id to list after (or before).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of Assistant
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._list("/assistants", {}, opts, Assistant, limit=limit, order=order,
                          after=after, before=before)

    def delete(
        self,
        assistant_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AssistantDeleted:
        """Delete an assistant.

        Parameters
        ----------
        assistant_id : str
            The assistant's id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        AssistantDeleted
            ``{"id", "object": "assistant.deleted", "deleted": true}``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("DELETE", "/assistants/{assistant_id}", opts,
                                   path_params=_ids(assistant_id=assistant_id),
                                   cast=AssistantDeleted))


def _check_tools(tools: Any) -> None:
    tools = _unset(tools)
    if tools is None:
        return
    if not isinstance(tools, (list, tuple)) or not all(isinstance(t, dict) for t in tools):
        raise TypeError(f"tools must be a list of tool dicts, got {tools!r:.80}")
    if len(tools) > 128:
        raise ValueError(f"tools takes at most 128 tools, got {len(tools)}")
    for i, tool in enumerate(tools):
        if tool.get("type") not in ("code_interpreter", "file_search", "function"):
            raise ValueError(
                f"tools[{i}]['type'] must be 'code_interpreter', 'file_search' or 'function', "
                f"got {tool.get('type')!r}"
            )


class Messages(_BetaResource):
    """``beta.threads.messages``: create, retrieve, update, list, delete."""

    _PATH = "/threads/{thread_id}/messages/{message_id}"

    def create(
        self,
        thread_id: str,
        *,
        role: Literal["user", "assistant"],
        content: str | Sequence[dict[str, Any]],
        attachments: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Message:
        """Add a message to a thread.

        Parameters
        ----------
        thread_id : str
            The thread's id.
        role : {"user", "assistant"}
            Who wrote it.
        content : str or list of dict
            Text, or content parts (``{"type": "text", "text": ...}``, image parts).
        attachments : list of dict, optional
            ``{"file_id", "tools": [{"type": "file_search"}]}`` each.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Message
            The ``thread.message``.
        """
        params = _ids(thread_id=thread_id)
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', got {role!r}")
        if not isinstance(content, (str, list)):
            raise TypeError(f"content must be a string or a list of content parts, got "
                            f"{type(content).__name__}")
        body = given(role=role, content=content, attachments=attachments, metadata=metadata)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", "/threads/{thread_id}/messages", opts,
                                   path_params=params, json=body, cast=Message))

    def retrieve(
        self,
        message_id: str,
        *,
        thread_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Message:
        """Read a message.

        Parameters
        ----------
        message_id, thread_id : str
            The message's id and its thread's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Message
            The ``thread.message``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", self._PATH, opts, cast=Message, path_params=_ids(
            thread_id=thread_id, message_id=message_id)))

    def update(
        self,
        message_id: str,
        *,
        thread_id: str,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Message:
        """Modify a message's metadata.

        Parameters
        ----------
        message_id, thread_id : str
            The message's id and its thread's.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Message
            The modified ``thread.message``.
        """
        params = _ids(thread_id=thread_id, message_id=message_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", self._PATH, opts, path_params=params,
                                   json=given(metadata=metadata), cast=Message))

    def list(
        self,
        thread_id: str,
        *,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        run_id: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[Message]:
        """List a thread's messages (newest first by default); iterating walks every page.

        Parameters
        ----------
        thread_id : str
            The thread's id.
        after, before : str, optional
            Cursors: a message id to list after (or before).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        run_id : str, optional
            Only the messages this run created.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of Message
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._list("/threads/{thread_id}/messages", _ids(thread_id=thread_id), opts,
                          Message, limit=limit, order=order, after=after, before=before,
                          run_id=run_id)

    def delete(
        self,
        message_id: str,
        *,
        thread_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> MessageDeleted:
        """Delete a message.

        Parameters
        ----------
        message_id, thread_id : str
            The message's id and its thread's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        MessageDeleted
            ``{"id", "object": "thread.message.deleted", "deleted": true}``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("DELETE", self._PATH, opts, cast=MessageDeleted,
                                   path_params=_ids(thread_id=thread_id, message_id=message_id)))


class Steps(_BetaResource):
    """``beta.threads.runs.steps``: list, retrieve."""

    def list(
        self,
        run_id: str,
        *,
        thread_id: str,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[RunStep]:
        """List a run's steps; iterating walks every page.

        Parameters
        ----------
        run_id, thread_id : str
            The run's id and its thread's.
        after, before : str, optional
            Cursors: a step id to list after (or before).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        include : list of str, optional
            Extra fields, e.g.
            ``["step_details.tool_calls[*].file_search.results[*].content"]``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of RunStep
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        params = _ids(thread_id=thread_id, run_id=run_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._list("/threads/{thread_id}/runs/{run_id}/steps", params, opts, RunStep,
                          limit=limit, order=order, after=after, before=before,
                          **(_include(include) or {}))

    def retrieve(
        self,
        step_id: str,
        *,
        thread_id: str,
        run_id: str,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStep:
        """Read a run step.

        Parameters
        ----------
        step_id, thread_id, run_id : str
            The step's id, its thread's and its run's.
        include : list of str, optional
            Extra fields, as in :meth:`list`.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        RunStep
            The ``thread.run.step``.
        """
        params = _ids(thread_id=thread_id, run_id=run_id, step_id=step_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", "/threads/{thread_id}/runs/{run_id}/steps/{step_id}",
                                   opts, path_params=params, query=_include(include),
                                   cast=RunStep))


class Runs(_BetaResource):
    """``beta.threads.runs``: create, retrieve, update, list, cancel, submit_tool_outputs, and
    the polling helpers ``poll``, ``create_and_poll``, ``submit_tool_outputs_and_poll``."""

    _PATH = "/threads/{thread_id}/runs/{run_id}"

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.steps = Steps(requester)

    @overload
    def create(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        additional_instructions: str | None | NotGiven = NOT_GIVEN,
        additional_messages: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: Literal[False] = False,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run: ...

    @overload
    def create(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        additional_instructions: str | None | NotGiven = NOT_GIVEN,
        additional_messages: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: Literal[True],
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[AssistantStreamEvent]: ...

    @overload
    def create(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        additional_instructions: str | None | NotGiven = NOT_GIVEN,
        additional_messages: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: bool,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run | Stream[AssistantStreamEvent]: ...

    def create(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        additional_instructions: str | None | NotGiven = NOT_GIVEN,
        additional_messages: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: bool = False,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run | Stream[AssistantStreamEvent]:
        """Start a run of ``assistant_id`` on a thread.

        Parameters
        ----------
        thread_id, assistant_id : str
            The thread to run and the assistant to run it.
        include : list of str, optional
            Extra fields in the run's steps, e.g.
            ``["step_details.tool_calls[*].file_search.results[*].content"]``.
        additional_instructions : str, optional
            Appended to the assistant's instructions for this run.
        additional_messages : list of dict, optional
            Messages added to the thread before the run starts.
        instructions : str, optional
            Replaces the assistant's instructions for this run.
        max_completion_tokens, max_prompt_tokens : int, optional
            Token caps over the whole run (at least 256).
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        model : str, optional
            Replaces the assistant's model for this run.
        parallel_tool_calls : bool, optional
            Allow several function calls in one step.
        reasoning_effort : str, optional
            For reasoning models: ``"minimal"``, ``"low"``, ``"medium"``, ``"high"``.
        response_format : "auto" or dict, optional
            As in ``assistants.create``.
        stream : bool
            True returns a stream of :class:`AssistantStreamEvent` (``event``, ``data``).
        temperature : float, optional
            0 to 2.
        tool_choice : str or dict, optional
            ``"none"``, ``"auto"``, ``"required"`` or ``{"type": "function", "function":
            {"name": ...}}``.
        tools : list of dict, optional
            Replaces the assistant's tools for this run.
        top_p : float, optional
            Nucleus sampling, 0 to 1.
        truncation_strategy : dict, optional
            ``{"type": "auto"}`` or ``{"type": "last_messages", "last_messages": n}``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Run or Stream of AssistantStreamEvent
            The ``thread.run`` (usually ``queued``: poll it, or use :meth:`create_and_poll`);
            with ``stream=True`` the run's events.
        """
        fields = _body_fields(_RUN_FIELDS, locals())
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(self._create_spec(thread_id, assistant_id, stream, include, fields,
                                               opts))

    def _create_spec(self, thread_id: Any, assistant_id: Any, stream: bool, include: Any,
                     fields: dict[str, Any], opts: dict[str, Any]) -> RequestSpec:
        path_params = _ids(thread_id=thread_id)
        require_id(assistant_id, "assistant_id")
        _check_tools(fields.get("tools"))
        body: dict[str, Any] = {"assistant_id": assistant_id, **fields}
        if stream:
            body["stream"] = True
        return _spec("POST", "/threads/{thread_id}/runs", opts, path_params=path_params,
                     json=body, query=_include(include), stream=bool(stream),
                     cast=AssistantStreamEvent if stream else Run)

    def retrieve(
        self,
        run_id: str,
        *,
        thread_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Read a run.

        Parameters
        ----------
        run_id, thread_id : str
            The run's id and its thread's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Run
            The ``thread.run``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", self._PATH, opts, cast=Run,
                                   path_params=_ids(thread_id=thread_id, run_id=run_id)))

    def update(
        self,
        run_id: str,
        *,
        thread_id: str,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Modify a run's metadata.

        Parameters
        ----------
        run_id, thread_id : str
            The run's id and its thread's.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Run
            The modified ``thread.run``.
        """
        params = _ids(thread_id=thread_id, run_id=run_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", self._PATH, opts, path_params=params,
                                   json=given(metadata=metadata), cast=Run))

    def list(
        self,
        thread_id: str,
        *,
        after: str | None | NotGiven = NOT_GIVEN,
        before: str | None | NotGiven = NOT_GIVEN,
        limit: int | None | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[Run]:
        """List a thread's runs; iterating walks every page.

        Parameters
        ----------
        thread_id : str
            The thread's id.
        after, before : str, optional
            Cursors: a run id to list after (or before).
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By ``created_at`` (default ``"desc"``).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        SyncPage of Run
            The first page (an ``AsyncPager`` under ``AsyncClient``).
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._list("/threads/{thread_id}/runs", _ids(thread_id=thread_id), opts, Run,
                          limit=limit, order=order, after=after, before=before)

    def cancel(
        self,
        run_id: str,
        *,
        thread_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Cancel a run (status ``cancelling``, then ``cancelled``).

        Parameters
        ----------
        run_id, thread_id : str
            The run's id and its thread's.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Run
            The ``thread.run``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", self._PATH + "/cancel", opts, cast=Run,
                                   path_params=_ids(thread_id=thread_id, run_id=run_id)))

    @overload
    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Sequence[dict[str, Any]],
        stream: Literal[False] = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run: ...

    @overload
    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Sequence[dict[str, Any]],
        stream: Literal[True],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[AssistantStreamEvent]: ...

    @overload
    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Sequence[dict[str, Any]],
        stream: bool,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run | Stream[AssistantStreamEvent]: ...

    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Sequence[dict[str, Any]],
        stream: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run | Stream[AssistantStreamEvent]:
        """Answer a run in ``requires_action``.

        Parameters
        ----------
        run_id, thread_id : str
            The run's id and its thread's.
        tool_outputs : list of dict
            ``{"tool_call_id": ..., "output": "..."}`` for each call in
            ``run.required_action.submit_tool_outputs.tool_calls``.
        stream : bool
            True returns a stream of :class:`AssistantStreamEvent`.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Run or Stream of AssistantStreamEvent
            The ``thread.run``; with ``stream=True`` the run's events.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(self._submit_spec(run_id, thread_id, tool_outputs, stream, opts))

    def _submit_spec(self, run_id: Any, thread_id: Any, tool_outputs: Any, stream: bool,
                     opts: dict[str, Any]) -> RequestSpec:
        params = _ids(thread_id=thread_id, run_id=run_id)
        _check_tool_outputs(tool_outputs)
        body: dict[str, Any] = {"tool_outputs": list(tool_outputs)}
        if stream:
            body["stream"] = True
        return _spec("POST", self._PATH + "/submit_tool_outputs", opts, path_params=params,
                     json=body, stream=bool(stream),
                     cast=AssistantStreamEvent if stream else Run)

    # -- polling ---------------------------------------------------------------------------------
    def poll(
        self,
        run_id: str,
        *,
        thread_id: str,
        poll_interval: float = 1.0,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        timeout: float | None = None,
        progress: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Poll a run until it needs action or is finished (``requires_action``, ``completed``,
        ``failed``, ``cancelled``, ``expired``, ``incomplete``) and return it.

        Parameters
        ----------
        run_id, thread_id : str
            The run's id and its thread's.
        poll_interval : float
            The longest pause between polls, in seconds (pauses start at 0.25 s and double).
        poll_interval_ms : int, optional
            The same in milliseconds, as in the official SDK (wins over ``poll_interval``).
        timeout : float or None
            A :class:`TimeoutError` (``WaitTimeoutError``) after this many seconds.
        progress : bool
            Show the run's status in a tqdm line.
        extra_headers, extra_query : dict, optional
            Extra HTTP headers and query parameters for every poll.
        max_retries : int, optional
            Each poll's retry budget (default: the client's).

        Returns
        -------
        Run
            The run where it stopped.
        """
        poll_interval = _interval(poll_interval, poll_interval_ms)
        params = _ids(thread_id=thread_id, run_id=run_id)
        check_polling(poll_interval, timeout)
        opts = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        spec = _spec("GET", self._PATH, opts, path_params=params, cast=Run)
        return run_flow(self._requester,
                        _run_poll_flow(spec, run_id, poll_interval, timeout, progress))

    def create_and_poll(
        self,
        *,
        thread_id: str,
        assistant_id: str,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        additional_instructions: str | None | NotGiven = NOT_GIVEN,
        additional_messages: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        reasoning_effort: str | None | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        poll_interval: float = 1.0,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        timeout: float | None = None,
        progress: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """:meth:`create` then :meth:`poll`; returns the run where it stopped.

        Parameters
        ----------
        thread_id, assistant_id : str
            The thread to run and the assistant to run it.
        include, additional_instructions, additional_messages, instructions : optional
            As in :meth:`create`.
        max_completion_tokens, max_prompt_tokens, metadata, model : optional
            As in :meth:`create`.
        parallel_tool_calls, reasoning_effort, response_format, temperature : optional
            As in :meth:`create`.
        tool_choice, tools, top_p, truncation_strategy : optional
            As in :meth:`create`.
        poll_interval, poll_interval_ms, timeout, progress : optional
            As in :meth:`poll` (``timeout`` is the whole wait's deadline, in seconds).
        extra_headers, extra_query : dict, optional
            Extra HTTP headers and query parameters for the create and every poll.
        extra_body : dict, optional
            Extra JSON body fields for the create.
        max_retries : int, optional
            Each request's retry budget (default: the client's).

        Returns
        -------
        Run
            The run where it stopped.
        """
        poll_interval = _interval(poll_interval, poll_interval_ms)
        check_polling(poll_interval, timeout)
        fields = _body_fields(_RUN_FIELDS, locals())
        first = self._create_spec(thread_id, assistant_id, False, include, fields, per_call(
            extra_headers, extra_query, extra_body, NOT_GIVEN, max_retries))
        poll_opts = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        return run_flow(self._requester, self._then_poll(first, poll_opts, poll_interval,
                                                         timeout, progress))

    def submit_tool_outputs_and_poll(
        self,
        *,
        tool_outputs: Sequence[dict[str, Any]],
        run_id: str,
        thread_id: str,
        poll_interval: float = 1.0,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        timeout: float | None = None,
        progress: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """:meth:`submit_tool_outputs` then :meth:`poll`; returns the run where it stopped.

        Parameters
        ----------
        tool_outputs : list of dict
            As in :meth:`submit_tool_outputs`.
        run_id, thread_id : str
            The run's id and its thread's.
        poll_interval, poll_interval_ms, timeout, progress : optional
            As in :meth:`poll` (``timeout`` is the whole wait's deadline, in seconds).
        extra_headers, extra_query : dict, optional
            Extra HTTP headers and query parameters for the submit and every poll.
        extra_body : dict, optional
            Extra JSON body fields for the submit.
        max_retries : int, optional
            Each request's retry budget (default: the client's).

        Returns
        -------
        Run
            The run where it stopped.
        """
        poll_interval = _interval(poll_interval, poll_interval_ms)
        check_polling(poll_interval, timeout)
        first = self._submit_spec(run_id, thread_id, tool_outputs, False, per_call(
            extra_headers, extra_query, extra_body, NOT_GIVEN, max_retries))
        poll_opts = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        return run_flow(self._requester, self._then_poll(first, poll_opts, poll_interval,
                                                         timeout, progress))

    def _then_poll(self, first_spec: RequestSpec, opts: dict[str, Any], poll_interval: float,
                   timeout: float | None, progress: bool) -> Any:
        """A flow: send ``first_spec`` (which returns a run), then poll that run."""
        run = yield first_spec
        spec = _spec("GET", self._PATH, dict(opts), cast=Run, path_params=_ids(
            thread_id=run.get("thread_id"), run_id=run.get("id")))
        return (yield from _run_poll_flow(spec, run.get("id"), poll_interval, timeout, progress,
                                          first=run))


def _interval(poll_interval: float, poll_interval_ms: Any) -> float:
    ms = _unset(poll_interval_ms)
    return ms / 1000 if ms is not None else poll_interval


def _check_tool_outputs(tool_outputs: Any) -> None:
    if not isinstance(tool_outputs, (list, tuple)) or not tool_outputs:
        raise TypeError("tool_outputs must be a non-empty list of "
                        f"{{'tool_call_id': ..., 'output': ...}} dicts, got {tool_outputs!r:.80}")
    for i, out in enumerate(tool_outputs):
        if not isinstance(out, dict) or not isinstance(out.get("tool_call_id"), str):
            raise TypeError(f"tool_outputs[{i}] must be a dict with a string 'tool_call_id', "
                            f"got {out!r:.80}")
        if "output" in out and not isinstance(out["output"], str):
            raise TypeError(f"tool_outputs[{i}]['output'] must be a string (serialise JSON "
                            f"yourself), got {type(out['output']).__name__}")


def _run_poll_flow(spec: RequestSpec, run_id: str, poll_interval: float,
                   timeout: float | None, progress: bool, first: Any = None) -> Any:
    if first is not None and first.get("status") in RUN_POLL_STOP_STATUSES:
        return first
    bar = progress_bar(desc=f"{run_id}: polling", enabled=progress, bar_format="{desc} [{elapsed}]")
    try:
        return (yield from poll_flow(
            spec, done=lambda r: r.get("status") in RUN_POLL_STOP_STATUSES,
            poll_interval=poll_interval, timeout=timeout, what=f"run {run_id}",
            on_update=lambda r: bar.set_description_str(f"{run_id}: {r.get('status')}"),
        ))
    finally:
        bar.close()


class Threads(_BetaResource):
    """``beta.threads``: create, retrieve, update, delete, create_and_run; ``.messages``,
    ``.runs`` (and ``.runs.steps``)."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.messages = Messages(requester)
        self.runs = Runs(requester)

    def create(
        self,
        *,
        messages: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Create a thread, optionally with its first messages.

        Parameters
        ----------
        messages : list of dict, optional
            ``{"role", "content", "attachments"?, "metadata"?}`` each.
        tool_resources : dict, optional
            Files for ``code_interpreter`` and ``file_search`` in this thread.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Thread
            The ``thread``.
        """
        messages = _unset(messages)
        if messages is not None and (not isinstance(messages, (list, tuple))
                                     or not all(isinstance(m, dict) for m in messages)):
            raise TypeError(f"messages must be a list of message dicts, got {messages!r:.80}")
        body = given(messages=list(messages) if messages is not None else None,
                     tool_resources=tool_resources, metadata=metadata)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", "/threads", opts, json=body, cast=Thread))

    def retrieve(
        self,
        thread_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Read a thread.

        Parameters
        ----------
        thread_id : str
            The thread's id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Thread
            The ``thread``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("GET", "/threads/{thread_id}", opts, cast=Thread,
                                   path_params=_ids(thread_id=thread_id)))

    def update(
        self,
        thread_id: str,
        *,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Modify a thread's metadata or tool resources.

        Parameters
        ----------
        thread_id : str
            The thread's id.
        metadata : dict of str, optional
            Up to 16 key-value pairs.
        tool_resources : dict, optional
            Files for ``code_interpreter`` and ``file_search`` in this thread.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Thread
            The modified ``thread``.
        """
        params = _ids(thread_id=thread_id)
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("POST", "/threads/{thread_id}", opts, path_params=params,
                                   json=given(metadata=metadata, tool_resources=tool_resources),
                                   cast=Thread))

    def delete(
        self,
        thread_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ThreadDeleted:
        """Delete a thread.

        Parameters
        ----------
        thread_id : str
            The thread's id.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        ThreadDeleted
            ``{"id", "object": "thread.deleted", "deleted": true}``.
        """
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_spec("DELETE", "/threads/{thread_id}", opts, cast=ThreadDeleted,
                                   path_params=_ids(thread_id=thread_id)))

    @overload
    def create_and_run(
        self,
        *,
        assistant_id: str,
        thread: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: Literal[False] = False,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run: ...

    @overload
    def create_and_run(
        self,
        *,
        assistant_id: str,
        thread: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: Literal[True],
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[AssistantStreamEvent]: ...

    @overload
    def create_and_run(
        self,
        *,
        assistant_id: str,
        thread: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: bool,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run | Stream[AssistantStreamEvent]: ...

    def create_and_run(
        self,
        *,
        assistant_id: str,
        thread: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        stream: bool = False,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run | Stream[AssistantStreamEvent]:
        """Create a thread and start a run on it in one request.

        Parameters
        ----------
        assistant_id : str
            The assistant to run.
        thread : dict, optional
            The new thread: ``{"messages": [...], "tool_resources"?, "metadata"?}``.
        instructions : str, optional
            Replaces the assistant's instructions for this run.
        max_completion_tokens, max_prompt_tokens : int, optional
            Token caps over the whole run (at least 256).
        metadata : dict of str, optional
            The run's metadata (up to 16 key-value pairs).
        model : str, optional
            Replaces the assistant's model for this run.
        parallel_tool_calls : bool, optional
            Allow several function calls in one step.
        response_format : "auto" or dict, optional
            As in ``assistants.create``.
        stream : bool
            True returns a stream of :class:`AssistantStreamEvent`.
        temperature : float, optional
            0 to 2.
        tool_choice : str or dict, optional
            ``"none"``, ``"auto"``, ``"required"`` or a named function.
        tool_resources : dict, optional
            Files for the assistant's tools in this run.
        tools : list of dict, optional
            Replaces the assistant's tools for this run.
        top_p : float, optional
            Nucleus sampling, 0 to 1.
        truncation_strategy : dict, optional
            ``{"type": "auto"}`` or ``{"type": "last_messages", "last_messages": n}``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers, query parameters and JSON body fields,
            this call's timeout and retry budget (unset: the client's).

        Returns
        -------
        Run or Stream of AssistantStreamEvent
            The ``thread.run`` (its ``thread_id`` names the new thread); with ``stream=True``
            the run's events.
        """
        fields = _body_fields(_THREAD_RUN_FIELDS, locals())
        opts = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(self._create_and_run_spec(assistant_id, stream, fields, opts))

    def _create_and_run_spec(self, assistant_id: Any, stream: bool, fields: dict[str, Any],
                             opts: dict[str, Any]) -> RequestSpec:
        require_id(assistant_id, "assistant_id")
        _check_tools(fields.get("tools"))
        thread = fields.get("thread")
        if thread is not None and not isinstance(thread, dict):
            raise TypeError(f"thread must be a dict like {{'messages': [...]}}, got {thread!r:.80}")
        body = {"assistant_id": assistant_id, **fields, **({"stream": True} if stream else {})}
        return _spec("POST", "/threads/runs", opts, json=body, stream=bool(stream),
                     cast=AssistantStreamEvent if stream else Run)

    def create_and_run_poll(
        self,
        *,
        assistant_id: str,
        thread: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        instructions: str | None | NotGiven = NOT_GIVEN,
        max_completion_tokens: int | None | NotGiven = NOT_GIVEN,
        max_prompt_tokens: int | None | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | None | NotGiven = NOT_GIVEN,
        model: str | None | NotGiven = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        response_format: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        tool_choice: str | dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tool_resources: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        tools: Sequence[dict[str, Any]] | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN,
        truncation_strategy: dict[str, Any] | None | NotGiven = NOT_GIVEN,
        poll_interval: float = 1.0,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        timeout: float | None = None,
        progress: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """:meth:`create_and_run` then poll the run until it needs action or is finished.

        Parameters
        ----------
        assistant_id : str
            The assistant to run.
        thread, instructions, max_completion_tokens, max_prompt_tokens, metadata : optional
            As in :meth:`create_and_run`.
        model, parallel_tool_calls, response_format, temperature, tool_choice : optional
            As in :meth:`create_and_run`.
        tool_resources, tools, top_p, truncation_strategy : optional
            As in :meth:`create_and_run`.
        poll_interval, poll_interval_ms, timeout, progress : optional
            As in ``runs.poll`` (``timeout`` is the whole wait's deadline, in seconds).
        extra_headers, extra_query : dict, optional
            Extra HTTP headers and query parameters for the create and every poll.
        extra_body : dict, optional
            Extra JSON body fields for the create.
        max_retries : int, optional
            Each request's retry budget (default: the client's).

        Returns
        -------
        Run
            The run where it stopped (its ``thread_id`` names the new thread).
        """
        poll_interval = _interval(poll_interval, poll_interval_ms)
        check_polling(poll_interval, timeout)
        fields = _body_fields(_THREAD_RUN_FIELDS, locals())
        first = self._create_and_run_spec(assistant_id, False, fields, per_call(
            extra_headers, extra_query, extra_body, NOT_GIVEN, max_retries))
        poll_opts = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        return run_flow(self._requester, self.runs._then_poll(first, poll_opts, poll_interval,
                                                              timeout, progress))


class Beta(Resource):
    """``client.beta``: ``assistants`` and ``threads``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.assistants = Assistants(requester)
        self.threads = Threads(requester)
