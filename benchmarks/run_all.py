"""Run every benchmark, once or twice in a row, and check the ratios hold still.

    python benchmarks/run_all.py --twice            # the acceptance check of issue 11
    python benchmarks/run_all.py --quick --results DIR   # a smoke run; figures mean nothing

Each benchmark script writes a JSON result whose ``headline`` list names the ratios that count,
each with the peer it is taken against and its target when it has one. With ``--twice`` the
whole suite runs a second time right after the first, and a table shows, per ratio: the
benchmark, the peer, the ratio in run 1 and run 2, their relative difference
``|r1 - r2| / min(r1, r2)``, the target and pass/fail. The exit status is 1 when a target is
missed in either run, a benchmark's own checks fail (identical results, memory), or two runs
differ by 25% or more; 2 when a script fails outright. ``--quick`` judges nothing but that
every script ran and wrote its result.

Writes ``run_all.json`` (every run's headline ratios and the table) into the results directory,
and copies the last run's per-benchmark results there, so ``benchmarks/results/`` holds the
figures the table shows. Each script's output goes to a log file (``--logs``, by default
``lcoai-benchmark-logs`` in the system's temporary directory).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"
MAX_DIFFERENCE = 0.25

# (script, the result file it writes)
BENCHMARKS = [
    ("bench_import.py", "import.json"),
    ("bench_stream.py", "stream.json"),
    ("bench_embeddings_decode.py", "embeddings_decode.json"),
    ("bench_embed.py", "bench_embed.json"),
    ("bench_topk.py", "bench_topk.json"),
]


def run_suite(out: Path, quick: bool, logs: Path, label: str) -> dict[str, dict]:
    """Run every benchmark writing into ``out``; return its results by script name."""
    out.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for script, filename in BENCHMARKS:
        cmd = [sys.executable, str(HERE / script), "--results", str(out)]
        if quick:
            cmd.append("--quick")
        t0 = time.perf_counter()
        log = logs / f"{Path(script).stem}.{label}.log"
        with open(log, "w") as fh:
            proc = subprocess.run(cmd, cwd=HERE, stdout=fh, stderr=subprocess.STDOUT,
                                  timeout=1800)
        took = time.perf_counter() - t0
        print(f"  {label}: {script} {took:.0f} s (exit {proc.returncode})", flush=True)
        if proc.returncode:
            raise RuntimeError(f"{script} exited with {proc.returncode}; see {log}")
        results[script] = json.loads((out / filename).read_text())
    return results


def difference(a: float, b: float) -> float:
    """``|a - b| / min(a, b)``: the larger of the two relative differences."""
    low = min(a, b)
    return abs(a - b) / low if low > 0 else float("inf")


def table(runs: list[dict[str, dict]]) -> tuple[list[dict], list[str]]:
    """One row per headline ratio across the runs; and the benchmarks whose own checks failed."""
    rows, failed = [], []
    for script, _ in BENCHMARKS:
        for i, run in enumerate(runs):
            if not run[script].get("pass", True):
                failed.append(f"{script} (run {i + 1}): its own checks failed (\"pass\": false)")
        for k, head in enumerate(runs[0][script]["headline"]):
            values = [run[script]["headline"][k]["value"] for run in runs]
            row = {"benchmark": Path(script).stem, "ratio": head["ratio"], "peer": head["peer"],
                   "values": values, "target": head.get("target")}
            row["target_met"] = all(run[script]["headline"][k].get("pass", True)
                                    for run in runs)
            row["difference"] = difference(*values) if len(values) == 2 else None
            row["pass"] = row["target_met"] and (row["difference"] is None
                                                 or row["difference"] < MAX_DIFFERENCE)
            rows.append(row)
    return rows, failed


def render(rows: list[dict], n_runs: int) -> str:
    head = ["benchmark", "ratio", "peer named"] + [f"run {i + 1}" for i in range(n_runs)]
    if n_runs == 2:
        head.append("diff")
    head += ["target", "result"]
    lines = []
    for r in rows:
        cells = [r["benchmark"], r["ratio"], r["peer"]] + [f"{v:.3f}" for v in r["values"]]
        if n_runs == 2:
            cells.append(f"{r['difference']:.1%}")
        cells += [r["target"] or "-", {True: "pass", False: "FAIL", None: "-"}[r["pass"]]]
        lines.append(cells)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    fmt = " | ".join(f"{{:{w}}}" for w in widths)
    out = [fmt.format(*head), "-+-".join("-" * w for w in widths)]
    out += [fmt.format(*cells) for cells in lines]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--twice", action="store_true", help="run the suite twice in a row")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--logs", type=Path,
                    default=Path(tempfile.gettempdir()) / "lcoai-benchmark-logs")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: every script in its tiny --quick mode (needs --results)")
    args = ap.parse_args()
    if args.quick and args.results.resolve() == RESULTS.resolve():
        raise SystemExit("--quick writes figures that mean nothing: pass --results DIR too")
    n_runs = 2 if args.twice else 1
    t0 = time.perf_counter()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for i in range(n_runs):
                runs.append(run_suite(Path(tmp) / f"run{i + 1}", args.quick,
                                      args.logs, f"run{i + 1}"))
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for _, filename in BENCHMARKS:
            shutil.copyfile(Path(tmp) / f"run{n_runs}" / filename, args.results / filename)
    rows, failed = table(runs)
    if args.quick:  # tiny inputs: the figures say nothing about targets or stability
        for r in rows:
            r["pass"] = None
        failed = []
    ok = all(r["pass"] is not False for r in rows) and not failed
    print(render(rows, n_runs))
    for line in failed:
        print(line)
    took = time.perf_counter() - t0
    print(f"logs: {args.logs}")
    print(f"{'all pass' if ok else 'FAILED'} ({n_runs} run(s), {took:.0f} s; runs may differ "
          f"by less than {MAX_DIFFERENCE:.0%})")
    summary = {"benchmark": "run_all", "python": sys.version.split()[0],
               "date": time.strftime("%Y-%m-%d %H:%M:%S"), "runs": n_runs,
               "seconds": round(took, 1), "max_difference": MAX_DIFFERENCE,
               "difference": "|r1 - r2| / min(r1, r2)", "rows": rows,
               "quick": args.quick, "own_checks_failed": failed, "pass": ok}
    (args.results / "run_all.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
