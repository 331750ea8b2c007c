"""A job's progress read from Dagster's records: which stages are materialized, failed or missing.

Nothing here is stored in the app database; the materialization and run history of the job's
partition is the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster import (
    AssetKey,
    AssetRecordsFilter,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    RunsFilter,
)

from shortgen_assets.stages import ALL_STAGES, PIPELINE_STAGES


@dataclass(frozen=True)
class StageState:
    stage: str
    state: str  # materialized | failed | missing
    at: str | None = None
    run_id: str | None = None
    metadata: dict[str, Any] | None = None


def _latest(instance: DagsterInstance, stage: str, key: str) -> StageState | None:
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(stage), asset_partitions=[key]), limit=1
    ).records
    if not records:
        return None
    record = records[0]
    metadata = record.asset_materialization.metadata if record.asset_materialization else {}
    return StageState(
        stage=stage,
        state="materialized",
        at=datetime.fromtimestamp(record.timestamp, UTC).isoformat(timespec="seconds"),
        run_id=record.run_id,
        metadata={name: value.value for name, value in metadata.items()},
    )


def failed_stages(instance: DagsterInstance, key: str) -> set[str]:
    """Stages whose step failed in the latest finished run of this partition."""
    runs = instance.get_runs(
        RunsFilter(
            tags={"dagster/partition": key},
            statuses=[DagsterRunStatus.FAILURE, DagsterRunStatus.SUCCESS],
        ),
        limit=1,
    )
    if not runs or runs[0].status != DagsterRunStatus.FAILURE:
        return set()
    return {
        record.event_log_entry.step_key or ""
        for record in instance.get_records_for_run(
            runs[0].run_id, of_type=DagsterEventType.STEP_FAILURE
        ).records
    }


def stage_states(instance: DagsterInstance, job_id: int) -> list[StageState]:
    key = str(job_id)
    failed = failed_stages(instance, key)
    states = []
    for stage in ALL_STAGES:
        latest = _latest(instance, stage, key)
        if stage in failed:
            states.append(StageState(stage, "failed", latest.at if latest else None))
        else:
            states.append(latest or StageState(stage, "missing"))
    return states


def materialized_counts(instance: DagsterInstance, keys: list[str]) -> dict[str, int]:
    """How many pipeline stages each partition has materialized (one query per stage)."""
    counts = dict.fromkeys(keys, 0)
    for stage in ALL_STAGES:
        done = instance.get_materialized_partitions(AssetKey(stage))
        for key in keys:
            counts[key] += key in done
    return counts


def _file_gone(state: StageState) -> bool:
    """A materialization whose file was deleted or lost (a crash, `shortgen doctor --fix`)."""
    path = (state.metadata or {}).get("path")
    return isinstance(path, str) and not Path(path).is_file()


def stages_to_retry(instance: DagsterInstance, job_id: int) -> list[str]:
    """The first pipeline stage that is missing, failed or whose file is gone, and every stage
    after it."""
    states = stage_states(instance, job_id)[: len(PIPELINE_STAGES)]
    for index, state in enumerate(states):
        if state.state != "materialized" or _file_gone(state):
            return list(PIPELINE_STAGES[index:])
    return []
