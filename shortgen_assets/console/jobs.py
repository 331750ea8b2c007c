"""Commands about job rows: request new jobs, list them, show one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from shortgen_assets.console.common import (
    UserError,
    app,
    friendly,
    instance,
    job_details,
    require_credentials,
    retry_hint,
)
from shortgen_assets.db.state import JOB_STATUSES


@app.command()
@friendly
def request(
    theme: Annotated[Path, typer.Option(help="Theme YAML file, e.g. config/themes/default.yaml")],
    count: Annotated[int, typer.Option(min=1, max=100, help="How many videos to request")] = 1,
) -> None:
    """Validate a theme and request COUNT videos for it; prints the new job ids."""
    from shortgen_assets.db.repository import request_jobs
    from shortgen_assets.db.session import session_scope
    from shortgen_assets.domain.themes import load_theme
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    parsed = load_theme(theme)
    require_credentials(settings)
    with session_scope(settings.app_database_url) as session:
        ids = request_jobs(session, parsed, theme.resolve(), count)
    for job_id in ids:
        typer.echo(job_id)
    typer.echo(f"requested {len(ids)} job(s) for theme {parsed.name}", err=True)


@app.command()
@friendly
def jobs(
    status: Annotated[
        str | None, typer.Option(help=f"Only jobs in this status: {', '.join(JOB_STATUSES)}")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List jobs with their status and how many stages Dagster has materialized."""
    if status is not None and status not in JOB_STATUSES:
        raise UserError(f"unknown status {status!r}; use one of {', '.join(JOB_STATUSES)}")
    from shortgen_assets.console.common import job_summary
    from shortgen_assets.db.repository import list_jobs
    from shortgen_assets.db.session import session_scope
    from shortgen_assets.defs.progress import materialized_counts
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    dagster_instance = instance(settings, for_runs=False)  # first: it fails runs that died
    with session_scope(settings.app_database_url) as session:
        rows = list_jobs(session, status)
    counts = materialized_counts(dagster_instance, [str(job.id) for job in rows])
    summaries = [job_summary(job, counts[str(job.id)]) for job in rows]
    if as_json:
        typer.echo(json.dumps(summaries, indent=2))
        return
    if not summaries:
        typer.echo("no jobs")
    for row in summaries:
        error = f"  {row['error']}" if row["error"] else ""  # whole: never cut mid-word
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
    from shortgen_assets.settings import get_settings

    details = job_details(get_settings(), job_id)
    if as_json:
        typer.echo(json.dumps(details, indent=2))
        return
    typer.echo(f"job {details['id']}  {details['status']}  theme {details['theme']}")
    if details["error"]:
        typer.echo(f"  failed at {details['error']}; {retry_hint(details['id'])}")
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
    from shortgen_assets.console.publish import publication_lines

    for line in publication_lines(details["publications"]):
        typer.echo(f"  {line}")
