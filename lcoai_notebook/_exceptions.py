"""The error tree.

::

    LcoaiError
    ├── APIError                         something went wrong talking to the service
    │   ├── APIStatusError               the service answered with a 4xx/5xx status
    │   │   ├── BadRequestError              400
    │   │   ├── AuthenticationError          401 (LowCodeAPI: missing or malformed api_token)
    │   │   ├── PermissionDeniedError        403 (LowCodeAPI: unknown api_token)
    │   │   ├── NotFoundError                404
    │   │   ├── ConflictError                409
    │   │   ├── UnprocessableEntityError     422
    │   │   ├── RateLimitError               429
    │   │   │   └── InsufficientQuotaError   429 with code ``insufficient_quota`` (never retried)
    │   │   │       └── SeatBudgetExceededError  a workshop relay refused: the seat's or the
    │   │   │                                    workshop's budget (also a BudgetExceededError)
    │   │   └── InternalServerError          >= 500
    │   ├── APIConnectionError           no response at all
    │   │   └── APITimeoutError
    │   ├── APIResponseValidationError   a 2xx body that cannot be read
    │   └── StreamInterruptedError       a stream that ended before ``[DONE]``
    ├── BudgetExceededError              a request whose worst case could pass the budget; not sent
    ├── BatchFailedError                 ``batches.run``: the batch failed as a whole; nothing ran
    ├── WaitTimeoutError                 a ``wait``/``poll`` gave up (also a ``TimeoutError``)
    ├── NoNextPageError                  ``get_next_page()`` on the last page (also a
    │                                    ``RuntimeError``)
    └── (bad arguments raise the builtin ``ValueError`` / ``TypeError`` naming the parameter)

Every error carries ``status_code``, ``request_id`` and the parsed error ``body`` where those exist.
No error ever holds the API token: messages and bodies are redacted before an error is built.
The classes say ``lcoai_notebook.X`` in reprs and tracebacks (``__module__`` is the package: the
name a user imports, not the private module that defines it).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BatchFailedError",
    "BudgetExceededError",
    "ConflictError",
    "InsufficientQuotaError",
    "InternalServerError",
    "LcoaiError",
    "NoNextPageError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "SeatBudgetExceededError",
    "StreamInterruptedError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "status_error_class",
]


class LcoaiError(Exception):
    """Base class of every error this package raises on purpose."""


class APIError(LcoaiError):
    """A failure talking to the service.

    Attributes
    ----------
    message : str
        The human reason, as the service gave it where it gave one.
    body : object or None
        The parsed error body (OpenAI's ``{"message", "type", "param", "code"}`` object where the
        service sent one), already redacted.
    code, type, param : str or None
        The fields of OpenAI's error object, when present.
    request_id : str or None
        The ``x-request-id`` of the failing response, when known.
    """

    status_code: int | None = None

    def __init__(
        self,
        message: str,
        *,
        body: Any = None,
        request_id: str | None = None,
        code: str | None = None,
        type: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.body = body
        self.request_id = request_id
        self.code = code
        self.type = type
        self.param = param

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle (process pools send a worker's errors back) and copy rebuild from the fields:
        # the default calls __init__ with .args alone, which subclasses' keywords reject.
        return (_rebuild, (type(self), self.args, self.__dict__))


class APIStatusError(APIError):
    """The service answered with an error status.

    Attributes
    ----------
    headers : dict
        Response headers that matter for retries (``retry-after``, ``x-ratelimit-*``), merged
        from the HTTP headers and LowCodeAPI's body ``headers``; never the request URL.
    source : str
        Who produced the error: ``"upstream"`` (OpenAI, forwarded by LowCodeAPI),
        ``"lowcodeapi"``, ``"openai"`` (a plain OpenAI server) or ``"unknown"``.
    unknown_route : bool
        True for a 404 that says the route does not exist (not, say, ``model_not_found``).
    """

    source: str = "unknown"
    unknown_route: bool = False

    def __init__(self, message: str, *, status_code: int,
                 headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        # kwargs: APIError's body, request_id, code, type and param, as for the other subclasses.
        super().__init__(message, **kwargs)
        self.status_code = status_code
        self.headers = dict(headers or {})

    def __str__(self) -> str:
        parts = [f"Error code: {self.status_code}"]
        if self.code:
            parts.append(f"({self.code})")
        return f"{' '.join(parts)} - {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


class BadRequestError(APIStatusError):
    """400: the request was invalid."""


class AuthenticationError(APIStatusError):
    """401: missing, malformed or wrong credentials."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are not allowed (LowCodeAPI: unknown ``api_token``)."""


class NotFoundError(APIStatusError):
    """404: no such route, model or object."""


class ConflictError(APIStatusError):
    """409: the object is in a state that forbids the request."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried with back-off."""


class InsufficientQuotaError(RateLimitError):
    """429 with code ``insufficient_quota``: the account is out of credit. Never retried."""


class InternalServerError(APIStatusError):
    """5xx: the service failed."""


class APIConnectionError(APIError):
    """No response arrived (DNS, refused or dropped connection)."""

    def __init__(self, message: str = "Connection error.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, message: str = "Request timed out.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class APIResponseValidationError(APIError):
    """A success response whose body could not be read (malformed JSON, or JSON where an event
    stream was asked for)."""

    def __init__(self, message: str, *, status_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code


class StreamInterruptedError(APIError):
    """A stream ended before its ``[DONE]`` marker.

    Attributes
    ----------
    text : str
        The text received so far (for chat: the concatenated ``delta.content`` of choice 0), so
        nothing is lost.
    chunks : list
        The decoded chunks received before the interruption.
    """

    def __init__(self, message: str, *, text: str = "", chunks: list | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.text = text
        self.chunks = list(chunks or [])


class BatchFailedError(LcoaiError):
    """The batch as a whole failed (e.g. its input file did not validate); nothing ran.

    Attributes
    ----------
    batch : Result
        The failed ``batch`` object (``batch.errors.data`` lists the reasons).
    """

    def __init__(self, message: str, batch: Any) -> None:
        super().__init__(message)
        self.batch = batch


class WaitTimeoutError(LcoaiError, TimeoutError):
    """A ``wait``/``poll`` gave up after its ``timeout``; the object keeps running upstream.

    Both an :class:`LcoaiError` and the builtin :class:`TimeoutError`, so either ``except``
    catches it. The message names the object and its last status.
    """


class NoNextPageError(LcoaiError, RuntimeError):
    """``page.get_next_page()`` was called on the last page (check ``page.has_next_page()``).

    Also the builtin :class:`RuntimeError` it used to be, so older ``except`` clauses still
    catch it.
    """


class BudgetExceededError(LcoaiError):
    """A request whose worst-case cost could pass the client's budget; it was not sent.

    Attributes
    ----------
    estimate_usd, budget_usd, remaining_usd : float or None
        The request's worst-case cost, the budget and what remains of it (USD), where a USD
        budget applies.
    estimate_tokens, budget_tokens, remaining_tokens : int or None
        The same in tokens, where a token budget applies.
    model : str or None
    """

    def __init__(self, message: str, *, model: str | None = None,
                 estimate_usd: float | None = None, budget_usd: float | None = None,
                 remaining_usd: float | None = None, estimate_tokens: int | None = None,
                 budget_tokens: int | None = None, remaining_tokens: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.model = model
        # The same three figures in each unit, as the docstring lists them.
        self.estimate_usd, self.budget_usd, self.remaining_usd = (
            estimate_usd, budget_usd, remaining_usd)
        self.estimate_tokens, self.budget_tokens, self.remaining_tokens = (
            estimate_tokens, budget_tokens, remaining_tokens)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


#: The error codes a workshop relay gives a request it refuses for budget (429,
#: ``insufficient_quota``).
RELAY_BUDGET_CODES = ("seat_budget_exceeded", "workshop_budget_exceeded")


class SeatBudgetExceededError(BudgetExceededError, InsufficientQuotaError):
    """A workshop relay refused the request, unsent: the seat's or the workshop's budget could not
    cover its worst case (``code`` says which; the message gives the figures). Never retried.

    Catch it as :class:`BudgetExceededError` (the same situation as the client's own guard) or as
    :class:`InsufficientQuotaError` (what any OpenAI client sees).
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        InsufficientQuotaError.__init__(self, message, **kwargs)
        self.model = None
        self.estimate_usd = self.budget_usd = self.remaining_usd = None
        self.estimate_tokens = self.budget_tokens = self.remaining_tokens = None


def _rebuild(cls: type[APIError], args: tuple[Any, ...], state: dict[str, Any]) -> APIError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int, code: str | None = None) -> type[APIStatusError]:
    """The error class for an HTTP status (and OpenAI error ``code``)."""
    if status_code == 429 and code in RELAY_BUDGET_CODES:
        return SeatBudgetExceededError
    if status_code == 429 and code == "insufficient_quota":
        return InsufficientQuotaError
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


# Public classes show the name a user imports (``lcoai_notebook.NotFoundError``) in reprs and
# tracebacks, not the private module. Pickle still finds them: the package resolves the name.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = "lcoai_notebook"
del _name, _obj
