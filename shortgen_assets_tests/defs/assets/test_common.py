"""A partition added by hand in the UI, with no job row, still materializes: it gets one."""

from __future__ import annotations

from dagster import AssetKey, DagsterInstance

from shortgen_assets.db.models import Job, TrendObservation
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.launch import failure_message, materialize_job
from shortgen_assets.settings import Settings


def test_hand_added_partition_gets_a_job_row_with_the_default_theme(
    installation: Settings, instance: DagsterInstance
) -> None:
    instance.add_dynamic_partitions("job", ["77"])
    defs = build_definitions(installation)
    outcome = materialize_job(defs, instance, 77, stages=["trends"])
    assert outcome.success
    with session_scope(installation.app_database_url) as session:
        job = session.get(Job, 77)
        assert job is not None
        assert (job.source, job.theme_name) == ("ui", "tempo-focus")
        observations = session.query(TrendObservation).filter_by(job_id=77).count()
    record = instance.get_latest_materialization_event(AssetKey("trends"))
    assert record.asset_materialization.partition == "77"
    assert observations == record.asset_materialization.metadata["collected"].value >= 10


def test_non_integer_partition_key_fails_with_a_clear_message(
    installation: Settings, instance: DagsterInstance
) -> None:
    instance.add_dynamic_partitions("job", ["launch-day"])
    defs = build_definitions(installation)
    result = defs.resolve_job_def("pipeline").execute_in_process(
        partition_key="launch-day",
        instance=instance,
        raise_on_error=False,
        asset_selection=[AssetKey("trends")],
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "'launch-day' is not a job id" in failure_message(failure)
