"""Writing and reading the rows each stage produces, so assets stay thin.

Reads go by id (the ids upstream materializations recorded), never "the newest row".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shortgen_assets.db.models import Media, Script, Trend, TrendObservation, TrendReportRow
from shortgen_assets.domain.schemas import (
    Clip,
    Narration,
    ProductionPlan,
    ProviderUsage,
    Theme,
    TrendItem,
    TrendReport,
)
from shortgen_assets.domain.trends.velocity import engagement_velocity

CATALOGUE_FIELDS = (
    "title",
    "description",
    "hashtags",
    "creator",
    "creator_id",
    "sound",
    "video_url",
    "thumbnail_url",
    "duration_seconds",
    "posted_at",
    "views",
    "likes",
    "comments",
    "shares",
)
METRICS = ("views", "likes", "comments", "shares")


def _upsert_catalogue(
    session: Session, items: Sequence[TrendItem], now: datetime, run_id: str
) -> tuple[dict[tuple[str, str], int], int]:
    """One INSERT .. ON CONFLICT DO UPDATE, so concurrent runs never race on the unique key.

    Rows go in key order, so two Postgres transactions lock overlapping rows in the same order.
    """
    from sqlalchemy.dialects import postgresql, sqlite  # only the trends stage upserts

    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [
        {
            "platform": item.platform,
            "external_id": item.external_id,
            **{field: getattr(item, field) for field in CATALOGUE_FIELDS},
            "first_seen_at": now,
            "last_seen_at": now,
            "run_id": run_id,
        }
        for item in sorted(items, key=lambda i: (i.platform, i.external_id))
    ]
    statement = insert(Trend).values(rows)
    refreshed = (*CATALOGUE_FIELDS, "last_seen_at", "run_id")
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        set_={field: statement.excluded[field] for field in refreshed},
    ).returning(Trend.id, Trend.platform, Trend.external_id, Trend.first_seen_at)
    ids, created = {}, 0
    for trend_id, platform, external_id, first_seen_at in session.execute(statement):
        ids[(platform, external_id)] = trend_id
        created += first_seen_at == now
    return ids, created


def save_snapshot(
    session: Session, job_id: int, items: Sequence[TrendItem], now: datetime, run_id: str
) -> tuple[list[int], int]:
    """Upsert the catalogue on (platform, external_id) and record this job's observations.

    Returns the observation ids and how many catalogue rows are new.
    """
    if not items:
        return [], 0
    trend_ids, created = _upsert_catalogue(session, items, now, run_id)
    observations = [
        TrendObservation(
            job_id=job_id,
            trend_id=trend_ids[(item.platform, item.external_id)],
            source=item.source,
            velocity=engagement_velocity(item, now),
            observed_at=now,
            run_id=run_id,
            **{field: getattr(item, field) for field in METRICS},
        )
        for item in items
    ]
    session.add_all(observations)
    session.flush()
    return [obs.id for obs in observations], created


def load_snapshot(session: Session, observation_ids: Sequence[int]) -> list[TrendItem]:
    """The items as observed (metrics at collection time), in observation order."""
    rows = session.execute(
        select(TrendObservation, Trend)
        .join(Trend, Trend.id == TrendObservation.trend_id)
        .where(TrendObservation.id.in_(observation_ids))
        .order_by(TrendObservation.id)
    ).all()
    return [
        TrendItem(
            platform=trend.platform,
            external_id=trend.external_id,
            source=obs.source,
            **{field: getattr(trend, field) for field in CATALOGUE_FIELDS if field not in METRICS},
            **{field: getattr(obs, field) for field in METRICS},
        )
        for obs, trend in rows
    ]


def save_report(
    session: Session,
    job_id: int,
    report: TrendReport,
    analyzer: str,
    usage: ProviderUsage,
    run_id: str,
) -> int:
    row = TrendReportRow(
        job_id=job_id,
        analysed_count=report.analysed_count,
        report=report.model_dump(mode="json"),
        analyzer=analyzer,
        model=usage.model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=usage.cost_usd,
        run_id=run_id,
    )
    session.add(row)
    session.flush()
    return row.id


def load_report(session: Session, report_id: int) -> TrendReport:
    row = session.get(TrendReportRow, report_id)
    if row is None:
        raise LookupError(f"trend report {report_id} is gone from the app database")
    return TrendReport.model_validate(row.report)


def save_script(
    session: Session,
    job_id: int,
    report_id: int,
    plan: ProductionPlan,
    theme: Theme,
    usage: ProviderUsage,
    run_id: str,
) -> int:
    row = Script(
        job_id=job_id,
        trend_report_id=report_id,
        title=plan.title,
        description=plan.description,
        video_prompt=plan.video_prompt,
        duration_target=plan.duration_target,
        aspect_ratio=plan.aspect_ratio,
        scenes=[scene.model_dump(mode="json") for scene in plan.scenes],
        voiceover_sentences=list(plan.voiceover_sentences),
        voiceover_script=plan.voiceover_script,
        hook_text=plan.hook_text,
        cta_text=plan.cta_text,
        text_overlays=[overlay.model_dump(mode="json") for overlay in plan.text_overlays],
        hashtags=list(plan.hashtags),
        theme=theme.model_dump(mode="json"),
        provider=usage.provider,
        model=usage.model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=usage.cost_usd,
        run_id=run_id,
    )
    session.add(row)
    session.flush()
    return row.id


def load_plan(session: Session, script_id: int) -> ProductionPlan:
    row = session.get(Script, script_id)
    if row is None:
        raise LookupError(f"script {script_id} is gone from the app database")
    return ProductionPlan(
        title=row.title,
        description=row.description,
        video_prompt=row.video_prompt,
        duration_target=row.duration_target,
        aspect_ratio=row.aspect_ratio,
        scenes=row.scenes,
        voiceover_sentences=row.voiceover_sentences,
        hook_text=row.hook_text,
        cta_text=row.cta_text,
        text_overlays=row.text_overlays,
        hashtags=row.hashtags,
    )


def save_narration(
    session: Session, job_id: int, script_id: int, narration: Narration, run_id: str
) -> int:
    row = Media(
        job_id=job_id,
        script_id=script_id,
        kind="voiceover",
        path=narration.audio_path,
        duration_seconds=narration.duration_ms / 1000,
        provider=narration.provider,
        cost_usd=narration.cost_usd,
        details=narration.model_dump(mode="json"),
        run_id=run_id,
    )
    session.add(row)
    session.flush()
    return row.id


def load_narration(session: Session, media_id: int) -> Narration:
    row = session.get(Media, media_id)
    if row is None or row.kind != "voiceover":
        raise LookupError(f"voiceover media {media_id} is gone from the app database")
    return Narration.model_validate(row.details)


def save_clips(
    session: Session, job_id: int, script_id: int, clips: Sequence[Clip], run_id: str
) -> list[int]:
    rows = [
        Media(
            job_id=job_id,
            script_id=script_id,
            kind="footage",
            path=clip.path,
            duration_seconds=clip.duration_seconds,
            provider=clip.provider,
            cost_usd=clip.cost_usd,
            details=clip.model_dump(mode="json"),
            run_id=run_id,
        )
        for clip in clips
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def load_clips(session: Session, media_ids: Sequence[int]) -> list[Clip]:
    rows = {row.id: row for row in session.scalars(select(Media).where(Media.id.in_(media_ids)))}
    missing = [media_id for media_id in media_ids if media_id not in rows]
    if missing:
        raise LookupError(f"footage media {missing} are gone from the app database")
    return [Clip.model_validate(rows[media_id].details) for media_id in media_ids]
