"""``import lcoai_notebook`` stays light: the heavy stacks load only when a name needs them.

Each check runs in a fresh interpreter, since this test process has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Issue 2's acceptance list: these must stay out of sys.modules after `import lcoai_notebook`.
REQUIRED_ABSENT = ("ipywidgets", "matplotlib", "pandas", "starlette", "uvicorn")
# Not demanded by the issue, but true today and worth keeping (a cheaper cold import).
BONUS_ABSENT = ("numpy", "httpx", "anywidget", "tqdm", "lcoai_notebook.emulator")
EMULATOR_STACK = ("starlette", "uvicorn", "multipart", "python_multipart",
                  "lcoai_notebook.emulator")


def _loaded_after(code: str, names: tuple[str, ...]) -> dict[str, bool]:
    script = (
        "import json, sys\n" + code + "\n"
        f"print(json.dumps({{n: n in sys.modules for n in {list(names)!r}}}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_leaves_the_heavy_stacks_out() -> None:
    loaded = _loaded_after("import lcoai_notebook", REQUIRED_ABSENT)
    assert not any(loaded.values()), {k for k, v in loaded.items() if v}


def test_import_leaves_numpy_and_httpx_out_too() -> None:
    # A bonus the package has today (the import is lazy all the way down); a regression here
    # costs cold-import time, which is benchmark (a) of issue 2.
    loaded = _loaded_after("import lcoai_notebook", BONUS_ABSENT)
    assert not any(loaded.values()), {k for k, v in loaded.items() if v}


def test_the_sanity_check_can_fail() -> None:
    # The helper really sees imports: a name that is imported shows up as loaded.
    loaded = _loaded_after("import lcoai_notebook, json as _j; import email", ("email",))
    assert loaded == {"email": True}


def test_client_access_needs_no_emulator_or_notebook_stack() -> None:
    code = "import lcoai_notebook\nlcoai_notebook.Client\nlcoai_notebook.AsyncClient"
    names = (*EMULATOR_STACK, "matplotlib", "pandas", "ipywidgets")
    loaded = _loaded_after(code, names)
    assert not any(loaded.values()), {k for k, v in loaded.items() if v}


@pytest.mark.parametrize("namespace", ["chat", "embeddings", "images", "audio", "moderations",
                                       "models"])
def test_a_constructed_client_namespace_stays_light(namespace: str) -> None:
    # Building a client and touching an issue-2 namespace must not drag in the emulator or the
    # notebook stack (numpy may load lazily for embeddings decoding, but not at attribute access).
    code = (
        "import lcoai_notebook\n"
        "c = lcoai_notebook.Client(api_token='at_x', base_url='http://127.0.0.1:9/openai')\n"
        f"c.{namespace}\n"
        "c.close()"
    )
    names = (*EMULATOR_STACK, "matplotlib", "pandas", "ipywidgets")
    loaded = _loaded_after(code, names)
    assert not any(loaded.values()), {k for k, v in loaded.items() if v}
