"""Types shared by the API signatures: the "not given" sentinel and the per-call option types.

Every optional API parameter defaults to :data:`NOT_GIVEN`, so a request carries only what the
caller set (``None`` is read as "not set" too, as it always was in this package). The sentinel is
falsy and shows as ``NOT_GIVEN`` in signatures, as in the official ``openai`` package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ._config import Timeout

__all__ = ["NOT_GIVEN", "Body", "Headers", "NotGiven", "Query", "TimeoutArg", "given"]


class NotGiven:
    """The type of :data:`NOT_GIVEN`: "this argument was not passed" (distinct from ``None``)."""

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # One instance, so ``is NOT_GIVEN`` holds after copy and pickle too.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: Any) -> NotGiven:
        return self


NOT_GIVEN = NotGiven()

#: Extra HTTP headers for one call.
Headers = Mapping[str, str]
#: Extra query parameters for one call.
Query = Mapping[str, object]
#: Extra JSON body (or form) fields for one call, merged as given: the escape hatch for fields
#: this package does not know yet.
Body = Mapping[str, object]
#: A per-call timeout: seconds, a :class:`~lcoai_notebook._config.Timeout`, or None (the
#: client's default).
TimeoutArg = float | Timeout | None


def given(**fields: Any) -> dict[str, Any]:
    """The keyword arguments that were set: without :data:`NOT_GIVEN` and ``None`` values."""
    return {k: v for k, v in fields.items() if v is not None and v is not NOT_GIVEN}
