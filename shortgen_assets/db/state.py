"""The job and video state machines: the only code that writes `jobs.status` or `videos.status`.

A job follows its latest video-making run: queued → running → awaiting_review or failed. Run events
reach us from independent sensors and in-process runs, in any order, so an event of the run the
job already follows may only move it forward (the same state again changes nothing), while a new
run takes the job over from any state (a retry, or a re-render by backfill). A person's decision
then judges the video awaiting review (approved or rejected), and only an approved video is
published. Any other move raises `IllegalTransition`, whose message names the job and the fix.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from shortgen_assets.db.models import Job, Video, utcnow


class JobStatus(StrEnum):
    REQUESTED = "requested"
    QUEUED = "queued"
    RUNNING = "running"
    AWAITING_REVIEW = "awaiting_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    FAILED = "failed"


class VideoStatus(StrEnum):
    GENERATED = "generated"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"


JOB_STATUSES = tuple(status.value for status in JobStatus)
# A job is created waiting for the request sensor, or queued by a caller that runs it itself (the
# demo), or running when a run materializes a partition that has no job row yet.
INITIAL_STATUSES = frozenset({JobStatus.REQUESTED, JobStatus.QUEUED, JobStatus.RUNNING})
# How far one run has carried its job; an event of that same run never moves it back.
RUN_PROGRESS = {
    JobStatus.REQUESTED: 0,
    JobStatus.QUEUED: 1,
    JobStatus.RUNNING: 2,
    JobStatus.AWAITING_REVIEW: 3,
    JobStatus.FAILED: 3,
    JobStatus.APPROVED: 4,
    JobStatus.REJECTED: 4,
    JobStatus.PUBLISHED: 5,
}


class IllegalTransition(ValueError):
    """A status change the state machine refuses; the message says why and what to do."""


class StaleRunEvent(IllegalTransition):
    """A run event older than what the job already shows for that run (sensors skip these)."""


def initial_status(status: str) -> JobStatus:
    """The status a new job row may start in."""
    if status not in INITIAL_STATUSES:
        allowed = ", ".join(sorted(INITIAL_STATUSES))
        raise IllegalTransition(f"a new job cannot start as {status!r}; use one of {allowed}")
    return JobStatus(status)


def _follow_run(
    session: Session, job_id: int, run_id: str, status: JobStatus, error: str | None = None
) -> Job | None:
    """Move the job to `status` for run `run_id`; None when there is no such job."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    current = JobStatus(job.status)
    if job.run_id == run_id:
        if current == status:
            return job
        if RUN_PROGRESS[status] <= RUN_PROGRESS[current]:
            raise StaleRunEvent(
                f"job {job_id} is already {current} after run {run_id}; "
                f"that run's {status} event is older and changes nothing"
            )
    job.status = status
    job.error = error
    job.run_id = run_id
    job.updated_at = utcnow()
    return job


def mark_queued(session: Session, job_id: int, run_id: str) -> Job | None:
    """A run that makes the job's video was launched and waits in the run queue."""
    return _follow_run(session, job_id, run_id, JobStatus.QUEUED)


def mark_running(session: Session, job_id: int, run_id: str) -> Job | None:
    """A run that makes the job's video started."""
    return _follow_run(session, job_id, run_id, JobStatus.RUNNING)


def mark_awaiting_review(session: Session, job_id: int, run_id: str) -> Job | None:
    """The run made the job's video; a person decides next."""
    return _follow_run(session, job_id, run_id, JobStatus.AWAITING_REVIEW)


def mark_failed(session: Session, job_id: int, run_id: str, error: str) -> Job | None:
    """The run failed; `error` is the failed stage's reason in its own words."""
    return _follow_run(session, job_id, run_id, JobStatus.FAILED, error)


def _job_of(session: Session, video: Video) -> Job:
    job = session.get(Job, video.job_id)
    if job is None:
        raise IllegalTransition(f"video {video.id} belongs to job {video.job_id}, which is gone")
    return job


def ensure_reviewable(session: Session, video: Video) -> Job:
    """The video's job; raises IllegalTransition unless a person can judge the video now."""
    job = _job_of(session, video)
    if video.status != VideoStatus.GENERATED:
        raise IllegalTransition(
            f"video {video.id} of job {job.id} is already {video.status}; only a freshly "
            "generated video can be reviewed (re-render it with a backfill from `video`)"
        )
    if job.status != JobStatus.AWAITING_REVIEW:
        raise IllegalTransition(
            f"job {job.id} is {job.status}, not awaiting review; wait for its run to finish "
            f"(or `shortgen retry {job.id}` if it failed)"
        )
    return job


def _decide(session: Session, video: Video, status: VideoStatus, job_status: JobStatus) -> Job:
    job = ensure_reviewable(session, video)
    video.status = status
    job.status, job.error, job.updated_at = job_status, None, utcnow()
    return job


def mark_approved(session: Session, video: Video) -> Job:
    """A person approved the video awaiting review."""
    return _decide(session, video, VideoStatus.APPROVED, JobStatus.APPROVED)


def mark_rejected(session: Session, video: Video) -> Job:
    """A person rejected the video awaiting review."""
    return _decide(session, video, VideoStatus.REJECTED, JobStatus.REJECTED)


REVIEW_DECISIONS = {"approve": mark_approved, "reject": mark_rejected}


def mark_published(session: Session, video: Video) -> Job:
    """The approved video was published."""
    job = _job_of(session, video)
    if video.status != VideoStatus.APPROVED or job.status != JobStatus.APPROVED:
        raise IllegalTransition(
            f"video {video.id} of job {job.id} is {video.status} (job {job.status}); "
            f"only an approved video publishes: `shortgen approve {job.id}` first"
        )
    video.status = VideoStatus.PUBLISHED
    job.status, job.error, job.updated_at = JobStatus.PUBLISHED, None, utcnow()
    return job
