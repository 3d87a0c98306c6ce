"""``ChatPanel``: a streaming chat box.

The reply streams into the conversation, rendered as inert Markdown (raw HTML escaped, no images,
http(s)/mailto links only) with front-end updates throttled to about 20 a second. Stop keeps the
partial reply, marked stopped. The conversation is ``history`` (OpenAI-style message dicts, the
system prompt first when set); it exports to JSON or Markdown, loads back from JSON, and with
``autosave=path`` is written after every exchange, so a kernel restart loses nothing.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .. import _catalog
from .._pricing import chat_cost
from .._render import markdown_html
from ._base import Panel, Throttle, escape, picked
from ._prompt import PromptBox
from ._runner import Stopped

__all__ = ["ChatPanel"]

#: Preferred defaults, newest first; the first one the service lists (and the table does not
#: retire) is picked when no model is given.
_PREFERRED = ("gpt-5.4-mini", "gpt-5.4", "gpt-5.5", "gpt-5.2", "gpt-5.1", "gpt-4.1-mini",
              "gpt-4o-mini")
_CHAT_ID = re.compile(r"^(gpt-|chatgpt-|o\d|ft:gpt-|ft:o\d)")
_NOT_CHAT = re.compile(r"(embedding|tts|whisper|dall-e|moderation|image|transcribe|realtime|"
                       r"audio|search|instruct|sora|computer-use)")
_REASONING_ID = re.compile(r"^(ft:)?(o\d|gpt-5)")
_EFFORTS = ("default", "minimal", "low", "medium", "high")
#: Keys of a message the API accepts; anything else in ``history`` (``stopped``) stays local.
_WIRE_KEYS = ("role", "content", "name", "tool_calls", "tool_call_id", "refusal")
_EXPORT_VERSION = 1


def _today() -> _dt.date:
    return _dt.date.today()


def _shutdown(model: str) -> _dt.date | None:
    info = _catalog.model_info(model) or {}
    raw = info.get("shutdown_date")
    return _dt.date.fromisoformat(raw) if raw else None


def is_chat_model(model: str) -> bool:
    """Whether ``model`` takes chat completions (the table's word, else its id's shape)."""
    info = _catalog.model_info(model)
    if info is not None:
        return info.get("kind") == "chat"
    return bool(_CHAT_ID.match(model)) and not _NOT_CHAT.search(model)


def is_reasoning_model(model: str) -> bool:
    """Reasoning models take ``reasoning_effort`` and refuse ``temperature``."""
    info = _catalog.model_info(model)
    if info is not None and "reasoning" in info:
        return bool(info["reasoning"])
    return bool(_REASONING_ID.match(model))


def chat_models(listed: Iterable[str], today: _dt.date) -> list[str]:
    """The chat models among ``listed`` that have not reached their shutdown date, sorted with
    current models (no shutdown date) first."""
    keep = []
    for model in dict.fromkeys(listed):
        if not is_chat_model(model):
            continue
        end = _shutdown(model)
        if end is not None and end <= today:
            continue
        keep.append(model)
    return sorted(keep, key=lambda m: (_shutdown(m) is not None, _shutdown(m) or today, m))


def default_model(models: list[str]) -> str | None:
    for model in _PREFERRED:
        if model in models:
            return model
    return models[0] if models else None


class ChatPanel(Panel):
    """A streaming chat box over a client.

    Parameters
    ----------
    client : Client or AsyncClient, optional
        Defaults to :func:`lcoai_notebook.connect` (the offline emulator when no token is set).
    model : str, optional
        The model to start with; by default a current chat model the service lists.
    system : str, optional
        The system prompt.
    temperature : float, optional
        0–2, for models that take it (reasoning models do not).
    max_completion_tokens : int, optional
        A cap on each reply's length.
    reasoning_effort : {"minimal", "low", "medium", "high"}, optional
        For reasoning models.
    seed : int, optional
        Sent with every request, for replies that repeat (where the model honours it).
    autosave : str or Path, optional
        A JSON file written after every exchange; if it exists the panel starts from it.
    today : datetime.date, optional
        The date used to hide retired models (for tests; defaults to today).

    Examples
    --------
    >>> chat = ChatPanel()  # doctest: +SKIP
    >>> chat  # doctest: +SKIP
    >>> chat.send("Name three uses of embeddings.")  # doctest: +SKIP
    """

    title = "Chat"

    def __init__(self, client: Any = None, *, model: str | None = None,
                 system: str | None = None, temperature: float | None = None,
                 max_completion_tokens: int | None = None,
                 reasoning_effort: str | None = None, seed: int | None = None,
                 autosave: str | os.PathLike | None = None,
                 today: _dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self._today = today or _today()
        self._messages: list[dict[str, Any]] = []
        self._bubbles: list[widgets.HTML] = []
        self.autosave = None if autosave is None else Path(autosave)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"seed must be an int or None; got {type(seed).__name__}")
        self.seed = seed
        if reasoning_effort is not None and reasoning_effort not in _EFFORTS[1:]:
            raise ValueError(f"reasoning_effort must be one of {', '.join(_EFFORTS[1:])}; got "
                             f"{reasoning_effort!r}")

        self.model_picker = widgets.Dropdown(description="Model", options=[],
                                             layout=widgets.Layout(width="300px"))
        self.system_box = widgets.Textarea(value=system or "", placeholder="System prompt "
                                           "(optional): how the assistant should behave",
                                           rows=2, layout=widgets.Layout(width="100%"))
        self.temperature = widgets.FloatSlider(value=1.0 if temperature is None else temperature,
                                               min=0.0, max=2.0, step=0.1,
                                               description="Temperature", readout_format=".1f",
                                               style={"description_width": "initial"})
        self.effort = widgets.Dropdown(description="Reasoning effort", options=_EFFORTS,
                                       value=reasoning_effort or "default",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="240px"))
        self.max_tokens = widgets.BoundedIntText(
            value=max_completion_tokens or 0, min=0, max=1_000_000, description="Max tokens",
            tooltip="0 = no limit", style={"description_width": "initial"},
            layout=widgets.Layout(width="180px"))
        self.conversation = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.conversation.add_class("lco-log")
        self.prompt = PromptBox(placeholder="Ask something — Enter sends, Shift+Enter adds a "
                                "line", rows=3)
        self.send_button = widgets.Button(description="Send", button_style="primary",
                                          icon="paper-plane", tooltip="Send (Enter)")
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True,
                                          tooltip="Stop the reply; the part so far is kept")
        self.regenerate_button = widgets.Button(description="Regenerate", icon="refresh",
                                                tooltip="Replace the last reply")
        self.undo_button = widgets.Button(description="Undo", icon="undo",
                                          tooltip="Remove the last exchange")
        self.clear_button = widgets.Button(description="Clear", icon="trash",
                                           tooltip="Start a new conversation")
        self.path_box = widgets.Text(value=str(self.autosave or "chat.json"),
                                     description="File", layout=widgets.Layout(width="320px"))
        self.export_button = widgets.Button(description="Export", icon="download",
                                            tooltip="Write JSON (or Markdown for a .md file)")
        self.load_button = widgets.Button(description="Load", icon="upload",
                                          tooltip="Load a conversation from JSON")

        for button in (self.send_button, self.stop_button, self.regenerate_button,
                       self.undo_button, self.clear_button, self.export_button, self.load_button):
            button.layout.width = "auto"
        self.prompt.on_submit(lambda _box: self._on_send())
        self.send_button.on_click(lambda _b: self._on_send())
        self.stop_button.on_click(lambda _b: self.stop())
        self.regenerate_button.on_click(lambda _b: self._gesture(self._regenerate, "regenerating"))
        self.undo_button.on_click(lambda _b: self._quietly(self.undo))
        self.clear_button.on_click(lambda _b: self._quietly(self.clear))
        self.export_button.on_click(lambda _b: self._quietly(
            lambda: self._notice(f"Saved {self.export(self.path_box.value)}")))
        self.load_button.on_click(lambda _b: self._quietly(lambda: self.load(self.path_box.value)))
        self.model_picker.observe(lambda _c: self._show_model_controls(), names="value")

        self._settings = widgets.HBox([self.model_picker, self.temperature, self.effort,
                                       self.max_tokens], layout=widgets.Layout(flex_flow="wrap"))
        actions = widgets.HBox([self.send_button, self.stop_button, self.regenerate_button,
                                self.undo_button, self.clear_button],
                               layout=widgets.Layout(flex_flow="wrap"))
        files = widgets.HBox([self.path_box, self.export_button, self.load_button],
                             layout=widgets.Layout(flex_flow="wrap"))
        self._layout(self._settings, self.system_box, self.conversation, self.prompt, actions,
                     files)

        self._set_models(self._table_models(), model)
        self._soon(lambda: self._list_models(model), "listing models")
        if self.autosave is not None and self.autosave.exists():
            self.load(self.autosave)

    # -- models ------------------------------------------------------------------------------------
    def _table_models(self) -> list[str]:
        return chat_models(_catalog.models_of_kind("chat"), self._today)

    def _set_models(self, models: list[str], prefer: str | None = None) -> None:
        current = prefer or self.model_picker.value
        options = list(models)
        if current and current not in options:
            options.insert(0, current)  # a model asked for by name is always offered
        self.model_picker.options = options
        self.model_picker.value = current if current in options else default_model(options)
        self._show_model_controls()

    def refresh_models(self, prefer: str | None = None) -> Any:
        """Ask the service which models exist and offer its chat models; returns the offered
        ids (an awaitable of them with an ``AsyncClient`` in a notebook cell). On failure the
        model table's list stays and the error line says why."""
        try:
            return self._twin(lambda: self._list_models(prefer), "listing models")
        except Exception:  # noqa: BLE001 - shown in the panel; the table's list stays usable
            return list(self.model_picker.options)

    async def _list_models(self, prefer: str | None) -> list[str]:
        listing = await self._call(self.client.models.list)
        models = chat_models((m.id for m in listing), self._today)
        self._set_models(models or self._table_models(), prefer)
        return list(self.model_picker.options)

    def _show_model_controls(self) -> None:
        reasoning = is_reasoning_model(self.model_picker.value or "")
        self.temperature.layout.display = "none" if reasoning else None
        self.effort.layout.display = None if reasoning else "none"

    @property
    def model(self) -> str:
        """The model replies come from."""
        return picked(self.model_picker)

    # -- state -------------------------------------------------------------------------------------
    @property
    def history(self) -> list[dict[str, Any]]:
        """The conversation as OpenAI-style message dicts, the system prompt first when set.

        A reply cut short by Stop carries ``"stopped": True``.
        """
        system = self.system_box.value.strip()
        head = [{"role": "system", "content": system}] if system else []
        return head + [dict(m) for m in self._messages]

    def _wire_messages(self) -> list[dict[str, Any]]:
        return [{k: m[k] for k in _WIRE_KEYS if k in m} for m in self.history]

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if is_reasoning_model(self.model):
            if self.effort.value != "default":
                params["reasoning_effort"] = self.effort.value
        else:
            params["temperature"] = round(float(self.temperature.value), 2)
        if self.max_tokens.value:
            params["max_completion_tokens"] = int(self.max_tokens.value)
        if self.seed is not None:
            params["seed"] = self.seed
        return params

    # -- gestures and their twins ------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        return (self.send_button, self.regenerate_button, self.undo_button, self.clear_button,
                self.load_button, self.model_picker)

    def _on_send(self) -> None:
        text = self.prompt.value
        if not text.strip() or self.runner.busy:
            return
        self._gesture(lambda: self._exchange(text, from_box=True), "thinking")

    def send(self, text: str) -> str:
        """Send ``text`` as the next user message; returns the reply (partial if stopped)."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text must be a non-empty string (the user message to send)")
        return self._twin(lambda: self._exchange(text), "thinking")

    def regenerate(self) -> str:
        """Replace the last reply with a new one; returns it."""
        return self._twin(self._regenerate, "regenerating")

    def undo(self) -> None:
        """Remove the last exchange (the last user message and its reply)."""
        self._check_idle()
        while self._messages and self._messages[-1]["role"] != "user":
            self._pop()
        if self._messages:
            self._pop()
        self._autosave()

    def clear(self) -> None:
        """Forget the conversation (the system prompt stays)."""
        self._check_idle()
        self._messages.clear()
        self._bubbles.clear()
        self.conversation.children = ()
        self._clear_error()
        self._autosave()

    # -- one exchange ------------------------------------------------------------------------------
    async def _regenerate(self) -> str:
        if not self._messages or self._messages[-1]["role"] != "assistant":
            raise ValueError("there is no reply to regenerate yet: send a message first")
        self._pop()
        return await self._reply()

    async def _exchange(self, text: str, from_box: bool = False) -> str:
        self._append({"role": "user", "content": text})
        if from_box:
            self.prompt.value = ""
        try:
            return await self._reply()
        except BaseException as exc:
            if not isinstance(exc, (Stopped, asyncio.CancelledError)) and self._messages and \
                    self._messages[-1]["role"] == "user":
                # The request failed before any reply: take the message back into the box so
                # nothing the user typed is lost.
                self._pop()
                self.prompt.value = text
            raise

    async def _reply(self) -> str:
        from .._exceptions import StreamInterruptedError

        bubble = self._bubble("assistant", "", pending=True)
        self.conversation.children = (*self.conversation.children, bubble)
        text = ""
        throttle = Throttle(20)
        stopped = False
        reply_usage: Any = None
        try:
            stream = await self._call(
                self.client.chat.completions.create, model=self.model,
                messages=self._wire_messages(), stream=True,
                stream_options={"include_usage": True}, **self._params())
            async for chunk in self.runner.iterate(stream):
                for choice in chunk.choices or ():
                    if choice.index == 0 and choice.delta is not None:
                        text += choice.delta.content or ""
                if chunk.usage:
                    self._add_usage(chunk.usage)
                    reply_usage = chunk.usage
                if throttle.due():
                    bubble.value = self._bubble_html("assistant", text, pending=True)
        except (Stopped, asyncio.CancelledError):
            stopped = True
        except StreamInterruptedError as exc:
            text = text or exc.text
            if not text:
                self._drop_bubble(bubble)
                raise
            stopped = True
            self._show_error(exc)
        except BaseException:
            self._drop_bubble(bubble)
            raise
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if stopped:
            message["stopped"] = True
        self._messages.append(message)
        self._bubbles.append(bubble)
        bubble.value = self._bubble_html("assistant", text, stopped=stopped, final=True,
                                         cost=_cost_line(self.model, reply_usage))
        self._autosave()
        return text

    # -- the conversation's widgets ----------------------------------------------------------------
    def _append(self, message: dict[str, Any]) -> None:
        bubble = self._bubble(message["role"], message.get("content") or "",
                              stopped=bool(message.get("stopped")), final=True)
        self._messages.append(message)
        self._bubbles.append(bubble)
        self.conversation.children = (*self.conversation.children, bubble)

    def _pop(self) -> None:
        self._messages.pop()
        bubble = self._bubbles.pop()
        self._drop_bubble(bubble)

    def _drop_bubble(self, bubble: widgets.HTML) -> None:
        self.conversation.children = tuple(c for c in self.conversation.children if c is not bubble)

    def _bubble(self, role: str, text: str, *, pending: bool = False, stopped: bool = False,
                final: bool = False) -> widgets.HTML:
        return widgets.HTML(self._bubble_html(role, text, pending=pending, stopped=stopped,
                                              final=final),
                            layout=widgets.Layout(width="100%"))

    def _bubble_html(self, role: str, text: str, *, pending: bool = False,
                     stopped: bool = False, final: bool = False,
                     cost: str | None = None) -> str:
        who = "you" if role == "user" else f"assistant · {self.model}"
        body = markdown_html(text) if text else ('<p class="lco-muted">…</p>' if pending else "")
        mark = '<div class="lco-stopped">⏹ stopped — the reply was cut short</div>' \
            if stopped else ""
        raw = ""
        if final and role == "assistant" and text:
            # The raw Markdown, escaped, for copying.
            raw = (f'<details><summary>Markdown</summary><pre>{escape(text)}</pre></details>')
        foot = f'<div class="lco-muted lco-cost">{escape(cost)}</div>' if cost else ""
        return (f'<div class="lco-msg lco-{escape(role)}"><div class="lco-role">{escape(who)}'
                f"</div>{body}{mark}{foot}{raw}</div>")

    # -- files -------------------------------------------------------------------------------------
    def _document(self) -> dict[str, Any]:
        return {
            "format": "lcoai-notebook chat",
            "version": _EXPORT_VERSION,
            "model": self.model,
            "settings": self._params(),
            "history": self.history,
        }

    def export(self, path: str | os.PathLike) -> Path:
        """Write the conversation to ``path``: Markdown for ``.md``, else JSON; returns the path."""
        target = Path(path).expanduser()
        if target.suffix.lower() in (".md", ".markdown"):
            content = self._markdown()
        else:
            content = json.dumps(self._document(), indent=2, ensure_ascii=False) + "\n"
        _write_atomically(target, content)
        return target

    def _markdown(self) -> str:
        lines = [f"# Chat with {self.model}", ""]
        for message in self.history:
            role = message["role"].capitalize()
            note = " (stopped)" if message.get("stopped") else ""
            lines += [f"## {role}{note}", "", str(message.get("content") or ""), ""]
        return "\n".join(lines)

    def load(self, path: str | os.PathLike) -> None:
        """Replace the conversation with one exported as JSON (or autosaved)."""
        self._check_idle()
        source = Path(path).expanduser()
        try:
            doc = json.loads(source.read_text("utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"no conversation file at {source}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{source} is not a JSON conversation exported by ChatPanel "
                             f"({exc})") from None
        history = doc.get("history") if isinstance(doc, dict) else None
        if not isinstance(history, list) or not all(
                isinstance(m, dict) and m.get("role") in ("system", "user", "assistant", "tool")
                and isinstance(m.get("content", ""), (str, type(None))) for m in history):
            raise ValueError(f"{source} holds no valid 'history' list of chat messages")
        system = "".join(m.get("content") or "" for m in history if m["role"] == "system")
        self._messages.clear()
        self._bubbles.clear()
        self.conversation.children = ()
        self.system_box.value = system
        for message in history:
            if message["role"] != "system":
                self._append(dict(message))
        model = doc.get("model")
        if isinstance(model, str) and model:
            self._set_models(list(self.model_picker.options), model)

    def _autosave(self) -> None:
        if self.autosave is not None:
            self.export(self.autosave)

    # -- text repr ---------------------------------------------------------------------------------
    def _text_summary(self) -> str:
        exchanges = sum(1 for m in self._messages if m["role"] == "user")
        lines = [f"ChatPanel · {self.model} · {exchanges} exchange(s)"]
        for message in self.history[-6:]:
            content = " ".join(str(message.get("content") or "").split())
            if len(content) > 100:
                content = content[:99] + "…"
            mark = " [stopped]" if message.get("stopped") else ""
            lines.append(f"{message['role']}: {content}{mark}")
        return "\n".join(lines)


def _cost_line(model: str, usage: Any) -> str | None:
    """The reply's footer: its cost from the stream's usage and the model table, when both are
    known ("$0.000123 · 8 in / 10 out tokens"); the tokens alone when the price is unknown."""
    if not usage:
        return None
    tokens = f"{usage.prompt_tokens or 0} in / {usage.completion_tokens or 0} out tokens"
    try:
        usd = chat_cost(model, usage)
    except ValueError:
        usd = None
    return tokens if usd is None else f"${usd:.6f} · {tokens}"


def _write_atomically(target: Path, content: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, target)
