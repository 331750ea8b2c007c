"""Review and publication on a real instance: CLI and launched runs, refusals, auto-posting."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    build_sensor_context,
)
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job, Publication, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import RunOutcome, materialize_job
from shortgen_assets.defs.reviews import review_run_config
from shortgen_assets.domain.publish.review import Decision
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME, install, theme_file

pytestmark = pytest.mark.xdist_group("review")


@dataclass
class World:
    settings: Settings
    defs: Definitions
    instance: DagsterInstance
    approve_me: int
    reject_me: int
    auto_post: int


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Three jobs with generated videos: two on a manual theme, one on an auto-posting theme."""
    root = tmp_path_factory.mktemp("review")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = install(root, request.param, monkeypatch, request)
        manual = theme_file(root, "manual", name="manual", duration_seconds=5, auto_post=False)
        auto = theme_file(root, "auto", name="auto", duration_seconds=5, auto_post=True)
        with session_scope(settings.app_database_url) as session:
            ids = request_jobs(session, load_theme(manual), manual, count=2, status="queued")
            ids += request_jobs(session, load_theme(auto), auto, status="queued")
        defs = build_definitions(settings)
        with DagsterInstance.get() as instance:
            for job_id in ids:
                assert materialize_job(defs, instance, job_id).success
            yield World(settings, defs, instance, *ids)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def video_of(world: World, job_id: int) -> Video:
    with session_scope(world.settings.app_database_url) as session:
        video = session.query(Video).filter_by(job_id=job_id).one()
        session.expunge(video)
        return video


def job_status(world: World, job_id: int) -> str:
    with session_scope(world.settings.app_database_url) as session:
        return session.get(Job, job_id).status


def snapshot(world: World, job_id: int) -> tuple[tuple, list[str]]:
    video = video_of(world, job_id)
    files = sorted(str(p) for p in world.settings.output_dir.rglob(f"job-{job_id}/*"))
    return (video.status, video.path, video.reviewer, job_status(world, job_id)), files


def launch_review(
    world: World, job_id: int, video_id: int, decision: Decision, reviewer: str, note: str = ""
) -> RunOutcome:
    """The review as the UI launches it: a `review_video` run with the decision as config."""
    return materialize_job(
        world.defs,
        world.instance,
        job_id,
        stages=["review"],
        job_name="review_video",
        run_config=review_run_config(video_id, decision, reviewer, note),
    )


def test_approve_from_cli_then_second_decisions_are_refused(world: World) -> None:
    job_id = world.approve_me
    before = video_of(world, job_id)
    code, _out, err = cli("approve", str(job_id), "--note", "crisp hook", "--reviewer", "ana")
    assert code == 0, err
    after = video_of(world, job_id)
    folder = world.settings.output_dir / "approved" / f"job-{job_id}"
    assert after.status == "approved" and after.reviewer == "ana"
    assert after.review_note == "crisp hook" and after.reviewed_at is not None
    assert Path(after.path) == folder / Path(before.path).name and Path(after.path).is_file()
    assert Path(after.thumbnail_path).parent == folder
    assert not Path(before.path).exists() and not Path(before.thumbnail_path).exists()
    assert Path(after.path).stat().st_size == before.size_bytes
    assert job_status(world, job_id) == "approved"
    record = world.instance.fetch_materializations(AssetKey("review"), limit=10).records
    decisions = {
        r.partition_key: r.asset_materialization.metadata["decision"].value for r in record
    }
    assert decisions[str(job_id)] == "approve"
    shown = json.loads(cli("show", str(job_id), "--json")[1])
    assert shown["video"]["reviewer"] == "ana" and shown["video"]["path"] == after.path
    assert {s["stage"]: s["state"] for s in shown["stages"]}["review"] == "materialized"

    unchanged = snapshot(world, job_id)
    code, _, err = cli("approve", str(job_id))
    assert code == 2 and "already approved" in err
    code, _, err = cli("reject", str(job_id), "--note", "changed my mind")
    assert code == 2 and "already approved" in err
    assert snapshot(world, job_id) == unchanged


def test_moved_file_is_refused_then_reject_from_a_launched_run(world: World) -> None:
    job_id = world.reject_me
    video = video_of(world, job_id)
    hidden = Path(video.path).with_suffix(".hidden")
    shutil.move(video.path, hidden)
    unchanged = snapshot(world, job_id)
    code, _, err = cli("approve", str(job_id))
    assert code == 2 and "file is missing" in err
    launched = launch_review(world, job_id, video.id, "approve", "ui")
    assert not launched.success and "file is missing" in launched.steps[0].message
    assert snapshot(world, job_id) == unchanged

    shutil.move(hidden, video.path)
    code, _, err = cli("reject", str(job_id))
    assert code == 2 and "needs a note" in err
    launched = launch_review(world, job_id, video.id, "reject", "lee", "off-brand colours")
    assert launched.success
    after = video_of(world, job_id)
    assert after.status == "rejected" and after.review_note == "off-brand colours"
    assert Path(after.path).parent == world.settings.output_dir / "rejected" / f"job-{job_id}"
    assert job_status(world, job_id) == "rejected"


def test_review_of_a_job_without_video_or_unknown_job_is_a_user_error(world: World) -> None:
    with session_scope(world.settings.app_database_url) as session:
        [fresh] = request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME)
    code, _, err = cli("approve", str(fresh))
    assert code == 2 and f"job {fresh} has no video to review yet" in err
    code, _, err = cli("approve", "424242")
    assert code == 2 and "no job 424242" in err


def test_approval_auto_posts_only_when_the_theme_says_so(world: World) -> None:
    assert cli("approve", str(world.auto_post), "--reviewer", "kim")[0] == 0
    sensor = world.defs.get_sensor_def("approved_videos")
    tick = sensor(
        build_sensor_context(
            instance=world.instance, resources={"app_db": world.defs.resources["app_db"]}
        )
    )
    assert [r.partition_key for r in tick.run_requests] == [str(world.auto_post)]
    outcome = materialize_job(
        world.defs,
        world.instance,
        world.auto_post,
        stages=["publication"],
        job_name="publish_video",
    )
    assert outcome.success
    video = video_of(world, world.auto_post)
    assert video.status == "published"
    with session_scope(world.settings.app_database_url) as session:
        [row] = session.query(Publication).filter_by(job_id=world.auto_post).all()
        assert (row.platform, row.status, row.vendor) == ("youtube", "dry_run", "dry_run")
        manifest = json.loads(Path(row.manifest_path).read_text())
    assert manifest["file"]["path"] == video.path
    assert manifest["file"]["size_bytes"] == Path(video.path).stat().st_size
    assert job_status(world, world.auto_post) == "published"
    manual_manifests = list(
        (world.settings.output_dir / "approved" / f"job-{world.approve_me}").glob("*.json")
    )
    assert manual_manifests == []


def test_every_step_loaded_exactly_the_stages_the_graph_draws(world: World) -> None:
    """What each step of the runs so far read (its LOADED_INPUT events) equals its graph parents."""
    graph = world.defs.resolve_asset_graph()
    seen = set()
    for record in world.instance.get_run_records():
        run_id = record.dagster_run.run_id
        loaded: dict[str, set[str]] = {}
        for event in world.instance.get_records_for_run(
            run_id, of_type={DagsterEventType.LOADED_INPUT, DagsterEventType.STEP_SUCCESS}
        ).records:
            entry = event.event_log_entry
            reads = loaded.setdefault(entry.step_key, set())
            data = entry.dagster_event.event_specific_data
            if entry.dagster_event.event_type == DagsterEventType.LOADED_INPUT:
                reads.add(data.metadata["upstream"].value)
        for stage, reads in loaded.items():
            assert reads == {k.to_user_string() for k in graph.get(AssetKey(stage)).parent_keys}
            seen.add(stage)
    assert seen >= {"trends", "trend_report", "script", "voiceover", "footage", "video"}
