"""Retry and backfill from the CLI, on a real instance."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance
from sqlalchemy import select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job, Media, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.assets import video as video_stage
from shortgen_assets.domain.media import MediaError
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.domain.video.composition import CompositionRequest
from shortgen_assets.settings import Settings


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def materializations(instance: DagsterInstance, stage: str, key: str) -> int:
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(stage), asset_partitions=[key]), limit=100
    ).records
    return len(records)


def _queued_job(settings: Settings, theme: Path) -> int:
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(theme), theme, status="queued")
    return job_id


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_retry_reruns_only_the_failed_stage_and_what_follows(
    installation: Settings,
    instance: DagsterInstance,
    quick_theme: Path,
) -> None:
    job_id = _queued_job(installation, quick_theme)
    key = str(job_id)

    def crash(request: CompositionRequest) -> None:
        raise MediaError(f"fault injected into 'video': ffmpeg died writing {request.out_path}")

    with pytest.MonkeyPatch.context() as fault:
        fault.setattr(video_stage, "compose", crash)
        code, _, err = cli("retry", key)
    assert code == 1
    assert "fault injected into 'video'" in err
    with session_scope(installation.app_database_url) as session:
        job = session.get(Job, job_id)
        assert job.status == "failed" and "fault injected" in job.error
    assert materializations(instance, "footage", key) == 1
    assert materializations(instance, "video", key) == 0

    code, _, err = cli("retry", key)
    assert code == 0, err
    assert f"job {job_id}: re-running video" in err
    for stage in ("trends", "trend_report", "script", "voiceover", "footage", "video"):
        assert materializations(instance, stage, key) == 1, stage
    with session_scope(installation.app_database_url) as session:
        assert session.get(Job, job_id).status == "awaiting_review"
    code, _, err = cli("retry", key)
    assert code == 0 and "nothing to retry" in err


def test_backfill_is_stored_for_the_daemon_with_the_chosen_stages(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> None:
    ids = [_queued_job(installation, quick_theme) for _ in range(3)]
    code, out, err = cli("backfill", "--jobs", f"{ids[0]}-{ids[2]}", "--from", "video")
    assert code == 0, err
    [backfill] = instance.get_backfills()
    assert backfill.backfill_id == out.strip()
    targets = backfill.asset_backfill_data.target_subset
    assert {key.path[-1] for key in targets.asset_keys} == {"video"}
    assert set(targets.get_partitions_subset(AssetKey("video")).get_partition_keys()) == {
        str(i) for i in ids
    }


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "3-1"], "runs backwards"),
        (["--jobs", "one"], "is not a job id or range"),
        (["--jobs", "1-2"], "no job 1, 2"),
        (["--jobs", "1", "--from", "mixing"], "unknown stage 'mixing'"),
    ],
)
def test_backfill_input_errors_exit_2(
    installation: Settings, args: list[str], message: str
) -> None:
    code, _, err = cli("backfill", *args)
    assert code == 2
    assert message in err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_demo_narrates_with_piper_and_captions_follow_its_word_timings(
    installation: Settings, quick_theme: Path
) -> None:
    code, out, err = cli("demo", "--theme", str(quick_theme))

    assert code == 0, err
    with session_scope(installation.app_database_url) as session:
        voiceover = session.scalars(select(Media).where(Media.kind == "voiceover")).one()
        video = session.scalars(select(Video)).one()
        provider, details, log = voiceover.provider, voiceover.details, video.generation_log
    assert (provider, details["voice"]) == ("piper", "en_US-joe-medium")
    words = [w for sentence in details["sentences"] for w in sentence["words"]]
    assert all(w["start_ms"] < w["end_ms"] for w in words)
    assert all(a["end_ms"] <= b["start_ms"] for a, b in itertools.pairwise(words))
    assert words[0]["start_ms"] < 200 and words[-1]["end_ms"] <= details["duration_ms"]
    assert log["providers"]["tts"] == "piper"
    assert log["max_caption_drift_ms"] <= 50
    assert Path(out.splitlines()[0].removeprefix("video:").strip()).is_file()
