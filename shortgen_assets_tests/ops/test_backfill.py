"""A re-render backfill from `shortgen backfill`, run by the real daemon like one from the UI."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance
from dagster._core.execution.backfill import BulkActionStatus
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets_tests.conftest import install
from shortgen_assets_tests.ops.daemon import (
    PIPELINE_DAEMONS,
    DagsterServices,
    queued_instance_config,
)

pytestmark = pytest.mark.xdist_group("daemon")


def _count(instance: DagsterInstance, stage: str, key: str) -> int:
    filter_ = AssetRecordsFilter(asset_key=AssetKey(stage), asset_partitions=[key])
    return len(instance.fetch_materializations(filter_, limit=50).records)


def test_backfill_from_video_rerenders_and_reuses_upstream(
    tmp_path: Path,
    quick_theme: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    settings = install(tmp_path, "sqlite", monkeypatch, request)
    config = queued_instance_config(
        {"sqlite": {"base_dir": str(settings.dagster_home_dir / "storage")}}, 2
    )
    (settings.dagster_home_dir / "dagster.yaml").write_text(yaml.safe_dump(config))
    with session_scope(settings.app_database_url) as session:
        ids = request_jobs(session, load_theme(quick_theme), quick_theme, count=2, status="queued")
    keys = [str(job_id) for job_id in ids]
    with DagsterInstance.get() as instance:
        defs = build_definitions(settings)
        for job_id in ids:
            assert materialize_job(defs, instance, job_id).success
        result = CliRunner().invoke(app, ["backfill", "--jobs", ",".join(keys), "--from", "video"])
        assert result.exit_code == 0, result.stderr
        backfill_id = result.stdout.strip()

        daemons = (*PIPELINE_DAEMONS, "BACKFILL")
        with DagsterServices(
            settings.dagster_home_dir, log_dir=tmp_path / "logs", daemons=daemons
        ) as services:
            deadline = time.monotonic() + 300
            while instance.get_backfill(backfill_id).status == BulkActionStatus.REQUESTED:
                assert time.monotonic() < deadline, services.log_text()[-3000:]
                time.sleep(2)
        backfill = instance.get_backfill(backfill_id)
        assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS, services.log_text()[-3000:]
        for key in keys:
            assert _count(instance, "video", key) == 2
            for stage in ("trends", "trend_report", "script", "voiceover", "footage"):
                assert _count(instance, stage, key) == 1, (stage, key)
