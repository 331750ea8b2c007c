"""Text helpers: trimming, sentence splitting, spoken text and hashtags in several scripts."""

from __future__ import annotations

import unicodedata

import pytest

from shortgen_assets.domain.plan.checks import speech_units
from shortgen_assets.domain.text import (
    close_sentence,
    sanitize_hashtag,
    split_sentences,
    spoken,
    trim_chars,
    trim_to_units,
)


def test_trim_to_units_never_cuts_mid_word() -> None:
    text = "Grinders, scales and kettles matter more than the espresso machine itself, honestly"
    trimmed = trim_to_units(text, 6)
    assert trimmed == "Grinders, scales and kettles matter more."
    assert trim_to_units("短い文。", 10) == "短い文。"
    matcha = "京都の石臼で挽いた抹茶を使い、一杯ずつ丁寧に点てています"
    assert trim_to_units(matcha, 4.5) == "京都の石臼で挽いた。"  # two characters per unit
    assert trim_to_units(matcha, 8) == "京都の石臼で挽いた抹茶を使い。"  # clause boundary


def test_split_sentences_breaks_breathless_text() -> None:
    run_on = " ".join(["espresso"] * 70)
    pieces = split_sentences(f"First point. {run_on}")
    assert pieces[0] == "First point."
    assert all(speech_units(p) <= 28 for p in pieces)
    assert sum(speech_units(p) for p in pieces[1:]) == 70


def test_trim_chars_and_hashtags() -> None:
    assert trim_chars("word " * 40, 20) == "word word word word…"
    assert len(trim_chars("x" * 300, 100)) == 100
    assert sanitize_hashtag("#Study Tips!") == "StudyTips"
    assert sanitize_hashtag("שלום עולם") == "שלום_עולם"
    assert sanitize_hashtag("🚀🚀") == ""
    assert sanitize_hashtag("2024") == ""


def test_trim_to_units_drops_dangling_function_words() -> None:
    assert trim_to_units("Grinders matter more than the machine", 4) == "Grinders matter more."
    assert trim_to_units("Short enough", 4) == "Short enough"


@pytest.mark.parametrize(
    ("fragment", "closed"),
    [
        ("Try it today, ", "Try it today."),
        ("抹茶、", "抹茶。"),
        ("Ready?", "Ready?"),
        ("", ""),
    ],
)
def test_close_sentence_ends_like_a_sentence(fragment: str, closed: str) -> None:
    assert close_sentence(fragment) == closed


def test_split_sentences_handles_cjk_and_extra_spaces() -> None:
    assert split_sentences("一つ目。二つ目！三つ目") == ["一つ目。", "二つ目！", "三つ目。"]
    assert split_sentences("  Hello   world.  Second one!  ") == ["Hello world.", "Second one!"]


@pytest.mark.parametrize(
    "text",
    ["Cafe\u0301" * 4, "ab " + "👩\u200d💻" * 4, "na\u0308ive cre\u0300me bru\u0302le\u0301e"],
)
def test_trim_chars_never_splits_accents_or_emoji(text: str) -> None:
    for limit in range(2, len(text)):
        trimmed = trim_chars(text, limit)
        kept = trimmed.removesuffix("…")
        assert len(trimmed) <= limit and text.startswith(kept)
        following = text[len(kept)]
        assert unicodedata.category(following) != "Mn"
        assert not kept.endswith("\u200d") and following != "\u200d"


def test_spoken_drops_emoji_and_symbols_but_keeps_letters() -> None:
    assert spoken("Meet Aurora 🚀✨ lamp 👩\u200d💻 today") == "Meet Aurora lamp today"
    assert spoken("Café e\u0301 naïve — ok™") == "Café e\u0301 naïve — ok"
    assert speech_units(spoken("🚀 ✨ 👍🏽")) == 0
