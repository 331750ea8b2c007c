"""Runs whose worker died: found by their process, failed on the instance, their slots freed.

Dagster's run monitoring asks the run launcher whether a run's worker is alive; the default
launcher cannot tell, so a run whose worker was killed stays STARTED for ever and keeps its pool
slots. `MonitoredRunLauncher` answers from the worker's process (its pid is in the run's "Started
process" engine event, or in the `shortgen/pid` tag of a run executed in a command's own process),
so the daemon's monitoring fails such runs; `recover_dead_runs` does the same for the commands that
run without the daemon (demo, retry, doctor).
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus
from dagster._core.storage.dagster_run import DagsterRun

WORKER_PID_TAG = "shortgen/pid"
WORKER_HOST_TAG = "shortgen/host"
DEAD_WORKER = re.compile(r"the run's worker stopped \(process \d+ is gone\)")
# What the code server logs when it sees its run subprocess die before monitoring does: its
# orphan check ("Run execution process for RUN was terminated by signal 9 (SIGKILL)." or
# "... unexpectedly exited with code 1.") or its start-up watch ("Subprocess for RUN terminated
# unexpectedly with exit code -9").
SUBPROCESS_DIED = re.compile(
    r"(?:Run execution process|Subprocess) for \S+ (?:was terminated by (?P<signal>signal \d+)"
    r"|(?:unexpectedly exited with|terminated unexpectedly with exit) code (?P<code>-?\d+))"
)
ACTIVE_STATUSES = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
# A process created this long after its run started is another process that reused the pid.
PID_REUSE_SLACK_SECONDS = 2.0


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    partition: str | None
    pid: int
    stage: str | None  # the step that was running when the worker died

    @property
    def message(self) -> str:
        return _with_stage(self.stage, f"the run's worker stopped (process {self.pid} is gone)")


def _with_stage(stage: str | None, reason: str) -> str:
    return f"{stage}: {reason}" if stage else reason


def dead_worker_reason(instance: DagsterInstance, run_id: str, message: str) -> str | None:
    """The job's reason for a run failed because its worker died, naming the stage that was
    running. Run monitoring logs the launcher's words in an engine event and then fails the run
    with a generic message, so both places are searched."""
    messages = [message] + [
        record.event_log_entry.message or ""
        for record in instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=20, ascending=False
        ).records
    ]
    for text in messages:
        found = DEAD_WORKER.search(text)
        died = SUBPROCESS_DIED.search(text)
        if found or died:
            reason = found.group(0) if found else f"the run's worker stopped ({_exit(died)})"
            return _with_stage(_running_step(instance, run_id), reason)
    return None


def _exit(died: re.Match[str]) -> str:
    return died["signal"] or f"exit code {died['code']}"


def worker_tags() -> dict[str, str]:
    """Tags naming this process as the run's worker, for runs executed in a command's process."""
    return {WORKER_PID_TAG: str(os.getpid()), WORKER_HOST_TAG: socket.gethostname()}


def _pid_from_events(instance: DagsterInstance, run_id: str) -> int | None:
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=20
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        data = event.engine_event_data if event else None
        pid = data.metadata.get("pid") if data else None
        if pid is not None and str(pid.value).isdigit():
            return int(str(pid.value))
    return None


def worker_pid(instance: DagsterInstance, run: DagsterRun) -> int | None:
    """The pid of the run's worker on this host, or None when it is not known here."""
    tagged = run.tags.get(WORKER_PID_TAG)
    if tagged is not None:
        same_host = run.tags.get(WORKER_HOST_TAG) == socket.gethostname()
        return int(tagged) if same_host and tagged.isdigit() else None
    if isinstance(instance.run_launcher, DefaultRunLauncher):
        return _pid_from_events(instance, run.run_id)
    return None  # another launcher's workers (Celery) live elsewhere: it checks them itself


def _running_step(instance: DagsterInstance, run_id: str) -> str | None:
    kinds = {
        DagsterEventType.STEP_START,
        DagsterEventType.STEP_SUCCESS,
        DagsterEventType.STEP_FAILURE,
    }
    running: list[str] = []
    for record in instance.get_records_for_run(run_id, of_type=kinds).records:
        event = record.event_log_entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            running.append(event.step_key)
        elif event.step_key in running:
            running.remove(event.step_key)
    return running[-1] if running else None


def worker_alive(pid: int, run_started_at: float | None) -> bool:
    import psutil  # only when a run is in flight: `jobs` and `show` open the instance without it

    try:
        process = psutil.Process(pid)
        created, status = process.create_time(), process.status()
    except psutil.NoSuchProcess:
        return False
    if status == psutil.STATUS_ZOMBIE:
        return False
    return run_started_at is None or created <= run_started_at + PID_REUSE_SLACK_SECONDS


def dead_runs(instance: DagsterInstance) -> list[DeadRun]:
    """Active runs on this instance whose worker process is gone."""
    found = []
    for record in instance.get_run_records(RunsFilter(statuses=ACTIVE_STATUSES)):
        run = record.dagster_run
        pid = worker_pid(instance, run)
        if pid is not None and not worker_alive(pid, record.start_time):
            partition = run.tags.get("dagster/partition")
            stage = _running_step(instance, run.run_id)
            found.append(DeadRun(run.run_id, partition, pid, stage))
    return found


def recover_dead_runs(instance: DagsterInstance) -> list[DeadRun]:
    """Fail every run whose worker died and free the pool slots it held."""
    dead = dead_runs(instance)
    for run in dead:
        dagster_run = instance.get_run_by_id(run.run_id)
        if dagster_run is not None and not dagster_run.is_finished:
            instance.report_run_failed(dagster_run, message=run.message)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return dead


class MonitoredRunLauncher(DefaultRunLauncher):
    """The default launcher, plus a worker health check so run monitoring can fail dead runs."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        pid = worker_pid(self._instance, run)
        if pid is None:  # not reported yet: the start timeout covers a worker that never came up
            return CheckRunHealthResult(WorkerStatus.RUNNING, "worker pid not recorded yet")
        record = self._instance.get_run_record_by_id(run.run_id)
        started = record.start_time if record else None
        if worker_alive(pid, started):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"process {pid} is alive")
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run's worker stopped (process {pid} is gone)"
        )
