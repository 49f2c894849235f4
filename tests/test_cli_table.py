"""The `cde-suggest suggest` table (issue 12, item 6): most confident first, a confidence column, the activity
number instead of offsets, evidence cut at whole words."""

from __future__ import annotations

import io
import re

from rich.console import Console

from suggest.cli import suggest_cmds
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.suggester import Suggester


JD = """Duties:
- Prepare the budget estimates of the division and monitor monthly expenditure against the budget every month.
- Reply to RTI applications on time and forward RTI appeals to the appellate authority within thirty days.
- Mentor newly joined assistants and guide junior staff on noting.
"""


def _table(tmp_settings, fake_encoder, monkeypatch) -> tuple[object, list[list[str]]]:
    settings = tmp_settings.model_copy(update={"min_score": 0.0})
    d = load_dictionary(settings.dictionary)
    suggester = Suggester(settings, d, fake_encoder, build_or_load(d, fake_encoder, settings.resolved_cache_dir))
    result = suggester.suggest(JD, top_k=3)
    # the table must sort by itself: hand it the suggestions least confident first
    result = result.model_copy(update={"suggestions": sorted(result.suggestions, key=lambda s: s.confidence)})
    buf = io.StringIO()
    monkeypatch.setattr(suggest_cmds, "out", Console(file=buf, width=300, color_system=None))
    suggest_cmds.print_suggestions(result)
    rows = [[c.strip() for c in re.split("[│┃]", line)[1:-1]] for line in buf.getvalue().splitlines()
            if line[:1] in ("│", "┃")]
    return result, rows


def test_table_is_sorted_by_confidence_with_activity_numbers(tmp_settings, fake_encoder, monkeypatch):
    result, rows = _table(tmp_settings, fake_encoder, monkeypatch)
    header, body = rows[0], rows[1:]
    assert header == ["#", "id", "competency", "type", "ASK", "level", "confidence", "evidence"]
    assert len(body) == len(result.suggestions) >= 2
    shown = [float(re.match(r"(\d+)%", r[6]).group(1)) for r in body]
    assert shown == sorted(shown, reverse=True)
    by_id = {s.competency_id: s for s in result.suggestions}
    for row in body:
        s = by_id[row[1]]
        number, text = re.match(r"\[(\d+)\] (.*)", row[7]).groups()
        activity = result.activities[s.evidence[0].activity]
        assert int(number) == activity.index + 1  # 1-based activity number, not an offset
        assert str(activity.start) not in row[7].split("]")[0]
        # cut at a word: the shown words are the activity's first words, the last one whole
        words = text.removesuffix(" …").split()
        assert words == activity.text.split()[:len(words)]
    assert any(row[7].endswith(" …") for row in body)  # these activities are longer than the column
