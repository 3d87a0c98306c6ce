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
