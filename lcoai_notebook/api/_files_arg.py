"""File arguments and multipart text fields, shared by every upload method.

A file argument may be a path (``str`` or ``os.PathLike``), raw ``bytes``, a binary file object, or
a ``(filename, content[, content_type])`` tuple, as in the official SDK (a ``str`` content there
is text, sent as UTF-8, as httpx sends it). Everything becomes one
``(filename, bytes, content_type)`` triple, which is what :class:`~lcoai_notebook._http.RequestSpec`
carries in ``files``. The filename matters: OpenAI (and LowCodeAPI, which keeps the original name
when it re-uploads) recognises audio formats and ``.jsonl`` by extension, so nameless bytes get a
name whose extension is sniffed from the content.
"""

from __future__ import annotations

import mimetypes
import os
from typing import IO, Any, Union

from .._requester import form_value

__all__ = ["FileInput", "form_fields", "sniff_extension", "to_file_tuple"]

#: What a file parameter accepts (see the module docstring); for signatures and type checkers.
FileInput = Union[str, "os.PathLike[str]", bytes, IO[bytes], tuple[str, Any], tuple[str, Any, str]]

# Content types for the extensions the upload endpoints care about; mimetypes' answers for these
# vary between platforms (``.mpga``, ``.m4a``, ``.webm`` and ``.jsonl`` are often missing).
_CONTENT_TYPES = {
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "mp4": "audio/mp4",
    "mpeg": "audio/mpeg",
    "mpga": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "webm": "audio/webm",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "jsonl": "application/jsonl",
    "json": "application/json",
    "txt": "text/plain",
    "pdf": "application/pdf",
}


def sniff_extension(content: bytes) -> str | None:
    """The file extension implied by the first bytes of ``content`` (None when unrecognised)."""
    head = bytes(content[:16])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head[4:8] == b"ftyp":
        return "m4a" if head[8:11] == b"M4A" else "mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.lstrip()[:1] in (b"{", b"["):
        return "jsonl"
    return None


def _content_type(filename: str) -> str:
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if ext in _CONTENT_TYPES:
        return _CONTENT_TYPES[ext]
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def _default_name(content: bytes, param: str) -> str:
    ext = sniff_extension(content)
    return f"{param}.{ext}" if ext else param


def _read(fileobj: Any, param: str) -> bytes:
    content = fileobj.read()
    if isinstance(content, str):
        raise TypeError(f"{param} must be opened in binary mode ('rb'), not text mode")
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"{param}.read() returned {type(content).__name__}, expected bytes")
    return bytes(content)


def _as_bytes(content: Any, param: str) -> bytes:
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    if isinstance(content, str):
        # Text, sent as UTF-8, as httpx (and so the official SDK) does; never a path to open.
        return content.encode("utf-8")
    if hasattr(content, "read"):
        return _read(content, param)
    if isinstance(content, os.PathLike):
        with open(content, "rb") as fh:
            return fh.read()
    raise TypeError(
        f"the content in the {param} tuple must be bytes, str (sent as UTF-8), a binary file "
        f"object or a pathlib.Path, got {type(content).__name__}"
    )


def to_file_tuple(file: Any, *, param: str = "file") -> tuple[str, bytes, str]:
    """Normalise a file argument into ``(filename, content, content_type)``.

    Parameters
    ----------
    file : str, os.PathLike, bytes, binary file object, or tuple
        A path to read; raw bytes; an object with ``read()`` returning bytes (its ``name``, if
        any, gives the filename); or ``(filename, content)`` / ``(filename, content,
        content_type)`` where ``content`` is bytes, text (``str``, sent as UTF-8), a binary
        file object or an ``os.PathLike`` path.
    param : str, default "file"
        The argument's name, used in error messages and as the stem of an invented filename.

    Returns
    -------
    tuple of (str, bytes, str)
        The filename (the path's base name; for nameless content ``<param>.<ext>`` with the
        extension sniffed from the bytes), the content, and the content type (from the
        extension).

    Raises
    ------
    TypeError
        For any other kind of value, or a file opened in text mode.
    FileNotFoundError
        When a path does not exist.

    Examples
    --------
    >>> to_file_tuple(("notes.txt", b"hi"))
    ('notes.txt', b'hi', 'text/plain')
    >>> to_file_tuple(b"RIFF\\x00\\x00\\x00\\x00WAVEfmt ")[0]
    'file.wav'
    """
    if isinstance(file, tuple):
        if len(file) not in (2, 3):
            raise TypeError(
                f"{param} as a tuple must be (filename, content) or (filename, content, "
                f"content_type), got a tuple of {len(file)} items"
            )
        name, content = file[0], _as_bytes(file[1], param)
        if name is None:
            name = _default_name(content, param)
        if not isinstance(name, str):
            raise TypeError(f"the filename in the {param} tuple must be a string, got {name!r}")
        ctype = file[2] if len(file) == 3 and file[2] else _content_type(name)
        if not isinstance(ctype, str):
            raise TypeError(f"the content type in the {param} tuple must be a string")
        return name, content, ctype
    if isinstance(file, (bytes, bytearray, memoryview)):
        content = bytes(file)
        name = _default_name(content, param)
        return name, content, _content_type(name)
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        with open(path, "rb") as fh:
            content = fh.read()
        name = os.path.basename(path) or _default_name(content, param)
        return name, content, _content_type(name)
    if hasattr(file, "read"):
        content = _read(file, param)
        raw_name = getattr(file, "name", None)
        name = os.path.basename(raw_name) if isinstance(raw_name, str) and raw_name else ""
        name = name or _default_name(content, param)
        return name, content, _content_type(name)
    raise TypeError(
        f"{param} must be a path, bytes, a binary file object or a (filename, bytes[, "
        f"content_type]) tuple, got {type(file).__name__}"
    )


def form_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Multipart text fields from keyword values: None dropped, lists kept as lists of strings
    (the requester sends them as repeated ``name[]`` fields), everything else as a string
    (booleans as ``true``/``false``, dicts as JSON)."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            out[key] = [form_value(v) for v in value]
        else:
            out[key] = form_value(value)
    return out
