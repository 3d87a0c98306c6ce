"""Cold import, whole process: ``import lcoai_notebook`` vs ``import openai`` (peer) and
``import httpx`` (floor: the one dependency every HTTP client here needs).

Each statement runs in a fresh ``python -c`` process, round by round (the order rotated each
round); each process's CPU time (user + system, from ``os.wait4``) is what is compared, as the
median over rounds of the two statements' quotient in the same round (``_common.paired_ratio``):
on a machine shared with other work a process's wall time is mostly the scheduler's choice.
Target (issue 2): lcoai_notebook <= 0.3x openai.
We also time the first use a notebook makes, ``from lcoai_notebook import Client``, against
``from openai import OpenAI``, so the lazy import is not the whole story.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from _common import (
    check_quick,
    common_args,
    headline,
    interleaved,
    paired_ratio,
    summaries,
    write_result,
)

STATEMENTS = {
    "python (empty)": "pass",
    "httpx": "import httpx",
    "openai": "import openai",
    "lcoai_notebook": "import lcoai_notebook",
    "openai.OpenAI": "from openai import OpenAI",
    "lcoai_notebook.Client": "from lcoai_notebook import Client",
}


def child_cpu(stmt: str) -> float:
    """Run ``python -c stmt``; return the child's CPU seconds (user + system)."""
    proc = subprocess.Popen([sys.executable, "-c", stmt])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"python -c {stmt!r} exited with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    common_args(ap, rounds=10)
    args = ap.parse_args()
    check_quick(args)
    rounds = 1 if args.quick else args.rounds
    cpu: dict[str, list[float]] = {k: [] for k in STATEMENTS}

    def contender(name: str):
        # interleaved() times this process; the child's own CPU time is kept aside.
        return lambda: cpu[name].append(child_cpu(STATEMENTS[name]))

    # The warm-up round also warms the OS file cache.
    warmup = 0 if args.quick else 1
    runs = interleaved({k: contender(k) for k in STATEMENTS}, rounds, warmup=warmup)
    for name, times in cpu.items():
        runs[name]["cpu"] = times[warmup:]
    ratio = paired_ratio(runs, "lcoai_notebook", "openai")
    result = {
        "rounds": rounds,
        "clock": "cpu of the child process (user + system)",
        "ratios": "median over rounds of the two statements' quotient in the same round",
        "seconds": summaries(runs),
        "ratio_import_vs_openai": round(ratio, 3),
        "ratio_import_vs_httpx": round(paired_ratio(runs, "lcoai_notebook", "httpx"), 3),
        "ratio_client_vs_openai_client": round(
            paired_ratio(runs, "lcoai_notebook.Client", "openai.OpenAI"), 3),
        "ratio_client_vs_httpx": round(paired_ratio(runs, "lcoai_notebook.Client", "httpx"), 3),
        "target": "import lcoai_notebook <= 0.3x import openai (whole process)",
        "pass": ratio <= 0.3,
        "headline": [
            headline("import lcoai_notebook / import openai", ratio, "openai (official package)",
                     0.3),
            headline("from lcoai_notebook import Client / from openai import OpenAI",
                     paired_ratio(runs, "lcoai_notebook.Client", "openai.OpenAI"),
                     "openai (official package)"),
        ],
    }
    write_result("import", result, args.results)


if __name__ == "__main__":
    main()
