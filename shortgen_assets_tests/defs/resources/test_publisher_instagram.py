"""Instagram Reels against recorded Graph API answers: quota, container, polling, publish."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.publisher import UnconfirmedPost
from shortgen_assets.defs.resources.publisher.instagram import GRAPH_URL, InstagramPublisher
from shortgen_assets_tests.defs.resources.publish_support import (
    fixture,
    leftovers,
    make_post,
    sample_video,
    video,
)

__all__ = ["sample_video", "video"]
USER = "17841405822304914"
CONTAINER = "17896450804038745"
MEDIA = "18063325147902176"
TOKEN = "EAAGm0PX4ZCpsBA-example"
BASE = "https://media.example.com/shortgen"


def instagram(**changes: object) -> InstagramPublisher:
    fields = {
        "access_token": TOKEN,
        "user_id": USER,
        "public_base_url": BASE,
        "retry_attempts": 3,
        "retry_base_wait": 0.0,
        "poll_interval_seconds": 0.0,
    }
    return InstagramPublisher.model_validate({**fields, **changes})


def reply(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=fixture("instagram", name))


class Graph:
    """Routes of one Reel's publication, each answering a list of recorded replies in turn."""

    def __init__(self, router: respx.MockRouter, **replies: list[httpx.Response]) -> None:
        defaults = {
            "limit": [reply("publishing_limit.json")],
            "create": [reply("container_created.json")],
            "container": [reply("container_in_progress.json"), reply("container_finished.json")],
            "publish": [reply("media_published.json")],
            "permalink": [reply("permalink.json")],
        }
        answers = {**defaults, **replies}
        self.limit = router.get(f"{GRAPH_URL}/{USER}/content_publishing_limit")
        self.create = router.post(f"{GRAPH_URL}/{USER}/media")
        self.container = router.get(f"{GRAPH_URL}/{CONTAINER}")
        self.publish = router.post(f"{GRAPH_URL}/{USER}/media_publish")
        self.permalink = router.get(f"{GRAPH_URL}/{MEDIA}")
        for name, route in vars(self).items():
            route.mock(side_effect=answers[name])


def test_a_reel_is_created_from_the_public_url_polled_and_published(video: Path) -> None:
    with respx.mock() as router:
        graph = Graph(router)
        result = instagram().publish(make_post(video, "instagram"))

    created = graph.create.calls.last.request
    assert created.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(created.url)
    form = {k: v[0] for k, v in parse_qs(created.content.decode()).items()}
    assert form["media_type"] == "REELS" and form["share_to_feed"] == "true"
    assert form["video_url"] == f"{BASE}/approved/job-7/job_7.mp4"
    assert form["caption"].endswith("#AuroraLamp #MorningRoutine")
    assert graph.limit.calls.last.request.url.params["fields"] == "quota_usage,config"
    assert graph.container.call_count == 2
    assert parse_qs(graph.publish.calls.last.request.content.decode()) == {
        "creation_id": [CONTAINER]
    }
    assert (result.status, result.remote_id) == ("published", MEDIA)
    assert result.url == "https://www.instagram.com/reel/DBx3kQ7sV2e/"


def test_a_spent_daily_quota_fails_before_anything_is_created(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        graph = Graph(router, limit=[reply("publishing_limit_spent.json")])
        with pytest.raises(
            ProviderError, match=r"instagram: .* 25 of its 25 posts allowed in 24 hours"
        ):
            instagram().publish(make_post(video, "instagram"))
    assert graph.create.call_count == 0
    assert leftovers(video.parent) == []


@pytest.mark.parametrize("status", [400, 401])
def test_an_expired_token_fails_at_once_with_the_fix(video: Path, status: int) -> None:
    with respx.mock(assert_all_called=False) as router:
        graph = Graph(router, limit=[reply("error_190.json", status)])
        with pytest.raises(
            ProviderError,
            match=r"instagram: HTTP \d+ code 190, the access token was rejected"
            r".*INSTAGRAM_ACCESS_TOKEN.*Session has expired",
        ):
            instagram().publish(make_post(video, "instagram"))
    assert graph.limit.call_count == 1 and graph.create.call_count == 0


def test_a_rate_limit_fails_with_metas_words(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        Graph(router, create=[reply("error_rate_limit.json", 429)])
        with pytest.raises(
            ProviderError,
            match=r"instagram: HTTP 429 code 4, rate limited.*Application request limit reached",
        ):
            instagram().publish(make_post(video, "instagram"))


def test_server_errors_mid_publication_resume_without_a_second_post(video: Path) -> None:
    failing = reply("error_500.json", 500)
    with respx.mock() as router:
        graph = Graph(
            router,
            container=[
                failing,
                reply("container_in_progress.json"),
                reply("container_finished.json"),
                reply("container_finished.json"),
            ],
            publish=[failing, reply("media_published.json")],
        )
        result = instagram().publish(make_post(video, "instagram"))
    assert graph.create.call_count == 1  # the container is reused, never created twice
    assert graph.publish.call_count == 2  # the second call only after the container said FINISHED
    assert result.remote_id == MEDIA


def test_a_publish_that_went_through_despite_a_500_is_recorded_not_repeated(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        graph = Graph(
            router,
            container=[reply("container_finished.json"), reply("container_published.json")],
            publish=[reply("error_500.json", 500)],
        )
        with pytest.raises(UnconfirmedPost) as raised:
            instagram().publish(make_post(video, "instagram"))
    assert graph.publish.call_count == 1
    assert raised.value.remote_id == f"container:{CONTAINER}"


def test_a_processing_failure_reports_instagrams_reason(video: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        graph = Graph(router, container=[reply("container_error.json")])
        with pytest.raises(
            ProviderError, match=r"instagram: Instagram could not process the video .*2207026"
        ):
            instagram().publish(make_post(video, "instagram"))
    assert graph.publish.call_count == 0


def test_without_a_public_url_nothing_is_sent(video: Path) -> None:
    with (
        respx.mock(assert_all_called=False) as router,
        pytest.raises(ProviderError, match="SHORTGEN_PUBLIC_BASE_URL"),
    ):
        instagram(public_base_url="").publish(make_post(video, "instagram"))
    assert not router.calls
