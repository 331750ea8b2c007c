"""What a publication is: the request, its result, the YouTube video resource and the manifest.

The manifest is the durable record of a publication, written beside the video whatever the
provider: the exact file that was (or would be) published, identified by size and sha256, and the
exact API request that uploads it. A dry run stops there; the YouTube provider uploads and adds the
video id and URL. Pure Python, no Dagster.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from shortgen_assets.domain.schemas import Platform

MANIFEST_SUFFIX = ".publish.json"
MANIFEST_VERSION = 1
PublisherProvider = Literal["dry_run", "youtube"]

# YouTube limits (videos.insert): title <= 100 characters, description <= 5000 bytes, no angle
# brackets in either; tags <= 500 characters in total; more than 15 hashtags and YouTube ignores
# them all.
YOUTUBE_TITLE_MAX = 100
YOUTUBE_DESCRIPTION_MAX_BYTES = 5000
YOUTUBE_TAGS_MAX_CHARS = 500
YOUTUBE_HASHTAGS_MAX = 15
SHORTS_TAG = "Shorts"


class PublishRequest(BaseModel):
    """One video to publish, with the words that go with it."""

    video_path: Path
    thumbnail_path: Path | None = None
    title: str = Field(min_length=1)
    description: str = ""
    hashtags: list[str] = Field(default_factory=list, description="without '#'")
    platform: Platform = "youtube_shorts"
    job_id: int
    video_id: int | None = Field(None, description="the app's videos row id")

    @field_validator("hashtags")
    @classmethod
    def _clean_hashtags(cls, hashtags: list[str]) -> list[str]:
        """'#AI Tools' -> 'AITools': hashtags cannot hold '#' or spaces; duplicates dropped."""
        cleaned: list[str] = []
        for tag in hashtags:
            word = "".join(tag.split()).lstrip("#")
            if word and word.lower() not in {c.lower() for c in cleaned}:
                cleaned.append(word)
        return cleaned


class PublishResult(BaseModel):
    """Where the manifest is and, for a real upload, where the video went.

    A dry run publishes nothing, so `published_url` and `platform_video_id` are None and
    `published_at` is when the manifest was written.
    """

    manifest_path: Path
    published_url: str | None
    published_at: datetime
    provider: PublisherProvider
    platform_video_id: str | None = None


def manifest_path_for(video_path: Path) -> Path:
    """`<folder>/<stem>.publish.json` beside the video."""
    return video_path.with_name(video_path.stem + MANIFEST_SUFFIX)


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks so a large video never sits in memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def youtube_safe(text: str) -> str:
    """YouTube rejects '<' and '>' in titles and descriptions."""
    return text.replace("<", "").replace(">", "")


def youtube_hashtags(hashtags: list[str]) -> list[str]:
    """The hashtags for the description: #Shorts included, at most the 15 YouTube honours."""
    tags = [t for t in hashtags if t.lower() != SHORTS_TAG.lower()]
    return [*tags[: YOUTUBE_HASHTAGS_MAX - 1], SHORTS_TAG]


def youtube_description(description: str, hashtags: list[str]) -> str:
    """The description with its hashtag line, cut to YouTube's 5000 bytes (hashtags kept)."""
    line = " ".join(f"#{t}" for t in youtube_hashtags(hashtags))
    room = YOUTUBE_DESCRIPTION_MAX_BYTES - len(line.encode()) - 2
    body = youtube_safe(description).strip().encode()[: max(0, room)]
    text = body.decode(errors="ignore").strip()
    return f"{text}\n\n{line}" if text else line


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


def youtube_video_resource(
    request: PublishRequest, category_id: str, privacy_status: str
) -> dict[str, Any]:
    """The `video` resource (snippet + status) sent when the upload session is opened."""
    return {
        "snippet": {
            "title": youtube_safe(request.title).strip()[:YOUTUBE_TITLE_MAX],
            "description": youtube_description(request.description, request.hashtags),
            "tags": youtube_tags(request.hashtags),
            "categoryId": category_id,
        },
        "status": {"privacyStatus": privacy_status, "selfDeclaredMadeForKids": False},
    }


def build_manifest(
    request: PublishRequest,
    *,
    provider: PublisherProvider,
    size_bytes: int,
    sha256: str,
    duration_seconds: float,
    api_request: dict[str, Any] | None,
    created_at: datetime,
    published: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest document; `published` is None until a provider has really published."""
    video = request.video_path.resolve()
    thumbnail = request.thumbnail_path.resolve() if request.thumbnail_path else None
    return {
        "manifest_version": MANIFEST_VERSION,
        "provider": provider,
        "platform": request.platform,
        "job_id": request.job_id,
        "video_id": request.video_id,
        "title": request.title,
        "description": request.description,
        "hashtags": request.hashtags,
        "file": {
            "name": video.name,
            "path": str(video),
            "size_bytes": size_bytes,
            "sha256": sha256,
            "duration_seconds": round(duration_seconds, 3),
        },
        "thumbnail": {"name": thumbnail.name, "path": str(thumbnail)} if thumbnail else None,
        "api_request": api_request,
        "created_at": created_at.isoformat(),
        "published": published,
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest JSON to a temporary name in the same folder, then rename it in place."""
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(manifest, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path
