"""`trends`: collect this job's snapshot of trending shorts and record it in the catalogue."""

from datetime import UTC, datetime

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.stage_rows import save_snapshot
from shortgen_assets.defs.assets.common import job_theme
from shortgen_assets.defs.checks import enough_trends
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.trend_sources import TrendSourcesResource
from shortgen_assets.settings import get_settings


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    kinds={"python"},
    retry_policy=provider_retry(),
    pool=pool_for("trends"),
    check_specs=[AssetCheckSpec("enough_trends", asset="trends", blocking=True)],
    description="Trending short videos collected for this job from the configured sources.",
)
def trends(
    context: AssetExecutionContext, app_db: AppDatabase, trend_sources: TrendSourcesResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    settings = get_settings()
    now = datetime.now(UTC)
    collection = trend_sources.collect(theme.keywords or [theme.product], now, settings.max_trends)
    with app_db.session() as session:
        observation_ids, created = save_snapshot(
            session, job_id, collection.items, now, context.run.run_id
        )
    return MaterializeResult(
        metadata={
            "job_id": job_id,
            "observation_ids": MetadataValue.json(observation_ids),
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
        check_results=[enough_trends(len(collection.items), settings.min_trends)],
    )
