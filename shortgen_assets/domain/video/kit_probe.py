"""Probing a rendered video for the brand kit: is each kit scene really on screen, and the end card?

The footage stage says which clips show the kit; this checks the output itself. A frame of the
video in the middle of each kit scene is compared with the frame of the kit clip composed there
(both shrunk to a small grey thumbnail, so captions and overlays move the score only a little),
and two frames of the final two seconds are compared with the end card.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.schemas import Clip, Footage
from shortgen_assets.domain.scratch import scratch_dir

KIT_PROVIDER = "brand-kit"
THUMB = (24, 42)
MAX_DIFFERENCE = 28.0  # mean absolute grey difference (0-255) for "the same picture"
END_CARD_WINDOW = 2.0


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


def _starts(clips: list[Clip]) -> list[float]:
    starts, at = [], 0.0
    for clip in clips:
        starts.append(at)
        at += clip.duration_seconds
    return starts


def kit_on_screen(video: Path, footage: Footage, duration: float) -> KitOnScreen:
    """What share of `video` shows its kit clips, and whether it ends on the end card."""
    clips, shown, missing = footage.clips, 0.0, []
    with scratch_dir("kitprobe") as work:
        for clip, start in zip(clips, _starts(clips), strict=True):
            if clip.provider != KIT_PROVIDER or start >= duration:
                continue
            offset = clip.duration_seconds * 0.6  # past any transition into the scene
            seen = _thumb(str(video), start + offset, work / "v.png")
            if _same(seen, _thumb(clip.path, offset, work / "c.png")):
                shown += min(clip.duration_seconds, duration - start)
            else:
                missing.append(clip.scene_number)
        last = clips[-1]
        end_card = last.provider == KIT_PROVIDER and last.scene_number not in missing
        if end_card:
            card = _thumb(last.path, last.duration_seconds / 2, work / "e.png")
            for before_end in (END_CARD_WINDOW - 0.05, 0.1):
                end_card &= _same(_thumb(str(video), duration - before_end, work / "v.png"), card)
    return KitOnScreen(
        share=shown / duration if duration else 0.0,
        end_card_seconds=END_CARD_WINDOW if end_card else 0.0,
        missing=missing,
    )
