"""vector_stores.* and vector_stores.files.*: shapes, the v2 header, validation."""

from __future__ import annotations

import asyncio

import pytest
from _fake_requester import FakeRequester, render_path
from _schema import validate_request

from lcoai_notebook.api.vector_stores import VectorStores

EMPTY = {"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None}


def stores(is_async=False):
    req = FakeRequester(lambda spec: EMPTY if spec.method == "GET" and spec.path.endswith(
        ("vector_stores", "files")) else {"id": "vs_1", "object": "vector_store"},
        is_async=is_async)
    return VectorStores(req), req


def test_calls_paths_bodies_and_header():
    vs, req = stores()
    vs.create(name="docs", file_ids=["file-1"], metadata={"k": "v"})
    validate_request("createVectorStore", req.specs[-1].json)
    vs.retrieve("vs_1")
    vs.update("vs_1", name="docs2")
    validate_request("modifyVectorStore", req.specs[-1].json)
    list(vs.list(limit=2, order="asc"))
    vs.delete("vs_1")
    vs.files.create("vs_1", file_id="file-1")
    validate_request("createVectorStoreFile", req.specs[-1].json)
    vs.files.retrieve("file-1", vector_store_id="vs_1")
    list(vs.files.list("vs_1", filter="completed"))
    vs.files.delete("file-1", vector_store_id="vs_1")
    assert [(s.method, render_path(s)) for s in req.specs] == [
        ("POST", "/vector_stores"), ("GET", "/vector_stores/vs_1"),
        ("POST", "/vector_stores/vs_1"), ("GET", "/vector_stores"),
        ("DELETE", "/vector_stores/vs_1"), ("POST", "/vector_stores/vs_1/files"),
        ("GET", "/vector_stores/vs_1/files/file-1"), ("GET", "/vector_stores/vs_1/files"),
        ("DELETE", "/vector_stores/vs_1/files/file-1"),
    ]
    assert all(s.headers["OpenAI-Beta"] == "assistants=v2" for s in req.specs)
    assert req.specs[3].query == {"limit": 2, "order": "asc"}
    assert req.specs[7].query == {"filter": "completed"}


@pytest.mark.parametrize("call, exc, match", [
    (lambda vs: vs.create(file_ids="file-1"), TypeError, "file_ids"),
    (lambda vs: vs.create(file_ids=["file-1", ""]), ValueError, r"file_ids\[1\]"),
    (lambda vs: vs.files.create("vs_1", file_id=""), ValueError, "file_id"),
    (lambda vs: vs.files.list("vs_1", filter="done"), ValueError, "filter"),
    (lambda vs: vs.files.retrieve("file-1", vector_store_id=""), ValueError, "vector_store_id"),
    (lambda vs: vs.list(limit=-1), ValueError, "limit"),
    (lambda vs: vs.list(limit=101), ValueError, "limit must be an integer from 1 to 100"),
    (lambda vs: vs.files.list("vs_1", limit=101), ValueError, "from 1 to 100, got 101"),
    (lambda vs: vs.retrieve("vs_1", bogus=True), TypeError, "bogus"),
])
def test_bad_arguments(call, exc, match):
    vs, req = stores()
    with pytest.raises(exc, match=match):
        call(vs)
    assert req.specs == []


def test_async_list_and_create():
    vs, req = stores(is_async=True)

    async def main():
        made = await vs.create(name="x")
        items = [x async for x in vs.files.list("vs_1")]
        return made, items

    made, items = asyncio.run(main())
    assert made.id == "vs_1" and items == []
    assert len(req.specs) == 2


def test_e2e_vector_store_with_files():
    from lcoai_notebook.emulator import Emulator

    with Emulator().client() as client:
        doc = client.files.create(file=("notes.txt", b"The sky is blue."), purpose="assistants")
        store = client.vector_stores.create(name="docs", file_ids=[doc.id])
        assert store.object == "vector_store" and store.name == "docs"
        assert [f.id for f in client.vector_stores.files.list(store.id)] == [doc.id]
        doc2 = client.files.create(file=("more.txt", b"Grass is green."), purpose="assistants")
        attached = client.vector_stores.files.create(store.id, file_id=doc2.id)
        assert attached.vector_store_id == store.id
        assert client.vector_stores.files.retrieve(doc2.id, vector_store_id=store.id).id == \
            doc2.id
        assert client.vector_stores.update(store.id, name="renamed").name == "renamed"
        assert [s.id for s in client.vector_stores.list()] == [store.id]
        assert client.vector_stores.files.delete(doc.id, vector_store_id=store.id).deleted
        assert [f.id for f in client.vector_stores.files.list(store.id)] == [doc2.id]
        assert client.vector_stores.delete(store.id).deleted is True
