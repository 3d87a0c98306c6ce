"""Emulator batches: validation, the state schedule, real execution, output/error files."""

from __future__ import annotations

import json
import time

import pytest
from _emu_stub import EmuHTTP, StubApp
from _schema import validate_response


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def _line(cid: str, body: dict, url: str = "/v1/embeddings", method: str = "POST") -> str:
    return json.dumps({"custom_id": cid, "method": method, "url": url, "body": body})


def _input(app: StubApp, lines: list[str], purpose: str = "batch") -> str:
    status, f = app.upload(("\n".join(lines) + "\n").encode(), purpose)
    assert status == 200, f
    return f["id"]


def _create(app: StubApp, file_id: str, endpoint: str = "/v1/embeddings", **extra: object):
    return app.call("POST", "/v1/batches", json={"input_file_id": file_id, "endpoint": endpoint,
                                                  "completion_window": "24h", **extra})


def _jsonl(app: StubApp, file_id: str) -> list[dict]:
    text = app.ok("GET", f"/v1/files/{file_id}/content").content.decode()
    return [json.loads(x) for x in text.splitlines() if x]


def test_lifecycle_runs_every_line_and_writes_output_and_error_files(app: StubApp) -> None:
    lines = [_line(f"req-{i}", {"model": "text-embedding-3-small", "input": "x" * i})
             for i in range(1, 6)]
    lines.append(_line("no-input", {"model": "text-embedding-3-small"}))
    fid = _input(app, lines)
    status, batch = _create(app, fid, metadata={"run": "1"})
    assert status == 200
    validate_response("createBatch", batch)
    assert batch["status"] == "validating" and batch["metadata"] == {"run": "1"}
    seen = []
    for _ in range(4):
        got = app.ok("GET", f"/v1/batches/{batch['id']}")
        validate_response("retrieveBatch", got)
        seen.append(got["status"])
        app.advance(1)
    assert seen == ["validating", "in_progress", "finalizing", "completed"]
    assert app.dispatched == 6  # each line ran exactly once
    done = got
    assert done["request_counts"] == {"total": 6, "completed": 5, "failed": 1}
    assert done["usage"]["input_tokens"] == 5 and done["model"] == "text-embedding-3-small"
    out = _jsonl(app, done["output_file_id"])
    assert app.ok("GET", f"/v1/files/{done['output_file_id']}")["purpose"] == "batch_output"
    by_id = {o["custom_id"]: o for o in out}
    assert set(by_id) == {f"req-{i}" for i in range(1, 6)}
    for i in range(1, 6):
        o = by_id[f"req-{i}"]
        assert o["error"] is None and o["response"]["status_code"] == 200
        assert o["id"].startswith("batch_req_") and o["response"]["request_id"].startswith("req_")
        assert o["response"]["body"]["data"][0]["embedding"][0] == float(i)  # the line's own input
    (err,) = _jsonl(app, done["error_file_id"])
    assert err["custom_id"] == "no-input" and err["response"]["status_code"] == 400
    assert err["error"]["code"] == "missing_required_parameter"
    assert err["response"]["body"]["error"]["param"] == "input"
    app.advance(3)
    app.ok("GET", f"/v1/batches/{batch['id']}")
    assert app.dispatched == 6  # never re-run


@pytest.mark.parametrize("lines, code", [
    ([_line("a", {"model": "m"}), _line("a", {"model": "m"})], "duplicate_custom_id"),
    ([_line("a", {"model": "m"}, url="/v1/chat/completions")], "invalid_url"),
    ([_line("a", {"model": "m"}, method="GET")], "invalid_method"),
    (["{not json"], "invalid_json_line"),
    # Nesting past the parser's stack, NaN, and a lone surrogate: each was a 500 or a crash.
    (['{"custom_id": "a", "body": ' + "[" * 100_000], "invalid_json_line"),
    (['{"custom_id": "a", "method": "POST", "url": "/v1/embeddings", "body": {"n": NaN}}'],
     "invalid_json_line"),
    (['{"custom_id": "\\ud800", "method": "POST", "url": "/v1/embeddings", "body": {}}'],
     "invalid_json_line"),
    ([json.dumps({"custom_id": "a", "method": "POST", "url": "/v1/embeddings", "body": 3})],
     "invalid_request"),
    ([_line("a", {"model": "m1"}), _line("b", {"model": "m2"})], "mismatched_model"),
])
def test_invalid_input_file_fails_the_batch_with_errors(app: StubApp, lines: list[str],
                                                       code: str) -> None:
    status, batch = _create(app, _input(app, lines))
    assert status == 200 and batch["status"] == "validating"
    app.advance(1)
    failed = app.ok("GET", f"/v1/batches/{batch['id']}")
    validate_response("retrieveBatch", failed)
    assert failed["status"] == "failed" and "failed_at" in failed
    assert code in [e["code"] for e in failed["errors"]["data"]]
    app.advance(5)
    assert app.ok("GET", f"/v1/batches/{batch['id']}")["status"] == "failed"
    assert app.dispatched == 0


def test_request_errors_create_nothing(app: StubApp) -> None:
    good = _input(app, [_line("a", {"model": "text-embedding-3-small", "input": "q"})])
    wrong_purpose = _input(app, [_line("a", {"model": "m"})], purpose="assistants")
    cases = [
        ({"input_file_id": "file-nope"}, 404, "input_file_id"),
        ({"input_file_id": wrong_purpose}, 400, "input_file_id"),
        ({"input_file_id": good, "endpoint": "/v1/images/generations"}, 400, "endpoint"),
        ({"input_file_id": good, "endpoint": "/v1/nonsense"}, 400, "endpoint"),
        ({"input_file_id": good, "completion_window": "48h"}, 400, "completion_window"),
    ]
    for override, status, param in cases:
        body = {"input_file_id": good, "endpoint": "/v1/embeddings", "completion_window": "24h",
                **override}
        got, err = app.call("POST", "/v1/batches", json=body)
        assert (got, err["error"]["param"]) == (status, param), (override, err)
    got, err = app.call("POST", "/v1/batches", json={"input_file_id": good,
                                                     "endpoint": "/v1/embeddings"})
    assert got == 400 and err["error"]["code"] == "missing_required_parameter"
    assert "cannot run" in app.call("POST", "/v1/batches", json={
        "input_file_id": good, "endpoint": "/v1/responses", "completion_window": "24h"}
    )[1]["error"]["message"]
    assert app.ok("GET", "/v1/batches")["data"] == []


def test_cancel_and_list(app: StubApp) -> None:
    fid = _input(app, [_line("a", {"model": "text-embedding-3-small", "input": "q"})])
    ids = [_create(app, fid)[1]["id"] for _ in range(3)]
    app.advance(1)
    cancelling = app.ok("POST", f"/v1/batches/{ids[0]}/cancel")
    validate_response("cancelBatch", cancelling)
    assert cancelling["status"] == "cancelling" and "cancelling_at" in cancelling
    app.advance(1)
    cancelled = app.ok("GET", f"/v1/batches/{ids[0]}")
    assert cancelled["status"] == "cancelled" and "cancelled_at" in cancelled
    assert "output_file_id" not in cancelled
    app.advance(3)
    assert app.call("POST", f"/v1/batches/{ids[1]}/cancel")[0] == 400  # past in_progress
    page = app.ok("GET", "/v1/batches", query={"limit": "2"})
    validate_response("listBatches", page)
    assert [b["status"] for b in page["data"]] == ["completed", "completed"]
    assert app.dispatched == 2  # listing ran the two live batches; the cancelled one never ran
    assert [b["id"] for b in page["data"]] == ids[:0:-1] and page["has_more"]
    rest = app.ok("GET", "/v1/batches", query={"after": page["data"][-1]["id"]})
    assert [b["id"] for b in rest["data"]] == [ids[0]] and not rest["has_more"]
    assert app.call("GET", "/v1/batches/batch_nope")[0] == 404


@pytest.mark.parametrize("endpoint, body", [
    ("/v1/chat/completions", {"model": "gpt-4o-mini",
                              "messages": [{"role": "user", "content": "Name a colour"}]}),
    ("/v1/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": "Colours:"}),
    ("/v1/moderations", {"model": "omni-moderation-latest", "input": "a calm sentence"}),
])
def test_other_endpoints_run_through_the_real_routes(endpoint: str, body: dict) -> None:
    h = EmuHTTP("openai", job_step_seconds=0.01)
    try:
        lines = [_line(f"c{i}", body, url=endpoint) for i in range(3)]
        _, f = h.upload(("\n".join(lines) + "\n").encode(), "batch")
        batch = h.ok("POST", "/batches", json={"input_file_id": f["id"], "endpoint": endpoint,
                                               "completion_window": "24h"})
        deadline = time.monotonic() + 10
        while batch["status"] != "completed" and time.monotonic() < deadline:
            time.sleep(0.01)
            batch = h.ok("GET", f"/batches/{batch['id']}")
        assert batch["request_counts"] == {"total": 3, "completed": 3, "failed": 0}
        _, content = h.call("GET", f"/files/{batch['output_file_id']}/content")
        out = [json.loads(x) for x in content.content.splitlines()]
        direct = h.ok("POST", endpoint.removeprefix("/v1"), json=body)
        assert [o["custom_id"] for o in out] == ["c0", "c1", "c2"]
        assert set(out[0]["response"]["body"]) == set(direct)  # same kind of answer
    finally:
        h.close()


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_5000_embedding_lines_complete_quickly_matched_by_custom_id(flavor: str) -> None:
    h = EmuHTTP(flavor, job_step_seconds=0.02)
    try:
        n = 5000
        texts = [f"document number {i} about topic {i % 17}" for i in range(n)]
        lines = [_line(f"doc-{i}", {"model": "text-embedding-3-small", "input": t,
                                    "dimensions": 16}) for i, t in enumerate(texts)]
        status, f = h.upload(("\n".join(lines) + "\n").encode(), "batch", "emb.jsonl")
        assert status == 200
        start = time.monotonic()
        batch = h.ok("POST", "/batches", json={"input_file_id": f["id"],
                                               "endpoint": "/v1/embeddings",
                                               "completion_window": "24h"})
        while batch["status"] not in ("completed", "failed") and time.monotonic() - start < 60:
            time.sleep(0.02)
            batch = h.ok("GET", f"/batches/{batch['id']}")
        elapsed = time.monotonic() - start
        validate_response("retrieveBatch", batch)
        assert batch["status"] == "completed", batch
        assert batch["request_counts"] == {"total": n, "completed": n, "failed": 0}
        assert "error_file_id" not in batch
        assert elapsed < 15, f"5,000 lines took {elapsed:.1f}s"
        status, content = h.call("GET", f"/files/{batch['output_file_id']}/content")
        out = [json.loads(x) for x in content.content.splitlines()]
        assert len(out) == n
        by_id = {o["custom_id"]: o["response"]["body"]["data"][0]["embedding"] for o in out}
        assert len(by_id) == n
        for i in (0, 1234, 4999):  # same vector as a direct call with the same input
            direct = h.ok("POST", "/embeddings", json={"model": "text-embedding-3-small",
                                                       "input": texts[i], "dimensions": 16})
            assert by_id[f"doc-{i}"] == direct["data"][0]["embedding"]
    finally:
        h.close()
