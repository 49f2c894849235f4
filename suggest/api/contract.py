"""The OpenAPI document as an integration contract: error responses per route, the finishing touches that
need the settings, and the checks the committed docs/openapi.json is held to.

- `errors(...)` declares, per route, the statuses it can answer with the `Error` schema.
- `finish(schema, settings)` writes what a decorator cannot hold: the settings' bounds (page size and
  offset, top_k, text and comment length) and the Bearer security scheme.
- `untyped_responses`, `long_operation_ids` and `breaking_changes` are what tests/test_contract.py and
  `cde-suggest openapi --check` hold the schema to.
"""

from __future__ import annotations

import json
from typing import Any

from .out_common import Error

MAX_OPERATION_ID = 40

_WHY = {400: "malformed request (e.g. a broken multipart body)", 401: "missing or invalid API key",
        403: "the key's role is too low", 404: "no such item", 409: "clashed with an earlier change",
        413: "body too large", 422: "invalid input; `code` says which rule",
        429: "too many requests with this key (see Retry-After)",
        503: "model, index or database not ready, or busy (see Retry-After)"}
# what any authenticated /v1 route can answer: no key, low role, a bad parameter, not ready
_ALWAYS = (401, 403, 422, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses of one route: the ones every /v1 route has plus `statuses`."""
    return {s: {"model": Error, "description": _WHY[s]} for s in sorted(set(_ALWAYS) | set(statuses))}


# the statuses a route gains from what it does
WITH_ID = (404,)  # a path parameter names something that may not exist
WITH_BODY = (400, 413)  # a request body that may be malformed or too large
RATED = (429,)  # behind a per-key rate limit


def _bound(schema: dict[str, Any], settings: Any) -> None:
    """Settings' maxima into the schema, so a client or a fuzzer that keeps to the schema is never
    refused for a bound it could not see (the models can only carry constants)."""
    maxima = {"limit": settings.max_page_size, "offset": settings.max_page_offset}
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                if param.get("in") == "query" and param.get("name") in maxima:
                    target = param["schema"]
                    target = next((t for t in target.get("anyOf", []) if t.get("type") == "integer"), target)
                    target["maximum"] = maxima[param["name"]]
    models = schema["components"]["schemas"]
    top_k = models["SuggestRequest"]["properties"]["top_k"]
    next(t for t in top_k["anyOf"] if t.get("type") == "integer")["maximum"] = settings.max_top_k
    # the longest job description: the web page's character counter reads it here, so the number lives in
    # the settings alone (the server still answers text_too_long itself, counting after NFC)
    for model in ("SuggestRequest", "PositionIn"):
        models[model]["properties"]["text"]["maxLength"] = settings.max_text_chars
    # free text the store bounds by CDE_MAX_COMMENT_CHARS (a rationale once allowed 4000 here, 2000 there)
    for model, prop in (("DecisionIn", "comment"), ("ProposalIn", "rationale"), ("ProposalPatch", "comment")):
        target = models[model]["properties"][prop]
        target = next((t for t in target.get("anyOf", []) if t.get("type") == "string"), target)
        target["maxLength"] = settings.max_comment_chars


PUBLIC_OPERATIONS = {"getHealth", "getReadiness", "listErrorCodes"}


def _security(schema: dict[str, Any]) -> None:
    schema["components"]["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "An API key: `cde-suggest keys create --role viewer|reviewer|admin --name NAME`"}}
    for ops in schema["paths"].values():
        for op in ops.values():
            if op.get("operationId") not in PUBLIC_OPERATIONS:
                op["security"] = [{"bearer": []}]


def finish(schema: dict[str, Any], settings: Any) -> dict[str, Any]:
    _bound(schema, settings)
    _security(schema)
    return schema


def dumps(schema: dict[str, Any]) -> str:
    """The committed spelling: sorted keys and a trailing newline, so a diff shows only real changes."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- checks


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _free_form(schema: dict[str, Any], node: dict[str, Any] | None) -> bool:
    if not node:
        return True
    node = _resolve(schema, node)
    branches = node.get("anyOf") or node.get("oneOf")
    if branches:
        return any(_free_form(schema, b) for b in branches if b.get("type") != "null")
    if node.get("type") == "array":
        return _free_form(schema, node.get("items"))
    if node.get("type") == "object" or "type" not in node:
        extra = node.get("additionalProperties")
        return not node.get("properties") and not isinstance(extra, dict)
    return False


def untyped_responses(schema: dict[str, Any]) -> list[str]:
    """2xx JSON answers whose body is a free-form object (or has no schema at all)."""
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for status, response in op.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if status.startswith("2") and content is not None and _free_form(schema, content.get("schema")):
                    found.append(f"{method.upper()} {path} {status}")
    return found


def long_operation_ids(schema: dict[str, Any]) -> list[str]:
    return [op.get("operationId", f"{method} {path}") for path, ops in schema["paths"].items()
            for method, op in ops.items() if len(op.get("operationId") or "x" * 99) > MAX_OPERATION_ID]


def _input_schemas(schema: dict[str, Any]) -> set[str]:
    """Component names reachable from request bodies and parameters: there a newly required field breaks
    clients that send the old shape; in answers it does not."""
    seen: set[str] = set()
    todo: list[Any] = []
    for ops in schema["paths"].values():
        for op in ops.values():
            todo.append(op.get("requestBody"))
            todo.extend(op.get("parameters", []))
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    todo.append(schema["components"]["schemas"].get(name))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return seen


def _variant(node: dict[str, Any]) -> str:
    return node.get("$ref") or str(node.get("type"))


def _compare(old: Any, new: Any, where: str, sending: bool, out: list[str]) -> None:
    """One schema against its successor at the same place. `sending`: the client sends this shape."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    if "$ref" in old or "$ref" in new:
        if old.get("$ref") != new.get("$ref"):
            out.append(f"{where}: type changed from {_variant(old)} to {_variant(new)}")
        return  # components are compared once each, by name
    if "type" in old and "type" in new and old["type"] != new["type"]:
        out.append(f"{where}: type changed from {old['type']} to {new['type']}")
    for key in ("enum", "const"):
        if key in old and key in new:
            gone = [v for v in (old[key] if key == "enum" else [old[key]])
                    if v not in (new[key] if key == "enum" else [new[key]])]
            if gone:
                out.append(f"{where}: enum value removed: {', '.join(map(str, gone))}")
    for name, prop in old.get("properties", {}).items():
        if name not in new.get("properties", {}):
            out.append(f"{where}.{name}: field removed")
        else:
            _compare(prop, new["properties"][name], f"{where}.{name}", sending, out)
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    if sending:
        out.extend(f"{where}.{name}: newly required field" for name in sorted(new_req - old_req))
    else:
        out.extend(f"{where}.{name}: no longer always sent" for name in sorted(old_req - new_req)
                   if name in new.get("properties", {}))
    for key in ("items", "additionalProperties"):
        _compare(old.get(key), new.get(key), f"{where}[]", sending, out)
    for key in ("anyOf", "oneOf"):
        if key in old and key in new:
            olds, news = {_variant(v): v for v in old[key]}, {_variant(v): v for v in new[key]}
            if sending:
                out.extend(f"{where}: no longer accepts {v}" for v in olds if v not in news)
            else:
                out.extend(f"{where}: may now be {v}" for v in news if v not in olds)
            for v in olds.keys() & news.keys():
                _compare(olds[v], news[v], where, sending, out)


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in `new` would break a client built against `old`: a removed path, operation, parameter,
    field or enum value, a renamed operation, a changed type, or a newly required input field."""
    out: list[str] = []
    for path, ops in old["paths"].items():
        if path not in new["paths"]:
            out.append(f"{path}: path removed")
            continue
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            nop = new["paths"][path].get(method)
            if nop is None:
                out.append(f"{where}: operation removed")
                continue
            if op.get("operationId") != nop.get("operationId"):
                out.append(f"{where}: operationId changed from {op.get('operationId')} to {nop.get('operationId')}")
            old_params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
            new_params = {(p["in"], p["name"]): p for p in nop.get("parameters", [])}
            for key, p in old_params.items():
                if key not in new_params:
                    out.append(f"{where}: parameter removed: {key[1]}")
                else:
                    _compare(p.get("schema"), new_params[key].get("schema"), f"{where} {key[1]}", True, out)
            out.extend(f"{where}: parameter newly required: {key[1]}" for key, p in new_params.items()
                       if p.get("required") and not old_params.get(key, {}).get("required"))
            old_body = (op.get("requestBody") or {}).get("content", {})
            new_body = (nop.get("requestBody") or {}).get("content", {})
            for media, content in old_body.items():
                if media not in new_body:
                    out.append(f"{where}: request body {media} no longer accepted")
                else:
                    _compare(content.get("schema"), new_body[media].get("schema"), f"{where} body", True, out)
            for status, response in op.get("responses", {}).items():
                if status.startswith("2"):
                    for media, content in response.get("content", {}).items():
                        new_content = nop.get("responses", {}).get(status, {}).get("content", {}).get(media)
                        if new_content is None:
                            out.append(f"{where}: {status} {media} answer removed")
                        else:
                            _compare(content.get("schema"), new_content.get("schema"), f"{where} {status}",
                                     False, out)
    sending = _input_schemas(old)
    new_models = new.get("components", {}).get("schemas", {})
    for name, model in old.get("components", {}).get("schemas", {}).items():
        if name not in new_models:
            out.append(f"{name}: schema removed")
        else:
            _compare(model, new_models[name], name, name in sending, out)
    return out
