"""Runs whose worker died are failed and their pool slots freed (CLI and run monitoring)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.events import DagsterEvent, DagsterEventType, EngineEventData
from dagster._core.launcher import WorkerStatus
from dagster._core.test_utils import create_run_for_test

from shortgen_assets.defs.run_health import (
    MonitoredRunLauncher,
    dead_runs,
    dead_worker_reason,
    recover_dead_runs,
    worker_tags,
)

POOL = "composition"


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _started_run(instance: DagsterInstance, tags: dict[str, str]) -> str:
    run = create_run_for_test(
        instance, job_name="pipeline", tags={"dagster/partition": "7", **tags}
    )
    instance.handle_run_event(run.run_id, _run_start_event(run))
    return run.run_id


def _run_start_event(run):  # type: ignore[no-untyped-def]

    return DagsterEvent(DagsterEventType.RUN_START.value, job_name=run.job_name)


def _claim_slot(instance: DagsterInstance, run_id: str) -> None:
    instance.event_log_storage.set_concurrency_slots(POOL, 1)
    claim = instance.event_log_storage.claim_concurrency_slot(POOL, run_id, "video")
    assert claim.is_claimed


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_run_whose_worker_died_is_failed_and_its_slot_freed(instance: DagsterInstance) -> None:
    tags = {**worker_tags(), "shortgen/pid": str(_dead_pid())}
    run_id = _started_run(instance, tags)
    _claim_slot(instance, run_id)
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED

    [dead] = recover_dead_runs(instance)

    assert dead.run_id == run_id and dead.partition == "7"
    run = instance.get_run_by_id(run_id)
    assert run.status == DagsterRunStatus.FAILURE
    info = instance.event_log_storage.get_concurrency_info(POOL)
    assert info.active_slot_count == 0
    assert dead_runs(instance) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_live_worker_or_another_hosts_worker_is_left_alone(instance: DagsterInstance) -> None:
    live = _started_run(instance, worker_tags())
    elsewhere = _started_run(
        instance, {"shortgen/pid": str(_dead_pid()), "shortgen/host": "another-host"}
    )
    assert recover_dead_runs(instance) == []
    for run_id in (live, elsewhere):
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED


@pytest.mark.parametrize("backend", ["sqlite"])
def test_run_monitoring_sees_a_dead_daemon_launched_worker(instance: DagsterInstance) -> None:
    assert isinstance(instance.run_launcher, MonitoredRunLauncher)
    run_id = _started_run(instance, {})
    run = instance.get_run_by_id(run_id)
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING
    pid = _dead_pid()
    instance.report_engine_event(
        f"Started process for run (pid: {pid}).", run, EngineEventData.in_process(pid)
    )
    health = instance.run_launcher.check_run_worker_health(run)
    assert health.status == WorkerStatus.FAILED
    assert health.msg == f"the run's worker stopped (process {pid} is gone)"
    assert instance.run_monitoring_enabled


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(
    ("engine_event", "reason"),
    [
        ("Run execution process for {run} was terminated by signal 9 (SIGKILL).", "signal 9"),
        ("Run execution process for {run} unexpectedly exited with code 1.", "exit code 1"),
        (
            "GRPC server: Subprocess for {run} terminated unexpectedly with exit code -9",
            "exit code -9",
        ),
    ],
)
def test_a_run_failed_by_the_code_server_names_its_dead_worker(
    instance: DagsterInstance, engine_event: str, reason: str
) -> None:
    """The code server fails an orphaned run with Dagster's generic words; the engine event it
    logs just before says why, and the job's reason comes from it, with the running stage."""
    run_id = _started_run(instance, {})
    run = instance.get_run_by_id(run_id)
    instance.report_dagster_event(
        DagsterEvent(DagsterEventType.STEP_START.value, job_name="pipeline", step_key="video"),
        run_id=run_id,
    )
    instance.report_engine_event(engine_event.format(run=run_id), run)
    generic = instance.report_run_failed(run).message or ""

    assert dead_worker_reason(instance, run_id, generic) == (
        f"video: the run's worker stopped ({reason})"
    )
    assert dead_worker_reason(instance, _started_run(instance, {}), generic) is None
