"""The first request each platform receives for a post, built from the post alone.

The dry run writes these into its manifest, and the live vendors send them, so what a dry run
shows is what a real publication sends (without the token). Pure Python, no Dagster.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, Literal
from urllib.parse import quote

from shortgen_assets.domain.publish.post import Post

TikTokPrivacy = Literal[
    "SELF_ONLY", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "PUBLIC_TO_EVERYONE"
]
YouTubePrivacy = Literal["private", "unlisted", "public"]


def youtube_video_resource(
    post: Post, category_id: str = "22", privacy_status: YouTubePrivacy = "private"
) -> dict[str, Any]:
    """The `video` resource sent when the upload session opens.

    A scheduled video is private until `publishAt`, as YouTube requires; every shortgen video is
    declared synthetic media (narration and footage are generated).
    """
    status: dict[str, Any] = {
        "privacyStatus": privacy_status,
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": True,
    }
    if post.scheduled_at is not None:
        status["privacyStatus"] = "private"
        status["publishAt"] = post.scheduled_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "snippet": {
            "title": post.title,
            "description": post.caption,
            "tags": post.tags,
            "categoryId": category_id,
            "defaultLanguage": post.language,
            "defaultAudioLanguage": post.language,
        },
        "status": status,
    }


def tiktok_post_info(post: Post, privacy_level: TikTokPrivacy = "SELF_ONLY") -> dict[str, Any]:
    """`post_info` of the Direct Post init request; the AI-generated label is always on."""
    return {
        "title": post.caption,
        "privacy_level": privacy_level,
        "disable_duet": False,
        "disable_comment": False,
        "disable_stitch": False,
        "video_cover_timestamp_ms": 1000,
        "is_aigc": True,
    }


def public_video_url(base_url: str, relpath: str) -> str:
    """Where Instagram fetches the video: the public base URL plus its path under output/."""
    return f"{base_url.rstrip('/')}/{quote(relpath.lstrip('/'))}"


def instagram_container(post: Post, video_url: str) -> dict[str, str]:
    """Form fields of `POST /{ig-user-id}/media` for a Reel."""
    return {
        "media_type": "REELS",
        "video_url": video_url,
        "caption": post.caption,
        "share_to_feed": "true",
    }
