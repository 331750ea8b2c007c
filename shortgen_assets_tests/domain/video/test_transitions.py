"""Transitions: rendered in the one encode, scenes start when they were timed, length unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from shortgen_assets.domain.media import probe
from shortgen_assets.domain.schemas import Footage, Scene
from shortgen_assets.domain.video.composition import CompositionRequest, compose
from shortgen_assets_tests.domain.audio.test_soundtrack import speechlike_narration
from shortgen_assets_tests.domain.video.test_composition import grab, make_clip, make_plan

W, H = 144, 256
RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


def _centre(image: Image.Image) -> tuple[int, int, int]:
    """A point clear of the hook, the CTA and the captions."""
    return image.getpixel((image.width // 2, round(image.height * 0.35)))  # type: ignore[return-value]


def _near(colour: tuple[int, int, int], ref: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(colour, ref, strict=True))


@pytest.mark.parametrize("kind", ["fade", "slide", "zoom"])
def test_transition_blends_at_the_scene_start_and_keeps_every_time(
    kind: str, tmp_path: Path
) -> None:
    clips = []
    for number, colour in enumerate((RED, GREEN, BLUE), start=1):
        source = "color=c=0x{:02X}{:02X}{:02X}".format(*colour)
        clip = make_clip(tmp_path / f"c{number}.mp4", source, 1.0, (W, H))
        clips.append(clip.model_copy(update={"scene_number": number}))
    scenes = [
        Scene(scene_number=n, duration_seconds=1.0, visual_prompt="x", transition=t)
        for n, t in ((1, "cut"), (2, kind), (3, "cut"))
    ]
    plan = make_plan(3.0).model_copy(update={"scenes": scenes, "text_overlays": []})
    narration = speechlike_narration(tmp_path / "voice.wav", [["One", "two", "three."]], 3.0)
    request = CompositionRequest(
        footage=Footage(clips=clips, provider="test"),
        narration=narration,
        plan=plan,
        out_path=tmp_path / "out.mp4",
        width=W,
        height=H,
        preset="ultrafast",
    )
    result = compose(request)
    assert abs(probe(result.video_path).duration - 3.0) <= 0.05

    def at(seconds: float) -> tuple[int, int, int]:
        return _centre(grab(result.video_path, seconds, tmp_path / f"{seconds}.png"))

    assert _near(at(0.9), RED)  # scene 1 plays whole; the transition starts at scene 2's time
    middle = at(1.2)  # half way through the 0.4 s transition: neither clip alone
    assert not _near(middle, RED) or not _near(middle, GREEN)
    assert _near(at(1.5), GREEN)
    assert _near(at(1.95), GREEN) and _near(at(2.05), BLUE)  # the cut into scene 3 is on time
