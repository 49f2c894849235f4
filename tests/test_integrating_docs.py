"""docs/integrating-examples.md, the curl examples the README's "Integrating" section links, is generated
here from requests this test also sends to a real app and store: an example whose route, body or answer
changed fails here instead of going stale. CDE_UPDATE_DOCS=1 rewrites the file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder
from .test_positions import JD

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "integrating-examples.md"

# (what it does, key variable, method, path with $VARIABLES, body or None, status, answer schema)
EXAMPLES = [
    ("Suggest competencies for a JD", "KEY", "POST", "/v1/suggestions",
     {"text": "Duties:\n- Prepare the budget estimates of the division.\n- Reply to RTI applications on time.",
      "position": "Section Officer (Budget)"}, 201, "SuggestionSet"),
    ("Read a suggestion set with its reviews", "KEY", "GET", "/v1/suggestions/$SET_ID", None, 200, "SuggestionSet"),
    ("Record decisions (a retry with the same Idempotency-Key writes nothing)", "REVIEWER_KEY", "POST",
     "/v1/suggestions/$SET_ID/decisions", {"decisions": [{"competency_id": "$COMPETENCY_ID", "action": "modify",
                                                         "level": 2}]}, 201, "DecisionBatch"),
    ("Search the dictionary for what the service missed", "KEY", "GET", "/v1/competencies?q=mentoring", None, 200,
     "CompetencyPage"),
    ("Add it to an activity (a reviewer's addition, recorded like any decision)", "REVIEWER_KEY", "POST",
     "/v1/suggestions/$SET_ID/decisions", {"decisions": [{"competency_id": "BEH-001", "action": "add",
                                                         "activity_index": 0, "comment": "guides the dealing hands"}]},
     201, "DecisionBatch"),
    ("Take back your newest decision on it (undo)", "REVIEWER_KEY", "POST", "/v1/suggestions/$SET_ID/decisions",
     {"decisions": [{"competency_id": "BEH-001", "action": "withdraw"}]}, 201, "DecisionBatch"),
    ("Where each competency stands, and the whole history", "KEY", "GET", "/v1/suggestions/$SET_ID/decisions", None,
     200, "DecisionHistory"),
    ("A position's accepted mapping in iGOT's competencies_v6", "KEY", "GET",
     "/v1/mappings/Section%20Officer%20(Budget)/competencies?format=igot", None, 200, "IgotExport"),
    ("Build a position: roles from the JD's headings (with set_id it shows that set's decisions)", "KEY", "POST",
     "/v1/positions", {"title": "Section Officer (Coordination)", "department": "DoRD", "text": JD,
                       "set_id": "$SET_ID"}, 201, "Position"),
    ("Accept a competency of the position", "REVIEWER_KEY", "POST", "/v1/positions/$POSITION_ID/decisions",
     {"decisions": [{"competency_id": "$POSITION_COMPETENCY_ID", "action": "accept"}]}, 201,
     "PositionDecisionBatch"),
    ("Rename a role (send the revision you saw: 409 if someone changed it meanwhile)", "REVIEWER_KEY", "POST",
     "/v1/positions/$POSITION_ID/edits", {"op": "rename", "role": 0, "name": "Budget", "revision": 1}, 200,
     "Position"),
    ("Export the position for FRAC", "KEY", "GET", "/v1/positions/$POSITION_ID/export?format=frac", None, 200,
     "FracPosition"),
    ("Export the position for iGOT", "KEY", "GET", "/v1/positions/$POSITION_ID/export?format=igot", None, 200,
     "IgotExport"),
    ("Training needs of an official", "KEY", "POST", "/v1/positions/$POSITION_ID/gap",
     {"levels": {"$POSITION_COMPETENCY_ID": 1}}, 200, "TrainingNeeds"),
    ("Look a competency up in the dictionary", "KEY", "GET", "/v1/competencies?q=budget&limit=5", None, 200,
     "CompetencyPage"),
    ("Follow changes: read the feed, keep next_cursor, read again from it", "KEY", "GET",
     "/v1/events?limit=100", None, 200, "EventPage"),
    ("The audit trail (admin)", "ADMIN_KEY", "GET", "/v1/audit?limit=20", None, 200, "AuditPage"),
    ("Every error code with its status and message", None, "GET", "/v1/errors", None, 200, "ErrorCode map"),
]


def _curl(key: str | None, method: str, path: str, body) -> str:
    parts = ["curl -sS"] + ([f"-X {method}"] if method != "GET" else [])
    if key:
        parts.append(f'-H "Authorization: Bearer ${key}"')
    if body is not None:
        parts.append("-H 'Content-Type: application/json'")
        text = json.dumps(body, ensure_ascii=False).replace("'", "'\\''")
        # a $VARIABLE inside the single-quoted body is spliced in double quotes, so the shell expands it
        parts.append("-d '" + re.sub(r"\$([A-Z_]+)", lambda m: f"'\"${m.group(1)}\"'", text) + "'")
    parts.append(f'"$CDE{path}"')
    return " \\\n  ".join(parts)


def render() -> str:
    lines = ["# Integrating: one curl example per main route", "",
             "Generated by `tests/test_integrating_docs.py`, which sends each request to a real app and store and",
             "checks the status and the answer's schema; do not edit by hand (`CDE_UPDATE_DOCS=1` regenerates).",
             "Set `CDE` to the service's address and `KEY`, `REVIEWER_KEY`, `ADMIN_KEY` to API keys of those",
             "roles; `$SET_ID`, `$POSITION_ID` and the competency ids come from the answers before them.", ""]
    for title, key, method, path, body, status, answer in EXAMPLES:
        lines += [f"## {title}", "", "```bash", _curl(key, method, path, body), "```", "",
                  f"→ {status}, `{answer}` (see docs/openapi.json)", ""]
    return "\n".join(lines)


def _fill(value, ids: dict[str, str]):
    text = json.dumps(value)
    for name, real in ids.items():
        text = text.replace(f"${name}", real)
    return json.loads(text)


@pytest.fixture
def client(tmp_path):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.3,
                        unmatched_score=0.3)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}")
    keys = {name: store.create_key(name, role)[0] for name, role in
            (("KEY", "viewer"), ("REVIEWER_KEY", "reviewer"), ("ADMIN_KEY", "admin"))}
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    app = create_app(settings, suggester=suggester, store=store)
    with TestClient(app) as c:
        yield c, keys
    store.close()


def test_every_example_runs_and_the_doc_matches(client):
    c, keys = client
    schemas = c.get("/openapi.json").json()["components"]["schemas"]
    ids: dict[str, str] = {}
    for title, key, method, path, body, status, answer in EXAMPLES:
        headers = {"Authorization": f"Bearer {keys[key]}"} if key else {}
        r = c.request(method, _fill(path, ids).replace("%20", " "), json=_fill(body, ids), headers=headers)
        assert r.status_code == status, (title, r.text)
        got = r.json()
        if answer in schemas:  # the answer has the schema's required fields
            assert set(schemas[answer]["required"]) <= set(got), title
        if path == "/v1/suggestions":
            ids.update(SET_ID=got["id"], COMPETENCY_ID=got["suggestions"][0]["competency_id"])
        if path == "/v1/positions":
            ids.update(POSITION_ID=got["id"],
                       POSITION_COMPETENCY_ID=got["roles"][0]["competencies"][0]["competency_id"])
    if os.environ.get("CDE_UPDATE_DOCS") == "1":
        DOC.write_text(render(), encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == render(), "stale: CDE_UPDATE_DOCS=1 pytest tests/test_integrating_docs.py"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/integrating-examples.md" in readme and "## Integrating" in readme
