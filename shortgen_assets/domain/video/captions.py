"""Caption phrases cut from the narration's word timings, laid out inside platform safe zones.

Everything here is measured in frame pixels. Text is drawn once per phrase state with Pillow (see
fonts.TextShaper for the per-character font fallback); composition.py turns the drawings into one
ffmpeg overlay track, so no Python runs per video frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw

from shortgen_assets.domain.fonts import TextShaper, is_rtl, resolve_face
from shortgen_assets.domain.schemas import CaptionStyle, Palette, SentenceTiming, WordTiming
from shortgen_assets.domain.video.contrast import caption_colours, rgb
from shortgen_assets.domain.video.phrasing import phrase_chunks

SAFE_TOP = 0.15  # the platform's title, search and tabs
SAFE_BOTTOM = 0.20  # description, sound and the progress bar
SAFE_SIDE = 0.08  # like, comment and share buttons on the right; kept symmetric
EDGE_MARGIN = 0.015  # breathing room between text and a safe-zone edge
MAX_LINES = 3
MIN_SCALE = 0.4


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


def safe_area(width: int, height: int) -> Box:
    """The part of the frame no platform UI covers."""
    left, top = round(width * SAFE_SIDE), round(height * SAFE_TOP)
    return Box(left, top, width - 2 * left, round(height * (1 - SAFE_BOTTOM)) - top)


# --- phrases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """A few consecutive words shown together, from the first word's start to `end_ms`."""

    words: tuple[WordTiming, ...]
    end_ms: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def start_ms(self) -> int:
        return self.words[0].start_ms


def group_phrases(
    sentences: Sequence[SentenceTiming],
    words_per_phrase: int,
    duration_ms: int,
    hold_ms: int = 400,
) -> list[Phrase]:
    """Phrases of at most `words_per_phrase` words that never span two sentences, broken at
    punctuation and clause boundaries before word counts (see `phrasing`).

    A phrase stays up until the next one starts, or `hold_ms` after its last word when a pause
    follows, so captions neither flicker between close phrases nor linger over silence.
    """
    chunks = [
        tuple(chunk)
        for sentence in sentences
        if sentence.words
        for chunk in phrase_chunks(
            sentence.words, [w.text for w in sentence.words], words_per_phrase
        )
    ]
    phrases = []
    for index, chunk in enumerate(chunks):
        end = min(chunk[-1].end_ms + hold_ms, duration_ms)
        if index + 1 < len(chunks):
            end = min(end, chunks[index + 1][0].start_ms)
        phrases.append(Phrase(chunk, max(end, chunk[-1].end_ms, chunk[0].start_ms + 1)))
    return phrases


# --- text look and layout --------------------------------------------------------------------


@dataclass(frozen=True)
class TextLook:
    """A caption style resolved to pixels for one frame width."""

    font: str
    size: int
    colour: str
    stroke_colour: str
    stroke_width: int
    highlight_colour: str
    uppercase: bool
    box_colour: str | None = None  # a backing box behind the words, for contrast on any footage
    box_alpha: float = 0.0

    def scaled(self, factor: float) -> TextLook:
        return replace(
            self,
            size=max(8, round(self.size * factor)),
            stroke_width=max(0, round(self.stroke_width * factor)),
        )


def caption_look(style: CaptionStyle, frame_width: int) -> TextLook:
    """The theme's caption style at this frame width (sizes are given for 1080 px), with colours
    and a backing box that keep text and highlight readable on any footage (see `contrast`)."""
    scale = frame_width / 1080
    colours = caption_colours(style.colour, style.highlight_colour, style.stroke_colour)
    return TextLook(
        style.font,
        max(8, round(style.size * scale)),
        colours.text,
        colours.box,
        round(style.stroke_width * scale),
        colours.highlight,
        style.uppercase,
        box_colour=colours.box,
        box_alpha=colours.box_alpha,
    )


@dataclass(frozen=True)
class PlacedWord:
    text: str
    left: float
    baseline: float


@dataclass(frozen=True)
class TextBlock:
    """Wrapped, centred words with their positions inside a block of width x height."""

    words: tuple[PlacedWord, ...]
    width: int
    height: int
    look: TextLook
    shaper: TextShaper


def _wrap(words: list[str], shaper: TextShaper, max_width: float) -> list[list[str]]:
    space = shaper.width(" ")
    lines: list[list[str]] = [[]]
    width = 0.0
    for word in words:
        word_width = shaper.width(word)
        if lines[-1] and width + space + word_width > max_width:
            lines.append([])
            width = 0.0
        width += (space if lines[-1] else 0.0) + word_width
        lines[-1].append(word)
    return lines


def layout_text(text: str, look: TextLook, max_width: int) -> TextBlock:
    """Wrap `text` to `max_width`, shrinking the font until every line fits (always) and there
    are at most MAX_LINES lines (down to MIN_SCALE)."""
    words = (text.upper() if look.uppercase else text).split()
    scale = 1.0
    while True:
        current = look.scaled(scale)
        shaper = TextShaper(resolve_face(current.font), current.size)
        pad = current.stroke_width + math.ceil(current.size * 0.12)
        available = max_width - 2 * pad
        lines = _wrap(words, shaper, available)
        widths = [shaper.width(" ".join(line)) for line in lines]
        too_wide = max(widths) > available
        settled = len(lines) <= MAX_LINES or scale <= MIN_SCALE
        if current.size <= 8 or (not too_wide and settled):
            break
        scale *= min(0.95, available / max(widths)) if too_wide else 0.9
        scale = scale if too_wide else max(MIN_SCALE, scale)
    return _place_lines(lines, widths, shaper, current, pad)


def _place_lines(
    lines: list[list[str]], widths: list[float], shaper: TextShaper, look: TextLook, pad: int
) -> TextBlock:
    line_height = (shaper.ascent + shaper.descent) * 1.08
    width = math.ceil(max(widths)) + 2 * pad
    height = math.ceil(line_height * len(lines)) + 2 * pad
    space = shaper.width(" ")
    placed: list[PlacedWord] = []
    for index, (line, line_width) in enumerate(zip(lines, widths, strict=True)):
        baseline = pad + index * line_height + shaper.ascent
        rtl = is_rtl(" ".join(line))
        x = (width - line_width) / 2
        visual = []
        for word in line[::-1] if rtl else line:
            visual.append(PlacedWord(word, x, baseline))
            x += shaper.width(word) + space
        placed += visual[::-1] if rtl else visual  # stored in reading order for highlights
    return TextBlock(tuple(placed), width, height, look, shaper)


def draw_block(
    canvas: Image.Image,
    block: TextBlock,
    origin: tuple[int, int],
    active_word: int | None = None,
) -> None:
    """Draw the block at `origin`: its backing box, every stroke, then fills, so strokes never
    cover text."""
    draw_backing(canvas, block, origin)
    draw_fills(canvas, block, origin, active_word)


def draw_backing(canvas: Image.Image, block: TextBlock, origin: tuple[int, int]) -> None:
    """The block's backing box and every word's stroke: the same in each highlight state, so a
    caption track draws it once per phrase and copies it."""
    draw = ImageDraw.Draw(canvas)
    look, (ox, oy) = block.look, origin
    if look.box_colour:
        fill = (*rgb(look.box_colour), round(255 * look.box_alpha))
        corners = (ox, oy, ox + block.width - 1, oy + block.height - 1)
        draw.rounded_rectangle(corners, round(look.size * 0.25), fill=fill)
    if look.stroke_width:
        for word in block.words:
            xy = (ox + word.left, oy + word.baseline)
            block.shaper.draw(
                draw, *xy, word.text, look.stroke_colour, look.stroke_width, look.stroke_colour
            )


def draw_fills(
    canvas: Image.Image,
    block: TextBlock,
    origin: tuple[int, int],
    active_word: int | None = None,
) -> None:
    """Every word's fill over the backing, the active one in the highlight colour."""
    draw = ImageDraw.Draw(canvas)
    look, (ox, oy) = block.look, origin
    for index, word in enumerate(block.words):
        colour = look.highlight_colour if index == active_word else look.colour
        block.shaper.draw(draw, ox + word.left, oy + word.baseline, word.text, colour)


def anchor_box(width: int, height: int, position: str, frame: tuple[int, int]) -> Box:
    """Where a block of this size goes for a top/center/bottom position, inside the safe area."""
    safe = safe_area(*frame)
    margin = round(frame[1] * EDGE_MARGIN)
    x = (frame[0] - width) // 2
    if position == "top":
        y = safe.y + margin
    elif position == "bottom":
        y = safe.bottom - margin - height
    else:
        y = (frame[1] - height) // 2
    return Box(x, max(safe.y, min(y, safe.bottom - height)), width, height)


# --- overlays --------------------------------------------------------------------------------

OVERLAY_SCALE = {"hook": 1.0, "cta": 0.9, "callout": 0.8}


def overlay_colours(kind: str, palette: Palette) -> tuple[str, str]:
    """(panel, text) colours of an overlay kind, from the theme palette."""
    panel = {"hook": palette.primary, "cta": palette.accent, "callout": palette.secondary}[kind]
    return panel, palette.text


def render_overlay(
    text: str, kind: str, look: TextLook, palette: Palette, max_width: int
) -> Image.Image:
    """A hook, CTA or callout: the text on a rounded translucent panel, cropped to the panel."""
    panel_colour, text_colour = overlay_colours(kind, palette)
    text_look = TextLook(
        look.font,
        round(look.size * OVERLAY_SCALE[kind]),
        text_colour,
        look.stroke_colour,
        max(0, look.stroke_width // 2),
        look.highlight_colour,
        look.uppercase,
    )
    block = layout_text(text, text_look, max_width - 2 * round(look.size * 0.3))
    margin = round(block.look.size * 0.3)
    image = Image.new("RGBA", (block.width + 2 * margin, block.height + 2 * margin), (0, 0, 0, 0))
    red, green, blue = (int(panel_colour[i : i + 2], 16) for i in (1, 3, 5))
    radius = round(block.look.size * 0.35)
    ImageDraw.Draw(image).rounded_rectangle(
        (0, 0, image.width - 1, image.height - 1), radius, fill=(red, green, blue, 224)
    )
    draw_block(image, block, (margin, margin))
    return image
