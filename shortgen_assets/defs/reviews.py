"""Review decisions: bound to the video the reviewer saw, launched as `review` materializations.

The CLI, the studio and the API all decide through `launch_review`, so every decision is the same
Dagster run with the same checks. A decision names its video and is refused while a render of the
job is queued or running (an unfinished run of its partition that includes `video`, or a requested
backfill that has yet to materialize it) or when a newer video exists: deciding then would judge a
video the reviewer never watched. The `review` asset repeats the checks inside its run.
"""

from __future__ import annotations

from pathlib import Path

from dagster import AssetKey, DagsterInstance, Definitions, RunsFilter
from dagster._core.definitions.assets.graph.base_asset_graph import BaseAssetGraph
from dagster._core.definitions.events import AssetKeyPartitionKey
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES, DagsterRun
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shortgen_assets.db.models import MAX_ROW_ID, Job, Video
from shortgen_assets.db.state import IllegalTransition, ensure_reviewable
from shortgen_assets.defs.jobs import LAST_STAGE, pipeline_job, review_job
from shortgen_assets.defs.launch import RunOutcome, materialize_job
from shortgen_assets.domain.publish.review import (
    Decision,
    ReviewError,
    check_current,
    check_not_rendering,
    check_reviewable,
)

PARTITION_TAG = "dagster/partition"
VIDEO = AssetKey(LAST_STAGE)


def _renders_video(run: DagsterRun) -> bool:
    if run.asset_selection is None:
        return run.job_name == pipeline_job.name
    return VIDEO in run.asset_selection


def renders_in_flight(
    instance: DagsterInstance,
    asset_graph: BaseAssetGraph | None,
    job_id: int,
    exclude_run_id: str | None = None,
) -> list[str]:
    """Unfinished runs and requested backfills that will write a new video for the job.

    Backfills are read with the whole asset graph; without one (inside a run, whose job sees
    only part of the graph) only runs are checked, and runs are what write videos.
    """
    key = str(job_id)
    runs = instance.get_runs(RunsFilter(tags={PARTITION_TAG: key}, statuses=NOT_FINISHED_STATUSES))
    found = [
        f"run {run.run_id[:8]} {run.status.value.lower()}"
        for run in runs
        if run.run_id != exclude_run_id and _renders_video(run)
    ]
    if asset_graph is None:
        return found
    # Dagster's backfill machinery costs 0.1 s to import; the definitions load without it.
    from dagster._core.execution.backfill import BulkActionsFilter, BulkActionStatus

    backfills = instance.get_backfills(
        filters=BulkActionsFilter(statuses=[BulkActionStatus.REQUESTED])
    )
    for backfill in backfills:
        if not backfill.is_asset_backfill:
            continue
        data = backfill.get_asset_backfill_data(asset_graph)
        pending = data.get_targeted_partitions_without_materialization_status()
        if AssetKeyPartitionKey(VIDEO, key) in pending:
            found.append(f"backfill {backfill.backfill_id} requested")
    return found


def latest_video_id(session: Session, job_id: int) -> int | None:
    return session.scalar(select(func.max(Video.id)).where(Video.job_id == job_id))


def check_decision(
    session: Session,
    instance: DagsterInstance,
    asset_graph: BaseAssetGraph | None,
    job_id: int,
    video_id: int,
    decision: Decision,
    note: str,
    exclude_run_id: str | None = None,
) -> Video:
    """The video to judge; raises ReviewError (ReviewConflict for races) unless it can be now."""
    video = session.get(Video, video_id) if abs(video_id) <= MAX_ROW_ID else None
    latest = latest_video_id(session, job_id)
    if latest is None:
        raise ReviewError(f"job {job_id} has no video to review yet")
    check_current(job_id, video_id, video.job_id if video else None, latest)
    check_not_rendering(job_id, renders_in_flight(instance, asset_graph, job_id, exclude_run_id))
    files = [Path(video.path), Path(video.thumbnail_path)]
    check_reviewable(video.id, video.status, files, decision, note)
    try:
        ensure_reviewable(session.get(Job, job_id), video)
    except IllegalTransition as exc:
        raise ReviewError(str(exc)) from None
    return video


def review_run_config(video_id: int, decision: Decision, reviewer: str, note: str) -> dict:
    config = {"video_id": video_id, "decision": decision, "reviewer": reviewer, "note": note}
    return {"ops": {"review": {"config": config}}}


def launch_review(
    defs: Definitions,
    instance: DagsterInstance,
    job_id: int,
    video_id: int,
    decision: Decision,
    reviewer: str,
    note: str = "",
) -> RunOutcome:
    """Check the decision, then materialize `review` for the job in this process."""
    with defs.resources["app_db"].session() as session:
        asset_graph = defs.resolve_asset_graph()
        check_decision(session, instance, asset_graph, job_id, video_id, decision, note)
    return materialize_job(
        defs,
        instance,
        job_id,
        stages=["review"],
        job_name=review_job.name,
        run_config=review_run_config(video_id, decision, reviewer, note),
    )
