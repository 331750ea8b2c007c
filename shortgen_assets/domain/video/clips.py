"""Scene timing and clip fitting: every provider's clips end up the same length, size and codec.

The plan's scene durations are scaled so the chained clips cover the narration exactly to the
frame (never short of it), and each source video is looped or cut to its scene, scaled to cover
the frame and centre-cropped, then encoded as a fast intermediate that composition re-encodes.
"""

from __future__ import annotations

import math
from pathlib import Path

from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.schemas import ProductionPlan
from shortgen_assets.domain.scratch import atomic_output

# The clips are intermediates: composition decodes and re-encodes them once. x264's ultrafast
# preset is the cheapest H.264 encode (no CABAC, no B-frames), and CRF 17 keeps the soft
# backgrounds visually lossless through that second generation at the cost of bigger files.
INTERMEDIATE_PRESET = "ultrafast"
INTERMEDIATE_CRF = 17


def h264_args(fps: int, threads: int = 0) -> list[str]:
    """Output arguments for an intermediate clip: H.264 yuv420p at `fps`, no audio."""
    args = ["-an", "-c:v", "libx264", "-preset", INTERMEDIATE_PRESET, "-crf"]
    args += [str(INTERMEDIATE_CRF), "-pix_fmt", "yuv420p", "-r", str(fps), "-g", str(fps * 2)]
    if threads:
        args += ["-threads", str(threads)]
    return args


def scene_frames(plan: ProductionPlan, narration_seconds: float, fps: int) -> list[int]:
    """Frames per scene: planned durations scaled to cover max(narration, plan) exactly.

    The total is the narration (or the plan, when longer) rounded up to a whole frame; it is
    shared out in proportion to the planned durations by largest remainder, each scene at least
    one frame, so the chained clips never end before the voice does.
    """
    planned = [scene.duration_seconds for scene in plan.scenes]
    cover_seconds = max(narration_seconds, sum(planned))
    total = max(len(planned), math.ceil(cover_seconds * fps - 1e-6))
    exact = [d / sum(planned) * total for d in planned]
    frames = [max(1, math.floor(x)) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - math.floor(exact[i]))
    while sum(frames) < total:
        frames[by_remainder.pop()] += 1
        by_remainder = by_remainder or sorted(range(len(exact)), key=lambda i: -frames[i])
    while sum(frames) > total:
        frames[max(range(len(frames)), key=lambda i: frames[i])] -= 1
    return frames


def fit_clip(
    source: Path,
    out: Path,
    *,
    frames: int,
    width: int,
    height: int,
    fps: int,
    threads: int = 0,
) -> Path:
    """Loop or cut `source` to exactly `frames` frames, cover-scale and centre-crop to the frame."""
    video_filter = (
        f"fps={fps},scale={width}:{height}:force_original_aspect_ratio=increase:flags=bicubic,"
        f"crop={width}:{height},setsar=1,format=yuv420p"
    )
    with atomic_output(out) as tmp:
        args = ["-stream_loop", "-1", "-i", str(source), "-map", "0:v:0", "-vf", video_filter]
        args += ["-frames:v", str(frames), *h264_args(fps, threads), str(tmp)]
        run_ffmpeg(args, what=f"fitting {source.name} to {width}x{height} for {out.name}")
    return out
