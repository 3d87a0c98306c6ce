"""``client.beta``: Assistants, threads, messages, runs and run steps (Assistants API v2).

Every request here sends ``OpenAI-Beta: assistants=v2``. Ids that belong in the path are
positional where the official SDK has them positional (``messages.retrieve(message_id,
thread_id=...)``), so code from OpenAI's documentation runs unchanged.
"""

from __future__ import annotations

from typing import Any

from .._pagination import paginate
from .._progress import check_polling, poll_flow, progress_bar, run_flow
from ._resource import Resource
from ._spec import BETA_HEADERS, body_of, check_list_args, make_spec, require_id, require_str

__all__ = ["Assistants", "Beta", "Messages", "Runs", "Steps", "Threads", "RUN_POLL_STOP_STATUSES"]

# Where polling a run stops: the run needs the caller (requires_action) or is finished.
RUN_POLL_STOP_STATUSES = frozenset(
    {"requires_action", "cancelled", "completed", "failed", "expired", "incomplete"}
)


class _BetaResource(Resource):
    """A resource whose every request carries the Assistants v2 header."""

    def _spec(self, method: str, path: str, kwargs: dict[str, Any], **kw: Any) -> Any:
        return make_spec(method, path, kwargs, headers=BETA_HEADERS, **kw)

    def _list(self, path: str, path_params: dict[str, str], kwargs: dict[str, Any], *,
              limit: Any, order: Any, after: Any, before: Any, **query: Any) -> Any:
        check_list_args(limit, order)
        q = {"limit": limit, "order": order, "after": after, "before": before, **query}
        spec = self._spec("GET", path, kwargs, path_params=path_params, query=q)
        return paginate(self._requester, spec)


def _ids(**ids: Any) -> dict[str, str]:
    return {name: require_id(value, name) for name, value in ids.items()}


class Assistants(_BetaResource):
    """``beta.assistants``: create, retrieve, update, list, delete."""

    def create(
        self,
        *,
        model: str,
        name: str | None = None,
        description: str | None = None,
        instructions: str | None = None,
        tools: list[dict[str, Any]] | None = None,
        tool_resources: dict[str, Any] | None = None,
        metadata: dict[str, str] | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        response_format: Any = None,
        reasoning_effort: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Create an assistant.

        Parameters
        ----------
        model : str
            The model id.
        name, description, instructions : str, optional
        tools : list of dict, optional
            Up to 128 tools: ``{"type": "code_interpreter"}``, ``{"type": "file_search"}`` or
            ``{"type": "function", "function": {"name", "description", "parameters"}}``.
        tool_resources, metadata, temperature, top_p, response_format, reasoning_effort : optional
            As in OpenAI's API.

        Returns
        -------
        Result
            The ``assistant``.
        """
        require_str(model, "model")
        _check_tools(tools)
        body = body_of(
            model=model, name=name, description=description, instructions=instructions,
            tools=tools, tool_resources=tool_resources, metadata=metadata,
            temperature=temperature, top_p=top_p, response_format=response_format,
            reasoning_effort=reasoning_effort,
        )
        return self._request(self._spec("POST", "/assistants", kwargs, json=body))

    def retrieve(self, assistant_id: str, **kwargs: Any) -> Any:
        """The ``assistant``."""
        return self._request(self._spec("GET", "/assistants/{assistant_id}", kwargs,
                                        path_params=_ids(assistant_id=assistant_id)))

    def update(self, assistant_id: str, **fields: Any) -> Any:
        """Modify an assistant (``model``, ``name``, ``instructions``, ``tools``, ...)."""
        params = _ids(assistant_id=assistant_id)
        _check_tools(fields.get("tools"))
        return self._request(self._spec("POST", "/assistants/{assistant_id}", fields,
                                        path_params=params, json={}))

    def list(self, *, after: str | None = None, before: str | None = None,
             limit: int | None = None, order: str | None = None, **kwargs: Any) -> Any:
        """List assistants (newest first by default); iterating walks every page."""
        return self._list("/assistants", {}, kwargs, limit=limit, order=order, after=after,
                          before=before)

    def delete(self, assistant_id: str, **kwargs: Any) -> Any:
        """Delete an assistant; returns ``{"id", "object": "assistant.deleted", "deleted"}``."""
        return self._request(self._spec("DELETE", "/assistants/{assistant_id}", kwargs,
                                        path_params=_ids(assistant_id=assistant_id)))


def _check_tools(tools: Any) -> None:
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
        role: str,
        content: Any,
        attachments: list[dict[str, Any]] | None = None,
        metadata: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Add a message to a thread.

        Parameters
        ----------
        thread_id : str
        role : {"user", "assistant"}
        content : str or list of dict
            Text, or content parts (``{"type": "text", "text": ...}``, image parts).
        attachments, metadata : optional
        """
        params = _ids(thread_id=thread_id)
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', got {role!r}")
        if not isinstance(content, (str, list)):
            raise TypeError(f"content must be a string or a list of content parts, got "
                            f"{type(content).__name__}")
        body = body_of(role=role, content=content, attachments=attachments, metadata=metadata)
        return self._request(self._spec("POST", "/threads/{thread_id}/messages", kwargs,
                                        path_params=params, json=body))

    def retrieve(self, message_id: str, *, thread_id: str, **kwargs: Any) -> Any:
        """The ``thread.message``."""
        return self._request(self._spec("GET", self._PATH, kwargs, path_params=_ids(
            thread_id=thread_id, message_id=message_id)))

    def update(self, message_id: str, *, thread_id: str, metadata: dict[str, str] | None = None,
               **kwargs: Any) -> Any:
        """Modify a message's metadata."""
        params = _ids(thread_id=thread_id, message_id=message_id)
        return self._request(self._spec("POST", self._PATH, kwargs, path_params=params,
                                        json=body_of(metadata=metadata)))

    def list(self, thread_id: str, *, after: str | None = None, before: str | None = None,
             limit: int | None = None, order: str | None = None, run_id: str | None = None,
             **kwargs: Any) -> Any:
        """List a thread's messages (newest first by default); iterating walks every page."""
        return self._list("/threads/{thread_id}/messages", _ids(thread_id=thread_id), kwargs,
                          limit=limit, order=order, after=after, before=before, run_id=run_id)

    def delete(self, message_id: str, *, thread_id: str, **kwargs: Any) -> Any:
        """Delete a message."""
        return self._request(self._spec("DELETE", self._PATH, kwargs, path_params=_ids(
            thread_id=thread_id, message_id=message_id)))


class Steps(_BetaResource):
    """``beta.threads.runs.steps``: list, retrieve."""

    def list(self, run_id: str, *, thread_id: str, after: str | None = None,
             before: str | None = None, limit: int | None = None, order: str | None = None,
             include: list[str] | None = None, **kwargs: Any) -> Any:
        """List a run's steps; iterating walks every page."""
        params = _ids(thread_id=thread_id, run_id=run_id)
        return self._list("/threads/{thread_id}/runs/{run_id}/steps", params, kwargs,
                          limit=limit, order=order, after=after, before=before,
                          **({"include[]": list(include)} if include else {}))

    def retrieve(self, step_id: str, *, thread_id: str, run_id: str,
                 include: list[str] | None = None, **kwargs: Any) -> Any:
        """The ``thread.run.step``."""
        params = _ids(thread_id=thread_id, run_id=run_id, step_id=step_id)
        query = {"include[]": list(include)} if include else None
        return self._request(self._spec("GET", "/threads/{thread_id}/runs/{run_id}/steps/{step_id}",
                                        kwargs, path_params=params, query=query))


class Runs(_BetaResource):
    """``beta.threads.runs``: create, retrieve, update, list, cancel, submit_tool_outputs, and
    the polling helpers ``poll``, ``create_and_poll``, ``submit_tool_outputs_and_poll``."""

    _PATH = "/threads/{thread_id}/runs/{run_id}"

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.steps = Steps(requester)

    def create(self, thread_id: str, *, assistant_id: str, stream: bool = False,
               **params: Any) -> Any:
        """Start a run of ``assistant_id`` on a thread.

        Parameters
        ----------
        thread_id, assistant_id : str
        stream : bool
            True returns a stream of run events (each a ``Result``).
        **params
            ``model``, ``instructions``, ``additional_instructions``, ``additional_messages``,
            ``tools``, ``tool_choice``, ``temperature``, ... and the per-call options.

        Returns
        -------
        Result
            The ``thread.run`` (usually ``queued``: poll it, or use :meth:`create_and_poll`).
        """
        return self._request(self._create_spec(thread_id, assistant_id, stream, params))

    def _create_spec(self, thread_id: Any, assistant_id: Any, stream: bool,
                     params: dict[str, Any]) -> Any:
        path_params = _ids(thread_id=thread_id)
        require_id(assistant_id, "assistant_id")
        _check_tools(params.get("tools"))
        body: dict[str, Any] = {"assistant_id": assistant_id}
        if stream:
            body["stream"] = True
        return self._spec("POST", "/threads/{thread_id}/runs", params,
                          path_params=path_params, json=body, stream=bool(stream))

    def retrieve(self, run_id: str, *, thread_id: str, **kwargs: Any) -> Any:
        """The ``thread.run``."""
        return self._request(self._spec("GET", self._PATH, kwargs,
                                        path_params=_ids(thread_id=thread_id, run_id=run_id)))

    def update(self, run_id: str, *, thread_id: str, metadata: dict[str, str] | None = None,
               **kwargs: Any) -> Any:
        """Modify a run's metadata."""
        params = _ids(thread_id=thread_id, run_id=run_id)
        return self._request(self._spec("POST", self._PATH, kwargs, path_params=params,
                                        json=body_of(metadata=metadata)))

    def list(self, thread_id: str, *, after: str | None = None, before: str | None = None,
             limit: int | None = None, order: str | None = None, **kwargs: Any) -> Any:
        """List a thread's runs; iterating walks every page."""
        return self._list("/threads/{thread_id}/runs", _ids(thread_id=thread_id), kwargs,
                          limit=limit, order=order, after=after, before=before)

    def cancel(self, run_id: str, *, thread_id: str, **kwargs: Any) -> Any:
        """Cancel a run (status ``cancelling``, then ``cancelled``)."""
        return self._request(self._spec("POST", self._PATH + "/cancel", kwargs,
                                        path_params=_ids(thread_id=thread_id, run_id=run_id)))

    def submit_tool_outputs(self, run_id: str, *, thread_id: str,
                            tool_outputs: list[dict[str, Any]], stream: bool = False,
                            **kwargs: Any) -> Any:
        """Answer a run in ``requires_action``.

        Parameters
        ----------
        run_id, thread_id : str
        tool_outputs : list of dict
            ``{"tool_call_id": ..., "output": "..."}`` for each call in
            ``run.required_action.submit_tool_outputs.tool_calls``.
        stream : bool
            True returns a stream of run events.
        """
        return self._request(self._submit_spec(run_id, thread_id, tool_outputs, stream, kwargs))

    def _submit_spec(self, run_id: Any, thread_id: Any, tool_outputs: Any, stream: bool,
                     kwargs: dict[str, Any]) -> Any:
        params = _ids(thread_id=thread_id, run_id=run_id)
        _check_tool_outputs(tool_outputs)
        body: dict[str, Any] = {"tool_outputs": list(tool_outputs)}
        if stream:
            body["stream"] = True
        return self._spec("POST", self._PATH + "/submit_tool_outputs", kwargs,
                          path_params=params, json=body, stream=bool(stream))

    # -- polling ---------------------------------------------------------------------------------
    def poll(self, run_id: str, *, thread_id: str, poll_interval: float = 1.0,
             timeout: float | None = None, progress: bool = False, **kwargs: Any) -> Any:
        """Poll a run until it needs action or is finished (``requires_action``, ``completed``,
        ``failed``, ``cancelled``, ``expired``, ``incomplete``) and return it.

        Parameters
        ----------
        poll_interval : float
            The longest pause between polls, in seconds (pauses start at 0.25 s and double;
            ``poll_interval_ms=`` is accepted too, as in the official SDK).
        timeout : float or None
            A :class:`TimeoutError` after this many seconds.
        progress : bool
            Show the run's status in a tqdm line.
        """
        poll_interval = _interval(poll_interval, kwargs)
        params = _ids(thread_id=thread_id, run_id=run_id)
        check_polling(poll_interval, timeout)
        spec = self._spec("GET", self._PATH, kwargs, path_params=params)
        return run_flow(self._requester,
                        _run_poll_flow(spec, run_id, poll_interval, timeout, progress))

    def create_and_poll(self, *, thread_id: str, assistant_id: str, poll_interval: float = 1.0,
                        timeout: float | None = None, progress: bool = False,
                        **params: Any) -> Any:
        """:meth:`create` then :meth:`poll`; returns the run where it stopped."""
        poll_interval = _interval(poll_interval, params)
        check_polling(poll_interval, timeout)
        opts = _poll_opts(params)
        first = self._create_spec(thread_id, assistant_id, False, params)
        return run_flow(self._requester, self._then_poll(first, opts, poll_interval, timeout,
                                                         progress))

    def submit_tool_outputs_and_poll(self, *, tool_outputs: list[dict[str, Any]], run_id: str,
                                     thread_id: str, poll_interval: float = 1.0,
                                     timeout: float | None = None, progress: bool = False,
                                     **kwargs: Any) -> Any:
        """:meth:`submit_tool_outputs` then :meth:`poll`."""
        poll_interval = _interval(poll_interval, kwargs)
        check_polling(poll_interval, timeout)
        opts = _poll_opts(kwargs)
        first = self._submit_spec(run_id, thread_id, tool_outputs, False, kwargs)
        return run_flow(self._requester, self._then_poll(first, opts, poll_interval, timeout,
                                                         progress))

    def _then_poll(self, first_spec: Any, opts: dict[str, Any], poll_interval: float,
                   timeout: float | None, progress: bool) -> Any:
        """A flow: send ``first_spec`` (which returns a run), then poll that run."""
        run = yield first_spec
        spec = self._spec("GET", self._PATH, dict(opts), path_params=_ids(
            thread_id=run.get("thread_id"), run_id=run.get("id")))
        return (yield from _run_poll_flow(spec, run.get("id"), poll_interval, timeout, progress,
                                          first=run))


def _poll_opts(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The per-call options worth repeating on every poll (copied before the first spec eats
    them)."""
    return {k: kwargs[k] for k in ("extra_headers", "extra_query", "max_retries") if k in kwargs}


def _interval(poll_interval: float, kwargs: dict[str, Any]) -> float:
    ms = kwargs.pop("poll_interval_ms", None)
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


def _run_poll_flow(spec: Any, run_id: str, poll_interval: float, timeout: float | None,
                   progress: bool, first: Any = None) -> Any:
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

    def create(self, *, messages: list[dict[str, Any]] | None = None,
               tool_resources: dict[str, Any] | None = None,
               metadata: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Create a thread, optionally with its first messages (``{"role", "content"}`` dicts)."""
        if messages is not None and (not isinstance(messages, (list, tuple))
                                     or not all(isinstance(m, dict) for m in messages)):
            raise TypeError(f"messages must be a list of message dicts, got {messages!r:.80}")
        body = body_of(messages=list(messages) if messages is not None else None,
                       tool_resources=tool_resources, metadata=metadata)
        return self._request(self._spec("POST", "/threads", kwargs, json=body))

    def retrieve(self, thread_id: str, **kwargs: Any) -> Any:
        """The ``thread``."""
        return self._request(self._spec("GET", "/threads/{thread_id}", kwargs,
                                        path_params=_ids(thread_id=thread_id)))

    def update(self, thread_id: str, *, metadata: dict[str, str] | None = None,
               tool_resources: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Modify a thread's metadata or tool resources."""
        params = _ids(thread_id=thread_id)
        return self._request(self._spec("POST", "/threads/{thread_id}", kwargs, path_params=params,
                                        json=body_of(metadata=metadata,
                                                     tool_resources=tool_resources)))

    def delete(self, thread_id: str, **kwargs: Any) -> Any:
        """Delete a thread."""
        return self._request(self._spec("DELETE", "/threads/{thread_id}", kwargs,
                                        path_params=_ids(thread_id=thread_id)))

    def create_and_run(self, *, assistant_id: str, thread: dict[str, Any] | None = None,
                       stream: bool = False, **params: Any) -> Any:
        """Create a thread (from ``thread={"messages": [...]}``) and start a run on it in one
        request; returns the ``thread.run`` (its ``thread_id`` names the new thread)."""
        return self._request(self._create_and_run_spec(assistant_id, thread, stream, params))

    def _create_and_run_spec(self, assistant_id: Any, thread: Any, stream: bool,
                             params: dict[str, Any]) -> Any:
        require_id(assistant_id, "assistant_id")
        _check_tools(params.get("tools"))
        if thread is not None and not isinstance(thread, dict):
            raise TypeError(f"thread must be a dict like {{'messages': [...]}}, got {thread!r:.80}")
        body = body_of(assistant_id=assistant_id, thread=thread, stream=True if stream else None)
        return self._spec("POST", "/threads/runs", params, json=body, stream=bool(stream))

    def create_and_run_poll(self, *, assistant_id: str, thread: dict[str, Any] | None = None,
                            poll_interval: float = 1.0, timeout: float | None = None,
                            progress: bool = False, **params: Any) -> Any:
        """:meth:`create_and_run` then poll the run until it needs action or is finished."""
        poll_interval = _interval(poll_interval, params)
        check_polling(poll_interval, timeout)
        opts = _poll_opts(params)
        first = self._create_and_run_spec(assistant_id, thread, False, params)
        return run_flow(self._requester, self.runs._then_poll(first, opts, poll_interval,
                                                              timeout, progress))


class Beta(Resource):
    """``client.beta``: ``assistants`` and ``threads``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.assistants = Assistants(requester)
        self.threads = Threads(requester)
