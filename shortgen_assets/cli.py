"""The `shortgen` command: request jobs, inspect them, and run the pieces of the platform.

User errors (a bad theme, an unknown job, a bad option) print one line and exit 2; failures exit 1;
neither prints a traceback. Every command works on the same settings and DAGSTER_HOME as the UI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from dagster import DagsterInstance, Definitions
from sqlalchemy import select

from shortgen_assets.db.models import JOB_STATUSES, Job, Video
from shortgen_assets.db.repository import list_jobs, request_jobs, set_job_status
from shortgen_assets.db.session import get_engine, session_scope, upgrade
from shortgen_assets.domain.review import STATUSES, Decision, ReviewError, check_reviewable
from shortgen_assets.domain.themes import ThemeError, load_theme
from shortgen_assets.launch import StepReport, materialize_job
from shortgen_assets.progress import ALL_STAGES, materialized_counts, stage_states
from shortgen_assets.settings import Settings, get_settings, prepare_dagster_home

app = typer.Typer(
    help="shortgen: trends and a product brief in, reviewed vertical short videos out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="App database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

F = TypeVar("F", bound=Callable[..., Any])


class UserError(Exception):
    """Something the user can fix; reported as one line with exit code 2."""


def friendly(func: F) -> F:
    """Turn user errors into exit 2 and failures into exit 1, one line each, no traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (UserError, ThemeError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except typer.Exit:
            raise
        except Exception as exc:
            typer.echo(f"failed: {type(exc).__name__}: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def instance(settings: Settings) -> DagsterInstance:
    prepare_dagster_home(settings)
    return DagsterInstance.get()


def definitions(settings: Settings) -> Definitions:
    """Definitions for these settings (imported late: loading every asset costs a second)."""
    from shortgen_assets.definitions import build_definitions

    return build_definitions(settings)


def _job(settings: Settings, job_id: int) -> tuple[Job, Video | None]:
    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise UserError(f"no job {job_id}; list jobs with `shortgen jobs`")
        video = session.scalars(
            select(Video).where(Video.job_id == job_id).order_by(Video.id.desc()).limit(1)
        ).first()
        return job, video


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


def _job_summary(job: Job, stages_done: int) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status,
        "theme": job.theme_name,
        "stages_done": stages_done,
        "stages_total": len(ALL_STAGES),
        "requested_at": job.requested_at.isoformat(timespec="seconds"),
        "error": job.error,
    }


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
    summaries = [_job_summary(job, counts[str(job.id)]) for job in rows]
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


def job_details(settings: Settings, job_id: int) -> dict[str, Any]:
    """Status, per-stage state from Dagster, files and costs of one job."""
    job, video = _job(settings, job_id)
    states = stage_states(instance(settings), job_id)
    details: dict[str, Any] = _job_summary(job, sum(s.state == "materialized" for s in states))
    details["stages"] = [
        {"stage": s.stage, "state": s.state, "at": s.at, "run_id": s.run_id} for s in states
    ]
    details["video"] = None
    if video is not None:
        details["video"] = {
            "id": video.id,
            "status": video.status,
            "path": video.path,
            "thumbnail": video.thumbnail_path,
            "duration_seconds": video.duration_seconds,
            "size": f"{video.width}x{video.height}",
            "cost_usd": {
                "llm": video.cost_llm,
                "tts": video.cost_tts,
                "footage": video.cost_footage,
                "total": video.cost_total,
            },
            "reviewer": video.reviewer,
            "reviewed_at": video.reviewed_at.isoformat() if video.reviewed_at else None,
            "review_note": video.review_note,
            "published_at": video.published_at.isoformat() if video.published_at else None,
            "published_url": video.published_url,
            "manifest": video.publish_manifest_path,
        }
    return details


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
    video = details["video"]
    if video:
        typer.echo(f"  video {video['status']}: {video['path']}")
        typer.echo(f"  thumbnail: {video['thumbnail']}")
        typer.echo(f"  cost: ${video['cost_usd']['total']:.4f}")
        if video["reviewer"]:
            typer.echo(f"  reviewed by {video['reviewer']} at {video['reviewed_at']}")


def _print_step(step: StepReport) -> None:
    mark = "done" if step.succeeded else "FAILED"
    typer.echo(f"  {step.stage:<13} {mark:<7} {step.seconds:6.1f} s", err=True)
    if step.message:
        typer.echo(f"    {step.message.splitlines()[0]}", err=True)


@app.command()
@friendly
def demo(
    theme: Annotated[Path, typer.Option(help="Theme YAML file")] = Path(
        "config/themes/default.yaml"
    ),
) -> None:
    """Request one job and make its video now, in this process, on the configured providers."""
    settings = get_settings()
    parsed = load_theme(theme)
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(session, parsed, theme.resolve(), source="demo", status="queued")
    typer.echo(f"job {job_id}: a {parsed.duration_seconds} s video for {parsed.product}", err=True)
    dagster_instance = instance(settings)
    with session_scope(settings.app_database_url) as session:
        set_job_status(session, job_id, "running")
    outcome = materialize_job(definitions(settings), dagster_instance, job_id, on_step=_print_step)
    failures = "; ".join(f"{s.stage}: {s.message}" for s in outcome.steps if not s.succeeded)
    with session_scope(settings.app_database_url) as session:
        if outcome.success:
            set_job_status(session, job_id, "awaiting_review", run_id=outcome.run_id)
        else:
            set_job_status(session, job_id, "failed", error=failures, run_id=outcome.run_id)
    if not outcome.success:
        typer.echo(f"failed: job {job_id} run {outcome.run_id}: {failures}", err=True)
        raise typer.Exit(1)
    video = job_details(settings, job_id)["video"]
    typer.echo(f"video:     {video['path']}")
    typer.echo(f"thumbnail: {video['thumbnail']}")
    typer.echo(f"cost:      ${video['cost_usd']['total']:.4f}")
    typer.echo(f"took {outcome.seconds:.1f} s; review with `shortgen approve {job_id}`", err=True)


def _review(job_id: int, decision: Decision, note: str, reviewer: str) -> None:
    """Check the decision can be made, then launch the `review` materialization for it."""
    settings = get_settings()
    job, video = _job(settings, job_id)
    if video is None:
        raise UserError(f"job {job_id} has no video to review yet (it is {job.status})")
    try:
        files = [Path(video.path), Path(video.thumbnail_path)]
        check_reviewable(video.id, video.status, files, decision, note)
    except ReviewError as exc:
        raise UserError(str(exc)) from None
    config = {"decision": decision, "reviewer": reviewer, "note": note}
    outcome = materialize_job(
        definitions(settings),
        instance(settings),
        job_id,
        stages=["review"],
        job_name="review_video",
        run_config={"ops": {"review": {"config": config}}},
    )
    if not outcome.success:
        failures = "; ".join(s.message or s.stage for s in outcome.steps if not s.succeeded)
        typer.echo(f"failed: review of job {job_id} (run {outcome.run_id}): {failures}", err=True)
        raise typer.Exit(1)
    moved = job_details(settings, job_id)["video"]
    typer.echo(f"job {job_id} {STATUSES[decision]} by {reviewer}: {moved['path']}")


def _default_reviewer() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "cli"


@app.command()
@friendly
def approve(
    job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")],
    note: Annotated[str, typer.Option(help="Why")] = "",
    reviewer: Annotated[str, typer.Option(help="Who decided")] = "",
) -> None:
    """Approve a job's generated video: it moves to output/approved/ (and auto-posts if set)."""
    _review(job_id, "approve", note, reviewer or _default_reviewer())


@app.command()
@friendly
def reject(
    job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")],
    note: Annotated[str, typer.Option(help="Why (required)")] = "",
    reviewer: Annotated[str, typer.Option(help="Who decided")] = "",
) -> None:
    """Reject a job's generated video: it moves to output/rejected/."""
    _review(job_id, "reject", note, reviewer or _default_reviewer())


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
    prepare_dagster_home(settings)
    dagster = shutil.which("dagster") or str(Path(sys.executable).parent / "dagster")
    target = (
        ["-w", "workspace.yaml"]
        if Path("workspace.yaml").exists()
        else ["-m", "shortgen_assets.definitions"]
    )
    cmd = [dagster, "dev", *target, "-h", "127.0.0.1", "-p", str(port)]
    typer.echo(f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}\n{' '.join(cmd)}", err=True)
    raise typer.Exit(subprocess.call(cmd))


if __name__ == "__main__":
    app()
