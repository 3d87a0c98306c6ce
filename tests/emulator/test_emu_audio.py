"""Audio routes of the emulator: durations from real containers, transcript formats, speech."""

from __future__ import annotations

import re
import struct

import numpy as np
import pytest
from _emu_stub import StubApp, call, error_of
from _schema import response_schema, validate_component

from lcoai_notebook.emulator._audio import audio_duration, synthesize, wav_bytes
from lcoai_notebook.emulator._router import Upload

TR = "/v1/audio/transcriptions"
TL = "/v1/audio/translations"


def validate_alternative(operation_id: str, body: dict, expected: str) -> None:
    """Check ``body`` against the operation's 200 schema, a ``oneOf`` of components.

    ``validate_response`` cannot be used as is: its validator does not resolve ``$ref`` nested in
    a top-level ``oneOf``, and a verbose body also satisfies the plain ``...Json`` alternative
    (only ``text`` is required there), so ``oneOf`` could never hold. Instead: the body must
    satisfy the ``expected`` alternative, which must be one the operation lists.
    """
    names = [alt["$ref"].rsplit("/", 1)[1] for alt in response_schema(operation_id)["oneOf"]]
    assert expected in names
    validate_component(expected, body)


def wav_of(seconds: float, rate: int = 16000) -> bytes:
    return wav_bytes(np.zeros(int(seconds * rate), dtype=np.int16), rate)


def mp3_of(frames: int) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of 1152 samples, after an ID3v2 tag.
    frame = b"\xff\xfb\x90\x00" + b"\x00" * 413
    return b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + frame * frames


def flac_of(samples: int, rate: int = 48000) -> bytes:
    bits = (rate << 44) | (1 << 41) | (15 << 36) | samples
    info = struct.pack(">HH", 4096, 4096) + b"\x00" * 6 + bits.to_bytes(8, "big") + b"\x00" * 16
    return b"fLaC" + b"\x80\x00\x00\x22" + info + b"\x00" * 100


def ogg_of(granule: int, rate: int = 44100) -> bytes:
    ident = b"\x01vorbis" + struct.pack("<IBI", 0, 2, rate) + b"\x00" * 14
    first = b"OggS\x00\x02" + struct.pack("<q", 0) + b"\x00" * 13 + ident
    last = b"OggS\x00\x04" + struct.pack("<q", granule) + b"\x00" * 13 + b"\x00" * 50
    return first + b"\x00" * 200 + last


def mp4_of(seconds: float, version: int = 0) -> bytes:
    scale = 1000
    if version == 0:
        payload = b"\x00" * 4 + b"\x00" * 8 + struct.pack(">II", scale, int(seconds * scale))
    else:
        payload = b"\x01\x00\x00\x00" + b"\x00" * 16 + struct.pack(">IQ", scale,
                                                                     int(seconds * scale))
    payload += b"\x00" * 80
    mvhd = struct.pack(">I", 8 + len(payload)) + b"mvhd" + payload
    moov = struct.pack(">I", 8 + len(mvhd)) + b"moov" + mvhd
    ftyp = struct.pack(">I", 16) + b"ftypM4A \x00\x00\x00\x00"
    return ftyp + b"\x00\x00\x00\x10free" + b"\x00" * 8 + moov


@pytest.mark.parametrize(("data", "kind", "seconds"), [
    (wav_of(3.5), "wav", 3.5),
    (wav_of(1.25, 44100), "wav", 1.25),
    (mp3_of(383), "mp3", 383 * 1152 / 44100),
    (flac_of(48000 * 7), "flac", 7.0),
    (ogg_of(44100 * 12), "ogg", 12.0),
    (mp4_of(9.5), "m4a", 9.5),
    (mp4_of(4.0, version=1), "mp4", 4.0),
])
def test_real_container_durations(data, kind, seconds):
    value, measured = audio_duration(data, kind)
    assert measured and value == pytest.approx(seconds, abs=0.01)


def test_unknown_containers_fall_back_to_size():
    value, measured = audio_duration(b"\x1a\x45\xdf\xa3" + b"\x00" * 31996, "webm")
    assert not measured and value == pytest.approx(2.0)


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def upload(data: bytes, name: str = "a.wav", **fields) -> tuple[dict, dict]:
    return ({"model": "whisper-1", **fields}, {"file": [Upload(name, data, "audio/wav")]})


def test_json_transcript_validates_and_is_deterministic(app):
    body = call(app, "POST", TR, form=upload(wav_of(6)))
    validate_alternative("createTranscription", body, "CreateTranscriptionResponseJson")
    assert body["usage"] == {"type": "duration", "seconds": 6} and len(body["text"].split()) > 5
    assert call(StubApp(), "POST", TR, form=upload(wav_of(6)))["text"] == body["text"]
    other = call(app, "POST", TR, form=upload(wav_of(6.1)))
    assert other["text"] != body["text"]
    prompted = call(app, "POST", TR, form=upload(wav_of(6), prompt="Glossary: kubernetes"))
    assert prompted["text"] != body["text"]


def test_verbose_json_timing_follows_the_real_duration(app):
    body = call(app, "POST", TR, form=upload(mp3_of(383 * 2), "talk.mp3",
                                             response_format="verbose_json",
                                             timestamp_granularities=["word", "segment"]))
    validate_alternative("createTranscription", body,
                         "CreateTranscriptionResponseVerboseJson")
    duration = 2 * 383 * 1152 / 44100
    assert body["task"] == "transcribe" and body["language"] == "english"
    assert body["duration"] == pytest.approx(duration, abs=0.01)
    segs = body["segments"]
    assert len(segs) >= 2 and segs[0]["start"] == 0
    assert segs[-1]["end"] == pytest.approx(duration, abs=0.02)
    assert all(a["end"] <= b["start"] + 1e-9 for a, b in zip(segs[:-1], segs[1:], strict=True))
    assert " ".join(s["text"].strip() for s in segs) == body["text"]
    words = body["words"]
    assert len(words) == len(body["text"].split()) and words[-1]["end"] <= duration + 0.01


def test_verbose_json_without_word_granularity_has_no_words(app):
    body = call(app, "POST", TR, form=upload(wav_of(4), response_format="verbose_json"))
    validate_alternative("createTranscription", body,
                         "CreateTranscriptionResponseVerboseJson")
    assert "words" not in body and body["segments"]
    words_only = call(app, "POST", TR, form=upload(wav_of(4), response_format="verbose_json",
                                                    timestamp_granularities=["word"]))
    assert "segments" not in words_only and words_only["words"]


def test_text_srt_vtt(app):
    text = call(app, "POST", TR, form=upload(wav_of(20), response_format="text"))
    assert text.content_type.startswith("text/plain")
    plain = call(app, "POST", TR, form=upload(wav_of(20)))["text"]
    assert text.content.decode() == plain + "\n"
    srt = call(app, "POST", TR, form=upload(wav_of(20), response_format="srt")).content.decode()
    blocks = srt.strip().split("\n\n")
    assert len(blocks) >= 2
    for i, block in enumerate(blocks, 1):
        lines = block.split("\n")
        assert lines[0] == str(i)
        assert re.fullmatch(r"\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}", lines[1])
    assert blocks[-1].split("\n")[1].endswith("00:00:20,000")
    vtt = call(app, "POST", TR, form=upload(wav_of(20), response_format="vtt")).content.decode()
    assert vtt.startswith("WEBVTT\n\n")
    stamps = re.findall(r"(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})", vtt)
    assert len(stamps) == len(blocks) and stamps[-1][1] == "00:00:20.000"


def test_language_changes_the_words(app):
    en = call(app, "POST", TR, form=upload(wav_of(5)))["text"]
    es = call(app, "POST", TR, form=upload(wav_of(5), language="es",
                                           response_format="verbose_json"))
    assert es["language"] == "spanish" and es["text"] != en


def test_translation_is_english(app):
    body = call(app, "POST", TL, form=upload(wav_of(5), response_format="verbose_json"))
    validate_alternative("createTranslation", body, "CreateTranslationResponseVerboseJson")
    assert body["task"] == "translate" and body["language"] == "english"
    plain = call(app, "POST", TL, form=upload(wav_of(5)))
    validate_alternative("createTranslation", plain, "CreateTranslationResponseJson")
    err = error_of(app, "POST", TL, form=upload(wav_of(5), model="gpt-4o-transcribe"))
    assert err.status == 400 and err.param == "model"


def test_gpt4o_transcribe_bills_tokens_and_only_does_json(app):
    body = call(app, "POST", TR, form=upload(wav_of(5), model="gpt-4o-mini-transcribe"))
    validate_alternative("createTranscription", body, "CreateTranscriptionResponseJson")
    assert body["usage"]["type"] == "tokens" and body["usage"]["input_tokens"] > 0
    err = error_of(app, "POST", TR, form=upload(wav_of(5), model="gpt-4o-transcribe",
                                                 response_format="srt"))
    assert err.status == 400 and err.param == "response_format"


@pytest.mark.parametrize(("form", "param", "status"), [
    (({"model": "whisper-1"}, {}), "file", 400),
    (upload(wav_of(1), model=None), "model", 400),
    (upload(b"hello", "notes.txt"), "file", 400),
    (upload(b"not a riff file", "a.wav"), "file", 400),
    (upload(wav_of(1), response_format="xml"), "response_format", 400),
    (upload(wav_of(1), temperature="2"), "temperature", 400),
    (upload(wav_of(1), timestamp_granularities=["word"]), "timestamp_granularities", 400),
    (upload(wav_of(1), response_format="verbose_json", timestamp_granularities=["char"]),
     "timestamp_granularities", 400),
    (upload(wav_of(1), language="english!"), "language", 400),
    (upload(wav_of(1), model="tts-1"), "model", 400),
    (upload(wav_of(1), model="whisper-2"), "model", 404),
    (upload(b"\x00" * (25 * 1024 * 1024 + 1), "big.mp3"), "file", 413),
])
def test_transcription_bad_requests(app, form, param, status):
    fields, files = form
    fields = {k: v for k, v in fields.items() if v is not None}
    err = error_of(app, "POST", TR, form=(fields, files))
    assert err.status == status and err.param == param


def test_invalid_file_format_lists_the_supported_types(app):
    err = error_of(app, "POST", TR, form=upload(b"hello", "notes.txt"))
    assert err.message.startswith("Invalid file format. Supported formats: ['flac', 'm4a'")


def test_extension_less_upload_is_sniffed(app):
    body = call(app, "POST", TR, form=upload(flac_of(48000 * 3), "blob",
                                             response_format="verbose_json"))
    assert body["duration"] == pytest.approx(3.0)


# --------------------------------------------------------------------------- speech
def speak(app: StubApp, **kw):
    return call(app, "POST", "/v1/audio/speech",
                {"model": "tts-1", "input": "Hello there, how are you today?", "voice": "alloy",
                 **kw})


def test_speech_is_a_real_wav_whose_length_follows_text_and_speed(app):
    raw = speak(app, response_format="wav")
    assert raw.content_type == "audio/wav" and raw.content[:4] == b"RIFF"
    base, measured = audio_duration(raw.content)
    assert measured and 1.0 < base < 4.0
    longer, _ = audio_duration(speak(app, response_format="wav",
                                     input="Hello there, how are you today? " * 3).content)
    assert longer == pytest.approx(3 * base, rel=0.05)
    fast, _ = audio_duration(speak(app, response_format="wav", speed=2.0).content)
    assert fast == pytest.approx(base / 2, rel=0.02)
    assert speak(app, response_format="wav").content == raw.content
    assert speak(app, response_format="wav", voice="nova").content != raw.content
    size = struct.unpack("<I", raw.content[40:44])[0]  # the data chunk; the text follows it
    samples = np.frombuffer(raw.content[44:44 + size], dtype="<i2")
    assert np.abs(samples).max() > 5000  # not silence


def test_speech_pcm_and_default_format(app):
    pcm = speak(app, response_format="pcm")
    assert pcm.content_type == "audio/pcm"
    wav = speak(app, response_format="wav")
    assert pcm.content == wav.content[44:44 + len(pcm.content)]
    default = speak(app)  # mp3 requested by default: WAV bytes, labelled as such
    assert default.content_type == "audio/wav" and default.content == wav.content
    custom = speak(app, voice={"id": "voice_1234"}, model="gpt-4o-mini-tts",
                   instructions="Speak warmly.")
    assert custom.content[:4] == b"RIFF"


def test_synthesize_is_int16_at_24khz():
    s = synthesize("one two three", "alloy", 1.0)
    assert s.dtype == np.int16 and 0.5 < len(s) / 24000 < 2


@pytest.mark.parametrize(("body", "param", "status"), [
    ({"input": "hi", "voice": "alloy"}, None, 400),  # "you must provide a model parameter"
    ({"model": "tts-1", "voice": "alloy"}, "input", 400),
    ({"model": "tts-1", "input": "", "voice": "alloy"}, "input", 400),
    ({"model": "tts-1", "input": "x" * 4097, "voice": "alloy"}, "input", 400),
    ({"model": "tts-1", "input": "hi"}, "voice", 400),
    ({"model": "tts-1", "input": "hi", "voice": "robot"}, "voice", 400),
    ({"model": "tts-1", "input": "hi", "voice": "alloy", "speed": 5}, "speed", 400),
    ({"model": "tts-1", "input": "hi", "voice": "alloy", "speed": 0.1}, "speed", 400),
    ({"model": "tts-1", "input": "hi", "voice": "alloy", "response_format": "ogg"},
     "response_format", 400),
    ({"model": "tts-1", "input": "hi", "voice": "alloy", "instructions": "calm"},
     "instructions", 400),
    ({"model": "whisper-1", "input": "hi", "voice": "alloy"}, "model", 400),
    ({"model": "tts-2", "input": "hi", "voice": "alloy"}, "model", 404),
])
def test_speech_bad_requests(app, body, param, status):
    err = error_of(app, "POST", "/v1/audio/speech", body)
    assert err.status == status and err.param == param


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_through_the_in_process_transport(flavor):
    from _emu_stub import emulator_http, result_of

    client, base, auth = emulator_http(flavor)
    files = {"file": ("talk.wav", wav_of(8), "audio/wav")}
    with client:
        body = result_of(flavor, client.post(
            f"{base}/v1/audio/transcriptions", files=files, data={
                "model": "whisper-1", "response_format": "verbose_json",
                "timestamp_granularities[]": ["word", "segment"]}, **auth))
        validate_alternative("createTranscription", body,
                         "CreateTranscriptionResponseVerboseJson")
        assert body["duration"] == 8 and body["words"] and body["segments"]
        srt = client.post(f"{base}/v1/audio/transcriptions", files=files,
                          data={"model": "whisper-1", "response_format": "srt"}, **auth)
        assert srt.status_code == 200 and srt.text.startswith("1\n00:00:00,000 --> ")
        wav = client.post(f"{base}/v1/audio/speech", json={
            "model": "tts-1", "input": "Hello world", "voice": "echo",
            "response_format": "wav"}, **auth)
        assert wav.headers["content-type"] == "audio/wav" and wav.content[:4] == b"RIFF"
