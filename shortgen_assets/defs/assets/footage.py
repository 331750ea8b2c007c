"""`footage`: background clips for the plan's scenes, chained to the narration's length."""

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.stage_rows import load_plan, save_clips
from shortgen_assets.defs.assets.common import (
    job_folder,
    job_theme,
    upstream_metadata,
    upstream_row_id,
)
from shortgen_assets.defs.checks import footage_covers, footage_format
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.footage import FootageResource
from shortgen_assets.domain.media import probe
from shortgen_assets.settings import get_settings


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    deps=["script", "voiceover"],
    kinds={"python"},
    retry_policy=provider_retry(),
    pool=pool_for("footage"),
    check_specs=[
        AssetCheckSpec("footage_covers_narration", asset="footage", blocking=True),
        AssetCheckSpec("footage_format", asset="footage", blocking=True),
    ],
    description="Background clips per scene, cut or looped to cover the narration.",
)
def footage(
    context: AssetExecutionContext, app_db: AppDatabase, footage_provider: FootageResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    settings = get_settings()
    script_id = upstream_row_id(context, "script", "script_id")
    narration_seconds = float(upstream_metadata(context, "voiceover")["duration_seconds"])
    with app_db.session() as session:
        plan = load_plan(session, script_id)
    folder = job_folder(settings.work_dir, job_id) / f"footage-{context.run.run_id[:8]}"
    result = footage_provider.render(
        plan,
        theme.palette,
        narration_seconds,
        folder,
        settings.video_width,
        settings.video_height,
        settings.fps,
        theme=theme,
    )
    with app_db.session() as session:
        media_ids = save_clips(session, job_id, script_id, result.clips, context.run.run_id)
    infos = [probe(clip.path) for clip in result.clips]
    return MaterializeResult(
        metadata={
            "media_ids": MetadataValue.json(media_ids),
            "script_id": script_id,
            "job_id": job_id,
            "clips": len(result.clips),
            "duration_seconds": round(result.duration_seconds, 3),
            "folder": MetadataValue.path(str(folder)),
            "provider": result.provider,
            "cost_usd": MetadataValue.float(round(result.cost_usd, 6)),
        },
        check_results=[
            footage_covers(result.duration_seconds, narration_seconds),
            footage_format(infos, settings.video_width, settings.video_height, settings.fps),
        ],
    )
