"""The job and video state machines: the only code that writes `jobs.status` or `videos.status`.

A job follows its latest video-making run: queued → running → awaiting_review or failed. Run events
reach us from independent sensors and in-process runs, in any order, so an event of the run the
job already follows may only move it forward (the same state again changes nothing), while a new
run takes the job over from any state (a retry, or a re-render by backfill). A person's decision
then judges the video awaiting review (approved or rejected), and only an approved video is
published. Any other move raises `IllegalTransition`, whose message names the job and the fix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads the states without loading SQLAlchemy
    from shortgen_assets.db.models import Job, Video


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
# A job whose run is waiting or working: its files may be half-written.
IN_FLIGHT = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})
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


def _touch(job: Job, status: JobStatus, error: str | None = None) -> None:
    job.status, job.error, job.updated_at = status, error, datetime.now(UTC)


def _follow_run(job: Job, run_id: str, status: JobStatus, error: str | None = None) -> None:
    """Move the job to `status` for run `run_id`, or refuse an event older than its state."""
    current = JobStatus(job.status)
    if job.run_id == run_id:
        if current == status:
            return
        if RUN_PROGRESS[status] <= RUN_PROGRESS[current]:
            raise StaleRunEvent(
                f"job {job.id} is already {current} after run {run_id}; "
                f"that run's {status} event is older and changes nothing"
            )
    _touch(job, status, error)
    job.run_id = run_id


def mark_queued(job: Job, run_id: str) -> None:
    """A run that makes the job's video was launched and waits in the run queue."""
    _follow_run(job, run_id, JobStatus.QUEUED)


def mark_running(job: Job, run_id: str) -> None:
    """A run that makes the job's video started."""
    _follow_run(job, run_id, JobStatus.RUNNING)


def mark_awaiting_review(job: Job, run_id: str) -> None:
    """The run made the job's video; a person decides next."""
    _follow_run(job, run_id, JobStatus.AWAITING_REVIEW)


def mark_refused(job: Job, error: str) -> None:
    """A requested job that cannot run (a chosen provider lacks its key) fails before any run."""
    if job.status != JobStatus.REQUESTED:
        raise IllegalTransition(
            f"job {job.id} is {job.status}; only a requested job can be refused before it runs"
        )
    _touch(job, JobStatus.FAILED, error)


def mark_failed(job: Job, run_id: str, error: str) -> None:
    """The run failed; `error` is the failed stage's reason in its own words."""
    _follow_run(job, run_id, JobStatus.FAILED, error)


def mark_file_lost(job: Job, error: str) -> None:
    """The job's video file is gone (found by `shortgen doctor`): failed, so a retry re-renders."""
    _touch(job, JobStatus.FAILED, error)


def ensure_reviewable(job: Job, video: Video) -> None:
    """Raise IllegalTransition unless a person can judge this video of this job now."""
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


def mark_approved(job: Job, video: Video) -> None:
    """A person approved the video awaiting review."""
    ensure_reviewable(job, video)
    video.status = VideoStatus.APPROVED
    _touch(job, JobStatus.APPROVED)


def mark_rejected(job: Job, video: Video) -> None:
    """A person rejected the video awaiting review."""
    ensure_reviewable(job, video)
    video.status = VideoStatus.REJECTED
    _touch(job, JobStatus.REJECTED)


REVIEW_DECISIONS = {"approve": mark_approved, "reject": mark_rejected}


def mark_published(job: Job, video: Video) -> None:
    """The approved video was published."""
    if video.status != VideoStatus.APPROVED or job.status != JobStatus.APPROVED:
        raise IllegalTransition(
            f"video {video.id} of job {job.id} is {video.status} (job {job.status}); "
            f"only an approved video publishes: `shortgen approve {job.id}` first"
        )
    video.status = VideoStatus.PUBLISHED
    _touch(job, JobStatus.PUBLISHED)
