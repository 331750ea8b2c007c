"""The bundled sample: a real capture of YouTube and TikTok answers, re-dated and searched."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar

from shortgen_assets.defs.resources.trend_sources import (
    SourceBatch,
    TrendSource,
    tiktok_batch,
    youtube_batch,
)
from shortgen_assets.domain.trends.collect import (
    parse_timestamp,
    rank_for_keywords,
    shift_posted_at,
)


class SampleTrends(TrendSource):
    """No key and no network: the capture answers like a platform would for the keywords."""

    source: ClassVar[str] = "sample"
    max_short_seconds: float = 60.0

    def fetch(self, keywords: list[str], now: datetime, limit: int) -> SourceBatch:
        """The capture, re-dated to `now`, ranked for `keywords`, at most `limit` items."""
        youtube, tiktok = _payloads()
        yt = youtube_batch(
            self.source, youtube["search_list"], youtube["videos_list"], self.max_short_seconds
        )
        tt = tiktok_batch(self.source, tiktok["items"])
        batch = SourceBatch(
            self.source,
            skipped=yt.skipped + tt.skipped,
            filtered=yt.filtered + tt.filtered,
            reasons=yt.reasons + tt.reasons,
        )
        youtube_shift = now - parse_timestamp(youtube["captured_at"])
        tiktok_shift = now - parse_timestamp(tiktok["captured_at"])
        items = shift_posted_at(yt.items, youtube_shift) + shift_posted_at(tt.items, tiktok_shift)
        batch.items = rank_for_keywords(items, keywords, limit)
        return batch


@lru_cache(maxsize=1)
def _payloads() -> tuple[dict[str, Any], dict[str, Any]]:
    data = resources.files("shortgen_assets").joinpath("data")
    youtube = json.loads(data.joinpath("sample_youtube.json").read_text(encoding="utf-8"))
    tiktok = json.loads(data.joinpath("sample_tiktok.json").read_text(encoding="utf-8"))
    return youtube, tiktok
