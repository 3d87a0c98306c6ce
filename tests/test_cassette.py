"""Record a session against the emulator served on loopback (standing in for the live
service), then replay it with no emulator running and no token."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import urllib.parse
import wave

import httpx
import pytest

import lcoai_notebook as lco
from lcoai_notebook._cassette import AsyncReplayTransport, Cassette, CassetteMissError
from lcoai_notebook.emulator import Emulator

# Characters that differ raw, percent-encoded and form-encoded ("+", "/", "=", "~", " ").
TOKEN = "at_Rec0rd+me/not=ever~1234567890"


def _wav(seconds: float) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * int(seconds * 8000))
    return buf.getvalue()


CHAT = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Name two rivers."}]}
STREAM = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Count to five."}],
          "stream": True, "stream_options": {"include_usage": True}}
# The token inside a message: it must not reach the recording, however it is echoed.
LEAKY = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": f"my key is {TOKEN}, "
                                                f"or {urllib.parse.quote_plus(TOKEN)}"}]}


def _session(client) -> dict:
    """One course's worth of calls; returns what a learner would see."""
    out = {}
    out["chat"] = client.chat.completions.create(**CHAT).to_dict()
    out["stream"] = [c.to_dict() for c in client.chat.completions.create(**STREAM)]
    out["leaky"] = client.chat.completions.create(**LEAKY).to_dict()
    out["embed"] = client.embeddings.create(model="text-embedding-3-small",
                                            input=["river", "stream"]).to_dict()
    out["image"] = client.images.generate(model="dall-e-2", prompt="a river", size="256x256",
                                          response_format="b64_json").to_dict()
    out["speech"] = bytes(client.audio.speech.create(model="tts-1", input="Hello river.",
                                                     voice="alloy").content)
    out["transcript"] = client.audio.transcriptions.create(
        model="whisper-1", file=("clip.wav", _wav(2.0), "audio/wav")).to_dict()
    out["models"] = client.models.retrieve("gpt-4.1-mini").to_dict()
    return out


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    path = tmp_path_factory.mktemp("cassette") / "course.jsonl"
    with Emulator(api_tokens=(TOKEN,)) as emu:
        # offline=False: a live session by construction, whatever LCOAI_OFFLINE the process has.
        client = lco.connect(api_token=TOKEN, base_url=emu.url, record=path, offline=False)
        live = _session(client)
        spent = client.spend.total_usd
        client.close()
    return path, live, spent


def test_replay_gives_identical_results_with_no_server_and_no_token(recorded, capsys) -> None:
    path, live, spent = recorded
    # strict: a request not in the recording raises instead of reaching the emulator, so every
    # result below came from the file.
    client = lco.connect(replay=path, strict=True)
    assert client.spend.simulated is True  # replayed: nothing was spent now
    replayed = _session(client)
    # The one reply that echoed the token comes back redacted; everything else is identical.
    leaky_live, leaky_replayed = live.pop("leaky"), replayed.pop("leaky")
    assert TOKEN in json.dumps(leaky_live)
    assert TOKEN not in json.dumps(leaky_replayed) and "***" in json.dumps(leaky_replayed)
    assert leaky_replayed["id"] == leaky_live["id"]
    live["leaky"] = leaky_live
    assert replayed == {k: v for k, v in live.items() if k != "leaky"}
    assert replayed["stream"][-1]["usage"]["total_tokens"] > 0
    assert len(replayed["stream"]) > 3  # replayed as a stream, chunk by chunk
    assert client.spend.total_usd == pytest.approx(spent)
    assert "replaying course.jsonl" in capsys.readouterr().out


def test_the_recording_holds_no_token_in_any_encoding(recorded) -> None:
    path, live, _ = recorded
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    for form in (TOKEN, urllib.parse.quote(TOKEN, safe=""), urllib.parse.quote_plus(TOKEN),
                 urllib.parse.quote(TOKEN)):
        assert form not in text, form
    # Nor inside the base64 of a binary body.
    for line in text.splitlines():
        entry = json.loads(line)
        b64 = entry.get("response", {}).get("base64")
        if b64:
            assert TOKEN.encode() not in base64.b64decode(b64)
    assert "api_token" not in text or '"api_token"' not in text
    assert "***" in text  # the echoed token was there, and was redacted


def test_streams_are_recorded_as_events(recorded) -> None:
    path, _, _ = recorded
    entries = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert entries[0] == {"cassette": 1, "flavor": "lowcodeapi"}
    streams = [e for e in entries[1:] if "events" in e["response"]]
    assert len(streams) == 1
    events = streams[0]["response"]["events"]
    assert events[-1] == "data: [DONE]" and all(e.startswith("data: ") for e in events)
    speech = [e for e in entries[1:] if e["request"]["path"] == "/v1/audio/speech"]
    assert "base64" in speech[0]["response"]
    upload = [e for e in entries[1:] if e["request"]["path"] == "/v1/audio/transcriptions"]
    assert upload[0]["request"]["body"]["files"][0][0] == "file"  # fields and file hashes


def test_unmatched_requests_fall_through_or_raise(recorded, capsys) -> None:
    path, _, _ = recorded
    other = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Unrecorded?"}]}
    client = lco.connect(replay=path)
    capsys.readouterr()
    reply = client.chat.completions.create(**other)
    assert reply.choices[0].message.content  # the emulator answered
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "POST /v1/chat/completions is not in the recording; the emulator answers it" in out
    strict = lco.connect(replay=path, strict=True)
    with pytest.raises(CassetteMissError, match="not in the recording"):
        strict.chat.completions.create(**other)
    assert strict.spend.requests == 0


def test_matching_ignores_key_order_but_not_content(recorded) -> None:
    path, live, _ = recorded
    client = lco.connect(replay=path, strict=True)
    reordered = {"messages": CHAT["messages"], "model": CHAT["model"]}
    assert client.chat.completions.create(**reordered).to_dict() == live["chat"]
    with pytest.raises(CassetteMissError):
        client.chat.completions.create(model="gpt-4.1-mini",
                                       messages=[{"role": "user", "content": "Name two lakes."}])


def _tampered(path, tmp_path):
    """A copy of the recording whose chat answer says RECORDED: proof that it was served."""
    lines = path.read_text("utf-8").splitlines()
    out = []
    for line in lines:
        entry = json.loads(line)
        if entry.get("request", {}).get("body") == json.dumps(
                CHAT, sort_keys=True, separators=(",", ":")):
            body = json.loads(entry["response"]["text"])
            body["result"]["choices"][0]["message"]["content"] = "RECORDED"
            entry["response"]["text"] = json.dumps(body)
        out.append(json.dumps(entry))
    copy = tmp_path / "tampered.jsonl"
    copy.write_text("\n".join(out) + "\n", "utf-8")
    return copy


def test_the_emulator_serves_a_cassette_to_any_client(recorded, tmp_path) -> None:
    path, live, _ = recorded
    copy = _tampered(path, tmp_path)
    with Emulator(cassette=copy) as emu:
        # A plain HTTP client, as any OpenAI-compatible tool would send it.
        r = httpx.post(f"{emu.url}/v1/chat/completions", params={"api_token": emu.api_token},
                       json=CHAT)
        assert r.json()["result"]["choices"][0]["message"]["content"] == "RECORDED"
        with emu.client() as client:
            chunks = [c.to_dict() for c in client.chat.completions.create(**STREAM)]
            assert chunks == live["stream"]
            # Anything else is emulated as usual.
            other = client.chat.completions.create(
                model="gpt-4.1-mini", messages=[{"role": "user", "content": "Unrecorded?"}])
            assert other.choices[0].message.content != "RECORDED"
    with pytest.raises(ValueError, match="flavor"):
        Emulator(flavor="openai", cassette=copy)


def test_async_replay_transport(recorded) -> None:
    path, live, _ = recorded
    emu = Emulator()

    async def main():
        transport = AsyncReplayTransport(Cassette(path), None, base_path="/openai")
        async with lco.AsyncClient(api_token="at_anything_123", base_url=emu.inprocess_url,
                                   http_client=httpx.AsyncClient(transport=transport)) as ac:
            chat = (await ac.chat.completions.create(**CHAT)).to_dict()
            chunks = [c.to_dict() async for c in await ac.chat.completions.create(**STREAM)]
            with pytest.raises(CassetteMissError):
                await ac.embeddings.create(model="text-embedding-3-small", input="nope")
            return chat, chunks

    chat, chunks = asyncio.run(main())
    assert chat == live["chat"] and chunks == live["stream"]


def test_record_needs_a_live_session_and_not_both(tmp_path) -> None:
    with pytest.raises(ValueError, match="live"):
        lco.connect(offline=True, record=tmp_path / "x.jsonl")
    with pytest.raises(ValueError, match="not both"):
        lco.connect(record=tmp_path / "x.jsonl", replay=tmp_path / "y.jsonl")
