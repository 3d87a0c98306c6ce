"""Tab completion in IPython / Jupyter on real results (issue 11).

The results come from the emulator's in-process transport, so the completer sees exactly what
a notebook user holds; the completer is IPython's own (``InteractiveShell.instance().Completer``).
"""

from __future__ import annotations

import pytest

from lcoai_notebook._models import Result

IPython = pytest.importorskip("IPython")

from IPython.core.completer import provisionalcompleter  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402


@pytest.fixture(scope="module")
def reply():
    from lcoai_notebook.emulator import Emulator

    with Emulator() as emu, emu.client() as client:
        yield client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])


def _complete(namespace: dict, text: str) -> list[str]:
    shell = InteractiveShell.instance()
    shell.user_ns.update(namespace)
    with provisionalcompleter():
        return [c.text for c in shell.Completer.completions(text, len(text))]


def test_dir_lists_fields_at_every_level(reply):
    assert {"choices", "usage", "model", "id", "to_dict"} <= set(dir(reply))
    assert {"message", "finish_reason", "index"} <= set(dir(reply.choices[0]))
    assert {"content", "role"} <= set(dir(reply.choices[0].message))


def test_dir_leaves_out_keys_that_are_not_names():
    r = Result({"ok": 1, "not a name": 2, "2x": 3})
    names = dir(r)
    assert "ok" in names and "not a name" not in names and "2x" not in names
    assert r._ipython_key_completions_() == ["ok", "not a name", "2x"]


@pytest.mark.parametrize(("text", "expected"), [
    ("reply.ch", "choices"),
    ("reply.choices[0].message.co", "content"),
    ("reply.choices[0].mes", "message"),
    ("reply.us", "usage"),
])
def test_attribute_completion(reply, text, expected):
    assert expected in _complete({"reply": reply}, text)


def test_key_completion(reply):
    got = _complete({"reply": reply}, 'reply["ch')
    assert any(c.rstrip('"]') == "choices" for c in got), got


def test_stream_chunk_completion():
    from lcoai_notebook.emulator import Emulator

    with Emulator() as emu, emu.client() as client:
        with client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}],
                stream=True) as stream:
            chunk = next(iter(stream))
    assert "delta" in _complete({"chunk": chunk}, "chunk.choices[0].de")


def test_attribute_access_unchanged(reply):
    # dir() is extra; reading fields still goes through the dict, missing ones read as None.
    assert reply.choices[0].message.content == reply["choices"][0]["message"]["content"]
    assert reply.no_such_field is None
