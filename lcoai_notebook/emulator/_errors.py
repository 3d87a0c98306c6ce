"""OpenAI-shaped errors raised by emulator handlers."""

from __future__ import annotations

from typing import Any

__all__ = ["EmuError", "invalid", "missing", "not_found", "server_error"]

_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
    500: "server_error",
    503: "server_error",
}


class EmuError(Exception):
    """An error response: OpenAI's ``{"error": {message, type, param, code}}`` with a status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str | None = None,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type or _TYPES.get(status, "server_error" if status >= 500 else
                                       "invalid_request_error")
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param,
                          "code": self.code}}


def invalid(message: str, param: str | None = None, code: str | None = None) -> EmuError:
    return EmuError(400, message, param=param, code=code)


def missing(param: str) -> EmuError:
    return EmuError(400, f"Missing required parameter: '{param}'.", param=param,
                    code="missing_required_parameter")


def not_found(message: str, param: str | None = None, code: str | None = None) -> EmuError:
    return EmuError(404, message, param=param, code=code)


def server_error(exc: BaseException) -> EmuError:
    """The 500 OpenAI answers when something breaks on its side (here: a handler bug)."""
    return EmuError(500, "The server had an error while processing your request. Sorry about "
                    f"that! (emulator: {type(exc).__name__})", type="server_error")
