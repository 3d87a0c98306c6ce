"""Settings and constants (stdlib only)."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = [
    "DEFAULT_BASE_URLS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_API_TOKEN",
    "ENV_BASE_URL",
    "ENV_FLAVOR",
    "ENV_OFFLINE",
    "FLAVORS",
    "RetryPolicy",
    "Timeout",
    "URL_FORMATS",
    "check_max_retries",
    "env_flag",
    "token_from_env",
]

ENV_API_TOKEN = "LCOAI_API_TOKEN"
ENV_BASE_URL = "LCOAI_BASE_URL"
ENV_FLAVOR = "LCOAI_FLAVOR"
ENV_OFFLINE = "LCOAI_OFFLINE"

FLAVORS = ("lowcodeapi", "openai")
URL_FORMATS = ("auto", "new", "old")

DEFAULT_BASE_URLS = {
    "lowcodeapi": "https://api.lowcodeapi.com/openai",
    "openai": "https://api.openai.com/v1",
}

DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True)
class Timeout:
    """Timeouts in seconds. Reads are long because image generation can take a minute or more."""

    connect: float = 5.0
    read: float = 600.0
    write: float = 600.0
    pool: float = 600.0

    @classmethod
    def coerce(cls, value: object) -> Timeout:
        if isinstance(value, Timeout):
            return value
        if value is None:
            return DEFAULT_TIMEOUT
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value <= 0:
                raise ValueError(f"timeout must be a positive number of seconds, got {value!r}")
            return cls(connect=min(5.0, float(value)), read=float(value), write=float(value),
                       pool=float(value))
        raise TypeError(
            f"timeout must be a number of seconds or lcoai_notebook.Timeout, got "
            f"{type(value).__name__}"
        )


DEFAULT_TIMEOUT = Timeout()


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: ``initial`` doubling to ``cap`` seconds, minus up to ``jitter``."""

    initial: float = 0.5
    cap: float = 8.0
    jitter: float = 0.25
    #: A server-requested wait above this many seconds is not waited for; the error is raised.
    max_retry_after: float = 120.0


def check_max_retries(value: object) -> int:
    """``value`` if it is a valid ``max_retries`` (an int >= 0), else a TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries must be an int >= 0; got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_retries must be an int >= 0; got {value!r}")
    return value


def token_from_env() -> str | None:
    value = os.environ.get(ENV_API_TOKEN, "").strip()
    return value or None


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
