"""Batch files and records, engine-independent: formats chosen by extension, ids, the JSONL shape `batch`
always wrote, Parquet round trips, the steady-rate figure and how threads are shared out among actors."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from suggest.batch import Span, items_from_rows, steady_rate, suggest_items
from suggest.batch_io import RecordWriter, read_rows
from suggest.batch_ray import threads_per_actor
from suggest.cli import app
from suggest.errors import EngineError, InputError
from suggest.suggester import Suggester

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def test_rows_are_read_alike_from_jsonl_csv_and_parquet(tmp_path):
    rows = [{"id": "a", "text": "Maintain the RTI register."}, {"id": "b", "text": "Prepare pay bills."}]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    (tmp_path / "in.csv").write_text("id,text\n" + "".join(f'{r["id"]},"{r["text"]}"\n' for r in rows))
    pq.write_table(pa.Table.from_pylist([dict(r, extra=1) for r in rows]), tmp_path / "in.parquet")
    for name in ("in.jsonl", "in.csv", "in.parquet"):
        assert read_rows(tmp_path / name, limit=10) == rows, name


@pytest.mark.parametrize("name, body, code", [
    ("in.txt", "text", "unsupported_format"),
    ("in.jsonl", '{"text": "ok"}\n{not json}\n', "bad_batch_line"),
    ("in.jsonl", '{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n', "batch_too_large"),
    ("in.parquet", "not parquet at all", "unreadable_file"),
])
def test_bad_batch_files_are_refused_with_a_code(tmp_path, name, body, code):
    (tmp_path / name).write_text(body)
    with pytest.raises(InputError) as exc:
        read_rows(tmp_path / name, limit=2)
    assert exc.value.code == code


def test_items_are_numbered_from_one_when_they_have_no_id():
    items = items_from_rows([{"text": "x"}, {"id": "J7", "text": None}, {"id": 9, "text": 12}])
    assert items == [("1", "x"), ("J7", ""), ("9", "12")]


@pytest.fixture
def fake_suggester(tmp_settings, fake_encoder):
    return Suggester.from_settings(tmp_settings.model_copy(update={"min_score": 0.0}), encoder=fake_encoder)


def test_records_keep_the_jsonl_shape_batch_always_wrote(tmp_path, fake_suggester):
    items = [("1", "- Prepare the budget estimates.\n- Reply to RTI applications."), ("2", "   ")]
    records = list(suggest_items(fake_suggester, items))
    with RecordWriter(tmp_path / "out.jsonl") as w:
        for r in records:
            w.write(r)
    assert (w.count, w.failed) == (2, 1)
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    expected = fake_suggester.suggest(items[0][1]).model_dump(mode="json")
    assert lines[0] == json.dumps({"id": "1", "result": expected})
    assert json.loads(lines[1])["error"]["code"] == "empty_text"
    assert records[0]["competency_ids"] == [s["competency_id"] for s in expected["suggestions"]]


def test_parquet_output_has_one_row_per_item(tmp_path, fake_suggester):
    items = [(str(n), f"- Prepare the budget estimates for scheme {n}.") for n in range(300)] + [("e", "")]
    with RecordWriter(tmp_path / "out.parquet") as w:
        for r in suggest_items(fake_suggester, items):
            w.write(r)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names == ["id", "result", "error", "error_code", "competency_ids"]
    assert table.column("id").to_pylist() == [i for i, _ in items]
    rows = table.to_pylist()
    assert rows[-1]["error_code"] == "empty_text" and rows[-1]["result"] is None
    assert json.loads(rows[0]["result"])["suggestions"][0]["competency_id"] == rows[0]["competency_ids"][0]


def test_an_empty_batch_still_writes_a_readable_parquet_file(tmp_path):
    with RecordWriter(tmp_path / "out.parquet"):
        pass
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0


def test_steady_rate_leaves_out_batches_begun_before_every_worker_was_ready():
    spans = [Span("a", 0.0, 1.0, 2.0, 4), Span("a", 0.0, 2.0, 3.0, 4),  # b not ready yet: left out
             Span("b", 3.0, 3.0, 5.0, 4), Span("a", 0.0, 3.0, 4.0, 4), Span("a", 0.0, 4.0, 5.0, 4)]
    got = steady_rate(spans)
    assert got["workers"] == 2 and got["items_counted"] == 12
    assert got["window_s"] == pytest.approx(2.0) and got["items_per_s"] == pytest.approx(6.0)
    assert steady_rate([])["items_per_s"] == 0.0


@pytest.mark.parametrize("actors, requested, cluster, expected", [
    (1, None, False, 2), (2, None, False, 1), (3, None, False, 1), (2, 3, False, 3), (4, None, True, 5),
])
def test_threads_are_shared_out_among_actors(actors, requested, cluster, expected):
    assert threads_per_actor(actors, requested=requested, cores=2, on_cluster=cluster, default_threads=5) == expected


@pytest.mark.parametrize("args, code", [
    (["--engine", "spark"], "invalid_input"),
    (["-o", "OUT.csv"], "unsupported_format"),
])
def test_bad_engine_or_output_name_fails_before_the_model_loads(tmp_path, args, code):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Prepare the budget."}\n')
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "out.jsonl")]
    result = CliRunner().invoke(app, ["batch", str(src), *args])
    assert result.exit_code == 2 and code in result.output


def test_without_ray_the_engine_names_the_extra_to_install(monkeypatch):
    from suggest import batch_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(EngineError) as exc:
        batch_ray._ray()
    assert exc.value.code == "scale_extra_missing" and "cde-suggest[scale]" in exc.value.message


@pytest.mark.parametrize("address, head", [
    ("10.0.0.5:6379", ("10.0.0.5", 6379)), ("ray://head.example:10001", ("head.example", 10001)),
    ("[::1]:6379", ("::1", 6379)), ("auto", None), ("head-without-port", None),
])
def test_the_head_is_read_from_an_address(address, head):
    from suggest.batch_ray import head_of

    assert head_of(address) == head


def test_a_dead_address_fails_at_once_with_a_code(tmp_path):
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Prepare the budget."}\n')
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--engine", "ray",
                                      "--address", f"127.0.0.1:{port}"], env={"CDE_RAY_CONNECT_TIMEOUT_S": "2"})
    assert result.exit_code == 2 and "ray_unreachable" in result.output
    assert not (tmp_path / "out.jsonl").exists()  # a run that made nothing leaves no empty file behind


def test_auto_without_a_running_cluster_fails_with_a_code(tmp_path, monkeypatch):
    pytest.importorskip("ray")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Prepare the budget."}\n')
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--engine", "ray",
                                      "--address", "auto"])
    assert result.exit_code == 2 and "ray_unreachable" in result.output
