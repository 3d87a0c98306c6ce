"""Benchmark: ``lco.embed`` against the official ``openai`` package on the same server.

    python benchmarks/bench_embed.py [--texts 20000] [--repeats 2]

The emulator runs in its own process (``python -m lcoai_notebook.emulator --flavor openai``)
on 127.0.0.1. Both sides embed the same 20,000 short, distinct texts with
``text-embedding-3-small`` and end with the same ``(n, 1536)`` float32 matrix:

- ours: ``lco.embed(texts, client)`` (concurrent requests, base64 decoded into one matrix);
- peer: ``openai.OpenAI(base_url=..., api_key=...)``, ``client.embeddings.create`` with 2,048
  inputs at a time, one after another as a user would write it, then
  ``np.asarray([d.embedding for d in resp.data], dtype=np.float32)``.

No cache is used (every run sends every text). Target: ours >= 2x faster. The two matrices are
compared for exact equality. Writes ``benchmarks/results/bench_embed.json``. The emulator
subprocess is always stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results"
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
    ap.add_argument("--texts", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=None, help="embed's batch_size")
    ap.add_argument("--max-concurrency", type=int, default=None, help="embed's max_concurrency")
    args = ap.parse_args()

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
    try:
        wait_ready(proc, url, key)
        print(f"embed {len(texts)} short texts from the emulator at {url} (own process)")
        run_ours(url, key, texts[:100], **kw)  # warm up both paths (imports, connections)
        run_openai(url, key, texts[:100])
        t_ours, t_peer, t_peer_calls = [], [], []
        same = True
        for r in range(args.repeats):
            order = ("ours", "peer") if r % 2 == 0 else ("peer", "ours")
            for name in order:
                t0 = time.perf_counter()
                if name == "ours":
                    ours = run_ours(url, key, texts, **kw)
                    t_ours.append(time.perf_counter() - t0)
                else:
                    peer, calls = run_openai(url, key, texts)
                    t_peer.append(time.perf_counter() - t0)
                    t_peer_calls.append(calls)
            same = same and ours.shape == peer.shape and bool(np.array_equal(ours, peer))
            print(f"  run {r + 1}: lco.embed {t_ours[-1]:.2f}s  openai {t_peer[-1]:.2f}s "
                  f"(of which requests {t_peer_calls[-1]:.2f}s)")
        # Decomposition: our client with the peer's request pattern (2,048 a time, sequential).
        t0 = time.perf_counter()
        run_ours(url, key, texts, batch_size=2048, max_concurrency=1)
        t_same_pattern = time.perf_counter() - t0
        print(f"  lco.embed with the peer's pattern (2048 a request, sequential): "
              f"{t_same_pattern:.2f}s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()

    speedup = min(t_peer) / min(t_ours)
    speedup_calls = min(t_peer_calls) / min(t_ours)
    import openai

    import lcoai_notebook.embeddings as emb

    result = {
        "benchmark": "embed",
        "texts": len(texts), "model": MODEL, "repeats": args.repeats,
        "ours": {"name": "lcoai_notebook.embed", "seconds": t_ours,
                 "batch_size": kw.get("batch_size", "default"),
                 "max_concurrency": kw.get("max_concurrency", "default"),
                 "seconds_with_peer_pattern_2048_sequential": t_same_pattern},
        "peer": {"name": f"openai {openai.__version__} embeddings.create, 2048 inputs a request, "
                         "sequential, then np.asarray(float32)",
                 "seconds": t_peer, "seconds_requests_only": t_peer_calls},
        "speedup_best": speedup, "speedup_vs_requests_only": speedup_calls,
        # (max - min) / min of each contender's rounds: how still the machine held.
        "spread": {"ours": (max(t_ours) - min(t_ours)) / min(t_ours),
                   "peer": (max(t_peer) - min(t_peer)) / min(t_peer)},
        "speedup_median": statistics.median(p / o for p, o in zip(t_peer, t_ours, strict=True)),
        "target_speedup": 2.0, "identical_matrices": same,
        "defaults": {"batch_size": emb.embed.__kwdefaults__["batch_size"],
                     "max_concurrency": emb.embed.__kwdefaults__["max_concurrency"]},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(f"lco.embed: best {min(t_ours):.2f}s; openai: best {min(t_peer):.2f}s "
          f"(requests alone {min(t_peer_calls):.2f}s)")
    print(f"speedup: {speedup:.2f}x (target >= 2x); against the peer's requests alone "
          f"{speedup_calls:.2f}x; identical matrices: {same}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "bench_embed.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
