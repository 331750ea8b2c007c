"""TikTok Direct Post against recorded HTTP: init, chunked upload, status polling, failures.

The upload server keeps the chunks it accepts (206 until the last, then 201) and checks each
Content-Range follows the chunk plan init announced; bodies are TikTok's own envelopes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.publisher.tiktok import MIN_CHUNK, TikTokPublisher, chunk_plan
from shortgen_assets_tests.defs.resources.publish_support import (
    fixture,
    leftovers,
    make_post,
    render,
    sample_video,
    video,
)

__all__ = ["sample_video", "video"]
API = "https://open.tiktokapis.com/v2/post/publish"
UPLOAD_URL = fixture("tiktok", "init_ok.json")["data"]["upload_url"]
TOKEN = "act.example-tiktok-token"


@pytest.fixture(scope="session")
def large_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 17 MB: three 5 MB chunks, the last carrying the trailing bytes."""
    return render(tmp_path_factory.mktemp("tiktok") / "job_7.mp4", 2, noise=True)


def tiktok(**changes: object) -> TikTokPublisher:
    fields = {
        "access_token": TOKEN,
        "chunk_bytes": MIN_CHUNK,
        "retry_attempts": 3,
        "retry_base_wait": 0.0,
        "poll_interval_seconds": 0.0,
    }
    return TikTokPublisher.model_validate({**fields, **changes})


def reply(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=fixture("tiktok", name))


@dataclass
class ChunkServer:
    total: int
    received: bytearray = field(default_factory=bytearray)
    ranges: list[str] = field(default_factory=list)
    faults: dict[int, str] = field(default_factory=dict)  # chunk start -> first-time fault

    def __call__(self, request: httpx.Request) -> httpx.Response:
        content_range = request.headers["Content-Range"]
        self.ranges.append(content_range)
        start, end = map(int, re.fullmatch(r"bytes (\d+)-(\d+)/\d+", content_range).groups())
        assert start == len(self.received), "chunks go in order, a failed one again"
        assert len(request.content) == end - start + 1
        assert request.headers["Content-Type"] == "video/mp4"
        fault = self.faults.pop(start, None)
        if fault == "500":
            return httpx.Response(500, json={"error": {"code": "internal_error"}})
        if fault == "reset":
            raise httpx.ReadError("connection reset by peer")
        self.received += request.content
        return httpx.Response(201 if len(self.received) == self.total else 206)


def mock_tiktok(router: respx.MockRouter, server: ChunkServer, *statuses: str) -> respx.Route:
    init = router.post(f"{API}/video/init/").mock(return_value=reply("init_ok.json"))
    router.put(UPLOAD_URL).mock(side_effect=server)
    replies = [
        reply(name) for name in statuses or ("status_processing.json", "status_complete.json")
    ]
    router.post(f"{API}/status/fetch/").mock(side_effect=replies)
    return init


def test_chunk_plan_follows_tiktoks_rules() -> None:
    mb = 1024 * 1024
    assert chunk_plan(3 * mb, 10 * mb) == (3 * mb, 1)  # under 5 MB: whole
    assert chunk_plan(17 * mb, 5 * mb) == (5 * mb, 3)  # trailing 2 MB ride in the last chunk
    assert chunk_plan(8 * mb, 10 * mb) == (8 * mb, 1)


def test_a_large_video_goes_in_chunks_and_is_posted_privately(large_video: Path) -> None:
    size = large_video.stat().st_size
    server = ChunkServer(size)
    with respx.mock() as router:
        init = mock_tiktok(router, server)
        result = tiktok().publish(make_post(large_video, "tiktok", thumbnail_path=None))

    request = init.calls.last.request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    body = json.loads(request.content)
    assert body["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": size,
        "chunk_size": MIN_CHUNK,
        "total_chunk_count": 3,
    }
    info = body["post_info"]
    assert info["privacy_level"] == "SELF_ONLY" and info["is_aigc"] is True
    assert info["title"].startswith("Wake up like it's sunrise\n\nMeet the Aurora lamp.")
    assert server.ranges == [
        f"bytes 0-{MIN_CHUNK - 1}/{size}",
        f"bytes {MIN_CHUNK}-{2 * MIN_CHUNK - 1}/{size}",
        f"bytes {2 * MIN_CHUNK}-{size - 1}/{size}",
    ]
    assert bytes(server.received) == large_video.read_bytes()
    assert (result.status, result.vendor) == ("published", "tiktok")
    assert result.remote_id == "v_pub_file~v2-1.7442513871829016350" and result.url is None


def test_a_small_video_goes_whole_and_privacy_can_be_opened(video: Path) -> None:
    server = ChunkServer(video.stat().st_size)
    with respx.mock() as router:
        init = mock_tiktok(router, server, "status_complete.json")
        tiktok(privacy_level="PUBLIC_TO_EVERYONE").publish(make_post(video, "tiktok"))
    body = json.loads(init.calls.last.request.content)
    assert body["source_info"]["total_chunk_count"] == 1
    assert body["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert server.ranges == [f"bytes 0-{video.stat().st_size - 1}/{video.stat().st_size}"]


@pytest.mark.parametrize("fault", ["500", "reset"])
def test_a_server_error_mid_upload_resends_only_that_chunk(large_video: Path, fault: str) -> None:
    size = large_video.stat().st_size
    server = ChunkServer(size, faults={MIN_CHUNK: fault})
    with respx.mock() as router:
        mock_tiktok(router, server)
        result = tiktok().publish(make_post(large_video, "tiktok", thumbnail_path=None))
    second = f"bytes {MIN_CHUNK}-{2 * MIN_CHUNK - 1}/{size}"
    assert server.ranges == [f"bytes 0-{MIN_CHUNK - 1}/{size}", second, second, server.ranges[-1]]
    assert bytes(server.received) == large_video.read_bytes()
    assert result.status == "published"


def test_an_expired_token_fails_at_once_with_the_fix(video: Path) -> None:
    with respx.mock() as router:
        init = router.post(f"{API}/video/init/").mock(return_value=reply("error_401.json", 401))
        with pytest.raises(
            ProviderError, match=r"tiktok: HTTP 401 access_token_invalid.*TIKTOK_ACCESS_TOKEN"
        ):
            tiktok().publish(make_post(video, "tiktok"))
    assert init.call_count == 1
    assert leftovers(video.parent) == []


def test_a_rate_limit_is_retried_then_named(video: Path) -> None:
    with respx.mock() as router:
        init = router.post(f"{API}/video/init/").mock(return_value=reply("error_429.json", 429))
        with pytest.raises(
            ProviderError, match=r"tiktok: HTTP 429 after retries .*rate_limit_exceeded"
        ):
            tiktok().publish(make_post(video, "tiktok"))
    assert init.call_count == 3
    assert leftovers(video.parent) == []


def test_a_processing_failure_reports_tiktoks_reason(video: Path) -> None:
    with respx.mock() as router:
        mock_tiktok(router, ChunkServer(video.stat().st_size), "status_failed.json")
        with pytest.raises(
            ProviderError,
            match=r"tiktok: TikTok could not post the video \(duration_check_failed\)",
        ):
            tiktok().publish(make_post(video, "tiktok"))
    assert leftovers(video.parent) == []


def test_a_post_still_processing_at_the_deadline_is_recorded_not_resent(video: Path) -> None:
    from shortgen_assets.defs.resources.publisher import UnconfirmedPost

    with respx.mock() as router:
        router.post(f"{API}/video/init/").mock(return_value=reply("init_ok.json"))
        router.put(UPLOAD_URL).mock(side_effect=ChunkServer(video.stat().st_size))
        router.post(f"{API}/status/fetch/").mock(return_value=reply("status_processing.json"))
        slow = tiktok(poll_interval_seconds=0.01, processing_timeout_seconds=0.03)
        with pytest.raises(UnconfirmedPost) as raised:
            slow.publish(make_post(video, "tiktok"))
    assert raised.value.remote_id == "v_pub_file~v2-1.7442513871829016350"
