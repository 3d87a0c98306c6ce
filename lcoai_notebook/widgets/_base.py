"""What every panel shares: the client, the busy state, the one-line error area, token usage,
the task runner, and a readable text repr where widgets cannot render.

A panel subclasses :class:`Panel`, builds its controls, and writes each operation as a coroutine
that talks to the client through ``self.runner.call`` / ``self.runner.iterate``. A gesture calls
:meth:`Panel._gesture` (an asyncio task on the kernel's loop: the kernel never blocks on a click);
the matching twin calls :meth:`Panel._twin` (runs to completion and returns the result).
Everything from a model or a server reaches the page through :mod:`lcoai_notebook._render` or
escaped text only.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import ipywidgets as widgets
import traitlets

from ._errors import describe, retry_after_seconds
from ._runner import Runner, Stopped, running_loop
from ._style import CSS

__all__ = ["Panel", "Throttle", "check_model_name", "default_client", "escape",
           "model_picker", "picked"]

#: Visible retries a panel makes on a rate limit (after the client's own), and the first wait.
PANEL_RETRIES = 2
_FIRST_WAIT = 2.0


def escape(text: Any) -> str:
    """Text as HTML-escaped text (quotes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def check_model_name(model: Any, example: str) -> str:
    """``model`` if it is a non-empty str, else a TypeError naming ``model`` (with ``example``)."""
    if not isinstance(model, str) or not model:
        raise TypeError(f"model must be a non-empty str (e.g. {example!r}), got {model!r}")
    return model


def model_picker(models: list[str], model: str) -> widgets.Dropdown:
    """The "Model" dropdown: ``models`` with ``model`` chosen (offered first when not among
    them: a model asked for by name is always offered)."""
    options = list(models)
    if model not in options:
        options.insert(0, model)
    return widgets.Dropdown(description="Model", options=options, value=model,
                            layout=widgets.Layout(width="320px"))


def picked(picker: widgets.Dropdown) -> str:
    """The string a dropdown of strings shows.

    ipywidgets types ``value`` as possibly None (a dropdown without options); ours always have
    options, so None here is a bug, said as such.
    """
    value = picker.value
    if not isinstance(value, str):
        raise RuntimeError(f"the {picker.description or 'dropdown'} picker shows no option "
                           f"(value {value!r})")
    return value


def default_client(client: Any) -> Any:
    """``client``, or :func:`lcoai_notebook.connect` when None."""
    if client is not None:
        return client
    from .._connect import connect

    return connect()


class Throttle:
    """At most ``rate`` updates a second: ``due()`` says whether to render now.

    The first update is due at once; a final render is the caller's (``flush``) so nothing is lost.
    """

    def __init__(self, rate: float = 20.0, clock: Callable[[], float] | None = None) -> None:
        import time

        self.interval = 1.0 / rate
        self._clock = clock or time.monotonic
        self._last = -1e18

    def due(self) -> bool:
        now = self._clock()
        if now - self._last >= self.interval:
            self._last = now
            return True
        return False


class Panel(widgets.VBox):
    """Base of the panels: a VBox with a title, a busy line and an error line.

    Subclasses set :attr:`title`, put their controls in ``self.body`` (a list of widgets) and list
    the controls to disable while busy in :meth:`_busy_controls`.
    """

    title = "Panel"

    busy = traitlets.Bool(False, help="True while a request runs.").tag(sync=True)
    error = traitlets.Unicode("", help="The one-line message of the last error ('' if none).")

    def __init__(self, client: Any = None, **kwargs: Any) -> None:
        self.client = default_client(client)
        self.runner = Runner(self.client)
        self.last_error: BaseException | None = None
        self._usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        self._style = widgets.HTML(CSS, layout=widgets.Layout(display="none"))
        self._title = widgets.HTML(f'<span class="lco-title">{escape(self.title)}</span>')
        self._status = widgets.HTML("")
        self._error_line = widgets.HTML("")
        self._usage_line = widgets.HTML("")
        super().__init__(**kwargs)
        self.add_class("lco-panel")

    def _layout(self, *rows: widgets.Widget) -> None:
        """Set the panel's children: title, the given rows, then status, error and usage lines."""
        self.children = (self._style, self._title, *rows, self._status, self._error_line,
                         self._usage_line)

    # -- busy ----------------------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        """Controls that make no sense while a request runs (disabled while busy)."""
        return ()

    def _set_busy(self, busy: bool, what: str = "") -> None:
        self.busy = busy
        for control in self._busy_controls():
            # Each control class declares its own `disabled` trait (Widget has none): by name.
            control.set_trait("disabled", busy)
        stop_button = getattr(self, "stop_button", None)
        if stop_button is not None:  # a panel's Stop button works only while busy
            stop_button.disabled = not busy
        self._status.value = (f'<span class="lco-busy">⏳ {escape(what or "working")}…</span>'
                              if busy else "")

    # -- errors and notices ----------------------------------------------------------------------
    def _show_error(self, exc: BaseException) -> None:
        self.last_error = exc
        self.error = describe(exc)
        self._error_line.value = f'<div class="lco-error">⚠ {escape(self.error)}</div>'

    def _notice(self, text: str) -> None:
        self._error_line.value = f'<div class="lco-notice">{escape(text)}</div>' if text else ""

    def _clear_error(self) -> None:
        self.last_error = None
        self.error = ""
        self._error_line.value = ""

    # -- usage ---------------------------------------------------------------------------------
    @property
    def usage(self) -> dict[str, int]:
        """Tokens used by this panel so far: ``prompt_tokens``, ``completion_tokens``,
        ``total_tokens``."""
        return dict(self._usage)

    def _add_usage(self, usage: Any) -> None:
        if not usage:
            return
        get = usage.get if hasattr(usage, "get") else (lambda k, d=0: getattr(usage, k, d))
        prompt = int(get("prompt_tokens", 0) or get("input_tokens", 0) or 0)
        completion = int(get("completion_tokens", 0) or get("output_tokens", 0) or 0)
        total = int(get("total_tokens", 0) or prompt + completion)
        self._usage["prompt_tokens"] += prompt
        self._usage["completion_tokens"] += completion
        self._usage["total_tokens"] += total
        u = self._usage
        self._usage_line.value = (
            f'<span class="lco-muted">tokens: prompt {u["prompt_tokens"]:,} · completion '
            f'{u["completion_tokens"]:,} · total {u["total_tokens"]:,}</span>')

    # -- running operations ------------------------------------------------------------------------
    async def _call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Call the client; on a rate limit wait visibly ("retrying in N s") and try again."""
        from .._exceptions import InsufficientQuotaError, RateLimitError

        for attempt in range(PANEL_RETRIES + 1):
            try:
                return await self.runner.call(fn, *args, **kwargs)
            except RateLimitError as exc:
                if isinstance(exc, InsufficientQuotaError) or attempt == PANEL_RETRIES:
                    raise
                wait = retry_after_seconds(exc, _FIRST_WAIT * 2 ** attempt)
                self._notice(f"Rate limited (429): retrying in {wait:.0f} s…")
                await self.runner.sleep(wait)
                self._notice("")
        raise AssertionError("unreachable")  # pragma: no cover

    async def _guarded(self, coro: Coroutine[Any, Any, Any], what: str, reraise: bool) -> Any:
        """Run one operation with the busy state and the error line around it."""
        self._clear_error()
        self._set_busy(True, what)
        try:
            return await coro
        except Stopped:
            self._notice("Stopped.")
            return None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes the one-line message
            self._show_error(exc)
            if reraise:
                raise
            return None
        finally:
            self._set_busy(False)

    def _quietly(self, action: Callable[[], Any]) -> None:
        """Run a quick gesture that needs no request (export, undo ...); its error goes to the
        error line, never into the notebook."""
        self._clear_error()
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a click never raises into the notebook
            self._show_error(exc)

    def _check_idle(self) -> None:
        if self.runner.busy:
            raise RuntimeError(f"{type(self).__name__} is busy: wait for the running request or "
                               "call stop() first")

    def _gesture(self, make: Callable[[], Coroutine[Any, Any, Any]], what: str) -> Any:
        """Start an operation for a click: errors go to the panel, never to the cell."""
        if self.runner.busy:
            return None
        self._clear_error()
        self._set_busy(True, what)  # at once: the click shows, and a second click is refused
        return self.runner.start(lambda: self._guarded(make(), what, reraise=False))

    def _twin(self, make: Callable[[], Coroutine[Any, Any, Any]], what: str) -> Any:
        """Run an operation to completion for a cell or a test and return its result; errors
        are shown in the panel and raised."""
        self._check_idle()
        return self.runner.run(lambda: self._guarded(make(), what, reraise=True))

    def _soon(self, make: Callable[[], Coroutine[Any, Any, Any]], what: str) -> Any:
        """Housekeeping a panel does by itself (listing models when it is built): with an
        ``AsyncClient`` in a running loop an untracked task (the panel is not busy meanwhile),
        otherwise now. Errors only go to the error line."""
        loop = running_loop()
        if self.runner.is_async and loop is not None:
            async def quietly() -> Any:
                try:
                    return await make()
                except Exception as exc:  # noqa: BLE001 - shown in the panel
                    self._show_error(exc)
                    return None

            return loop.create_task(quietly())
        try:
            return self._twin(make, what)
        except Exception:  # noqa: BLE001 - already shown in the panel
            return None

    def stop(self) -> bool:
        """Stop the running request, if any; True when one was running."""
        return self.runner.stop()

    # -- where widgets cannot render -------------------------------------------------------------
    def _text_summary(self) -> str:
        """A few plain lines for nbconvert, GitHub and terminals."""
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/plain"] = self._text_summary()
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._text_summary().splitlines()[0]}>"
