"""``client.audio``: transcriptions, translations (multipart uploads) and speech (audio bytes).

Transcripts come back as :class:`~lcoai_notebook._models.Transcription` for ``json`` and
``verbose_json`` and as a plain ``str`` for ``text``, ``srt`` and ``vtt`` (as in the official
SDK); through LowCodeAPI the JSON ones arrive in the envelope and the text ones raw, which the
requester handles.

``transcriptions.create(..., stream=True)`` (gpt-4o-transcribe, gpt-4o-mini-transcribe) returns a
:class:`TranscriptionStream` of :class:`TranscriptionStreamEvent` (``type``, and ``delta`` or
``text``, as the official SDK names them). The stream ends after ``transcript.text.done``
whether or not the server sends ``[DONE]`` after it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

from .._catalog import model_info
from .._exceptions import StreamInterruptedError
from .._models import Result, SpeechResponse, Transcription
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate_media import validate_speech, validate_transcription
from ._files_arg import FileInput, form_fields, to_file_tuple
from ._resource import Resource, per_call
from ._spec import make_spec

__all__ = ["AsyncTranscriptionStream", "Audio", "Speech", "TranscriptionStream",
           "TranscriptionStreamEvent", "Transcriptions", "Translations"]

_TEXT_FORMATS = ("text", "srt", "vtt")
_DONE_EVENT = "transcript.text.done"


def _speech(pair: tuple[bytes, str]) -> SpeechResponse:
    content, content_type = pair
    return SpeechResponse(content, content_type or "audio/mpeg")


class TranscriptionStreamEvent(Result):
    """One streamed transcription event: ``type`` is ``transcript.text.delta`` (with ``delta``)
    or ``transcript.text.done`` (with the whole ``text`` and ``usage``)."""

    __slots__ = ()

    def __str__(self) -> str:
        return str(self._data.get("delta", self._data.get("text", "")))


def _can_stream(model: str) -> bool | None:
    """Whether a known transcription model streams (None: unknown, let the service decide).

    The gpt-4o transcribe family (the json-only, token-billed rows of the model table) streams;
    whisper-1 does not (the service ignores ``stream`` for it, leaving a streaming caller with no
    events). A row may also say so itself with ``"stream"``.
    """
    row = model_info(model)
    if row is None or row.get("kind") != "transcription":
        return None
    return bool(row.get("stream", row.get("response_formats") == ["json"]))


class _TranscriptionStreamBase:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._deltas: list[str] = []
        self._final: str | None = None
        self._iterator: Any = None  # one generator: next() and a later loop continue each other
        self.events: list[TranscriptionStreamEvent] = []

    @property
    def done(self) -> bool:
        """True once ``transcript.text.done`` arrived."""
        return self._final is not None

    @property
    def text(self) -> str:
        """The transcript so far: the deltas joined, or the final text once it arrived."""
        return self._final if self._final is not None else "".join(self._deltas)

    def _keep(self, event: Any) -> None:
        self.events.append(event)
        if event.get("type") == _DONE_EVENT:
            self._final = str(event.get("text") or "")
        elif isinstance(event.get("delta"), str):
            self._deltas.append(event["delta"])

    def __repr__(self) -> str:
        state = "done" if self.done else "open"
        return f"<{type(self).__name__} {state}, {len(self.events)} event(s)>"


class TranscriptionStream(_TranscriptionStreamBase):
    """An iterable, closeable stream of :class:`TranscriptionStreamEvent`.

    Attributes
    ----------
    events : list of TranscriptionStreamEvent
        Every event received so far.
    text : str
        The transcript so far.
    """

    def __iter__(self) -> Iterator[TranscriptionStreamEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def __next__(self) -> TranscriptionStreamEvent:
        return next(iter(self))

    def _events(self) -> Iterator[TranscriptionStreamEvent]:
        try:
            for event in self._inner:
                self._keep(event)
                yield event
        except StreamInterruptedError:
            if not self.done:  # a connection closed after the done event lost nothing
                raise
        finally:
            self._inner.close()

    def close(self) -> None:
        """Close the response (safe to call more than once)."""
        self._inner.close()

    def until_done(self) -> TranscriptionStream:
        """Consume the rest of the stream; return it."""
        for _ in self:
            pass
        return self

    def get_final_text(self) -> str:
        """Consume the rest of the stream and return the whole transcript."""
        return self.until_done().text

    def __enter__(self) -> TranscriptionStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# TranscriptionStream's twin, awaiting where it calls (deliberate: shared state is in the base).
class AsyncTranscriptionStream(_TranscriptionStreamBase):
    """The async twin of :class:`TranscriptionStream` (``async for event in stream``)."""

    def __aiter__(self) -> AsyncIterator[TranscriptionStreamEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    async def __anext__(self) -> TranscriptionStreamEvent:
        return await self.__aiter__().__anext__()

    async def _events(self) -> AsyncIterator[TranscriptionStreamEvent]:
        try:
            async for event in self._inner:
                self._keep(event)
                yield event
        except StreamInterruptedError:
            if not self.done:
                raise
        finally:
            await self._inner.aclose()

    async def aclose(self) -> None:
        """Close the response (safe to call more than once)."""
        await self._inner.aclose()

    close = aclose

    async def until_done(self) -> AsyncTranscriptionStream:
        """Consume the rest of the stream; return it."""
        async for _ in self:
            pass
        return self

    async def get_final_text(self) -> str:
        """Consume the rest of the stream and return the whole transcript."""
        return (await self.until_done()).text

    async def __aenter__(self) -> AsyncTranscriptionStream:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


async def _async_stream(pending: Any) -> AsyncTranscriptionStream:
    return AsyncTranscriptionStream(await pending)


class _Transcribe(Resource):
    _path = ""
    _translation = False

    def _create(self, file: Any, model: str, fields: dict[str, Any], extra_body: Body | None,
                options: dict[str, Any], stream: bool = False) -> Any:
        """Send the upload; ``extra_body`` joins the form fields, unchecked (fields this package
        does not know yet), and ``options`` are the other per-call options."""
        if not isinstance(stream, bool):
            raise TypeError(f"stream must be True or False, got {stream!r}")
        upload = to_file_tuple(file, param="file")
        validate_transcription(upload, model, fields, translation=self._translation)
        fmt = fields.get("response_format", "json")
        if stream:
            if _can_stream(model) is False:
                raise ValueError(f"stream=True is not supported by {model}: use "
                                 "gpt-4o-transcribe or gpt-4o-mini-transcribe, or leave stream "
                                 "unset to get the whole transcript")
            if fmt != "json":
                raise ValueError(f"stream=True needs response_format='json' (got {fmt!r})")
            fields = {**fields, "stream": True}
            read_as: dict[str, Any] = {"stream": True, "cast": TranscriptionStreamEvent}
        elif fmt in _TEXT_FORMATS:
            read_as = {"response": "text"}
        else:
            read_as = {"cast": Transcription}
        data = form_fields({"model": model, **fields, **(extra_body or {})})
        spec = make_spec("POST", self._path, options, data=data, files=[("file", upload)],
                         **read_as)
        pending = self._request(spec)
        if not stream:
            return pending
        if getattr(self._requester, "is_async", False):
            return _async_stream(pending)
        return TranscriptionStream(pending)


class Transcriptions(_Transcribe):
    """``POST /audio/transcriptions``."""

    _path = "/audio/transcriptions"

    # Overloads repeat the parameters on purpose: they type the result by response_format/stream.
    @overload
    def create(
        self, *, file: FileInput, model: str,
        response_format: Literal["json", "verbose_json"] | None | NotGiven = NOT_GIVEN,
        stream: Literal[False] = False,
        language: str | None | NotGiven = NOT_GIVEN, prompt: str | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        timestamp_granularities: Sequence[Literal["word", "segment"]] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        known_speaker_names: Sequence[str] | None | NotGiven = NOT_GIVEN,
        known_speaker_references: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Transcription: ...

    @overload
    def create(
        self, *, file: FileInput, model: str, response_format: Literal["text", "srt", "vtt"],
        stream: Literal[False] = False,
        language: str | None | NotGiven = NOT_GIVEN, prompt: str | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        timestamp_granularities: Sequence[Literal["word", "segment"]] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        known_speaker_names: Sequence[str] | None | NotGiven = NOT_GIVEN,
        known_speaker_references: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> str: ...

    @overload
    def create(
        self, *, file: FileInput, model: str, response_format: str | None | NotGiven = NOT_GIVEN,
        stream: Literal[True],
        language: str | None | NotGiven = NOT_GIVEN, prompt: str | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        timestamp_granularities: Sequence[Literal["word", "segment"]] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        known_speaker_names: Sequence[str] | None | NotGiven = NOT_GIVEN,
        known_speaker_references: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> TranscriptionStream: ...

    @overload
    def create(
        self, *, file: FileInput, model: str, response_format: str | None | NotGiven = NOT_GIVEN,
        stream: bool,
        language: str | None | NotGiven = NOT_GIVEN, prompt: str | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        timestamp_granularities: Sequence[Literal["word", "segment"]] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        known_speaker_names: Sequence[str] | None | NotGiven = NOT_GIVEN,
        known_speaker_references: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Transcription | str | TranscriptionStream: ...

    def create(
        self, *, file: FileInput, model: str, response_format: str | None | NotGiven = NOT_GIVEN,
        stream: bool = False,
        language: str | None | NotGiven = NOT_GIVEN, prompt: str | None | NotGiven = NOT_GIVEN,
        temperature: float | None | NotGiven = NOT_GIVEN,
        timestamp_granularities: Sequence[Literal["word", "segment"]] | None | NotGiven = NOT_GIVEN,
        include: Sequence[str] | None | NotGiven = NOT_GIVEN,
        chunking_strategy: str | Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        known_speaker_names: Sequence[str] | None | NotGiven = NOT_GIVEN,
        known_speaker_references: Sequence[str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Transcription | str | TranscriptionStream:
        """Transcribe audio, whole or streamed.

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
        stream : bool, default False
            When True (gpt-4o-transcribe, gpt-4o-mini-transcribe; json only), return a
            :class:`TranscriptionStream` of events: ``transcript.text.delta`` (``.delta``) as the
            text arrives, then ``transcript.text.done`` (``.text``, ``.usage``).
        include : list of str, optional
            E.g. ``["logprobs"]`` (gpt-4o transcribe models, json).
        chunking_strategy : "auto" or dict, optional
            How to cut long audio (``{"type": "server_vad", ...}``).
        known_speaker_names, known_speaker_references : list of str, optional
            Up to 4 speakers for diarization (gpt-4o-transcribe-diarize): names, and audio
            samples as data URLs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` fields join the form as given.

        Returns
        -------
        Transcription, str, TranscriptionStream or AsyncTranscriptionStream

        Examples
        --------
        >>> for event in client.audio.transcriptions.create(  # doctest: +SKIP
        ...         file="talk.wav", model="gpt-4o-mini-transcribe", stream=True):
        ...     print(event.delta if event.type == "transcript.text.delta" else "")
        """
        fields = given(response_format=response_format, language=language, prompt=prompt,
                       temperature=temperature, timestamp_granularities=timestamp_granularities,
                       include=include, chunking_strategy=chunking_strategy,
                       known_speaker_names=known_speaker_names,
                       known_speaker_references=known_speaker_references)
        options = per_call(extra_headers, extra_query, None, timeout, max_retries)
        return self._create(file, model, fields, extra_body, options, stream)


class Translations(_Transcribe):
    """``POST /audio/translations`` (speech in any language to English text)."""

    _path = "/audio/translations"
    _translation = True
    _keyword_hints = {"stream": "stream is not a translations parameter: translations return the "
                                "whole text; stream a transcription with gpt-4o-transcribe "
                                "instead"}

    # Overloads repeat the parameters on purpose: they type the result by response_format.
    @overload
    def create(
        self, *, file: FileInput, model: str,
        response_format: Literal["json", "verbose_json"] | None | NotGiven = NOT_GIVEN,
        prompt: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Transcription: ...

    @overload
    def create(
        self, *, file: FileInput, model: str, response_format: Literal["text", "srt", "vtt"],
        prompt: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> str: ...

    def create(
        self, *, file: FileInput, model: str, response_format: str | None | NotGiven = NOT_GIVEN,
        prompt: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Transcription | str:
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
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` fields join the form as given.

        Returns
        -------
        Transcription or str
        """
        fields = given(prompt=prompt, response_format=response_format, temperature=temperature)
        options = per_call(extra_headers, extra_query, None, timeout, max_retries)
        return self._create(file, model, fields, extra_body, options)


class Speech(Resource):
    """``POST /audio/speech``."""

    def create(
        self, *, model: str, input: str, voice: str | Mapping[str, str],
        response_format: (Literal["mp3", "opus", "aac", "flac", "wav", "pcm"] | None
                          | NotGiven) = NOT_GIVEN,
        speed: float | None | NotGiven = NOT_GIVEN, instructions: str | None | NotGiven = NOT_GIVEN,
        stream_format: Literal["audio", "sse"] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SpeechResponse:
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
        stream_format : {"audio"}, optional
            Only ``"audio"`` (the whole file) here; ``"sse"`` is refused before sending.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` fields join the form as given.

        Returns
        -------
        SpeechResponse
            ``bytes`` with ``.content_type``; plays inline in a notebook.
        """
        fields = given(response_format=response_format, speed=speed, instructions=instructions,
                       stream_format=stream_format)
        validate_speech(model, input, voice, fields)
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        spec = make_spec("POST", "/audio/speech", options,
                         json={"model": model, "input": input, "voice": voice, **fields},
                         response="bytes", cast=_speech)
        return self._request(spec)


class Audio(Resource):
    """``client.audio``: :attr:`transcriptions`, :attr:`translations`, :attr:`speech`."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.transcriptions = Transcriptions(requester)
        self.translations = Translations(requester)
        self.speech = Speech(requester)
