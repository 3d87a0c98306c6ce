"""``POST /v1/images/{generations,edits,variations}``: real PNGs drawn from the prompt.

The picture is a diagonal gradient between two colours taken from the prompt's hash, with one
disc or block per content word (colour, place and size from the word's hash), so the same prompt
always gives the same pixels and different prompts visibly differ. PNG encoding is plain
zlib + struct (Sub filter, zlib level 1): a 1024x1024 image takes a few tens of milliseconds.

Choices (documented in the emulator's README section):

- ``response_format: "url"`` (the DALL·E default) stores the PNG in the emulator and returns an
  absolute ``http://<host>/.../v1/_emulator/images/<id>.png`` URL built from the request's
  ``Host`` and the flavor's path prefix; ``GET`` on it serves the bytes (the last 64 images are
  kept). A ``data:`` URL would be unlike the real service and the package's renderer only shows
  http(s) URLs.
- The GPT image models return ``b64_json`` only, with ``usage``, ``size``, ``quality``,
  ``background`` and ``output_format``. The emulator encodes PNG only: a request for jpeg or
  webp still gets a PNG, and ``output_format`` says ``"png"`` so a reader decodes it right.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections import OrderedDict
from typing import Any

import numpy as np

from ._errors import invalid, missing, not_found
from ._router import EmuRequest, Raw, Upload
from ._text import (
    check_enum,
    check_int,
    check_str,
    count_tokens,
    enum_error,
    keywords,
    rng,
    stable_hash,
    type_error,
)

__all__ = ["create_image", "create_image_edit", "create_image_variation", "png_bytes",
           "draw_image"]

_KEEP = 64
_PROMPT_LIMITS = {"dall-e-2": 1000, "dall-e-3": 4000}
_GPT_PROMPT_LIMIT = 32000
# Output image tokens of the GPT image models (1024x1024, then the 1.5:1 sizes), per quality.
_OUT_TOKENS = {"low": (272, 408), "medium": (1056, 1584), "high": (4160, 6240)}


# --------------------------------------------------------------------------- PNG
def png_bytes(pixels: np.ndarray) -> bytes:
    """Encode pixels as a PNG file (8-bit, Sub filter, zlib level 1).

    Parameters
    ----------
    pixels : numpy.ndarray
        ``dtype uint8``, ``shape (h, w, 3)`` (RGB) or ``(h, w, 4)`` (RGBA).

    Returns
    -------
    bytes
        A complete PNG file.
    """
    h, w, c = pixels.shape
    # Sub filter: each byte minus the byte one pixel to the left (mod 256); gradients compress well.
    sub = pixels.copy()
    sub[:, 1:, :] -= pixels[:, :-1, :]
    rows = np.empty((h, 1 + w * c), dtype=np.uint8)
    rows[:, 0] = 1
    rows[:, 1:] = sub.reshape(h, w * c)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6 if c == 4 else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


def png_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` from a PNG's IHDR, or None when ``data`` is not a PNG."""
    if len(data) >= 24 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def _colour(key: Any) -> np.ndarray:
    h = stable_hash("colour", key)
    return np.array([(h >> 8) & 255, (h >> 24) & 255, (h >> 40) & 255], dtype=np.float32)


def draw_image(prompt: str, width: int, height: int, *, salt: Any = 0,
               transparent: bool = False) -> np.ndarray:
    """A deterministic ``uint8`` picture ``(height, width, 3 or 4)`` for ``prompt``."""
    c1, c2 = _colour((prompt, salt, 1)), _colour((prompt, salt, 2))
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    t = (0.6 * xs + 0.4 * ys)[:, :, None]
    img = c1 * (1 - t) + c2 * t  # (h, w, 3) float32
    alpha = np.zeros((height, width), dtype=np.float32) if transparent else None
    for i, word in enumerate(keywords(prompt, limit=8) or [prompt[:20] or "blank"]):
        r = rng("shape", word, salt, i)
        cx, cy = r.uniform(0.1, 0.9) * width, r.uniform(0.1, 0.9) * height
        rad = r.uniform(0.06, 0.2) * min(width, height)
        x0, x1 = int(max(0, cx - rad)), int(min(width, cx + rad + 1))
        y0, y1 = int(max(0, cy - rad)), int(min(height, cy + rad + 1))
        if x1 <= x0 or y1 <= y0:
            continue
        if r.random() < 0.6:  # a disc, only over its bounding box
            yy, xx = np.ogrid[y0:y1, x0:x1]
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= rad * rad
        else:  # a block
            mask = np.ones((y1 - y0, x1 - x0), dtype=bool)
        img[y0:y1, x0:x1][mask] = _colour((word, salt))
        if alpha is not None:
            alpha[y0:y1, x0:x1][mask] = 255
    out = np.clip(img, 0, 255).astype(np.uint8)
    if alpha is not None:
        out = np.concatenate([out, alpha.astype(np.uint8)[:, :, None]], axis=2)
    return out


# --------------------------------------------------------------------------- shared request logic
def _model_row(req: EmuRequest, model: Any, default: str) -> tuple[str, dict[str, Any]]:
    if model is None or model == "":
        model = default
    if not isinstance(model, str):
        raise type_error("model", "a string", model)
    return model, req.app.require_model(model, kinds=("image",), param="model")


def _gpt(row: dict[str, Any]) -> bool:
    return "output_formats" in row


def _common(req: EmuRequest, body: dict[str, Any], model: str, row: dict[str, Any],
            *, coerce: bool) -> dict[str, Any]:
    """The validated ``n``, ``size``, ``quality``, ``response_format`` and ``background``."""
    max_n = int(row.get("max_n", 10))
    n = check_int(body, "n", default=1, lo=1, hi=10, coerce=coerce)
    if n > max_n:
        if max_n == 1:
            raise invalid("You must provide n=1 for this model.", param="n")
        raise invalid(f"Invalid 'n': integer above maximum value. Expected a value <= {max_n}, "
                      f"but got {n} instead.", param="n", code="integer_above_max_value")
    sizes = list(row.get("sizes") or ["1024x1024"])
    size = check_str(body, "size", default="auto")
    if size != "auto" and size not in sizes:
        raise enum_error("size", size, sizes)
    size = "1024x1024" if size == "auto" else size
    qualities = list(row.get("qualities") or ["standard"])
    quality = check_str(body, "quality", default="auto")
    if quality != "auto" and quality not in qualities:
        raise enum_error("quality", quality, qualities + ["auto"])
    formats = list(row.get("response_formats") or ["url", "b64_json"])
    fmt = check_str(body, "response_format", default=formats[0])
    if fmt not in formats:
        raise enum_error("response_format", fmt, formats)
    out: dict[str, Any] = {"n": n, "size": size, "quality": quality, "response_format": fmt}
    if _gpt(row):
        check_enum(body, "output_format", row["output_formats"])
        out["background"] = check_enum(body, "background", ("transparent", "opaque", "auto"),
                                       default="auto")
        if out["quality"] in ("auto", "standard"):
            out["quality"] = "medium"
    else:
        for name in ("output_format", "background", "output_compression"):
            if body.get(name) is not None:
                raise invalid(f"Unknown parameter: '{name}'. It is only supported for the GPT "
                              "image models.", param=name, code="unknown_parameter")
    styles = row.get("styles")
    style = check_str(body, "style")
    if style is not None:
        if not styles:
            raise invalid(f"The 'style' parameter is not supported for model '{model}'.",
                          param="style")
        if style not in styles:
            raise enum_error("style", style, styles)
    out["style"] = style or (styles[0] if styles else None)
    return out


def _prompt(body: dict[str, Any], model: str, row: dict[str, Any], required: bool = True) -> str:
    limit = _GPT_PROMPT_LIMIT if _gpt(row) else _PROMPT_LIMITS.get(model, 1000)
    prompt = check_str(body, "prompt", required=required, default="", max_length=limit,
                       nonempty=required)
    return prompt or ""


def _respond(req: EmuRequest, model: str, row: dict[str, Any], opts: dict[str, Any],
             prompt: str, salt: Any, image_tokens: int = 0) -> dict[str, Any]:
    w, h = (int(v) for v in opts["size"].split("x"))
    transparent = opts.get("background") == "transparent"
    data = []
    for i in range(opts["n"]):
        png = png_bytes(draw_image(prompt, w, h, salt=(salt, i), transparent=transparent))
        item: dict[str, Any] = {}
        if opts["response_format"] == "b64_json":
            item["b64_json"] = base64.b64encode(png).decode("ascii")
        else:
            item["url"] = _store_url(req, png)
        if model == "dall-e-3":
            item["revised_prompt"] = _revise(prompt, opts["style"], opts["quality"])
        data.append(item)
    body: dict[str, Any] = {"created": req.app.now(), "data": data}
    if _gpt(row):
        text_tokens = count_tokens(prompt)
        per = _OUT_TOKENS[opts["quality"] if opts["quality"] in _OUT_TOKENS else "medium"]
        out_tokens = per[0 if w == h else 1] * opts["n"]
        body.update({"background": "transparent" if transparent else "opaque",
                     "output_format": "png", "size": opts["size"], "quality": opts["quality"],
                     "usage": {"input_tokens": text_tokens + image_tokens,
                               "output_tokens": out_tokens,
                               "total_tokens": text_tokens + image_tokens + out_tokens,
                               "input_tokens_details": {"text_tokens": text_tokens,
                                                        "image_tokens": image_tokens}}})
    return body


def _revise(prompt: str, style: str | None, quality: str) -> str:
    r = rng("revise", prompt)
    light = r.choice(("soft morning light", "warm evening light", "even studio light",
                      "cool overcast light"))
    mood = "vivid, saturated colours" if style != "natural" else "natural, muted colours"
    detail = "fine detail" if quality == "hd" else "clean detail"
    return f"{prompt.strip().rstrip('.')}, shown in {light} with {mood} and {detail}."


def _store_url(req: EmuRequest, png: bytes) -> str:
    images = req.app.store("images", OrderedDict)
    name = req.app.new_id("img-") + ".png"
    with req.app.lock:
        images[name] = png
        while len(images) > _KEEP:
            images.popitem(last=False)
    host = req.headers.get("host") or "127.0.0.1"
    prefix = "/openai" if getattr(req.app.config, "flavor", "openai") == "lowcodeapi" else ""
    return f"http://{host}{prefix}/v1/_emulator/images/{name}"


def get_stored_image(req: EmuRequest) -> Raw:
    """The PNG behind a ``url`` returned by an images route (emulator only)."""
    images = req.app.store("images", OrderedDict)
    with req.app.lock:
        png = images.get(req.path_params.get("name", ""))
    if png is None:
        raise not_found("This image has expired or never existed.", param="name")
    return Raw(png, "image/png")


# --------------------------------------------------------------------------- routes
def create_image(req: EmuRequest) -> dict[str, Any]:
    """Draw ``n`` PNGs for the prompt at the requested size."""
    body = req.json()
    model, row = _model_row(req, body.get("model"), "dall-e-2")
    prompt = _prompt(body, model, row)
    if body.get("stream"):
        raise invalid("Streaming image generation is not supported by the emulator.",
                      param="stream")
    opts = _common(req, body, model, row, coerce=False)
    return _respond(req, model, row, opts, prompt,
                    (req.app.config.seed, model, opts["quality"], opts["style"]))


def _uploads(files: dict[str, list[Upload]], *names: str) -> list[Upload]:
    for name in names:
        if files.get(name):
            return files[name]
    return []


def _check_image(up: Upload, row: dict[str, Any], label: str, param: str) -> tuple[int, int]:
    size = png_size(up.content)
    if _gpt(row):
        limit = 50 * 1024 * 1024
        ok = size is not None or up.content[:3] == b"\xff\xd8\xff" or (
            up.content[:4] == b"RIFF" and up.content[8:12] == b"WEBP")
        kinds = "png, webp, or jpg"
    else:
        limit = 4 * 1024 * 1024
        ok = size is not None and size[0] == size[1]
        kinds = "square PNG"
    if len(up.content) > limit:
        raise invalid(f"Invalid {label}: the file must be less than {limit // (1024 * 1024)} MB.",
                      param=param)
    if not ok:
        raise invalid(f"Invalid {label}: it must be a {kinds} file.", param=param,
                      code="invalid_image_format")
    return size or (1024, 1024)


def _image_form(req: EmuRequest, default: str, ability: str) -> tuple[
        dict[str, Any], dict[str, list[Upload]], str, dict[str, Any], list[Upload]]:
    """Read the multipart form of an edit or a variation.

    Returns its fields and files, the model (which must have ``ability``: ``"edits"`` or
    ``"variations"``) with its row, and the input images (at least one is required).
    """
    fields, files = req.form()
    model, row = _model_row(req, fields.get("model"), default)
    if not row.get(ability):
        raise invalid(f"The model '{model}' does not support image {ability}.", param="model")
    images = _uploads(files, "image", "file")
    if not images:
        raise missing("image")
    return fields, files, model, row, images


def create_image_edit(req: EmuRequest) -> dict[str, Any]:
    """Edit uploaded image(s) (parts ``image``/``image[]``, or ``file`` on LowCodeAPI)."""
    fields, files, model, row, images = _image_form(req, "gpt-image-1.5", "edits")
    if len(images) > (16 if _gpt(row) else 1):
        raise invalid("Too many images: this model accepts "
                      f"{16 if _gpt(row) else 1}.", param="image")
    sizes = [_check_image(up, row, f"image {i + 1}", "image") for i, up in enumerate(images)]
    prompt = _prompt(fields, model, row)
    masks = _uploads(files, "mask")
    if masks:
        msize = png_size(masks[0].content)
        if msize is None:
            raise invalid("Invalid mask: it must be a PNG file.", param="mask",
                          code="invalid_image_format")
        if msize != sizes[0]:
            raise invalid("Invalid mask: the mask must have the same dimensions as the image "
                          f"({sizes[0][0]}x{sizes[0][1]}), got {msize[0]}x{msize[1]}.",
                          param="mask")
    opts = _common(req, fields, model, row, coerce=True)
    salt = (req.app.config.seed, model, [stable_hash(up.content) for up in images],
            stable_hash(masks[0].content) if masks else None)
    # Each input image costs tokens like a 1024x1024 tile does for the GPT image models.
    return _respond(req, model, row, opts, prompt, salt, image_tokens=323 * len(images))


def create_image_variation(req: EmuRequest) -> dict[str, Any]:
    """Variations of one square PNG (dall-e-2)."""
    fields, _, model, row, images = _image_form(req, "dall-e-2", "variations")
    _check_image(images[0], row, "image", "image")
    opts = _common(req, fields, model, row, coerce=True)
    digest = stable_hash(images[0].content)
    # No prompt: the picture's words come from the image's own hash.
    return _respond(req, model, row, opts, f"variation {digest:x}",
                    (req.app.config.seed, model, digest))
