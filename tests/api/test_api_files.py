"""files.*: request shapes (multipart part `file`, filename kept, purpose checked) and results."""

from __future__ import annotations

import asyncio
import io

import pytest
from _fake_requester import FakeRequester, render_path
from _schema import validate_request, validate_response

from lcoai_notebook.api.files import FILE_PURPOSES, FileContent, Files

FILE_OBJ = {"id": "file-abc", "object": "file", "bytes": 5, "created_at": 1700000000,
            "filename": "train.jsonl", "purpose": "fine-tune", "status": "processed"}


def files(handler=None, is_async=False):
    req = FakeRequester(handler or (lambda spec: FILE_OBJ), is_async=is_async)
    return Files(req), req


def _multipart_as_dict(spec):
    body = dict(spec.data)
    body[spec.files[0][0]] = spec.files[0][1][0]
    return body


@pytest.mark.parametrize("kind", ["path", "bytes", "fileobj", "tuple"])
def test_create_sends_multipart_with_part_named_file(tmp_path, kind):
    content = b'{"messages": []}\n'
    path = tmp_path / "train.jsonl"
    path.write_bytes(content)
    arg = {
        "path": str(path),
        "bytes": content,
        "fileobj": io.BytesIO(content),
        "tuple": ("train.jsonl", content),
    }[kind]
    api, req = files()
    out = api.create(file=arg, purpose="fine-tune")
    assert out.id == "file-abc"
    spec = req.specs[0]
    assert (spec.method, spec.path, spec.json) == ("POST", "/files", None)
    assert spec.data == {"purpose": "fine-tune"}
    [(field, (filename, data, ctype))] = spec.files
    assert field == "file" and data == content
    # A path or tuple keeps its name; nameless bytes get a name with the sniffed extension.
    assert filename.endswith(".jsonl")
    if kind in ("path", "tuple"):
        assert filename == "train.jsonl"
    validate_request("createFile", _multipart_as_dict(spec), "multipart/form-data")


def test_create_tuple_with_text_content_uploads_the_text(tmp_path, monkeypatch):
    # ("train.jsonl", jsonl_text) is the natural notebook spelling; httpx (and so the official
    # SDK) sends a str as its UTF-8 text. It must not be taken for a path to open.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").write_bytes(b"the file called notes")
    text = '{"messages": [{"role": "user", "content": "caf\u00e9"}]}\n'
    api, req = files()
    api.create(file=("train.jsonl", text), purpose="fine-tune")
    api.create(file=("n.txt", "notes"), purpose="assistants")
    [(_, (name, data, ctype))] = req.specs[0].files
    assert (name, data, ctype) == ("train.jsonl", text.encode("utf-8"), "application/jsonl")
    assert req.specs[1].files[0][1][1] == b"notes"
    # A path object in the tuple is still read from disk.
    api.create(file=("renamed.txt", tmp_path / "notes"), purpose="assistants")
    assert req.specs[2].files[0][1][:2] == ("renamed.txt", b"the file called notes")


def test_create_refuses_an_empty_file_before_sending(tmp_path):
    # The notebook pitfall: re-running a cell with the same open file object uploads b"".
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"messages": []}\n')
    api, req = files()
    with open(path, "rb") as fh:
        api.create(file=fh, purpose="fine-tune")
        with pytest.raises(ValueError, match=r"file is empty.*seek\(0\)"):
            api.create(file=fh, purpose="fine-tune")
    with pytest.raises(ValueError, match="file is empty"):
        api.create(file=("b.jsonl", b""), purpose="batch")
    assert len(req.specs) == 1


def test_create_expires_after_flattened_for_multipart():
    api, req = files()
    api.create(file=("b.jsonl", b"{}\n"), purpose="batch",
               expires_after={"anchor": "created_at", "seconds": 3600})
    assert req.specs[0].data == {"purpose": "batch", "expires_after[anchor]": "created_at",
                                 "expires_after[seconds]": "3600"}


@pytest.mark.parametrize("purpose", ["fine_tune", "batch_output", "", None, "FINE-TUNE"])
def test_create_rejects_bad_purpose_before_sending(purpose):
    api, req = files()
    with pytest.raises(ValueError, match="purpose must be one of") as info:
        api.create(file=b"x", purpose=purpose)
    assert "fine-tune" in str(info.value)
    assert req.specs == []


def test_every_documented_purpose_is_accepted():
    api, req = files()
    for purpose in FILE_PURPOSES:
        api.create(file=("a.jsonl", b"{}"), purpose=purpose)
    assert [s.data["purpose"] for s in req.specs] == list(FILE_PURPOSES)


def test_create_missing_file_raises_before_sending(tmp_path):
    api, req = files()
    with pytest.raises(FileNotFoundError):
        api.create(file=str(tmp_path / "nope.jsonl"), purpose="fine-tune")
    with pytest.raises(TypeError, match="file"):
        api.create(file=12, purpose="fine-tune")
    assert req.specs == []


def test_create_rejects_unknown_keywords_for_multipart():
    api, req = files()
    with pytest.raises(TypeError, match="bogus"):
        api.create(file=b"{}", purpose="batch", bogus=1)
    assert req.specs == []


def test_list_query_and_validation():
    body = {"object": "list", "data": [FILE_OBJ], "has_more": False, "first_id": "file-abc",
            "last_id": "file-abc"}
    validate_response("listFiles", body)
    api, req = files(lambda spec: body)
    page = api.list(purpose="fine-tune", limit=5, order="asc")
    assert [f.filename for f in page] == ["train.jsonl"]
    assert req.specs[0].query == {"purpose": "fine-tune", "limit": 5, "order": "asc"}
    with pytest.raises(ValueError, match="order"):
        api.list(order="up")
    with pytest.raises(ValueError, match="limit"):
        api.list(limit=0)


def test_list_limit_bounds_are_the_apis_1_to_10000():
    api, req = files(lambda spec: {"object": "list", "data": [], "has_more": False})
    api.list(limit=10_000)
    with pytest.raises(ValueError, match=r"limit must be an integer from 1 to 10000, got 10001"):
        api.list(limit=10_001)
    assert len(req.specs) == 1


def test_retrieve_delete_paths_use_path_params():
    api, req = files()
    api.retrieve("file-abc")
    api.delete("file-abc", extra_headers={"X-A": "1"}, timeout=3)
    assert [(s.method, s.path, s.path_params) for s in req.specs] == [
        ("GET", "/files/{file_id}", {"file_id": "file-abc"}),
        ("DELETE", "/files/{file_id}", {"file_id": "file-abc"}),
    ]
    assert render_path(req.specs[1]) == "/files/file-abc"
    assert req.specs[1].headers == {"X-A": "1"} and req.specs[1].timeout == 3


@pytest.mark.parametrize("bad", ["", "  ", "a/b"])
def test_bad_ids_rejected(bad):
    api, req = files()
    with pytest.raises(ValueError, match="file_id"):
        api.retrieve(bad)
    with pytest.raises(TypeError, match="file_id"):
        api.content(None)
    assert req.specs == []


def test_content_returns_bytes_with_helpers(tmp_path):
    api, req = files(lambda spec: (b'{"a": 1}\n\n{"a": 2}\n', "application/octet-stream"))
    out = api.content("file-abc")
    assert req.specs[0].response == "bytes"
    assert req.specs[0].path == "/files/{file_id}/content"
    assert isinstance(out, FileContent) and isinstance(out, bytes)
    assert out == b'{"a": 1}\n\n{"a": 2}\n' and out.content == bytes(out)
    assert out.json_lines() == [{"a": 1}, {"a": 2}]
    assert out.text.startswith('{"a"')
    out.write_to_file(tmp_path / "o.jsonl")
    assert (tmp_path / "o.jsonl").read_bytes() == bytes(out)
    assert "bytes" in repr(out)


def test_async_twin_returns_awaitables():
    api, req = files(is_async=True)

    async def main():
        made = await api.create(file=("t.jsonl", b"{}"), purpose="fine-tune")
        got = await api.retrieve("file-abc")
        return made, got

    made, got = asyncio.run(main())
    assert made == got == FILE_OBJ
    assert len(req.specs) == 2


# -- end to end, against the emulator: bad inputs give clear errors and create nothing ----------

from lcoai_notebook._exceptions import BadRequestError, NotFoundError  # noqa: E402
from lcoai_notebook.emulator import Emulator  # noqa: E402

GOOD = b'{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n'
BASE = "gpt-4o-mini-2024-07-18"


def _nothing_created(client):
    assert list(client.files.list()) == []
    assert list(client.fine_tuning.jobs.list()) == []


def test_e2e_upload_list_retrieve_content_delete():
    with Emulator().client() as client:
        made = client.files.create(file=("train.jsonl", GOOD), purpose="fine-tune")
        validate_response("createFile", made.to_dict())
        assert client.files.retrieve(made.id).filename == "train.jsonl"
        assert client.files.content(made.id) == GOOD
        assert [f.id for f in client.files.list(purpose="fine-tune")] == [made.id]
        assert list(client.files.list(purpose="batch")) == []
        assert client.files.delete(made.id).deleted is True
        with pytest.raises(NotFoundError, match=made.id):
            client.files.retrieve(made.id)


def test_e2e_bad_inputs_name_the_problem_and_create_nothing(tmp_path):
    with Emulator(job_step_seconds=0.01).client() as client:
        with pytest.raises(ValueError, match="purpose must be one of"):
            client.files.create(file=("train.jsonl", GOOD), purpose="finetune")
        with pytest.raises(FileNotFoundError, match="missing.jsonl"):
            client.files.create(file=tmp_path / "missing.jsonl", purpose="fine-tune")
        with pytest.raises(BadRequestError, match="jsonl"):
            client.files.create(file=("train.txt", b"hello"), purpose="fine-tune")
        with pytest.raises(NotFoundError, match="file-nope"):
            client.fine_tuning.jobs.create(model=BASE, training_file="file-nope")
        with pytest.raises(NotFoundError, match="file-nope"):
            client.files.content("file-nope")
        _nothing_created(client)
        # A file uploaded for another purpose cannot train.
        batch_file = client.files.create(file=("b.jsonl", GOOD), purpose="batch")
        with pytest.raises(BadRequestError, match="purpose"):
            client.fine_tuning.jobs.create(model=BASE, training_file=batch_file.id)
        assert list(client.fine_tuning.jobs.list()) == []


def test_e2e_non_jsonl_training_file_fails_the_job_with_a_clear_error():
    with Emulator(job_step_seconds=0.01).client() as client:
        upload = client.files.create(file=("train.jsonl", b"hello world\nnot json\n"),
                                     purpose="fine-tune")
        job = client.fine_tuning.jobs.create(model=BASE, training_file=upload.id)
        done = client.fine_tuning.jobs.wait(job.id, poll_interval=0.01, timeout=10,
                                            progress=False)
        assert done.status == "failed" and done.fine_tuned_model is None
        assert "JSON" in done.error.message and done.error.param == "training_file"
