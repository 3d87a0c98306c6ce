"""Issue 12, audio: the emulator's own speech transcribes back to its text, timed by the real
duration; other audio keeps a simulated transcript; streaming transcription events."""

from __future__ import annotations

import io
import json
import re
import struct
import wave

import numpy as np
import pytest
from _emu_stub import StubApp, call, emulator_http, error_of
from _schema import validate_component

from lcoai_notebook.emulator._audio import audio_duration, spoken_text, wav_bytes
from lcoai_notebook.emulator._router import Upload

TR = "/v1/audio/transcriptions"
TL = "/v1/audio/translations"
SAID = "The quick brown fox jumps over the lazy dog. Then it naps in the warm afternoon sun!"


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def speech(app: StubApp, text: str = SAID, **kw) -> bytes:
    raw = call(app, "POST", "/v1/audio/speech",
               {"model": "gpt-4o-mini-tts", "input": text, "voice": "alloy", **kw})
    return raw.content


def transcribe(app: StubApp, audio: bytes, path: str = TR, name: str = "speech.wav", **fields):
    return call(app, "POST", path, form=({"model": "whisper-1", **fields},
                                         {"file": [Upload(name, audio, "audio/wav")]}))


@pytest.mark.parametrize("fmt", ["mp3", "wav", "opus", "aac", "flac"])
def test_speech_in_every_encodable_format_is_honest_wav_carrying_its_text(app, fmt):
    raw = call(app, "POST", "/v1/audio/speech", {"model": "tts-1", "input": "  Hello   there  ",
                                                 "voice": "echo", "response_format": fmt})
    # No mp3/opus/aac/flac encoder: the bytes are WAV and the content type says so.
    assert raw.content_type == "audio/wav"
    with wave.open(io.BytesIO(raw.content)) as w:  # the stdlib reader skips the INFO chunk
        frames = w.getnframes()
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (24000, 2, 1)
    assert audio_duration(raw.content) == (pytest.approx(frames / 24000), True)
    assert spoken_text(raw.content) == "Hello there"
    assert b"LIST" in raw.content[44 + 2 * frames:]  # after the samples: the header stays 44 bytes


def test_pcm_has_no_room_for_text_and_transcribes_as_simulated(app):
    pcm = speech(app, response_format="pcm")
    assert spoken_text(pcm) is None and b"LIST" not in pcm[-200:]


@pytest.mark.parametrize("model", ["whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"])
def test_json_transcript_of_the_emulators_speech_is_its_text(app, model):
    audio = speech(app)
    assert transcribe(app, audio, model=model)["text"] == SAID


def test_every_text_format_carries_the_spoken_text(app):
    audio = speech(app, speed=1.5)
    duration = audio_duration(audio)[0]
    text = transcribe(app, audio, response_format="text").content.decode()
    assert text == SAID + "\n"
    for fmt, sep in (("srt", ","), ("vtt", ".")):
        body = transcribe(app, audio, response_format=fmt).content.decode()
        cues = re.findall(rf"(\d\d:\d\d:\d\d{re.escape(sep)}\d{{3}}) --> "
                          rf"(\d\d:\d\d:\d\d{re.escape(sep)}\d{{3}})\n(.+)\n", body)
        assert " ".join(c[2] for c in cues) == SAID
        # One cue per sentence, as a speaker pauses; the last ends with the audio.
        assert [c[2] for c in cues] == ["The quick brown fox jumps over the lazy dog.",
                                        "Then it naps in the warm afternoon sun!"]
        end = cues[-1][1].replace(",", ".")
        h, m, s = end.split(":")
        assert int(h) * 3600 + int(m) * 60 + float(s) == pytest.approx(duration, abs=0.006)


def test_verbose_timings_spread_over_the_real_duration_where_words_are_spoken(app):
    slow, fast = speech(app, speed=0.5), speech(app, speed=2.0)
    bodies = [transcribe(app, a, response_format="verbose_json",
                         timestamp_granularities=["word", "segment"]) for a in (slow, fast)]
    for audio, body in zip((slow, fast), bodies, strict=True):
        validate_component("CreateTranscriptionResponseVerboseJson", body)
        duration = audio_duration(audio)[0]
        assert body["text"] == SAID and body["duration"] == pytest.approx(duration, abs=0.001)
        words = body["words"]
        assert [w["word"] for w in words] == re.findall(r"[\w']+", SAID)
        assert words[0]["start"] == 0 and words[-1]["end"] == pytest.approx(duration, abs=0.01)
        assert all(a["end"] == pytest.approx(b["start"], abs=0.011)
                   for a, b in zip(words[:-1], words[1:], strict=True))
        # A long word takes longer to say than a short one, as the synthesised syllables do.
        length = {w["word"]: w["end"] - w["start"] for w in words}
        assert length["afternoon"] > 2 * length["in"]
        segs = body["segments"]
        assert segs[0]["start"] == 0 and segs[-1]["end"] == pytest.approx(duration, abs=0.01)
    # Four times slower speech: every timestamp four times later.
    slow_words, fast_words = bodies[0]["words"], bodies[1]["words"]
    assert slow_words[5]["start"] == pytest.approx(4 * fast_words[5]["start"], rel=0.02)


def test_translation_returns_the_spoken_text(app):
    audio = speech(app)
    assert transcribe(app, audio, TL)["text"] == SAID
    body = transcribe(app, audio, TL, response_format="verbose_json")
    validate_component("CreateTranslationResponseVerboseJson", body)
    assert body["text"] == SAID


def test_other_audio_keeps_a_simulated_transcript_timed_to_its_duration(app):
    tone = wav_bytes(np.zeros(16000 * 6, dtype=np.int16), 16000)
    # A WAV whose INFO comment was written by someone else is not taken for speech.
    pcm = np.zeros(16000 * 6, dtype="<i2").tobytes()
    info = b"INFO" + b"ICMT" + struct.pack("<I", 10) + b"A comment\0"
    foreign = (b"RIFF" + struct.pack("<I", 36 + len(pcm) + 8 + len(info)) + b"WAVE"
               + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
               + b"data" + struct.pack("<I", len(pcm)) + pcm
               + b"LIST" + struct.pack("<I", len(info)) + info)
    for audio in (tone, foreign):
        body = transcribe(app, audio, response_format="verbose_json")
        assert body["text"] and "A comment" not in body["text"]
        assert body["duration"] == pytest.approx(6.0)
        assert body["segments"][-1]["end"] == pytest.approx(6.0, abs=0.01)


def test_a_damaged_info_chunk_is_ignored(app):
    audio = bytearray(speech(app, text="Short and sweet."))
    tail = audio.rindex(b"ICMT")
    audio[tail + 4:tail + 8] = struct.pack("<I", 10**6)  # a size running past the end
    assert spoken_text(bytes(audio)) in (None, "Short and sweet.")
    assert transcribe(app, bytes(audio))["text"]


# --------------------------------------------------------------------------- streaming
@pytest.mark.parametrize("model", ["gpt-4o-transcribe", "gpt-4o-mini-transcribe"])
def test_stream_gives_delta_events_then_done_with_the_whole_text(app, model):
    sse = transcribe(app, speech(app), model=model, stream="true")
    events = list(sse.events)
    for event in events:
        validate_component("CreateTranscriptionResponseStreamEvent", event)
    kinds = [e["type"] for e in events]
    assert kinds[-1] == "transcript.text.done" and set(kinds[:-1]) == {"transcript.text.delta"}
    assert len(kinds) > 3
    for event in events[:-1]:
        validate_component("TranscriptTextDeltaEvent", event)
    validate_component("TranscriptTextDoneEvent", events[-1])
    assert "".join(e["delta"] for e in events[:-1]) == events[-1]["text"] == SAID
    usage = events[-1]["usage"]
    assert usage["type"] == "tokens" and usage["total_tokens"] == (
        usage["input_tokens"] + usage["output_tokens"])


def test_stream_false_is_the_plain_json(app):
    body = transcribe(app, speech(app), model="gpt-4o-transcribe", stream="false")
    assert body["text"] == SAID


@pytest.mark.parametrize(("fields", "param"), [
    ({"model": "whisper-1", "stream": "true"}, "stream"),
    ({"model": "gpt-4o-transcribe", "stream": "maybe"}, "stream"),
    ({"model": "gpt-4o-transcribe", "stream": "true", "response_format": "text"},
     "response_format"),
])
def test_stream_refusals_are_openai_shaped_400s(app, fields, param):
    err = error_of(app, "POST", TR, form=(fields, {"file": [Upload("a.wav", speech(app))]}))
    assert err.status == 400 and err.param == param
    assert err.body()["error"]["type"] == "invalid_request_error"


def _sse_data(text: str) -> list:
    return [json.loads(line[6:]) for line in text.splitlines()
            if line.startswith("data: ") and line != "data: [DONE]"]


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
@pytest.mark.parametrize("mode", ["incremental", "buffered"])
def test_stream_over_the_wire_in_both_flavors(flavor, mode):
    client, base, auth = emulator_http(flavor, stream_mode=mode)
    with client:
        wav = client.post(f"{base}/v1/audio/speech", json={
            "model": "tts-1", "input": SAID, "voice": "nova"}, **auth)
        assert wav.headers["content-type"] == "audio/wav"
        files = {"file": ("speech.wav", wav.content, "audio/wav")}
        resp = client.post(f"{base}/v1/audio/transcriptions", files=files,
                           data={"model": "gpt-4o-mini-transcribe", "stream": "true"}, **auth)
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        events = _sse_data(resp.text)
        assert events[-1] == {**events[-1], "type": "transcript.text.done", "text": SAID}
        refused = client.post(f"{base}/v1/audio/transcriptions", files=files,
                              data={"model": "whisper-1", "stream": "true"}, **auth)
        assert refused.status_code == 400
        err = refused.json()["error"]
        err = err["error"] if flavor == "lowcodeapi" else err
        assert err["param"] == "stream" and "whisper-1" in err["message"]
