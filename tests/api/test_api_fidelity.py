"""Issue 12, fidelity gaps in the client: ``vector_stores.search``, ``vector_stores.file_batches``
and ``uploads`` in both clients against the emulator, refused under the lowcodeapi flavor, and
the official SDK against the emulator's openai flavor."""

from __future__ import annotations

import asyncio
import hashlib

import httpx
import openai
import pytest
from _fake_requester import FakeRequester, render_path
from _schema import validate_request

import lcoai_notebook as lco
from lcoai_notebook.api.uploads import Uploads
from lcoai_notebook.api.vector_stores import VectorStores
from lcoai_notebook.emulator import Emulator

DOCS = {
    "pets.txt": b"Our kitten chases a ball of yarn, then the cat naps on the sofa.",
    "markets.txt": b"Bond yields climbed as the central bank raised interest rates.",
    "garage.txt": b"The mechanic replaced the worn brake pads and tires on the truck.",
}


def _ids(client) -> list[str]:
    return [client.files.create(file=(name, text), purpose="assistants").id
            for name, text in DOCS.items()]


def test_sync_client_search_batches_and_uploads():
    with Emulator(flavor="openai", job_step_seconds=0).client() as client:
        vs = client.vector_stores.create(name="kb")
        batch = client.vector_stores.file_batches.create(vs.id, file_ids=_ids(client),
                                                         attributes={"shelf": "a"})
        assert batch.object == "vector_store.files_batch" and batch.file_counts.total == 3
        again = client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=vs.id)
        assert again.status == "completed" and again.file_counts.completed == 3
        files = list(client.vector_stores.file_batches.list_files(
            batch.id, vector_store_id=vs.id, limit=2))
        assert len(files) == 3 and {f.attributes["shelf"] for f in files} == {"a"}
        hits = list(client.vector_stores.search(vs.id, query="a kitten and some yarn"))
        assert hits[0].filename == "pets.txt" and hits[0].score > hits[1].score
        assert hits[0].content[0].text == DOCS["pets.txt"].decode()
        only = client.vector_stores.search(vs.id, query="money", max_num_results=1,
                                           filters={"type": "eq", "key": "shelf", "value": "a"})
        assert [h.filename for h in only] == ["markets.txt"]

        blob = b"line one\nline two\nline three\n"
        up = client.uploads.create(bytes=len(blob), filename="notes.txt",
                                   mime_type="text/plain", purpose="assistants")
        assert up.status == "pending"
        parts = [client.uploads.parts.create(up.id, data=blob[:10]),
                 client.uploads.parts.create(up.id, data=("tail.bin", blob[10:]))]
        done = client.uploads.complete(up.id, part_ids=[p.id for p in parts],
                                       md5=hashlib.md5(blob).hexdigest())
        assert done.status == "completed" and done.file.bytes == len(blob)
        assert client.files.content(done.file.id) == blob
        spare = client.uploads.create(bytes=1, filename="x.txt", mime_type="text/plain",
                                      purpose="assistants")
        assert client.uploads.cancel(spare.id).status == "cancelled"
        with pytest.raises(lco.BadRequestError):
            client.uploads.parts.create(spare.id, data=b"x")


def test_cancel_a_batch_in_progress():
    with Emulator(flavor="openai", job_step_seconds=60).client() as client:
        vs = client.vector_stores.create()
        batch = client.vector_stores.file_batches.create(
            vs.id, files=[{"file_id": f} for f in _ids(client)])
        assert batch.status == "in_progress"
        cancelled = client.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id)
        assert cancelled.status == "cancelled" and cancelled.file_counts.cancelled == 3
        # Nothing processed: nothing to find.
        assert list(client.vector_stores.search(vs.id, query="kitten")) == []


def test_async_client_matches_sync():
    emu = Emulator(flavor="openai", job_step_seconds=0)

    async def run():
        async with emu.async_client() as client:
            ids = [(await client.files.create(file=(n, t), purpose="assistants")).id
                   for n, t in DOCS.items()]
            vs = await client.vector_stores.create()
            batch = await client.vector_stores.file_batches.create(vs.id, file_ids=ids)
            got = await client.vector_stores.file_batches.retrieve(batch.id,
                                                                   vector_store_id=vs.id)
            listed = [f.id async for f in client.vector_stores.file_batches.list_files(
                batch.id, vector_store_id=vs.id)]
            page = await client.vector_stores.search(vs.id, query="brakes and tires")
            up = await client.uploads.create(bytes=4, filename="a.txt",
                                             mime_type="text/plain", purpose="assistants")
            part = await client.uploads.parts.create(up.id, data=b"abcd")
            done = await client.uploads.complete(up.id, part_ids=[part.id])
            return got.status, sorted(listed) == sorted(ids), page.data[0].filename, done

    status, same, top, done = asyncio.run(run())
    assert status == "completed" and same and top == "garage.txt"
    assert done.status == "completed" and done.file.bytes == 4


def _lowcode_client() -> lco.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent: {request.url}")

    return lco.Client(api_token="at_test", base_url="http://127.0.0.1:9/openai",
                      http_client=httpx.Client(transport=httpx.MockTransport(handler)))


@pytest.mark.parametrize(("name", "call"), [
    ("vector_stores.search", lambda c: c.vector_stores.search("vs_1", query="x")),
    ("vector_stores.file_batches.create",
     lambda c: c.vector_stores.file_batches.create("vs_1", file_ids=["file-1"])),
    ("vector_stores.file_batches.retrieve",
     lambda c: c.vector_stores.file_batches.retrieve("vsfb_1", vector_store_id="vs_1")),
    ("vector_stores.file_batches.cancel",
     lambda c: c.vector_stores.file_batches.cancel("vsfb_1", vector_store_id="vs_1")),
    ("vector_stores.file_batches.list_files",
     lambda c: c.vector_stores.file_batches.list_files("vsfb_1", vector_store_id="vs_1")),
    ("uploads.create", lambda c: c.uploads.create(bytes=1, filename="a.txt",
                                                  mime_type="text/plain", purpose="assistants")),
    ("uploads.parts.create", lambda c: c.uploads.parts.create("upload_1", data=b"x")),
    ("uploads.complete", lambda c: c.uploads.complete("upload_1", part_ids=["part_1"])),
    ("uploads.cancel", lambda c: c.uploads.cancel("upload_1")),
])
def test_lowcodeapi_flavor_refuses_routes_it_does_not_define(name, call):
    with _lowcode_client() as client, pytest.raises(
            ValueError, match=rf"^{name} is not available through LowCodeAPI.*flavor='openai'"):
        call(client)


def _fake(body: dict) -> FakeRequester:
    req = FakeRequester(lambda spec: body)
    req.flavor = "openai"
    return req


def test_request_bodies_follow_the_spec():
    req = _fake({"object": "vector_store.search_results.page", "data": [], "has_more": False,
                 "search_query": ["x"], "next_page": None})
    vs = VectorStores(req)
    list(vs.search("vs_1", query=["a", "b"], max_num_results=5, rewrite_query=True,
                   ranking_options={"ranker": "auto", "score_threshold": 0.2},
                   filters={"type": "eq", "key": "k", "value": 1}))
    validate_request("searchVectorStore", req.specs[-1].json)
    vs.file_batches.create("vs_1", file_ids=["file-1", "file-2"], attributes={"a": "b"},
                           chunking_strategy={"type": "auto"})
    validate_request("createVectorStoreFileBatch", req.specs[-1].json)
    vs.file_batches.create("vs_1", files=[{"file_id": "file-1", "attributes": {"x": 1}}])
    validate_request("createVectorStoreFileBatch", req.specs[-1].json)
    vs.file_batches.cancel("vsfb_1", vector_store_id="vs_1")
    ups = Uploads(req)
    ups.create(bytes=10, filename="a.jsonl", mime_type="text/jsonl", purpose="batch")
    validate_request("createUpload", req.specs[-1].json)
    ups.parts.create("upload_1", data=b"0123456789")
    assert req.specs[-1].files == [("data", req.specs[-1].files[0][1])]
    assert req.specs[-1].files[0][1][1] == b"0123456789"
    ups.complete("upload_1", part_ids=["part_1"], md5="abc")
    validate_request("completeUpload", req.specs[-1].json)
    ups.cancel("upload_1")
    assert [(s.method, render_path(s)) for s in req.specs] == [
        ("POST", "/vector_stores/vs_1/search"), ("POST", "/vector_stores/vs_1/file_batches"),
        ("POST", "/vector_stores/vs_1/file_batches"),
        ("POST", "/vector_stores/vs_1/file_batches/vsfb_1/cancel"), ("POST", "/uploads"),
        ("POST", "/uploads/upload_1/parts"), ("POST", "/uploads/upload_1/complete"),
        ("POST", "/uploads/upload_1/cancel")]
    assert all(s.headers.get("OpenAI-Beta") == "assistants=v2" for s in req.specs[:4])
    assert not any("OpenAI-Beta" in s.headers for s in req.specs[4:])


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda vs, up: vs.search("vs_1", query=""), ValueError, r"^query must be"),
    (lambda vs, up: vs.search("vs_1", query="x", max_num_results=0), ValueError,
     r"^max_num_results must be an integer from 1 to 50"),
    (lambda vs, up: vs.search("vs_1", query="x", rewrite_query="yes"), TypeError,
     r"^rewrite_query"),
    (lambda vs, up: vs.search("vs_1", query="x", filters=[1]), TypeError, r"^filters"),
    (lambda vs, up: vs.search("a/b", query="x"), ValueError, r"vector_store_id"),
    (lambda vs, up: vs.file_batches.create("vs_1"), ValueError, r"file_ids.*files"),
    (lambda vs, up: vs.file_batches.create("vs_1", file_ids=[]), ValueError,
     r"^file_ids must hold 1 to 2000"),
    (lambda vs, up: vs.file_batches.create("vs_1", file_ids="file-1"), TypeError,
     r"^file_ids must be a list"),
    (lambda vs, up: vs.file_batches.create("vs_1", files=[{"file_id": "f"}],
                                           attributes={"a": 1}), ValueError, r"inside each"),
    (lambda vs, up: vs.file_batches.list_files("b", vector_store_id="v", filter="done"),
     ValueError, r"^filter must be one of"),
    (lambda vs, up: up.create(bytes=-1, filename="a", mime_type="t", purpose="assistants"),
     ValueError, r"^bytes must be an integer"),
    (lambda vs, up: up.create(bytes=1, filename="a", mime_type="t", purpose="moon"),
     ValueError, r"^purpose must be one of"),
    (lambda vs, up: up.create(bytes=1, filename="", mime_type="t", purpose="assistants"),
     TypeError, r"^filename is required"),
    (lambda vs, up: up.complete("upload_1", part_ids="part_1"), TypeError, r"^part_ids"),
    (lambda vs, up: up.parts.create("upload_1", data=3.5), TypeError, r"data"),
])
def test_bad_arguments_are_refused_before_sending(call, exc, match):
    req = _fake({})
    with pytest.raises(exc, match=match):
        call(VectorStores(req), Uploads(req))
    assert req.specs == []


# --------------------------------------------------------------------------- the official SDK
@pytest.fixture
def sdk():
    emu = Emulator(flavor="openai", job_step_seconds=0)
    with openai.OpenAI(base_url=emu.inprocess_url, api_key=emu.api_token, max_retries=0,
                       http_client=httpx.Client(transport=emu.transport())) as client:
        yield client


def test_official_sdk_vector_store_search_and_file_batches(sdk):
    ids = [sdk.files.create(file=(n, t), purpose="assistants").id for n, t in DOCS.items()]
    vs = sdk.vector_stores.create(name="kb")
    batch = sdk.vector_stores.file_batches.create(vs.id, file_ids=ids)
    assert type(batch).__name__ == "VectorStoreFileBatch" and batch.file_counts.total == 3
    assert sdk.vector_stores.file_batches.retrieve(batch.id, vector_store_id=vs.id).status == (
        "completed")
    listed = sdk.vector_stores.file_batches.list_files(batch.id, vector_store_id=vs.id)
    assert sorted(f.id for f in listed) == sorted(ids)
    with pytest.raises(openai.BadRequestError):  # completed: nothing left to cancel
        sdk.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id)
    results = list(sdk.vector_stores.search(vs.id, query="interest rates and bonds"))
    assert type(results[0]).__name__ == "VectorStoreSearchResponse"
    assert results[0].filename == "markets.txt" and results[0].content[0].type == "text"
    assert 0 <= results[-1].score < results[0].score <= 1


def test_official_sdk_uploads(sdk):
    blob = b'{"a": 1}\n{"a": 2}\n'
    up = sdk.uploads.create(bytes=len(blob), filename="x.jsonl", mime_type="text/jsonl",
                            purpose="batch")
    assert type(up).__name__ == "Upload" and up.status == "pending"
    part = sdk.uploads.parts.create(up.id, data=blob)
    assert type(part).__name__ == "UploadPart" and part.upload_id == up.id
    done = sdk.uploads.complete(up.id, part_ids=[part.id])
    assert done.status == "completed" and done.file is not None
    assert sdk.files.content(done.file.id).read() == blob
    spare = sdk.uploads.create(bytes=1, filename="y.txt", mime_type="text/plain",
                               purpose="assistants")
    assert sdk.uploads.cancel(spare.id).status == "cancelled"
    with pytest.raises(openai.NotFoundError):
        sdk.uploads.cancel("upload_missing")
