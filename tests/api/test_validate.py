"""The validation primitives and the file-argument normaliser."""

from __future__ import annotations

import io
import math
import os

import pytest

from lcoai_notebook._validate import check_choice, check_int, check_number
from lcoai_notebook.api._files_arg import form_fields, sniff_extension, to_file_tuple


def test_number_ranges_and_messages():
    check_number("temperature", 0, 0, 2)
    check_number("temperature", 2.0, 0, 2)
    check_number("temperature", None, 0, 2)
    with pytest.raises(ValueError, match=r"^temperature must be between 0 and 2 \(got 3\)$"):
        check_number("temperature", 3, 0, 2)
    with pytest.raises(ValueError, match=r"^x must be at least 1 \(got 0.5\)$"):
        check_number("x", 0.5, 1)
    with pytest.raises(ValueError, match=r"^x must be at most 4 \(got 4.5\)$"):
        check_number("x", 4.5, None, 4)
    with pytest.raises(ValueError, match="not NaN"):
        check_number("x", math.nan, 0, 1)
    with pytest.raises(TypeError, match=r"x must be a number \(got bool True\)"):
        check_number("x", True, 0, 2)
    with pytest.raises(TypeError, match=r"x must be a number \(got str '1'\)"):
        check_number("x", "1", 0, 2)


def test_int_checks():
    check_int("n", 5, 1, 10)
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int("n", 2.0, 1)
    with pytest.raises(ValueError, match=r"n must be between 1 and 10 \(got 11\)"):
        check_int("n", 11, 1, 10)


def test_choice():
    check_choice("fmt", "a", ("a", "b"))
    check_choice("fmt", None, ("a", "b"))
    with pytest.raises(ValueError, match=r"^fmt must be one of: a, b \(got 'c'\)$"):
        check_choice("fmt", "c", ("a", "b"))
    with pytest.raises(TypeError, match=r"fmt must be a string, one of: a, b"):
        check_choice("fmt", 1, ("a", "b"))


@pytest.mark.parametrize(("head", "ext"), [
    (b"\x89PNG\r\n\x1a\n....", "png"), (b"\xff\xd8\xff\xe0", "jpg"), (b"GIF89a", "gif"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "webp"), (b"RIFF\0\0\0\0WAVEfmt ", "wav"), (b"fLaC", "flac"),
    (b"OggS", "ogg"), (b"\x1a\x45\xdf\xa3", "webm"), (b"\0\0\0\x20ftypM4A ", "m4a"),
    (b"\0\0\0\x20ftypisom", "mp4"), (b"ID3\x04", "mp3"), (b"\xff\xfb\x90", "mp3"),
    (b'{"a": 1}\n', "jsonl"), (b"%PDF-1.7", "pdf"), (b"plain", None),
])
def test_sniff(head, ext):
    assert sniff_extension(head) == ext


def test_to_file_tuple_forms(tmp_path):
    p = tmp_path / "clip.flac"
    p.write_bytes(b"fLaC data")
    assert to_file_tuple(p) == ("clip.flac", b"fLaC data", "audio/flac")
    assert to_file_tuple(str(p)) == ("clip.flac", b"fLaC data", "audio/flac")
    assert to_file_tuple(b"fLaC data") == ("file.flac", b"fLaC data", "audio/flac")
    assert to_file_tuple(bytearray(b"xyz"), param="image") == ("image", b"xyz",
                                                               "application/octet-stream")
    with open(p, "rb") as fh:
        assert to_file_tuple(fh) == ("clip.flac", b"fLaC data", "audio/flac")
    assert to_file_tuple(io.BytesIO(b"OggS..")) == ("file.ogg", b"OggS..", "audio/ogg")
    assert to_file_tuple(("t.jsonl", b"{}\n")) == ("t.jsonl", b"{}\n", "application/jsonl")
    assert to_file_tuple(("a.bin", io.BytesIO(b"z"), "x/y")) == ("a.bin", b"z", "x/y")
    assert to_file_tuple(("voice.mpga", b"z"))[2] == "audio/mpeg"


def test_to_file_tuple_errors(tmp_path):
    with pytest.raises(TypeError, match=r"image must be a path, bytes, a binary file object"):
        to_file_tuple(12, param="image")
    with pytest.raises(TypeError, match="binary mode"):
        to_file_tuple(io.StringIO("x"))
    with pytest.raises(TypeError, match=r"tuple must be \(filename, content\)"):
        to_file_tuple(("a",))
    with pytest.raises(TypeError, match="filename in the file tuple must be a string"):
        to_file_tuple((3, b"x"))
    with pytest.raises(FileNotFoundError):
        to_file_tuple(os.path.join(tmp_path, "missing.wav"))


def test_form_fields():
    assert form_fields({"n": 2, "t": 0.5, "b": True, "s": "x", "none": None,
                        "l": ["word", "segment"], "d": {"type": "auto"}}) == {
        "n": "2", "t": "0.5", "b": "true", "s": "x", "l": ["word", "segment"],
        "d": '{"type": "auto"}'}


def test_model_rules_come_from_the_catalog(monkeypatch):
    from lcoai_notebook._catalog import known_models
    from lcoai_notebook._validate_media import validate_images

    # Unknown today: only the API-wide rules apply.
    validate_images("generate", "dall-e-9", {"prompt": "x", "size": "2048x2048", "n": 5})
    # Once the table lists it, its own limits are enforced, with no code change.
    monkeypatch.setitem(known_models(), "dall-e-9", {
        "id": "dall-e-9", "kind": "image", "max_n": 2, "sizes": ["512x512"]})
    with pytest.raises(ValueError, match=r"n must be between 1 and 2 for dall-e-9 \(got 5\)"):
        validate_images("generate", "dall-e-9", {"prompt": "x", "n": 5})
    with pytest.raises(ValueError, match=r"size '2048x2048' is not supported by dall-e-9; "
                                         r"accepted: 512x512"):
        validate_images("generate", "dall-e-9", {"prompt": "x", "size": "2048x2048"})


def test_messages_name_parameter_and_values():
    from lcoai_notebook._validate_media import validate_speech, validate_transcription

    with pytest.raises(ValueError) as err:
        validate_speech("tts-1", "hi", "alloy", {"speed": 10})
    assert str(err.value) == "speed must be between 0.25 and 4 (got 10)"
    with pytest.raises(ValueError) as err:
        validate_transcription(("a.wav", b"RIFF", "audio/wav"), "whisper-1",
                               {"response_format": "docx"})
    assert str(err.value) == ("response_format must be one of: json, text, srt, verbose_json, "
                              "vtt, diarized_json (got 'docx')")
