"""Footage + captions + overlays + voice + music -> the final MP4 and its thumbnail.

The whole video is one ffmpeg run: the footage clips through the concat demuxer, the plan's
transitions blended in the same filter graph (see transitions), one overlay for the caption
strip track (see caption_track), one small faded overlay per hook/CTA/plan overlay, and the
soundtrack WAV mastered beforehand (see soundtrack). Pillow draws each caption state once; no
Python touches individual frames, which is what keeps composition within a few percent of
re-encoding the footage alone. Captions and the soundtrack are prepared concurrently.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageOps
from pydantic import BaseModel, ConfigDict, Field, computed_field

from shortgen_assets.domain.audio.soundtrack import Soundtrack, build_soundtrack
from shortgen_assets.domain.media import MediaError, probe, run_ffmpeg
from shortgen_assets.domain.schemas import CaptionStyle, Footage, Narration, Palette, ProductionPlan
from shortgen_assets.domain.scratch import scratch_dir, temp_sibling
from shortgen_assets.domain.standards import LUFS_TARGET
from shortgen_assets.domain.video.caption_track import (
    CaptionTiming,
    CaptionTrack,
    OverlayImage,
    build_caption_track,
    build_overlays,
)
from shortgen_assets.domain.video.captions import (
    anchor_box,
    caption_look,
    group_phrases,
    render_overlay,
    safe_area,
)
from shortgen_assets.domain.video.delivery import hold_true_peak
from shortgen_assets.domain.video.transitions import blends, transition_filters

OVERLAY_FADE_S = 0.3


class CompositionRequest(BaseModel):
    """Everything one render needs; sizes default to 1080x1920 at 30 fps."""

    model_config = ConfigDict(extra="forbid")

    footage: Footage
    narration: Narration
    plan: ProductionPlan
    out_path: Path
    caption_style: CaptionStyle = Field(default_factory=CaptionStyle)
    palette: Palette = Field(default_factory=Palette)
    music_path: str | None = None
    music_seed: str = Field("shortgen", description="picks the generated bed; use the theme name")
    width: int = Field(1080, ge=64, multiple_of=2)
    height: int = Field(1920, ge=64, multiple_of=2)
    fps: int = Field(30, ge=1, le=120)
    crf: int = Field(23, ge=0, le=51)
    preset: str = "medium"
    audio_bitrate: str = "192k"
    thumbnail_path: Path | None = Field(None, description="defaults to out_path with .jpg")
    thumbnail_time: float = Field(1.0, ge=0)
    title: str | None = Field(None, description="drawn on the thumbnail; defaults to plan.title")
    hook_seconds: float = Field(3.0, gt=0)
    cta_seconds: float = Field(3.0, gt=0)
    duck_db: float = Field(15.0, ge=12.0, le=40.0)
    target_lufs: float = LUFS_TARGET


class LoudnessReport(BaseModel):
    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range: float


class PlacedOverlay(BaseModel):
    text: str
    kind: str
    start: float
    end: float
    box: tuple[int, int, int, int] = Field(description="x, y, width, height in frame pixels")


class ComposedVideo(BaseModel):
    """The rendered files and what was measured on them."""

    video_path: Path
    thumbnail_path: Path
    duration: float
    width: int
    height: int
    fps: float
    size_bytes: int
    video_codec: str
    pix_fmt: str
    audio_codec: str
    sample_rate: int
    captions: int
    caption_images: int
    caption_box: tuple[int, int, int, int] | None
    overlays: list[PlacedOverlay]
    loudness: LoudnessReport
    gain_db: float
    duck_db: float
    music: str
    timings: dict[str, float] = Field(description="seconds per phase; captions and audio overlap")
    caption_timings: list[CaptionTiming]

    @computed_field
    @property
    def max_caption_drift_ms(self) -> float:
        """Largest gap between a caption's (or highlighted word's) first frame and its word."""
        return max((t.drift_ms for t in self.caption_timings), default=0.0)


def _concat_script(footage: Footage, out: Path) -> Path:
    lines = ["ffconcat version 1.0"]
    for clip in footage.clips:
        quoted = str(Path(clip.path).resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
    out.write_text("\n".join(lines) + "\n")
    return out


def _background_filter(request: CompositionRequest, duration: float) -> list[str]:
    """Footage as-is when clips match the frame (else scaled and cropped), last frame held."""
    w, h, fps = request.width, request.height, request.fps
    fit = ""
    if any((c.width, c.height, c.fps) != (w, h, fps) for c in request.footage.clips):
        fit = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1,fps={fps},"
    # Hold the last frame if the clips run short of the narration (by their declared or their
    # real length); -t cuts the output at the narration's end either way.
    shortfall = max(0.0, duration - request.footage.duration_seconds)
    hold = f"tpad=stop_mode=clone:stop_duration={shortfall + 1.0:.3f},setpts=PTS-STARTPTS"
    found = blends(request.plan, request.footage, fps)
    return [
        f"[0:v]{fit}format=yuv420p,{hold}[joined]",
        *transition_filters(found, fps, w, "joined", "bg"),
    ]


def _overlay_filters(
    overlays: list[OverlayImage], first_input: int, fps: int, label: str
) -> tuple[list[str], str]:
    """Each overlay PNG repeated over its window, faded in and out, laid over the video."""
    parts = []
    for offset, item in enumerate(overlays):
        frames = max(1, round((item.end - item.start) * fps))
        fade = min(OVERLAY_FADE_S, (item.end - item.start) / 3)
        out_at = item.start + frames / fps - fade
        parts.append(
            f"[{first_input + offset}:v]loop=loop={frames - 1}:size=1:start=0,settb=1/{fps},"
            f"setpts=N+{round(item.start * fps)},"
            f"fade=t=in:st={item.start:.3f}:d={fade:.3f}:alpha=1,"
            f"fade=t=out:st={out_at:.3f}:d={fade:.3f}:alpha=1[ov{offset}]"
        )
        nxt = f"v_ov{offset}"
        parts.append(
            f"[{label}][ov{offset}]overlay=x={item.box.x}:y={item.box.y}:eof_action=pass[{nxt}]"
        )
        label = nxt
    return parts, label


def _encode(
    request: CompositionRequest,
    background: Path,
    track: CaptionTrack | None,
    overlays: list[OverlayImage],
    soundtrack: Soundtrack,
    duration: float,
    out: Path,
) -> None:
    """The single ffmpeg run: footage, caption track, overlays and soundtrack into `out`."""
    inputs = ["-f", "concat", "-safe", "0", "-i", str(background)]
    footage_inputs = 1
    graph = _background_filter(request, duration)
    label = "bg"
    if track is not None:
        inputs += ["-f", "concat", "-safe", "0", "-i", str(track.concat_path)]
        overlay = f"overlay=x={track.box.x}:y={track.box.y}:eof_action=repeat"
        graph.append(f"[bg][{footage_inputs}:v]{overlay}[vcap]")
        label = "vcap"
    first_overlay = footage_inputs + (track is not None)
    for item in overlays:
        inputs += ["-i", str(item.path)]
    parts, label = _overlay_filters(overlays, first_overlay, request.fps, label)
    graph += parts
    graph.append(f"[{label}]format=yuv420p[vout]")
    inputs += ["-i", str(soundtrack.path)]
    audio_index = first_overlay + len(overlays)
    args = [
        *("-loglevel", "error", *inputs, "-filter_complex", ";".join(graph)),
        *("-map", "[vout]", "-map", f"{audio_index}:a"),
        *("-c:v", "libx264", "-preset", request.preset, "-crf", str(request.crf)),
        *("-pix_fmt", "yuv420p", "-r", str(request.fps)),
        *("-c:a", "aac", "-b:a", request.audio_bitrate, "-ar", "48000", "-ac", "2"),
        *("-t", f"{duration:.3f}", "-movflags", "+faststart", "-f", "mp4", str(out)),
    ]
    run_ffmpeg(args, what=f"composing {request.out_path.name}")


def _grab_frame(footage: Footage, at_seconds: float, grabbed: Path) -> Image.Image:
    """The footage frame at `at_seconds`, seeking inside the clip that plays then."""
    clip, offset = footage.clips[-1], 0.0
    for candidate in footage.clips:
        if at_seconds < candidate.duration_seconds:
            clip, offset = candidate, at_seconds
            break
        at_seconds -= candidate.duration_seconds
    for seek in (max(0.0, offset), 0.0):  # a clip shorter than declared: take its first frame
        args = ["-loglevel", "error", "-ss", f"{seek:.3f}", "-i", clip.path, "-frames:v", "1"]
        run_ffmpeg([*args, "-update", "1", str(grabbed)], what=f"grabbing a frame of {clip.path}")
        if grabbed.exists():
            with Image.open(grabbed) as image:
                return image.convert("RGB")
    raise MediaError(f"no frame could be read from {clip.path} for the thumbnail")


def render_thumbnail(
    footage: Footage,
    at_seconds: float,
    size: tuple[int, int],
    title: str,
    caption_style: CaptionStyle,
    palette: Palette,
    out_path: Path,
    work_dir: Path,
) -> Path:
    """The footage frame at `at_seconds` with the title on a panel, as JPEG (temp + rename)."""
    grabbed = work_dir / "thumbnail_frame.bmp"  # uncompressed: quick to write and read
    frame = ImageOps.fit(_grab_frame(footage, at_seconds, grabbed), size)
    look = caption_look(caption_style, size[0]).scaled(1.2)
    panel = render_overlay(title, "hook", look, palette, safe_area(*size).width)
    box = anchor_box(panel.width, panel.height, "center", size)
    frame.paste(panel, (box.x, box.y), panel)
    temp = temp_sibling(out_path)
    try:
        frame.save(temp, "JPEG", quality=90)
        os.replace(temp, out_path)
    finally:
        temp.unlink(missing_ok=True)
    return out_path


def _prepare_visuals(
    request: CompositionRequest, duration: float, work: Path
) -> tuple[CaptionTrack | None, list[OverlayImage]]:
    style, frame = request.caption_style, (request.width, request.height)
    look = caption_look(style, request.width)
    phrases = group_phrases(
        request.narration.sentences, style.words_per_phrase, request.narration.duration_ms
    )
    track = build_caption_track(
        phrases,
        look,
        highlight=style.highlight_active_word,
        position=style.position,
        frame=frame,
        fps=request.fps,
        duration_s=duration,
        out_dir=work,
    )
    overlays = build_overlays(
        request.plan,
        look,
        request.palette,
        caption_position=style.position,
        caption_box=track.box if track else None,
        frame=frame,
        duration_s=duration,
        out_dir=work,
        hook_seconds=request.hook_seconds,
        cta_seconds=request.cta_seconds,
    )
    return track, overlays


def _timed(timings: dict[str, float], phase: str, func, *args, **kwargs):
    started = time.perf_counter()
    try:
        return func(*args, **kwargs)
    finally:
        timings[phase] = round(time.perf_counter() - started, 3)


def compose(request: CompositionRequest) -> ComposedVideo:
    """Render the video and its thumbnail; the video lasts exactly as long as the narration."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    out = request.out_path.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    request = request.model_copy(update={"out_path": out})
    thumbnail = (request.thumbnail_path or out.with_suffix(".jpg")).resolve()
    duration = request.narration.duration_ms / 1000
    with scratch_dir("compose") as work:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the ffmpeg-bound sound beside captions
            audio = pool.submit(
                _timed,
                timings,
                "soundtrack",
                build_soundtrack,
                request.narration,
                duration,
                work / "soundtrack.wav",
                music_path=request.music_path,
                music_seed=request.music_seed,
                duck_db=request.duck_db,
                target_lufs=request.target_lufs,
            )
            track, overlays = _timed(timings, "captions", _prepare_visuals, request, duration, work)
            soundtrack = audio.result()
        background = _concat_script(request.footage, work / "footage.ffconcat")
        at = min(request.thumbnail_time, max(0.0, duration - 1 / request.fps))
        video_temp, thumb_temp = temp_sibling(out), temp_sibling(thumbnail)
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:  # the frame grab overlaps the encode
                thumb = pool.submit(
                    _timed,
                    timings,
                    "thumbnail",
                    render_thumbnail,
                    request.footage,
                    at,
                    (request.width, request.height),
                    request.title or request.plan.title,
                    request.caption_style,
                    request.palette,
                    thumb_temp,
                    work,
                )
                encode_args = (request, background, track, overlays, soundtrack, duration)
                _timed(timings, "encode", _encode, *encode_args, video_temp)
                thumb.result()
            loudness = _timed(
                timings,
                "verify",
                hold_true_peak,
                video_temp,
                soundtrack.path,
                duration=duration,
                bitrate=request.audio_bitrate,
                work=work,
                target_lufs=request.target_lufs,
            )
            os.replace(video_temp, out)  # both files appear only when both are complete
            os.replace(thumb_temp, thumbnail)
        finally:
            video_temp.unlink(missing_ok=True)
            thumb_temp.unlink(missing_ok=True)
    info = probe(out)
    timings["total"] = round(time.perf_counter() - started, 3)
    return ComposedVideo(
        video_path=out,
        thumbnail_path=thumbnail,
        duration=info.duration,
        width=info.width or 0,
        height=info.height or 0,
        fps=info.fps or 0.0,
        size_bytes=info.size_bytes,
        video_codec=info.video_codec or "",
        pix_fmt=info.pix_fmt or "",
        audio_codec=info.audio_codec or "",
        sample_rate=info.sample_rate or 0,
        captions=len(track.timings) if track else 0,
        caption_images=track.image_count if track else 0,
        caption_box=(track.box.x, track.box.y, track.box.width, track.box.height)
        if track
        else None,
        overlays=[
            PlacedOverlay(
                text=o.text,
                kind=o.kind,
                start=o.start,
                end=o.end,
                box=(o.box.x, o.box.y, o.box.width, o.box.height),
            )
            for o in overlays
        ],
        loudness=LoudnessReport(
            integrated_lufs=loudness.integrated_lufs,
            true_peak_dbtp=loudness.true_peak_dbtp,
            loudness_range=loudness.loudness_range,
        ),
        gain_db=round(soundtrack.gain_db, 2),
        duck_db=soundtrack.duck_db,
        music=soundtrack.music,
        timings=timings,
        caption_timings=track.timings if track else [],
    )
