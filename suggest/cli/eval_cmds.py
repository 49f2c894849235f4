"""`cde-suggest eval` and `cde-suggest bench`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InputError
from ._common import DictOpt, build_suggester, err, friendly_errors, make_settings, out

app = typer.Typer()


def _read_gold(path: Path):
    from ..evaluation.benchmarks import Query

    if not path.is_file():
        raise InputError(f"gold file not found: {path}", code="file_not_found")
    queries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            queries.append(Query(id=str(row["id"]), text=row["text"], gold=tuple(row["gold"])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: expected {{\"id\", \"text\", \"gold\": [ids]}} ({exc})",
                             code="bad_gold_line") from exc
    return queries


@app.command("eval")
def eval_cmd(
    gold: Annotated[Optional[Path], typer.Option(help="JSONL gold file: {id, text, gold: [ids]} per line (with "
                                                     "--roles: a role gold file as eval/gold/roles.jsonl)")] = None,
    benchmark: Annotated[Optional[str], typer.Option(help="tech, house, techwolf, onet, gold (activities), "
                                                          "positions (whole JDs) or hindi (Hindi lines and JDs)")] = None,
    split: Annotated[str, typer.Option(help="validation or test")] = "test",
    method: Annotated[str, typer.Option(help="lexical, dense or hybrid (the default method)")] = "hybrid",
    data_dir: Annotated[Optional[Path], typer.Option(envvar="CDE_EVAL_DATA_DIR",
                                                     help="Public data folder (default ../shared/data)")] = None,
    report: Annotated[Optional[Path], typer.Option(help="Write report.md, results.json and plots here")] = None,
    decisions: Annotated[bool, typer.Option("--decisions", help="Online quality from recorded reviewer decisions")] = False,
    roles: Annotated[bool, typer.Option("--roles", help="Role-grouping quality (adjusted Rand index)")] = False,
    lopo: Annotated[bool, typer.Option("--lopo", help="With --roles: leave-one-position-out ARI on the flat "
                                                      "development positions (learned vs earlier methods)")] = False,
    fit: Annotated[bool, typer.Option("--fit", help="With --roles: refit the same-role model on the flat "
                                                    "development positions and write suggest/role_pairs.json")] = False,
    learning: Annotated[bool, typer.Option("--learning", help="Replay gold labels as decisions; learning curve "
                                                            "(report under --report, default eval/reports/learning)")
                        ] = False,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="Fit the confidence curve on the position dev split; save it "
                                                                "(with --benchmark hindi: fit the multilingual score map on "
                                                                "the Hindi dev lines)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    dictionary: DictOpt = None,
) -> None:
    """Measure suggestion quality: RP@k, MRR, nDCG, MAP, recall with 95% bootstrap intervals."""
    with friendly_errors():
        settings = make_settings(dictionary, eval_data_dir=data_dir)
        if decisions:
            from ..evaluation.online import decision_quality
            from ..store import Store

            result = decision_quality(Store.open(settings.resolved_database_url))
        elif benchmark == "hindi":
            result = _hindi(settings, split, report, fit=calibrate)
        elif calibrate:
            result = _calibrate(settings)
        elif learning:
            from ..evaluation.learning_report import write_learning_report

            result = write_learning_report(settings, report or Path("eval/reports/learning"),
                                           suggester=build_suggester(settings))
        elif roles:
            result = _roles_lopo(settings, gold, fit=fit) if lopo or fit else _roles(settings, report, gold)
        elif benchmark == "positions":
            result = _positions(settings, split, report)
        elif report is not None:
            from ..evaluation.report import write_report

            name = benchmark or "gold"
            result = write_report(settings, name, split, report, gold_path=gold)
        else:
            result = _evaluate(settings, gold, benchmark, split, method)
        if as_json:
            print(json.dumps(result, indent=2, default=str))
        else:
            for k, v in result.items():
                if not k.endswith(("_ci", "_n")) and k != "reliability":
                    out.print(f"{k:>16}: {v:.4f}" if isinstance(v, float) else f"{k:>16}: {v}")


def _positions(settings, split: str, report: Path | None) -> dict:
    """Whole-JD gold: the figures, or with --report the full report with its ablation and plot."""
    from ..evaluation import positions_eval
    from ..evaluation.positions_report import write_positions_report

    suggester = build_suggester(settings)
    if report is not None:
        return write_positions_report(suggester, split, report)
    result = positions_eval.evaluate(suggester, split)
    return {k: v for k, v in result.items() if k != "reliability"}


def _hindi(settings, split: str, report: Path | None, *, fit: bool) -> dict:
    """Hindi vs English on the same lines and JDs; --calibrate fits the score map first (dev lines)."""
    from ..evaluation import hindi

    suggester = build_suggester(settings)
    fitted = hindi.fit(suggester) if fit else None
    result = hindi.evaluate(suggester, split)
    if fitted:
        result["score_map"] = fitted
    if report is not None:
        report.mkdir(parents=True, exist_ok=True)
        (report / f"results-{split}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return result


def _roles(settings, report: Path | None, gold: Path | None = None) -> dict:
    """ARI by split and structure (before and after), naming checks, the second pass's agreement; with
    --report also the latency, written as report.md + results.json. `gold`: another role gold file (a
    held-out set); the second pass belongs to the bundled gold, so it is left out then."""
    from ..evaluation.roles_eval import evaluate_roles, second_pass_agreement

    suggester = build_suggester(settings)
    result = evaluate_roles(settings, suggester=suggester, gold_path=gold)
    if gold is None:
        result["second_pass"] = second_pass_agreement()
    else:
        result["gold"] = str(gold)
    if report is not None:
        from ..evaluation.roles_report import latency, write_roles_report

        result["latency"] = latency(suggester)
        write_roles_report(result, report)
    return {k: v for k, v in result.items() if k not in ("per_position", "per_position_before",
                                                         "per_position_previous", "per_position_topics")}


def _roles_lopo(settings, gold: Path | None, *, fit: bool) -> dict:
    """The leave-one-position-out table (roles_lopo); with `fit` also the shipped model refitted and saved.
    `gold`: one role gold file in place of the development files."""
    from ..evaluation import roles_lopo as L
    from ..role_pairs import save_model
    from ..roles import topic_columns

    suggester = build_suggester(settings)
    prepared = L.development_positions(suggester, [gold] if gold is not None else None)
    columns = topic_columns(suggester.dictionary)
    result = L.lopo_report(prepared, columns)
    if fit:
        model = L.fit_default(prepared, columns, result)
        result["fitted"] = {"path": str(save_model(model)), "coef": dict(zip(model.features, model.coef)),
                            "intercept": model.intercept, "rows_per_role": model.rows_per_role}
    return result


def _evaluate(settings, gold: Path | None, benchmark: str | None, split: str, method: str) -> dict:
    from ..evaluation import runner

    if gold is not None:
        suggester = build_suggester(settings)
        res = runner.suggest_queries(suggester, _read_gold(gold))
        result = runner.score(res)
        result.update(benchmark="gold-file", method="hybrid", file=str(gold))
        return result
    if benchmark is None:
        raise InputError("pass --gold FILE or --benchmark NAME", code="missing_benchmark")
    from ..evaluation.suites import evaluate_benchmark

    return evaluate_benchmark(settings, benchmark, split, method)


def _calibrate(settings) -> dict:
    from ..evaluation.positions_eval import fit_confidence

    return fit_confidence(build_suggester(settings))


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    sentences: Annotated[Optional[Path], typer.Option(help="One activity sentence per line")] = None,
    jd: Annotated[Optional[Path], typer.Option(help="A realistic job description")] = None,
    http: Annotated[bool, typer.Option("--http", help="Also load-test a server started here: 8 clients, "
                                                      "3-duty JDs, SQLite (http_rps, http_p50_ms, http_p99_ms)")] = False,
    first_start: Annotated[bool, typer.Option(help="Also time a fresh `serve` on an empty data folder to ready "
                                                   "(exports and builds everything: a minute or more)")] = True,
    dictionary: DictOpt = None,
) -> None:
    """Measure encoder and end-to-end throughput, JD latency, roles latency, warm start and peak memory."""
    from ..bench import http_figures, repo_file, run_bench

    with friendly_errors():
        settings = make_settings(dictionary)
        sent_path = sentences or repo_file("eval", "bench", "sentences.txt")
        jd_path = jd or repo_file("eval", "samples", "section_officer_budget.txt")
        for p in (sent_path, jd_path):
            if not p.is_file():
                raise InputError(f"benchmark input not found: {p}", code="file_not_found")
        lines = [s.strip() for s in sent_path.read_text(encoding="utf-8").splitlines() if s.strip()]
        with err.status("benchmarking…"):
            result = run_bench(settings, lines, jd_path, first_start=first_start,
                               roles_path=repo_file("eval", "bench", "roles_flat.txt"))
        if http:
            with err.status("load-testing a server…"):
                result.update(http_figures(settings))
        if as_json:
            print(json.dumps(result, indent=2))
        else:
            for k, v in result.items():
                out.print(f"{k:>26}: {v}")
