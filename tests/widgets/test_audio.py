"""AudioPanel headless against the emulator (sync and async clients): transcripts and timed
segments in every format, translation, the recorder and upload paths, errors as one line.

The emulator's words are not asserted (they may change); shape and timing are."""

from __future__ import annotations

import datetime as dt
import html.parser
import struct
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from lcoai_notebook import _exceptions as errors
from lcoai_notebook._catalog import model_info
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets import audio as audio_mod
from lcoai_notebook.widgets.audio import AudioPanel, parse_subtitles

FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
TIMED = ("srt", "vtt", "verbose_json")
SAFE_TAGS = {"span", "div", "pre", "table", "thead", "tbody", "tr", "th", "td"}


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


@pytest.fixture(scope="module")
def speech(emu: Emulator) -> bytes:
    text = ("The quick brown fox jumps over the lazy dog. " * 6).strip()
    audio = emu.client().audio.speech.create(model="gpt-4o-mini-tts", input=text, voice="alloy",
                                             response_format="wav")
    assert audio.content_type == "audio/wav"
    data = bytes(audio)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    return data


def wav_seconds(data: bytes) -> float:
    """Duration of a canonical PCM WAV (the emulator's speech), read from its header."""
    byte_rate = struct.unpack("<I", data[28:32])[0]
    pos = data.index(b"data")
    size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
    return size / byte_rate


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, emu: Emulator) -> Any:
    return emu.client() if request.param == "sync" else emu.async_client()


class Page(html.parser.HTMLParser):
    """Collects tags, attributes, table rows and <pre> text of a widget's HTML."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.rows: list[list[str]] = []
        self.pre = ""
        self._cell: list[str] | None = None
        self._in_pre = False
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre":
            self._in_pre = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "pre":
            self._in_pre = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_pre:
            self.pre += data


def assert_inert(panel: AudioPanel) -> None:
    for view in (panel.text_view, panel.table_view, panel.source_line, panel._error_line,
                 panel._status):
        for tag, attrs in Page(view.value).tags:
            assert tag in SAFE_TAGS, (tag, view.value)
            for name, value in attrs:
                assert not name.startswith("on"), view.value
                assert "javascript:" not in (value or "").lower()


def assert_segments(panel: AudioPanel, seconds: float) -> None:
    seg = panel.segments
    assert list(seg.columns) == ["start", "end", "text"]
    assert len(seg) >= 2, "a 15-second clip should give several segments"
    assert (seg["start"] < seg["end"]).all()
    assert (seg["start"].diff().dropna() > 0).all()
    assert seg["start"].iloc[0] == pytest.approx(0.0, abs=0.05)
    assert seg["end"].iloc[-1] == pytest.approx(seconds, abs=0.6)
    assert all(isinstance(t, str) and t.strip() for t in seg["text"])
    rows = Page(panel.table_view.value).rows
    header, body = rows[0], rows[1:]
    assert header == ["#", "start", "end", "text"]
    assert [r[3] for r in body] == list(seg["text"])
    assert [r[0] for r in body] == [str(i + 1) for i in range(len(seg))]


# -- transcribe / translate ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_transcribe_each_format(client: Any, speech: bytes, fmt: str) -> None:
    panel = AudioPanel(client)
    text = panel.transcribe(speech, response_format=fmt)
    assert text == panel.result and text.strip()
    assert panel.response_format.value == fmt
    assert panel.audio == ("audio.wav", speech)
    assert panel.error == "" and not panel.busy
    shown = Page(panel.text_view.value).pre
    assert shown == text
    if fmt == "srt":
        assert text.lstrip().startswith("1\n") and "-->" in text
    elif fmt == "vtt":
        assert text.startswith("WEBVTT")
    elif fmt in ("json", "verbose_json", "text"):
        assert "-->" not in text
    if fmt in TIMED:
        assert_segments(panel, wav_seconds(speech))
    else:
        assert panel.segments.empty
        assert list(panel.segments.columns) == ["start", "end", "text"]
        assert panel.table_view.value == ""
    assert_inert(panel)


def test_timed_formats_agree_on_segment_times(emu: Emulator, speech: bytes) -> None:
    panel = AudioPanel(emu.client())
    times = {}
    for fmt in TIMED:
        panel.transcribe(speech, response_format=fmt)
        times[fmt] = panel.segments[["start", "end"]].round(2).values.tolist()
    assert times["srt"] == times["vtt"] == times["verbose_json"]


def test_sync_and_async_clients_give_the_same_result(emu: Emulator, speech: bytes) -> None:
    a = AudioPanel(emu.client()).transcribe(speech, response_format="srt", language="en")
    b = AudioPanel(emu.async_client()).transcribe(speech, response_format="srt", language="en")
    assert a == b


def test_translate(client: Any, speech: bytes) -> None:
    panel = AudioPanel(client, response_format="verbose_json")
    text = panel.translate(("talk.wav", speech))
    assert text == panel.result and text.strip()
    assert panel.task == "translate"
    assert_segments(panel, wav_seconds(speech))
    assert "Translation" in panel.text_view.value and "talk.wav" in panel.text_view.value
    assert "translation:" in panel._text_summary()


def test_translate_button_off_for_a_model_that_cannot(emu: Emulator, speech: bytes) -> None:
    # A client whose every request fails: a ValueError here proves no request was sent.
    failing = emu.client(default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
    panel = AudioPanel(failing, model="gpt-4o-transcribe")
    assert panel.translate_button.disabled
    with pytest.raises(ValueError, match="does not translate"):
        panel.translate(speech)
    panel.model.value = "whisper-1"
    assert not panel.translate_button.disabled


def test_formats_offered_per_model(emu: Emulator, speech: bytes) -> None:
    failing = emu.client(default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
    panel = AudioPanel(failing)
    assert panel.model.value == "whisper-1"
    assert set(panel.response_format.options) == set(FORMATS)
    panel.response_format.value = "srt"
    panel.model.value = "gpt-4o-transcribe"
    assert tuple(panel.response_format.options) == tuple(
        model_info("gpt-4o-transcribe")["response_formats"])
    assert panel.response_format.value == "json"
    with pytest.raises(ValueError, match="response_format must be one of json"):
        panel.transcribe(speech, response_format="srt")
    assert panel.error.startswith("Bad parameter: response_format")
    with pytest.raises(ValueError, match="response_format"):
        AudioPanel(failing, model="gpt-4o-transcribe", response_format="vtt")


def test_models_offered_are_not_past_shutdown(emu: Emulator,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    today = dt.date.today().isoformat()
    panel = AudioPanel(emu.client())
    for model in panel.model.options:
        assert (model_info(model) or {}).get("shutdown_date", "9999") > today
    table = {"whisper-1": {"kind": "transcription", "shutdown_date": "2000-01-01"},
             "new-transcribe": {"kind": "transcription", "response_formats": ["json", "text"],
                                "translation": False}}
    monkeypatch.setattr(audio_mod, "models_of_kind", lambda kind: list(table))
    monkeypatch.setattr(audio_mod, "model_info", table.get)
    panel = AudioPanel(emu.client())
    assert tuple(panel.model.options) == ("new-transcribe",)
    assert tuple(panel.response_format.options) == ("json", "text")


def test_unknown_model_is_passed_through(emu: Emulator, speech: bytes) -> None:
    panel = AudioPanel(emu.client())
    with pytest.raises(errors.APIStatusError):
        panel.transcribe(speech, model="whisper-next")   # the emulator does not know it
    assert panel.model.value == "whisper-next"
    assert set(panel.response_format.options) == set(FORMATS)


# -- where audio comes from ------------------------------------------------------------------------
def deliver(recorder: Any, content: dict, buffers: list) -> None:
    """What ipywidgets does with the front end's ``model.send(content, undefined, [buf])``."""
    recorder._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                          "buffers": buffers})


def test_recording_message_reaches_the_panel(client: Any, speech: bytes) -> None:
    panel = AudioPanel(client)
    deliver(panel.recorder, {"type": "lco-recording", "mime_type": "audio/wav",
                             "duration": 15.1}, [memoryview(speech)])
    rec = panel.recorder
    assert (rec.recording, rec.filename, rec.mime_type) == (speech, "recording.wav", "audio/wav")
    assert panel.audio == ("recording.wav", speech)
    assert panel.audio_source == "recorded"
    assert panel.player.value == speech and panel.player.format == "wav"
    assert panel.player.layout.display != "none"
    assert "recording.wav" in panel.source_line.value
    panel.transcribe_button.click()          # the gesture uses the recording
    assert panel.result.strip() and panel.error == ""
    assert "recording.wav" in panel.text_view.value


def test_browser_webm_recording_is_offered_as_webm(emu: Emulator) -> None:
    panel = AudioPanel(emu.client())
    webm = b"\x1a\x45\xdf\xa3" + bytes(40_000)   # about 2.5 s at 128 kbit/s
    deliver(panel.recorder, {"type": "lco-recording", "mime_type": "audio/webm;codecs=opus"},
            [memoryview(webm)])
    assert panel.audio == ("recording.webm", webm)
    assert panel.player.format == "webm"
    panel.transcribe(response_format="vtt")
    assert len(panel.segments) >= 1 and (panel.segments["start"] < panel.segments["end"]).all()


def upload_state(name: str, content: bytes, mime: str = "audio/wav") -> dict:
    """The ``value`` a browser sends for one chosen file (ipywidgets 8)."""
    return {"value": [{"name": name, "type": mime, "size": len(content),
                       "content": memoryview(content), "last_modified": 1_700_000_000_000}]}


def test_upload_is_used(client: Any, speech: bytes) -> None:
    panel = AudioPanel(client, response_format="srt")
    panel.upload.set_state(upload_state("interview.wav", speech))
    assert panel.audio == ("interview.wav", speech)
    assert panel.audio_source == "uploaded" and panel.player.value == speech
    panel.transcribe_button.click()
    assert panel.error == ""
    assert_segments(panel, wav_seconds(speech))


def test_upload_value_as_python_structure(emu: Emulator, speech: bytes) -> None:
    panel = AudioPanel(emu.client())
    panel.upload.value = ({"name": "talk", "type": "audio/wav", "size": len(speech),
                           "content": memoryview(speech),
                           "last_modified": dt.datetime.now(dt.timezone.utc)},)
    assert panel.audio == ("talk.wav", speech)   # the API reads formats from the extension
    assert panel.transcribe().strip()


def test_empty_upload_is_a_one_line_error_naming_the_file(emu: Emulator, speech: bytes) -> None:
    panel = AudioPanel(emu.client())
    panel.upload.set_state(upload_state("silence.wav", b""))
    assert "silence.wav" in panel.error and "empty" in panel.error
    assert "\n" not in panel.error
    assert "silence.wav" in panel._error_line.value
    assert panel.audio is None
    with pytest.raises(ValueError, match="no audio yet"):
        panel.transcribe()
    with pytest.raises(ValueError, match="'audio.bin' is empty"):
        panel.transcribe(b"")


def test_not_audio_upload_is_rejected(emu: Emulator) -> None:
    panel = AudioPanel(emu.client())
    panel.upload.set_state(upload_state("notes.txt", b"hello there", "text/plain"))
    assert "notes.txt" in panel.error and "not a format the API accepts" in panel.error
    assert panel.audio is None


def test_audio_argument_forms(emu: Emulator, speech: bytes, tmp_path: Path) -> None:
    path = tmp_path / "meeting.wav"
    path.write_bytes(speech)
    panel = AudioPanel(emu.client())
    by_path = panel.transcribe(path)
    assert panel.audio == ("meeting.wav", speech)
    assert panel.transcribe(str(path)) == by_path
    assert panel.transcribe(("other.wav", speech)) == by_path   # same bytes, same transcript
    assert panel.audio[0] == "other.wav"
    with pytest.raises(TypeError, match="audio must be a path, bytes"):
        panel.transcribe(12345)
    with pytest.raises(ValueError, match="no such file"):
        panel.transcribe(tmp_path / "missing.wav")
    assert panel.audio[0] == "other.wav"   # a failed call keeps the current audio


# -- errors ----------------------------------------------------------------------------------------
def test_fault_shows_one_line_and_keeps_input(emu: Emulator, speech: bytes) -> None:
    failing = emu.client(default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
    panel = AudioPanel(failing, language="en", prompt="Names: Ada Lovelace")
    panel.recorder.load(speech, filename="take1.wav")
    with pytest.raises(errors.InternalServerError):
        panel.transcribe()
    assert panel.error.startswith("The service failed (500)")
    assert "\n" not in panel.error and "Traceback" not in panel.error
    assert "The service failed (500)" in panel._error_line.value
    assert (panel.language.value, panel.prompt.value) == ("en", "Names: Ada Lovelace")
    assert panel.audio == ("take1.wav", speech)
    assert not panel.busy and not panel.transcribe_button.disabled
    assert "error: The service failed" in panel._text_summary()
    panel._clear_error()
    panel.translate_button.click()           # a gesture shows the error, never raises
    assert panel.error.startswith("The service failed (500)")


def test_async_fault_is_the_same(emu: Emulator, speech: bytes) -> None:
    failing = emu.async_client(default_headers={"X-Emulator-Fault": "status=500"},
                               max_retries=0)
    panel = AudioPanel(failing)
    with pytest.raises(errors.InternalServerError):
        panel.transcribe(speech)
    assert panel.error.startswith("The service failed (500)")


def test_busy_disables_the_controls(emu: Emulator, speech: bytes) -> None:
    slow = emu.client(default_headers={"X-Emulator-Fault": "latency=0.6"})
    panel = AudioPanel(slow)
    panel.recorder.load(speech, filename="slow.wav")
    worker = threading.Thread(target=panel.transcribe)
    worker.start()
    deadline = time.monotonic() + 5
    while not panel.busy and time.monotonic() < deadline:
        time.sleep(0.01)
    assert panel.busy
    assert panel.transcribe_button.disabled and panel.translate_button.disabled
    assert panel.upload.disabled and panel.recorder.disabled
    assert "transcribing" in panel._status.value
    with pytest.raises(RuntimeError, match="busy"):
        panel.translate()
    worker.join(10)
    assert not panel.busy and panel.result
    assert not panel.transcribe_button.disabled and not panel.translate_button.disabled
    assert not panel.upload.disabled and not panel.recorder.disabled


def test_markup_in_names_stays_text(emu: Emulator, speech: bytes) -> None:
    panel = AudioPanel(emu.client(), response_format="vtt")
    panel.transcribe(('<img src=x onerror="alert(1)"><b>x.wav', speech))
    assert panel.audio[0] == '<img src=x onerror="alert(1)"><b>x.wav'
    for view in (panel.source_line, panel.text_view):
        assert "<img" not in view.value and "&lt;img" in view.value
    assert_inert(panel)


# -- subtitle parser -------------------------------------------------------------------------------
def test_parse_subtitles_handles_srt_and_vtt_details() -> None:
    vtt = ("WEBVTT\r\n\r\nNOTE a comment\r\n\r\nintro\r\n00:01.500 --> 00:03.250 align:start\r\n"
           "first line\r\nsecond line\r\n\r\n01:00:00.000 --> 01:00:02.5\r\n<b>x</b> & y\r\n")
    seg = parse_subtitles(vtt)
    assert seg.to_dict("records") == [
        {"start": 1.5, "end": 3.25, "text": "first line second line"},
        {"start": 3600.0, "end": 3602.5, "text": "<b>x</b> & y"},
    ]
    srt = "1\n00:00:00,000 --> 00:00:02,400\nHello\n\n2\n00:00:02,400 --> 00:00:05,000\nworld\n"
    assert parse_subtitles(srt)[["start", "end"]].values.tolist() == [[0.0, 2.4], [2.4, 5.0]]
    empty = parse_subtitles("WEBVTT\n\n")
    assert empty.empty and list(empty.columns) == ["start", "end", "text"]
    assert isinstance(empty, pd.DataFrame)


def test_text_summary_and_plain_repr(emu: Emulator, speech: bytes) -> None:
    panel = AudioPanel(emu.client())
    assert "no audio yet" in panel._text_summary()
    panel.transcribe(("clip.wav", speech), response_format="verbose_json")
    summary = panel._text_summary()
    assert "whisper-1" in summary and "clip.wav" in summary
    assert f"{len(panel.segments)} timed segments" in summary
    bundle = panel._repr_mimebundle_()
    assert bundle["text/plain"] == summary
