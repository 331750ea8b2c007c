"""The pipeline job: one run per job partition, trends through video, in one process.

The in-process executor keeps per-run overhead to a couple of seconds (one process per step costs
about ten here); steps of one job are sequential anyway, and parallelism comes from running several
jobs at once under the run queue.
"""

from dagster import AssetSelection, define_asset_job, in_process_executor

from shortgen_assets.partitions import job_partitions

PIPELINE_STAGES = ("trends", "trend_report", "script", "voiceover", "footage", "video")
LAST_STAGE = PIPELINE_STAGES[-1]

pipeline_job = define_asset_job(
    name="pipeline",
    selection=AssetSelection.assets(*PIPELINE_STAGES),
    partitions_def=job_partitions,
    executor_def=in_process_executor,
    description="Make one video for one requested job: trends, report, script, media, video.",
)

review_job = define_asset_job(
    name="review_video",
    selection=AssetSelection.assets("review"),
    partitions_def=job_partitions,
    executor_def=in_process_executor,
    description="A reviewer's decision on one job's video (config: decision, reviewer, note).",
)

publication_job = define_asset_job(
    name="publish_video",
    selection=AssetSelection.assets("publication"),
    partitions_def=job_partitions,
    executor_def=in_process_executor,
    description="Publish one job's approved video.",
)

trend_refresh_job = define_asset_job(
    name="trend_refresh",
    selection=AssetSelection.assets("trends", "trend_report"),
    partitions_def=job_partitions,
    executor_def=in_process_executor,
    description="Re-collect and re-analyse trends for a job (a new snapshot; history is kept).",
)
