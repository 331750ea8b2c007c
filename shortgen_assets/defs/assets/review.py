"""`review`: a human's approve or reject, recorded as a materialization with its config."""

from pathlib import Path
from typing import Literal

from dagster import AssetExecutionContext, Config, Failure, MaterializeResult, MetadataValue, asset
from pydantic import Field

from shortgen_assets import stages
from shortgen_assets.db.models import Job, Video, utcnow
from shortgen_assets.db.state import REVIEW_DECISIONS
from shortgen_assets.defs.assets.common import job_id_of
from shortgen_assets.defs.assets.refs import ReviewRef, VideoRef
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.reviews import check_decision
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.publish.review import (
    FOLDERS,
    ReviewError,
    check_current,
    copy_verified,
    discard,
)


class ReviewConfig(Config):
    video_id: int = Field(description="the video the reviewer watched (`shortgen show JOB`)")
    decision: Literal["approve", "reject"] = Field(description="approve or reject the video")
    reviewer: str = Field(min_length=1, description="who decided")
    note: str = Field("", description="why; required to reject")


@asset(
    name=stages.REVIEW,
    partitions_def=job_partitions,
    group_name="shortgen",
    kinds={"python"},
    dagster_type=ReviewRef,
    description="A reviewer's decision on the job's video: moves it to approved/ or rejected/.",
)
def review(
    context: AssetExecutionContext,
    config: ReviewConfig,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    video: VideoRef,
) -> MaterializeResult:
    job_id, video_id = job_id_of(context), config.video_id
    materialized = video.video_id
    with app_db.session() as session:
        try:
            check_current(job_id, video_id, job_id, materialized)
            row = check_decision(
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
        originals = [Path(row.path), Path(row.thumbnail_path)]
    folder = stage_settings.output_path / FOLDERS[config.decision] / f"job-{job_id}"
    copies = copy_verified(originals, folder)
    try:
        with app_db.session() as session:
            row = session.get(Video, video_id)
            REVIEW_DECISIONS[config.decision](session.get(Job, job_id), row)
            row.path, row.thumbnail_path = str(copies[0]), str(copies[1])
            row.reviewed_at, row.reviewer = utcnow(), config.reviewer
            row.review_note = config.note or None
    except BaseException:
        discard(copies)
        raise
    discard(originals)
    return MaterializeResult(
        value=ReviewRef(job_id=job_id, video_id=video_id, decision=config.decision),
        metadata={
            "video_id": video_id,
            "job_id": job_id,
            "decision": config.decision,
            "reviewer": config.reviewer,
            "note": config.note,
            "path": MetadataValue.path(str(copies[0])),
        },
    )
