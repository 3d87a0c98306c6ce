"""Fine-tuning jobs: create, list, retrieve, cancel, events, checkpoints.

A job's state is worked out from the time elapsed since it was created, in units of
``config.job_step_seconds``: ``validating_files`` for one step, ``queued`` for one, ``running``
for one, then ``succeeded`` (or ``failed`` right after validation when the training file is bad).
The training file is checked when the job is created, as the service checks it, but a bad file
only shows once validation "ends": the job goes to ``failed`` with
``error = {code: "invalid_training_file", message, param: "training_file"}``. The first time a
job is seen ``succeeded`` its ``ft:`` model row is added to ``app.models`` (so chat accepts it and
models.list shows it) and its results CSV to the files store.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from ._errors import invalid, missing
from ._files import add_file, need_file
from ._router import EmuRequest
from ._store import (
    NOT_JSON,
    Collection,
    check_metadata,
    collection,
    jsonl_objects,
    list_page,
    opt_int,
    opt_str,
    query_int,
    steps_elapsed,
)

__all__ = ["resolve_base_model", "validate_training_file"]

MIN_EXAMPLES = 10  # OpenAI's minimum number of training examples
_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_ACTIVE = ("validating_files", "queued", "running")
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")
_MAX_METRIC_EVENTS = 100


def _jobs(app: Any) -> Collection:
    return collection(app, "fine_tuning_jobs")


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def _alnum(seed: str, n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    value = int(_digest(seed), 16)
    out = []
    for _ in range(n):
        value, r = divmod(value, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


# -- request checks -----------------------------------------------------------------------------

def resolve_base_model(app: Any, model: str) -> str | None:
    """The fine-tunable snapshot for ``model`` (itself, its alias's dated snapshot, or an
    ``ft:`` model of this emulator for continued fine-tuning), or None."""
    with app.lock:
        rows = dict(app.models)
    row = rows.get(model)
    if row is not None and (row.get("fine_tunable") or row.get("fine_tuned")):
        return model
    # An alias such as gpt-4o-mini maps to its dated fine-tunable snapshot.
    for mid, r in sorted(rows.items()):
        if r.get("fine_tunable") and _DATED.search(mid) and _DATED.sub("", mid) == model:
            return mid
    return None


#: Hyperparameter -> (low, high, kind): integers lie in [low, high], numbers in (low, high].
_LIMITS: dict[str, tuple[float, float | None, type]] = {
    "n_epochs": (1, 50, int), "batch_size": (1, 256, int),
    "learning_rate_multiplier": (0, None, float)}
#: DPO adds ``beta`` (FineTuneDPOHyperparameters: a number in (0, 2], or "auto").
_DPO_LIMITS = {**_LIMITS, "beta": (0, 2, float)}
_DPO_BETA = 0.1


def _hyperparameters(raw: Any, param: str,
                     limits: dict[str, tuple[float, float | None, type]] = _LIMITS
                     ) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise invalid(f"Invalid type for '{param}': expected an object.", param=param)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in limits:
            raise invalid(f"Unknown parameter: '{param}.{key}'.", param=f"{param}.{key}",
                          code="unknown_parameter")
        lo, hi, kind = limits[key]
        if value == "auto":
            continue
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and kind is int:
            ok = isinstance(value, int) and lo <= value <= hi  # type: ignore[operator]
        elif ok:
            ok = value > lo and (hi is None or value <= hi)
        if not ok:
            bound = (f"an integer from {lo} to {hi}" if kind is int else
                     f"a number above {lo}" + (f" and at most {hi}" if hi is not None else ""))
            raise invalid(f"Invalid '{param}.{key}': expected 'auto' or {bound}, got {value!r}.",
                          param=f"{param}.{key}", code="invalid_value")
        out[key] = value
    return out


def _method(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The method type and the requested hyperparameters (``method`` wins over the deprecated
    top-level ``hyperparameters``)."""
    hyper = _hyperparameters(body.get("hyperparameters"), "hyperparameters")
    method = body.get("method")
    if method is None:
        return "supervised", hyper
    if not isinstance(method, dict):
        raise invalid("Invalid type for 'method': expected an object.", param="method")
    mtype = method.get("type")
    if mtype not in ("supervised", "dpo", "reinforcement"):
        raise invalid(f"Invalid value for 'method.type': {mtype!r}. Supported values are: "
                      "'supervised', 'dpo' and 'reinforcement'.", param="method.type",
                      code="invalid_value")
    if mtype == "reinforcement":
        raise invalid("Reinforcement fine-tuning needs a reasoning model and a grader; the "
                      "emulator supports the 'supervised' and 'dpo' methods.",
                      param="method.type", code="invalid_value")
    inner = method.get(mtype) or {}
    if not isinstance(inner, dict):
        raise invalid(f"Invalid type for 'method.{mtype}': expected an object.",
                      param=f"method.{mtype}")
    limits = _DPO_LIMITS if mtype == "dpo" else _LIMITS
    return mtype, {**hyper, **_hyperparameters(inner.get("hyperparameters"),
                                               f"method.{mtype}.hyperparameters", limits)}


# -- training file validation -------------------------------------------------------------------

def _check_messages(msgs: Any, where: str, need_assistant: bool) -> int:
    """Tokens in one list of chat messages; ValueError describing the first problem."""
    if not isinstance(msgs, list) or not msgs:
        raise ValueError(f"{where} is missing a non-empty 'messages' list")
    tokens, assistant = 0, False
    for j, m in enumerate(msgs, 1):
        if not isinstance(m, dict) or m.get("role") not in _ROLES:
            raise ValueError(f"{where}, message {j} has no valid 'role' "
                             f"(one of {', '.join(_ROLES)})")
        content = m.get("content")
        if content is None and not (m.get("tool_calls") or m.get("function_call")):
            raise ValueError(f"{where}, message {j} is missing 'content'")
        if content is not None and not isinstance(content, (str, list)):
            raise ValueError(f"{where}, message {j} has 'content' that is not a string or list")
        assistant = assistant or m["role"] == "assistant"
        tokens += 4 + len(json.dumps(content)) // 4
    if need_assistant and not assistant:
        raise ValueError(f"{where} has no message with role 'assistant' to learn from")
    return tokens


def validate_training_file(content: bytes, method: str = "supervised",
                           minimum: int = MIN_EXAMPLES) -> tuple[int, int]:
    """``(examples, tokens)`` of a chat-format JSONL training file.

    Raises
    ------
    ValueError
        With a message naming the first problem (the job's ``error.message``).
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("The file is not UTF-8 text; a training file must be JSONL "
                         "(one JSON object per line).") from None
    examples = tokens = 0
    for i, row in jsonl_objects(text):
        if row == NOT_JSON:
            raise ValueError(f"Invalid file format: line {i} is {NOT_JSON}; a training file "
                             "must be JSONL (one JSON object per line).")
        if isinstance(row, str):
            raise ValueError(f"Invalid file format: line {i} is {row}.")
        where = f"Example {examples + 1} (line {i})"
        if method == "dpo":
            inp = row.get("input")
            tokens += _check_messages(inp.get("messages") if isinstance(inp, dict) else None,
                                      f"{where} 'input'", need_assistant=False)
            for key in ("preferred_output", "non_preferred_output"):
                tokens += _check_messages(row.get(key), f"{where} '{key}'", need_assistant=True)
        else:
            tokens += _check_messages(row.get("messages"), where, need_assistant=True)
        examples += 1
    if examples < minimum:
        raise ValueError(f"Training file has {examples} example(s), but must have at least "
                         f"{minimum} examples.")
    return examples, tokens


# -- the job's life -----------------------------------------------------------------------------

def _plan(rec: dict[str, Any]) -> None:
    """Resolve hyperparameters and the step/metric/checkpoint timeline of a valid job."""
    n = rec["examples"]
    req = rec["hyper_requested"]
    batch = req.get("batch_size") or max(1, min(32, n // 100))
    epochs = req.get("n_epochs") or 3
    lr = req.get("learning_rate_multiplier") or 1.8
    rec["hyper"] = {"batch_size": batch, "learning_rate_multiplier": lr, "n_epochs": epochs}
    per_epoch = math.ceil(n / batch)
    total = per_epoch * epochs
    rec["total_steps"] = total
    every = max(1, math.ceil(total / _MAX_METRIC_EVENTS))
    rec["metric_steps"] = sorted({*range(every, total + 1, every), total})
    rec["checkpoint_steps"] = [e * per_epoch for e in range(max(1, epochs - 2), epochs + 1)]


def _metrics(rec: dict[str, Any], step: int) -> dict[str, float]:
    jitter = (int(_digest(rec["id"], step)[:8], 16) / 0xFFFFFFFF - 0.5) * 0.1
    loss = round(0.25 + 2.0 * math.exp(-4.0 * step / rec["total_steps"]) + jitter, 4)
    acc = round(min(1.0, max(0.0, 1.0 - loss / 3.0)), 4)
    return {"step": step, "train_loss": loss, "train_mean_token_accuracy": acc}


def _timeline(rec: dict[str, Any]) -> list[tuple[float, str, str, str, dict[str, Any] | None]]:
    """Every event the job will ever log: (at step, level, type, message, data)."""
    ev: list[tuple[float, str, str, str, dict[str, Any] | None]] = [
        (0.0, "info", "message", f"Created fine-tuning job: {rec['id']}", None),
        (0.0, "info", "message", f"Validating training file: {rec['training_file']}", None)]
    if rec["error"]:
        ev.append((1.0, "error", "message", rec["error"]["message"], None))
        ev.append((1.0, "error", "message", "The job failed due to an invalid training file. "
                   "Fix the file and create a new job.", None))
        return ev
    total = rec["total_steps"]
    ev.append((1.0, "info", "message", "Files validated, moving job to queued state", None))
    ev.append((2.0, "info", "message", "Fine-tuning job started", None))
    for s in rec["metric_steps"]:
        m = _metrics(rec, s)
        ev.append((2.0 + 0.98 * s / total, "info", "metrics",
                   f"Step {s}/{total}: training loss={m['train_loss']:.4f}",
                   {**m, "total_steps": total}))
        if s in rec["checkpoint_steps"]:
            ev.append((2.0 + 0.98 * s / total, "info", "message",
                       f"Checkpoint created at step {s}", None))
    for s in rec["checkpoint_steps"]:
        if s not in rec["metric_steps"]:  # keep every checkpoint announced
            ev.append((2.0 + 0.98 * s / total, "info", "message",
                       f"Checkpoint created at step {s}", None))
    ev.sort(key=lambda e: e[0])
    ev.append((3.0, "info", "message", f"New fine-tuned model created: {rec['ft_model']}", None))
    ev.append((3.0, "info", "message", "The job has successfully completed", None))
    return ev


def _elapsed(app: Any, rec: dict[str, Any]) -> float:
    e = steps_elapsed(app, rec["t0"])
    return min(e, rec["cancelled_e"]) if rec["cancelled_e"] is not None else e


def _status(app: Any, rec: dict[str, Any]) -> str:
    e = _elapsed(app, rec)
    if rec["cancelled_e"] is not None:
        return "cancelled"
    if e < 1:
        return "validating_files"
    if rec["error"]:
        return "failed"
    return "queued" if e < 2 else "running" if e < 3 else "succeeded"


def _at(app: Any, rec: dict[str, Any], steps: float) -> int:
    return rec["created_at"] + int(steps * max(0.0, float(app.config.job_step_seconds)))


def _settle(app: Any, rec: dict[str, Any], status: str) -> None:
    """One-time side effects of success: the ``ft:`` model and the results file."""
    if status != "succeeded" or rec["settled"]:
        return
    rec["settled"] = True
    with app.lock:
        if rec["ft_model"] not in app.models:
            app.models[rec["ft_model"]] = {
                "id": rec["ft_model"], "kind": "chat", "created": _at(app, rec, 3),
                "owned_by": app.config.organization, "fine_tuned": True}
    rows = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
    for s in rec["metric_steps"]:
        m = _metrics(rec, s)
        rows.append(f"{s},{m['train_loss']},{m['train_mean_token_accuracy']},,")
    results = add_file(app, "step_metrics.csv", ("\n".join(rows) + "\n").encode(),
                       "fine-tune-results")
    rec["result_files"] = [results["id"]]


def _method_hyper(rec: dict[str, Any], hyper: dict[str, Any], validated: bool) -> dict[str, Any]:
    """``method.<type>.hyperparameters``: the job's, plus DPO's ``beta``."""
    out = dict(hyper)
    if rec["method"] == "dpo":
        beta = rec["hyper_requested"].get("beta")
        out["beta"] = beta if beta is not None else (_DPO_BETA if validated else "auto")
    return out


def _job_object(app: Any, rec: dict[str, Any]) -> dict[str, Any]:
    status = _status(app, rec)
    _settle(app, rec, status)
    validated = status not in ("validating_files", "failed") and rec.get("hyper")
    hyper = dict(rec["hyper"]) if validated else {
        k: rec["hyper_requested"].get(k, "auto")
        for k in ("batch_size", "learning_rate_multiplier", "n_epochs")}
    finished = {"succeeded": 3.0, "failed": 1.0}.get(status)
    if status == "cancelled":
        finished = rec["cancelled_e"]
    return {
        "id": rec["id"], "object": "fine_tuning.job", "created_at": rec["created_at"],
        "model": rec["model"], "organization_id": app.config.organization, "status": status,
        "fine_tuned_model": rec["ft_model"] if status == "succeeded" else None,
        "finished_at": _at(app, rec, finished) if finished is not None else None,
        "error": dict(rec["error"]) if status == "failed" else None,
        "hyperparameters": hyper,
        "method": {"type": rec["method"], rec["method"]: {"hyperparameters": _method_hyper(
            rec, hyper, bool(validated))}},
        "result_files": list(rec["result_files"]),
        "trained_tokens": rec["tokens"] * rec["hyper"]["n_epochs"]
        if status == "succeeded" else None,
        "training_file": rec["training_file"], "validation_file": rec["validation_file"],
        "seed": rec["seed"], "integrations": rec["integrations"],
        "estimated_finish": _at(app, rec, 3.0) if status in _ACTIVE else None,
        "metadata": dict(rec["metadata"]) if rec["metadata"] else None,
        "user_provided_suffix": rec["suffix"],
    }


# -- routes -------------------------------------------------------------------------------------

def create_job(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    app = req.app
    model = opt_str(body, "model", required=True)
    assert model is not None
    base = resolve_base_model(app, model)
    if base is None:
        raise invalid(f"Model {model} is not available for fine-tuning or does not exist.",
                      param="model", code="model_not_available")
    training_id = opt_str(body, "training_file")
    if training_id is None:
        raise missing("training_file")
    validation_id = opt_str(body, "validation_file")
    suffix = opt_str(body, "suffix", max_len=64)
    if suffix is not None and not re.fullmatch(r"[A-Za-z0-9_.\-]+", suffix):
        raise invalid("Invalid 'suffix': use letters, digits, '-', '_' and '.' only (it becomes "
                      "part of the model name).", param="suffix")
    seed = opt_int(body, "seed", 0, 2147483647)
    method, hyper = _method(body)
    metadata = check_metadata(body.get("metadata"))
    integrations = body.get("integrations")
    if integrations is not None and not isinstance(integrations, list):
        raise invalid("Invalid type for 'integrations': expected an array.", param="integrations")
    with app.lock:
        _settle_all(app)
        training = need_file(app, training_id, "training_file", purpose="fine-tune")
        validation = (need_file(app, validation_id, "validation_file", purpose="fine-tune")
                      if validation_id else None)
        error = None
        examples = tokens = 0
        try:
            examples, tokens = validate_training_file(training["content"], method)
            if validation is not None:
                try:
                    validate_training_file(validation["content"], method, minimum=1)
                except ValueError as exc:
                    raise ValueError(f"Validation file {validation_id}: {exc}") from None
        except ValueError as exc:
            param = "validation_file" if str(exc).startswith("Validation file") \
                else "training_file"
            error = {"code": f"invalid_{param}", "message": str(exc), "param": param}
        job_id = app.new_id("ftjob-")
        rec: dict[str, Any] = {
            "id": job_id, "created_at": app.now(), "t0": app.monotonic(), "model": base,
            "training_file": training_id, "validation_file": validation_id, "suffix": suffix,
            "seed": seed if seed is not None else int(_digest(job_id)[:7], 16),
            "method": method, "hyper_requested": hyper, "metadata": metadata,
            "integrations": integrations, "error": error, "examples": examples,
            "tokens": tokens, "cancelled_e": None, "settled": False, "result_files": [],
            # Continued fine-tuning of an ft: model names the new model after its base.
            "ft_model": f"ft:{base.split(':')[1] if base.startswith('ft:') else base}:"
                        f"{app.config.organization}:{suffix or ''}:{_alnum(job_id, 8)}",
            "hyper": {"n_epochs": 0},
        }
        if error is None:
            _plan(rec)
        _jobs(app).add(job_id, rec)
        return _job_object(app, rec)


def _metadata_filter(query: dict[str, str]) -> dict[str, str]:
    out = {}
    for key, value in query.items():
        m = re.fullmatch(r"metadata\[(.+)\]", key)
        if m:
            out[m.group(1)] = value
    return out


def list_jobs(req: EmuRequest) -> dict[str, Any]:
    wanted = _metadata_filter(req.query)

    def include(rec: dict[str, Any]) -> bool:
        return all(rec["metadata"].get(k) == v for k, v in wanted.items())

    with req.app.lock:
        _settle_all(req.app)
        return list_page(_jobs(req.app), req.query, lambda r: _job_object(req.app, r),
                         include=include if wanted else None, with_ids=False,
                         allow_before=False, allow_order=False)


def _settle_all(app: Any) -> None:
    """Bring every job's one-time effects up to date, so a job that finished unobserved still
    has its ``ft:`` model once any fine-tuning route is called (under the lock)."""
    for rec in _jobs(app).values():
        if not rec["settled"]:
            _settle(app, rec, _status(app, rec))


def _need_job(req: EmuRequest) -> dict[str, Any]:
    _settle_all(req.app)
    job_id = req.path_params["fine_tuning_job_id"]
    return _jobs(req.app).need(job_id, "fine-tuning job", param="fine_tuning_job_id")


def retrieve_job(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return _job_object(req.app, _need_job(req))


def cancel_job(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        rec = _need_job(req)
        status = _status(req.app, rec)
        if status not in _ACTIVE:
            raise invalid(f"Job {rec['id']} has already finished with status {status!r} and "
                          "cannot be cancelled.", param="fine_tuning_job_id",
                          code="invalid_job_status")
        rec["cancelled_e"] = steps_elapsed(req.app, rec["t0"])
        return _job_object(req.app, rec)


def _cursor_page(items: list[dict[str, Any]], query: dict[str, str], default_limit: int,
                 ids: bool) -> dict[str, Any]:
    """A newest-first page of computed items (events, checkpoints) after an ``after`` id."""
    limit = query_int(query, "limit", default_limit, 1, 100)
    after = query.get("after")
    if after:
        pos = next((i for i, it in enumerate(items) if it["id"] == after), None)
        if pos is None:
            raise invalid(f"Invalid 'after': no object with id {after!r} in this list.",
                          param="after")
        items = items[pos + 1:]
    data = items[:limit]
    page: dict[str, Any] = {"object": "list", "data": data}
    if ids:
        page["first_id"] = data[0]["id"] if data else None
        page["last_id"] = data[-1]["id"] if data else None
    page["has_more"] = len(items) > limit
    return page


def list_events(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    with app.lock:
        rec = _need_job(req)
        _settle(app, rec, _status(app, rec))
        e = _elapsed(app, rec)
        visible = [ev for ev in _timeline(rec) if ev[0] <= e]
        if rec["cancelled_e"] is not None:
            visible.append((e, "info", "message", "The job was cancelled", None))
    events = []
    for i, (at, level, etype, message, data) in enumerate(visible):
        obj: dict[str, Any] = {"object": "fine_tuning.job.event",
                               "id": "ftevent-" + _alnum(f"{rec['id']}/{i}", 24),
                               "created_at": _at(app, rec, at), "level": level,
                               "message": message, "type": etype}
        if data is not None:
            obj["data"] = data
        events.append(obj)
    events.reverse()  # newest first, as the service lists them
    return _cursor_page(events, req.query, 20, ids=False)


def list_checkpoints(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    with app.lock:
        rec = _need_job(req)
        status = _status(app, rec)
        _settle(app, rec, status)
        e = _elapsed(app, rec)
    items = []
    if not rec["error"] and status in ("running", "succeeded", "cancelled"):
        for s in rec["checkpoint_steps"]:
            at = 2.0 + 0.98 * s / rec["total_steps"]
            if at > e:
                continue
            # The last checkpoint is the final model itself, as the service names it.
            name = rec["ft_model"] if s == rec["total_steps"] and status == "succeeded" \
                else f"{rec['ft_model']}:ckpt-step-{s}"
            items.append({
                "object": "fine_tuning.job.checkpoint",
                "id": "ftckpt_" + _alnum(f"{rec['id']}/ckpt/{s}", 24),
                "created_at": _at(app, rec, at), "fine_tuned_model_checkpoint": name,
                "step_number": s, "fine_tuning_job_id": rec["id"],
                "metrics": {**_metrics(rec, s), "step": float(s)},
            })
    items.reverse()
    return _cursor_page(items, req.query, 10, ids=True)
