"""Ids that would change the route are refused before anything is sent (issue 8, item 1).

``require_id`` used to refuse only ``/``: httpx then collapsed ``.`` and ``..``, so
``vector_stores.files.delete("..", vector_store_id=vs)`` sent ``DELETE /v1/vector_stores/vs`` and
deleted the whole store. Each case runs a real Client / AsyncClient over a MockTransport that
records every request, in both flavors and every LowCodeAPI path format; the fuzz part draws ids
that hold one bad character anywhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcoai_notebook import AsyncClient, Client
from lcoai_notebook._http import RequestSpec

TOKEN = "at_path_id_test_token_123"

# (label, call, the parameter the error must name)
CALLS: list[tuple[str, Callable[[Any, str], Any], str]] = [
    ("vector_stores.files.delete",
     lambda c, i: c.vector_stores.files.delete(i, vector_store_id="vs_1"), "file_id"),
    ("vector_stores.files.delete store",
     lambda c, i: c.vector_stores.files.delete("file-1", vector_store_id=i), "vector_store_id"),
    ("beta.threads.messages.delete",
     lambda c, i: c.beta.threads.messages.delete(i, thread_id="thread_1"), "message_id"),
    ("beta.threads.messages.delete thread",
     lambda c, i: c.beta.threads.messages.delete("msg_1", thread_id=i), "thread_id"),
    ("files.retrieve", lambda c, i: c.files.retrieve(i), "file_id"),
    ("files.delete", lambda c, i: c.files.delete(i), "file_id"),
    ("files.content", lambda c, i: c.files.content(i), "file_id"),
    ("models.retrieve", lambda c, i: c.models.retrieve(i), "model"),
    ("models.delete", lambda c, i: c.models.delete(i), "model"),
    ("vector_stores.delete", lambda c, i: c.vector_stores.delete(i), "vector_store_id"),
    ("beta.assistants.delete", lambda c, i: c.beta.assistants.delete(i), "assistant_id"),
    ("beta.threads.delete", lambda c, i: c.beta.threads.delete(i), "thread_id"),
    ("beta.threads.runs.cancel",
     lambda c, i: c.beta.threads.runs.cancel(i, thread_id="thread_1"), "run_id"),
    ("fine_tuning.jobs.cancel", lambda c, i: c.fine_tuning.jobs.cancel(i),
     "fine_tuning_job_id"),
    ("batches.cancel", lambda c, i: c.batches.cancel(i), "batch_id"),
]
BAD_IDS = ["", ".", "..", "../vs_1", "a/b", "a\\b", "a?b", "a#b", "a%2e", "a b", "a\tb", "a\nb",
           "\x00", "a\x1b[2Jb", "a\x7f", "a\x85", "a\u2028", "a\u00a0b", "a\ufeff", "a\ud800"]
SETUPS = [("lowcodeapi", "auto"), ("lowcodeapi", "new"), ("lowcodeapi", "old"), ("openai", "auto")]


class Recorder:
    """A Client or AsyncClient whose transport records every request (and answers 200)."""

    def __init__(self, mode: str, flavor: str, url_format: str) -> None:
        self.mode = mode
        self.sent: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            self.sent.append(request)
            return httpx.Response(200, json={"message": "ok", "provider": "openai",
                                             "result": {"id": "x", "deleted": True}})

        base = "http://lco.test/openai" if flavor == "lowcodeapi" else "http://oai.test/v1"
        kw = dict(api_token=TOKEN, base_url=base, flavor=flavor, url_format=url_format,
                  owns_http_client=True)
        if mode == "sync":
            self.client: Any = Client(
                http_client=httpx.Client(transport=httpx.MockTransport(handler)), **kw)
        else:
            self.client = AsyncClient(
                http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), **kw)

    def call(self, fn: Callable[[Any, str], Any], value: str) -> Any:
        result = fn(self.client, value)
        if self.mode == "async":
            return asyncio.run(result)  # resources raise before returning a coroutine, or in it
        return result


@pytest.mark.parametrize(("label", "fn", "param"), CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("setup", SETUPS, ids=["-".join(s) for s in SETUPS])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_bad_ids_send_nothing(mode, setup, label, fn, param):
    rec = Recorder(mode, *setup)
    for bad in BAD_IDS:
        with pytest.raises(ValueError, match=param):
            rec.call(fn, bad)
    assert rec.sent == []
    # The same call with a real id goes out, to one path naming it.
    rec.call(fn, "id_123")
    assert len(rec.sent) == 1
    sent = rec.sent[0].url
    assert "id_123" in sent.path or sent.params.get(param) == "id_123"


def test_the_issue_reproductions_now_send_nothing():
    rec = Recorder("sync", "lowcodeapi", "auto")
    with pytest.raises(ValueError, match="file_id"):
        rec.client.vector_stores.files.delete("..", vector_store_id="vs_1")
    with pytest.raises(ValueError, match="message_id"):
        rec.client.beta.threads.messages.delete("..", thread_id="thread_1")
    with pytest.raises(ValueError, match="file_id"):
        rec.client.files.retrieve(".")
    assert rec.sent == []


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("bad", ["..", ".", "a/b", "a%2F"])
def test_the_requester_refuses_what_a_resource_forgot(mode, bad):
    """The last line: a RequestSpec built without require_id is still checked."""
    rec = Recorder(mode, "lowcodeapi", "auto")
    spec = RequestSpec("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}",
                       path_params={"vector_store_id": "vs_1", "file_id": bad})
    requester = rec.client.requester
    with pytest.raises(ValueError, match="file_id"):
        if mode == "sync":
            requester.request(spec)
        else:
            asyncio.run(requester.request(spec))
    assert rec.sent == []


_BAD_CHARS = st.sampled_from(list("/\\?#% \t\r\n\x00\x1b\x7f\x85\x9b\u2028\u3000\ufeff\ud800"))
_ID_TEXT = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"),
                                 whitelist_characters="-_:."), max_size=12)


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(head=_ID_TEXT, bad=_BAD_CHARS, tail=_ID_TEXT, which=st.integers(0, len(CALLS) - 1),
       setup=st.sampled_from(SETUPS))
def test_fuzz_ids_with_a_bad_character_anywhere_send_nothing(head, bad, tail, which, setup):
    label, fn, param = CALLS[which]
    rec = Recorder("sync", *setup)
    try:
        with pytest.raises(ValueError, match=param):
            rec.call(fn, head + bad + tail)
        assert rec.sent == [], label
    finally:
        rec.client.close()


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(value=_ID_TEXT.filter(lambda t: t.strip(".") != ""))
def test_fuzz_ordinary_ids_are_sent_as_one_segment(value):
    rec = Recorder("sync", "openai", "auto")
    try:
        rec.client.files.retrieve(value)
        (request,) = rec.sent
        assert request.url.path == "/v1/files/" + value
    finally:
        rec.client.close()
