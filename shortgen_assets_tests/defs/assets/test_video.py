"""`video` on a real instance: its costs are the cost columns of the rows it descends from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, Definitions
from sqlalchemy import update

from shortgen_assets.db.models import Media, Script, TrendReportRow, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings


@pytest.fixture
def upstream(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> tuple[Definitions, int]:
    """A queued job whose stages up to `footage` are materialized: `video` is next."""
    with session_scope(installation.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(quick_theme), quick_theme, status="queued")
    defs = build_definitions(installation)
    stages = ["trends", "trend_report", "script", "voiceover", "footage"]
    assert materialize_job(defs, instance, job_id, stages).success
    return defs, job_id


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_video_costs_are_the_cost_columns_of_its_rows(
    installation: Settings, instance: DagsterInstance, upstream: tuple[Definitions, int]
) -> None:
    defs, job_id = upstream
    # What paid providers would have recorded; the offline ones cost nothing.
    with session_scope(installation.app_database_url) as session:
        session.execute(update(TrendReportRow).values(cost_usd=0.01))
        session.execute(update(Script).values(cost_usd=0.02))
        session.execute(update(Media).where(Media.kind == "voiceover").values(cost_usd=0.5))
        clips = session.execute(update(Media).where(Media.kind == "footage").values(cost_usd=0.25))
        footage_cost = 0.25 * clips.rowcount
    assert footage_cost > 0

    assert materialize_job(defs, instance, job_id, ["video"]).success
    with session_scope(installation.app_database_url) as session:
        video = session.query(Video).filter_by(job_id=job_id).one()
        columns = (video.cost_llm, video.cost_tts, video.cost_footage, video.cost_total)
    assert columns == pytest.approx((0.03, 0.5, footage_cost, 0.53 + footage_cost))
    metadata = instance.get_latest_materialization_event(AssetKey("video")).asset_materialization
    assert metadata.metadata["cost_usd"].value == pytest.approx(0.53 + footage_cost)
    assert metadata.metadata["stage_ref"].value["video_id"] == video.id


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_next_render_removes_a_dead_renders_leftovers(
    installation: Settings, instance: DagsterInstance, upstream: tuple[Definitions, int]
) -> None:
    defs, job_id = upstream
    dead = _dead_pid()
    review = installation.output_dir / "review" / f"job-{job_id}"
    review.mkdir(parents=True, exist_ok=True)
    partial = review / f".clip.pid{dead}-0a1b2c3d.partial.mp4"
    partial.write_bytes(b"half a video")
    scratch = installation.work_dir / f"job-{job_id}" / f".shortgen-kit-pid{dead}-x1"
    scratch.mkdir(parents=True)
    (scratch / "frame.png").write_bytes(b"png")
    live = review / f".other.pid{os.getpid()}-0a1b2c3d.partial.mp4"  # a live writer's: kept
    live.write_bytes(b"in progress")

    assert materialize_job(defs, instance, job_id, ["video"]).success
    assert not partial.exists() and not scratch.exists()
    assert live.exists()
