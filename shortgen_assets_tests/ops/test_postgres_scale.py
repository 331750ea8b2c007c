"""Ten jobs at once on the Postgres profile, through the real daemon and the queued run coordinator.

What a user gets from `shortgen request --count 10` with `dagster-daemon run` on dagster-postgres
storage and the app tables in another Postgres database: the `job_requests` sensor launches one run
per job, the queue runs at most `MAX_CONCURRENT_RUNS` at once, the run-status sensors write the
outcome back, and concurrent writers never hit a lock error.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance, DagsterRun, RunsFilter
from sqlalchemy import select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.jobs import pipeline_job
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import install
from shortgen_assets_tests.ops.daemon import (
    DagsterServices,
    lock_errors,
    queued_instance_config,
)

pytestmark = pytest.mark.xdist_group("daemon")

JOBS = 10
MAX_CONCURRENT_RUNS = 4
RUNS_DEADLINE_SECONDS = 360
# Run-status sensors tick every 30 s and handle 5 runs per tick: three ticks settle ten runs.
STATUS_GRACE_SECONDS = 90
TERMINAL = {"awaiting_review", "failed"}


@pytest.fixture
def postgres_installation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    """Fresh Postgres databases for Dagster and the app, with the queued coordinator."""
    settings = install(tmp_path, "postgres", monkeypatch, request)
    config_path = settings.dagster_home_dir / "dagster.yaml"
    storage = yaml.safe_load(config_path.read_text())["storage"]
    config_path.write_text(yaml.safe_dump(queued_instance_config(storage, MAX_CONCURRENT_RUNS)))
    return settings


def _statuses(settings: Settings, ids: list[int]) -> dict[int, Job]:
    with session_scope(settings.app_database_url) as session:
        return {job.id: job for job in session.scalars(select(Job).where(Job.id.in_(ids)))}


def _settled_statuses(settings: Settings, ids: list[int], timeout: float) -> dict[int, Job]:
    """Job rows once every one is terminal, or as they are after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = _statuses(settings, ids)
        if all(job.status in TERMINAL for job in jobs.values()) or time.monotonic() > deadline:
            return jobs
        time.sleep(2)


def _peak_concurrency(runs: list[tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in runs] + [(end, -1) for _, end in runs])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def _run_logs(instance: DagsterInstance, runs: list[DagsterRun], dagster_home: Path) -> str:
    """Event-log messages of every run plus the captured stdout/stderr of their steps."""
    messages = [entry.message for run in runs for entry in instance.all_logs(run.run_id)]
    captured = [
        path.read_text(errors="replace")
        for pattern in ("*.err", "*.out")
        for path in (dagster_home / "storage").rglob(pattern)
    ]
    return "\n".join([*messages, *captured])


def test_ten_jobs_at_once_through_the_daemon_on_postgres(
    postgres_installation: Settings, quick_theme: Path, tmp_path: Path
) -> None:
    settings = postgres_installation
    result = CliRunner().invoke(app, ["request", "--theme", str(quick_theme), "--count", str(JOBS)])
    assert result.exit_code == 0, result.stderr
    ids = [int(line) for line in result.stdout.split()]
    assert len(ids) == JOBS

    with DagsterServices(settings.dagster_home_dir, log_dir=tmp_path / "logs") as services:
        try:
            services.wait_for_runs([str(job_id) for job_id in ids], RUNS_DEADLINE_SECONDS)
        except TimeoutError as exc:
            tail = "\n".join(services.log_text().splitlines()[-40:])
            raise AssertionError(f"{exc}\ndaemon log tail:\n{tail}") from None
        jobs = _settled_statuses(settings, ids, STATUS_GRACE_SECONDS)
    daemon_log = services.log_text()

    with DagsterInstance.get() as instance:
        runs = list(instance.get_runs(RunsFilter(job_name=pipeline_job.name)))
        records = instance.get_run_records(RunsFilter(job_name=pipeline_job.name))
        run_logs = _run_logs(instance, runs, settings.dagster_home_dir)
    assert sorted(int(run.tags["dagster/partition"]) for run in runs) == sorted(ids)
    run_statuses = {run.tags["dagster/partition"]: run.status.value for run in runs}
    assert set(run_statuses.values()) == {"SUCCESS"}, f"run statuses by job: {run_statuses}"

    unsettled = {
        job_id: (job.status, job.error)
        for job_id, job in jobs.items()
        if job.status != "awaiting_review"
    }
    assert not unsettled, f"job rows not awaiting review though their runs succeeded: {unsettled}"
    # The run-status sensors wrote each run's id back to its job.
    assert {jobs[int(run.tags["dagster/partition"])].run_id for run in runs} == {
        run.run_id for run in runs
    }
    with session_scope(settings.app_database_url) as session:
        with_video = set(session.scalars(select(Video.job_id).where(Video.job_id.in_(ids))))
    assert with_video == set(ids)

    # The queue ran jobs side by side, never more than its limit.
    peak = _peak_concurrency([(record.start_time, record.end_time) for record in records])
    assert 2 <= peak <= MAX_CONCURRENT_RUNS

    problems = lock_errors(daemon_log) + lock_errors(run_logs)
    assert not problems, f"lock errors: {problems[:5]}"
