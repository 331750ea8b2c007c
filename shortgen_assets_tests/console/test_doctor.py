"""`shortgen doctor` on a home with planted crash debris: each item reported, fixed, then clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from dagster import DagsterEvent, DagsterEventType, DagsterInstance, DagsterRunStatus
from dagster._core.test_utils import create_run_for_test
from sqlalchemy import select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.run_health import worker_tags
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings

POOL = "composition"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _job(settings: Settings, theme: Path, status: str) -> int:
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(theme), theme, status=status)
    return job_id


def _dead_run(instance: DagsterInstance, job_id: int) -> str:
    tags = {**worker_tags(), "shortgen/pid": str(_dead_pid()), "dagster/partition": str(job_id)}
    run = create_run_for_test(instance, job_name="pipeline", tags=tags)
    start = DagsterEvent(DagsterEventType.RUN_START.value, job_name=run.job_name)
    instance.handle_run_event(run.run_id, start)
    return run.run_id


def _claim(instance: DagsterInstance, run_id: str) -> None:
    assert instance.event_log_storage.claim_concurrency_slot(POOL, run_id, "video").is_claimed


def _job_row(settings: Settings, job_id: int) -> Job:
    with session_scope(settings.app_database_url) as session:
        return session.get(Job, job_id)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_doctor_reports_each_planted_problem_fixes_it_and_is_then_clean(
    installation: Settings,
    instance: DagsterInstance,
    quick_theme: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    rendered = _job(installation, quick_theme, "queued")
    assert cli("retry", str(rendered))[0] == 0
    with session_scope(installation.app_database_url) as session:
        video = session.scalars(select(Video).where(Video.job_id == rendered)).one()
    Path(video.path).unlink()  # a videos row whose file was deleted
    folder = Path(video.path).parent
    orphan = folder / "finished-but-unrecorded.mp4"
    orphan.write_bytes(b"an mp4 nobody recorded")
    dead = _dead_pid()
    partial = folder / f".clip.pid{dead}-0a1b2c3d.partial.mp4"
    partial.write_bytes(b"half a video")
    scratch = tmp_path / "tmp" / f"shortgen-compose-pid{dead}-abc"
    scratch.mkdir()
    crashed = _job(installation, quick_theme, "running")
    instance.event_log_storage.set_concurrency_slots(POOL, 2)
    dead_run = _dead_run(instance, crashed)
    _claim(instance, dead_run)
    finished = create_run_for_test(instance, job_name="pipeline", status=DagsterRunStatus.SUCCESS)
    _claim(instance, finished.run_id)

    code, out, _ = cli("doctor")
    assert code == 1
    lines = out.strip().splitlines()
    expected = {
        "stuck run": dead_run,
        "held slot": finished.run_id,
        "leftover": str(partial),
        "orphan file": str(orphan),
        "row without file": f"video {video.id} of job {rendered}",
    }
    for kind, names in expected.items():
        assert any(line.startswith(kind) and names in line for line in lines), (kind, lines)
    assert any(str(scratch) in line for line in lines)
    assert all("--fix: " in line for line in lines)
    assert orphan.exists() and partial.exists()  # a report changes nothing

    code, out, err = cli("doctor", "--fix")
    assert code == 0, out + err
    assert not partial.exists() and not scratch.exists() and not orphan.exists()
    quarantined = installation.output_dir / "orphans" / orphan.relative_to(installation.output_dir)
    assert quarantined.read_bytes() == b"an mp4 nobody recorded"
    assert instance.get_run_by_id(dead_run).status == DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info(POOL).claimed_slots == []
    assert _job_row(installation, crashed).status == "failed"
    assert "the run's worker stopped" in _job_row(installation, crashed).error
    lost = _job_row(installation, rendered)
    assert (lost.status, lost.error) == (
        "failed",
        f"its video file is gone; shortgen retry {rendered} re-renders",
    )

    code, out, _ = cli("doctor", "--json")
    assert code == 0 and json.loads(out)["findings"] == []

    code, _, err = cli("retry", str(rendered))
    assert code == 0, err
    assert f"job {rendered}: re-running video" in err
    with session_scope(installation.app_database_url) as session:
        newest = session.scalars(select(Video).where(Video.job_id == rendered)).all()[-1]
    assert newest.id != video.id and Path(newest.path).is_file()
    assert _job_row(installation, rendered).status == "awaiting_review"
    assert os.path.isfile(newest.thumbnail_path)
    code, _, err = cli("approve", str(rendered), "--video", "99999999999999999999")
    assert code == 2 and "is not a video of job" in err, err  # an id past every backend's range
