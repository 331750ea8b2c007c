"""Runs whose worker died, failed with the jobs that followed them (no daemon needed).

Without the daemon nobody notices a killed `demo` or `retry`: every command that opens the
instance calls `recover_dead_jobs` first, so statuses are true before they are read and a dead
run's pool slots are free before a step waits for one. Light on imports, since `jobs` and `show`
call it too.
"""

from __future__ import annotations

from contextlib import suppress

from dagster import DagsterInstance

from shortgen_assets.db.models import Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.db.state import IN_FLIGHT, IllegalTransition, mark_failed
from shortgen_assets.defs.run_health import DeadRun, recover_dead_runs


def fail_job_of_dead_run(database_url: str, run: DeadRun) -> None:
    """Mark the job failed with the run's reason, if it still follows that run."""
    if not (run.partition or "").isdigit():
        return
    with session_scope(database_url) as session:
        job = session.get(Job, int(run.partition or 0))
        if job is not None and job.status in IN_FLIGHT and job.run_id in (None, run.run_id):
            with suppress(IllegalTransition):  # a later run already moved the job on
                mark_failed(job, run.run_id, run.message)


def recover_dead_jobs(instance: DagsterInstance, database_url: str) -> list[DeadRun]:
    """Fail runs whose worker died (freeing their pool slots) and the jobs that followed them."""
    dead = recover_dead_runs(instance)
    for run in dead:
        fail_job_of_dead_run(database_url, run)
    return dead
