"""`review`: a human's approve or reject, recorded as a materialization with its config."""

from pathlib import Path
from typing import Literal

from dagster import AssetExecutionContext, Config, Failure, MaterializeResult, MetadataValue, asset
from pydantic import Field

from shortgen_assets.db.models import Job, Video, utcnow
from shortgen_assets.db.state import REVIEW_DECISIONS, IllegalTransition, ensure_reviewable
from shortgen_assets.defs.assets.common import job_id_of, upstream_row_id
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.domain.publish.review import (
    FOLDERS,
    ReviewError,
    check_reviewable,
    copy_verified,
    discard,
)
from shortgen_assets.settings import get_settings


class ReviewConfig(Config):
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
    job_id = job_id_of(context)
    video_id = upstream_row_id(context, "video", "video_id")
    with app_db.session() as session:
        video = session.get(Video, video_id)
        if video is None:
            raise Failure(f"video {video_id} of job {job_id} is gone from the app database")
        originals = [Path(video.path), Path(video.thumbnail_path)]
        try:
            check_reviewable(video_id, video.status, originals, config.decision, config.note)
            ensure_reviewable(session.get(Job, job_id), video)
        except (ReviewError, IllegalTransition) as exc:
            raise Failure(str(exc)) from None
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
