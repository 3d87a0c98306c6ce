"""One line that says what went wrong and what to do, for a panel's error area.

A panel never shows a traceback: each error the client can raise maps to a sentence with the fix.
The service's own words are kept (shortened) because they often name the bad parameter.
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe", "retry_after_seconds"]

_MAX = 240


def _first_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _MAX else line[: _MAX - 1] + "…"


def retry_after_seconds(exc: Any, default: float) -> float:
    """The wait a rate-limit error asks for (``retry-after-ms`` / ``retry-after``), else
    ``default``; never negative or absurd."""
    headers = getattr(exc, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            value = float(raw) * scale
        except (TypeError, ValueError):
            continue
        if value == value and 0 <= value <= 600:  # not NaN, not negative, not absurd
            return value
    return default


def describe(exc: BaseException) -> str:
    """A one-line message with the fix, for any error a panel operation can raise."""
    from .. import _exceptions as e

    msg = _first_line(str(exc))
    if isinstance(exc, (ValueError, TypeError)):
        return f"Bad parameter: {msg}"
    if isinstance(exc, e.AuthenticationError):
        return ("The service rejected the API token (401). Set LCOAI_API_TOKEN=at_... in the "
                "environment before starting Jupyter, or call lco.connect() without a token to "
                f"use the offline emulator. ({msg})")
    if isinstance(exc, e.PermissionDeniedError):
        return ("The service does not know this API token (403): check LCOAI_API_TOKEN "
                f"against your LowCodeAPI dashboard. ({msg})")
    if isinstance(exc, e.InsufficientQuotaError):
        return ("The account is out of credit (insufficient_quota): check the plan and billing "
                "of the account behind your token; retrying will not help.")
    if isinstance(exc, e.RateLimitError):
        wait = retry_after_seconds(exc, 0.0)
        hint = f" The service asked to wait {wait:g} s." if wait else ""
        return f"Rate limited (429) after several retries; try again in a moment.{hint}"
    if isinstance(exc, e.NotFoundError):
        return f"Not found (404): {msg}. Check the model or id you picked."
    if isinstance(exc, e.BadRequestError | e.UnprocessableEntityError):
        return f"The service refused the request ({exc.status_code}): {msg}"
    if isinstance(exc, e.InternalServerError):
        return f"The service failed ({exc.status_code}); try again in a moment. ({msg})"
    if isinstance(exc, e.APITimeoutError):
        return "The request timed out; try again, or raise the client's timeout."
    if isinstance(exc, e.APIConnectionError):
        return f"Could not reach the service: {msg}. Check the network and the base URL."
    if isinstance(exc, e.StreamInterruptedError):
        return "The reply stream was cut off; the part received so far is kept."
    if isinstance(exc, e.APIStatusError):
        return f"The service answered {exc.status_code}: {msg}"
    if isinstance(exc, e.LcoaiError):
        return msg
    return f"{type(exc).__name__}: {msg}"
