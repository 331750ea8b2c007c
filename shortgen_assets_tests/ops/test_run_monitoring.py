"""Through the real daemon: a run worker killed mid-`video` is failed by run monitoring, and the
job says so in one line."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest
import yaml
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.run_health import worker_pid
from shortgen_assets_tests.conftest import install
from shortgen_assets_tests.ops.daemon import (
    PIPELINE_DAEMONS,
    DagsterServices,
    queued_instance_config,
    wait_for,
)

pytestmark = pytest.mark.xdist_group("daemon")


def _monitored_config(storage_dir: Path) -> dict:
    config = queued_instance_config({"sqlite": {"base_dir": str(storage_dir)}}, 2)
    config["run_launcher"] = {
        "module": "shortgen_assets.defs.run_health",
        "class": "MonitoredRunLauncher",
    }
    config["run_monitoring"] = {
        "enabled": True,
        "poll_interval_seconds": 2,
        "max_resume_run_attempts": 0,
        "free_slots_after_run_end_seconds": 1,
    }
    return config


def _in_video(instance: DagsterInstance) -> tuple[str, int] | None:
    for run in instance.get_runs():
        starts = instance.get_records_for_run(run.run_id, of_type=DagsterEventType.STEP_START)
        if any(r.event_log_entry.dagster_event.step_key == "video" for r in starts.records):
            pid = worker_pid(instance, run)
            return (run.run_id, pid) if pid else None
    return None


def test_run_monitoring_fails_a_run_whose_worker_was_killed(
    tmp_path: Path,
    quick_theme: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    settings = install(tmp_path, "sqlite", monkeypatch, request)
    dagster_yaml = settings.dagster_home_dir / "dagster.yaml"
    dagster_yaml.write_text(yaml.safe_dump(_monitored_config(settings.dagster_home_dir / "s")))
    requested = CliRunner().invoke(app, ["request", "--theme", str(quick_theme)])
    job_id = int(requested.stdout)
    daemons = (*PIPELINE_DAEMONS, "MONITORING")
    with (
        DagsterInstance.get() as instance,
        DagsterServices(settings.dagster_home_dir, log_dir=tmp_path / "logs", daemons=daemons),
    ):
        run_id, pid = wait_for(lambda: _in_video(instance), 300, "the run's video step", 0.2)
        worker = psutil.Process(pid)
        for process in [*worker.children(recursive=True), worker]:
            process.kill()

        def failed() -> bool:
            return instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE

        wait_for(failed, 60, "run monitoring to fail the dead run")

        def job_error() -> str | None:
            with session_scope(settings.app_database_url) as session:
                job = session.get(Job, job_id)
                return job.error if job.status == "failed" else None

        error = wait_for(job_error, 60, "the job to be marked failed")
    # Run monitoring or the code server (whichever sees the dead worker first) fails the run.
    assert error in {
        f"video: the run's worker stopped (process {pid} is gone)",
        "video: the run's worker stopped (exit code -9)",
        "video: the run's worker stopped (signal 9)",
    }
