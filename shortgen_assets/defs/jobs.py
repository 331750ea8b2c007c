"""Jobs over the job partitions, each run in one process.

The in-process executor keeps per-run overhead to a couple of seconds (one process per step costs
about ten here); steps of one job are sequential anyway, and parallelism comes from running several
jobs at once under the run queue.
"""

from dagster import AssetSelection, define_asset_job, in_process_executor

from shortgen_assets import stages
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.stages import LAST_STAGE, PIPELINE_STAGES

__all__ = [  # the stage names are defined in stages.py; importable here too, next to the jobs
    "LAST_STAGE",
    "PIPELINE_STAGES",
    "pipeline_job",
    "publication_job",
    "review_job",
    "trend_refresh_job",
]


def _job(name: str, stages: tuple[str, ...], description: str):
    return define_asset_job(
        name=name,
        selection=AssetSelection.assets(*stages),
        partitions_def=job_partitions,
        executor_def=in_process_executor,
        description=description,
    )


pipeline_job = _job(
    "pipeline",
    PIPELINE_STAGES,
    "Make one video for one requested job: trends, report, script, media, video.",
)
review_job = _job(
    "review_video",
    (stages.REVIEW,),
    "A reviewer's decision on one job's video (config: decision, reviewer, note).",
)
publication_job = _job("publish_video", (stages.PUBLICATION,), "Publish one job's approved video.")
trend_refresh_job = _job(
    "trend_refresh",
    (stages.TRENDS, stages.TREND_REPORT),
    "Re-collect and re-analyse trends for a job (a new snapshot; history is kept).",
)
