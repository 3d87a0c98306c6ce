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


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int = 5,
                warmup: int = 1) -> dict[str, list[float]]:
    """Seconds per run of each contender, timed round by round: every round runs each contender
    once, the order rotated from round to round.

    Timing one contender's runs in a block and the next one's after lets a burst of load from
    another process land on one contender only (the stream ratio moved from 1.5x to 3x between
    runs that way). Interleaved, a slow spell costs every contender alike, and each one's
    minimum is a run the machine left alone.
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            t0 = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def summary(times: list[float]) -> dict[str, float]:
    """``min`` (what the ratios use), ``median``, and ``spread``: (max - min) / min."""
    low = min(times)
    return {"min": round(low, 4), "median": round(statistics.median(times), 4),
            "spread": round((max(times) - low) / low, 3)}


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
    """The floor, ours (both flavors) and the official package timed round by round
    (:func:`interleaved`); ratios between their minimum times, each one's spread; closes the
    clients."""
    ours_openai, ours_lca, official = clients
    try:
        runs = interleaved({floor_name: floor,
                            "lcoai_notebook": lambda: ours(ours_openai),
                            "lcoai_notebook_lowcodeapi_flavor": lambda: ours(ours_lca),
                            "openai_official": lambda: peer(official)}, repeat)
    finally:
        for c in clients:
            c.close()
    t = {k: min(v) for k, v in runs.items()}
    f = t[floor_name]
    ratio = round(t["lcoai_notebook"] / f, 3)
    return {
        "rounds": repeat,
        "seconds": {k: summary(v) for k, v in runs.items()},
        "ratio_ours_vs_floor": ratio,
        # The same ratio taken within each round (floor and ours a few seconds apart), then the
        # median: a second figure that a machine shared with other work moves little.
        "ratio_ours_vs_floor_paired_median": round(statistics.median(
            o / fl for o, fl in zip(runs["lcoai_notebook"], runs[floor_name], strict=True)), 3),
        "ratio_ours_lowcodeapi_vs_floor": round(t["lcoai_notebook_lowcodeapi_flavor"] / f, 3),
        "ratio_ours_vs_openai": round(t["lcoai_notebook"] / t["openai_official"], 3),
        "ratio_openai_vs_floor": round(t["openai_official"] / f, 3),
        "target": f"lcoai_notebook <= {target}x floor",
        "pass": ratio <= target,
    }
