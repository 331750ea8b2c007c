"""Job rows: requested from a theme, created for hand-added keys, listed.

Their status changes go through db/state.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shortgen_assets.db.models import Job
from shortgen_assets.db.state import JobStatus, initial_status

if TYPE_CHECKING:  # `shortgen jobs` and `show` list rows without loading the theme schema
    from shortgen_assets.domain.schemas import Theme


def request_jobs(
    session: Session,
    theme: Theme,
    theme_path: Path | None,
    count: int = 1,
    source: str = "cli",
    status: str = JobStatus.REQUESTED,
) -> list[int]:
    """Insert `count` jobs with the theme snapshot; the sensor picks up `requested` ones.

    The snapshot's brand kit points at content-hashed copies, so the job never depends on files
    that may later be edited or moved.

    A caller that runs the job itself (the demo) inserts it as `queued`, so no sensor launches it
    a second time.
    """
    from shortgen_assets.domain.brand_kit import snapshot_brand
    from shortgen_assets.settings import get_settings

    start = initial_status(status)
    base = theme_path.parent if theme_path else Path.cwd()
    snapshot = snapshot_brand(theme, base, get_settings().kits_dir).model_dump(mode="json")
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
    from shortgen_assets.domain.brand_kit import snapshot_brand
    from shortgen_assets.domain.themes import load_theme
    from shortgen_assets.settings import get_settings

    job = session.get(Job, job_id)
    if job is not None:
        return job
    theme = load_theme(default_theme_path)
    snapshot = snapshot_brand(theme, default_theme_path.parent, get_settings().kits_dir)
    job = Job(
        id=job_id,
        status=initial_status(JobStatus.RUNNING),
        theme_name=theme.name,
        theme_path=str(default_theme_path),
        theme=snapshot.model_dump(mode="json"),
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
