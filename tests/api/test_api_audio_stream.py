"""Issue 12, audio: ``audio.transcriptions.create(stream=True)`` in both clients and flavors,
the speech -> transcript round trip through the client, and the official SDK against the
emulator."""

from __future__ import annotations

import asyncio

import httpx
import openai
import pytest
from _schema import validate_component

import lcoai_notebook as lco
from lcoai_notebook._exceptions import StreamInterruptedError
from lcoai_notebook.api.audio import (
    AsyncTranscriptionStream,
    TranscriptionStream,
    TranscriptionStreamEvent,
)
from lcoai_notebook.emulator import Emulator

SAID = "Streaming works offline. Every word arrives in order, then the whole text."


def _speech(client) -> bytes:
    return bytes(client.audio.speech.create(model="gpt-4o-mini-tts", voice="coral", input=SAID))


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_sync_stream_of_typed_events(flavor):
    with Emulator(flavor=flavor).client() as client:
        audio = _speech(client)
        stream = client.audio.transcriptions.create(
            file=("said.wav", audio), model="gpt-4o-mini-transcribe", stream=True)
        assert isinstance(stream, TranscriptionStream)
        with stream:
            events = list(stream)
    assert all(isinstance(e, TranscriptionStreamEvent) for e in events)
    for e in events:
        validate_component("CreateTranscriptionResponseStreamEvent", e.to_dict())
    *deltas, done = events
    assert {e.type for e in deltas} == {"transcript.text.delta"} and len(deltas) > 2
    assert done.type == "transcript.text.done" and done.text == SAID
    assert "".join(e.delta for e in deltas) == SAID and stream.text == SAID and stream.done
    assert done.usage.type == "tokens" and done.usage.output_tokens > 0


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_async_stream_matches_sync(flavor):
    emu = Emulator(flavor=flavor)
    with emu.client() as client:
        audio = _speech(client)
        sync_events = [e.to_dict() for e in client.audio.transcriptions.create(
            file=("said.wav", audio), model="gpt-4o-transcribe", stream=True)]

    async def run():
        async with emu.async_client() as aclient:
            stream = await aclient.audio.transcriptions.create(
                file=("said.wav", audio), model="gpt-4o-transcribe", stream=True)
            assert isinstance(stream, AsyncTranscriptionStream)
            got = [e.to_dict() async for e in stream]
            return got, stream.text

    async_events, text = asyncio.run(run())
    assert async_events == sync_events and text == SAID


def test_get_final_text_and_real_loopback_server():
    with Emulator(flavor="lowcodeapi", stream_mode="buffered") as emu, emu.client() as client:
        audio = _speech(client)
        stream = client.audio.transcriptions.create(file=("said.wav", audio),
                                                    model="gpt-4o-mini-transcribe", stream=True)
        first = next(stream)  # next() and a later loop share one iterator
        assert first.type == "transcript.text.delta" and SAID.startswith(first.delta)
        assert stream.get_final_text() == SAID and stream.events[0] is first
        # Not streamed: the same text, whole, in every format.
        assert client.audio.transcriptions.create(file=("said.wav", audio),
                                                  model="whisper-1").text == SAID
        srt = client.audio.transcriptions.create(file=("said.wav", audio), model="whisper-1",
                                                 response_format="srt")
        assert "Streaming works offline." in srt and srt.startswith("1\n00:00:00,000 --> ")
        assert client.audio.translations.create(file=("said.wav", audio),
                                                model="whisper-1").text == SAID


def _refusing_client() -> lco.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent: {request.url}")

    return lco.Client(api_token="sk-test", flavor="openai", base_url="http://127.0.0.1:9/v1",
                      http_client=httpx.Client(transport=httpx.MockTransport(handler)))


@pytest.mark.parametrize(("call", "kwargs", "exc", "match"), [
    ("transcriptions", {"model": "whisper-1", "stream": True}, ValueError,
     r"stream=True is not supported by whisper-1"),
    # An unknown model passes through, but only json streams.
    ("transcriptions", {"model": "my-transcriber", "stream": True, "response_format": "text"},
     ValueError, r"stream=True needs response_format='json'"),
    ("transcriptions", {"model": "gpt-4o-transcribe", "stream": "yes"}, TypeError,
     r"stream must be True or False"),
    # Not a parameter of translations at all: refused as an unknown keyword, with the reason.
    ("translations", {"model": "whisper-1", "stream": True}, TypeError,
     r"stream is not a translations parameter"),
])
def test_refused_before_sending(call, kwargs, exc, match):
    with _refusing_client() as client, pytest.raises(exc, match=match):
        getattr(client.audio, call).create(file=("a.wav", b"RIFF\0\0\0\0WAVEfmt "), **kwargs)


def _sse(*events: bytes) -> httpx.MockTransport:
    body = b"".join(b"data: " + e + b"\n\n" for e in events)

    def handler(request: httpx.Request) -> httpx.Response:
        assert b'name="stream"\r\n\r\ntrue' in request.content
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    return httpx.MockTransport(handler)


DELTA = b'{"type":"transcript.text.delta","delta":"Hi"}'
DONE = b'{"type":"transcript.text.done","text":"Hi"}'


def test_a_stream_without_done_marker_ends_cleanly_after_the_done_event():
    with lco.Client(api_token="sk-t", flavor="openai", base_url="http://x.invalid/v1",
                    http_client=httpx.Client(transport=_sse(DELTA, DONE))) as client:
        stream = client.audio.transcriptions.create(file=("a.wav", b"RIFF\0\0\0\0WAVEfmt "),
                                                    model="gpt-4o-transcribe", stream=True)
        assert [e.type for e in stream] == ["transcript.text.delta", "transcript.text.done"]
        assert stream.text == "Hi"


def test_a_stream_cut_before_the_done_event_is_interrupted():
    with lco.Client(api_token="sk-t", flavor="openai", base_url="http://x.invalid/v1",
                    http_client=httpx.Client(transport=_sse(DELTA))) as client:
        stream = client.audio.transcriptions.create(file=("a.wav", b"RIFF\0\0\0\0WAVEfmt "),
                                                    model="gpt-4o-transcribe", stream=True)
        with pytest.raises(StreamInterruptedError):
            list(stream)
        assert stream.text == "Hi" and not stream.done


def test_official_sdk_streams_from_the_emulator():
    emu = Emulator(flavor="openai")
    with openai.OpenAI(base_url=emu.inprocess_url, api_key=emu.api_token, max_retries=0,
                       http_client=httpx.Client(transport=emu.transport())) as sdk:
        audio = sdk.audio.speech.create(model="tts-1", voice="alloy", input=SAID).content
        assert sdk.audio.transcriptions.create(file=("s.wav", audio),
                                               model="whisper-1").text == SAID
        events = list(sdk.audio.transcriptions.create(file=("s.wav", audio),
                                                      model="gpt-4o-transcribe", stream=True))
        assert [type(e).__name__ for e in events[-2:]] == ["TranscriptionTextDeltaEvent",
                                                           "TranscriptionTextDoneEvent"]
        assert "".join(e.delta for e in events[:-1]) == events[-1].text == SAID
        with pytest.raises(openai.BadRequestError) as info:
            sdk.audio.transcriptions.create(file=("s.wav", audio), model="whisper-1",
                                            stream=True)
        assert info.value.param == "stream"
