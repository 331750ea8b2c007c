"""`video`: footage, captions, overlays, voice and music composed into the final MP4."""

import base64
import io
import re
import unicodedata
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue
from PIL import Image

from shortgen_assets import stages
from shortgen_assets.db.stage_rows import load_clips, load_narration, load_plan
from shortgen_assets.db.video_rows import Lineage, load_lineage, save_video
from shortgen_assets.defs.assets.common import job_folder, job_theme, stage_asset
from shortgen_assets.defs.assets.refs import FootageRef, ScriptRef, VideoRef, VoiceoverRef
from shortgen_assets.defs.checks import (
    video_duration_matches,
    video_format,
    video_lineage,
    video_loudness,
    video_no_black,
    video_shows_kit,
)
from shortgen_assets.defs.pools import COMPOSITION_POOL
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.media import measure_loudness, probe, survey_video
from shortgen_assets.domain.schemas import Footage
from shortgen_assets.domain.scratch import find_leftovers, remove_leftovers
from shortgen_assets.domain.video.composition import ComposedVideo, CompositionRequest, compose
from shortgen_assets.domain.video.kit_probe import THUMB, kit_on_screen, kit_sample_times


def slugify(title: str, limit: int = 60) -> str:
    """A file-name-safe slug; non-Latin titles keep their letters rather than vanishing."""
    text = unicodedata.normalize("NFKC", title).lower()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")[:limit].strip("-_")
    return slug or "video"


def render_name(title: str, run_id: str) -> str:
    """Each render's own file name (the run id is known before the row exists), so a review
    that moves or deletes one video's files never touches another's."""
    return f"{slugify(title)}-{run_id[:8]}.mp4"


def thumbnail_markdown(path: Path, width: int = 270) -> str:
    """The thumbnail as an inline image, so the UI shows it without serving files."""
    with Image.open(path) as image:
        image.thumbnail((width, width * 4))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=80)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return f"![thumbnail](data:image/jpeg;base64,{encoded})"


def generation_log(composed: ComposedVideo, lineage: Lineage) -> dict:
    """How the video was made: phase timings, captions, audio mastering, providers."""
    return {
        "timings": composed.timings,
        "captions": composed.captions,
        "music": composed.music,
        "gain_db": composed.gain_db,
        "duck_db": composed.duck_db,
        "max_caption_drift_ms": composed.max_caption_drift_ms,
        "providers": lineage.providers,
    }


@stage_asset(
    stages.VIDEO,
    VideoRef,
    "The final vertical MP4 (H.264 + AAC, -14 LUFS) and its thumbnail, for review.",
    kinds={"ffmpeg"},
    pool=COMPOSITION_POOL,
)
def video(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    script: ScriptRef,
    voiceover: VoiceoverRef,
    footage: FootageRef,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    with app_db.session() as session:
        plan = load_plan(session, script.script_id)
        narration = load_narration(session, voiceover.media_id)
        clips = load_clips(session, footage.media_ids)
        lineage = load_lineage(session, script.script_id, voiceover.media_id, footage.media_ids)
    folder = job_folder(stage_settings.output_path / "review", job_id)
    work = stage_settings.work_path / f"job-{job_id}"
    removed = remove_leftovers(find_leftovers([folder, work]))  # a dead earlier render's debris
    if removed:
        context.log.info(f"removed {len(removed)} leftovers of a dead render: {removed}")
    width, height, fps = stage_settings.frame
    footage_media = Footage(clips=clips, provider=lineage.providers["footage"])
    composed = compose(
        CompositionRequest(
            footage=footage_media,
            narration=narration,
            plan=plan,
            out_path=folder / render_name(plan.title, context.run.run_id),
            caption_style=theme.caption_style,
            palette=theme.palette,
            music_path=theme.music,
            music_seed=f"{theme.name}-job{job_id}",
            width=width,
            height=height,
            fps=fps,
            thumbnail_time=stage_settings.thumbnail_time,
        )
    )
    costs = lineage.costs
    info = probe(composed.video_path)
    probe_kit = bool(theme.brand) and any(s.kind != "procedural" for s in plan.scenes)
    # One decode of the output for both checks: black stretches, and the kit probe's frames.
    times = kit_sample_times(footage_media, info.duration) if probe_kit else []
    survey = survey_video(composed.video_path, times, THUMB)
    kit_seen = kit_on_screen(footage_media, info.duration, survey.frames) if probe_kit else None
    with app_db.session() as session:
        row = save_video(
            session,
            job_id=job_id,
            script_id=script.script_id,
            path=str(composed.video_path),
            thumbnail_path=str(composed.thumbnail_path),
            duration_seconds=info.duration,
            width=info.width or 0,
            height=info.height or 0,
            size_bytes=info.size_bytes,
            costs=costs,
            generation_log=generation_log(composed, lineage),
            run_id=context.run.run_id,
        )
        video_id, made_from = row.id, {"the videos row": (row.job_id, row.script_id)}
    made_from |= {
        "the script": (script.job_id, script.script_id),
        "the voiceover": (voiceover.job_id, voiceover.script_id),
        "the footage": (footage.job_id, footage.script_id),
    }
    return MaterializeResult(
        value=VideoRef(
            job_id=job_id,
            video_id=video_id,
            script_id=script.script_id,
            path=str(composed.video_path),
            thumbnail_path=str(composed.thumbnail_path),
        ),
        metadata={
            "video_id": video_id,
            "script_id": script.script_id,
            "job_id": job_id,
            "path": MetadataValue.path(str(composed.video_path)),
            "thumbnail_path": MetadataValue.path(str(composed.thumbnail_path)),
            "thumbnail": MetadataValue.md(thumbnail_markdown(composed.thumbnail_path)),
            "duration_seconds": round(info.duration, 3),
            "size": f"{info.width}x{info.height}",
            "size_bytes": info.size_bytes,
            "captions": composed.captions,
            "render_seconds": MetadataValue.float(composed.timings["total"]),
            "cost_llm_usd": MetadataValue.float(round(costs["llm"], 6)),
            "cost_tts_usd": MetadataValue.float(round(costs["tts"], 6)),
            "cost_footage_usd": MetadataValue.float(round(costs["footage"], 6)),
            "cost_usd": MetadataValue.float(round(sum(costs.values()), 6)),
        },
        check_results=[
            video_duration_matches(info.duration, narration.duration_ms / 1000),
            video_format(info, width, height, fps),
            video_loudness(measure_loudness(composed.video_path)),
            video_no_black(survey.black),
            video_lineage(job_id, script.script_id, made_from),
            video_shows_kit(kit_seen, has_logo=bool(theme.brand and theme.brand.logo)),
        ],
    )
