"""The budget guard: a request whose worst case could pass the budget is refused unsent.

"Nothing on the wire" is checked with an httpx.MockTransport that records every request.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

import lcoai_notebook as lco
from lcoai_notebook import _spend
from lcoai_notebook._requester import RequestSpec

TOKEN = "at_budget_test_token_123456"
BASE = "http://service.invalid/openai"


def _completion(prompt_tokens: int, completion_tokens: int, model: str = "gpt-4o") -> dict:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "ok"}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


class Wire:
    """A transport that records what was sent and answers one chat completion."""

    def __init__(self, prompt_tokens: int = 100, completion_tokens: int = 50) -> None:
        self.sent: list[httpx.Request] = []
        self.usage = (prompt_tokens, completion_tokens)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        body = json.loads(request.content)
        result = _completion(*self.usage, model=body["model"])
        return httpx.Response(200, json={"message": "ok", "provider": "openai",
                                         "result": result, "response_headers": {}})


def _client(wire: Wire, **kw) -> lco.Client:
    return lco.Client(api_token=TOKEN, base_url=BASE, max_retries=0,
                      http_client=httpx.Client(transport=httpx.MockTransport(wire)), **kw)


def _ask(client, model="gpt-4o", **kw):
    return client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "x" * 40}], **kw)


def test_a_request_that_could_pass_the_budget_is_not_sent() -> None:
    wire = Wire()
    client = _client(wire, budget_usd=0.10)
    # gpt-4o with no limit: up to 16,384 output tokens at $10 per 1M = $0.16384 (+ the prompt).
    with pytest.raises(lco.BudgetExceededError) as info:
        _ask(client)
    assert wire.sent == []
    err = info.value
    prompt = 3 + 4 + 10  # priming + one message + 40 characters / 4
    assert err.estimate_usd == pytest.approx((prompt * 2.5 + 16384 * 10.0) / 1e6)
    assert err.budget_usd == 0.10 and err.remaining_usd == pytest.approx(0.10)
    assert "$0.1639" in str(err) and "$0.10 budget" in str(err) and "$0.1000 left" in str(err)
    assert isinstance(err, lco.LcoaiError)
    assert client.spend.requests == 0


def test_capped_requests_pass_until_the_budget_is_used() -> None:
    wire = Wire(prompt_tokens=1000, completion_tokens=1000)
    client = _client(wire, budget_usd=0.03)
    # Worst case with max_tokens=1000: 17 * 2.5 + 1000 * 10 per 1M, about $0.01004.
    _ask(client, max_tokens=1000)
    # Spent: 1000 * 2.5 + 1000 * 10 = 12,500 per 1M = $0.0125.
    assert client.spend.total_usd == pytest.approx(0.0125)
    _ask(client, max_completion_tokens=1000)
    assert client.spend.total_usd == pytest.approx(0.025)
    assert len(wire.sent) == 2
    with pytest.raises(lco.BudgetExceededError, match=r"\$0\.0050 left of the \$0\.03 budget"):
        _ask(client, max_tokens=1000)
    assert len(wire.sent) == 2
    assert client.spend.remaining_usd == pytest.approx(0.005)


def test_unpriced_models_need_a_token_budget() -> None:
    wire = Wire(prompt_tokens=20, completion_tokens=30)
    client = _client(wire, budget_usd=1.0)
    with pytest.raises(lco.BudgetExceededError, match="budget_tokens"):
        _ask(client, model="gpt-5.4-mini", max_completion_tokens=10)
    assert wire.sent == []
    guarded = _client(wire, budget_usd=1.0, budget_tokens=120)
    _ask(guarded, model="gpt-5.4-mini", max_completion_tokens=50)  # worst case 17 + 50 = 67 tokens
    assert guarded.spend.total_tokens == 50
    # 70 left; 17 + 60 = 77 could pass it.
    with pytest.raises(lco.BudgetExceededError, match="up to 77 tokens") as info:
        _ask(guarded, model="gpt-5.4-mini", max_completion_tokens=60)
    assert info.value.remaining_tokens == 70
    assert len(wire.sent) == 1


def test_images_are_estimated_per_image() -> None:
    sent = []

    def handler(request):
        sent.append(request)
        return httpx.Response(500)

    client = lco.Client(api_token=TOKEN, base_url=BASE, budget_usd=0.30, max_retries=0,
                        http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    # dall-e-3 hd 1792x1024 is $0.12 each; the API takes n=1 only, so ask dall-e-2 for n=10
    # at 1024x1024 ($0.02 each): $0.20 fits, while gpt-image-1 high quality at an "auto" size
    # counts the dearest option, $0.25 each: two of them ($0.50) do not.
    with pytest.raises(lco.BudgetExceededError, match=r"up to \$0\.5000"):
        client.images.generate(model="gpt-image-1", prompt="p", n=2, quality="high")
    assert sent == []
    with pytest.raises(lco.APIStatusError):
        client.images.generate(model="dall-e-2", prompt="p", n=10, size="1024x1024")
    assert len(sent) == 1  # it fitted, so it was sent (and failed upstream)
    assert client.spend.remaining_usd == pytest.approx(0.30)  # the reservation was released


def test_async_client_is_guarded_too() -> None:
    wire = Wire()

    async def main() -> None:
        ac = lco.AsyncClient(api_token=TOKEN, base_url=BASE, budget_usd=0.01,
                             http_client=httpx.AsyncClient(transport=httpx.MockTransport(wire)))
        with pytest.raises(lco.BudgetExceededError):
            await ac.chat.completions.create(model="gpt-4o",
                                             messages=[{"role": "user", "content": "x"}])
        await ac.aclose()

    asyncio.run(main())
    assert wire.sent == []


def test_connect_passes_the_budget_offline(capsys) -> None:
    client = lco.connect(budget_usd=0.001)
    with pytest.raises(lco.BudgetExceededError):
        client.chat.completions.create(model="gpt-4.1-mini",
                                       messages=[{"role": "user", "content": "hi"}])
    r = client.chat.completions.create(model="gpt-4.1-mini", max_tokens=20,
                                       messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content
    assert client.spend.requests == 1 and client.spend.simulated


@pytest.mark.parametrize("kw, match", [
    ({"budget_usd": -1}, "budget_usd"),
    ({"budget_usd": float("nan")}, "budget_usd"),
    ({"budget_usd": "5"}, "budget_usd"),
    ({"budget_tokens": 1.5}, "budget_tokens"),
    ({"budget_tokens": True}, "budget_tokens"),
])
def test_bad_budgets_are_refused(kw, match) -> None:
    with pytest.raises(ValueError, match=match):
        lco.Client(api_token=TOKEN, base_url=BASE, **kw)


def test_the_documented_estimate() -> None:
    spec = RequestSpec("POST", "/chat/completions", json={
        "model": "gpt-4.1-mini", "max_completion_tokens": 100, "n": 2,
        "messages": [{"role": "system", "content": "abcd" * 5},
                     {"role": "user", "content": [{"type": "text", "text": "abcdefgh"},
                                                  {"type": "image_url", "image_url": {}}]}]})
    est = _spend.estimate(spec)
    # 3 + (4 + 5) + (4 + 2 + 1500) prompt tokens, 2 x 100 output tokens.
    prompt = 3 + 9 + 4 + 2 + _spend.IMAGE_PART_TOKENS
    assert est.tokens == prompt + 200
    assert est.usd == pytest.approx((prompt * 0.4 + 200 * 1.6) / 1e6)
    embed = _spend.estimate(RequestSpec("POST", "/embeddings", json={
        "model": "text-embedding-3-small", "input": ["a" * 400, [1, 2, 3]]}))
    assert (embed.tokens, embed.usd) == (103, pytest.approx(103 * 0.02 / 1e6))
    assert _spend.estimate(RequestSpec("GET", "/models")) is None
