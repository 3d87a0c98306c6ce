"""Request-body limits: OpenAI-shaped 413s, bodies read within bounded memory, in both shells.

The memory test runs the loopback server in a child process and reads the child's peak RSS
(``VmHWM``, reset between phases through ``/proc/<pid>/clear_refs``).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lcoai_notebook.emulator import EmuConfig, Emulator
from lcoai_notebook.emulator._router import json_cost, strict_loads

MiB = 2**20


def _error(flavor: str, resp: httpx.Response) -> dict[str, Any]:
    body = resp.json()
    if flavor == "lowcodeapi":
        assert body["provider"] == "openai" and isinstance(body["headers"], dict)
        return body["error"]["error"]
    return body["error"]


def _client(emu: Emulator) -> tuple[httpx.Client, str, dict[str, str], dict[str, str]]:
    http = httpx.Client(transport=emu.transport(), timeout=None)
    if emu.config.flavor == "lowcodeapi":
        return http, "http://emulator.invalid/openai", {"api_token": emu.api_token}, {}
    return (http, "http://emulator.invalid", {},
            {"Authorization": f"Bearer {emu.api_token}"})


def _chat_body(size: int, prompt: str = "Describe the image.") -> bytes:
    """A chat request with an inline image, ``size`` bytes long (the legitimate large body)."""
    head = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": [
        {"type": "text", "text": prompt},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,"}}]}]},
        ensure_ascii=False).encode()
    cut = head.index(b"base64,") + len(b"base64,")
    return head[:cut] + b"A" * (size - len(head)) + head[cut:]


def test_defaults_are_openais_documented_sizes() -> None:
    config = EmuConfig()
    assert (config.max_json_body, config.max_file_upload, config.max_audio_upload) == (
        64 * MiB, 512 * MiB, 25 * MiB)
    with pytest.raises(ValueError, match="max_json_body must be a positive"):
        Emulator(max_json_body=0)


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_json_body_over_the_limit_is_an_openai_413(flavor: str) -> None:
    emu = Emulator(flavor=flavor, max_json_body=64 * 1024)
    http, base, params, headers = _client(emu)
    with http:
        ok = http.post(base + "/v1/chat/completions", params=params, headers=headers,
                       content=_chat_body(60 * 1024))
        assert ok.status_code == 200, ok.text
        resp = http.post(base + "/v1/chat/completions", params=params, headers=headers,
                         content=_chat_body(64 * 1024 + 1))
        assert resp.status_code == 413
        err = _error(flavor, resp)
        assert err["type"] == "invalid_request_error" and err["code"] == "request_too_large"
        assert f"({64 * 1024})" in err["message"] and f"({64 * 1024 + 1} bytes)" in err["message"]


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_a_streamed_body_is_read_only_up_to_the_limit(flavor: str) -> None:
    emu = Emulator(flavor=flavor, max_json_body=256 * 1024)
    http, base, params, headers = _client(emu)
    sent = []

    def chunks() -> Iterator[bytes]:
        yield b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "'
        for _ in range(10_000):  # 640 MB if it were all read
            sent.append(1)
            yield b"x" * 65536
        yield b'"}]}'

    with http:
        resp = http.post(base + "/v1/chat/completions", params=params, headers=headers,
                         content=chunks())
    assert resp.status_code == 413 and "more than 262144 bytes read" in _error(
        flavor, resp)["message"]
    assert len(sent) <= 5  # it stopped reading just past the limit


def test_upload_limits_are_per_route() -> None:
    emu = Emulator(flavor="openai", max_audio_upload=100_000, max_file_upload=300_000,
                   max_json_body=10_000)
    http, base, params, headers = _client(emu)
    wav = b"RIFF" + b"\x00" * 1_200_000
    with http:
        resp = http.post(base + "/v1/audio/transcriptions", headers=headers,
                         data={"model": "whisper-1"}, files={"file": ("a.wav", wav, "audio/wav")})
        assert resp.status_code == 413
        assert "100000 bytes for an audio file" in resp.json()["error"]["message"]
        jsonl = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", ' \
                b'"content": "yo"}]}\n' * 2500  # ~220 KB: over the JSON limit, within the file one
        resp = http.post(base + "/v1/files", headers=headers, data={"purpose": "fine-tune"},
                         files={"file": ("t.jsonl", jsonl, "application/jsonl")})
        assert resp.status_code == 200, resp.text
        resp = http.post(base + "/v1/files", headers=headers, data={"purpose": "fine-tune"},
                         files={"file": ("t.jsonl", jsonl * 7, "application/jsonl")})
        assert resp.status_code == 413 and "for a file" in resp.json()["error"]["message"]


def test_json_that_would_explode_in_memory_is_refused_before_parsing() -> None:
    # 3 bytes per empty object, ~36 bytes once parsed, plus the slot: ~20x.
    body = b'{"model": "gpt-4o-mini", "messages": [' + b",".join([b"{}"] * 400_000) + b"]}"
    assert json_cost(body) > 10 * len(body)
    emu = Emulator(flavor="openai", max_json_body=2 * MiB)
    http, base, params, headers = _client(emu)
    with http:
        resp = http.post(base + "/v1/chat/completions", headers=headers, content=body)
    assert len(body) < 2 * MiB and resp.status_code == 413
    assert "too large to parse" in resp.json()["error"]["message"]


@pytest.mark.parametrize("value", [
    {"a": "é" * 10, "ké": ["ü", {"ñ": "😀"}], "n": [1, 2.5, None, True, False]},
    {"a\\u": "\\u00e9 \\ud83d", "b": ""}, ["\u2028", "\x7f", "a\u0000b"], "😀", 1.5,
])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_strict_loads_reads_every_encoding_as_json_loads_does(value: Any,
                                                               ensure_ascii: bool) -> None:
    data = json.dumps(value, ensure_ascii=ensure_ascii).encode()
    assert strict_loads(data) == value
    assert strict_loads(bytearray(b"\xef\xbb\xbf" + data)) == value


def test_over_the_limit_over_loopback() -> None:
    with Emulator(flavor="lowcodeapi", max_json_body=100_000) as emu:
        url = emu.url + "/v1/chat/completions"
        with httpx.Client(timeout=60) as http:
            resp = http.post(url, params={"api_token": emu.api_token},
                             content=_chat_body(300_000))
            assert resp.status_code == 413 and "(300000 bytes)" in resp.text
            resp = http.post(url, params={"api_token": emu.api_token},
                             content=iter([_chat_body(300_000)[i:i + 1000]
                                           for i in range(0, 300_000, 1000)]))
            assert resp.status_code == 413 and "more than 100000 bytes" in resp.text
            # The connection is still usable afterwards.
            ok = http.post(url, params={"api_token": emu.api_token},
                           content=_chat_body(90_000))
            assert ok.status_code == 200, ok.text


# ------------------------------------------------------------------------------ memory
_CHILD = r"""
import sys
from lcoai_notebook.emulator import Emulator
emu = Emulator(flavor="openai", max_json_body=int(sys.argv[1])).start()
print(emu._server.port, flush=True)
sys.stdin.read()
"""


def _peak_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _reset_peak(pid: int) -> None:
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def _post(port: int, body: Any, headers: dict[str, str], chunked: bool) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("POST", "/v1/chat/completions", body=body, encode_chunked=chunked,
                     headers={"Authorization": "Bearer sk-emulator-workshop-key",
                              "Content-Type": "application/json", **headers})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.mark.timeout(240)
@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux /proc")
def test_peak_memory_of_a_request_is_bounded() -> None:
    limit = 32 * MiB
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(limit)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())  # type: ignore[union-attr]
        # Warm up the route (imports, first-call caches), then measure from here.
        assert _post(port, _chat_body(10_000), {}, False)[0] == 200
        time.sleep(0.2)

        # (a) a legitimate body just under the limit; the prompt is not ASCII (é, 😀).
        body = _chat_body(limit - 2 * MiB, prompt="Décris l'image 😀")
        _reset_peak(proc.pid)
        base = _peak_mib(proc.pid)
        status, answer = _post(port, body, {"Content-Length": str(len(body))}, False)
        assert status == 200, answer[:300]
        grew = _peak_mib(proc.pid) - base
        print(f"legitimate {len(body) / MiB:.0f} MiB body: peak RSS +{grew:.0f} MiB")
        del body
        assert grew <= 3 * limit / MiB, f"{grew:.0f} MiB for a {limit >> 20} MiB limit"

        # (b) 1 GB streamed in chunks of unknown total length (never held by this test).
        def gigabyte() -> Iterator[bytes]:
            chunk = b"A" * MiB
            yield b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "'
            for _ in range(1024):
                yield chunk
            yield b'"}]}'

        _reset_peak(proc.pid)
        base = _peak_mib(proc.pid)
        status, answer = _post(port, gigabyte(), {}, True)
        grew = _peak_mib(proc.pid) - base
        print(f"refused 1 GB chunked body: peak RSS +{grew:.0f} MiB")
        assert status == 413, answer[:300]
        assert grew <= 64, f"{grew:.0f} MiB for a refused 1 GB body"
    finally:
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait(30)
        proc.stdout.close()  # type: ignore[union-attr]
