"""`voiceover`: the narration audio, with the sentence and word timings captions are cut from."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
)

from shortgen_assets import stages
from shortgen_assets.db.stage_rows import load_plan, save_narration
from shortgen_assets.defs.assets.common import job_folder, job_theme, stage_asset, usage_metadata
from shortgen_assets.defs.assets.refs import ScriptRef, VoiceoverRef
from shortgen_assets.defs.checks import voiceover_audible, voiceover_fits
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.audio.wav import measure_level, read_wav


def build_voiceover(retry_policy: RetryPolicy, pool: str | None) -> AssetsDefinition:
    """The `voiceover` stage, retried and pooled as the settings say."""
    return stage_asset(
        stages.VOICEOVER,
        VoiceoverRef,
        "Narration audio (WAV) with exact sentence and word timings.",
        retry_policy=retry_policy,
        pool=pool,
    )(voiceover)


def voiceover(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    tts: TTSResource,
    script: ScriptRef,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    with app_db.session() as session:
        plan = load_plan(session, script.script_id)
    folder = job_folder(stage_settings.work_path, job_id)
    out_path = folder / f"voiceover-{context.run.run_id[:8]}.wav"
    narration = tts.synthesize(
        plan.voiceover_sentences, theme.voice, out_path, plan.duration_target
    )
    level = measure_level(read_wav(out_path)[0])
    with app_db.session() as session:
        media_id = save_narration(session, job_id, script.script_id, narration, context.run.run_id)
    seconds = narration.duration_ms / 1000
    return MaterializeResult(
        value=VoiceoverRef(
            job_id=job_id,
            media_id=media_id,
            script_id=script.script_id,
            path=narration.audio_path,
        ),
        metadata={
            "media_id": media_id,
            "script_id": script.script_id,
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
