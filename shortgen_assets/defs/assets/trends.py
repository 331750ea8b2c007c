"""`trends`: collect this job's snapshot of trending shorts and record it in the catalogue."""

from datetime import UTC, datetime

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
)

from shortgen_assets import stages
from shortgen_assets.db.stage_rows import save_snapshot
from shortgen_assets.defs.assets.common import job_theme, stage_asset
from shortgen_assets.defs.assets.refs import TrendsRef
from shortgen_assets.defs.checks import trend_signal
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.trend_sources import TrendSourcesResource
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.trends.signal import measure_signal


def build_trends(retry_policy: RetryPolicy, pool: str | None) -> AssetsDefinition:
    """The `trends` stage, retried and pooled as the settings say."""
    return stage_asset(
        stages.TRENDS,
        TrendsRef,
        "Trending short videos collected for this job from the configured sources.",
        retry_policy=retry_policy,
        pool=pool,
    )(trends)


def trends(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    trend_sources: TrendSourcesResource,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    now = datetime.now(UTC)
    keywords, minimum = theme.keywords or [theme.product], stage_settings.min_trends
    collection = trend_sources.collect(keywords, now, stage_settings.max_trends)
    with app_db.session() as session:
        observation_ids, created = save_snapshot(
            session, job_id, collection.items, now, context.run.run_id
        )
    return MaterializeResult(
        value=TrendsRef(job_id=job_id, observation_ids=tuple(observation_ids), collected_at=now),
        metadata={
            "job_id": job_id,
            "collected": len(collection.items),
            "new_catalogue_rows": created,
            "per_source": MetadataValue.json(collection.counts),
            "per_platform": MetadataValue.json(collection.platform_counts),
            "skipped_malformed": MetadataValue.json(collection.skipped),
            "skipped_not_short": MetadataValue.json(collection.filtered),
            "skip_reasons": MetadataValue.json(collection.skip_reasons),
            "keywords": ", ".join(theme.keywords),
            "collected_at": now.isoformat(),
        },
        check_results=[trend_signal(measure_signal(collection.items, keywords, now, minimum))],
    )
