"""TikTok Content Posting API (Direct Post): init with a file upload, chunked PUTs, status polling.

Chunk rules (media transfer guide): chunks of 5-64 MB, `total_chunk_count` = size // chunk_size
with the trailing bytes in the last chunk, and a video under 5 MB goes whole. A chunk that fails
(5xx or network) is sent again from its first byte; chunks already acknowledged are not. An
unaudited app may only post privately, so `privacy_level` is SELF_ONLY unless configured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.defs.resources.publisher import (
    Deadline,
    PublisherResource,
    Sent,
    UnconfirmedPost,
    error_json,
)
from shortgen_assets.domain.publish.manifest import FileFacts
from shortgen_assets.domain.publish.post import Post
from shortgen_assets.domain.publish.requests import TikTokPrivacy, tiktok_post_info

if TYPE_CHECKING:
    import httpx

API_URL = "https://open.tiktokapis.com"
MIN_CHUNK = 5 * 1024 * 1024
MAX_CHUNK = 64 * 1024 * 1024
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
PENDING = {"PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD"}
TOKEN_FIX = (
    "get a new user access token with the video.publish scope (tokens last 24 hours; refresh "
    "it with the refresh token) and set TIKTOK_ACCESS_TOKEN"
)


def chunk_plan(size: int, chunk_size: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) under TikTok's rules; small videos go whole."""
    if size < MIN_CHUNK or size <= chunk_size:
        return size, 1
    return chunk_size, size // chunk_size


def describe(post: Post, facts: FileFacts, privacy: TikTokPrivacy, chunk_size: int) -> dict:
    """The init request of a Direct Post with a file upload (without the token)."""
    size, count = chunk_plan(facts.size_bytes, chunk_size)
    return {
        "method": "POST",
        "url": f"{API_URL}/v2/post/publish/video/init/",
        "headers": {"Content-Type": "application/json; charset=UTF-8"},
        "body": {
            "post_info": tiktok_post_info(post, privacy),
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": facts.size_bytes,
                "chunk_size": size,
                "total_chunk_count": count,
            },
        },
    }


class TikTokPublisher(PublisherResource):
    """Posts to the TikTok account of the user token in TIKTOK_ACCESS_TOKEN."""

    vendor = "tiktok"
    access_token: str = Field(description="user access token (TIKTOK_ACCESS_TOKEN)")
    privacy_level: TikTokPrivacy = Field(
        "SELF_ONLY", description="unaudited apps may only post SELF_ONLY"
    )
    api_url: str = API_URL
    chunk_bytes: int = Field(10 * 1024 * 1024, ge=MIN_CHUNK, le=MAX_CHUNK)
    poll_interval_seconds: float = Field(5.0, ge=0)
    processing_timeout_seconds: float = Field(600.0, gt=0)

    def first_request(self, post: Post, facts: FileFacts) -> dict[str, Any]:
        request = describe(post, facts, self.privacy_level, self.chunk_bytes)
        request["url"] = f"{self.api_url}/v2/post/publish/video/init/"
        return request

    def send(self, post: Post, facts: FileFacts, deadline: Deadline) -> Sent:
        import httpx

        init = self.first_request(post, facts)
        with httpx.Client() as client:
            data = self._call(client, init["url"], init["body"], deadline)
            publish_id, upload_url = data.get("publish_id"), data.get("upload_url")
            if not publish_id or not upload_url:
                raise ProviderError(f"tiktok: init answered without publish_id/upload_url: {data}")
            source = init["body"]["source_info"]
            self._upload(client, upload_url, post, source, deadline)
            status = self._await_post(client, publish_id, deadline)
        post_ids = status.get("publicaly_available_post_id") or []
        remote_id = str(post_ids[0]) if post_ids else publish_id
        return Sent(
            remote_id=remote_id,
            url=f"https://www.tiktok.com/video/{post_ids[0]}" if post_ids else None,
            published_at=datetime.now(UTC),
            details={"publish_id": publish_id, "privacy_level": self.privacy_level},
        )

    def _call(
        self, client: httpx.Client, url: str, body: dict[str, Any], deadline: Deadline
    ) -> dict[str, Any]:
        """POST JSON with the token; TikTok's error envelope becomes a one-line ProviderError."""

        def attempt() -> httpx.Response:
            response = client.post(
                url,
                json=body,
                headers={"Authorization": f"Bearer {self.access_token}"},
                timeout=deadline.timeout(),
            )
            if response.status_code not in RETRY_STATUS:
                _refuse_errors(response)
            return response

        response = send(
            "tiktok",
            attempt,
            attempts=self.retry_attempts,
            base_wait=self.retry_base_wait,
            retry_status=RETRY_STATUS,
            budget=deadline.call(),
        )
        return error_json(response).get("data") or {}

    def _upload(
        self,
        client: httpx.Client,
        upload_url: str,
        post: Post,
        source: dict[str, int],
        deadline: Deadline,
    ) -> None:
        """PUT each chunk in order; the last one carries the trailing bytes."""
        size, chunk_size = source["video_size"], source["chunk_size"]
        count = source["total_chunk_count"]
        with post.video_path.open("rb") as video:
            for index in range(count):
                first = index * chunk_size
                last = size - 1 if index == count - 1 else first + chunk_size - 1
                video.seek(first)
                chunk = video.read(last - first + 1)
                self._put_chunk(client, upload_url, chunk, first, last, size, deadline)

    def _put_chunk(
        self,
        client: httpx.Client,
        upload_url: str,
        chunk: bytes,
        first: int,
        last: int,
        size: int,
        deadline: Deadline,
    ) -> None:
        import httpx

        headers = {
            "Content-Type": "video/mp4",
            "Content-Length": str(len(chunk)),
            "Content-Range": f"bytes {first}-{last}/{size}",
        }
        cause = ""
        for failures in range(1, self.retry_attempts + 1):
            try:
                response = client.put(
                    upload_url, content=chunk, headers=headers, timeout=deadline.timeout()
                )
            except httpx.TransportError as exc:
                cause = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code in (200, 201, 206):
                    return
                if response.status_code not in RETRY_STATUS:
                    _refuse_errors(response)
                    raise ProviderError(
                        f"tiktok: HTTP {response.status_code} for bytes {first}-{last}: "
                        f"{response.text[:300]}"
                    )
                cause = f"HTTP {response.status_code}"
            if failures < self.retry_attempts:
                deadline.pause(min(30.0, self.retry_base_wait * 2 ** (failures - 1)))
        raise ProviderError(
            f"tiktok: the upload stalled at bytes {first}-{last} of {size} after "
            f"{self.retry_attempts} attempts ({cause}); check the network and publish again"
        )

    def _await_post(
        self, client: httpx.Client, publish_id: str, deadline: Deadline
    ) -> dict[str, Any]:
        """Poll the status until TikTok posts the video or says why it did not."""
        url = f"{self.api_url}/v2/post/publish/status/fetch/"
        waited = 0.0
        while True:
            status = self._call(client, url, {"publish_id": publish_id}, deadline)
            state = status.get("status")
            if state == "PUBLISH_COMPLETE":
                return status
            if state == "FAILED":
                raise ProviderError(
                    f"tiktok: TikTok could not post the video ({status.get('fail_reason')}); "
                    "fix the video and publish again"
                )
            if state not in PENDING and state != "SEND_TO_USER_INBOX":
                raise ProviderError(f"tiktok: unexpected post status {state!r}: {status}")
            if waited >= self.processing_timeout_seconds:
                raise UnconfirmedPost(
                    f"tiktok: the upload {publish_id} was still {state} after {waited:.0f} s; "
                    "it is recorded and will not be sent again; check the TikTok app",
                    remote_id=publish_id,
                )
            deadline.pause(self.poll_interval_seconds)
            waited += self.poll_interval_seconds


def _refuse_errors(response: httpx.Response) -> None:
    """TikTok's `error.code` other than "ok" fails at once with what to do."""
    error = error_json(response).get("error") or {}
    code = error.get("code", "ok" if response.is_success else f"HTTP {response.status_code}")
    if code == "ok":
        return
    message, log_id = error.get("message", ""), error.get("log_id", "")
    if response.status_code == 401 or code == "access_token_invalid":
        raise ProviderError(
            f"tiktok: HTTP {response.status_code} {code}, the access token was rejected or has "
            f"expired; {TOKEN_FIX} (log_id {log_id})"
        )
    hints = {
        "scope_not_authorized": "the user must authorize the video.publish scope",
        "spam_risk_too_many_posts": "the account reached TikTok's daily post cap; wait a day",
        "unaudited_client_can_only_post_to_private_accounts": (
            "an unaudited app may only post SELF_ONLY; keep SHORTGEN_TIKTOK_PRIVACY_LEVEL unset"
        ),
        "privacy_level_option_mismatch": "the account does not offer this privacy_level",
    }
    hint = hints.get(code, "see the message")
    raise ProviderError(
        f"tiktok: HTTP {response.status_code} {code}: {message} ({hint}; log_id {log_id})"
    )
