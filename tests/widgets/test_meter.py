"""CostMeter headless: it follows client.spend as requests complete (sync, async, worker
threads), and the chat panel's reply bubbles show their cost."""

from __future__ import annotations

import asyncio
import threading

import pytest
from _html import html_values, live_markup, parse

import lcoai_notebook as lco
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets.chat import ChatPanel
from lcoai_notebook.widgets.meter import CostMeter


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


def test_meter_shows_spend_against_budget_and_updates(emu: Emulator) -> None:
    client = emu.client(budget_usd=5.0)
    client.spend.simulated = True  # as connect() labels an offline client
    meter = CostMeter(client)
    assert meter.label.value == "<span>$0.0000 of $5.00 · 0 requests · simulated</span>"
    assert meter.bar.max == 5.0 and meter.bar.value == 0.0 and meter.bar.layout.display is None
    client.images.generate(model="dall-e-3", prompt="a map", size="1024x1792", quality="hd",
                           response_format="b64_json")  # $0.12
    assert meter.text == "$0.1200 of $5.00 · 1 request · simulated"
    assert meter.bar.value == pytest.approx(0.12)
    assert meter.bar.bar_style == "success"
    r = client.chat.completions.create(model="gpt-4.1-mini", max_tokens=50,
                                       messages=[{"role": "user", "content": "hello"}])
    usd = 0.12 + (r.usage.prompt_tokens * 0.4 + r.usage.completion_tokens * 1.6) / 1e6
    assert meter.text == f"${usd:.4f} of $5.00 · 2 requests · simulated"
    assert repr(meter) == f"CostMeter(${usd:.4f} of $5.00 · 2 requests · simulated)"
    meter.close()
    client.embeddings.create(model="text-embedding-3-small", input="after close")
    assert "2 requests" in meter.label.value  # no longer listening


def test_bar_turns_to_warning_then_danger(emu: Emulator) -> None:
    client = emu.client(budget_usd=0.24)
    meter = CostMeter(client)
    client.images.generate(model="dall-e-3", prompt="one", size="1024x1792", quality="hd",
                           response_format="b64_json")
    assert meter.bar.bar_style == "success"  # $0.12 of $0.24
    client.images.generate(model="dall-e-3", prompt="two", quality="standard",
                           response_format="b64_json")
    assert meter.bar.bar_style == "success"  # $0.16: 67%
    client.images.generate(model="dall-e-3", prompt="three", quality="standard",
                           response_format="b64_json")
    assert meter.text.startswith("$0.2000 of $0.24")
    assert meter.bar.bar_style == "warning"  # 83%
    client.images.generate(model="dall-e-2", prompt="four", size="1024x1024",
                           response_format="b64_json")
    client.images.generate(model="dall-e-2", prompt="five", size="1024x1024",
                           response_format="b64_json")
    assert meter.bar.bar_style == "danger" and meter.bar.value == pytest.approx(0.24)  # 100%
    with pytest.raises(lco.BudgetExceededError):
        client.images.generate(model="dall-e-3", prompt="six", response_format="b64_json")


def test_no_budget_hides_the_bar_and_threads_update_it(emu: Emulator) -> None:
    client = emu.client()
    meter = CostMeter(client=client)
    assert meter.bar.layout.display == "none"
    workers = [threading.Thread(target=client.embeddings.create,
                                kwargs={"model": "text-embedding-3-small", "input": f"t{i}"})
               for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert "4 requests" in meter.text and "simulated" not in meter.text
    html = meter.label.value
    assert parse(html).text and not live_markup(html)


def test_meter_with_an_async_client(emu: Emulator) -> None:
    async def main():
        async with emu.async_client(budget_usd=1.0) as ac:
            meter = CostMeter(ac)
            await ac.embeddings.create(model="text-embedding-3-small", input="async")
            return meter.text

    assert asyncio.run(main()).endswith("of $1.00 · 1 request")


def test_meter_refuses_a_non_client() -> None:
    with pytest.raises(TypeError, match="client"):
        CostMeter(client=object())
    assert lco.CostMeter is CostMeter


def test_chat_bubble_footer_shows_the_reply_cost(emu: Emulator) -> None:
    client = emu.client()
    panel = ChatPanel(client=client, model="gpt-4.1-mini")
    panel.send("Name a colour.")
    entry = client.spend.entries[-1]
    # gpt-4.1-mini: $0.40 in, $1.60 out per 1M.
    usd = (entry.input_tokens * 0.4 + entry.output_tokens * 1.6) / 1e6
    footer = f"${usd:.6f} · {entry.input_tokens} in / {entry.output_tokens} out tokens"
    texts = " ".join("".join(parse(v).text) for v in html_values(panel))
    assert footer in texts
    unpriced = ChatPanel(client=client, model="gpt-5.4-mini")
    unpriced.send("Name a colour.")
    texts = " ".join("".join(parse(v).text) for v in html_values(unpriced))
    assert " out tokens" in texts and "$" not in texts.split("out tokens")[0][-40:]
