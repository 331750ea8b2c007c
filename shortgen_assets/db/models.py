"""The app database: jobs and what each stage wrote for them, linked by foreign keys.

Every row an asset writes carries the Dagster `run_id`, so a row leads back to the run (and its
logs) that produced it. Re-materializing inserts new rows; nothing is overwritten but `trends`,
which is a catalogue upserted on (platform, external_id). Statuses are written by db/state.py
only, which owns their transitions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite stores no offset and hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}; pass timezone-aware UTC values")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: UTCDateTime(),
    }


MAX_ROW_ID = 2**63 - 1
"""The largest id any backend stores (SQLite's INTEGER); a larger number names no row."""


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(32), index=True)  # db/state.py JobStatus
    theme_name: Mapped[str] = mapped_column(String(200))
    theme_path: Mapped[str | None] = mapped_column(String(1000))
    theme: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(32), default="cli")
    error: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Trend(Base):
    __tablename__ = "trends"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_trends_platform_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[list[Any]]
    creator: Mapped[str] = mapped_column(String(300), default="")
    creator_id: Mapped[str] = mapped_column(String(300), default="")
    sound: Mapped[str | None] = mapped_column(String(500))
    video_url: Mapped[str | None] = mapped_column(String(1000))
    thumbnail_url: Mapped[str | None] = mapped_column(String(1000))
    duration_seconds: Mapped[float]
    posted_at: Mapped[datetime]
    views: Mapped[int]
    likes: Mapped[int]
    comments: Mapped[int]
    shares: Mapped[int]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str | None] = mapped_column(String(64))


class TrendObservation(Base):
    __tablename__ = "trend_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    trend_id: Mapped[int] = mapped_column(ForeignKey("trends.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    views: Mapped[int]
    likes: Mapped[int]
    comments: Mapped[int]
    shares: Mapped[int]
    velocity: Mapped[float]
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str] = mapped_column(String(64))


class TrendReportRow(Base):
    __tablename__ = "trend_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    analysed_count: Mapped[int]
    report: Mapped[dict[str, Any]]
    analyzer: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(100))
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str] = mapped_column(String(64))


class Script(Base):
    __tablename__ = "scripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    trend_report_id: Mapped[int] = mapped_column(ForeignKey("trend_reports.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    video_prompt: Mapped[str] = mapped_column(Text)
    duration_target: Mapped[float]
    aspect_ratio: Mapped[str] = mapped_column(String(8))
    scenes: Mapped[list[Any]]
    voiceover_sentences: Mapped[list[Any]]
    voiceover_script: Mapped[str] = mapped_column(Text)
    hook_text: Mapped[str] = mapped_column(Text)
    cta_text: Mapped[str] = mapped_column(Text)
    text_overlays: Mapped[list[Any]]
    hashtags: Mapped[list[Any]]
    theme: Mapped[dict[str, Any]]
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(100))
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str] = mapped_column(String(64))


class Media(Base):
    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(String(1000))
    duration_seconds: Mapped[float]
    provider: Mapped[str] = mapped_column(String(64))
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str] = mapped_column(String(64))


class Video(Base):
    __tablename__ = "videos"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id"))
    status: Mapped[str] = mapped_column(String(32), index=True)  # db/state.py VideoStatus
    path: Mapped[str] = mapped_column(String(1000))
    thumbnail_path: Mapped[str] = mapped_column(String(1000))
    duration_seconds: Mapped[float]
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    cost_llm: Mapped[float] = mapped_column(default=0.0)
    cost_tts: Mapped[float] = mapped_column(default=0.0)
    cost_footage: Mapped[float] = mapped_column(default=0.0)
    cost_total: Mapped[float] = mapped_column(default=0.0)
    generation_log: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reviewed_at: Mapped[datetime | None]
    reviewer: Mapped[str | None] = mapped_column(String(200))
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[str] = mapped_column(String(64))


PUBLICATION_STATUSES = ("sending", "waiting", "dry_run", "scheduled", "published", "failed")


class Publication(Base):
    """One job's video on one platform: the one row that says whether it was posted.

    A `remote_id` means the platform has the post; nothing sends it again. `error` holds the
    platform's reason while the status is `failed`.
    """

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("job_id", "platform", name="uq_publications_job_platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    vendor: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    remote_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    scheduled_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    manifest_path: Mapped[str | None] = mapped_column(String(1000))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    run_id: Mapped[str | None] = mapped_column(String(64))
