"""Schedules: off by default; a theme's tick requests a job, a refresh tick targets latest jobs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dagster import DagsterInstance, DefaultScheduleStatus, build_schedule_context
from sqlalchemy import select

from shortgen_assets.db.models import Job
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.schedules import cron_for
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME


@pytest.mark.parametrize(
    ("per_day", "cron"),
    [(1, "0 0 * * *"), (2, "0 0,12 * * *"), (3, "0 0,8,16 * * *"), (48, "*/30 * * * *")],
)
def test_cron_spreads_videos_over_the_day(per_day: int, cron: str) -> None:
    assert cron_for(per_day) == cron


def test_theme_schedule_requests_a_job_and_schedules_start_stopped(
    installation: Settings, instance: DagsterInstance
) -> None:
    defs = build_definitions(installation)
    schedules = {s.name: s for s in defs.schedules}
    assert set(schedules) == {"tempo_focus_videos", "trend_refresh"}
    assert all(s.default_status == DefaultScheduleStatus.STOPPED for s in schedules.values())
    assert schedules["tempo_focus_videos"].cron_schedule == cron_for(2)
    resources = {"app_db": defs.resources["app_db"]}

    # Each context is closed as the daemon closes it: a context left open holds an instance whose
    # collection later resets Dagster's current defs-state storage to this test's dead instance.
    with build_schedule_context(instance=instance, resources=resources) as context:
        schedules["tempo_focus_videos"](context)
    with session_scope(installation.app_database_url) as session:
        [job] = session.scalars(select(Job)).all()
        assert (job.status, job.source, job.theme_name) == ("requested", "schedule", "tempo-focus")

    with session_scope(installation.app_database_url) as session:
        request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME)
    tick_time = datetime(2026, 11, 23, 6, tzinfo=UTC)
    with build_schedule_context(
        instance=instance, resources=resources, scheduled_execution_time=tick_time
    ) as context:
        refresh = schedules["trend_refresh"](context)
    assert [request.partition_key for request in refresh] == [str(job.id + 1)]
    assert refresh[0].run_key == f"refresh-{job.id + 1}-2026112306"
