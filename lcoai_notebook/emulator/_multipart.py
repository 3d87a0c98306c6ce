"""Multipart/form-data parsing for the emulator's upload routes (python-multipart underneath)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ._errors import EmuError

__all__ = ["Upload", "parse_multipart"]


@dataclass(frozen=True)
class Upload:
    """One uploaded multipart file part."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def _bad(detail: str) -> EmuError:
    return EmuError(400, f"Could not parse multipart form: {detail}")


def parse_multipart(
    content_type: str, body: bytes | bytearray
) -> tuple[dict[str, Any], dict[str, list[Upload]]]:
    """Split a multipart body into text fields and uploaded files.

    Parameters
    ----------
    content_type : str
        The request's ``Content-Type`` header (must be ``multipart/form-data`` with a boundary).
    body : bytes or bytearray
        The whole request body.

    Returns
    -------
    fields : dict
        Text parts by name (UTF-8 strings). A name ending in ``[]`` (``timestamp_granularities[]``)
        is stored without the brackets and always as a list of every value sent; any other
        repeated name keeps its last value.
    files : dict of str to list of Upload
        File parts (parts with a ``filename``) by name, brackets stripped, in the order sent.

    Raises
    ------
    EmuError
        400 ``invalid_request_error`` for a wrong content type, a missing boundary or a malformed
        body.
    """
    return _typed_parts(_raw_parts(_boundary(content_type), body))


def _boundary(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` content type, or a 400."""
    ctype, params = parse_options_header(content_type or "")
    if ctype != b"multipart/form-data":
        shown = content_type or "none"
        raise EmuError(400, f"Invalid Content-Type header ({shown}), expected multipart/form-data.")
    boundary = params.get(b"boundary")
    if not boundary:
        raise _bad("the Content-Type header has no boundary.")
    return boundary


_Part = tuple[dict[bytes, bytes], list[Any]]


def _raw_parts(boundary: bytes, body: bytes | bytearray) -> list[_Part]:
    """Each part's headers (names lower-cased) and data pieces, or a 400 for a malformed body."""
    # A part's data is kept as views into ``body`` where the parser hands out slices of it (the
    # parser's own look-behind buffer is reused, so those pieces are copied): an upload then
    # costs the body plus one copy of each part, not three.
    parts: list[_Part] = []
    state: dict[str, Any] = {"field": b"", "value": b"", "ended": False}
    whole = memoryview(body)

    def on_part_begin() -> None:
        parts.append(({}, []))

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if data is body:
            parts[-1][1].append(whole[start:end])
        else:
            parts[-1][1].append(bytes(data[start:end]))

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        parts[-1][0][state["field"].lower()] = state["value"]
        state["field"] = state["value"] = b""

    def on_end() -> None:
        state["ended"] = True

    parser = MultipartParser(boundary, callbacks={  # type: ignore[arg-type]
        "on_part_begin": on_part_begin, "on_part_data": on_part_data,
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_end": on_end,
    })
    try:
        # python-multipart annotates bytes but only indexes, slices and searches the buffer, so
        # a bytearray works; converting it would copy the whole body (and lose the views above).
        parser.write(body)  # pyright: ignore[reportArgumentType]
        parser.finalize()
    except MultipartParseError as exc:
        raise _bad(str(exc.args[0]) if exc.args else "malformed body.") from None
    if not state["ended"]:
        # A body cut short never reaches the closing boundary.
        raise _bad("the body ends before the closing boundary.")
    return parts


def _typed_parts(parts: list[_Part]) -> tuple[dict[str, Any], dict[str, list[Upload]]]:
    """Text fields and file uploads from the raw parts (see :func:`parse_multipart`)."""
    fields: dict[str, Any] = {}
    files: dict[str, list[Upload]] = {}
    for headers, pieces in parts:
        data = _joined(pieces)
        raw_name, dparams = _part_name(headers)
        is_list = raw_name.endswith("[]")
        name = raw_name[:-2] if is_list else raw_name
        if b"filename" in dparams:
            filename = dparams[b"filename"].decode("utf-8", "replace")
            part_type = headers.get(b"content-type", b"application/octet-stream")
            files.setdefault(name, []).append(
                Upload(filename, data, part_type.decode("latin-1").strip()))
            continue
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad(f"the field {raw_name!r} is not UTF-8 text.") from None
        _add_field(fields, name, value, is_list)
    return fields, files


def _joined(pieces: list[Any]) -> bytes:
    """A part's data as one bytes object; the pieces are let go."""
    data = pieces[0].tobytes() if len(pieces) == 1 and isinstance(
        pieces[0], memoryview) else b"".join(pieces)
    pieces.clear()
    return data


def _part_name(headers: dict[bytes, bytes]) -> tuple[str, dict[bytes, bytes]]:
    """The part's form-data name as sent (brackets kept) and its Content-Disposition
    parameters, or a 400."""
    disposition, dparams = parse_options_header(headers.get(b"content-disposition", b""))
    if disposition != b"form-data" or b"name" not in dparams:
        raise _bad("a part has no Content-Disposition form-data name.")
    try:
        return dparams[b"name"].decode("utf-8"), dparams
    except UnicodeDecodeError:
        raise _bad("a part name is not UTF-8.") from None


def _add_field(fields: dict[str, Any], name: str, value: str, is_list: bool) -> None:
    """Store a text field: a ``name[]`` field collects every value in a list, any other
    keeps its last value."""
    if not is_list:
        fields[name] = value
        return
    existing = fields.get(name)
    if isinstance(existing, list):
        existing.append(value)
    else:
        fields[name] = [value]
