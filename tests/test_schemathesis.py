"""Schemathesis over the whole API, in process (issue 13 item 10): every operation, positive and negative
examples from the committed contract, all checks, a fixed seed and a bounded number of examples, real ids
for the set, position and proposal routes. Passing means: no 500, no undocumented status or header, every
answer matches its schema, invalid data is refused, and schema-valid data is accepted unless the refusal is
one no schema can express (below).

The server runs the bundled dictionary (so the contract's examples name competencies that exist) with the
fake encoder for speed; the real model's behaviour is covered by the slow tests of the routes themselves."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance  # noqa: E402

from suggest.api import create_app  # noqa: E402
from suggest.dictionary import load_dictionary  # noqa: E402
from suggest.index import build_or_load  # noqa: E402
from suggest.settings import Settings  # noqa: E402
from suggest.store import Store  # noqa: E402
from suggest.suggester import Suggester  # noqa: E402

from .conftest import FakeEncoder  # noqa: E402

pytestmark = pytest.mark.slow

SEED = 20250301
MAX_EXAMPLES = 100  # per operation and phase; about two minutes on two cores
SEEN: dict[str, list[int]] = {}  # operation -> statuses answered, for the closing test
REAL_COMPETENCIES: dict[str, list[str]] = {}  # decisions path -> competency ids its owner has
REAL_BODY_IDS: dict[str, dict[str, object]] = {}  # path -> body fields set to real ids (drafts, publishing)

# Refusals of schema-valid requests that depend on state or content, which no schema can state:
# a competency not in *this* set or position (or, for an add, not in its dictionary), an activity or role index
# past *this* JD's, an edit that would leave a role empty, a text that segments into nothing, a file whose bytes
# are not what its name says, a name of only spaces. Each is a registered code with its own message;
# `validation_error` (the schema's own rules) is deliberately not here, so a disagreement between schema and
# validation still fails.
SEMANTIC_422 = {"unknown_competency", "unknown_activity", "unknown_role", "too_few_roles", "empty_role",
                "same_role", "activity_not_in_role", "no_activities", "modify_needs_change", "empty_text",
                "too_many_activities", "text_too_long", "invalid_name", "invalid_field", "not_utf8",
                "unreadable_file", "no_text", "unsupported_file", "invalid_cursor", "segmentation_changed",
                # only an "add" is placed on an activity or a role (the schema keeps one shape for every action)
                "placement_needs_add",
                # JSON may escape a lone surrogate ("\\ud800"), which JSON Schema's string cannot exclude and
                # no database can store (issue 13 item 3)
                "invalid_characters",
                # a blank ASK statement in a draft (the ASK body is shared with proposals, which refuse it too)
                "invalid_draft"}
# 409 is the answer to a change that clashed with an earlier one (a stale revision, a proposal decided
# before, a reused Idempotency-Key): the request was well formed, the state had moved on.
CLASH_409 = {"revision_conflict", "proposal_already_decided", "idempotency_key_reused", "dictionary_changed",
             "nothing_to_withdraw",
             # dictionary drafts: one per proposal, frozen once published, publishable only when approved,
             # complete and not clashing with a name the dictionary has
             "draft_exists", "draft_changed", "draft_published", "proposal_not_approved", "draft_incomplete",
             "duplicate_competency_name", "nothing_to_publish"}
# a publish makes this server rebuild its index for a moment; a rerun in that window is asked to retry
RETRY_503 = {"dictionary_reloading"}


# Built at collection, because schemathesis reads the schema then; `world` gives it its store and suggester
# before any request. The settings are the contract's defaults, bar what `world` explains.
# The key is the development key (accepted from the in-process client, a loopback peer), so schemathesis
# holds it from the start and can leave it out itself when it tests that auth is enforced.
DEV_KEY = "fuzz-dev-key"
# The multilingual model is off here: a fuzzed `lang: hi` would otherwise embed the whole dictionary with
# it on the first call (minutes on 2 cores) and time the request out. Hindi lines then take the
# "not handled" path, which is part of the contract too; tests/test_hindi.py covers the model itself.
SETTINGS = Settings(rate_model_per_min=0, rate_writes_per_min=0, dev_key=DEV_KEY, multilingual=False)
APP = create_app(SETTINGS, load=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=SchemathesisConfig.from_dict({
    "seed": SEED, "auth": {"openapi": {"bearer": {"bearer": DEV_KEY}}},
    # Unknown query parameters are ignored, as HTTP APIs conventionally do (proxies and tracing add
    # them) and as OpenAPI cannot declare otherwise; so schemathesis does not send them as "invalid".
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True,
                   "allow-extra-parameters": False}}))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    # rate limits off (above): the fuzzer sends hundreds of model calls a minute with one key; 429 is
    # documented and tested in test_hardening_api.py
    settings = SETTINGS.model_copy(update={"data_dir": base})
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    store = Store.open(f"sqlite:///{base / 'cde.db'}")
    services = APP.state.services
    services.suggester = Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))
    services.store = store
    auth = {"Authorization": f"Bearer {DEV_KEY}"}
    client = TestClient(APP)
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    s = client.post("/v1/suggestions", json=spec["SuggestRequest"]["examples"][0], headers=auth).json()
    p = client.post("/v1/positions", json=spec["PositionIn"]["examples"][0], headers=auth).json()
    proposal = client.post(f"/v1/suggestions/{s['id']}/proposals",
                           json={"activity_index": 0, "name": "Relief funds", "type": "Domain"}, headers=auth)
    # drafts: one to read and edit (its proposal undecided), one complete and approved to publish, and a
    # proposal of their own for generated drafts
    from .test_dictionary_e2e import ENTRY

    def propose(name: str, approve: bool) -> str:
        pid = client.post(f"/v1/suggestions/{s['id']}/proposals", headers=auth,
                          json={"activity_index": 0, "name": name, "type": "Functional"}).json()["id"]
        if approve:
            client.patch(f"/v1/proposals/{pid}", json={"status": "approved"}, headers=auth)
        return pid

    editable = client.post("/v1/dictionary/drafts", headers=auth,
                           json={"proposal_id": propose("Museum records", False), "theme": "Culture"}).json()
    ready = client.post("/v1/dictionary/drafts", headers=auth,
                        json={"proposal_id": propose("Museum collection care", True), **ENTRY}).json()
    REAL_BODY_IDS["/v1/dictionary/drafts"] = {"proposal_id": propose("Museum loans", True)}
    REAL_BODY_IDS["/v1/dictionary/versions"] = {"draft_ids": [ready["id"]]}
    ids = {"set_id": s["id"], "position_id": p["id"], "proposal_id": proposal.json()["id"],
           "competency_id": s["suggestions"][0]["competency_id"], "draft_id": editable["id"]}
    # competencies each owner really has, so generated decisions can land, not only be refused as unknown
    REAL_COMPETENCIES["/v1/suggestions/{set_id}/decisions"] = [x["competency_id"] for x in s["suggestions"]]
    REAL_COMPETENCIES["/v1/positions/{position_id}/decisions"] = sorted(
        {c["competency_id"] for r in p["roles"] for c in r["competencies"]})
    yield ids
    services.suggester = services.store = None
    store.close()


def accepts_valid_data(ctx, response, case):
    """positive_data_acceptance, with the refusals no schema can express allowed (see above)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code < 400:
        return None
    if response.status_code in (401, 403, 404):  # as the built-in check allows
        return None
    try:
        code = response.json().get("code")
    except Exception:  # not a JSON error body: nothing can excuse the refusal
        code = None
    if (response.status_code, code) in {(422, c) for c in SEMANTIC_422} | {(409, c) for c in CLASH_409} | \
            {(503, c) for c in RETRY_503}:
        return None
    raise AssertionError(f"schema-valid request refused: {response.status_code} {code}: {response.text[:300]}")


@schema.parametrize()
def test_api_keeps_its_contract(case, world):
    ids = world
    for name, value in ids.items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = value  # real ids, so the sub-routes are reached, not just their 404
    real = REAL_COMPETENCIES.get(case.operation.path)
    if real and case.meta.generation.mode.is_positive and isinstance(case.body, dict):
        on_set = case.operation.path.startswith("/v1/suggestions/")
        for i, decision in enumerate(case.body.get("decisions") or []):
            if isinstance(decision, dict):
                decision["competency_id"] = real[i % len(real)]
                # only an add is placed, on an activity of a set or a role of a position (placement_needs_add)
                add = decision.get("action") == "add"
                decision["activity_index"] = 0 if add and on_set else None
                decision["role_id"] = 0 if add and not on_set else None
    body_ids = REAL_BODY_IDS.get(case.operation.path)
    if body_ids and case.operation.method.upper() == "POST" and case.meta.generation.mode.is_positive \
            and isinstance(case.body, dict):
        case.body.update({k: v for k, v in body_ids.items() if k in case.body or k == "proposal_id"})
    excluded = [positive_data_acceptance]  # replaced by accepts_valid_data
    if case.operation.path == "/v1/extract":
        # A multipart part is bytes: "a number where the file should be" is a file holding those digits, so
        # type mutations of the upload cannot be refused. A missing file is still refused (422), and the
        # upload's real refusals are tested in test_extract.py.
        excluded.append(negative_data_rejection)
    response = case.call_and_validate(excluded_checks=excluded, additional_checks=[accepts_valid_data])
    SEEN.setdefault(case.operation.label, []).append(response.status_code)


def test_every_operation_was_reached_and_answered_2xx():
    """Runs after the fuzzing above: it was not all 401s or 404s; every operation did its work."""
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert len(operations) >= 28 and operations <= set(SEEN)
    quiet = sorted(label for label, statuses in SEEN.items() if not any(200 <= s < 300 for s in statuses))
    assert quiet == []
    total = sum(map(len, SEEN.values()))
    print(f"schemathesis: {total} requests over {len(SEEN)} operations, 0 failures")
