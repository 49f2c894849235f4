"""Issue 13, items 1-3 and 6-9: each found by an outside attack, reproduced here before it was fixed.

The app runs over a real store (SQLite and PostgreSQL) with the fake-encoder suggester of test_api."""

from __future__ import annotations

import os
import re
import stat
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.errors import InputError
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester, check_text

from .conftest import DATA, FakeEncoder
from .test_api import JD, create, env, h  # noqa: F401  (env is a fixture)

POSITION = {"title": "Section Officer", "department": "Department of Rural Development", "text": JD}


def _position(client, keys) -> dict:
    r = client.post("/v1/positions", json=POSITION, headers=h(keys["viewer"]))
    assert r.status_code == 201, r.text
    return r.json()


# ---------------------------------------------------------------- 1. CSV Content-Disposition


@pytest.mark.parametrize("position", ["अनुभाग अधिकारी", "SO \u202e vsc.exe", "a\r\nSet-Cookie: x=1",
                                      'a"; x=".csv', "a;b,c\\d", "plain"])
def test_csv_export_names_any_position_safely(env, position):
    client, keys, _ = env
    r = client.get(f"/v1/mappings/{quote(position, safe='')}/competencies?format=csv", headers=h(keys["viewer"]))
    assert r.status_code == 200, r.text
    disposition = r.headers["content-disposition"]
    assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.endswith(".csv") and all(c.isalnum() or c in "._- " for c in fallback)
    assert "/" not in fallback and '"' not in fallback
    assert disposition.count(";") == 2  # attachment; filename=...; filename*=... and nothing injected
    exact = re.sub(r"[\x00-\x1f\x7f]", "", position)  # control characters never belong in a file name
    assert disposition.endswith("filename*=UTF-8''" + quote(exact + ".csv", safe=""))


# ---------------------------------------------------------------- 2. paging bounds


@pytest.mark.parametrize("path", ["/v1/audit", "/v1/suggestions", "/v1/proposals", "/v1/positions",
                                  "/v1/competencies"])
@pytest.mark.parametrize("query", ["offset=9223372036854775808", "offset=99999999999999999999999", "offset=-1",
                                   "limit=0", "limit=9223372036854775808"])
def test_paging_out_of_range_is_422_never_500(env, path, query):
    client, keys, _ = env
    r = client.get(f"{path}?{query}", headers=h(keys["admin"]))
    assert r.status_code == 422, r.text
    assert r.json()["code"] in ("page_out_of_range", "validation_error")


def test_largest_offset_is_served(env):
    client, keys, _ = env
    r = client.get("/v1/audit?offset=1000000000", headers=h(keys["admin"]))
    assert r.status_code == 200 and r.json()["items"] == []


# ---------------------------------------------------------------- 3. text: surrogates, NFC, zero-width


def test_check_text_normalises_and_refuses():
    assert check_text("Cafe\u0301 budget", 100) == "Café budget"
    with pytest.raises(InputError) as caught:
        check_text("budget \ud800 work", 100)
    assert caught.value.code == "invalid_characters" and caught.value.status == 422
    for blank in ("\u200b\u200c\u200d", "\ufeff \u2060\n"):
        with pytest.raises(InputError) as caught:
            check_text(blank, 100)
        assert caught.value.code == "empty_text"


@pytest.mark.parametrize("route", ["/v1/suggestions", "/v1/positions"])
def test_lone_surrogate_is_refused_before_the_model(env, route):
    client, keys, store = env
    before = store.list_events(limit=1)[1]
    body = {"text": "Prepare the budget \ud800 estimates."}
    if route == "/v1/positions":
        body = {**POSITION, **body}
    # httpx would refuse to encode a lone surrogate, so the JSON is written by hand
    raw = ('{' + ",".join(f'"{k}": "{v}"' for k, v in body.items() if k != "text")
           + (',' if len(body) > 1 else '') + '"text": "Prepare the budget \\ud800 estimates."}')
    r = client.post(route, content=raw, headers={**h(keys["viewer"]), "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_characters", r.text
    assert store.list_events(limit=1)[1] == before  # nothing stored


def test_lone_surrogate_in_any_field_is_422(env):
    client, keys, _ = env
    raw = '{"text": "Prepare the budget.", "position": "SO \\udfff"}'
    r = client.post("/v1/suggestions", content=raw, headers={**h(keys["viewer"]), "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_characters"


def test_zero_width_text_is_empty_like_whitespace(env):
    client, keys, _ = env
    for text in ("   \n", "\u200b\u200b\u200d"):
        r = client.post("/v1/suggestions", json={"text": text}, headers=h(keys["viewer"]))
        assert r.status_code == 422 and r.json()["code"] in ("empty_text", "validation_error"), (text, r.text)


def test_a_text_of_digits_is_not_a_500(env):
    """Found by schemathesis: a line with no words made the header reader index an empty list."""
    client, keys, _ = env
    for route, body in (("/v1/suggestions", {"text": "00"}), ("/v1/positions", {**POSITION, "text": "00"})):
        r = client.post(route, json=body, headers=h(keys["viewer"]))
        assert r.status_code in (201, 422), (route, r.text)


def test_stored_text_is_nfc(env):
    client, keys, _ = env
    r = client.post("/v1/suggestions", json={"text": "Prepare the budget of the Cafe\u0301 division."},
                    headers=h(keys["viewer"]))
    assert r.status_code == 201 and "Café" in r.json()["text"]


# ---------------------------------------------------------------- 6. 405 keeps Allow


def test_nul_in_path_or_query_is_422_on_every_backend(env):
    client, keys, _ = env
    for url in ("/v1/mappings/a%00b/competencies?format=csv", "/v1/suggestions?position=a%00b",
                "/v1/suggestions/a%00b", "/v1/audit?kind=%00"):
        r = client.get(url, headers=h(keys["admin"]))
        assert r.status_code == 422 and r.json()["code"] == "invalid_characters", (url, r.text)


def test_405_keeps_allow_header(env):
    client, keys, _ = env
    r = client.delete("/v1/suggestions", headers=h(keys["viewer"]))
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


# ---------------------------------------------------------------- 7. OpenAPI says what the code does


def test_openapi_states_the_bounds(env):
    client, _, _ = env
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p["schema"] for p in spec["paths"]["/v1/audit"]["get"]["parameters"]}
    assert params["limit"]["anyOf"][0]["minimum"] == 1 and params["limit"]["anyOf"][0]["maximum"] == 20
    assert params["offset"]["minimum"] == 0 and params["offset"]["maximum"] == Settings().max_page_offset
    schemas = spec["components"]["schemas"]
    assert schemas["SuggestRequest"]["properties"]["text"]["minLength"] == 1
    assert schemas["PositionIn"]["properties"]["text"]["minLength"] == 1
    assert schemas["DecisionIn"]["properties"]["competency_id"]["minLength"] == 1
    csv = spec["paths"]["/v1/mappings/{title}/competencies"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv
    gap = spec["paths"]["/v1/positions/{position_id}/gap"]["post"]["responses"]["200"]["content"]
    assert "text/csv" in gap
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if path.startswith("/v1/") and path != "/v1/errors":
                # per route (issue 17): what it can answer, each with the Error schema
                expected = {"401", "422"} | ({"404"} if "_id}" in path else set()) \
                    | ({"400", "413"} if "requestBody" in op else set())
                assert expected <= set(op["responses"]), (method, path)
                assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}


# ---------------------------------------------------------------- 8. strict levels


@pytest.mark.parametrize("level", [True, "3", 3.5, 0, 6, 2 ** 70])
def test_decision_levels_are_strict(env, level):
    client, keys, _ = env
    s = create(client, keys)
    cid = s["suggestions"][0]["competency_id"]
    r = client.post(f"/v1/suggestions/{s['id']}/decisions",
                    json={"decisions": [{"competency_id": cid, "action": "accept", "level": level}]},
                    headers=h(keys["reviewer"]))
    assert r.status_code == 422, (level, r.text)


def test_an_integral_json_number_is_a_level(env):
    """JSON Schema's integer includes 3.0, so a client keeping to the schema may send it (issue 13 item 10):
    it is 3, while 3.5, "3" and true stay refused (above)."""
    client, keys, _ = env
    s = create(client, keys)
    cid = s["suggestions"][0]["competency_id"]
    r = client.post(f"/v1/suggestions/{s['id']}/decisions",
                    json={"decisions": [{"competency_id": cid, "action": "accept", "level": 3.0}]},
                    headers=h(keys["reviewer"]))
    assert r.status_code == 201 and r.json()["decisions"][0]["level"] == 3


@pytest.mark.parametrize("level", [-5, 6, 2 ** 70, True, "3"])
def test_gap_levels_are_0_to_5(env, level):
    client, keys, _ = env
    p = _position(client, keys)
    r = client.post(f"/v1/positions/{p['id']}/gap", json={"levels": {"FUN-001": level}}, headers=h(keys["viewer"]))
    assert r.status_code == 422, (level, r.text)
    ok = client.post(f"/v1/positions/{p['id']}/gap", json={"levels": {"FUN-001": 0}}, headers=h(keys["viewer"]))
    assert ok.status_code == 200


# ---------------------------------------------------------------- 9. smaller gaps


def test_x_api_key_header_is_not_accepted(env):
    client, keys, _ = env
    r = client.get("/v1/suggestions", headers={"X-Api-Key": keys["viewer"]})
    assert r.status_code == 401 and r.json()["code"] == "missing_key"


def test_idempotency_keys_are_scoped_to_their_route(env):
    """The same key on a set and on a position is two different requests, each replayed on its own."""
    client, keys, _ = env
    s = create(client, keys)
    p = _position(client, keys)
    hdr = {**h(keys["reviewer"]), "Idempotency-Key": "same-key"}
    set_body = {"decisions": [{"competency_id": s["suggestions"][0]["competency_id"], "action": "accept"}]}
    cid = p["roles"][0]["competencies"][0]["competency_id"]
    pos_body = {"decisions": [{"competency_id": cid, "action": "reject"}]}
    a = client.post(f"/v1/suggestions/{s['id']}/decisions", json=set_body, headers=hdr)
    b = client.post(f"/v1/positions/{p['id']}/decisions", json=pos_body, headers=hdr)
    assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
    assert b.json()["decisions"][0]["action"] == "reject"
    again = client.post(f"/v1/suggestions/{s['id']}/decisions", json=set_body, headers=hdr)
    assert again.json() == a.json()


def test_sqlite_file_and_folder_are_private(tmp_path):
    folder = tmp_path / "data"
    store = Store.open(f"sqlite:///{folder / 'cde.db'}")
    store.record_event("test", "probe", "x", {})
    store.close()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for name in ("cde.db", "cde.db-wal", "cde.db-shm"):
        if (folder / name).exists():
            assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name


@pytest.fixture
def limited(tmp_path):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.2,
                        unmatched_score=0.2, rate_model_per_min=2, rate_writes_per_min=3)
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}")
    app = create_app(settings, suggester=Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir)),
                     store=store)
    keys = {name: store.create_key(name, "reviewer")[0] for name in ("a", "b")}
    with TestClient(app) as client:
        yield client, keys


def test_rate_limit_per_key_for_model_calls(limited):
    client, keys = limited
    codes = [client.post("/v1/suggestions", json={"text": JD}, headers=h(keys["a"])).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    r = client.post("/v1/suggestions", json={"text": JD}, headers=h(keys["a"]))
    assert r.json()["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    assert client.post("/v1/suggestions", json={"text": JD}, headers=h(keys["b"])).status_code == 201
    assert client.get("/v1/suggestions", headers=h(keys["a"])).status_code == 200  # reads are not limited


def test_rate_limit_per_key_for_writes(limited):
    client, keys = limited
    s = client.post("/v1/suggestions", json={"text": JD}, headers=h(keys["b"])).json()
    url = f"/v1/suggestions/{s['id']}/decisions"
    body = {"decisions": [{"competency_id": s["suggestions"][0]["competency_id"], "action": "accept"}]}
    codes = [client.post(url, json=body, headers=h(keys["a"])).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    assert client.post(url, json=body, headers=h(keys["b"])).status_code == 201
