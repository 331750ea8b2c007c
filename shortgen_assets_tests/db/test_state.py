"""The job and video state machines on a real app database."""

from __future__ import annotations

import pytest

from shortgen_assets.db.models import Job, Script, TrendReportRow, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.db.state import (
    IllegalTransition,
    StaleRunEvent,
    mark_approved,
    mark_awaiting_review,
    mark_failed,
    mark_published,
    mark_queued,
    mark_rejected,
    mark_running,
)
from shortgen_assets.db.video_rows import save_video
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _job(settings: Settings, status: str = "requested") -> int:
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME, status=status)
    return job_id


def _video(settings: Settings, job_id: int) -> int:
    """A generated video row for the job, on the report and script rows it descends from."""
    with session_scope(settings.app_database_url) as session:
        report = TrendReportRow(
            job_id=job_id, analysed_count=0, report={}, analyzer="t", model="t", run_id="r1"
        )
        session.add(report)
        session.flush()
        text = dict.fromkeys(
            ("title", "description", "video_prompt", "voiceover_script", "hook_text", "cta_text"),
            "t",
        )
        lists = {key: [] for key in ("scenes", "voiceover_sentences", "text_overlays", "hashtags")}
        script = Script(
            job_id=job_id,
            trend_report_id=report.id,
            duration_target=5.0,
            aspect_ratio="9:16",
            theme={},
            provider="t",
            model="t",
            run_id="r1",
            **text,
            **lists,
        )
        session.add(script)
        session.flush()
        video = save_video(
            session,
            job_id=job_id,
            script_id=script.id,
            path="v.mp4",
            thumbnail_path="v.jpg",
            duration_seconds=5.0,
            width=270,
            height=480,
            size_bytes=1,
            costs={"llm": 0.0, "tts": 0.0, "footage": 0.0},
            generation_log={},
            run_id="r1",
        )
        return video.id


def _state(settings: Settings, job_id: int) -> tuple[str, str | None, str | None]:
    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id)
        return job.status, job.error, job.run_id


def test_a_run_moves_its_job_forward_only(installation: Settings) -> None:
    job_id = _job(installation)
    with session_scope(installation.app_database_url) as session:
        job = session.get(Job, job_id)
        mark_queued(job, "r1")
        mark_running(job, "r1")
        mark_running(job, "r1")  # the same event twice changes nothing
        mark_failed(job, "r1", "voiceover: silence")
    assert _state(installation, job_id) == ("failed", "voiceover: silence", "r1")
    with session_scope(installation.app_database_url) as session:
        job = session.get(Job, job_id)
        with pytest.raises(StaleRunEvent, match=f"job {job_id} is already failed after run r1"):
            mark_running(job, "r1")
        with pytest.raises(StaleRunEvent):
            mark_awaiting_review(job, "r1")
    # A new run (a retry) takes the job over and clears the old error.
    with session_scope(installation.app_database_url) as session:
        job = session.get(Job, job_id)
        mark_running(job, "r2")
        mark_awaiting_review(job, "r2")
    assert _state(installation, job_id) == ("awaiting_review", None, "r2")


def test_new_jobs_start_only_where_allowed(installation: Settings) -> None:
    with pytest.raises(IllegalTransition, match="cannot start as 'approved'"):
        _job(installation, status="approved")


def test_a_decision_needs_a_video_awaiting_review(installation: Settings) -> None:
    job_id = _job(installation)
    video_id = _video(installation, job_id)
    with session_scope(installation.app_database_url) as session:
        job, video = session.get(Job, job_id), session.get(Video, video_id)
        mark_running(job, "r1")
        with pytest.raises(IllegalTransition, match=f"job {job_id} is running, not awaiting"):
            mark_approved(job, video)
        with pytest.raises(IllegalTransition, match="only an approved video publishes"):
            mark_published(job, video)
        mark_awaiting_review(job, "r1")
        mark_approved(job, video)
        with pytest.raises(IllegalTransition, match="already approved"):
            mark_rejected(job, video)
        # A late event of the run that made the video cannot pull the approval back.
        with pytest.raises(StaleRunEvent):
            mark_awaiting_review(job, "r1")
        mark_published(job, video)
    assert _state(installation, job_id)[0] == "published"
    with session_scope(installation.app_database_url) as session:
        assert session.get(Video, video_id).status == "published"
