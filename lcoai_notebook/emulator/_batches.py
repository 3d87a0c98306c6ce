"""Batches: create, list, retrieve, cancel; every JSONL line really runs through the emulator.

The input file is parsed and checked when the batch is created (``custom_id`` unique,
``method`` POST, ``url`` equal to the batch's endpoint, ``body`` an object); a bad file makes the
batch ``failed`` with ``errors`` once validation "ends". A good batch is ``validating`` for one
``job_step_seconds``, ``in_progress`` for one, ``finalizing`` for one, then ``completed``. The
lines run (in-process, through ``app.dispatch``) the first time the batch is read in
``finalizing`` or later; it stays ``finalizing`` until they are done, then the output file
(purpose ``batch_output``; successes) and, when some lines failed, an error file are stored.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ._errors import invalid, missing
from ._files import add_file, need_file
from ._router import EmuRequest
from ._store import (
    Collection,
    check_metadata,
    collection,
    drop_none,
    jsonl_objects,
    list_page,
    opt_str,
    steps_elapsed,
)

__all__ = ["RUNNABLE_ENDPOINTS"]

#: Endpoints whose lines the emulator can run.
RUNNABLE_ENDPOINTS = ("/v1/chat/completions", "/v1/embeddings", "/v1/completions",
                      "/v1/moderations")
#: Every endpoint the API accepts (the others are refused with a clear 400).
_API_ENDPOINTS = ("/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions",
                  "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos")
_MAX_LINES = 50_000
_WINDOW_SECONDS = 24 * 3600
_OUTPUT_EXPIRY = 30 * 24 * 3600  # output and error files last 30 days unless told otherwise
_OPTIONAL = ("output_file_id", "error_file_id", "errors", "in_progress_at", "expires_at",
             "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at",
             "cancelled_at", "model", "usage")


def _batches(app: Any) -> Collection:
    return collection(app, "batches")


def _hid(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]


def _parse_input(content: bytes, endpoint: str) -> tuple[list[tuple[str, dict]], list[dict]]:
    """The (custom_id, body) requests of a batch file, and its line errors (OpenAI-shaped)."""
    requests: list[tuple[str, dict]] = []
    errors: list[dict[str, Any]] = []

    def err(code: str, message: str, line: int | None, param: str | None = None) -> None:
        errors.append({"code": code, "message": message, "param": param, "line": line})

    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        err("invalid_json_line", "The input file is not UTF-8 text; it must be JSONL.", None)
        return requests, errors
    seen: set[str] = set()
    models: set[str] = set()
    for i, row in jsonl_objects(text):
        if isinstance(row, str):  # the line is not a JSON object; ``row`` says why
            err("invalid_json_line", f"Line {i} is {row}.", i)
            continue
        cid = row.get("custom_id")
        if not isinstance(cid, str) or not cid:
            err("missing_required_parameter", f"Line {i} has no string 'custom_id'.", i,
                "custom_id")
        elif cid in seen:
            err("duplicate_custom_id", f"The custom_id {cid!r} on line {i} is used more than "
                "once; every request needs a unique custom_id.", i, "custom_id")
        if row.get("method") != "POST":
            err("invalid_method", f"Line {i}: 'method' must be 'POST', got "
                f"{row.get('method')!r}.", i, "method")
        if row.get("url") != endpoint:
            err("invalid_url", f"Line {i}: 'url' {row.get('url')!r} does not match the batch "
                f"endpoint {endpoint!r}.", i, "url")
        body = row.get("body")
        if not isinstance(body, dict):
            err("invalid_request", f"Line {i}: 'body' must be a JSON object.", i, "body")
        elif isinstance(body.get("model"), str):
            models.add(body["model"])
        if isinstance(cid, str) and cid:
            seen.add(cid)
        if isinstance(cid, str) and isinstance(body, dict):
            requests.append((cid, body))
    if not requests and not errors:
        err("empty_file", "The input file has no requests.", None)
    if len(requests) > _MAX_LINES:
        err("too_many_tasks", f"The input file has {len(requests)} requests; a batch may hold "
            f"at most {_MAX_LINES}.", None)
    if len(models) > 1:
        err("mismatched_model", "Every request in a batch must use the same model; found "
            f"{', '.join(sorted(models))}.", None, "model")
    return requests, errors


def _execute(app: Any, rec: dict[str, Any]) -> dict[str, Any]:
    """Run every request; store the output/error files; return the results to record."""
    out_lines: list[str] = []
    err_lines: list[str] = []
    usage = {"input": 0, "output": 0}
    for n, (cid, body) in enumerate(rec["requests"]):
        try:
            status, resp = app.dispatch("POST", rec["endpoint"], body)
        except Exception as exc:  # a bug in one route must not sink the whole batch
            status, resp = 500, {"error": {"message": f"Internal error: {exc}",
                                           "type": "server_error", "param": None, "code": None}}
        line: dict[str, Any] = {
            "id": "batch_req_" + _hid(rec["id"], n), "custom_id": cid,
            "response": {"status_code": status, "request_id": "req_" + _hid(rec["id"], "r", n),
                         "body": resp},
            "error": None}
        if 200 <= status < 300:
            u = resp.get("usage") or {}
            usage["input"] += int(u.get("prompt_tokens") or u.get("input_tokens") or 0)
            usage["output"] += int(u.get("completion_tokens") or u.get("output_tokens") or 0)
            out_lines.append(json.dumps(line, separators=(",", ":")))
        else:
            error = resp.get("error")
            e = error if isinstance(error, dict) else {}
            line["error"] = {"code": e.get("code") or e.get("type") or "request_failed",
                             "message": e.get("message") or f"HTTP {status}"}
            err_lines.append(json.dumps(line, separators=(",", ":")))
    result: dict[str, Any] = {"completed": len(out_lines), "failed": len(err_lines),
                              "usage": usage}
    with app.lock:
        out = add_file(app, f"batch_{rec['id']}_output.jsonl",
                       ("\n".join(out_lines) + "\n").encode() if out_lines else b"",
                       "batch_output", rec["output_expires"])
        result["output_file_id"] = out["id"]
        if err_lines:
            errf = add_file(app, f"batch_{rec['id']}_error.jsonl",
                            ("\n".join(err_lines) + "\n").encode(), "batch_output",
                            rec["output_expires"])
            result["error_file_id"] = errf["id"]
    return result


def _status(app: Any, rec: dict[str, Any]) -> str:
    e = steps_elapsed(app, rec["t0"])
    if rec["cancelled_e"] is not None:
        return "cancelling" if e - rec["cancelled_e"] < 1 else "cancelled"
    if e < 1:
        return "validating"
    if rec["errors"]:
        return "failed"
    if e < 2:
        return "in_progress"
    return "completed" if e >= 3 and rec["result"] is not None else "finalizing"


def _maybe_execute(app: Any, rec: dict[str, Any]) -> None:
    """Run the lines once the batch reaches ``finalizing``, outside the lock so other requests
    are served meanwhile (readers see ``finalizing`` until the results are stored)."""
    with app.lock:
        if rec["result"] is not None or rec["executing"] or _status(app, rec) != "finalizing":
            return
        rec["executing"] = True
    try:
        result = _execute(app, rec)
    finally:
        with app.lock:
            rec["executing"] = False
    with app.lock:
        rec["result"] = result


def _at(app: Any, rec: dict[str, Any], steps: float) -> int:
    return rec["created_at"] + int(steps * max(0.0, float(app.config.job_step_seconds)))


def _batch_object(app: Any, rec: dict[str, Any]) -> dict[str, Any]:
    status = _status(app, rec)
    total = len(rec["requests"]) if not rec["errors"] else 0
    res = rec["result"] if status == "completed" else None
    obj: dict[str, Any] = {
        "id": rec["id"], "object": "batch", "endpoint": rec["endpoint"],
        "input_file_id": rec["input_file_id"], "completion_window": rec["completion_window"],
        "status": status, "created_at": rec["created_at"],
        "expires_at": rec["created_at"] + _WINDOW_SECONDS,
        "request_counts": {"total": total if status != "validating" else 0,
                           "completed": res["completed"] if res else 0,
                           "failed": res["failed"] if res else 0},
        "metadata": dict(rec["metadata"]) if rec["metadata"] else None,
        "model": rec["model"],
    }
    if status == "failed":
        obj["errors"] = {"object": "list", "data": [dict(e) for e in rec["errors"]]}
        obj["failed_at"] = _at(app, rec, 1)
        obj["request_counts"]["total"] = 0
    if status in ("in_progress", "finalizing", "completed"):
        obj["in_progress_at"] = _at(app, rec, 1)
    if status in ("finalizing", "completed"):
        obj["finalizing_at"] = _at(app, rec, 2)
    if res:
        obj["completed_at"] = _at(app, rec, 3)
        obj["output_file_id"] = res["output_file_id"]
        obj["error_file_id"] = res.get("error_file_id")
        u = res["usage"]
        obj["usage"] = {"input_tokens": u["input"], "input_tokens_details": {"cached_tokens": 0},
                        "output_tokens": u["output"],
                        "output_tokens_details": {"reasoning_tokens": 0},
                        "total_tokens": u["input"] + u["output"]}
    if rec["cancelled_e"] is not None:
        obj["cancelling_at"] = _at(app, rec, rec["cancelled_e"])
        if status == "cancelled":
            obj["cancelled_at"] = _at(app, rec, rec["cancelled_e"] + 1)
    return drop_none(obj, _OPTIONAL)


def create_batch(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    app = req.app
    input_id = opt_str(body, "input_file_id")
    if not input_id:
        raise missing("input_file_id")
    endpoint = opt_str(body, "endpoint")
    if not endpoint:
        raise missing("endpoint")
    if endpoint not in _API_ENDPOINTS:
        raise invalid(f"Invalid value for 'endpoint': {endpoint!r}. Supported values are: "
                      f"{', '.join(repr(e) for e in _API_ENDPOINTS)}.", param="endpoint",
                      code="invalid_value")
    if endpoint not in RUNNABLE_ENDPOINTS:
        raise invalid(f"The emulator cannot run batches for {endpoint}; it runs "
                      f"{', '.join(RUNNABLE_ENDPOINTS)}.", param="endpoint",
                      code="unsupported_value")
    window = opt_str(body, "completion_window")
    if window is None:
        raise missing("completion_window")
    if window != "24h":
        raise invalid(f"Invalid value for 'completion_window': {window!r}. Supported values "
                      "are: '24h'.", param="completion_window", code="invalid_value")
    metadata = check_metadata(body.get("metadata"))
    output_expires = None
    oea = body.get("output_expires_after")
    if oea is not None:
        secs = oea.get("seconds") if isinstance(oea, dict) else None
        if not (isinstance(oea, dict) and oea.get("anchor") == "created_at"
                and isinstance(secs, int) and 3600 <= secs <= 2592000):
            raise invalid("Invalid 'output_expires_after': expected {\"anchor\": \"created_at\", "
                          "\"seconds\": 3600..2592000}.", param="output_expires_after")
        output_expires = secs
    with app.lock:
        src = need_file(app, input_id, "input_file_id", purpose="batch")
        requests, errors = _parse_input(src["content"], endpoint)
        batch_id = app.new_id("batch_")
        models = {b.get("model") for _, b in requests if isinstance(b.get("model"), str)}
        rec = {
            "id": batch_id, "created_at": app.now(), "t0": app.monotonic(),
            "endpoint": endpoint, "input_file_id": input_id, "completion_window": window,
            "metadata": metadata, "requests": requests, "errors": errors,
            "model": next(iter(models)) if len(models) == 1 else None,
            "output_expires": output_expires or _OUTPUT_EXPIRY, "cancelled_e": None,
            "executing": False,
            "result": None,
        }
        _batches(app).add(batch_id, rec)
        return _batch_object(app, rec)


def list_batches(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    with app.lock:
        recs = _batches(app).values()
    for rec in recs:
        _maybe_execute(app, rec)
    with app.lock:
        return list_page(_batches(app), req.query, lambda r: _batch_object(app, r),
                         allow_before=False, allow_order=False)


def _need(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return _batches(req.app).need(req.path_params["batch_id"], "batch", param="batch_id")


def retrieve_batch(req: EmuRequest) -> dict[str, Any]:
    rec = _need(req)
    _maybe_execute(req.app, rec)
    with req.app.lock:
        return _batch_object(req.app, rec)


def cancel_batch(req: EmuRequest) -> dict[str, Any]:
    rec = _need(req)
    with req.app.lock:
        status = _status(req.app, rec)
        if status not in ("validating", "in_progress"):
            raise invalid(f"Cannot cancel a batch with status {status!r}.", param="batch_id",
                          code="invalid_batch_status")
        rec["cancelled_e"] = steps_elapsed(req.app, rec["t0"])
        return _batch_object(req.app, rec)
