"""The request sensor and the run-status sensors on a real Dagster instance."""

from __future__ import annotations

from pathlib import Path

from dagster import (
    DagsterEventType,
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
    build_run_status_sensor_context,
    build_sensor_context,
)

from shortgen_assets.db.models import Job
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.trend_sources import TrendSourcesResource
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings


def _status(settings: Settings, job_id: int) -> tuple[str, str | None]:
    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job.status, job.error


def _resources(defs: Definitions) -> dict[str, object]:
    return {"app_db": defs.resources["app_db"]}


def _status_tick(
    defs: Definitions,
    instance: DagsterInstance,
    result: ExecuteInProcessResult,
    sensor_name: str,
    event_type: DagsterEventType,
) -> None:
    """Evaluate a run-status sensor on the run's event of `event_type`, as the daemon would."""
    event = next(e for e in result.all_events if e.event_type == event_type)
    context = build_run_status_sensor_context(
        sensor_name=sensor_name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources=_resources(defs),
    )
    if event_type == DagsterEventType.RUN_FAILURE:
        context = context.for_run_failure()
    defs.get_sensor_def(sensor_name)(context)


def _request(settings: Settings, theme: Path) -> int:
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(theme), theme)
    return job_id


def test_sensor_tick_adds_partition_and_its_run_makes_the_video(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> None:
    job_id = _request(installation, quick_theme)
    defs = build_definitions(installation)
    tick = defs.get_sensor_def("job_requests")(
        build_sensor_context(instance=instance, resources=_resources(defs))
    )
    key = str(job_id)
    assert [request.partition_key for request in tick.run_requests] == [key]
    assert tick.dynamic_partitions_requests[0].partition_keys == [key]
    assert tick.cursor == key
    assert _status(installation, job_id)[0] == "queued"

    # What the daemon does with the tick: add the partition, launch the run.
    instance.add_dynamic_partitions("job", [key])
    run_request = tick.run_requests[0]
    result = defs.resolve_job_def("pipeline").execute_in_process(
        partition_key=key, instance=instance, tags=run_request.tags
    )
    assert result.success
    materialized = {event.asset_key.path[-1] for event in result.get_asset_materialization_events()}
    assert materialized == {"trends", "trend_report", "script", "voiceover", "footage", "video"}

    _status_tick(defs, instance, result, "job_succeeded", DagsterEventType.RUN_SUCCESS)
    assert _status(installation, job_id) == ("awaiting_review", None)

    # The sensors tick independently: the same run's STARTED arriving late changes nothing.
    _status_tick(defs, instance, result, "job_started", DagsterEventType.RUN_START)
    assert _status(installation, job_id) == ("awaiting_review", None)

    again = defs.get_sensor_def("job_requests")(
        build_sensor_context(instance=instance, resources=_resources(defs), cursor=tick.cursor)
    )
    assert not again.run_requests


def test_failed_run_marks_the_job_failed_with_the_error(
    installation: Settings, instance: DagsterInstance, quick_theme: Path, monkeypatch
) -> None:
    def refused(*_: object) -> None:
        raise ProviderError("youtube: HTTP 403 quotaExceeded; wait for the daily quota reset")

    monkeypatch.setattr(TrendSourcesResource, "collect", refused)
    job_id = _request(installation, quick_theme)
    defs = build_definitions(installation)
    key = str(job_id)
    instance.add_dynamic_partitions("job", [key])
    result = defs.resolve_job_def("pipeline").execute_in_process(
        partition_key=key, instance=instance, raise_on_error=False
    )
    assert not result.success
    _status_tick(defs, instance, result, "job_failed", DagsterEventType.RUN_FAILURE)
    status, error = _status(installation, job_id)
    assert status == "failed"
    assert error.startswith("trends")
