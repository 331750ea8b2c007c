"""The peers' way to compose a short: moviepy 2.x compositing, for `compose.py` to measure.

Needs the benchmark extra (`pip install -e ".[benchmark]"`); shortgen itself never imports moviepy.
Same footage, caption phrases and timings, theme font and size, voice and encoder settings
(libx264, the request's preset and crf, yuv420p, the same ffmpeg binary) as shortgen's composer.
Background: the clips as `VideoFileClip`s, `concatenate_videoclips`; captions: one `TextClip` per
phrase in a `CompositeVideoClip`; hook and CTA: `TextClip`s on a coloured panel; audio: the voice
as an `AudioFileClip`; then `write_videofile`. moviepy composes every frame in Python (numpy) and
pipes raw frames to ffmpeg. It does less than shortgen: no active-word highlight, no fades, no
music bed and no loudness mastering, so the comparison flatters moviepy.
"""

from __future__ import annotations

import os
from pathlib import Path

from shortgen_assets.domain.fonts import resolve_face
from shortgen_assets.domain.media import ffmpeg_exe
from shortgen_assets.domain.video.captions import (
    anchor_box,
    caption_look,
    group_phrases,
    overlay_colours,
    safe_area,
)
from shortgen_assets.domain.video.composition import CompositionRequest


def compose_with_moviepy(request: CompositionRequest) -> Path:
    """Write `request.out_path` with moviepy and return it."""
    os.environ.setdefault("FFMPEG_BINARY", ffmpeg_exe())  # the encoder shortgen uses
    from moviepy import (
        AudioFileClip,
        CompositeVideoClip,
        VideoFileClip,
        concatenate_videoclips,
    )

    duration = request.narration.duration_ms / 1000
    sources = [VideoFileClip(clip.path, audio=False) for clip in request.footage.clips]
    background = concatenate_videoclips(sources).subclipped(0, duration)
    voice = AudioFileClip(request.narration.audio_path)
    layers = [background, *_captions(request), *_hook_and_cta(request, duration)]
    video = CompositeVideoClip(layers, size=(request.width, request.height))
    video = video.with_duration(duration).with_audio(voice)
    try:
        video.write_videofile(
            str(request.out_path),
            fps=request.fps,
            codec="libx264",
            preset=request.preset,
            ffmpeg_params=["-crf", str(request.crf), "-movflags", "+faststart"],
            pixel_format="yuv420p",
            audio_codec="aac",
            audio_bitrate=request.audio_bitrate,
            audio_fps=48_000,
            logger=None,
        )
    finally:
        for clip in (video, voice, *sources):
            clip.close()
    return request.out_path


def _captions(request: CompositionRequest) -> list:
    """One TextClip per phrase, the theme's look, shown from its first word to its end."""
    from moviepy import TextClip

    style, frame = request.caption_style, (request.width, request.height)
    look = caption_look(style, request.width)
    font = str(resolve_face(look.font).path)
    width = safe_area(*frame).width
    phrases = group_phrases(
        request.narration.sentences, style.words_per_phrase, request.narration.duration_ms
    )
    clips = []
    for phrase in phrases:
        text = phrase.text.upper() if look.uppercase else phrase.text
        clip = TextClip(
            font=font,
            text=text,
            font_size=look.size,
            color=look.colour,
            stroke_color=look.stroke_colour,
            stroke_width=look.stroke_width,
            method="caption",
            size=(width, None),
            text_align="center",
        )
        box = anchor_box(clip.w, clip.h, style.position, frame)
        start, end = phrase.start_ms / 1000, phrase.end_ms / 1000
        clips.append(clip.with_start(start).with_end(end).with_position((box.x, box.y)))
    return clips


def _hook_and_cta(request: CompositionRequest, duration: float) -> list:
    """The hook over the first seconds and the CTA over the last, on their palette panels."""
    from moviepy import TextClip

    frame = (request.width, request.height)
    look = caption_look(request.caption_style, request.width)
    font = str(resolve_face(look.font).path)
    width = safe_area(*frame).width
    spans = {
        "hook": (request.plan.hook_text, 0.0, min(request.hook_seconds, duration)),
        "cta": (request.plan.cta_text, max(0.0, duration - request.cta_seconds), duration),
    }
    clips = []
    for kind, (text, start, end) in spans.items():
        panel, colour = overlay_colours(kind, request.palette)
        clip = TextClip(
            font=font,
            text=text,
            font_size=round(look.size * 0.8),
            color=colour,
            bg_color=panel,
            method="caption",
            size=(width, None),
            margin=(look.size // 2, look.size // 3),
            text_align="center",
        )
        box = anchor_box(clip.w, clip.h, "top", frame)
        clips.append(clip.with_start(start).with_end(end).with_position((box.x, box.y)))
    return clips
