"""Shared benchmark plumbing: start the loopback server, time contenders round by round, take
ratios within rounds, write results.

The method, and why (issue 11: two consecutive runs must agree within 25% on a 2-core machine
shared with other work): contenders are interleaved round by round, many short rounds, the
garbage collector off during each call, the same input objects every time, after a warm-up;
client benchmarks are timed on this process's CPU clock (the server is another process), as
wall time there is mostly the scheduler's; and ratios are the median over rounds of the two
contenders' quotient in the same round (:func:`paired_ratio`), each contender's minimum, median
and spread being reported beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
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


CLOCKS = ("cpu", "wall")
Runs = dict[str, dict[str, list[float]]]
"""Per contender: ``{"round": [...], "cpu": [...], "wall": [...]}``, the rounds it ran in and
its seconds there on each clock."""


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int = 5,
                warmup: int = 1, every: dict[str, int] | None = None) -> Runs:
    """Time each contender round by round: every round runs each contender once, the order
    rotated from round to round; each call is timed on this process's CPU clock (all its
    threads) and on the wall clock.

    Timing one contender's runs in a block and the next one's after lets a burst of load from
    another process land on one contender only (the stream ratio moved from 1.5x to 3x between
    runs that way). Interleaved, contenders in one round run seconds apart under the same load,
    which is why :func:`paired_ratio` compares them round by round.

    The garbage collector is off during each call and collected before it, as ``timeit`` does,
    so no contender pays for a collection of garbage another left (a full collection of the
    ~94,000 objects the clients' imports make took 0.23 s, longer than the floor runs); the
    objects alive after the warm-up are frozen out of the collector, so collecting stays cheap.

    ``every`` names contenders that run only every n-th round (a peer thirty times slower than
    the floor would otherwise take the whole time budget); the others run every round.
    """
    names = list(contenders)
    every = every or {}
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    runs: Runs = {name: {"round": [], "cpu": [], "wall": []} for name in names}
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    try:
        for r in range(rounds):
            shift = r % len(names)
            for name in names[shift:] + names[:shift]:
                if r % every.get(name, 1):
                    continue
                gc.collect()
                gc.disable()
                c0, t0 = time.process_time(), time.perf_counter()
                contenders[name]()
                t1, c1 = time.perf_counter(), time.process_time()
                gc.enable()
                runs[name]["round"].append(r)
                runs[name]["cpu"].append(c1 - c0)
                runs[name]["wall"].append(t1 - t0)
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
        else:
            gc.disable()
    return runs


def paired_ratio(runs: Runs, num: str, den: str, clock: str = "cpu") -> float:
    """The median over rounds of ``num``'s time over ``den``'s time in the same round.

    This is the figure the targets are checked on. On a machine shared with other work the
    minimum of each contender is an extreme value, decided by the one round the scheduler left
    alone (the stream's minimum for ours moved by 36% between two runs while the floor's held);
    two contenders timed back to back in one round share the load, so their quotient cancels
    most of it, and the median drops the rounds where a burst hit only one of them.
    """
    a = dict(zip(runs[num]["round"], runs[num][clock], strict=True))
    b = dict(zip(runs[den]["round"], runs[den][clock], strict=True))
    return statistics.median(a[r] / b[r] for r in a if r in b)


def summary(times: list[float]) -> dict[str, float | None]:
    """``min``, ``median``, and ``spread``: (max - min) / min."""
    low = min(times)
    return {"min": round(low, 5), "median": round(statistics.median(times), 5),
            "spread": round((max(times) - low) / low, 3) if low > 0 else None}


def summaries(runs: Runs) -> dict[str, dict[str, dict[str, float | None]]]:
    """:func:`summary` of every contender on every clock, with its number of rounds."""
    return {name: {"rounds": len(r["round"]), **{clock: summary(r[clock]) for clock in CLOCKS}}
            for name, r in runs.items()}


def common_args(ap: argparse.ArgumentParser, rounds: int) -> None:
    """The options every benchmark takes: ``--rounds``, ``--results`` and ``--quick``."""
    ap.add_argument("--rounds", type=int, default=rounds,
                    help=f"timed rounds, each contender once a round (default {rounds})")
    ap.add_argument("--results", type=Path, default=RESULTS,
                    help="directory the result JSON is written to (default benchmarks/results)")
    # A tiny run that shows the script works end to end and writes a well-formed result; its
    # figures mean nothing, so it must be pointed away from the real results.
    ap.add_argument("--quick", action="store_true",
                    help="a tiny smoke run (needs --results pointing elsewhere)")


def check_quick(args: argparse.Namespace) -> None:
    """Refuse ``--quick`` writing its meaningless figures over the real results."""
    if args.quick and Path(args.results).resolve() == RESULTS.resolve():
        raise SystemExit("--quick writes figures that mean nothing: pass --results DIR too")


def headline(ratio: str, value: float, peer: str, target: float | None = None,
             at_least: bool = False) -> dict:
    """One ratio the runner compares between runs, with its target when it has one
    (``value <= target``, or ``value >= target`` when ``at_least``)."""
    entry: dict = {"ratio": ratio, "value": round(value, 4), "peer": peer}
    if target is not None:
        entry["target"] = f"{'>=' if at_least else '<='} {target}"
        entry["pass"] = bool(value >= target if at_least else value <= target)
    return entry


def write_result(name: str, result: dict, results: Path = RESULTS) -> Path:
    """Write ``results/<name>.json`` (the benchmark's name, Python version and date first) and
    print it; return the path."""
    results = Path(results)
    results.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": name, "python": sys.version.split()[0],
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), **result}
    out = results / f"{name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return out


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
                       peer: Callable[[object], object], clients: tuple, rounds: int,
                       floor_name: str, target: float, peer_every: int = 1) -> dict:
    """The floor, ours (both flavors) and the official package timed round by round
    (:func:`interleaved`); ratios by :func:`paired_ratio` on the CPU clock (each one's minimum,
    median and spread on both clocks are reported too); closes the clients. The official
    package, the slowest by far, runs every ``peer_every``-th round only.

    The server runs in its own process, so this process's CPU time is the client's own work on
    the bytes, which is what the floor and the peers are compared on.
    """
    ours_openai, ours_lca, official = clients
    try:
        runs = interleaved({floor_name: floor,
                            "lcoai_notebook": lambda: ours(ours_openai),
                            "lcoai_notebook_lowcodeapi_flavor": lambda: ours(ours_lca),
                            "openai_official": lambda: peer(official)}, rounds,
                           every={"openai_official": peer_every})
    finally:
        for c in clients:
            c.close()
    ratio = paired_ratio(runs, "lcoai_notebook", floor_name)
    vs_openai = paired_ratio(runs, "lcoai_notebook", "openai_official")
    return {
        "rounds": rounds,
        "clock": "cpu (this process; the server is another)",
        "ratios": "median over rounds of the two contenders' quotient in the same round",
        "seconds": summaries(runs),
        "ratio_ours_vs_floor": round(ratio, 3),
        "ratio_ours_lowcodeapi_vs_floor": round(
            paired_ratio(runs, "lcoai_notebook_lowcodeapi_flavor", floor_name), 3),
        "ratio_ours_vs_openai": round(vs_openai, 3),
        "ratio_openai_vs_floor": round(paired_ratio(runs, "openai_official", floor_name), 3),
        "ratio_ours_vs_floor_of_minimums": round(
            min(runs["lcoai_notebook"]["cpu"]) / min(runs[floor_name]["cpu"]), 3),
        "ratio_ours_vs_floor_wall": round(
            paired_ratio(runs, "lcoai_notebook", floor_name, "wall"), 3),
        "target": f"lcoai_notebook <= {target}x floor",
        "pass": ratio <= target,
        "headline": [
            headline("lcoai_notebook / floor", ratio, floor_name, target),
            headline("lcoai_notebook / openai", vs_openai, "openai (official package)"),
        ],
    }
