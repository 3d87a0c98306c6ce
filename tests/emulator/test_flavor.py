"""The openai flavor: bearer auth, /v1 paths, plain bodies, real rate-limit headers."""

from __future__ import annotations

import httpx
import pytest
from _schema import validate_response

from lcoai_notebook.emulator import DEFAULT_OPENAI_KEY, Emulator


def oa(emu: Emulator, key: str | None = DEFAULT_OPENAI_KEY) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url, headers=headers)


def test_urls_and_credentials() -> None:
    emu = Emulator(flavor="openai")
    assert emu.inprocess_url == "http://emulator.invalid/v1"
    assert emu.api_token == DEFAULT_OPENAI_KEY
    assert Emulator().inprocess_url == "http://emulator.invalid/openai"
    with pytest.raises(RuntimeError, match="start"):
        emu.url  # noqa: B018


def test_plain_bodies_validate_and_headers_are_http_headers() -> None:
    with oa(Emulator(flavor="openai")) as http:
        listing = http.get("/models")
        one = http.get("/models/text-embedding-3-small")
    assert listing.status_code == 200
    validate_response("listModels", listing.json())
    validate_response("retrieveModel", one.json())
    assert one.json()["id"] == "text-embedding-3-small"
    assert listing.headers["x-request-id"].startswith("req_")
    assert int(listing.headers["x-ratelimit-remaining-requests"]) > 0
    assert listing.headers["content-type"] == "application/json"


@pytest.mark.parametrize("key", [None, "sk-wrong-key-123456"])
def test_missing_or_wrong_key_is_401_invalid_api_key(key: str | None) -> None:
    with oa(Emulator(flavor="openai"), key) as http:
        r = http.get("/models")
    assert r.status_code == 401
    err = r.json()["error"]
    assert err["code"] == "invalid_api_key" and err["type"] == "invalid_request_error"
    if key:
        assert key not in r.text  # the key is masked, as OpenAI does


def test_api_token_query_is_not_auth_in_openai_flavor() -> None:
    with oa(Emulator(flavor="openai"), None) as http:
        r = http.get("/models", params={"api_token": "at_emulator_workshop_token"})
    assert r.status_code == 401


def test_errors_are_plain_with_headers() -> None:
    with oa(Emulator(flavor="openai")) as http:
        r = http.get("/models/nope")
        route404 = http.get("/nothing")
        wrong_method = http.put("/models")
    assert r.status_code == 404
    assert r.json() == {"error": {
        "message": "The model `nope` does not exist or you do not have access to it.",
        "type": "invalid_request_error", "param": "model", "code": "model_not_found"}}
    assert r.headers["x-request-id"].startswith("req_")
    for resp, method, path in ((route404, "GET", "/v1/nothing"),
                               (wrong_method, "PUT", "/v1/models")):
        assert resp.status_code == 404
        assert resp.json()["error"]["message"] == f"Invalid URL ({method} {path})"


def test_openai_flavor_has_no_old_format_and_no_lowcodeapi_prefix() -> None:
    emu = Emulator(flavor="openai")
    with httpx.Client(transport=emu.transport(), base_url="http://emulator.invalid",
                      headers={"Authorization": f"Bearer {emu.api_token}"}) as http:
        old = http.get("/v1/models/model", params={"model": "gpt-5"})
        prefixed = http.get("/openai/v1/models")
    assert old.status_code == 404 and old.json()["error"]["code"] == "model_not_found"
    assert prefixed.status_code == 404


def test_openai_upload_routes_keep_openai_part_names() -> None:
    from _emu_stub import route

    from lcoai_notebook.emulator._routes import ROUTES

    before = list(ROUTES)
    seen = {}

    @route("POST", "/v1/images/edits")
    def grab(req):  # noqa: ANN001, ANN202
        seen["form"] = req.form()
        return {"object": "ok"}

    ROUTES.insert(0, ROUTES.pop())
    try:
        with oa(Emulator(flavor="openai")) as http:
            r = http.post("/images/edits", data={"prompt": "p"},
                          files=[("image", ("a.png", b"A", "image/png")),
                                 ("mask", ("m.png", b"M", "image/png"))])
    finally:
        ROUTES[:] = before
    assert r.status_code == 200
    assert sorted(seen["form"][1]) == ["image", "mask"]


def test_same_handlers_same_results_in_both_flavors() -> None:
    lc = Emulator()
    with httpx.Client(transport=lc.transport(), base_url=lc.inprocess_url) as http:
        wrapped = http.get("/v1/models/whisper-1", params={"api_token": lc.api_token}).json()
    with oa(Emulator(flavor="openai")) as http:
        plain = http.get("/models/whisper-1").json()
    assert wrapped["result"] == plain


# -- issue 12: the lowcodeapi flavor's stream mode and LowCodeAPI's own routes -------------------
import asyncio  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402

from lcoai_notebook.emulator import EmuConfig  # noqa: E402

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Tell me about owls"}],
        "seed": 2}


def test_stream_mode_default_follows_the_flavor() -> None:
    # LowCodeAPI buffers the upstream stream and sends it in one piece; OpenAI streams.
    assert Emulator().config.stream_mode == "buffered"
    assert Emulator(flavor="lowcodeapi").config.stream_mode == "buffered"
    assert Emulator(flavor="openai").config.stream_mode == "incremental"
    assert EmuConfig().stream_mode == "buffered"
    assert EmuConfig(flavor="openai").stream_mode == "incremental"
    assert Emulator(stream_mode="incremental").config.stream_mode == "incremental"
    assert Emulator(flavor="openai", stream_mode="buffered").config.stream_mode == "buffered"
    with pytest.raises(ValueError, match="stream_mode"):
        Emulator(stream_mode="chunked")


def _sse_texts(body: str) -> str:
    events = [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: {")]
    return "".join(e["choices"][0]["delta"].get("content") or "" for e in events if e["choices"])


@pytest.mark.parametrize("flavor,mode,buffered", [
    ("lowcodeapi", None, True), ("lowcodeapi", "incremental", False),
    ("openai", None, False), ("openai", "buffered", True)])
def test_default_stream_mode_on_the_wire(flavor: str, mode: str | None, buffered: bool) -> None:
    """Over loopback: a buffered stream comes with a Content-Length (one body), an incremental
    one is chunked; the events are the same either way."""
    kw = {} if mode is None else {"stream_mode": mode}
    with Emulator(flavor=flavor, **kw) as emu, httpx.Client(timeout=10) as http:
        lowcode = flavor == "lowcodeapi"
        auth = ({"params": {"api_token": emu.api_token}} if lowcode else
                {"headers": {"Authorization": f"Bearer {emu.api_token}"}})
        url = emu.url + ("/v1" if lowcode else "") + "/chat/completions"
        with http.stream("POST", url, json={**CHAT, "stream": True}, **auth) as r:
            body = r.read().decode()
            headers = r.headers
        whole = http.post(url, json=CHAT, **auth).json()
    assert headers["content-type"].startswith("text/event-stream")
    assert ("content-length" in headers) is buffered
    assert (headers.get("transfer-encoding") == "chunked") is not buffered
    assert body.endswith("data: [DONE]\n\n")
    result = whole["result"] if lowcode else whole
    assert _sse_texts(body) == result["choices"][0]["message"]["content"]


def test_connect_offline_streams_in_process_in_both_modes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The module (the package attribute ``connect`` may be the function or the module).
    connect_module = importlib.import_module("lcoai_notebook._connect")
    monkeypatch.setattr(connect_module, "_notice_shown", True)  # no notice; restored after
    client = connect_module.connect(offline=True)
    try:
        emu = connect_module._EMULATORS["lowcodeapi"]
        assert emu.config.stream_mode == "buffered" and not emu.started  # in-process
        whole = client.chat.completions.create(**CHAT).text
        texts = {}
        for mode in ("buffered", "incremental"):
            with client.chat.completions.create(
                    **CHAT, stream=True, extra_headers={"X-Emulator-Stream": mode}) as stream:
                texts[mode] = "".join(c.choices[0].delta.content or "" for c in stream
                                      if c.choices)
    finally:
        client.close()
    assert whole and texts == {"buffered": whole, "incremental": whole}

    async def run() -> str:
        aclient = emu.async_client()
        try:
            stream = await aclient.chat.completions.create(**CHAT, stream=True)
            return "".join([c.choices[0].delta.content or "" async for c in stream
                            if c.choices])
        finally:
            await aclient.close()

    assert asyncio.run(run()) == whole


def _site(emu: Emulator, http: httpx.Client, method: str, path: str) -> httpx.Response:
    root = (emu.url if emu.started else emu.inprocess_url).rsplit("/", 1)[0]
    return http.request(method, root + path)


@pytest.mark.parametrize("served", [False, True], ids=["in-process", "loopback"])
def test_lowcodeapi_health_check_root_and_provider_redirect(served: bool) -> None:
    """Reference 1.1, "Other OSS routes": no token needed, unknown paths still 404."""
    emu = Emulator()
    if served:
        emu.start()
    try:
        http = httpx.Client(timeout=10) if served else httpx.Client(transport=emu.transport())
        with http:
            root = _site(emu, http, "GET", "/")
            health = [_site(emu, http, "GET", p) for p in ("/health-check", "/health-check/")]
            redirects = [_site(emu, http, m, p) for m, p in (("GET", "/openai"),
                                                               ("POST", "/openai"),
                                                               ("DELETE", "/openai/"))]
            unknown = [_site(emu, http, m, p) for m, p in (
                ("GET", "/nope"), ("POST", "/health-check"), ("PUT", "/"),
                ("GET", "/health-check/x"), ("GET", "/openai/v1/nope"), ("GET", "/openai/v1"),
                ("GET", "/openaix"))]
            followed = http.get(redirects[0].headers["location"])
            host = root.request.headers["host"]
    finally:
        emu.stop()
    assert (root.status_code, root.json()) == (200, {"res": {"message": "LowCodeAPI"}})
    assert root.headers["content-type"].startswith("application/json")
    for r in health:
        assert (r.status_code, r.json()) == (200, {"status": "ok"})
    for r in redirects:
        assert r.status_code == 302
        assert r.headers["location"] == f"http://{host}?redirected_from={host}/openai"
    for r in unknown:
        assert (r.status_code, r.json()) == (404, {"message": "Not Found"}), r.request.url
    # The redirect leads to the root route (no UI build served here).
    assert (followed.status_code, followed.json()) == (200, {"res": {"message": "LowCodeAPI"}})


def test_openai_flavor_has_no_lowcodeapi_site_routes() -> None:
    emu = Emulator(flavor="openai")
    with oa(emu) as http:
        answers = [_site(emu, http, "GET", p) for p in ("/", "/health-check", "/openai")]
    for r in answers:
        assert r.status_code == 404 and r.json()["error"]["message"].startswith("Invalid URL")


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/uploads"),
    ("POST", "/v1/vector_stores/vs_1/search"),
    ("POST", "/v1/vector_stores/vs_1/file_batches"),
    ("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1/files"),
])
def test_lowcodeapi_flavor_does_not_route_what_lowcodeapi_does_not_define(method: str,
                                                                         path: str) -> None:
    # reference/lowcodeapi-openai-endpoints.json defines none of these: the proxy's own 404.
    import httpx

    from lcoai_notebook.emulator import Emulator

    emu = Emulator()
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        r = http.request(method, path, params={"api_token": emu.api_token},
                         json={} if method == "POST" else None)
    assert r.status_code == 404 and r.json() == {"message": "Not Found"}
