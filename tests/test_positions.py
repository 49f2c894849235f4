"""Positions with roles over the REST API and a real store (SQLite and PostgreSQL). A fake-encoder
suggester over the tiny dictionary keeps these fast; the one slow test repeats the flow with the real model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
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
- Reply to RTI appeals within thirty days.

Role 3: Staff development
- Mentor newly joined assistants.
- Guide junior staff on noting.
"""


def _app(tmp_path: Path, store: Store, dictionary: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path, dictionary=dictionary, min_score=0.3, unmatched_score=0.3,
                        dev_key="dev-secret", max_text_chars=2000, max_page_size=20)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    return TestClient(create_app(settings, suggester=suggester, store=store))


@pytest.fixture
def env(tmp_path, db_url):
    store = Store.open(db_url)
    keys = {role: store.create_key(f"{role}-1", role)[0] for role in ("viewer", "reviewer")}
    with _app(tmp_path / "a", store, DATA / "tiny_dictionary.yaml") as client:
        yield client, keys, store
    store.close()


def h(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def create(client, keys, text: str = JD) -> dict:
    r = client.post("/v1/positions", headers=h(keys["viewer"]),
                    json={"title": "Section Officer (Coordination)", "department": "DoRD", "text": text})
    assert r.status_code == 201, r.text
    return r.json()


def edit(client, keys, pid: str, **body) -> dict:
    r = client.post(f"/v1/positions/{pid}/edits", json=body, headers=h(keys["reviewer"]))
    assert r.status_code == 200, r.text
    return r.json()


def decide(client, keys, pid: str, *decisions: dict) -> dict:
    r = client.post(f"/v1/positions/{pid}/decisions", json={"decisions": list(decisions)}, headers=h(keys["reviewer"]))
    assert r.status_code == 201, r.text
    return r.json()


def comp_ids(role: dict) -> list[str]:
    return [c["competency_id"] for c in role["competencies"]]


def act_ids(role: dict) -> list[int]:
    return [a["index"] for a in role["activities"]]


def test_acceptance_flow(env):
    client, keys, store = env
    # (1)-(2) roles from the JD's headings, each with its own competencies and evidence into the text
    p = create(client, keys)
    assert p["revision"] == 1 and p["dictionary"]["name"] == "tiny" and p["model"]["id"] == "fake-bow"
    assert [r["section"] for r in p["roles"]] == ["Budget work", "RTI work", "Staff development"]
    assert all(r["name"] for r in p["roles"])
    assert [act_ids(r) for r in p["roles"]] == [[0, 1], [2, 3, 4], [5, 6]]
    assert [comp_ids(r) for r in p["roles"]] == [["FUN-001"], ["FUN-002"], ["BEH-001"]]
    for role in p["roles"]:
        for a in role["activities"]:
            assert JD[a["start"]:a["end"]] == a["text"]
        for c in role["competencies"]:
            assert c["review"] is None and c["required_level"] == c["suggested_level"]
            for ev in c["evidence"]:
                assert ev["activity"] in act_ids(role) and JD[ev["start"]:ev["end"]] == ev["text"]

    # (3) merge two roles, then split one: competencies follow each role's own activities
    pid = p["id"]
    merged = edit(client, keys, pid, op="merge", roles=[0, 1], name="Budget and RTI")
    assert merged["revision"] == 2 and [r["name"] for r in merged["roles"]][0] == "Budget and RTI"
    assert [act_ids(r) for r in merged["roles"]] == [[0, 1, 2, 3, 4], [5, 6]]
    assert [sorted(comp_ids(r)) for r in merged["roles"]] == [["FUN-001", "FUN-002"], ["BEH-001"]]
    split = edit(client, keys, pid, op="split", role=0, activities=[2, 3, 4], name="RTI replies", revision=2)
    assert [r["name"] for r in split["roles"]][:2] == ["Budget and RTI", "RTI replies"]
    assert [comp_ids(r) for r in split["roles"]] == [["FUN-001"], ["FUN-002"], ["BEH-001"]]
    assert split["revision"] == 3
    revisions = client.get(f"/v1/positions/{pid}/revisions", headers=h(keys["viewer"])).json()["revisions"]
    assert [(r["revision"], r["op"], r["actor"]) for r in revisions] == [
        (1, "create", "viewer-1"), (2, "merge", "reviewer-1"), (3, "split", "reviewer-1")]
    assert revisions[2]["detail"] == {"op": "split", "role": 0, "activities": [2, 3, 4], "name": "RTI replies"}
    earlier = store.positions.revision_payload(pid, 2)  # nothing is lost: the merged state is still there
    assert [act_ids(r) for r in earlier["roles"]] == [[0, 1, 2, 3, 4], [5, 6]]

    # (4) decisions with levels; a later decision supersedes an earlier one
    decide(client, keys, pid, {"competency_id": "FUN-001", "action": "accept", "level": 3},
           {"competency_id": "FUN-002", "action": "modify", "level": 4, "reason_code": "wrong_level"},
           {"competency_id": "BEH-001", "action": "reject", "reason_code": "not_relevant"})
    got = client.get(f"/v1/positions/{pid}", headers=h(keys["viewer"])).json()
    reviews = {c["competency_id"]: (c["review"]["action"], c["required_level"]) for r in got["roles"]
               for c in r["competencies"]}
    assert reviews["FUN-001"] == ("accept", 3) and reviews["FUN-002"] == ("modify", 4)
    assert reviews["BEH-001"][0] == "reject"

    # (5) FRAC: POSITION -> ROLE -> {ACTIVITY, COMPETENCY -> COMPETENCIESLEVEL}, accepted ones only
    frac = client.get(f"/v1/positions/{pid}/export?format=frac", headers=h(keys["viewer"])).json()
    assert frac["type"] == "POSITION" and frac["department"] == "DoRD"
    assert [r["type"] for r in frac["children"]] == ["ROLE"] * 3
    assert [r["name"] for r in frac["children"]][:2] == ["Budget and RTI", "RTI replies"]
    budget = frac["children"][0]["children"]
    assert [c["name"] for c in budget if c["type"] == "ACTIVITY"] == [
        "Prepare the budget estimates of the division.", "Monitor monthly expenditure against the budget."]
    fun1 = next(c for c in budget if c["type"] == "COMPETENCY")
    assert fun1["id"] == "FUN-001" and fun1["level"] == "Level 3"
    assert fun1["children"] == [{"type": "COMPETENCIESLEVEL", "name": "Level 3", "level": "Level 3",
                                 "description": "complex budget work"}]
    rti = [c for c in frac["children"][1]["children"] if c["type"] == "COMPETENCY"]
    assert [(c["id"], c["level"]) for c in rti] == [("FUN-002", "Level 4")]
    assert not [c for c in frac["children"][2]["children"] if c["type"] == "COMPETENCY"]  # BEH-001 rejected
    igot = client.get(f"/v1/positions/{pid}/export?format=igot", headers=h(keys["viewer"])).json()
    assert {(c["competencySubThemeRefId"], c["level"]) for c in igot["competencies_v6"]} == {
        ("FUN-001", 3), ("FUN-002", 4)}

    # (6) gap: biggest gap first, then the competency more activities need (FUN-002: 3, FUN-001: 2)
    decide(client, keys, pid, {"competency_id": "BEH-001", "action": "modify", "level": 4})
    r = client.post(f"/v1/positions/{pid}/gap", json={"levels": {"FUN-002": 1, "BEH-001": 0, "FUN-001": 1}},
                    headers=h(keys["viewer"]))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["competency_id"], i["gap"], i["activity_count"]) for i in items] == [
        ("BEH-001", 4, 2), ("FUN-002", 3, 3), ("FUN-001", 2, 2)]
    assert [s["level"] for s in items[2]["levels_to_reach"]] == [2, 3]
    # both at gap 4: FUN-002 first, as three activities need it and two need BEH-001
    csv_r = client.post(f"/v1/positions/{pid}/gap?format=csv", json={"levels": {"FUN-001": 5}},
                        headers=h(keys["viewer"]))
    assert csv_r.headers["content-type"].startswith("text/csv")
    lines = csv_r.text.strip().splitlines()
    assert lines[0].startswith("competency_id,") and [ln.split(",")[0] for ln in lines[1:]] == ["FUN-002", "BEH-001"]

    kinds = [e["kind"] for e in store.list_events(limit=100)[0]]
    assert {"position.create", "position.edit", "position.decision"} <= set(kinds)
    assert store.verify_chain()["ok"] is True


def test_decisions_survive_role_edits(env):
    client, keys, _ = env
    pid = create(client, keys)["id"]
    decide(client, keys, pid, {"competency_id": "FUN-001", "action": "accept", "level": 3})
    # the budget-monitoring activity moves to the staff role: both roles now call for FUN-001, and it is
    # listed once, in the role with the stronger evidence, still decided (one competency, one role, one level)
    moved = edit(client, keys, pid, op="move", activity=1, to_role=2)
    assert [act_ids(r) for r in moved["roles"]] == [[0], [2, 3, 4], [1, 5, 6]]
    holders = [r for r in moved["roles"] if any(c["competency_id"] == "FUN-001" for c in r["competencies"])]
    assert len(holders) == 1
    fun = next(c for c in holders[0]["competencies"] if c["competency_id"] == "FUN-001")
    assert fun["review"]["action"] == "accept" and fun["required_level"] == 3
    staff = {c["competency_id"]: c for c in moved["roles"][2]["competencies"]}
    assert "BEH-001" in staff and staff["BEH-001"]["review"] is None
    renamed = edit(client, keys, pid, op="rename", role=2, name="Staff and spending")
    assert renamed["roles"][2]["name"] == "Staff and spending" and renamed["revision"] == 3
    again = [c for r in renamed["roles"] for c in r["competencies"] if c["competency_id"] == "FUN-001"]
    assert len(again) == 1 and again[0]["review"]["level"] == 3


@pytest.mark.parametrize("body, status, code", [
    ({"op": "merge", "roles": [0, 9]}, 422, "unknown_role"),
    ({"op": "merge", "roles": [1, 1]}, 422, "too_few_roles"),
    ({"op": "split", "role": 0, "activities": [0, 1]}, 422, "empty_role"),
    ({"op": "split", "role": 0, "activities": [5]}, 422, "activity_not_in_role"),
    ({"op": "move", "activity": 42, "to_role": 1}, 422, "unknown_activity"),
    ({"op": "move", "activity": 0, "to_role": 0}, 422, "same_role"),
    ({"op": "rename", "role": 0, "name": "   "}, 422, "invalid_name"),
    ({"op": "merge", "roles": [0, 1, 2]}, 200, None),
    ({"op": "rename", "role": 0, "name": "x", "revision": 7}, 409, "revision_conflict"),
    ({"op": "shuffle"}, 422, "validation_error"),
])
def test_bad_edits_are_refused(env, body, status, code):
    client, keys, _ = env
    p = create(client, keys)
    r = client.post(f"/v1/positions/{p['id']}/edits", json=body, headers=h(keys["reviewer"]))
    assert r.status_code == status and r.json().get("code") == code, r.text


def test_a_move_may_not_empty_a_role(env):
    client, keys, _ = env
    pid = create(client, keys)["id"]
    edit(client, keys, pid, op="split", role=0, activities=[1])  # role 0 keeps activity 0 only
    r = client.post(f"/v1/positions/{pid}/edits", json={"op": "move", "activity": 0, "to_role": 1},
                    headers=h(keys["reviewer"]))
    assert r.status_code == 422 and r.json()["code"] == "empty_role"


def test_access_limits_and_not_found(env):
    client, keys, _ = env
    pid = create(client, keys)["id"]
    r = client.post(f"/v1/positions/{pid}/edits", json={"op": "rename", "role": 0, "name": "x"},
                    headers=h(keys["viewer"]))
    assert r.status_code == 403
    r = client.post(f"/v1/positions/{pid}/decisions", headers=h(keys["viewer"]),
                    json={"decisions": [{"competency_id": "FUN-001", "action": "accept"}]})
    assert r.status_code == 403
    r = client.get("/v1/positions/nope", headers=h(keys["viewer"]))
    assert r.status_code == 404 and r.json()["code"] == "position_not_found"
    r = client.post(f"/v1/positions/{pid}/decisions", headers=h(keys["reviewer"]),
                    json={"decisions": [{"competency_id": "FUN-999", "action": "accept"}]})
    assert r.status_code == 422 and r.json()["code"] == "unknown_competency"
    r = client.post("/v1/positions", headers=h(keys["viewer"]),
                    json={"title": "t", "department": "d", "text": "Prepare the budget. " * 150})
    assert r.status_code == 422 and r.json()["code"] == "text_too_long"
    r = client.post("/v1/positions", headers=h(keys["viewer"]), json={"title": "t" * 201, "department": "d",
                                                                       "text": JD})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    listed = client.get("/v1/positions", headers=h(keys["viewer"])).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == pid


def test_decision_idempotency(env):
    client, keys, _ = env
    pid = create(client, keys)["id"]
    url = f"/v1/positions/{pid}/decisions"
    hdr = {**h(keys["reviewer"]), "Idempotency-Key": "k-1"}
    body = {"decisions": [{"competency_id": "FUN-001", "action": "accept"}]}
    first = client.post(url, json=body, headers=hdr)
    again = client.post(url, json=body, headers=hdr)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    history = client.get(url, headers=h(keys["viewer"])).json()["history"]
    assert len(history) == 1
    other = client.post(url, json={"decisions": [{"competency_id": "FUN-001", "action": "reject"}]}, headers=hdr)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def _changed_dictionary(tmp_path: Path) -> Path:
    """BEH-001 removed, a staff-guidance entry added, FUN-001's wording changed."""
    text = (DATA / "tiny_dictionary.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "1"', 'version: "2"')
    text = text[:text.index("  - id: BEH-001")] + """  - id: FUN-003
    type: Functional
    theme: Office Procedure
    name: Noting guidance
    description: Guiding staff on noting and drafting.
    ask:
      skill: [Guide junior staff on noting]
    examples: [Guide junior staff on noting, Train assistants in drafting notes]
"""
    old = "examples: [Prepare the budget estimates of the division, Monitor monthly expenditure against the budget]"
    assert old in text
    text = text.replace(old, "examples: [Draft a cash plan for the division, Track spending against allocations]")
    path = tmp_path / "tiny_v2.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rerun_against_a_changed_dictionary(env, tmp_path):
    client, keys, store = env
    pid = create(client, keys)["id"]
    edit(client, keys, pid, op="rename", role=1, name="RTI desk")
    decide(client, keys, pid, {"competency_id": "FUN-002", "action": "accept", "level": 2})
    with _app(tmp_path / "b", store, _changed_dictionary(tmp_path)) as client2:
        # an edit under the new dictionary would silently swap competencies: it must rerun first
        r = client2.post(f"/v1/positions/{pid}/edits", json={"op": "move", "activity": 1, "to_role": 2},
                         headers=h(keys["reviewer"]))
        assert r.status_code == 409 and r.json()["code"] == "dictionary_changed"
        r = client2.post(f"/v1/positions/{pid}/rerun", headers=h(keys["reviewer"]))
        assert r.status_code == 200, r.text
        diff, position = r.json()["diff"], r.json()["position"]
        assert diff["added"] == ["FUN-003"] and diff["dropped"] == ["BEH-001"]
        assert [c["competency_id"] for c in diff["changed"]] == ["FUN-001"]
        change = diff["changed"][0]
        assert change["before"]["score"] != change["after"]["score"]
        assert set(change["before"]) == set(change["after"]) == {"score", "suggested_level"}
        assert position["revision"] == 3 and position["dictionary"]["version"] == "2"
        assert [r["name"] for r in position["roles"]][1] == "RTI desk"  # the reviewer's roles are kept
        rti = position["roles"][1]["competencies"][0]
        assert rti["competency_id"] == "FUN-002" and rti["review"]["action"] == "accept"
        assert comp_ids(position["roles"][2]) == ["FUN-003"]
        assert client2.post(f"/v1/positions/{pid}/edits", json={"op": "move", "activity": 1, "to_role": 2},
                            headers=h(keys["reviewer"])).status_code == 200
    revisions = store.positions.revisions(pid)
    assert [r["op"] for r in revisions] == ["create", "rename", "rerun", "move"]
    assert revisions[2]["detail"]["from"]["dictionary"]["version"] == "1"
    assert "position.rerun" in {e["kind"] for e in store.list_events(limit=100)[0]}


@pytest.mark.parametrize("table, column", [("position_revisions", "actor"), ("review_log", "reviewer")])
@pytest.mark.parametrize("verb", ["update", "delete"])
def test_position_history_is_append_only(env, table, column, verb):
    client, keys, store = env
    pid = create(client, keys)["id"]
    decide(client, keys, pid, {"competency_id": "FUN-001", "action": "accept"})
    sql = f"UPDATE {table} SET {column} = 'mallory'" if verb == "update" else f"DELETE FROM {table}"
    with pytest.raises(DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.exec_driver_sql(sql)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar() == 1


MULTI_ROLE_JD = """Section Officer (Coordination)

Role 1: Budget coordination
- Prepare the Budget Estimates and Revised Estimates for the Division.
- Monitor monthly expenditure against the budget allocation and flag likely savings.

Role 2: RTI work
- Reply to RTI applications within thirty days.
- Forward RTI appeals to the First Appellate Authority.

Role 3: Parliament work
- Put up draft replies to Lok Sabha Starred Questions.
- Maintain the register of pending Parliament Assurances.
"""


@pytest.mark.slow
def test_position_flow_with_the_real_model(real_settings, real_suggester, tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}")
    settings = real_settings.model_copy(update={"dev_key": "dev-secret"})
    with TestClient(create_app(settings, suggester=real_suggester, store=store)) as client:
        hdr = h("dev-secret")
        r = client.post("/v1/positions", headers=hdr,
                        json={"title": "SO (Coordination)", "department": "DoPT", "text": MULTI_ROLE_JD})
        assert r.status_code == 201, r.text
        p = r.json()
        assert [r["section"] for r in p["roles"]] == ["Budget coordination", "RTI work", "Parliament work"]
        assert all(r["competencies"] for r in p["roles"])
        themes = [" ".join(c["competencyThemeName"] + " " + c["name"] for c in r["competencies"][:5]).lower()
                  for r in p["roles"]]
        assert re.search(r"budget|financ|expenditure", themes[0]) and re.search(r"rti|information", themes[1])
        pid = p["id"]
        merged = client.post(f"/v1/positions/{pid}/edits", headers=hdr, json={"op": "merge", "roles": [1, 2]}).json()
        assert len(merged["roles"]) == 2 and merged["revision"] == 2
        split = client.post(f"/v1/positions/{pid}/edits", headers=hdr,
                            json={"op": "split", "role": 1, "activities": [4, 5], "name": "Parliament"}).json()
        assert [act_ids(r) for r in split["roles"]] == [[0, 1], [2, 3], [4, 5]]
        for role in split["roles"]:
            for c in role["competencies"]:
                assert {ev["activity"] for ev in c["evidence"]} <= set(act_ids(role))
        tops = list(dict.fromkeys(r["competencies"][0]["competency_id"] for r in split["roles"]))
        decisions = [{"competency_id": tops[0], "action": "modify", "level": 4}] + \
                    [{"competency_id": cid, "action": "accept", "level": 3} for cid in tops[1:]]
        r = client.post(f"/v1/positions/{pid}/decisions", headers=hdr, json={"decisions": decisions})
        assert r.status_code == 201, r.text
        frac = client.get(f"/v1/positions/{pid}/export?format=frac", headers=hdr).json()
        # what was decided is VERIFIED at its level; the rest of each role is exported as DRAFT
        levels = {c["id"]: c["level"] for role in frac["children"] for c in role["children"]
                  if c["type"] == "COMPETENCY" and c["status"] == "VERIFIED"}
        assert set(levels) == set(tops) and levels[tops[0]] == "Level 4"
        assert all(c["children"][0]["type"] == "COMPETENCIESLEVEL" and c["children"][0]["description"]
                   for role in frac["children"] for c in role["children"] if c["type"] == "COMPETENCY")
        items = client.post(f"/v1/positions/{pid}/gap", headers=hdr, json={"levels": {}}).json()["items"]
        assert [i["competency_id"] for i in items][0] == tops[0] and {i["competency_id"] for i in items} == set(tops)
    store.close()
