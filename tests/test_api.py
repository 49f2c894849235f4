"""The REST API over a real store (SQLite and PostgreSQL). A fake-encoder suggester keeps these fast;
test_api_e2e.py repeats the main flow with the real model."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder

JD = "Duties:\n- Prepare the budget estimates of the division.\n- Reply to RTI applications on time.\n" \
     "- Zebra xylophone quantum marmalade voyage.\n"


@pytest.fixture
def env(tmp_path, db_url):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.2,
                        unmatched_score=0.2, dev_key="dev-secret", max_body_bytes=4096, max_text_chars=2000,
                        max_page_size=20)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    store = Store.open(db_url)
    app = create_app(settings, suggester=suggester, store=store)
    keys = {role: store.create_key(f"{role}-1", role)[0] for role in ("viewer", "reviewer", "admin")}
    keys["reviewer2"] = store.create_key("reviewer-2", "reviewer")[0]
    with TestClient(app) as client:
        yield client, keys, store


def h(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def create(client, keys, **extra):
    r = client.post("/v1/suggestions", json={"text": JD, "position": "SO Budget", **extra}, headers=h(keys["viewer"]))
    assert r.status_code == 201, r.text
    return r.json()


def test_health_is_public_and_ready(env):
    client, _, _ = env
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["ready"] is True


def test_readyz_is_503_until_loaded(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), load=False)
    with TestClient(app) as client:
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["code"] == "not_ready"
        assert client.get("/healthz").status_code == 200


def test_every_route_outside_the_public_list_needs_a_key(env):
    client, _, _ = env
    public = {"/healthz", "/readyz", "/", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/v1/errors"}
    for path, ops in client.get("/openapi.json").json()["paths"].items():
        if path in public:
            continue
        url = path.replace("{set_id}", "x").replace("{proposal_id}", "x").replace("{position}", "x") \
                  .replace("{competency_id}", "x")
        for method in ops:
            r = client.request(method.upper(), url, json={})
            assert r.status_code == 401, (method, path, r.status_code)
            assert set(r.json()) == {"code", "message", "detail"}


def test_create_get_and_list_suggestions(env):
    client, keys, _ = env
    created = create(client, keys)
    assert created["id"] and created["suggestions"] and created["unmatched"] == [2]
    assert created["dictionary"]["name"] == "tiny"
    got = client.get(f"/v1/suggestions/{created['id']}", headers=h(keys["viewer"])).json()
    assert got["suggestions"] == created["suggestions"]
    listed = client.get("/v1/suggestions?position=SO Budget&status=open", headers=h(keys["viewer"])).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]
    r = client.get("/v1/suggestions?limit=500", headers=h(keys["viewer"]))
    assert r.status_code == 422 and r.json()["code"] == "page_out_of_range"


def test_decisions_supersede_and_keep_history(env):
    client, keys, _ = env
    s = create(client, keys)
    cid = s["suggestions"][0]["competency_id"]
    url = f"/v1/suggestions/{s['id']}/decisions"
    r1 = client.post(url, json={"decisions": [{"competency_id": cid, "action": "accept", "level": 3}]},
                     headers=h(keys["reviewer"]))
    assert r1.status_code == 201, r1.text
    r2 = client.post(url, json={"decisions": [{"competency_id": cid, "action": "reject", "reason_code": "not_relevant",
                                               "comment": "wrong", "reviewer": "mallory"}]},
                     headers=h(keys["reviewer"]))
    assert r2.status_code == 422  # the reviewer comes from the key, never the body
    r2 = client.post(url, json={"decisions": [{"competency_id": cid, "action": "reject", "reason_code": "not_relevant"}]},
                     headers=h(keys["reviewer"]))
    assert r2.status_code == 201
    review = next(x for x in client.get(f"/v1/suggestions/{s['id']}", headers=h(keys["viewer"])).json()["suggestions"]
                  if x["competency_id"] == cid)["review"]
    assert review["action"] == "reject" and review["reviewer"] == "reviewer-1" and review["at"]
    history = client.get(f"{url}?competency_id={cid}", headers=h(keys["viewer"])).json()["history"]
    assert [x["action"] for x in history] == ["accept", "reject"]


def test_idempotency_key(env):
    client, keys, store = env
    s = create(client, keys)
    cid = s["suggestions"][0]["competency_id"]
    url = f"/v1/suggestions/{s['id']}/decisions"
    body = {"decisions": [{"competency_id": cid, "action": "accept"}]}
    hdr = {**h(keys["reviewer"]), "Idempotency-Key": "abc-123"}
    first = client.post(url, json=body, headers=hdr)
    again = client.post(url, json=body, headers=hdr)
    assert first.status_code == 201 and again.json() == first.json()
    assert len(store.decision_history(s["id"])) == 1
    other = client.post(url, json={"decisions": [{"competency_id": cid, "action": "reject"}]}, headers=hdr)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def test_roles_are_enforced(env):
    client, keys, _ = env
    s = create(client, keys)
    cid = s["suggestions"][0]["competency_id"]
    url = f"/v1/suggestions/{s['id']}/decisions"
    body = {"decisions": [{"competency_id": cid, "action": "accept"}]}
    assert client.post(url, json=body, headers=h(keys["viewer"])).status_code == 403
    assert client.get("/v1/audit", headers=h(keys["reviewer"])).status_code == 403
    assert client.get("/v1/proposals", headers=h(keys["reviewer"])).status_code == 403
    assert client.get("/v1/audit", headers=h(keys["admin"])).status_code == 200
    assert client.get("/v1/audit", headers=h("cde_not-a-real-key")).status_code == 401


def test_revoked_key_is_refused(env):
    client, keys, store = env
    assert client.get("/v1/competencies", headers=h(keys["viewer"])).status_code == 200
    store.revoke_key("viewer-1")
    r = client.get("/v1/competencies", headers=h(keys["viewer"]))
    assert r.status_code == 401 and r.json()["code"] == "invalid_key"


def test_dev_key_only_from_loopback(env):
    client, _, _ = env
    assert client.get("/v1/audit", headers=h("dev-secret")).status_code == 200  # TestClient counts as local
    remote = TestClient(client.app, client=("203.0.113.9", 5000))
    r = remote.get("/v1/audit", headers=h("dev-secret"))
    assert r.status_code == 401 and r.json()["code"] == "dev_key_not_local"


def test_proposals_lifecycle(env):
    client, keys, _ = env
    s = create(client, keys)
    r = client.post(f"/v1/suggestions/{s['id']}/proposals", headers=h(keys["reviewer"]),
                    json={"activity_index": 2, "name": "Zoological logistics", "type": "Domain",
                          "ask": {"knowledge": ["Animal transport rules"]}, "level": 2, "rationale": "No entry fits"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert client.get(f"/v1/proposals/{pid}", headers=h(keys["admin"])).json()["status"] == "proposed"
    r = client.patch(f"/v1/proposals/{pid}", json={"status": "approved"}, headers=h(keys["admin"]))
    assert r.status_code == 200 and r.json()["status"] == "approved"
    bad = client.post(f"/v1/suggestions/{s['id']}/proposals", headers=h(keys["reviewer"]),
                      json={"activity_index": 99, "name": "Nothing here", "type": "Domain"})
    assert bad.status_code == 422


def test_position_mapping_formats(env):
    client, keys, _ = env
    s = create(client, keys)
    ids = [x["competency_id"] for x in s["suggestions"]]
    client.post(f"/v1/suggestions/{s['id']}/decisions", headers=h(keys["reviewer"]), json={"decisions": [
        {"competency_id": ids[0], "action": "accept"},
        {"competency_id": ids[1], "action": "modify", "level": 4, "reason_code": "wrong_level"}]})
    plain = client.get("/v1/mappings/SO Budget/competencies", headers=h(keys["viewer"])).json()
    assert {c["competency_id"] for c in plain["competencies"]} == set(ids[:2])
    levels = {c["competency_id"]: c["required_level"] for c in plain["competencies"]}
    assert levels[ids[1]] == 4
    igot = client.get("/v1/mappings/SO Budget/competencies?format=igot", headers=h(keys["viewer"])).json()
    assert {"competencyAreaName", "competencyThemeName", "competencySubThemeName"} <= set(igot["competencies_v6"][0])
    frac = client.get("/v1/mappings/SO Budget/competencies?format=frac", headers=h(keys["viewer"])).json()
    assert frac["type"] == "POSITION" and frac["children"][0]["type"] == "ROLE"
    kinds = {c["type"] for c in frac["children"][0]["children"]}
    assert kinds == {"ACTIVITY", "COMPETENCY"}
    comp = next(c for c in frac["children"][0]["children"] if c["type"] == "COMPETENCY")
    assert comp["children"][0]["type"] == "COMPETENCIESLEVEL"
    csv_text = client.get("/v1/mappings/SO Budget/competencies?format=csv", headers=h(keys["viewer"])).text
    assert csv_text.startswith("competency_id,") and ids[0] in csv_text


def test_competency_lookup(env):
    client, keys, _ = env
    r = client.get("/v1/competencies?q=rti&type=Functional", headers=h(keys["viewer"])).json()
    assert [e["id"] for e in r["items"]] == ["FUN-002"]
    assert client.get("/v1/competencies/FUN-001", headers=h(keys["viewer"])).json()["name"] == "Budget preparation"
    r = client.get("/v1/competencies/NOPE-1", headers=h(keys["viewer"]))
    assert r.status_code == 404 and r.json()["code"] == "competency_not_found"


@pytest.mark.parametrize("body, code", [
    ({"text": "   "}, "empty_text"),
    ({"text": "Prepare the budget. " * 150}, "text_too_long"),
    ({"text": "ok text here", "top_k": 500}, "top_k_out_of_range"),
    ({"text": "a\u0000b"}, "validation_error"),
    ({"text": "ok", "extra": 1}, "validation_error"),
])
def test_bad_input_gets_422_with_a_code(env, body, code):
    client, keys, _ = env
    r = client.post("/v1/suggestions", json=body, headers=h(keys["viewer"]))
    assert r.status_code == 422 and r.json()["code"] == code and r.json()["message"]


def test_body_cap_sized_and_chunked(env):
    client, keys, _ = env
    big = b'{"text": "' + b"x" * 8000 + b'"}'
    r = client.post("/v1/suggestions", content=big, headers={**h(keys["viewer"]), "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"

    def chunks():
        yield big[:3000]
        yield big[3000:]

    r = client.post("/v1/suggestions", content=chunks(), headers={**h(keys["viewer"]), "Content-Type": "application/json"})
    assert r.status_code == 413


def test_audit_trail_records_writes_and_verifies(env):
    client, keys, store = env
    s = create(client, keys)
    cid = s["suggestions"][0]["competency_id"]
    client.post(f"/v1/suggestions/{s['id']}/decisions", headers=h(keys["reviewer"]),
                json={"decisions": [{"competency_id": cid, "action": "accept"}]})
    kinds = [e["kind"] for e in client.get("/v1/audit?limit=20", headers=h(keys["admin"])).json()["items"]]
    assert "decision" in kinds and "key.create" in kinds
    assert store.verify_chain()["ok"] is True


def test_busy_model_answers_503_with_retry_after(tmp_path):
    """One slot, no queue: while a slow suggestion runs, the next one is refused at once."""
    import threading

    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", dev_key="dev-secret",
                        max_concurrent_suggest=1, max_queued_suggest=0)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    started, release = threading.Event(), threading.Event()
    real = suggester.suggest

    def slow(*a, **k):
        started.set()
        release.wait(10)
        return real(*a, **k)

    suggester.suggest = slow
    app = create_app(settings, suggester=suggester, store=Store.open(f"sqlite:///{tmp_path / 'b.db'}"))
    with TestClient(app) as client:
        first: dict = {}
        t = threading.Thread(target=lambda: first.update(r=client.post(
            "/v1/suggestions", json={"text": JD}, headers=h("dev-secret"))))
        t.start()
        assert started.wait(10)
        r = client.post("/v1/suggestions", json={"text": JD}, headers=h("dev-secret"))
        assert r.status_code == 503 and r.json()["code"] == "busy" and r.headers["retry-after"]
        release.set()
        t.join(10)
        assert first["r"].status_code == 201
        assert client.post("/v1/suggestions", json={"text": JD}, headers=h("dev-secret")).status_code == 201
