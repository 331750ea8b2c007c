"""Commands that make things happen now: demo, retry, backfill, approve and reject."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shortgen_assets.console.common import (
    UserError,
    app,
    definitions,
    find_job,
    friendly,
    instance,
    job_details,
    require_credentials,
    retry_hint,
)
from shortgen_assets.db.state import JobStatus
from shortgen_assets.domain.publish.review import STATUSES, Decision

if TYPE_CHECKING:
    from shortgen_assets.defs.launch import RunOutcome, StepReport


def _print_step(step: StepReport) -> None:
    mark = "done" if step.succeeded else "FAILED"
    typer.echo(f"  {step.stage:<13} {mark:<7} {step.seconds:6.1f} s", err=True)


def _run_tracked(job_id: int, stages: Sequence[str]) -> RunOutcome:
    """Materialize `stages` for the job in process (jobs.status follows); exit 1 on failure."""
    from shortgen_assets.defs.launch import materialize_job
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    outcome = materialize_job(
        definitions(settings),
        instance(settings),
        job_id,
        stages,
        on_step=_print_step,
        on_wait=lambda what: typer.echo(f"  {what}", err=True),
    )
    if not outcome.success:
        typer.echo(
            f"failed: job {job_id} stopped at {outcome.error}; {retry_hint(job_id)}", err=True
        )
        raise typer.Exit(1)
    return outcome


@app.command()
@friendly
def retry(job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")]) -> None:
    """Re-run what is missing or failed for a job, from the first such stage onwards."""
    from shortgen_assets.defs.progress import stages_to_retry
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    job, _ = find_job(settings, job_id)
    if job.status in {JobStatus.APPROVED, JobStatus.PUBLISHED}:
        from shortgen_assets.console.publish import retry_publication

        retry_publication(settings, job_id)
        return
    if job.status == JobStatus.REJECTED:
        raise UserError(f"job {job_id} is rejected; its video has been reviewed already")
    stages = stages_to_retry(instance(settings, for_runs=False), job_id)
    if stages:
        require_credentials(settings)
    if not stages:
        typer.echo(f"job {job_id}: every stage is materialized; nothing to retry", err=True)
        return
    typer.echo(f"job {job_id}: re-running {', '.join(stages)}", err=True)
    outcome = _run_tracked(job_id, stages)
    typer.echo(f"job {job_id} retried in run {outcome.run_id} ({outcome.seconds:.1f} s)")


@app.command()
@friendly
def backfill(
    jobs: Annotated[str, typer.Option(help="Job ids: ranges and lists like 1-20,25")],
    from_stage: Annotated[
        str | None,
        typer.Option("--from", help="First stage to re-materialize [default: the first stage]"),
    ] = None,
) -> None:
    """Queue an asset backfill over many jobs; the daemon runs it (UI: Overview > Backfills)."""
    from shortgen_assets.defs.backfills import launch_backfill, missing_jobs, parse_job_ids
    from shortgen_assets.defs.jobs import PIPELINE_STAGES
    from shortgen_assets.settings import get_settings

    from_stage = from_stage or PIPELINE_STAGES[0]
    if from_stage not in PIPELINE_STAGES:
        raise UserError(f"unknown stage {from_stage!r}; use one of {', '.join(PIPELINE_STAGES)}")
    settings = get_settings()
    try:
        job_ids = parse_job_ids(jobs)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    missing = missing_jobs(settings, job_ids)
    if missing:
        raise UserError(f"no job {', '.join(map(str, missing))}; list jobs with `shortgen jobs`")
    stages = PIPELINE_STAGES[PIPELINE_STAGES.index(from_stage) :]
    backfill_id = launch_backfill(definitions(settings), instance(settings), job_ids, stages)
    typer.echo(backfill_id)
    typer.echo(
        f"backfill {backfill_id}: {len(job_ids)} job(s) from {from_stage}; the daemon runs it "
        "(make ui), see Overview > Backfills",
        err=True,
    )


@app.command()
@friendly
def demo(
    theme: Annotated[Path, typer.Option(help="Theme YAML file")] = Path(
        "config/themes/default.yaml"
    ),
) -> None:
    """Request one job and make its video now, in this process, on the configured providers."""
    from shortgen_assets.db.repository import request_jobs
    from shortgen_assets.db.session import session_scope
    from shortgen_assets.defs.jobs import PIPELINE_STAGES
    from shortgen_assets.domain.themes import load_theme
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    parsed = load_theme(theme)
    require_credentials(settings)
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(
            session, parsed, theme.resolve(), source="demo", status=JobStatus.QUEUED
        )
    typer.echo(f"job {job_id}: a {parsed.duration_seconds} s video for {parsed.product}", err=True)
    outcome = _run_tracked(job_id, PIPELINE_STAGES)
    details = job_details(settings, job_id)
    for warning in details["warnings"]:
        typer.echo(f"warning: {warning}", err=True)
    video = details["video"]
    typer.echo(f"video:     {video['path']}")
    typer.echo(f"thumbnail: {video['thumbnail']}")
    typer.echo(f"cost:      ${video['cost_usd']['total']:.4f}")
    typer.echo(f"took {outcome.seconds:.1f} s; review with `shortgen approve {job_id}`", err=True)


def _review(
    job_id: int, video_id: int | None, decision: Decision, note: str, reviewer: str
) -> None:
    """Launch the `review` materialization for the video shown (default: the job's latest)."""
    from shortgen_assets.defs.reviews import launch_review
    from shortgen_assets.domain.publish.review import ReviewError
    from shortgen_assets.settings import get_settings

    settings = get_settings()
    job, video = find_job(settings, job_id)
    if video is None and job.error:
        raise UserError(
            f"job {job_id} has no video: it failed at {job.error}; {retry_hint(job_id)}"
        )
    if video is None:
        raise UserError(f"job {job_id} has no video to review yet (it is {job.status})")
    video_id = video.id if video_id is None else video_id
    try:
        outcome = launch_review(
            definitions(settings), instance(settings), job_id, video_id, decision, reviewer, note
        )
    except ReviewError as exc:
        raise UserError(str(exc)) from None
    if not outcome.success:
        typer.echo(f"failed: review of job {job_id} at {outcome.error}", err=True)
        raise typer.Exit(1)
    moved = job_details(settings, job_id)["video"]
    typer.echo(f"job {job_id} video {video_id} {STATUSES[decision]} by {reviewer}: {moved['path']}")


def _default_reviewer() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "cli"


@app.command()
@friendly
def approve(
    job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")],
    note: Annotated[str, typer.Option(help="Why")] = "",
    reviewer: Annotated[str, typer.Option(help="Who decided")] = "",
    video: Annotated[
        int | None, typer.Option(help="The video id you watched (default: the job's latest)")
    ] = None,
) -> None:
    """Approve a job's generated video: it moves to output/approved/ (and auto-posts if set)."""
    _review(job_id, video, "approve", note, reviewer or _default_reviewer())


@app.command()
@friendly
def reject(
    job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")],
    note: Annotated[str, typer.Option(help="Why (required)")] = "",
    reviewer: Annotated[str, typer.Option(help="Who decided")] = "",
    video: Annotated[
        int | None, typer.Option(help="The video id you watched (default: the job's latest)")
    ] = None,
) -> None:
    """Reject a job's generated video: it moves to output/rejected/."""
    _review(job_id, video, "reject", note, reviewer or _default_reviewer())
