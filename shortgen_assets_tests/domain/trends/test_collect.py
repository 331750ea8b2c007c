"""Normalizing YouTube and Apify TikTok payloads, and the search behaviour of the sample."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shortgen_assets.domain.schemas import TrendItem
from shortgen_assets.domain.trends.collect import (
    MalformedItem,
    dedupe,
    extract_hashtags,
    normalize_tiktok_item,
    normalize_youtube_video,
    parse_iso8601_duration,
    rank_for_keywords,
    relevance,
    youtube_video_ids,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "trends"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT59S", 59), ("PT1M", 60), ("PT1M2S", 62), ("PT1H", 3600), ("P0D", 0), ("PT0.5S", 0.5)],
)
def test_iso8601_durations(text: str, seconds: float) -> None:
    assert parse_iso8601_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "PT", "P", "1:00", "59", "PT1X"])
def test_bad_durations_are_malformed(text: str) -> None:
    with pytest.raises(MalformedItem):
        parse_iso8601_duration(text)


def test_hashtags_are_lowercase_without_hash_and_unique() -> None:
    assert extract_hashtags("Leg day #GymTok #fitness", "#gymtok #Fitness #30DayChallenge") == [
        "gymtok",
        "fitness",
        "30daychallenge",
    ]


def test_youtube_video_normalizes_strings_and_durations() -> None:
    video = fixture("youtube_videos.json")["items"][0]

    item = normalize_youtube_video(video, "youtube")

    assert item.external_id == video["id"]
    assert item.views == int(video["statistics"]["viewCount"])
    assert item.likes == int(video["statistics"]["likeCount"])
    assert item.duration_seconds == 45
    assert item.creator == video["snippet"]["channelTitle"]
    assert item.creator_id.startswith("UC")
    assert item.posted_at.tzinfo is not None and item.posted_at.utcoffset() == timedelta(0)
    assert item.thumbnail_url and item.thumbnail_url.startswith("https://i.ytimg.com/vi/")
    assert item.hashtags and all(not t.startswith("#") for t in item.hashtags)


def test_youtube_hidden_likes_are_zero_not_malformed() -> None:
    video = copy.deepcopy(fixture("youtube_videos.json")["items"][0])
    del video["statistics"]["likeCount"]

    assert normalize_youtube_video(video, "youtube").likes == 0


@pytest.mark.parametrize(
    "breakage",
    [
        lambda v: v.pop("snippet"),
        lambda v: v["statistics"].pop("viewCount"),
        lambda v: v["statistics"].update(viewCount="many"),
        lambda v: v["statistics"].update(likeCount=-3),
        lambda v: v["contentDetails"].update(duration=61),
        lambda v: v["snippet"].update(publishedAt="yesterday"),
        lambda v: v.update(id=""),
    ],
)
def test_youtube_broken_items_are_malformed(breakage: Any) -> None:
    video = copy.deepcopy(fixture("youtube_videos.json")["items"][0])
    breakage(video)

    with pytest.raises(MalformedItem):
        normalize_youtube_video(video, "youtube")


def test_search_ids_skip_channels_and_keep_rank() -> None:
    ids = youtube_video_ids(fixture("youtube_search.json"))

    assert len(ids) == 6 and all(len(i) == 11 for i in ids)


def test_tiktok_item_normalizes() -> None:
    raw = fixture("apify_dataset_items.json")[0]

    item = normalize_tiktok_item(raw, "tiktok")

    assert item.external_id == raw["id"]
    assert item.views == raw["playCount"] and item.shares == raw["shareCount"]
    assert item.likes == raw["diggCount"] and item.comments == raw["commentCount"]
    assert item.duration_seconds == raw["videoMeta"]["duration"]
    assert item.creator == raw["authorMeta"]["nickName"]
    assert item.creator_id == raw["authorMeta"]["id"]
    assert item.sound == raw["musicMeta"]["musicName"]
    assert item.video_url == raw["webVideoUrl"]
    assert item.posted_at == datetime.fromtimestamp(raw["createTime"], tz=UTC)
    assert "#" not in item.title and item.title in raw["text"]
    assert item.hashtags == [h["name"].lower() for h in raw["hashtags"]]


def test_tiktok_epoch_time_without_iso_is_accepted() -> None:
    raw = copy.deepcopy(fixture("apify_dataset_items.json")[0])
    del raw["createTimeISO"]

    assert normalize_tiktok_item(raw, "tiktok").posted_at.tzinfo is not None


@pytest.mark.parametrize(
    "breakage",
    [
        lambda v: v.pop("videoMeta"),
        lambda v: v.update(playCount="lots"),
        lambda v: v.update(diggCount=True),
        lambda v: v.update(text=None),
        lambda v: v.pop("createTime") and v.pop("createTimeISO"),
        lambda v: v.update(hashtags="fitness"),
    ],
)
def test_tiktok_broken_items_are_malformed(breakage: Any) -> None:
    raw = copy.deepcopy(fixture("apify_dataset_items.json")[0])
    breakage(raw)

    with pytest.raises(MalformedItem):
        normalize_tiktok_item(raw, "tiktok")


def _item(external_id: str, title: str, tags: list[str], views: int = 1000) -> TrendItem:
    return TrendItem(
        platform="tiktok",
        external_id=external_id,
        source="test",
        title=title,
        hashtags=tags,
        views=views,
        duration_seconds=20,
        posted_at=datetime(2025, 6, 1, tzinfo=UTC),
    )


def test_dedupe_keeps_first_per_platform_and_id() -> None:
    first, again = _item("1", "a", []), _item("1", "b", [])
    other_platform = first.model_copy(update={"platform": "youtube"})

    kept, dropped = dedupe([first, again, other_platform])

    assert [k.title for k in kept] == ["a", "a"] and dropped == 1


def test_relevance_needs_every_word_of_a_phrase() -> None:
    workout = _item("1", "20 minute workout at home", ["fitness"])
    espresso = _item("2", "home espresso that tastes sour", ["coffee"])
    tagged = _item("3", "leg day", ["homeworkout"])

    assert relevance(workout, ["home workout"]) == 2
    assert relevance(espresso, ["home workout"]) == 0
    assert relevance(tagged, ["home workout"]) == 3


def test_rank_for_keywords_prefers_matches_then_related_and_never_pads() -> None:
    items = [
        _item("1", "squat tips", ["fitness", "legday", "gymtok"], views=10),
        _item("2", "pasta night", ["cooking", "pasta"], views=5000),
        _item("3", "leg press", ["legday", "gymtok"], views=20),
        _item("4", "cat video", ["cats"], views=9000),
        _item("5", "gym fail", ["gymtok", "funny"], views=7000),
    ]

    ranked = rank_for_keywords(items, ["fitness"], limit=10)

    assert [i.external_id for i in ranked] == ["1", "3"]  # the cat and the fail are unrelated
    assert rank_for_keywords(items, ["houseplant"], limit=10) == []
    assert [i.external_id for i in rank_for_keywords(items, [], limit=2)] == ["4", "5"]
