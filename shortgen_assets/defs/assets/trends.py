"""`trends`: collect this job's snapshot of trending shorts and record it in the catalogue."""

from datetime import UTC, datetime

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.stage_rows import save_snapshot
from shortgen_assets.defs.assets.common import job_theme
from shortgen_assets.defs.checks import trend_signal
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.trend_sources import TrendSourcesResource
from shortgen_assets.domain.trends.signal import measure_signal
from shortgen_assets.settings import get_settings


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    kinds={"python"},
    retry_policy=provider_retry(),
    pool=pool_for("trends"),
    check_specs=[
        AssetCheckSpec(
            "trend_signal",
            asset="trends",
            blocking=False,
            description="Warns when few or no trends match the keywords; the plan then leans on "
            "the theme",
        )
    ],
    description="Trending short videos collected for this job from the configured sources.",
)
def trends(
    context: AssetExecutionContext, app_db: AppDatabase, trend_sources: TrendSourcesResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    settings = get_settings()
    now = datetime.now(UTC)
    keywords, minimum = theme.keywords or [theme.product], settings.min_trends
    collection = trend_sources.collect(keywords, now, settings.max_trends)
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
        check_results=[trend_signal(measure_signal(collection.items, keywords, now, minimum))],
    )
