"""``POST /v1/audio/{transcriptions,translations,speech}``.

Transcripts are timed by the upload's real duration, read from the container:

- WAV: the RIFF ``fmt `` and ``data`` chunks (bytes / byte rate);
- MP3 (and ``.mpeg``/``.mpga``): walks the MPEG audio frame headers after any ID3v2 tag, summing
  samples per frame;
- FLAC: STREAMINFO's total samples / sample rate;
- OGG: the last page's granule position over the Vorbis sample rate (Opus: 48 kHz, less pre-skip);
- MP4/M4A: the ``moov/mvhd`` duration / timescale;
- anything else (WebM, or a container that does not parse) is estimated from the size at
  128 kbit/s.

Speech the emulator made carries its text (a RIFF ``LIST/INFO`` chunk after the samples: ``ISFT``
names the emulator, ``ICMT`` holds the input), so transcribing it returns that text, each word
timed where it is spoken in the real duration. Any other audio gets a simulated transcript: words
from a PRNG keyed on the file's bytes, ``prompt``, ``language``, model and task, about 2.5 words
per second, split into segments spread evenly over the duration.

``stream=true`` with the gpt-4o transcribe models answers ``transcript.text.delta`` events (a few
words each) and one ``transcript.text.done`` with the whole text and the usage; whisper-1 cannot
stream, and says so with a 400 rather than silently ignoring the flag (the reference says the
service ignores it, which leaves a streaming caller with no events and no error).

Speech returns real audio: a 24 kHz mono 16-bit tone pattern (one pitched syllable per word, the
pitch set by the voice, the length by the text and ``speed``). The emulator encodes WAV and PCM
only: ``wav`` gives ``audio/wav``, ``pcm`` raw little-endian samples (``audio/pcm``, which has no
room for the text), and the compressed formats (mp3, opus, aac, flac) also get WAV bytes labelled
``audio/wav`` — an honest content type rather than mislabelled bytes.
"""

from __future__ import annotations

import math
import os
import re
import struct
from typing import Any

import numpy as np

from ._errors import EmuError, invalid, missing
from ._router import SSE, EmuRequest, Raw, Upload
from ._text import (
    check_enum,
    check_model,
    check_number,
    check_str,
    compose,
    count_tokens,
    enum_error,
    rng,
    stable_hash,
    type_error,
)

__all__ = ["audio_duration", "create_speech", "create_transcription", "create_translation",
           "spoken_text", "wav_bytes"]

SUPPORTED = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
_MAX_BYTES = 25 * 1024 * 1024
_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer",
           "verse", "marin", "cedar")
_SPEECH_FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
_RATE = 24_000
#: The ``ISFT`` (software) value that marks a WAV as the emulator's own speech.
_SPEECH_TAG = "lcoai-notebook emulator speech"
#: Words per ``transcript.text.delta`` event.
_DELTA_WORDS = 3
_LANGS = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "it": "italian",
          "pt": "portuguese", "nl": "dutch", "ja": "japanese", "zh": "chinese", "ru": "russian"}
# A few words per language so a non-English transcript looks the part.
_FOREIGN = {
    "es": "el la de que y en un una es por con para como pero muy bien hoy casa tiempo día".split(),
    "fr": "le la de et un une est pour avec dans très bien aujourd'hui maison temps jour".split(),
    "de": "der die das und ein eine ist mit für sehr gut heute haus zeit tag auch nicht".split(),
}


# --------------------------------------------------------------------------- container durations
def _wav_duration(data: bytes) -> float | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, 0
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"fmt " and pos + 20 <= len(data):
            byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
        elif cid == b"data":
            avail = len(data) - pos - 8
            size = avail if size in (0, 0xFFFFFFFF) or size > avail else size
            return size / byte_rate if byte_rate else None
        pos += 8 + size + (size & 1)
    return None


_MP3_BITRATES = {  # (version is MPEG-1, layer) -> kbit/s by index
    (True, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (True, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (True, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (False, 3): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (False, 2): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (False, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_duration(data: bytes) -> float | None:
    pos = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        b = data[6:10]
        pos = 10 + ((b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3])
    total, frames = 0.0, 0
    while pos + 4 <= len(data):
        h = int.from_bytes(data[pos:pos + 4], "big")
        if (h >> 21) & 0x7FF != 0x7FF:
            if frames:
                break  # trailing tags (ID3v1, APE) end the stream
            pos += 1  # resynchronise before the first frame
            continue
        ver, layer_bits = (h >> 19) & 3, (h >> 17) & 3
        br_i, sr_i, pad = (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
        if ver == 1 or layer_bits == 0 or br_i in (0, 15) or sr_i == 3:
            if frames:
                break
            pos += 1
            continue
        layer = 4 - layer_bits
        v1 = ver == 3
        bitrate = _MP3_BITRATES[(v1, layer)][br_i] * 1000
        rate = _MP3_RATES[ver][sr_i]
        if layer == 1:
            samples, length = 384, (12 * bitrate // rate + pad) * 4
        else:
            samples = 1152 if (layer == 2 or v1) else 576
            length = samples // 8 * bitrate // rate + pad
        total += samples / rate
        frames += 1
        pos += max(length, 1)
    return total if frames else None


def _flac_duration(data: bytes) -> float | None:
    if data[:4] != b"fLaC" or len(data) < 8 + 34 or data[4] & 0x7F != 0:
        return None
    info = data[8:8 + 34]
    bits = int.from_bytes(info[10:18], "big")
    rate = bits >> 44
    total = bits & ((1 << 36) - 1)
    return total / rate if rate else None


def _ogg_duration(data: bytes) -> float | None:
    if data[:4] != b"OggS":
        return None
    last = data.rfind(b"OggS")
    granule = struct.unpack("<q", data[last + 6:last + 14])[0] if last + 14 <= len(data) else -1
    i = data.find(b"\x01vorbis")
    if i >= 0 and i + 16 <= len(data):
        rate = struct.unpack("<I", data[i + 12:i + 16])[0]
        return granule / rate if rate and granule >= 0 else None
    i = data.find(b"OpusHead")
    if i >= 0 and i + 12 <= len(data):
        pre_skip = struct.unpack("<H", data[i + 10:i + 12])[0]
        return max(0, granule - pre_skip) / 48000 if granule >= 0 else None
    return None


def _mp4_duration(data: bytes) -> float | None:
    def boxes(start: int, end: int):
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack(">I4s", data[pos:pos + 8])
            head = 8
            if size == 1 and pos + 16 <= end:
                size, head = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
            elif size == 0:
                size = end - pos
            if size < head:
                return
            yield kind, pos + head, min(end, pos + size)
            pos += size

    for kind, a, b in boxes(0, len(data)):
        if kind == b"moov":
            for k2, c, _d in boxes(a, b):
                if k2 == b"mvhd" and c + 32 <= len(data):
                    if data[c] == 1:
                        scale, dur = struct.unpack(">IQ", data[c + 20:c + 32])
                    else:
                        scale, dur = struct.unpack(">II", data[c + 12:c + 20])
                    return dur / scale if scale else None
    return None


def sniff(data: bytes) -> str | None:
    """The container of ``data`` from its magic bytes, or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def audio_duration(data: bytes, kind: str | None = None) -> tuple[float, bool]:
    """The duration of an audio file, read from its container.

    Parameters
    ----------
    data : bytes
        The whole file.
    kind : str, optional
        The extension (``wav``, ``mp3``, ``flac``, ``ogg``, ``m4a`` ...); the magic bytes win
        when they identify the container.

    Returns
    -------
    seconds : float
        The real duration when the container parses, else ``len(data) / 16000`` (128 kbit/s).
    measured : bool
        True when ``seconds`` was read from the container, False for the size estimate.
    """
    kind = sniff(data) or kind
    parser = {"wav": _wav_duration, "mp3": _mp3_duration, "mpeg": _mp3_duration,
              "mpga": _mp3_duration, "flac": _flac_duration, "ogg": _ogg_duration,
              "oga": _ogg_duration, "mp4": _mp4_duration, "m4a": _mp4_duration}.get(kind or "")
    if parser is not None:
        try:
            value = parser(data)
        except (struct.error, IndexError, ValueError):
            value = None
        if value is not None and value >= 0 and math.isfinite(value):
            return float(value), True
    return len(data) / 16_000, False


# --------------------------------------------------------------------------- transcripts
def _check_upload(files: dict[str, list[Upload]]) -> tuple[Upload, str]:
    ups = files.get("file") or []
    if not ups:
        raise missing("file")
    up = ups[0]
    if len(up.content) > _MAX_BYTES:
        raise EmuError(413, f"Maximum content size limit ({_MAX_BYTES}) exceeded "
                       f"({len(up.content)} bytes read)", param="file")
    ext = os.path.splitext(up.filename or "")[1].lower().lstrip(".")
    kind = ext if ext in SUPPORTED else sniff(up.content)
    if kind is None:
        raise invalid("Invalid file format. Supported formats: "
                      f"{list(SUPPORTED)!r}".replace('"', "'"), param="file",
                      code="invalid_value")
    magic = sniff(up.content)
    expected = {"wav": "wav", "flac": "flac", "ogg": "ogg", "oga": "ogg"}.get(kind)
    if expected and magic != expected:
        raise invalid("Audio file might be corrupted or unsupported", param="file",
                      code="invalid_value")
    if not up.content:
        raise invalid("Audio file is empty.", param="file", code="invalid_value")
    return up, kind


def _words(r: Any, n_words: int, about: str, lang: str) -> list[str]:
    if n_words <= 0:
        return []
    if lang in _FOREIGN:
        vocab = _FOREIGN[lang]
        words = [r.choice(vocab) for _ in range(n_words)]
        words[0] = words[0].capitalize()
        return [w + ("." if (i + 1) % 9 == 0 or i == n_words - 1 else "")
                for i, w in enumerate(words)]
    if n_words <= 3:  # a clip this short holds a word or two
        return r.choice((["Okay."], ["Thank", "you."], ["Yes,", "thanks."], ["Hello", "there."],
                         ["Right."], ["Sounds", "good."]))
    text = compose(r, about or "the recording", n_words, opening=False)
    # Whole sentences, as a speaker says them, as long as they stay near the spoken length.
    words: list[str] = []
    for sentence in re.split(r"(?<=\.) ", text):
        parts = sentence.split()
        if words and len(words) + len(parts) > n_words * 1.3:
            break
        words += parts
    if len(words) > 2 * n_words + 2:
        words = words[:n_words]
        words[-1] = words[-1].rstrip(",.:;") + "."
    return words


def _segments(words: list[str], times: list[tuple[float, float]], duration: float,
              sizes: Any, r: Any) -> list[dict[str, Any]]:
    """Verbose segments of ``words`` (spoken at ``times``), ``next(sizes)`` words each."""
    segs, i = [], 0
    while i < len(words):
        size = next(sizes)
        chunk = words[i:i + size]
        start, end = times[i][0], min(duration, times[i + len(chunk) - 1][1])
        text = " " + " ".join(chunk)
        segs.append({"id": len(segs), "seek": int(start * 100) // 3000 * 3000,
                     "start": round(start, 2), "end": round(end, 2), "text": text,
                     "tokens": [50364 + stable_hash(w) % 40000 for w in chunk],
                     "temperature": 0.0, "avg_logprob": round(-0.1 - r.random() * 0.4, 4),
                     "compression_ratio": round(1.1 + r.random() * 0.6, 4),
                     "no_speech_prob": round(r.random() * 0.05, 6),
                     "_words": [(w, round(times[i + k][0], 2), round(times[i + k][1], 2))
                                for k, w in enumerate(chunk)]})
        i += size
    return segs


def _random_sizes(r: Any) -> Any:
    while True:
        yield r.randint(8, 16)


def _sentence_sizes(words: list[str]) -> Any:
    """Segment sizes that end at sentence ends (at most 16 words), as a speaker pauses."""
    i = 0
    while True:
        size = 1
        while (i + size < len(words) and size < 16
               and not words[i + size - 1].endswith((".", "!", "?"))):
            size += 1
        i += size
        yield size


def _even_times(n: int, duration: float) -> list[tuple[float, float]]:
    per_word = duration / max(1, n)
    return [(k * per_word, (k + 1) * per_word) for k in range(n)]


def _spoken_times(words: list[str], duration: float) -> list[tuple[float, float]]:
    """Where each word of the emulator's own speech falls in ``duration`` seconds: the syllable
    lengths :func:`synthesize` gave them, scaled to the measured length (``speed`` cancels)."""
    lengths = _word_seconds(words)
    scale = duration / float(lengths.sum()) if len(words) else 0.0
    ends = np.cumsum(lengths) * scale
    starts = ends - lengths * scale
    return [(float(a), float(b)) for a, b in zip(starts, ends, strict=True)]


def _truthy_field(fields: dict[str, Any], name: str) -> bool:
    """A multipart boolean (``true``/``false``, as the SDKs send it), or a 400 naming it."""
    value = fields.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    if value is None or value == "":
        return False
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise invalid(f"Invalid value for '{name}': expected a boolean, but got {value!r} instead.",
                  param=name, code="invalid_type")


def _streams(row: dict[str, Any]) -> bool:
    # The gpt-4o transcribe family (the json-only, token-billed rows) streams; whisper-1 does
    # not. A row may say so itself with "stream".
    return bool(row.get("stream", row.get("response_formats") == ["json"]))


def _stream_events(words: list[str], text: str, usage: dict[str, Any]) -> Any:
    for k in range(0, len(words), _DELTA_WORDS):
        delta = " ".join(words[k:k + _DELTA_WORDS])
        yield {"type": "transcript.text.delta", "delta": delta if k == 0 else " " + delta}
    yield {"type": "transcript.text.done", "text": text, "usage": usage}


def _stamp(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _transcribe(req: EmuRequest, task: str) -> dict[str, Any] | Raw | SSE:
    fields, files = req.form()
    model = fields.get("model")
    if model is None or model == "":
        raise missing("model")
    if not isinstance(model, str):
        raise type_error("model", "a string", model)
    row = req.app.require_model(model, kinds=("transcription",), param="model")
    if task == "translate" and not row.get("translation"):
        raise invalid(f"The model '{model}' does not support translations.", param="model")
    up, kind = _check_upload(files)
    allowed = list(row.get("response_formats") or _FORMATS)
    fmt = check_str(fields, "response_format", default="json")
    if fmt not in _FORMATS:
        raise enum_error("response_format", fmt, _FORMATS)
    if fmt not in allowed:
        raise invalid(f"response_format '{fmt}' is not compatible with model '{model}'. "
                      f"Use {' or '.join(repr(a) for a in allowed)}.", param="response_format",
                      code="unsupported_value")
    temperature = check_number(fields, "temperature", default=0.0, lo=0, hi=1, coerce=True)
    prompt = check_str(fields, "prompt", default="") or ""
    language = check_str(fields, "language", default=None) if task == "transcribe" else None
    if language is not None and not (2 <= len(language) <= 3 and language.isalpha()):
        raise invalid(f"Invalid language '{language}'. Language parameter must be specified in "
                      "ISO-639-1 format.", param="language", code="invalid_language_format")
    grans = fields.get("timestamp_granularities") or []
    grans = [grans] if isinstance(grans, str) else list(grans)
    for g in grans:
        if g not in ("word", "segment"):
            raise enum_error("timestamp_granularities", g, ("word", "segment"))
    if grans and fmt != "verbose_json":
        raise invalid("timestamp_granularities is only supported with "
                      "response_format=verbose_json.", param="timestamp_granularities")

    stream = _truthy_field(fields, "stream") if task == "transcribe" else False
    if stream and not _streams(row):
        raise invalid(f"Streaming is not supported for the model '{model}'; use "
                      "gpt-4o-transcribe or gpt-4o-mini-transcribe, or leave 'stream' unset.",
                      param="stream", code="unsupported_value")

    duration, _measured = audio_duration(up.content, kind)
    content_key = stable_hash(up.content)
    lang = "en" if task == "translate" else (language or "en").lower()
    r = rng("audio", req.app.config.seed, model, task, content_key, prompt, lang,
            round(temperature, 2))
    spoken = spoken_text(up.content)
    if spoken is not None:  # the emulator's own speech: its words, where they are spoken
        words = spoken.split()
        segs = _segments(words, _spoken_times(words, duration), duration,
                         _sentence_sizes(words), r)
    else:
        n_words = 0 if duration < 0.3 else max(1, int(duration * 2.5))
        words = _words(r, min(n_words, 20_000), prompt, lang)
        segs = _segments(words, _even_times(len(words), duration), duration, _random_sizes(r), r)
    text = " ".join(words)
    if stream and fmt != "json":
        raise invalid(f"response_format '{fmt}' cannot be streamed; use 'json'.",
                      param="response_format", code="unsupported_value")
    if fmt == "text":
        return Raw((text + "\n").encode("utf-8"), "text/plain; charset=utf-8")
    if fmt in ("srt", "vtt"):
        out = ["WEBVTT", ""] if fmt == "vtt" else []
        for s in segs:
            if fmt == "srt":
                out.append(str(s["id"] + 1))
            sep = "," if fmt == "srt" else "."
            out += [f"{_stamp(s['start'], sep)} --> {_stamp(s['end'], sep)}", s["text"].strip(),
                    ""]
        return Raw(("\n".join(out) + "\n").encode("utf-8"), "text/plain; charset=utf-8")
    seconds = round(duration, 3)
    if row.get("response_formats") == ["json"]:  # the gpt-4o transcribe models bill tokens
        audio_tokens = int(math.ceil(duration * 10))
        text_tokens = count_tokens(prompt)
        usage: dict[str, Any] = {"type": "tokens", "input_tokens": audio_tokens + text_tokens,
                                 "input_token_details": {"text_tokens": text_tokens,
                                                         "audio_tokens": audio_tokens},
                                 "output_tokens": count_tokens(text),
                                 "total_tokens": audio_tokens + text_tokens + count_tokens(text)}
    else:
        usage = {"type": "duration", "seconds": int(math.ceil(duration))}
    if stream:
        return SSE(_stream_events(words, text, usage))
    if fmt == "json":
        return {"text": text, "usage": usage} if task == "transcribe" else {"text": text}
    body: dict[str, Any] = {"task": task, "language": _LANGS.get(lang, lang),
                            "duration": seconds, "text": text}
    if not grans or "segment" in grans:
        body["segments"] = [{k: v for k, v in s.items() if k != "_words"} for s in segs]
    if "word" in grans:
        body["words"] = [{"word": w.strip(".,!?;:"), "start": a, "end": b}
                         for s in segs for (w, a, b) in s["_words"]]
    if task == "transcribe":
        body["usage"] = usage
    return body


def create_transcription(req: EmuRequest) -> dict[str, Any] | Raw | SSE:
    """Transcribe the upload (json, text, srt, vtt or verbose_json), timed by its duration."""
    return _transcribe(req, "transcribe")


def create_translation(req: EmuRequest) -> dict[str, Any] | Raw | SSE:
    """Translate the upload into English (same formats as transcriptions)."""
    return _transcribe(req, "translate")


# --------------------------------------------------------------------------- speech
def _info_chunk(fields: list[tuple[bytes, str]]) -> bytes:
    """A RIFF ``LIST/INFO`` chunk of NUL-terminated UTF-8 values, each padded to even length."""
    body = b"INFO"
    for cid, value in fields:
        raw = value.encode("utf-8") + b"\0"
        body += cid + struct.pack("<I", len(raw)) + raw + b"\0" * (len(raw) & 1)
    return b"LIST" + struct.pack("<I", len(body)) + body


def wav_bytes(samples: np.ndarray, rate: int = _RATE, text: str | None = None) -> bytes:
    """A 16-bit mono PCM WAV file for ``int16`` ``samples``.

    With ``text``, a ``LIST/INFO`` chunk after the samples carries it (``ICMT``) and marks the
    file as the emulator's speech (``ISFT``); the header stays the canonical 44 bytes, so players
    and readers that skip unknown chunks (all of them, ``wave`` included) see the same audio.
    """
    pcm = samples.astype("<i2", copy=False).tobytes()
    info = b"" if text is None else _info_chunk([(b"ISFT", _SPEECH_TAG), (b"ICMT", text)])
    return (b"RIFF" + struct.pack("<I", 36 + len(pcm) + len(info)) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", len(pcm)) + pcm + info)


def spoken_text(data: bytes) -> str | None:
    """The text a WAV made by the emulator's speech route says, or None for any other audio."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, end = 12, len(data)
    while pos + 8 <= end:
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"LIST" and data[pos + 8:pos + 12] == b"INFO":
            info: dict[bytes, bytes] = {}
            sub, stop = pos + 12, min(end, pos + 8 + size)
            while sub + 8 <= stop:
                sid, ssize = data[sub:sub + 4], struct.unpack("<I", data[sub + 4:sub + 8])[0]
                info[sid] = data[sub + 8:min(stop, sub + 8 + ssize)].rstrip(b"\0")
                sub += 8 + ssize + (ssize & 1)
            if info.get(b"ISFT") == _SPEECH_TAG.encode():
                try:
                    return info.get(b"ICMT", b"").decode("utf-8")
                except UnicodeDecodeError:
                    return None
        pos += 8 + size + (size & 1)
    return None


def _word_seconds(words: list[str]) -> np.ndarray:
    """Seconds per word at speed 1: ~15 characters a second, as speech runs; at least 80 ms."""
    return np.array([max(0.08, (len(w) + 1) / 15.0) for w in words])


def synthesize(text: str, voice: str, speed: float, rate: int = _RATE) -> np.ndarray:
    """``int16`` samples: one pitched syllable per word, fading in and out."""
    words = text.split() or ["."]
    base = 110 + stable_hash("voice", voice) % 140  # Hz
    lengths = _word_seconds(words) / speed
    n = np.maximum(1, (lengths * rate).astype(np.int64))
    freqs = np.array([base * (1 + (stable_hash(w.lower()) % 12) / 12) for w in words])
    out = np.empty(int(n.sum()), dtype=np.int16)
    start, phase0 = 0, 0.0
    # Blocks of words keep memory small even for 4,096 characters at speed 0.25 (~18 minutes).
    for a in range(0, len(words), 256):
        nb, fb = n[a:a + 256], freqs[a:a + 256]
        total = int(nb.sum())
        phase = phase0 + 2 * np.pi * np.cumsum(np.repeat(fb, nb)) / rate
        phase0 = float(phase[-1])
        offs = np.repeat(np.cumsum(nb) - nb, nb)
        pos = ((np.arange(total) - offs) / np.repeat(nb, nb)).astype(np.float32)
        env = np.clip(np.minimum(pos, 1 - pos) / 0.3, 0, 1)
        out[start:start + total] = (np.sin(phase).astype(np.float32) * env * 13000).astype(np.int16)
        start += total
    return out


def create_speech(req: EmuRequest) -> Raw:
    """Deterministic speech-like audio for ``input`` (WAV, or raw PCM for ``pcm``)."""
    body = req.json()
    model, _ = check_model(req, body, ("tts",))
    text = check_str(body, "input", required=True, max_length=4096, nonempty=True)
    voice = body.get("voice")
    if voice is None:
        raise missing("voice")
    if isinstance(voice, dict) and isinstance(voice.get("id"), str):
        voice_key = voice["id"]
    elif isinstance(voice, str):
        if voice not in _VOICES:
            raise enum_error("voice", voice, _VOICES)
        voice_key = voice
    else:
        raise type_error("voice", "one of a string or object", voice)
    fmt = check_enum(body, "response_format", _SPEECH_FORMATS, default="mp3")
    speed = check_number(body, "speed", default=1.0, lo=0.25, hi=4.0)
    instructions = check_str(body, "instructions", max_length=4096)
    if instructions and model in ("tts-1", "tts-1-hd"):
        raise invalid(f"The 'instructions' parameter is not supported for model '{model}'.",
                      param="instructions")
    if body.get("stream_format") not in (None, "audio"):
        raise invalid("The emulator streams speech as audio only.", param="stream_format")
    samples = synthesize(text, voice_key, speed)
    if fmt == "pcm":
        return Raw(samples.astype("<i2", copy=False).tobytes(), "audio/pcm")
    # Every other format gets WAV, labelled as WAV: the emulator has no mp3/opus/aac/flac encoder.
    return Raw(wav_bytes(samples, text=" ".join(text.split())), "audio/wav")
