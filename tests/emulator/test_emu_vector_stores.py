"""Emulator vector stores and their files."""

from __future__ import annotations

import pytest
from _emu_stub import EmuHTTP, StubApp
from _schema import validate_response


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def _file(app: StubApp, content: bytes = b"some notes about llamas", name: str = "n.txt") -> str:
    status, f = app.upload(content, "assistants", name)
    assert status == 200
    return f["id"]


def test_store_lifecycle_counts_and_status(app: StubApp) -> None:
    good, binary = _file(app), _file(app, b"\xff\xfe\x00\x01", "blob.bin")
    vs = app.ok("POST", "/v1/vector_stores", json={"name": "kb", "file_ids": [good, binary],
                                                    "metadata": {"k": "v"},
                                                    "expires_after": {"anchor": "last_active_at",
                                                                      "days": 7}})
    validate_response("createVectorStore", vs)
    assert vs["status"] == "in_progress" and vs["name"] == "kb"
    assert vs["file_counts"] == {"in_progress": 2, "completed": 0, "failed": 0, "cancelled": 0,
                                 "total": 2}
    assert vs["expires_at"] == vs["last_active_at"] + 7 * 86400
    app.advance(1)
    done = app.ok("GET", f"/v1/vector_stores/{vs['id']}")
    validate_response("getVectorStore", done)
    assert done["status"] == "completed"
    assert done["file_counts"] == {"in_progress": 0, "completed": 1, "failed": 1, "cancelled": 0,
                                   "total": 2}
    assert done["usage_bytes"] == len(b"some notes about llamas")
    failed = app.ok("GET", f"/v1/vector_stores/{vs['id']}/files/{binary}")
    validate_response("getVectorStoreFile", failed)
    assert failed["status"] == "failed" and failed["last_error"]["code"] == "unsupported_file"
    mod = app.ok("POST", f"/v1/vector_stores/{vs['id']}", json={"name": "renamed"})
    validate_response("modifyVectorStore", mod)
    assert mod["name"] == "renamed" and mod["metadata"] == {"k": "v"}
    others = [app.ok("POST", "/v1/vector_stores", json={})["id"] for _ in range(2)]
    page = app.ok("GET", "/v1/vector_stores", query={"limit": "2"})
    validate_response("listVectorStores", page)
    assert [s["id"] for s in page["data"]] == others[::-1] and page["has_more"]
    gone = app.ok("DELETE", f"/v1/vector_stores/{vs['id']}")
    validate_response("deleteVectorStore", gone)
    assert gone == {"id": vs["id"], "object": "vector_store.deleted", "deleted": True}
    assert app.call("GET", f"/v1/vector_stores/{vs['id']}")[0] == 404


def test_store_files(app: StubApp) -> None:
    vs = app.ok("POST", "/v1/vector_stores", json={"name": "kb"})
    ids = [_file(app, f"doc {i}".encode()) for i in range(3)]
    for fid in ids:
        f = app.ok("POST", f"/v1/vector_stores/{vs['id']}/files", json={"file_id": fid,
                                                                         "attributes": {"n": 1}})
        validate_response("createVectorStoreFile", f)
        assert f["status"] == "in_progress" and f["vector_store_id"] == vs["id"]
        assert f["id"] == fid and f["attributes"] == {"n": 1}
    listed = app.ok("GET", f"/v1/vector_stores/{vs['id']}/files", query={"order": "asc"})
    validate_response("listVectorStoreFiles", listed)
    assert [f["id"] for f in listed["data"]] == ids
    assert app.ok("GET", f"/v1/vector_stores/{vs['id']}/files",
                  query={"filter": "completed"})["data"] == []
    app.advance(1)
    assert len(app.ok("GET", f"/v1/vector_stores/{vs['id']}/files",
                      query={"filter": "completed"})["data"]) == 3
    gone = app.ok("DELETE", f"/v1/vector_stores/{vs['id']}/files/{ids[0]}")
    validate_response("deleteVectorStoreFile", gone)
    assert gone["object"] == "vector_store.file.deleted"
    assert app.ok("GET", f"/v1/vector_stores/{vs['id']}")["file_counts"]["total"] == 2
    assert app.call("GET", f"/v1/vector_stores/{vs['id']}/files/{ids[0]}")[0] == 404


def test_unknown_ids_and_bad_input_create_nothing(app: StubApp) -> None:
    status, err = app.call("POST", "/v1/vector_stores", json={"file_ids": ["file-nope"]})
    assert status == 404 and err["error"]["message"] == "No such File object: file-nope"
    assert app.ok("GET", "/v1/vector_stores")["data"] == []
    vs = app.ok("POST", "/v1/vector_stores", json={})
    for body, param in [({}, "file_id"), ({"file_id": "file-nope"}, "file_id"),
                        ({"file_id": _file(app), "chunking_strategy": {"type": "big"}},
                         "chunking_strategy")]:
        status, err = app.call("POST", f"/v1/vector_stores/{vs['id']}/files", json=body)
        assert status in (400, 404) and err["error"]["param"] == param
    assert app.ok("GET", f"/v1/vector_stores/{vs['id']}/files")["data"] == []
    assert app.call("GET", f"/v1/vector_stores/{vs['id']}/files",
                    query={"filter": "done"})[0] == 400
    assert app.call("POST", "/v1/vector_stores", json={
        "expires_after": {"anchor": "created_at", "days": 1}})[0] == 400


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_vector_stores_over_the_emulator(flavor: str) -> None:
    h = EmuHTTP(flavor, job_step_seconds=0)
    try:
        status, f = h.upload(b"facts", "assistants", "facts.md")
        vs = h.ok("POST", "/vector_stores", json={"name": "kb", "file_ids": [f["id"]]})
        validate_response("createVectorStore", vs)
        assert vs["status"] == "completed" and vs["file_counts"]["completed"] == 1
        files = h.ok("GET", f"/vector_stores/{vs['id']}/files")
        validate_response("listVectorStoreFiles", files)
        assert [x["id"] for x in files["data"]] == [f["id"]]
        validate_response("getVectorStoreFile",
                          h.ok("GET", f"/vector_stores/{vs['id']}/files/{f['id']}"))
        validate_response("deleteVectorStore", h.ok("DELETE", f"/vector_stores/{vs['id']}"))
    finally:
        h.close()
