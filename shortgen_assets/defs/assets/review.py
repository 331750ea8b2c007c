"""`review`: a human's approve or reject, recorded as a materialization with its config."""

from pathlib import Path
from typing import Literal

from dagster import AssetExecutionContext, Config, Failure, MaterializeResult, MetadataValue, asset
from pydantic import Field

from shortgen_assets.db.models import Job, Video, utcnow
from shortgen_assets.db.state import REVIEW_DECISIONS
from shortgen_assets.defs.assets.common import job_id_of, upstream_row_id
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.reviews import check_decision
from shortgen_assets.domain.publish.review import (
    FOLDERS,
    ReviewError,
    check_current,
    copy_verified,
    discard,
)
from shortgen_assets.settings import get_settings


class ReviewConfig(Config):
    video_id: int = Field(description="the video the reviewer watched (`shortgen show JOB`)")
    decision: Literal["approve", "reject"] = Field(description="approve or reject the video")
    reviewer: str = Field(min_length=1, description="who decided")
    note: str = Field("", description="why; required to reject")


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    deps=["video"],
    kinds={"python"},
    description="A reviewer's decision on the job's video: moves it to approved/ or rejected/.",
)
def review(
    context: AssetExecutionContext, config: ReviewConfig, app_db: AppDatabase
) -> MaterializeResult:
    job_id, video_id = job_id_of(context), config.video_id
    materialized = upstream_row_id(context, "video", "video_id")
    with app_db.session() as session:
        try:
            check_current(job_id, video_id, job_id, materialized)
            video = check_decision(
                session,
                context.instance,
                None,
                job_id,
                video_id,
                config.decision,
                config.note,
                exclude_run_id=context.run.run_id,
            )
        except ReviewError as exc:
            raise Failure(str(exc), allow_retries=False) from None
        originals = [Path(video.path), Path(video.thumbnail_path)]
    folder = get_settings().output_dir / FOLDERS[config.decision] / f"job-{job_id}"
    copies = copy_verified(originals, folder)
    try:
        with app_db.session() as session:
            video = session.get(Video, video_id)
            REVIEW_DECISIONS[config.decision](session.get(Job, job_id), video)
            video.path, video.thumbnail_path = str(copies[0]), str(copies[1])
            video.reviewed_at, video.reviewer = utcnow(), config.reviewer
            video.review_note = config.note or None
    except BaseException:
        discard(copies)
        raise
    discard(originals)
    return MaterializeResult(
        metadata={
            "video_id": video_id,
            "job_id": job_id,
            "decision": config.decision,
            "reviewer": config.reviewer,
            "note": config.note,
            "path": MetadataValue.path(str(copies[0])),
        }
    )
