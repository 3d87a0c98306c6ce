"""The real loopback server: lifecycle, incremental and buffered streaming, drops, latency,
and the command-line entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _emu_stub import route
from _schema import validate_response

from lcoai_notebook import cli
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.emulator._router import SSE
from lcoai_notebook.emulator._routes import ROUTES


@pytest.fixture
def gate_route() -> Iterator[dict[str, object]]:
    """A stream that emits one event, then waits (bounded) for the client to say it got it."""
    before = list(ROUTES)
    state: dict[str, object] = {"gate": threading.Event(), "released_by_client": None,
                                "closed": threading.Event()}

    @route("GET", "/v1/_test/server/gate")
    def gate(req):  # noqa: ANN001, ANN202
        def gen():
            try:
                yield {"i": 0}
                state["released_by_client"] = state["gate"].wait(5.0)
                yield {"i": 1}
            finally:
                state["closed"].set()
        return SSE(gen())

    @route("GET", "/v1/_test/server/many")
    def many(req):  # noqa: ANN001, ANN202
        def gen():
            try:
                for i in range(int(req.query.get("n", "10"))):
                    yield {"i": i, "d": "x" * 20}
            finally:
                state["closed"].set()
        return SSE(gen())

    yield state
    ROUTES[:] = before


def _get(emu: Emulator, http: httpx.Client, path: str, **kw: object) -> httpx.Response:
    return http.get(emu.url + path, params={"api_token": emu.api_token}, **kw)


def test_start_stop_leaves_no_thread_and_frees_the_port() -> None:
    before = set(threading.enumerate())
    emu = Emulator()
    with emu:
        assert emu.url.startswith("http://127.0.0.1:") and emu.url.endswith("/openai")
        port = int(emu.url.split(":")[2].split("/")[0])
        assert port > 0
        with httpx.Client() as http:
            r = _get(emu, http, "/v1/models")
        assert r.status_code == 200
        validate_response("listModels", r.json()["result"])
    assert set(threading.enumerate()) <= before
    with httpx.Client() as http, pytest.raises(httpx.ConnectError):
        http.get(f"http://127.0.0.1:{port}/openai/v1/models", timeout=2)
    emu.stop()  # idempotent
    assert not emu.started


def test_restart_and_openai_flavor() -> None:
    emu = Emulator(flavor="openai")
    for _ in range(2):
        with emu, httpx.Client(headers={"Authorization": f"Bearer {emu.api_token}"}) as http:
            r = http.get(emu.url + "/models/gpt-5")
            assert r.json()["id"] == "gpt-5" and r.headers["x-request-id"].startswith("req_")


def test_stream_is_incremental_over_loopback(gate_route) -> None:
    with Emulator(stream_mode="incremental") as emu, httpx.Client(timeout=10) as http:
        with http.stream("GET", emu.url + "/v1/_test/server/gate",
                         params={"api_token": emu.api_token}) as r:
            assert "content-length" not in r.headers
            lines = []
            for line in r.iter_lines():
                if not line:
                    continue
                lines.append(line)
                if len(lines) == 1:
                    # The first event arrived while the generator is still waiting: release it.
                    gate_route["gate"].set()
    assert gate_route["released_by_client"] is True
    assert lines == ['data: {"i":0}', 'data: {"i":1}', "data: [DONE]"]


def test_buffered_stream_arrives_in_one_body(gate_route) -> None:
    with Emulator(stream_mode="buffered") as emu, httpx.Client(timeout=10) as http:
        gate_route["gate"].set()
        r = _get(emu, http, "/v1/_test/server/gate")
    assert r.headers["content-length"] == str(len(r.content))
    assert r.text.endswith("data: [DONE]\n\n") and r.text.count("data:") == 3


def test_large_stream_is_complete_and_fast(gate_route) -> None:
    with Emulator(stream_mode="incremental") as emu, httpx.Client(timeout=30) as http:
        t0 = time.perf_counter()
        with http.stream("GET", emu.url + "/v1/_test/server/many",
                         params={"api_token": emu.api_token, "n": "20000"}) as r:
            lines = [ln for ln in r.iter_lines() if ln]
        elapsed = time.perf_counter() - t0
    assert len(lines) == 20001 and json.loads(lines[-2][6:])["i"] == 19999
    assert elapsed < 10  # generous: batching keeps this well under a second on a laptop


def test_client_leaving_mid_stream_stops_the_generator(gate_route) -> None:
    with Emulator(stream_mode="incremental") as emu, httpx.Client(timeout=10) as http:
        with http.stream("GET", emu.url + "/v1/_test/server/many",
                         params={"api_token": emu.api_token, "n": "10000000"}) as r:
            next(r.iter_raw())
        assert gate_route["closed"].wait(5.0)
        assert _get(emu, http, "/v1/models").status_code == 200


def test_drop_is_a_protocol_error_over_loopback() -> None:
    with Emulator() as emu, httpx.Client(timeout=5) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            _get(emu, http, "/v1/models", headers={"X-Emulator-Fault": "drop=1"})
        assert _get(emu, http, "/v1/models").status_code == 200


def test_latency_does_not_block_other_requests() -> None:
    with Emulator() as emu:
        slow: dict[str, float] = {}

        def call_slow() -> None:
            with httpx.Client(timeout=5) as http:
                t0 = time.perf_counter()
                _get(emu, http, "/v1/models", headers={"X-Emulator-Fault": "latency=0.6"})
                slow["elapsed"] = time.perf_counter() - t0

        t = threading.Thread(target=call_slow)
        t.start()
        time.sleep(0.05)
        with httpx.Client(timeout=5) as http:
            t0 = time.perf_counter()
            assert _get(emu, http, "/v1/models").status_code == 200
            fast = time.perf_counter() - t0
        t.join(5)
    assert slow["elapsed"] >= 0.6 and fast < 0.4


def test_concurrent_requests_over_loopback() -> None:
    with Emulator() as emu:
        codes: list[int] = []

        def worker() -> None:
            with httpx.Client(timeout=10) as http:
                codes.extend(_get(emu, http, "/v1/models/gpt-5").status_code for _ in range(10))

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    assert codes == [200] * 40


# -- command line ---------------------------------------------------------------------------------

def _serve(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LCOAI_", "OPENAI_"))}
    proc = subprocess.Popen([sys.executable, "-W", "error", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 20
    line = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if "serving at" in line or not line:
            break
    return proc, line


@pytest.mark.parametrize("args,suffix,flavor", [
    (["-m", "lcoai_notebook.emulator", "--port", "0"], "/openai", "lowcodeapi"),
    (["-m", "lcoai_notebook.cli", "emulator", "--port", "0", "--flavor", "openai",
      "--stream-mode", "buffered", "--latency", "0.01"], "/v1", "openai"),
])
def test_cli_serves_and_stops_cleanly(args: list[str], suffix: str, flavor: str) -> None:
    proc, line = _serve(args)
    try:
        assert "serving at http://127.0.0.1:" in line, line
        url = line.split("serving at ")[1].strip()
        assert url.endswith(suffix)
        with httpx.Client(timeout=5) as http:
            if flavor == "lowcodeapi":
                r = http.get(url + "/v1/models", params={"api_token": Emulator().api_token})
                assert r.json()["result"]["object"] == "list"
            else:
                r = http.get(url + "/models", headers={
                    "Authorization": f"Bearer {Emulator(flavor='openai').api_token}"})
                assert r.json()["object"] == "list"
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Warning" not in err


def test_lab_as_root_allows_root(monkeypatch, tmp_path: Path) -> None:
    calls = []
    monkeypatch.setattr(cli, "notebooks_dir", lambda: tmp_path)
    monkeypatch.setattr(cli, "_have_jupyterlab", lambda: True)
    monkeypatch.setattr(cli, "_is_root", lambda: True)
    monkeypatch.setattr(cli, "_run_lab", lambda args, cwd, env: calls.append(args) or 0)
    assert cli.main(["lab", "--no-browser"]) == 0
    assert cli.main(["lab", "--allow-root"]) == 0
    assert calls == [["--no-browser", "--allow-root"], ["--allow-root"]]


def test_lab_without_jupyterlab_says_what_to_install(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setattr(cli, "notebooks_dir", lambda: tmp_path)
    monkeypatch.setattr(cli, "_have_jupyterlab", lambda: False)
    monkeypatch.setattr(cli, "_run_lab", lambda *a: pytest.fail("JupyterLab must not start"))
    assert cli.main(["lab"]) == 1
    assert "pip install 'lcoai-notebook[lab]'" in capsys.readouterr().err


def test_cli_rejects_bad_options() -> None:
    r = subprocess.run([sys.executable, "-m", "lcoai_notebook.emulator", "--flavor", "azure"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = subprocess.run([sys.executable, "-m", "lcoai_notebook.emulator", "--fault-rate", "2"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 2 and "fault_rate" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("token", [None, "at_live_token"])
def test_lab_sets_offline_unless_token(monkeypatch, tmp_path: Path, capsys, token) -> None:
    calls = []
    monkeypatch.setattr(cli, "notebooks_dir", lambda: tmp_path)
    monkeypatch.setattr(cli, "_have_jupyterlab", lambda: True)
    monkeypatch.setattr(cli, "_is_root", lambda: False)
    monkeypatch.setattr(cli, "_run_lab", lambda args, cwd, env: calls.append((args, cwd, env))
                        or 0)
    if token:
        monkeypatch.setenv("LCOAI_API_TOKEN", token)
    assert cli.main(["lab", "--no-browser", "--port", "9999"]) == 0
    args, cwd, env = calls[0]
    assert args == ["--no-browser", "--port", "9999"] and cwd == tmp_path
    out = capsys.readouterr().out
    if token:
        assert "LCOAI_OFFLINE" not in env and "live" in out
        assert token not in out
    else:
        assert env["LCOAI_OFFLINE"] == "1" and "offline" in out


def test_notebooks_dir_prefers_the_checkout() -> None:
    assert cli.notebooks_dir() == Path(cli.__file__).resolve().parent.parent / "notebooks" or \
        cli.notebooks_dir().name == "notebooks"


def test_stop_during_an_unread_stream_is_bounded_and_leaves_no_thread(gate_route) -> None:
    before = set(threading.enumerate())
    emu = Emulator(stream_mode="incremental").start()
    http = httpx.Client(timeout=10)
    try:
        with http.stream("GET", emu.url + "/v1/_test/server/many",
                         params={"api_token": emu.api_token, "n": "10000000"}) as r:
            next(r.iter_raw())  # then stop reading: the server fills its buffers and waits
            t0 = time.perf_counter()
            emu.stop()
            stopped_in = time.perf_counter() - t0
    except httpx.HTTPError:
        pass  # the client may see the connection end; all that matters is the server side
    finally:
        http.close()
    assert stopped_in < 8
    assert gate_route["closed"].wait(5.0)
    deadline = time.monotonic() + 5
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert set(threading.enumerate()) <= before
