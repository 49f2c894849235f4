"""Micro-batching (suggest/microbatch.py) and encoding across texts (Suggester.score_many, the batch CLI):
fewer encoder calls, the same results as one request at a time."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from suggest.api import create_app
from suggest.cli import app as cli
from suggest.dictionary import load_dictionary
from suggest.errors import CDEError
from suggest.index import build_or_load
from suggest.microbatch import BatchingEncoder
from suggest.settings import Settings
from suggest.store import Store
from suggest.suggester import Suggester

from .conftest import DATA, REPO, FakeEncoder

JDS = [
    "Duties:\n- Prepare the budget estimates of the division.\n- Reply to RTI applications on time.\n",
    "- Reconcile releases in PFMS with sanction orders every month.\n- Supervise two assistants.\n",
    "Designation: Under Secretary\n- Put up draft replies to Lok Sabha questions.\n- Brief the Minister.\n",
    "- Maintain the cash book and reconcile it with the bank.\n",
    "- Track utilisation certificates for grants-in-aid and send reminders to States.\n- Audit paras.\n",
    "- Organise training for new staff on e-Office.\n- Keep the leave register.\n- Draft letters.\n",
    "- Conduct inspections of district hospitals and report on drug stocks.\n",
    "- Process proposals for re-appropriation of funds.\n- Zebra xylophone quantum marmalade voyage.\n",
]


class Counting:
    """An encoder that records every call it gets, so a test can see what was coalesced."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id, self.revision, self.dimension = inner.model_id, inner.revision, inner.dimension
        self.adapter = getattr(inner, "adapter", None)  # picks the confidence curve, as the real encoder's does
        self.calls: list[int] = []
        self._lock = threading.Lock()
        self.concurrent = 0
        self.most_concurrent = 0

    def encode(self, texts):
        with self._lock:
            self.calls.append(len(texts))
            self.concurrent += 1
            self.most_concurrent = max(self.most_concurrent, self.concurrent)
        try:
            return self.inner.encode(texts)
        finally:
            with self._lock:
                self.concurrent -= 1


def together(fn, args: list) -> list:
    """Call fn(arg) for every arg from its own thread, all released at once; results in order."""
    gate = threading.Barrier(len(args))
    out: list = [None] * len(args)

    def run(i: int) -> None:
        gate.wait()
        try:
            out[i] = fn(args[i])
        except Exception as exc:  # the test looks at it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


def test_concurrent_calls_share_one_encoder_call_and_get_their_own_rows():
    inner = Counting(FakeEncoder())
    enc = BatchingEncoder(inner, window_ms=200, max_sentences=1000)
    texts = [[f"budget estimate {i}", f"RTI reply {i}", "cash book"] for i in range(8)]
    got = together(enc.encode, texts)
    assert len(inner.calls) < 8 and sum(inner.calls) == 24  # coalesced, nothing lost or repeated
    assert inner.most_concurrent == 1  # the wrapped encoder never runs twice at once
    for t, g in zip(texts, got):
        np.testing.assert_array_equal(g, FakeEncoder().encode(t))
    assert enc.stats.requests == 8 and enc.stats.largest > 1


def test_batches_never_exceed_the_sentence_bound():
    inner = Counting(FakeEncoder())
    enc = BatchingEncoder(inner, window_ms=100, max_sentences=5)
    texts = [[f"line {i} {j}" for j in range(2)] for i in range(9)]
    got = together(enc.encode, texts)
    assert max(inner.calls) <= 5 and sum(inner.calls) == 18
    assert all(g.shape == (2, FakeEncoder.dimension) for g in got)
    # one request larger than the bound still goes through, alone
    assert enc.encode([f"x {i}" for i in range(7)]).shape == (7, FakeEncoder.dimension)


def test_a_failing_batch_fails_every_caller_in_it_and_the_next_batch_works():
    class Flaky(FakeEncoder):
        fail = True

        def encode(self, texts):
            if self.fail:
                raise RuntimeError("engine fell over")
            return super().encode(texts)

    inner = Flaky()
    enc = BatchingEncoder(inner, window_ms=100)
    got = together(enc.encode, [["a b c"], ["d e f"], ["g h i"]])
    assert all(isinstance(g, RuntimeError) for g in got)
    inner.fail = False
    assert enc.encode(["budget"]).shape == (1, FakeEncoder.dimension)


def test_attributes_read_through_and_queries_batch_only_where_the_model_has_them():
    class Queries(FakeEncoder):
        batch_size = 64

        def encode_queries(self, texts):
            return self.encode(["query " + t for t in texts])

    plain = BatchingEncoder(FakeEncoder())
    assert not hasattr(plain, "encode_queries") and plain.model_id == "fake-bow"
    wrapped = BatchingEncoder(Queries())
    assert wrapped.batch_size == 64
    np.testing.assert_array_equal(wrapped.encode_queries(["budget"]), Queries().encode_queries(["budget"]))


def _fake_suggester(settings: Settings) -> Suggester:
    d = load_dictionary(settings.dictionary)
    enc = FakeEncoder()
    return Suggester(settings, d, enc, build_or_load(d, enc, settings.resolved_cache_dir))


def test_score_many_matches_score_one_by_one_and_keeps_bad_items_in_place(tmp_path):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", min_score=0.2)
    s = _fake_suggester(settings)
    counting = Counting(s.encoder)
    s.encoder = counting
    texts = JDS[:3] + ["   "] + JDS[3:]
    many = s.suggest_many(texts)
    assert len(counting.calls) == 1  # one encoder call for all the texts
    assert isinstance(many[3], CDEError) and many[3].code == "empty_text"
    for text, got in zip(texts, many):
        if text.strip():
            assert got.model_dump() == s.suggest(text).model_dump()


def test_api_requests_in_flight_together_share_encoder_calls(tmp_path):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", dev_key="dev-secret",
                        min_score=0.2, batch_window_ms=200, max_concurrent_suggest=8, rate_model_per_min=0)
    s = _fake_suggester(settings)
    alone = [s.suggest(t).model_dump(mode="json")["suggestions"] for t in JDS]
    counting = Counting(s.encoder)
    s.encoder = counting
    app = create_app(settings, suggester=s, store=Store.open(f"sqlite:///{tmp_path / 'b.db'}"))
    with TestClient(app) as client:
        post = lambda text: client.post("/v1/suggestions", json={"text": text},  # noqa: E731
                                        headers={"Authorization": "Bearer dev-secret"})
        answers = together(post, JDS)
    assert [r.status_code for r in answers] == [201] * len(JDS)
    assert len(counting.calls) < len(JDS)
    for r, expected in zip(answers, alone):
        assert [(x["competency_id"], x["score"]) for x in r.json()["suggestions"]] == \
            [(x["competency_id"], x["score"]) for x in expected]


def test_microbatching_can_be_switched_off(tmp_path):
    settings = Settings(data_dir=tmp_path, dictionary=DATA / "tiny_dictionary.yaml", microbatch=False)
    s = _fake_suggester(settings)
    create_app(settings, suggester=s, store=Store.open(f"sqlite:///{tmp_path / 'b.db'}"))
    assert isinstance(s.encoder, FakeEncoder)


# ---------------------------------------------------------------- with the real model


def _signature(result) -> list[tuple[str, float]]:
    return [(x.competency_id, x.score) for x in result.suggestions]


@pytest.mark.slow
def test_real_model_concurrent_requests_equal_single_requests(real_suggester):
    """8 requests at once through the batching encoder give what each gets alone: the same suggestion set,
    scores within 1e-6."""
    texts = JDS + [(REPO / "eval" / "samples" / "section_officer_budget.txt").read_text(encoding="utf-8")]
    alone = [real_suggester.suggest(t) for t in texts]
    plain = real_suggester.encoder
    counting = Counting(plain)
    real_suggester.encoder = BatchingEncoder(counting, window_ms=200, max_sentences=1000)
    try:
        batched = together(real_suggester.suggest, texts)
    finally:
        real_suggester.encoder = plain
    assert len(counting.calls) < len(texts), counting.calls
    for a, b in zip(alone, batched):
        assert not isinstance(b, Exception), b
        assert [x.competency_id for x in a.suggestions] == [x.competency_id for x in b.suggestions]
        assert [x.suggested_level for x in a.suggestions] == [x.suggested_level for x in b.suggestions]
        np.testing.assert_allclose([s for _, s in _signature(a)], [s for _, s in _signature(b)], atol=1e-6)
        assert a.unmatched == b.unmatched


@pytest.mark.slow
def test_real_batch_cli_encodes_across_jds_with_the_same_results(tmp_path, real_settings, real_suggester,
                                                                   monkeypatch):
    src = tmp_path / "in.jsonl"
    items = [{"id": f"j{i}", "text": t} for i, t in enumerate(JDS)] + [{"id": "blank", "text": " "}]
    src.write_text("\n".join(json.dumps(x) for x in items) + "\n")
    counting = Counting(real_suggester.encoder)
    monkeypatch.setattr(real_suggester, "encoder", counting)
    monkeypatch.setattr("suggest.cli.suggest_cmds.build_suggester", lambda settings: real_suggester)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(src), "-o", str(out)],
                                env={"CDE_DATA_DIR": str(real_settings.data_dir), "CDE_BATCH_CHUNK_ITEMS": "5"})
    assert result.exit_code == 0, result.output
    assert len(counting.calls) == 2  # 9 items in chunks of 5: two encoder calls, not one per JD
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == [x["id"] for x in items]
    assert lines[-1]["error"]["code"] == "empty_text"
    for item, line in zip(items[:-1], lines):
        alone = real_suggester.suggest(item["text"])
        got = line["result"]["suggestions"]
        assert [x["competency_id"] for x in got] == [x.competency_id for x in alone.suggestions]
        np.testing.assert_allclose([x["score"] for x in got], [x.score for x in alone.suggestions], atol=1e-6)
