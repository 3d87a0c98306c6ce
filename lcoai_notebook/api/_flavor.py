"""Routes only the plain OpenAI wire offers: refused up front under the ``lowcodeapi`` flavor."""

from __future__ import annotations

from typing import Any

__all__ = ["require_openai_flavor"]


def require_openai_flavor(requester: Any, what: str) -> None:
    """Raise ``ValueError`` when ``requester`` speaks LowCodeAPI, whose OpenAI provider does not
    define the route behind ``what`` (``reference/lowcodeapi-openai-endpoints.json``): sent
    anyway it could only come back as a 404, after a round trip."""
    if getattr(requester, "flavor", "lowcodeapi") == "lowcodeapi":
        raise ValueError(
            f"{what} is not available through LowCodeAPI (its OpenAI provider defines no such "
            "route); use a client with flavor='openai' (OpenAI itself, or "
            "Emulator(flavor='openai') offline)"
        )
