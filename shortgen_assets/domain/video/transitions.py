"""The plan's scene transitions (cut, fade, slide, zoom), drawn inside the one composition encode.

Every scene starts exactly when the footage stage timed it, so captions and overlays, which are
timed on the narration, never move. A transition into a scene blends that scene's first frames
with the previous scene's last frame held for the transition's length, so no clip is shortened and
the joined stream keeps its exact frame count.

The footage is read once, as one stream, and split: the stretches between transitions pass
through untouched (`trim` hands on the decoded frames, no copy), each transition's window is
blended from the held frame and the window's own frames, and `concat` plays them in order. Only
the blended frames cost anything: no clip is decoded twice and nothing is encoded before the one
encode.
"""

from __future__ import annotations

from dataclasses import dataclass

from shortgen_assets.domain.schemas import Clip, Footage, ProductionPlan

TRANSITION_SECONDS = 0.4


@dataclass(frozen=True)
class Blend:
    """A transition of `kind` into the scene whose first frame is `start` (in the joined
    stream), over its first `frames` frames."""

    kind: str
    start: int
    frames: int


def transitions(plan: ProductionPlan, footage: Footage) -> list[str]:
    """The transition into each clip after the first ("cut" where the plan names none)."""
    by_scene = {scene.scene_number: scene.transition for scene in plan.scenes}
    return [by_scene.get(clip.scene_number, "cut") for clip in footage.clips[1:]]


def _frames(clip: Clip, fps: int) -> int:
    return max(1, round(clip.duration_seconds * fps))


def blends(plan: ProductionPlan, footage: Footage, fps: int) -> list[Blend]:
    """The transitions that blend frames: each at most half of either clip it joins."""
    clips, found, start = footage.clips, [], 0
    for i, kind in enumerate(transitions(plan, footage), start=1):
        start += _frames(clips[i - 1], fps)
        frames = min(
            round(TRANSITION_SECONDS * fps),
            _frames(clips[i], fps) // 2,
            _frames(clips[i - 1], fps) // 2,
        )
        if kind != "cut" and frames >= 2:
            found.append(Blend(kind, start, frames))
    return found


def _blend(kind: str, frames: int, fps: int, width: int, held: str, clip: str, out: str) -> str:
    """[held] (the previous scene's last frame) into [clip] (the window's frames) as [out]. A
    fade lays the held frame, its alpha fading out, over the clip; a slide pushes the held frame
    out left with the clip beside it (a moving crop of the two side by side). Both copy and mix
    rows where `xfade` computes every pixel of its fade and slide in floats (half the CPU); the
    zoom, which has no such shortcut, stays xfade's."""
    seconds = frames / fps
    if kind == "fade":
        return (
            f"[{held}]format=yuva420p,fade=t=out:st=0:d={seconds:.6f}:alpha=1[{held}a];"
            f"[{clip}][{held}a]overlay=eof_action=pass:format=yuv420[{out}]"
        )
    if kind == "slide":
        x = f"min({width},{width}*n/{frames})"
        return f"[{held}][{clip}]hstack=shortest=1,crop={width}:ih:x='{x}':y=0[{out}]"
    return f"[{held}][{clip}]xfade=transition=zoomin:duration={seconds:.6f}:offset=0[{out}]"


def transition_filters(
    found: list[Blend], fps: int, width: int, source: str, out: str
) -> list[str]:
    """Filter-graph parts playing [source] (the joined footage at the frame size) as [out] with
    the blends drawn in."""
    if not found:
        return [f"[{source}]null[{out}]"]
    labels = [f"s{i}" for i in range(len(found) + 1)]
    held = [f"h{i}" for i in range(len(found))]
    window = [f"w{i}" for i in range(len(found))]
    parts = [
        f"[{source}]split={3 * len(found) + 1}" + "".join(f"[{x}]" for x in labels + held + window)
    ]
    edges = [0] + [b.start + b.frames for b in found]
    for i, label in enumerate(labels):
        end = f":end_frame={found[i].start}" if i < len(found) else ""
        parts.append(f"[{label}]trim=start_frame={edges[i]}{end},setpts=PTS-STARTPTS[{label}t]")
    segments = [f"{labels[0]}t"]
    for i, b in enumerate(found):
        parts.append(
            f"[{held[i]}]trim=start_frame={b.start - 1}:end_frame={b.start},setpts=PTS-STARTPTS,"
            f"tpad=stop_mode=clone:stop_duration={b.frames / fps:.6f}[{held[i]}t]"
        )
        parts.append(
            f"[{window[i]}]trim=start_frame={b.start}:end_frame={b.start + b.frames},"
            f"setpts=PTS-STARTPTS[{window[i]}t]"
        )
        blended = f"b{i}"
        parts.append(_blend(b.kind, b.frames, fps, width, f"{held[i]}t", f"{window[i]}t", blended))
        parts.append(f"[{blended}]trim=end_frame={b.frames},setpts=PTS-STARTPTS[{blended}t]")
        segments += [f"{blended}t", f"{labels[i + 1]}t"]
    inputs = "".join(f"[{s}]" for s in segments)
    parts.append(f"{inputs}concat=n={len(segments)}:v=1:a=0[{out}]")
    return parts
