"""The offline publisher: checks everything a real post would check and sends nothing.

Its manifest holds the exact first request each platform's vendor would send, so a dry run
shows what a live publication would post.
"""

from __future__ import annotations

from typing import Any

from shortgen_assets.defs.resources.publisher import (
    Deadline,
    PublisherResource,
    instagram,
    tiktok,
    youtube,
)
from shortgen_assets.domain.publish.manifest import FileFacts
from shortgen_assets.domain.publish.post import Post


class DryRunPublisher(PublisherResource):
    """Writes `<stem>.<platform>.publish.json` and posts nothing."""

    vendor = "dry_run"
    public_base_url: str | None = None

    def first_request(self, post: Post, facts: FileFacts) -> dict[str, Any]:
        if post.platform == "youtube":
            return youtube.describe(post, facts)
        if post.platform == "tiktok":
            return tiktok.describe(post, facts, "SELF_ONLY", 10 * 1024 * 1024)
        return instagram.describe(post, self.public_base_url)

    def send(self, post: Post, facts: FileFacts, deadline: Deadline) -> None:
        return None
