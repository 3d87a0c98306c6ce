"""What the relay forwards: the allowlist of routes, and a learner's request read into a
:class:`~lcoai_notebook._requester.RequestSpec` for the upstream requester.

Only the calls the package's panels, helpers and notebooks make are forwarded. Everything that
stores objects on the account (files, batches, fine-tuning, assistants, vector stores, stored chat
completions, stored responses) is left out on purpose: all seats share one upstream account, so a
learner could list, read or delete another learner's objects, and those calls' costs cannot be
bounded before they are sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from .._requester import RequestSpec
from .._wire import check_path_value

__all__ = ["ROUTES", "Route", "RouteError", "match_route", "read_request"]


@dataclass(frozen=True)
class Route:
    """One forwarded route: ``path`` as the package's API modules name it (``{name}`` for an
    id); ``body`` is ``"json"``, ``"multipart"`` or ``None``; ``response`` as in RequestSpec."""

    method: str
    path: str
    body: str | None = "json"
    response: str = "json"
    openai_only: bool = False


ROUTES: tuple[Route, ...] = (
    Route("GET", "/models", None),
    Route("GET", "/models/{model}", None),
    Route("POST", "/chat/completions"),
    Route("POST", "/completions"),
    Route("POST", "/embeddings"),
    Route("POST", "/moderations"),
    Route("POST", "/images/generations"),
    Route("POST", "/images/edits", "multipart"),
    Route("POST", "/images/variations", "multipart"),
    Route("POST", "/audio/transcriptions", "multipart", "auto"),
    Route("POST", "/audio/translations", "multipart", "auto"),
    Route("POST", "/audio/speech", "json", "bytes"),
    # LowCodeAPI does not define the Responses API: forwarded only to an OpenAI upstream.
    Route("POST", "/responses", openai_only=True),
)

#: Body fields refused on /responses: they reach objects stored on the shared account (another
#: seat's responses and conversations) or run in the background past the budget's reach.
_RESPONSES_REFUSED = ("previous_response_id", "conversation", "background", "prompt")


class RouteError(Exception):
    """A request the relay will not forward: ``status``, an OpenAI error ``code`` and a message
    that says what is accepted."""

    def __init__(self, status: int, message: str, code: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param


def match_route(method: str, path: str, flavor: str) -> tuple[Route, dict[str, str]]:
    """The allowlisted route for ``method path`` (``path`` without ``/v1``) and its path values;
    raises :class:`RouteError` (404) for anything else."""
    parts = path.strip("/").split("/")
    for route in ROUTES:
        pattern = route.path.strip("/").split("/")
        if route.method != method or len(pattern) != len(parts):
            continue
        values: dict[str, str] = {}
        for want, got in zip(pattern, parts, strict=True):
            if want.startswith("{"):
                try:
                    values[want[1:-1]] = check_path_value(got, want[1:-1])
                except (TypeError, ValueError) as exc:
                    raise RouteError(400, str(exc), "invalid_id") from None
            elif want != got:
                break
        else:
            if route.openai_only and flavor != "openai":
                break
            return route, values
    allowed = ", ".join(f"{r.method} /v1{r.path}" for r in ROUTES
                        if not r.openai_only or flavor == "openai")
    raise RouteError(404, f"The workshop relay does not forward {method} /v1{path}. It forwards: "
                     f"{allowed}.", "route_not_forwarded")


def _multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], list[Any]]:
    """The text fields (repeated ``name[]`` fields as lists) and the file parts of a form."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise RouteError(400, "The request body must be multipart/form-data with a file part.",
                         "invalid_multipart")
    data: dict[str, Any] = {}
    files: list[Any] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if filename is not None:
            files.append((name, (filename, content,
                                 part.get_content_type() or "application/octet-stream")))
        elif name.endswith("[]"):
            data.setdefault(name[:-2], []).append(content.decode("utf-8", "replace"))
        else:
            data[name] = content.decode("utf-8", "replace")
    return data, files


def _as_sent(body: Any) -> Any:
    return body


def read_request(route: Route, values: dict[str, str], body: bytes,
                 content_type: str) -> RequestSpec:
    """The upstream :class:`RequestSpec` for a learner's request (raises :class:`RouteError`
    for a body that cannot be read or a field the relay refuses)."""
    # The body is passed on as the upstream sent it (no result objects): ``cast`` keeps it.
    common: dict[str, Any] = {"path_params": values, "response": route.response,
                              "max_retries": 2, "cast": _as_sent}
    if route.body is None:
        return RequestSpec(route.method, route.path, **common)
    if route.body == "multipart":
        if "multipart/form-data" not in content_type:
            raise RouteError(400, f"POST /v1{route.path} takes multipart/form-data.",
                             "invalid_content_type")
        data, files = _multipart(body, content_type)
        return RequestSpec(route.method, route.path, data=data, files=files,
                           stream=str(data.get("stream", "")).lower() == "true", **common)
    try:
        fields = json.loads(body or b"null")
    except ValueError:
        raise RouteError(400, "The request body is not valid JSON.", "invalid_json") from None
    if not isinstance(fields, dict):
        raise RouteError(400, "The request body must be a JSON object.", "invalid_json")
    if route.path == "/responses":
        for name in _RESPONSES_REFUSED:
            if fields.get(name) is not None:
                raise RouteError(400, f"The workshop relay does not forward {name!r}: it reaches "
                                 "objects stored on the shared account.", "field_not_forwarded",
                                 name)
        fields["store"] = False  # nothing a learner sends is kept on the shared account
    return RequestSpec(route.method, route.path, json=fields, stream=fields.get("stream") is True,
                       **common)
