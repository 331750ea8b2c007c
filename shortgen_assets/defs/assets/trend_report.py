"""`trend_report`: analyse this job's snapshot (velocity, styles, hooks, topic clusters)."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
)

from shortgen_assets import stages
from shortgen_assets.db.stage_rows import load_snapshot, save_report
from shortgen_assets.defs.assets.common import job_theme, stage_asset, usage_metadata
from shortgen_assets.defs.assets.refs import TrendReportRef, TrendsRef
from shortgen_assets.defs.checks import report_consistent
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.plan.summaries import report_markdown
from shortgen_assets.domain.trends.analysis import analyze_trends


def build_trend_report(retry_policy: RetryPolicy, pool: str | None) -> AssetsDefinition:
    """The `trend_report` stage, retried and pooled as the settings say."""
    return stage_asset(
        stages.TREND_REPORT,
        TrendReportRef,
        "Engagement velocity, styles, hook types, topic clusters and recommendations.",
        kinds={"python", "scikitlearn"},
        retry_policy=retry_policy,
        pool=pool,
    )(trend_report)


def trend_report(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    llm: LLMResource,
    trends: TrendsRef,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    with app_db.session() as session:
        items = load_snapshot(session, trends.observation_ids)
    keywords, minimum = theme.keywords or [theme.product], stage_settings.min_trends
    baseline = analyze_trends(items, trends.collected_at, keywords, minimum)
    report, usage = llm.refine_report(items, baseline)
    with app_db.session() as session:
        report_id = save_report(session, job_id, report, llm.provider, usage, context.run.run_id)
    return MaterializeResult(
        value=TrendReportRef(job_id=job_id, trend_report_id=report_id),
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
