"""Captions stay readable, measured on the rendered frame: WCAG contrast between the caption's
text pixels and the pixels around them, over footage chosen to be as hard as possible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import binary_dilation

from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.schemas import CaptionStyle, Footage
from shortgen_assets.domain.video.composition import CompositionRequest, compose
from shortgen_assets.domain.video.contrast import (
    MIN_CONTRAST,
    caption_colours,
    contrast_ratio,
    relative_luminance,
    rgb,
)
from shortgen_assets.domain.video.phrasing import phrase_chunks
from shortgen_assets_tests.domain.audio.test_soundtrack import speechlike_narration
from shortgen_assets_tests.domain.video.test_composition import make_clip, make_plan

W, H = 270, 480
LIME, OLIVE = "#A3E635", "#6B7A1E"
WORDS = [["Soil", "moisture,", "checked", "every", "hour."], ["Water", "only", "when", "needed."]]


def _luminance(pixels: np.ndarray) -> np.ndarray:
    channels = pixels / 255.0
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def measured_contrast(frame: np.ndarray, box: tuple[int, int, int, int], colour: str) -> float:
    """Contrast of the pixels drawn in `colour` against the ring of pixels around them (2-6 px
    out: the stroke, the backing box or the footage, whatever the viewer sees there)."""
    x, y, w, h = box
    region = frame[y : y + h, x : x + w].astype(float)
    text = np.abs(region - np.array(rgb(colour))).max(axis=2) < 40
    assert text.sum() > 20, f"no {colour} caption pixels in the caption box"
    near = binary_dilation(text, iterations=2)
    ring = binary_dilation(text, iterations=6) & ~near
    text_l = float(np.median(_luminance(region[text])))
    ring_l = float(np.percentile(_luminance(region[ring]), 90 if text_l > 0.18 else 10))
    high, low = max(text_l, ring_l), min(text_l, ring_l)
    return (high + 0.05) / (low + 0.05)


def test_colours_are_corrected_to_read_on_their_box() -> None:
    fixed = caption_colours("#222222", "#333333", "#111111")  # dark on dark
    for colour in (fixed.text, fixed.highlight):
        assert contrast_ratio(rgb(colour), rgb(fixed.box)) >= MIN_CONTRAST
    lime = caption_colours("#FFFFFF", LIME, "#111111")
    assert lime.highlight == LIME and lime.box_alpha < 1.0
    assert relative_luminance(rgb(lime.box)) < 0.05


def test_phrases_break_at_punctuation_and_clauses_before_word_counts() -> None:
    def phrased(text: str) -> list[str]:
        words = text.split()
        return [" ".join(chunk) for chunk in phrase_chunks(words, words, 3)]

    assert phrased("SoilSense checks moisture and temperature every ten minutes.") == [
        "SoilSense checks moisture",
        "and temperature",
        "every ten minutes.",
    ]
    assert phrased("Right now, feeds are full of plants.") == [
        "Right now,",
        "feeds are full",
        "of plants.",
    ]
    assert phrased("One two three four five six seven.") == [
        "One two three",
        "four five",
        "six seven.",
    ]


@pytest.mark.parametrize("footage_colour", [OLIVE, LIME, "#FFFFFF", "#000000"])
def test_caption_text_and_highlight_read_on_hard_footage(
    footage_colour: str, tmp_path: Path
) -> None:
    seconds = 3.0
    clip = make_clip(tmp_path / "bg.mp4", f"color=c=0x{footage_colour[1:]}", seconds, (W, H))
    narration = speechlike_narration(tmp_path / "voice.wav", WORDS, seconds)
    style = CaptionStyle(colour="#FFFFFF", highlight_colour=LIME, stroke_width=2)
    result = compose(
        CompositionRequest(
            footage=Footage(clips=[clip], provider="test"),
            narration=narration,
            plan=make_plan(seconds),
            out_path=tmp_path / "out.mp4",
            caption_style=style,
            width=W,
            height=H,
            preset="ultrafast",
        )
    )
    assert result.caption_box is not None
    look = caption_colours(style.colour, style.highlight_colour, style.stroke_colour)
    checked = 0
    for timing in result.caption_timings:
        for start in timing.word_starts_s[1:2]:  # a moment with the text and a highlighted word
            at = start + 0.1
            out = tmp_path / f"frame-{at:.2f}.png"
            run_ffmpeg(
                ["-ss", f"{at}", "-i", str(result.video_path), "-frames:v", "1", str(out)],
                what="grabbing a test frame",
            )
            with Image.open(out) as image:
                frame = np.asarray(image.convert("RGB"))
            for colour in (look.text, look.highlight):
                ratio = measured_contrast(frame, result.caption_box, colour)
                assert ratio >= MIN_CONTRAST, f"{colour} at {at:.2f} s: {ratio:.2f}:1"
            checked += 1
    assert checked >= 2
