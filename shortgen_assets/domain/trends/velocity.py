"""Engagement velocity: how fast a video is gathering interactions, the trend signal we rank by.

Raw view counts favour old videos; interactions per hour since posting favour what is rising now.
The 0.1 h floor keeps a video posted minutes ago (or stamped slightly in the future by clock skew)
from dividing by zero or exploding.
"""

from __future__ import annotations

from datetime import datetime

from shortgen_assets.domain.schemas import TrendItem

MIN_HOURS = 0.1


def engagement(item: TrendItem) -> int:
    """Interactions that take effort: likes + comments + shares (views are passive)."""
    return item.likes + item.comments + item.shares


def hours_since_posted(item: TrendItem, now: datetime) -> float:
    """Hours between posting and `now`, never below MIN_HOURS."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
    hours = (now - item.posted_at).total_seconds() / 3600
    return max(hours, MIN_HOURS)


def engagement_velocity(item: TrendItem, now: datetime) -> float:
    """(likes + comments + shares) / max(hours since posted, 0.1)."""
    return engagement(item) / hours_since_posted(item, now)
