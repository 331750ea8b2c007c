"""The plan's scene transitions (cut, fade, slide, zoom) as part of the one composition graph.

Every scene starts exactly when the footage stage timed it, so captions and overlays, which are
timed on the narration, never move. A transition into scene i+1 blends the first frames of that
clip with scene i's last frame held for the transition's length (`tpad` clone + `xfade` at the
scene's own start), so no clip is shortened and the joined stream keeps its exact frame count.
"""

from __future__ import annotations

from shortgen_assets.domain.schemas import Footage, ProductionPlan

XFADE = {"fade": "fade", "slide": "slideleft", "zoom": "zoomin"}
TRANSITION_SECONDS = 0.4


def transitions(plan: ProductionPlan, footage: Footage) -> list[str]:
    """The transition into each clip after the first ("cut" where the plan names none)."""
    by_scene = {scene.scene_number: scene.transition for scene in plan.scenes}
    return [by_scene.get(clip.scene_number, "cut") for clip in footage.clips[1:]]


def has_transitions(plan: ProductionPlan, footage: Footage) -> bool:
    return any(kind != "cut" for kind in transitions(plan, footage))


def joined_footage(plan: ProductionPlan, footage: Footage, fps: int, prepare: str) -> list[str]:
    """Filter lines joining inputs 0..n-1 (one per clip) into [joined]; `prepare` (ending in a
    comma, or empty) fits each clip to the frame first."""
    clips = footage.clips
    frames = [max(1, round(clip.duration_seconds * fps)) for clip in clips]
    parts = [f"[{i}:v]{prepare}setpts=PTS-STARTPTS[c{i}]" for i in range(len(clips))]
    label, elapsed = "c0", frames[0]
    for i, kind in enumerate(transitions(plan, footage), start=1):
        blend = min(round(TRANSITION_SECONDS * fps), frames[i] // 2, frames[i - 1] // 2)
        if kind == "cut" or blend < 2:
            parts.append(f"[{label}][c{i}]concat=n=2:v=1:a=0[j{i}]")
        else:
            seconds = blend / fps
            parts.append(f"[{label}]tpad=stop_mode=clone:stop_duration={seconds:.6f}[p{i}]")
            parts.append(
                f"[p{i}][c{i}]xfade=transition={XFADE[kind]}:duration={seconds:.6f}:"
                f"offset={elapsed / fps:.6f}[j{i}]"
            )
        label, elapsed = f"j{i}", elapsed + frames[i]
    parts.append(f"[{label}]null[joined]")
    return parts
