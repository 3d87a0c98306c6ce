"""Run a panel's work without blocking the kernel, over a sync ``Client`` or an ``AsyncClient``.

A panel writes each operation once, as a coroutine, and calls the client through
:meth:`Runner.call` and :meth:`Runner.iterate`:

- with an ``AsyncClient`` they await the client directly;
- with a sync ``Client`` the blocking call runs in a worker thread (``asyncio.to_thread``), and a
  stream is pumped by one worker thread into an ``asyncio.Queue``, so the event loop stays free.

The same coroutine then serves two callers:

- a *gesture* (a click) becomes an ``asyncio`` task on the kernel's running loop
  (:meth:`Runner.start`): other clicks, Stop among them, are handled while it runs;
- a *twin* (``panel.send(...)`` from a cell or a test) runs it to completion and returns its
  result (:meth:`Runner.run`). A notebook cell already runs inside the kernel's loop, which cannot
  be re-entered, so with a sync ``Client`` twins run on one shared background loop and the cell
  waits for them (trait changes made there still reach the page as they happen); with an
  ``AsyncClient`` a twin called in a cell returns a task to ``await``, so the client stays on
  the kernel's loop.

``stop()`` stops whatever the panel is running, from any thread (see :class:`Runner`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

__all__ = ["Runner", "Stopped", "is_async_client", "running_loop", "worker_loop"]

_WORKER: asyncio.AbstractEventLoop | None = None
_WORKER_LOCK = threading.Lock()


def worker_loop() -> asyncio.AbstractEventLoop:
    """The one background event loop that twins run on (a daemon thread, started on first use)."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None or _WORKER.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="lcoai-panels", daemon=True)
            thread.start()
            _WORKER = loop
        return _WORKER


def running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def is_async_client(client: Any) -> bool:
    """True for an ``AsyncClient`` (its methods return awaitables)."""
    from .._client import AsyncClient

    return isinstance(client, AsyncClient)


class Stopped(Exception):
    """Raised inside a panel operation when :meth:`Runner.stop` is called."""


class Runner:
    """Runs one panel's operations, one at a time; see the module docstring.

    Stop is cooperative: :meth:`stop` sets an event that every wait in :meth:`call` and
    :meth:`iterate` races against, and they raise :class:`Stopped`, which the panel turns into a
    partial result. (Cancelling the task instead would lose that result: a task cancelled just
    as its coroutine returns ends cancelled.)
    """

    def __init__(self, client: Any) -> None:
        self.is_async = is_async_client(client)
        self.task: asyncio.Task[Any] | None = None
        self.stopping = False
        self._stop_event: asyncio.Event | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done()

    async def _unless_stopped(self, awaitable: Awaitable[Any]) -> Any:
        """Await ``awaitable``, or raise :class:`Stopped` as soon as :meth:`stop` is called."""
        if self.stopping:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise Stopped
        future = asyncio.ensure_future(awaitable)
        event = self._stop_event
        if event is None:
            return await future
        stopper = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({future, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        if future.done():
            return future.result()
        future.cancel()
        raise Stopped

    async def sleep(self, seconds: float) -> None:
        """Wait, unless stopped first."""
        await self._unless_stopped(asyncio.sleep(seconds))

    # -- calling the client ------------------------------------------------------------------------
    async def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` without blocking the loop."""
        if self.is_async:
            return await self._unless_stopped(fn(*args, **kwargs))
        return await self._unless_stopped(asyncio.to_thread(fn, *args, **kwargs))

    async def iterate(self, stream: Any) -> AsyncIterator[Any]:
        """The items of a client stream (sync or async); the stream is closed when the loop
        ends, breaks, or is stopped (:class:`Stopped` is raised then)."""
        if self.is_async:
            try:
                while True:
                    try:
                        item = await self._unless_stopped(stream.__anext__())
                    except StopAsyncIteration:
                        break
                    yield item
            finally:
                await stream.aclose()
            return
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()
        stop = threading.Event()

        def put(kind: int, item: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, (kind, item))
            except RuntimeError:  # the loop has closed: nobody is listening any more
                stop.set()

        def pump() -> None:
            try:
                for item in stream:
                    if stop.is_set():
                        break
                    put(0, item)
                put(1, None)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
                put(2, exc)
            finally:
                stream.close()

        loop.run_in_executor(None, pump)
        try:
            while True:
                kind, item = await self._unless_stopped(queue.get())
                if kind == 0:
                    yield item
                elif kind == 1:
                    break
                else:
                    raise item
        finally:
            # Tell the pump to stop; it closes the stream itself, in its own thread.
            stop.set()

    # -- gestures and twins ------------------------------------------------------------------------
    def start(self, make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        """Run ``make()`` for a gesture: a task on the running loop, else to completion."""
        if running_loop() is None:
            return self.run(make)
        task = asyncio.get_running_loop().create_task(self._track(make()))
        self.task = task  # busy from now on, not only once the task has first run
        # A gesture's errors are shown by the panel; fetch them so asyncio does not log them.
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return task

    def run(self, make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        """Run ``make()`` to completion and return its result (a twin).

        With an ``AsyncClient`` called where a loop already runs (a notebook cell), the
        operation becomes a task on that loop and the task is returned: ``await`` it for the
        result, as with the client's own methods. An ``httpx.AsyncClient`` must stay on one
        event loop, and the kernel's is the one its owner's cells use.
        """
        loop = running_loop()
        if loop is not None and loop is worker_loop():
            raise RuntimeError("a panel twin cannot wait for itself on the panels' loop; "
                               "await the panel's async method instead")
        if loop is not None and self.is_async:
            task = loop.create_task(self._track(make()))
            self.task = task
            # Whoever awaits the task still gets its error; nobody awaiting is not an error.
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            return task
        future = asyncio.run_coroutine_threadsafe(self._track(make()), worker_loop())
        try:
            return future.result()
        except KeyboardInterrupt:
            # Interrupting the kernel stops the operation, which then ends with its partial
            # result in the panel.
            self.stop()
            raise

    async def _track(self, coro: Awaitable[Any]) -> Any:
        self.task = asyncio.current_task()
        self.stopping = False
        self._stop_event = asyncio.Event()
        try:
            return await coro
        finally:
            self.task = None
            self._stop_event = None

    def stop(self) -> bool:
        """Stop the running operation, if any (from any thread); True when there was one."""
        task, event = self.task, self._stop_event
        if task is None or task.done() or event is None:
            return False
        self.stopping = True
        loop = task.get_loop()
        if running_loop() is loop:
            event.set()
        else:
            loop.call_soon_threadsafe(event.set)
        return True
