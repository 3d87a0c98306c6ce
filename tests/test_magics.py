"""The magics through IPython's own shell: %%chat, %chat_reset, %%embed, %lco_spend."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import lcoai_notebook as lco
from lcoai_notebook._models import ChatCompletionChunk
from lcoai_notebook._pricing import chat_cost
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.magics import UPDATES_PER_SECOND, LcoMagics

sys.path.insert(0, str(Path(__file__).parent / "widgets"))
from _html import live_markup, parse  # noqa: E402

SENTINEL = "at_emulator_workshop_token"  # the emulator's token: must never reach an output


class _Completions:
    def __init__(self, owner: Any) -> None:
        self.owner = owner

    def create(self, **kwargs: Any) -> Any:
        self.owner.requests.append(json.loads(json.dumps(kwargs)))  # a copy, as sent
        return self.owner.respond(**kwargs)


class _Chat:
    def __init__(self, owner: Any) -> None:
        self.completions = _Completions(owner)


class Recording:
    """The emulator's client, with every chat request's arguments recorded."""

    def __init__(self, client: Any) -> None:
        self.inner = client
        self.requests: list[dict[str, Any]] = []
        self.usages: list[Any] = []  # the usage each stream reported, in order
        self.chat = _Chat(self)
        self.embeddings = client.embeddings

    def respond(self, **kwargs: Any) -> Any:
        stream = self.inner.chat.completions.create(**kwargs)

        def chunks() -> Iterator[Any]:
            try:
                for chunk in stream:
                    if chunk.usage:
                        self.usages.append(chunk.usage)
                    yield chunk
            finally:
                stream.close()
        return chunks()


class Scripted(Recording):
    """Streams ``pieces`` (pausing ``pause`` s before each); raises ``interrupt_at`` chunk in."""

    def __init__(self, pieces: list[str], pause: float = 0.0,
                 interrupt_at: int | None = None) -> None:
        self.pieces, self.pause, self.interrupt_at = pieces, pause, interrupt_at
        self.requests = []
        self.chat = _Chat(self)

    def respond(self, **kwargs: Any) -> Iterator[ChatCompletionChunk]:
        for i, piece in enumerate(self.pieces):
            if i == self.interrupt_at:
                raise KeyboardInterrupt
            time.sleep(self.pause)
            yield ChatCompletionChunk({"object": "chat.completion.chunk", "choices": [
                {"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        yield ChatCompletionChunk({"object": "chat.completion.chunk", "choices": [], "usage": {
            "prompt_tokens": 5, "completion_tokens": len(self.pieces),
            "total_tokens": 5 + len(self.pieces)}})


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def ip() -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "lcoai_notebook")
    yield shell
    shell.run_line_magic("unload_ext", "lcoai_notebook")
    for name in ("topic", "vecs", "small"):
        shell.user_ns.pop(name, None)


def _magics(ip: InteractiveShell) -> LcoMagics:
    return ip.magics_manager.registry["LcoMagics"]


def _chat(ip: InteractiveShell, line: str, cell: str) -> Any:
    with capture_output() as cap:
        ip.run_cell_magic("chat", line, cell)
    return cap


def _final_html(cap: Any) -> str:
    return cap.outputs[-1].data["text/html"]


def test_load_ext_registers_the_magics(ip: InteractiveShell) -> None:
    assert {"chat", "embed"} <= set(ip.magics_manager.magics["cell"])
    assert {"chat_reset", "lco_spend"} <= set(ip.magics_manager.magics["line"])
    assert "load_ipython_extension" not in lco.__all__
    # Loading twice keeps the session (its conversations and client).
    _magics(ip).conversations["x"] = {"system": None, "messages": []}
    ip.run_line_magic("load_ext", "lcoai_notebook")
    lco.load_ipython_extension(ip)
    assert "x" in _magics(ip).conversations


def test_unload_removes_the_magics() -> None:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "lcoai_notebook")
    shell.run_line_magic("unload_ext", "lcoai_notebook")
    assert "chat" not in shell.magics_manager.magics["cell"]
    assert "LcoMagics" not in shell.magics_manager.registry


def test_two_cell_conversation_sends_the_first_exchange(ip: InteractiveShell,
                                                        emu: Emulator) -> None:
    client = Recording(emu.client())
    _magics(ip).client = client
    first = _chat(ip, "--name a", "My name is Zed.")
    reply1 = first.outputs[-1].data["text/plain"]
    assert reply1 and "Zed" in reply1
    second = _chat(ip, "--name a", "What is my name?")
    assert client.requests[1]["messages"] == [
        {"role": "user", "content": "My name is Zed."},
        {"role": "assistant", "content": reply1},
        {"role": "user", "content": "What is my name?"},
    ]
    # The emulator recalls facts stated earlier: the reply shows the history reached it.
    assert "Zed" in "".join(parse(_final_html(second)).text)
    assert client.requests[1]["stream"] is True
    # Another name is another conversation.
    _chat(ip, "--name b", "Hello")
    assert client.requests[2]["messages"] == [{"role": "user", "content": "Hello"}]
    # The default conversation is separate from both.
    _chat(ip, "", "Hi")
    assert client.requests[3]["messages"] == [{"role": "user", "content": "Hi"}]


def test_chat_reset_one_and_all(ip: InteractiveShell, emu: Emulator) -> None:
    client = Recording(emu.client())
    _magics(ip).client = client
    _chat(ip, "--name a", "My name is Zed.")
    _chat(ip, "--name b", "I live in Oslo.")
    with capture_output() as cap:
        ip.run_line_magic("chat_reset", "a")
    assert "'a'" in cap.stdout
    _chat(ip, "--name a", "What is my name?")
    assert client.requests[-1]["messages"] == [{"role": "user", "content": "What is my name?"}]
    _chat(ip, "--name b", "Where do I live?")
    assert len(client.requests[-1]["messages"]) == 3  # b was kept
    with capture_output() as cap:
        ip.run_line_magic("chat_reset", "")
    assert "every" in cap.stdout and _magics(ip).conversations == {}
    _chat(ip, "--name b", "Where do I live?")
    assert client.requests[-1]["messages"] == [{"role": "user", "content": "Where do I live?"}]
    with capture_output() as cap:
        ip.run_line_magic("chat_reset", "nope")
    assert "No conversation named 'nope'" in cap.stdout


def test_system_prompt_model_and_temperature_are_sent(ip: InteractiveShell,
                                                      emu: Emulator) -> None:
    client = Recording(emu.client())
    _magics(ip).client = client
    _chat(ip, '--system "Answer in one word." --model gpt-4.1-mini -t 0.3', "Capital of France?")
    _chat(ip, "--model gpt-4.1-mini", "And of Spain?")
    first, second = client.requests
    assert first["model"] == "gpt-4.1-mini" and first["temperature"] == 0.3
    assert first["messages"][0] == {"role": "system", "content": "Answer in one word."}
    assert second["messages"][0] == {"role": "system", "content": "Answer in one word."}
    assert len(second["messages"]) == 4 and "temperature" not in second
    # The default model is a current chat model from the model table.
    _chat(ip, "--name other", "Hi")
    assert client.requests[-1]["model"] == "gpt-5.4-mini"


def test_format_fills_variables_only_when_asked(ip: InteractiveShell, emu: Emulator) -> None:
    client = Recording(emu.client())
    _magics(ip).client = client
    ip.user_ns["topic"] = "whales"
    _chat(ip, "--format", "Tell me about {topic}. Literal {{braces}}.")
    assert client.requests[-1]["messages"][-1]["content"] == \
        "Tell me about whales. Literal {braces}."
    # Without --format the cell is sent as written: nothing is read from the namespace.
    _chat(ip, "--name raw", "Tell me about {topic}.")
    assert client.requests[-1]["messages"][-1]["content"] == "Tell me about {topic}."
    sent = len(client.requests)
    with pytest.raises(UsageError, match="not defined in the notebook: nope, also"):
        ip.run_cell_magic("chat", "--format", "{topic} {nope} {also} {nope}")
    with pytest.raises(UsageError, match="named fields"):
        ip.run_cell_magic("chat", "--format", "positional {}")
    with pytest.raises(UsageError, match="literal braces"):
        ip.run_cell_magic("chat", "--format", "unbalanced } brace")
    assert len(client.requests) == sent  # refused before sending


@pytest.mark.parametrize(("line", "cell", "match"), [
    ("--model gpt-4.1-nano", "hi", "retired on 2026-10-23.*current chat models: .*gpt-4.1-mini"),
    ("--model text-embedding-3-small", "hi", "not a chat model.*gpt-5.4-mini"),
    ("--model gpt-4.1-mini -t 2.5", "hi", "between 0 and 2"),
    ("-t 0.5", "hi", "reasoning model.*--model gpt-4.1-mini"),
    ("-t warm", "hi", "invalid float value"),
    ("--bogus", "hi", "unrecognized arguments: --bogus"),
    ("", "   \n", "write something below"),
])
def test_bad_arguments_are_refused_before_sending(ip: InteractiveShell, emu: Emulator,
                                                  line: str, cell: str, match: str) -> None:
    client = Recording(emu.client())
    _magics(ip).client = client
    with pytest.raises(UsageError, match=match):
        ip.run_cell_magic("chat", line, cell)
    assert client.requests == []


def test_reply_streams_into_one_display_throttled(ip: InteractiveShell) -> None:
    pieces = [f"w{i} " for i in range(60)]
    _magics(ip).client = Scripted(pieces, pause=0.005)
    start = time.monotonic()
    cap = _chat(ip, "", "Count")
    elapsed = time.monotonic() - start
    first, *updates = cap.outputs
    assert not first.update and updates and all(o.update for o in updates)
    ids = {o.transient["display_id"] for o in cap.outputs}
    assert len(ids) == 1  # one display, updated in place
    # Throttled: not one update per chunk, but at most ~15 a second plus the final render.
    assert len(updates) <= elapsed * UPDATES_PER_SECOND + 2 < len(pieces)
    final = _final_html(cap)
    assert "".join(parse(final).text).startswith("".join(pieces).strip())
    assert "65 tokens" in final
    assert cap.outputs[-1].data["text/plain"] == "".join(pieces)


def test_markup_in_a_reply_is_rendered_inert(ip: InteractiveShell) -> None:
    payload = ['<img src=x onerror="alert(1)">', "<script>alert(2)</script> ",
               "[x](javascript:alert(3)) ", "**bold**"]
    _magics(ip).client = Scripted(payload)
    cap = _chat(ip, "", "Show HTML")
    for output in cap.outputs:
        assert live_markup(output.data["text/html"]) == []
    final = _final_html(cap)
    assert "<strong>bold</strong>" in final  # Markdown still renders
    assert "<script>alert(2)</script>" in "".join(parse(final).text)  # shown as text


def test_interrupt_keeps_the_partial_reply_marked_stopped(ip: InteractiveShell) -> None:
    client = Scripted([f"w{i} " for i in range(10)], interrupt_at=4)
    _magics(ip).client = client
    with capture_output() as cap, pytest.raises(KeyboardInterrupt):
        ip.run_cell_magic("chat", "--name s", "Long story")
    assert cap.outputs[-1].data["text/plain"] == "w0 w1 w2 w3 \n[stopped]"
    assert "stopped" in _final_html(cap)
    assert _magics(ip).history("s")[-1] == {"role": "assistant", "content": "w0 w1 w2 w3 "}


def test_embed_stores_a_float32_matrix(ip: InteractiveShell, emu: Emulator) -> None:
    _magics(ip).client = emu.client()
    with capture_output() as cap:
        ip.run_cell_magic("embed", "vecs", "a cat\n\n  a dog  \nan invoice\n")
    vecs = ip.user_ns["vecs"]
    assert isinstance(vecs, np.ndarray) and vecs.dtype == np.float32 and vecs.ndim == 2
    expected = lco.embed(["a cat", "a dog", "an invoice"], client=emu.client())
    np.testing.assert_array_equal(vecs, expected)
    assert cap.stdout.strip() == (f"vecs: 3 texts → (3, {expected.shape[1]}) float32 matrix "
                                  "from text-embedding-3-small")
    ip.run_cell_magic("embed", "small --model text-embedding-3-large --dimensions 64", "one\ntwo")
    assert ip.user_ns["small"].shape == (2, 64)
    for line, cell, match in [("1bad", "x", "variable name"), ("vecs", " \n ", "empty"),
                              ("vecs --dimensions 0", "x", "dimensions"),
                              ("", "x", "arguments are required: var")]:
        with pytest.raises(UsageError, match=match):
            ip.run_cell_magic("embed", line, cell)


def test_lco_spend_counts_tokens_and_prices_them(ip: InteractiveShell, emu: Emulator) -> None:
    client = Recording(emu.client())
    _magics(ip).client = client
    empty = ip.run_line_magic("lco_spend", "")
    assert list(empty.columns) == ["model", "requests", "prompt_tokens", "completion_tokens",
                                   "total_tokens", "cost_usd"] and len(empty) == 0
    _chat(ip, "--model gpt-4.1-mini", "My name is Zed.")
    _chat(ip, "--model gpt-4.1-mini", "What is my name?")
    _chat(ip, "", "Hello")
    with capture_output():
        ip.run_cell_magic("embed", "vecs", "a cat\na dog")
    spend = ip.run_line_magic("lco_spend", "").set_index("model")
    usages = client.usages  # what each stream reported
    assert len(usages) == 3
    mini = spend.loc["gpt-4.1-mini"]
    assert mini["requests"] == 2
    assert mini["prompt_tokens"] == usages[0].prompt_tokens + usages[1].prompt_tokens
    assert mini["completion_tokens"] == usages[0].completion_tokens + \
        usages[1].completion_tokens
    assert mini["total_tokens"] == usages[0].total_tokens + usages[1].total_tokens
    assert mini["cost_usd"] == pytest.approx(
        chat_cost("gpt-4.1-mini", usages[0]) + chat_cost("gpt-4.1-mini", usages[1]))
    assert mini["cost_usd"] == pytest.approx(
        (mini["prompt_tokens"] * 0.4 + mini["completion_tokens"] * 1.6) / 1e6)
    default = spend.loc["gpt-5.4-mini"]
    assert default["requests"] == 1 and default["total_tokens"] == usages[2].total_tokens
    assert math.isnan(default["cost_usd"])  # no price in the table: not guessed
    emb = spend.loc["text-embedding-3-small"]
    usage = emu.client().embeddings.create(model="text-embedding-3-small",
                                           input=["a cat", "a dog"]).usage
    assert emb["requests"] == 1 and emb["prompt_tokens"] == usage.prompt_tokens
    assert emb["cost_usd"] == pytest.approx(usage.prompt_tokens * 0.02 / 1e6)


def test_lco_spend_prefers_the_clients_ledger(ip: InteractiveShell, emu: Emulator) -> None:
    client = emu.client()
    client.embeddings.create(model="text-embedding-3-small", input="counted by the ledger")
    _magics(ip).client = client
    table = ip.run_line_magic("lco_spend", "")  # client.spend.by_model(), not the magics' own
    assert table["model"].tolist() == ["text-embedding-3-small"]
    assert table["requests"].tolist() == [1] and "unknown_cost" in table.columns


def test_one_client_per_session_from_connect(ip: InteractiveShell,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    assert callable(lco.connect)  # resolved before the submodule import (see the next test)
    connect_module = importlib.import_module("lcoai_notebook._connect")
    made = []
    real = connect_module.connect

    def counting_connect(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(connect_module, "connect", counting_connect)
    magics = _magics(ip)
    with capture_output():
        _chat(ip, "", "Hi")
        _chat(ip, "--name x", "Again")
        ip.run_cell_magic("embed", "vecs", "x")
    assert len(made) == 1 and isinstance(made[0], lco.Client) and magics.client is made[0]


def test_the_magics_leave_lco_connect_callable() -> None:
    # The function `lco.connect` stays a function once the magics (or a panel) have made their
    # client: its module is `_connect`, so no submodule import can shadow the name.
    code = ("import lcoai_notebook as lco\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "ip = InteractiveShell.instance()\n"
            "ip.run_line_magic('load_ext', 'lcoai_notebook')\n"
            "ip.run_cell_magic('chat', '', 'Hi')\n"
            "print(callable(lco.connect))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={k: v for k, v in os.environ.items()
                                            if not k.startswith(("LCOAI_", "OPENAI_"))})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "True"


def test_no_token_in_any_output(ip: InteractiveShell, emu: Emulator) -> None:
    # The session client from connect() (the emulator, whose token is the sentinel), then a
    # client whose requests fail: nothing shown carries the token.
    cells = ["%%chat --name t\nMy name is Zed.", "%%chat --name t\nWhat is my name?",
             "%chat_reset t", "%%embed vecs\nalpha\nbeta", "%lco_spend",
             "%%chat --model gpt-4.1-nano\nhi", "%%chat -t 9\nhi"]
    with capture_output() as cap:
        for cell in cells:
            ip.run_cell(cell)
        _magics(ip).client = emu.client(
            default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
        result = ip.run_cell("%%chat\nhello")
    assert result.error_in_exec is not None  # the failure was shown...
    texts = [cap.stdout, cap.stderr, str(result.error_in_exec)]
    texts += [json.dumps(o.data, default=str) for o in cap.outputs]
    assert "InternalServerError" in cap.stdout + cap.stderr  # ...with its traceback
    assert "Zed" in " ".join(texts)
    assert all(SENTINEL not in text for text in texts)


def test_import_does_not_load_ipython_or_the_magics() -> None:
    code = ("import json, sys, lcoai_notebook\n"
            "print(json.dumps([m in sys.modules for m in "
            "('IPython', 'lcoai_notebook.magics')]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [False, False]
