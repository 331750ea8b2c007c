"""The publish manifest: the durable record of one publication to one platform.

Written beside the video whatever the vendor: the exact file that was (or would be) published,
identified by size and sha256, the words sent, and the first API request. A dry run stops there;
a live vendor adds what the platform answered (remote id, URL). Pure Python, no Dagster.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shortgen_assets.domain.publish.post import Post

MANIFEST_SUFFIX = ".publish.json"
MANIFEST_VERSION = 2


class FileFacts(BaseModel):
    size_bytes: int
    sha256: str
    duration_seconds: float


class PublishResult(BaseModel):
    """What a publisher did: the manifest, and for a live post the platform's answer.

    `status` is `dry_run` (nothing sent), `published`, or `scheduled` (uploaded, goes public at
    `scheduled_at`). `warning` notes a side step that failed after the post was made.
    """

    platform: str
    vendor: str
    status: str
    manifest_path: Path
    remote_id: str | None = None
    url: str | None = None
    published_at: datetime
    scheduled_at: datetime | None = None
    warning: str | None = None


def manifest_path_for(video_path: Path, platform: str) -> Path:
    """`<folder>/<stem>.<platform>.publish.json` beside the video."""
    return video_path.with_name(f"{video_path.stem}.{platform}{MANIFEST_SUFFIX}")


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks so a large video never sits in memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_manifest(
    post: Post,
    *,
    vendor: str,
    facts: FileFacts,
    api_request: dict[str, Any] | None,
    created_at: datetime,
    published: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest document; `published` is None until a vendor has really posted."""
    video = post.video_path.resolve()
    thumbnail = post.thumbnail_path.resolve() if post.thumbnail_path else None
    return {
        "manifest_version": MANIFEST_VERSION,
        "vendor": vendor,
        "platform": post.platform,
        "job_id": post.job_id,
        "video_id": post.video_id,
        "title": post.title,
        "caption": post.caption,
        "hashtags": post.hashtags,
        "scheduled_at": post.scheduled_at.isoformat() if post.scheduled_at else None,
        "file": {
            "name": video.name,
            "path": str(video),
            "size_bytes": facts.size_bytes,
            "sha256": facts.sha256,
            "duration_seconds": round(facts.duration_seconds, 3),
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
