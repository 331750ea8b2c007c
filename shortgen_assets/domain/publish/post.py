"""What goes to each platform: the words fitted to its limits before anything is sent.

Limits (checked against each platform's API reference):
- YouTube videos.insert: title <= 100 characters, description <= 5000 bytes, no '<' or '>';
  tags <= 500 characters in all; with more than 15 hashtags YouTube ignores every one.
- TikTok Content Posting API: `post_info.title` (the caption) <= 2200 UTF-16 code units.
- Instagram Graph API `POST /{ig-user-id}/media`: caption <= 2200 characters, <= 30 hashtags.
Pure Python, no Dagster.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from shortgen_assets.domain.schemas import Platform, PublishTarget, Theme

HASHTAG = re.compile(r"(?<!\S)#(\S+)")
SHORTS_TAG = "Shorts"
YOUTUBE_TAGS_MAX_CHARS = 500
FORMAT_TARGET: dict[Platform, PublishTarget] = {
    "youtube_shorts": "youtube",
    "tiktok": "tiktok",
    "reels": "instagram",
}


@dataclass(frozen=True)
class Limits:
    title: int  # characters; 0 when the platform has no separate title
    caption: int  # YouTube: bytes of the description; TikTok: UTF-16 units; Instagram: chars
    hashtags: int


LIMITS: dict[PublishTarget, Limits] = {
    "youtube": Limits(title=100, caption=5000, hashtags=15),
    "tiktok": Limits(title=0, caption=2200, hashtags=100),
    "instagram": Limits(title=0, caption=2200, hashtags=30),
}


class PostError(ValueError):
    """A post that cannot be made within the platform's limits; the message names the fix."""


class Post(BaseModel):
    """One video for one platform, with its words already within that platform's limits."""

    platform: PublishTarget
    video_path: Path
    thumbnail_path: Path | None = None
    video_relpath: str | None = Field(None, description="path under the output folder, for URLs")
    title: str = Field(min_length=1)
    caption: str = Field(description="YouTube: the description; TikTok, Instagram: the caption")
    hashtags: list[str] = Field(default_factory=list, description="without '#'")
    tags: list[str] = Field(default_factory=list, description="YouTube keyword tags")
    language: str = "en"
    scheduled_at: datetime | None = None
    job_id: int
    video_id: int | None = None


def clean_hashtags(hashtags: list[str]) -> list[str]:
    """'#AI Tools' -> 'AITools': a hashtag holds no '#' or spaces; duplicates are dropped."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for tag in hashtags:
        word = "".join(tag.split()).lstrip("#").replace("#", "")
        if word and word.lower() not in seen:
            seen.add(word.lower())
            cleaned.append(word)
    return cleaned


def targets(theme: Theme) -> list[PublishTarget]:
    """The theme's `publish_to`, or the platform its format was made for."""
    return list(dict.fromkeys(theme.publish_to)) or [FORMAT_TARGET[theme.platform]]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _measure(platform: PublishTarget, text: str) -> int:
    if platform == "youtube":
        return len(text.encode())
    if platform == "tiktok":
        return utf16_length(text)
    return len(text)


def _cut(measure: Callable[[str], int], text: str, room: int) -> str:
    """`text` shortened to fit `room` units with an ellipsis, at a word boundary if one is near."""
    if measure(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if measure(text[:middle] + "…") <= room:
            low = middle
        else:
            high = middle - 1
    kept = text[:low]
    space = kept.rfind(" ")
    if space > len(kept) // 2:
        kept = kept[:space]
    return f"{kept.rstrip()}…" if kept.strip() else ""


def youtube_safe(text: str) -> str:
    """YouTube rejects '<' and '>' in titles and descriptions."""
    return text.replace("<", "").replace(">", "")


def youtube_tags(hashtags: list[str]) -> list[str]:
    """Tags within YouTube's 500-character budget (commas count; tags with spaces are quoted)."""
    tags: list[str] = []
    used = 0
    for tag in hashtags:
        cost = len(tag) + (2 if " " in tag else 0) + (1 if tags else 0)
        if used + cost > YOUTUBE_TAGS_MAX_CHARS:
            break
        tags.append(tag)
        used += cost
    return tags


def count_hashtags(text: str) -> int:
    return len(HASHTAG.findall(text))


def _keep_hashtags(text: str, keep: int) -> str:
    """The text with its first `keep` hashtags; later ones lose their '#'."""
    seen = 0

    def one(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group(0) if seen <= keep else match.group(1)

    return HASHTAG.sub(one, text)


def _hashtags_for(platform: PublishTarget, hashtags: list[str], body: str) -> list[str]:
    """The hashtag line: what the body lacks, within what the body leaves of the limit."""
    in_body = {tag.lower() for tag in HASHTAG.findall(body)}
    fresh = [t for t in hashtags if t.lower() not in in_body and t.lower() != SHORTS_TAG.lower()]
    room = max(0, LIMITS[platform].hashtags - count_hashtags(body))
    if platform != "youtube":
        return fresh[:room]
    return [*fresh[: max(0, room - 1)], SHORTS_TAG]


def fit_words(
    platform: PublishTarget, title: str, description: str, hashtags: list[str]
) -> tuple[str, str, list[str]]:
    """(title, caption, hashtags) within the platform's limits; the hashtag line is kept whole.

    YouTube gets the title apart and the description with its hashtag line; TikTok and
    Instagram get one caption: title, description, hashtags.
    """
    limits = LIMITS[platform]
    if platform == "youtube":
        title, description = youtube_safe(title).strip(), youtube_safe(description).strip()
        title = _cut(len, title, limits.title)
    if not title.strip():
        raise PostError(f"{platform}: the title is empty; give the plan a title")
    body = description if platform == "youtube" else f"{title.strip()}\n\n{description.strip()}"
    reserved = 1 if platform == "youtube" else 0  # #Shorts always goes on YouTube
    body = _keep_hashtags(body, limits.hashtags - reserved)
    tags = _hashtags_for(platform, clean_hashtags(hashtags), body)
    line = " ".join(f"#{t}" for t in tags)
    room = limits.caption - _measure(platform, line) - 2
    if room < 0:
        raise PostError(f"{platform}: the hashtags alone exceed the caption limit; use fewer")
    body = _cut(lambda text: _measure(platform, text), body.strip(), room)
    caption = f"{body}\n\n{line}".strip() if line else body
    return title.strip(), caption, tags


def check_post(post: Post) -> None:
    """Refuse a post over its platform's limits, before any request is made."""
    limits = LIMITS[post.platform]
    if limits.title and len(post.title) > limits.title:
        raise PostError(
            f"{post.platform}: the title has {len(post.title)} characters, over the "
            f"{limits.title} allowed; shorten it"
        )
    used = _measure(post.platform, post.caption)
    if used > limits.caption:
        raise PostError(
            f"{post.platform}: the caption is {used} long, over the {limits.caption} allowed; "
            "shorten the description"
        )
    count = count_hashtags(post.caption)
    if count > limits.hashtags:
        raise PostError(
            f"{post.platform}: the caption has {count} hashtags, over the {limits.hashtags} "
            "allowed; use fewer"
        )


class PostRequest(BaseModel):
    """The platform-neutral words of a publication, as the plan and theme give them."""

    title: str
    description: str
    hashtags: list[str]
    language: str = "en"

    @field_validator("hashtags")
    @classmethod
    def _clean(cls, hashtags: list[str]) -> list[str]:
        return clean_hashtags(hashtags)


def build_post(
    platform: PublishTarget,
    words: PostRequest,
    *,
    video_path: Path,
    thumbnail_path: Path | None,
    video_relpath: str | None,
    scheduled_at: datetime | None,
    job_id: int,
    video_id: int | None,
) -> Post:
    """The post for one platform, fitted and checked."""
    title, caption, tags = fit_words(platform, words.title, words.description, words.hashtags)
    post = Post(
        platform=platform,
        video_path=video_path,
        thumbnail_path=thumbnail_path,
        video_relpath=video_relpath,
        title=title,
        caption=caption,
        hashtags=tags,
        tags=youtube_tags(words.hashtags) if platform == "youtube" else [],
        language=words.language,
        scheduled_at=scheduled_at,
        job_id=job_id,
        video_id=video_id,
    )
    check_post(post)
    return post
