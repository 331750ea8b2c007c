"""`publications` rows: one per job and platform, claimed before sending, settled after."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shortgen_assets.db.models import Publication, utcnow
from shortgen_assets.domain.publish.once import Existing

if TYPE_CHECKING:  # a type only: `shortgen show` reads these rows without the publish domain
    from shortgen_assets.domain.publish.manifest import PublishResult


def job_publications(session: Session, job_id: int) -> list[Publication]:
    return list(
        session.scalars(
            select(Publication).where(Publication.job_id == job_id).order_by(Publication.platform)
        )
    )


def existing(session: Session, job_id: int, platform: str) -> Existing | None:
    row = _row(session, job_id, platform)
    if row is None:
        return None
    return Existing(row.status, row.remote_id, row.vendor, row.run_id)


def _row(session: Session, job_id: int, platform: str) -> Publication | None:
    return session.scalars(
        select(Publication).where(Publication.job_id == job_id, Publication.platform == platform)
    ).first()


def _upsert(session: Session, job_id: int, video_id: int, platform: str) -> Publication:
    row = _row(session, job_id, platform)
    if row is None:
        row = Publication(job_id=job_id, video_id=video_id, platform=platform, attempts=0)
        session.add(row)
    row.video_id = video_id
    return row


def mark(
    session: Session,
    *,
    job_id: int,
    video_id: int,
    platform: str,
    vendor: str,
    status: str,
    run_id: str,
    error: str | None = None,
    scheduled_at: datetime | None = None,
) -> None:
    """Set a row's status: `sending` (claimed, counts an attempt), `waiting` or `failed`."""
    row = _upsert(session, job_id, video_id, platform)
    row.vendor, row.status, row.run_id, row.error = vendor, status, run_id, error
    row.scheduled_at = scheduled_at
    if status == "sending":
        row.attempts += 1
    row.updated_at = utcnow()
    session.flush()


def settle(
    session: Session, *, job_id: int, video_id: int, result: PublishResult, run_id: str
) -> None:
    """Record what the publisher did: the remote id, URL, times and manifest."""
    row = _upsert(session, job_id, video_id, result.platform)
    row.vendor, row.status, row.run_id = result.vendor, result.status, run_id
    row.remote_id, row.url = result.remote_id, result.url
    row.published_at, row.scheduled_at = result.published_at, result.scheduled_at
    row.manifest_path = str(result.manifest_path)
    row.error = result.warning
    row.updated_at = utcnow()
    session.flush()


def record_unconfirmed(
    session: Session,
    *,
    job_id: int,
    video_id: int,
    platform: str,
    vendor: str,
    remote_id: str,
    message: str,
    run_id: str,
) -> None:
    """The platform took the video but did not confirm: keep its id so it is never re-sent."""
    row = _upsert(session, job_id, video_id, platform)
    row.vendor, row.status, row.run_id = vendor, "published", run_id
    row.remote_id, row.error, row.published_at = remote_id, message, utcnow()
    row.updated_at = utcnow()
    session.flush()
