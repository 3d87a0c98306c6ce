"""``connect(prompt=True)``: the token is asked for in a password field, kept in memory only."""

from __future__ import annotations

import getpass
import importlib
import os

import pytest

import lcoai_notebook as lco

SECRET = "at_SENTINEL_typed_token_123"
connect_module = importlib.import_module("lcoai_notebook._connect")


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch) -> None:
    """The once-per-process offline notice not yet shown, as in a new kernel."""
    monkeypatch.setattr(connect_module, "_notice_shown", False)


def test_prompt_asks_when_no_token_and_keeps_it_in_memory(monkeypatch, capsys) -> None:
    asked: list[str] = []

    def fake_getpass(text: str = "") -> str:
        asked.append(text)
        return SECRET

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    client = lco.connect(prompt=True, base_url="http://127.0.0.1:9/openai")
    try:
        assert asked and "at_" in asked[0] and "offline" in asked[0]
        assert isinstance(client, lco.Client) and client.has_token
        assert SECRET not in repr(client)
        assert "LCOAI_API_TOKEN" not in os.environ  # memory only, never exported
        out = capsys.readouterr()
        assert SECRET not in out.out + out.err
    finally:
        client.close()


def test_prompt_left_empty_means_offline(monkeypatch, capsys) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda text="": "   ")
    client = lco.connect(prompt=True)
    assert capsys.readouterr().out == connect_module.OFFLINE_NOTICE + "\n"
    assert client.models.list().ids


@pytest.mark.parametrize("env", [{"LCOAI_API_TOKEN": "at_from_env"}, {"LCOAI_OFFLINE": "1"}])
def test_prompt_is_not_shown_when_a_token_is_set_or_offline_is_forced(monkeypatch,
                                                                      env) -> None:
    def refuse(text: str = "") -> str:
        raise AssertionError("must not ask")

    monkeypatch.setattr(getpass, "getpass", refuse)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    client = lco.connect(prompt=True)
    client.close()
