"""Uploads: a file sent in parts. ``POST /v1/uploads`` (create), ``/parts`` (add a part,
multipart ``data``), ``/complete`` (join the parts in the order given into a File), ``/cancel``.

An upload is ``pending`` until completed or cancelled and expires an hour after it was created,
as the service's do. Completing checks what the service checks: every part belongs to this
upload, the joined size equals the ``bytes`` declared at creation, and the optional ``md5``
matches; the File it makes obeys the rules of ``POST /v1/files`` (``.jsonl`` names for
fine-tune and batch purposes).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ._errors import EmuError, invalid, missing
from ._files import _JSONL_PURPOSES, UPLOAD_PURPOSES, add_file
from ._router import EmuRequest
from ._store import Collection, collection, opt_int, opt_str

__all__: list[str] = []

#: An upload holds at most 8 GB; each part at most 64 MB (OpenAI's limits).
_MAX_UPLOAD = 8 * 10**9
_MAX_PART = 64 * 2**20
_LIFETIME = 3600


def _uploads(app: Any) -> Collection:
    return collection(app, "uploads")


def _upload_object(app: Any, rec: dict[str, Any]) -> dict[str, Any]:
    obj = dict(rec["obj"])
    if obj["status"] == "pending" and app.now() >= obj["expires_at"]:
        obj["status"] = "expired"
    return obj


def _expiry(body: dict[str, Any], created: int) -> int:
    value = body.get("expires_after")
    if value is None:
        return created + _LIFETIME
    seconds = value.get("seconds") if isinstance(value, dict) else None
    if not (isinstance(value, dict) and value.get("anchor") == "created_at"
            and isinstance(seconds, int) and not isinstance(seconds, bool)
            and 3600 <= seconds <= 2592000):
        raise invalid("Invalid 'expires_after': expected {\"anchor\": \"created_at\", "
                      "\"seconds\": 3600..2592000}.", param="expires_after")
    return created + seconds


def create_upload(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    filename = opt_str(body, "filename", required=True)
    purpose = opt_str(body, "purpose", required=True)
    if purpose not in UPLOAD_PURPOSES:
        raise invalid(f"Invalid value for 'purpose': {purpose!r}. Supported values are: "
                      f"{', '.join(repr(p) for p in UPLOAD_PURPOSES)}.", param="purpose",
                      code="invalid_value")
    if body.get("bytes") is None:
        raise missing("bytes")
    size = opt_int(body, "bytes", 0, _MAX_UPLOAD)
    mime_type = opt_str(body, "mime_type", required=True)
    if purpose in _JSONL_PURPOSES and not filename.lower().endswith(".jsonl"):
        raise invalid(f"Invalid file format for {_JSONL_PURPOSES[purpose]} API. Must be .jsonl "
                      f"(got a file named {filename!r}).", param="filename",
                      code="invalid_file_format")
    with req.app.lock:
        created = req.app.now()
        obj = {"id": req.app.new_id("upload_"), "object": "upload", "bytes": size,
               "created_at": created, "filename": filename, "purpose": purpose,
               "status": "pending", "expires_at": _expiry(body, created), "file": None}
        _uploads(req.app).add(obj["id"], {"obj": obj, "mime_type": mime_type, "parts": {}})
        return dict(obj)


def _pending(req: EmuRequest, action: str) -> dict[str, Any]:
    """The upload named in the path, which must still be pending (call under the lock)."""
    rec = _uploads(req.app).need(req.path_params["upload_id"], "upload", param="upload_id")
    status = _upload_object(req.app, rec)["status"]
    if status != "pending":
        raise invalid(f"Cannot {action} upload {rec['obj']['id']}: its status is '{status}'; "
                      "only pending uploads can be changed.", param="upload_id")
    return rec


def add_upload_part(req: EmuRequest) -> dict[str, Any]:
    _fields, files = req.form()
    parts = files.get("data") or []
    if not parts:
        raise missing("data")
    data = parts[0].content
    if len(data) > _MAX_PART:
        raise EmuError(413, f"A part holds at most {_MAX_PART} bytes; this one has "
                       f"{len(data)}.", param="data", code="request_too_large")
    with req.app.lock:
        rec = _pending(req, "add a part to")
        part = {"id": req.app.new_id("part_"), "object": "upload.part",
                "created_at": req.app.now(), "upload_id": rec["obj"]["id"]}
        rec["parts"][part["id"]] = (part, bytes(data))
        return dict(part)


def complete_upload(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    part_ids = body.get("part_ids")
    if part_ids is None:
        raise missing("part_ids")
    if not isinstance(part_ids, list) or not all(isinstance(p, str) for p in part_ids):
        raise invalid("Invalid 'part_ids': expected an array of part ids.", param="part_ids")
    md5 = opt_str(body, "md5")
    app = req.app
    with app.lock:
        rec = _pending(req, "complete")
        if len(set(part_ids)) != len(part_ids):
            raise invalid("Invalid 'part_ids': a part may be listed once only.",
                          param="part_ids")
        for i, pid in enumerate(part_ids):
            if pid not in rec["parts"]:
                raise invalid(f"Invalid 'part_ids[{i}]': {pid!r} is not a part of upload "
                              f"{rec['obj']['id']}.", param=f"part_ids[{i}]")
        content = b"".join(rec["parts"][pid][1] for pid in part_ids)
        declared = rec["obj"]["bytes"]
        if len(content) != declared:
            raise invalid(f"The parts hold {len(content)} bytes but the upload was created with "
                          f"bytes={declared}; they must match.", param="part_ids")
        if md5 is not None and hashlib.md5(content).hexdigest() != md5.lower():
            raise invalid("The md5 checksum does not match the uploaded bytes.", param="md5")
        file_obj = add_file(app, rec["obj"]["filename"], content, rec["obj"]["purpose"])
        rec["obj"].update(status="completed", file=file_obj)
        return _upload_object(app, rec)


def cancel_upload(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        rec = _pending(req, "cancel")
        rec["obj"]["status"] = "cancelled"
        rec["parts"].clear()  # the service drops the bytes of a cancelled upload
        return _upload_object(req.app, rec)
