"""The benchmarks run and write well-formed results; the runner's bookkeeping is right.

No timing is asserted here (house rule: timings are the benchmarks' business, not the tests').
One smoke run drives every script in its tiny ``--quick`` mode through ``run_all.py``; the rest
checks the pure parts: round-robin order, pairing by round, and the two-run table's verdicts.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    # Loaded under a private name: tests/browser has its own ``_common`` module.
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


common = _load("_common")
run_all = _load("run_all")


def test_every_script_runs_quick_and_writes_a_well_formed_result(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--quick", "--results", str(tmp_path),
         "--logs", str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n_headlines = 0
    for script, filename in run_all.BENCHMARKS:
        result = json.loads((tmp_path / filename).read_text())
        assert result["benchmark"] and result["date"] and result["python"], script
        assert isinstance(result["pass"], bool), script
        assert result["headline"], script
        for head in result["headline"]:
            assert head["value"] > 0 and head["ratio"] and head["peer"], (script, head)
            assert ("target" in head) == ("pass" in head), (script, head)
        # Every contender has a minimum and a spread on both clocks, from at least one round.
        for name, clocks in result["seconds"].items():
            assert clocks["rounds"] >= 1, (script, name)
            for clock in common.CLOCKS:
                assert clocks[clock]["min"] >= 0 and "spread" in clocks[clock], (script, name)
        n_headlines += len(result["headline"])
    summary = json.loads((tmp_path / "run_all.json").read_text())
    assert summary["quick"] is True and summary["runs"] == 1
    assert len(summary["rows"]) == n_headlines
    assert "benchmark" in proc.stdout and "peer named" in proc.stdout


def test_quick_refuses_to_write_over_the_real_results() -> None:
    proc = subprocess.run([sys.executable, str(BENCH / "bench_stream.py"), "--quick"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "--results" in proc.stderr


def test_interleaved_rotates_the_order_and_skips_sparse_contenders() -> None:
    calls: list[str] = []
    runs = common.interleaved({name: (lambda n=name: calls.append(n)) for name in "abc"},
                              rounds=4, warmup=1, every={"c": 2})
    assert calls[:3] == ["a", "b", "c"]  # the warm-up round
    assert calls[3:] == ["a", "b", "c", "b", "a", "c", "a", "b", "a", "b"]
    assert runs["a"]["round"] == [0, 1, 2, 3] and runs["c"]["round"] == [0, 2]
    assert all(len(r["cpu"]) == len(r["wall"]) == len(r["round"]) for r in runs.values())


def test_paired_ratio_takes_the_median_within_rounds_it_shares() -> None:
    runs = {"ours": {"round": [0, 1, 2, 3], "cpu": [2.0, 9.0, 3.0, 4.0], "wall": [0] * 4},
            "floor": {"round": [0, 1, 2, 3], "cpu": [1.0, 3.0, 1.0, 1.0], "wall": [0] * 4},
            "peer": {"round": [0, 2], "cpu": [4.0, 12.0], "wall": [0] * 2}}
    # Per round 2, 3, 3, 4: the median is 3, where the ratio of minimums would say 2.
    assert common.paired_ratio(runs, "ours", "floor") == 3.0
    # Only rounds 0 and 2 have both: 2/4 and 3/12.
    assert common.paired_ratio(runs, "ours", "peer") == pytest.approx(0.375)


def _result(values: list[float], passed: bool = True) -> dict:
    return {"pass": passed, "headline": [
        {"ratio": f"r{i}", "peer": "p", "value": v, "target": "<= 2.0", "pass": v <= 2.0}
        for i, v in enumerate(values)]}


def _runs(*per_run: dict[str, dict]) -> list[dict[str, dict]]:
    return [{script: run.get(script, _result([1.0])) for script, _ in run_all.BENCHMARKS}
            for run in per_run]


def test_the_table_fails_a_ratio_that_moved_by_25_percent_or_missed_its_target() -> None:
    script = run_all.BENCHMARKS[0][0]
    rows, failed = run_all.table(_runs({script: _result([1.0, 1.0, 1.9])},
                                       {script: _result([1.24, 1.25, 2.1])}))
    first = {r["ratio"]: r for r in rows if r["benchmark"] == Path(script).stem}
    assert first["r0"]["pass"] is True and first["r0"]["difference"] == pytest.approx(0.24)
    assert first["r1"]["pass"] is False  # moved by exactly 25%
    assert first["r2"]["pass"] is False and first["r2"]["target_met"] is False
    assert not failed
    rows, failed = run_all.table(_runs({script: _result([1.0], passed=False)}, {}))
    assert failed and script in failed[0]
