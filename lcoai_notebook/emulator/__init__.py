"""An offline emulator of the OpenAI API, as served directly or through LowCodeAPI.

``with Emulator() as emu:`` serves real HTTP on 127.0.0.1 (uvicorn in a thread); without
starting it, ``emu.transport()`` / ``emu.async_transport()`` answer in-process. Both run the same
route handlers, so responses are identical. ``python -m lcoai_notebook.emulator --port N`` serves
it from the command line.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ._config import DEFAULT_OPENAI_KEY, DEFAULT_TOKEN, EmuConfig

if TYPE_CHECKING:
    import httpx

    from .._client import AsyncClient, Client
    from ._app import EmuApp

__all__ = ["DEFAULT_OPENAI_KEY", "DEFAULT_TOKEN", "EmuConfig", "Emulator"]

_INPROCESS_HOST = "http://emulator.invalid"
_CONFIG_FIELDS = tuple(f.name for f in dataclasses.fields(EmuConfig))


class Emulator:
    """The emulated service, served over loopback HTTP or in-process.

    Parameters
    ----------
    flavor : {"lowcodeapi", "openai"}
        ``"lowcodeapi"``: the LowCodeAPI proxy's wire (``api_token`` query auth, envelope,
        nested errors, New/Old path formats, base ``.../openai``). ``"openai"``: plain OpenAI
        (bearer key, base ``.../v1``).
    port : int
        Port for :meth:`start` (0 picks a free one).
    stream_mode : {"incremental", "buffered"}, optional
        Whether SSE streams are sent event by event or as one body. By default the flavor's
        own: ``"buffered"`` for ``"lowcodeapi"`` (the service sends a stream in one piece),
        ``"incremental"`` for ``"openai"``. A request may override it with the
        ``X-Emulator-Stream`` header.
    cassette : path, optional
        A recording made with ``lcoai_notebook.connect(record=...)`` in the same flavor: requests
        it holds get the recorded answers (streams as streams) before the emulator's own routes,
        so any OpenAI client can replay a course; everything else is emulated.
    **config
        Any other :class:`EmuConfig` field (``fault_rate``, ``latency``, ``api_tokens`` ...).

    Examples
    --------
    >>> with Emulator(flavor="openai") as emu:
    ...     emu.url.startswith("http://127.0.0.1:")
    True
    """

    def __init__(self, flavor: str = "lowcodeapi", port: int = 0,
                 stream_mode: str | None = None, cassette: Any = None,
                 **config: Any) -> None:
        unknown = sorted(set(config) - set(_CONFIG_FIELDS))
        if unknown:
            raise TypeError(f"Emulator() got unknown option(s) {', '.join(unknown)}; accepted: "
                            f"flavor, port, stream_mode, cassette, {', '.join(_CONFIG_FIELDS[2:])}")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int between 0 and 65535, got {port!r}")
        from ._app import EmuApp

        self.config = EmuConfig(flavor=flavor, stream_mode=stream_mode, **config)
        self.app: EmuApp = EmuApp(self.config)
        if cassette is not None:
            from .._cassette import Cassette

            recording = Cassette(cassette)
            if (recording.flavor or "lowcodeapi") != flavor:
                raise ValueError(f"the recording {recording.path.name!r} was made with flavor="
                                 f"{recording.flavor!r}; pass Emulator(flavor="
                                 f"{recording.flavor!r}, cassette=...)")
            self.app.cassette = recording
        self.port = port
        self._server: Any = None

    def __repr__(self) -> str:
        where = self.url if self.started else "not started (in-process)"
        return f"<Emulator flavor={self.config.flavor!r} {where}>"

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._server is not None

    def start(self) -> Emulator:
        """Serve on 127.0.0.1 in a background thread; returns self."""
        if self._server is None:
            from ._server import EmuServer

            server = EmuServer(self.app, self.port)
            server.start()
            self._server = server
        return self

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses and credentials -----------------------------------------------------------

    @property
    def _suffix(self) -> str:
        return "/openai" if self.config.flavor == "lowcodeapi" else "/v1"

    @property
    def url(self) -> str:
        """Base URL of the running server (``http://127.0.0.1:PORT/openai`` or ``.../v1``)."""
        if self._server is None:
            raise RuntimeError("the emulator is not serving HTTP: call start() (or use `with "
                               "Emulator() as emu:`), or use inprocess_url with transport()")
        return f"http://127.0.0.1:{self._server.port}{self._suffix}"

    @property
    def inprocess_url(self) -> str:
        """Base URL to use with :meth:`transport` / :meth:`async_transport`."""
        return _INPROCESS_HOST + self._suffix

    @property
    def api_token(self) -> str:
        """The credential the emulator accepts (an ``at_`` token, or a bearer key)."""
        if self.config.flavor == "lowcodeapi":
            return self.config.api_tokens[0]
        return self.config.openai_keys[0]

    # -- transports and clients -------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """An in-process synchronous httpx transport (use with :attr:`inprocess_url`)."""
        from ._transport import EmuTransport

        return EmuTransport(self.app)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process asynchronous httpx transport (use with :attr:`inprocess_url`)."""
        from ._transport import EmuAsyncTransport

        return EmuAsyncTransport(self.app)

    def _client_kwargs(self, kw: dict[str, Any], make_http: Any) -> dict[str, Any]:
        kw.setdefault("api_token", self.api_token)
        kw.setdefault("flavor", self.config.flavor)
        if self._server is not None:
            kw.setdefault("base_url", self.url)
        else:
            kw.setdefault("base_url", self.inprocess_url)
            if kw.get("http_client") is None:
                kw["http_client"] = make_http()
                # The in-process httpx client is made for this Client alone: let it close it.
                kw.setdefault("owns_http_client", True)
        return kw

    def client(self, **kw: Any) -> Client:
        """A :class:`lcoai_notebook.Client` pointed at this emulator.

        Over HTTP when started, else in-process. Keyword arguments go to ``Client``.
        """
        import httpx

        from .._client import Client

        return Client(**self._client_kwargs(
            kw, lambda: httpx.Client(transport=self.transport(), timeout=None)))

    def async_client(self, **kw: Any) -> AsyncClient:
        """A :class:`lcoai_notebook.AsyncClient` pointed at this emulator (see :meth:`client`)."""
        import httpx

        from .._client import AsyncClient

        return AsyncClient(**self._client_kwargs(
            kw, lambda: httpx.AsyncClient(transport=self.async_transport(), timeout=None)))
