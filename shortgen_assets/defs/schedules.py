"""Schedules, stopped by default and switched on in the UI: videos per theme, and trend refreshes.

A theme schedule only inserts a requested job row, exactly as `shortgen request` does; the
`job_requests` sensor launches it, so there is one path from request to run.
"""

from __future__ import annotations

from pathlib import Path

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)
from sqlalchemy import func, select

from shortgen_assets.db.models import Job
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.defs.jobs import pipeline_job, trend_refresh_job
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.domain.schemas import Theme
from shortgen_assets.domain.themes import ThemeError, load_theme


def cron_for(videos_per_day: int) -> str:
    """Spread `videos_per_day` evenly over the day (minute-level above 24 a day)."""
    if videos_per_day <= 24:
        hours = sorted({round(i * 24 / videos_per_day) % 24 for i in range(videos_per_day)})
        return f"0 {','.join(map(str, hours))} * * *"
    return f"*/{max(1, 1440 // videos_per_day)} * * * *"


def theme_schedule(theme: Theme, path: Path) -> ScheduleDefinition:
    @schedule(
        name=f"{theme.name.replace('-', '_')}_videos",
        cron_schedule=cron_for(theme.videos_per_day),
        target=pipeline_job,
        default_status=DefaultScheduleStatus.STOPPED,
        description=f"Requests {theme.videos_per_day} video(s) a day for theme {theme.name}.",
    )
    def _requests(context: ScheduleEvaluationContext, app_db: AppDatabase) -> SkipReason:
        current = load_theme(path)  # the file as it is now, validated again
        with app_db.session() as session:
            [job_id] = request_jobs(session, current, path, source="schedule")
        return SkipReason(f"requested job {job_id}; the job_requests sensor launches it")

    return _requests


def theme_schedules(themes_dir: Path) -> list[ScheduleDefinition]:
    """One schedule per valid theme file with videos_per_day > 0; invalid files are skipped."""
    schedules = []
    for path in sorted(themes_dir.glob("*.yaml")):
        try:
            theme = load_theme(path)
        except ThemeError:
            continue
        if theme.videos_per_day > 0:
            schedules.append(theme_schedule(theme, path))
    return schedules


@schedule(
    cron_schedule="0 */6 * * *",
    job=trend_refresh_job,
    default_status=DefaultScheduleStatus.STOPPED,
    description="Re-collects trends and re-analyses them for each theme's latest job.",
)
def trend_refresh(context: ScheduleEvaluationContext, app_db: AppDatabase) -> list[RunRequest]:
    with app_db.session() as session:
        latest = session.scalars(select(func.max(Job.id)).group_by(Job.theme_name)).all()
    return [
        RunRequest(
            partition_key=str(job_id),
            run_key=f"refresh-{job_id}-{context.scheduled_execution_time:%Y%m%d%H}",
        )
        for job_id in sorted(latest)
    ]
