"""YouTube Data API v3: the most viewed recent shorts for the keywords."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from pydantic import Field

from shortgen_assets.defs.resources.http import HttpVendor, require_key
from shortgen_assets.defs.resources.trend_sources import (
    SourceBatch,
    TrendSource,
    require_items,
    youtube_batch,
)
from shortgen_assets.domain.trends.collect import youtube_video_ids

API = "https://www.googleapis.com/youtube/v3"
PAGE_LIMIT = 50
KEY_ENV = "YOUTUBE_API_KEY"


class YouTubeTrends(TrendSource, HttpVendor):
    """One search page (at most 50 shorts); `api_key` comes from YOUTUBE_API_KEY."""

    source: ClassVar[str] = "youtube"
    api_key: str = Field(description=f"{KEY_ENV} (a YouTube Data API v3 key)")
    region_code: str = "US"
    published_within_days: int = Field(7, ge=1)
    max_short_seconds: float = 60.0
    timeout_seconds: float = Field(30.0, gt=0, description="read timeout of one request")

    def fetch(self, keywords: list[str], now: datetime, limit: int) -> SourceBatch:
        require_key(self.source, self.api_key, KEY_ENV)
        published_after = now - timedelta(days=self.published_within_days)
        search_params = {
            "part": "snippet",
            "type": "video",
            "videoDuration": "short",
            "order": "viewCount",
            "publishedAfter": published_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "regionCode": self.region_code,
            "maxResults": min(limit, PAGE_LIMIT),
            "key": self.api_key,
        }
        if keywords:
            search_params["q"] = "|".join(keywords)
        with self.client() as client:
            search = self.send_json(
                "youtube search.list", lambda: client.get(f"{API}/search", params=search_params)
            )
            ids = youtube_video_ids(search)
            if not ids:  # a niche query: an empty snapshot, and the trend_signal check warns
                return SourceBatch(self.source)
            video_params = {
                "part": "snippet,contentDetails,statistics",
                "id": ",".join(ids),
                "maxResults": len(ids),
                "key": self.api_key,
            }
            videos = self.send_json(
                "youtube videos.list", lambda: client.get(f"{API}/videos", params=video_params)
            )
        batch = youtube_batch(self.source, search, videos, self.max_short_seconds)
        return require_items(batch, keywords)
