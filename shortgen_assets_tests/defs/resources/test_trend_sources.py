"""Trend sources against recorded HTTP (YouTube Data API v3, Apify) and the bundled sample."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.trend_sources import combine
from shortgen_assets.defs.resources.trend_sources.sample import SampleTrends
from shortgen_assets.defs.resources.trend_sources.tiktok import TikTokTrends
from shortgen_assets.defs.resources.trend_sources.youtube import YouTubeTrends
from shortgen_assets.domain.trends.analysis import analyze_trends, report_problems

FIXTURES = Path(__file__).parents[2] / "fixtures" / "trends"
NOW = datetime(2025, 6, 12, 16, 0, tzinfo=UTC)
SEARCH_URL = "https://www.googleapis.com/youtube/v3/search"
VIDEOS_URL = "https://www.googleapis.com/youtube/v3/videos"
APIFY = "https://api.apify.com/v2"
RUN_URL = f"{APIFY}/acts/clockworks~tiktok-scraper/runs"
RUN_STATUS_URL = f"{APIFY}/actor-runs/HG7ML7M8z78YcAPEB"
DATASET_URL = f"{APIFY}/datasets/wmKPijuyDnPZAPRMk/items"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def youtube(**overrides: Any) -> YouTubeTrends:
    config = {"api_key": "test-key", "retry_base_wait": 0.0}
    return YouTubeTrends(**{**config, **overrides})


def tiktok(**overrides: Any) -> TikTokTrends:
    config = {"api_token": "apify_api_test", "poll_interval": 0.0, "retry_base_wait": 0.0}
    return TikTokTrends(**{**config, **overrides})


# --- YouTube ---------------------------------------------------------------------------------


@respx.mock
def test_youtube_keeps_shorts_and_counts_what_it_drops() -> None:
    search = respx.get(SEARCH_URL).respond(200, json=fixture("youtube_search.json"))
    videos = respx.get(VIDEOS_URL).respond(200, json=fixture("youtube_videos.json"))

    collection = youtube().collect(["home workout", "fitness"], NOW, max_results=25)

    query = dict(search.calls.last.request.url.params)
    assert query["type"] == "video" and query["videoDuration"] == "short"
    assert query["order"] == "viewCount" and query["q"] == "home workout|fitness"
    assert query["publishedAfter"] == "2025-06-05T16:00:00Z" and query["maxResults"] == "25"
    assert query["key"] == "test-key" and query["regionCode"] == "US"
    video_query = dict(videos.calls.last.request.url.params)
    assert video_query["part"] == "snippet,contentDetails,statistics"
    assert (
        len(video_query["id"].split(",")) == 6
    )  # the channel result in the search page is ignored

    ids = [item.external_id for item in collection.items]
    assert ids == ["FDqKJ4Z1cpC", "QXwkTWJ9vas", "m3KqeL8bJC8"]  # 45 s, exactly 60 s, 19 s
    assert collection.skipped == {"youtube": 1}  # the video without a view count
    assert collection.filtered == {"youtube": 2}  # PT2M5S and a P0D live stream
    assert "viewCount" in collection.skip_reasons[0]
    first = collection.items[0]
    assert first.platform == "youtube" and first.source == "youtube"
    assert isinstance(first.views, int) and first.views > 0
    assert first.posted_at.tzinfo is not None
    assert first.video_url == "https://www.youtube.com/shorts/FDqKJ4Z1cpC"
    assert all(tag == tag.lower() and not tag.startswith("#") for tag in first.hashtags)


@respx.mock
def test_youtube_quota_exceeded_is_retried_then_fails_clearly() -> None:
    route = respx.get(SEARCH_URL).respond(403, json=fixture("youtube_quota_exceeded.json"))

    with pytest.raises(ProviderError, match="403") as failure:
        youtube(retry_attempts=3).collect(["fitness"], NOW)

    assert route.call_count == 3
    assert "youtube search.list" in str(failure.value)
    assert "quota is spent" in str(failure.value) and "exceeded your" in str(failure.value)


@respx.mock
def test_youtube_rate_limit_then_success() -> None:
    respx.get(SEARCH_URL).mock(
        side_effect=[httpx.Response(429), httpx.Response(200, json=fixture("youtube_search.json"))]
    )
    respx.get(VIDEOS_URL).respond(200, json=fixture("youtube_videos.json"))

    collection = youtube().collect(["fitness"], NOW)

    assert collection.counts == {"youtube": 3}


@respx.mock
def test_youtube_server_error_fails_after_retries() -> None:
    respx.get(SEARCH_URL).respond(200, json=fixture("youtube_search.json"))
    route = respx.get(VIDEOS_URL).respond(500, text="backendError")

    with pytest.raises(ProviderError, match=r"videos\.list: HTTP 500"):
        youtube(retry_attempts=2).collect(["fitness"], NOW)
    assert route.call_count == 2


@respx.mock
def test_youtube_timeout_fails_after_retries() -> None:
    route = respx.get(SEARCH_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))

    with pytest.raises(ProviderError, match="timed out"):
        youtube(retry_attempts=2).collect(["fitness"], NOW)
    assert route.call_count == 2


@respx.mock
def test_youtube_zero_results_is_an_empty_snapshot_not_an_error() -> None:
    respx.get(SEARCH_URL).respond(200, json=fixture("youtube_search_empty.json"))

    assert youtube().collect(["an obscure phrase"], NOW).items == []


@respx.mock
def test_youtube_nothing_short_is_an_empty_snapshot_and_nothing_readable_an_error() -> None:
    page = fixture("youtube_videos.json")
    for video in page["items"]:
        video["contentDetails"]["duration"] = "PT4M"
    respx.get(SEARCH_URL).respond(200, json=fixture("youtube_search.json"))
    respx.get(VIDEOS_URL).respond(200, json=page)

    assert youtube().collect(["fitness"], NOW).items == []

    for video in page["items"]:
        del video["statistics"]
    respx.get(VIDEOS_URL).respond(200, json=page)
    with pytest.raises(ProviderError, match="no usable trending shorts"):
        youtube().collect(["fitness"], NOW)


@respx.mock
def test_youtube_bad_key_fails_at_once() -> None:
    route = respx.get(SEARCH_URL).respond(400, json={"error": {"message": "API key not valid."}})

    with pytest.raises(ProviderError, match="API key not valid"):
        youtube().collect(["fitness"], NOW)
    assert route.call_count == 1


def test_empty_keys_name_the_environment_variable() -> None:
    with respx.mock() as router:
        with pytest.raises(ProviderError, match="youtube: no API key; set YOUTUBE_API_KEY"):
            youtube(api_key="").collect(["fitness"], NOW)
        with pytest.raises(ProviderError, match="tiktok: no API key; set APIFY_TOKEN"):
            tiktok(api_token="").collect(["fitness"], NOW)
    assert not router.calls


# --- TikTok through Apify --------------------------------------------------------------------


@respx.mock
def test_tiktok_run_poll_and_dataset() -> None:
    start = respx.post(RUN_URL).respond(201, json=fixture("apify_run_ready.json"))
    poll = respx.get(RUN_STATUS_URL).mock(
        side_effect=[
            httpx.Response(200, json=fixture("apify_run_running.json")),
            httpx.Response(200, json=fixture("apify_run_succeeded.json")),
        ]
    )
    dataset = respx.get(DATASET_URL).respond(200, json=fixture("apify_dataset_items.json"))

    collection = tiktok().collect(["home workout"], NOW, max_results=10)

    request = start.calls.last.request
    assert request.headers["Authorization"] == "Bearer apify_api_test"
    body = json.loads(request.content)
    assert body["searchQueries"] == ["home workout"] and body["resultsPerPage"] == 10
    assert poll.call_count == 2
    assert dict(dataset.calls.last.request.url.params)["format"] == "json"
    assert collection.counts == {"tiktok": 4}
    assert collection.skipped == {"tiktok": 2}  # a non-numeric playCount and an error record
    item = collection.items[0]
    assert item.platform == "tiktok" and item.sound and item.creator and item.creator_id
    assert item.video_url.startswith("https://www.tiktok.com/@")
    assert "#" not in item.title and item.hashtags


@respx.mock
def test_tiktok_failed_run_is_an_error() -> None:
    respx.post(RUN_URL).respond(201, json=fixture("apify_run_ready.json"))
    respx.get(RUN_STATUS_URL).respond(200, json=fixture("apify_run_failed.json"))

    with pytest.raises(ProviderError, match=r"ended FAILED.*captcha"):
        tiktok().collect(["fitness"], NOW)


@respx.mock
def test_tiktok_run_that_never_finishes_stops_polling() -> None:
    respx.post(RUN_URL).respond(201, json=fixture("apify_run_ready.json"))
    poll = respx.get(RUN_STATUS_URL).respond(200, json=fixture("apify_run_running.json"))

    with pytest.raises(ProviderError, match="still RUNNING after 3 polls"):
        tiktok(max_polls=3).collect(["fitness"], NOW)
    assert poll.call_count == 3


@respx.mock
def test_tiktok_server_error_fails_after_retries() -> None:
    route = respx.post(RUN_URL).respond(502, text="Bad Gateway")

    with pytest.raises(ProviderError, match="apify run: HTTP 502"):
        tiktok(retry_attempts=2).collect(["fitness"], NOW)
    assert route.call_count == 2


# --- bundled sample --------------------------------------------------------------------------


def test_sample_parses_every_item_with_no_skips() -> None:
    collection = SampleTrends().collect([], NOW, max_results=500)

    assert len(collection.items) >= 60
    assert collection.skipped == {"sample": 0}
    assert collection.filtered == {"sample": 4}  # long videos in the search page are not shorts
    assert set(collection.platform_counts) == {"youtube", "tiktok"}
    assert all(i.duration_seconds <= 60 for i in collection.items)


def test_sample_timestamps_are_recent_relative_to_now() -> None:
    for now in (NOW, datetime.now(UTC) + timedelta(days=400)):
        items = SampleTrends().collect(["fitness"], now).items
        ages = [now - item.posted_at for item in items]
        assert all(timedelta(0) < age <= timedelta(days=10) for age in ages)


def test_sample_slices_follow_the_keywords_deterministically() -> None:
    source = SampleTrends()
    fitness = source.collect(["home workout", "fitness", "protein"], NOW)
    coffee = source.collect(["coffee", "latte", "espresso"], NOW)

    fitness_ids = {i.external_id for i in fitness.items}
    coffee_ids = {i.external_id for i in coffee.items}
    assert fitness_ids != coffee_ids
    assert len(fitness_ids & coffee_ids) <= 2
    assert [i.external_id for i in source.collect(["coffee", "latte", "espresso"], NOW).items] == [
        i.external_id for i in coffee.items
    ]
    assert any("coffee" in i.hashtags for i in coffee.items)

    fitness_report = analyze_trends(fitness.items, NOW)
    coffee_report = analyze_trends(coffee.items, NOW)
    assert report_problems(fitness_report) == [] and report_problems(coffee_report) == []
    assert fitness_report.top_hashtags[:5] != coffee_report.top_hashtags[:5]
    assert {c.label for c in fitness_report.clusters}.isdisjoint(
        c.label for c in coffee_report.clusters
    )


def test_sample_respects_max_results() -> None:
    assert len(SampleTrends().collect([], NOW, max_results=7).items) == 7


@respx.mock
def test_sources_combine_and_dedupe() -> None:
    respx.get(SEARCH_URL).respond(200, json=fixture("youtube_search.json"))
    respx.get(VIDEOS_URL).respond(200, json=fixture("youtube_videos.json"))

    collection = combine([SampleTrends(), youtube()]).collect([], NOW, max_results=500)

    keys = [(i.platform, i.external_id) for i in collection.items]
    assert len(keys) == len(set(keys))
    assert collection.duplicates == 3  # the recorded YouTube videos are also in the sample
    assert collection.counts["youtube"] == 3 and collection.counts["sample"] >= 60


@respx.mock
def test_tiktok_unexpected_run_payload_is_an_error() -> None:
    respx.post(RUN_URL).respond(201, json={"error": {"type": "actor-not-found"}})

    with pytest.raises(ProviderError, match=r"without a run object.*actor-not-found"):
        tiktok().collect(["fitness"], NOW)
