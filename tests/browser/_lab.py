"""A JupyterLab (or Notebook 7) server and a Chromium page for the browser suite.

The server runs in a temporary folder on 127.0.0.1 with no token, the offline emulator behind its
kernels (``LCOAI_OFFLINE=1``; every other ``LCOAI_*``/``OPENAI_*`` variable removed), and its own
settings folder (news off, theme chosen per test). Chromium is Debian's, driven by Playwright
with the flags that work on these machines.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def chromium_path() -> str | None:
    """Debian's Chromium binary (the real one behind the wrapper script when it is there)."""
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``jupyter lab`` (or ``jupyter notebook``) serving ``root`` on a free loopback port."""

    def __init__(self, root: Path, app: str = "lab", theme: str = "JupyterLab Light",
                 command: list[str] | None = None, settings_parent: Path | None = None) -> None:
        self.root = root
        self.app = app
        self.port = free_port()
        scratch = settings_parent or root.parent
        self.settings = scratch / f"settings-{app}-{self.port}"
        if app == "lab":
            self._write_settings(theme)
        else:
            self.settings.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LCOAI_", "OPENAI_"))}
        env.update(LCOAI_OFFLINE="1", JUPYTERLAB_SETTINGS_DIR=str(self.settings),
                   PYTHONUNBUFFERED="1")
        if command is None:
            command = [sys.executable, "-m", "jupyter", app]
        args = [*command, "--no-browser", f"--port={self.port}", "--ServerApp.ip=127.0.0.1",
                "--IdentityProvider.token=", "--ServerApp.password=",
                "--ServerApp.open_browser=False"]
        if command[:2] == [sys.executable, "-m"]:
            args.append(f"--ServerApp.root_dir={root}")
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "lcoai-notebook" not in " ".join(
                command):
            args.append("--allow-root")
        self.log_path = scratch / f"{app}-{self.port}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=root)
        self._wait_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_settings(self, theme: str) -> None:
        apputils = self.settings / "@jupyterlab" / "apputils-extension"
        apputils.mkdir(parents=True, exist_ok=True)
        (apputils / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        (apputils / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
        # No autosave: running a notebook in a test must never rewrite the file on disk.
        docmanager = self.settings / "@jupyterlab" / "docmanager-extension"
        docmanager.mkdir(parents=True, exist_ok=True)
        (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))

    def _wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the {self.app} server exited: "
                                   f"{self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the {self.app} server did not start in {timeout:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()


def write_notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


class PageErrors:
    """Console errors and uncaught exceptions of a page (collected as they happen)."""

    #: Errors the page logs for reasons outside the package under test.
    BENIGN = ("favicon", "Failed to load resource: the server responded with a status of 404",
              "ERR_INTERNET_DISCONNECTED", "net::ERR_", "lsp", "Could not find a language server")

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def real(self) -> list[str]:
        return [e for e in self.errors if not any(b in e for b in self.BENIGN)]


def _accept_kernel_dialog(page: Any) -> None:
    dialog = page.locator(".jp-Dialog button.jp-mod-accept")
    if dialog.count():
        dialog.first.click()


def run_all(page: Any, app: str = "lab", attempts: int = 3) -> None:
    """Run every cell of the open notebook from the menu, as a person would.

    Waits for the kernel to be idle first (JupyterLab may ask which kernel to start: the
    notebook's own is accepted), and clicks again if the first click came too early to start
    anything (seen on a loaded machine).
    """
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    for _ in range(attempts):
        deadline = 60_000
        while deadline > 0:
            _accept_kernel_dialog(page)
            if page.evaluate("() => /Idle/.test(document.body.innerText.match("
                             "/(Python 3[^\\n]*)/)?.[0] || '') || "
                             "!!document.querySelector('.jp-Notebook-ExecutionIndicator"
                             "[data-status=\"idle\"]')"):
                break
            page.wait_for_timeout(500)
            deadline -= 500
        page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
        page.click("div.lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
                ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))", timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - a click too early: try again
            page.keyboard.press("Escape")
    raise AssertionError("Run All Cells did not start the notebook")


def wait_idle(page: Any, cells: int, timeout: float = 60_000) -> None:
    """Wait until ``cells`` cells have an execution count (all ran)."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.jp-InputArea-prompt')]"
        ".filter(e => /\\[\\d+\\]/.test(e.textContent)).length >= n", arg=cells,
        timeout=timeout)
