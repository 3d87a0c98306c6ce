"""Files: upload (multipart ``file`` + ``purpose``), list, retrieve, delete, content.

Other stateful routes use :func:`add_file` (fine-tuning results, batch output and error files)
and :func:`need_file` (training files, batch input files, vector store files).
"""

from __future__ import annotations

from typing import Any

from ._errors import invalid, missing
from ._router import EmuRequest, Raw, strict_loads
from ._store import Collection, collection, list_page

__all__ = ["UPLOAD_PURPOSES", "add_file", "file_object", "need_file"]

#: Purposes a client may upload with (the service adds ``*_output`` / ``fine-tune-results``).
UPLOAD_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
#: Purposes whose uploads must be JSON Lines, as the service insists (by the file name).
_JSONL_PURPOSES = {"fine-tune": "Fine-Tuning", "batch": "Batch"}
#: Batch input files expire after 30 days unless told otherwise.
_BATCH_EXPIRY = 30 * 24 * 3600


def _files(app: Any) -> Collection:
    return collection(app, "files")


def file_object(rec: dict[str, Any]) -> dict[str, Any]:
    """The public ``file`` object of a stored record (a copy)."""
    return dict(rec["obj"])


def add_file(app: Any, filename: str, content: bytes, purpose: str,
             expires_after: int | None = None) -> dict[str, Any]:
    """Store ``content`` as a new file and return its public object (call under ``app.lock``)."""
    file_id = app.new_id("file-")
    created = app.now()
    obj: dict[str, Any] = {
        "id": file_id, "object": "file", "bytes": len(content), "created_at": created,
        "filename": filename, "purpose": purpose, "status": "processed",
    }
    if expires_after is not None:
        obj["expires_at"] = created + expires_after
    _files(app).add(file_id, {"obj": obj, "content": content})
    return dict(obj)


def need_file(app: Any, file_id: Any, param: str = "file_id",
              purpose: str | None = None) -> dict[str, Any]:
    """The stored record for ``file_id`` (404 when unknown, 400 when of another purpose)."""
    if not isinstance(file_id, str) or not file_id:
        raise missing(param)
    rec = _files(app).need(file_id, "File", param=param)
    if purpose is not None and rec["obj"]["purpose"] != purpose:
        raise invalid(f"File {file_id} has purpose {rec['obj']['purpose']!r}; '{param}' needs a "
                      f"file uploaded with purpose {purpose!r}.", param=param,
                      code="invalid_file_purpose")
    return rec


def _field(fields: dict[str, Any], name: str) -> Any:
    value = fields.get(name)
    if isinstance(value, list):  # a repeated field: the service keeps the last one
        value = value[-1] if value else None
    return value


def _expires_after(fields: dict[str, Any]) -> int | None:
    """``expires_after`` from form fields (``expires_after[anchor]``/``[seconds]`` as the SDK
    sends it, or one JSON-encoded field): the lifetime in seconds, or None."""
    anchor = _field(fields, "expires_after[anchor]")
    seconds: Any = _field(fields, "expires_after[seconds]")  # any JSON: int() below judges it
    raw = _field(fields, "expires_after")
    if raw is not None and anchor is None and seconds is None:
        try:
            parsed = strict_loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise invalid("Invalid 'expires_after': expected an object with 'anchor' and "
                          "'seconds'.", param="expires_after")
        anchor, seconds = parsed.get("anchor"), parsed.get("seconds")
    if anchor is None and seconds is None:
        return None
    if anchor != "created_at":
        raise invalid(f"Invalid value for 'expires_after.anchor': {anchor!r}. Supported values "
                      "are: 'created_at'.", param="expires_after.anchor", code="invalid_value")
    try:
        secs = int(seconds)
    except (TypeError, ValueError):
        raise invalid("Invalid 'expires_after.seconds': expected an integer.",
                      param="expires_after.seconds") from None
    if not 3600 <= secs <= 2592000:
        raise invalid(f"Invalid 'expires_after.seconds': expected a value between 3600 and "
                      f"2592000 (1 hour to 30 days), but got {secs} instead.",
                      param="expires_after.seconds", code="integer_out_of_range")
    return secs


def create_file(req: EmuRequest) -> dict[str, Any]:
    fields, uploads = req.form()
    parts = uploads.get("file") or []
    if not parts:
        raise missing("file")
    upload = parts[0]
    purpose = _field(fields, "purpose")
    if not purpose:
        raise missing("purpose")
    if purpose not in UPLOAD_PURPOSES:
        accepted = ", ".join(repr(p) for p in UPLOAD_PURPOSES)
        raise invalid(f"Invalid value for 'purpose': {purpose!r}. Supported values are: "
                      f"{accepted}.", param="purpose", code="invalid_value")
    if purpose in _JSONL_PURPOSES and not upload.filename.lower().endswith(".jsonl"):
        raise invalid(f"Invalid file format for {_JSONL_PURPOSES[purpose]} API. Must be .jsonl "
                      f"(got a file named {upload.filename!r}).", param="file",
                      code="invalid_file_format")
    expires = _expires_after(fields)
    if expires is None and purpose == "batch":
        expires = _BATCH_EXPIRY
    with req.app.lock:
        return add_file(req.app, upload.filename, upload.content, purpose, expires)


def list_files(req: EmuRequest) -> dict[str, Any]:
    purpose = req.query.get("purpose") or None
    with req.app.lock:
        return list_page(
            _files(req.app), req.query, file_object, default_limit=10000, max_limit=10000,
            include=(lambda r: r["obj"]["purpose"] == purpose) if purpose else None,
            allow_before=False)


def retrieve_file(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return file_object(need_file(req.app, req.path_params["file_id"]))


def delete_file(req: EmuRequest) -> dict[str, Any]:
    file_id = req.path_params["file_id"]
    with req.app.lock:
        need_file(req.app, file_id)
        _files(req.app).pop(file_id)
    return {"id": file_id, "object": "file", "deleted": True}


def download_file(req: EmuRequest) -> Raw:
    with req.app.lock:
        rec = need_file(req.app, req.path_params["file_id"])
    return Raw(rec["content"], "application/octet-stream")
