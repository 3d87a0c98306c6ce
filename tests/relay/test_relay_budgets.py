"""Budgets hold under concurrency, across restarts; pauses, rate limits and size limits refuse
before anything is forwarded."""

from __future__ import annotations

import asyncio
import stat

import httpx
import pytest

import lcoai_notebook as lco
from lcoai_notebook import _pricing
from lcoai_notebook.relay import Relay
from tests.relay.conftest import CountingEmulator

MESSAGES = [{"role": "user", "content": "Tell me about rivers."}]


def _micro(usd: float) -> int:
    return round(usd * 1_000_000)


@pytest.mark.timeout(300)
def test_thirty_seats_five_concurrent_requests_never_overspend(make_relay, tmp_path):
    # Latency makes the requests overlap, so reservations (not finished costs) decide.
    up = CountingEmulator("openai", latency=0.3)
    up.emu.start()
    try:
        per_seat, total = 0.0003, 0.0025
        relay = make_relay(up, seats=30, per_seat_usd=per_seat, budget_usd=total,
                           db=tmp_path / "busy.sqlite", per_minute=100)
        codes = relay.seat_codes

        async def one(client: lco.AsyncClient) -> tuple[str, object]:
            try:
                reply = await client.chat.completions.create(
                    model="gpt-4o-mini", messages=MESSAGES, max_completion_tokens=200)
            except lco.BudgetExceededError as exc:
                return "refused", exc
            return "ok", reply

        async def seat_run(code: str) -> list[tuple[str, object]]:
            async with lco.AsyncClient(api_token=code, base_url=relay.url + "/v1",
                                       flavor="openai", max_retries=0) as client:
                return list(await asyncio.gather(*(one(client) for _ in range(5))))

        async def everyone() -> dict[str, list[tuple[str, object]]]:
            results = await asyncio.gather(*(seat_run(code) for code in codes.values()))
            return dict(zip(codes, results, strict=True))

        outcomes = asyncio.run(everyone())
    finally:
        up.emu.stop()

    ok = [r for rs in outcomes.values() for kind, r in rs if kind == "ok"]
    refused = [e for rs in outcomes.values() for kind, e in rs if kind == "refused"]
    assert len(ok) + len(refused) == 150
    # Nothing was forwarded for a refusal: the upstream saw exactly the answered requests.
    assert len([p for p in up.paths if p.endswith("/chat/completions")]) == len(ok)
    # Both budgets did refuse (the test would prove nothing otherwise), each with a clear message.
    codes_seen = {e.code for e in refused}
    assert codes_seen == {"seat_budget_exceeded", "workshop_budget_exceeded"}, codes_seen
    for err in refused:
        assert isinstance(err, lco.InsufficientQuotaError) and err.status_code == 429
        assert "could cost up to $" in str(err) and "remains" in str(err)

    # Spend from the responses themselves (usage x the price table), independent of the ledger.
    def cost(reply) -> int:
        return _pricing_micro(reply.usage.to_dict())

    by_seat = {seat: sum(cost(r) for kind, r in rs if kind == "ok")
               for seat, rs in outcomes.items()}
    assert all(spent <= _micro(per_seat) for spent in by_seat.values()), by_seat
    assert sum(by_seat.values()) <= _micro(total)
    frame = relay.spend()
    assert (frame.spent_usd <= per_seat + 1e-12).all() and frame.spent_usd.sum() <= total + 1e-12
    assert (frame.reserved_usd == 0).all()
    assert frame.refused.sum() == len(refused) and frame.requests.sum() == len(ok)


def _pricing_micro(usage: dict) -> int:
    import math

    return math.ceil(_pricing.chat_cost("gpt-4o-mini", usage) * 1_000_000 - 1e-6)


def test_restart_keeps_spend_pauses_codes_and_admin_key(make_relay, tmp_path, learner):
    up = CountingEmulator("lowcodeapi")
    up.emu.start()
    try:
        db = tmp_path / "keep.sqlite"
        relay = make_relay(up, db=db)
        client = learner(relay, "seat-01")
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                       max_completion_tokens=30)
        relay.pause("seat-02")
        relay.add_budget("seat-03", 0.25)
        before = relay.spend()
        codes, key = relay.seat_codes, relay.store.admin_key
        # A request still in flight when the relay stops is charged at its reservation.
        row = relay.store.reserve("seat-01", 1234, method="POST", route="/chat/completions",
                                  model="gpt-4o-mini")
        relay.close()

        again = make_relay(up, db=db)
        # The file holds the seat codes and the admin key: its owner alone may read it.
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert stat.S_IMODE(again.write_codes(tmp_path / "codes.csv").stat().st_mode) == 0o600
        after = again.spend()
        assert again.seat_codes == codes and again.store.admin_key == key
        assert after.loc["seat-02"].paused and not after.loc["seat-01"].paused
        assert after.loc["seat-03"].budget_usd == pytest.approx(0.75)
        assert after.loc["seat-01"].spent_usd == pytest.approx(
            before.loc["seat-01"].spent_usd + 0.001234)
        ledger = again.ledger()
        assert ledger.set_index("id").loc[row].state == "interrupted"
        assert (after.reserved_usd == 0).all()
        with pytest.raises(lco.PermissionDeniedError, match="paused"):
            learner(again, "seat-02").models.list()
        assert learner(again, "seat-01").models.list()
    finally:
        up.emu.stop()


def test_pause_one_seat_and_the_kill_switch(upstream, make_relay, learner):
    relay = make_relay(upstream)
    one, two = learner(relay, "seat-01", max_retries=0), learner(relay, "seat-02", max_retries=0)
    relay.pause("seat-01")
    with pytest.raises(lco.PermissionDeniedError, match="This seat is paused") as info:
        one.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                    max_completion_tokens=20)
    assert info.value.code == "seat_paused"
    assert two.models.list()
    relay.pause()  # everyone
    with pytest.raises(lco.PermissionDeniedError, match="workshop relay is paused"):
        two.models.list()
    relay.resume()
    relay.resume("seat-01")
    assert one.models.list() and two.models.list()
    assert not any("chat" in p for p in upstream.paths)


def test_rate_limit_per_seat_with_retry_after(upstream, make_relay):
    relay = make_relay(upstream, per_minute=3)
    with httpx.Client(base_url=relay.url + "/v1") as http:
        auth = {"Authorization": f"Bearer {relay.seat_codes['seat-01']}"}
        assert [http.get("/models", headers=auth).status_code for _ in range(3)] == [200] * 3
        r = http.get("/models", headers=auth)
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limit_exceeded"
        assert 1 <= int(r.headers["retry-after"]) <= 60
        other = {"Authorization": f"Bearer {relay.seat_codes['seat-02']}"}
        assert http.get("/models", headers=other).status_code == 200
    assert len(upstream.paths) == 4


def test_bodies_over_the_limit_are_refused_unread(upstream, make_relay):
    relay = make_relay(upstream, max_body_bytes=10_000)
    with httpx.Client(base_url=relay.url + "/v1") as http:
        auth = {"Authorization": f"Bearer {relay.seat_codes['seat-01']}"}
        big = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x" * 20_000}]}
        r = http.post("/chat/completions", json=big, headers=auth)
        assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"

        def chunks():  # no content-length: the limit applies while reading
            for _ in range(20):
                yield b"x" * 1000

        r = http.post("/chat/completions", content=chunks(),
                      headers={**auth, "Content-Type": "application/json"})
        assert r.status_code == 413
    assert upstream.paths == []


def test_unknown_seat_codes_are_refused(upstream, make_relay):
    relay = make_relay(upstream)
    real = relay.seat_codes["seat-01"]
    with httpx.Client(base_url=relay.url + "/v1") as http:
        for auth in ("", "Bearer", f"Bearer {real[:-1]}", f"Bearer {real}x", f"Basic {real}",
                     f"Bearer {relay.store.admin_key}"):
            r = http.get("/models", headers={"Authorization": auth} if auth else {})
            assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
    assert upstream.paths == []
    assert all(len(code) >= 32 and code.startswith("seat_") for code in relay.seat_codes.values())
    assert len(set(relay.seat_codes.values())) == 3


def test_relay_settings_are_checked(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite"
    with pytest.raises(ValueError, match="LCOAI_API_TOKEN"):
        Relay(db=db)
    for kw, name in [({"seats": 0}, "seats"), ({"per_seat_usd": -1}, "per_seat_usd"),
                     ({"budget_usd": float("nan")}, "budget_usd"), ({"port": 70000}, "port"),
                     ({"flavor": "azure"}, "flavor"), ({"per_minute": 1.5}, "per_minute"),
                     ({"upstream": "ftp://x"}, "upstream")]:
        with pytest.raises(ValueError, match=name):
            Relay(api_token="at_" + "x" * 20, db=db, **kw)
    monkeypatch.setenv("LCOAI_API_TOKEN", "at_" + "y" * 20)
    relay = Relay(db=db, seats=2)
    try:
        assert "at_" not in repr(relay) and len(relay.seat_codes) == 2
    finally:
        relay.close()


def test_a_model_without_a_price_is_refused_until_the_host_assumes_one(upstream, make_relay,
                                                                       learner, tmp_path):
    from lcoai_notebook import _pricing

    assert _pricing.price_per_1m("gpt-5.4-mini") is None  # the table has no price for it
    relay = make_relay(upstream)
    client = learner(relay, "seat-01", max_retries=0)
    with pytest.raises(lco.BadRequestError, match="--price gpt-5.4-mini=") as info:
        client.chat.completions.create(model="gpt-5.4-mini", messages=MESSAGES)
    assert info.value.code == "cost_unknown" and info.value.param == "model"
    assert not any("chat" in p for p in upstream.paths)

    priced = make_relay(upstream, db=tmp_path / "priced.sqlite", prices={
        "gpt-5.4-mini": {"input": 1.0, "output": 2.0, "max_output_tokens": 4000}})
    client = learner(priced, "seat-01")
    reply = client.chat.completions.create(model="gpt-5.4-mini", messages=MESSAGES)
    usage = reply.usage
    expected = (usage.prompt_tokens * 1.0 + usage.completion_tokens * 2.0) / 1_000_000
    row = priced.ledger().iloc[-1]
    assert row.state == "charged" and row.cost_usd == pytest.approx(expected, abs=1e-6)
    # The worst case used the assumed limit: 4,000 output tokens at $2 per million at most.
    assert row.reserved_usd >= 4000 * 2.0 / 1_000_000
    # The assumption stays in the relay: the learner's own process still knows no price.
    assert _pricing.price_per_1m("gpt-5.4-mini") is None
    # A panel on its default model works through the relay.
    pytest.importorskip("ipywidgets")
    panel = lco.ChatPanel(client=client)
    panel.send("Hello through the relay")
    assert panel.history[-1]["role"] == "assistant"


def test_assumed_prices_are_checked(tmp_path):
    db = tmp_path / "p.sqlite"
    token = "at_" + "z" * 20
    with pytest.raises(ValueError, match="priced in the model table"):
        Relay(api_token=token, db=db, prices={"gpt-4.1-mini": {"input": 1, "output": 1}})
    with pytest.raises(ValueError, match="takes input"):
        Relay(api_token=token, db=db, prices={"gpt-5.4-mini": {"inp": 1}})
    with pytest.raises(ValueError, match="max_output_tokens"):
        Relay(api_token=token, db=db,
              prices={"gpt-5.4-mini": {"input": 1, "max_output_tokens": 2.5}})
    from lcoai_notebook import cli

    assert cli._price_args(["gpt-5.4-mini=0.75,4.5,128000"]) == {
        "gpt-5.4-mini": {"input": 0.75, "output": 4.5, "max_output_tokens": 128000.0}}
    with pytest.raises(ValueError, match="MODEL=INPUT,OUTPUT"):
        cli._price_args(["gpt-5.4-mini=cheap"])
