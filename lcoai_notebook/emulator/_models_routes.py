"""``/v1/models``: list, retrieve, delete (fine-tuned ``ft:`` models only)."""

from __future__ import annotations

from typing import Any

from ._errors import EmuError
from ._router import EmuRequest

__all__ = ["model_object"]


def model_object(row: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI ``Model`` object for one model row."""
    obj: dict[str, Any] = {"id": row["id"], "object": "model", "created": int(row["created"]),
                           "owned_by": row.get("owned_by") or "system"}
    if "shutdown_date" in row:
        obj["shutdown_date"] = row["shutdown_date"]
    return obj


def _model_row(req: EmuRequest) -> tuple[str, dict[str, Any]]:
    """The path's model id and its row, or the 404 ``model_not_found``; call under the lock."""
    model = req.path_params["model"]
    row = req.app.models.get(model)
    if row is None:
        raise EmuError(404, f"The model `{model}` does not exist or you do not have access to "
                       "it.", param="model", code="model_not_found")
    return model, row


def list_models(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        rows = list(req.app.models.values())
    return {"object": "list", "data": [model_object(r) for r in rows]}


def retrieve_model(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        _, row = _model_row(req)
    return model_object(row)


def delete_model(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        model, _ = _model_row(req)
        if not model.startswith("ft:"):
            # Base models belong to OpenAI ("system"): the caller lacks the permission.
            raise EmuError(403, f"You have insufficient permissions to delete the model "
                           f"`{model}`: only fine-tuned models owned by your organization can be "
                           "deleted.", param="model", code="model_not_deletable")
        del req.app.models[model]
    return {"id": model, "object": "model", "deleted": True}
