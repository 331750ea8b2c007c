"""PublisherResource: the dry-run manifest, and the YouTube resumable upload against recorded HTTP.

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
from pathlib import Path

import httpx
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.publisher import PublisherResource
from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.publish.manifest import PublishRequest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "youtube_upload"
INIT_URL = "https://www.googleapis.com/upload/youtube/v3/videos"
SESSION_URL = f"{INIT_URL}?uploadType=resumable&part=snippet%2Cstatus&upload_id=ADPycdt3xL0k"
CHUNK = 256 * 1024
TOKEN = "ya29.a0AfB_test-token"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 3 s 270x480 H.264 MP4 of about 600 KB: three 256 KiB upload chunks."""
    path = tmp_path_factory.mktemp("publish") / "source.mp4"
    args = ["-f", "lavfi", "-i", "testsrc2=size=270x480:rate=30", "-t", "3"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1500k", "-pix_fmt", "yuv420p"]
    run_ffmpeg([*args, str(path)], what="rendering the publish test video")
    return path


@pytest.fixture
def video(sample_video: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "job_7.mp4"
    copy.write_bytes(sample_video.read_bytes())
    return copy


def publish_request(video: Path, **changes: object) -> PublishRequest:
    fields: dict[str, object] = {
        "video_path": video,
        "title": "Wake up like it's sunrise",
        "description": "Meet the Aurora lamp.",
        "hashtags": ["#AuroraLamp", "MorningRoutine"],
        "platform": "youtube_shorts",
        "job_id": 7,
        "video_id": 3,
    }
    return PublishRequest.model_validate({**fields, **changes})


def youtube(**changes: object) -> PublisherResource:
    fields: dict[str, object] = {
        "provider": "youtube",
        "youtube_access_token": TOKEN,
        "upload_chunk_bytes": CHUNK,
        "retry_attempts": 3,
        "retry_base_wait": 0.0,
    }
    return PublisherResource.model_validate({**fields, **changes})


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".mp4")


# --- dry run -----------------------------------------------------------------------------------


def test_dry_run_writes_a_manifest_that_identifies_the_file(video: Path) -> None:
    result = PublisherResource().publish(publish_request(video, thumbnail_path=video))

    assert result.provider == "dry_run"
    assert result.published_url is None and result.platform_video_id is None
    assert result.manifest_path == video.with_name("job_7.publish.json")
    manifest = json.loads(result.manifest_path.read_text())
    data = video.read_bytes()
    assert manifest["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["file"]["size_bytes"] == len(data)
    assert manifest["file"]["path"] == str(video.resolve())
    assert abs(manifest["file"]["duration_seconds"] - 3.0) < 0.1
    assert manifest["hashtags"] == ["AuroraLamp", "MorningRoutine"]
    assert manifest["platform"] == "youtube_shorts"
    assert (manifest["job_id"], manifest["video_id"]) == (7, 3)
    assert manifest["published"] is None
    assert manifest["created_at"] == result.published_at.isoformat()
    api = manifest["api_request"]
    assert api["url"] == f"{INIT_URL}?uploadType=resumable&part=snippet,status"
    assert api["headers"]["X-Upload-Content-Length"] == str(len(data))
    assert api["headers"]["X-Upload-Content-Type"] == "video/mp4"
    assert "Authorization" not in api["headers"]
    assert api["body"]["snippet"]["description"].endswith("#AuroraLamp #MorningRoutine #Shorts")
    assert api["body"]["status"]["privacyStatus"] == "private"
    assert leftovers(video.parent) == ["job_7.publish.json"]


def test_dry_run_for_tiktok_has_no_youtube_request(video: Path) -> None:
    result = PublisherResource().publish(publish_request(video, platform="tiktok"))
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["platform"] == "tiktok"
    assert manifest["api_request"] is None


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
        PublisherResource().publish(publish_request(bad))
    assert [p for p in tmp_path.rglob("*") if ".publish" in p.name] == []


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- YouTube -----------------------------------------------------------------------------------


@dataclass
class UploadServer:
    """YouTube's resumable session: stores bytes, acknowledges them with Range headers."""

    total: int
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
            return httpx.Response(201, json=fixture("video_inserted.json"))
        headers = {"Range": f"bytes=0-{len(self.received) - 1}"} if self.received else {}
        return httpx.Response(308, headers=headers)


def mock_youtube(router: respx.MockRouter, server: UploadServer) -> respx.Route:
    init = router.post(INIT_URL, params={"uploadType": "resumable", "part": "snippet,status"})
    init.mock(return_value=httpx.Response(200, headers={"Location": SESSION_URL}))
    router.put(SESSION_URL).mock(side_effect=server)
    return init


def assert_published(result, video: Path, server: UploadServer) -> None:
    assert bytes(server.received) == video.read_bytes()
    assert result.provider == "youtube"
    assert result.platform_video_id == "q9Zt4XvYb2E"
    assert result.published_url == "https://youtube.com/shorts/q9Zt4XvYb2E"
    assert result.published_at.isoformat() == "2025-11-23T11:40:12+00:00"
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["provider"] == "youtube"
    assert manifest["published"]["url"] == result.published_url
    assert manifest["published"]["upload_status"] == "uploaded"
    assert manifest["file"]["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()


def test_youtube_uploads_in_chunks_and_records_the_short(video: Path) -> None:
    size = video.stat().st_size
    server = UploadServer(size)
    with respx.mock() as router:
        init = mock_youtube(router, server)
        result = youtube(youtube_privacy_status="unlisted").publish(publish_request(video))

    opened = init.calls.last.request
    assert opened.headers["Authorization"] == f"Bearer {TOKEN}"
    assert opened.headers["X-Upload-Content-Type"] == "video/mp4"
    assert opened.headers["X-Upload-Content-Length"] == str(size)
    body = json.loads(opened.content)
    assert body["snippet"]["title"] == "Wake up like it's sunrise"
    assert body["snippet"]["tags"] == ["AuroraLamp", "MorningRoutine"]
    assert "#Shorts" in body["snippet"]["description"]
    assert body["status"] == {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False}
    assert server.ranges == [
        f"bytes 0-{CHUNK - 1}/{size}",
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
        f"bytes {2 * CHUNK}-{size - 1}/{size}",
    ]
    assert_published(result, video, server)


def test_a_partly_acknowledged_chunk_resumes_from_the_range(video: Path) -> None:
    size = video.stat().st_size
    server = UploadServer(size, faults={CHUNK: "keep_half"})
    with respx.mock() as router:
        mock_youtube(router, server)
        result = youtube().publish(publish_request(video))

    resumed = CHUNK + CHUNK // 2
    assert server.ranges[1:3] == [
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
        f"bytes {resumed}-{min(size, resumed + CHUNK) - 1}/{size}",
    ]
    assert_published(result, video, server)


@pytest.mark.parametrize("fault", ["503", "drop_after_100k"])
def test_an_interrupted_chunk_is_resumed_after_a_status_query(video: Path, fault: str) -> None:
    size = video.stat().st_size
    server = UploadServer(size, faults={CHUNK: fault})
    with respx.mock() as router:
        mock_youtube(router, server)
        result = youtube().publish(publish_request(video))

    resume_at = CHUNK + (100_000 if fault == "drop_after_100k" else 0)
    assert server.ranges[1:4] == [
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
        f"bytes */{size}",
        f"bytes {resume_at}-{min(size, resume_at + CHUNK) - 1}/{size}",
    ]
    assert_published(result, video, server)


def test_an_upload_that_keeps_failing_stops_after_the_retries(video: Path) -> None:
    with respx.mock() as router:
        mock_youtube(router, UploadServer(video.stat().st_size))
        router.put(SESSION_URL).mock(return_value=httpx.Response(503, text="unavailable"))
        with pytest.raises(
            ProviderError, match=r"youtube: the upload stalled at byte 0 .*HTTP 503"
        ):
            youtube().publish(publish_request(video))
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
    with respx.mock() as router:
        init = router.post(INIT_URL).mock(return_value=httpx.Response(status, json=fixture(body)))
        with pytest.raises(ProviderError, match=f"youtube: {message}"):
            youtube().publish(publish_request(video))
    assert init.call_count == 1
    assert leftovers(video.parent) == []


def test_server_errors_opening_the_session_are_retried_then_fail(video: Path) -> None:
    with respx.mock() as router:
        init = router.post(INIT_URL).mock(return_value=httpx.Response(500, text="backend error"))
        with pytest.raises(ProviderError, match="youtube: HTTP 500 after retries"):
            youtube().publish(publish_request(video))
    assert init.call_count == 3
    assert leftovers(video.parent) == []


def test_an_expired_session_says_to_publish_again(video: Path) -> None:
    with respx.mock() as router:
        mock_youtube(router, UploadServer(video.stat().st_size))
        router.put(SESSION_URL).mock(return_value=httpx.Response(404, text="Not Found"))
        with pytest.raises(ProviderError, match="upload session expired or was cancelled"):
            youtube().publish(publish_request(video))


def test_missing_token_fails_before_any_request(video: Path) -> None:
    with respx.mock() as router, pytest.raises(ProviderError, match="YOUTUBE_ACCESS_TOKEN"):
        youtube(youtube_access_token=None).publish(publish_request(video))
    assert not router.calls
    assert leftovers(video.parent) == []


def test_youtube_refuses_a_video_meant_for_another_platform(video: Path) -> None:
    with respx.mock() as router, pytest.raises(ProviderError, match="meant for reels"):
        youtube().publish(publish_request(video, platform="reels"))
    assert not router.calls
