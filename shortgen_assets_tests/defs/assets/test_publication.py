"""Publishing on a real instance: three live platforms on recorded HTTP, once each.

One job is rendered and approved; then `shortgen publish` posts to YouTube and Instagram while
TikTok refuses an expired token, `shortgen retry` re-posts only TikTok, and a third publish
sends nothing. A platform scheduled for later waits, and the sensor launches it when due.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import respx
from dagster import DagsterInstance, Definitions, build_sensor_context
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job, Publication, Video, utcnow
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.defs.resources.publisher.instagram import GRAPH_URL
from shortgen_assets.defs.resources.publisher.youtube import THUMBNAIL_URL, UPLOAD_URL
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import install, theme_file
from shortgen_assets_tests.defs.resources.publish_support import fixture

pytestmark = pytest.mark.xdist_group("publication")
TIKTOK = "https://open.tiktokapis.com/v2/post/publish"
TIKTOK_UPLOAD = fixture("tiktok", "init_ok.json")["data"]["upload_url"]
SESSION = f"{UPLOAD_URL}?upload_id=ADPycdt3xL0k"
IG_USER = "17841405822304914"
CONTAINER, MEDIA = "17896450804038745", "18063325147902176"


@dataclass
class World:
    settings: Settings
    defs: Definitions
    instance: DagsterInstance
    job_id: int


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One approved job whose theme publishes to all three platforms, all three live."""
    root = tmp_path_factory.mktemp("publication")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SHORTGEN_PUBLISHERS", "youtube,tiktok,instagram")
        monkeypatch.setenv("SHORTGEN_PUBLIC_BASE_URL", "https://media.example.com/shortgen")
        for name, value in {
            "YOUTUBE_ACCESS_TOKEN": "ya29.test",
            "TIKTOK_ACCESS_TOKEN": "act.test",
            "INSTAGRAM_ACCESS_TOKEN": "EAAG.test",
            "INSTAGRAM_USER_ID": IG_USER,
        }.items():
            monkeypatch.setenv(name, value)
        settings = install(root, "sqlite", monkeypatch, request)
        everywhere = ["youtube", "tiktok", "instagram"]
        theme = theme_file(
            root, "all", name="everywhere", duration_seconds=5, publish_to=everywhere
        )
        with session_scope(settings.app_database_url) as session:
            [job_id] = request_jobs(session, load_theme(theme), theme, status="queued")
        defs = build_definitions(settings)
        with DagsterInstance.get() as instance:
            assert materialize_job(defs, instance, job_id).success
            assert cli("approve", str(job_id), "--reviewer", "ana")[0] == 0
            yield World(settings, defs, instance, job_id)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def reply(folder: str, name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=fixture(folder, name))


@dataclass
class Platforms:
    youtube: respx.Route
    tiktok: respx.Route
    instagram: respx.Route


def mock_platforms(router: respx.MockRouter, tiktok_init: list[httpx.Response]) -> Platforms:
    youtube = router.post(UPLOAD_URL).mock(
        return_value=httpx.Response(200, headers={"Location": SESSION})
    )
    router.put(SESSION).mock(return_value=reply("youtube_upload", "video_inserted.json", 201))
    router.post(THUMBNAIL_URL).mock(return_value=reply("youtube_upload", "thumbnail_set.json"))
    tiktok = router.post(f"{TIKTOK}/video/init/").mock(side_effect=tiktok_init)
    router.put(TIKTOK_UPLOAD).mock(return_value=httpx.Response(201))
    router.post(f"{TIKTOK}/status/fetch/").mock(
        return_value=reply("tiktok", "status_complete.json")
    )
    router.get(f"{GRAPH_URL}/{IG_USER}/content_publishing_limit").mock(
        return_value=reply("instagram", "publishing_limit.json")
    )
    instagram = router.post(f"{GRAPH_URL}/{IG_USER}/media").mock(
        return_value=reply("instagram", "container_created.json")
    )
    router.get(f"{GRAPH_URL}/{CONTAINER}").mock(
        return_value=reply("instagram", "container_finished.json")
    )
    router.post(f"{GRAPH_URL}/{IG_USER}/media_publish").mock(
        return_value=reply("instagram", "media_published.json")
    )
    router.get(f"{GRAPH_URL}/{MEDIA}").mock(return_value=reply("instagram", "permalink.json"))
    return Platforms(youtube, tiktok, instagram)


def rows(world: World) -> dict[str, Publication]:
    with session_scope(world.settings.app_database_url) as session:
        found = session.query(Publication).filter_by(job_id=world.job_id).all()
        for row in found:
            session.expunge(row)
        return {row.platform: row for row in found}


def job_status(world: World) -> str:
    with session_scope(world.settings.app_database_url) as session:
        return session.get(Job, world.job_id).status


def test_bad_requests_are_refused_before_any_run(world: World) -> None:
    code, _, err = cli("publish", str(world.job_id), "--platform", "myspace")
    assert code == 2 and "unknown platform myspace" in err
    code, _, err = cli("publish", str(world.job_id), "--at", "soonish")
    assert code == 2 and "cannot read the time 'soonish'" in err
    code, _, err = cli("publish", "424242")
    assert code == 2 and "no job 424242" in err


def test_a_scheduled_platform_waits_and_the_sensor_sends_it_when_due(world: World) -> None:
    job = str(world.job_id)
    with respx.mock(assert_all_called=False) as router:
        platforms = mock_platforms(router, [reply("tiktok", "error_401.json", 401)])
        code, out, err = cli("publish", job, "--platform", "tiktok", "--at", "2099-01-01T09:00Z")
        assert platforms.tiktok.call_count == 0
    assert code == 0, err
    assert out.split() == ["tiktok", "waiting", "sends", "at", "2099-01-01T09:00:00+00:00"]
    sensor = world.defs.get_sensor_def("approved_videos")
    context = build_sensor_context(
        instance=world.instance, resources={"app_db": world.defs.resources["app_db"]}
    )
    assert not sensor(context).run_requests  # not due yet, and the theme does not auto-post
    with session_scope(world.settings.app_database_url) as session:
        row = session.query(Publication).filter_by(job_id=world.job_id).one()
        row.scheduled_at = utcnow() - timedelta(minutes=1)  # time passes
    [due] = sensor(context).run_requests
    assert due.partition_key == job and due.run_key.startswith(f"publish-due-{job}-")


def test_each_platform_is_posted_once_and_only_failures_are_retried(world: World) -> None:
    job = str(world.job_id)
    with respx.mock(assert_all_called=False) as router:
        platforms = mock_platforms(
            router,
            [reply("tiktok", "error_401.json", 401), reply("tiktok", "init_ok.json")],
        )
        code, out, err = cli("publish", job)
        assert code == 1 and f"failed: job {job}: tiktok; `shortgen retry {job}`" in err
        lines = dict(line.split(maxsplit=1) for line in out.splitlines())
        assert lines["youtube"] == "published  https://youtube.com/shorts/q9Zt4XvYb2E"
        assert lines["instagram"] == "published  https://www.instagram.com/reel/DBx3kQ7sV2e/"
        assert lines["tiktok"].startswith("failed     tiktok: HTTP 401 access_token_invalid")
        assert "TIKTOK_ACCESS_TOKEN" in lines["tiktok"] and len(out.splitlines()) == 3
        first = rows(world)
        assert first["tiktok"].error.startswith("tiktok: HTTP 401")
        assert first["youtube"].remote_id == "q9Zt4XvYb2E" and first["instagram"].remote_id == MEDIA
        assert job_status(world) == "approved"
        calls = (platforms.youtube.call_count, platforms.instagram.call_count)
        assert calls == (1, 1)

        code, out, err = cli("retry", job)
        assert code == 0, err
        assert "publishing again to tiktok" in err
        assert (platforms.youtube.call_count, platforms.instagram.call_count) == calls
        assert platforms.tiktok.call_count == 2
        second = rows(world)
        assert second["tiktok"].status == "published" and second["tiktok"].error is None
        assert second["tiktok"].remote_id == "v_pub_file~v2-1.7442513871829016350"
        assert second["tiktok"].attempts == 2 and second["youtube"].attempts == 1
        assert job_status(world) == "published"

        code, out, err = cli("publish", job)
        assert code == 0, err
        assert (platforms.youtube.call_count, platforms.instagram.call_count) == calls
        assert platforms.tiktok.call_count == 2
        assert [line.split()[:2] for line in out.splitlines()] == [
            ["instagram", "published"],
            ["tiktok", "published"],
            ["youtube", "published"],
        ]
        assert cli("retry", job)[2].strip() == f"job {job}: no platform failed; nothing to retry"
    with session_scope(world.settings.app_database_url) as session:
        assert session.query(Video).filter_by(job_id=world.job_id).one().status == "published"
    shown = cli("show", job)[1]
    assert "tiktok     published" in shown
