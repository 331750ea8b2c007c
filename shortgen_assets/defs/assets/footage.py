"""`footage`: background clips for the plan's scenes, chained to the narration's length."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
)

from shortgen_assets import stages
from shortgen_assets.db.stage_rows import load_narration, load_plan, save_clips
from shortgen_assets.defs.assets.common import job_folder, job_theme, stage_asset
from shortgen_assets.defs.assets.refs import FootageRef, ScriptRef, VoiceoverRef
from shortgen_assets.defs.checks import footage_covers, footage_format
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.footage import FootageResource
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.media import probe


def build_footage(retry_policy: RetryPolicy, pool: str | None) -> AssetsDefinition:
    """The `footage` stage, retried and pooled as the settings say."""
    return stage_asset(
        stages.FOOTAGE,
        FootageRef,
        "Background clips per scene, cut or looped to cover the narration.",
        retry_policy=retry_policy,
        pool=pool,
    )(footage)


def footage(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    footage_provider: FootageResource,
    script: ScriptRef,
    voiceover: VoiceoverRef,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    with app_db.session() as session:
        plan = load_plan(session, script.script_id)
        narration_seconds = load_narration(session, voiceover.media_id).duration_ms / 1000
    folder = job_folder(stage_settings.work_path, job_id) / f"footage-{context.run.run_id[:8]}"
    width, height, fps = stage_settings.frame
    result = footage_provider.render(
        plan, theme.palette, narration_seconds, folder, width, height, fps, theme=theme
    )
    with app_db.session() as session:
        media_ids = save_clips(session, job_id, script.script_id, result.clips, context.run.run_id)
    infos = [probe(clip.path) for clip in result.clips]
    return MaterializeResult(
        value=FootageRef(
            job_id=job_id,
            media_ids=tuple(media_ids),
            script_id=script.script_id,
            folder=str(folder),
        ),
        metadata={
            "media_ids": MetadataValue.json(media_ids),
            "script_id": script.script_id,
            "job_id": job_id,
            "clips": len(result.clips),
            "duration_seconds": round(result.duration_seconds, 3),
            "folder": MetadataValue.path(str(folder)),
            "provider": result.provider,
            "cost_usd": MetadataValue.float(round(result.cost_usd, 6)),
        },
        check_results=[
            footage_covers(result.duration_seconds, narration_seconds),
            footage_format(infos, width, height, fps),
        ],
    )
