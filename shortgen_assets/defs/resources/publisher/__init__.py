"""Publisher: the interface every platform vendor implements, and what they all do the same way.

`publish(post)` checks the post against the platform's limits and the file with ffprobe before
any request, asks the vendor to post it (a dry run posts nothing), and writes one manifest per
platform beside the video. Every HTTP call of a vendor runs under a `Deadline`: connect and read
timeouts per call, and a total budget for the whole publication.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from dagster import ConfigurableResource
from pydantic import Field

from shortgen_assets.defs.resources.http import Budget, ProviderError
from shortgen_assets.domain.media import MediaError, probe
from shortgen_assets.domain.publish.manifest import (
    FileFacts,
    PublishResult,
    build_manifest,
    file_sha256,
    manifest_path_for,
    write_manifest,
)
from shortgen_assets.domain.publish.post import Post, PostError, check_post
from shortgen_assets.domain.standards import PROVIDER_CALL_BUDGET_S

if TYPE_CHECKING:
    import httpx


class UnconfirmedPost(ProviderError):
    """The platform accepted the video but did not confirm the post in time.

    It carries the remote id, so the post is recorded and never sent a second time.
    """

    def __init__(self, message: str, remote_id: str) -> None:
        super().__init__(message)
        self.remote_id = remote_id


@dataclass(frozen=True)
class Sent:
    """What a platform answered for a post."""

    remote_id: str
    url: str | None
    published_at: datetime
    scheduled: bool = False
    warning: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Deadline:
    """Connect and read timeouts per call, inside a total budget for one publication."""

    vendor: str
    connect: float
    read: float
    total: float
    call_budget: float = PROVIDER_CALL_BUDGET_S
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return self.total - (time.monotonic() - self.started)

    def timeout(self) -> httpx.Timeout:
        """The timeout for the next call; raises once the total budget is spent."""
        import httpx

        left = self.left()
        if left <= 0:
            raise ProviderError(
                f"{self.vendor}: gave up after {self.total:.0f} s, the total deadline of one "
                "publication; check the network, or raise total_timeout_seconds"
            )
        return httpx.Timeout(
            connect=min(self.connect, left),
            read=min(self.read, left),
            write=min(self.read, left),
            pool=min(self.connect, left),
        )

    def call(self) -> Budget:
        """The budget of one API call (all its attempts): the call budget, or what is left."""
        return Budget(min(self.call_budget, max(self.left(), 0.0)), self.connect + self.read)

    def pause(self, seconds: float) -> None:
        time.sleep(max(0.0, min(seconds, self.left())))


class PublisherResource(ConfigurableResource):
    """Posts one video to one platform; `publish` is plain Python so tests call it directly."""

    vendor: ClassVar[str]
    connect_timeout_seconds: float = Field(10.0, gt=0)
    read_timeout_seconds: float = Field(120.0, gt=0)
    total_timeout_seconds: float = Field(1800.0, gt=0, description="one whole publication")
    call_budget_seconds: float = Field(
        PROVIDER_CALL_BUDGET_S, gt=0, description="one call, retries included"
    )
    retry_attempts: int = Field(4, ge=1)
    retry_base_wait: float = Field(1.0, ge=0)

    @property
    def schedules_natively(self) -> bool:
        """Whether the platform holds a scheduled post itself (else shortgen waits to send)."""
        return False

    @abstractmethod
    def first_request(self, post: Post, facts: FileFacts) -> dict[str, Any]:
        """The first API request for this post, without secrets (for the manifest)."""

    @abstractmethod
    def send(self, post: Post, facts: FileFacts, deadline: Deadline) -> Sent | None:
        """Post the video; None means nothing was sent (dry run)."""

    def publish(self, post: Post) -> PublishResult:
        """Check, send, and record the publication in `<stem>.<platform>.publish.json`."""
        try:
            check_post(post)
        except PostError as exc:
            raise ProviderError(str(exc)) from None
        facts = self._inspect(post)
        api_request = self.first_request(post, facts)
        deadline = Deadline(
            self.vendor,
            self.connect_timeout_seconds,
            self.read_timeout_seconds,
            self.total_timeout_seconds,
            self.call_budget_seconds,
        )
        sent = self.send(post, facts, deadline)
        created_at = datetime.now(UTC)
        published = _published(sent) if sent else None
        manifest = build_manifest(
            post,
            vendor=self.vendor,
            facts=facts,
            api_request=api_request,
            created_at=created_at,
            published=published,
        )
        path = manifest_path_for(post.video_path, post.platform)
        try:
            write_manifest(path, manifest)
        except OSError as exc:
            if sent is None:
                raise
            # The post exists: losing the manifest must not lose the remote id.
            warning = f"the manifest {path} could not be written ({exc})"
            return self._result(post, sent, path, created_at, warning)
        return self._result(post, sent, path, created_at, sent.warning if sent else None)

    def _result(
        self,
        post: Post,
        sent: Sent | None,
        path: Any,
        created_at: datetime,
        warning: str | None,
    ) -> PublishResult:
        if sent is None:
            return PublishResult(
                platform=post.platform,
                vendor=self.vendor,
                status="dry_run",
                manifest_path=path,
                published_at=created_at,
                scheduled_at=post.scheduled_at,
            )
        return PublishResult(
            platform=post.platform,
            vendor=self.vendor,
            status="scheduled" if sent.scheduled else "published",
            manifest_path=path,
            remote_id=sent.remote_id,
            url=sent.url,
            published_at=sent.published_at,
            scheduled_at=post.scheduled_at if sent.scheduled else None,
            warning=warning,
        )

    def _inspect(self, post: Post) -> FileFacts:
        """Size, sha256 and duration; anything ffprobe cannot read as a video is refused."""
        path = post.video_path
        if not path.is_file():
            raise ProviderError(f"{self.vendor}: the video {path} does not exist or is no file")
        if post.thumbnail_path and not post.thumbnail_path.is_file():
            raise ProviderError(f"{self.vendor}: the thumbnail {post.thumbnail_path} is missing")
        try:
            info = probe(path)
        except MediaError as exc:
            raise ProviderError(f"{self.vendor}: {path} is not a readable video: {exc}") from None
        if info.video_codec is None or info.duration <= 0:
            raise ProviderError(f"{self.vendor}: {path} has no video stream to publish")
        try:
            return FileFacts(
                size_bytes=path.stat().st_size,
                sha256=file_sha256(path),
                duration_seconds=info.duration,
            )
        except OSError as exc:
            raise ProviderError(f"{self.vendor}: cannot read the video {path}: {exc}") from None


def _published(sent: Sent) -> dict[str, Any]:
    return {
        "remote_id": sent.remote_id,
        "url": sent.url,
        "published_at": sent.published_at.isoformat(),
        "scheduled": sent.scheduled,
        "warning": sent.warning,
        **sent.details,
    }


def error_json(response: httpx.Response) -> dict[str, Any]:
    """The response body as a dict, {} when it is not JSON."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
