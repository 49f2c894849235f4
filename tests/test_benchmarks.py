"""Benchmark loaders: fast checks on tiny fixtures, plus one slow check against the real shared data."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from suggest.dictionary import Competency, Dictionary
from suggest.errors import InputError
from suggest.evaluation import benchmarks as bm
from suggest.evaluation.benchmarks import (
    Benchmark,
    Query,
    load_benchmark,
    load_decorte,
    load_esco_dictionary,
    load_gold,
    load_onet,
    onet_split_of,
)

FIXTURES = Path(__file__).parent / "data" / "bench"
REPO = Path(__file__).resolve().parents[1]
ETL = "missing:data extraction, transformation and loading tools"  # a gold label the label file lacks


@pytest.fixture(scope="module")
def esco() -> Dictionary:
    return load_esco_dictionary(FIXTURES)


def by_name(dictionary: Dictionary, name: str) -> Competency:
    return next(e for e in dictionary.entries if e.name == name)


# ---------------------------------------------------------------- ESCO dictionary


def test_esco_ids_follow_label_file_order_and_names_are_exact_labels(esco: Dictionary) -> None:
    assert [e.id for e in esco.entries] == [f"ESCO-{n:05d}" for n in range(1, 7)]
    # the trailing space of "make an effort " is stripped; the comma-less label stays as the label file has it
    assert [e.name for e in esco.entries] == [
        "manage musical staff",
        "Haskell",
        "make an effort",
        "apply knowledge of philosophy ethics and religion",
        "install radtors",
        "Incremental development",
    ]


def test_esco_types_themes_and_ask(esco: Dictionary) -> None:
    skill = by_name(esco, "manage musical staff")
    assert (skill.type, skill.theme) == ("Functional", "management skills")
    assert skill.sub_theme == "managing staff and resources"
    assert skill.ask.skill == ["manage musical staff"] and not skill.ask.knowledge and not skill.ask.attitude
    assert skill.description.startswith("Assign and manage staff tasks")

    # laiser's skillType says knowledge even though the hierarchy also files Haskell under S
    haskell = by_name(esco, "Haskell")
    assert (haskell.type, haskell.theme) == ("Domain", "information and communication technologies (icts)")
    assert haskell.ask.knowledge == ["Haskell"]

    attitude = by_name(esco, "make an effort")
    assert (attitude.type, attitude.theme, attitude.sub_theme) == ("Behavioural", "attitudes", "make an effort")
    assert attitude.ask.attitude == ["make an effort"]


def test_esco_punctuation_blind_match_and_unknown_label(esco: Dictionary) -> None:
    philosophy = by_name(esco, "apply knowledge of philosophy ethics and religion")
    assert philosophy.description.startswith("Discover and develop")
    assert (philosophy.theme, philosophy.sub_theme) == ("life skills and competences", "applying general knowledge")

    typo = by_name(esco, "install radtors")  # in no enrichment source at all
    assert (typo.type, typo.theme, typo.description, typo.aliases) == ("Functional", "ESCO", "", [])


def test_esco_description_peeled_from_extractor_blob(esco: Dictionary) -> None:
    entry = by_name(esco, "Incremental development")
    assert entry.type == "Domain"  # no skillType anywhere: the K hierarchy decides
    assert entry.description == "The incremental development model is a methodology to design software systems."
    assert entry.aliases == ["gradual development"]


def test_esco_aliases_deduped_split_and_without_label(esco: Dictionary) -> None:
    assert by_name(esco, "manage musical staff").aliases == [
        "manage staff of music",
        "direct musical staff",
        "lead musical staff",
    ]


def test_alias_cap() -> None:
    many = tuple(f"alias {i}" for i in range(30)) + ("LABEL",)
    assert bm._aliases("label", many) == [f"alias {i}" for i in range(bm.MAX_ALIASES)]


def test_parse_hierarchy() -> None:
    raw = "[['S', 'S4', 'S4.5', 'S4.5.0'], ['T', 'T4', 'T4.4', None], ['L', 'L1', None, None]]"
    assert bm.parse_hierarchy(raw) == [("S", "S4", "S4.5", "S4.5.0"), ("T", "T4", "T4.4"), ("L", "L1")]
    assert bm.parse_hierarchy("") == []


# ---------------------------------------------------------------- Decorte


def test_decorte_merges_rows_and_excludes_non_labels(esco: Dictionary) -> None:
    bench = load_decorte(FIXTURES, "tech", "test", esco)
    assert isinstance(bench, Benchmark) and bench.group is None
    assert bench.queries == [
        Query("tech-test-0001", "Experience with Haskell and a will to make an effort .", ("ESCO-00002", "ESCO-00003")),
        Query("tech-test-0002", "Build ETL pipelines .", (ETL,)),
    ]
    assert bm.unknown_gold(bench) == {"tech-test-0002": [ETL]}
    assert bench.qrels()["tech-test-0001"] == {"ESCO-00002": 1.0, "ESCO-00003": 1.0}


def test_techwolf_two_column_file(esco: Dictionary) -> None:
    bench = load_decorte(FIXTURES, "techwolf", "test", esco)
    assert [(q.text, q.gold) for q in bench.queries] == [
        ("* Lead the band", ("ESCO-00001", "ESCO-00003")),
        ("* Write Haskell", ("ESCO-00002",)),
    ]


@pytest.mark.parametrize(("name", "split"), [("techwolf", "validation"), ("tech", "train"), ("skillspan", "test")])
def test_decorte_rejects_unknown_name_or_split(esco: Dictionary, name: str, split: str) -> None:
    with pytest.raises(ValueError, match="split|benchmark"):
        load_decorte(FIXTURES, name, split, esco)


def test_load_benchmark_dispatches_and_caches_esco() -> None:
    first = load_benchmark("tech", "test", FIXTURES)
    second = load_benchmark("techwolf", "test", FIXTURES)
    assert first.dictionary is second.dictionary  # built once per data dir
    assert len(first.queries) == 2
    with pytest.raises(ValueError, match="no split"):
        load_benchmark("techwolf", "validation", FIXTURES)
    with pytest.raises(ValueError, match="unknown benchmark"):
        load_benchmark("nope", "test", FIXTURES)


# ---------------------------------------------------------------- O*NET


def test_onet_dictionary_and_gold() -> None:
    test = load_onet(FIXTURES, "test")
    d = test.dictionary
    # DWA ids are numbered in DWA-ID order, so the same file always yields the same ids
    assert [e.id for e in d.entries] == ["DWA-0001", "DWA-0002", "DWA-0003", "DWA-0004"]
    assert [e.name for e in d.entries] == [
        "Analyze impact of legal or regulatory changes.",
        "Modify software programs to improve performance.",
        "Direct financial operations.",
        "Advise others on legal or regulatory compliance matters.",
    ]
    first = d.entries[0]
    assert (first.type, first.theme, first.ask.skill) == ("Functional", "4.A.2.a.4", [first.name])
    # the BOM-prefixed first column is read correctly, and a task's rows merge into one query
    assert test.queries[0] == Query(
        "onet-20461",
        "Review and analyze legislation, laws, or public policy and recommend changes.",
        ("DWA-0001", "DWA-0004"),
    )


def test_onet_split_by_occupation_is_deterministic_and_disjoint() -> None:
    # pinned: a change to the hashing would silently reshuffle every reported O*NET number
    assert [onet_split_of(s) for s in ("11-1011.00", "13-2011.01", "15-1252.00", "29-1141.00")] == [
        "test",
        "validation",
        "validation",
        "test",
    ]
    val, test = load_onet(FIXTURES, "validation"), load_onet(FIXTURES, "test")
    assert set(val.group.values()) == {"13-2011.01", "15-1252.00"}  # type: ignore[union-attr]
    assert set(test.group.values()) == {"11-1011.00", "29-1141.00"}  # type: ignore[union-attr]
    assert {q.id for q in val.queries} | {q.id for q in test.queries} == {
        "onet-20461", "onet-20462", "onet-8020", "onet-16987", "onet-16988", "onet-5930",
    }
    assert load_onet(FIXTURES, "validation").queries == val.queries
    with pytest.raises(ValueError, match="no split"):
        load_onet(FIXTURES, "train")


def test_onet_max_queries_sample_is_seeded() -> None:
    full = load_onet(FIXTURES, "test")
    sample = load_onet(FIXTURES, "test", max_queries=2, seed=1)
    assert len(sample.queries) == 2 and set(sample.queries) <= set(full.queries)
    assert load_onet(FIXTURES, "test", max_queries=2, seed=1).queries == sample.queries
    assert set(sample.group) == {q.id for q in sample.queries}  # type: ignore[arg-type]
    assert load_onet(FIXTURES, "test", max_queries=99).queries == full.queries
    with pytest.raises(ValueError, match="max_queries"):
        load_onet(FIXTURES, "test", max_queries=0)


# ---------------------------------------------------------------- our gold


@pytest.fixture()
def kcm() -> Dictionary:
    pairs = (("FUN-067", "Budget"), ("FUN-068", "Spend"))
    entries = [Competency(id=i, type="Functional", theme="Finance", name=n) for i, n in pairs]
    return Dictionary("mini", "1", entries)


def test_gold_split_filter_and_group(kcm: Dictionary) -> None:
    path = FIXTURES / "gold.jsonl"
    everything = load_gold(path, None, kcm)
    assert everything.split == "all" and [q.id for q in everything.queries] == ["P01-A01", "P01-A02", "P02-A01"]
    test = load_gold(path, "test", kcm)
    assert test.queries[0] == Query("P01-A02", "Scrutinise monthly expenditure.", ("FUN-068", "FUN-067"))
    assert test.group == {"P01-A02": "Section Officer, Budget", "P02-A01": "Under Secretary, Coordination"}
    assert bm.unknown_gold(test) == {"P02-A01": ["FUN-999"]}
    via_dispatch = load_benchmark("gold", "dev", FIXTURES, gold_path=path, dictionary=kcm)
    assert [q.text for q in via_dispatch.queries] == ["Compile the Revised Estimates."]
    with pytest.raises(ValueError, match="available"):
        load_gold(path, "validation", kcm)
    with pytest.raises(ValueError, match="gold_path"):
        load_benchmark("gold", "test", FIXTURES)


def test_gold_bad_line(tmp_path: Path, kcm: Dictionary) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "x", "text": "t", "gold": "FUN-067"}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_gold(path, None, kcm)
    assert err.value.code == "benchmark_data_invalid" and ":1:" in err.value.message


# ---------------------------------------------------------------- missing data


@pytest.mark.parametrize(
    ("load", "file"),
    [
        (lambda d: load_esco_dictionary(d), "skills_en_label.txt"),
        (lambda d: load_onet(d, "test"), "Task_DWA.csv"),
        (lambda d: load_benchmark("house", "validation", d), "skills_en_label.txt"),
    ],
)
def test_missing_data_file_names_the_file_and_the_fix(
    tmp_path: Path, load: Callable[[Path], object], file: str
) -> None:
    with pytest.raises(InputError) as err:
        load(tmp_path)
    message = err.value.message
    assert err.value.code == "benchmark_data_missing"
    assert file in message and "--data-dir" in message and "CDE_EVAL_DATA_DIR" in message


def test_missing_annotation_file(esco: Dictionary) -> None:
    with pytest.raises(InputError) as err:
        load_decorte(FIXTURES, "house", "test", esco)  # the fixtures hold no HOUSE file
    assert err.value.code == "benchmark_data_missing" and "house_test_annotations.csv" in err.value.message


# ---------------------------------------------------------------- the real data


def _shared_data() -> Path:
    configured = os.environ.get("CDE_EVAL_DATA_DIR")
    data_dir = Path(configured) if configured else (REPO / ".." / "shared" / "data").resolve()
    if not (data_dir / bm.DECORTE).is_dir():
        reason = f"shared benchmark data not found at {data_dir}"
        if os.environ.get("CDE_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(reason + " and CDE_REQUIRE_SHARED_DATA=1")
        pytest.skip(reason)
    return data_dir


@pytest.mark.slow
def test_real_benchmarks() -> None:
    data_dir = _shared_data()
    # CPU time, not wall time: a busy CI box must not fail the "loads in under 10 s" budget
    start = time.process_time()
    esco = load_esco_dictionary(data_dir)
    assert time.process_time() - start < 10
    # 13,896 labels: the file's last line has no newline, so `wc -l` (and the data notes) say 13,895
    assert len(esco) == 13_896
    assert len({e.name for e in esco.entries}) == len(esco)

    expected = {
        ("tech", "test"): 338,
        ("house", "test"): 262,
        ("techwolf", "test"): 326,
        ("tech", "validation"): 75,
        ("house", "validation"): 61,
    }
    loaded = {key: load_decorte(data_dir, *key, esco) for key in expected}
    assert {key: len(b.queries) for key, b in loaded.items()} == expected
    unknown = {key: {g for ids in bm.unknown_gold(b).values() for g in ids} for key, b in loaded.items()}
    assert unknown == {key: ({ETL} if key == ("tech", "test") else set()) for key in expected}

    val, test = load_onet(data_dir, "validation"), load_onet(data_dir, "test")
    assert len(val.dictionary) == 2085
    assert len(val.queries) + len(test.queries) == 18_831
    assert val.group and test.group and not set(val.group.values()) & set(test.group.values())
    assert not bm.unknown_gold(val) and not bm.unknown_gold(test)
