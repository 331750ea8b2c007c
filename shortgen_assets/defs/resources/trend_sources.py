"""Where trending shorts come from: bundled sample data, YouTube Data API, an Apify TikTok actor.

Sources combine (`sources=["youtube", "tiktok"]`); each one's payloads go through the shared
normalizers in `domain.trends`, malformed items are counted rather than fatal, and a live source
that yields nothing usable fails the step instead of handing the analysis an empty snapshot.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import httpx
from dagster import ConfigurableResource
from pydantic import Field, field_validator

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.domain.schemas import TrendItem
from shortgen_assets.domain.trends.collect import (
    MalformedItem,
    TrendCollection,
    dedupe,
    normalize_tiktok_item,
    normalize_youtube_video,
    parse_timestamp,
    rank_for_keywords,
    shift_posted_at,
    youtube_video_ids,
)

SOURCES = ("sample", "youtube", "tiktok")
YOUTUBE_API = "https://www.googleapis.com/youtube/v3"
APIFY_API = "https://api.apify.com/v2"
APIFY_TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"})
YOUTUBE_PAGE_LIMIT = 50
MAX_SKIP_REASONS = 10


@dataclass
class SourceBatch:
    """One source's usable items plus what it had to drop, and why."""

    source: str
    items: list[TrendItem] = field(default_factory=list)
    skipped: int = 0
    filtered: int = 0
    reasons: list[str] = field(default_factory=list)


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


@lru_cache(maxsize=1)
def _sample_payloads() -> tuple[dict[str, Any], dict[str, Any]]:
    data = resources.files("shortgen_assets").joinpath("data")
    youtube = json.loads(data.joinpath("sample_youtube.json").read_text(encoding="utf-8"))
    tiktok = json.loads(data.joinpath("sample_tiktok.json").read_text(encoding="utf-8"))
    return youtube, tiktok


def sample_batch(keywords: list[str], now: datetime, max_results: int, limit: float) -> SourceBatch:
    """The bundled capture, re-dated to `now` and searched like a platform would for `keywords`."""
    youtube, tiktok = _sample_payloads()
    yt = youtube_batch("sample", youtube["search_list"], youtube["videos_list"], limit)
    tt = tiktok_batch("sample", tiktok["items"])
    batch = SourceBatch(
        "sample",
        skipped=yt.skipped + tt.skipped,
        filtered=yt.filtered + tt.filtered,
        reasons=yt.reasons + tt.reasons,
    )
    youtube_shift = now - parse_timestamp(youtube["captured_at"])
    tiktok_shift = now - parse_timestamp(tiktok["captured_at"])
    items = shift_posted_at(yt.items, youtube_shift) + shift_posted_at(tt.items, tiktok_shift)
    batch.items = rank_for_keywords(items, keywords, max_results)
    return batch


def _apify_run(payload: Any) -> dict[str, Any]:
    """The run object of an Apify run response, or a ProviderError saying what came back."""
    run = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(run, dict) or not run.get("id") or not run.get("defaultDatasetId"):
        raise ProviderError(f"tiktok: Apify answered without a run object: {str(payload)[:200]}")
    return run


def _json(provider: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProviderError(f"{provider}: response is not JSON: {response.text[:200]}") from None


class TrendSourcesResource(ConfigurableResource):
    """Collects trending shorts from the chosen sources (`sample` needs no key and no network)."""

    sources: list[str] = Field(default_factory=lambda: ["sample"], description=f"any of {SOURCES}")
    youtube_api_key: str | None = None
    youtube_region_code: str = "US"
    youtube_published_within_days: int = 7
    max_short_seconds: float = 60.0
    apify_token: str | None = None
    apify_actor: str = "clockworks~tiktok-scraper"
    apify_poll_interval: float = 5.0
    apify_max_polls: int = 120
    timeout_seconds: float = 30.0
    retry_attempts: int = 4
    retry_base_wait: float = 1.0

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, sources: list[str]) -> list[str]:
        unknown = [s for s in sources if s not in SOURCES]
        if unknown or not sources:
            raise ValueError(
                f"trend sources must be a non-empty subset of {SOURCES}, got {sources}"
            )
        return list(dict.fromkeys(sources))

    def collect(self, keywords: list[str], now: datetime, max_results: int = 50) -> TrendCollection:
        """Trending shorts for `keywords` from every chosen source, at most `max_results` each.

        YouTube answers from one search page, so it contributes at most 50 whatever the limit.
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
        if max_results < 1:
            raise ValueError("max_results must be at least 1")
        keywords = [k.strip() for k in keywords if k.strip()]
        with httpx.Client(timeout=self.timeout_seconds) as client:
            batches = [
                self._collect_from(s, client, keywords, now, max_results) for s in self.sources
            ]
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

    def _collect_from(
        self, source: str, client: httpx.Client, keywords: list[str], now: datetime, limit: int
    ) -> SourceBatch:
        if source == "sample":
            return sample_batch(keywords, now, limit, self.max_short_seconds)
        fetch = self._youtube if source == "youtube" else self._tiktok
        batch = fetch(client, keywords, now, limit)
        if not batch.items:
            raise ProviderError(
                f"{source}: no usable trending shorts for keywords {keywords} "
                f"({batch.skipped} malformed, {batch.filtered} not shorts); "
                f"widen the keywords or the time window. {'; '.join(batch.reasons[:3])}"
            )
        return batch

    def _send(self, provider: str, call: Callable[[], httpx.Response]) -> Any:
        response = send(
            provider, call, attempts=self.retry_attempts, base_wait=self.retry_base_wait
        )
        return _json(provider, response)

    # --- YouTube Data API v3 -------------------------------------------------------------

    def _youtube(
        self, client: httpx.Client, keywords: list[str], now: datetime, limit: int
    ) -> SourceBatch:
        if not self.youtube_api_key:
            raise ProviderError(
                "youtube: no API key; set YOUTUBE_API_KEY (a YouTube Data API v3 key) "
                "or drop 'youtube' from the trend sources"
            )
        published_after = now - timedelta(days=self.youtube_published_within_days)
        search_params = {
            "part": "snippet",
            "type": "video",
            "videoDuration": "short",
            "order": "viewCount",
            "publishedAfter": published_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "regionCode": self.youtube_region_code,
            "maxResults": min(limit, YOUTUBE_PAGE_LIMIT),
            "key": self.youtube_api_key,
        }
        if keywords:
            search_params["q"] = "|".join(keywords)
        search = self._send(
            "youtube search.list",
            lambda: client.get(f"{YOUTUBE_API}/search", params=search_params),
        )
        ids = youtube_video_ids(search)
        if not ids:
            raise ProviderError(
                f"youtube: search.list found no short videos for {keywords} published after "
                f"{search_params['publishedAfter']}; widen the keywords or the time window"
            )
        video_params = {
            "part": "snippet,contentDetails,statistics",
            "id": ",".join(ids),
            "maxResults": len(ids),
            "key": self.youtube_api_key,
        }
        videos = self._send(
            "youtube videos.list",
            lambda: client.get(f"{YOUTUBE_API}/videos", params=video_params),
        )
        return youtube_batch("youtube", search, videos, self.max_short_seconds)

    # --- TikTok through an Apify actor ---------------------------------------------------

    def _tiktok(
        self, client: httpx.Client, keywords: list[str], now: datetime, limit: int
    ) -> SourceBatch:
        if not self.apify_token:
            raise ProviderError(
                "tiktok: no Apify token; set APIFY_TOKEN (Apify console > Settings > Integrations) "
                "or drop 'tiktok' from the trend sources"
            )
        if not keywords:
            raise ProviderError("tiktok: the Apify actor needs search keywords; set theme keywords")
        headers = {"Authorization": f"Bearer {self.apify_token}"}
        actor_input = {
            "searchQueries": keywords,
            "resultsPerPage": max(1, -(-limit // len(keywords))),
            "shouldDownloadVideos": False,
            "shouldDownloadCovers": False,
            "shouldDownloadSubtitles": False,
            "shouldDownloadSlideshowImages": False,
        }
        run = _apify_run(
            self._send(
                "apify run",
                lambda: client.post(
                    f"{APIFY_API}/acts/{self.apify_actor}/runs", headers=headers, json=actor_input
                ),
            )
        )
        run = self._wait_for_run(client, headers, run)
        items = self._send(
            "apify dataset",
            lambda: client.get(
                f"{APIFY_API}/datasets/{run['defaultDatasetId']}/items",
                headers=headers,
                params={"format": "json", "clean": "true", "limit": limit},
            ),
        )
        if not isinstance(items, list):
            raise ProviderError(f"tiktok: dataset {run['defaultDatasetId']} did not return a list")
        return tiktok_batch("tiktok", items)

    def _wait_for_run(
        self, client: httpx.Client, headers: dict[str, str], run: dict[str, Any]
    ) -> dict[str, Any]:
        """Poll the actor run until it ends; anything but SUCCEEDED is a ProviderError."""
        run_id = run["id"]
        for _ in range(self.apify_max_polls):
            if run.get("status") in APIFY_TERMINAL:
                break
            time.sleep(self.apify_poll_interval)
            run = _apify_run(
                self._send(
                    "apify run status",
                    lambda: client.get(f"{APIFY_API}/actor-runs/{run_id}", headers=headers),
                )
            )
        status = run.get("status")
        console = f"https://console.apify.com/actors/runs/{run_id}"
        if status not in APIFY_TERMINAL:
            raise ProviderError(
                f"tiktok: Apify run {run_id} still {status} after {self.apify_max_polls} polls; "
                f"raise apify_max_polls or apify_poll_interval, or inspect {console}"
            )
        if status != "SUCCEEDED":
            raise ProviderError(
                f"tiktok: Apify run {run_id} ended {status}: {run.get('statusMessage', '')}; "
                f"inspect {console}"
            )
        return run
