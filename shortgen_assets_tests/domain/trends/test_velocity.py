"""Engagement velocity: interactions per hour since posting, with a floor for brand-new posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shortgen_assets.domain.schemas import TrendItem
from shortgen_assets.domain.trends.velocity import (
    engagement,
    engagement_velocity,
    hours_since_posted,
)

NOW = datetime(2025, 6, 12, 12, 0, tzinfo=UTC)


def item(posted_at: datetime, likes: int = 900, comments: int = 60, shares: int = 40) -> TrendItem:
    return TrendItem(
        platform="tiktok",
        external_id="1",
        source="test",
        title="t",
        views=100_000,
        likes=likes,
        comments=comments,
        shares=shares,
        duration_seconds=20,
        posted_at=posted_at,
    )


def test_velocity_is_interactions_per_hour() -> None:
    video = item(NOW - timedelta(hours=4))

    assert engagement(video) == 1000
    assert hours_since_posted(video, NOW) == pytest.approx(4.0)
    assert engagement_velocity(video, NOW) == pytest.approx(250.0)


def test_views_do_not_count_as_engagement() -> None:
    quiet = item(NOW - timedelta(hours=1), likes=0, comments=0, shares=0)

    assert engagement_velocity(quiet, NOW) == 0.0


def test_brand_new_and_future_posts_use_the_floor() -> None:
    just_posted = item(NOW - timedelta(minutes=1))
    clock_skewed = item(NOW + timedelta(minutes=5))

    assert engagement_velocity(just_posted, NOW) == pytest.approx(1000 / 0.1)
    assert engagement_velocity(clock_skewed, NOW) == pytest.approx(1000 / 0.1)


def test_newer_post_with_same_engagement_rises_faster() -> None:
    older = item(NOW - timedelta(days=3))
    newer = item(NOW - timedelta(hours=6))

    assert engagement_velocity(newer, NOW) > engagement_velocity(older, NOW)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        engagement_velocity(item(NOW), datetime(2025, 6, 12, 12, 0))
