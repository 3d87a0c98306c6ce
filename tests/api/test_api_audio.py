"""audio.transcriptions / translations / speech: multipart fields against the OpenAPI schema,
response kinds per format, file handling and validation."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _api_fakes import validate_multipart, wav_bytes  # noqa: E402
from _fake_requester import FakeRequester  # noqa: E402
from _schema import validate_component, validate_request  # noqa: E402

from lcoai_notebook._models import SpeechResponse, Transcription  # noqa: E402
from lcoai_notebook.api.audio import Audio  # noqa: E402

WAV = wav_bytes()
JSON_REPLY = {"text": "hello world"}
VERBOSE = {"task": "transcribe", "language": "english", "duration": 0.5, "text": "hello world",
           "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 0.5, "text": "hello world",
                         "tokens": [1, 2], "temperature": 0.0, "avg_logprob": -0.1,
                         "compression_ratio": 1.0, "no_speech_prob": 0.01}],
           "words": [{"word": "hello", "start": 0.0, "end": 0.2}]}


def audio(reply, flavor="lowcodeapi", content_type="application/json"):
    fake = FakeRequester(flavor=flavor, reply=reply, content_type=content_type)
    return Audio(fake), fake


def test_replies_are_schema_valid():
    # (validate_response cannot resolve this operation's inline oneOf; check the components.)
    validate_component("CreateTranscriptionResponseJson", JSON_REPLY)
    validate_component("CreateTranscriptionResponseVerboseJson", VERBOSE)


def test_transcription_json(tmp_path):
    api, fake = audio(JSON_REPLY)
    path = tmp_path / "speech.wav"
    path.write_bytes(WAV)
    resp = api.transcriptions.create(file=path, model="whisper-1", language="en",
                                     prompt="greeting", temperature=0.2)
    spec = fake.spec
    assert (spec.method, spec.path, spec.response) == ("POST", "/audio/transcriptions", "json")
    assert spec.files == [("file", ("speech.wav", WAV, "audio/wav"))]
    assert spec.data == {"model": "whisper-1", "language": "en", "prompt": "greeting",
                         "temperature": "0.2"}
    fields = validate_multipart(spec, "createTranscription")
    assert fields["temperature"] == 0.2
    assert isinstance(resp, Transcription) and str(resp) == "hello world"


def test_transcription_verbose_with_granularities():
    api, fake = audio(VERBOSE)
    resp = api.transcriptions.create(file=("a.mp3", b"ID3" + b"\0" * 20), model="whisper-1",
                                     response_format="verbose_json",
                                     timestamp_granularities=["word", "segment"])
    spec = fake.spec
    # Lists stay lists: the requester sends them as repeated timestamp_granularities[] fields.
    assert spec.data["timestamp_granularities"] == ["word", "segment"]
    assert spec.files[0][1][2] == "audio/mpeg"
    validate_multipart(spec, "createTranscription")
    assert resp.words[0].word == "hello" and resp.segments[0].end == 0.5


@pytest.mark.parametrize("fmt", ["text", "srt", "vtt"])
def test_text_formats_return_str(fmt):
    srt = "1\n00:00:00,000 --> 00:00:00,500\nhello world\n"
    api, fake = audio(srt, content_type="text/plain")
    out = api.transcriptions.create(file=WAV, model="whisper-1", response_format=fmt)
    assert fake.spec.response == "text"
    assert type(out) is str and out == srt
    validate_multipart(fake.spec, "createTranscription")


def test_file_forms_become_named_parts():
    api, fake = audio(JSON_REPLY)
    api.transcriptions.create(file=WAV, model="whisper-1")
    assert fake.spec.files[0][1][:1] == ("file.wav",)  # sniffed from the RIFF/WAVE header
    buf = io.BytesIO(WAV)
    buf.name = "/some/dir/memo.wav"
    api.transcriptions.create(file=buf, model="whisper-1")
    assert fake.spec.files[0][1][0] == "memo.wav"
    api.transcriptions.create(file=("x.ogg", io.BytesIO(b"OggS\0\0"), "audio/ogg"),
                              model="whisper-1")
    assert fake.spec.files[0][1] == ("x.ogg", b"OggS\0\0", "audio/ogg")


def test_translation():
    api, fake = audio(JSON_REPLY)
    resp = api.translations.create(file=("de.m4a", b"\0\0\0\x20ftypM4A \0"), model="whisper-1",
                                   prompt="English please", response_format="json",
                                   temperature=0)
    spec = fake.spec
    assert spec.path == "/audio/translations" and spec.files[0][0] == "file"
    validate_multipart(spec, "createTranslation")
    assert isinstance(resp, Transcription)
    api2, fake2 = audio("hello", content_type="text/plain")
    assert api2.translations.create(file=WAV, model="whisper-1", response_format="vtt") == "hello"
    assert fake2.spec.response == "text"


@pytest.mark.parametrize(("kw", "exc", "pattern"), [
    ({"file": ("notes.txt", b"hi")}, ValueError,
     r"file must be an audio file of type flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm "
     r"\(got 'notes.txt'\)"),
    ({"file": b"\x00\x01 unknown"}, ValueError, r"file must be an audio file of type flac"),
    ({"file": ("big.wav", b"\0" * (25 * 2**20 + 1))}, ValueError,
     r"file is 25.0 MB; the API accepts audio files of at most 25 MB"),
    ({"file": ("e.wav", b"")}, ValueError, r"file is empty"),
    # Issue 8, item 11: nameless empty bytes used to get "must be an audio file (got 'file')".
    ({"file": b""}, ValueError, r"^file is empty \(0 bytes\)"),
    ({"file": io.BytesIO(b"")}, ValueError, r"^file is empty"),
    ({"file": 3.5}, TypeError, r"file must be a path, bytes"),
    ({"file": io.StringIO("text")}, TypeError, r"file must be opened in binary mode"),
    ({"response_format": "mp3"}, ValueError,
     r"response_format must be one of: json, text, srt, verbose_json, vtt, diarized_json"),
    ({"temperature": 1.5}, ValueError, r"temperature must be between 0 and 1 \(got 1.5\)"),
    ({"timestamp_granularities": ["word"]}, ValueError,
     r"timestamp_granularities requires response_format='verbose_json' \(got 'json'\)"),
    ({"timestamp_granularities": ["char"], "response_format": "verbose_json"}, ValueError,
     r"timestamp_granularities must be one of: word, segment"),
    ({"timestamp_granularities": "word", "response_format": "verbose_json"}, TypeError,
     r"timestamp_granularities must be a list of: word, segment"),
    ({"model": "gpt-4o-transcribe", "response_format": "srt"}, ValueError,
     r"response_format 'srt' is not supported by gpt-4o-transcribe; accepted: json"),
    ({"model": "tts-1"}, ValueError, r"is a tts model, not a transcription model"),
    ({"language": 7}, TypeError, r"language must be a string"),
    ({"stream": True}, ValueError, r"stream=True is not supported"),
])
def test_transcription_validation(kw, exc, pattern):
    api, fake = audio(JSON_REPLY)
    kw.setdefault("file", WAV)
    kw.setdefault("model", "whisper-1")
    with pytest.raises(exc, match=pattern):
        api.transcriptions.create(**kw)
    assert fake.specs == []


def test_translation_model_rules():
    api, fake = audio(JSON_REPLY)
    with pytest.raises(ValueError, match=r"gpt-4o-transcribe does not support translations; "
                                         r"models that do: whisper-1"):
        api.translations.create(file=WAV, model="gpt-4o-transcribe")
    with pytest.raises(ValueError, match=r"response_format must be one of: json, text, srt, "
                                         r"verbose_json, vtt \(got 'diarized_json'\)"):
        api.translations.create(file=WAV, model="whisper-1", response_format="diarized_json")
    assert fake.specs == []
    api.translations.create(file=WAV, model="whisper-2")  # unknown: passed through
    assert fake.spec.data["model"] == "whisper-2"


def test_speech_bytes():
    mp3 = b"ID3\x04" + b"\x00" * 64
    api, fake = audio(mp3, content_type="audio/mpeg")
    out = api.speech.create(model="gpt-4o-mini-tts", input="Hello!", voice="coral",
                            response_format="mp3", speed=1.25, instructions="cheerful")
    spec = fake.spec
    assert (spec.method, spec.path, spec.response) == ("POST", "/audio/speech", "bytes")
    assert spec.json == {"model": "gpt-4o-mini-tts", "input": "Hello!", "voice": "coral",
                         "response_format": "mp3", "speed": 1.25, "instructions": "cheerful"}
    validate_request("createSpeech", spec.json)
    assert isinstance(out, SpeechResponse) and bytes(out) == mp3
    assert out.content_type == "audio/mpeg"
    api.speech.create(model="tts-1", input="x", voice={"id": "voice_123"})
    validate_request("createSpeech", fake.spec.json)


@pytest.mark.parametrize(("kw", "exc", "pattern"), [
    ({"voice": "robot"}, ValueError, r"voice must be one of: alloy, ash, ballad, coral, echo"),
    ({"voice": 1}, TypeError, r"voice must be a voice name"),
    ({"voice": {"name": "x"}}, ValueError, r"a custom voice must be a dict"),
    ({"input": ""}, ValueError, r"input must be a non-empty string"),
    ({"input": "x" * 4097}, ValueError, r"input must be at most 4096 characters \(got 4097\)"),
    ({"input": b"x"}, TypeError, r"input must be a string"),
    ({"speed": 5}, ValueError, r"speed must be between 0.25 and 4 \(got 5\)"),
    ({"speed": 0.1}, ValueError, r"speed must be between 0.25 and 4 \(got 0.1\)"),
    ({"response_format": "ogg"}, ValueError,
     r"response_format must be one of: mp3, opus, aac, flac, wav, pcm \(got 'ogg'\)"),
    ({"stream_format": "sse"}, ValueError, r"stream_format must be 'audio' here"),
    ({"model": "whisper-1"}, ValueError, r"not a text-to-speech model"),
])
def test_speech_validation(kw, exc, pattern):
    api, fake = audio(b"x", content_type="audio/mpeg")
    kw.setdefault("model", "tts-1")
    kw.setdefault("input", "hello")
    kw.setdefault("voice", "alloy")
    with pytest.raises(exc, match=pattern):
        api.speech.create(**kw)
    assert fake.specs == []


def test_namespaces_share_the_requester():
    fake = FakeRequester()
    a = Audio(fake)
    assert a.transcriptions._requester is a.translations._requester is a.speech._requester is fake


# -- end to end, against the emulator in process, both flavors -----------------------------------
import re  # noqa: E402

from _api_fakes import EmulatedClient  # noqa: E402

FLAVORS = ["lowcodeapi", "openai"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_transcription_formats(flavor):
    clip = wav_bytes(2.0)
    with EmulatedClient(flavor) as (client, wire):
        tr = client.audio.transcriptions
        plain = tr.create(file=("memo.wav", clip), model="whisper-1")
        assert isinstance(plain, Transcription) and str(plain)
        validate_component("CreateTranscriptionResponseJson", plain.to_dict())
        verbose = tr.create(file=clip, model="whisper-1", response_format="verbose_json",
                            timestamp_granularities=["word", "segment"])
        validate_component("CreateTranscriptionResponseVerboseJson", verbose.to_dict())
        assert verbose.duration == pytest.approx(2.0, abs=0.05)  # timed by the real audio
        assert verbose.words and verbose.segments
        body = wire.requests[-1].content
        assert body.count(b'name="timestamp_granularities[]"') == 2
        text = tr.create(file=clip, model="whisper-1", response_format="text")
        assert type(text) is str and text.strip() == plain.text.strip()
        srt = tr.create(file=clip, model="whisper-1", response_format="srt")
        assert re.search(r"00:00:00,000 --> 00:00:0\d,\d{3}", srt)
        vtt = tr.create(file=clip, model="whisper-1", response_format="vtt")
        assert vtt.startswith("WEBVTT")
        sent = len(wire.requests)
        with pytest.raises(ValueError, match="file must be an audio file"):
            tr.create(file=("x.txt", b"text"), model="whisper-1")
        assert len(wire.requests) == sent


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_translation_and_speech(flavor):
    with EmulatedClient(flavor) as (client, _):
        tl = client.audio.translations.create(file=wav_bytes(1.0), model="whisper-1")
        assert isinstance(tl, Transcription) and tl.text
        srt = client.audio.translations.create(file=wav_bytes(1.0), model="whisper-1",
                                               response_format="srt")
        assert type(srt) is str and "-->" in srt
        wav = client.audio.speech.create(model="gpt-4o-mini-tts", input="Hello there",
                                         voice="alloy", response_format="wav", speed=1.5)
        assert isinstance(wav, SpeechResponse) and wav[:4] == b"RIFF"
        assert wav.content_type.startswith("audio/")
        mp3 = client.audio.speech.create(model="tts-1", input="Hello there", voice="nova")
        assert isinstance(mp3, SpeechResponse) and len(mp3) > 0


def test_e2e_async_audio_matches_sync():
    import asyncio

    from lcoai_notebook.emulator import Emulator

    clip = wav_bytes(1.0)
    emu = Emulator(flavor="openai")

    async def run():
        client = emu.async_client()
        try:
            srt = await client.audio.transcriptions.create(file=clip, model="whisper-1",
                                                           response_format="srt")
            speech = await client.audio.speech.create(model="tts-1", input="Hi", voice="echo",
                                                      response_format="wav")
            return srt, speech
        finally:
            await client.close()

    srt, speech = asyncio.run(run())
    with EmulatedClient("openai") as (client, _):
        assert srt == client.audio.transcriptions.create(file=clip, model="whisper-1",
                                                         response_format="srt")
        assert speech == client.audio.speech.create(model="tts-1", input="Hi", voice="echo",
                                                    response_format="wav")
    assert isinstance(speech, SpeechResponse)
