"""New competencies reach the dictionary (issue 12 part 3): draft rules, version fingerprints, publish
refusals with their registered codes, and the background reload a rerun waits for. Fast: the tiny
dictionary and the fake encoder; the real model and two server processes are in test_dictionary_e2e.py."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suggest import errors
from suggest.api import create_app
from suggest.dictionary import Dictionary, load_dictionary
from suggest.dictionary_drafts import build_entry, compose, draft_competency_id, from_version, name_key
from suggest.errors import Conflict, DictionaryError, InputError, NotFound
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder

RELIEF: dict[str, Any] = {
    "theme": "Disaster Management",
    "description": "Administering the relief fund: scrutinising flood relief claims and releasing relief.",
    "ask": {"knowledge": ["Relief fund norms for flood relief"], "skill": ["Scrutinise flood relief claims"],
            "attitude": ["Puts flood affected families first"]},
    "levels": {1: "checks relief claims with help", 2: "scrutinises relief claims alone",
               3: "handles disputed relief claims", 4: "runs the relief fund of a district",
               5: "sets State relief policy"},
    "examples": ["Scrutinise relief claims from flood affected districts", "Release flood relief to families",
                 "Prepare the relief fund utilisation certificate"],
    "aliases": ["relief fund administration"],
}
JD = ("Prepare the budget estimates of the division and monitor monthly expenditure.\n"
      "Scrutinise relief claims from flood affected districts and release flood relief.\n"
      "Reply to RTI applications within the time limit.\n")


def tiny() -> Dictionary:
    return load_dictionary(DATA / "tiny_dictionary.yaml")


def code_of(exc: pytest.ExceptionInfo) -> str:
    assert exc.value.code in errors.CODES
    return exc.value.code


# -- pure rules --------------------------------------------------------------------------------------


def test_a_malformed_draft_is_refused_with_every_field_named():
    with pytest.raises(InputError) as exc:
        build_entry("NEW-F0001", "Functional", {"name": "Relief", "theme": "T", "levels": {1: "a", 2: "b"},
                                                "examples": ["fine", "  "]})
    assert code_of(exc) == "invalid_draft"
    assert {p["field"] for p in exc.value.detail} == {"levels", "examples"}


def test_a_well_formed_draft_lists_what_it_lacks_until_complete():
    entry, lacking = build_entry("NEW-B0001", "Behavioural", {"name": "Relief", "theme": "Disaster Management"})
    assert entry.id == "NEW-B0001" and entry.type == "Behavioural"
    assert {p["field"] for p in lacking} == {"description", "ask.skill", "ask.knowledge", "ask.attitude", "levels",
                                             "examples", "aliases"}
    full, lacking = build_entry("NEW-B0001", "Behavioural", {"name": "Relief", **RELIEF})
    assert lacking == [] and full.levels[3] == "handles disputed relief claims"


def test_draft_ids_cannot_take_the_form_of_a_kcm_id():
    ids = {draft_competency_id(t, n) for t in ("Behavioural", "Functional", "Domain") for n in (1, 42, 9999)}
    assert ids == {f"NEW-{letter}{n:04d}" for letter in "BFD" for n in (1, 42, 9999)}
    assert not any(i.split("-")[0] in ("BEH", "FUN", "DOM") for i in ids)


def test_names_clash_whatever_their_case_spacing_or_punctuation():
    assert name_key("File / DAK  management") == name_key("file dak Management")
    base = tiny()
    clash, _ = build_entry("NEW-F0001", "Functional", {"name": "budget   PREPARATION", "theme": "T"})
    with pytest.raises(Conflict) as exc:
        compose(base, [clash], "1+d1")
    assert code_of(exc) == "duplicate_competency_name" and exc.value.detail[0]["clashes_with"] == "FUN-001"
    a, _ = build_entry("NEW-F0001", "Functional", {"name": "Relief work", "theme": "T"})
    b, _ = build_entry("NEW-F0002", "Functional", {"name": "Relief-work", "theme": "T"})
    with pytest.raises(Conflict):
        compose(base, [a, b], "1+d1")


def test_a_version_has_a_new_fingerprint_and_is_rebuilt_identically_on_its_base():
    base = tiny()
    entry, _ = build_entry("NEW-D0001", "Domain", {"name": "Relief fund administration", **RELIEF})
    built = compose(base, [entry], "1+d1")
    assert built.fingerprint != base.fingerprint and built.version == "1+d1" and len(built) == len(base) + 1
    again = compose(tiny(), [entry.model_copy()], "1+d1")
    assert again.fingerprint == built.fingerprint  # content only: the same entries give the same fingerprint
    stored = {"version": "1+d1", "fingerprint": built.fingerprint, "base_fingerprint": base.fingerprint,
              "entries": [entry.model_dump(mode="json")]}
    assert from_version(base, stored).fingerprint == built.fingerprint
    edited = {**stored, "entries": [{**stored["entries"][0], "description": "changed behind our back"}]}
    with pytest.raises(DictionaryError) as exc:
        from_version(base, edited)
    assert code_of(exc) == "dictionary_version_corrupt"
    other_base = Dictionary(base.name, base.version, list(base.entries)[:-1])
    with pytest.raises(DictionaryError) as exc:
        from_version(other_base, stored)
    assert code_of(exc) == "dictionary_base_mismatch"


# -- the store: drafts, publishing and its refusals ---------------------------------------------------


def _proposal(store: Store, name: str = "Relief fund administration", type_: str = "Domain") -> str:
    payload = {"dictionary": {"name": "tiny", "version": "1", "fingerprint": "x"}, "model": {"id": "fake"},
               "activities": [{"index": 0, "text": "Scrutinise relief claims", "start": 0, "end": 24}],
               "suggestions": [], "unmatched": [0]}
    set_id = store.save_suggestion_set(payload, text="Scrutinise relief claims", position=None, department=None,
                                       created_by="rev", top_k=5, min_score=0.5)
    return store.create_proposal(set_id, activity_index=0, name=name, type=type_, ask=None, level=3,
                                 rationale="no entry covers it", proposed_by="rev")["id"]


@pytest.fixture
def store(db_url):
    st = Store.open(db_url)
    yield st
    st.close()


def test_publish_refusals_each_have_their_code_and_change_nothing(store):
    versions, base = store.dictionary_versions, tiny()
    with pytest.raises(Conflict) as exc:
        versions.publish(None, actor="admin", base=base)
    assert code_of(exc) == "nothing_to_publish"
    pid = _proposal(store)
    draft = versions.create_draft(pid, {"theme": "Disaster Management"}, actor="admin", base=base)
    assert draft["competency_id"] == "NEW-D0001" and draft["entry"]["name"] == "Relief fund administration"
    assert draft["missing"] and draft["status"] == "draft"
    with pytest.raises(Conflict) as exc:
        versions.create_draft(pid, {"theme": "T"}, actor="admin", base=base)
    assert code_of(exc) == "draft_exists"
    # the proposal is still under discussion: drafting is allowed, publishing is not
    with pytest.raises(Conflict) as exc:
        versions.publish([draft["id"]], actor="admin", base=base)
    assert code_of(exc) == "proposal_not_approved"
    store.update_proposal(pid, status="approved", actor="admin")
    with pytest.raises(Conflict) as exc:
        versions.publish([draft["id"]], actor="admin", base=base)
    assert code_of(exc) == "draft_incomplete" and exc.value.detail["missing"]
    # a second approved draft whose name an existing entry already has
    clash = _proposal(store, name="RTI  replies", type_="Functional")
    store.update_proposal(clash, status="approved", actor="admin")
    dup = versions.create_draft(clash, RELIEF, actor="admin", base=base)
    with pytest.raises(Conflict) as exc:
        versions.publish([dup["id"]], actor="admin", base=base)
    assert code_of(exc) == "duplicate_competency_name"
    rejected = _proposal(store, name="Something else")
    store.update_proposal(rejected, status="rejected", actor="admin")
    with pytest.raises(Conflict) as exc:
        versions.create_draft(rejected, RELIEF, actor="admin", base=base)
    assert code_of(exc) == "proposal_rejected"
    with pytest.raises(NotFound) as exc:
        versions.publish(["0123abcd"], actor="admin", base=base)
    assert code_of(exc) == "draft_not_found"
    assert versions.list_versions() == ([], 0) and versions.active_head() is None


def test_edit_then_publish_makes_one_active_version_and_freezes_the_draft(store):
    versions, base = store.dictionary_versions, tiny()
    pid = _proposal(store)
    store.update_proposal(pid, status="approved", actor="admin")
    draft = versions.create_draft(pid, {"theme": "Disaster Management"}, actor="admin", base=base)
    with pytest.raises(Conflict) as exc:
        versions.update_draft(draft["id"], {"description": "x"}, actor="admin", revision=7)
    assert code_of(exc) == "draft_changed"
    edited = versions.update_draft(draft["id"], RELIEF, actor="admin", revision=1)
    assert edited["missing"] == [] and edited["revision"] == 2
    assert edited["entry"]["name"] == "Relief fund administration"  # kept from the proposal
    v1 = versions.publish(None, actor="admin", base=base, comment="relief work")
    assert v1["version"] == "1+d1" and v1["added"] == ["NEW-D0001"] and v1["active"]
    assert v1["fingerprint"] != base.fingerprint and v1["base_fingerprint"] == base.fingerprint
    assert versions.active_head() == ("1+d1", v1["fingerprint"])
    assert versions.get_draft(draft["id"])["published_in"] == "1+d1"
    with pytest.raises(Conflict) as exc:
        versions.update_draft(draft["id"], {"description": "later"}, actor="admin")
    assert code_of(exc) == "draft_published"
    # a second version keeps the first one's entry and becomes the only active one
    p2 = _proposal(store, name="Mentoring of interns", type_="Behavioural")
    store.update_proposal(p2, status="approved", actor="admin")
    versions.create_draft(p2, RELIEF, actor="admin", base=base)
    v2 = versions.publish(None, actor="admin", base=base)
    assert sorted(v2["added"]) == ["NEW-B0002", "NEW-D0001"] and v2["version"] == "1+d2"
    items, total = versions.list_versions()
    assert total == 2 and [v["active"] for v in items] == [True, False]
    rebuilt = from_version(base, versions.get_version(v2["version"]))
    assert rebuilt.fingerprint == v2["fingerprint"] and rebuilt.get("NEW-D0001") is not None
    kinds = [e["kind"] for e in store.list_events(limit=100)[0]]
    assert kinds.count("dictionary.publish") == 2 and "dictionary.draft.update" in kinds
    assert store.verify_chain()["ok"]


# -- the API: publish, reload in the background, rerun against the active version ---------------------


def _wait(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_rerun_waits_for_the_reload_then_reports_the_new_competency(tmp_path, db_url):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.3,
                        unmatched_score=0.3, dictionary_poll_s=0)
    base, enc = tiny(), FakeEncoder()
    store = Store.open(db_url)
    admin, reviewer = (store.create_key(f"{r}-1", r)[0] for r in ("admin", "reviewer"))
    app = create_app(settings, suggester=Suggester(settings, base, enc, build_or_load(base, enc, tmp_path / "c")),
                     store=store)
    services, client = app.state.services, TestClient(app)
    A, R = ({"Authorization": f"Bearer {k}"} for k in (admin, reviewer))
    try:
        s = client.post("/v1/suggestions", json={"text": JD}, headers=R).json()
        position = client.post("/v1/positions", json={"title": "SO", "department": "Relief", "text": JD}, headers=R)
        assert position.status_code == 201
        pid = client.post(f"/v1/suggestions/{s['id']}/proposals", headers=R, json={
            "activity_index": 1, "name": "Relief fund administration", "type": "Domain"}).json()["id"]
        refused = client.post("/v1/dictionary/drafts", json={"proposal_id": pid, **RELIEF}, headers=R)
        assert refused.status_code == 403
        body = {**RELIEF, "levels": {str(k): v for k, v in RELIEF["levels"].items()}}
        draft = client.post("/v1/dictionary/drafts", json={"proposal_id": pid, **body}, headers=A)
        assert draft.status_code == 201 and draft.json()["missing"] == []
        early = client.post("/v1/dictionary/versions", json={}, headers=A)
        assert early.status_code == 409 and early.json()["code"] == "proposal_not_approved"
        assert client.patch(f"/v1/proposals/{pid}", json={"status": "approved"}, headers=A).status_code == 200
        # published behind this server's back (as by another replica): it has not reloaded yet
        version = store.dictionary_versions.publish(None, actor="admin", base=services.base_dictionary)
        rerun = client.post(f"/v1/positions/{position.json()['id']}/rerun", headers=R)
        assert rerun.status_code == 503 and rerun.json()["code"] == "dictionary_reloading"
        _wait(lambda: services.suggester.dictionary.fingerprint == version["fingerprint"])
        listed = client.get("/v1/dictionary/versions", headers=R).json()
        assert listed["loaded"]["version"] == "1+d1" and listed["items"][0]["added"] == ["NEW-D0001"]
        rerun = client.post(f"/v1/positions/{position.json()['id']}/rerun", headers=R)
        assert rerun.status_code == 200, rerun.text
        assert "NEW-D0001" in rerun.json()["diff"]["added"]
        assert rerun.json()["position"]["dictionary"]["fingerprint"] == version["fingerprint"]
        fresh = client.post("/v1/suggestions", json={"text": JD}, headers=R).json()
        assert fresh["dictionary"]["version"] == "1+d1"
        new = [sg for sg in fresh["suggestions"] if sg["competency_id"] == "NEW-D0001"]
        assert new and new[0]["evidence"][0]["activity"] == 1
        assert client.get("/v1/competencies/NEW-D0001", headers=R).json()["name"] == "Relief fund administration"
        # frontends that keep their own copy learn of the version and of this server switching to it
        feed = client.get("/v1/events?limit=200", headers=R).json()["items"]
        seen = {(e["type"], e["dictionary"]["version"]) for e in feed if e["dictionary"]}
        assert {("dictionary.published", "1+d1"), ("dictionary.loaded", "1+d1")} <= seen
    finally:
        store.close()


def test_every_new_code_is_registered_with_a_message():
    for code in ("invalid_draft", "draft_not_found", "draft_exists", "draft_changed", "draft_published",
                 "draft_incomplete", "proposal_rejected", "proposal_not_approved", "duplicate_competency_name",
                 "nothing_to_publish", "dictionary_reloading", "dictionary_base_mismatch",
                 "dictionary_version_corrupt"):
        assert len(errors.CODES[code].message) > 20, code


def test_cli_drafts_publishes_and_lists_versions(tmp_path):
    import yaml
    from typer.testing import CliRunner

    from suggest.cli import app

    env = {"CDE_DATA_DIR": str(tmp_path), "CDE_DICTIONARY": str(DATA / "tiny_dictionary.yaml")}
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}")
    pid = _proposal(store)
    fields = tmp_path / "relief.yaml"
    fields.write_text(yaml.safe_dump({k: v for k, v in RELIEF.items() if k != "aliases"}))
    runner = CliRunner()
    created = runner.invoke(app, ["dictionary", "draft", "create", pid, "--from", str(fields), "--json"], env=env)
    assert created.exit_code == 0, created.output
    draft = json.loads(created.output)
    assert draft["competency_id"] == "NEW-D0001" and [m["field"] for m in draft["missing"]] == ["aliases"]
    refused = runner.invoke(app, ["dictionary", "publish"], env=env)
    assert refused.exit_code == 2 and "[proposal_not_approved]" in refused.output
    store.update_proposal(pid, status="approved", actor="admin")
    fields.write_text(yaml.safe_dump({"aliases": ["relief fund administration"]}))
    edited = runner.invoke(app, ["dictionary", "draft", "edit", draft["id"], "--from", str(fields)], env=env)
    assert edited.exit_code == 0 and "complete" in edited.output
    published = runner.invoke(app, ["dictionary", "publish", "--comment", "relief"], env=env)
    assert published.exit_code == 0 and "published 1+d1" in published.output and "NEW-D0001" in published.output
    listed = runner.invoke(app, ["dictionary", "versions"], env=env)
    assert listed.exit_code == 0 and listed.output.startswith("* 1+d1")
    store.close()


def test_a_server_starting_after_a_publish_serves_the_active_version(tmp_path, monkeypatch):
    import suggest.suggester

    monkeypatch.setattr(suggest.suggester, "load_encoder", lambda *a, **k: FakeEncoder())
    url = f"sqlite:///{tmp_path / 'cde.db'}"
    store = Store.open(url)
    pid = _proposal(store)
    store.update_proposal(pid, status="approved", actor="admin")
    store.dictionary_versions.create_draft(pid, RELIEF, actor="admin", base=tiny())
    version = store.dictionary_versions.publish(None, actor="admin", base=tiny())
    settings = Settings(data_dir=tmp_path, database_url=url, dictionary=DATA / "tiny_dictionary.yaml")
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services
        services.wait(60)
        assert services.suggester.dictionary.version == "1+d1"
        assert services.suggester.dictionary.fingerprint == version["fingerprint"]
        assert services.base_dictionary.fingerprint == tiny().fingerprint
        assert services.suggester.dictionary.get("NEW-D0001").name == "Relief fund administration"
    store.close()
