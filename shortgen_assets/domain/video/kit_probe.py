"""Probing a rendered video for the brand kit: is each kit scene really on screen, and the end card?

The footage stage says which clips show the kit; this checks the output itself. A frame of the
video in the middle of each kit scene is compared with the frame of the kit clip composed there
(both shrunk to a small grey thumbnail, so captions and overlays move the score only a little),
and two frames of the final two seconds are compared with the end card. The output's frames come
from the one decode that also looks for black (media.survey_video): kit_sample_times says which.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from shortgen_assets.domain.media import ffprobe_exe, run_ffmpeg
from shortgen_assets.domain.schemas import Clip, Footage
from shortgen_assets.domain.scratch import scratch_dir

KIT_PROVIDER = "brand-kit"
THUMB = (24, 42)
MAX_DIFFERENCE = 28.0  # mean absolute grey difference (0-255) for "the same picture"
END_CARD_WINDOW = 2.0
END_CARD_SAMPLES = (END_CARD_WINDOW - 0.05, 0.1)  # seconds before the end
SCENE_POINT = 0.6  # about how far into a kit scene to look: past any transition into it


@dataclass(frozen=True)
class KitOnScreen:
    share: float  # of the video's duration, kit scenes seen in the output
    end_card_seconds: float  # how much of the final two seconds showed the end card (0 or 2)
    missing: list[int]  # scene numbers of kit scenes not found in the output


def _thumb(video: str, at: float, out: Path) -> Image.Image:
    args = ["-ss", f"{max(0.0, at):.3f}", "-i", video, "-frames:v", "1", "-update", "1"]
    run_ffmpeg([*args, "-vf", f"scale={THUMB[0]}:{THUMB[1]}", str(out)], what=f"probing {video}")
    with Image.open(out) as image:
        return image.convert("L")


def _same(a: Image.Image, b: Image.Image) -> bool:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0] <= MAX_DIFFERENCE


@cache
def _keyframes(path: str) -> tuple[float, ...]:
    """The clip's keyframe times (ffprobe reads only those)."""
    args = [ffprobe_exe(), "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey"]
    args += ["-show_entries", "frame=pts_time", "-of", "csv=p=0", path]
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    return tuple(float(t) for t in re.findall(r"\d+(?:\.\d+)?", out))


def _look_at(clip: Clip) -> float:
    """Where in a kit clip to compare it with the output: the keyframe nearest SCENE_POINT of
    the way in (a seek to a keyframe decodes one frame, anywhere else up to a GOP of them), as
    long as it is clear of the scene's first and last fifth."""
    length, wanted = clip.duration_seconds, clip.duration_seconds * SCENE_POINT
    usable = [t for t in _keyframes(clip.path) if 0.2 * length <= t <= 0.8 * length]
    return min(usable, key=lambda t: abs(t - wanted)) if usable else wanted


def _kit_scenes(footage: Footage, duration: float) -> list[tuple[Clip, float, float]]:
    """Each kit clip that starts within the video, with the time it starts at and the offset
    into it that is compared."""
    scenes, at = [], 0.0
    for clip in footage.clips:
        if clip.provider == KIT_PROVIDER and at < duration:
            scenes.append((clip, at, _look_at(clip)))
        at += clip.duration_seconds
    return scenes


def _ends_on_kit(footage: Footage) -> bool:
    return bool(footage.clips) and footage.clips[-1].provider == KIT_PROVIDER


def kit_sample_times(footage: Footage, duration: float) -> list[float]:
    """The times of the output that kit_on_screen needs a frame of, in its order."""
    times = [at + offset for _, at, offset in _kit_scenes(footage, duration)]
    if _ends_on_kit(footage):
        times += [duration - before_end for before_end in END_CARD_SAMPLES]
    return times


def kit_on_screen(
    footage: Footage, duration: float, frames: Mapping[float, Image.Image]
) -> KitOnScreen:
    """What share of the output shows its kit clips, and whether it ends on the end card.

    `frames` are the output's thumbnails at kit_sample_times(footage, duration); the kit clips'
    own frames are cheap to seek (short intermediates), so they are taken here.
    """
    shown, missing = 0.0, []
    with scratch_dir("kitprobe") as work:
        for clip, start, offset in _kit_scenes(footage, duration):
            if _same(frames[start + offset], _thumb(clip.path, offset, work / "c.png")):
                shown += min(clip.duration_seconds, duration - start)
            else:
                missing.append(clip.scene_number)
        end_card = False
        if _ends_on_kit(footage) and (last := footage.clips[-1]).scene_number not in missing:
            card = _thumb(last.path, _look_at(last), work / "e.png")
            end_card = all(_same(frames[duration - b], card) for b in END_CARD_SAMPLES)
    return KitOnScreen(
        share=shown / duration if duration else 0.0,
        end_card_seconds=END_CARD_WINDOW if end_card else 0.0,
        missing=missing,
    )
