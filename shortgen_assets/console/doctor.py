"""`shortgen doctor`: what crashes left behind (stuck runs, held slots, leftovers, orphan files,
rows without files), one line each with what `--fix` does; exit 0 when healthy, 1 otherwise."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from shortgen_assets.console.common import app, friendly


@app.command()
@friendly
def doctor(
    fix: Annotated[bool, typer.Option("--fix", help="Fix what is found")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Report stuck runs, held pool slots, leftovers, orphan files and rows without files."""
    from dagster import DagsterInstance

    from shortgen_assets.defs.doctor import Home, examine
    from shortgen_assets.settings import get_settings, prepare_dagster_home

    settings = get_settings()
    prepare_dagster_home(settings)
    # Not common.instance(): it recovers dead runs on opening, before doctor could report them.
    home = Home(settings, DagsterInstance.get())
    findings = examine(home, fix)
    remaining = examine(home, fix=False) if fix else findings  # what the fixes did not cure
    if as_json:
        rows = [{"kind": f.kind, "what": f.what, "fix": f.fix} for f in findings]
        left = [f.line() for f in remaining]
        typer.echo(json.dumps({"findings": rows, "fixed": fix, "remaining": left}, indent=2))
    else:
        for finding in findings:
            typer.echo(("fixed: " if fix else "") + finding.line())
        for finding in remaining if fix else []:
            typer.echo(f"still: {finding.line()}")
        summary = f"{len(remaining)} problem(s) remain" if remaining else "healthy"
        typer.echo(summary if findings or not fix else "healthy", err=True)
    if remaining:
        raise typer.Exit(1)
