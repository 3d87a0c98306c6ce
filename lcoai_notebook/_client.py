"""``Client`` and ``AsyncClient``: the API namespaces composed over one requester.

The namespaces (``client.chat``, ``client.embeddings``, ...) are imported on first use and cached,
so constructing a client is cheap and costs nothing for the API categories a notebook never touches.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

import httpx

from . import __version__
from ._config import (
    DEFAULT_BASE_URLS,
    DEFAULT_MAX_RETRIES,
    ENV_API_TOKEN,
    ENV_BASE_URL,
    URL_FORMATS,
    RetryPolicy,
    Timeout,
    check_flavor,
    check_max_retries,
    resolve_token,
)
from ._encode import check_headers as _check_headers
from ._http import AsyncRequester, BaseRequester, SyncRequester, to_httpx_timeout
from ._logging import install_redaction
from ._spend import Spend
from ._wire import redact

__all__ = ["AsyncClient", "Client"]

#: Every LowCodeAPI token starts with this.
TOKEN_PREFIX = "at_"


class _Namespace:
    """A lazily imported API namespace: ``api/<module>.py``'s ``<cls>(requester)``, cached."""

    def __init__(self, module: str, cls: str) -> None:
        self.module = module
        self.cls = cls
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        cls = getattr(import_module(f"lcoai_notebook.api.{self.module}"), self.cls)
        value = cls(obj._requester)
        # A non-data descriptor: the instance attribute shadows it from now on.
        obj.__dict__[self.name] = value
        return value


def _validate(
    api_token: Any, base_url: Any, flavor: Any, url_format: Any, max_retries: Any
) -> None:
    check_flavor(flavor)
    if url_format not in URL_FORMATS:
        raise ValueError(
            f"url_format must be one of {', '.join(map(repr, URL_FORMATS))}; got {url_format!r}"
        )
    check_max_retries(max_retries)
    if api_token is not None and not isinstance(api_token, str):
        # Do not echo the value: it may be a secret of the wrong type.
        raise TypeError(f"api_token must be a str or None; got {type(api_token).__name__}")
    if base_url is not None and not isinstance(base_url, (str, httpx.URL)):
        raise TypeError(f"base_url must be a str or None; got {type(base_url).__name__}")


def _check_token_shape(token: str | None, flavor: str, *, from_env: bool) -> None:
    """Refuse a token LowCodeAPI cannot accept, before it is sent (it would come back as a 401,
    after a round trip). The token itself is never echoed: only what it should look like."""
    if token is None or flavor != "lowcodeapi" or token.startswith(TOKEN_PREFIX):
        return
    where = ENV_API_TOKEN if from_env else "api_token"
    hint = ("an OpenAI key: pass flavor='openai' to talk to OpenAI (or an OpenAI-compatible "
            "server) directly" if token.startswith("sk-") else
            "for another OpenAI-compatible service, pass flavor='openai'")
    raise ValueError(
        f"{where} is not a LowCodeAPI token: LowCodeAPI tokens start with {TOKEN_PREFIX!r}. "
        f"This one does not ({len(token)} characters, not shown); if it is {hint}."
    )


def _resolve_base_url(base_url: Any, flavor: str) -> str:
    if base_url is not None:
        url, name = str(base_url).strip(), "base_url"
    else:
        url, name = os.environ.get(ENV_BASE_URL, "").strip(), ENV_BASE_URL
        if not url:
            return DEFAULT_BASE_URLS[flavor]
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{name} must start with http:// or https://; got {redact(url)!r}")
    return url.rstrip("/")


class _ClientBase:
    _requester: BaseRequester
    _requester_cls: type[BaseRequester]
    _http_cls: type

    chat = _Namespace("chat", "Chat")
    completions = _Namespace("completions", "Completions")
    embeddings = _Namespace("embeddings", "Embeddings")
    images = _Namespace("images", "Images")
    audio = _Namespace("audio", "Audio")
    moderations = _Namespace("moderations", "Moderations")
    models = _Namespace("models", "Models")
    files = _Namespace("files", "Files")
    fine_tuning = _Namespace("fine_tuning", "FineTuning")
    batches = _Namespace("batches", "Batches")
    beta = _Namespace("beta", "Beta")
    vector_stores = _Namespace("vector_stores", "VectorStores")
    uploads = _Namespace("uploads", "Uploads")
    responses = _Namespace("responses", "Responses")

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str | None = None,
        flavor: str = "lowcodeapi",
        url_format: str = "auto",
        timeout: float | Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: Any = None,
        *,
        retry_policy: RetryPolicy | None = None,
        default_headers: dict[str, str] | None = None,
        owns_http_client: bool | None = None,
        budget_usd: float | None = None,
        budget_tokens: int | None = None,
    ) -> None:
        _validate(api_token, base_url, flavor, url_format, max_retries)
        spend = Spend(budget_usd=budget_usd, budget_tokens=budget_tokens)  # checks the budget
        timeout_obj = Timeout.coerce(timeout)
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            raise TypeError(
                "retry_policy must be a lcoai_notebook RetryPolicy; got "
                f"{type(retry_policy).__name__}"
            )
        if http_client is not None and not isinstance(http_client, self._http_cls):
            raise TypeError(
                f"http_client must be an {self._http_cls.__module__}.{self._http_cls.__name__} "
                f"for {type(self).__name__}; got {type(http_client).__name__}"
            )
        base = _resolve_base_url(base_url, flavor)
        token = resolve_token(api_token, flavor)
        if token is None and flavor == "lowcodeapi":
            # Every LowCodeAPI call needs one; say so now rather than after a 401.
            raise ValueError(
                "api_token is required for the lowcodeapi flavor: pass api_token='at_...' or set "
                f"{ENV_API_TOKEN} (or call lcoai_notebook.connect() to use the offline emulator)"
            )
        _check_token_shape(token, flavor, from_env=api_token is None or not api_token.strip())
        _check_headers(default_headers, "default_headers")
        install_redaction()
        owns = http_client is None if owns_http_client is None else bool(owns_http_client)
        if http_client is None:
            http_client = self._http_cls(timeout=to_httpx_timeout(timeout_obj))
        headers = {"User-Agent": f"lcoai-notebook/{__version__}", **(default_headers or {})}
        self._requester = self._requester_cls(
            http_client,
            flavor=flavor,
            base_url=base,
            api_token=token,
            url_format=url_format,
            timeout=timeout_obj,
            max_retries=max_retries,
            retry_policy=retry_policy,
            default_headers=headers,
            owns_client=owns,
            spend=spend,
        )

    # -- settings (read-only views) ----------------------------------------------------------------
    # One plain property each, alike on purpose: help() and editors show each with its type.
    @property
    def base_url(self) -> str:
        return self._requester.base_url

    @property
    def flavor(self) -> str:
        return self._requester.flavor

    @property
    def url_format(self) -> str:
        return self._requester.url_format

    @property
    def timeout(self) -> Timeout:
        return self._requester.timeout

    @property
    def max_retries(self) -> int:
        return self._requester.max_retries

    @property
    def has_token(self) -> bool:
        """Whether a token (or key) is set; the token itself is never shown."""
        return self._requester.has_token

    @property
    def spend(self) -> Spend:
        """The cost ledger: ``total_usd``, ``requests``, ``by_model()``, the budget
        (``budget_usd``/``budget_tokens``) and ``simulated`` (offline figures). Shared with
        :meth:`with_options` clones."""
        return self._requester.spend

    @property
    def requester(self) -> BaseRequester:
        """The requester the API namespaces send through."""
        return self._requester

    def with_options(
        self, *, timeout: float | Timeout | None = None, max_retries: int | None = None
    ) -> Any:
        """A client sharing this one's connections with other defaults.

        Parameters
        ----------
        timeout : float or Timeout, optional
        max_retries : int, optional

        Examples
        --------
        >>> client.with_options(max_retries=5).models.list()  # doctest: +SKIP
        """
        if max_retries is not None:
            check_max_retries(max_retries)
        clone = object.__new__(type(self))
        clone._requester = self._requester.copy(
            timeout=None if timeout is None else Timeout.coerce(timeout), max_retries=max_retries
        )
        return clone

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(flavor={self.flavor!r}, base_url={redact(self.base_url)!r}, "
            f"url_format={self.url_format!r}, api_token={'<set>' if self.has_token else None})"
        )


class Client(_ClientBase):
    """The synchronous client.

    Parameters
    ----------
    api_token : str, optional
        LowCodeAPI token (``at_...``) or, for ``flavor="openai"``, the bearer key. Defaults to
        ``LCOAI_API_TOKEN`` (and ``OPENAI_API_KEY`` for the openai flavor).
    base_url : str, optional
        Defaults to ``LCOAI_BASE_URL`` or the flavor's public URL.
    flavor : {"lowcodeapi", "openai"}
    url_format : {"auto", "new", "old"}
        LowCodeAPI path-parameter format; ``"auto"`` tries New, then Old after an unknown-route 404,
        and remembers what worked per route.
    timeout : float or Timeout, optional
    max_retries : int, default 2
    http_client : httpx.Client, optional
        Used as is (and not closed by :meth:`close` unless ``owns_http_client=True``).
    retry_policy : RetryPolicy, optional
        Back-off settings (keyword only).
    default_headers : dict, optional
        Headers sent with every request (keyword only).
    budget_usd : float, optional
        Refuse any request whose worst-case cost could take ``client.spend`` past this many US
        dollars (:class:`~lcoai_notebook.BudgetExceededError`, raised before anything is sent);
        requests on models without a known price are refused too unless ``budget_tokens`` is
        set (keyword only).
    budget_tokens : int, optional
        The same guard in tokens (input plus output), for models without a price (keyword only).

    Examples
    --------
    >>> with Client() as client:  # doctest: +SKIP
    ...     client.chat.completions.create(model="gpt-4o-mini", messages=[...])
    """

    _requester: SyncRequester
    _requester_cls = SyncRequester
    _http_cls = httpx.Client

    if TYPE_CHECKING:
        # What the lazy namespaces hold, for editors and type checkers (the api/ annotations
        # describe this sync client; under AsyncClient the same classes return awaitables, so
        # its namespaces stay untyped rather than wrongly typed).
        from .api.audio import Audio
        from .api.batches import Batches
        from .api.beta import Beta
        from .api.chat import Chat
        from .api.completions import Completions
        from .api.embeddings import Embeddings
        from .api.files import Files
        from .api.fine_tuning import FineTuning
        from .api.images import Images
        from .api.models import Models
        from .api.moderations import Moderations
        from .api.responses import Responses
        from .api.uploads import Uploads
        from .api.vector_stores import VectorStores

        chat: Chat
        completions: Completions
        embeddings: Embeddings
        images: Images
        audio: Audio
        moderations: Moderations
        models: Models
        files: Files
        fine_tuning: FineTuning
        batches: Batches
        beta: Beta
        vector_stores: VectorStores
        uploads: Uploads
        responses: Responses

    def close(self) -> None:
        """Close the connections this client opened."""
        self._requester.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncClient(_ClientBase):
    """The asynchronous twin of :class:`Client`: same arguments, awaitable methods."""

    _requester: AsyncRequester
    _requester_cls = AsyncRequester
    _http_cls = httpx.AsyncClient

    async def aclose(self) -> None:
        """Close the connections this client opened."""
        await self._requester.aclose()

    async def close(self) -> None:
        """Alias of :meth:`aclose`."""
        await self.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


# Shown as the name a user imports (``lcoai_notebook.Client``) in reprs and tracebacks.
Client.__module__ = AsyncClient.__module__ = "lcoai_notebook"
