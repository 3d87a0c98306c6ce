"""``ComparePanel``: one prompt, several models answering side by side.

Each model's reply streams into its own column at the same time (one asyncio task per model,
gathered; over a sync ``Client`` each stream is pumped in its own worker thread, so they overlap),
rendered as inert Markdown with front-end updates throttled like the chat panel's. Under each
reply: seconds to the first token and in all, tokens, and the estimated cost from the model
table's prices (blank when the table has no price: never guessed). A "Better" button per column
marks the preferred answer; Stop stops every stream and keeps the partial replies, marked
stopped. The results are a pandas DataFrame, one row per model.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import time
from collections.abc import Iterable, Sequence
from typing import Any

import ipywidgets as widgets

from .. import _catalog
from .._pricing import chat_cost
from .._render import markdown_html
from ._base import Panel, Throttle, escape
from ._errors import describe
from ._prompt import PromptBox
from ._runner import Stopped
from .chat import chat_models, is_reasoning_model

__all__ = ["ComparePanel"]

DEFAULT_MODELS = ("gpt-5.4-mini", "gpt-4.1-mini")
#: Columns of :attr:`ComparePanel.results`, in order (``better`` is added once a mark is set).
COLUMNS = ("model", "reply", "seconds", "prompt_tokens", "completion_tokens", "tokens", "cost",
           "stopped", "error")
#: Request fields the panel sets itself; passing them to ``compare`` is refused.
_OWN_PARAMS = ("model", "messages", "stream", "stream_options", "n")


def _today() -> _dt.date:
    return _dt.date.today()


def _current_chat_models(today: _dt.date) -> list[str]:
    return chat_models(_catalog.models_of_kind("chat"), today)


def check_chat_model(model: Any, today: _dt.date, name: str = "model") -> str:
    """``model`` if it may answer a chat request today, else a ValueError/TypeError naming
    ``name`` and the current chat models.

    A model the table knows must be a chat model that has not reached its shutdown date; an id
    the table does not know is passed through (the lineup changes faster than the table).
    """
    if not isinstance(model, str) or not model.strip():
        raise TypeError(f"{name} must be a non-empty model id string; got {model!r}")
    info = _catalog.model_info(model)
    if info is None:
        return model
    current = _current_chat_models(today)
    accepted = f"current chat models: {', '.join(current)}"
    if info.get("kind") != "chat":
        raise ValueError(f"{name}: {model!r} is not a chat model (the model table lists it as "
                         f"{info.get('kind')}); {accepted}")
    if model not in current:
        raise ValueError(f"{name}: {model!r} was retired on {info.get('shutdown_date')}; "
                         f"{accepted}")
    return model


def check_models(models: Any, today: _dt.date) -> list[str]:
    """``models`` as a list of distinct model ids, each checked by :func:`check_chat_model`."""
    if isinstance(models, str) or not isinstance(models, Sequence):
        raise TypeError(f"models must be a list of model ids, e.g. {list(DEFAULT_MODELS)}; got "
                        f"{type(models).__name__}")
    out: list[str] = []
    for model in models:
        check_chat_model(model, today, "models")
        if model in out:
            raise ValueError(f"models lists {model!r} twice; each model gets one column")
        out.append(model)
    if not out:
        raise ValueError("models must name at least one model; current chat models: "
                         f"{', '.join(_current_chat_models(today))}")
    return out


def _check_params(models: list[str], params: dict[str, Any]) -> dict[str, Any]:
    own = [k for k in params if k in _OWN_PARAMS]
    if own:
        raise ValueError(f"compare() sets {', '.join(own)} itself; pass other chat.completions"
                         " parameters (temperature, max_completion_tokens, seed, ...)")
    if params.get("temperature") is not None:
        refusing = [m for m in models if _catalog.model_info(m) is not None
                    and is_reasoning_model(m)]
        if refusing:
            raise ValueError(f"temperature is not accepted by reasoning models "
                             f"({', '.join(refusing)}); leave it out or compare models that take"
                             " it")
    return params


class _Column:
    """One model's column: its widgets and the row of results it fills."""

    def __init__(self, panel: ComparePanel, model: str) -> None:
        self.model = model
        self.header = widgets.HTML(f'<span class="lco-title">{escape(model)}</span>')
        self.reply = widgets.HTML("", layout=widgets.Layout(width="100%"))
        self.stats = widgets.HTML("")
        self.better = widgets.Button(description="Better", icon="thumbs-up",
                                     tooltip=f"Mark {model}'s answer as the better one",
                                     layout=widgets.Layout(width="auto"))
        self.better.on_click(lambda _b: panel._quietly(lambda: panel.mark(model)))
        self.box = widgets.VBox([self.header, self.reply, self.stats, self.better],
                                layout=widgets.Layout(flex="1 1 0", min_width="220px",
                                                      margin="0 4px"))
        self.box.add_class("lco-card")
        self.row: dict[str, Any] = {}
        self.first_token: float | None = None
        self.error_exc: BaseException | None = None

    def reset(self) -> None:
        self.row = {"model": self.model, "reply": "", "seconds": None, "prompt_tokens": None,
                    "completion_tokens": None, "tokens": None, "cost": None, "stopped": False,
                    "error": None}
        self.first_token = None
        self.error_exc = None
        self.reply.value = self.reply_html(pending=True)
        self.stats.value = ""

    def reply_html(self, pending: bool = False) -> str:
        text = self.row.get("reply") or ""
        body = markdown_html(text) if text else (
            '<p class="lco-muted">…</p>' if pending else "")
        mark = ('<div class="lco-stopped">⏹ stopped — the reply was cut short</div>'
                if self.row.get("stopped") else "")
        error = (f'<div class="lco-error">⚠ {escape(self.row["error"])}</div>'
                 if self.row.get("error") else "")
        return f'<div class="lco-msg lco-assistant">{body}{mark}{error}</div>'

    def stats_html(self) -> str:
        row = self.row
        parts = []
        if self.first_token is not None:
            parts.append(f"first token {self.first_token:.2f} s")
        if row["seconds"] is not None:
            parts.append(f"{row['seconds']:.2f} s")
        if row["tokens"] is not None:
            parts.append(f"{row['tokens']:,} tokens ({row['prompt_tokens']:,} in · "
                         f"{row['completion_tokens']:,} out)")
        if row["cost"] is not None:
            parts.append(f"${row['cost']:.6f}")
        elif row["tokens"] is not None:
            parts.append("cost: no price known")
        return f'<span class="lco-muted">{escape(" · ".join(parts))}</span>'


class ComparePanel(Panel):
    """Several chat models answer one prompt side by side, streaming at the same time.

    Parameters
    ----------
    models : list of str, default ["gpt-5.4-mini", "gpt-4.1-mini"]
        The models to compare, one column each. Models the model table knows must be current
        chat models; unknown ids are passed through.
    client : Client or AsyncClient, optional
        Defaults to :func:`lcoai_notebook.connect` (the offline emulator when no token is set).
    today : datetime.date, optional
        The date used to refuse retired models (for tests; defaults to today).

    Examples
    --------
    >>> panel = ComparePanel(models=["gpt-5.4-mini", "gpt-4.1-mini"])  # doctest: +SKIP
    >>> panel  # doctest: +SKIP
    >>> panel.compare("Explain cosine similarity in two sentences.")  # doctest: +SKIP
    >>> panel.mark("gpt-4.1-mini")  # doctest: +SKIP
    """

    title = "Compare models"

    def __init__(self, models: Sequence[str] = DEFAULT_MODELS, client: Any = None, *,
                 today: _dt.date | None = None, **kwargs: Any) -> None:
        self._today = today or _today()
        # Checked before connecting, so a typo costs no emulator start or network.
        self.models = check_models(models, self._today)
        super().__init__(client, **kwargs)
        self._columns = [_Column(self, m) for m in self.models]
        self._better: str | None = None
        self._prompt_text: str | None = None

        self.prompt = PromptBox(placeholder="One prompt for every model — Enter sends, "
                                "Shift+Enter adds a line", rows=3)
        self.send_button = widgets.Button(description="Compare", button_style="primary",
                                          icon="paper-plane", tooltip="Send to every model (Enter)",
                                          layout=widgets.Layout(width="auto"))
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True,
                                          tooltip="Stop every reply; the parts so far are kept",
                                          layout=widgets.Layout(width="auto"))
        self.prompt.on_submit(lambda _box: self._on_send())
        self.send_button.on_click(lambda _b: self._on_send())
        self.stop_button.on_click(lambda _b: self.stop())
        self.columns = widgets.HBox([c.box for c in self._columns],
                                    layout=widgets.Layout(width="100%", align_items="stretch"))
        actions = widgets.HBox([self.send_button, self.stop_button])
        self._layout(self.prompt, actions, self.columns)

    # -- busy --------------------------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        return (self.send_button, *(c.better for c in self._columns))

    # -- gestures and twins ------------------------------------------------------------------------
    def _on_send(self) -> None:
        text = self.prompt.value
        if not text.strip() or self.runner.busy:
            return
        # The prompt stays in the box: comparing again after a tweak is the common next step.
        self._gesture(lambda: self._compare(text, None, {}), "comparing")

    def compare(self, prompt: str, *, system: str | None = None, **params: Any) -> Any:
        """Send ``prompt`` to every model at once; returns the results DataFrame.

        Parameters
        ----------
        prompt : str
            The user message.
        system : str, optional
            A system message sent first to every model.
        **params
            Other ``chat.completions.create`` parameters (``temperature``,
            ``max_completion_tokens``, ``seed`` ...), the same for every model.

        Returns
        -------
        pandas.DataFrame
            One row per model, see :attr:`results` (an awaitable of it with an
            ``AsyncClient`` in a notebook cell). Replies cut short by :meth:`stop` are kept,
            with ``stopped`` True.
        """
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError("prompt must be a non-empty string (the user message to send)")
        if system is not None and not isinstance(system, str):
            raise TypeError(f"system must be a str or None; got {type(system).__name__}")
        params = _check_params(self.models, params)
        return self._twin(lambda: self._compare(prompt, system, params), "comparing")

    def mark(self, model: str | None) -> Any:
        """Mark ``model``'s answer as the better one (None clears the mark); returns
        :attr:`results` with a ``better`` column."""
        self._check_idle()
        self._set_mark(model)
        return self.results

    def _set_mark(self, model: str | None) -> None:
        if model is not None and model not in self.models:
            raise ValueError(f"model must be one of {', '.join(self.models)} (or None); got "
                             f"{model!r}")
        if model is not None and self._prompt_text is None:
            raise ValueError("there is nothing to mark yet: compare the models first")
        self._better = model
        for column in self._columns:
            marked = column.model == model
            column.better.button_style = "success" if marked else ""
            column.better.description = "Better ✓" if marked else "Better"

    @property
    def better(self) -> str | None:
        """The model marked better, or None."""
        return self._better

    @property
    def results(self) -> Any:
        """The last comparison as a pandas DataFrame, one row per model.

        Columns: ``model``, ``reply``, ``seconds`` (request to last token), ``prompt_tokens``,
        ``completion_tokens``, ``tokens``, ``cost`` (USD estimate from the model table; NaN when
        the model has no known price or the reply was stopped before its usage came),
        ``stopped``, ``error`` (one line, or None); and ``better`` (bool) once a model is marked.
        """
        import pandas as pd

        rows = [dict(c.row) for c in self._columns if c.row]
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        for name in ("seconds", "cost"):
            frame[name] = frame[name].astype(float)
        for name in ("prompt_tokens", "completion_tokens", "tokens"):
            frame[name] = frame[name].astype("Int64")
        if self._better is not None:
            frame["better"] = frame["model"] == self._better
        return frame

    # -- one comparison ----------------------------------------------------------------------------
    async def _compare(self, prompt: str, system: str | None,
                       params: dict[str, Any]) -> Any:
        self._prompt_text = prompt
        self._set_mark(None)  # a new comparison: the old mark said nothing about these replies
        messages = ([{"role": "system", "content": system}] if system else []) + \
            [{"role": "user", "content": prompt}]
        for column in self._columns:
            column.reset()
        await asyncio.gather(*(self._answer(c, messages, params) for c in self._columns))
        errors = [c.error_exc for c in self._columns if c.error_exc is not None]
        if errors and len(errors) == len(self._columns):
            raise errors[0]  # nothing came back: the twin raises, the error line says why
        if errors:
            self._show_error(errors[0])
        elif any(c.row["stopped"] for c in self._columns):
            self._notice("Stopped — the partial replies are kept.")
        return self.results

    async def _answer(self, column: _Column, messages: list[dict[str, Any]],
                      params: dict[str, Any]) -> None:
        from .._exceptions import StreamInterruptedError

        row = column.row
        throttle = Throttle(20)
        usage: Any = None
        start = time.monotonic()
        try:
            stream = await self._call(
                self.client.chat.completions.create, model=column.model, messages=messages,
                stream=True, stream_options={"include_usage": True}, **params)
            async for chunk in self.runner.iterate(stream):
                grew = False
                for choice in chunk.choices or ():
                    if choice.index == 0 and choice.delta is not None and choice.delta.content:
                        if column.first_token is None:
                            column.first_token = time.monotonic() - start
                        row["reply"] += choice.delta.content
                        grew = True
                if chunk.usage:
                    usage = chunk.usage
                # Only new text spends the throttle: the first words show at once.
                if grew and throttle.due():
                    column.reply.value = column.reply_html(pending=True)
        except (Stopped, asyncio.CancelledError) as exc:
            # Stop (or a cancelled task): keep what arrived, marked stopped.
            row["stopped"] = True
            if isinstance(exc, asyncio.CancelledError):
                raise
        except StreamInterruptedError as exc:
            row["reply"] = row["reply"] or (exc.text or "")
            row["stopped"] = True
            row["error"] = describe(exc)
            column.error_exc = exc
        except Exception as exc:  # noqa: BLE001 - one model failing leaves the others' replies
            row["error"] = describe(exc)
            column.error_exc = exc
        finally:
            row["seconds"] = time.monotonic() - start
            if usage:
                self._add_usage(usage)
                row["prompt_tokens"] = int(usage.prompt_tokens or 0)
                row["completion_tokens"] = int(usage.completion_tokens or 0)
                row["tokens"] = int(usage.total_tokens or
                                    row["prompt_tokens"] + row["completion_tokens"])
                row["cost"] = chat_cost(column.model, usage)
            column.reply.value = column.reply_html()
            column.stats.value = column.stats_html()

    # -- text repr ---------------------------------------------------------------------------------
    def _text_summary(self) -> str:
        lines = [f"ComparePanel · {' vs '.join(self.models)}"]
        if self._prompt_text is not None:
            prompt = " ".join(self._prompt_text.split())
            lines.append(f"prompt: {prompt[:99] + '…' if len(prompt) > 100 else prompt}")
        for column in self._columns:
            row = column.row
            if not row:
                continue
            reply = " ".join(str(row["reply"]).split())
            if len(reply) > 100:
                reply = reply[:99] + "…"
            notes = [f"{row['seconds']:.2f} s" if row["seconds"] is not None else "",
                     f"{row['tokens']} tokens" if row["tokens"] is not None else "",
                     f"${row['cost']:.6f}" if row["cost"] is not None else "",
                     "stopped" if row["stopped"] else "", "better" if
                     column.model == self._better else "", row["error"] or ""]
            lines.append(f"{column.model} ({', '.join(n for n in notes if n)}): {reply}")
        return "\n".join(lines)
