"""connect(): live with a token, the in-process emulator without one (or when forced)."""

from __future__ import annotations

import importlib

import pytest

from lcoai_notebook import Client, connect

# The module (the package attribute ``connect`` is the function, from the lazy public surface).
connect_module = importlib.import_module("lcoai_notebook._connect")

USER_TOKEN = "at_user_live_token_9931"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """Each test starts as a new process would: the once-per-process notice not yet shown."""
    monkeypatch.setattr(connect_module, "_notice_shown", False)


def test_offline_without_token_prints_a_calm_notice_and_works(capsys):
    client = connect()
    try:
        out = capsys.readouterr()
        # stdout: Jupyter shows stderr as a pink box, and this is not an error.
        assert out.err == ""
        assert out.out == connect_module.OFFLINE_NOTICE + "\n"
        assert "simulated" in out.out and "emulator" in out.out
        assert "To go live, set LCOAI_API_TOKEN=at_..." in out.out  # says how to go live
        assert client.base_url.startswith("http://emulator.invalid/openai")
        models = client.models.list()
        assert any(m.id for m in models.data)
    finally:
        client.close()


def test_the_notice_is_shown_once_per_process(capsys):
    import lcoai_notebook as lco

    first = connect()
    assert capsys.readouterr().out.count("lcoai-notebook: offline") == 1
    second = connect(offline=True)
    vectors = lco.embed(["a cat", "a dog"])  # connects again on its own: no second notice
    try:
        assert vectors.shape[0] == 2
        out = capsys.readouterr()
        assert out.out == "" and out.err == ""
    finally:
        first.close()
        second.close()


def test_the_notice_is_the_same_whatever_the_reason(monkeypatch, capsys):
    # Committed notebook outputs must not depend on how the machine was told to stay offline.
    texts = []
    for how in ("no token", "LCOAI_OFFLINE", "offline=True"):
        monkeypatch.setattr(connect_module, "_notice_shown", False)
        if how == "LCOAI_OFFLINE":
            monkeypatch.setenv("LCOAI_API_TOKEN", USER_TOKEN)
            monkeypatch.setenv("LCOAI_OFFLINE", "1")
        client = connect(offline=True) if how == "offline=True" else connect()
        client.close()
        texts.append(capsys.readouterr().out)
    assert texts == [connect_module.OFFLINE_NOTICE + "\n"] * 3


def test_live_with_token_argument_no_notice(capsys):
    client = connect(USER_TOKEN)
    try:
        assert capsys.readouterr() == ("", "")
        assert isinstance(client, Client)
        assert client.base_url == "https://api.lowcodeapi.com/openai"
        assert client.requester._token == USER_TOKEN
    finally:
        client.close()


def test_live_with_env_token(monkeypatch, capsys):
    monkeypatch.setenv("LCOAI_API_TOKEN", USER_TOKEN)
    client = connect(max_retries=5)
    try:
        assert client.base_url == "https://api.lowcodeapi.com/openai"
        assert client.max_retries == 5
        assert capsys.readouterr() == ("", "")
    finally:
        client.close()


@pytest.mark.parametrize("how", ["env", "argument"])
def test_forced_offline_ignores_token_and_notice_has_no_token(monkeypatch, capsys, how):
    monkeypatch.setenv("LCOAI_API_TOKEN", USER_TOKEN)
    if how == "env":
        monkeypatch.setenv("LCOAI_OFFLINE", "1")
        client = connect()
    else:
        client = connect(offline=True)
    try:
        out = capsys.readouterr()
        assert "simulated" in out.out
        assert USER_TOKEN not in out.out + out.err
        assert "emulator.invalid" in client.base_url
        assert client.requester._token != USER_TOKEN
        assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    finally:
        client.close()


def test_offline_false_forces_live(monkeypatch):
    monkeypatch.setenv("LCOAI_OFFLINE", "1")
    client = connect("at_live", offline=False, base_url="http://127.0.0.1:9/openai")
    try:
        assert client.base_url == "http://127.0.0.1:9/openai"
    finally:
        client.close()
    with pytest.raises(ValueError, match="api_token is required"):
        connect(offline=False)  # live was asked for, but there is no token


def test_emulator_is_shared_across_calls(capsys):
    a = connect()
    b = connect()
    try:
        emus = connect_module._EMULATORS
        assert "lowcodeapi" in emus
        assert len([k for k in emus if k == "lowcodeapi"]) == 1
        # Both clients see the same emulator state.
        up = a.files.create(file=("notes.jsonl", b'{"a": 1}\n'), purpose="batch")
        assert b.files.retrieve(up.id).filename == "notes.jsonl"
    finally:
        a.close()
        b.close()


def test_openai_flavor_offline(monkeypatch, capsys):
    monkeypatch.setenv("LCOAI_FLAVOR", "openai")
    client = connect()
    try:
        assert client.flavor == "openai"
        assert client.base_url == "http://emulator.invalid/v1"
        assert client.models.list().object == "list"
    finally:
        client.close()


def test_bad_arguments():
    with pytest.raises(ValueError, match="flavor"):
        connect(flavor="azure")
    with pytest.raises(TypeError, match="offline"):
        connect(offline="yes")
    with pytest.raises(TypeError, match="api_token"):
        connect(api_token=123)


def test_an_explicit_openai_compatible_server_needs_no_key(capsys):
    client = connect(flavor="openai", base_url="http://127.0.0.1:9/v1")
    try:
        assert client.base_url == "http://127.0.0.1:9/v1" and not client.has_token
        out = capsys.readouterr()
        assert "emulator" not in out.out + out.err
    finally:
        client.close()
