"""Reading one trending video: its kind of hook and its production style."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shortgen_assets.domain.schemas import TrendItem
from shortgen_assets.domain.trends.classify import classify_hook, classify_style


def item(title: str, hashtags: list[str], duration: float) -> TrendItem:
    return TrendItem(
        platform="tiktok",
        external_id="1",
        source="test",
        title=title,
        hashtags=hashtags,
        views=20_000,
        duration_seconds=duration,
        posted_at=datetime(2025, 6, 12, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("title", "hook"),
    [
        ("POV: you finally learned to cook steak", "pov"),
        ("I tried slugging for 7 nights", "challenge"),
        ("How to fix a squeaky door hinge", "how-to"),
        ("5 habits that doubled my focus", "number/list"),
        ("Stop putting vitamin C on like this", "warning"),
        ("Rescue kitten transformation: day 1 vs day 60", "reveal"),
        ("Why are my tomato leaves turning yellow?", "question"),
        ("storytime: my landlord kept my deposit", "story"),
        ("Lake Bled at sunrise", "statement"),
    ],
)
def test_hook_types(title: str, hook: str) -> None:
    assert classify_hook(title) == hook


@pytest.mark.parametrize(
    ("title", "tags", "duration", "style"),
    [
        ("How to hang shelves without a stud finder", ["diy"], 40, "tutorial"),
        ("storytime: my landlord kept my deposit", ["storytime"], 55, "talking-head"),
        ("5 money rules I wish I knew sooner", [], 40, "text-heavy"),
        ("Lake Bled at sunrise", ["drone", "cinematic"], 20, "cinematic"),
        ("I animated my world in Blender", ["3danimation"], 25, "animation"),
        ("Gym motivation edit", ["gymedit"], 15, "montage"),
        ("he thinks he's a lap dog", [], 11, "montage"),
    ],
)
def test_style_classification(title: str, tags: list[str], duration: float, style: str) -> None:
    assert classify_style(item(title, tags, duration)) == style
