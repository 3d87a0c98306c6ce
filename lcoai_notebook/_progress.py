"""Long-running operations for notebooks: a progress bar, and one polling flow for sync and async.

Two small pieces used by ``fine_tuning.jobs.wait``, ``batches.wait`` / ``batches.run``,
``beta.threads.runs.poll`` (and the embedding toolkit):

- :func:`progress_bar` gives a notebook-aware ``tqdm.auto`` bar, or a silent stand-in with the same
  methods when progress is off (so callers never branch on it). tqdm is imported only when a bar is
  actually shown, which keeps ``import lcoai_notebook`` light.
- :func:`run_flow` drives a *flow*: a generator that describes a multi-round-trip operation as a
  sequence of steps (``yield spec`` to send a request and receive its result, ``yield Sleep(s)`` to
  pause) and returns its value. The same generator runs under a sync requester (blocking sleeps)
  and an async one (``asyncio.sleep``), so the twins share one body of logic and cannot drift.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from ._exceptions import WaitTimeoutError

__all__ = [
    "FIRST_POLL", "NullBar", "Sleep", "check_polling", "monotonic", "poll_flow", "progress_bar",
    "run_flow", "set_total",
]


class NullBar:
    """A do-nothing stand-in for a tqdm bar (``progress=False``)."""

    n: float = 0
    total: float | None = None

    def update(self, n: float = 1) -> None:
        self.n += n

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass

    def reset(self, total: float | None = None) -> None:
        self.n = 0
        if total is not None:
            self.total = total

    def close(self) -> None:
        pass

    def __enter__(self) -> NullBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def progress_bar(
    total: float | None = None,
    *,
    desc: str = "",
    unit: str = "it",
    enabled: bool = True,
    leave: bool = True,
    bar_format: str | None = None,
) -> Any:
    """A progress bar that renders as a widget in Jupyter and as text in a terminal.

    Parameters
    ----------
    total : float or None
        The expected number of units; None for a bar that only counts (status bars).
    desc : str
        The label shown before the bar.
    unit : str
        The unit name shown in the rate.
    enabled : bool
        False returns a :class:`NullBar` that shows nothing.
    leave : bool
        Keep the finished bar on screen.
    bar_format : str, optional
        tqdm's layout string (status bars use ``"{desc} [{elapsed}]"``).

    Returns
    -------
    tqdm.auto.tqdm or NullBar
        Supports ``update``, ``set_description_str``, ``set_postfix_str``, ``refresh``,
        ``reset``, ``close`` and use as a context manager; ``.n`` may be assigned (then
        ``refresh``), and a total learned later goes through :func:`set_total`.
    """
    if not enabled:
        bar = NullBar()
        bar.total = total
        return bar
    import warnings

    with warnings.catch_warnings():
        # tqdm.auto falls back to the text bar when ipywidgets cannot render (e.g. a plain
        # terminal) and says so with a TqdmWarning; that is the intended behaviour, not a problem.
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

        return tqdm(
            total=total, desc=desc, unit=unit, leave=leave, dynamic_ncols=True,
            bar_format=bar_format,
        )


def set_total(bar: Any, total: float) -> None:
    """Give a running bar the total it learned late (a batch's request count).

    Assigning ``bar.total`` is not enough in Jupyter: the widget keeps the maximum it was built
    with (a full "unknown total" bar). tqdm's ``reset`` resizes it; the elapsed time is kept.
    """
    start = getattr(bar, "start_t", None)
    bar.reset(total=total)
    if start is not None:
        bar.start_t = start


@dataclass(frozen=True)
class Sleep:
    """A flow step: pause for ``seconds`` (``time.sleep`` or ``asyncio.sleep``)."""

    seconds: float


Flow = Generator[Any, Any, Any]


def run_flow(requester: Any, flow: Flow) -> Any:
    """Run ``flow`` over ``requester``: the result under a sync requester, a coroutine under an
    async one (``requester.is_async``).

    The flow yields a :class:`~lcoai_notebook._http.RequestSpec` to have it sent (the result is
    sent back into the generator, an API error is thrown into it) or a :class:`Sleep`.
    """
    if getattr(requester, "is_async", False):
        return _run_async(requester, flow)
    return _run_sync(requester, flow)


def _run_sync(requester: Any, flow: Flow) -> Any:
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            step = flow.throw(error) if error is not None else flow.send(value)
            value, error = None, None
            if isinstance(step, Sleep):
                if step.seconds > 0:
                    time.sleep(step.seconds)
                continue
            try:
                value = requester.request(step)
            except Exception as exc:  # handed to the flow, which may handle or re-raise it
                error = exc
    except StopIteration as stop:
        return stop.value
    finally:
        flow.close()


# _run_sync's twin, awaiting where it calls (deliberate: the flow makes every decision).
async def _run_async(requester: Any, flow: Flow) -> Any:
    import asyncio

    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            step = flow.throw(error) if error is not None else flow.send(value)
            value, error = None, None
            if isinstance(step, Sleep):
                await asyncio.sleep(max(step.seconds, 0))
                continue
            try:
                value = await requester.request(step)
            except Exception as exc:
                error = exc
    except StopIteration as stop:
        return stop.value
    finally:
        flow.close()


def monotonic() -> float:
    """The clock the polling flows measure timeouts with (a seam for tests)."""
    return time.monotonic()


#: The first pause of a polling loop, in seconds (later pauses double up to ``poll_interval``).
FIRST_POLL = 0.25


def check_polling(poll_interval: float, timeout: float | None) -> None:
    """Validate the polling arguments shared by every ``wait``/``poll`` method."""
    if isinstance(poll_interval, bool) or not isinstance(poll_interval, (int, float)) or not (
        poll_interval > 0
    ):
        raise ValueError(f"poll_interval must be a number of seconds > 0, got {poll_interval!r}")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not (timeout > 0)
    ):
        raise ValueError(f"timeout must be a number of seconds > 0 or None, got {timeout!r}")


def poll_flow(
    spec: Any,
    *,
    done: Any,
    poll_interval: float,
    timeout: float | None,
    what: str,
    on_update: Any = None,
) -> Flow:
    """A flow that sends ``spec`` until ``done(obj)`` and returns that object.

    ``on_update(obj)`` sees every polled object (progress bars). After ``timeout`` seconds a
    :class:`~lcoai_notebook.WaitTimeoutError` (also a ``TimeoutError``) names ``what`` and the
    last status; the object keeps running upstream.
    The pauses start at ``FIRST_POLL`` seconds and double up to ``poll_interval``, so a job
    that finishes in a second (the emulator's, or a tiny batch) is not kept waiting a whole
    interval, while a long one is still polled only every ``poll_interval`` seconds.
    """
    start = monotonic()
    pause = min(FIRST_POLL, poll_interval)
    while True:
        obj = yield spec
        if on_update is not None:
            on_update(obj)
        if done(obj):
            return obj
        elapsed = monotonic() - start
        if timeout is not None and elapsed >= timeout:
            status = obj.get("status") if hasattr(obj, "get") else None
            raise WaitTimeoutError(
                f"{what} is still {status!r} after {timeout:g} s (it keeps running; "
                f"call wait again to keep waiting)"
            )
        delay = pause if timeout is None else min(pause, timeout - elapsed)
        pause = min(pause * 2, poll_interval)
        yield Sleep(delay)
