"""Argument checks for the media endpoints: images, transcriptions/translations and speech.

The same two kinds of rule as :mod:`._validate` (API-wide enumerations for every call, catalog
rules only for known models), plus checks on the uploaded files themselves (type by extension,
size limits, square PNGs for variations). Errors name the parameter and what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._validate import (
    _accepted,
    _check_model_choice,
    _check_model_str,
    _is_str_list,
    _known,
    _models_with,
    check_choice,
    check_int,
    check_number,
)

__all__ = [
    "AUDIO_EXTENSIONS",
    "MAX_AUDIO_BYTES",
    "SPEECH_VOICES",
    "validate_image_file",
    "validate_images",
    "validate_speech",
    "validate_transcription",
]

# -- API-wide enumerations and limits (OpenAPI spec v2.3.0) -------------------------------------
IMAGE_SIZES = ("auto", "256x256", "512x512", "1024x1024", "1536x1024", "1024x1536", "1792x1024",
               "1024x1792")
IMAGE_EDIT_SIZES = ("auto", "256x256", "512x512", "1024x1024", "1536x1024", "1024x1536")
IMAGE_VARIATION_SIZES = ("256x256", "512x512", "1024x1024")
IMAGE_QUALITIES = ("standard", "hd", "low", "medium", "high", "auto")
IMAGE_EDIT_QUALITIES = ("standard", "low", "medium", "high", "auto")
IMAGE_STYLES = ("vivid", "natural")
IMAGE_RESPONSE_FORMATS = ("url", "b64_json")
IMAGE_OUTPUT_FORMATS = ("png", "jpeg", "webp")
IMAGE_BACKGROUNDS = ("transparent", "opaque", "auto")
IMAGE_MODERATION = ("low", "auto")
IMAGE_INPUT_FIDELITY = ("high", "low")
AUDIO_EXTENSIONS = ("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm")
#: OpenAI's upload limit for audio: "File uploads are currently limited to 25 MB".
MAX_AUDIO_BYTES = 25 * 1024 * 1024
TRANSCRIPTION_FORMATS = ("json", "text", "srt", "verbose_json", "vtt", "diarized_json")
TRANSLATION_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
TIMESTAMP_GRANULARITIES = ("word", "segment")
SPEECH_FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
# The built-in voices the spec names (its enum plus the ones its description lists); custom
# voices are given as {"id": "voice_..."}.
SPEECH_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage",
                 "shimmer", "verse", "marin", "cedar")
MAX_SPEECH_INPUT = 4096
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
MAX_IMAGE_BYTES = 50 * 1024 * 1024  # GPT image models; variations (and dall-e-2) take 4 MB
MAX_VARIATION_BYTES = 4 * 1024 * 1024

_SIZE_RE = re.compile(r"^[1-9][0-9]{1,4}x[1-9][0-9]{1,4}$")


# -- images -------------------------------------------------------------------------------------
def _check_size(value: Any, accepted: tuple[str, ...], *, free_form: bool) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"size must be a string such as '1024x1024' (got {type(value).__name__})")
    if value in accepted:
        return
    # Newer image models take any WIDTHxHEIGHT; the catalog narrows this for the known ones.
    if free_form and _SIZE_RE.match(value):
        return
    more = " or WIDTHxHEIGHT" if free_form else ""
    raise ValueError(f"size must be one of: {_accepted(accepted)}{more} (got {value!r})")


def validate_images(operation: str, model: Any, params: Mapping[str, Any]) -> None:
    """Check ``images.generate`` / ``edit`` / ``create_variation`` parameters.

    ``operation`` is ``"generate"``, ``"edit"`` or ``"variation"``. A catalog model's own lists
    are checked first (their message names the model); the API-wide enumerations then catch the
    rest, and are all an unknown model gets.
    """
    p = params.get
    if operation != "variation":
        prompt = p("prompt")
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a string (got {type(prompt).__name__})")
        if not prompt.strip():
            raise ValueError("prompt must be a non-empty string")
    if p("stream"):
        raise ValueError("stream=True is not supported for images by this client; leave it unset "
                         "to get the finished images")
    check_int("n", p("n"), 1, 10)
    if p("size") is not None and not isinstance(p("size"), str):
        raise TypeError(
            f"size must be a string such as '1024x1024' (got {type(p('size')).__name__})"
        )
    row = _known(model, ("image",), "image model")
    if row is not None:
        _check_image_model(operation, model, row, p)
    check_choice("response_format", p("response_format"), IMAGE_RESPONSE_FORMATS)
    if operation == "generate":
        _check_size(p("size"), IMAGE_SIZES, free_form=True)
        check_choice("quality", p("quality"), IMAGE_QUALITIES)
        check_choice("style", p("style"), IMAGE_STYLES)
        check_choice("moderation", p("moderation"), IMAGE_MODERATION)
    elif operation == "edit":
        _check_size(p("size"), IMAGE_EDIT_SIZES, free_form=True)
        check_choice("quality", p("quality"), IMAGE_EDIT_QUALITIES)
        check_choice("input_fidelity", p("input_fidelity"), IMAGE_INPUT_FIDELITY)
    else:
        _check_size(p("size"), IMAGE_VARIATION_SIZES, free_form=False)
    if operation != "variation":
        check_choice("output_format", p("output_format"), IMAGE_OUTPUT_FORMATS)
        check_choice("background", p("background"), IMAGE_BACKGROUNDS)
        check_int("output_compression", p("output_compression"), 0, 100)


def _check_image_model(operation: str, model: str, row: dict[str, Any], p: Any) -> None:
    if operation == "edit" and not row.get("edits"):
        raise ValueError(f"{model} does not support image edits; models that do: "
                         f"{_models_with('edits')}")
    if operation == "variation" and not row.get("variations"):
        raise ValueError(f"{model} does not support variations; models that do: "
                         f"{_models_with('variations')}")
    max_n = row.get("max_n")
    if max_n is not None and p("n") is not None and p("n") > max_n:
        rule = f"n must be 1 for {model}" if max_n == 1 else \
            f"n must be between 1 and {max_n} for {model}"
        raise ValueError(f"{rule} (got {p('n')})")
    if "sizes" in row:
        _check_model_choice("size", p("size"), model, row["sizes"])
    if "qualities" in row:
        _check_model_choice("quality", p("quality"), model, row["qualities"])
    if "response_formats" in row:
        _check_model_choice("response_format", p("response_format"), model,
                            row["response_formats"])
    names = (("style", "styles"), ("output_format", "output_formats"))
    for name, key in names if operation != "variation" else ():
        if p(name) is None:
            continue
        if key not in row:
            raise ValueError(f"{name} is not supported by {model}; models that accept it: "
                             f"{_models_with(key)}")
        _check_model_choice(name, p(name), model, row[key])


def _png_size(content: bytes) -> tuple[int, int] | None:
    if content[:8] != b"\x89PNG\r\n\x1a\n" or content[12:16] != b"IHDR":
        return None
    return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")


def validate_image_file(param: str, upload: tuple[str, bytes, str], *, variation: bool = False,
                        png_only: bool = False) -> None:
    """Check an image upload: type by extension, size limit, and squareness for variations."""
    name, content, _ = upload
    if not content:  # before the type check, which would blame the invented name
        raise ValueError(f"{param} is empty (0 bytes)")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    accepted = ("png",) if (variation or png_only) else IMAGE_EXTENSIONS
    if ext not in accepted:
        raise ValueError(
            f"{param} must be an image file of type {_accepted(accepted)} (got {name!r})"
        )
    limit = MAX_VARIATION_BYTES if variation else MAX_IMAGE_BYTES
    if len(content) > limit:
        raise ValueError(
            f"{param} is {len(content) / 2**20:.1f} MB; the API accepts at most "
            f"{limit // 2**20} MB here"
        )
    if variation:
        dims = _png_size(content)
        if dims is not None and dims[0] != dims[1]:
            raise ValueError(
                f"{param} must be a square PNG for variations (got {dims[0]}x{dims[1]})"
            )


# -- audio --------------------------------------------------------------------------------------
def _check_audio_file(upload: tuple[str, bytes, str]) -> None:
    name, content, _ = upload
    if not content:
        # First: empty bytes have no type to sniff, so the type check below would blame the name.
        raise ValueError("file is empty (0 bytes): pass the recording's bytes, a path or an open "
                         "binary file")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in AUDIO_EXTENSIONS:
        raise ValueError(
            f"file must be an audio file of type {_accepted(AUDIO_EXTENSIONS)} (got {name!r})"
        )
    if len(content) > MAX_AUDIO_BYTES:
        raise ValueError(
            f"file is {len(content) / 2**20:.1f} MB; the API accepts audio files of at most 25 MB"
        )


def validate_transcription(upload: tuple[str, bytes, str], model: Any, params: Mapping[str, Any],
                           *, translation: bool = False) -> None:
    """Check ``audio.transcriptions.create`` / ``audio.translations.create`` parameters."""
    _check_model_str("model", model)
    _check_audio_file(upload)
    p = params.get
    fmt = p("response_format")
    check_choice("response_format", fmt, TRANSLATION_FORMATS if translation
                 else TRANSCRIPTION_FORMATS)
    check_number("temperature", p("temperature"), 0, 1)
    for name in ("language", "prompt"):
        if p(name) is not None and not isinstance(p(name), str):
            raise TypeError(f"{name} must be a string (got {type(p(name)).__name__})")
    grains = p("timestamp_granularities")
    if grains is not None:
        if not _is_str_list(grains) or not grains:
            raise TypeError(
                "timestamp_granularities must be a list of: "
                f"{_accepted(TIMESTAMP_GRANULARITIES)} (got {grains!r})"
            )
        for g in grains:
            check_choice("timestamp_granularities", g, TIMESTAMP_GRANULARITIES)
        if fmt != "verbose_json":
            raise ValueError(
                "timestamp_granularities requires response_format='verbose_json' "
                f"(got {fmt or 'json'!r})"
            )
    row = _known(model, ("transcription",), "transcription model")
    if row is None:
        return
    if translation and not row.get("translation", True):
        raise ValueError(f"{model} does not support translations; models that do: "
                         f"{_models_with('translation')}")
    if "response_formats" in row:
        _check_model_choice("response_format", fmt, model, row["response_formats"])


def _check_speech_text(name: str, value: Any, *, allow_empty: bool = False) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string (got {type(value).__name__})")
    if not value and not allow_empty:
        raise ValueError(f"{name} must be a non-empty string")
    if len(value) > MAX_SPEECH_INPUT:
        raise ValueError(f"{name} must be at most {MAX_SPEECH_INPUT} characters (got {len(value)})")


def validate_speech(model: Any, input: Any, voice: Any, params: Mapping[str, Any]) -> None:
    """Check ``audio.speech.create`` parameters."""
    _check_model_str("model", model)
    _known(model, ("tts",), "text-to-speech model")
    _check_speech_text("input", input)
    if isinstance(voice, Mapping):
        if not isinstance(voice.get("id"), str):
            raise ValueError("a custom voice must be a dict {'id': 'voice_...'}")
    elif isinstance(voice, str):
        if voice not in SPEECH_VOICES and not voice.startswith("voice_"):
            raise ValueError(
                f"voice must be one of: {_accepted(SPEECH_VOICES)}, or a custom voice "
                f"{{'id': 'voice_...'}} (got {voice!r})"
            )
    else:
        raise TypeError(f"voice must be a voice name such as 'alloy' (got {type(voice).__name__})")
    p = params.get
    check_choice("response_format", p("response_format"), SPEECH_FORMATS)
    check_number("speed", p("speed"), 0.25, 4)
    if p("instructions") is not None:
        _check_speech_text("instructions", p("instructions"), allow_empty=True)
    if p("stream_format") not in (None, "audio"):
        raise ValueError(
            f"stream_format must be 'audio' here (got {p('stream_format')!r}); this method "
            "returns the audio bytes"
        )
