"""A Python client generated from docs/openapi.json (openapi-python-client, as an integrator would) runs the
whole flow against a live server with typed attribute access only (issue 17): suggest, decide, build a
position, export iGOT and FRAC, read the audit and the feed. The client is generated into a temporary
folder for each run and never committed, so it is always the client of the committed contract.

The server runs the fake encoder over the tiny dictionary for speed; the real model's path through the same
routes is covered by test_positions.py::test_position_flow_with_the_real_model."""

from __future__ import annotations

import importlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder
from .test_positions import JD

CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def _generator() -> str:
    beside = Path(sys.executable).parent / "openapi-python-client"
    found = str(beside) if beside.exists() else shutil.which("openapi-python-client")
    if found is None:
        pytest.fail("openapi-python-client is a test dependency: pip install -e '.[test]'")
    return found


@pytest.fixture(scope="module")
def client_pkg(tmp_path_factory):
    out = tmp_path_factory.mktemp("client")
    config = out / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter runs: nothing outside the venv is needed
    subprocess.run([_generator(), "generate", "--path", str(CONTRACT), "--meta", "none", "--config", str(config),
                    "--output-path", str(out / "cde_client")], check=True, capture_output=True, timeout=120)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("cde_client")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "cde_client" or n.startswith("cde_client.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("server")
    settings = Settings(data_dir=base, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.3, unmatched_score=0.3)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    store = Store.open(f"sqlite:///{base / 'cde.db'}", audit_key=b"client-e2e-audit-key-0123456789")
    keys = {role: store.create_key(f"{role}-1", role)[0] for role in ("viewer", "reviewer", "admin")}
    suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    app = create_app(settings, suggester=suggester, store=store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    live = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", keys
    live.should_exit = True
    thread.join(10)
    store.close()


def test_generated_client_runs_the_whole_flow_typed(client_pkg, server):
    from cde_client import AuthenticatedClient
    from cde_client.api.admin import list_audit_events
    from cde_client.api.events import list_events
    from cde_client.api.positions import create_position, export_position, get_mapping
    from cde_client.api.review import get_decision_history, record_decisions, record_position_decisions
    from cde_client.api.suggestions import create_suggestion_set
    from cde_client.models import (DecisionIn, DecisionInAction, DecisionsRequest, Error, EventPage,
                                   ExportPositionFormat, FracCompetency, FracPosition, GetMappingFormat,
                                   IgotExport, PositionIn, SuggestionSet, SuggestRequest)

    url, keys = server
    viewer = AuthenticatedClient(base_url=url, token=keys["viewer"])
    reviewer = AuthenticatedClient(base_url=url, token=keys["reviewer"])
    admin = AuthenticatedClient(base_url=url, token=keys["admin"])

    # suggest
    created = create_suggestion_set.sync(client=viewer, body=SuggestRequest(text=JD, position="SO Coordination"))
    assert isinstance(created, SuggestionSet) and created.suggestions
    first = created.suggestions[0]
    assert first.competency_area_name in ("Behavioural", "Functional", "Domain") and first.evidence[0].text
    assert created.activities[first.evidence[0].activity].text == first.evidence[0].text

    # decide, and read the history
    batch = record_decisions.sync(created.id, client=reviewer, body=DecisionsRequest(decisions=[
        DecisionIn(competency_id=first.competency_id, action=DecisionInAction.MODIFY, level=2)]))
    assert batch.decisions[0].level == 2 and batch.decisions[0].reviewer == "reviewer-1"
    history = get_decision_history.sync(created.id, client=viewer)
    assert [d.id for d in history.history] == [batch.decisions[0].id]
    refused = record_decisions.sync(created.id, client=reviewer, body=DecisionsRequest(decisions=[
        DecisionIn(competency_id="NOT-THERE", action=DecisionInAction.ACCEPT)]))
    assert isinstance(refused, Error) and refused.code == "unknown_competency"

    mapping = get_mapping.sync("SO Coordination", client=viewer, format_=GetMappingFormat.IGOT)
    assert isinstance(mapping, IgotExport)
    assert [(c.competency_sub_theme_ref_id, c.level) for c in mapping.competencies_v6] == [(first.competency_id, 2)]

    # a position: roles, a decision, exports
    position = create_position.sync(client=viewer, body=PositionIn(title="Section Officer (Coordination)",
                                                                    department="DoRD", text=JD))
    assert len(position.roles) == 3 and position.revision == 1
    competency = position.roles[0].competencies[0]
    decided = record_position_decisions.sync(position.id, client=reviewer, body=DecisionsRequest(decisions=[
        DecisionIn(competency_id=competency.competency_id, action=DecisionInAction.ACCEPT)]))
    assert decided.decisions[0].position_id == position.id

    igot = export_position.sync(position.id, client=viewer, format_=ExportPositionFormat.IGOT)
    assert isinstance(igot, IgotExport) and igot.position == position.title
    assert [c.competency_sub_theme_ref_id for c in igot.competencies_v6] == [competency.competency_id]
    frac = export_position.sync(position.id, client=viewer, format_=ExportPositionFormat.FRAC)
    assert isinstance(frac, FracPosition) and frac.children[0].type_ == "ROLE"
    nodes = [n for n in frac.children[0].children if isinstance(n, FracCompetency)]
    assert [n.id for n in nodes] == [competency.competency_id]
    assert nodes[0].additional_properties.competency_type == competency.competency_area_name
    assert nodes[0].children[0].level == f"Level {competency.suggested_level}"

    # the audit trail (admin) and the feed (any key)
    audit = list_audit_events.sync(client=admin, limit=50)
    kinds = [e.kind for e in audit.items]
    assert {"suggestion_set.create", "decision", "position.create", "position.decision"} <= set(kinds)
    feed = list_events.sync(client=viewer, limit=50)
    assert isinstance(feed, EventPage) and not feed.has_more
    recorded = [e for e in feed.items if e.type_ == "decision.recorded"]
    assert recorded[0].decision.level == 2 and recorded[0].set_id == created.id
    assert list_events.sync(client=viewer, after=feed.next_cursor).items == []
