"""Sensors that connect the jobs table to Dagster in both directions.

`job_requests` turns requested rows into partitions and runs, writing nothing; the run-status
sensors write the progress and outcome of those runs back to `jobs.status` through db/state.py,
so the table is a view of Dagster's history rather than a second source of truth.
"""

from collections.abc import Callable

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunsFilter,
    RunStatusSensorContext,
    RunStatusSensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)
from sqlalchemy import func, select

from shortgen_assets.db.models import Job, Publication, Video, utcnow
from shortgen_assets.db.state import (
    JobStatus,
    StaleRunEvent,
    VideoStatus,
    mark_awaiting_review,
    mark_failed,
    mark_queued,
    mark_refused,
    mark_running,
)
from shortgen_assets.defs.failures import failure_message, failure_reason
from shortgen_assets.defs.jobs import pipeline_job, publication_job
from shortgen_assets.defs.launch import makes_video
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.preflight import ProviderCredentials
from shortgen_assets.defs.run_health import dead_worker_reason

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
def job_requests(
    context: SensorEvaluationContext,
    app_db: AppDatabase,
    provider_credentials: ProviderCredentials,
) -> SensorResult:
    """Returns partitions, runs and cursor, which the daemon stores together.

    A tick that fails leaves the cursor where it was, so the next tick offers the same jobs again;
    the run key keeps a job from being launched twice. The job turns `queued` when Dagster
    enqueues its run (`job_queued`), not here. Its one write is final: while a chosen provider
    lacks its key, requested jobs fail at once with that reason instead of waiting for ever.
    """
    missing = provider_credentials.missing()
    if missing:
        return _refuse_requested(app_db, "; ".join(missing))
    last_seen = int(context.cursor or 0)
    with app_db.session() as session:
        ids = session.scalars(
            select(Job.id)
            .where(Job.status == JobStatus.REQUESTED, Job.id > last_seen)
            .order_by(Job.id)
            .limit(BATCH)
        ).all()
    keys = [str(job_id) for job_id in ids]
    if not keys:
        return SensorResult(skip_reason=SkipReason("no requested jobs"), cursor=str(last_seen))
    return SensorResult(
        run_requests=[
            RunRequest(partition_key=key, run_key=f"job-{key}", tags={JOB_TAG: key}) for key in keys
        ],
        dynamic_partitions_requests=[job_partitions.build_add_request(keys)],
        cursor=keys[-1],
    )


def _refuse_requested(app_db: AppDatabase, reason: str) -> SensorResult:
    with app_db.session() as session:
        jobs = session.scalars(
            select(Job).where(Job.status == JobStatus.REQUESTED).order_by(Job.id).limit(BATCH)
        ).all()
        for job in jobs:
            mark_refused(job, reason)
    return SensorResult(skip_reason=SkipReason(f"refused {len(jobs)} job(s): {reason}"))


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
    return makes_video([key.path[-1] for key in run.asset_selection or ()])


def _older_than(context: RunStatusSensorContext, job_run_id: str | None) -> bool:
    """Whether this event's run is older than the run the job already follows."""
    run_id = context.dagster_run.run_id
    if not job_run_id or job_run_id == run_id:
        return False
    records = context.instance.get_run_records(RunsFilter(run_ids=[run_id, job_run_id]))
    created = {record.dagster_run.run_id: record.create_timestamp for record in records}
    return run_id in created and job_run_id in created and created[run_id] < created[job_run_id]


def _follow(
    context: RunStatusSensorContext,
    app_db: AppDatabase,
    mark: Callable[..., object],
    **details: str,
) -> None:
    """Apply the run's event to its job through the state machine; stale events change nothing.

    The sensors tick independently, so a run's STARTED may arrive after its outcome, and an old
    run's outcome after a retry's start: the state machine and the run age sort these out.
    """
    job_id = _job_id(context)
    if job_id is None or not _makes_video(context):
        return
    run_id = context.dagster_run.run_id
    with app_db.session() as session:
        job = session.get(Job, job_id)
        if job is None:
            return
        if _older_than(context, job.run_id):
            context.log.info(f"job {job_id} follows a newer run than {run_id}; event skipped")
            return
        try:
            mark(job, run_id, **details)
        except StaleRunEvent as exc:
            context.log.info(str(exc))


def _status_sensor(
    name: str, status: DagsterRunStatus, mark: Callable[..., object], description: str
) -> RunStatusSensorDefinition:
    """A sensor that applies `mark` to the job of each video run reaching `status`."""

    @run_status_sensor(
        name=name,
        run_status=status,
        minimum_interval_seconds=STATUS_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=description,
    )
    def follow_status(context: RunStatusSensorContext, app_db: AppDatabase) -> None:
        _follow(context, app_db, mark)

    return follow_status


job_queued = _status_sensor(
    "job_queued",
    DagsterRunStatus.QUEUED,
    mark_queued,
    "Marks a job queued when a run that makes its video is enqueued.",
)
job_started = _status_sensor(
    "job_started",
    DagsterRunStatus.STARTED,
    mark_running,
    "Marks a job running when a run that makes its video starts.",
)
job_succeeded = _status_sensor(
    "job_succeeded",
    DagsterRunStatus.SUCCESS,
    mark_awaiting_review,
    "Marks a job awaiting review once a run has made its video.",
)


@run_failure_sensor(
    minimum_interval_seconds=STATUS_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Marks a job failed, with the failed stage's reason, when its video run fails.",
)
def job_failed(context: RunFailureSensorContext, app_db: AppDatabase) -> None:
    run_id = context.dagster_run.run_id
    steps = [
        (event.step_key or "?", failure_message(event, context.instance, run_id))
        for event in context.get_step_failure_events()
    ]
    message = context.failure_event.message or "the run failed"
    dead_worker = dead_worker_reason(context.instance, run_id, message)
    error = failure_reason(steps, dead_worker or message)
    _follow(context, app_db, mark_failed, error=error)


@sensor(
    job=publication_job,
    minimum_interval_seconds=10,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Publishes each approved video whose theme has auto_post: true, and each publication "
        "waiting for its scheduled time once that time comes."
    ),
)
def approved_videos(context: SensorEvaluationContext, app_db: AppDatabase) -> SensorResult:
    with app_db.session() as session:
        rows = session.execute(
            select(Video.id, Video.job_id, Job.theme)
            .join(Job, Job.id == Video.job_id)
            .where(Video.status == VideoStatus.APPROVED)
            .order_by(Video.id)
        ).all()
        due = session.execute(
            select(Publication.job_id, func.max(Publication.scheduled_at))
            .where(Publication.status == "waiting", Publication.scheduled_at <= utcnow())
            .group_by(Publication.job_id)
            .order_by(Publication.job_id)
        ).all()
    # One run per approved video ever, and one per due time: the run keys dedupe ticks, and a
    # failed publication is retried by hand (UI or `shortgen retry`), not on every tick.
    requests = [
        RunRequest(
            partition_key=str(job_id),
            run_key=f"publish-video-{video_id}",
            tags={JOB_TAG: str(job_id)},
        )
        for video_id, job_id, theme in rows
        if theme.get("auto_post")
    ] + [
        RunRequest(
            partition_key=str(job_id),
            run_key=f"publish-due-{job_id}-{when.isoformat()}",
            tags={JOB_TAG: str(job_id)},
        )
        for job_id, when in due
    ]
    if not requests:
        return SensorResult(skip_reason=SkipReason("nothing to auto-post, no publication due"))
    return SensorResult(run_requests=requests)


all_sensors = [job_requests, job_queued, job_started, job_succeeded, job_failed, approved_videos]
