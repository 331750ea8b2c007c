from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from shortgen_assets.domain.fonts import (
    FontNotFoundError,
    TextShaper,
    covers,
    is_rtl,
    missing_characters,
    resolve_face,
)

NOTDEF = "\U0010fffd"
MIXED = "Hi 🔥 你好 こんにちは 안녕 שלום مرحبا ✓"


def _is_notdef(font, char: str) -> bool:
    glyph, box = font.getmask(char), font.getmask(NOTDEF)
    return (glyph.size, bytes(glyph)) == (box.size, bytes(box))


def _ink(text: str, shaper: TextShaper) -> int:
    image = Image.new("L", (1400, 200), 0)
    shaper.draw(ImageDraw.Draw(image), 10, 140, text, 255)
    return sum(1 for value in image.getdata() if value > 128)


def test_theme_font_names_resolve_to_bundled_files() -> None:
    bold = resolve_face("Montserrat-ExtraBold")
    assert bold.path.name == "Montserrat[wght].ttf" and bold.path.is_file()
    assert bold.weight == 800
    italic = resolve_face("NotoSans-Bold-Italic")
    assert italic.path.name == "NotoSans-Italic[wght].ttf" and italic.weight == 700
    assert resolve_face("Montserrat").weight == 400


def test_unknown_font_names_say_what_to_write() -> None:
    with pytest.raises(FontNotFoundError, match="Montserrat-<weight>"):
        resolve_face("Comic-Sans")
    with pytest.raises(FontNotFoundError, match="does not exist"):
        resolve_face("/nowhere/font.ttf")


def test_weight_axis_is_applied() -> None:
    heavy = TextShaper(resolve_face("Montserrat-Black"), 60)
    thin = TextShaper(resolve_face("Montserrat-Thin"), 60)
    assert _ink("Weight", heavy) > 2 * _ink("Weight", thin)


def test_montserrat_alone_would_draw_tofu_for_emoji_and_cjk() -> None:
    montserrat = resolve_face("Montserrat-ExtraBold")
    font = montserrat.load(48)
    assert _is_notdef(font, "你") and _is_notdef(font, "🔥")
    assert not covers(montserrat, "你") and not covers(montserrat, "🔥")
    assert covers(montserrat, "A") and not _is_notdef(font, "A")


def test_every_character_is_drawn_by_a_font_that_has_it() -> None:
    shaper = TextShaper(resolve_face("Montserrat-ExtraBold"), 48)
    assert missing_characters(MIXED, shaper) == []
    runs = shaper.runs(MIXED)
    assert len(runs) > 4  # Latin, emoji, CJK, Hebrew, Arabic, symbols each get their font
    for run in runs:
        for char in run.text:
            if not char.isspace():
                assert not _is_notdef(run.font, char), (
                    f"{char!r} would be tofu in {run.font.getname()}"
                )
    assert "".join(sorted("".join(r.text for r in runs))) == "".join(sorted(MIXED))


def test_fallback_changes_what_is_drawn() -> None:
    shaper = TextShaper(resolve_face("Montserrat-ExtraBold"), 48)
    image = Image.new("L", (600, 100), 0)
    shaper.draw(ImageDraw.Draw(image), 10, 70, "你好🔥", 255)
    tofu = Image.new("L", (600, 100), 0)
    ImageDraw.Draw(tofu).text((10, 70), "你好🔥", font=shaper.font, fill=255, anchor="ls")
    assert image.tobytes() != tofu.tobytes()
    assert image.getbbox() is not None


def test_right_to_left_lines_reverse_their_runs() -> None:
    shaper = TextShaper(resolve_face("Montserrat-Bold"), 40)
    assert is_rtl("שלום world") and not is_rtl("hello שלום")
    runs = shaper.runs("שלום 123 עולם")
    assert all("Hebrew" in run.font.getname()[0] or run.text.strip().isdigit() for run in runs)
    ltr = [run.text for run in shaper.runs("abc 你好")]
    assert ltr[0].startswith("abc")
