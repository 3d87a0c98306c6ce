"""Images routes of the emulator: real PNGs, sizes per model, formats, edits, variations."""

from __future__ import annotations

import base64
import struct
import time
import zlib

import numpy as np
import pytest
from _emu_stub import StubApp, call, error_of
from _schema import validate_response

from lcoai_notebook.emulator._images import draw_image, png_bytes
from lcoai_notebook.emulator._router import Upload

GEN = "/v1/images/generations"


def decode_png(data: bytes) -> np.ndarray:
    """An independent PNG reader (8-bit RGB/RGBA, filters 0-4) to check the encoder."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        chunk = data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == \
            zlib.crc32(kind + chunk) & 0xFFFFFFFF
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6)
            ch = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 1 + w * ch)
    out = np.zeros((h, w * ch), dtype=np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        prev = out[y - 1] if y else np.zeros(w * ch, dtype=np.int32)
        if f == 0:
            out[y] = line
        elif f == 1:
            # Sub: each byte adds the reconstructed byte one pixel left, i.e. a running sum.
            out[y] = (np.cumsum(line.reshape(w, ch), axis=0) & 255).ravel()
        elif f == 2:
            out[y] = (line + prev) & 255
        else:
            raise AssertionError(f"unexpected filter {f}")
    return out.reshape(h, w, ch).astype(np.uint8)


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def png_of(item: dict) -> bytes:
    return base64.b64decode(item["b64_json"])


def test_png_encoder_round_trips():
    for transparent in (False, True):
        pixels = draw_image("a red fox", 37, 23, transparent=transparent)
        assert np.array_equal(decode_png(png_bytes(pixels)), pixels)


def test_1024_png_is_fast():
    t0 = time.perf_counter()
    png_bytes(draw_image("a lighthouse at dusk over the sea", 1024, 1024))
    assert time.perf_counter() - t0 < 1.0  # ~0.07 s when idle; slack for loaded CI


def test_dalle2_b64_at_requested_size_deterministic(app):
    body = call(app, "POST", GEN, {"prompt": "a red fox", "size": "256x256", "n": 2,
                                   "response_format": "b64_json"})
    validate_response("createImage", body)
    pngs = [png_of(d) for d in body["data"]]
    assert [decode_png(p).shape for p in pngs] == [(256, 256, 3)] * 2
    assert pngs[0] != pngs[1]  # the n images differ
    again = call(StubApp(), "POST", GEN, {"prompt": "a red fox", "size": "256x256", "n": 2,
                                          "response_format": "b64_json"})
    assert [png_of(d) for d in again["data"]] == pngs
    other = call(app, "POST", GEN, {"prompt": "a blue whale", "size": "256x256",
                                    "response_format": "b64_json"})
    assert png_of(other["data"][0]) != pngs[0]


def test_url_is_served_by_the_emulator(app):
    body = call(app, "POST", GEN, {"prompt": "a cat", "size": "256x256"},
                headers={"host": "127.0.0.1:8123"})
    validate_response("createImage", body)
    url = body["data"][0]["url"]
    assert url.startswith("http://127.0.0.1:8123/openai/v1/_emulator/images/")
    path = url.split("/openai", 1)[1]
    raw = call(app, "GET", path)
    assert raw.content_type == "image/png" and decode_png(raw.content).shape == (256, 256, 3)
    assert error_of(app, "GET", "/v1/_emulator/images/none.png").status == 404
    openai_app = StubApp(flavor="openai")
    url = call(openai_app, "POST", GEN, {"prompt": "a cat", "size": "256x256"},
               headers={"host": "h:1"})["data"][0]["url"]
    assert url.startswith("http://h:1/v1/_emulator/images/")


def test_dalle3_revised_prompt_and_wide_size(app):
    body = call(app, "POST", GEN, {"model": "dall-e-3", "prompt": "a castle", "size": "1792x1024",
                                   "quality": "hd", "style": "natural",
                                   "response_format": "b64_json"})
    validate_response("createImage", body)
    item = body["data"][0]
    assert item["revised_prompt"].startswith("a castle") and "natural" in item["revised_prompt"]
    w, h = struct.unpack(">II", png_of(item)[16:24])
    assert (w, h) == (1792, 1024)


def test_gpt_image_returns_b64_with_usage(app):
    body = call(app, "POST", GEN, {"model": "gpt-image-1.5", "prompt": "a robot painting",
                                   "size": "1536x1024", "quality": "low",
                                   "background": "transparent"})
    validate_response("createImage", body)
    assert "url" not in body["data"][0] and body["size"] == "1536x1024"
    assert body["quality"] == "low" and body["output_format"] == "png"
    assert body["background"] == "transparent" and body["usage"]["output_tokens"] == 408
    assert decode_png(png_of(body["data"][0])).shape == (1024, 1536, 4)
    auto = call(app, "POST", GEN, {"model": "gpt-image-1-mini", "prompt": "x"})
    assert auto["size"] == "1024x1024" and auto["quality"] == "medium"


@pytest.mark.parametrize(("body", "param", "status"), [
    ({}, "prompt", 400),
    ({"prompt": ""}, "prompt", 400),
    ({"prompt": "x" * 1001}, "prompt", 400),
    ({"prompt": "x", "size": "1792x1024"}, "size", 400),
    ({"prompt": "x", "model": "dall-e-3", "size": "256x256"}, "size", 400),
    ({"prompt": "x", "model": "dall-e-3", "n": 2}, "n", 400),
    ({"prompt": "x", "n": 11}, "n", 400),
    ({"prompt": "x", "n": 0}, "n", 400),
    ({"prompt": "x", "quality": "hd"}, "quality", 400),
    ({"prompt": "x", "style": "vivid"}, "style", 400),
    ({"prompt": "x", "model": "dall-e-3", "style": "cartoon"}, "style", 400),
    ({"prompt": "x", "response_format": "png"}, "response_format", 400),
    ({"prompt": "x", "model": "gpt-image-1.5", "response_format": "url"}, "response_format", 400),
    ({"prompt": "x", "model": "gpt-4o-mini"}, "model", 400),
    ({"prompt": "x", "model": "dall-e-4"}, "model", 404),
])
def test_generation_bad_requests(app, body, param, status):
    err = error_of(app, "POST", GEN, body)
    assert err.status == status and err.param == param


def square_png(size: int = 64, text: str = "seed") -> bytes:
    return png_bytes(draw_image(text, size, size))


def form(fields: dict, **files: bytes) -> tuple[dict, dict]:
    return fields, {k: [Upload(f"{k}.png", v, "image/png")] for k, v in files.items()}


def test_edit_with_mask_and_file_part(app):
    img, mask = square_png(64, "a"), square_png(64, "m")
    body = call(app, "POST", "/v1/images/edits", form=form(
        {"prompt": "add a hat", "model": "dall-e-2", "size": "256x256", "n": "2",
         "response_format": "b64_json"}, image=img, mask=mask))
    validate_response("createImageEdit", body)
    assert len(body["data"]) == 2 and decode_png(png_of(body["data"][0])).shape == (256, 256, 3)
    # LowCodeAPI sends the image as the `file` part; other input image -> other picture.
    via_file = call(app, "POST", "/v1/images/edits", form=form(
        {"prompt": "add a hat", "model": "dall-e-2", "size": "256x256",
         "response_format": "b64_json"}, file=square_png(64, "b")))
    assert png_of(via_file["data"][0]) != png_of(body["data"][0])
    gpt = call(app, "POST", "/v1/images/edits", form=form({"prompt": "add a hat"}, image=img))
    validate_response("createImageEdit", gpt)
    assert gpt["usage"]["input_tokens_details"]["image_tokens"] > 0


@pytest.mark.parametrize(("fields", "files", "param"), [
    ({"prompt": "x", "model": "dall-e-2"}, {}, "image"),
    ({"model": "dall-e-2"}, {"image": square_png()}, "prompt"),
    ({"prompt": "x", "model": "dall-e-2"}, {"image": b"GIF89a..."}, "image"),
    ({"prompt": "x", "model": "dall-e-2"}, {"image": png_bytes(draw_image("r", 40, 20))}, "image"),
    ({"prompt": "x", "model": "dall-e-2"}, {"image": square_png(64), "mask": square_png(32)},
     "mask"),
    ({"prompt": "x", "model": "dall-e-3"}, {"image": square_png()}, "model"),
    ({"prompt": "x", "model": "dall-e-2", "n": "many"}, {"image": square_png()}, "n"),
])
def test_edit_bad_requests(app, fields, files, param):
    err = error_of(app, "POST", "/v1/images/edits", form=form(fields, **files))
    assert err.status == 400 and err.param == param


def test_variations(app):
    body = call(app, "POST", "/v1/images/variations", form=form(
        {"n": "3", "size": "512x512", "response_format": "b64_json"}, image=square_png()))
    validate_response("createImageVariation", body)
    pngs = [png_of(d) for d in body["data"]]
    assert len(set(pngs)) == 3 and decode_png(pngs[0]).shape == (512, 512, 3)
    err = error_of(app, "POST", "/v1/images/variations",
                   form=form({"model": "gpt-image-1.5"}, image=square_png()))
    assert err.status == 400 and err.param == "model"
    err = error_of(app, "POST", "/v1/images/variations", form=form({}))
    assert err.status == 400 and err.param == "image"


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_through_the_in_process_transport(flavor):
    from _emu_stub import emulator_http, result_of

    client, base, auth = emulator_http(flavor)
    part = "image" if flavor == "openai" else "file"
    with client:
        body = result_of(flavor, client.post(f"{base}/v1/images/generations", json={
            "prompt": "a fox", "size": "256x256"}, **auth))
        validate_response("createImage", body)
        url = body["data"][0]["url"]
        assert url.startswith(base + "/v1/_emulator/images/")
        got = client.get(url, **auth)
        assert got.headers["content-type"] == "image/png"
        assert decode_png(got.content).shape == (256, 256, 3)
        edit = result_of(flavor, client.post(
            f"{base}/v1/images/edits", data={"prompt": "a hat", "model": "dall-e-2",
                                             "size": "256x256", "response_format": "b64_json"},
            files={part: ("a.png", square_png(), "image/png")}, **auth))
        validate_response("createImageEdit", edit)
