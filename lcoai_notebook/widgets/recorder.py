"""``AudioRecorder``: record with the browser's microphone; the recording reaches Python as bytes.

An anywidget whose front end (``static/recorder.js``, shipped in the wheel, no network imports)
uses ``getUserMedia`` + ``MediaRecorder``. A kernel-side microphone would not work on Binder or a
remote kernel; the browser's does. On Stop the front end sends the bytes as the binary buffer of a
custom message (``{"type": "lco-recording", "mime_type", "duration"}`` + one buffer), handled
here by :meth:`AudioRecorder._handle_message`.

The browser decides the container (Chromium: ``audio/webm;codecs=opus``, Safari: ``audio/mp4``),
so the file name's extension is derived from the mime type the browser reports, falling back to
the bytes' magic numbers. Every extension used is one OpenAI's transcription endpoint accepts.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets
from ipywidgets import CallbackDispatcher

__all__ = ["ACCEPTED_EXTENSIONS", "AudioRecorder", "audio_extension", "mime_for_extension"]

#: The audio extensions OpenAI's transcription and translation endpoints accept.
ACCEPTED_EXTENSIONS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "ogg", "wav", "webm")

_MESSAGE = "lco-recording"
_STATIC = pathlib.Path(__file__).parent / "static"

# Mime types browsers and upload dialogs report, by their base type (parameters stripped).
_EXT_BY_MIME = {
    "audio/webm": "webm",
    "video/webm": "webm",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/m4a": "m4a",
    "audio/aac": "m4a",
    "video/mp4": "mp4",
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "application/ogg": "ogg",
    "audio/wav": "wav",
    "audio/wave": "wav",
    "audio/x-wav": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mpeg3": "mp3",
    "audio/x-mpeg-3": "mp3",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
}

_MIME_BY_EXT = {
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "mp4": "audio/mp4",
    "mpeg": "audio/mpeg",
    "mpga": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "webm": "audio/webm",
}


def _sniff(data: bytes) -> str | None:
    """The audio container of ``data`` from its first bytes, or None."""
    head = bytes(data[:16])
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _ext_of(filename: str | None) -> str:
    name = filename or ""
    return name.rpartition(".")[2].lower() if "." in name else ""


def audio_extension(data: bytes, filename: str | None = None,
                    mime_type: str | None = None) -> str | None:
    """The accepted extension for an audio file: from ``filename``, else ``mime_type``, else the
    bytes' magic numbers; None when none of them names an accepted format."""
    ext = _ext_of(filename)
    if ext in ACCEPTED_EXTENSIONS:
        return ext
    base = (mime_type or "").split(";", 1)[0].strip().lower()
    if base in _EXT_BY_MIME:
        return _EXT_BY_MIME[base]
    return _sniff(data)


def mime_for_extension(ext: str) -> str:
    """A plain audio mime type for an accepted extension (``audio/webm`` ...)."""
    return _MIME_BY_EXT.get(ext, "application/octet-stream")


def _clean_mime(mime_type: str) -> str:
    """A mime type reduced to safe characters (it is shown on the page and kept in state)."""
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789/+-.;=, ")
    text = "".join(ch for ch in mime_type.strip().lower() if ch in allowed)
    return text[:100]


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 2**20:.1f} MB"


class AudioRecorder(anywidget.AnyWidget):
    """A Record/Stop button that records from the browser's microphone.

    The recording lands in Python as :attr:`recording` (bytes), with :attr:`filename`
    (``recording.webm``, ``recording.m4a`` ... an extension the transcription API accepts) and
    :attr:`mime_type` (what the browser recorded). Register a callback with
    :meth:`on_recording`; :meth:`load` sets a recording from Python (tests, headless use).

    Examples
    --------
    >>> rec = AudioRecorder()            # doctest: +SKIP
    >>> rec                               # click Record, speak, click Stop  # doctest: +SKIP
    >>> client.audio.transcriptions.create(file=(rec.filename, rec.recording),
    ...                                    model="whisper-1")   # doctest: +SKIP
    """

    _esm = _STATIC / "recorder.js"
    _css = _STATIC / "recorder.css"

    # The bytes stay in Python only: sending them back to the page would double the traffic.
    recording = traitlets.Bytes(b"", help="The last recording's bytes (b'' before any).")
    filename = traitlets.Unicode("", help="File name with an accepted extension, e.g. "
                                 "recording.webm ('' before any recording).").tag(sync=True)
    mime_type = traitlets.Unicode("", help="The recording's mime type as the browser reported "
                                  "it, e.g. audio/webm;codecs=opus.").tag(sync=True)
    duration = traitlets.Float(0.0, help="Length of the last recording in seconds as the "
                               "browser timed it (0 when unknown).").tag(sync=True)
    status = traitlets.Unicode("", help="Status line shown beside the button.").tag(sync=True)
    error = traitlets.Unicode("", help="Error shown in the widget (microphone denied ...); "
                              "'' when none.").tag(sync=True)
    disabled = traitlets.Bool(False, help="When True a new recording cannot be started "
                              "(a running one can still be stopped).").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._recording_handlers = CallbackDispatcher()
        self.on_msg(self._handle_message)

    def on_recording(self, callback: Callable[[AudioRecorder], Any],
                     remove: bool = False) -> None:
        """Call ``callback(recorder)`` each time a recording arrives (or is loaded).

        Parameters
        ----------
        callback : callable
            Receives this recorder; read ``recording``, ``filename``, ``mime_type``.
        remove : bool, default False
            Unregister ``callback`` instead.
        """
        self._recording_handlers.register_callback(callback, remove=remove)

    def load(self, data: bytes | bytearray | memoryview, filename: str | None = None,
             mime_type: str | None = None, duration: float | None = None) -> None:
        """Set the recording from Python, exactly as if it had been recorded in the browser.

        Parameters
        ----------
        data : bytes-like
            The audio file's bytes (not empty).
        filename : str, optional
            Its name; the extension must be one the API accepts (flac, m4a, mp3, mp4, mpeg,
            mpga, ogg, wav, webm). Default ``recording.<ext>`` with the extension taken from
            ``mime_type`` or the bytes.
        mime_type : str, optional
            Default: the plain type of the extension (``audio/wav`` ...).
        duration : float, optional
            Length in seconds, when known (shown in the status line).

        Raises
        ------
        TypeError
            ``data`` is not bytes-like.
        ValueError
            ``data`` is empty, or neither the name, the mime type nor the bytes give an
            accepted audio format.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes (got {type(data).__name__})")
        data = bytes(data)
        if not data:
            raise ValueError("data is empty: a recording needs at least one byte of audio")
        if filename is not None and _ext_of(filename) not in ACCEPTED_EXTENSIONS:
            raise ValueError(f"filename must end in one of {', '.join(ACCEPTED_EXTENSIONS)} "
                             f"(got {filename!r})")
        ext = audio_extension(data, filename, mime_type)
        if ext is None:
            raise ValueError(f"mime_type {mime_type!r} is not an audio format the API accepts "
                             f"and the bytes are not recognised; accepted: "
                             f"{', '.join(ACCEPTED_EXTENSIONS)}")
        name = pathlib.PurePath(filename).name if filename else f"recording.{ext}"
        mime = _clean_mime(mime_type) if mime_type else mime_for_extension(ext)
        seconds = float(duration) if duration and duration > 0 else 0.0
        with self.hold_trait_notifications():
            self.recording = data
            self.filename = name
            self.mime_type = mime
            self.duration = seconds
            self.error = ""
            length = f" · {seconds:.1f} s" if seconds else ""
            self.status = f"{name}{length} · {_size(len(data))}"
        self._recording_handlers(self)

    def clear(self) -> None:
        """Forget the recording."""
        with self.hold_trait_notifications():
            self.recording = b""
            self.filename = self.mime_type = self.status = self.error = ""
            self.duration = 0.0

    def _handle_message(self, _widget: Any, content: Any, buffers: list[Any]) -> None:
        """A message from the front end: a finished recording, its bytes in ``buffers[0]``."""
        if not isinstance(content, dict) or content.get("type") != _MESSAGE:
            return  # not ours (anywidget has messages of its own)
        if not buffers:
            self.error = ("The recording reached Python without its audio bytes; "
                          "record again (and report this if it repeats).")
            return
        mime = content.get("mime_type")
        mime = mime if isinstance(mime, str) else ""
        duration = content.get("duration")
        duration = float(duration) if isinstance(duration, (int, float)) else None
        try:
            self.load(bytes(buffers[0]), mime_type=mime or None, duration=duration)
        except ValueError as exc:
            # A comm handler must not raise (the traceback would go to the kernel log, unseen):
            # the widget shows the one-line reason instead.
            self.error = f"Recording not usable: {exc}"

    def __repr__(self) -> str:
        if not self.recording:
            return "<AudioRecorder: no recording yet>"
        return f"<AudioRecorder: {self.status} ({self.mime_type})>"
