"""The reviewer's desk over the REST API (issue 12), on SQLite and PostgreSQL: add and withdraw, a position built
from a suggestion set inheriting its decisions, FRAC status, and dictionary search. The fast tests use the fake
encoder over the tiny dictionary; the slow ones run the same paths with the real bundled model."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.search import rank_entries
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder

JD = """Section Officer (Coordination)

Role 1: Budget work
- Prepare the budget estimates of the division.
- Monitor monthly expenditure against the budget.

Role 2: RTI work
- Reply to RTI applications on time.
- Forward RTI appeals to the appellate authority.
"""


def h(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def env(tmp_path, db_url):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.2,
                        unmatched_score=0.2, max_text_chars=2000)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    store = Store.open(db_url)
    keys = {role: store.create_key(f"{role}-1", role)[0] for role in ("viewer", "reviewer")}
    with TestClient(create_app(settings, suggester=suggester, store=store)) as client:
        yield client, keys, store
    store.close()


def _set(client, keys) -> dict:
    r = client.post("/v1/suggestions", headers=h(keys["viewer"]), json={"text": JD, "position": "SO"})
    assert r.status_code == 201, r.text
    return r.json()


def _decide(client, keys, url: str, *decisions: dict, status: int = 201) -> dict:
    r = client.post(url, headers=h(keys["reviewer"]), json={"decisions": list(decisions)})
    assert r.status_code == status, r.text
    return r.json()


def test_add_and_withdraw_on_a_set(env):
    client, keys, _ = env
    s = _set(client, keys)
    url = f"/v1/suggestions/{s['id']}/decisions"
    suggested = {sg["competency_id"] for sg in s["suggestions"]}
    missing = next(c for c in ("FUN-001", "FUN-002", "BEH-001") if c not in suggested)
    cid = s["suggestions"][0]["competency_id"]
    _decide(client, keys, url, {"competency_id": cid, "action": "accept"},
            {"competency_id": missing, "action": "add", "activity_index": 2, "comment": "missed"})
    err = _decide(client, keys, url, {"competency_id": "FUN-999", "action": "add", "activity_index": 0}, status=422)
    assert err["code"] == "unknown_competency"
    assert _decide(client, keys, url, {"competency_id": missing, "action": "add", "activity_index": 99},
                   status=422)["code"] == "unknown_activity"
    _decide(client, keys, url, {"competency_id": cid, "action": "withdraw"})
    view = client.get(url, headers=h(keys["viewer"])).json()
    assert [(d["competency_id"], d["action"], d["activity_index"]) for d in view["current"]] == [
        (missing, "add", 2)]
    assert [d["action"] for d in view["history"]] == ["accept", "add", "withdraw"]
    again = client.get(f"/v1/suggestions/{s['id']}", headers=h(keys["viewer"])).json()
    assert next(sg for sg in again["suggestions"] if sg["competency_id"] == cid)["review"] is None
    assert _decide(client, keys, url, {"competency_id": cid, "action": "withdraw"},
                   status=409)["code"] == "nothing_to_withdraw"


def test_position_from_a_set_inherits_and_exports_frac_status(env):
    client, keys, store = env
    s = _set(client, keys)
    ids = [sg["competency_id"] for sg in s["suggestions"]]
    assert "FUN-001" in ids and "FUN-002" in ids
    _decide(client, keys, f"/v1/suggestions/{s['id']}/decisions", {"competency_id": "FUN-001", "action": "accept"})
    assert client.post("/v1/positions", headers=h(keys["viewer"]), json={
        "title": "SO", "department": "DoRD", "text": JD, "set_id": "0" * 32}).json()["code"] == \
        "suggestion_set_not_found"
    r = client.post("/v1/positions", headers=h(keys["viewer"]),
                    json={"title": "SO", "department": "DoRD", "text": JD, "set_id": s["id"]})
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["set_id"] == s["id"]
    budget, rti = p["roles"]
    fun1 = next(c for c in budget["competencies"] if c["competency_id"] == "FUN-001")
    assert fun1["review"]["action"] == "accept" and fun1["review"]["inherited_from"] == s["id"]
    assert all(c["review"] is None for c in rti["competencies"])

    # FRAC: only what a reviewer kept is VERIFIED; the RTI role nobody reviewed stays DRAFT
    frac = client.get(f"/v1/positions/{p['id']}/export?format=frac", headers=h(keys["viewer"])).json()
    assert frac["status"] == "DRAFT"
    status = {(n["type"], n.get("id") or n["name"]): n["status"] for role in frac["children"]
              for n in role["children"]}
    assert status[("COMPETENCY", "FUN-001")] == "VERIFIED"
    assert status[("ACTIVITY", "Prepare the budget estimates of the division.")] == "VERIFIED"
    assert status[("COMPETENCY", "FUN-002")] == "DRAFT"
    assert status[("ACTIVITY", "Reply to RTI applications on time.")] == "DRAFT"
    assert [role["status"] for role in frac["children"]][1] == "DRAFT"

    # decided on the position itself: the position's own decision wins; rejected ones leave the export,
    # and a reviewer's add shows up VERIFIED in its role
    pos_url = f"/v1/positions/{p['id']}/decisions"
    rti_ids = [c["competency_id"] for c in rti["competencies"]]
    _decide(client, keys, pos_url, *({"competency_id": c, "action": "accept" if c == "FUN-002" else "reject"}
                                     for c in rti_ids))
    _decide(client, keys, pos_url, {"competency_id": "BEH-001", "action": "add", "role_id": 1, "level": 2})
    assert _decide(client, keys, pos_url, {"competency_id": "BEH-001", "action": "add", "role_id": 7},
                   status=422)["code"] == "unknown_role"
    frac = client.get(f"/v1/positions/{p['id']}/export?format=frac", headers=h(keys["viewer"])).json()
    rti_node = frac["children"][1]
    competencies = {n["id"]: n["status"] for n in rti_node["children"] if n["type"] == "COMPETENCY"}
    assert competencies == {"FUN-002": "VERIFIED", "BEH-001": "VERIFIED"}
    assert rti_node["status"] == "VERIFIED"
    view = client.get(pos_url, headers=h(keys["viewer"])).json()
    assert {d["competency_id"]: d["inherited_from"] for d in view["current"]}["FUN-001"] == s["id"]
    assert {d["competency_id"] for d in view["history"]} == set(rti_ids) | {"BEH-001"}
    assert store.verify_chain()["ok"]


def test_search_ranks_typed_names_first_then_meaning():
    entries = load_dictionary(DATA / "tiny_dictionary.yaml").entries
    fused = [0.55 if e.id == "BEH-001" else 0.1 for e in entries]
    ranked = [entries[i].id for i, _ in rank_entries("budget", entries, fused, min_score=0.5)]
    assert ranked[0] == "FUN-001" and "BEH-001" in ranked  # the typed name first, then a strong meaning match
    assert "FUN-002" not in ranked
    assert [entries[i].id for i, _ in rank_entries("rti", entries, [0.0] * len(entries), min_score=0.5)] == [
        "FUN-002"]


# -- the same paths with the real model ------------------------------------------------------------

REAL_JD = """Assistant Section Officer, Establishment Section

- Receive dak, diarise it in e-Office and put it up to the Section Officer.
- Maintain the service books and leave accounts of the staff.
- Process purchase of stationery on the Government e-Marketplace (GeM).
"""


@pytest.mark.slow
def test_search_add_and_inherit_with_the_real_model(real_settings, real_suggester, db_url):
    store = Store.open(db_url)
    reviewer = store.create_key("reviewer-real", "reviewer")[0]
    hdr = h(reviewer)
    with TestClient(create_app(real_settings, suggester=real_suggester, store=store)) as client:
        def search(q: str) -> list[str]:
            r = client.get("/v1/competencies", params={"q": q, "limit": 10}, headers=hdr)
            assert r.status_code == 200, r.text
            return [c["id"] for c in r.json()["items"]]

        assert "FUN-085" in search("file noting and dak")[:3]  # File/DAK Management
        assert "FUN-060" in search("procurement")[:3]  # Procurement of Services / Goods / Works

        s = client.post("/v1/suggestions", headers=hdr, json={"text": REAL_JD}).json()
        r = client.post("/v1/positions", headers=hdr,
                        json={"title": "ASO", "department": "DoPT", "text": REAL_JD, "set_id": s["id"]})
        assert r.status_code == 201, r.text
        p = r.json()
        in_roles = [c["competency_id"] for role in p["roles"] for c in role["competencies"]]
        first = next(sg["competency_id"] for sg in s["suggestions"] if sg["competency_id"] in in_roles)
        url = f"/v1/suggestions/{s['id']}/decisions"
        found = next(c for c in search("procurement") if c not in {sg["competency_id"] for sg in s["suggestions"]})
        r = client.post(url, headers=hdr, json={"decisions": [
            {"competency_id": first, "action": "accept"},
            {"competency_id": found, "action": "add", "activity_index": 2, "comment": "GeM buying"}]})
        assert r.status_code == 201, r.text
        current = {d["competency_id"]: d for d in client.get(url, headers=hdr).json()["current"]}
        assert current[found]["action"] == "add" and current[found]["reviewer"] == "reviewer-real"

        # the add is a positive learning example of (that activity's text, the competency)
        learned, _ = store.learning_decisions()
        example = next(d for d in learned if d.competency_id == found)
        assert example.accepted and "Government e-Marketplace" in example.text

        # the position built from the set shows the set's decision until someone decides on the position
        p = client.get(f"/v1/positions/{p['id']}", headers=hdr).json()
        review = next(c["review"] for role in p["roles"] for c in role["competencies"] if c["competency_id"] == first)
        assert review["action"] == "accept" and review["inherited_from"] == s["id"]
        pos_url = f"/v1/positions/{p['id']}/decisions"
        extra = next(c for c in search("file noting and dak") if c != first)  # an add that is not the reject
        r = client.post(pos_url, headers=hdr, json={"decisions": [
            {"competency_id": first, "action": "reject", "reason_code": "not_relevant"},
            {"competency_id": extra, "action": "add", "role_id": 0}]})
        assert r.status_code == 201, r.text
        view = {d["competency_id"]: d for d in client.get(pos_url, headers=hdr).json()["current"]}
        assert view[first]["action"] == "reject" and view[first]["inherited_from"] is None
        assert view[extra]["action"] == "add" and view[extra]["role_id"] == 0
    assert store.verify_chain()["ok"]
    store.close()
