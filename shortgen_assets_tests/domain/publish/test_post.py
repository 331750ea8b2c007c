"""Each platform's limits on title, caption and hashtags, enforced before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from shortgen_assets.domain.publish.post import (
    LIMITS,
    Post,
    PostError,
    PostRequest,
    build_post,
    check_post,
    count_hashtags,
    targets,
    utf16_length,
)
from shortgen_assets.domain.publish.requests import youtube_video_resource
from shortgen_assets.domain.themes import load_theme
from shortgen_assets_tests.conftest import DEFAULT_THEME


def post(platform: str, title: str = "Lamp", description: str = "Meet it.", hashtags=()) -> Post:
    words = PostRequest(title=title, description=description, hashtags=list(hashtags))
    return build_post(
        platform,  # type: ignore[arg-type]
        words,
        video_path=Path("/v.mp4"),
        thumbnail_path=None,
        video_relpath=None,
        scheduled_at=None,
        job_id=1,
        video_id=1,
    )


def test_the_limits_are_the_platforms_published_ones() -> None:
    assert (LIMITS["youtube"].title, LIMITS["youtube"].caption) == (100, 5000)
    assert LIMITS["tiktok"].caption == 2200
    assert (LIMITS["instagram"].caption, LIMITS["instagram"].hashtags) == (2200, 30)


def test_hashtags_lose_their_hash_spaces_and_duplicates() -> None:
    assert PostRequest(
        title="t", description="", hashtags=["#AI Tools", "aitools", "#"]
    ).hashtags == ["AITools"]


def test_youtube_gets_a_safe_title_within_100_and_shorts_last() -> None:
    made = post("youtube", title="Best <lamp> " + "very " * 40, hashtags=["Lamp", "shorts"])
    assert len(made.title) <= 100 and "<" not in made.title and made.title.endswith("…")
    assert made.caption == "Meet it.\n\n#Lamp #Shorts"
    body = youtube_video_resource(made)
    assert body["snippet"]["tags"] == ["Lamp", "shorts"]


def test_youtube_description_fits_5000_bytes_and_15_hashtags() -> None:
    made = post("youtube", description="é" * 6000, hashtags=[f"tag{i}" for i in range(30)])
    assert len(made.caption.encode()) <= 5000
    assert count_hashtags(made.caption) == 15 and made.caption.endswith("#Shorts")


def test_tiktok_caption_counts_utf16_units() -> None:
    made = post("tiktok", description="🙂" * 3000, hashtags=["Lamp"])
    assert utf16_length(made.caption) <= 2200 and made.caption.endswith("#Lamp")
    assert made.caption.startswith("Lamp\n\n")


def test_instagram_keeps_at_most_30_hashtags_counting_the_descriptions() -> None:
    description = " ".join(f"#own{i}" for i in range(20))
    made = post("instagram", description=description, hashtags=[f"t{i}" for i in range(40)])
    assert count_hashtags(made.caption) == 30
    assert "#t9" in made.caption and "#t10" not in made.caption


def test_a_post_over_its_limits_is_refused_before_sending() -> None:
    made = post("instagram")
    too_many = made.model_copy(update={"caption": " ".join(f"#t{i}" for i in range(31))})
    with pytest.raises(PostError, match="instagram: the caption has 31 hashtags, over the 30"):
        check_post(too_many)
    too_long = post("youtube").model_copy(update={"title": "x" * 101})
    with pytest.raises(PostError, match="youtube: the title has 101 characters"):
        check_post(too_long)


def test_targets_default_to_the_format_the_theme_was_made_for() -> None:
    theme = load_theme(DEFAULT_THEME)
    assert targets(theme.model_copy(update={"platform": "reels"})) == ["instagram"]
    both = theme.model_copy(update={"publish_to": ["tiktok", "youtube", "tiktok"]})
    assert targets(both) == ["tiktok", "youtube"]
