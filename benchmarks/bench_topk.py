"""Benchmark: ``lco.top_k`` against the bare matrix product and scikit-learn.

    python benchmarks/bench_topk.py [--corpus 100000] [--queries 1000] [--dim 1536] [--k 10]

Measures, in one run on the same random float32 data:

- the floor: ``queries @ corpus.T`` (the bare float32 matrix product, no top-k at all);
- ``lco.top_k(queries, corpus, k)`` (target: <= 1.25x the floor);
- the named peer: scikit-learn's ``cosine_similarity`` followed by ``np.argpartition`` and a
  sort of the k survivors (``--argsort`` uses a full ``np.argsort`` as well);
- peak extra memory of ``top_k``: numpy's allocations by tracemalloc, and the RSS high-water
  growth in a fresh subprocess (which also sees BLAS buffers) -- target <= 300 MB.

Floor, top_k and the peer run round by round (the order rotated each round), ``--repeats``
rounds; the ratio uses the best time of each (the machine may be shared), with each one's
spread, and the median of the paired ratios is printed too.
Writes ``benchmarks/results/bench_topk.json`` (``bench_topk_<n>.json`` for other sizes).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from _common import interleaved, summary

RESULTS = Path(__file__).parent / "results"


def make_data(n: int, q: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((q, d), dtype=np.float32),
            rng.standard_normal((n, d), dtype=np.float32))


def floor(q: np.ndarray, c: np.ndarray) -> None:
    s = q @ c.T
    del s


def sklearn_topk(q: np.ndarray, c: np.ndarray, k: int, full_sort: bool) -> np.ndarray:
    from sklearn.metrics.pairwise import cosine_similarity

    s = cosine_similarity(q, c)
    if full_sort:
        return np.argsort(-s, axis=1)[:, :k]
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(s, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1)


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def child_memory(n: int, q: int, d: int, k: int) -> None:
    """Run in a fresh process: print the RSS high-water growth (bytes) of one top_k call."""
    from lcoai_notebook.similarity import top_k

    queries, corpus = make_data(n, q, d)
    top_k(queries[:2], corpus[:5000], k)  # start the BLAS threads and their buffers first
    try:
        # Linux: writing 5 to clear_refs resets the high-water mark (VmHWM) to the current RSS.
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        before = _status("VmRSS")
        top_k(queries, corpus, k)
        after = _status("VmHWM")
        how = "VmHWM after clear_refs"
    except OSError:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        top_k(queries, corpus, k)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        how = "ru_maxrss"
    print(json.dumps({"rss_growth": after - before, "rss_before": before, "how": how}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=int, default=100_000, help="corpus rows (default 100000)")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--dim", type=int, default=1536)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--argsort", action="store_true", help="peer uses a full argsort")
    ap.add_argument("--no-peer", action="store_true", help="skip scikit-learn")
    ap.add_argument("--child-memory", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_memory:
        child_memory(args.corpus, args.queries, args.dim, args.k)
        return 0

    from lcoai_notebook.similarity import top_k

    n, nq, d, k = args.corpus, args.queries, args.dim, args.k
    print(f"top_k: {nq} queries over {n} x {d} float32, k={k}")
    queries, corpus = make_data(n, nq, d)
    top_k(queries[:2], corpus[:5000], k)  # warm up BLAS threads
    floor(queries[:2], corpus[:5000])

    contenders = {"floor": lambda: floor(queries, corpus),
                  "top_k": lambda: top_k(queries, corpus, k)}
    if not args.no_peer:
        contenders["peer"] = lambda: sklearn_topk(queries, corpus, k, args.argsort)
    # Round by round, the order rotated (benchmarks/_common.py): a busy spell on a shared
    # machine slows every contender alike instead of one block of runs.
    runs = interleaved(contenders, args.repeats, warmup=0)
    t_floor, t_topk = runs["floor"], runs["top_k"]
    for r, (a, b) in enumerate(zip(t_floor, t_topk, strict=True)):
        print(f"  round {r + 1}: floor {a:.3f}s  top_k {b:.3f}s")
    idx = top_k(queries, corpus, k)[0]
    ratio_best = min(t_topk) / min(t_floor)
    ratio_median = statistics.median(a / b for a, b in zip(t_topk, t_floor, strict=True))

    # Correctness spot check against the peer's answer on a few queries.
    from sklearn.metrics.pairwise import cosine_similarity

    some = queries[:5]
    ref = np.argsort(-cosine_similarity(some, corpus), axis=1, kind="stable")[:, :k]
    agree = bool(np.array_equal(top_k(some, corpus, k)[0], ref))

    peer = None
    if not args.no_peer:
        t_peer = min(runs["peer"])
        peer_idx = sklearn_topk(queries, corpus, k, args.argsort)
        peer = {
            "name": "sklearn.metrics.pairwise.cosine_similarity + "
                    + ("np.argsort" if args.argsort else "np.argpartition + sort of k"),
            "seconds": t_peer, "repeats": args.repeats, "spread": summary(runs["peer"])["spread"],
            "ratio_to_floor": t_peer / min(t_floor),
            "top_k_speedup": t_peer / min(t_topk),
            "same_indices": bool(np.array_equal(peer_idx, idx)),
        }
        del peer_idx

    tracemalloc.start()
    top_k(queries, corpus, k)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    child = subprocess.run(
        [sys.executable, __file__, "--child-memory", "--corpus", str(n), "--queries", str(nq),
         "--dim", str(d), "--k", str(k)],
        capture_output=True, text=True, timeout=600, check=True)
    rss = json.loads(child.stdout.strip().splitlines()[-1])

    mb = 2**20
    result = {
        "benchmark": "top_k",
        "corpus": n, "queries": nq, "dim": d, "k": k, "repeats": args.repeats,
        "floor_seconds": t_floor, "top_k_seconds": t_topk,
        "ratio_best": ratio_best, "ratio_median": ratio_median, "target_ratio": 1.25,
        "spread": {"floor": summary(t_floor)["spread"], "top_k": summary(t_topk)["spread"]},
        "agrees_with_sklearn": agree,
        "peer": peer,
        "peak_extra_memory_mb": {"tracemalloc": traced_peak / mb,
                                 "rss_growth_subprocess": rss["rss_growth"] / mb,
                                 "target": 300},
        "floor_output_mb": nq * n * 4 / mb,
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "cpus": __import__("os").cpu_count()},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(f"floor (queries @ corpus.T): best {min(t_floor):.3f}s")
    print(f"top_k:                      best {min(t_topk):.3f}s")
    print(f"ratio top_k / floor: {ratio_best:.2f}x (best of {args.repeats}), median of pairs "
          f"{ratio_median:.2f}x; target <= 1.25x; agrees with brute force: {agree}")
    if peer:
        print(f"peer {peer['name']}: {peer['seconds']:.3f}s = {peer['ratio_to_floor']:.2f}x "
              f"the floor; top_k is {peer['top_k_speedup']:.2f}x faster")
    print(f"peak extra memory: tracemalloc {traced_peak / mb:.1f} MB, RSS growth "
          f"{rss['rss_growth'] / mb:.1f} MB (target <= 300 MB; the floor's output alone is "
          f"{nq * n * 4 / mb:.0f} MB)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    # The default size writes bench_topk.json; other sizes get their own file.
    out = RESULTS / ("bench_topk.json" if n == 100_000 else f"bench_topk_{n}.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
