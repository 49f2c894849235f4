"""The API contract (issue 17): docs/openapi.json is what the code serves, every answer is typed, operation
ids are short, a change that would break existing clients is caught, and no handler returns a field the
contract does not declare (it would be dropped silently)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suggest.api import contract, create_app
from suggest.api.app import contract_schema
from suggest.settings import Settings

from .test_api import JD, env, h  # noqa: F401  (env is a fixture)

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "docs" / "openapi.json"
TAGS = {"suggestions", "review", "positions", "dictionary", "events", "admin", "ops"}


@pytest.fixture(scope="module")
def live() -> dict:
    return contract_schema()


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_committed_contract_is_what_the_code_serves(live):
    assert COMMITTED.read_text(encoding="utf-8") == contract.dumps(live), \
        "docs/openapi.json is stale: run `cde-suggest openapi --write docs/openapi.json`"


def test_no_change_breaks_clients_of_the_committed_contract(live, committed):
    assert contract.breaking_changes(committed, live) == [], "breaking: serve it under a new /vN prefix"


def test_every_answer_is_typed_and_every_operation_named_and_tagged(live):
    assert contract.untyped_responses(live) == []
    assert contract.long_operation_ids(live) == []
    ids = [op["operationId"] for ops in live["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) and len(ids) >= 28
    for path, ops in live["paths"].items():
        for method, op in ops.items():
            assert len(op["tags"]) == 1 and op["tags"][0] in TAGS, (method, path)
            assert op["operationId"][0].islower() and "_" not in op["operationId"], op["operationId"]
            for status, response in op["responses"].items():
                if status[0] in "45":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith(("/Error", "/Readiness")), (method, path, status)
            if path.startswith("/v1/") and path != "/v1/errors":
                assert op["security"] == [{"bearer": []}]


def test_every_response_field_is_described_with_an_example(live):
    undocumented = []
    for name, model in live["components"]["schemas"].items():
        if name.endswith(("In", "Request", "Patch", "Edit")) or name.startswith("Body_"):
            continue  # request bodies: pydantic's constraints and the model examples document them
        for prop, spec in model.get("properties", {}).items():
            if not spec.get("description"):
                undocumented.append(f"{name}.{prop}")
    assert undocumented == []


def _mutated(schema: dict, change) -> dict:
    out = copy.deepcopy(schema)
    change(out)
    return out


def _schemas(s: dict) -> dict:
    return s["components"]["schemas"]


BREAKING = {
    "field removed": lambda s: _schemas(s)["Decision"]["properties"].pop("reviewer"),
    "path removed": lambda s: s["paths"].pop("/v1/events"),
    "operation removed": lambda s: s["paths"]["/v1/suggestions"].pop("get"),
    "operationId changed": lambda s: s["paths"]["/v1/suggestions"]["post"].update(operationId="suggest"),
    "enum value removed": lambda s: _schemas(s)["DecisionIn"]["properties"]["action"].update(
        enum=["accept", "reject"]),
    "newly required field": lambda s: _schemas(s)["DecisionIn"]["required"].append("comment"),
    "type changed": lambda s: _schemas(s)["Decision"]["properties"]["id"].update(type="string"),
    "no longer always sent": lambda s: _schemas(s)["SuggestionSet"]["required"].remove("context"),
    "parameter newly required": lambda s: next(
        p for p in s["paths"]["/v1/events"]["get"]["parameters"] if p["name"] == "after").update(required=True),
}
ADDITIVE = {
    "new optional request field": lambda s: _schemas(s)["DecisionIn"]["properties"].update(
        note={"type": "string", "description": "x"}),
    "new answer field": lambda s: (_schemas(s)["Decision"]["properties"].update(note={"type": "string"}),
                                   _schemas(s)["Decision"]["required"].append("note")),
    "new path": lambda s: s["paths"].update({"/v1/new": {"get": {"operationId": "getNew", "responses": {}}}}),
    "new enum value": lambda s: _schemas(s)["DecisionIn"]["properties"]["action"]["enum"].append("defer"),
}


@pytest.mark.parametrize("what", sorted(BREAKING))
def test_a_breaking_change_on_a_fixture_is_caught(committed, what):
    """Each mutation of the committed contract is one a client built from it would trip over."""
    found = contract.breaking_changes(committed, _mutated(committed, BREAKING[what]))
    assert any(what in line for line in found), found


@pytest.mark.parametrize("what", sorted(ADDITIVE))
def test_an_additive_change_is_not_breaking(committed, what):
    assert contract.breaking_changes(committed, _mutated(committed, ADDITIVE[what])) == []


def test_openapi_write_refuses_a_breaking_change(tmp_path, committed):
    from typer.testing import CliRunner

    from suggest.cli import app

    older = _mutated(committed, lambda s: _schemas(s)["Decision"]["properties"].update(
        gone={"type": "string", "description": "a field clients read"}))
    target = tmp_path / "openapi.json"
    target.write_text(json.dumps(older), encoding="utf-8")
    refused = CliRunner().invoke(app, ["openapi", "--write", str(target)])
    assert refused.exit_code == 1 and "Decision.gone: field removed" in refused.output
    assert json.loads(target.read_text(encoding="utf-8")) == older
    assert CliRunner().invoke(app, ["openapi", "--write", str(target), "--allow-breaking"]).exit_code == 0
    assert CliRunner().invoke(app, ["openapi", "--check", str(target)]).exit_code == 0


# ---------------------------------------------------------------- nothing dropped


def _dropped(raw, sent, where="") -> list[str]:
    """Keys the handler returned that the answer lost, anywhere in the tree."""
    out = []
    if isinstance(raw, dict) and isinstance(sent, dict):
        for k, v in raw.items():
            if k not in sent:
                out.append(f"{where}.{k}")
            else:
                out.extend(_dropped(v, sent[k], f"{where}.{k}"))
    elif isinstance(raw, list) and isinstance(sent, list):
        for i, (a, b) in enumerate(zip(raw, sent)):
            out.extend(_dropped(a, b, f"{where}[{i}]"))
    return out


def test_no_handler_returns_a_field_the_contract_drops(env, monkeypatch):
    """Every route's real answer, as the handler built it, against what the Out model sent."""
    import fastapi.routing
    from fastapi.encoders import jsonable_encoder

    client, keys, _ = env
    seen: list[tuple[str, list[str]]] = []
    original = fastapi.routing.serialize_response

    async def spy(*, field=None, response_content=None, **kw):
        sent = await original(field=field, response_content=response_content, **kw)
        if field is not None:
            seen.append((field.name, _dropped(jsonable_encoder(response_content), jsonable_encoder(sent))))
        return sent

    monkeypatch.setattr(fastapi.routing, "serialize_response", spy)
    admin, reviewer = h(keys["admin"]), h(keys["reviewer"])
    s = client.post("/v1/suggestions", json={"text": JD, "position": "SO Budget"}, headers=admin).json()
    cid = s["suggestions"][0]["competency_id"]
    calls = [("get", "/v1/suggestions", None), ("get", f"/v1/suggestions/{s['id']}", None),
             ("post", f"/v1/suggestions/{s['id']}/decisions",
              {"decisions": [{"competency_id": cid, "action": "modify", "level": 2, "comment": "c"}]}),
             ("get", f"/v1/suggestions/{s['id']}/decisions", None),
             ("post", f"/v1/suggestions/{s['id']}/proposals", {"activity_index": 2, "name": "Zebra care",
                                                                "type": "Domain", "level": 2}),
             ("get", "/v1/proposals", None), ("get", "/v1/competencies", None),
             ("get", f"/v1/competencies/{cid}", None), ("get", "/v1/audit", None), ("get", "/v1/events", None),
             ("get", "/healthz", None), ("get", "/v1/errors", None)]
    calls += [("get", f"/v1/mappings/SO Budget/competencies?format={f}", None) for f in ("json", "igot", "frac")]
    p = client.post("/v1/positions", json={"title": "SO", "department": "DoRD", "text": JD}, headers=admin).json()
    pc = p["roles"][0]["competencies"][0]["competency_id"]
    calls += [("get", "/v1/positions", None), ("get", f"/v1/positions/{p['id']}", None),
              ("get", f"/v1/positions/{p['id']}/revisions", None),
              ("post", f"/v1/positions/{p['id']}/decisions",
               {"decisions": [{"competency_id": pc, "action": "accept"}]}),
              ("get", f"/v1/positions/{p['id']}/decisions", None),
              ("post", f"/v1/positions/{p['id']}/edits", {"op": "rename", "role": 0, "name": "Budget"}),
              ("post", f"/v1/positions/{p['id']}/rerun", None),
              ("post", f"/v1/positions/{p['id']}/gap", {"levels": {pc: 1}})]
    calls += [("get", f"/v1/positions/{p['id']}/export?format={f}", None) for f in ("json", "igot", "frac")]
    for method, url, body in calls:
        r = client.request(method.upper(), url, json=body, headers=reviewer if "decisions" in url else admin)
        assert r.status_code < 300, (method, url, r.text)
    proposal = client.get("/v1/proposals", headers=admin).json()["items"][0]["id"]
    for method, body in (("GET", None), ("PATCH", {"status": "approved"})):
        assert client.request(method, f"/v1/proposals/{proposal}", json=body, headers=admin).status_code == 200
    assert len(seen) >= len(calls) + 5
    assert [(name, lost) for name, lost in seen if lost] == []


# ---------------------------------------------------------------- CORS


def test_cors_is_off_by_default_and_follows_the_setting(tmp_path):
    preflight = {"Origin": "https://igot.example.gov.in", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    with TestClient(create_app(Settings(data_dir=tmp_path), load=False)) as client:
        r = client.options("/v1/suggestions", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
    settings = Settings(data_dir=tmp_path, cors_origins="https://igot.example.gov.in, https://frac.example.gov.in/")
    assert settings.allowed_origins == ["https://igot.example.gov.in", "https://frac.example.gov.in"]
    with TestClient(create_app(settings, load=False)) as client:
        r = client.options("/v1/suggestions", headers=preflight)
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://igot.example.gov.in"
        assert "authorization" in r.headers["access-control-allow-headers"].lower()
        # a refusal carries the header too, so the page can read why
        r = client.get("/v1/suggestions", headers={"Origin": "https://igot.example.gov.in"})
        assert r.status_code == 401 and r.headers["access-control-allow-origin"] == "https://igot.example.gov.in"
        r = client.options("/v1/suggestions", headers={**preflight, "Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in r.headers
