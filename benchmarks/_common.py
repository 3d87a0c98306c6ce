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


def three_clients(url: str):
    """The clients the wire benchmarks compare on one loopback server: ours in the openai and
    lowcodeapi flavors, and the official ``openai`` package."""
    import openai

    import lcoai_notebook as lco

    return (lco.Client(api_token="sk-bench", base_url=url + "/v1", flavor="openai",
                       max_retries=0),
            lco.Client(api_token="at_bench", base_url=url + "/openai", flavor="lowcodeapi",
                       max_retries=0),
            openai.OpenAI(api_key="sk-bench", base_url=url + "/v1", max_retries=0))


def time_against_floor(floor: Callable[[], object], ours: Callable[[object], object],
                       peer: Callable[[object], object], clients: tuple, repeat: int,
                       floor_name: str, target: float) -> dict:
    """Median times of the floor, ours (both flavors) and the official package, and the ratios
    between them; closes the clients."""
    ours_openai, ours_lca, official = clients
    try:
        t = {floor_name: best_of(floor, repeat),
             "lcoai_notebook": best_of(lambda: ours(ours_openai), repeat),
             "lcoai_notebook_lowcodeapi_flavor": best_of(lambda: ours(ours_lca), repeat),
             "openai_official": best_of(lambda: peer(official), repeat)}
    finally:
        for c in clients:
            c.close()
    f = t[floor_name]
    ratio = round(t["lcoai_notebook"] / f, 3)
    return {
        "median_seconds": {k: round(v, 4) for k, v in t.items()},
        "ratio_ours_vs_floor": ratio,
        "ratio_ours_lowcodeapi_vs_floor": round(t["lcoai_notebook_lowcodeapi_flavor"] / f, 3),
        "ratio_ours_vs_openai": round(t["lcoai_notebook"] / t["openai_official"], 3),
        "ratio_openai_vs_floor": round(t["openai_official"] / f, 3),
        "target": f"lcoai_notebook <= {target}x floor",
        "pass": ratio <= target,
    }
