"""Learners through the relay: the package's client and the official SDK, every kind of call the
panels and notebooks make, in front of both upstream flavors."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

import lcoai_notebook as lco
from lcoai_notebook import _pricing

MESSAGES = [{"role": "user", "content": "Name three colours of the rainbow."}]


def test_every_call_kind_through_connect(upstream, make_relay, learner):
    relay = make_relay(upstream)
    client = learner(relay, "seat-01")
    assert client.flavor == "openai" and client.base_url == relay.url + "/v1"

    reply = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                           max_completion_tokens=60)
    assert reply.choices[0].message.content

    stream = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                            max_completion_tokens=60, stream=True)
    chunks = list(stream)
    # The relay asked the upstream for usage (to read the cost) but the learner did not: the
    # usage-only chunk is not passed on, so every chunk still has a choice.
    assert chunks and all(chunk.choices for chunk in chunks)
    assert stream.text

    vectors = client.embeddings.create(model="text-embedding-3-small",
                                       input=["a cat", "a kitten", "a tax form"]).to_numpy()
    assert vectors.shape == (3, 1536)

    image = client.images.generate(model="dall-e-2", prompt="a red circle", size="256x256")
    assert image.data and (image.data[0].get("url") or image.data[0].get("b64_json"))

    speech = client.audio.speech.create(model="tts-1", voice="alloy",
                                        input="The relay keeps the token.")
    text = client.audio.transcriptions.create(
        model="whisper-1", file=("speech.wav", bytes(speech), "audio/wav"))
    assert text.text == "The relay keeps the token."
    srt = client.audio.transcriptions.create(
        model="whisper-1", file=("speech.wav", bytes(speech), "audio/wav"), response_format="srt")
    assert "-->" in str(srt)

    flagged = client.moderations.create(input="I will hurt you")
    assert flagged.results[0].flagged is True
    assert any(m.id == "gpt-4o-mini" for m in client.models.list())

    # The ledger has one charged row per billable call, with the tokens the responses reported.
    ledger = relay.ledger()
    chat_rows = ledger[ledger.route == "/chat/completions"]
    assert list(chat_rows.state) == ["charged", "charged"]
    assert chat_rows.iloc[0].input_tokens == reply.usage.prompt_tokens
    assert chat_rows.iloc[0].cost_usd == pytest.approx(
        _pricing.chat_cost("gpt-4o-mini", reply.usage.to_dict()), abs=1e-6)
    seat = relay.spend().loc["seat-01"]
    assert seat.requests == len(ledger) and seat.spent_usd == pytest.approx(
        ledger.cost_usd.sum(), abs=1e-9)
    assert relay.spend().loc["seat-02"].requests == 0


def test_a_learner_who_asks_for_usage_gets_it(upstream, make_relay, learner):
    relay = make_relay(upstream)
    client = learner(relay, "seat-02")
    chunks = list(client.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, max_completion_tokens=40, stream=True,
        stream_options={"include_usage": True}))
    usage = [c.usage for c in chunks if c.get("usage")]
    assert len(usage) == 1 and usage[0].completion_tokens > 0
    row = relay.ledger().iloc[-1]
    assert row.output_tokens == usage[0].completion_tokens and row.state == "charged"


def test_the_official_sdk_with_a_seat_code(upstream, make_relay):
    relay = make_relay(upstream)
    sdk = openai.OpenAI(base_url=relay.url + "/v1", api_key=relay.seat_codes["seat-03"],
                        max_retries=0)
    reply = sdk.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                        max_completion_tokens=50)
    assert reply.choices[0].message.content
    pieces = [c.choices[0].delta.content or "" for c in sdk.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, max_completion_tokens=50, stream=True)]
    assert "".join(pieces)
    emb = sdk.embeddings.create(model="text-embedding-3-small", input="hello")
    assert len(emb.data[0].embedding) == 1536
    img = sdk.images.generate(model="dall-e-2", prompt="a square", size="256x256")
    assert img.data
    wav = sdk.audio.speech.create(model="tts-1", voice="alloy", input="Seat three here.").content
    tr = sdk.audio.transcriptions.create(model="whisper-1", file=("a.wav", wav, "audio/wav"))
    assert tr.text == "Seat three here."
    with openai.OpenAI(base_url=relay.url + "/v1", api_key="seat_not-a-real-code",
                       max_retries=0) as stranger, pytest.raises(openai.AuthenticationError):
        stranger.models.list()
    assert relay.spend().loc["seat-03"].requests == 6
    sdk.close()


def test_the_responses_api_only_to_an_openai_upstream(upstream, make_relay, learner):
    relay = make_relay(upstream)
    client = learner(relay, "seat-01")
    if upstream.flavor == "lowcodeapi":
        with pytest.raises(lco.NotFoundError, match="does not forward POST /v1/responses"):
            client.responses.create(model="gpt-4o-mini", input="hi", max_output_tokens=30)
        assert not any("/responses" in p for p in upstream.paths)
        return
    resp = client.responses.create(model="gpt-4o-mini", input="Say hello",
                                   max_output_tokens=40)
    assert resp.output_text
    sent = [p for p in upstream.paths if p.endswith("/responses")]
    assert len(sent) == 1
    with pytest.raises(lco.BadRequestError, match="previous_response_id"):
        client.responses.create(model="gpt-4o-mini", input="again", max_output_tokens=30,
                                previous_response_id=resp.id)


def test_a_panel_works_unchanged_through_the_relay(upstream, make_relay, learner):
    pytest.importorskip("ipywidgets")
    relay = make_relay(upstream)
    client = learner(relay, "seat-01")
    panel = lco.ChatPanel(client=client, model="gpt-4o-mini")
    panel.send("What is a relay?")
    assert panel.history[-1]["role"] == "assistant" and panel.history[-1]["content"]
    ledger = relay.ledger()
    assert list(ledger[ledger.route == "/chat/completions"].state) == ["charged"]


def test_connect_reads_the_relay_and_seat_from_the_environment(upstream, make_relay,
                                                               monkeypatch):
    relay = make_relay(upstream)
    monkeypatch.setenv("LCOAI_RELAY_URL", relay.url)
    monkeypatch.setenv("LCOAI_SEAT", relay.seat_codes["seat-02"])
    with lco.connect() as client:
        assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    assert relay.spend().loc["seat-02"].requests == 1


def test_connect_refuses_a_relay_without_a_seat_or_with_other_settings():
    with pytest.raises(ValueError, match="seat is required"):
        lco.connect(relay="http://127.0.0.1:1")
    with pytest.raises(ValueError, match="relay="):
        lco.connect(relay="http://127.0.0.1:1", seat="seat_x", flavor="lowcodeapi")
    with pytest.raises(ValueError, match="not base_url"):
        lco.connect(relay="http://127.0.0.1:1", seat="seat_x", api_token="at_x")
    with pytest.raises(ValueError, match="not both"):
        lco.connect(relay="http://127.0.0.1:1", seat="seat_x", offline=True)
    with pytest.raises(ValueError, match="http:// or https://"):
        lco.connect(relay="127.0.0.1:8787", seat="seat_x")


def test_relay_errors_are_openai_shaped(upstream, make_relay):
    relay = make_relay(upstream)
    base = relay.url + "/v1"
    code = relay.seat_codes["seat-01"]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {code}"}) as http:
        for method, path in [("GET", "/files"), ("POST", "/fine_tuning/jobs"),
                             ("GET", "/assistants"), ("POST", "/batches"),
                             ("DELETE", "/models/gpt-4o-mini")]:
            r = http.request(method, path, json={} if method == "POST" else None)
            assert r.status_code == 404, path
            err = r.json()["error"]
            assert set(err) == {"message", "type", "param", "code"}
            assert err["code"] == "route_not_forwarded" and "/v1/chat/completions" in \
                err["message"]
        r = http.post("/chat/completions", content=b"{not json",
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
        r = http.post("/chat/completions", json={"model": "no-such-model-xyz",
                                                "messages": MESSAGES})
        assert r.status_code == 400 and r.json()["error"]["code"] == "cost_unknown"
        # An upstream error comes back with its status and OpenAI's shape, refunded.
        r = http.post("/chat/completions", json={"model": "gpt-4o-mini", "messages": MESSAGES,
                                                "max_completion_tokens": 20},
                      headers={"X-Emulator-Fault": "status=400"})
        # (the relay does not forward learners' headers: the fault header never reaches it)
        assert r.status_code == 200
    assert not any("/files" in p or "/assistants" in p or "/batches" in p
                   for p in upstream.paths)
    states = set(relay.ledger().state)
    assert states <= {"charged"}


def test_upstream_errors_pass_through_typed_and_refunded(make_relay, learner, tmp_path):
    from tests.relay.conftest import CountingEmulator

    up = CountingEmulator("openai", fault_rate=1.0, fault_seed=3)
    up.emu.start()
    try:
        relay = make_relay(up, db=tmp_path / "faults.sqlite")
        client = learner(relay, "seat-01", max_retries=0)
        with pytest.raises(lco.APIError):
            client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                           max_completion_tokens=20)
        ledger = relay.ledger()
        assert list(ledger.state) == ["refunded"] and ledger.cost_usd.iloc[0] == 0
        assert relay.spend().loc["seat-01"].spent_usd == 0
        assert relay.spend().loc["seat-01"].reserved_usd == 0
    finally:
        up.emu.stop()


def test_admin_api_needs_the_admin_key_not_a_seat_code(upstream, make_relay):
    relay = make_relay(upstream)
    with httpx.Client(base_url=relay.url) as http:
        for headers in ({}, {"X-Admin-Key": relay.seat_codes["seat-01"]},
                        {"Authorization": f"Bearer {relay.seat_codes['seat-01']}"},
                        {"X-Admin-Key": relay.store.admin_key[:-1]}):
            r = http.get("/admin/api/state", headers=headers)
            assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_admin_key"
        key = {"X-Admin-Key": relay.store.admin_key}
        state = http.get("/admin/api/state", headers=key).json()
        assert [s["seat"] for s in state["seats"]] == ["seat-01", "seat-02", "seat-03"]
        assert state["totals"]["budget_usd"] == 1.0
        assert http.post("/admin/api/seats/seat-02/add-budget", json={"usd": 0.25},
                         headers=key).status_code == 200
        assert relay.spend().loc["seat-02"].budget_usd == pytest.approx(0.75)
        for bad in ({"usd": -1}, {"usd": "1"}, {"usd": 1e9}, {}):
            r = http.post("/admin/api/seats/seat-02/add-budget", json=bad, headers=key)
            assert r.status_code == 400 and r.json()["error"]["param"] == "usd"
        assert http.post("/admin/api/seats/seat-99/pause", headers=key).status_code == 404
        page = http.get("/admin")
        assert page.status_code == 200 and "script-src 'self'" in \
            page.headers["content-security-policy"]
        assert relay.store.admin_key not in page.text
        csv_text = http.get("/admin/api/ledger.csv", headers=key).text
        assert csv_text.splitlines()[0].startswith("id,seat,")
    body = json.dumps(state)
    assert all(code not in body for code in relay.seat_codes.values())
