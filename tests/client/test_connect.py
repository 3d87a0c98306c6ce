"""connect(): live with a token, the in-process emulator without one (or when forced)."""

from __future__ import annotations

import importlib

import pytest

from lcoai_notebook import Client, connect

# The module (the package attribute ``connect`` is the function, from the lazy public surface).
connect_module = importlib.import_module("lcoai_notebook.connect")

USER_TOKEN = "at_user_live_token_9931"


def test_offline_without_token_prints_banner_and_works(capsys):
    client = connect()
    try:
        err = capsys.readouterr().err
        assert "simulated" in err and "emulator" in err
        assert err.count("\n") == 1
        assert client.base_url.startswith("http://emulator.invalid/openai")
        models = client.models.list()
        assert any(m.id for m in models.data)
    finally:
        client.close()


def test_live_with_token_argument_no_banner(capsys):
    client = connect(USER_TOKEN)
    try:
        assert capsys.readouterr().err == ""
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
        assert capsys.readouterr().err == ""
    finally:
        client.close()


@pytest.mark.parametrize("how", ["env", "argument"])
def test_forced_offline_ignores_token_and_banner_has_no_token(monkeypatch, capsys, how):
    monkeypatch.setenv("LCOAI_API_TOKEN", USER_TOKEN)
    if how == "env":
        monkeypatch.setenv("LCOAI_OFFLINE", "1")
        client = connect()
    else:
        client = connect(offline=True)
    try:
        err = capsys.readouterr().err
        assert "simulated" in err
        assert USER_TOKEN not in err
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
        assert "emulator" not in capsys.readouterr().err
    finally:
        client.close()
