"""IPython magics: ``%%chat``, ``%%embed``, ``%chat_reset`` and ``%lco_spend``.

``%load_ext lcoai_notebook`` registers them. They share one client per IPython session, made by
:func:`lcoai_notebook.connect` on first use (the offline emulator when no token is set), and
never print a token. A ``%%chat`` reply streams into the cell's output as inert HTML (raw HTML
from the model is escaped, no images, http(s)/mailto links only; see :mod:`._render`), updated
through one display handle at most ~15 times a second, with a final render at the end.

The magics sit on the panels' layer: they reuse the chat panel's model rules
(``widgets.chat``/``widgets.compare``), imported on first use so ``%load_ext`` stays cheap.
"""

from __future__ import annotations

import datetime as _dt
import keyword
import re
import shlex
import string
import threading
from collections.abc import Mapping
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import HTML, DisplayHandle

from ._pricing import chat_cost
from ._render import markdown_html

__all__ = ["LcoMagics", "load_ipython_extension", "unload_ipython_extension"]

#: Updates of a streaming reply sent to the front end per second, at most.
UPDATES_PER_SECOND = 15
DEFAULT_CONVERSATION = "default"
SPEND_COLUMNS = ("model", "requests", "prompt_tokens", "completion_tokens", "total_tokens",
                 "cost_usd")
_CELL = ("chat", "embed")
_LINE = ("chat_reset", "lco_spend")


def _today() -> _dt.date:
    return _dt.date.today()


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


class _Reply(HTML):
    """A reply as inert HTML; its plain text is the ``text/plain`` form (nbconvert, GitHub)."""

    def __init__(self, html: str, plain: str) -> None:
        self._plain = plain
        super().__init__(html)

    def __repr__(self) -> str:
        return self._plain


class _Ledger:
    """Tokens (and, where the model table has prices, USD) per model used by the magics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # %%embed's requests record from worker threads
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, model: str, usage: Any) -> None:
        """Count one request; ``usage`` None when it ended before reporting usage."""
        prompt = int(_get(usage, "prompt_tokens") or 0)
        completion = int(_get(usage, "completion_tokens") or 0)
        total = int(_get(usage, "total_tokens") or prompt + completion)
        cost = chat_cost(model, usage) if usage is not None else None
        with self._lock:
            row = self.rows.setdefault(model, {
                "model": model, "requests": 0, "prompt_tokens": 0, "completion_tokens": 0,
                "total_tokens": 0, "cost_usd": 0.0})
            row["requests"] += 1
            row["prompt_tokens"] += prompt
            row["completion_tokens"] += completion
            row["total_tokens"] += total
            # One request of unknown cost makes the model's total unknown: never guessed.
            row["cost_usd"] = None if cost is None or row["cost_usd"] is None \
                else row["cost_usd"] + cost

    def frame(self) -> Any:
        import pandas as pd

        with self._lock:
            rows = [dict(r) for r in self.rows.values()]
        frame = pd.DataFrame(rows, columns=list(SPEND_COLUMNS))
        frame["cost_usd"] = frame["cost_usd"].astype(float)
        return frame


class _Embeddings:
    def __init__(self, inner: Any, ledger: _Ledger) -> None:
        self._inner = inner
        self._ledger = ledger

    def create(self, **kwargs: Any) -> Any:
        response = self._inner.create(**kwargs)
        self._ledger.add(str(kwargs.get("model")), _get(response, "usage"))
        return response


class _Counting:
    """The session client, with its embeddings requests counted in the ledger (``embed`` sees
    only vectors, not usage)."""

    def __init__(self, client: Any, ledger: _Ledger) -> None:
        self._client = client
        self.embeddings = _Embeddings(client.embeddings, ledger)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _parse(magic: Any, line: str) -> Any:
    """The magic's arguments, quoted the shell way (``--system "Be brief."`` loses its quotes,
    which IPython's own ``parse_argstring`` keeps)."""
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"could not read the arguments: {exc}") from None
    return magic.parser.parse_args(argv)


def _fill(template: str, namespace: Mapping[str, Any]) -> str:
    """``template.format_map(namespace)``, with errors that name what is wrong."""
    hint = "write {{ and }} for literal braces"
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise UsageError(f"--format: the cell is not a valid format string ({exc}); {hint}") \
            from None
    roots = []
    for field in fields:
        root = re.split(r"[.\[!:]", field, maxsplit=1)[0]
        if not root or root.isdigit():
            raise UsageError(f"--format fills named fields like {{name}} from the notebook; "
                             f"{{{field}}} has no name ({hint})")
        roots.append(root)
    missing = [name for name in dict.fromkeys(roots) if name not in namespace]
    if missing:
        raise UsageError(f"--format: not defined in the notebook: {', '.join(missing)} "
                         f"(define them first, or {hint})")
    try:
        return template.format_map(namespace)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"--format: could not fill the cell: {type(exc).__name__}: {exc}") \
            from None


@magics_class
class LcoMagics(Magics):
    """The lcoai-notebook magics and their session state (one per IPython shell).

    Attributes
    ----------
    conversations : dict
        ``%%chat`` conversations by ``--name``: ``{"system": str | None, "messages": [...]}``.
    """

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self._client: Any = None
        self._own_client = False
        self.conversations: dict[str, dict[str, Any]] = {}
        self.ledger = _Ledger()

    # -- the session client ------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        """The session's client: :func:`lcoai_notebook.connect` on first use (assignable)."""
        if self._client is None:
            from ._connect import connect

            self._client = connect()
            self._own_client = True
        return self._client

    @client.setter
    def client(self, value: Any) -> None:
        self._client = value
        self._own_client = False

    @property
    def _user_ns(self) -> dict[str, Any]:
        """The notebook's variables."""
        if self.shell is None:  # only a hand-made LcoMagics(None) has no shell
            raise UsageError("the lcoai-notebook magics run in IPython: %load_ext lcoai_notebook")
        return self.shell.user_ns

    def close(self) -> None:
        """Close the client the magics made (not one assigned to them)."""
        if self._own_client and self._client is not None:
            self._client.close()
        self._client = None
        self._own_client = False

    def history(self, name: str = DEFAULT_CONVERSATION) -> list[dict[str, Any]]:
        """The messages ``%%chat --name NAME`` sends next time (system first), as a copy."""
        conv = self.conversations.get(name) or {"system": None, "messages": []}
        head = [{"role": "system", "content": conv["system"]}] if conv["system"] else []
        return head + [dict(m) for m in conv["messages"]]

    # -- %%chat ------------------------------------------------------------------------------------
    @magic_arguments()
    @argument("--model", "-m", help="The chat model (default: a current one from the model "
              "table, e.g. gpt-5.4-mini).")
    @argument("--system", "-s", help="The system prompt for this conversation (kept for later "
              "cells; an empty string removes it).")
    @argument("--temperature", "-t", type=float, help="0 to 2, for models that take it "
              "(reasoning models do not).")
    @argument("--name", "-n", default=DEFAULT_CONVERSATION, help="The conversation to continue "
              f"(default: {DEFAULT_CONVERSATION!r}).")
    @argument("--format", "-f", action="store_true", help="Fill {name} fields in the cell from "
              "the notebook's variables.")
    @cell_magic
    def chat(self, line: str, cell: str) -> None:
        """Send the cell to a chat model; the reply streams into the output.

        Consecutive ``%%chat`` cells continue one conversation per ``--name``;
        ``%chat_reset [NAME]`` starts over. ``{var}`` is filled from the notebook only with
        ``--format``; otherwise the cell is sent as written.
        """
        args = _parse(self.chat, line)
        prompt = _fill(cell, self._user_ns) if args.format else cell
        if not prompt.strip():
            raise UsageError("%%chat sends the cell body as the prompt: write something below "
                             "the %%chat line")
        model, params = self._chat_settings(args)
        conv = self.conversations.setdefault(args.name, {"system": None, "messages": []})
        if args.system is not None:
            conv["system"] = args.system or None
        user = {"role": "user", "content": prompt}
        messages = self.history(args.name) + [user]
        text, stopped = self._stream_reply(model, messages, params)
        # The exchange joins the conversation only once a reply (even a cut one) exists.
        conv["messages"] += [user, {"role": "assistant", "content": text}]
        if stopped:
            raise KeyboardInterrupt  # let "Run all" stop here; the partial reply is kept

    def _chat_settings(self, args: Any) -> tuple[str, dict[str, Any]]:
        from . import _catalog
        from .widgets.chat import chat_models, default_model, is_reasoning_model
        from .widgets.compare import check_chat_model

        today = _today()
        if args.model is None:
            model = default_model(chat_models(_catalog.models_of_kind("chat"), today))
            if model is None:  # pragma: no cover - the table always has current chat models
                raise UsageError("no current chat model is known: pass --model")
        else:
            try:
                model = check_chat_model(args.model, today, "--model")
            except (TypeError, ValueError) as exc:
                raise UsageError(str(exc)) from None
        params: dict[str, Any] = {}
        if args.temperature is not None:
            if not 0 <= args.temperature <= 2:
                raise UsageError(f"--temperature must be between 0 and 2; got {args.temperature}")
            if _catalog.model_info(model) is not None and is_reasoning_model(model):
                raise UsageError(f"--temperature: {model} is a reasoning model and takes no "
                                 "temperature; leave it out or pick a model that takes one "
                                 "(e.g. --model gpt-4.1-mini)")
            params["temperature"] = args.temperature
        return model, params

    def _stream_reply(self, model: str, messages: list[dict[str, Any]],
                      params: dict[str, Any]) -> tuple[str, bool]:
        from ._exceptions import StreamInterruptedError
        from .widgets._base import Throttle

        # A handle made first (rather than display(..., display_id=True), which returns None
        # outside an initialized shell) is always there to update.
        handle = DisplayHandle()
        handle.display(self._reply_view(model, "", pending=True))
        throttle = Throttle(UPDATES_PER_SECOND)
        text, usage, stopped = "", None, False
        try:
            stream = self.client.chat.completions.create(
                model=model, messages=messages, stream=True,
                stream_options={"include_usage": True}, **params)
            try:
                for chunk in stream:
                    before = len(text)
                    for choice in chunk.choices or ():
                        if choice.index == 0 and choice.delta is not None:
                            text += choice.delta.content or ""
                    if chunk.usage:
                        usage = chunk.usage
                    if len(text) > before and throttle.due():
                        handle.update(self._reply_view(model, text, pending=True))
            finally:
                stream.close()
        except KeyboardInterrupt:
            stopped = True
        except StreamInterruptedError as exc:
            text = text or exc.text or ""
            if not text:
                handle.update(_Reply("", ""))
                raise
            stopped = True
        except BaseException:
            handle.update(_Reply("", ""))  # no reply: the error below says why
            raise
        self.ledger.add(model, usage)
        handle.update(self._reply_view(model, text, stopped=stopped, usage=usage))
        return text, stopped

    @staticmethod
    def _reply_view(model: str, text: str, *, pending: bool = False, stopped: bool = False,
                    usage: Any = None) -> _Reply:
        from .widgets._base import escape

        body = markdown_html(text) if text else ("<p>…</p>" if pending else "")
        notes = [model]
        if usage is not None:
            notes.append(f"{int(_get(usage, 'total_tokens') or 0):,} tokens")
        if stopped:
            notes.append("⏹ stopped — the reply was cut short")
        foot = "" if pending else f"<p><small>{escape(' · '.join(notes))}</small></p>"
        plain = text + ("\n[stopped]" if stopped else "")
        return _Reply(f'<div class="lco-chat-reply">{body}{foot}</div>', plain)

    @line_magic
    def chat_reset(self, line: str) -> None:
        """``%chat_reset [NAME]``: forget conversation NAME (all conversations without NAME)."""
        name = line.strip()
        if not name:
            self.conversations.clear()
            print("Started over: every %%chat conversation is forgotten.")
        elif self.conversations.pop(name, None) is not None:
            print(f"Started over: conversation {name!r} is forgotten.")
        else:
            known = ", ".join(map(repr, self.conversations)) or "none yet"
            print(f"No conversation named {name!r} (conversations: {known}).")

    # -- %%embed -----------------------------------------------------------------------------------
    @magic_arguments()
    @argument("var", help="The notebook variable that receives the (n, d) float32 matrix.")
    @argument("--model", "-m", default=None, help="The embedding model (default: "
              "text-embedding-3-small).")
    @argument("--dimensions", "-d", type=int, default=None, help="Shorter vectors "
              "(text-embedding-3 models).")
    @cell_magic
    def embed(self, line: str, cell: str) -> None:
        """Embed each non-empty line of the cell; the matrix is stored in VAR."""
        from .embeddings import DEFAULT_MODEL
        from .embeddings import embed as embed_texts

        args = _parse(self.embed, line)
        if not args.var.isidentifier() or keyword.iskeyword(args.var):
            raise UsageError(f"VAR must be a Python variable name; got {args.var!r}")
        texts = [t.strip() for t in cell.splitlines() if t.strip()]
        if not texts:
            raise UsageError("%%embed embeds one text per line of the cell: the cell is empty")
        model = args.model or DEFAULT_MODEL
        try:
            matrix = embed_texts(texts, client=_Counting(self.client, self.ledger), model=model,
                                 dimensions=args.dimensions)
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        self._user_ns[args.var] = matrix
        n, d = matrix.shape
        print(f"{args.var}: {n} text{'s' if n != 1 else ''} → ({n}, {d}) {matrix.dtype} "
              f"matrix from {model}")

    # -- %lco_spend --------------------------------------------------------------------------------
    @line_magic
    def lco_spend(self, line: str = "") -> Any:
        """The session's spend: tokens (and estimated USD) per model used by the magics.

        When the client keeps a cost ledger (``client.spend.by_model()``), that table instead.
        """
        spend = getattr(self._client, "spend", None)
        by_model = getattr(spend, "by_model", None)
        if callable(by_model):
            return by_model()
        return self.ledger.frame()


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics (``%load_ext lcoai_notebook``); loading again keeps the session."""
    if "LcoMagics" not in ipython.magics_manager.registry:
        ipython.register_magics(LcoMagics(ipython))


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the magics, forget their conversations and close their client."""
    magics = ipython.magics_manager.registry.pop("LcoMagics", None)
    for kind, names in (("cell", _CELL), ("line", _LINE)):
        for name in names:
            ipython.magics_manager.magics[kind].pop(name, None)
    if magics is not None:
        magics.close()
