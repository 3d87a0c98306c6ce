"""The openai flavor: bearer auth, /v1 paths, plain bodies, real rate-limit headers."""

from __future__ import annotations

import httpx
import pytest
from _schema import validate_response

from lcoai_notebook.emulator import DEFAULT_OPENAI_KEY, Emulator
from lcoai_notebook.emulator._app import _load_routes

# Load every route module before any test snapshots the route table (tests restore it).
_load_routes()


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
    from lcoai_notebook.emulator._router import ROUTES, route

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
