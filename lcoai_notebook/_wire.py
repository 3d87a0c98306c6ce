"""The wire, without I/O: URLs, auth placement, LowCodeAPI's envelope, error shapes, redaction.

Everything here is a pure function of its arguments (plus one process-wide registry of secrets to
redact), so the sync and async requesters share it and tests need no server.

Facts (``shared/reference/lowcodeapi-and-openai.md``):

- lowcodeapi: ``base + "/v1" + path``, token in the ``api_token`` query parameter, JSON successes
  wrapped as ``{"message", "provider", "result", "response_headers"}``, upstream errors nested at
  ``body.error.error`` with OpenAI's headers in ``body.headers``, LowCodeAPI's own errors as
  ``body.error.code`` (a number) + ``body.message``, unknown routes as ``{"message": "Not Found"}``.
- openai: ``base + path``, ``Authorization: Bearer``, plain bodies, errors at ``body.error``.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

__all__ = [
    "ErrorInfo",
    "build_url",
    "check_path_value",
    "clean_text",
    "fill_path",
    "is_unknown_route",
    "parse_error",
    "path_names",
    "redact",
    "redact_obj",
    "register_secret",
    "unwrap_envelope",
]

REDACTED = "***"

# -- redaction ----------------------------------------------------------------------------------

# Query strings (``api_token=at_...``), JSON (``"api_token": "at_..."``), Python reprs
# (``'api_token': 'at_...'``) and bearer keys. Values stop at the characters that end them there.
_PATTERNS = re.compile(
    r"""(?P<q>api_token=)[^&\s"'#<>,;)\]}]+"""
    r"""|(?P<j>["']api_token["']\s*:\s*["'])[^"']*"""
    r"""|(?P<b>[Bb]earer\s+)[^\s"',;]+"""
)
_secrets: set[str] = set()
_secret_re: re.Pattern[str] | None = None
_secret_lock = threading.Lock()


def _encodings_pattern(secret: str) -> str:
    """A regex matching ``secret`` raw and in every encoding a server may echo it in:
    percent-encoded (either hex case, any mix of encoded and literal characters, as different
    URL encoders choose different safe sets), form-encoded (``+`` for a space) and JSON escapes
    (``\\/`` for ``/``, ``\\uXXXX`` for non-ASCII)."""
    parts = []
    for char in secret:
        if char.isascii() and (char.isalnum() or char in "-._"):
            parts.append(re.escape(char))  # unreserved: no encoder touches it
            continue
        octets = "".join(
            "%" + "".join(f"[{d.upper()}{d.lower()}]" if d.isalpha() else d for d in f"{b:02X}")
            for b in char.encode("utf-8", "surrogatepass")
        )
        alternatives = [re.escape(char), octets]
        if not char.isascii():  # JSON's \\uXXXX (ensure_ascii), as a UTF-16 pair past U+FFFF
            units = char.encode("utf-16-be", "surrogatepass")
            alternatives.append("".join(
                r"\\u" + "".join(f"[{d.upper()}{d.lower()}]" if d.isalpha() else d
                                 for d in units[i:i + 2].hex())
                for i in range(0, len(units), 2)))
        if char == " ":
            alternatives.append(r"\+")
        elif char in '/"\\':  # JSON escapes them with a backslash (/ optionally)
            alternatives.append(re.escape("\\" + char))
        parts.append("(?:" + "|".join(alternatives) + ")")
    return "".join(parts)


def register_secret(secret: str | None) -> None:
    """Remember a token or key so its value is redacted wherever it appears, in any encoding
    (raw, percent-encoded, form-encoded)."""
    global _secret_re
    # Very short strings would redact ordinary words; real tokens are long.
    if not secret or len(secret) < 6:
        return
    with _secret_lock:
        if secret in _secrets:
            return
        _secrets.add(secret)
        alternatives = sorted(_secrets, key=len, reverse=True)
        _secret_re = re.compile("|".join(_encodings_pattern(s) for s in alternatives))


def _sub(match: re.Match[str]) -> str:
    prefix = match.group("q") or match.group("j") or match.group("b")
    return prefix + REDACTED


def redact(text: str) -> str:
    """``text`` with API tokens and bearer keys replaced by ``***``.

    Parameters
    ----------
    text : str
        Any text: a URL, a log message, an error body.

    Returns
    -------
    str
        The same text with ``api_token`` values (query strings and JSON), ``Bearer`` keys and every
        registered secret replaced.
    """
    if not isinstance(text, str):
        text = str(text)
    secret_re = _secret_re
    if secret_re is not None:
        text = secret_re.sub(REDACTED, text)
    if "api_token" in text or "earer" in text:
        text = _PATTERNS.sub(_sub, text)
    return text


_SECRET_KEYS = frozenset({"api_token", "authorization", "api_key", "x-credential-value"})


def redact_obj(value: Any) -> Any:
    """A copy of a parsed JSON value with secrets redacted (keys such as ``api_token`` and every
    string value passed through :func:`redact`)."""
    if isinstance(value, dict):
        return {
            k: (
                REDACTED
                if isinstance(k, str) and k.lower() in _SECRET_KEYS and v
                else redact_obj(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_obj(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


# Terminal control: CSI (ESC [ ... final byte, or the 8-bit CSI), OSC / DCS / APC / PM / SOS
# strings (ending at BEL or ST), two-byte ESC sequences; then any other C0/C1 control character
# except newline and tab. A server's message can otherwise retitle a terminal, hide text or
# forge lines in a traceback.
_TERMINAL_CONTROL = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def clean_text(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newline and tab kept),
    for a server's words on their way into an exception message."""
    if not isinstance(text, str):
        text = str(text)
    return _TERMINAL_CONTROL.sub("", text)


def check_path_value(value: Any, name: str) -> str:
    """``value`` if it can stand as one path segment (an object or model id); else an error.

    Refused, because a server or httpx would read them as something else than the id: empty,
    ``.`` and ``..`` (dot segments, collapsed by URL normalisation into another route), and any
    ``/``, ``\\``, ``?``, ``#``, ``%``, whitespace, control or surrogate character. Applies in
    both LowCodeAPI path formats: the Old format sends the value as a query parameter, where
    the service still uses it as the id.

    Raises
    ------
    TypeError
        ``value`` is not a string.
    ValueError
        ``value`` is not a usable id; the message names ``name``.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string id, got {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} must be a non-empty id, not {value!r}")
    bad = _BAD_ID_CHAR.search(value)
    if bad is not None:
        raise ValueError(
            f"{name} must be an id, not a path or URL part: {bad.group()!r} at position "
            f"{bad.start()} is not allowed (ids cannot hold /, \\, ?, #, %, whitespace or "
            "control characters)"
        )
    return value


# Whitespace (str.isspace's set), C0/C1 controls, surrogates and the characters that end or
# escape a path segment.
_BAD_ID_CHAR = re.compile(
    r"[/\\?#%\s\x00-\x1f\x7f-\x9f\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f"
    r"\u2060\u3000\ufeff\ud800-\udfff]"
)


# -- URLs -----------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def path_names(path: str) -> list[str]:
    """The ``{name}`` placeholders of a path template, in order."""
    return _PLACEHOLDER.findall(path) if "{" in path else []


def fill_path(
    path: str, path_params: Mapping[str, Any], url_format: str
) -> tuple[str, dict[str, str]]:
    """Fill ``{name}`` placeholders.

    New format puts the (percent-encoded) values in the path; Old format puts the literal names
    in the path and returns the values as query parameters.

    Returns
    -------
    (path, extra_query)
    """
    if "{" not in path:
        return path, {}
    names = _PLACEHOLDER.findall(path)
    missing = [n for n in names if n not in path_params or path_params[n] in (None, "")]
    if missing:
        raise ValueError(f"missing path parameter(s) {', '.join(missing)} for {path}")
    for n in names:
        # The last line of defence: every resource checks its ids, but none can forget to.
        check_path_value(path_params[n], n)
    if url_format == "old":
        return _PLACEHOLDER.sub(lambda m: m.group(1), path), {n: str(path_params[n]) for n in names}
    return (
        _PLACEHOLDER.sub(lambda m: quote(str(path_params[m.group(1)]), safe=":@"), path),
        {},
    )


def build_url(
    flavor: str,
    base_url: str,
    path: str,
    path_params: Mapping[str, Any] | None = None,
    url_format: str = "new",
) -> tuple[str, dict[str, str]]:
    """The absolute URL (without query) and the extra query parameters for one call.

    Parameters
    ----------
    flavor : {"lowcodeapi", "openai"}
    base_url : str
        ``https://api.lowcodeapi.com/openai`` (lowcodeapi) or ``https://api.openai.com/v1``
        (openai).
    path : str
        The OpenAI path without ``/v1``, with ``{name}`` placeholders.
    path_params : mapping
        Values of the placeholders.
    url_format : {"new", "old"}
        Only meaningful for lowcodeapi; openai always uses values in the path.
    """
    if flavor != "lowcodeapi":
        url_format = "new"
    filled, extra = fill_path(path, path_params or {}, url_format)
    base = base_url.rstrip("/")
    if flavor == "lowcodeapi":
        base += "/v1"
    return base + filled, extra


def auth_params(flavor: str, token: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """``(query, headers)`` carrying the credential for ``flavor``."""
    if not token:
        return {}, {}
    if flavor == "lowcodeapi":
        return {"api_token": token}, {}
    return {}, {"Authorization": f"Bearer {token}"}


# -- bodies ----------------------------------------------------------------------------------------


def is_envelope(body: Any) -> bool:
    """True when ``body`` is LowCodeAPI's success envelope."""
    return type(body) is dict and "result" in body and ("provider" in body or "message" in body)


def unwrap_envelope(body: Any) -> tuple[Any, dict[str, str]]:
    """``(result, response_headers)``: the OpenAI body inside LowCodeAPI's envelope, or ``body``
    itself (with no headers) when it is not wrapped."""
    if is_envelope(body):
        headers = body.get("response_headers")
        return body["result"], (
            {str(k).lower(): str(v) for k, v in headers.items()}
            if isinstance(headers, dict)
            else {}
        )
    return body, {}


def is_unknown_route(status: int, body: Any) -> bool:
    """A 404 that says the *route* does not exist (LowCodeAPI ``{"message": "Not Found"}`` with no
    ``error``), as opposed to an upstream 404 such as ``model_not_found``."""
    if status != 404:
        return False
    if body is None or body == "" or body == b"":
        return True
    if isinstance(body, dict):
        return "error" not in body
    # A non-JSON 404 (an HTML page from a proxy or framework) is not an upstream OpenAI error.
    return True


@dataclass
class ErrorInfo:
    """What a client needs from an error response, whichever shape it came in."""

    message: str
    type: str | None = None
    param: str | None = None
    code: str | None = None
    request_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    source: str = "unknown"  # "upstream" (OpenAI via LowCodeAPI), "lowcodeapi", "openai", "unknown"
    unknown_route: bool = False  # a 404 for the route itself (see is_unknown_route)


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


_HTML_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<head\b.*?</head\s*>", re.I | re.S)
_HTML_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_HTML_TAG = re.compile(r"<[^>]*>")


def _text_of(text: str) -> str:
    """A readable message from a non-JSON body: an HTML error page (a proxy's 502, say) as its
    title and visible text, anything else as is."""
    text = text.strip()
    if not (text.startswith("<") and ">" in text):
        return text[:500]
    text = text[:20_000]  # an error page's reason is near its top; bound the regex work
    title = _HTML_TITLE.search(text)
    visible = _HTML_TAG.sub(" ", _HTML_DROP.sub(" ", text))
    words = " ".join(filter(None, [title.group(1) if title else "", visible]))
    return " ".join(html.unescape(words).split())[:500]


def _openai_error(err: dict[str, Any], fallback: str, *, source: str) -> ErrorInfo:
    """From OpenAI's error object ``{"message", "type", "param", "code"}``, forwarded or not;
    ``fallback`` is the message when the object has none."""
    return ErrorInfo(
        message=_str_or_none(err.get("message")) or fallback,
        type=_str_or_none(err.get("type")),
        param=_str_or_none(err.get("param")),
        code=_str_or_none(err.get("code")),
        body=err,
        source=source,
    )


def parse_error(
    status: int, content: bytes | str, http_headers: Mapping[str, str] | None = None
) -> ErrorInfo:
    """Read an error response in any of the three shapes; the result is already redacted.

    Shapes
    ------
    - LowCodeAPI-forwarded upstream error: ``{"message", "provider", "error": {"error": {...}},
      "headers": {...}}``.
    - LowCodeAPI's own error: ``{"message": "Invalid api_token", "error": {"code": 403}}``.
    - Plain OpenAI: ``{"error": {"message", "type", "param", "code"}}``.
    """
    headers = {str(k).lower(): str(v) for k, v in (http_headers or {}).items()}
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    try:
        body: Any = json.loads(text) if text.strip() else None
    except ValueError:
        body = None

    info: ErrorInfo
    if isinstance(body, dict):
        err = body.get("error")
        body_headers = body.get("headers")
        if isinstance(body_headers, dict):
            # LowCodeAPI carries OpenAI's response headers inside the body; they are the truth.
            headers.update({str(k).lower(): str(v) for k, v in body_headers.items()})
        inner = err.get("error") if isinstance(err, dict) else None
        if isinstance(inner, dict):
            fallback = _str_or_none(body.get("message")) or f"HTTP {status}"
            info = _openai_error(inner, fallback, source="upstream")
        elif isinstance(inner, str) and inner.strip():
            # Forwarded by LowCodeAPI, but not OpenAI's object: a gateway's or proxy's reason.
            info = ErrorInfo(message=_text_of(inner), body=err, source="upstream")
        elif (
            isinstance(err, dict)
            and isinstance(body.get("message"), str)
            and ("code" in err or "provider" in body)
        ):
            # LowCodeAPI's own error: the human reason is the top-level message.
            code = err.get("code")
            info = ErrorInfo(
                message=body["message"],
                code=code if isinstance(code, str) else None,
                body=body,
                source="lowcodeapi",
            )
        elif isinstance(err, dict):
            info = _openai_error(err, f"HTTP {status}", source="openai")
        elif isinstance(err, str) and err.strip():
            info = ErrorInfo(message=_text_of(err), body=body, source="openai")
        else:
            info = ErrorInfo(
                # "detail": how OpenAI-compatible servers built on FastAPI say why.
                message=_str_or_none(body.get("message"))
                or _str_or_none(body.get("detail"))
                or f"HTTP {status}",
                body=body,
                source="lowcodeapi" if "message" in body else "unknown",
            )
    else:
        snippet = text.strip()[:500]
        info = ErrorInfo(message=_text_of(text) or f"HTTP {status}", body=snippet or None)

    info.message = redact(clean_text(info.message))
    if info.code is not None:
        info.code = redact(clean_text(info.code))
    info.body = redact_obj(info.body)
    info.headers = {k: redact(v) for k, v in headers.items()}
    info.request_id = info.headers.get("x-request-id")
    info.unknown_route = is_unknown_route(status, text if body is None else body)
    return info
