"""Turning raw platform payloads into TrendItems, and bookkeeping for one collection.

Every source (bundled sample, YouTube Data API, Apify TikTok actor) goes through the same
normalizers, so the offline default exercises exactly the parsing the live clients depend on.
A normalizer raises `MalformedItem` for a payload it cannot trust; callers count those instead of
failing the whole collection on one bad row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from shortgen_assets.domain.schemas import TrendItem

ISO_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
HASHTAG = re.compile(r"#(\w+)", re.UNICODE)
WORD = re.compile(r"[a-z0-9]+")
TITLE_LIMIT = 100
GENERIC_HASHTAGS = frozenset(
    {"fyp", "foryou", "foryoupage", "fy", "fypシ", "viral", "trending", "trend", "shorts", "short"}
    | {"youtubeshorts", "ytshorts", "tiktok", "tiktokviral", "explore", "explorepage", "reels"}
    | {"xyzbca", "capcut"}
)


class MalformedItem(ValueError):
    """A payload item missing a field or carrying a wrong type; counted and skipped."""


class TrendCollection(BaseModel):
    """What one collection produced, with the accounting that explains what it dropped."""

    collected_at: datetime
    items: list[TrendItem]
    counts: dict[str, int] = Field(description="usable items per source")
    platform_counts: dict[str, int] = Field(description="usable items per platform")
    skipped: dict[str, int] = Field(description="malformed items per source")
    filtered: dict[str, int] = Field(description="well-formed items that are not shorts")
    duplicates: int = 0
    skip_reasons: list[str] = Field(default_factory=list, description="first few skip reasons")


# --- small parsers -------------------------------------------------------------------------


def parse_iso8601_duration(text: str) -> float:
    """Seconds in a YouTube `contentDetails.duration` such as PT59S, PT1M2S or P0D."""
    match = ISO_DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        raise MalformedItem(f"duration {text!r} is not ISO-8601")
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]


def parse_timestamp(value: Any) -> datetime:
    """A tz-aware UTC datetime from an RFC 3339 string or a unix epoch number."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise MalformedItem(f"timestamp {value!r}: {exc}") from None
    raise MalformedItem(f"timestamp {value!r} is neither a string nor a number")


def normalize_hashtag(name: str) -> str:
    return name.strip().lstrip("#").strip().lower()


def extract_hashtags(*texts: str) -> list[str]:
    """Lowercase hashtags without '#', in first-seen order, no repeats."""
    found: list[str] = []
    for text in texts:
        found.extend(normalize_hashtag(tag) for tag in HASHTAG.findall(text or ""))
    return list(dict.fromkeys(tag for tag in found if tag))


def strip_hashtags(text: str) -> str:
    return " ".join(HASHTAG.sub(" ", text).split())


def _require(mapping: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    if value is None or not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedItem(f"{key} is missing or not {getattr(kind, '__name__', kind)}")
    return value


def _count(value: Any, name: str, required: bool = False) -> int:
    """A non-negative integer from an int or a digit string (YouTube sends counts as strings)."""
    if value is None and not required:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedItem(f"{name} {value!r} is not a count")
    try:
        number = int(value)
    except ValueError:
        raise MalformedItem(f"{name} {value!r} is not a count") from None
    if number < 0:
        raise MalformedItem(f"{name} {value!r} is negative")
    return number


def _build(**fields: Any) -> TrendItem:
    try:
        return TrendItem(**fields)
    except ValidationError as exc:
        raise MalformedItem(str(exc.errors()[0]["msg"])) from None


# --- YouTube -------------------------------------------------------------------------------


def youtube_video_ids(search_response: Mapping[str, Any]) -> list[str]:
    """Video ids from a `search.list` response, in rank order, ignoring non-video results."""
    ids: list[str] = []
    results = search_response.get("items") if isinstance(search_response, Mapping) else None
    for result in results if isinstance(results, list) else []:
        identity = result.get("id") if isinstance(result, Mapping) else None
        if isinstance(identity, Mapping) and isinstance(identity.get("videoId"), str):
            ids.append(identity["videoId"])
    return list(dict.fromkeys(ids))


def _best_thumbnail(thumbnails: Any) -> str | None:
    if not isinstance(thumbnails, Mapping):
        return None
    for size in ("maxres", "standard", "high", "medium", "default"):
        entry = thumbnails.get(size)
        if isinstance(entry, Mapping) and isinstance(entry.get("url"), str):
            return entry["url"]
    return None


def normalize_youtube_video(video: Mapping[str, Any], source: str) -> TrendItem:
    """A `videos.list` item (part=snippet,contentDetails,statistics) as a TrendItem."""
    video_id = _require(video, "id", str)
    snippet = _require(video, "snippet", Mapping)
    details = _require(video, "contentDetails", Mapping)
    stats = _require(video, "statistics", Mapping)
    title = _require(snippet, "title", str)
    description = snippet.get("description") or ""
    if not isinstance(description, str):
        raise MalformedItem("snippet.description is not a string")
    return _build(
        platform="youtube",
        external_id=video_id,
        source=source,
        title=title.strip(),
        description=description,
        hashtags=extract_hashtags(title, description),
        views=_count(stats.get("viewCount"), "statistics.viewCount", required=True),
        likes=_count(stats.get("likeCount"), "statistics.likeCount"),
        comments=_count(stats.get("commentCount"), "statistics.commentCount"),
        shares=0,
        duration_seconds=parse_iso8601_duration(_require(details, "duration", str)),
        creator=snippet.get("channelTitle") or "",
        creator_id=snippet.get("channelId") or "",
        sound=None,
        video_url=f"https://www.youtube.com/shorts/{video_id}",
        thumbnail_url=_best_thumbnail(snippet.get("thumbnails")),
        posted_at=parse_timestamp(_require(snippet, "publishedAt", str)),
    )


# --- TikTok (Apify clockworks~tiktok-scraper dataset items) --------------------------------


def _tiktok_title(text: str) -> str:
    first_line = next((line for line in text.splitlines() if strip_hashtags(line)), "")
    title = strip_hashtags(first_line) or text.strip()
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1].rstrip() + "…"


def _tiktok_cover(item: Mapping[str, Any], meta: Mapping[str, Any]) -> str | None:
    for candidate in (meta.get("coverUrl"), meta.get("originalCoverUrl")):
        if isinstance(candidate, str):
            return candidate
    covers = item.get("covers")
    if isinstance(covers, list) and covers and isinstance(covers[0], str):
        return covers[0]
    if isinstance(covers, Mapping) and isinstance(covers.get("default"), str):
        return covers["default"]
    return None


def _tiktok_hashtags(item: Mapping[str, Any], text: str) -> list[str]:
    listed = item.get("hashtags") or []
    if not isinstance(listed, list):
        raise MalformedItem("hashtags is not a list")
    names = [h.get("name") for h in listed if isinstance(h, Mapping)]
    tags = [normalize_hashtag(n) for n in names if isinstance(n, str) and n.strip()]
    return list(dict.fromkeys([*tags, *extract_hashtags(text)]))


def normalize_tiktok_item(item: Mapping[str, Any], source: str) -> TrendItem:
    """One clockworks~tiktok-scraper dataset item as a TrendItem."""
    video_id = str(_require(item, "id", str | int))
    text = _require(item, "text", str)
    author = _require(item, "authorMeta", Mapping)
    video_meta = _require(item, "videoMeta", Mapping)
    music = item.get("musicMeta") if isinstance(item.get("musicMeta"), Mapping) else {}
    created = item.get("createTimeISO") or item.get("createTime")
    handle = author.get("name") or ""
    web_url = item.get("webVideoUrl")
    return _build(
        platform="tiktok",
        external_id=video_id,
        source=source,
        title=_tiktok_title(text),
        description=text,
        hashtags=_tiktok_hashtags(item, text),
        views=_count(item.get("playCount"), "playCount", required=True),
        likes=_count(item.get("diggCount"), "diggCount"),
        comments=_count(item.get("commentCount"), "commentCount"),
        shares=_count(item.get("shareCount"), "shareCount"),
        duration_seconds=_require(video_meta, "duration", int | float),
        creator=author.get("nickName") or handle,
        creator_id=str(author.get("id") or handle),
        sound=music.get("musicName") or None,
        video_url=web_url if isinstance(web_url, str) else None,
        thumbnail_url=_tiktok_cover(item, video_meta),
        posted_at=parse_timestamp(created),
    )


# --- collection helpers --------------------------------------------------------------------


def dedupe(items: Iterable[TrendItem]) -> tuple[list[TrendItem], int]:
    """First occurrence per (platform, external_id) wins; returns the items and the drop count."""
    seen: set[tuple[str, str]] = set()
    kept: list[TrendItem] = []
    dropped = 0
    for item in items:
        key = (item.platform, item.external_id)
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(item)
    return kept, dropped


def shift_posted_at(items: Iterable[TrendItem], delta: timedelta) -> list[TrendItem]:
    """Move every timestamp by `delta`, so captured sample data reads as collected now."""
    return [item.model_copy(update={"posted_at": item.posted_at + delta}) for item in items]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in WORD.findall(text.lower())}


def relevance(item: TrendItem, keywords: Iterable[str]) -> int:
    """How well an item answers a search, summed over keywords (each 0..3).

    A keyword scores 3 when it is a hashtag (glued: "home workout" is #homeworkout, also inside a
    longer tag), 2 when all its words are in the title or hashtags, 1 when all are somewhere in
    the description. Plural s is ignored, so "pushup" finds "pushups".
    """
    tags = [tag for tag in item.hashtags if tag not in GENERIC_HASHTAGS]
    title_words = _words(item.title)
    all_words = title_words | _words(item.description)
    score = 0
    for keyword in keywords:
        words = [_stem(w) for w in WORD.findall(keyword.lower())]
        glued = "".join(words)
        if not words:
            continue
        if any(glued == tag or (len(glued) > 3 and glued in tag) for tag in tags):
            score += 3
        elif all(w in title_words or any(len(w) > 3 and w in tag for tag in tags) for w in words):
            score += 2
        elif all(w in all_words for w in words):
            score += 1
    return score


def rank_for_keywords(items: list[TrendItem], keywords: list[str], limit: int) -> list[TrendItem]:
    """Behave like a platform search: direct matches, then related videos, at most `limit`.

    Direct matches rank by relevance, then views. Related means sharing at least two topical
    hashtags with the direct matches (the way "more like this" widens a narrow query). Nothing
    else is added: a niche query gets a small snapshot, not the most viewed unrelated videos.
    No keywords: the most viewed.
    """
    by_views = sorted(items, key=lambda item: (-item.views, item.external_id))
    keywords = [k for k in keywords if WORD.search(k.lower())]
    if not keywords:
        return by_views[:limit]
    direct = {id(item): relevance(item, keywords) for item in items}
    matched = sorted((i for i in by_views if direct[id(i)] > 0), key=lambda i: -direct[id(i)])
    expansion = {tag for item in matched for tag in item.hashtags} - GENERIC_HASHTAGS
    rest = [item for item in by_views if direct[id(item)] == 0]
    shared = {id(item): len(expansion.intersection(item.hashtags)) for item in rest}
    related = sorted((i for i in rest if shared[id(i)] >= 2), key=lambda i: -shared[id(i)])
    return (matched + related)[:limit]
