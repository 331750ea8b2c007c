"""The `shortgen` command: request jobs, inspect them, and run the pieces of the platform."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from shortgen_assets.console import publish as cli_publish
from shortgen_assets.console import runs as cli_runs
from shortgen_assets.console import serve as cli_serve  # noqa: F401 - registers `serve`
from shortgen_assets.console.common import (
    UserError,
    app,
    db_app,
    friendly,
    instance,
    job_details,
    job_summary,
)
from shortgen_assets.console.theme import theme_app
from shortgen_assets.db.repository import list_jobs, request_jobs
from shortgen_assets.db.session import get_engine, session_scope, upgrade
from shortgen_assets.db.state import JOB_STATUSES
from shortgen_assets.defs.progress import materialized_counts
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import get_settings

__all__ = ["app", "cli_publish", "cli_runs"]

app.add_typer(theme_app, name="theme")


@app.command()
@friendly
def request(
    theme: Annotated[Path, typer.Option(help="Theme YAML file, e.g. config/themes/default.yaml")],
    count: Annotated[int, typer.Option(min=1, max=100, help="How many videos to request")] = 1,
) -> None:
    """Validate a theme and request COUNT videos for it; prints the new job ids."""
    settings = get_settings()
    parsed = load_theme(theme)
    with session_scope(settings.app_database_url) as session:
        ids = request_jobs(session, parsed, theme.resolve(), count)
    for job_id in ids:
        typer.echo(job_id)
    typer.echo(f"requested {len(ids)} job(s) for theme {parsed.name}", err=True)


@app.command()
@friendly
def jobs(
    status: Annotated[
        str | None, typer.Option(help=f"Only jobs in this status: {JOB_STATUSES}")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List jobs with their status and how many stages Dagster has materialized."""
    if status is not None and status not in JOB_STATUSES:
        raise UserError(f"unknown status {status!r}; use one of {', '.join(JOB_STATUSES)}")
    settings = get_settings()
    with session_scope(settings.app_database_url) as session:
        rows = list_jobs(session, status)
    counts = materialized_counts(instance(settings), [str(job.id) for job in rows])
    summaries = [job_summary(job, counts[str(job.id)]) for job in rows]
    if as_json:
        typer.echo(json.dumps(summaries, indent=2))
        return
    if not summaries:
        typer.echo("no jobs")
    for row in summaries:
        error = f"  {row['error'][:80]}" if row["error"] else ""
        typer.echo(
            f"{row['id']:>5}  {row['status']:<16} {row['theme']:<24} "
            f"{row['stages_done']}/{row['stages_total']} stages{error}"
        )


@app.command()
@friendly
def show(
    job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Show one job: status, each stage's state in Dagster, files and costs."""
    details = job_details(get_settings(), job_id)
    if as_json:
        typer.echo(json.dumps(details, indent=2))
        return
    typer.echo(f"job {details['id']}  {details['status']}  theme {details['theme']}")
    if details["error"]:
        typer.echo(f"  error: {details['error']}")
    for stage in details["stages"]:
        when = f"  {stage['at']}  run {stage['run_id'][:8]}" if stage["run_id"] else ""
        typer.echo(f"  {stage['stage']:<13} {stage['state']:<13}{when}")
    for warning in details["warnings"]:
        typer.echo(f"  warning: {warning}")
    video = details["video"]
    if video:
        typer.echo(f"  video {video['status']} (id {video['id']}): {video['path']}")
        typer.echo(f"  thumbnail: {video['thumbnail']}")
        typer.echo(f"  cost: ${video['cost_usd']['total']:.4f}")
        if video["reviewer"]:
            typer.echo(f"  reviewed by {video['reviewer']} at {video['reviewed_at']}")
    for line in cli_publish.publication_lines(details["publications"]):
        typer.echo(f"  {line}")


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply the app database migrations (they also run on first use)."""
    settings = get_settings()
    head = upgrade(get_engine(settings.app_database_url))
    typer.echo(f"app database at revision {head}")


@app.command()
@friendly
def ui(
    port: Annotated[int, typer.Option(help="Port for the webserver")] = 3000,
) -> None:
    """Start the Dagster UI and daemon on 127.0.0.1 with the project's DAGSTER_HOME."""
    settings = get_settings()
    instance(settings)
    dagster = shutil.which("dagster") or str(Path(sys.executable).parent / "dagster")
    target = (
        ["-w", "workspace.yaml"]
        if Path("workspace.yaml").exists()
        else ["-m", "shortgen_assets.definitions"]
    )
    cmd = [dagster, "dev", *target, "-h", "127.0.0.1", "-p", str(port)]
    typer.echo(f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}\n{' '.join(cmd)}", err=True)
    raise typer.Exit(subprocess.call(cmd))
