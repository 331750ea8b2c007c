"""Readable captions on any footage: WCAG contrast between caption colours and what is under them.

Captions sit on a backing box of the stroke colour. The box is translucent, so what shows through
depends on the footage; its opacity is the least that keeps every caption colour (text and
highlight) at `TARGET_CONTRAST` or better over the worst footage colour, whatever the video shows.
A colour pair that cannot reach it (dark text on a dark stroke, a pale highlight on a light box) is
corrected: the box flips to black or white, and the highlight is moved toward the opposite pole.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

MIN_CONTRAST = 4.5  # WCAG AA for text
TARGET_CONTRAST = 5.0  # a margin for H.264 chroma subsampling and antialiased edges
MIN_BOX_ALPHA = 0.55  # lighter boxes look like smudges
BLACK, WHITE = (0, 0, 0), (255, 255, 255)


def rgb(colour: str) -> RGB:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def hex_colour(value: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*value)


def relative_luminance(colour: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(top: RGB, alpha: float, under: RGB) -> RGB:
    """`top` at `alpha` over `under`, as the compositor blends (in sRGB values)."""
    return tuple(round(alpha * t + (1 - alpha) * u) for t, u in zip(top, under, strict=True))  # type: ignore[return-value]


def worst_contrast(colour: RGB, box: RGB, alpha: float, footage: list[RGB]) -> float:
    return min(contrast_ratio(colour, blend(box, alpha, under)) for under in footage)


def _toward(colour: RGB, pole: RGB, share: float) -> RGB:
    return tuple(round(c + (p - c) * share) for c, p in zip(colour, pole, strict=True))  # type: ignore[return-value]


def readable_on(colour: RGB, box: RGB) -> RGB:
    """`colour`, or the least change of it toward black or white that reads on a solid `box`."""
    if contrast_ratio(colour, box) >= TARGET_CONTRAST:
        return colour
    pole = WHITE if relative_luminance(box) < 0.18 else BLACK
    for step in range(1, 21):
        moved = _toward(colour, pole, step / 20)
        if contrast_ratio(moved, box) >= TARGET_CONTRAST:
            return moved
    return pole


@dataclass(frozen=True)
class CaptionColours:
    text: str
    highlight: str
    box: str
    box_alpha: float


def caption_colours(text: str, highlight: str, stroke: str) -> CaptionColours:
    """Text, highlight and box colours, and the box opacity, that read on any footage."""
    text_rgb = rgb(text)
    box = rgb(stroke)
    if contrast_ratio(text_rgb, box) < TARGET_CONTRAST:
        box = max((BLACK, WHITE), key=lambda pole: contrast_ratio(text_rgb, pole))
    text_rgb = readable_on(text_rgb, box)
    highlight_rgb = readable_on(rgb(highlight), box)
    footage = [BLACK, WHITE, text_rgb, highlight_rgb]
    alpha = MIN_BOX_ALPHA
    while alpha < 1.0 and any(
        worst_contrast(c, box, alpha, footage) < TARGET_CONTRAST for c in (text_rgb, highlight_rgb)
    ):
        alpha = round(alpha + 0.05, 2)
    return CaptionColours(hex_colour(text_rgb), hex_colour(highlight_rgb), hex_colour(box), alpha)
