"""Validate bodies against OpenAI's OpenAPI 3.1 spec (tests/data/openai-openapi.yml, v2.3.0).

``validate_response("createEmbedding", body)`` checks a 200 JSON body against the operation's
response schema; ``validate_request("createChatCompletion", body)`` checks a request body against
its request schema (JSON, or the multipart schema for uploads, given as a dict of fields).
Both raise ``jsonschema.ValidationError`` with the failing path.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).parent / "data" / "openai-openapi.yml"
_URI = "urn:openai-openapi"


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    with open(SPEC_PATH, "rb") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    _nullable_to_31(doc)
    return doc


def _nullable_to_31(node: Any) -> None:
    """The spec still carries some OpenAPI 3.0 forms (``nullable: true``, boolean
    ``exclusiveMinimum``); rewrite them as JSON Schema 2020-12 reads them."""
    if isinstance(node, dict):
        # 3.0's boolean exclusiveMinimum/Maximum modify minimum/maximum; in 3.1 they are numbers.
        for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if isinstance(node.get(excl), bool):
                if node.pop(excl) and bound in node:
                    node[excl] = node.pop(bound)
        if node.get("nullable") is True:
            t = node.get("type")
            if isinstance(t, str):
                node["type"] = [t, "null"]
            elif isinstance(t, list) and "null" not in t:
                node["type"] = [*t, "null"]
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
            if "type" not in node and ("$ref" in node or "allOf" in node or "oneOf" in node
                                       or "anyOf" in node):
                inner = {k: node.pop(k) for k in ("$ref", "allOf", "oneOf", "anyOf") if k in node}
                node["anyOf"] = [inner, {"type": "null"}]
        for v in node.values():
            _nullable_to_31(v)
    elif isinstance(node, list):
        for v in node:
            _nullable_to_31(v)


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return Registry().with_resource(_URI, Resource.from_contents(spec(), DRAFT202012))


@lru_cache(maxsize=1)
def operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation)."""
    out = {}
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                out[op["operationId"]] = (method.upper(), path, op)
    return out


def _resolve_ref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        parts = node["$ref"].lstrip("#/").split("/")
        cur: Any = spec()
        for p in parts:
            cur = cur[p]
        node = cur
    return node


def _absolute_refs(node: Any) -> Any:
    """A copy of an inline schema whose local ``#/...`` refs point into the spec document."""
    if isinstance(node, dict):
        return {k: (f"{_URI}{v}" if k == "$ref" and isinstance(v, str) and v.startswith("#/")
                    else _absolute_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(v) for v in node]
    return node


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_absolute_refs(schema), registry=_registry())


def response_schema(operation_id: str, status: str = "200",
                    content_type: str = "application/json") -> dict[str, Any]:
    _, _, op = operations()[operation_id]
    resp = _resolve_ref(op["responses"][status])
    return resp["content"][content_type]["schema"]


def request_schema(operation_id: str, content_type: str = "application/json") -> dict[str, Any]:
    _, _, op = operations()[operation_id]
    body = _resolve_ref(op["requestBody"])
    return body["content"][content_type]["schema"]


def validate_response(operation_id: str, body: Any, status: str = "200",
                      content_type: str = "application/json") -> None:
    _validator(response_schema(operation_id, status, content_type)).validate(body)


def validate_request(operation_id: str, body: Any, content_type: str = "application/json") -> None:
    _validator(request_schema(operation_id, content_type)).validate(body)


def validate_component(name: str, value: Any) -> None:
    """Validate against ``#/components/schemas/<name>`` (e.g. a stream chunk)."""
    _validator({"$ref": f"#/components/schemas/{name}"}).validate(value)
