"""Publisher: records every publication in a manifest beside the video, and uploads to YouTube.

`dry_run` (default) publishes nothing: it checks the file is a readable video and writes
`<video stem>.publish.json` with the file's size, sha256 and duration and the exact YouTube request
that would upload it. `youtube` writes the same manifest after a YouTube Data API v3 resumable
upload, adding the video id and Shorts URL. The upload goes in chunks; an interrupted chunk (network
error or 5xx) is followed by a status query and the upload resumes from the byte YouTube
acknowledged, with bounded retries. Failures raise ProviderError and leave no manifest behind.
"""

from __future__ import annotations

import mimetypes
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

import httpx
from dagster import ConfigurableResource
from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.domain.media import MediaError, probe
from shortgen_assets.domain.publish.manifest import (
    PublishRequest,
    PublishResult,
    build_manifest,
    file_sha256,
    manifest_path_for,
    write_manifest,
    youtube_video_resource,
)

UPLOAD_CHUNK_UNIT = 256 * 1024  # Google requires chunks in multiples of 256 KiB (except the last)
CHUNK_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
RANGE = re.compile(r"bytes=(\d+)-(\d+)")
TOKEN_FIX = (
    "get an OAuth 2.0 access token with the https://www.googleapis.com/auth/youtube.upload scope "
    "and set youtube_access_token (YOUTUBE_ACCESS_TOKEN)"
)


class PublisherResource(ConfigurableResource):
    """Publishes approved videos; `publish` is plain Python so tests call it directly."""

    provider: Literal["dry_run", "youtube"] = "dry_run"
    youtube_access_token: str | None = Field(None, description="OAuth 2.0 bearer token")
    youtube_privacy_status: Literal["private", "unlisted", "public"] = "private"
    youtube_category_id: str = Field("22", description="22 = People & Blogs")
    youtube_upload_url: str = "https://www.googleapis.com/upload/youtube/v3/videos"
    youtube_shorts_url: str = "https://youtube.com/shorts"
    upload_chunk_bytes: int = Field(
        32 * UPLOAD_CHUNK_UNIT, ge=UPLOAD_CHUNK_UNIT, multiple_of=UPLOAD_CHUNK_UNIT
    )
    request_timeout_seconds: float = Field(120.0, gt=0)
    retry_attempts: int = 4
    retry_base_wait: float = 1.0

    def publish(self, request: PublishRequest) -> PublishResult:
        """Write the manifest beside the video and, for `youtube`, upload the video first.

        Returns where the manifest is; `published_url` and `platform_video_id` are None for a
        dry run, which publishes nothing.
        """
        if self.provider == "youtube":
            self._require_youtube(request)
        duration = self._probe_video(request)
        size, sha256 = self._fingerprint(request)
        api_request = (
            self._api_request(request, size) if request.platform == "youtube_shorts" else None
        )
        facts = {"size_bytes": size, "sha256": sha256, "duration_seconds": duration}
        if self.provider == "dry_run" or api_request is None:
            return self._record_dry_run(request, api_request, facts)
        return self._upload_and_record(request, api_request, facts)

    def _record_dry_run(
        self, request: PublishRequest, api_request: dict[str, Any] | None, facts: dict[str, Any]
    ) -> PublishResult:
        created_at = datetime.now(UTC)
        manifest = build_manifest(
            request, provider="dry_run", api_request=api_request, created_at=created_at, **facts
        )
        manifest_path = write_manifest(manifest_path_for(request.video_path), manifest)
        return PublishResult(
            manifest_path=manifest_path,
            published_url=None,
            published_at=created_at,
            provider="dry_run",
        )

    def _upload_and_record(
        self, request: PublishRequest, api_request: dict[str, Any], facts: dict[str, Any]
    ) -> PublishResult:
        uploaded = self._youtube_upload(request.video_path, facts["size_bytes"], api_request)
        created_at = datetime.now(UTC)
        published = self._published(uploaded, created_at)
        manifest = build_manifest(
            request,
            provider="youtube",
            api_request=api_request,
            created_at=created_at,
            published=published,
            **facts,
        )
        manifest_path = manifest_path_for(request.video_path)
        try:
            write_manifest(manifest_path, manifest)
        except OSError as exc:
            raise ProviderError(
                f"youtube: uploaded as {published['url']} but the manifest {manifest_path} could "
                f"not be written ({exc}); record the URL by hand"
            ) from None
        return PublishResult(
            manifest_path=manifest_path,
            published_url=published["url"],
            published_at=datetime.fromisoformat(published["published_at"]),
            provider="youtube",
            platform_video_id=published["platform_video_id"],
        )

    # --- the file ---------------------------------------------------------------------------

    def _probe_video(self, request: PublishRequest) -> float:
        """Duration of the video; anything ffprobe cannot read as a video is refused."""
        path = request.video_path
        if not path.is_file():
            raise ProviderError(f"{self.provider}: the video {path} does not exist or is no file")
        if request.thumbnail_path and not request.thumbnail_path.is_file():
            raise ProviderError(
                f"{self.provider}: the thumbnail {request.thumbnail_path} does not exist"
            )
        try:
            info = probe(path)
        except MediaError as exc:
            raise ProviderError(f"{self.provider}: {path} is not a readable video: {exc}") from None
        if info.video_codec is None or info.duration <= 0:
            raise ProviderError(f"{self.provider}: {path} has no video stream to publish")
        return info.duration

    def _fingerprint(self, request: PublishRequest) -> tuple[int, str]:
        try:
            return request.video_path.stat().st_size, file_sha256(request.video_path)
        except OSError as exc:
            raise ProviderError(
                f"{self.provider}: cannot read the video {request.video_path}: {exc}"
            ) from None

    def _api_request(self, request: PublishRequest, size: int) -> dict[str, Any]:
        """The videos.insert call that opens the resumable session (without the token)."""
        content_type = mimetypes.guess_type(request.video_path.name)[0] or "video/mp4"
        return {
            "method": "POST",
            "url": f"{self.youtube_upload_url}?uploadType=resumable&part=snippet,status",
            "headers": {
                "Content-Type": "application/json; charset=UTF-8",
                "X-Upload-Content-Type": content_type,
                "X-Upload-Content-Length": str(size),
            },
            "body": youtube_video_resource(
                request, self.youtube_category_id, self.youtube_privacy_status
            ),
        }

    # --- YouTube ---------------------------------------------------------------------------

    def _require_youtube(self, request: PublishRequest) -> None:
        if not self.youtube_access_token:
            raise ProviderError(f"youtube: no access token; {TOKEN_FIX}")
        if request.platform != "youtube_shorts":
            raise ProviderError(
                f"youtube: the video is meant for {request.platform}, not youtube_shorts; set the "
                "theme's platform to youtube_shorts or use the dry_run publisher"
            )

    def _youtube_upload(self, path: Path, size: int, api_request: dict[str, Any]) -> dict[str, Any]:
        with httpx.Client(timeout=self.request_timeout_seconds) as client:
            session_url = self._open_session(client, api_request)
            with path.open("rb") as video:
                return self._send_chunks(client, session_url, video, size, api_request)

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.youtube_access_token}"}

    def _open_session(self, client: httpx.Client, api_request: dict[str, Any]) -> str:
        """POST the video resource; the session URI comes back in the Location header."""

        def attempt() -> httpx.Response:
            response = client.post(
                api_request["url"],
                headers={**api_request["headers"], **self._auth_headers()},
                json=api_request["body"],
            )
            _refuse_auth_errors(response)
            return response

        response = send(
            "youtube", attempt, attempts=self.retry_attempts, base_wait=self.retry_base_wait
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
    ) -> dict[str, Any]:
        """PUT the file chunk by chunk; after a failed chunk ask YouTube where to resume.

        Failures count only while no byte is acknowledged; `retry_attempts` in a row fail it.
        """
        content_type = api_request["headers"]["X-Upload-Content-Type"]
        offset, failures, query = 0, 0, False
        while True:
            if query:
                response, cause = self._put(client, session_url, b"", f"bytes */{size}", None)
            else:
                video.seek(offset)
                chunk = video.read(self.upload_chunk_bytes)
                content_range = f"bytes {offset}-{offset + len(chunk) - 1}/{size}"
                response, cause = self._put(client, session_url, chunk, content_range, content_type)
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
            time.sleep(min(30.0, self.retry_base_wait * 2 ** (failures - 1)))
            query = True

    def _put(
        self,
        client: httpx.Client,
        session_url: str,
        body: bytes,
        content_range: str,
        content_type: str | None,
    ) -> tuple[httpx.Response | None, str]:
        """One PUT to the session; a transport error is returned as (None, cause), not raised."""
        headers = {**self._auth_headers(), "Content-Range": content_range}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = client.put(session_url, content=body, headers=headers)
        except httpx.TransportError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response, f"HTTP {response.status_code}"

    def _published(self, uploaded: dict[str, Any], fallback: datetime) -> dict[str, Any]:
        video_id = uploaded["id"]
        published_at = uploaded.get("snippet", {}).get("publishedAt")
        try:
            when = datetime.fromisoformat(published_at) if published_at else fallback
        except ValueError:
            when = fallback
        return {
            "platform_video_id": video_id,
            "url": f"{self.youtube_shorts_url.rstrip('/')}/{video_id}",
            "published_at": when.isoformat(),
            "privacy_status": uploaded.get("status", {}).get("privacyStatus"),
            "upload_status": uploaded.get("status", {}).get("uploadStatus"),
        }


def _acknowledged(response: httpx.Response) -> int:
    """The next byte to send after a 308: one past the Range YouTube holds (0 if it holds none)."""
    match = RANGE.search(response.headers.get("Range", ""))
    return int(match.group(2)) + 1 if match else 0


def _uploaded_video(response: httpx.Response) -> dict[str, Any]:
    try:
        video = response.json()
        video["id"]
    except (ValueError, KeyError, TypeError):
        raise ProviderError(
            f"youtube: HTTP {response.status_code} completed the upload without a video id: "
            f"{response.text[:300]}"
        ) from None
    return video


def _google_error(response: httpx.Response) -> tuple[str, str]:
    """(reason, message) from a Google API error body, blank when the body is not one."""
    try:
        error = response.json()["error"]
        return (error.get("errors") or [{}])[0].get("reason", ""), error.get("message", "")
    except (ValueError, KeyError, TypeError, AttributeError):
        return "", response.text[:300]


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
