"""Helpers for the API-layer tests: multipart bodies checked against the OpenAPI request schema,
tiny real media files, and a Client over the emulator in process. (The fake requester is the
one in ``tests/_fake_requester.py``.)"""

from __future__ import annotations

import json
from typing import Any

from _schema import _resolve_ref, request_schema, validate_request

from lcoai_notebook._http import RequestSpec


def multipart_fields(spec: RequestSpec, operation_id: str) -> dict[str, Any]:
    """The multipart body as the server's form parser would type it: text fields coerced to the
    schema's integer/number/boolean types, arrays from lists, file parts as placeholders."""
    schema = _resolve_ref(request_schema(operation_id, "multipart/form-data"))
    props = schema.get("properties", {})
    out: dict[str, Any] = {}
    for key, value in (spec.data or {}).items():
        out[key] = _coerce(props.get(key, {}), value)
    for field, (filename, content, _ctype) in spec.files or []:
        name = field[:-2] if field.endswith("[]") else field
        placeholder = f"<{filename}: {len(content)} bytes>"
        if field.endswith("[]"):
            out.setdefault(name, []).append(placeholder)
        else:
            out[name] = placeholder
    return out


def _types(schema: dict[str, Any]) -> set[str]:
    schema = _resolve_ref(schema)
    found: set[str] = set()
    t = schema.get("type")
    if isinstance(t, str):
        found.add(t)
    elif isinstance(t, list):
        found.update(t)
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, []):
            found |= _types(sub)
    return found


def _coerce(schema: dict[str, Any], value: Any) -> Any:
    if isinstance(value, list):
        return value
    assert isinstance(value, str), f"multipart text field is not a string: {value!r}"
    types = _types(schema)
    if "string" in types or not types:
        return value
    if "integer" in types:
        return int(value)
    if "number" in types:
        return float(value)
    if "boolean" in types:
        assert value in ("true", "false")
        return value == "true"
    return json.loads(value)


def validate_multipart(spec: RequestSpec, operation_id: str) -> dict[str, Any]:
    fields = multipart_fields(spec, operation_id)
    validate_request(operation_id, fields, "multipart/form-data")
    return fields


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real (tiny, grey) PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A real mono 16-bit WAV of silence."""
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return buf.getvalue()


# -- end-to-end against the emulator, in process ------------------------------------------------
class CountingTransport:
    """Wraps the emulator's in-process transport and keeps every request that reached it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.requests: list[Any] = []

    def handle_request(self, request: Any) -> Any:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class EmulatedClient:
    """``with EmulatedClient("openai") as (client, wire):`` a Client over the emulator's in-process
    transport; ``wire.requests`` lists what was sent."""

    def __init__(self, flavor: str, client_kw: dict[str, Any] | None = None,
                 **emu_kw: Any) -> None:
        from lcoai_notebook.emulator import Emulator

        self.emu = Emulator(flavor=flavor, **emu_kw)
        self.client_kw = client_kw or {}

    def __enter__(self) -> tuple[Any, CountingTransport]:
        import httpx

        from lcoai_notebook import Client

        self.wire = CountingTransport(self.emu.transport())
        self.http = httpx.Client(transport=self.wire, timeout=10)  # type: ignore[arg-type]
        self.client = Client(api_token=self.emu.api_token, base_url=self.emu.inprocess_url,
                             flavor=self.emu.config.flavor, http_client=self.http, max_retries=0,
                             **self.client_kw)
        return self.client, self.wire

    def __exit__(self, *exc: Any) -> None:
        self.client.close()
        self.http.close()
