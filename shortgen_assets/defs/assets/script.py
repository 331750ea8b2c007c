"""`script`: the production plan for this job, from its theme and its trend report."""

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.stage_rows import load_report, save_script
from shortgen_assets.defs.assets.common import job_theme, upstream_row_id, usage_metadata
from shortgen_assets.defs.checks import PLAN_CHECK_NAMES, plan_checks, plan_shows_kit
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.domain.plan.scene_kinds import assign_scene_kinds
from shortgen_assets.domain.plan.summaries import plan_markdown


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    deps=["trend_report"],
    kinds={"python"},
    retry_policy=provider_retry(),
    pool=pool_for("llm"),
    check_specs=[
        AssetCheckSpec(name, asset="script", blocking=True)
        for name in (*PLAN_CHECK_NAMES, "plan_shows_kit")
    ],
    description="The video production plan: scenes, narration, hook, CTA, overlays, hashtags.",
)
def script(
    context: AssetExecutionContext, app_db: AppDatabase, llm: LLMResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    report_id = upstream_row_id(context, "trend_report", "trend_report_id")
    with app_db.session() as session:
        report = load_report(session, report_id)
    plan, usage = llm.plan(theme, report, job_id)
    plan = assign_scene_kinds(plan, theme)
    with app_db.session() as session:
        script_id = save_script(session, job_id, report_id, plan, theme, usage, context.run.run_id)
    return MaterializeResult(
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
        check_results=[*plan_checks(plan), plan_shows_kit(plan, theme.brand)],
    )
