"""Emulator Files routes: upload, list, retrieve, delete, content (handlers and both flavors)."""

from __future__ import annotations

import threading

import pytest
from _emu_stub import EmuHTTP, StubApp, chat_jsonl
from _schema import validate_response

from lcoai_notebook.emulator._router import Upload


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def test_upload_retrieve_content_delete(app: StubApp) -> None:
    data = chat_jsonl(3)
    status, f = app.upload(data, "fine-tune", "train.jsonl")
    assert status == 200
    validate_response("createFile", f)
    assert (f["bytes"], f["filename"], f["purpose"]) == (len(data), "train.jsonl", "fine-tune")
    assert f["id"].startswith("file-") and "expires_at" not in f

    got = app.ok("GET", f"/v1/files/{f['id']}")
    validate_response("retrieveFile", got)
    assert got == f
    raw = app.ok("GET", f"/v1/files/{f['id']}/content")
    assert raw.content == data

    deleted = app.ok("DELETE", f"/v1/files/{f['id']}")
    validate_response("deleteFile", deleted)
    assert deleted == {"id": f["id"], "object": "file", "deleted": True}
    status, err = app.call("GET", f"/v1/files/{f['id']}")
    assert status == 404
    assert err["error"]["message"] == f"No such File object: {f['id']}"
    assert app.call("DELETE", f"/v1/files/{f['id']}")[0] == 404
    assert app.call("GET", f"/v1/files/{f['id']}/content")[0] == 404


def test_batch_files_expire_after_30_days_and_expires_after_is_honoured(app: StubApp) -> None:
    _, f = app.upload(b'{"a": 1}\n', "batch")
    assert f["expires_at"] - f["created_at"] == 30 * 24 * 3600
    _, g = app.upload(b"hello", "user_data", "notes.txt",
                      **{"expires_after[anchor]": "created_at", "expires_after[seconds]": "7200"})
    assert g["expires_at"] - g["created_at"] == 7200
    status, err = app.upload(b"x", "user_data", "n.txt", **{
        "expires_after[anchor]": "created_at", "expires_after[seconds]": "60"})
    assert status == 400 and err["error"]["param"] == "expires_after.seconds"
    # One JSON-encoded field nested past the parser's stack was a 500.
    status, err = app.upload(b"x", "assistants", filename="a.txt",
                             expires_after="[" * 100_000 + "]" * 100_000)
    assert status == 400 and err["error"]["param"] == "expires_after"


@pytest.mark.parametrize("purpose", ["", "fine_tune", "answers"])
def test_wrong_purpose_names_accepted_values_and_creates_nothing(app: StubApp,
                                                                purpose: str) -> None:
    status, err = app.upload(b"{}\n", purpose)
    assert status == 400
    assert err["error"]["param"] == "purpose"
    if purpose:
        for accepted in ("assistants", "batch", "fine-tune", "vision", "user_data", "evals"):
            assert repr(accepted) in err["error"]["message"]
    assert app.ok("GET", "/v1/files")["data"] == []


def test_missing_file_part_and_non_jsonl_fine_tune_file(app: StubApp) -> None:
    status, err = app.call("POST", "/v1/files", form=({"purpose": "batch"}, {}))
    assert status == 400 and err["error"]["param"] == "file"
    status, err = app.upload(b"a,b\n1,2\n", "fine-tune", "train.csv")
    assert status == 400 and ".jsonl" in err["error"]["message"]
    assert app.ok("GET", "/v1/files")["data"] == []


def test_list_filters_orders_and_pages(app: StubApp) -> None:
    ids = []
    for i in range(5):
        purpose = "assistants" if i % 2 else "user_data"
        ids.append(app.upload(f"{i}".encode(), purpose, f"f{i}.txt")[1]["id"])
    page = app.ok("GET", "/v1/files")
    validate_response("listFiles", page)
    assert [f["id"] for f in page["data"]] == ids[::-1]  # newest first by default
    asc = app.ok("GET", "/v1/files", query={"order": "asc"})
    assert [f["id"] for f in asc["data"]] == ids
    only = app.ok("GET", "/v1/files", query={"purpose": "assistants", "order": "asc"})
    assert [f["id"] for f in only["data"]] == [ids[1], ids[3]]
    first = app.ok("GET", "/v1/files", query={"limit": "2", "order": "asc"})
    assert [f["id"] for f in first["data"]] == ids[:2] and first["has_more"] is True
    assert (first["first_id"], first["last_id"]) == (ids[0], ids[1])
    rest = app.ok("GET", "/v1/files", query={"limit": "2", "order": "asc",
                                             "after": first["last_id"]})
    assert [f["id"] for f in rest["data"]] == ids[2:4] and rest["has_more"] is True
    # A cursor still works after its file is deleted.
    app.ok("DELETE", f"/v1/files/{ids[3]}")
    after_deleted = app.ok("GET", "/v1/files", query={"order": "asc", "after": ids[3]})
    assert [f["id"] for f in after_deleted["data"]] == [ids[4]]
    for bad in ({"order": "up"}, {"limit": "0"}, {"limit": "x"}, {"after": "file-nope"}):
        assert app.call("GET", "/v1/files", query=bad)[0] == 400


def test_empty_list_has_null_cursors_like_the_service(app: StubApp) -> None:
    # The spec types first_id/last_id as strings, but the service sends null on an empty page;
    # the emulator follows the service so clients are tested against what they will meet.
    assert app.ok("GET", "/v1/files") == {"object": "list", "data": [], "first_id": None,
                                           "last_id": None, "has_more": False}


def test_concurrent_uploads_get_distinct_ids(app: StubApp) -> None:
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(20):
                status, _ = app.call("POST", "/v1/files", form=(
                    {"purpose": "user_data"}, {"file": [Upload(f"{k}-{i}.txt", b"x" * i)]}))
                assert status == 200
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    data = app.ok("GET", "/v1/files")["data"]
    assert len(data) == 160 and len({f["id"] for f in data}) == 160


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_files_over_the_emulator_transport(flavor: str) -> None:
    h = EmuHTTP(flavor)
    try:
        status, f = h.upload(b'{"x": 1}\n', "batch", "in.jsonl")
        assert status == 200
        validate_response("createFile", f)
        page = h.ok("GET", "/files", params={"purpose": "batch"})
        validate_response("listFiles", page)
        assert [x["id"] for x in page["data"]] == [f["id"]]
        validate_response("retrieveFile", h.ok("GET", f"/files/{f['id']}"))
        status, content = h.call("GET", f"/files/{f['id']}/content")
        assert status == 200 and content.content == b'{"x": 1}\n'  # raw, never enveloped
        if flavor == "lowcodeapi":  # the Old path format reaches the same file
            old = h.raw("GET", "/files/file_id/content", params={"file_id": f["id"]})
            assert old.status_code == 200 and old.content == content.content
        status, err = h.call("GET", "/files/file-missing")
        assert status == 404 and err["error"]["message"] == "No such File object: file-missing"
        status, err = h.upload(b"{}", "training")
        assert status == 400 and err["error"]["param"] == "purpose"
        validate_response("deleteFile", h.ok("DELETE", f"/files/{f['id']}"))

        errors: list[BaseException] = []

        def work(k: int) -> None:
            try:
                for i in range(5):
                    assert h.upload(b"z", "user_data", f"{k}-{i}.txt")[0] == 200
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors
        assert len({x["id"] for x in h.ok("GET", "/files")["data"]}) == 30
    finally:
        h.close()


def test_concurrent_uploads_over_real_loopback_http() -> None:
    import httpx

    from lcoai_notebook.emulator import Emulator

    with Emulator(flavor="lowcodeapi") as emu, httpx.Client(timeout=10) as http:
        url, params = f"{emu.url}/v1/files", {"api_token": emu.api_token}
        errors: list[BaseException] = []

        def work(k: int) -> None:
            try:
                for i in range(5):
                    r = http.post(url, params=params, data={"purpose": "user_data"},
                                  files={"file": (f"{k}-{i}.txt", b"hello")})
                    assert r.status_code == 200 and r.json()["result"]["bytes"] == 5
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors
        listed = http.get(url, params=params).json()["result"]
        validate_response("listFiles", listed)
        assert len({f["id"] for f in listed["data"]}) == 30
