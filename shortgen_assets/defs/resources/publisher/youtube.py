"""YouTube Data API v3: a resumable upload, scheduled publishing, and the custom thumbnail.

The upload goes in chunks; an interrupted chunk (network error or 5xx) is followed by a status
query and the upload resumes from the byte YouTube acknowledged. A scheduled video is uploaded
private with `status.publishAt` and YouTube makes it public then. `thumbnails.set` follows the
upload; when it fails the video stays posted and the row says why the thumbnail is missing.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.defs.resources.publisher import Deadline, PublisherResource, Sent, error_json
from shortgen_assets.domain.publish.manifest import FileFacts
from shortgen_assets.domain.publish.post import Post
from shortgen_assets.domain.publish.requests import YouTubePrivacy, youtube_video_resource

if TYPE_CHECKING:
    import httpx

UPLOAD_URL = "https://www.googleapis.com/upload/youtube/v3/videos"
THUMBNAIL_URL = "https://www.googleapis.com/upload/youtube/v3/thumbnails/set"
UPLOAD_CHUNK_UNIT = 256 * 1024  # Google requires chunks in multiples of 256 KiB (but the last)
CHUNK_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
RANGE = re.compile(r"bytes=(\d+)-(\d+)")
TOKEN_FIX = (
    "get an OAuth 2.0 access token with the https://www.googleapis.com/auth/youtube.upload scope "
    "and set YOUTUBE_ACCESS_TOKEN"
)


def describe(
    post: Post, facts: FileFacts, category_id: str = "22", privacy: YouTubePrivacy = "private"
) -> dict[str, Any]:
    """The videos.insert call that opens the resumable session (without the token)."""
    content_type = mimetypes.guess_type(post.video_path.name)[0] or "video/mp4"
    return {
        "method": "POST",
        "url": f"{UPLOAD_URL}?uploadType=resumable&part=snippet,status",
        "headers": {
            "Content-Type": "application/json; charset=UTF-8",
            "X-Upload-Content-Type": content_type,
            "X-Upload-Content-Length": str(facts.size_bytes),
        },
        "body": youtube_video_resource(post, category_id, privacy),
    }


class YouTubePublisher(PublisherResource):
    """Uploads to the channel of the OAuth token in YOUTUBE_ACCESS_TOKEN."""

    vendor = "youtube"
    access_token: str = Field(description="OAuth 2.0 bearer token (YOUTUBE_ACCESS_TOKEN)")
    privacy_status: YouTubePrivacy = "private"
    category_id: str = Field("22", description="22 = People & Blogs")
    shorts_url: str = "https://youtube.com/shorts"
    upload_chunk_bytes: int = Field(
        32 * UPLOAD_CHUNK_UNIT, ge=UPLOAD_CHUNK_UNIT, multiple_of=UPLOAD_CHUNK_UNIT
    )

    @property
    def schedules_natively(self) -> bool:
        return True

    def first_request(self, post: Post, facts: FileFacts) -> dict[str, Any]:
        return describe(post, facts, self.category_id, self.privacy_status)

    def send(self, post: Post, facts: FileFacts, deadline: Deadline) -> Sent:
        import httpx

        if post.platform != "youtube":
            raise ProviderError(f"youtube: cannot post to {post.platform}")
        api_request = self.first_request(post, facts)
        with httpx.Client() as client:
            session_url = self._open_session(client, api_request, deadline)
            with post.video_path.open("rb") as video:
                uploaded = self._send_chunks(
                    client, session_url, video, facts.size_bytes, api_request, deadline
                )
            warning = self._set_thumbnail(client, uploaded["id"], post.thumbnail_path, deadline)
        return self._sent(uploaded, post, warning)

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def _open_session(
        self, client: httpx.Client, api_request: dict[str, Any], deadline: Deadline
    ) -> str:
        """POST the video resource; the session URI comes back in the Location header."""

        def attempt() -> httpx.Response:
            response = client.post(
                api_request["url"],
                headers={**api_request["headers"], **self._auth()},
                json=api_request["body"],
                timeout=deadline.timeout(),
            )
            _refuse_auth_errors(response)
            return response

        response = send(
            "youtube",
            attempt,
            attempts=self.retry_attempts,
            base_wait=self.retry_base_wait,
            budget=deadline.call(),
        )
        location = response.headers.get("Location")
        if not location:
            raise ProviderError(
                f"youtube: HTTP {response.status_code} without a Location header when opening the "
                "upload session; the resumable upload API may have changed"
            )
        return location

    def _send_chunks(
        self,
        client: httpx.Client,
        session_url: str,
        video: IO[bytes],
        size: int,
        api_request: dict[str, Any],
        deadline: Deadline,
    ) -> dict[str, Any]:
        """PUT the file chunk by chunk; after a failed chunk ask YouTube where to resume.

        Failures count only while no byte is acknowledged; `retry_attempts` in a row fail it.
        """
        content_type = api_request["headers"]["X-Upload-Content-Type"]
        offset, failures, query = 0, 0, False
        while True:
            if query:
                response, cause = self._put(
                    client, session_url, b"", f"bytes */{size}", None, deadline
                )
            else:
                video.seek(offset)
                chunk = video.read(self.upload_chunk_bytes)
                content_range = f"bytes {offset}-{offset + len(chunk) - 1}/{size}"
                response, cause = self._put(
                    client, session_url, chunk, content_range, content_type, deadline
                )
            if response is not None and response.status_code in (200, 201):
                return _uploaded_video(response)
            if response is not None and response.status_code == 308:
                acknowledged = _acknowledged(response)
                progressed, was_query = acknowledged > offset, query
                offset, query = acknowledged, False
                if progressed:
                    failures = 0
                if progressed or was_query:
                    continue
                cause = f"the chunk at byte {offset} was not acknowledged"
            elif response is not None and response.status_code not in CHUNK_RETRY_STATUS:
                raise _upload_failure(response)
            failures += 1
            if failures >= self.retry_attempts:
                raise ProviderError(
                    f"youtube: the upload stalled at byte {offset} of {size} after {failures} "
                    f"attempts ({cause}); check the network and publish again"
                )
            deadline.pause(min(30.0, self.retry_base_wait * 2 ** (failures - 1)))
            query = True

    def _put(
        self,
        client: httpx.Client,
        session_url: str,
        body: bytes,
        content_range: str,
        content_type: str | None,
        deadline: Deadline,
    ) -> tuple[httpx.Response | None, str]:
        """One PUT to the session; a transport error is returned as (None, cause), not raised."""
        import httpx

        headers = {**self._auth(), "Content-Range": content_range}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = client.put(
                session_url, content=body, headers=headers, timeout=deadline.timeout()
            )
        except httpx.TransportError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response, f"HTTP {response.status_code}"

    def _set_thumbnail(
        self, client: httpx.Client, video_id: str, thumbnail: Path | None, deadline: Deadline
    ) -> str | None:
        """thumbnails.set with the generated thumbnail; returns a warning instead of failing."""
        if thumbnail is None:
            return None
        content_type = mimetypes.guess_type(thumbnail.name)[0] or "image/jpeg"

        def attempt() -> httpx.Response:
            return client.post(
                THUMBNAIL_URL,
                params={"videoId": video_id},
                headers={**self._auth(), "Content-Type": content_type},
                content=thumbnail.read_bytes(),
                timeout=deadline.timeout(),
            )

        try:
            send(
                "youtube",
                attempt,
                attempts=self.retry_attempts,
                base_wait=self.retry_base_wait,
                budget=deadline.call(),
            )
        except ProviderError as exc:
            return f"thumbnail not set: {exc}"
        return None

    def _sent(self, uploaded: dict[str, Any], post: Post, warning: str | None) -> Sent:
        status = uploaded.get("status", {})
        if status.get("uploadStatus") in {"failed", "rejected"}:
            reason = status.get("failureReason") or status.get("rejectionReason") or "no reason"
            raise ProviderError(
                f"youtube: the video was {status['uploadStatus']} ({reason}); fix the video "
                "and publish again"
            )
        published_at = uploaded.get("snippet", {}).get("publishedAt")
        try:
            when = datetime.fromisoformat(published_at) if published_at else datetime.now(UTC)
        except ValueError:
            when = datetime.now(UTC)
        video_id = uploaded["id"]
        return Sent(
            remote_id=video_id,
            url=f"{self.shorts_url.rstrip('/')}/{video_id}",
            published_at=when,
            scheduled=post.scheduled_at is not None,
            warning=warning,
            details={
                "privacy_status": status.get("privacyStatus"),
                "upload_status": status.get("uploadStatus"),
                "publish_at": status.get("publishAt"),
            },
        )


def _acknowledged(response: httpx.Response) -> int:
    """The next byte to send after a 308: one past the Range YouTube holds (0 if it holds none)."""
    match = RANGE.search(response.headers.get("Range", ""))
    return int(match.group(2)) + 1 if match else 0


def _uploaded_video(response: httpx.Response) -> dict[str, Any]:
    video = error_json(response)
    if not isinstance(video.get("id"), str):
        raise ProviderError(
            f"youtube: HTTP {response.status_code} completed the upload without a video id: "
            f"{response.text[:300]}"
        )
    return video


def _google_error(response: httpx.Response) -> tuple[str, str]:
    """(reason, message) from a Google API error body, blank when the body is not one."""
    error = error_json(response).get("error")
    if not isinstance(error, dict):
        return "", response.text[:300]
    return (error.get("errors") or [{}])[0].get("reason", ""), error.get("message", "")


def _refuse_auth_errors(response: httpx.Response) -> None:
    """401 and 403 will not change on retry: fail at once with what to do."""
    if response.status_code not in (401, 403):
        return
    reason, message = _google_error(response)
    if response.status_code == 401:
        raise ProviderError(
            f"youtube: HTTP 401, the access token was rejected or has expired; {TOKEN_FIX}: "
            f"{message}"
        )
    if reason in {"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"}:
        raise ProviderError(
            f"youtube: HTTP 403 {reason}, the YouTube upload quota is spent; wait for the daily "
            f"reset (midnight Pacific time) or request more quota for the project: {message}"
        )
    raise ProviderError(
        f"youtube: HTTP 403 {reason or 'forbidden'}, the token may not upload to this channel; "
        f"it needs the youtube.upload scope and an account with a YouTube channel: {message}"
    )


def _upload_failure(response: httpx.Response) -> ProviderError:
    _refuse_auth_errors(response)
    if response.status_code in (404, 410):
        return ProviderError(
            f"youtube: HTTP {response.status_code}, the upload session expired or was cancelled; "
            "publish again to start a new session"
        )
    _, message = _google_error(response)
    return ProviderError(f"youtube: HTTP {response.status_code} during the upload: {message}")
