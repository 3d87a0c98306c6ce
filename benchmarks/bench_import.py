"""Cold import, whole process: ``import lcoai_notebook`` vs ``import openai`` (peer) and
``import httpx`` (floor: the one dependency every HTTP client here needs).

Each statement runs in a fresh ``python -c`` process, interleaved, many times; the median wall
time per process is compared. Target (issue 2): lcoai_notebook <= 0.3x openai.
We also time the first use a notebook makes, ``from lcoai_notebook import Client``, against
``from openai import OpenAI``, so the lazy import is not the whole story.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _common import write_result

STATEMENTS = {
    "python (empty)": "pass",
    "httpx": "import httpx",
    "openai": "import openai",
    "lcoai_notebook": "import lcoai_notebook",
    "openai.OpenAI": "from openai import OpenAI",
    "lcoai_notebook.Client": "from lcoai_notebook import Client",
}


def run_once(stmt: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", stmt], check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    times: dict[str, list[float]] = {k: [] for k in STATEMENTS}
    for stmt in STATEMENTS.values():  # warm the OS file cache once
        run_once(stmt)
    for _ in range(args.repeat):
        for name, stmt in STATEMENTS.items():
            times[name].append(run_once(stmt))
    med = {k: statistics.median(v) for k, v in times.items()}
    result = {
        "median_seconds": {k: round(v, 4) for k, v in med.items()},
        "ratio_import_vs_openai": round(med["lcoai_notebook"] / med["openai"], 3),
        "ratio_import_vs_httpx": round(med["lcoai_notebook"] / med["httpx"], 3),
        "ratio_client_vs_openai_client": round(
            med["lcoai_notebook.Client"] / med["openai.OpenAI"], 3),
        "ratio_client_vs_httpx": round(med["lcoai_notebook.Client"] / med["httpx"], 3),
        "target": "import lcoai_notebook <= 0.3x import openai (whole process)",
    }
    result["pass"] = result["ratio_import_vs_openai"] <= 0.3
    write_result("import", result)


if __name__ == "__main__":
    main()
