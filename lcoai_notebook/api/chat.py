"""``client.chat.completions``: chat completions, whole or streamed, and stored ones.

A completion created with ``store=True`` is kept by OpenAI (with its ``metadata``) and can be
read back: ``retrieve``, ``list``, ``update`` (metadata only), ``delete`` and
``messages.list`` (the request's messages). LowCodeAPI defines only ``POST
/v1/chat/completions`` (``reference/lowcodeapi-openai-endpoints.json``), so under
``flavor="lowcodeapi"`` those methods refuse before sending; ``store=True`` itself is forwarded.
"""

from __future__ import annotations

from typing import Any

from .._http import RequestSpec
from .._models import ChatCompletion, ChatCompletionChunk
from .._pagination import paginate
from .._validate import check_choice, check_int, validate_chat
from ._flavor import require_openai_flavor
from ._resource import Resource, call_options
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

    def list(self, completion_id: str, *, after: str | None = None, limit: int | None = None,
             order: str | None = None, **kwargs: Any) -> Any:
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
        **kwargs
            ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``.

        Returns
        -------
        SyncPage or AsyncPager
            Iterating it walks every page; each message has ``id``, ``role``, ``content`` and
            ``content_parts`` (the text and image parts, when the content was a list).

        Raises
        ------
        ValueError
            Under ``flavor="lowcodeapi"`` (no such route there), or for a bad argument.
        """
        params = _completion_id(self._requester, completion_id,
                                "chat.completions.messages.list")
        _check_page_args(after, limit, order)
        query = {"after": after, "limit": limit, "order": order}
        return paginate(self._requester, make_spec("GET", _PATH + "/messages", kwargs,
                                                   path_params=params, query=query))


class ChatCompletions(Resource):
    """``client.chat.completions``: ``create``; for stored completions (OpenAI flavor)
    ``retrieve``, ``list``, ``update``, ``delete`` and ``messages.list``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.messages = ChatCompletionMessages(requester)

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
            (``{"include_usage": True}``), ``user``, ``store`` (True keeps the completion for
            :meth:`retrieve` / :meth:`list`; OpenAI flavor to read it back), ``metadata`` (up to
            16 string pairs) ... A value of None means "not set".
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

    def retrieve(self, completion_id: str, **kwargs: Any) -> Any:
        """A completion created with ``store=True``, as it was returned (plus its
        ``metadata``). OpenAI flavor only.

        Parameters
        ----------
        completion_id : str
            The completion's id (``chatcmpl-...``).
        **kwargs
            ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``.

        Returns
        -------
        ChatCompletion
        """
        params = _completion_id(self._requester, completion_id, "chat.completions.retrieve")
        return self._request(make_spec("GET", _PATH, kwargs, path_params=params,
                                       cast=ChatCompletion))

    def list(self, *, model: str | None = None, metadata: dict[str, str] | None = None,
             after: str | None = None, limit: int | None = None, order: str | None = None,
             **kwargs: Any) -> Any:
        """List stored completions (those created with ``store=True``). OpenAI flavor only.

        Parameters
        ----------
        model : str, optional
            Only completions made with this model.
        metadata : dict of str to str, optional
            Only completions whose metadata holds every one of these pairs.
        after : str, optional
            A completion id: list the completions after it.
        limit : int, optional
            Page size, 1 to 100 (default 20).
        order : {"asc", "desc"}, optional
            By creation time; default ``"asc"`` (oldest first).
        **kwargs
            ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``.

        Returns
        -------
        SyncPage or AsyncPager
            Of :class:`~lcoai_notebook._models.ChatCompletion`; iterating it walks every page.

        Examples
        --------
        >>> for done in client.chat.completions.list(metadata={"lesson": "1"}):  # doctest: +SKIP
        ...     print(done.id, done.text)
        """
        require_openai_flavor(self._requester, "chat.completions.list")
        if model is not None and (not isinstance(model, str) or not model):
            raise TypeError(f"model must be a non-empty model id string (got {model!r:.40})")
        wanted = _check_metadata(metadata) or {}
        _check_page_args(after, limit, order)
        # The API reads the filter as one query parameter per pair: metadata[key]=value.
        query = {"model": model, **{f"metadata[{k}]": v for k, v in wanted.items()},
                 "after": after, "limit": limit, "order": order}
        return paginate(self._requester, make_spec("GET", "/chat/completions", kwargs,
                                                   query=query), ChatCompletion)

    def update(self, completion_id: str, *, metadata: dict[str, str] | None,
               **kwargs: Any) -> Any:
        """Replace a stored completion's metadata (the only field that can change). OpenAI
        flavor only.

        Parameters
        ----------
        completion_id : str
            The completion's id.
        metadata : dict of str to str or None
            The new metadata, replacing the old (None or ``{}`` clears it): at most 16 pairs,
            keys up to 64 characters, values up to 512.
        **kwargs
            ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``.

        Returns
        -------
        ChatCompletion
        """
        params = _completion_id(self._requester, completion_id, "chat.completions.update")
        body = {"metadata": _check_metadata(metadata)}
        return self._request(make_spec("POST", _PATH, kwargs, path_params=params, json=body,
                                       cast=ChatCompletion))

    def delete(self, completion_id: str, **kwargs: Any) -> Any:
        """Delete a stored completion; returns ``{"object": "chat.completion.deleted", "id",
        "deleted": true}``. OpenAI flavor only."""
        params = _completion_id(self._requester, completion_id, "chat.completions.delete")
        return self._request(make_spec("DELETE", _PATH, kwargs, path_params=params))


class Chat(Resource):
    """``client.chat``: holds :attr:`completions`."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.completions = ChatCompletions(requester)
