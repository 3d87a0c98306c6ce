"""Shared benchmark plumbing: start the loopback server, time repeats, write results."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).parent
RESULTS = HERE / "results"


@contextlib.contextmanager
def loopback_server(script: str = "_loopback.py", *args: str,
                    wait: float = 60.0) -> Iterator[str]:
    """Start ``script`` in its own process; yield ``http://127.0.0.1:PORT``; always stop it."""
    with tempfile.TemporaryDirectory() as tmp:
        portfile = os.path.join(tmp, "port")
        proc = subprocess.Popen([sys.executable, str(HERE / script), portfile, *args])
        try:
            deadline = time.monotonic() + wait
            url = None
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError(f"{script} exited with {proc.returncode}")
                if os.path.exists(portfile) and open(portfile).read().strip():
                    url = f"http://127.0.0.1:{open(portfile).read().strip()}"
                    try:
                        httpx.get(url + "/ping", timeout=1.0)
                        break
                    except httpx.HTTPError:
                        pass
                time.sleep(0.05)
            else:
                raise RuntimeError(f"{script} did not start within {wait} s")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def best_of(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """The median of ``repeat`` timings after ``warmup`` untimed runs (seconds)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def write_result(name: str, result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    result = {"benchmark": name, "python": sys.version.split()[0],
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
