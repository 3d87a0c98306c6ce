"""The Binder setup: ``binder/requirements.txt`` in a fresh virtual environment runs every
example notebook offline, through ``binder/start`` (as repo2docker would).

Slow (a venv and an install from the local indexes); CI runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def test_binder_files_are_what_repo2docker_reads() -> None:
    assert (BINDER / "requirements.txt").read_text().count("-e .[lab]") == 1
    assert (BINDER / "runtime.txt").read_text().strip().startswith("python-3.")
    start = BINDER / "start"
    assert os.access(start, os.X_OK) and start.read_text().startswith("#!/bin/bash")


def test_start_keeps_notebooks_offline_unless_a_token_is_given() -> None:
    def offline_flag(env: dict[str, str]) -> str:
        out = subprocess.run([str(BINDER / "start"), "bash", "-c", "echo ${LCOAI_OFFLINE:-}"],
                             env=env, capture_output=True, text=True, timeout=30, check=True)
        return out.stdout.strip()

    base = {k: v for k, v in os.environ.items() if not k.startswith("LCOAI_")}
    assert offline_flag(base) == "1"
    assert offline_flag({**base, "LCOAI_API_TOKEN": "at_example"}) == ""


@pytest.mark.timeout(1500)
def test_binder_environment_runs_every_notebook(tmp_path: Path) -> None:
    env_dir = tmp_path / "binder-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LCOAI_", "OPENAI_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"

    def run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)

    # What repo2docker does with binder/requirements.txt, then the notebook checker on top.
    install = run(str(python), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt",
                  timeout=900)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    tools = run(str(python), "-m", "pip", "install", "-q", "nbval>=0.11", "pytest>=8",
                "pytest-timeout>=2.3", timeout=600)
    assert tools.returncode == 0, tools.stderr[-3000:]
    result = run(str(BINDER / "start"), str(python), "-m", "pytest", "-q", "-p",
                 "no:cacheprovider", "--nbval", "--nbval-sanitize-with",
                 "notebooks/sanitize.cfg", "notebooks", "-o", "addopts=", "-o",
                 "testpaths=notebooks", "-W", "error", timeout=900)
    assert result.returncode == 0, result.stdout[-5000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
    assert sys.version_info >= (3, 10)
