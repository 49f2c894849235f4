"""GET /v1/events (issue 17): a frontend that replays the feed rebuilds the reviewers' decisions exactly,
each event arrives once per cursor, and the cursor is opaque, stable and checked."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.api.events import decode_cursor, encode_cursor
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder
from .test_api import JD, h

REVIEW_KEYS = ("action", "level", "ask_tag", "reason_code", "comment", "reviewer", "at")


@pytest.fixture
def feed_env(tmp_path, db_url):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.2,
                        unmatched_score=0.2, max_page_size=100, rate_writes_per_min=0, rate_model_per_min=0)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    store = Store.open(db_url)
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    app = create_app(settings, suggester=suggester, store=store)
    keys = {name: store.create_key(name, role)[0] for name, role in
            (("viewer", "viewer"), ("rev-a", "reviewer"), ("rev-b", "reviewer"), ("admin", "admin"))}
    with TestClient(app) as client:
        yield client, keys, store
    store.close()


def _read_all(client, key, cursor=None, limit=37) -> tuple[list[dict], str]:
    events: list[dict] = []
    while True:
        params = {"limit": limit} | ({"after": cursor} if cursor else {})
        page = client.get("/v1/events", params=params, headers=h(key)).json()
        events += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return events, cursor


def _replay(events: list[dict]) -> dict[str, dict[str, dict]]:
    """What a frontend keeps: per set, per competency, the newest decision."""
    state: dict[str, dict[str, dict]] = {}
    for e in events:
        if e["type"] == "suggestion_set.created":
            state[e["set_id"]] = {}
        elif e["type"] == "decision.recorded":
            state[e["set_id"]][e["competency_id"]] = {k: e["decision"][k] for k in REVIEW_KEYS}
    return state


def test_replaying_the_feed_rebuilds_1000_decisions_over_50_sets(feed_env):
    client, keys, _ = feed_env
    rng = random.Random(17)
    sets = [client.post("/v1/suggestions", json={"text": JD, "position": f"P{i}"}, headers=h(keys["viewer"])).json()
            for i in range(50)]
    half_way = None
    decided = 0
    for n, s in enumerate(sets * 2):  # each set twice, so later decisions supersede earlier ones
        cids = [sg["competency_id"] for sg in s["suggestions"]]
        batch = []
        for _ in range(10):
            action = rng.choice(["accept", "reject", "modify"])
            batch.append({"competency_id": rng.choice(cids), "action": action,
                          "level": rng.randint(1, 5) if action != "reject" else None,
                          "comment": rng.choice([None, "ok", "नहीं"])})
        reviewer = rng.choice(["rev-a", "rev-b"])
        r = client.post(f"/v1/suggestions/{s['id']}/decisions", json={"decisions": batch}, headers=h(keys[reviewer]))
        assert r.status_code == 201, r.text
        decided += len(batch)
        if n == 49:
            half_way = _read_all(client, keys["viewer"])
    assert decided == 1000

    events, cursor = _read_all(client, keys["viewer"])
    assert sum(e["type"] == "decision.recorded" for e in events) == 1000
    assert len({e["cursor"] for e in events}) == len(events)  # each event once
    # a frontend that stopped half way and resumed from its cursor sees the same events, none twice
    first, resume = half_way
    rest, end = _read_all(client, keys["viewer"], resume)
    assert first + rest == events and end == cursor
    # nothing new: the same cursor back, no items
    page = client.get("/v1/events", params={"after": cursor}, headers=h(keys["viewer"])).json()
    assert page == {"items": [], "next_cursor": cursor, "has_more": False}

    truth = {}
    for s in sets:
        current = client.get(f"/v1/suggestions/{s['id']}", headers=h(keys["viewer"])).json()
        truth[s["id"]] = {sg["competency_id"]: {k: sg["review"][k] for k in REVIEW_KEYS}
                          for sg in current["suggestions"] if sg["review"] is not None}
    assert _replay(events) == truth


def test_feed_covers_positions_proposals_and_the_dictionary_but_not_keys(feed_env):
    client, keys, store = feed_env
    store.record_event("system", "dictionary.load", "sha256:abc", {"name": "tiny", "version": "1", "model": "m"})
    s = client.post("/v1/suggestions", json={"text": JD}, headers=h(keys["viewer"])).json()
    prop = client.post(f"/v1/suggestions/{s['id']}/proposals", json={"activity_index": 2, "name": "Zebra care",
                                                                      "type": "Domain"}, headers=h(keys["rev-a"]))
    client.patch(f"/v1/proposals/{prop.json()['id']}", json={"status": "rejected"}, headers=h(keys["admin"]))
    p = client.post("/v1/positions", json={"title": "SO", "department": "DoRD", "text": JD},
                    headers=h(keys["viewer"])).json()
    client.post(f"/v1/positions/{p['id']}/edits", json={"op": "rename", "role": 0, "name": "X"},
                headers=h(keys["rev-a"]))
    cid = p["roles"][0]["competencies"][0]["competency_id"]
    client.post(f"/v1/positions/{p['id']}/decisions", json={"decisions": [{"competency_id": cid, "action": "accept"}]},
                headers=h(keys["rev-b"]))
    events, _ = _read_all(client, keys["viewer"], limit=2)
    types = [e["type"] for e in events]
    assert types == ["dictionary.loaded", "suggestion_set.created", "proposal.created", "proposal.decided",
                     "position.created", "position.edited", "position_decision.recorded"]
    assert events[0]["dictionary"]["fingerprint"] == "sha256:abc"
    assert events[3]["proposal_status"] == "rejected" and events[3]["proposal_id"] == prop.json()["id"]
    assert events[5]["revision"] == 2 and events[5]["position_id"] == p["id"]
    decision = events[6]["position_decision"]
    history = client.get(f"/v1/positions/{p['id']}/decisions", headers=h(keys["viewer"])).json()["history"]
    assert decision == history[0] and decision["reviewer"] == "rev-b"


def test_cursor_is_opaque_and_checked(feed_env):
    client, keys, _ = feed_env
    assert decode_cursor(encode_cursor(123)) == 123 and "123" not in encode_cursor(123)
    for bad in ("nonsense", encode_cursor(1) + "x", "djE6LTE", "!!!"):
        r = client.get("/v1/events", params={"after": bad}, headers=h(keys["viewer"]))
        assert r.status_code == 422 and r.json()["code"] == "invalid_cursor", (bad, r.text)
    r = client.get("/v1/events", params={"limit": 101}, headers=h(keys["viewer"]))
    assert r.status_code == 422
    assert client.get("/v1/events").status_code == 401
