"""Scale-out on Celery: jobs requested in the app database run on a `dagster-celery` worker.

The installation is the one docs/celery.md describes: config/dagster-celery.yaml as the Dagster
instance (Postgres storage, `CeleryRunLauncher`), the app database on Postgres, the daemon's
sensor and run queue launching runs as Celery tasks on a per-test queue, and a worker started
from config/celery.yaml. The broker is RabbitMQ at 127.0.0.1:5672 unless
SHORTGEN_TEST_CELERY_BROKER names another (redis://127.0.0.1:6379/0 with `kombu[redis]`).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import yaml
from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter
from sqlalchemy import make_url, select

from shortgen_assets.db.models import Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.jobs import pipeline_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import PROJECT, install
from shortgen_assets_tests.ops.celery_support import CeleryWorker, broker_problem, delete_queue
from shortgen_assets_tests.ops.daemon import DagsterServices, lock_errors, wait_for

pytestmark = pytest.mark.xdist_group("celery")

BROKER = os.environ.get("SHORTGEN_TEST_CELERY_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
# The result backend run monitoring reads task states from; by default the test's Postgres.
BACKEND = os.environ.get("SHORTGEN_TEST_CELERY_BACKEND")
INSTANCE_CONFIG = PROJECT / "config" / "dagster-celery.yaml"
JOBS = 3
FINISHED = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
CELERY_TASK_TAG = "dagster-celery/task_id"


@pytest.fixture
def broker() -> str:
    problem = broker_problem(BROKER)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Celery broker {BROKER} is unreachable under CI: {problem}")
        pytest.skip(f"Celery broker {BROKER} is unreachable: {problem}")
    return BROKER


@pytest.fixture
def celery_installation(
    broker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    """Postgres app and Dagster databases, the shipped Celery instance config, a fresh queue."""
    settings = install(tmp_path, "postgres", monkeypatch, request)
    dagster_yaml = settings.dagster_home_dir / "dagster.yaml"
    storage = make_url(
        yaml.safe_load(dagster_yaml.read_text())["storage"]["postgres"]["postgres_url"]
    )
    monkeypatch.setenv("SHORTGEN_PG_HOST", storage.host or "127.0.0.1")
    monkeypatch.setenv("SHORTGEN_PG_USER", storage.username or "postgres")
    monkeypatch.setenv("SHORTGEN_PG_DAGSTER_DB", storage.database or "")
    queue = f"shortgen-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SHORTGEN_CELERY_BROKER", broker)
    backend = BACKEND or f"db+{storage.render_as_string(hide_password=False)}"
    monkeypatch.setenv("SHORTGEN_CELERY_BACKEND", backend)
    monkeypatch.setenv("SHORTGEN_CELERY_QUEUE", queue)
    request.addfinalizer(lambda: delete_queue(broker, queue))

    config = yaml.safe_load(INSTANCE_CONFIG.read_text())
    # The shipped file names the server by environment; port and password follow the test server.
    postgres_db = config["storage"]["postgres"]["postgres_db"]
    postgres_db["port"] = storage.port or 5432
    postgres_db["password"] = storage.password or ""
    dagster_yaml.write_text(yaml.safe_dump(config))
    return settings


def _pipeline_runs(instance: DagsterInstance) -> list[DagsterRun]:
    return list(instance.get_runs(RunsFilter(job_name=pipeline_job.name)))


def _all_finished(instance: DagsterInstance) -> list[DagsterRun] | None:
    runs = _pipeline_runs(instance)
    if len(runs) >= JOBS and all(run.status in FINISHED for run in runs):
        return runs
    return None


def _step_pids(instance: DagsterInstance, run_id: str) -> set[int]:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_SUCCESS).records
    return {r.event_log_entry.dagster_event.pid for r in records if r.event_log_entry.dagster_event}


def test_requested_jobs_run_on_a_celery_worker(
    celery_installation: Settings, quick_theme: Path, tmp_path: Path
) -> None:
    settings = celery_installation
    env = dict(os.environ)
    logs = tmp_path / "logs"
    logs.mkdir()
    queue = os.environ["SHORTGEN_CELERY_QUEUE"]
    worker = CeleryWorker(queue, BROKER, env, logs / "celery-worker.log")
    worker.launch()  # it imports the project while the daemon starts
    try:
        with (
            DagsterServices(settings.dagster_home_dir, log_dir=logs, env=env) as services,
            DagsterInstance.get() as instance,
        ):
            worker.wait_ready()
            with session_scope(settings.app_database_url) as session:
                job_ids = request_jobs(session, load_theme(quick_theme), quick_theme, count=JOBS)
            runs = _wait_for_runs(instance, worker)
            _assert_ran_on_worker(instance, runs, worker)
    finally:
        worker.stop()

    assert sorted(int(run.tags["dagster/partition"]) for run in runs) == sorted(job_ids)
    assert [run.status for run in runs] == [DagsterRunStatus.SUCCESS] * JOBS
    with session_scope(settings.app_database_url) as session:
        rows = session.scalars(select(Video).where(Video.job_id.in_(job_ids))).all()
    videos = {video.job_id: video for video in rows}
    assert sorted(videos) == sorted(job_ids)
    run_ids = {run.run_id for run in runs}
    for video in videos.values():
        assert video.run_id in run_ids
        assert Path(video.path).stat().st_size > 0
        assert (video.width, video.height) == (270, 480)
    assert not lock_errors(services.log_text() + worker.log_text())
    assert worker.graceful_exit_code == 0, "the worker did not shut down when asked"


def _wait_for_runs(instance: DagsterInstance, worker: CeleryWorker) -> list[DagsterRun]:
    try:
        return wait_for(lambda: _all_finished(instance), 420, f"{JOBS} pipeline runs", 2.0)
    except TimeoutError as exc:
        states = [(run.run_id[:8], run.status.value) for run in _pipeline_runs(instance)]
        tail = "\n".join(worker.log_text().splitlines()[-40:])
        raise AssertionError(f"{exc}; runs: {states}\nworker log tail:\n{tail}") from exc


def _assert_ran_on_worker(
    instance: DagsterInstance, runs: list[DagsterRun], worker: CeleryWorker
) -> None:
    """Each run was a Celery task of this worker, and its steps ran in the worker's processes."""
    for run in runs:
        task_id = run.tags[CELERY_TASK_TAG]  # set by the CeleryRunLauncher
        # Celery logs the task's success after the run's SUCCESS event is stored: wait for it.
        line = f"execute_job[{task_id}] succeeded"
        wait_for(lambda line=line: line in worker.log_text(), 60, line, 0.5, worker.check_alive)
        pids = _step_pids(instance, run.run_id)
        assert len(pids) == 1, f"the in-process executor runs all steps in one process: {pids}"
        assert all(worker.owns(pid) for pid in pids), f"steps ran in {pids}, not in the worker"
