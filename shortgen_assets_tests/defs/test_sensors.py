"""The request sensor and the run-status sensors on a real Dagster instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import (
    DagsterEvent,
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    Definitions,
    ExecuteInProcessResult,
    build_run_status_sensor_context,
    build_sensor_context,
)

from shortgen_assets.db.models import Job
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs import sensors
from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.trend_sources import TrendSourcesResource
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.defs.resources.test_preflight import CASES


def _status(settings: Settings, job_id: int) -> tuple[str, str | None]:
    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job.status, job.error


def _resources(defs: Definitions) -> dict[str, object]:
    return {
        "app_db": defs.resources["app_db"],
        "provider_credentials": defs.resources["provider_credentials"],
    }


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
    # The tick only reads: the job is `requested` until Dagster enqueues or starts its run.
    assert _status(installation, job_id)[0] == "requested"

    # What the daemon does with the tick: add the partition, launch the run.
    instance.add_dynamic_partitions("job", [key])
    run_request = tick.run_requests[0]
    result = defs.resolve_job_def("pipeline").execute_in_process(
        partition_key=key, instance=instance, tags=run_request.tags
    )
    assert result.success
    materialized = {event.asset_key.path[-1] for event in result.get_asset_materialization_events()}
    assert materialized == {"trends", "trend_report", "script", "voiceover", "footage", "video"}

    _status_tick(defs, instance, result, "job_started", DagsterEventType.RUN_START)
    assert _status(installation, job_id) == ("running", None)

    _status_tick(defs, instance, result, "job_succeeded", DagsterEventType.RUN_SUCCESS)
    assert _status(installation, job_id) == ("awaiting_review", None)

    # The sensors tick independently: the same run's STARTED arriving late changes nothing.
    _status_tick(defs, instance, result, "job_started", DagsterEventType.RUN_START)
    assert _status(installation, job_id) == ("awaiting_review", None)

    again = defs.get_sensor_def("job_requests")(
        build_sensor_context(instance=instance, resources=_resources(defs), cursor=tick.cursor)
    )
    assert not again.run_requests


def test_a_tick_failing_halfway_strands_nothing_and_the_next_tick_picks_the_job_up(
    installation: Settings, instance: DagsterInstance, quick_theme: Path, monkeypatch
) -> None:
    job_id = _request(installation, quick_theme)
    defs = build_definitions(installation)
    sensor = defs.get_sensor_def("job_requests")

    def broken(keys: list[str]) -> None:
        raise RuntimeError("instance storage went away mid-tick")

    # After the rows are read, before the tick returns: the daemon stores no cursor and no runs.
    monkeypatch.setattr(sensors.job_partitions, "build_add_request", broken)
    with pytest.raises(RuntimeError, match="mid-tick"):
        sensor(build_sensor_context(instance=instance, resources=_resources(defs)))
    assert _status(installation, job_id) == ("requested", None)

    monkeypatch.undo()
    tick = sensor(build_sensor_context(instance=instance, resources=_resources(defs)))
    assert [request.partition_key for request in tick.run_requests] == [str(job_id)]
    assert tick.dynamic_partitions_requests[0].partition_keys == [str(job_id)]


def _enqueued(defs: Definitions, instance: DagsterInstance, run: DagsterRun) -> None:
    """The job_queued sensor on the run's RUN_ENQUEUED event, as the daemon's queue reports it."""
    event = DagsterEvent(DagsterEventType.RUN_ENQUEUED.value, job_name=run.job_name)
    context = build_run_status_sensor_context(
        sensor_name="job_queued",
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=run,
        resources=_resources(defs),
    )
    defs.get_sensor_def("job_queued")(context)


def _broken_theme(settings: Settings, job_id: int) -> None:
    """Corrupt the job's theme snapshot so its first stage fails with the theme's own words."""
    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id)
        job.theme = {**job.theme, "duration_seconds": -3}


def test_an_older_runs_late_events_never_undo_a_newer_run(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> None:
    job_id = _request(installation, quick_theme)
    key = str(job_id)
    defs = build_definitions(installation)
    instance.add_dynamic_partitions("job", [key])
    pipeline = defs.resolve_job_def("pipeline")
    _broken_theme(installation, job_id)
    first = pipeline.execute_in_process(partition_key=key, instance=instance, raise_on_error=False)
    assert not first.success
    _enqueued(defs, instance, first.dagster_run)
    assert _status(installation, job_id)[0] == "queued"
    _status_tick(defs, instance, first, "job_failed", DagsterEventType.RUN_FAILURE)
    status, error = _status(installation, job_id)
    assert status == "failed"
    assert error.startswith("trends: job ") and "field 'duration_seconds'" in error

    with session_scope(installation.app_database_url) as session:
        job = session.get(Job, job_id)
        job.theme = load_theme(quick_theme).model_dump(mode="json")
    second = pipeline.execute_in_process(partition_key=key, instance=instance)
    _status_tick(defs, instance, second, "job_succeeded", DagsterEventType.RUN_SUCCESS)
    assert _status(installation, job_id) == ("awaiting_review", None)
    # The first run's events arrive late (a sensor lagging behind): nothing moves back.
    _enqueued(defs, instance, first.dagster_run)
    _status_tick(defs, instance, first, "job_started", DagsterEventType.RUN_START)
    _status_tick(defs, instance, first, "job_failed", DagsterEventType.RUN_FAILURE)
    _status_tick(defs, instance, second, "job_started", DagsterEventType.RUN_START)
    assert _status(installation, job_id) == ("awaiting_review", None)


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


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(("choice", "vendor", "variable", "setting"), CASES)
def test_a_request_whose_provider_has_no_key_fails_at_once_with_the_reason(
    installation: Settings,
    instance: DagsterInstance,
    quick_theme: Path,
    monkeypatch: pytest.MonkeyPatch,
    choice: dict,
    vendor: str,
    variable: str,
    setting: str,
) -> None:
    """A job inserted by another system never waits `queued` for a run that cannot start."""
    monkeypatch.delenv(variable, raising=False)
    settings = installation.model_copy(update=choice)
    job_id = _request(settings, quick_theme)
    defs = build_definitions(settings)
    tick = defs.get_sensor_def("job_requests")(
        build_sensor_context(instance=instance, resources=_resources(defs))
    )
    assert not tick.run_requests
    status, error = _status(settings, job_id)
    assert status == "failed"
    assert error == (
        f"{vendor} needs {variable}: export it (or add it to the environment of the "
        f"daemon), or choose another vendor with {setting}"
    )

    monkeypatch.setenv(variable, "a-key")
    later = _request(settings, quick_theme)
    tick = defs.get_sensor_def("job_requests")(
        build_sensor_context(instance=instance, resources=_resources(defs))
    )
    assert [request.partition_key for request in tick.run_requests] == [str(later)]
