"""Benchmark: ``lco.embed`` against the official ``openai`` package on the same server.

    python benchmarks/bench_embed.py [--texts 4000] [--rounds 6] [--quick --results DIR]

The emulator runs in its own process (``python -m lcoai_notebook.emulator --flavor openai``)
on 127.0.0.1. Both sides embed the same 4,000 short, distinct texts with
``text-embedding-3-small`` and end with the same ``(n, 1536)`` float32 matrix:

- ours: ``lco.embed(texts, client)`` (concurrent requests, base64 decoded into one matrix);
- peer: ``openai.OpenAI(base_url=..., api_key=...)``, ``client.embeddings.create`` with 2,048
  inputs at a time, one after another as a user would write it, then
  ``np.asarray([d.embedding for d in resp.data], dtype=np.float32)``.

No cache is used (every run sends every text). Target: ours >= 2x faster, as the median over
interleaved rounds of the peer's wall time over ours in the same round (``_common``). The two
matrices are compared for exact equality. Writes ``benchmarks/results/bench_embed.json``. The
emulator subprocess is always stopped.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time

import numpy as np
from _common import (
    check_quick,
    common_args,
    headline,
    interleaved,
    paired_ratio,
    summaries,
    summary,
    write_result,
)

MODEL = "text-embedding-3-small"
KEY = "sk-emulator"  # replaced by the emulator's default key below


def make_texts(n: int) -> list[str]:
    """Short, distinct, sentence-like texts (deterministic)."""
    rng = np.random.default_rng(42)
    subjects = ["the cat", "a dog", "my neighbour", "the market", "our team", "a student",
                "the bank", "this recipe", "the old car", "a small bird"]
    verbs = ["likes", "ignored", "bought", "watched", "fixed", "sold", "painted", "found"]
    objects = ["the red ball", "fresh bread", "a new bond", "the garden", "cheap stocks",
               "the blue door", "warm milk", "a long report", "the river", "old coins"]
    picks = rng.integers(0, 10, size=(n, 3))
    return [f"{subjects[a]} {verbs[b % 8]} {objects[c]} on day {i}"
            for i, (a, b, c) in enumerate(picks)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_emulator(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lcoai_notebook.emulator", "--port", str(port), "--flavor",
         "openai"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_ready(proc: subprocess.Popen, url: str, key: str, timeout: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"emulator exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            r = httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {key}"}, timeout=1)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"emulator did not answer within {timeout}s")


def run_ours(url: str, key: str, texts: list[str], **kw) -> np.ndarray:
    import lcoai_notebook as lco

    with lco.Client(api_token=key, base_url=url, flavor="openai") as client:
        return lco.embed(texts, client, MODEL, progress=False, **kw)


def run_openai(url: str, key: str, texts: list[str]) -> tuple[np.ndarray, float]:
    """The peer; also returns the seconds spent before building the numpy matrix."""
    import openai

    with openai.OpenAI(base_url=url, api_key=key, max_retries=0) as client:
        t0 = time.perf_counter()
        rows: list = []
        for i in range(0, len(texts), 2048):
            resp = client.embeddings.create(model=MODEL, input=texts[i:i + 2048])
            rows.extend(d.embedding for d in resp.data)
        t_calls = time.perf_counter() - t0
        return np.asarray(rows, dtype=np.float32), t_calls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=int, default=4_000)
    common_args(ap, rounds=6)
    ap.add_argument("--batch-size", type=int, default=None, help="embed's batch_size")
    ap.add_argument("--max-concurrency", type=int, default=None, help="embed's max_concurrency")
    args = ap.parse_args()
    check_quick(args)
    if args.quick:
        args.texts = 300
    rounds = 1 if args.quick else args.rounds

    from lcoai_notebook.emulator import DEFAULT_OPENAI_KEY

    key = DEFAULT_OPENAI_KEY
    texts = make_texts(args.texts)
    assert len(set(texts)) == len(texts)
    kw = {}
    if args.batch_size:
        kw["batch_size"] = args.batch_size
    if args.max_concurrency:
        kw["max_concurrency"] = args.max_concurrency
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    proc = start_emulator(port)
    peer_calls: list[float] = []
    try:
        wait_ready(proc, url, key)
        print(f"embed {len(texts)} short texts from the emulator at {url} (own process)")
        ours = run_ours(url, key, texts, **kw)
        peer, _ = run_openai(url, key, texts)
        same = ours.shape == peer.shape and bool(np.array_equal(ours, peer))
        del ours, peer

        def peer_run() -> None:
            peer_calls.append(run_openai(url, key, texts)[1])

        # Round by round, the order rotated, on the wall clock (the point of embed is that its
        # requests overlap); the speedup is taken within each round (_common.paired_ratio).
        # "ours_peer_pattern" is our client sending the peer's pattern (2,048 inputs a request,
        # one after another): the decomposition of the speedup, every other round.
        runs = interleaved(
            {"ours": lambda: run_ours(url, key, texts, **kw), "peer": peer_run,
             "ours_peer_pattern": lambda: run_ours(url, key, texts, batch_size=2048,
                                                   max_concurrency=1)},
            rounds, warmup=0, every={"ours_peer_pattern": 2})
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()

    speedup = paired_ratio(runs, "peer", "ours", "wall")
    runs["peer_requests_only"] = {"round": runs["peer"]["round"], "wall": peer_calls,
                                  "cpu": runs["peer"]["cpu"]}
    speedup_calls = paired_ratio(runs, "peer_requests_only", "ours", "wall")
    del runs["peer_requests_only"]
    import openai

    import lcoai_notebook.embeddings as emb

    result = {
        "texts": len(texts), "model": MODEL, "rounds": rounds, "clock": "wall",
        "ratios": "median over rounds of the two contenders' quotient in the same round",
        "ours": {"name": "lcoai_notebook.embed",
                 "batch_size": kw.get("batch_size", "default"),
                 "max_concurrency": kw.get("max_concurrency", "default")},
        "peer": {"name": f"openai {openai.__version__} embeddings.create, 2048 inputs a request, "
                         "sequential, then np.asarray(float32)",
                 "seconds_requests_only": summary(peer_calls)},
        "seconds": summaries(runs),
        "speedup": round(speedup, 3), "speedup_vs_requests_only": round(speedup_calls, 3),
        "speedup_of_minimums": round(min(runs["peer"]["wall"]) / min(runs["ours"]["wall"]), 3),
        "speedup_peer_pattern": round(
            paired_ratio(runs, "peer", "ours_peer_pattern", "wall"), 3),
        "target_speedup": 2.0, "identical_matrices": same,
        "defaults": {"batch_size": emb.embed.__kwdefaults__["batch_size"],
                     "max_concurrency": emb.embed.__kwdefaults__["max_concurrency"]},
        "machine": {"cpus": os.cpu_count()},
        "pass": speedup >= 2.0 and same,
        "headline": [headline("openai / lcoai_notebook.embed (speedup)", speedup,
                              "openai (official package)", 2.0, at_least=True)],
    }
    print(f"speedup: {speedup:.2f}x (target >= 2x); against the peer's requests alone "
          f"{speedup_calls:.2f}x; identical matrices: {same}")
    write_result("bench_embed", result, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
