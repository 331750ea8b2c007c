"""A job's warnings: failed non-blocking asset checks (severity WARN) on its latest stages.

A warning does not stop the pipeline (a low trend signal is valid input), so it would be easy to
miss; `demo`, `show` and the UI all read it from the same Dagster records.
"""

from __future__ import annotations

from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    AssetKey,
    AssetRecordsFilter,
    DagsterEventType,
    DagsterInstance,
)

from shortgen_assets.stages import PIPELINE_STAGES


def check_warnings(instance: DagsterInstance, job_id: int) -> list[str]:
    """'stage check_name: description' for each WARN check that failed on the latest
    materialization of each pipeline stage of the job."""
    key = str(job_id)
    warnings = []
    for stage in PIPELINE_STAGES:
        records = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=AssetKey(stage), asset_partitions=[key]), limit=1
        ).records
        if not records:
            continue
        evaluations = instance.get_records_for_run(
            records[0].run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        for record in evaluations:
            event = record.event_log_entry.dagster_event
            evaluation = event.event_specific_data if event else None
            if (
                isinstance(evaluation, AssetCheckEvaluation)
                and evaluation.asset_key == AssetKey(stage)
                and evaluation.partition in (None, key)
                and not evaluation.passed
                and evaluation.severity == AssetCheckSeverity.WARN
            ):
                warnings.append(f"{stage} {evaluation.check_name}: {evaluation.description}")
    return warnings
