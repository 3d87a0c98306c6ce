"""Issue 12, fidelity gaps in the emulator: vector store search, file batches, uploads; every
body checked against OpenAI's spec."""

from __future__ import annotations

import hashlib

import pytest
from _emu_stub import StubApp
from _schema import validate_request, validate_response

import lcoai_notebook.emulator._uploads  # noqa: F401  (registers the upload routes)
from lcoai_notebook.emulator._router import Upload
from lcoai_notebook.emulator._vector_search import _chunks

DOCS = {
    "pets.txt": "Our kitten chases a ball of yarn, then the cat naps on the sofa all afternoon.",
    "markets.txt": "Bond yields climbed as the central bank raised interest rates; stocks fell.",
    "garage.txt": "The mechanic replaced the worn brake pads and the tires on the old truck.",
    "kitchen.txt": "Simmer the tomatoes with garlic and basil, then stir in the cooked pasta.",
}


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def _file(app: StubApp, name: str, text: str | bytes) -> str:
    status, body = app.upload(text.encode() if isinstance(text, str) else text, "assistants",
                              name)
    assert status == 200, body
    return body["id"]


def _store_with_docs(app: StubApp, attributes: dict | None = None) -> tuple[str, dict]:
    vs = app.ok("POST", "/v1/vector_stores", json={"name": "kb"})["id"]
    ids = {}
    for i, (name, text) in enumerate(DOCS.items()):
        ids[name] = _file(app, name, text)
        attrs = (attributes or {}).get(name, {"n": i})
        app.ok("POST", f"/v1/vector_stores/{vs}/files", json={"file_id": ids[name],
                                                              "attributes": attrs})
    app.advance(1)
    return vs, ids


def _search(app: StubApp, vs: str, **body) -> dict:
    # The spec's CompoundFilter recurses with a draft-2019 $recursiveRef to "#", which the
    # 2020-12 validator resolves to the whole document: such request bodies cannot be checked.
    if (body.get("filters") or {}).get("type") not in ("and", "or"):
        validate_request("searchVectorStore", body)
    page = app.ok("POST", f"/v1/vector_stores/{vs}/search", json=body)
    validate_response("searchVectorStore", page)
    return page


# --------------------------------------------------------------------------- search
@pytest.mark.parametrize(("query", "expected"), [
    ("a kitten playing with yarn", "pets.txt"),
    ("interest rates and the bond market", "markets.txt"),
    ("car repair: brakes and tyres", "garage.txt"),
    ("a tomato pasta recipe", "kitchen.txt"),
])
def test_search_ranks_the_file_about_the_query_first(app, query, expected):
    vs, ids = _store_with_docs(app)
    page = _search(app, vs, query=query)
    hits = page["data"]
    assert page["search_query"] == [query] and page["has_more"] is False
    assert page["next_page"] is None
    assert hits[0]["filename"] == expected and hits[0]["file_id"] == ids[expected]
    assert hits[0]["content"] == [{"type": "text", "text": DOCS[expected]}]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert scores[0] > scores[1] + 0.1  # a clear winner, not a coin toss


def test_search_limits_thresholds_and_several_queries(app):
    vs, _ = _store_with_docs(app)
    assert len(_search(app, vs, query="yarn", max_num_results=2)["data"]) == 2
    everything = _search(app, vs, query="kitten")["data"]
    cut = _search(app, vs, query="kitten",
                  ranking_options={"ranker": "auto", "score_threshold": 0.3})["data"]
    assert cut and len(cut) < len(everything) and all(h["score"] >= 0.3 for h in cut)
    both = _search(app, vs, query=["a kitten", "garlic and basil"], max_num_results=2)
    assert {h["filename"] for h in both["data"]} == {"pets.txt", "kitchen.txt"}
    rewritten = _search(app, vs, query="What is the best pasta recipe?", rewrite_query=True)
    assert rewritten["search_query"] == ["best pasta recipe"]


def test_search_filters_on_attributes(app):
    attrs = {"pets.txt": {"topic": "home", "year": 2024},
             "markets.txt": {"topic": "money", "year": 2025},
             "garage.txt": {"topic": "home", "year": 2026},
             "kitchen.txt": {"topic": "home", "year": 2023}}
    vs, _ = _store_with_docs(app, attrs)

    def names(filters):
        return {h["filename"] for h in _search(app, vs, query="anything", filters=filters)["data"]}

    assert names({"type": "eq", "key": "topic", "value": "money"}) == {"markets.txt"}
    assert names({"type": "ne", "key": "topic", "value": "money"}) == {
        "pets.txt", "garage.txt", "kitchen.txt"}
    assert names({"type": "gte", "key": "year", "value": 2025}) == {"markets.txt", "garage.txt"}
    assert names({"type": "and", "filters": [
        {"type": "eq", "key": "topic", "value": "home"},
        {"type": "lt", "key": "year", "value": 2025}]}) == {"pets.txt", "kitchen.txt"}
    assert names({"type": "or", "filters": [
        {"type": "eq", "key": "year", "value": 2023},
        {"type": "eq", "key": "topic", "value": "money"}]}) == {"kitchen.txt", "markets.txt"}
    hit = _search(app, vs, query="x", filters={"type": "eq", "key": "year", "value": 2026})
    assert hit["data"][0]["attributes"] == {"topic": "home", "year": 2026}


def test_search_skips_files_not_ready_or_not_text(app):
    vs = app.ok("POST", "/v1/vector_stores", json={})["id"]
    text, blob = _file(app, "a.txt", "kittens and cats"), _file(app, "b.bin", b"\xff\xfe\x00")
    app.ok("POST", "/v1/vector_stores", json={})
    for fid in (text, blob):
        app.ok("POST", f"/v1/vector_stores/{vs}/files", json={"file_id": fid})
    assert _search(app, vs, query="cats")["data"] == []  # still in progress
    app.advance(1)
    assert [h["file_id"] for h in _search(app, vs, query="cats")["data"]] == [text]


def test_long_files_are_cut_into_overlapping_chunks(app):
    words = [f"w{i}" for i in range(250)]
    assert _chunks(" ".join(words), 100, 50)[1].split() == words[50:150]
    assert len(_chunks(" ".join(words), 100, 50)) == 4  # 0, 50, 100, 150 (which reaches 250)
    vs = app.ok("POST", "/v1/vector_stores", json={})["id"]
    long = " ".join(["Stocks and bonds."] * 60 + ["Kittens chase yarn."] * 60)
    fid = _file(app, "mixed.txt", long)
    app.ok("POST", f"/v1/vector_stores/{vs}/files", json={
        "file_id": fid, "chunking_strategy": {"type": "static", "static": {
            "max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0}}})
    app.advance(1)
    hits = _search(app, vs, query="a kitten", max_num_results=50)["data"]
    assert len(hits) == 4 and {h["file_id"] for h in hits} == {fid}
    assert "Kittens" in hits[0]["content"][0]["text"]
    assert "Kittens" not in hits[-1]["content"][0]["text"]


@pytest.mark.parametrize(("body", "param"), [
    ({}, "query"),
    ({"query": ""}, "query"),
    ({"query": []}, "query"),
    ({"query": "x", "max_num_results": 51}, "max_num_results"),
    ({"query": "x", "filters": {"type": "like", "key": "a", "value": 1}}, "filters.type"),
    ({"query": "x", "filters": {"type": "in", "key": "a", "value": 1}}, "filters.value"),
    ({"query": "x", "filters": {"type": "and", "filters": []}}, "filters.filters"),
    ({"query": "x", "ranking_options": {"score_threshold": 2}},
     "ranking_options.score_threshold"),
    ({"query": "x", "ranking_options": {"ranker": "best"}}, "ranking_options.ranker"),
    ({"query": "x", "top_k": 3}, "top_k"),
])
def test_search_bad_requests(app, body, param):
    vs = app.ok("POST", "/v1/vector_stores", json={})["id"]
    status, err = app.call("POST", f"/v1/vector_stores/{vs}/search", json=body)
    assert status == 400 and err["error"]["param"] == param
    assert app.call("POST", "/v1/vector_stores/vs_nope/search", json={"query": "x"})[0] == 404


# --------------------------------------------------------------------------- file batches
def test_file_batch_lifecycle(app):
    vs = app.ok("POST", "/v1/vector_stores", json={})["id"]
    ids = [_file(app, f"{i}.txt", f"note {i}") for i in range(3)]
    blob = _file(app, "x.bin", b"\xff\xfe")
    body = {"file_ids": [*ids, blob], "attributes": {"team": "a"}}
    validate_request("createVectorStoreFileBatch", body)
    batch = app.ok("POST", f"/v1/vector_stores/{vs}/file_batches", json=body)
    validate_response("createVectorStoreFileBatch", batch)
    assert batch["object"] == "vector_store.files_batch" and batch["status"] == "in_progress"
    assert batch["file_counts"] == {"in_progress": 4, "completed": 0, "failed": 0,
                                    "cancelled": 0, "total": 4}
    app.advance(1)
    done = app.ok("GET", f"/v1/vector_stores/{vs}/file_batches/{batch['id']}")
    validate_response("getVectorStoreFileBatch", done)
    assert done["status"] == "completed" and done["file_counts"]["completed"] == 3
    assert done["file_counts"]["failed"] == 1
    page = app.ok("GET", f"/v1/vector_stores/{vs}/file_batches/{batch['id']}/files",
                  query={"limit": "2", "order": "asc"})
    validate_response("listFilesInVectorStoreBatch", page)
    assert [f["id"] for f in page["data"]] == ids[:2] and page["has_more"]
    assert page["data"][0]["attributes"] == {"team": "a"}
    failed = app.ok("GET", f"/v1/vector_stores/{vs}/file_batches/{batch['id']}/files",
                    query={"filter": "failed"})
    assert [f["id"] for f in failed["data"]] == [blob]
    # Files attached outside the batch are not its files.
    other = _file(app, "o.txt", "other")
    app.ok("POST", f"/v1/vector_stores/{vs}/files", json={"file_id": other})
    listed = app.ok("GET", f"/v1/vector_stores/{vs}/file_batches/{batch['id']}/files")
    assert other not in {f["id"] for f in listed["data"]} and len(listed["data"]) == 4
    status, err = app.call("POST", f"/v1/vector_stores/{vs}/file_batches/{batch['id']}/cancel")
    assert status == 400 and err["error"]["param"] == "batch_id"


def test_file_batch_with_per_file_settings_and_cancel(app):
    vs = app.ok("POST", "/v1/vector_stores", json={})["id"]
    a, b = _file(app, "a.txt", "alpha"), _file(app, "b.txt", "beta")
    body = {"files": [{"file_id": a, "attributes": {"k": 1}},
                      {"file_id": b, "chunking_strategy": {"type": "static", "static": {
                          "max_chunk_size_tokens": 200, "chunk_overlap_tokens": 50}}}]}
    validate_request("createVectorStoreFileBatch", body)
    batch = app.ok("POST", f"/v1/vector_stores/{vs}/file_batches", json=body)
    fa = app.ok("GET", f"/v1/vector_stores/{vs}/files/{a}")
    fb = app.ok("GET", f"/v1/vector_stores/{vs}/files/{b}")
    assert fa["attributes"] == {"k": 1}
    assert fb["chunking_strategy"]["static"]["max_chunk_size_tokens"] == 200
    cancelled = app.ok("POST", f"/v1/vector_stores/{vs}/file_batches/{batch['id']}/cancel")
    validate_response("cancelVectorStoreFileBatch", cancelled)
    assert cancelled["status"] == "cancelled" and cancelled["file_counts"]["cancelled"] == 2
    app.advance(1)
    assert app.ok("GET", f"/v1/vector_stores/{vs}/files/{a}")["status"] == "cancelled"
    store = app.ok("GET", f"/v1/vector_stores/{vs}")
    assert store["file_counts"]["cancelled"] == 2 and store["status"] == "completed"


@pytest.mark.parametrize(("body", "param"), [
    ({}, "file_ids"),
    ({"file_ids": []}, "file_ids"),
    ({"file_ids": ["file-x"], "files": [{"file_id": "file-x"}]}, "files"),
    ({"files": [{"file_id": "f"}], "attributes": {"a": 1}}, "files"),
    ({"files": ["file-x"]}, "files[0]"),
    ({"file_ids": ["file-missing"]}, "file_ids[0]"),
])
def test_file_batch_bad_requests(app, body, param):
    vs = app.ok("POST", "/v1/vector_stores", json={})["id"]
    status, err = app.call("POST", f"/v1/vector_stores/{vs}/file_batches", json=body)
    assert status in (400, 404) and err["error"]["param"] == param
    assert app.call("GET", f"/v1/vector_stores/{vs}/file_batches/vsfb_nope")[0] == 404


# --------------------------------------------------------------------------- uploads
def _part(app: StubApp, upload_id: str, data: bytes) -> dict:
    part = app.ok("POST", f"/v1/uploads/{upload_id}/parts",
                  form=({}, {"data": [Upload("blob", data)]}))
    validate_response("addUploadPart", part)
    return part


def test_upload_in_parts_completes_into_a_file(app):
    lines = [b'{"custom_id": "%d"}\n' % i for i in range(30)]
    content = b"".join(lines)
    body = {"filename": "in.jsonl", "purpose": "batch", "bytes": len(content),
            "mime_type": "text/jsonl"}
    validate_request("createUpload", body)
    up = app.ok("POST", "/v1/uploads", json=body)
    validate_response("createUpload", up)
    assert up["status"] == "pending" and up["file"] is None
    assert up["expires_at"] == up["created_at"] + 3600
    first, second = _part(app, up["id"], content[:200]), _part(app, up["id"], content[200:])
    assert first["upload_id"] == up["id"] and first["object"] == "upload.part"
    # Parts may arrive in any order; complete() says the order.
    done_body = {"part_ids": [first["id"], second["id"]],
                 "md5": hashlib.md5(content).hexdigest()}
    validate_request("completeUpload", done_body)
    done = app.ok("POST", f"/v1/uploads/{up['id']}/complete", json=done_body)
    validate_response("completeUpload", done)
    assert done["status"] == "completed" and done["file"]["bytes"] == len(content)
    assert done["file"]["filename"] == "in.jsonl" and done["file"]["purpose"] == "batch"
    got = app.ok("GET", f"/v1/files/{done['file']['id']}/content")
    assert got.content == content
    status, err = app.call("POST", f"/v1/uploads/{up['id']}/parts",
                           form=({}, {"data": [Upload("blob", b"more")]}))
    assert status == 400 and err["error"]["param"] == "upload_id"


def test_upload_cancel_and_completion_checks(app):
    up = app.ok("POST", "/v1/uploads", json={"filename": "a.txt", "purpose": "assistants",
                                             "bytes": 10, "mime_type": "text/plain"})
    p1, p2 = _part(app, up["id"], b"hello"), _part(app, up["id"], b"world")
    for body, param in (({"part_ids": [p1["id"]]}, "part_ids"),
                        ({"part_ids": [p1["id"], "part_x"]}, "part_ids[1]"),
                        ({"part_ids": [p1["id"], p1["id"]]}, "part_ids"),
                        ({"part_ids": [p1["id"], p2["id"]], "md5": "0" * 32}, "md5"),
                        ({}, "part_ids")):
        status, err = app.call("POST", f"/v1/uploads/{up['id']}/complete", json=body)
        assert status == 400 and err["error"]["param"] == param, body
    swapped = app.ok("POST", f"/v1/uploads/{up['id']}/complete",
                     json={"part_ids": [p2["id"], p1["id"]]})
    assert app.ok("GET", f"/v1/files/{swapped['file']['id']}/content").content == b"worldhello"
    other = app.ok("POST", "/v1/uploads", json={"filename": "b.txt", "purpose": "assistants",
                                                "bytes": 3, "mime_type": "text/plain"})
    cancelled = app.ok("POST", f"/v1/uploads/{other['id']}/cancel")
    validate_response("cancelUpload", cancelled)
    assert cancelled["status"] == "cancelled" and cancelled["file"] is None
    assert app.call("POST", f"/v1/uploads/{other['id']}/cancel")[0] == 400
    assert app.call("POST", "/v1/uploads/upload_nope/cancel")[0] == 404


@pytest.mark.parametrize(("body", "param"), [
    ({"purpose": "assistants", "bytes": 1, "mime_type": "text/plain"}, "filename"),
    ({"filename": "a.txt", "purpose": "moon", "bytes": 1, "mime_type": "text/plain"},
     "purpose"),
    ({"filename": "a.txt", "purpose": "assistants", "mime_type": "text/plain"}, "bytes"),
    ({"filename": "a.txt", "purpose": "assistants", "bytes": -1, "mime_type": "text/plain"},
     "bytes"),
    ({"filename": "a.txt", "purpose": "assistants", "bytes": 1}, "mime_type"),
    ({"filename": "a.txt", "purpose": "fine-tune", "bytes": 1, "mime_type": "text/jsonl"},
     "filename"),
])
def test_upload_create_bad_requests(app, body, param):
    status, err = app.call("POST", "/v1/uploads", json=body)
    assert status == 400 and err["error"]["param"] == param
