"""`script`: the production plan for this job, from its theme and its trend report."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
)

from shortgen_assets import stages
from shortgen_assets.db.stage_rows import load_report, save_script
from shortgen_assets.defs.assets.common import job_theme, stage_asset, usage_metadata
from shortgen_assets.defs.assets.refs import ScriptRef, TrendReportRef
from shortgen_assets.defs.checks import (
    plan_checks,
    plan_shows_kit,
    plan_speakable,
)
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.plan.scene_kinds import assign_scene_kinds
from shortgen_assets.domain.plan.summaries import plan_markdown


def build_script(retry_policy: RetryPolicy, pool: str | None) -> AssetsDefinition:
    """The `script` stage, retried and pooled as the settings say."""
    return stage_asset(
        stages.SCRIPT,
        ScriptRef,
        "The video production plan: scenes, narration, hook, CTA, overlays, hashtags.",
        retry_policy=retry_policy,
        pool=pool,
    )(script)


def script(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    llm: LLMResource,
    trend_report: TrendReportRef,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    report_id = trend_report.trend_report_id
    with app_db.session() as session:
        report = load_report(session, report_id)
    plan, usage = llm.plan(theme, report, job_id)
    plan = assign_scene_kinds(plan, theme, job_id)
    with app_db.session() as session:
        script_id = save_script(session, job_id, report_id, plan, theme, usage, context.run.run_id)
    return MaterializeResult(
        value=ScriptRef(job_id=job_id, script_id=script_id, trend_report_id=report_id),
        metadata={
            "script_id": script_id,
            "trend_report_id": report_id,
            "job_id": job_id,
            "title": plan.title,
            "duration_target": plan.duration_target,
            "scenes": len(plan.scenes),
            "words": plan.word_count,
            "plan": MetadataValue.md(plan_markdown(plan)),
            **usage_metadata(usage),
        },
        check_results=[
            *plan_checks(plan),
            plan_speakable(plan, theme),
            plan_shows_kit(plan, theme.brand),
        ],
    )
