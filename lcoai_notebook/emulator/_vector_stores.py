"""Vector stores, their files and file batches: create, list, retrieve, modify, delete, cancel.

A file added to a store is ``in_progress`` for one ``job_step_seconds`` and then ``completed``
(or ``failed`` with ``unsupported_file`` when it is not text, or ``invalid_file`` when empty);
the store is ``in_progress`` while any of its files is, and ``file_counts``/``usage_bytes``
follow its files. A file batch attaches many files at once; its status and ``file_counts``
follow those files, and cancelling it stops the ones still in progress. Search lives in
``_vector_search``.
"""

from __future__ import annotations

from typing import Any

from ._errors import invalid, missing
from ._files import need_file
from ._router import EmuRequest
from ._store import Collection, check_metadata, collection, list_page, opt_str, steps_elapsed

__all__: list[str] = []

_FILE_STATUSES = ("in_progress", "completed", "failed", "cancelled")
_DEFAULT_CHUNKING = {"type": "static",
                     "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


def _stores(app: Any) -> Collection:
    return collection(app, "vector_stores")


def _chunking(value: Any) -> dict[str, Any]:
    if value is None or (isinstance(value, dict) and value.get("type") == "auto"):
        return {"type": "static", "static": dict(_DEFAULT_CHUNKING["static"])}
    static = value.get("static") if isinstance(value, dict) else None
    if isinstance(value, dict) and value.get("type") == "static" and isinstance(static, dict):
        size, overlap = static.get("max_chunk_size_tokens"), static.get("chunk_overlap_tokens")
        if isinstance(size, int) and isinstance(overlap, int) and 100 <= size <= 4096 \
                and 0 <= overlap <= size // 2:
            return {"type": "static", "static": {"max_chunk_size_tokens": size,
                                                 "chunk_overlap_tokens": overlap}}
        raise invalid("Invalid 'chunking_strategy.static': max_chunk_size_tokens must be 100..4096 "
                      "and chunk_overlap_tokens at most half of it.",
                      param="chunking_strategy.static")
    raise invalid("Invalid 'chunking_strategy': expected type 'auto' or 'static'.",
                  param="chunking_strategy")


def _expires_after(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    days = value.get("days") if isinstance(value, dict) else None
    if not (isinstance(value, dict) and value.get("anchor") == "last_active_at"
            and isinstance(days, int) and 1 <= days <= 365):
        raise invalid("Invalid 'expires_after': expected {\"anchor\": \"last_active_at\", "
                      "\"days\": 1..365}.", param="expires_after")
    return {"anchor": "last_active_at", "days": days}


def _attributes(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 16 or not all(
            isinstance(v, (str, int, float, bool)) for v in value.values()):
        raise invalid("Invalid 'attributes': at most 16 keys with string, number or boolean "
                      "values.", param="attributes")
    return dict(value)


def _file_status(app: Any, frec: dict[str, Any]) -> str:
    if frec["cancelled"]:
        return "cancelled"
    if steps_elapsed(app, frec["t0"]) < 1:
        return "in_progress"
    return "failed" if frec["error"] else "completed"


def _file_object(app: Any, frec: dict[str, Any]) -> dict[str, Any]:
    status = _file_status(app, frec)
    obj = dict(frec["obj"])
    obj["status"] = status
    obj["last_error"] = dict(frec["error"]) if status == "failed" else None
    obj["usage_bytes"] = frec["bytes"] if status == "completed" else 0
    return obj


def _add_file(app: Any, store: dict[str, Any], file_id: str, chunking: dict[str, Any],
              attributes: dict[str, Any]) -> dict[str, Any]:
    """Attach a stored file to ``store`` (checked by the caller; under the lock)."""
    existing = store["files"].get(file_id)
    if existing is not None:
        return existing
    content = need_file(app, file_id, "file_id")["content"]
    error = None
    if not content:
        error = {"code": "invalid_file", "message": "The file is empty."}
    else:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            error = {"code": "unsupported_file",
                     "message": "The file type is not supported for file search (not text)."}
    frec = {"obj": {"id": file_id, "object": "vector_store.file", "created_at": app.now(),
                    "vector_store_id": store["obj"]["id"], "chunking_strategy": chunking,
                    "attributes": attributes},
            "t0": app.monotonic(), "error": error, "bytes": len(content), "cancelled": False}
    store["files"].add(file_id, frec)
    return frec


def _store_object(app: Any, store: dict[str, Any]) -> dict[str, Any]:
    counts: dict[str, int] = dict.fromkeys(_FILE_STATUSES, 0)
    usage = 0
    for frec in store["files"].values():
        st = _file_status(app, frec)
        counts[st] += 1
        usage += frec["bytes"] if st == "completed" else 0
    obj = dict(store["obj"])
    obj["file_counts"] = {**counts, "total": sum(counts.values())}
    obj["usage_bytes"] = usage
    obj["status"] = "in_progress" if counts["in_progress"] else "completed"
    exp = obj.get("expires_after")
    obj["expires_at"] = obj["last_active_at"] + exp["days"] * 86400 if exp else None
    if obj["expires_at"] is not None and obj["expires_at"] <= app.now():
        obj["status"] = "expired"
    return obj


def create_vector_store(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    body = req.json() if req.body else {}
    name = opt_str(body, "name") or ""
    description = opt_str(body, "description", max_len=512)
    metadata = check_metadata(body.get("metadata"))
    expires = _expires_after(body.get("expires_after"))
    chunking = _chunking(body.get("chunking_strategy"))
    file_ids = body.get("file_ids") or []
    if not isinstance(file_ids, list) or len(file_ids) > 500:
        raise invalid("Invalid 'file_ids': expected an array of at most 500 file ids.",
                      param="file_ids")
    with app.lock:
        for i, fid in enumerate(file_ids):  # check every id before creating anything
            need_file(app, fid, f"file_ids[{i}]")
        now = app.now()
        obj: dict[str, Any] = {"id": app.new_id("vs_"), "object": "vector_store",
                               "created_at": now, "name": name, "last_active_at": now,
                               "metadata": metadata}
        if description is not None:
            obj["description"] = description
        if expires is not None:
            obj["expires_after"] = expires
        store = {"obj": obj, "files": Collection()}
        for fid in file_ids:
            _add_file(app, store, fid, chunking, {})
        _stores(app).add(obj["id"], store)
        return _store_object(app, store)


def list_vector_stores(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return list_page(_stores(req.app), req.query, lambda s: _store_object(req.app, s))


def _store(req: EmuRequest) -> dict[str, Any]:
    return _stores(req.app).need(req.path_params["vector_store_id"], "vector store",
                                 param="vector_store_id")


def get_vector_store(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return _store_object(req.app, _store(req))


def modify_vector_store(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    with req.app.lock:
        store = _store(req)
        update: dict[str, Any] = {}
        if "name" in body:
            update["name"] = opt_str(body, "name") or ""
        if "metadata" in body:
            update["metadata"] = check_metadata(body.get("metadata"))
        if "expires_after" in body:
            exp = _expires_after(body.get("expires_after"))
            if exp is None:
                store["obj"].pop("expires_after", None)
            else:
                update["expires_after"] = exp
        update["last_active_at"] = req.app.now()
        store["obj"].update(update)
        return _store_object(req.app, store)


def delete_vector_store(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        store = _store(req)
        _stores(req.app).pop(store["obj"]["id"])
    return {"id": store["obj"]["id"], "object": "vector_store.deleted", "deleted": True}


def create_vector_store_file(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    file_id = opt_str(body, "file_id")
    if not file_id:
        raise missing("file_id")
    chunking = _chunking(body.get("chunking_strategy"))
    attributes = _attributes(body.get("attributes"))
    with req.app.lock:
        store = _store(req)
        frec = _add_file(req.app, store, file_id, chunking, attributes)
        store["obj"]["last_active_at"] = req.app.now()
        return _file_object(req.app, frec)


def _status_filter(req: EmuRequest) -> str | None:
    """The ``filter`` query parameter of the file listings: one file status, or None for all."""
    wanted = req.query.get("filter") or None
    if wanted is not None and wanted not in _FILE_STATUSES:
        raise invalid(f"Invalid value for 'filter': {wanted!r}. Supported values are: "
                      f"{', '.join(repr(s) for s in _FILE_STATUSES)}.", param="filter",
                      code="invalid_value")
    return wanted


def list_vector_store_files(req: EmuRequest) -> dict[str, Any]:
    wanted = _status_filter(req)
    app = req.app
    with app.lock:
        return list_page(_store(req)["files"], req.query, lambda f: _file_object(app, f),
                         include=(lambda f: _file_status(app, f) == wanted) if wanted else None)


def _store_file(req: EmuRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    store = _store(req)
    frec = store["files"].need(req.path_params["file_id"], "vector store file", param="file_id")
    return store, frec


def get_vector_store_file(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return _file_object(req.app, _store_file(req)[1])


def delete_vector_store_file(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        store, frec = _store_file(req)
        store["files"].pop(frec["obj"]["id"])
    return {"id": frec["obj"]["id"], "object": "vector_store.file.deleted", "deleted": True}


# -- file batches -------------------------------------------------------------------------------

def _batch_files(store: dict[str, Any], batch: dict[str, Any]) -> list[dict[str, Any]]:
    """The batch's files still attached to the store."""
    return [f for f in (store["files"].get(fid) for fid in batch["file_ids"]) if f is not None]


def _batch_object(app: Any, store: dict[str, Any], batch: dict[str, Any]) -> dict[str, Any]:
    counts: dict[str, int] = dict.fromkeys(_FILE_STATUSES, 0)
    for frec in _batch_files(store, batch):
        counts[_file_status(app, frec)] += 1
    obj = dict(batch["obj"])
    total = sum(counts.values())
    obj["file_counts"] = {**counts, "total": total}
    if batch["cancelled"]:
        obj["status"] = "cancelled"
    elif counts["in_progress"]:
        obj["status"] = "in_progress"
    elif total and counts["failed"] == total:
        obj["status"] = "failed"  # nothing usable came of it
    else:
        obj["status"] = "completed"
    return obj


def _batch_entries(body: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None, Any]]:
    """``(file_id, attributes, chunking_strategy)`` per file: from ``file_ids`` (sharing the
    batch's settings) or ``files`` (each its own), which exclude each other."""
    file_ids, files = body.get("file_ids"), body.get("files")
    if file_ids is not None and files is not None:
        raise invalid("'file_ids' and 'files' are mutually exclusive: send one of them.",
                      param="files")
    if file_ids is None and files is None:
        raise missing("file_ids")
    name, items = ("file_ids", file_ids) if file_ids is not None else ("files", files)
    if not isinstance(items, list) or not 1 <= len(items) <= 2000:
        raise invalid(f"Invalid '{name}': expected an array of 1 to 2000 items.", param=name)
    if name == "file_ids":
        shared_attrs, shared_chunking = body.get("attributes"), body.get("chunking_strategy")
        return [(fid, shared_attrs, shared_chunking) for fid in items]
    if body.get("attributes") is not None or body.get("chunking_strategy") is not None:
        raise invalid("With 'files', give 'attributes' and 'chunking_strategy' per file.",
                      param="files")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("file_id"), str):
            raise invalid(f"Invalid 'files[{i}]': expected an object with a 'file_id'.",
                          param=f"files[{i}]")
        out.append((item["file_id"], item.get("attributes"), item.get("chunking_strategy")))
    return out


def create_vector_store_file_batch(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    entries = [(fid, _attributes(attrs), _chunking(chunking))
               for fid, attrs, chunking in _batch_entries(req.json())]
    with app.lock:
        store = _store(req)
        for i, (fid, _, _) in enumerate(entries):  # check every id before attaching any
            need_file(app, fid, f"file_ids[{i}]")
        for fid, attrs, chunking in entries:
            _add_file(app, store, fid, chunking, attrs)
        now = app.now()
        batch = {"obj": {"id": app.new_id("vsfb_"), "object": "vector_store.files_batch",
                         "created_at": now, "vector_store_id": store["obj"]["id"]},
                 "file_ids": list(dict.fromkeys(fid for fid, _, _ in entries)),
                 "cancelled": False}
        store.setdefault("batches", Collection()).add(batch["obj"]["id"], batch)
        store["obj"]["last_active_at"] = now
        return _batch_object(app, store, batch)


def _batch(req: EmuRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    store = _store(req)
    batch = store.setdefault("batches", Collection()).need(
        req.path_params["batch_id"], "vector store file batch", param="batch_id")
    return store, batch


def get_vector_store_file_batch(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return _batch_object(req.app, *_batch(req))


def cancel_vector_store_file_batch(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    with app.lock:
        store, batch = _batch(req)
        status = _batch_object(app, store, batch)["status"]
        if status != "in_progress":
            raise invalid(f"Cannot cancel a vector store file batch whose status is "
                          f"'{status}': only in_progress batches can be cancelled.",
                          param="batch_id")
        batch["cancelled"] = True
        for frec in _batch_files(store, batch):  # files still being processed stop there
            if _file_status(app, frec) == "in_progress":
                frec["cancelled"] = True
        return _batch_object(app, store, batch)


def list_vector_store_file_batch_files(req: EmuRequest) -> dict[str, Any]:
    wanted = _status_filter(req)
    app = req.app
    with app.lock:
        store, batch = _batch(req)
        ids = set(batch["file_ids"])
        return list_page(store["files"], req.query, lambda f: _file_object(app, f),
                         include=lambda f: f["obj"]["id"] in ids and (
                             wanted is None or _file_status(app, f) == wanted))
