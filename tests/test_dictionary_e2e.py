"""New competencies end to end with the real bundled model and the real FAISS index (issue 12 part 3,
issue 14 part 5): proposal -> approval -> draft -> publish -> background reindex -> a position rerun and a
new suggestion set that suggest the new competency for the JD line it was written for; on SQLite and on
PostgreSQL. Then two server processes over one PostgreSQL schema: a version published through one is
served by the other within 10 s, and decisions posted to both form one audit chain that verifies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.store import Store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
JD = ("Section Officer (Museums), Ministry of Culture\n"
      "- Prepare the budget estimates of the division and monitor monthly expenditure.\n"
      "- Oversee the conservation, cataloguing and condition reporting of museum artefacts and palm-leaf "
      "manuscripts in the reserve collection.\n"
      "- Reply to RTI applications within the statutory time limit.\n"
      "- Put up draft replies to Parliament Questions on the functioning of the museums.\n")
MUSEUM_LINE = "conservation, cataloguing and condition reporting of museum artefacts"
ENTRY = {
    "theme": "Culture and Heritage Management",
    "description": "Caring for a museum's collection: conserving, cataloguing and documenting artefacts, "
                   "manuscripts and art objects, and controlling their storage, display and loans.",
    "ask": {"knowledge": ["Principles of preventive conservation of artefacts, manuscripts and paintings",
                          "Museum cataloguing and collection documentation standards (accession registers)"],
            "skill": ["Prepare condition reports of museum artefacts",
                      "Plan the conservation treatment of manuscripts and art objects"],
            "attitude": ["Treats every artefact as irreplaceable heritage"]},
    "levels": {"1": "Handles and catalogues museum objects under supervision.",
               "2": "Maintains accession registers and condition reports of a gallery on their own.",
               "3": "Plans conservation of a reserve collection and reviews condition reports.",
               "4": "Runs collection care for a museum, setting storage, display and loan rules.",
               "5": "Shapes national policy and standards for museum collections and conservation."},
    "examples": ["Catalogue newly acquired artefacts in the museum accession register",
                 "Oversee conservation of palm-leaf manuscripts in the reserve collection",
                 "Prepare condition reports before lending museum objects for an exhibition"],
    "aliases": ["Museum conservation", "Museum collection management"],
}
NAME = "Museum Collection Care and Conservation"


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _museum_activity(suggestion_set: dict) -> int:
    return next(a["index"] for a in suggestion_set["activities"] if MUSEUM_LINE in a["text"])


def _propose_and_draft(call, admin: dict, reviewer: dict) -> tuple[dict, dict, dict]:
    """Suggest, propose the missing competency on the museum line, approve it, draft it. `call` is
    (method, path, headers, json) -> response, so the same steps run in process and over HTTP."""
    s = call("POST", "/v1/suggestions", reviewer, {"text": JD})
    assert s.status_code == 201, s.text
    s = s.json()
    line = _museum_activity(s)
    assert NAME not in {sg["name"] for sg in s["suggestions"]}
    proposal = call("POST", f"/v1/suggestions/{s['id']}/proposals", reviewer,
                    {"activity_index": line, "name": NAME, "type": "Functional",
                     "rationale": "No entry covers museum collections"}).json()
    assert call("PATCH", f"/v1/proposals/{proposal['id']}", admin, {"status": "approved"}).status_code == 200
    draft = call("POST", "/v1/dictionary/drafts", admin, {"proposal_id": proposal["id"], **ENTRY})
    assert draft.status_code == 201, draft.text
    assert draft.json()["missing"] == [] and draft.json()["competency_id"] == "NEW-F0001"
    return s, proposal, draft.json()


def _suggests_new_on_museum_line(suggestions: list[dict], line: int) -> dict:
    new = [sg for sg in suggestions if sg["competency_id"] == "NEW-F0001"]
    assert new, [sg["name"] for sg in suggestions]
    assert new[0]["evidence"][0]["activity"] == line and new[0]["name"] == NAME
    return new[0]


def test_new_competency_end_to_end(real_settings, real_suggester, db_url, tmp_path):
    store = Store.open(db_url)
    admin, reviewer = (_h(store.create_key(f"{r}-1", r)[0]) for r in ("admin", "reviewer"))
    settings = real_settings.model_copy(update={"dictionary_poll_s": 5.0})
    base = real_suggester.dictionary
    with TestClient(create_app(settings, suggester=real_suggester, store=store)) as client:
        services = client.app.state.services

        def call(method, path, headers, body=None):
            return client.request(method, path, headers=headers, json=body)

        position = client.post("/v1/positions", headers=reviewer,
                               json={"title": "SO (Museums)", "department": "Ministry of Culture", "text": JD})
        assert position.status_code == 201, position.text
        pid = position.json()["id"]
        s, _, draft = _propose_and_draft(call, admin, reviewer)
        published = client.post("/v1/dictionary/versions", headers=admin, json={"comment": "museum work"})
        assert published.status_code == 201, published.text
        version = published.json()
        assert version["version"] == f"{base.version}+d1" and version["added"] == ["NEW-F0001"]
        assert version["fingerprint"] != base.fingerprint
        # the old version keeps serving while the index is rebuilt in the background
        started = time.monotonic()
        while services.suggester.dictionary.fingerprint != version["fingerprint"]:
            assert time.monotonic() - started < 60, services.watcher.error
            assert client.get("/v1/competencies?limit=1", headers=reviewer).status_code == 200
            time.sleep(0.1)
        print(f"reindex after publish: {time.monotonic() - started:.1f} s (rough, shared CPU)")
        listed = client.get("/v1/dictionary/versions", headers=reviewer).json()
        assert listed["loaded"] == {"name": base.name, "version": version["version"],
                                    "fingerprint": version["fingerprint"]} and listed["items"][0]["active"]

        rerun = client.post(f"/v1/positions/{pid}/rerun", headers=reviewer)
        assert rerun.status_code == 200, rerun.text
        assert "NEW-F0001" in rerun.json()["diff"]["added"]
        after = rerun.json()["position"]
        assert after["dictionary"]["version"] == version["version"]
        texts = {a["index"]: a["text"] for r in after["roles"] for a in r["activities"]}
        role_new = [c for r in after["roles"] for c in r["competencies"] if c["competency_id"] == "NEW-F0001"]
        assert role_new and MUSEUM_LINE in texts[role_new[0]["evidence"][0]["activity"]]

        fresh = client.post("/v1/suggestions", headers=reviewer, json={"text": JD})
        assert fresh.status_code == 201
        fresh = fresh.json()
        assert fresh["dictionary"]["fingerprint"] == version["fingerprint"]
        new = _suggests_new_on_museum_line(fresh["suggestions"], _museum_activity(fresh))
        assert new["competencyThemeName"] == ENTRY["theme"] and new["level_descriptor"]
        stored = client.get(f"/v1/suggestions/{fresh['id']}", headers=reviewer).json()
        assert stored["dictionary"]["version"] == version["version"]
        decided = client.post(f"/v1/suggestions/{fresh['id']}/decisions", headers=reviewer,
                              json={"decisions": [{"competency_id": "NEW-F0001", "action": "accept"}]})
        assert decided.status_code == 201
    assert store.verify_chain()["ok"]
    store.close()


# -- two server processes over one PostgreSQL schema -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from suggest.cli import app; app()", "serve", "--port", str(port)],
                            env=env, cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"server did not get ready: {log.read_text()[-3000:]}")


@pytest.mark.postgres
def test_two_replicas_serve_a_new_version_within_10_s_and_share_one_audit_chain(real_settings, real_suggester,
                                                                                 db_url_pg, tmp_path):
    store = Store.open(db_url_pg)  # migrates the schema before either server starts
    admin, reviewer = (_h(store.create_key(f"{r}-1", r)[0]) for r in ("admin", "reviewer"))
    store.close()
    env = {**os.environ, "CDE_DATABASE_URL": db_url_pg, "CDE_CACHE_DIR": str(real_settings.resolved_cache_dir),
           "CDE_DICTIONARY_POLL_S": "5", "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("CDE_DICTIONARY", None)
    urls, procs = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            procs.append(_serve(port, {**env, "CDE_DATA_DIR": str(tmp_path / name)}, tmp_path / f"{name}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc, name in zip(urls, procs, "ab"):
            _wait_ready(url, proc, tmp_path / f"{name}.log")
        a, b = (httpx.Client(base_url=u, timeout=60) for u in urls)

        def call_a(method, path, headers, body=None):
            return a.request(method, path, headers=headers, json=body)

        s, _, draft = _propose_and_draft(call_a, admin, reviewer)
        published = b.post("/v1/dictionary/versions", headers=admin, json={})
        assert published.status_code == 201, published.text
        version = published.json()
        at = time.monotonic()
        served = {}
        while len(served) < 2:
            for name, client in (("a", a), ("b", b)):
                if name not in served and client.get("/v1/dictionary/versions", headers=reviewer).json()[
                        "loaded"]["fingerprint"] == version["fingerprint"]:
                    served[name] = time.monotonic() - at
            assert time.monotonic() - at < 10, f"not served within 10 s: {served}"
            time.sleep(0.1)
        print(f"new version served: {served} s after the publish (rough, shared CPU)")
        fresh = a.post("/v1/suggestions", headers=reviewer, json={"text": JD}).json()
        _suggests_new_on_museum_line(fresh["suggestions"], _museum_activity(fresh))

        # decisions on both replicas at once, into one chain
        competencies = [sg["competency_id"] for sg in fresh["suggestions"]][:6]
        failures: list[str] = []

        def decide(client: httpx.Client, offset: int) -> None:
            for i in range(8):
                cid = competencies[(i + offset) % len(competencies)]
                action = "accept" if (i + offset) % 2 else "reject"
                r = client.post(f"/v1/suggestions/{fresh['id']}/decisions", headers=reviewer,
                                json={"decisions": [{"competency_id": cid, "action": action}]})
                if r.status_code != 201:
                    failures.append(r.text)

        threads = [threading.Thread(target=decide, args=(c, k)) for k, c in enumerate((a, b, a, b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert failures == []
        history = a.get(f"/v1/suggestions/{fresh['id']}/decisions", headers=reviewer).json()["history"]
        assert len(history) == 32
        verify = subprocess.run([sys.executable, "-c", "from suggest.cli import app; app()", "audit", "verify"],
                                env={**env, "CDE_DATA_DIR": str(tmp_path / "a")}, cwd=REPO, capture_output=True,
                                text=True, timeout=120)
        assert verify.returncode == 0 and verify.stdout.startswith("ok:"), verify.stdout + verify.stderr
        reader = Store.open(db_url_pg, run_migrations=False)
        events = reader.list_events(limit=200)[0]
        reader.close()
        loads = [e for e in events if e["kind"] == "dictionary.load" and e["subject"] == version["fingerprint"]]
        assert len(loads) == 2  # each replica recorded switching to the new version
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
