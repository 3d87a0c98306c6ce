"""Injected faults: per request (``X-Emulator-Fault`` header) or drawn at random from the config.

Header syntax: ``;``-separated ``key=value`` pairs, for example
``status=503;retry_after=0.02``, ``code=insufficient_quota``, ``latency=0.1``, ``cut_after=3``,
``malformed=1``, ``drop=1``. A fault stands in for the upstream service, so it replaces the
handler: a faulted request changes no emulator state (except ``latency`` and ``cut_after``, which
shape a normal response).
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass

from ._errors import EmuError

__all__ = ["Fault", "FaultDrawer", "fault_error", "parse_fault_header"]

#: Longest latency or Retry-After a header may ask for: beyond it a request would seem to hang
#: (``latency=1e300`` made the shells sleep forever or overflow).
_MAX_SECONDS = 600.0
_KEYS = ("status", "retry_after", "code", "latency", "cut_after", "malformed", "drop")

_MESSAGES = {
    429: "Rate limit reached for requests per min (RPM): Limit 5000, Used 5000, Requested 1. "
         "Please try again shortly. Visit https://platform.openai.com/account/rate-limits to "
         "learn more.",
    500: "The server had an error while processing your request. Sorry about that!",
    502: "Bad gateway.",
    503: "The engine is currently overloaded, please try again later.",
    504: "Gateway timeout.",
}
_QUOTA_MESSAGE = ("You exceeded your current quota, please check your plan and billing details. "
                  "For more information on this error, read the docs: "
                  "https://platform.openai.com/docs/guides/error-codes/api-errors.")


@dataclass
class Fault:
    """One injected fault (all fields optional; an empty Fault changes nothing)."""

    status: int | None = None
    retry_after: float | None = None
    code: str | None = None
    latency: float = 0.0
    cut_after: int | None = None
    malformed: bool = False
    drop: bool = False

    @property
    def is_error(self) -> bool:
        # A Retry-After alone means "rate limited, come back then": a 429.
        return self.status is not None or self.code is not None or self.retry_after is not None


def _bad_header(detail: str) -> EmuError:
    return EmuError(400, f"Invalid X-Emulator-Fault header: {detail} (keys: {', '.join(_KEYS)}).",
                    param="X-Emulator-Fault")


def parse_fault_header(value: str) -> Fault:
    """Parse an ``X-Emulator-Fault`` header value; a 400 EmuError names a bad key or value."""
    fault = Fault()
    for item in value.split(";"):
        item = item.strip()
        if not item:
            continue
        key, sep, raw = item.partition("=")
        key, raw = key.strip().lower(), raw.strip()
        if not sep or key not in _KEYS:
            raise _bad_header(f"unknown item {item!r}")
        try:
            if key == "status":
                fault.status = int(raw)
                if not 400 <= fault.status <= 599:
                    raise ValueError
            elif key == "code":
                if not raw:
                    raise ValueError
                fault.code = raw
            elif key in ("retry_after", "latency"):
                number = float(raw)
                if not math.isfinite(number) or not 0 <= number <= _MAX_SECONDS:
                    raise ValueError
                setattr(fault, key, number)
            elif key == "cut_after":
                fault.cut_after = int(raw)
                if fault.cut_after < 0:
                    raise ValueError
            else:  # malformed, drop: flags
                if raw not in ("0", "1", "true", "false"):
                    raise ValueError
                setattr(fault, key, raw in ("1", "true"))
        except ValueError:
            raise _bad_header(f"bad value for {key}: {raw!r}") from None
    return fault


def retry_headers(seconds: float) -> dict[str, str]:
    """``retry-after`` (whole seconds, rounded up, at least 1) and ``retry-after-ms`` (exact)."""
    return {"retry-after": str(max(1, math.ceil(seconds))),
            "retry-after-ms": str(max(0, round(seconds * 1000)))}


def fault_error(fault: Fault, default_retry_after: float) -> EmuError:
    """The OpenAI-shaped error a status/code fault stands for, with its retry headers.

    ``code=insufficient_quota`` gives OpenAI's real quota error (429, no Retry-After: the user must
    act); 429 and 503 carry Retry-After (the fault's, else ``default_retry_after``); other statuses
    carry it only when the fault names one.
    """
    if fault.code == "insufficient_quota":
        return EmuError(fault.status or 429, _QUOTA_MESSAGE, type="insufficient_quota",
                        code="insufficient_quota")
    status = fault.status or 429
    retry_after = fault.retry_after
    if retry_after is None and status in (429, 503):
        retry_after = default_retry_after
    headers = retry_headers(retry_after) if retry_after is not None else {}
    if status == 429:
        return EmuError(429, _MESSAGES[429], type="requests", code=fault.code or
                        "rate_limit_exceeded", headers=headers)
    message = _MESSAGES.get(status, f"Injected fault: HTTP {status}.")
    return EmuError(status, message, code=fault.code, headers=headers)


class FaultDrawer:
    """Random transient faults from ``fault_rate``/``fault_kinds``/``fault_seed``.

    Every call to :meth:`draw` consumes the same amount of the seeded generator whatever it
    returns, so the n-th request of an emulator instance always gets the same verdict.
    """

    def __init__(self, rate: float, kinds: tuple[str, ...], seed: int) -> None:
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, got {rate!r}")
        for kind in kinds:
            if kind not in ("drop", "malformed") and not (kind.isdigit() and
                                                          400 <= int(kind) <= 599):
                raise ValueError(f"fault_kinds entries must be an HTTP error status such as "
                                 f"'429', '500', '503', or 'drop' / 'malformed'; got {kind!r}")
        if rate > 0 and not kinds:
            raise ValueError("fault_kinds must not be empty when fault_rate > 0")
        self.rate = float(rate)
        self.kinds = tuple(kinds)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> Fault | None:
        """The next request's random fault, or None."""
        if self.rate <= 0:
            return None
        with self._lock:
            hit = self._rng.random() < self.rate
            pick = self._rng.random()
        if not hit:
            return None
        kind = self.kinds[min(int(pick * len(self.kinds)), len(self.kinds) - 1)]
        if kind == "drop":
            return Fault(drop=True)
        if kind == "malformed":
            return Fault(malformed=True)
        return Fault(status=int(kind))
