"""`cde-suggest learn …`: learn a ranker from reviewers' decisions, list versions, roll back, flag spam."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from ..errors import InputError
from ._common import err, friendly_errors, make_settings, out

learn_app = typer.Typer(help="Learn from reviewers' decisions (versioned rankers, one-command rollback).",
                        no_args_is_help=True)


def _folder():
    return make_settings().data_dir / "rankers"


def _store():
    from ..store import Store

    return Store.open(make_settings().resolved_database_url)


@learn_app.command("run")
def learn_run(dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be learned")] = False
              ) -> None:
    """Learn per-competency priors from the recorded decisions and make them the active ranker."""
    from ..ranker import learn_and_save

    with friendly_errors():
        result = learn_and_save(*_store().learning_decisions(), _folder(), dry_run=dry_run)
        out.print(json.dumps(result, indent=2), highlight=False)
        if not result["saved"] and not dry_run:
            err.print("nothing saved: no competency has enough decisions yet")


@learn_app.command("list")
def learn_list() -> None:
    """Every learned version, newest last; the active one is marked."""
    from ..ranker import list_rankers

    with friendly_errors():
        for r in list_rankers(_folder()):
            out.print(("* " if r["active"] else "  ") + json.dumps(r), highlight=False)


@learn_app.command("rollback")
def learn_rollback() -> None:
    """Re-activate the previous version (or none); a running service picks it up on its next request."""
    from ..ranker import rollback

    with friendly_errors():
        ranker = rollback(_folder())
        out.print(f"active ranker: {ranker.version if ranker else 'none (unlearned ranking)'}")


@learn_app.command("flag-spam")
def learn_flag_spam(
    decision: Annotated[str, typer.Argument(help="set:ID or position:ID (the decision's id from the API)")],
    reason: Annotated[Optional[str], typer.Option(help="Why, for the audit trail")] = None,
    actor: Annotated[str, typer.Option(help="Who flags it")] = "admin",
) -> None:
    """Leave a decision out of learning; the flag is an audit event, the decision stays in the trail."""
    with friendly_errors():
        kind, _, raw_id = decision.partition(":")
        if not raw_id.isdigit():
            raise InputError("name the decision as set:ID or position:ID", code="invalid_input")
        out.print(json.dumps(_store().flag_spam(kind, int(raw_id), actor=actor, reason=reason)))
