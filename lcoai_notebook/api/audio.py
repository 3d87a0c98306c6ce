"""``client.audio``: transcriptions, translations (multipart uploads) and speech (audio bytes).

Transcripts come back as :class:`~lcoai_notebook._models.Transcription` for ``json`` and
``verbose_json`` and as a plain ``str`` for ``text``, ``srt`` and ``vtt`` (as in the official
SDK); through LowCodeAPI the JSON ones arrive in the envelope and the text ones raw, which the
requester handles.
"""

from __future__ import annotations

from typing import Any

from .._http import RequestSpec
from .._models import SpeechResponse, Transcription
from .._validate_media import validate_speech, validate_transcription
from ._files_arg import form_fields, to_file_tuple
from ._resource import Resource, call_options

__all__ = ["Audio", "Speech", "Transcriptions", "Translations"]

_TEXT_FORMATS = ("text", "srt", "vtt")


def _speech(pair: tuple[bytes, str]) -> SpeechResponse:
    content, content_type = pair
    return SpeechResponse(content, content_type or "audio/mpeg")


class _Transcribe(Resource):
    _path = ""
    _translation = False

    def _create(self, file: Any, model: str, fields: dict[str, Any],
                params: dict[str, Any]) -> Any:
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        if params.get("stream"):
            raise ValueError("stream=True is not supported for transcriptions by this client; "
                             "leave it unset to get the whole transcript")
        fields = {**fields, **params}
        fields = {k: v for k, v in fields.items() if v is not None}
        upload = to_file_tuple(file, param="file")
        validate_transcription(upload, model, fields, translation=self._translation)
        fmt = fields.get("response_format", "json")
        if extra_body:
            fields.update(extra_body)
        data = form_fields({"model": model, **fields})
        if fmt in _TEXT_FORMATS:
            spec = RequestSpec("POST", self._path, data=data, files=[("file", upload)],
                               response="text", **options)
        else:
            spec = RequestSpec("POST", self._path, data=data, files=[("file", upload)],
                               cast=Transcription, **options)
        return self._request(spec)


class Transcriptions(_Transcribe):
    """``POST /audio/transcriptions``."""

    _path = "/audio/transcriptions"

    def create(self, *, file: Any, model: str, response_format: str | None = None,
               language: str | None = None, prompt: str | None = None,
               temperature: float | None = None,
               timestamp_granularities: list[str] | None = None, **params: Any) -> Any:
        """Transcribe audio.

        Parameters
        ----------
        file : path, bytes, binary file object, or (filename, bytes[, content_type])
            flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav or webm, at most 25 MB. The type is read
            from the filename's extension (sniffed from the bytes when there is no name).
        model : str
            ``"whisper-1"``, ``"gpt-4o-transcribe"`` ...
        response_format : {"json", "text", "srt", "verbose_json", "vtt"}, optional
            Default json. text/srt/vtt return a ``str``.
        language : str, optional
            ISO-639-1 code of the spoken language.
        prompt : str, optional
            Text to guide the style or continue a previous segment.
        temperature : float, optional
            0–1.
        timestamp_granularities : list of {"word", "segment"}, optional
            Needs ``response_format="verbose_json"``.
        **params
            Other form fields (``include`` ...) and the per-call options.

        Returns
        -------
        Transcription or str
        """
        fields = {"response_format": response_format, "language": language, "prompt": prompt,
                  "temperature": temperature, "timestamp_granularities": timestamp_granularities}
        return self._create(file, model, fields, params)


class Translations(_Transcribe):
    """``POST /audio/translations`` (speech in any language to English text)."""

    _path = "/audio/translations"
    _translation = True

    def create(self, *, file: Any, model: str, prompt: str | None = None,
               response_format: str | None = None, temperature: float | None = None,
               **params: Any) -> Any:
        """Translate audio into English text.

        Parameters
        ----------
        file : path, bytes, binary file object, or (filename, bytes[, content_type])
            As for :meth:`Transcriptions.create`.
        model : str
            ``"whisper-1"``.
        prompt : str, optional
            English text to guide the style.
        response_format : {"json", "text", "srt", "verbose_json", "vtt"}, optional
        temperature : float, optional
            0–1.
        **params
            The per-call options.

        Returns
        -------
        Transcription or str
        """
        fields = {"prompt": prompt, "response_format": response_format,
                  "temperature": temperature}
        return self._create(file, model, fields, params)


class Speech(Resource):
    """``POST /audio/speech``."""

    def create(self, *, model: str, input: str, voice: Any, response_format: str | None = None,
               speed: float | None = None, instructions: str | None = None,
               **params: Any) -> Any:
        """Synthesise speech.

        Parameters
        ----------
        model : str
            ``"gpt-4o-mini-tts"``, ``"tts-1"`` ...
        input : str
            At most 4,096 characters.
        voice : str or dict
            alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin,
            cedar, or a custom voice ``{"id": "voice_..."}``.
        response_format : {"mp3", "opus", "aac", "flac", "wav", "pcm"}, optional
            Default mp3.
        speed : float, optional
            0.25–4.
        instructions : str, optional
            How to speak (not for tts-1 / tts-1-hd).
        **params
            The per-call options.

        Returns
        -------
        SpeechResponse
            ``bytes`` with ``.content_type``; plays inline in a notebook.
        """
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        fields = {"response_format": response_format, "speed": speed,
                  "instructions": instructions, **params}
        fields = {k: v for k, v in fields.items() if v is not None}
        validate_speech(model, input, voice, fields)
        body = {"model": model, "input": input, "voice": voice, **fields}
        if extra_body:
            body.update(extra_body)
        spec = RequestSpec("POST", "/audio/speech", json=body, response="bytes", cast=_speech,
                           **options)
        return self._request(spec)


class Audio(Resource):
    """``client.audio``: :attr:`transcriptions`, :attr:`translations`, :attr:`speech`."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.transcriptions = Transcriptions(requester)
        self.translations = Translations(requester)
        self.speech = Speech(requester)
