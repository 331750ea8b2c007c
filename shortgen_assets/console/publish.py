"""`shortgen publish`: post a job's approved video, once per platform, and say how it went.

It launches the same `publication` materialization as the approved-videos sensor and the UI
launchpad (job `publish_video`), then prints one line per platform from the publications rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from shortgen_assets.console.common import (
    UserError,
    app,
    definitions,
    find_job,
    friendly,
    instance,
    publication_summaries,
)

if TYPE_CHECKING:
    from shortgen_assets.settings import Settings

PLATFORMS = ("youtube", "tiktok", "instagram")
PUBLISHABLE = {"approved", "published"}


def publication_lines(summaries: list[dict[str, Any]]) -> list[str]:
    """One line per platform: status, then the post's URL or id, the time, or the reason."""
    lines = []
    for row in summaries:
        detail = row["url"] or row["remote_id"] or row["manifest"] or ""
        if row["status"] == "waiting":
            detail = f"sends at {row['scheduled_at']}"
        elif row["status"] == "scheduled":
            detail = f"{detail} (public at {row['scheduled_at']})"
        if row["error"]:
            reason = row["error"].splitlines()[0]
            detail = reason if row["status"] == "failed" else f"{detail}; {reason}"
        lines.append(f"{row['platform']:<10} {row['status']:<10} {detail}")
    return lines


def launch_publication(
    settings: Settings, job_id: int, platforms: list[str], at: str | None
) -> tuple[bool, str]:
    """Run `publication` for the job in this process: (success, the failure reasons)."""
    from shortgen_assets.defs.launch import materialize_job

    config: dict[str, Any] = {"platforms": platforms}
    if at:
        config["at"] = at
    outcome = materialize_job(
        definitions(settings),
        instance(settings),
        job_id,
        stages=["publication"],
        job_name="publish_video",
        run_config={"ops": {"publication": {"config": config}}},
    )
    reasons = "; ".join(s.message or s.stage for s in outcome.steps if not s.succeeded)
    return outcome.success, reasons


def _report(settings: Settings, job_id: int, platforms: list[str], success: bool) -> None:
    rows = [
        row
        for row in publication_summaries(settings, job_id)
        if not platforms or row["platform"] in platforms
    ]
    for line in publication_lines(rows):
        typer.echo(line)
    if not success:
        failed = [row["platform"] for row in rows if row["status"] == "failed"]
        names = ", ".join(failed) or "the publication"
        retry = f"`shortgen retry {job_id}` posts again"
        typer.echo(f"failed: job {job_id}: {names}; {retry}", err=True)
        raise typer.Exit(1)


def publish_job(settings: Settings, job_id: int, platforms: list[str], at: str | None) -> None:
    """Check the request, launch the publication, print one line per platform."""
    job, video = find_job(settings, job_id)
    if video is None or video.status not in PUBLISHABLE:
        status = video.status if video else f"without a video ({job.status})"
        raise UserError(f"job {job_id} is {status}; approve it first: `shortgen approve {job_id}`")
    unknown = sorted(set(platforms) - set(PLATFORMS))
    if unknown:
        raise UserError(f"unknown platform {', '.join(unknown)}; use {', '.join(PLATFORMS)}")
    if at:
        from shortgen_assets.domain.publish.schedule import ScheduleError, parse_at

        try:
            parse_at(at)
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
    success, _ = launch_publication(settings, job_id, platforms, at)
    _report(settings, job_id, platforms, success)


def retry_publication(settings: Settings, job_id: int) -> None:
    """Publish again only to the platforms whose row failed."""
    failed = [
        row["platform"]
        for row in publication_summaries(settings, job_id)
        if row["status"] == "failed"
    ]
    if not failed:
        typer.echo(f"job {job_id}: no platform failed; nothing to retry", err=True)
        return
    typer.echo(f"job {job_id}: publishing again to {', '.join(failed)}", err=True)
    publish_job(settings, job_id, failed, None)


@app.command()
@friendly
def publish(
    job_id: Annotated[int, typer.Argument(metavar="JOB", help="Job id")],
    platform: Annotated[
        list[str] | None,
        typer.Option("--platform", help="youtube, tiktok or instagram (repeatable)"),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="When: 2026-12-01T09:00+01:00, '2026-12-01 09:00' or 09:00")
    ] = None,
) -> None:
    """Publish a job's approved video to each platform once; dry run unless SHORTGEN_PUBLISHERS."""
    from shortgen_assets.settings import get_settings

    publish_job(get_settings(), job_id, list(platform or []), at)
