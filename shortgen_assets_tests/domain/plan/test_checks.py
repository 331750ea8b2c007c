"""Plan checks catch the mistakes that make a plan unusable, and pass good plans."""

from __future__ import annotations

from typing import Any

import pytest

from shortgen_assets.domain.plan.checks import (
    hashtag_problems,
    narration_pace_problems,
    overlay_problems,
    plan_problems,
    scene_duration_problems,
    speech_units,
)
from shortgen_assets.domain.schemas import ProductionPlan


def make_plan(**overrides: Any) -> ProductionPlan:
    """A 10-second plan that passes every check (26 words = 2.6 words/s)."""
    fields: dict[str, Any] = {
        "title": "RocketNotes in ten seconds",
        "description": "Voice memos to tidy notes.",
        "video_prompt": "fast montage of a student taking notes",
        "duration_target": 10,
        "scenes": [
            {"scene_number": 1, "duration_seconds": 5, "visual_prompt": "student with phone"},
            {"scene_number": 2, "duration_seconds": 5, "visual_prompt": "tidy notes on screen"},
        ],
        "voiceover_sentences": [
            "Why is everyone switching to RocketNotes?",
            "It turns a voice memo into tidy, searchable notes in seconds, even offline.",
            "Download RocketNotes free today and never lose an idea.",
        ],
        "hook_text": "Why is everyone switching to RocketNotes?",
        "cta_text": "Download RocketNotes free today",
        "text_overlays": [
            {"text": "Why switch?", "start": 0, "end": 3, "style": "hook"},
            {"text": "Download free", "start": 7, "end": 10, "style": "cta"},
        ],
        "hashtags": ["RocketNotes", "studytok", "productivity"],
    }
    fields.update(overrides)
    return ProductionPlan.model_validate(fields)


def test_good_plan_passes_every_check() -> None:
    assert plan_problems(make_plan()) == {
        "scene_durations": [],
        "overlays": [],
        "narration_pace": [],
        "hashtags": [],
    }


@pytest.mark.parametrize(("first", "second", "ok"), [(5, 5, True), (5, 6, True), (5, 6.2, False)])
def test_scene_durations_must_sum_to_the_target(first: float, second: float, ok: bool) -> None:
    scenes = [
        {"scene_number": 1, "duration_seconds": first, "visual_prompt": "a"},
        {"scene_number": 2, "duration_seconds": second, "visual_prompt": "b"},
    ]
    problems = scene_duration_problems(make_plan(scenes=scenes))
    assert (problems == []) is ok
    if not ok:
        assert "11.20 s" in problems[0] and "10.00 s" in problems[0]


def test_overlays_must_stay_inside_the_video() -> None:
    overlays = [
        {"text": "Why switch?", "start": 0, "end": 3, "style": "hook"},
        {"text": "Download free", "start": 8, "end": 11.5, "style": "cta"},
    ]
    problems = overlay_problems(make_plan(text_overlays=overlays))
    assert len(problems) == 1
    assert "Download free" in problems[0] and "8.00-11.50" in problems[0]


def test_narration_too_long_or_too_short_is_reported() -> None:
    rushed = make_plan(voiceover_sentences=["word " * 33])  # 3.3 words/s
    sparse = make_plan(voiceover_sentences=["Just a few words here, then silence."])
    assert "too long" in narration_pace_problems(rushed)[0]
    assert "write 20-32 words" in narration_pace_problems(rushed)[0]
    assert "too short" in narration_pace_problems(sparse)[0]
    assert narration_pace_problems(make_plan(voiceover_sentences=["word " * 32])) == []
    assert narration_pace_problems(make_plan(voiceover_sentences=["word " * 20])) == []


def test_cjk_narration_counts_two_characters_per_word() -> None:
    japanese = (
        "京都の石臼で挽いた抹茶を使い、一杯ずつ丁寧に点てています。" * 2
    )  # 54 characters + punctuation
    assert speech_units(japanese) == 27
    assert narration_pace_problems(make_plan(voiceover_sentences=[japanese])) == []
    # counted as whitespace words it would be 2 "words" and fail
    assert len(japanese.split()) == 1


def test_speech_units_ignore_emoji_and_punctuation_but_count_every_script() -> None:
    assert speech_units("🚀 RocketNotes ✨ — go!") == 2
    assert speech_units("قهوة عربية طازجة") == 3
    assert speech_units("קפה בוקר") == 2
    assert speech_units("Matcha 抹茶") == 2


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["a", "b"], "2 hashtags; use 3-10"),
        ([f"tag{i}" for i in range(11)], "11 hashtags; use 3-10"),
        (["study tips", "b", "c"], "contains spaces"),
        (["#study", "b", "c"], "contains '#'"),
    ],
)
def test_hashtag_rules(tags: list[str], expected: str) -> None:
    problems = hashtag_problems(make_plan(hashtags=tags))
    assert any(expected in p for p in problems), problems


def test_unicode_hashtags_pass() -> None:
    assert hashtag_problems(make_plan(hashtags=["抹茶", "قهوة_عربية", "שלום"])) == []
