"""Materialize stages of one job in this process, reporting each step as it finishes.

Used by `shortgen demo` (and retries), so a user without the daemon still gets real Dagster runs
in the instance's history, visible in the UI afterwards.
"""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Thread

from dagster import (
    AssetKey,
    DagsterEvent,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    EventLogEntry,
    ExecuteInProcessResult,
)

from shortgen_assets.db.models import Job
from shortgen_assets.db.state import (
    mark_awaiting_review,
    mark_failed,
    mark_running,
)
from shortgen_assets.defs.failures import failure_message, failure_reason
from shortgen_assets.defs.jobs import pipeline_job
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.recovery import recover_dead_jobs
from shortgen_assets.defs.run_health import worker_tags
from shortgen_assets.stages import LAST_STAGE, PIPELINE_STAGES

# The caller reports each step and the failure's reason in one line; Dagster's own console log
# would add stack traces (the run's full log stays in the instance, for the UI).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
STEP_EVENTS = {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE}


@dataclass(frozen=True)
class StepReport:
    stage: str
    succeeded: bool
    seconds: float
    message: str | None = None


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    steps: list[StepReport]
    seconds: float

    @property
    def error(self) -> str:
        failed = [(s.stage, s.message or "failed") for s in self.steps if not s.succeeded]
        return failure_reason(failed, "the run failed before any stage ran")


def makes_video(stages: Sequence[str]) -> bool:
    """Whether a run over `stages` makes the job's video: only such runs move jobs.status."""
    return LAST_STAGE in stages


def _step_report(
    instance: DagsterInstance,
    run_id: str,
    event: DagsterEvent,
    at: float,
    started: dict[str, float],
) -> StepReport:
    stage = event.step_key or "?"
    failed = event.event_type == DagsterEventType.STEP_FAILURE
    message = failure_message(event, instance, run_id) if failed else None
    seconds = at - started.get(stage, at)
    return StepReport(stage=stage, succeeded=not failed, seconds=seconds, message=message)


def materialize_job(
    defs: Definitions,
    instance: DagsterInstance,
    job_id: int,
    stages: Sequence[str] = PIPELINE_STAGES,
    on_step: Callable[[StepReport], None] = lambda _: None,
    tags: dict[str, str] | None = None,
    job_name: str = pipeline_job.name,
    run_config: dict | None = None,
    on_wait: Callable[[str], None] = lambda _: None,
) -> RunOutcome:
    """One run of `job_name` for `job_id` over `stages`, with per-step callbacks.

    A run that makes the video keeps jobs.status in step itself, as the run-status sensors do for
    the daemon's runs (both going through the same transitions, so neither undoes the other).
    """
    key = str(job_id)
    app_db = defs.resources["app_db"]
    recover_dead_jobs(instance, app_db.url)
    if not instance.has_dynamic_partition(job_partitions.name, key):
        instance.add_dynamic_partitions(job_partitions.name, [key])
    run_id = str(uuid.uuid4())  # known up front, so progress can follow the run
    job_def = defs.resolve_job_def(job_name)
    outcome: dict[str, ExecuteInProcessResult | BaseException] = {}

    def execute() -> None:
        try:
            outcome["result"] = job_def.execute_in_process(
                run_config={**QUIET, **(run_config or {})},
                instance=instance,
                partition_key=key,
                asset_selection=[AssetKey(stage) for stage in stages],
                run_id=run_id,
                tags={"shortgen/job_id": key, **worker_tags(), **(tags or {})},
                raise_on_error=False,
            )
        except BaseException as exc:
            outcome["result"] = exc

    tracked = makes_video(stages)
    if tracked:
        with app_db.session() as session:
            job = session.get(Job, job_id)
            if job is not None:  # a hand-added partition gets its row from its first stage
                mark_running(job, run_id)
    begun = time.monotonic()
    events: queue.Queue[EventLogEntry] = queue.Queue()
    instance.add_event_listener(run_id, events.put)  # before the run starts: no event is missed
    worker = Thread(target=execute, name=f"shortgen-job-{key}", daemon=True)
    worker.start()
    steps = _follow(instance, run_id, worker, events, on_step, on_wait)
    result = outcome["result"]
    run = RunOutcome(
        run_id,
        not isinstance(result, BaseException) and result.success,
        steps,
        time.monotonic() - begun,
    )
    if tracked:
        with app_db.session() as session:
            job = session.get(Job, job_id)
            if job is not None and run.success:
                mark_awaiting_review(job, run_id)
            elif job is not None:
                error = str(result) if isinstance(result, BaseException) else run.error
                mark_failed(job, run_id, error)
    if isinstance(result, BaseException):
        raise result
    return run


def _follow(
    instance: DagsterInstance,
    run_id: str,
    worker: Thread,
    events: queue.Queue[EventLogEntry],
    on_step: Callable[[StepReport], None],
    on_wait: Callable[[str], None],
) -> list[StepReport]:
    """Report step starts and ends, and what a step waits for, until the run's thread is done.

    The run executes in this process, so its events arrive in `events` from the instance's event
    listener as they are stored, instead of by polling the event log (which cost seconds of CPU
    per run). Only between steps, when the next one may wait for a pool slot, is storage read.
    """
    waits = PoolWaits(instance, run_id, on_wait)
    steps: list[StepReport] = []
    started: dict[str, float] = {}
    in_flight: set[str] = set()
    while True:
        alive = worker.is_alive()  # read before the queue: once it is False, no event is missed
        try:
            entry = events.get(timeout=0.1)
        except queue.Empty:
            if not alive:
                return steps
            if not in_flight:  # between steps, the next one may be waiting for a pool slot
                waits.check()
            continue
        event = entry.dagster_event
        if event is None or event.event_type not in STEP_EVENTS | {DagsterEventType.STEP_START}:
            continue
        step = event.step_key or "?"
        if event.event_type == DagsterEventType.STEP_START:
            started[step] = entry.timestamp
            in_flight.add(step)
            continue
        in_flight.discard(step)
        report = _step_report(instance, run_id, event, entry.timestamp, started)
        steps.append(report)
        on_step(report)


class PoolWaits:
    """Says once per step when it waits for a pool slot, and which runs hold the slots."""

    def __init__(self, instance: DagsterInstance, run_id: str, say: Callable[[str], None]) -> None:
        self.instance, self.run_id, self.say = instance, run_id, say
        self.told: set[str] = set()
        self.next_look = time.monotonic() + 1.0

    def check(self) -> None:
        if time.monotonic() < self.next_look:
            return
        self.next_look = time.monotonic() + 1.0
        storage = self.instance.event_log_storage
        for pool in storage.get_concurrency_keys():
            info = storage.get_concurrency_info(pool)
            for pending in info.pending_steps:
                waiting = pending.run_id == self.run_id and pending.assigned_timestamp is None
                if waiting and pending.step_key not in self.told:
                    self.told.add(pending.step_key)
                    holders = sorted({slot.run_id[:8] for slot in info.claimed_slots})
                    self.say(
                        f"{pending.step_key}: waiting for a slot in pool '{pool}' "
                        f"({info.slot_count} slot(s), held by run {', '.join(holders) or '?'}); "
                        "`shortgen doctor --fix` frees slots of dead runs"
                    )
