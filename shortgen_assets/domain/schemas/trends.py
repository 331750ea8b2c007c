"""Trending videos as collected, and the report analysed from a job's snapshot of them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shortgen_assets.domain.schemas.base import Style

TrendPlatform = Literal["youtube", "tiktok"]


class TrendItem(BaseModel):
    """One trending short video, normalized from any source."""

    platform: TrendPlatform
    external_id: str = Field(min_length=1)
    source: str
    title: str
    description: str = ""
    hashtags: list[str] = Field(default_factory=list)
    views: int = Field(ge=0)
    likes: int = Field(0, ge=0)
    comments: int = Field(0, ge=0)
    shares: int = Field(0, ge=0)
    duration_seconds: float = Field(ge=0)
    creator: str = ""
    creator_id: str = ""
    sound: str | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    posted_at: datetime


class TrendCluster(BaseModel):
    cluster_id: int
    label: str
    size: int = Field(ge=1)
    keywords: list[str]
    hashtags: list[str]
    example_titles: list[str]
    mean_velocity: float


class RankedTrend(BaseModel):
    platform: TrendPlatform
    external_id: str
    title: str
    velocity: float
    style: Style
    hook_type: str


class Recommendation(BaseModel):
    text: str
    cluster_id: int | None = Field(None, description="the cluster it stands on; None: the theme")
    basis: Literal["trends", "theme"] = Field(
        "trends", description="whether it stands on the trend snapshot or on the theme alone"
    )


class DurationStats(BaseModel):
    mean: float
    median: float
    p25: float
    p75: float
    minimum: float
    maximum: float


SignalStrength = Literal["none", "low", "strong"]


class TrendSignal(BaseModel):
    """How much the snapshot can steer a plan: how many items, which keywords matched, how fresh."""

    items: int = Field(ge=0, description="trending videos in the snapshot")
    minimum_items: int = Field(ge=1, description="items needed for a trend-led plan")
    keywords: list[str] = Field(default_factory=list, description="the theme's search terms")
    matched_keywords: list[str] = Field(
        default_factory=list, description="search terms at least one item answers"
    )
    newest_age_hours: float | None = Field(None, description="hours since the newest post")
    median_age_hours: float | None = Field(None, description="median hours since posting")
    strength: SignalStrength

    @property
    def is_low(self) -> bool:
        return self.strength != "strong"

    def describe(self) -> str:
        """One line with the figures: what the snapshot holds and what the plan does about it."""
        matched = ", ".join(self.matched_keywords) or "none"
        fresh = (
            f"newest {self.newest_age_hours:.0f} h old" if self.newest_age_hours is not None else ""
        )
        keywords = (
            f"keywords matched {len(self.matched_keywords)}/{len(self.keywords)} ({matched})"
            if self.keywords
            else ""
        )
        figures = ", ".join(
            part for part in (f"{self.items} trending items", keywords, fresh) if part
        )
        if not self.is_low:
            return f"trend signal strong: {figures}"
        return (
            f"trend signal {self.strength}: {figures}; a trend-led plan wants "
            f"{self.minimum_items}+ matching items, so the plan leans on the theme "
            "(add keywords or sources for more)"
        )


class TrendReport(BaseModel):
    """The analysis of one job's snapshot; the plan is built from it."""

    model_config = ConfigDict(extra="forbid")

    analysed_count: int = Field(ge=0)
    top_trends: list[RankedTrend]
    style_distribution: dict[str, int]
    hook_types: dict[str, int]
    duration_stats: DurationStats
    clusters: list[TrendCluster]
    top_hashtags: list[str]
    recommendations: list[Recommendation]
    recommended_style: Style
    recommended_duration_seconds: int = Field(ge=5, le=180)
    top_hooks: list[str] = Field(description="example hook lines from the fastest-rising videos")
    summary: str
    signal: TrendSignal | None = Field(
        None, description="the evidence behind the report; None in reports made before it existed"
    )

    @property
    def trend_led(self) -> bool:
        """Whether the trends are strong enough to steer the plan (else the theme leads)."""
        return self.signal is None or not self.signal.is_low
