"""Job rows: requested from a theme, created for hand-added keys, listed.

Their status changes go through db/state.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shortgen_assets.db.models import Job
from shortgen_assets.db.state import JobStatus, initial_status
from shortgen_assets.domain.schemas import Theme
from shortgen_assets.domain.themes import load_theme


def request_jobs(
    session: Session,
    theme: Theme,
    theme_path: Path | None,
    count: int = 1,
    source: str = "cli",
    status: str = JobStatus.REQUESTED,
) -> list[int]:
    """Insert `count` jobs with the theme snapshot; the sensor picks up `requested` ones.

    A caller that runs the job itself (the demo) inserts it as `queued`, so no sensor launches it
    a second time.
    """
    start = initial_status(status)
    snapshot = theme.model_dump(mode="json")
    jobs = [
        Job(
            status=start,
            theme_name=theme.name,
            theme_path=str(theme_path) if theme_path else None,
            theme=snapshot,
            source=source,
        )
        for _ in range(count)
    ]
    session.add_all(jobs)
    session.flush()
    return [job.id for job in jobs]


def ensure_job(session: Session, job_id: int, default_theme_path: Path) -> Job:
    """The job row for a partition key; a key added by hand in the UI gets one (default theme)."""
    job = session.get(Job, job_id)
    if job is not None:
        return job
    theme = load_theme(default_theme_path)
    job = Job(
        id=job_id,
        status=initial_status(JobStatus.RUNNING),
        theme_name=theme.name,
        theme_path=str(default_theme_path),
        theme=theme.model_dump(mode="json"),
        source="ui",
    )
    session.add(job)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # An explicit id does not advance Postgres's sequence; keep the next request from colliding.
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT MAX(id) FROM jobs))")
        )
    return job


def list_jobs(session: Session, status: str | None = None) -> list[Job]:
    query = select(Job).order_by(Job.id)
    if status:
        query = query.where(Job.status == status)
    return list(session.scalars(query))
