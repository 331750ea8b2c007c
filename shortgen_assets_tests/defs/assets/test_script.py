"""`script`: re-materializing inserts a new plan row and names it; the old row stays."""

from __future__ import annotations

from dagster import AssetKey, DagsterInstance
from sqlalchemy import select

from shortgen_assets.db.models import Script
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME


def test_rematerializing_script_adds_a_row_and_the_metadata_names_it(
    installation: Settings, instance: DagsterInstance
) -> None:
    with session_scope(installation.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME, status="queued")
    defs = build_definitions(installation)
    assert materialize_job(defs, instance, job_id, ["trends", "trend_report", "script"]).success
    first = instance.get_latest_materialization_event(AssetKey("script")).asset_materialization
    assert materialize_job(defs, instance, job_id, ["script"]).success
    second = instance.get_latest_materialization_event(AssetKey("script")).asset_materialization
    with session_scope(installation.app_database_url) as session:
        rows = session.scalars(select(Script).where(Script.job_id == job_id).order_by(Script.id))
        ids = [(row.id, row.trend_report_id) for row in rows]
    assert [row_id for row_id, _ in ids] == [
        first.metadata["script_id"].value,
        second.metadata["script_id"].value,
    ]
    report_id = second.metadata["trend_report_id"].value
    assert {trend_report_id for _, trend_report_id in ids} == {report_id}
    assert second.metadata["plan"].value.startswith("### ")
