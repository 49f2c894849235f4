"""`cde-suggest`: thin typer commands over the library, one Typer per command group.

Each module defines its own Typer; they are joined here, so no command module imports another.
"""

from __future__ import annotations

import typer

from . import (contract_cmds, dictionary_cmds, eval_cmds, learn_cmds, load_cmds, models_cmds, roles_cmds,
               service_cmds, settings_cmds, suggest_cmds, train_cmds)

app = typer.Typer(help="Suggest Karmayogi competencies for job descriptions (C-DE).", no_args_is_help=True,
                  pretty_exceptions_enable=False)
# groups without a name add their commands at the top level (suggest, batch, eval, bench, serve, roles, gap,
# train, openapi, loadtest)
for module in (suggest_cmds, eval_cmds, roles_cmds, service_cmds, settings_cmds, train_cmds, contract_cmds, load_cmds):
    app.add_typer(module.app)
app.add_typer(dictionary_cmds.dictionary_app, name="dictionary")
app.add_typer(dictionary_cmds.index_app, name="index")
app.add_typer(service_cmds.keys_app, name="keys")
app.add_typer(service_cmds.audit_app, name="audit")
app.add_typer(learn_cmds.learn_app, name="learn")
app.add_typer(models_cmds.models_app, name="models")

__all__ = ["app"]
