"""A decision judges the video the reviewer saw: refused while a re-render is requested or queued,
refused for a video that a newer one replaced, and each render keeps its own files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.execution.backfill import BulkActionStatus
from sqlalchemy import select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import install
from shortgen_assets_tests.ops.daemon import DagsterServices, queued_instance_config, wait_for

pytestmark = pytest.mark.xdist_group("daemon")
QUEUED = DagsterRunStatus.QUEUED


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def videos(settings: Settings, job_id: int) -> list[Video]:
    with session_scope(settings.app_database_url) as session:
        rows = list(session.scalars(select(Video).where(Video.job_id == job_id).order_by(Video.id)))
        session.expunge_all()
        return rows


def state(settings: Settings, job_id: int) -> tuple[list[tuple], list[str]]:
    """Every video row of the job and every file under the output folder."""
    rows = [(v.id, v.status, v.path, v.reviewer) for v in videos(settings, job_id)]
    files = sorted(str(p) for p in settings.output_dir.rglob("*") if p.is_file())
    return rows, files


def use_run_queue(settings: Settings, max_concurrent_runs: int) -> None:
    storage = {"sqlite": {"base_dir": str(settings.dagster_home_dir / "storage")}}
    config = queued_instance_config(storage, max_concurrent_runs)
    (settings.dagster_home_dir / "dagster.yaml").write_text(yaml.safe_dump(config))


def test_review_during_a_rerender_is_refused_then_judges_the_new_video(
    tmp_path: Path,
    quick_theme: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    settings = install(tmp_path, "sqlite", monkeypatch, request)
    use_run_queue(settings, max_concurrent_runs=0)  # the daemon queues runs and launches none
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(quick_theme), quick_theme, status="queued")
    key = str(job_id)
    with DagsterInstance.get() as instance:
        assert materialize_job(build_definitions(settings), instance, job_id).success
        [first] = videos(settings, job_id)
        code, out = cli("backfill", "--jobs", key, "--from", "video")
        assert code == 0, out
        backfill_id = out.split()[0]
        before = state(settings, job_id)

        code, out = cli("approve", key, "--reviewer", "ana")
        assert code == 2 and f"backfill {backfill_id} requested" in out, out
        assert len(out.strip().splitlines()) == 1
        assert state(settings, job_id) == before

        logs, partition = tmp_path / "logs", {"dagster/partition": key}
        with DagsterServices(settings.dagster_home_dir, log_dir=logs, daemons=("BACKFILL",)):
            queued = wait_for(
                lambda: instance.get_runs(RunsFilter(tags=partition, statuses=[QUEUED])),
                120,
                "the backfill's run to be queued",
            )
        code, out = cli("approve", key, "--video", str(first.id))
        assert code == 2 and f"run {queued[0].run_id[:8]} queued" in out, out
        assert state(settings, job_id) == before

        use_run_queue(settings, max_concurrent_runs=1)
        with DagsterServices(settings.dagster_home_dir, log_dir=logs, daemons=("BACKFILL",)):
            deadline = time.monotonic() + 300
            while instance.get_backfill(backfill_id).status == BulkActionStatus.REQUESTED:
                assert time.monotonic() < deadline, "the re-render did not finish in 5 minutes"
                time.sleep(2)
        assert instance.get_backfill(backfill_id).status == BulkActionStatus.COMPLETED_SUCCESS

    old, new = videos(settings, job_id)
    assert old.id == first.id and new.id > old.id
    assert Path(old.path).is_file() and Path(new.path).is_file() and old.path != new.path
    before = state(settings, job_id)
    code, out = cli("reject", key, "--video", str(old.id), "--note", "too slow")
    assert code == 2 and f"newer video ({new.id}) than video {old.id}" in out, out
    assert state(settings, job_id) == before

    code, out = cli("approve", key, "--video", str(new.id), "--reviewer", "ana")
    assert code == 0, out
    old_after, new_after = videos(settings, job_id)
    assert new_after.status == "approved" and Path(new_after.path).is_file()
    assert Path(new_after.path).parent == settings.output_dir / "approved" / f"job-{job_id}"
    assert (old_after.status, old_after.path) == ("generated", old.path)
    assert Path(old.path).is_file(), "reviewing the new video left the old one's file alone"
    with session_scope(settings.app_database_url) as session:
        assert session.get(Job, job_id).status == "approved"
