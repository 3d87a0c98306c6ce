"""The upstream token is found nowhere a learner or the host's page can see, in any encoding —
even when the upstream echoes it back in every way it can."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

import lcoai_notebook as lco
from lcoai_notebook.relay import Relay

SENTINEL = "at_Sentinel/Up+stream=Token-7f3a9c"


def encodings(secret: str) -> set[str]:
    """The forms a token takes in URLs, forms, JSON and bodies."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
             json.dumps(secret)[1:-1].replace("/", "\\/")}
    forms |= {f.lower() for f in forms if "%" in f}
    forms |= {quote(secret, safe="").replace("%2F", "%2f")}
    return forms


def leaks(text: str) -> list[str]:
    return sorted(f for f in encodings(SENTINEL) if f in text)


class HostileUpstream:
    """An upstream that echoes the credential it receives in every way it can: bodies, errors,
    stream events, text, audio bytes and headers."""

    def __init__(self) -> None:
        self.seen = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        self.seen += 1
        query = scope.get("query_string", b"").decode()
        auth = dict(scope["headers"]).get(b"authorization", b"").decode()
        echo = f"url={scope['path']}?{query} auth={auth} raw={SENTINEL} " \
               f"pct={quote(SENTINEL, safe='')} form={quote_plus(SENTINEL)}"
        path = scope["path"]
        headers = [(b"x-request-id", SENTINEL.encode()), (b"x-echo", echo.encode())]
        if path.endswith("/models"):
            body = json.dumps({"object": "list", "data": [
                {"id": echo, "object": "model", "created": 0, "owned_by": SENTINEL}]}).encode()
            status, ctype = 200, b"application/json"
        elif path.endswith("/speech"):
            body, status, ctype = b"RIFF" + echo.encode() + SENTINEL.encode(), 200, b"audio/wav"
        elif path.endswith("/transcriptions"):
            body, status, ctype = echo.encode(), 200, b"text/plain"
        elif path.endswith("/embeddings"):
            body = json.dumps({"error": {"message": echo, "type": "invalid_request_error",
                                         "param": SENTINEL, "code": SENTINEL}}).encode()
            status, ctype = 400, b"application/json"
        else:  # chat: a stream whose text is the echo
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0,
                     "model": "gpt-4o-mini", "choices": [{"index": 0, "delta": {
                         "content": echo}, "finish_reason": None}]}
            usage = {"id": "c", "object": "chat.completion.chunk", "created": 0,
                     "model": "gpt-4o-mini", "choices": [],
                     "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}}
            body = (f"data: {json.dumps(chunk)}\n\ndata: {json.dumps(usage)}\n\n"
                    "data: [DONE]\n\n").encode()
            status, ctype = 200, b"text/event-stream"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype), *headers]})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def hostile() -> Iterator[tuple[str, HostileUpstream]]:
    import uvicorn

    app = HostileUpstream()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off",
                            http="h11", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_the_token_reaches_no_learner_no_page_no_log_no_file(hostile, flavor, tmp_path, caplog):
    base, app = hostile
    upstream = base + ("/openai" if flavor == "lowcodeapi" else "/v1")
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "uvicorn", "uvicorn.error", "lcoai_notebook",
                 "lcoai_notebook.relay"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    seen: list[str] = []
    with Relay(upstream=upstream, api_token=SENTINEL, flavor=flavor, seats=2, port=0,
               db=tmp_path / "r.sqlite") as relay:
        code = relay.seat_codes["seat-01"]
        with httpx.Client(base_url=relay.url + "/v1",
                          headers={"Authorization": f"Bearer {code}"}) as http:
            calls = [
                ("GET", "/models", None, None),
                ("POST", "/chat/completions", {"model": "gpt-4o-mini", "stream": True,
                                               "max_completion_tokens": 20,
                                               "messages": [{"role": "user", "content": "hi"}]},
                 None),
                ("POST", "/embeddings", {"model": "text-embedding-3-small", "input": "x"}, None),
                ("POST", "/audio/speech", {"model": "tts-1", "voice": "alloy", "input": "hi"},
                 None),
                ("POST", "/audio/transcriptions", None, {"model": "whisper-1",
                                                         "response_format": "text"}),
                ("GET", "/models/gpt-4o-mini", None, None),
            ]
            for method, path, body, form in calls:
                if form is not None:
                    r = http.post(path, data=form,
                                  files={"file": ("a.wav", b"RIFF....", "audio/wav")})
                else:
                    r = http.request(method, path, json=body)
                seen.append(f"{r.status_code} {dict(r.headers)} {r.content.decode('latin-1')}")
            assert any(s.startswith("400") for s in seen) and any(s.startswith("200")
                                                                  for s in seen)
        with lco.connect(relay=relay.url, seat=code, max_retries=0) as client:
            try:
                client.embeddings.create(model="text-embedding-3-small", input="x")
            except lco.APIError as exc:
                seen.append(f"{exc!s} {exc!r} {exc.body!r} {exc.code} {exc.param}")
        with httpx.Client(base_url=relay.url,
                          headers={"X-Admin-Key": relay.store.admin_key}) as admin:
            for page in ("/admin", "/admin/admin.js", "/admin/api/state", "/admin/api/ledger.csv"):
                seen.append(admin.get(page).text)
        seen.append(relay.write_codes(tmp_path / "codes.csv").read_text())
        seen.append(repr(relay) + relay.url + relay.admin_url + relay.spend().to_csv()
                    + relay.ledger().to_csv())
    assert app.seen >= 6  # the upstream did receive, and echo, the token each time
    seen.append("\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records))
    seen.append((tmp_path / "r.sqlite").read_bytes().decode("latin-1"))
    found = {i: leaks(text) for i, text in enumerate(seen) if leaks(text)}
    assert found == {}, found
    # The learners still got the answers, token removed: the echo arrived with "***" in place.
    assert "***" in seen[0]


def test_the_leak_check_finds_a_planted_token():
    assert leaks(f"x {quote(SENTINEL, safe='')} y") and leaks(json.dumps({"k": SENTINEL}))
    assert leaks(quote_plus(SENTINEL)) and not leaks("at_Sentinel")
