"""`trend_report`: analyse this job's snapshot (velocity, styles, hooks, topic clusters)."""

from datetime import datetime

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.stage_rows import load_snapshot, save_report
from shortgen_assets.defs.assets.common import job_theme, upstream_metadata, usage_metadata
from shortgen_assets.defs.checks import report_consistent
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.domain.plan.summaries import report_markdown
from shortgen_assets.domain.trends.analysis import analyze_trends
from shortgen_assets.settings import get_settings


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    deps=["trends"],
    kinds={"python", "scikitlearn"},
    retry_policy=provider_retry(),
    pool=pool_for("llm"),
    check_specs=[AssetCheckSpec("report_consistent", asset="trend_report", blocking=True)],
    description="Engagement velocity, styles, hook types, topic clusters and recommendations.",
)
def trend_report(
    context: AssetExecutionContext, app_db: AppDatabase, llm: LLMResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    upstream = upstream_metadata(context, "trends")
    with app_db.session() as session:
        items = load_snapshot(session, upstream["observation_ids"])
    collected_at = datetime.fromisoformat(upstream["collected_at"])
    keywords, minimum = theme.keywords or [theme.product], get_settings().min_trends
    baseline = analyze_trends(items, collected_at, keywords, minimum)
    report, usage = llm.refine_report(items, baseline)
    with app_db.session() as session:
        report_id = save_report(session, job_id, report, llm.provider, usage, context.run.run_id)
    return MaterializeResult(
        metadata={
            "trend_report_id": report_id,
            "job_id": job_id,
            "analysed": report.analysed_count,
            "clusters": len(report.clusters),
            "recommended_style": report.recommended_style,
            "recommended_duration_seconds": report.recommended_duration_seconds,
            "top_hashtags": ", ".join(report.top_hashtags[:10]),
            "summary": MetadataValue.md(report_markdown(report)),
            **usage_metadata(usage),
        },
        check_results=[report_consistent(report)],
    )
