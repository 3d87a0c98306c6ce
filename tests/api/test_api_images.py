"""images.generate / edit / create_variation: JSON and multipart bodies against the OpenAPI
request schemas, the part names per flavor, and per-model validation from the catalog."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _api_fakes import png_bytes, validate_multipart  # noqa: E402
from _fake_requester import FakeRequester  # noqa: E402
from _schema import validate_request, validate_response  # noqa: E402

from lcoai_notebook._models import ImagesResponse  # noqa: E402
from lcoai_notebook.api.images import Images  # noqa: E402

REPLY = {"created": 1, "data": [{"b64_json": "iVBORw0KGgo=", "revised_prompt": "a cat"}]}
PNG = png_bytes(8, 8)


def images(flavor: str = "lowcodeapi") -> tuple[Images, FakeRequester]:
    fake = FakeRequester(flavor=flavor, reply=REPLY)
    return Images(fake), fake


def test_reply_is_schema_valid():
    validate_response("createImage", REPLY)


def test_generate_body_and_cast():
    api, fake = images()
    resp = api.generate(prompt="a cat", model="dall-e-3", size="1792x1024", quality="hd",
                        style="natural", response_format="b64_json", n=1, user="u")
    spec = fake.spec
    assert (spec.method, spec.path) == ("POST", "/images/generations")
    assert spec.json == {"prompt": "a cat", "model": "dall-e-3", "n": 1, "size": "1792x1024",
                         "quality": "hd", "style": "natural", "response_format": "b64_json",
                         "user": "u"}
    validate_request("createImage", spec.json)
    assert isinstance(resp, ImagesResponse) and resp.data[0].revised_prompt == "a cat"


def test_generate_gpt_image_params():
    api, fake = images()
    api.generate(prompt="x", model="gpt-image-1-mini", size="1536x1024", quality="low",
                 output_format="webp", output_compression=50, background="transparent",
                 moderation="low", n=3)
    validate_request("createImage", fake.spec.json)
    assert fake.spec.json["output_format"] == "webp"


def test_generate_unknown_model_only_api_wide_checks():
    api, fake = images()
    # A future model with free-form sizes and a quality a known model would refuse.
    api.generate(prompt="x", model="gpt-image-3", size="1536x864", quality="hd", n=10)
    assert fake.spec.json["size"] == "1536x864"
    with pytest.raises(ValueError, match=r"size must be one of: auto, 256x256"):
        api.generate(prompt="x", model="gpt-image-3", size="big")


@pytest.mark.parametrize(("kw", "exc", "pattern"), [
    ({"model": "dall-e-3", "size": "999x1"}, ValueError,
     r"size '999x1' is not supported by dall-e-3; accepted: 1024x1024, 1792x1024, 1024x1792"),
    ({"model": "dall-e-3", "n": 2}, ValueError, r"n must be 1 for dall-e-3 \(got 2\)"),
    ({"model": "dall-e-2", "n": 11}, ValueError, r"n must be between 1 and 10 \(got 11\)"),
    ({"n": 0}, ValueError, r"n must be between 1 and 10 \(got 0\)"),
    ({"model": "dall-e-2", "quality": "hd"}, ValueError,
     r"quality 'hd' is not supported by dall-e-2; accepted: standard"),
    ({"quality": "ultra"}, ValueError,
     r"quality must be one of: standard, hd, low, medium, high, auto \(got 'ultra'\)"),
    ({"style": "noir"}, ValueError, r"style must be one of: vivid, natural"),
    ({"model": "gpt-image-1.5", "style": "vivid"}, ValueError,
     r"style is not supported by gpt-image-1.5; models that accept it: dall-e-3"),
    ({"response_format": "png"}, ValueError, r"response_format must be one of: url, b64_json"),
    ({"model": "gpt-image-1.5", "response_format": "url"}, ValueError,
     r"response_format 'url' is not supported by gpt-image-1.5; accepted: b64_json"),
    ({"model": "dall-e-3", "output_format": "png"}, ValueError,
     r"output_format is not supported by dall-e-3"),
    ({"output_format": "gif"}, ValueError, r"output_format must be one of: png, jpeg, webp"),
    ({"output_compression": 101}, ValueError, r"output_compression must be between 0 and 100"),
    ({"background": "blue"}, ValueError, r"background must be one of: transparent, opaque, auto"),
    ({"size": 1024}, TypeError, r"size must be a string"),
    ({"prompt": ""}, ValueError, r"prompt must be a non-empty string"),
    ({"prompt": None}, TypeError, r"prompt must be a string"),
    ({"model": "whisper-1"}, ValueError, r"is a transcription model, not an image model"),
    ({"stream": True, "partial_images": 2}, ValueError, r"stream=True is not supported"),
])
def test_generate_validation(kw, exc, pattern):
    api, fake = images()
    kw.setdefault("prompt", "a cat")
    with pytest.raises(exc, match=pattern):
        api.generate(**kw)
    assert fake.specs == []


def test_edit_lowcodeapi_sends_file_part():
    api, fake = images("lowcodeapi")
    resp = api.edit(image=("cat.png", PNG), prompt="add a hat", model="gpt-image-1-mini", n=2,
                    size="1024x1024", quality="high", background="opaque")
    spec = fake.spec
    assert (spec.method, spec.path, spec.json) == ("POST", "/images/edits", None)
    assert [f for f, _ in spec.files] == ["file"]
    assert spec.files[0][1] == ("cat.png", PNG, "image/png")
    assert spec.data == {"prompt": "add a hat", "model": "gpt-image-1-mini", "n": "2",
                         "size": "1024x1024", "quality": "high", "background": "opaque"}
    # The OpenAI schema names the part `image`; LowCodeAPI needs `file`, so check the text fields
    # plus the image under OpenAI's name.
    fields = {k: v for k, v in spec.data.items()}
    fields["image"] = "<cat.png>"
    fields["n"] = 2
    validate_request("createImageEdit", fields, "multipart/form-data")
    assert isinstance(resp, ImagesResponse)


def test_edit_openai_flavor_part_names(tmp_path):
    api, fake = images("openai")
    path = tmp_path / "room.png"
    path.write_bytes(PNG)
    api.edit(image=str(path), prompt="paint it", mask=PNG, model="dall-e-2",
             response_format="url", size="256x256")
    spec = fake.spec
    assert [f for f, _ in spec.files] == ["image", "mask"]
    assert spec.files[0][1][0] == "room.png" and spec.files[1][1][0] == "mask.png"
    fields = validate_multipart(spec, "createImageEdit")
    assert fields["response_format"] == "url"

    api.edit(image=[PNG, ("b.webp", b"RIFF\0\0\0\0WEBPVP8 ")], prompt="merge",
             model="gpt-image-1.5")
    spec = fake.spec
    assert [f for f, _ in spec.files] == ["image[]", "image[]"]
    fields = validate_multipart(spec, "createImageEdit")
    assert len(fields["image"]) == 2


def test_edit_lowcodeapi_cannot_carry_mask_or_many():
    api, fake = images("lowcodeapi")
    with pytest.raises(ValueError, match="LowCodeAPI forwards a single file part, so a mask"):
        api.edit(image=PNG, prompt="x", mask=PNG)
    with pytest.raises(ValueError, match="several images"):
        api.edit(image=[PNG, PNG], prompt="x")
    assert fake.specs == []


@pytest.mark.parametrize(("kw", "exc", "pattern"), [
    ({"model": "dall-e-3"}, ValueError,
     r"dall-e-3 does not support image edits; models that do: dall-e-2, gpt-image-1"),
    ({"image": ("notes.txt", b"hello")}, ValueError,
     r"image must be an image file of type png, jpg, jpeg, webp \(got 'notes.txt'\)"),
    ({"image": ("a.png", b"")}, ValueError, r"image is empty"),
    ({"image": b""}, ValueError, r"^image is empty \(0 bytes\)"),
    ({"mask": ("m.jpg", b"\xff\xd8\xff")}, ValueError, r"mask must be an image file of type png"),
    ({"image": 42}, TypeError, r"image must be a path, bytes, a binary file object"),
    ({"image": []}, ValueError, r"non-empty list"),
    ({"size": "1792x1024x"}, ValueError, r"size must be one of: auto, 256x256"),
    ({"quality": "hd"}, ValueError, r"quality must be one of: standard, low, medium, high, auto"),
    ({"input_fidelity": "max"}, ValueError, r"input_fidelity must be one of: high, low"),
])
def test_edit_validation(kw, exc, pattern):
    api, fake = images("openai")
    kw.setdefault("image", PNG)
    kw.setdefault("prompt", "x")
    with pytest.raises(exc, match=pattern):
        api.edit(**kw)
    assert fake.specs == []


def test_variation_both_flavors():
    for flavor, part in (("lowcodeapi", "file"), ("openai", "image")):
        api, fake = images(flavor)
        resp = api.create_variation(image=PNG, model="dall-e-2", n=2, size="512x512",
                                    response_format="b64_json")
        spec = fake.spec
        assert (spec.path, [f for f, _ in spec.files]) == ("/images/variations", [part])
        assert spec.data == {"model": "dall-e-2", "n": "2", "size": "512x512",
                             "response_format": "b64_json"}
        if flavor == "openai":
            validate_multipart(spec, "createImageVariation")
        assert isinstance(resp, ImagesResponse)


@pytest.mark.parametrize(("kw", "pattern"), [
    ({"image": png_bytes(8, 4)}, r"image must be a square PNG for variations \(got 8x4\)"),
    ({"image": ("a.jpg", b"\xff\xd8\xff\xe0")}, r"image must be an image file of type png"),
    ({"image": ("big.png", PNG + b"\0" * (4 * 2**20))}, r"the API accepts at most 4 MB"),
    ({"size": "1024x1792"}, r"size must be one of: 256x256, 512x512, 1024x1024 \(got"),
    ({"model": "gpt-image-1.5"},
     r"gpt-image-1.5 does not support variations; models that do: dall-e-2"),
    ({"n": 11}, r"n must be between 1 and 10"),
])
def test_variation_validation(kw, pattern):
    api, fake = images("openai")
    kw.setdefault("image", PNG)
    with pytest.raises(ValueError, match=pattern):
        api.create_variation(**kw)
    assert fake.specs == []


def test_per_call_options_reach_the_spec():
    api, fake = images()
    api.generate(prompt="x", timeout=60, max_retries=1, extra_headers={"H": "v"})
    assert (fake.spec.timeout, fake.spec.max_retries, fake.spec.headers) == (60, 1, {"H": "v"})
    api.create_variation(image=PNG, extra_body={"user": "u"})
    assert fake.spec.data["user"] == "u"


# -- end to end, against the emulator in process, both flavors -----------------------------------
import base64  # noqa: E402

from _api_fakes import EmulatedClient  # noqa: E402

FLAVORS = ["lowcodeapi", "openai"]


def _png_dims(b64: str) -> tuple[int, int]:
    raw = base64.b64decode(b64)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_generate_edit_variation(flavor):
    part = b'name="file"' if flavor == "lowcodeapi" else b'name="image"'
    with EmulatedClient(flavor) as (client, wire):
        gen = client.images.generate(prompt="a red square", model="gpt-image-1-mini",
                                     size="1536x1024", n=2)
        assert isinstance(gen, ImagesResponse) and len(gen.data) == 2
        validate_response("createImage", gen.to_dict())
        assert _png_dims(gen.data[0].b64_json) == (1536, 1024)

        edit = client.images.edit(image=("in.png", PNG), prompt="add a hat",
                                  model="dall-e-2", size="256x256", response_format="b64_json")
        validate_response("createImageEdit", edit.to_dict())
        assert _png_dims(edit.data[0].b64_json) == (256, 256)
        assert part in wire.requests[-1].content

        var = client.images.create_variation(image=PNG, model="dall-e-2", n=2, size="512x512",
                                             response_format="b64_json")
        validate_response("createImageVariation", var.to_dict())
        assert len(var.data) == 2 and _png_dims(var.data[1].b64_json) == (512, 512)
        assert part in wire.requests[-1].content
        sent = len(wire.requests)
        with pytest.raises(ValueError, match="n must be 1 for dall-e-3"):
            client.images.generate(prompt="x", model="dall-e-3", n=4)
        assert len(wire.requests) == sent


def test_e2e_openai_flavor_mask():
    with EmulatedClient("openai") as (client, wire):
        resp = client.images.edit(image=PNG, mask=PNG, prompt="sky", model="gpt-image-1-mini")
        assert resp.data[0].b64_json
        body = wire.requests[-1].content
        assert b'name="image"' in body and b'name="mask"' in body
