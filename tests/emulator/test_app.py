"""EmuApp core through the in-process transport: lowcodeapi flavor, routing, auth, envelope,
errors, uploads, SSE serialisation, and the services handlers rely on."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from _emu_stub import route
from _schema import validate_response

from lcoai_notebook.emulator import DEFAULT_TOKEN, Emulator
from lcoai_notebook.emulator._app import EmuApp
from lcoai_notebook.emulator._config import EmuConfig
from lcoai_notebook.emulator._errors import EmuError, invalid
from lcoai_notebook.emulator._router import SSE, Raw
from lcoai_notebook.emulator._routes import ROUTES

HOST = "http://emulator.invalid"
TOKEN = {"api_token": DEFAULT_TOKEN}


@pytest.fixture
def test_routes() -> Iterator[dict[str, object]]:
    """Register test-only routes under /v1/_test..., removed afterwards."""
    before = list(ROUTES)
    seen: dict[str, object] = {}

    @route("GET", "/v1/_test/sse")
    def sse(req):  # noqa: ANN001, ANN202
        n = int(req.query.get("n", "3"))
        return SSE({"i": i, "object": "test.chunk"} for i in range(n))

    @route("GET", "/v1/_test/named")
    def named(req):  # noqa: ANN001, ANN202
        return SSE(iter([("thread.created", {"id": "thread_1"}), ("thread.run.completed",
                                                                  {"id": "run_1"})]), named=True)

    @route("GET", "/v1/_test/early_error")
    def early_error(req):  # noqa: ANN001, ANN202
        def gen():
            raise invalid("bad early", param="x")
            yield {}
        return SSE(gen())

    @route("GET", "/v1/_test/late_error")
    def late_error(req):  # noqa: ANN001, ANN202
        def gen():
            yield {"i": 0}
            raise invalid("bad late", param="y")
        return SSE(gen())

    @route("GET", "/v1/_test/crash")
    def crash(req):  # noqa: ANN001, ANN202
        raise KeyError("boom")

    @route("GET", "/v1/_test/junk")
    def junk(req):  # noqa: ANN001, ANN202
        return 42

    @route("GET", "/v1/_test/raw")
    def raw(req):  # noqa: ANN001, ANN202
        return Raw(b"1\n00:00:00,000 --> 00:00:01,000\nhi\n", "text/plain; charset=utf-8")

    @route("GET", "/v1/_test/rawjson")
    def rawjson(req):  # noqa: ANN001, ANN202
        return Raw(b'{"a": 1}', "application/json")

    @route("POST", "/v1/_test/echo")
    def echo(req):  # noqa: ANN001, ANN202
        seen["query"] = dict(req.query)
        return {"object": "echo", "json": req.json(), "message": "from-upstream"}

    @route("GET", "/v1/_test/things/{thing_id}/parts/{part_id}")
    def parts(req):  # noqa: ANN001, ANN202
        seen["query"] = dict(req.query)
        return {"object": "part", **req.path_params}

    @route("POST", "/v1/_test/things/{thing_id}")
    def modify_thing(req):  # noqa: ANN001, ANN202
        return {"object": "thing", "id": req.path_params["thing_id"]}

    @route("POST", "/v1/_test/things/runs")
    def literal(req):  # noqa: ANN001, ANN202
        return {"object": "literal"}

    yield seen
    ROUTES[:] = before


def lc(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.transport(), base_url=HOST)


# -- auth (lowcodeapi) ------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, {"api_token": "sk-not-at"}, {"api_token": ""}])
def test_missing_or_malformed_token_is_401_with_lowcodeapi_body(params: dict[str, str]) -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/models", params=params)
    assert r.status_code == 401
    body = r.json()
    assert body["message"] == "A valid API token is required to access this API."
    assert body["provider"] == "openai"
    assert body["error"]["code"] == 401
    logging_info = body["error"]["logging"]
    assert logging_info["path"] == "/openai/v1/models"
    assert logging_info["status_code"] == 401
    assert logging_info["query"] == params


def test_unknown_at_token_is_403_invalid_api_token() -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/models", params={"api_token": "at_unknown"})
    assert r.status_code == 403
    assert r.json() == {"message": "Invalid api_token", "provider": "openai",
                        "error": {"code": 403}}


def test_configured_tokens_are_accepted() -> None:
    emu = Emulator(api_tokens=("at_one", "at_two"))
    assert emu.api_token == "at_one"
    with lc(emu) as http:
        assert http.get("/openai/v1/models", params={"api_token": "at_two"}).status_code == 200
        assert http.get("/openai/v1/models", params=TOKEN).status_code == 403


# -- envelope and models ------------------------------------------------------------------------

def test_json_success_is_enveloped_with_response_headers() -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/models", params=TOKEN)
    assert r.status_code == 200
    assert "x-request-id" not in r.headers  # rate-limit data lives in the body on LowCodeAPI
    body = r.json()
    assert set(body) == {"message", "provider", "result", "response_headers"}
    assert body["message"] == "Request completed" and body["provider"] == "openai"
    validate_response("listModels", body["result"])
    ids = [m["id"] for m in body["result"]["data"]]
    assert "gpt-4o-mini" in ids and "text-embedding-3-small" in ids
    rh = body["response_headers"]
    assert rh["x-request-id"].startswith("req_")
    for name in ("limit-requests", "limit-tokens", "remaining-requests", "remaining-tokens",
                 "reset-requests", "reset-tokens"):
        assert rh[f"x-ratelimit-{name}"]


def test_request_ids_differ_and_remaining_requests_falls() -> None:
    with lc(Emulator()) as http:
        a = http.get("/openai/v1/models", params=TOKEN).json()["response_headers"]
        b = http.get("/openai/v1/models", params=TOKEN).json()["response_headers"]
    assert a["x-request-id"] != b["x-request-id"]
    assert int(b["x-ratelimit-remaining-requests"]) == int(a["x-ratelimit-remaining-requests"]) - 1


def test_top_level_message_of_result_becomes_envelope_message(test_routes) -> None:
    with lc(Emulator()) as http:
        body = http.post("/openai/v1/_test/echo", params=TOKEN, json={"a": 1}).json()
    assert body["message"] == "from-upstream"
    assert body["result"]["json"] == {"a": 1}


def test_retrieve_model_both_path_formats_validate() -> None:
    with lc(Emulator()) as http:
        new = http.get("/openai/v1/models/gpt-4o-mini", params=TOKEN)
        old = http.get("/openai/v1/models/model", params={**TOKEN, "model": "gpt-4o-mini"})
    assert new.status_code == old.status_code == 200
    assert new.json()["result"] == old.json()["result"]
    validate_response("retrieveModel", new.json()["result"])
    assert new.json()["result"]["id"] == "gpt-4o-mini"


def test_model_ids_with_colons_route_in_both_formats() -> None:
    emu = Emulator()
    ft = "ft:gpt-4o-mini-2024-07-18:org-emulator:demo:abc123"
    with emu.app.lock:
        emu.app.models[ft] = {"id": ft, "kind": "chat", "created": 1, "owned_by": "org-emulator"}
    with lc(emu) as http:
        assert http.get(f"/openai/v1/models/{ft}", params=TOKEN).json()["result"]["id"] == ft
        r = http.delete("/openai/v1/models/model", params={**TOKEN, "model": ft})
        assert r.status_code == 200
        validate_response("deleteModel", r.json()["result"])
        assert r.json()["result"] == {"id": ft, "object": "model", "deleted": True}
        again = http.get(f"/openai/v1/models/{ft}", params=TOKEN)
    assert again.status_code == 404
    assert again.json()["error"]["error"]["code"] == "model_not_found"


def test_deleting_a_base_model_is_refused_and_keeps_it() -> None:
    emu = Emulator()
    with lc(emu) as http:
        r = http.delete("/openai/v1/models/gpt-4o-mini", params=TOKEN)
        unknown = http.delete("/openai/v1/models/ft:nope", params=TOKEN)
    assert r.status_code == 403
    assert r.json()["error"]["error"]["param"] == "model"
    assert "gpt-4o-mini" in emu.app.models
    assert unknown.status_code == 404


# -- routing ------------------------------------------------------------------------------------

def test_unknown_route_and_wrong_method_are_bare_404() -> None:
    with lc(Emulator()) as http:
        for r in (http.get("/openai/v1/nothing", params=TOKEN),
                  http.post("/openai/v1/models", params=TOKEN),
                  http.get("/v1/models", params=TOKEN),
                  http.get("/openai/v1/nothing")):  # route lookup happens before auth
            assert r.status_code == 404
            assert r.json() == {"message": "Not Found"}


def test_model_not_found_is_an_upstream_404_not_a_route_404() -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/models/gpt-9000", params=TOKEN)
    assert r.status_code == 404
    body = r.json()
    assert body["message"] == "Error received from the openai API"
    assert body["error"]["error"] == {
        "message": "The model `gpt-9000` does not exist or you do not have access to it.",
        "type": "invalid_request_error", "param": "model", "code": "model_not_found"}
    assert body["headers"]["x-request-id"].startswith("req_")
    assert "x-ratelimit-remaining-requests" in body["headers"]


def test_old_only_config_serves_old_and_404s_new() -> None:
    emu = Emulator(path_formats=("old",))
    with lc(emu) as http:
        assert http.get("/openai/v1/models/gpt-5", params=TOKEN).json() == {"message": "Not Found"}
        old = http.get("/openai/v1/models/model", params={**TOKEN, "model": "gpt-5"})
        listing = http.get("/openai/v1/models", params=TOKEN)  # no params: same in both formats
    assert old.status_code == 200 and old.json()["result"]["id"] == "gpt-5"
    assert listing.status_code == 200


def test_new_only_config_treats_old_path_as_a_literal_id() -> None:
    with lc(Emulator(path_formats=("new",))) as http:
        r = http.get("/openai/v1/models/model", params={**TOKEN, "model": "gpt-5"})
    # /v1/models/model is then the New path for a model called "model", with "model" repeated.
    assert r.status_code == 400
    assert r.json()["error"]["error"]["param"] == "model"


def test_new_format_must_not_repeat_path_params_in_query() -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/models/gpt-5", params={**TOKEN, "model": "gpt-5"})
    assert r.status_code == 400
    assert "must not be repeated" in r.json()["error"]["error"]["message"]


def test_old_format_with_two_params_and_extra_query(test_routes) -> None:
    with lc(Emulator()) as http:
        old = http.get("/openai/v1/_test/things/thing_id/parts/part_id",
                       params={**TOKEN, "thing_id": "t1", "part_id": "p2", "limit": "5"})
        seen_old = dict(test_routes["query"])
        new = http.get("/openai/v1/_test/things/t1/parts/p2", params={**TOKEN, "limit": "5"})
    assert old.json()["result"] == new.json()["result"] == {
        "object": "part", "thing_id": "t1", "part_id": "p2"}
    # The handler sees neither the token nor the Old-format path values.
    assert seen_old == test_routes["query"] == {"limit": "5"}


def test_literal_template_beats_a_parameter(test_routes) -> None:
    with lc(Emulator()) as http:
        assert http.post("/openai/v1/_test/things/runs", params=TOKEN,
                         json={}).json()["result"] == {"object": "literal"}
        assert http.post("/openai/v1/_test/things/t9", params=TOKEN,
                         json={}).json()["result"]["id"] == "t9"


# -- uploads ------------------------------------------------------------------------------------

UPLOADS = ["/v1/audio/transcriptions", "/v1/audio/translations", "/v1/files",
           "/v1/images/edits", "/v1/images/variations"]
FILE_MISSING = {"message": "File missing", "provider": "", "error": {"code": 422}}


@pytest.mark.parametrize("path", UPLOADS)
def test_upload_routes_without_file_part_are_422(path: str) -> None:
    before = list(ROUTES)
    if not any(r.template == path and r.method == "POST" for r in ROUTES):
        route("POST", path)(lambda req: {"object": "stand-in"})  # its module is not written yet
    try:
        with lc(Emulator()) as http:
            as_json = http.post("/openai" + path, params=TOKEN, json={"model": "whisper-1"})
            wrong_part = http.post("/openai" + path, params=TOKEN, data={"model": "x"},
                                   files={"image": ("a.png", b"x", "image/png")})
            no_token = http.post("/openai" + path, data={"model": "x"},
                                 files={"upload": ("a.png", b"x")})
    finally:
        ROUTES[:] = before
    for r in (as_json, wrong_part, no_token):  # the file check runs before the token check
        assert r.status_code == 422
        assert r.json() == FILE_MISSING


def test_upload_file_part_reaches_handler_as_image_on_images_routes() -> None:
    captured = {}
    before = list(ROUTES)
    # Stand-in handlers on the real templates, ahead of any real ones in the table.
    for template in ("/v1/images/edits", "/v1/files"):
        @route("POST", template)
        def grab(req, template=template):  # noqa: ANN001, ANN202
            captured[template] = req.form()
            return {"object": "ok"}
        ROUTES.insert(0, ROUTES.pop())
    try:
        with lc(Emulator()) as http:
            for template in ("/v1/images/edits", "/v1/files"):
                r = http.post("/openai" + template, params=TOKEN, data={"prompt": "p"},
                              files={"file": ("cat.png", b"\x89PNG", "image/png")})
                assert r.status_code == 200, r.text
    finally:
        ROUTES[:] = before
    fields, files = captured["/v1/images/edits"]
    assert fields == {"prompt": "p"} and list(files) == ["image"]
    assert files["image"][0].filename == "cat.png" and files["image"][0].content == b"\x89PNG"
    assert list(captured["/v1/files"][1]) == ["file"]


def test_parse_multipart_fields_lists_and_files() -> None:
    from lcoai_notebook.emulator._multipart import parse_multipart

    req = httpx.Request("POST", HOST, data={"model": "whisper-1", "note": "héllo",
                                            "timestamp_granularities[]": ["word", "segment"],
                                            "one[]": "only"},
                        files=[("file", ("a.wav", b"RIFF", "audio/wav")),
                               ("image[]", ("b.png", b"B", "image/png")),
                               ("image[]", ("c.png", b"C", "image/png"))])
    fields, files = parse_multipart(req.headers["content-type"], req.read())
    assert fields == {"model": "whisper-1", "note": "héllo",
                      "timestamp_granularities": ["word", "segment"], "one": ["only"]}
    assert [u.filename for u in files["image"]] == ["b.png", "c.png"]
    assert files["file"][0].content == b"RIFF" and files["file"][0].content_type == "audio/wav"


@pytest.mark.parametrize("ctype,body", [
    ("application/json", b"{}"),
    ("multipart/form-data", b"--x\r\n"),
    ("multipart/form-data; boundary=x", b"garbage that never has a boundary"),
    ("multipart/form-data; boundary=x",
     b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue'),  # cut short
])
def test_parse_multipart_rejects_malformed_with_400(ctype: str, body: bytes) -> None:
    from lcoai_notebook.emulator._multipart import parse_multipart

    with pytest.raises(EmuError) as err:
        parse_multipart(ctype, body)
    assert err.value.status == 400


# -- handler failures ---------------------------------------------------------------------------

def test_handler_crash_becomes_openai_shaped_500(test_routes, caplog) -> None:
    with lc(Emulator()) as http:
        crash = http.get("/openai/v1/_test/crash", params=TOKEN)
        junk = http.get("/openai/v1/_test/junk", params=TOKEN)
    for r in (crash, junk):
        assert r.status_code == 500
        err = r.json()["error"]["error"]
        assert err["type"] == "server_error" and set(err) == {"message", "type", "param", "code"}
    assert any("failed" in rec.getMessage() for rec in caplog.records)


def test_bad_json_body_is_400(test_routes) -> None:
    with lc(Emulator()) as http:
        r = http.post("/openai/v1/_test/echo", params=TOKEN, content=b"{nope",
                      headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,          # deeper than the parser's stack: was a 500
    b'{"n": NaN}', b'{"n": -Infinity}',       # Python's json accepts these; JSON does not
    b'{"n": 1e999}',                          # too large for a double
    b'{"model": "\xed\xa0\x80"}',            # an encoded surrogate (not UTF-8): was a crash
    b'{"model": "\\ud800"}',                  # a lone surrogate escape: cannot be sent back
])
def test_json_the_service_would_refuse_is_400_never_500(test_routes, body: bytes) -> None:
    for flavor in ("lowcodeapi", "openai"):
        emu = Emulator(flavor=flavor)
        prefix, kw = (("/openai/v1", {"params": TOKEN}) if flavor == "lowcodeapi" else
                      ("/v1", {"headers": {"Authorization": f"Bearer {emu.api_token}"}}))
        with lc(emu) as http:
            r = http.post(prefix + "/_test/echo", content=body, **kw)
        assert r.status_code == 400, (flavor, r.text[:200])
        err = r.json()["error"]["error"] if flavor == "lowcodeapi" else r.json()["error"]
        assert err["message"].startswith("We could not parse the JSON body")


def test_surrogate_pairs_unicode_and_a_bom_still_parse(test_routes) -> None:
    with lc(Emulator()) as http:
        r = http.post("/openai/v1/_test/echo", params=TOKEN,
                      content=b'\xef\xbb\xbf{"t": "\\ud83d\\ude00 \xc3\xa9", "x": 1e308}')
    assert r.status_code == 200 and r.json()["result"]["json"] == {"t": "\U0001f600 \u00e9",
                                                                   "x": 1e308}


def test_a_lone_surrogate_in_a_response_is_escaped_not_a_crash() -> None:
    # Text from a query string or an uploaded file may hold one; UTF-8 cannot encode it.
    from lcoai_notebook.emulator._stream import dumps

    assert dumps({"a": "\ud800x", "b": "\u00e9"}) == b'{"a":"\\ud800x","b":"\\u00e9"}'
    assert dumps({"b": "\u00e9"}) == '{"b":"\u00e9"}'.encode()


# -- raw bodies ---------------------------------------------------------------------------------

def test_raw_bodies_pass_through_and_json_raw_is_enveloped(test_routes) -> None:
    with lc(Emulator()) as http:
        raw = http.get("/openai/v1/_test/raw", params=TOKEN)
        rawjson = http.get("/openai/v1/_test/rawjson", params=TOKEN)
    assert raw.headers["content-type"].startswith("text/plain")
    assert raw.content.startswith(b"1\n00:00:00,000")
    assert "x-request-id" not in raw.headers
    assert rawjson.json()["result"] == {"a": 1}


# -- SSE ----------------------------------------------------------------------------------------

def _events(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if block]


@pytest.mark.parametrize("mode", ["incremental", "buffered"])
def test_sse_serialisation_and_done(test_routes, mode: str) -> None:
    with lc(Emulator(stream_mode=mode)) as http:
        r = http.get("/openai/v1/_test/sse", params={**TOKEN, "n": "4"})
    assert r.headers["content-type"].startswith("text/event-stream")
    blocks = _events(r.text)
    assert blocks[-1] == "data: [DONE]"
    assert [json.loads(b.removeprefix("data: ")) for b in blocks[:-1]] == [
        {"i": i, "object": "test.chunk"} for i in range(4)]
    assert ("content-length" in r.headers) == (mode == "buffered")


def test_stream_mode_header_overrides_config(test_routes) -> None:
    with lc(Emulator(stream_mode="incremental")) as http:
        r = http.get("/openai/v1/_test/sse", params=TOKEN,
                     headers={"X-Emulator-Stream": "buffered"})
        bad = http.get("/openai/v1/_test/sse", params=TOKEN,
                       headers={"X-Emulator-Stream": "sometimes"})
    assert r.headers["content-length"] == str(len(r.content))
    assert bad.status_code == 400


def test_named_events(test_routes) -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/_test/named", params=TOKEN)
    assert _events(r.text) == ['event: thread.created\ndata: {"id":"thread_1"}',
                               'event: thread.run.completed\ndata: {"id":"run_1"}',
                               "event: done\ndata: [DONE]"]


def test_error_before_first_event_is_an_http_error(test_routes) -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/_test/early_error", params=TOKEN)
    assert r.status_code == 400
    assert r.json()["error"]["error"]["message"] == "bad early"


def test_error_mid_stream_is_an_error_event_without_done(test_routes) -> None:
    with lc(Emulator()) as http:
        r = http.get("/openai/v1/_test/late_error", params=TOKEN)
    blocks = _events(r.text)
    assert r.status_code == 200 and len(blocks) == 2
    assert json.loads(blocks[1].removeprefix("data: "))["error"]["message"] == "bad late"


def test_twenty_thousand_chunk_stream_is_complete(test_routes) -> None:
    with lc(Emulator()) as http:
        with http.stream("GET", "/openai/v1/_test/sse", params={**TOKEN, "n": "20000"}) as r:
            lines = [ln for ln in r.iter_lines() if ln]
    assert len(lines) == 20001 and lines[-1] == "data: [DONE]"
    assert json.loads(lines[-2][6:])["i"] == 19999


# -- services for handlers ------------------------------------------------------------------------

def test_new_id_is_deterministic_per_instance_and_prefix() -> None:
    a, b = EmuApp(), EmuApp()
    ids_a = [a.new_id("file-") for _ in range(3)]
    assert ids_a == [b.new_id("file-") for _ in range(3)]
    assert len(set(ids_a)) == 3
    assert all(i.startswith("file-") and len(i) == 29 and i[5:].isalnum() for i in ids_a)
    assert a.new_id("batch_") == b.new_id("batch_")  # other prefixes do not shift the sequence
    assert EmuApp(EmuConfig(seed=1)).new_id("file-") != ids_a[0]


def test_require_model() -> None:
    app = EmuApp()
    assert app.require_model("gpt-4o-mini")["kind"] == "chat"
    assert app.require_model("text-embedding-3-small", kinds=("embedding",))["id"]
    with pytest.raises(EmuError) as missing:
        app.require_model("gpt-9")
    assert missing.value.status == 404 and missing.value.code == "model_not_found"
    assert missing.value.message == ("The model `gpt-9` does not exist or you do not have "
                                     "access to it.")
    with pytest.raises(EmuError) as wrong:
        app.require_model("whisper-1", kinds=("chat",), param="model")
    assert wrong.value.status == 400 and wrong.value.param == "model"
    with pytest.raises(EmuError) as none:
        app.require_model(None)
    assert none.value.status == 400


def test_store_creates_once_and_models_are_per_instance() -> None:
    a, b = EmuApp(), EmuApp()
    calls = []
    first = a.store("jobs", lambda: calls.append(1) or {})
    assert a.store("jobs", dict) is first and calls == [1]
    assert b.store("jobs", dict) is not first
    del a.models["gpt-4o"]
    assert "gpt-4o" in b.models
    assert isinstance(a.lock, type(threading.RLock()))
    assert isinstance(a.now(), int) and a.monotonic() <= a.monotonic()


def test_dispatch_is_plain_openai(test_routes) -> None:
    app = EmuApp()
    status, body = app.dispatch("GET", "/v1/models")
    assert status == 200
    validate_response("listModels", body)
    assert app.dispatch("GET", "/v1/models/gpt-5")[1]["id"] == "gpt-5"
    status, body = app.dispatch("GET", "/v1/models/nope")
    assert status == 404 and body["error"]["code"] == "model_not_found"
    assert app.dispatch("POST", "/v1/nowhere", json={})[0] == 404
    status, body = app.dispatch("POST", "/v1/_test/echo?x=1", json={"k": "v"})
    assert status == 200 and body["json"] == {"k": "v"} and test_routes["query"] == {"x": "1"}
    assert app.dispatch("GET", "/v1/_test/sse")[0] == 400


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="flavor"):
        Emulator(flavor="azure")
    with pytest.raises(ValueError, match="stream_mode"):
        Emulator(stream_mode="fast")
    with pytest.raises(ValueError, match="path_formats"):
        Emulator(path_formats=("newest",))
    with pytest.raises(TypeError, match="fault_rat"):
        Emulator(fault_rat=0.1)
    with pytest.raises(ValueError, match="port"):
        Emulator(port=-1)
