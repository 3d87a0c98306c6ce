"""batches.*: request shapes, wait, and run (ordering from shuffled output, error lines)."""

from __future__ import annotations

import asyncio
import json
import random

import numpy as np
import pytest
from _bars import record_bars
from _fake_requester import FakeRequester, render_path
from _schema import validate_request, validate_response

from lcoai_notebook._exceptions import BadRequestError
from lcoai_notebook._models import ChatCompletion, CreateEmbeddingResponse
from lcoai_notebook.api.batches import (
    Batches,
    BatchFailedError,
    BatchRequestError,
    BatchResults,
    build_jsonl,
    collate,
)


def batch(status, **extra):
    body = {"id": "batch_1", "object": "batch", "endpoint": "/v1/embeddings",
            "input_file_id": "file-in", "completion_window": "24h", "status": status,
            "created_at": 1700000000}
    body.update(extra)
    return body


def test_build_jsonl_lines_and_custom_ids():
    data, ids = build_jsonl([{"model": "m", "input": "a"}, ("mine", {"model": "m", "input": "b"}),
                             {"model": "m", "input": "c"}], "/v1/embeddings")
    lines = [json.loads(x) for x in data.decode().splitlines()]
    assert ids == ["request-0", "mine", "request-2"]
    assert lines[1] == {"custom_id": "mine", "method": "POST", "url": "/v1/embeddings",
                        "body": {"model": "m", "input": "b"}}
    assert [x["custom_id"] for x in lines] == ids
    assert data.endswith(b"\n")


@pytest.mark.parametrize("requests, exc, match", [
    ([], ValueError, "empty"),
    ("text", TypeError, "requests must be a list"),
    ({"model": "m"}, TypeError, "requests must be a list"),
    ([42], TypeError, r"requests\[0\]"),
    ([("id", "body")], TypeError, r"requests\[0\]: the body must be a dict"),
    ([("", {})], TypeError, "custom_id"),
    ([("request-1", {}), {}], ValueError, "used twice"),
    ([{"input": object()}], TypeError, "JSON"),
])
def test_build_jsonl_rejects_bad_requests(requests, exc, match):
    with pytest.raises(exc, match=match):
        build_jsonl(requests, "/v1/embeddings")


def _line(cid, body, url="/v1/embeddings", **extra):
    return {"custom_id": cid, "method": "POST", "url": url, "body": body, **extra}


def test_build_jsonl_takes_whole_batch_lines_keeping_their_custom_ids():
    reqs = [_line(f"doc-{i}", {"model": "m", "input": f"t{i}"}) for i in range(3)]
    reqs.append({"custom_id": "no-method", "body": {"model": "m", "input": "x"}})
    reqs.append(("pair", {"model": "m", "input": "y"}))
    data, ids = build_jsonl(reqs, "/v1/embeddings")
    assert ids == ["doc-0", "doc-1", "doc-2", "no-method", "pair"]
    lines = [json.loads(x) for x in data.decode().splitlines()]
    assert lines[:3] == reqs[:3]  # written back exactly as given
    assert lines[3] == _line("no-method", {"model": "m", "input": "x"})


@pytest.mark.parametrize("requests, match", [
    ([_line("a", {"model": "m", "input": "x"}, url="/v1/chat/completions")],
     r"requests\[0\]: url '/v1/chat/completions' differs from endpoint '/v1/embeddings'"),
    ([_line("a", {"model": "m", "input": "x"}, method="GET")], r"method must be 'POST'"),
    ([_line("a", {"model": "m", "input": "x"}), _line("a", {"model": "m", "input": "y"})],
     r"requests\[1\]: custom_id 'a' is used twice"),
    ([_line("a", {"model": "m", "input": "x"}), ("a", {"model": "m", "input": "y"})],
     "used twice"),
    ([{"model": "m", "input": "x", "temprature": 0}],
     r"requests\[0\]: unknown key\(s\) 'temprature' for /v1/embeddings; accepted: dimensions"),
    ([{"custom_id": "a", "url": "/v1/embeddings", "input": "x", "model": "m"}],
     r"unknown key\(s\) 'custom_id', 'url' .*a batch line\?"),
])
def test_build_jsonl_refuses_bad_lines_and_unknown_keys(requests, match):
    with pytest.raises(ValueError, match=match):
        build_jsonl(requests, "/v1/embeddings")


@pytest.mark.parametrize("endpoint, body", [
    ("/v1/chat/completions", {"model": "m", "messages": [], "max_token": 5}),
    ("/v1/completions", {"model": "m", "prompt": "x", "message": "y"}),
    ("/v1/moderations", {"input": "x", "threshold": 0.5}),
])
def test_unknown_keys_are_refused_per_endpoint(endpoint, body):
    with pytest.raises(ValueError, match=f"unknown key.* for {endpoint}"):
        build_jsonl([body], endpoint)
    # Endpoints without a table pass bodies through.
    build_jsonl([body], "/v1/responses")


def test_request_key_table_matches_the_openapi_spec():
    from _schema import spec as load_spec

    from lcoai_notebook.api.batches import REQUEST_KEYS

    spec = load_spec()
    schemas = spec["components"]["schemas"]

    def props(s):
        if "$ref" in s:
            return props(schemas[s["$ref"].rsplit("/", 1)[1]])
        out = set(s.get("properties", {}))
        for part in ("allOf", "anyOf", "oneOf"):
            for sub in s.get(part, []):
                out |= props(sub)
        return out

    for endpoint, keys in REQUEST_KEYS.items():
        op = spec["paths"][endpoint.removeprefix("/v1")]["post"]
        (content,) = op["requestBody"]["content"].values()
        assert set(keys) == props(content["schema"]), endpoint


def test_run_with_1000_batch_lines_uploads_them_with_their_ids():
    server = BatchServer()
    reqs = [_line(f"doc-{i}", {"model": "text-embedding-3-small", "input": f"text {i}"})
            for i in range(1000)]
    res = Batches(FakeRequester(server)).run(reqs, endpoint="/v1/embeddings",
                                             poll_interval=0.001, progress=False)
    assert res.ok and len(res) == 1000 and res.custom_ids[:2] == ["doc-0", "doc-1"]
    uploaded = [json.loads(x) for x in server.files["file-in"].decode().splitlines()]
    assert uploaded == reqs
    np.testing.assert_array_equal(res.to_numpy()[:, 0], np.arange(1000))


def test_run_refuses_unknown_keys_before_uploading():
    req = FakeRequester(BatchServer())
    reqs = [{"model": "m", "input": "fine"}] * 999 + [{"model": "m", "inputs": "typo"}]
    with pytest.raises(ValueError, match=r"requests\[999\]: unknown key\(s\) 'inputs'"):
        Batches(req).run(reqs, endpoint="/v1/embeddings", progress=False)
    assert req.specs == []


def test_create_list_retrieve_cancel_shapes():
    validate_response("createBatch", batch("validating"))
    empty = {"object": "list", "data": [], "has_more": False}
    req = FakeRequester(lambda spec: empty if spec.path == "/batches" and spec.method == "GET"
                        else batch("validating"))
    api = Batches(req)
    api.create(input_file_id="file-in", endpoint="/v1/embeddings", metadata={"a": "b"})
    validate_request("createBatch", req.specs[0].json)
    assert req.specs[0].json["completion_window"] == "24h"
    api.retrieve("batch_1")
    api.cancel("batch_1")
    list(api.list(limit=5))
    assert [(s.method, render_path(s)) for s in req.specs] == [
        ("POST", "/batches"), ("GET", "/batches/batch_1"), ("POST", "/batches/batch_1/cancel"),
        ("GET", "/batches")]
    assert req.specs[3].query == {"limit": 5}
    with pytest.raises(ValueError, match="limit must be an integer from 1 to 100, got 101"):
        api.list(limit=101)
    with pytest.raises(ValueError, match="endpoint must be one of"):
        api.create(input_file_id="file-in", endpoint="/v1/chat")
    with pytest.raises(ValueError, match="completion_window"):
        api.create(input_file_id="file-in", endpoint="/v1/embeddings", completion_window="1h")
    assert len(req.specs) == 4


def test_wait_progress_follows_request_counts(capsys):
    states = iter([
        batch("validating"),
        batch("in_progress", request_counts={"total": 10, "completed": 4, "failed": 1}),
        batch("completed", request_counts={"total": 10, "completed": 9, "failed": 1}),
    ])
    req = FakeRequester(lambda spec: next(states))
    out = Batches(req).wait("batch_1", poll_interval=0.001)
    assert out.status == "completed" and len(req.specs) == 3
    err = capsys.readouterr().err
    assert "batch_1: completed, 1 failed" in err and "10/10" in err


@pytest.mark.parametrize("final", ["completed", "failed", "expired", "cancelled"])
def test_wait_stops_at_terminal_states(final):
    states = iter([batch("in_progress"), batch("finalizing"), batch(final)])
    req = FakeRequester(lambda spec: next(states))
    assert Batches(req).wait("batch_1", poll_interval=0.001, progress=False).status == final


def test_wait_timeout():
    req = FakeRequester(lambda spec: batch("in_progress"))
    with pytest.raises(TimeoutError, match="batch batch_1 is still 'in_progress'"):
        Batches(req).wait("batch_1", poll_interval=0.01, timeout=0.03, progress=False)


def test_wait_bar_in_a_notebook_fills_with_request_counts(monkeypatch, capsys):
    # In Jupyter tqdm.auto is the widget bar: its IntProgress must take the batch's total,
    # not stay a full "unknown total" bar while the text says 4/10.
    bars = record_bars(monkeypatch, notebook=True)
    counts = [None, {"total": 10, "completed": 4, "failed": 1},
              {"total": 10, "completed": 9, "failed": 1}]
    seen = []

    def handler(spec):
        if bars:
            widget = bars[0].container.children[1]
            seen.append((widget.max, widget.value))
        n = len(seen) if bars else 0
        status = ["validating", "in_progress", "completed"][n]
        return batch(status, **({"request_counts": counts[n]} if counts[n] else {}))

    Batches(FakeRequester(handler)).wait("batch_1", poll_interval=0.001)
    [bar] = bars
    widget = bar.container.children[1]
    assert seen[1] == (10, 5)  # after the in_progress poll: 5 of 10 done
    assert (widget.max, widget.value, widget.bar_style) == (10, 10, "success")
    assert bar.disable  # closed


def test_wait_bar_is_closed_on_timeout_and_on_errors(monkeypatch, capsys):
    bars = record_bars(monkeypatch)
    req = FakeRequester(lambda spec: batch("in_progress"))
    with pytest.raises(TimeoutError):
        Batches(req).wait("batch_1", poll_interval=0.01, timeout=0.03)

    def boom(spec):
        raise BadRequestError("nope", status_code=400)

    with pytest.raises(BadRequestError):
        Batches(FakeRequester(boom)).wait("batch_1", poll_interval=0.01)
    assert len(bars) == 2 and all(bar.disable for bar in bars)
    assert "batch_1: in_progress" in capsys.readouterr().err
    # progress=False shows nothing at all.
    Batches(FakeRequester(lambda spec: batch("completed"))).wait("batch_1", progress=False)
    assert len(bars) == 2 and capsys.readouterr().err == ""


class BatchServer:
    """A fake service for run(): upload, create, a few polls, shuffled output + error files."""

    def __init__(self, *, fail_ids=(), http_fail_ids=(), final="completed", polls=2,
                 create_error=None, endpoint="/v1/embeddings", skip_ids=()):
        self.fail_ids, self.http_fail_ids, self.skip_ids = fail_ids, http_fail_ids, skip_ids
        self.final, self.polls, self.create_error = final, polls, create_error
        self.endpoint = endpoint
        self.files: dict[str, bytes] = {}
        self.deleted: list[str] = []
        self.polled = 0

    def __call__(self, spec):
        path = render_path(spec)
        if spec.method == "POST" and path == "/files":
            assert spec.data == {"purpose": "batch"}
            [(field, (name, data, _ctype))] = spec.files
            assert field == "file" and name.endswith(".jsonl")
            self.files["file-in"] = data
            return {"id": "file-in", "object": "file", "bytes": len(data), "created_at": 1,
                    "filename": name, "purpose": "batch"}
        if spec.method == "DELETE":
            self.deleted.append(spec.path_params["file_id"])
            return {"id": spec.path_params["file_id"], "object": "file", "deleted": True}
        if spec.method == "POST" and path == "/batches":
            validate_request("createBatch", spec.json)
            if self.create_error:
                raise self.create_error
            return batch("validating", endpoint=spec.json["endpoint"])
        if path == "/batches/batch_1":
            self.polled += 1
            if self.polled <= self.polls:
                return batch("in_progress", endpoint=self.endpoint)
            if self.final == "failed":
                return batch("failed", errors={"object": "list", "data": [
                    {"code": "invalid_json_line", "message": "line 3 is not valid JSON"}]})
            self._write_outputs()
            return batch(self.final, endpoint=self.endpoint, output_file_id="file-out",
                         error_file_id="file-err" if "file-err" in self.files else None)
        if path.endswith("/content"):
            return (self.files[spec.path_params["file_id"]], "application/octet-stream")
        raise AssertionError(f"unexpected {spec.method} {path}")

    def _write_outputs(self):
        lines = [json.loads(x) for x in self.files["file-in"].decode().splitlines()]
        out, err = [], []
        for i, line in enumerate(lines):
            cid = line["custom_id"]
            if cid in self.skip_ids:
                continue
            if cid in self.fail_ids:
                err.append({"id": f"r{i}", "custom_id": cid, "response": None,
                            "error": {"code": "batch_expired", "message": "not run"}})
            elif cid in self.http_fail_ids:
                err.append({"id": f"r{i}", "custom_id": cid, "error": None, "response": {
                    "status_code": 400, "request_id": "req_x", "body": {"error": {
                        "message": "bad input", "type": "invalid_request_error",
                        "param": "input", "code": None}}}})
            else:
                vec = [float(i), 1.0]
                out.append({"id": f"r{i}", "custom_id": cid, "error": None, "response": {
                    "status_code": 200, "request_id": f"req_{i}", "body": {
                        "object": "list", "model": "m", "usage": {"prompt_tokens": 1,
                                                                  "total_tokens": 1},
                        "data": [{"object": "embedding", "index": 0, "embedding": vec}]}}})
        random.Random(4).shuffle(out)
        self.files["file-out"] = "".join(json.dumps(x) + "\n" for x in out).encode()
        if err:
            self.files["file-err"] = "".join(json.dumps(x) + "\n" for x in err).encode()


def _requests(n):
    return [{"model": "text-embedding-3-small", "input": f"text {i}"} for i in range(n)]


def test_run_returns_results_in_input_order_from_shuffled_output():
    server = BatchServer(fail_ids={"request-3"}, http_fail_ids={"request-7"})
    res = Batches(FakeRequester(server)).run(_requests(12), endpoint="/v1/embeddings",
                                             poll_interval=0.001, progress=False)
    assert isinstance(res, BatchResults) and len(res) == 12
    assert res.batch.status == "completed"
    assert res.custom_ids == [f"request-{i}" for i in range(12)]
    ok = [i for i in range(12) if i not in (3, 7)]
    for i in ok:
        assert isinstance(res[i], CreateEmbeddingResponse)
        assert res[i].data[0].embedding[0] == float(i)  # the i-th request's own answer
        assert res[i].error is None
    assert isinstance(res[3], BatchRequestError) and res[3].error.code == "batch_expired"
    assert res[3].status_code is None
    assert res[7].status_code == 400 and res[7].error.message == "bad input"
    assert sorted(res.errors) == [3, 7] and not res.ok
    assert "failed=2" in repr(res) and "bad input" in repr(res[7])
    with pytest.raises(ValueError, match="request 3"):
        res.to_numpy()


def test_run_to_numpy_and_pairs_keep_custom_ids():
    reqs = [(f"doc-{i}", body) for i, body in enumerate(_requests(5))]
    res = Batches(FakeRequester(BatchServer())).run(reqs, endpoint="/v1/embeddings",
                                                    poll_interval=0.001, progress=False)
    assert res.ok and list(res.by_custom_id()) == [f"doc-{i}" for i in range(5)]
    mat = res.to_numpy()
    assert mat.shape == (5, 2) and mat.dtype == np.float32
    assert mat[:, 0].tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("final", ["cancelled", "expired"])
def test_run_marks_requests_with_no_result(final):
    server = BatchServer(final=final, skip_ids={"request-1"}, fail_ids={"request-3"})
    res = Batches(FakeRequester(server)).run(_requests(4), endpoint="/v1/embeddings",
                                             poll_interval=0.001, progress=False)
    assert res.batch.status == final
    assert res[1].error.code == f"batch_{final}" and "request-1" in res[1].error.message
    assert res[3].error.code == "batch_expired"  # the service's own line wins
    assert res[0].error is None and res[2].error is None
    assert sorted(res.errors) == [1, 3]


def test_run_chat_results_are_chat_completions():
    chat = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [
        {"index": 0, "finish_reason": "stop", "logprobs": None,
         "message": {"role": "assistant", "content": "hi", "refusal": None}}]}
    out = collate(["a"], json.dumps({"id": "r", "custom_id": "a", "error": None, "response": {
        "status_code": 200, "request_id": "q", "body": chat}}), None,
        {"endpoint": "/v1/chat/completions", "status": "completed"})
    assert isinstance(out[0], ChatCompletion) and out[0].text == "hi"


def test_run_whole_batch_failure_raises_with_the_batch():
    server = BatchServer(final="failed", polls=0)
    with pytest.raises(BatchFailedError, match="line 3 is not valid JSON") as info:
        Batches(FakeRequester(server)).run(_requests(3), endpoint="/v1/embeddings",
                                           poll_interval=0.001, progress=False)
    assert info.value.batch.status == "failed"
    assert server.deleted == ["file-in"]  # the useless input file is not left behind


def test_run_create_failure_deletes_the_uploaded_file():
    server = BatchServer(create_error=BadRequestError("bad model", status_code=400))
    with pytest.raises(BadRequestError):
        Batches(FakeRequester(server)).run(_requests(2), endpoint="/v1/embeddings",
                                           progress=False)
    assert server.deleted == ["file-in"]


def test_run_timeout_says_how_to_resume():
    server = BatchServer(polls=10**9)
    with pytest.raises(TimeoutError, match=r"client\.batches\.results\('batch_1'\)"):
        Batches(FakeRequester(server)).run(_requests(2), endpoint="/v1/embeddings",
                                           poll_interval=0.01, timeout=0.03, progress=False)


def test_run_validates_before_sending():
    req = FakeRequester(BatchServer())
    with pytest.raises(ValueError, match="endpoint"):
        Batches(req).run(_requests(2), endpoint="/v1/nope")
    with pytest.raises(ValueError, match="poll_interval"):
        Batches(req).run(_requests(2), endpoint="/v1/embeddings", poll_interval=0)
    assert req.specs == []


def test_results_rebuilds_order_from_the_input_file():
    server = BatchServer(polls=0, http_fail_ids={"request-0"})
    api = Batches(FakeRequester(server))
    api.run(_requests(4), endpoint="/v1/embeddings", poll_interval=0.001, progress=False)
    res = api.results("batch_1")
    assert res.custom_ids == [f"request-{i}" for i in range(4)]
    assert res[0].status_code == 400 and res[3].data[0].embedding[0] == 3.0


def test_results_refuses_an_unfinished_batch():
    req = FakeRequester(lambda spec: batch("in_progress"))
    with pytest.raises(ValueError, match="still 'in_progress'"):
        Batches(req).results("batch_1")


def test_run_async_twin():
    server = BatchServer(http_fail_ids={"request-2"})

    async def main():
        return await Batches(FakeRequester(server, is_async=True)).run(
            _requests(6), endpoint="/v1/embeddings", poll_interval=0.001, progress=False)

    res = asyncio.run(main())
    assert [r.error is not None for r in res] == [False, False, True, False, False, False]
    assert res[5].data[0].embedding[0] == 5.0


def test_run_5000_requests_in_order():
    server = BatchServer(polls=0)
    res = Batches(FakeRequester(server)).run(_requests(5000), endpoint="/v1/embeddings",
                                             poll_interval=0.001, progress=False)
    assert len(res) == 5000 and res.ok
    assert res.to_numpy()[:, 0].tolist() == list(range(5000))


def test_base64_embeddings_are_decoded():
    import base64

    vec = np.array([0.5, -1.0, 2.0], dtype="<f4")
    body = {"object": "list", "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1},
            "data": [{"object": "embedding", "index": 0,
                      "embedding": base64.b64encode(vec.tobytes()).decode()}]}
    line = {"custom_id": "a", "error": None, "response": {"status_code": 200, "body": body}}
    out = collate(["a"], json.dumps(line), None, {"endpoint": "/v1/embeddings",
                                                  "status": "completed"})
    assert out.to_numpy().tolist() == [[0.5, -1.0, 2.0]]


# -- end to end, against the emulator ---------------------------------------------------------

from lcoai_notebook.emulator import Emulator  # noqa: E402

EMB = "text-embedding-3-small"


def test_e2e_run_5000_embedding_requests_in_input_order():
    texts = [f"document number {i} about topic {i % 7}" for i in range(5000)]
    # Small `dimensions` keeps the output file (and the test) small; the count is what matters.
    reqs = [{"model": EMB, "input": t, "dimensions": 8} for t in texts]
    with Emulator(job_step_seconds=0.01).client() as client:
        res = client.batches.run(reqs, endpoint="/v1/embeddings", poll_interval=0.02,
                                 timeout=120, progress=False)
        assert len(res) == 5000 and res.ok, res.errors
        assert res.batch.status == "completed"
        assert res.batch.request_counts.completed == 5000
        mat = res.to_numpy()
        assert mat.shape == (5000, 8)
        # Input order: spot-check rows against direct calls for the same texts.
        for i in (0, 1, 2417, 4999):
            direct = client.embeddings.create(model=EMB, input=texts[i], dimensions=8)
            np.testing.assert_allclose(mat[i], direct.to_numpy()[0], atol=1e-6)
        assert not np.allclose(mat[0], mat[1])
        # The input and output files exist in `files` with their purposes.
        purposes = sorted(f.purpose for f in client.files.list())
        assert purposes == ["batch", "batch_output"]


def test_e2e_run_with_failed_lines_and_chat():
    reqs = [("ok", {"model": EMB, "input": "fine"}), ("empty", {"model": EMB, "input": ""}),
            ("missing", {"model": EMB})]
    with Emulator(job_step_seconds=0.01).client() as client:
        res = client.batches.run(reqs, endpoint="/v1/embeddings", poll_interval=0.01,
                                 timeout=30, progress=False)
        assert res.custom_ids == ["ok", "empty", "missing"]
        assert res[0].error is None and res[0].to_numpy().shape == (1, 1536)
        assert sorted(res.errors) == [1, 2]
        assert res[2].status_code == 400 and "input" in res[2].error.message
        chats = client.batches.run(
            [{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Say {w}"}]}
             for w in ("red", "green")], poll_interval=0.01, timeout=30, progress=False)
        assert [isinstance(c, ChatCompletion) and bool(c.text) for c in chats] == [True, True]


def test_e2e_async_run_wait_list_cancel():
    emu = Emulator(job_step_seconds=0.01)

    async def main():
        async with emu.async_client() as client:
            res = await client.batches.run(
                [{"model": EMB, "input": f"t{i}", "dimensions": 4} for i in range(30)],
                endpoint="/v1/embeddings", poll_interval=0.01, timeout=30, progress=False)
            listed = [b.id async for b in client.batches.list(limit=1)]
            return res, listed

    res, listed = asyncio.run(main())
    assert len(res) == 30 and res.ok and res.to_numpy().shape == (30, 4)
    assert listed == [res.batch.id]

    slow = Emulator(job_step_seconds=0.5)
    with slow.client() as client:
        upload = client.files.create(file=("in.jsonl", build_jsonl([{"model": EMB, "input": "x"}],
                                                                    "/v1/embeddings")[0]),
                                     purpose="batch")
        made = client.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings")
        assert client.batches.cancel(made.id).status in ("cancelling", "cancelled")
        done = client.batches.wait(made.id, poll_interval=0.01, timeout=10, progress=False)
        assert done.status == "cancelled"


def test_e2e_run_1000_batch_lines_from_openais_docs_format():
    lines = [{"custom_id": f"doc-{i}", "method": "POST", "url": "/v1/embeddings",
              "body": {"model": EMB, "input": f"document {i}", "dimensions": 4}}
             for i in range(1000)]
    with Emulator(job_step_seconds=0.01).client() as client:
        res = client.batches.run(lines, endpoint="/v1/embeddings", poll_interval=0.02,
                                 timeout=60, progress=False)
        assert res.ok, f"{len(res.errors)} failed"
        assert res.custom_ids == [f"doc-{i}" for i in range(1000)]
        assert res.batch.request_counts.completed == 1000
        direct = client.embeddings.create(model=EMB, input="document 999", dimensions=4)
        np.testing.assert_allclose(res.by_custom_id()["doc-999"].to_numpy(), direct.to_numpy(),
                                   atol=1e-6)
