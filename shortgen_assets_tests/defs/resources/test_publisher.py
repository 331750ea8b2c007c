"""Dry run and YouTube publishers: manifests, and the resumable upload against recorded HTTP.

The upload server below answers like YouTube's resumable endpoint: it keeps the bytes it has
received, answers an incomplete chunk with `308 Resume Incomplete` and a `Range: bytes=0-N`
header, answers a status query (`Content-Range: bytes */total`, empty body) the same way, and
returns the inserted video resource (fixtures/youtube_upload/) once every byte has arrived.
Error bodies are YouTube's own.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.publisher.dry_run import DryRunPublisher
from shortgen_assets.defs.resources.publisher.youtube import THUMBNAIL_URL, YouTubePublisher
from shortgen_assets_tests.defs.resources.publish_support import (
    fixture,
    leftovers,
    make_post,
    sample_video,
    video,
)

__all__ = ["sample_video", "video"]  # pytest fixtures used by name below
INIT_URL = "https://www.googleapis.com/upload/youtube/v3/videos"
SESSION_URL = f"{INIT_URL}?uploadType=resumable&part=snippet%2Cstatus&upload_id=ADPycdt3xL0k"
CHUNK = 256 * 1024
TOKEN = "ya29.a0AfB_test-token"


def youtube(**changes: object) -> YouTubePublisher:
    fields: dict[str, object] = {
        "access_token": TOKEN,
        "upload_chunk_bytes": CHUNK,
        "retry_attempts": 3,
        "retry_base_wait": 0.0,
    }
    return YouTubePublisher.model_validate({**fields, **changes})


# --- dry run -----------------------------------------------------------------------------------


def test_dry_run_writes_one_manifest_per_platform(video: Path) -> None:
    publisher = DryRunPublisher(public_base_url="https://media.example.com/out")
    platforms = ("youtube", "tiktok", "instagram")
    results = {p: publisher.publish(make_post(video, p)) for p in platforms}

    data = video.read_bytes()
    assert leftovers(video.parent) == [
        "job_7.instagram.publish.json",
        "job_7.tiktok.publish.json",
        "job_7.youtube.publish.json",
    ]
    for platform, result in results.items():
        assert (result.status, result.vendor, result.remote_id) == ("dry_run", "dry_run", None)
        manifest = json.loads(result.manifest_path.read_text())
        assert manifest["platform"] == platform and manifest["published"] is None
        assert manifest["file"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert manifest["file"]["size_bytes"] == len(data)
        assert abs(manifest["file"]["duration_seconds"] - 3.0) < 0.1
        assert "Authorization" not in json.dumps(manifest["api_request"])
    youtube_body = json.loads(results["youtube"].manifest_path.read_text())["api_request"]["body"]
    assert youtube_body["snippet"]["description"].endswith("#AuroraLamp #MorningRoutine #Shorts")
    assert youtube_body["status"]["containsSyntheticMedia"] is True
    tiktok = json.loads(results["tiktok"].manifest_path.read_text())["api_request"]["body"]
    assert tiktok["post_info"]["privacy_level"] == "SELF_ONLY"
    assert tiktok["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": len(data),
        "chunk_size": len(data),
        "total_chunk_count": 1,
    }
    reel = json.loads(results["instagram"].manifest_path.read_text())["api_request"]["form"]
    assert reel["video_url"] == "https://media.example.com/out/approved/job-7/job_7.mp4"
    assert reel["media_type"] == "REELS"


@pytest.mark.parametrize(
    ("make_bad", "message"),
    [
        (lambda folder: folder / "missing.mp4", "does not exist"),
        (lambda folder: folder, "does not exist or is no file"),
        (lambda folder: _write(folder / "broken.mp4", b"\0not a video" * 1000), "not a readable"),
    ],
)
def test_an_unreadable_video_leaves_no_manifest(tmp_path: Path, make_bad, message: str) -> None:
    bad = make_bad(tmp_path)
    with pytest.raises(ProviderError, match=f"dry_run: .*{message}"):
        DryRunPublisher().publish(make_post(bad, thumbnail_path=None))
    assert [p for p in tmp_path.rglob("*") if ".publish" in p.name] == []


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- YouTube -----------------------------------------------------------------------------------


@dataclass
class UploadServer:
    """YouTube's resumable session: stores bytes, acknowledges them with Range headers."""

    total: int
    body: str = "video_inserted.json"
    received: bytearray = field(default_factory=bytearray)
    ranges: list[str] = field(default_factory=list)
    # chunk start offset -> what happens the first time that chunk arrives
    faults: dict[int, str] = field(default_factory=dict)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        content_range = request.headers["Content-Range"]
        self.ranges.append(content_range)
        if content_range == f"bytes */{self.total}":
            assert request.content == b""
            return self._progress()
        start, end = map(int, re.fullmatch(r"bytes (\d+)-(\d+)/\d+", content_range).groups())
        assert start == len(self.received), "the client must resume where the server left off"
        assert len(request.content) == end - start + 1
        fault = self.faults.pop(start, None)
        if fault == "503":
            return httpx.Response(503, text="Service Unavailable")
        if fault == "drop_after_100k":
            self.received += request.content[:100_000]
            raise httpx.WriteError("connection reset by peer")
        if fault == "keep_half":
            self.received += request.content[: len(request.content) // 2]
            return self._progress()
        self.received += request.content
        return self._progress()

    def _progress(self) -> httpx.Response:
        if len(self.received) == self.total:
            return httpx.Response(201, json=fixture("youtube_upload", self.body))
        headers = {"Range": f"bytes=0-{len(self.received) - 1}"} if self.received else {}
        return httpx.Response(308, headers=headers)


def mock_youtube(
    router: respx.MockRouter, server: UploadServer, thumbnail: httpx.Response | None = None
) -> tuple[respx.Route, respx.Route]:
    init = router.post(INIT_URL, params={"uploadType": "resumable", "part": "snippet,status"})
    init.mock(return_value=httpx.Response(200, headers={"Location": SESSION_URL}))
    router.put(SESSION_URL).mock(side_effect=server)
    thumbs = router.post(THUMBNAIL_URL, params={"videoId": "q9Zt4XvYb2E"})
    done = httpx.Response(200, json=fixture("youtube_upload", "thumbnail_set.json"))
    thumbs.mock(return_value=thumbnail or done)
    return init, thumbs


def assert_published(result, video: Path, server: UploadServer) -> None:
    assert bytes(server.received) == video.read_bytes()
    assert (result.vendor, result.remote_id) == ("youtube", "q9Zt4XvYb2E")
    assert result.url == "https://youtube.com/shorts/q9Zt4XvYb2E"
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["vendor"] == "youtube" and manifest["published"]["url"] == result.url
    assert manifest["file"]["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()


def test_youtube_uploads_in_chunks_with_disclosure_language_and_thumbnail(video: Path) -> None:
    size = video.stat().st_size
    server = UploadServer(size)
    with respx.mock(assert_all_called=False) as router:
        init, thumbs = mock_youtube(router, server)
        result = youtube(privacy_status="unlisted", category_id="26").publish(make_post(video))

    opened = init.calls.last.request
    assert opened.headers["Authorization"] == f"Bearer {TOKEN}"
    assert opened.headers["X-Upload-Content-Length"] == str(size)
    body = json.loads(opened.content)
    assert body["snippet"]["title"] == "Wake up like it's sunrise"
    assert body["snippet"]["tags"] == ["AuroraLamp", "MorningRoutine"]
    assert body["snippet"]["categoryId"] == "26"
    assert body["snippet"]["defaultLanguage"] == body["snippet"]["defaultAudioLanguage"] == "en"
    assert body["status"] == {
        "privacyStatus": "unlisted",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": True,
    }
    assert server.ranges == [
        f"bytes 0-{CHUNK - 1}/{size}",
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
        f"bytes {2 * CHUNK}-{size - 1}/{size}",
    ]
    thumb = thumbs.calls.last.request
    assert thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.content == video.with_suffix(".jpg").read_bytes()
    assert result.status == "published" and result.warning is None
    assert result.published_at.isoformat() == "2025-11-23T11:40:12+00:00"
    assert_published(result, video, server)


def test_a_scheduled_video_is_private_until_publish_at(video: Path) -> None:
    when = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    server = UploadServer(video.stat().st_size, body="video_scheduled.json")
    with respx.mock(assert_all_called=False) as router:
        init, _ = mock_youtube(router, server)
        result = youtube(privacy_status="public").publish(make_post(video, scheduled_at=when))
    status = json.loads(init.calls.last.request.content)["status"]
    assert status["privacyStatus"] == "private"
    assert status["publishAt"] == "2026-12-01T08:00:00Z"
    assert (result.status, result.scheduled_at) == ("scheduled", when)
    assert_published(result, video, server)


def test_a_refused_thumbnail_keeps_the_post_and_says_why(video: Path) -> None:
    server = UploadServer(video.stat().st_size)
    refused = httpx.Response(403, json=fixture("youtube_upload", "error_403_thumbnail.json"))
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, server, thumbnail=refused)
        result = youtube().publish(make_post(video))
    assert result.status == "published" and result.remote_id == "q9Zt4XvYb2E"
    assert result.warning.startswith("thumbnail not set: youtube: HTTP 403")


def test_a_partly_acknowledged_chunk_resumes_from_the_range(video: Path) -> None:
    size = video.stat().st_size
    server = UploadServer(size, faults={CHUNK: "keep_half"})
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, server)
        result = youtube().publish(make_post(video))

    resumed = CHUNK + CHUNK // 2
    assert server.ranges[1:3] == [
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
        f"bytes {resumed}-{min(size, resumed + CHUNK) - 1}/{size}",
    ]
    assert_published(result, video, server)


@pytest.mark.parametrize("fault", ["503", "drop_after_100k"])
def test_a_server_error_mid_upload_resumes_after_a_status_query(video: Path, fault: str) -> None:
    size = video.stat().st_size
    server = UploadServer(size, faults={CHUNK: fault})
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, server)
        result = youtube().publish(make_post(video))

    resume_at = CHUNK + (100_000 if fault == "drop_after_100k" else 0)
    assert server.ranges[1:4] == [
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
        f"bytes */{size}",
        f"bytes {resume_at}-{min(size, resume_at + CHUNK) - 1}/{size}",
    ]
    assert_published(result, video, server)


def test_an_upload_that_keeps_failing_stops_after_the_retries(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, UploadServer(video.stat().st_size))
        router.put(SESSION_URL).mock(return_value=httpx.Response(503, text="unavailable"))
        stalled = r"youtube: the upload stalled at byte 0 .*HTTP 503"
        with pytest.raises(ProviderError, match=stalled):
            youtube().publish(make_post(video))
    assert leftovers(video.parent) == []


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, "error_401.json", "HTTP 401, the access token was rejected.*YOUTUBE_ACCESS_TOKEN"),
        (403, "error_403_quota.json", "HTTP 403 quotaExceeded, the YouTube upload quota is spent"),
        (403, "error_403_forbidden.json", "HTTP 403 insufficientPermissions.*youtube.upload"),
    ],
)
def test_auth_and_quota_errors_fail_at_once(video: Path, status: int, body: str, message: str):
    with respx.mock(assert_all_called=False) as router:
        reply = httpx.Response(status, json=fixture("youtube_upload", body))
        init = router.post(INIT_URL).mock(return_value=reply)
        with pytest.raises(ProviderError, match=f"youtube: {message}"):
            youtube().publish(make_post(video))
    assert init.call_count == 1
    assert leftovers(video.parent) == []


def test_a_rate_limit_is_retried_then_named(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        reply = httpx.Response(429, json=fixture("youtube_upload", "error_429.json"))
        init = router.post(INIT_URL).mock(return_value=reply)
        with pytest.raises(ProviderError, match=r"youtube: HTTP 429 after retries .*rate limited"):
            youtube().publish(make_post(video))
    assert init.call_count == 3
    assert leftovers(video.parent) == []


def test_a_video_youtube_rejects_is_a_failure_with_its_reason(video: Path) -> None:
    server = UploadServer(video.stat().st_size, body="video_rejected.json")
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, server)
        with pytest.raises(ProviderError, match=r"youtube: the video was rejected \(duplicate\)"):
            youtube().publish(make_post(video))
    assert leftovers(video.parent) == []


def test_an_expired_session_says_to_publish_again(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, UploadServer(video.stat().st_size))
        router.put(SESSION_URL).mock(return_value=httpx.Response(404, text="Not Found"))
        with pytest.raises(ProviderError, match="upload session expired or was cancelled"):
            youtube().publish(make_post(video))


def test_the_total_deadline_bounds_the_whole_publication(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        mock_youtube(router, UploadServer(video.stat().st_size))
        router.put(SESSION_URL).mock(return_value=httpx.Response(503, text="unavailable"))
        slow = youtube(retry_base_wait=0.2, retry_attempts=50, total_timeout_seconds=0.5)
        with pytest.raises(ProviderError, match="youtube: gave up after 0 s, the total deadline"):
            slow.publish(make_post(video))
