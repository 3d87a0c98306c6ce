"""An ASGI app served by uvicorn in a daemon thread: the emulator's server and the workshop
relay both run this way, on a socket bound before the thread starts (so the port is known at
once, and ``port=0`` picks a free one)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal

__all__ = ["ThreadedServer"]


class ThreadedServer:
    """Serve ``app`` on ``host:port`` in a thread named ``name``; ``what`` names the server in
    the error raised when it does not start.

    ``lifespan`` is uvicorn's setting (``"on"`` sends the app startup/shutdown events);
    ``graceful`` is how long stopping waits for requests in flight.
    """

    def __init__(self, app: Any, host: str, port: int, *, name: str, what: str,
                 lifespan: Literal["auto", "on", "off"] = "off", graceful: int = 2) -> None:
        self.asgi_app = app
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._name = name
        self._what = what
        self._lifespan: Literal["auto", "on", "off"] = lifespan
        self._graceful = graceful
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> int:
        """Bind, start serving and wait until uvicorn is ready; returns the bound port."""
        import uvicorn

        if self.running and self.port is not None:
            return self.port
        family = socket.AF_INET6 if ":" in self.host.strip("[]") else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host.strip("[]"), self.requested_port))
        except OSError:
            sock.close()
            raise
        self._sock = sock
        port: int = sock.getsockname()[1]
        self.port = port
        config = uvicorn.Config(
            self.asgi_app, http="h11", loop="asyncio", ws="none", lifespan=self._lifespan,
            interface="asgi3", log_config=None, access_log=False,
            timeout_graceful_shutdown=self._graceful,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"{self._name}-{port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self._what} did not start on {self.host}:{port}")
            time.sleep(0.005)
        return port

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread to end (forcing it after ``timeout``)."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive() and server is not None:
                server.force_exit = True
                thread.join(timeout)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None
