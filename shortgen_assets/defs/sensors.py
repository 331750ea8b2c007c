"""Sensors that connect the jobs table to Dagster in both directions.

`job_requests` turns requested rows into partitions and runs; the run-status sensors write the
outcome of those runs back to `jobs.status`, so the table is a view of Dagster's history rather
than a second source of truth.
"""

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunStatusSensorContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)
from sqlalchemy import select

from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.repository import set_job_status
from shortgen_assets.defs.jobs import LAST_STAGE, pipeline_job, publication_job
from shortgen_assets.defs.launch import failure_message
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase

BATCH = 100
JOB_TAG = "shortgen/job_id"
# Statuses should follow runs within seconds, not the 30 s default tick.
STATUS_INTERVAL_SECONDS = 5


@sensor(
    job=pipeline_job,
    minimum_interval_seconds=5,
    default_status=DefaultSensorStatus.RUNNING,
    description="Adds a partition and launches one pipeline run for each requested job.",
)
def job_requests(context: SensorEvaluationContext, app_db: AppDatabase) -> SensorResult:
    last_seen = int(context.cursor or 0)
    with app_db.session() as session:
        jobs = session.scalars(
            select(Job)
            .where(Job.status == "requested", Job.id > last_seen)
            .order_by(Job.id)
            .limit(BATCH)
        ).all()
        for job in jobs:
            job.status = "queued"
        keys = [str(job.id) for job in jobs]
    if not keys:
        return SensorResult(skip_reason=SkipReason("no requested jobs"), cursor=str(last_seen))
    return SensorResult(
        run_requests=[
            RunRequest(partition_key=key, run_key=f"job-{key}", tags={JOB_TAG: key}) for key in keys
        ],
        dynamic_partitions_requests=[job_partitions.build_add_request(keys)],
        cursor=keys[-1],
    )


def _job_id(context: RunStatusSensorContext) -> int | None:
    key = context.dagster_run.tags.get("dagster/partition", "")
    return int(key) if key.isdigit() else None


def _makes_video(context: RunStatusSensorContext) -> bool:
    """Whether the run (pipeline, retry or backfill) makes the job's video.

    Only such runs move jobs.status; a trend refresh or a lone upstream re-run does not.
    """
    run = context.dagster_run
    if run.job_name == pipeline_job.name and not run.asset_selection:
        return True
    return any(key.path[-1] == LAST_STAGE for key in run.asset_selection or ())


def _set_status(
    context: RunStatusSensorContext, app_db: AppDatabase, status: str, error: str | None = None
) -> None:
    job_id = _job_id(context)
    if job_id is None or not _makes_video(context):
        return
    run_id = context.dagster_run.run_id
    with app_db.session() as session:
        job = session.get(Job, job_id)
        # The sensors tick independently: a STARTED seen after the same run's outcome is stale.
        stale = status == "running" and job is not None and job.run_id == run_id
        if stale and job.status in {"awaiting_review", "failed"}:
            return
        set_job_status(session, job_id, status, error=error, run_id=run_id)


@run_status_sensor(
    run_status=DagsterRunStatus.STARTED,
    minimum_interval_seconds=STATUS_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Marks a job running when a run that makes its video starts.",
)
def job_started(context: RunStatusSensorContext, app_db: AppDatabase) -> None:
    _set_status(context, app_db, "running")


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    minimum_interval_seconds=STATUS_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Marks a job awaiting review once a run has made its video.",
)
def job_succeeded(context: RunStatusSensorContext, app_db: AppDatabase) -> None:
    _set_status(context, app_db, "awaiting_review")


@run_failure_sensor(
    minimum_interval_seconds=STATUS_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Marks a job failed, with the error, when a run making its video fails.",
)
def job_failed(context: RunFailureSensorContext, app_db: AppDatabase) -> None:
    steps = [f"{e.step_key}: {failure_message(e)}" for e in context.get_step_failure_events()]
    error = "; ".join(steps) or (context.failure_event.message or "run failed")
    _set_status(context, app_db, "failed", error=error[:4000])


@sensor(
    job=publication_job,
    minimum_interval_seconds=10,
    default_status=DefaultSensorStatus.RUNNING,
    description="Publishes each approved video whose theme has auto_post: true.",
)
def approved_videos(context: SensorEvaluationContext, app_db: AppDatabase) -> SensorResult:
    with app_db.session() as session:
        rows = session.execute(
            select(Video.id, Video.job_id, Job.theme)
            .join(Job, Job.id == Video.job_id)
            .where(Video.status == "approved")
            .order_by(Video.id)
        ).all()
    # One run per approved video ever: the run key dedupes ticks, and a failed publication is
    # retried by hand (UI or `shortgen retry`), not relaunched on every tick.
    requests = [
        RunRequest(
            partition_key=str(job_id),
            run_key=f"publish-video-{video_id}",
            tags={JOB_TAG: str(job_id)},
        )
        for video_id, job_id, theme in rows
        if theme.get("auto_post")
    ]
    if not requests:
        return SensorResult(skip_reason=SkipReason("no approved videos to auto-post"))
    return SensorResult(run_requests=requests)


all_sensors = [job_requests, job_started, job_succeeded, job_failed, approved_videos]
