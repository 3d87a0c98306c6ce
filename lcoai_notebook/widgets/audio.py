"""``AudioPanel``: upload or record audio, play it back, transcribe or translate it.

The audio comes from a ``FileUpload``, the embedded :class:`~.recorder.AudioRecorder` (the browser's
microphone), or the twins' ``audio=`` argument. Transcripts in ``text``/``json`` show as escaped
text; ``srt``/``vtt`` are parsed here into timed segments and ``verbose_json`` brings its own, shown
as an escaped ``lco-table``. Nothing from the file or the server reaches the page unescaped; the
player gets the bytes plus a format from a fixed table, never a type string from the upload.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from .._catalog import model_info, models_of_kind
from .._render import pre_html
from ._base import Panel, escape, picked
from .recorder import ACCEPTED_EXTENSIONS, AudioRecorder, audio_extension, mime_for_extension

__all__ = ["AudioPanel", "parse_subtitles"]

FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
_TIMED = ("srt", "vtt", "verbose_json")
_ACCEPT = "audio/*," + ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS)
# The <audio> element's type is built as audio/<format> by ipywidgets: a fixed table, so nothing
# a file or a browser reported ever becomes part of it.
_PLAYER_FORMAT = {"flac": "flac", "m4a": "mp4", "mp3": "mpeg", "mp4": "mp4", "mpeg": "mpeg",
                  "mpga": "mpeg", "ogg": "ogg", "wav": "wav", "webm": "webm"}
_PREFERRED = "whisper-1"
_SEGMENT_COLUMNS = ["start", "end", "text"]

# "00:01:02,500 --> 00:01:04,000" (SRT) or "01:02.500 --> 01:04.000 align:start" (WebVTT).
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")


# ------------------------------------------------------------------------------ pure helpers
def _seconds(hours: str | None, minutes: str, secs: str, frac: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(frac.ljust(3, "0")) / 1000


def parse_subtitles(text: str) -> pd.DataFrame:
    """Timed cues of an SRT or WebVTT document.

    Parameters
    ----------
    text : str
        The document (``WEBVTT`` header, ``NOTE``/``STYLE`` blocks, cue numbers/identifiers and
        cue settings are skipped).

    Returns
    -------
    pandas.DataFrame
        Columns ``start`` and ``end`` (float seconds) and ``text`` (the cue's lines joined by
        spaces), one row per cue, in document order; empty (same columns) when there are none.
    """
    rows: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", str(text).replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            match = _CUE.match(line)
            if match:
                g = match.groups()
                words = " ".join(part.strip() for part in lines[i + 1:] if part.strip())
                rows.append({"start": _seconds(*g[:4]), "end": _seconds(*g[4:]),
                             "text": words})
                break
    return _frame(rows)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({"start": pd.Series(dtype=float), "end": pd.Series(dtype=float),
                             "text": pd.Series(dtype=object)})
    return pd.DataFrame(rows, columns=_SEGMENT_COLUMNS).astype({"start": float, "end": float})


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` for dicts and response objects alike."""
    if isinstance(obj, dict):
        return obj.get(key, default)
    try:
        return obj[key]
    except (KeyError, TypeError, IndexError):
        return getattr(obj, key, default)


def _json_segments(response: Any) -> pd.DataFrame:
    rows = []
    for seg in _get(response, "segments", None) or []:
        try:
            start, end = float(_get(seg, "start")), float(_get(seg, "end"))
        except (TypeError, ValueError):
            continue  # a segment without usable times cannot go in a timed table
        rows.append({"start": start, "end": end, "text": str(_get(seg, "text", "") or "").strip()})
    return _frame(rows)


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 60000:d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def segments_html(segments: pd.DataFrame) -> str:
    """The segments as an escaped ``lco-table`` ('' when there are none)."""
    if segments.empty:
        return ""
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{escape(_clock(start))}</td>"
        f"<td>{escape(_clock(end))}</td><td>{escape(text)}</td></tr>"
        for i, (start, end, text) in enumerate(zip(segments["start"], segments["end"],
                                                   segments["text"], strict=True)))
    return ('<table class="lco-table"><thead><tr><th>#</th><th>start</th><th>end</th>'
            f"<th>text</th></tr></thead><tbody>{rows}</tbody></table>")


def _today() -> str:
    return _dt.date.today().isoformat()


def current_transcription_models() -> list[str]:
    """Known transcription models not past their shutdown date, ``whisper-1`` first when
    current."""
    today = _today()
    ids = [m for m in models_of_kind("transcription")
           if not ((model_info(m) or {}).get("shutdown_date") or "9999") <= today]
    return sorted(ids, key=lambda m: (m != _PREFERRED, ids.index(m)))


def formats_for(model: str) -> tuple[str, ...]:
    """The response formats ``model`` offers (all five for a model the table does not know)."""
    row = model_info(model) or {}
    listed = row.get("response_formats")
    return tuple(f for f in FORMATS if f in listed) if listed else FORMATS


def translates(model: str) -> bool:
    """Whether ``model`` can translate (unknown models are given the benefit of the doubt)."""
    return bool((model_info(model) or {}).get("translation", True))


# ------------------------------------------------------------------------------------ the panel
class AudioPanel(Panel):
    """Upload or record audio, play it, and transcribe or translate it.

    Parameters
    ----------
    client : Client or AsyncClient, optional
        Default :func:`lcoai_notebook.connect`.
    model : str, optional
        Transcription model; default ``whisper-1`` while it is current, else the first current
        one. An unknown id is offered as given.
    response_format : {"json", "text", "srt", "vtt", "verbose_json"}, default "json"
    language, prompt : str, optional
        Initial values of those fields.
    recorder : AudioRecorder, optional
        The recorder to embed (a new one by default).

    Attributes
    ----------
    result : str
        The last transcript or translation: the ``text`` of a json/verbose_json response, or the
        text/srt/vtt document as returned.
    segments : pandas.DataFrame
        Columns ``start``, ``end`` (seconds) and ``text``: the timed segments of the last
        srt/vtt/verbose_json result (empty, same columns, otherwise).
    response : object
        The last raw response (a ``Transcription`` or a ``str``).
    audio : tuple of (str, bytes) or None
        The current audio's file name and bytes.

    Examples
    --------
    >>> panel = AudioPanel(client)                                # doctest: +SKIP
    >>> panel.transcribe("talk.mp3", response_format="srt")       # doctest: +SKIP
    >>> panel.segments.head()                                     # doctest: +SKIP
    """

    title = "Audio: transcribe and translate"

    result = traitlets.Unicode("", help="The last transcript or translation text.")

    def __init__(self, client: Any = None, *, model: str | None = None,
                 response_format: str = "json", language: str = "", prompt: str = "",
                 recorder: AudioRecorder | None = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.segments: pd.DataFrame = _frame([])
        self.response: Any = None
        self.audio: tuple[str, bytes] | None = None
        self.audio_source = ""
        self.task = ""

        models = current_transcription_models()
        chosen = model or (models[0] if models else _PREFERRED)
        if chosen not in models:
            models.append(chosen)
        self.upload = widgets.FileUpload(accept=_ACCEPT, multiple=False,
                                         description="Upload audio", icon="upload")
        self.recorder = recorder if recorder is not None else AudioRecorder()
        # The player joins the page only once there is audio: an empty <audio> makes the
        # browser log a failed load.
        self._player_slot = widgets.Box()
        self.player = widgets.Audio(value=b"", format="wav", autoplay=False, loop=False,
                                    controls=True, layout=widgets.Layout(display="none"))
        self.source_line = widgets.HTML('<span class="lco-muted">No audio yet: upload a file or '
                                        "record one.</span>")
        self.model = widgets.Dropdown(options=models, value=chosen, description="Model")
        if response_format not in formats_for(chosen):
            raise ValueError(f"response_format must be one of {', '.join(formats_for(chosen))} "
                             f"for {chosen} (got {response_format!r})")
        self.response_format = widgets.Dropdown(options=formats_for(chosen),
                                                value=response_format, description="Format")
        self.language = widgets.Text(value=language, description="Language",
                                     placeholder="auto (ISO-639-1, e.g. en)")
        self.prompt = widgets.Textarea(value=prompt, description="Prompt", rows=2,
                                       placeholder="optional: names, spelling, style to follow",
                                       layout=widgets.Layout(width="100%"))
        self.transcribe_button = widgets.Button(description="Transcribe", icon="file-text",
                                                button_style="primary")
        self.translate_button = widgets.Button(description="Translate to English",
                                               icon="language")
        for button in (self.transcribe_button, self.translate_button):
            button.layout.width = "auto"
        self.text_view = widgets.HTML("")
        self.table_view = widgets.HTML("")

        self.upload.observe(self._on_upload, "value")
        self.recorder.on_recording(self._on_recording)
        self.model.observe(self._on_model, "value")
        self.transcribe_button.on_click(
            lambda _b: self._gesture(lambda: self._run("transcribe", None, {}), "transcribing"))
        self.translate_button.on_click(
            lambda _b: self._gesture(lambda: self._run("translate", None, {}), "translating"))
        self._refresh_translate()

        self._layout(
            widgets.HBox([self.upload, self.recorder]),
            self.source_line,
            self._player_slot,
            widgets.HBox([self.model, self.response_format]),
            widgets.HBox([self.language]),
            self.prompt,
            widgets.HBox([self.transcribe_button, self.translate_button]),
            self.text_view,
            self.table_view,
        )

    # -- controls ------------------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        return (self.transcribe_button, self.translate_button, self.upload, self.model,
                self.response_format)

    def _set_busy(self, busy: bool, what: str = "") -> None:
        super()._set_busy(busy, what)
        self.recorder.disabled = busy
        self._refresh_translate()

    def _refresh_translate(self) -> None:
        can = translates(picked(self.model))
        self.translate_button.disabled = self.busy or not can
        self.translate_button.tooltip = ("" if can else
                                         f"{self.model.value} does not translate; pick whisper-1")

    def _set_format(self, fmt: str) -> None:
        options = tuple(self.response_format.options)
        self.response_format.value = fmt if fmt in options else options[0]

    def _on_model(self, change: dict[str, Any]) -> None:
        current = picked(self.response_format)
        self.response_format.options = formats_for(change["new"])
        self._set_format(current)
        self._refresh_translate()

    # -- where the audio comes from --------------------------------------------------------------
    def _set_audio(self, name: str, data: bytes, source: str) -> None:
        ext = audio_extension(data, name) or "wav"
        self.audio = (name, data)
        self.audio_source = source
        self.player.format = _PLAYER_FORMAT.get(ext, "wav")
        self.player.value = data
        self.player.layout.display = None
        self._player_slot.children = (self.player,)
        self.source_line.value = (f'<span class="lco-muted">{escape(source)}: {escape(name)} · '
                                  f"{len(data) / 1024:.1f} KB ({escape(mime_for_extension(ext))})"
                                  "</span>")

    def _on_recording(self, recorder: AudioRecorder) -> None:
        if recorder.recording:
            self._clear_error()
            self._set_audio(recorder.filename, recorder.recording, "recorded")

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = os.path.basename(str(_get(item, "name", "") or "upload"))
        content = _get(item, "content", b"")
        try:
            name, data = _checked(name, bytes(content) if content is not None else b"",
                                  _get(item, "type", None))
        except ValueError as exc:
            self._show_error(exc)
            return
        self._clear_error()
        self._set_audio(name, data, "uploaded")

    # -- twins -----------------------------------------------------------------------------------
    def transcribe(self, audio: Any = None, *, model: str | None = None,
                   language: str | None = None, prompt: str | None = None,
                   response_format: str | None = None, **params: Any) -> str:
        """Transcribe audio, as the Transcribe button does, and return the text.

        Parameters
        ----------
        audio : path, bytes or (filename, bytes), optional
            Becomes the panel's current audio. Default: the current upload or recording.
        model, language, prompt, response_format : str, optional
            Set the panel's controls first (default: what they show).
        **params
            Other ``audio.transcriptions.create`` parameters (``temperature`` ...).

        Returns
        -------
        str
            :attr:`result`: the transcript text, or the srt/vtt document.

        Raises
        ------
        ValueError, TypeError
            Bad audio or parameters (before any request); the client's errors otherwise. The
            one-line message also shows in the panel.
        """
        params = {"model": model, "language": language, "prompt": prompt,
                  "response_format": response_format, **params}
        return self._twin(lambda: self._run("transcribe", audio, params), "transcribing")

    def translate(self, audio: Any = None, *, model: str | None = None,
                  prompt: str | None = None, response_format: str | None = None,
                  **params: Any) -> str:
        """Translate speech into English text, as the Translate button does; return the text.

        Parameters
        ----------
        audio : path, bytes or (filename, bytes), optional
            As for :meth:`transcribe`.
        model, prompt, response_format : str, optional
            Set the panel's controls first (default: what they show).
        **params
            Other ``audio.translations.create`` parameters (``temperature``).

        Returns
        -------
        str
            :attr:`result`.
        """
        params = {"model": model, "prompt": prompt, "response_format": response_format,
                  **params}
        return self._twin(lambda: self._run("translate", audio, params), "translating")

    # -- the one operation -------------------------------------------------------------------------
    def _apply_controls(self, params: dict[str, Any]) -> None:
        """Show explicit twin parameters in the controls, so the page matches the request."""
        model = params.pop("model", None)
        if model is not None:
            if not isinstance(model, str) or not model:
                raise TypeError(f"model must be a non-empty string (got {model!r})")
            if model not in self.model.options:
                self.model.options = (*self.model.options, model)
            self.model.value = model
        fmt = params.pop("response_format", None)
        if fmt is not None:
            allowed = formats_for(picked(self.model))
            if fmt not in allowed:
                raise ValueError(f"response_format must be one of {', '.join(allowed)} for "
                                 f"{self.model.value} (got {fmt!r})")
            self.response_format.value = fmt
        for name in ("language", "prompt"):
            value = params.pop(name, None)
            if value is not None:
                if not isinstance(value, str):
                    raise TypeError(f"{name} must be a string (got {type(value).__name__})")
                getattr(self, name).value = value

    async def _run(self, task: str, audio: Any, params: dict[str, Any]) -> str:
        params = dict(params)
        self._apply_controls(params)
        if audio is not None:
            name, data = _resolve(audio)
            self._set_audio(name, data, "given")
        if self.audio is None:
            raise ValueError("audio: there is no audio yet; upload a file, record one, or pass "
                             "audio= (a path, bytes or (name, bytes))")
        name, data = self.audio
        model = picked(self.model)
        fmt = picked(self.response_format)
        request: dict[str, Any] = {"file": (name, data), "model": model, "response_format": fmt}
        if self.prompt.value.strip():
            request["prompt"] = self.prompt.value
        if task == "transcribe":
            if self.language.value.strip():
                request["language"] = self.language.value.strip()
            fn = self.client.audio.transcriptions.create
        else:
            if not translates(model):
                raise ValueError(f"model {model} does not translate; pick one that does: "
                                 + ", ".join(m for m in self.model.options if translates(m)))
            fn = self.client.audio.translations.create
        request.update(params)
        response = await self._call(fn, **request)
        self._show(task, fmt, response)
        return self.result

    def _show(self, task: str, fmt: str, response: Any) -> None:
        self.response = response
        self.task = task
        if isinstance(response, str):
            text = response.rstrip("\n") if fmt == "text" else response
            segments = parse_subtitles(response) if fmt in ("srt", "vtt") else _frame([])
        else:
            text = str(_get(response, "text", "") or "")
            segments = _json_segments(response) if fmt == "verbose_json" else _frame([])
            usage = _get(response, "usage", None)
            # whisper-1 bills by duration ({"type": "duration"}); only token usage is counted.
            if usage and _get(usage, "type", "tokens") == "tokens":
                self._add_usage(usage)
        self.segments = segments
        self.result = text
        label = "Translation" if task == "translate" else "Transcript"
        self.text_view.value = (f'<div class="lco-muted">{label} ({escape(fmt)}, '
                                f"{escape(self.audio[0] if self.audio else '')})</div>"
                                + pre_html(text))
        self.table_view.value = segments_html(segments)

    # -- where widgets cannot render -------------------------------------------------------------
    def _text_summary(self) -> str:
        lines = [f"AudioPanel · model {self.model.value} · format {self.response_format.value}"]
        if self.audio is not None:
            lines.append(f"audio ({self.audio_source}): {self.audio[0]} · "
                         f"{len(self.audio[1]) / 1024:.1f} KB")
        else:
            lines.append("no audio yet")
        if self.result:
            text = " ".join(self.result.split())
            lines.append(f"{'translation' if self.task == 'translate' else 'transcript'}: "
                         + (text if len(text) <= 200 else text[:199] + "…"))
        if not self.segments.empty:
            lines.append(f"{len(self.segments)} timed segments, "
                         f"{self.segments['start'].min():.2f}–{self.segments['end'].max():.2f} s")
        if self.error:
            lines.append(f"error: {self.error}")
        return "\n".join(lines)


def _checked(name: str, data: bytes, mime_type: str | None = None) -> tuple[str, bytes]:
    """``(name, data)`` with a name whose extension the API accepts; ValueError naming the file
    when it is empty or not audio."""
    if not data:
        raise ValueError(f"audio file {name!r} is empty (0 bytes); choose a file that holds "
                         "sound")
    ext = audio_extension(data, name, mime_type)
    if ext is None:
        raise ValueError(f"audio file {name!r} is not a format the API accepts "
                         f"({', '.join(ACCEPTED_EXTENSIONS)})")
    if name.rpartition(".")[2].lower() != ext:
        # The API tells formats by the extension, so give it one that matches the content.
        name = f"{name.rpartition('.')[0] or name or 'audio'}.{ext}"
    return name, data


def _resolve(audio: Any) -> tuple[str, bytes]:
    """The twins' ``audio`` argument as ``(name, bytes)``."""
    if isinstance(audio, (str, os.PathLike)):
        path = os.fspath(audio)
        if not os.path.isfile(path):
            raise ValueError(f"audio: no such file {path!r}")
        with open(path, "rb") as fh:
            return _checked(os.path.basename(path), fh.read())
    if isinstance(audio, (bytes, bytearray, memoryview)):
        data = bytes(audio)
        return _checked(f"audio.{audio_extension(data) or 'bin'}", data)
    if isinstance(audio, tuple) and len(audio) in (2, 3) and isinstance(audio[0], str) \
            and isinstance(audio[1], (bytes, bytearray, memoryview)):
        return _checked(os.path.basename(audio[0]) or "audio", bytes(audio[1]),
                        audio[2] if len(audio) == 3 else None)
    raise TypeError("audio must be a path, bytes or a (filename, bytes) tuple "
                    f"(got {type(audio).__name__})")
