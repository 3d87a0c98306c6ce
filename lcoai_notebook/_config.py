"""Settings and constants (stdlib only)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

__all__ = [
    "DEFAULT_BASE_URLS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_API_TOKEN",
    "ENV_BASE_URL",
    "ENV_CACHE_DIR",
    "ENV_FLAVOR",
    "ENV_OFFLINE",
    "ENV_RELAY_URL",
    "ENV_SEAT",
    "ENV_OPENAI_API_KEY",
    "FLAVORS",
    "MAX_TIMEOUT",
    "RetryPolicy",
    "Timeout",
    "URL_FORMATS",
    "check_flavor",
    "check_max_retries",
    "env_flag",
    "resolve_token",
    "token_from_env",
]

# Every environment variable the package reads, named here once (the tests' hermetic fixture
# clears LCOAI_* and OPENAI_*; grep finds no other spelling of these names in the package).
ENV_API_TOKEN = "LCOAI_API_TOKEN"
ENV_BASE_URL = "LCOAI_BASE_URL"
ENV_CACHE_DIR = "LCOAI_CACHE_DIR"
ENV_FLAVOR = "LCOAI_FLAVOR"
ENV_OFFLINE = "LCOAI_OFFLINE"
#: A learner's workshop relay and seat code (``lco.connect()`` reads them; see the relay).
ENV_RELAY_URL = "LCOAI_RELAY_URL"
ENV_SEAT = "LCOAI_SEAT"
#: Read for ``flavor="openai"`` only, as the official SDK reads it.
ENV_OPENAI_API_KEY = "OPENAI_API_KEY"

FLAVORS = ("lowcodeapi", "openai")
URL_FORMATS = ("auto", "new", "old")

DEFAULT_BASE_URLS = {
    "lowcodeapi": "https://api.lowcodeapi.com/openai",
    "openai": "https://api.openai.com/v1",
}

DEFAULT_MAX_RETRIES = 2


#: The longest timeout accepted, in seconds (a day). Larger values are mistakes (``1e12``
#: overflows the socket layer deep inside httpx, far from the argument that caused it).
MAX_TIMEOUT = 86_400.0


def check_seconds(value: object, name: str) -> float:
    """``value`` as a float if it is a usable timeout: a finite number of seconds in
    ``(0, MAX_TIMEOUT]``; else a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a number of seconds or lcoai_notebook.Timeout, got "
            f"{type(value).__name__}"
        )
    seconds = float(value)
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT:
        raise ValueError(
            f"{name} must be a finite number of seconds greater than 0 and at most "
            f"{MAX_TIMEOUT:g} (a day); got {value!r}"
        )
    return seconds


@dataclass(frozen=True)
class Timeout:
    """Timeouts in seconds. Reads are long because image generation can take a minute or more.

    Each must be a finite number in ``(0, MAX_TIMEOUT]``; checked when the object is made.
    """

    connect: float = 5.0
    read: float = 600.0
    write: float = 600.0
    pool: float = 600.0

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, check_seconds(getattr(self, f.name),
                                                           f"timeout.{f.name}"))

    @classmethod
    def coerce(cls, value: object, name: str = "timeout") -> Timeout:
        """A :class:`Timeout` from seconds, a Timeout, or None (the defaults); checked."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return DEFAULT_TIMEOUT
        seconds = check_seconds(value, name)
        return cls(connect=min(5.0, seconds), read=seconds, write=seconds, pool=seconds)


DEFAULT_TIMEOUT = Timeout()


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: ``initial`` doubling to ``cap`` seconds, minus up to ``jitter``."""

    initial: float = 0.5
    cap: float = 8.0
    jitter: float = 0.25
    #: A server-requested wait above this many seconds is not waited for; the error is raised.
    max_retry_after: float = 120.0

    @property
    def min_backoff(self) -> float:
        """The shortest wait the back-off can choose (the first retry with the most jitter);
        also the wait after a ``retry-after`` no server can mean (negative, NaN)."""
        return self.initial * (1.0 - self.jitter)


def check_max_retries(value: object) -> int:
    """``value`` if it is a valid ``max_retries`` (an int >= 0), else a TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries must be an int >= 0; got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_retries must be an int >= 0; got {value!r}")
    return value


def check_flavor(flavor: object, name: str = "flavor") -> str:
    """``flavor`` if it is one of :data:`FLAVORS`; else a ValueError naming ``name`` and the
    accepted values. The one place a flavor is validated (client, requester, connect, emulator)."""
    if not isinstance(flavor, str) or flavor not in FLAVORS:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, FLAVORS))}; got {flavor!r}")
    return flavor


def token_from_env() -> str | None:
    """``$LCOAI_API_TOKEN`` (stripped), or None when unset or blank."""
    value = os.environ.get(ENV_API_TOKEN, "").strip()
    return value or None


def resolve_token(api_token: str | None, flavor: str) -> str | None:
    """The token a client uses: ``api_token`` when given (stripped), else ``$LCOAI_API_TOKEN``,
    else, for ``flavor="openai"`` only, ``$OPENAI_API_KEY``; None when there is none.

    The one place the token is looked for (``Client``, ``AsyncClient`` and ``connect``).
    """
    if api_token is not None and api_token.strip():
        return api_token.strip()
    token = token_from_env()
    if token is None and flavor == "openai":
        token = os.environ.get(ENV_OPENAI_API_KEY, "").strip() or None
    return token


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


# Shown as the name a user imports (``lcoai_notebook.Timeout``), like the error classes.
Timeout.__module__ = RetryPolicy.__module__ = "lcoai_notebook"
