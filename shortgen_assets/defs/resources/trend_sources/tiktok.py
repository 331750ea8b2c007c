"""TikTok through an Apify actor: start a run, poll it to the end, read its dataset."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from shortgen_assets.defs.resources.http import HttpVendor, ProviderError, require_key
from shortgen_assets.defs.resources.trend_sources import (
    SourceBatch,
    TrendSource,
    require_items,
    tiktok_batch,
)

if TYPE_CHECKING:
    import httpx

API = "https://api.apify.com/v2"
TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"})
KEY_ENV = "APIFY_TOKEN"


class TikTokTrends(TrendSource, HttpVendor):
    """TikTok search results scraped by an Apify actor; `api_token` comes from APIFY_TOKEN."""

    source: ClassVar[str] = "tiktok"
    api_token: str = Field(description=f"{KEY_ENV} (Apify console > Settings > Integrations)")
    actor: str = "clockworks~tiktok-scraper"
    poll_interval: float = Field(5.0, ge=0)
    max_polls: int = Field(120, ge=1)
    timeout_seconds: float = Field(30.0, gt=0, description="read timeout of one request")

    def fetch(self, keywords: list[str], now: datetime, limit: int) -> SourceBatch:
        require_key(self.source, self.api_token, KEY_ENV)
        if not keywords:
            raise ProviderError("tiktok: the Apify actor needs search keywords; set theme keywords")
        actor_input = {
            "searchQueries": keywords,
            "resultsPerPage": max(1, -(-limit // len(keywords))),
            "shouldDownloadVideos": False,
            "shouldDownloadCovers": False,
            "shouldDownloadSubtitles": False,
            "shouldDownloadSlideshowImages": False,
        }
        headers = {"Authorization": f"Bearer {self.api_token}"}
        with self.client(headers=headers) as client:
            started = self.send_json(
                "apify run", lambda: client.post(f"{API}/acts/{self.actor}/runs", json=actor_input)
            )
            run = self._wait_for_run(client, _run(started))
            dataset = run["defaultDatasetId"]
            items = self.send_json(
                "apify dataset",
                lambda: client.get(
                    f"{API}/datasets/{dataset}/items",
                    params={"format": "json", "clean": "true", "limit": limit},
                ),
            )
        if not isinstance(items, list):
            raise ProviderError(f"tiktok: dataset {dataset} did not return a list")
        return require_items(tiktok_batch(self.source, items), keywords)

    def _wait_for_run(self, client: httpx.Client, run: dict[str, Any]) -> dict[str, Any]:
        """Poll the actor run until it ends; anything but SUCCEEDED is a ProviderError."""
        run_id = run["id"]
        for _ in range(self.max_polls):
            if run.get("status") in TERMINAL:
                break
            time.sleep(self.poll_interval)
            run = _run(
                self.send_json("apify run status", lambda: client.get(f"{API}/actor-runs/{run_id}"))
            )
        status = run.get("status")
        console = f"https://console.apify.com/actors/runs/{run_id}"
        if status not in TERMINAL:
            raise ProviderError(
                f"tiktok: Apify run {run_id} still {status} after {self.max_polls} polls; "
                f"raise max_polls or poll_interval, or inspect {console}"
            )
        if status != "SUCCEEDED":
            raise ProviderError(
                f"tiktok: Apify run {run_id} ended {status}: {run.get('statusMessage', '')}; "
                f"inspect {console}"
            )
        return run


def _run(payload: Any) -> dict[str, Any]:
    """The run object of an Apify run response, or a ProviderError saying what came back."""
    run = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(run, dict) or not run.get("id") or not run.get("defaultDatasetId"):
        raise ProviderError(f"tiktok: Apify answered without a run object: {str(payload)[:200]}")
    return run
