from __future__ import annotations

import pytest
from PIL import Image

from shortgen_assets.domain.schemas import CaptionStyle, Palette, SentenceTiming, WordTiming
from shortgen_assets.domain.video.captions import (
    Box,
    anchor_box,
    caption_look,
    draw_block,
    group_phrases,
    layout_text,
    render_overlay,
    safe_area,
)


def sentence(words: list[tuple[str, int, int]]) -> SentenceTiming:
    timed = [WordTiming(text=t, start_ms=a, end_ms=b) for t, a, b in words]
    return SentenceTiming(
        text=" ".join(t for t, _, _ in words),
        start_ms=words[0][1],
        end_ms=words[-1][2],
        words=timed,
    )


FIRST = sentence(
    [
        ("One", 100, 300),
        ("two", 320, 500),
        ("three", 520, 800),
        ("four", 820, 1000),
        ("five", 1020, 1200),
        ("six", 1220, 1400),
        ("seven.", 1420, 1700),
    ]
)
SECOND = sentence([("Eight", 2600, 2900), ("nine.", 2920, 3300)])


def test_phrases_follow_word_timings_and_never_span_sentences() -> None:
    phrases = group_phrases([FIRST, SECOND], words_per_phrase=3, duration_ms=3500)
    assert [p.text for p in phrases] == ["One two three", "four five", "six seven.", "Eight nine."]
    assert [p.start_ms for p in phrases] == [100, 820, 1220, 2600]
    assert phrases[0].end_ms == 820  # runs into the next phrase: no flicker
    assert phrases[2].end_ms == 1700 + 400  # held briefly over the pause, not until 2600
    assert phrases[3].end_ms == 3500  # capped at the narration's end


def test_one_word_per_phrase_is_allowed() -> None:
    phrases = group_phrases([SECOND], words_per_phrase=1, duration_ms=4000)
    assert [p.text for p in phrases] == ["Eight", "nine."]


def test_safe_area_keeps_platform_ui_zones_clear() -> None:
    safe = safe_area(1080, 1920)
    assert safe.y == 288 and safe.bottom == 1536  # top 15%, bottom 20%
    assert safe.x > 0 and safe.right < 1080


@pytest.mark.parametrize("frame", [(1080, 1920), (720, 1280), (1080, 1080)])
@pytest.mark.parametrize("position", ["top", "center", "bottom"])
def test_caption_blocks_stay_inside_the_safe_area(frame: tuple[int, int], position: str) -> None:
    look = caption_look(CaptionStyle(size=110), frame[0])
    safe = safe_area(*frame)
    text = "An unusually long caption that has to wrap over several lines to fit"
    block = layout_text(text, look, safe.width)
    box = anchor_box(block.width, block.height, position, frame)
    assert safe.contains(box), (box, safe)
    assert block.width <= safe.width


def test_caption_size_scales_with_frame_width() -> None:
    style = CaptionStyle(size=72, stroke_width=6)
    assert caption_look(style, 1080).size == 72
    small = caption_look(style, 540)
    assert (small.size, small.stroke_width) == (36, 3)


def test_a_word_wider_than_the_frame_shrinks_the_font() -> None:
    look = caption_look(CaptionStyle(size=120), 1080)
    block = layout_text("Supercalifragilisticexpialidocious", look, 600)
    assert block.width <= 600
    assert block.look.size < 120


def test_uppercase_style_is_applied() -> None:
    look = caption_look(CaptionStyle(uppercase=True), 1080)
    assert [w.text for w in layout_text("make it loud", look, 900).words] == ["MAKE", "IT", "LOUD"]


def test_active_word_is_drawn_in_the_highlight_colour() -> None:
    style = CaptionStyle(colour="#FFFFFF", highlight_colour="#FF0000", stroke_width=0)
    look = caption_look(style, 1080)
    block = layout_text("red word here", look, 900)

    def reds(active: int | None) -> int:
        canvas = Image.new("RGBA", (block.width, block.height), (0, 0, 0, 0))
        draw_block(canvas, block, (0, 0), active)
        return sum(1 for r, g, b, a in canvas.getdata() if a > 200 and r > 200 and g < 60)

    assert reds(None) == 0
    assert reds(0) > 100


def test_overlay_is_a_cropped_panel_in_the_palette_colour() -> None:
    palette = Palette(primary="#112233")
    look = caption_look(CaptionStyle(), 1080)
    image = render_overlay("Stop scrolling! 🔥", "hook", look, palette, 900)
    assert image.mode == "RGBA"
    assert image.width <= 900 and image.height < 400
    corner_inside = image.getpixel((image.width // 2, 3))
    assert corner_inside[:3] == (0x11, 0x22, 0x33) and corner_inside[3] > 200


def test_box_union_and_containment() -> None:
    a, b = Box(0, 0, 10, 10), Box(5, 20, 10, 10)
    assert a.union(b) == Box(0, 0, 15, 30)
    assert a.union(b).contains(a) and not a.contains(b)
