"""Online quality from reviewer decisions (pure rows and a real SQLite store), and the eval report."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from suggest.api import create_app
from suggest.dictionary import load_dictionary
from suggest.evaluation import report, suites
from suggest.evaluation.benchmarks import load_gold
from suggest.evaluation.online import decision_quality, iso_week, latest_decisions, quality
from suggest.index import build_or_load
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, FakeEncoder

F, B, D = "Functional", "Behavioural", "Domain"
SETS = [
    {"id": "S1", "suggestions": [{"competency_id": c, "competencyAreaName": t, "score": 0.9 - i / 10}
                                 for i, (c, t) in enumerate([("A", F), ("B", B), ("C", F), ("D", F), ("E", F),
                                                             ("F", D)])]},
    {"id": "S2", "suggestions": [{"competency_id": "X", "competencyAreaName": F, "score": 0.8},
                                 {"competency_id": "Y", "competencyAreaName": D, "score": 0.7}]},
]


def _d(i, set_id, cid, action, reviewer, at):
    return {"id": i, "set_id": set_id, "competency_id": cid, "action": action, "reviewer": reviewer, "at": at}


DECISIONS = [
    _d(1, "S1", "A", "accept", "r1", "2026-11-23T09:00:00.000000Z"),  # Monday of 2026-W48
    _d(2, "S1", "A", "reject", "r2", datetime(2026, 11, 24, 10, tzinfo=UTC)),
    _d(3, "S1", "B", "reject", "r1", "2026-11-24T11:00:00Z"),  # superseded by 4
    _d(4, "S1", "B", "accept", "r1", "2026-11-30T08:00:00Z"),  # 2026-W49
    _d(5, "S1", "F", "accept", "r1", "2026-11-30T08:00:00Z"),  # rank 6: outside every top-k
    _d(6, "S2", "Y", "modify", "r1", "2026-12-01T08:00:00Z"),
    _d(7, "S2", "X", "reject", "r2", "2026-12-01T08:00:00Z"),
    _d(8, "S2", "X", "reject", "r1", "2026-12-02T08:00:00Z"),
]


def test_latest_decision_wins_and_weeks():
    current = latest_decisions(DECISIONS)
    assert sorted(d["id"] for d in current) == [1, 2, 4, 5, 6, 7, 8]
    assert iso_week("2026-11-23T00:00:00Z") == "2026-W48" and iso_week("2026-11-30T00:00:00Z") == "2026-W49"
    # same timestamp: the higher row id is the newer decision
    tie = [_d(2, "S", "A", "reject", "r", "2026-01-05T00:00:00Z"), _d(1, "S", "A", "accept", "r", "2026-01-05T00:00:00Z")]
    assert [d["action"] for d in latest_decisions(tie)] == ["reject"]


def test_quality_overall():
    q = quality(DECISIONS, SETS)
    assert q["n_decisions"] == 7
    assert q["acceptance_rate"] == pytest.approx(4 / 7)
    # S1 top1 {A}: accept, reject -> .5; S2 top1 {X}: reject, reject -> 0
    assert q["precision_at"][1] == pytest.approx(0.25)
    # S1 top3: A acc, A rej, B acc -> 2/3; S2: X rej, X rej, Y modify -> 1/3
    assert q["precision_at"][3] == pytest.approx(0.5)
    assert q["precision_at"][5] == pytest.approx(0.5)  # F (rank 6) never counts
    assert q["agreement"] == pytest.approx(0.5) and q["n_items_multi"] == 2  # S1/A disagree, S2/X agree
    assert q["n_sets_reviewed"] == 2


def test_quality_by_type_and_week():
    q = quality(DECISIONS, SETS)
    assert set(q["by_type"]) == {F, B, D}
    fun = q["by_type"][F]
    assert fun["n_decisions"] == 4 and fun["acceptance_rate"] == pytest.approx(0.25)
    assert fun["precision_at"][1] == pytest.approx(0.25) and fun["precision_at"][3] == pytest.approx(0.25)
    assert fun["agreement"] == pytest.approx(0.5) and fun["n_items_multi"] == 2
    beh = q["by_type"][B]
    assert beh["n_decisions"] == 1 and beh["precision_at"][1] is None and beh["precision_at"][3] == 1.0
    dom = q["by_type"][D]
    assert dom["n_decisions"] == 2 and dom["acceptance_rate"] == 1.0
    assert dom["precision_at"][3] == 1.0 and dom["agreement"] is None and dom["n_items_multi"] == 0

    assert list(q["by_week"]) == ["2026-W48", "2026-W49"]
    w48, w49 = q["by_week"]["2026-W48"], q["by_week"]["2026-W49"]
    assert w48["n_decisions"] == 2 and w48["acceptance_rate"] == 0.5
    assert w48["agreement"] == 0.0 and w48["n_items_multi"] == 1
    assert w49["n_decisions"] == 5 and w49["acceptance_rate"] == pytest.approx(3 / 5)
    assert w49["agreement"] == 1.0 and w49["n_items_multi"] == 1


def test_quality_empty():
    q = quality([], [])
    assert q["n_decisions"] == 0 and q["acceptance_rate"] is None and q["agreement"] is None
    assert q["precision_at"] == {1: None, 3: None, 5: None} and q["by_type"] == {} and q["by_week"] == {}


def _tiny_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.2,
                    unmatched_score=0.2, dev_key="dev-secret", max_body_bytes=4096, max_text_chars=2000,
                    max_page_size=20)


def _fake_suggester(settings: Settings) -> Suggester:
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    return Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))


JD = "Duties:\n- Prepare the budget estimates of the division.\n- Reply to RTI applications on time.\n" \
     "- Mentor newly joined assistants and guide junior staff.\n"


def test_decision_quality_from_a_real_sqlite_store(tmp_path):
    settings = _tiny_settings(tmp_path)
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}")
    app = create_app(settings, suggester=_fake_suggester(settings), store=store)
    viewer = store.create_key("viewer-1", "viewer")[0]
    r1, r2 = (store.create_key(f"reviewer-{i}", "reviewer")[0] for i in (1, 2))
    with TestClient(app) as client:
        r = client.post("/v1/suggestions", json={"text": JD, "position": "SO Budget"},
                        headers={"Authorization": f"Bearer {viewer}"})
        assert r.status_code == 201, r.text
        created = r.json()
        shown = created["suggestions"]
        assert len(shown) >= 2
        s0, s1 = shown[0]["competency_id"], shown[1]["competency_id"]
        url = f"/v1/suggestions/{created['id']}/decisions"

        def post(key, decisions):
            resp = client.post(url, json={"decisions": decisions}, headers={"Authorization": f"Bearer {key}"})
            assert resp.status_code == 201, resp.text

        post(r1, [{"competency_id": s0, "action": "accept"}, {"competency_id": s1, "action": "reject"}])
        post(r1, [{"competency_id": s1, "action": "modify", "level": 2}])  # a change of mind
        post(r2, [{"competency_id": s0, "action": "reject"}, {"competency_id": s1, "action": "modify", "level": 3}])

    q = decision_quality(store)
    store.close()
    # current: r1 s0 accept, r1 s1 modify, r2 s0 reject, r2 s1 modify
    assert q["n_decisions"] == 4 and q["acceptance_rate"] == pytest.approx(0.75)
    assert q["precision_at"][1] == pytest.approx(0.5)
    assert q["precision_at"][3] == pytest.approx(0.75) and q["precision_at"][5] == pytest.approx(0.75)
    assert q["agreement"] == pytest.approx(0.5) and q["n_items_multi"] == 2
    (week, only), = q["by_week"].items()  # all posted just now: one week, equal to the overall numbers
    assert re.fullmatch(r"\d{4}-W\d{2}", week)
    assert only == {k: v for k, v in q.items() if k not in ("by_type", "by_week", "n_sets_reviewed")}
    t0, t1 = shown[0]["competencyAreaName"], shown[1]["competencyAreaName"]
    assert sum(v["n_decisions"] for v in q["by_type"].values()) == 4
    if t0 != t1:
        assert q["by_type"][t0]["acceptance_rate"] == 0.5 and q["by_type"][t0]["agreement"] == 0.0
        assert q["by_type"][t1]["acceptance_rate"] == 1.0 and q["by_type"][t1]["agreement"] == 1.0


def test_write_report_on_tiny_gold(tmp_path, monkeypatch):
    settings = _tiny_settings(tmp_path)
    suggester = _fake_suggester(settings)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"id": "q1", "split": "test", "text": "Prepare the budget estimates of the division.", "gold": ["FUN-001"]},
        {"id": "q2", "split": "test", "text": "Reply to RTI applications on time.", "gold": ["FUN-002"]},
        {"id": "q3", "split": "test", "text": "Mentor newly joined assistants.", "gold": ["BEH-001"]},
    ]) + "\n", encoding="utf-8")
    bench = load_gold(gold, "test", suggester.dictionary)
    monkeypatch.setattr(suites, "load", lambda *a, **k: bench)
    monkeypatch.setattr(suites, "suggester_for", lambda *a, **k: suggester)
    monkeypatch.setattr(report, "git_commit", lambda: "abc123")

    out = tmp_path / "report"
    res = report.write_report(settings, "gold", "test", out)

    for f in ("report.md", "results.json", "metric_vs_k.png", "score_distributions.png", "calibration.png"):
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved["dictionary"]["name"] == "tiny" and saved["dictionary"]["fingerprint"].startswith("sha256:")
    assert saved["model"] == "fake-bow" and saved["git_commit"] == "abc123" and saved["created_at"]
    assert set(saved["settings"]) == {"lexical_weight", "alias_penalty", "facet_theme", "facet_description",
                                      "dense_aliases", "retrieve_rows", "runtime"}
    assert set(saved["methods"]) == {"lexical", "dense", "hybrid"}
    for r in saved["methods"].values():
        assert r["n"] == 3 and 0.0 <= r["rp@1"] <= 1.0 and len(r["rp@1_ci"]) == 2
    assert all(len(curve) == 10 for curve in saved["rp_at_k"].values())
    assert saved["by_type"]["F"]["n"] == 2 and saved["by_type"]["B"]["n"] == 1
    assert saved["by_ask"]["attitude"]["n"] == 1 and saved["by_ask"]["skill"]["n"] == 3
    assert res["default_method"] == "hybrid" and res["methods"]["hybrid"] == saved["methods"]["hybrid"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| hybrid |" in md and "rp@5" in md and "| F |" in md
