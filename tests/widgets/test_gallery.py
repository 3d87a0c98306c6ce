"""ImageGallery headless: twins and gestures against the emulator (sync and async clients)."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from _html import html_values, live_markup, parse

import lcoai_notebook as lco
from lcoai_notebook._models import ImagesResponse
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets.gallery import GalleryImage, ImageGallery, image_format

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Before DALL·E's shutdown (2026-05-12), so the url-answering dall-e models are offered.
BEFORE_DALLE_SHUTDOWN = dt.date(2026, 1, 1)
PAYLOADS = [
    '<img src=x onerror="window.__xss1=1">',
    "<img src=x onerror=alert(1)>",
    "<script>window.__xss2=1</script>",
    '<a href="javascript:window.__xss3=1">link</a>',
    "javascript:alert(1)",
]


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def client(mode: str, emu: Emulator) -> Any:
    return emu.client() if mode == "sync" else emu.async_client()


def _downloader(mode: str, emu: Emulator) -> Any:
    """An httpx client that reaches the in-process emulator's image URLs."""
    if mode == "sync":
        return httpx.Client(transport=emu.transport())
    return httpx.AsyncClient(transport=emu.async_transport())


def _imgs(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(html).tags if tag == "img"]


def _data_src_bytes(src: str) -> bytes:
    head, _, payload = src.partition(",")
    assert head.startswith("data:image/") and head.endswith(";base64"), head
    return base64.b64decode(payload)


def _text(html: str) -> str:
    return "".join(parse(html).text)


# -- generating --------------------------------------------------------------------------------
def test_generate_twin_holds_what_the_client_returned(client: Any, emu: Emulator) -> None:
    panel = ImageGallery(client=client)
    new = panel.generate("a red fox in the snow", model="gpt-image-1-mini", size="1024x1024",
                         quality="low", n=2)
    expected = emu.client().images.generate(prompt="a red fox in the snow",
                                            model="gpt-image-1-mini", size="1024x1024",
                                            quality="low", n=2)
    want = [base64.b64decode(item.b64_json) for item in expected.data]
    assert [img.bytes for img in new] == want
    assert [img["data"] for img in new] == want
    assert panel.images == new
    for img in new:
        assert img.prompt == "a red fox in the snow" and img.revised_prompt is None
        assert img.mime == "image/png"
        assert img.settings["model"] == "gpt-image-1-mini"
        assert (img.settings["size"], img.settings["quality"]) == ("1024x1024", "low")
    # The page: one <img> per image, its src the image's own bytes as a data: URL.
    imgs = _imgs(panel.grid_html)
    assert [_data_src_bytes(a["src"] or "") for a in imgs] == want
    assert "a red fox in the snow" in _text(panel.grid_html)
    assert panel.usage["total_tokens"] == expected.usage.total_tokens > 0
    assert panel.usage["prompt_tokens"] == expected.usage.input_tokens
    assert not panel.busy and panel.error == "" and not panel._generate_button.disabled


def test_generate_button_uses_the_controls_and_keeps_the_prompt(client: Any) -> None:
    panel = ImageGallery(client=client)
    panel._prompt.value = "a teapot on a rainy windowsill"
    panel._model.value = "gpt-image-1.5"
    panel._size.value = "1536x1024"
    panel._quality.value = "low"
    panel._n.value = 2
    panel._generate_button.click()
    assert panel.error == ""
    assert len(panel.images) == 2
    for img in panel.images:
        assert img.prompt == "a teapot on a rainy windowsill"
        assert img.settings["model"] == "gpt-image-1.5"
        assert (img.settings["size"], img.settings["quality"]) == ("1536x1024", "low")
        assert img.data[:8] == PNG_MAGIC
        # The PNG really has the chosen size (IHDR width and height).
        assert int.from_bytes(img.data[16:20], "big") == 1536
        assert int.from_bytes(img.data[20:24], "big") == 1024
    assert panel._prompt.value == "a teapot on a rainy windowsill"
    assert len(_imgs(panel.grid_html)) == 2


def test_gallery_keeps_earlier_generations_newest_first(client: Any) -> None:
    panel = ImageGallery(client=client)
    first = panel.generate("an old lighthouse", quality="low")
    second = panel.generate("a green parrot", quality="low", n=2)
    assert panel.images == second + first
    assert [img.prompt for img in panel.images] == ["a green parrot"] * 2 + ["an old lighthouse"]
    assert [img.number for img in panel.images] == [3, 2, 1]
    # The grid shows the same order: the newest cards first.
    imgs = _imgs(panel.grid_html)
    assert [a["alt"] for a in imgs] == ["a green parrot", "a green parrot", "an old lighthouse"]
    assert [_data_src_bytes(a["src"] or "") for a in imgs] == [i.data for i in panel.images]
    # The newest image is the one shown large.
    assert panel.selected is second[0] and panel._large.value == second[0].data


def test_usage_adds_up_over_generations(emu: Emulator) -> None:
    panel = ImageGallery(client=emu.client())
    panel.generate("a cat", quality="low")
    after_one = panel.usage["total_tokens"]
    panel.generate("a dog", quality="high")
    assert after_one > 0 and panel.usage["total_tokens"] > 2 * after_one  # high costs more
    assert "tokens" in panel._usage_line.value


# -- url and b64_json ----------------------------------------------------------------------------
def test_url_responses_are_downloaded(mode: str, client: Any, emu: Emulator) -> None:
    panel = ImageGallery(client=client, today=BEFORE_DALLE_SHUTDOWN,
                         http_client=_downloader(mode, emu))
    new = panel.generate("a small boat at sea", model="dall-e-2", size="256x256", n=2,
                         response_format="url")
    assert len(new) == 2
    with httpx.Client(transport=emu.transport()) as http:
        for img in new:
            assert img.url is not None and img.url.startswith("http://")
            assert img.data == http.get(img.url).content
            assert img.data[:8] == PNG_MAGIC and img.mime == "image/png"
            assert int.from_bytes(img.data[16:20], "big") == 256
    # Shown from the downloaded bytes (the service's links expire).
    assert [_data_src_bytes(a["src"] or "") for a in _imgs(panel.grid_html)] == \
        [img.data for img in new]


def test_url_over_loopback_with_the_default_downloader() -> None:
    with Emulator() as served:
        panel = ImageGallery(client=served.client(), today=BEFORE_DALLE_SHUTDOWN)
        (img,) = panel.generate("a red kite", model="dall-e-3", response_format="url")
        assert img.url is not None and img.url.startswith("http://127.0.0.1:")
        assert img.data[:8] == PNG_MAGIC
        assert int.from_bytes(img.data[16:20], "big") == 1024
        assert img.revised_prompt and img.revised_prompt.startswith("a red kite")
        assert "revised: " + img.revised_prompt in _text(panel.grid_html)
        panel.close()
        assert panel._http is None


def test_url_that_cannot_be_downloaded_keeps_the_link(emu: Emulator, tmp_path: Path) -> None:
    refuse = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(404)))
    panel = ImageGallery(client=emu.client(), today=BEFORE_DALLE_SHUTDOWN, http_client=refuse)
    (img,) = panel.generate("a windmill", model="dall-e-2", size="256x256",
                            response_format="url")
    assert img.data == b"" and img.url is not None
    assert "could not download" in _text(panel._error_line.value)
    (shown,) = _imgs(panel.grid_html)
    assert shown["src"] == img.url
    assert panel.save(tmp_path) == []
    with pytest.raises(ValueError, match="which"):
        panel.save(tmp_path, which=0)


class _ImagesFake:
    """An images resource answering with the given data items (what the emulator cannot send:
    JPEG/WebP bytes, URLs that are not http(s))."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.requests: list[dict[str, Any]] = []

    def generate(self, **kwargs: Any) -> ImagesResponse:
        self.requests.append(kwargs)
        return ImagesResponse({"created": 1, "data": self.items})


class _FakeClient:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.images = _ImagesFake(items)
        self.models = self

    def list(self, **_: Any) -> list[Any]:
        return []


def test_jpeg_and_webp_bytes_get_their_mime_and_extension(tmp_path: Path) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 60
    webp = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
    fake = _FakeClient([{"b64_json": base64.b64encode(jpeg).decode()},
                        {"b64_json": base64.b64encode(webp).decode()}])
    panel = ImageGallery(client=fake)
    new = panel.generate("Café au lait!", n=2)
    assert [img.mime for img in new] == ["image/jpeg", "image/webp"]
    srcs = [a["src"] or "" for a in _imgs(panel.grid_html)]
    assert srcs[0].startswith("data:image/jpeg;base64,") and _data_src_bytes(srcs[0]) == jpeg
    assert srcs[1].startswith("data:image/webp;base64,") and _data_src_bytes(srcs[1]) == webp
    paths = panel.save(tmp_path)
    assert sorted(p.name for p in paths) == ["image-001-cafe-au-lait.webp",
                                             "image-002-cafe-au-lait.jpg"]
    assert {p.suffix: p.read_bytes() for p in paths} == {".jpg": jpeg, ".webp": webp}


def test_urls_that_are_not_http_never_reach_the_page() -> None:
    fake = _FakeClient([{"url": "javascript:alert(1)"},
                        {"url": "data:text/html,<script>alert(1)</script>"},
                        {"b64_json": "not base64 at all!!"}])
    panel = ImageGallery(client=fake)
    new = panel.generate("x", n=3)
    assert all(img.data == b"" and img.url is None for img in new)
    for html in html_values(panel):
        assert live_markup(html) == []
    assert "kept without their bytes" in _text(panel._error_line.value)


def test_image_format_from_magic_bytes() -> None:
    assert image_format(PNG_MAGIC + b"rest") == "png"
    assert image_format(b"\xff\xd8\xff\xdb") == "jpeg"
    assert image_format(b"RIFF\x00\x00\x00\x00WEBPVP8X") == "webp"
    assert image_format(b"GIF89a") is None and image_format(b"") is None
    assert image_format(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None


# -- saving ----------------------------------------------------------------------------------
def test_save_writes_valid_image_files(client: Any, tmp_path: Path) -> None:
    panel = ImageGallery(client=client)
    panel.generate("a quiet harbour", quality="low")
    panel.generate("the same harbour at night", quality="low", n=2)
    paths = panel.save(tmp_path / "out")
    assert [p.name for p in paths] == ["image-003-the-same-harbour-at-night.png",
                                       "image-002-the-same-harbour-at-night.png",
                                       "image-001-a-quiet-harbour.png"]
    for path, img in zip(paths, panel.images, strict=True):
        assert path.parent == tmp_path / "out"
        assert path.read_bytes() == img.data and path.read_bytes()[:8] == PNG_MAGIC
    (one,) = panel.save(tmp_path / "one", which=2)
    assert one.name == "image-001-a-quiet-harbour.png"
    assert panel.save(tmp_path / "pick", which=[panel.images[1]])[0].read_bytes() == \
        panel.images[1].data


def test_save_names_stay_inside_the_folder(tmp_path: Path) -> None:
    fake = _FakeClient([{"b64_json": base64.b64encode(PNG_MAGIC + b"x" * 20).decode()}])
    panel = ImageGallery(client=fake)
    panel.generate("../../etc/passwd <b>")
    (path,) = panel.save(tmp_path)
    assert path.parent == tmp_path and path.name == "image-001-etc-passwd-b.png"


def test_save_rejects_bad_arguments_naming_them(emu: Emulator, tmp_path: Path) -> None:
    panel = ImageGallery(client=emu.client())
    panel.generate("a kettle", quality="low")
    with pytest.raises(ValueError, match="which"):
        panel.save(tmp_path, which=5)
    with pytest.raises(TypeError, match="which"):
        panel.save(tmp_path, which="all")
    with pytest.raises(TypeError, match="folder"):
        panel.save(None)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_save_buttons(emu: Emulator, tmp_path: Path) -> None:
    panel = ImageGallery(client=emu.client())
    panel.generate("a blue door", quality="low", n=2)
    panel._folder.value = str(tmp_path / "all")
    panel._save_all_button.click()
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "image-001-a-blue-door.png", "image-002-a-blue-door.png"]
    assert "Saved 2 file(s)" in _text(panel._error_line.value)
    panel._pick.value = 1
    panel._folder.value = str(tmp_path / "one")
    panel._save_one_button.click()
    (saved,) = (tmp_path / "one").iterdir()
    assert saved.read_bytes() == panel.images[1].data  # image #1 is the second, newest first


# -- enlarging -----------------------------------------------------------------------------------
def test_enlarge_buttons_and_picker_show_one_image_large(emu: Emulator) -> None:
    panel = ImageGallery(client=emu.client())
    panel.generate("a striped tent", quality="low", n=2)
    panel.generate("a mossy stone", quality="low")
    newest, second, oldest = panel.images
    assert panel._large.value == newest.data
    # Each card carries a real button (HTML has no click events in ipywidgets).
    cards = panel._grid.children
    assert len(cards) == 3
    buttons = [w for card in cards for w in card.children if hasattr(w, "on_click")]
    assert [b.description for b in buttons] == ["Enlarge #3", "Enlarge #2", "Enlarge #1"]
    buttons[2].click()
    assert panel.selected is oldest and panel._large.value == oldest.data
    assert "a striped tent" in _text(panel._large_caption.value)
    panel._pick.value = 2
    assert panel._large.value == second.data and panel._large.format == "png"
    assert [value for _, value in panel._pick.options] == [3, 2, 1]


# -- untrusted text ------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_prompts_shows_only_as_text(payload: str, client: Any) -> None:
    # dall-e-3 echoes the prompt in its revised prompt: both captions carry the payload.
    panel = ImageGallery(client=client, today=BEFORE_DALLE_SHUTDOWN)
    prompt = f"a poster saying {payload}"
    (img,) = panel.generate(prompt, model="dall-e-3", response_format="b64_json")
    assert img.revised_prompt and payload in img.revised_prompt
    imgs = _imgs(panel.grid_html)
    assert len(imgs) == 1 and (imgs[0]["src"] or "").startswith("data:image/png;base64,")
    assert set(imgs[0]) == {"src", "alt", "loading"}
    text = _text(panel.grid_html)
    assert prompt in text and img.revised_prompt in text
    for html in html_values(panel):
        # The panel's own <img> (data: src) is the only active element on the page.
        assert live_markup(html, allowed=frozenset({"img"})) == []
        assert len(_imgs(html)) <= 1
    assert prompt in _text(panel._large_caption.value)
    assert _imgs(panel._large_caption.value) == []


# -- errors --------------------------------------------------------------------------------------
def test_injected_fault_shows_one_line_and_keeps_the_prompt(mode: str, emu: Emulator) -> None:
    headers = {"X-Emulator-Fault": "status=400"}
    faulty = emu.client(default_headers=headers) if mode == "sync" else \
        emu.async_client(default_headers=headers)
    panel = ImageGallery(client=faulty)
    panel._prompt.value = "a lantern <b>festival</b>"
    panel._generate_button.click()
    assert panel.images == []
    assert panel.error.startswith("The service refused the request (400)")
    assert "\n" not in panel.error
    line = parse(panel._error_line.value)
    assert [t for t, a in line.tags] == ["div"] and line.tags[0][1]["class"] == "lco-error"
    assert panel._prompt.value == "a lantern <b>festival</b>"
    assert not panel.busy and not panel._generate_button.disabled
    with pytest.raises(lco.BadRequestError):
        panel.generate("a lantern festival")
    assert panel._prompt.value == "a lantern <b>festival</b>"


def test_validation_errors_name_the_parameter_before_sending(emu: Emulator) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(transport=emu.transport(), event_hooks={"request": [sent.append]})
    panel = ImageGallery(client=emu.client(http_client=http), today=BEFORE_DALLE_SHUTDOWN)
    panel._prompt.value = "what I typed"
    before = len(sent)
    with pytest.raises(ValueError, match="size"):
        panel.generate("a bridge", size="999x999")
    assert panel.error.startswith("Bad parameter: size '999x999'")
    assert "gpt-image-1-mini" in panel.error and "1024x1024" in panel.error
    with pytest.raises(ValueError, match="n must be 1 for dall-e-3"):
        panel.generate("a bridge", model="dall-e-3", n=2)
    assert panel.error == "Bad parameter: n must be 1 for dall-e-3 (got 2)"
    panel._model.value = "gpt-image-1"
    panel._prompt.value = "   "
    panel._generate_button.click()
    assert "prompt" in panel.error
    assert len(sent) == before  # nothing reached the service
    assert panel.images == [] and panel._prompt.value == "   "


def test_generate_is_disabled_while_running(emu: Emulator) -> None:
    slow = emu.client(default_headers={"X-Emulator-Fault": "latency=0.3"})
    panel = ImageGallery(client=slow, list_models=False)
    seen: list[bool] = []
    panel._generate_button.observe(lambda c: seen.append(c["new"]), names="disabled")
    busy_seen = threading.Event()
    panel.observe(lambda c: c["new"] and busy_seen.set(), names="busy")
    panel.generate("a slow snail", quality="low")
    assert seen == [True, False] and busy_seen.is_set()
    assert not panel.busy and len(panel.images) == 1


# -- models --------------------------------------------------------------------------------------
def _values(panel: ImageGallery) -> list[str]:
    return [value for _, value in panel._model.options]


@pytest.mark.parametrize(("today", "offered"), [
    ("2026-01-01", ["dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5"]),
    ("2026-05-12", ["gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5"]),  # DALL·E's last day
    ("2026-10-23", ["gpt-image-1-mini", "gpt-image-1.5"]),
    (dt.date(2026, 12, 1), ["gpt-image-1-mini", "gpt-image-1.5"]),
])
def test_models_past_their_shutdown_date_are_not_offered(emu: Emulator, today: Any,
                                                         offered: list[str]) -> None:
    panel = ImageGallery(client=emu.client(), today=today)
    assert panel.offered_models() == offered
    assert _values(panel) == offered
    assert panel._model.value == "gpt-image-1-mini"


def test_bad_today_is_refused_naming_it(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="today"):
        ImageGallery(client=emu.client(), today="1st of May")
    with pytest.raises(TypeError, match="today"):
        ImageGallery(client=emu.client(), today=20260101)


def test_controls_follow_the_models_table(emu: Emulator) -> None:
    panel = ImageGallery(client=emu.client(), today=BEFORE_DALLE_SHUTDOWN)
    assert panel._size.options == ("auto", "1024x1024", "1536x1024", "1024x1536")
    assert panel._quality.options == ("auto", "low", "medium", "high")
    assert (panel._n.max, panel._n.disabled) == (10, False)
    panel._n.value = 4
    panel._model.value = "dall-e-3"
    assert panel._size.options == ("1024x1024", "1792x1024", "1024x1792")
    assert panel._quality.options == ("standard", "hd")
    assert (panel._n.value, panel._n.max, panel._n.disabled) == (1, 1, True)
    panel._model.value = "dall-e-2"
    assert panel._quality.disabled and panel._quality.options == ("standard",)
    assert panel._size.value == "1024x1024" and not panel._size.disabled
    assert panel._size_free.layout.display == "none"


def test_unknown_image_models_from_the_service_are_passed_through(mode: str) -> None:
    emu = Emulator()
    emu.app.models["gpt-image-9"] = {"id": "gpt-image-9", "kind": "image", "created": 1,
                                     "owned_by": "system", "response_formats": ["b64_json"]}
    emu.app.models["gpt-image-0"] = {"id": "gpt-image-0", "kind": "image", "created": 1,
                                     "owned_by": "system", "shutdown_date": "2026-02-01"}
    emu.app.models["gpt-9-chat"] = {"id": "gpt-9-chat", "kind": "chat", "created": 1,
                                    "owned_by": "system"}
    client = emu.client() if mode == "sync" else emu.async_client()
    panel = ImageGallery(client=client, today="2026-12-01")
    assert panel.offered_models() == ["gpt-image-1-mini", "gpt-image-1.5", "gpt-image-9"]
    panel._model.value = "gpt-image-9"
    # Unknown to the table: free-form size and quality, n up to the API's 10.
    assert panel._size.layout.display == "none" and panel._size_free.layout.display is None
    assert panel._quality.layout.display == "none" and panel._n.max == 10
    panel._size_free.value = "1024x1024"
    panel._prompt.value = "a paper crane"
    panel._generate_button.click()
    assert panel.error == ""
    (img,) = panel.images
    assert img.settings["model"] == "gpt-image-9" and img.data[:8] == PNG_MAGIC


# -- text repr -----------------------------------------------------------------------------------
def test_text_summary_reads_well(emu: Emulator) -> None:
    panel = ImageGallery(client=emu.client())
    assert panel._text_summary().startswith("ImageGallery: 0 images")
    panel.generate("a <b>bold</b> owl", quality="low", n=2)
    summary = panel._text_summary()
    lines = summary.splitlines()
    assert lines[0] == "ImageGallery: 2 images (newest first), model gpt-image-1-mini"
    assert lines[1] == "  #2 gpt-image-1-mini 1024x1024 low: a <b>bold</b> owl"
    assert len(lines) == 3
    assert repr(panel) == f"<ImageGallery: {lines[0]}>"


def test_gallery_image_reads_like_a_dict() -> None:
    img = GalleryImage(data=PNG_MAGIC, prompt="p", revised_prompt=None,
                       settings={"model": "m", "size": "1x1"}, mime="image/png", number=7)
    assert img["bytes"] is img["data"] is img.bytes
    assert img.get("nope", 3) == 3 and set(img.keys()) >= {"bytes", "prompt", "settings"}
    assert img.to_dict()["settings"] == {"model": "m", "size": "1x1"}
    assert img.filename() == "image-007-p.png"
    with pytest.raises(KeyError):
        img["nope"]


def test_async_client_in_a_running_loop_lists_models_as_a_task_and_twins_are_awaited() -> None:
    import asyncio

    from lcoai_notebook.emulator import Emulator

    async def cell() -> None:
        emu = Emulator()
        panel = ImageGallery(client=emu.async_client())
        await asyncio.sleep(0.05)
        assert not panel.busy and panel.offered_models()
        images = await panel.generate("a red kite over green hills")
        assert len(images) >= 1 and panel.images[0].prompt == "a red kite over green hills"

    asyncio.run(cell())
