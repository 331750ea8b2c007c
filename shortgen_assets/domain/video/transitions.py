"""The plan's scene transitions (cut, fade, slide, zoom), joined before the one composition encode.

Every scene starts exactly when the footage stage timed it, so captions and overlays, which are
timed on the narration, never move. A transition into scene i+1 blends the first frames of that
clip with scene i's last frame held for the transition's length, so no clip is shortened and the
joined stream keeps its exact frame count.

Only those first frames change, so only they are rendered again: a short "head" clip (the blend,
then the clip's frames up to its first keyframe after the blend) encoded as a fast intermediate;
the rest of the clip is read from that keyframe on by the concat demuxer (`inpoint`). The final
encode then reads one concat input, exactly as without transitions, instead of one decoder per
clip and an `xfade` chain over the whole video.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shortgen_assets.domain.media import ffprobe_exe, run_ffmpeg
from shortgen_assets.domain.schemas import Clip, Footage, ProductionPlan
from shortgen_assets.domain.scratch import atomic_output
from shortgen_assets.domain.video.clips import TRANSITION_SECONDS, h264_args

HELD_TAIL_SECONDS = 0.5  # how much of the previous clip is decoded to find its last frame


@dataclass(frozen=True)
class ConcatEntry:
    """One file of the concat demuxer's script, read from `inpoint` seconds on."""

    path: str
    inpoint: float = 0.0


def transitions(plan: ProductionPlan, footage: Footage) -> list[str]:
    """The transition into each clip after the first ("cut" where the plan names none)."""
    by_scene = {scene.scene_number: scene.transition for scene in plan.scenes}
    return [by_scene.get(clip.scene_number, "cut") for clip in footage.clips[1:]]


def _frames(clip: Clip, fps: int) -> int:
    return max(1, round(clip.duration_seconds * fps))


def first_keyframe_after(path: str, frame: int, fps: int) -> int | None:
    """The index of the clip's first keyframe at or after `frame` (None: none in the clip)."""
    args = [ffprobe_exe(), "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey"]
    args += ["-show_entries", "frame=pts_time", "-of", "csv=p=0", path]
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    times = [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?", out)]
    if not times:
        return None
    indices = [round((t - times[0]) * fps) for t in times]
    return next((i for i in indices if i >= frame), None)


def _blend(kind: str, seconds: float, blend: int, width: int) -> str:
    """[held] (the previous clip's last frame) into [c] (the clip) as [out]. A fade lays the
    held frame, its alpha fading out, over the clip; a slide pushes the held frame out left
    with the clip beside it (a moving crop of the two side by side). Both copy and mix rows
    where `xfade` computes every pixel of its fade and slide in floats (half the CPU); the
    zoom, which has no such shortcut, stays xfade's."""
    if kind == "fade":
        return (
            f"[held]format=yuva420p,fade=t=out:st=0:d={seconds:.6f}:alpha=1[h];"
            "[c][h]overlay=eof_action=pass:format=yuv420[out]"
        )
    if kind == "slide":
        x = f"min({width},{width}*n/{blend})"
        return f"[held][c]hstack=shortest=1,crop={width}:ih:x='{x}':y=0[out]"
    return f"[held][c]xfade=transition=zoomin:duration={seconds:.6f}:offset=0[out]"


def render_head(
    previous: Clip, clip: Clip, kind: str, blend: int, frames: int, fps: int, out: Path
) -> Path:
    """The first `frames` frames of `clip`, the first `blend` of them blended from the held last
    frame of `previous`, at `clip`'s size."""
    seconds = blend / fps
    held_seconds = frames / fps if kind == "slide" else seconds  # side by side to the end
    size = f"{clip.width}:{clip.height}"
    graph = (
        f"[0:v]reverse,trim=end_frame=1,scale={size},setsar=1,format=yuv420p,fps={fps},"
        f"setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration={held_seconds:.6f}[held];"
        f"[1:v]fps={fps},trim=end_frame={frames},setpts=PTS-STARTPTS,setsar=1,format=yuv420p[c];"
        f"{_blend(kind, seconds, blend, clip.width)}"
    )
    with atomic_output(out) as tmp:
        args = ["-sseof", f"-{HELD_TAIL_SECONDS}", "-i", previous.path, "-i", clip.path]
        args += ["-filter_complex", graph, "-map", "[out]", "-frames:v", str(frames)]
        run_ffmpeg([*args, *h264_args(fps), str(tmp)], what=f"joining {Path(clip.path).name}")
    return out


def joined_footage(
    plan: ProductionPlan, footage: Footage, fps: int, work: Path
) -> list[ConcatEntry]:
    """The concat script's entries playing the footage with the plan's transitions."""
    clips = footage.clips
    entries = [ConcatEntry(clips[0].path)] if clips else []
    for i, kind in enumerate(transitions(plan, footage), start=1):
        previous, clip = clips[i - 1], clips[i]
        blend = min(round(TRANSITION_SECONDS * fps), _frames(clip, fps) // 2)
        blend = min(blend, _frames(previous, fps) // 2)
        if kind == "cut" or blend < 2:
            entries.append(ConcatEntry(clip.path))
            continue
        keyframe = first_keyframe_after(clip.path, blend, fps)
        whole = keyframe is None or keyframe >= _frames(clip, fps)
        head_frames = _frames(clip, fps) if whole else keyframe
        head = render_head(
            previous, clip, kind, blend, head_frames, fps, work / f"transition_{i}.mp4"
        )
        entries.append(ConcatEntry(str(head)))
        if not whole:
            entries.append(ConcatEntry(clip.path, inpoint=keyframe / fps))
    return entries
