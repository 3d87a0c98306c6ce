"""Per-instance state shared by the stateful routes: ordered collections, cursor pages, schedules.

Every stateful object lives in a :class:`Collection` held by the app (``req.app.store(name,
Collection)``), so two emulators never share state and tests start clean. Callers hold
``req.app.lock`` around every read-modify-write; a collection is a plain ordered dict plus a
sequence number per id, so a cursor (``after``/``before``) still works after its item was deleted.

Long jobs (fine-tuning, batches, runs) keep no threads: each keeps the monotonic time it started
and works out its state from the elapsed time whenever it is read (:func:`steps_elapsed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, overload

from ._errors import EmuError, invalid, not_found
from ._router import strict_loads
from ._text import check_length

__all__ = [
    "NOT_JSON", "Collection", "check_metadata", "collection", "list_page", "opt_bool", "opt_int",
    "opt_number", "opt_str", "query_int", "steps_elapsed",
]


class Collection:
    """Objects of one kind in creation order, with a cursor sequence that survives deletion."""

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}
        self.seq: dict[str, int] = {}
        self._next = 0

    def add(self, obj_id: str, record: Any) -> Any:
        self._next += 1
        self.seq[obj_id] = self._next
        self.items[obj_id] = record
        return record

    def get(self, obj_id: str) -> Any | None:
        return self.items.get(obj_id)

    def need(self, obj_id: str, what: str, param: str | None = None) -> Any:
        """The record, or OpenAI's 404 ``No such <What> object: <id>``."""
        rec = self.items.get(obj_id)
        if rec is None:
            raise not_found(f"No such {what} object: {obj_id}", param=param)
        return rec

    def pop(self, obj_id: str) -> Any | None:
        return self.items.pop(obj_id, None)

    def values(self) -> list[Any]:
        return list(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, obj_id: object) -> bool:
        return obj_id in self.items


def collection(app: Any, name: str) -> Collection:
    """The app's collection called ``name`` (created on first use)."""
    return app.store(name, Collection)


# -- request parameters -------------------------------------------------------------------------

def query_int(query: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    """An integer query parameter in ``[lo, hi]``, or a 400 naming it."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"Invalid '{name}': expected an integer, but got {raw!r} instead.",
                      param=name, code="integer_type") from None
    if value < lo:
        raise invalid(f"Invalid '{name}': integer below minimum value. Expected a value >= {lo}, "
                      f"but got {value} instead.", param=name, code="integer_below_min_value")
    if value > hi:
        raise invalid(f"Invalid '{name}': integer above maximum value. Expected a value <= {hi}, "
                      f"but got {value} instead.", param=name, code="integer_above_max_value")
    return value


#: What :func:`jsonl_objects` gives for a line that does not parse.
NOT_JSON = "not valid JSON"


def jsonl_objects(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(line number, object)`` for each non-blank line of JSONL ``text``, counted from 1; in
    place of the object, why there is none: :data:`NOT_JSON` or ``"not a JSON object"``."""
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = strict_loads(line)
        except ValueError:
            yield i, NOT_JSON
            continue
        yield i, row if isinstance(row, dict) else "not a JSON object"


def _type_error(name: str, expected: str, value: Any) -> EmuError:
    return invalid(f"Invalid type for '{name}': expected {expected}, but got "
                   f"{type(value).__name__} instead.", param=name, code="invalid_type")


@overload  # a required field is returned or refused: the type checker is told so
def opt_str(body: dict[str, Any], name: str, *, max_len: int | None = ...,
            required: Literal[True]) -> str: ...
@overload
def opt_str(body: dict[str, Any], name: str, *, max_len: int | None = ...,
            required: bool = ...) -> str | None: ...
def opt_str(body: dict[str, Any], name: str, *, max_len: int | None = None,
            required: bool = False) -> str | None:
    """A string field (None when absent/null), type- and length-checked."""
    value = body.get(name)
    if value is None:
        if required:
            raise invalid(f"Missing required parameter: '{name}'.", param=name,
                          code="missing_required_parameter")
        return None
    if not isinstance(value, str):
        raise _type_error(name, "a string", value)
    return check_length(name, value, nonempty=required, max_length=max_len)


def opt_int(body: dict[str, Any], name: str, lo: int | None = None,
            hi: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(name, "an integer", value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise invalid(f"Invalid '{name}': expected an integer between {lo} and {hi}, but got "
                      f"{value} instead.", param=name, code="integer_out_of_range")
    return value


def opt_number(body: dict[str, Any], name: str, lo: float, hi: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(name, "a number", value)
    if not lo <= value <= hi:
        raise invalid(f"Invalid '{name}': expected a number between {lo} and {hi}, but got "
                      f"{value} instead.", param=name, code="number_out_of_range")
    return value


def opt_bool(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _type_error(name, "a boolean", value)
    return value


def check_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """OpenAI's metadata rules: at most 16 string pairs, keys <= 64 and values <= 512 chars."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _type_error(param, "an object", value)
    if len(value) > 16:
        raise invalid(f"Invalid '{param}': too many properties. Expected an object with at most "
                      f"16 properties, but got an object with {len(value)} properties instead.",
                      param=param, code="object_above_max_properties")
    for k, v in value.items():
        if len(k) > 64:
            raise invalid(f"Invalid '{param}': metadata keys must be at most 64 characters "
                          f"(got {len(k)}).", param=f"{param}.{k}")
        if not isinstance(v, str):
            raise _type_error(f"{param}.{k}", "a string", v)
        if len(v) > 512:
            raise invalid(f"Invalid '{param}.{k}': string too long. Expected a string with maximum "
                          f"length 512, but got a string with length {len(v)} instead.",
                          param=f"{param}.{k}", code="string_above_max_length")
    return dict(value)


# -- pages --------------------------------------------------------------------------------------

def list_page(
    coll: Collection,
    query: dict[str, str],
    render: Callable[[Any], dict[str, Any]],
    *,
    default_order: str = "desc",
    default_limit: int = 20,
    max_limit: int = 100,
    include: Callable[[Any], bool] | None = None,
    with_ids: bool = True,
    allow_before: bool = True,
    allow_order: bool = True,
) -> dict[str, Any]:
    """One cursor page of ``coll`` as OpenAI's ``{object: "list", data, first_id, last_id,
    has_more}`` (``first_id``/``last_id`` left out when ``with_ids`` is false).

    ``after`` keeps the items that come after the cursor in the requested order, ``before``
    the ones that come before it (the nearest ``limit`` of them); the cursor is positioned by
    its sequence number, so a cursor whose item has since been deleted still works. An empty
    page carries ``first_id``/``last_id`` as null, as the service does.
    """
    order = query.get("order") or default_order
    if not allow_order:
        order = default_order
    if order not in ("asc", "desc"):
        raise invalid(f"Invalid value: {order!r}. Supported values are: 'asc' and 'desc'.",
                      param="order", code="invalid_value")
    limit = query_int(query, "limit", default_limit, 1, max_limit)
    records: Iterable[tuple[str, Any]] = coll.items.items()
    if include is not None:
        records = [(k, r) for k, r in records if include(r)]
    ordered = list(records)
    if order == "desc":
        ordered.reverse()
    after, before = query.get("after") or None, (query.get("before") or None) if allow_before \
        else None
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None and cursor not in coll.seq:
            raise invalid(f"Invalid '{name}': no object with id {cursor!r} in this list.",
                          param=name)

    def rank(obj_id: str) -> int:
        # Position in the requested order: ascending sequence, or its negation for desc.
        s = coll.seq[obj_id]
        return s if order == "asc" else -s

    if after is not None:
        ordered = [(k, r) for k, r in ordered if rank(k) > rank(after)]
    if before is not None:
        ordered = [(k, r) for k, r in ordered if rank(k) < rank(before)]
        has_more = len(ordered) > limit
        chosen = ordered[-limit:] if limit else []
    else:
        has_more = len(ordered) > limit
        chosen = ordered[:limit]
    data = [render(r) for _, r in chosen]
    page: dict[str, Any] = {"object": "list", "data": data}
    if with_ids:
        page["first_id"] = data[0]["id"] if data else None
        page["last_id"] = data[-1]["id"] if data else None
    page["has_more"] = has_more
    return page


# -- schedules ----------------------------------------------------------------------------------

def steps_elapsed(app: Any, started: float) -> float:
    """How many ``job_step_seconds`` have passed since ``started`` (monotonic); a step of 0 or
    less means every scheduled state is reached at once."""
    step = float(app.config.job_step_seconds)
    if step <= 0:
        return float("inf")
    return max(0.0, (app.monotonic() - started) / step)


def drop_none(obj: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """``obj`` without the listed keys whose value is None (fields the schema does not let be
    null are left out instead, and read as None on the client)."""
    for k in keys:
        if obj.get(k) is None:
            obj.pop(k, None)
    return obj
