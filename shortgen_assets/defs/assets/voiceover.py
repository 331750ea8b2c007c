"""`voiceover`: the narration audio, with the sentence and word timings captions are cut from."""

from dagster import AssetCheckSpec, AssetExecutionContext, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.stage_rows import load_plan, save_narration
from shortgen_assets.defs.assets.common import (
    job_folder,
    job_theme,
    upstream_row_id,
    usage_metadata,
)
from shortgen_assets.defs.checks import voiceover_audible, voiceover_fits
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.domain.audio.wav import measure_level, read_wav
from shortgen_assets.settings import get_settings


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    deps=["script"],
    kinds={"python"},
    retry_policy=provider_retry(),
    pool=pool_for("tts"),
    check_specs=[
        AssetCheckSpec("voiceover_audible", asset="voiceover", blocking=True),
        AssetCheckSpec("voiceover_fits_target", asset="voiceover", blocking=True),
    ],
    description="Narration audio (WAV) with exact sentence and word timings.",
)
def voiceover(
    context: AssetExecutionContext, app_db: AppDatabase, tts: TTSResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    script_id = upstream_row_id(context, "script", "script_id")
    with app_db.session() as session:
        plan = load_plan(session, script_id)
    folder = job_folder(get_settings().work_dir, job_id)
    out_path = folder / f"voiceover-{context.run.run_id[:8]}.wav"
    narration = tts.synthesize(
        plan.voiceover_sentences, theme.voice, out_path, plan.duration_target
    )
    level = measure_level(read_wav(out_path)[0])
    with app_db.session() as session:
        media_id = save_narration(session, job_id, script_id, narration, context.run.run_id)
    seconds = narration.duration_ms / 1000
    return MaterializeResult(
        metadata={
            "media_id": media_id,
            "script_id": script_id,
            "job_id": job_id,
            "path": MetadataValue.path(narration.audio_path),
            "duration_seconds": seconds,
            "sentences": len(narration.sentences),
            "words": len(narration.words),
            "words_per_minute": narration.words_per_minute or 0,
            "rms_dbfs": round(level.rms_dbfs, 1),
            "voice": narration.voice,
            **usage_metadata(tts.usage(narration)),
        },
        check_results=[
            voiceover_audible(level.rms_dbfs),
            voiceover_fits(seconds, plan.duration_target),
        ],
    )
