"""The ``lcoai-notebook`` command's version and help texts."""

from __future__ import annotations

import subprocess
import sys

import pytest

import lcoai_notebook
from lcoai_notebook import cli
from lcoai_notebook.emulator import DEFAULT_OPENAI_KEY, DEFAULT_TOKEN


def _run(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "lcoai_notebook.cli", *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_version() -> None:
    assert _run("--version").strip() == f"lcoai-notebook {lcoai_notebook.__version__}"


@pytest.mark.parametrize("args", [("--help",), ("emulator", "--help"), ("lab", "--help")])
def test_help_has_no_stray_markup(args: tuple[str, ...]) -> None:
    text = _run(*args)
    assert text.startswith("usage: lcoai-notebook")
    for markup in ("``", ":class:", ":func:", "**"):
        assert markup not in text


def test_emulator_help_states_defaults_base_path_and_token() -> None:
    text = " ".join(_run("emulator", "--help").split())
    assert "default 8000" in text and "default lowcodeapi" in text
    assert "default buffered for lowcodeapi, incremental for openai" in text
    assert "/openai" in text and "/v1" in text
    assert DEFAULT_TOKEN in text and DEFAULT_OPENAI_KEY in text


def test_stream_mode_defaults_follow_the_flavor(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(cli, "serve_emulator",
                        lambda port, flavor, mode, **kw: seen.append((flavor, mode)) or 0)
    assert cli.main(["emulator", "--port", "0"]) == 0
    assert cli.main(["emulator", "--port", "0", "--flavor", "openai"]) == 0
    assert cli.main(["emulator", "--port", "0", "--stream-mode", "incremental"]) == 0
    assert seen == [("lowcodeapi", "buffered"), ("openai", "incremental"),
                    ("lowcodeapi", "incremental")]


@pytest.mark.timeout(120)
def test_lab_starts_serves_the_notebooks_and_stops_cleanly(tmp_path) -> None:
    import json
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LCOAI_", "OPENAI_"))}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lcoai_notebook.cli", "lab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password="],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        listing = None
        for _ in range(200):  # up to ~60 s for the server to answer
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents",
                                            timeout=2) as r:
                    listing = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.3)
        assert listing is not None, "lcoai-notebook lab did not start"
        names = {item["name"] for item in listing["content"]}
        assert {"01-quickstart.ipynb", "08-for-workshop-hosts.ipynb"} <= names
    finally:
        proc.send_signal(signal.SIGINT)  # one Ctrl-C stops the command and JupyterLab
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out[-2000:]
    assert "offline against the emulator" in out
