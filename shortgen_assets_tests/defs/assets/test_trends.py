"""`trends` and `trend_report` on a real instance: rows per job, upserts, concurrent writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from dagster import AssetKey, DagsterInstance
from sqlalchemy import func, select

from shortgen_assets.db.models import Trend, TrendObservation, TrendReportRow
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.db.stage_rows import save_snapshot
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.defs.resources.trend_sources.sample import SampleTrends
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME


def _count(settings: Settings, model: type, **where: object) -> int:
    with session_scope(settings.app_database_url) as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.scalar(query)


def test_trends_and_report_write_rows_for_the_job_and_upsert_the_catalogue(
    installation: Settings, instance: DagsterInstance
) -> None:
    with session_scope(installation.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME, status="queued")
    defs = build_definitions(installation)
    stages = ["trends", "trend_report"]
    assert materialize_job(defs, instance, job_id, stages).success
    catalogue = _count(installation, Trend)
    observed = _count(installation, TrendObservation, job_id=job_id)
    assert catalogue == observed >= 10
    [report] = _reports(installation, job_id)
    assert report.analysed_count == observed and report.run_id

    assert materialize_job(defs, instance, job_id, stages).success
    assert _count(installation, Trend) == catalogue
    assert _count(installation, TrendObservation, job_id=job_id) == 2 * observed
    latest = instance.get_latest_materialization_event(AssetKey("trends"))
    assert latest.asset_materialization.metadata["new_catalogue_rows"].value == 0
    reports = _reports(installation, job_id)
    assert len(reports) == 2
    recorded = instance.get_latest_materialization_event(AssetKey("trend_report"))
    assert recorded.asset_materialization.metadata["trend_report_id"].value == reports[-1].id


def _reports(settings: Settings, job_id: int) -> list[TrendReportRow]:
    with session_scope(settings.app_database_url) as session:
        rows = session.scalars(
            select(TrendReportRow)
            .where(TrendReportRow.job_id == job_id)
            .order_by(TrendReportRow.id)
        ).all()
        session.expunge_all()
        return list(rows)


def test_concurrent_snapshots_of_the_same_trends_never_collide(installation: Settings) -> None:
    now = datetime.now(UTC)
    items = SampleTrends().collect(["productivity"], now).items
    with session_scope(installation.app_database_url) as session:
        ids = request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME, count=4)
    errors: list[BaseException] = []
    start = threading.Barrier(len(ids))

    def write(job_id: int) -> None:
        try:
            start.wait()
            with session_scope(installation.app_database_url) as session:
                save_snapshot(session, job_id, items, now, f"run-{job_id}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(job_id,)) for job_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(installation, Trend) == len(items)
    assert _count(installation, TrendObservation) == len(items) * len(ids)
