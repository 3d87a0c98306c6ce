"""Retiring models: a warning inside the 30-day window (dates injected, never the clock), and a
404 for a retired model that says so."""

from __future__ import annotations

import datetime
import warnings

import httpx
import pytest

import lcoai_notebook as lco
from lcoai_notebook import _catalog, _retiring
from lcoai_notebook.emulator import Emulator


def _on(monkeypatch, day: str) -> None:
    monkeypatch.setattr(_retiring, "today", lambda: datetime.date.fromisoformat(day))


def _chat(client, model: str):
    return client.chat.completions.create(model=model,
                                          messages=[{"role": "user", "content": "hi"}])


@pytest.fixture
def client():
    with Emulator().client() as c:
        yield c


def test_warns_inside_the_window_once_per_model(monkeypatch, client) -> None:
    _on(monkeypatch, "2026-12-01")  # gpt-5-mini shuts down on 2026-12-11: 10 days
    with pytest.warns(lco.ModelRetiringWarning) as caught:
        _chat(client, "gpt-5-mini")
    assert len(caught) == 1
    text = str(caught[0].message)
    assert "2026-12-11" in text and "in 10 days" in text and "'gpt-5.4-mini'" in text
    assert caught[0].filename == __file__  # it points at the caller's line, not the package
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _chat(client, "gpt-5-mini")  # once per process per model
        client.with_options(max_retries=1).chat.completions.create(
            model="gpt-5-mini", messages=[{"role": "user", "content": "again"}])


def test_no_warning_outside_the_window(monkeypatch, client) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _on(monkeypatch, "2026-12-01")  # gpt-4.1-mini: 2027-01-14 is 44 days away
        _chat(client, "gpt-4.1-mini")
        _on(monkeypatch, "2026-11-10")  # gpt-5: 31 days away
        _chat(client, "gpt-5")
        _chat(client, "gpt-5.4-mini")  # no shutdown date at all
    _on(monkeypatch, "2026-12-15")  # gpt-4.1-mini now 30 days away: inside
    with pytest.warns(lco.ModelRetiringWarning, match="2027-01-14.*in 30 days.*gpt-5.4-mini"):
        _chat(client, "gpt-4.1-mini")


def test_other_kinds_warn_too_and_name_missing_replacements(monkeypatch, client) -> None:
    _on(monkeypatch, "2027-01-01")  # tts-1 shuts down on 2027-01-06
    with pytest.warns(lco.ModelRetiringWarning, match="no replacement is named"):
        client.audio.speech.create(model="tts-1", input="hello", voice="alloy")


def test_async_client_warns(monkeypatch) -> None:
    import asyncio

    _on(monkeypatch, "2026-12-11")  # the shutdown day itself
    emu = Emulator()

    async def main() -> None:
        async with emu.async_client() as ac:
            await ac.chat.completions.create(model="o3",
                                             messages=[{"role": "user", "content": "hi"}])

    with pytest.warns(lco.ModelRetiringWarning, match="o3.*today.*'gpt-5.4'"):
        asyncio.run(main())


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"error": {"error": {
        "message": "The model `gpt-5` does not exist or you do not have access to it.",
        "type": "invalid_request_error", "param": None, "code": "model_not_found"}}})


def test_a_404_for_a_retired_model_says_so(monkeypatch) -> None:
    client = lco.Client(api_token="at_retired_test_123", base_url="http://svc.invalid/openai",
                        http_client=httpx.Client(transport=httpx.MockTransport(_not_found)))
    _on(monkeypatch, "2026-12-20")
    with pytest.raises(lco.NotFoundError) as info:
        _chat(client, "gpt-5")
    message = str(info.value)
    assert "'gpt-5' was retired on 2026-12-11; use 'gpt-5.4' instead" in message
    assert "does not exist" in message  # the service's own words are kept
    _on(monkeypatch, "2026-11-01")  # before the date the 404 is left as it came
    with pytest.raises(lco.NotFoundError) as info:
        _chat(client, "gpt-5")
    assert "retired" not in str(info.value)


def test_every_retiring_row_names_a_replacement_or_says_why() -> None:
    for model, row in _catalog.known_models().items():
        if not row.get("shutdown_date"):
            continue
        assert "replacement" in row, model
        if row["replacement"] is None or row["replacement"] not in _catalog.known_models():
            assert row.get("replacement_note"), model
        else:
            assert not _catalog.known_models()[row["replacement"]].get("shutdown_date"), model


def test_the_suite_runs_on_a_pinned_date() -> None:
    # tests/conftest.py pins today() so the real clock cannot turn these tests into failures.
    assert _retiring.today() == datetime.date(2026, 11, 1)
