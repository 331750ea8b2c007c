"""The trend-source capability: where trending shorts come from.

Each vendor (its own module here) is a `TrendSource` that fetches one batch; several combine with
`combine` into one resource, whose `collect` dedupes across them. Every vendor's payloads go
through the shared normalizers in `domain.trends`, malformed items are counted rather than fatal,
and a live source that yields nothing usable fails the step instead of handing the analysis an
empty snapshot.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from dagster import ConfigurableResource

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.domain.schemas import TrendItem
from shortgen_assets.domain.trends.collect import (
    MalformedItem,
    TrendCollection,
    dedupe,
    normalize_tiktok_item,
    normalize_youtube_video,
    youtube_video_ids,
)

MAX_SKIP_REASONS = 10


@dataclass
class SourceBatch:
    """One source's usable items plus what it had to drop, and why."""

    source: str
    items: list[TrendItem] = field(default_factory=list)
    skipped: int = 0
    filtered: int = 0
    reasons: list[str] = field(default_factory=list)


class TrendSourcesResource(ConfigurableResource):
    """Collects trending shorts from one source or several combined."""

    def collect(self, keywords: list[str], now: datetime, max_results: int = 50) -> TrendCollection:
        """Trending shorts for `keywords` from every source, at most `max_results` each."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
        if max_results < 1:
            raise ValueError("max_results must be at least 1")
        keywords = [k.strip() for k in keywords if k.strip()]
        batches = self.batches(keywords, now, max_results)
        items, duplicates = dedupe(item for batch in batches for item in batch.items)
        return TrendCollection(
            collected_at=now,
            items=items,
            counts={b.source: len(b.items) for b in batches},
            platform_counts=dict(sorted(Counter(i.platform for i in items).items())),
            skipped={b.source: b.skipped for b in batches},
            filtered={b.source: b.filtered for b in batches},
            duplicates=duplicates,
            skip_reasons=[r for b in batches for r in b.reasons][:MAX_SKIP_REASONS],
        )

    @abstractmethod
    def batches(self, keywords: list[str], now: datetime, limit: int) -> list[SourceBatch]:
        """One batch per source, in order."""


class TrendSource(TrendSourcesResource):
    """One vendor; `source` is its name in settings and in the collection's counts."""

    source: ClassVar[str]

    def batches(self, keywords: list[str], now: datetime, limit: int) -> list[SourceBatch]:
        return [self.fetch(keywords, now, limit)]

    @abstractmethod
    def fetch(self, keywords: list[str], now: datetime, limit: int) -> SourceBatch:
        """Up to `limit` trending shorts for `keywords`, as of `now`."""


class CombinedTrendSources(TrendSourcesResource):
    """Two sources, or a source and a combination: what `combine` builds from a list."""

    first: TrendSourcesResource
    rest: TrendSourcesResource

    def batches(self, keywords: list[str], now: datetime, limit: int) -> list[SourceBatch]:
        return self.first.batches(keywords, now, limit) + self.rest.batches(keywords, now, limit)


def combine(sources: list[TrendSource]) -> TrendSourcesResource:
    """One resource collecting from every source in order (a single source stays itself)."""
    if not sources:
        raise ValueError("no trend source chosen; set SHORTGEN_TREND_SOURCES, e.g. 'sample'")
    if len(sources) == 1:
        return sources[0]
    return CombinedTrendSources(first=sources[0], rest=combine(sources[1:]))


def require_items(batch: SourceBatch, keywords: list[str]) -> SourceBatch:
    """A live source's batch, or a clear error when every item it sent was unreadable (a
    broken source; no matching shorts at all is a valid, empty snapshot)."""
    if not batch.items and batch.skipped and not batch.filtered:
        raise ProviderError(
            f"{batch.source}: no usable trending shorts for keywords {keywords} "
            f"({batch.skipped} malformed, {batch.filtered} not shorts); "
            f"widen the keywords or the time window. {'; '.join(batch.reasons[:3])}"
        )
    return batch


def normalize_batch(
    source: str,
    raw_items: list[Any],
    normalizer: Callable[[Mapping[str, Any], str], TrendItem],
    keep: Callable[[TrendItem], bool] = lambda _: True,
) -> SourceBatch:
    """Normalize every raw item; count the malformed ones and the ones `keep` rejects."""
    batch = SourceBatch(source)
    for position, raw in enumerate(raw_items):
        try:
            item = normalizer(raw if isinstance(raw, Mapping) else {}, source)
        except MalformedItem as exc:
            batch.skipped += 1
            batch.reasons.append(f"{source} item {position}: {exc}")
            continue
        if keep(item):
            batch.items.append(item)
        else:
            batch.filtered += 1
    return batch


def youtube_batch(
    source: str,
    search_response: Mapping[str, Any],
    videos_response: Mapping[str, Any],
    limit: float,
) -> SourceBatch:
    """Shorts from a `videos.list` response, in the `search.list` rank order, at most `limit` s."""
    rank = {video_id: n for n, video_id in enumerate(youtube_video_ids(search_response))}
    videos = videos_response.get("items")
    if not isinstance(videos, list):
        raise ProviderError(f"{source}: videos.list response has no items list")
    videos = sorted(
        videos, key=lambda v: rank.get(v.get("id"), len(rank)) if isinstance(v, dict) else 0
    )
    return normalize_batch(
        source, videos, normalize_youtube_video, lambda i: 0 < i.duration_seconds <= limit
    )


def tiktok_batch(source: str, dataset_items: list[Any]) -> SourceBatch:
    return normalize_batch(source, dataset_items, normalize_tiktok_item)
