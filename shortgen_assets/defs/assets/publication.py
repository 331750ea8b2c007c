"""`publication`: publish an approved video with the configured publisher (dry run by default)."""

from pathlib import Path

from dagster import AssetExecutionContext, Failure, MaterializeResult, MetadataValue, asset

from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.stage_rows import load_plan
from shortgen_assets.db.state import mark_published
from shortgen_assets.defs.assets.common import job_theme, upstream_row_id
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import pool_for
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.publisher import PublisherResource
from shortgen_assets.domain.publish.manifest import PublishRequest


@asset(
    partitions_def=job_partitions,
    group_name="shortgen",
    deps=["review"],
    kinds={"python"},
    retry_policy=provider_retry(),
    pool=pool_for("publisher"),
    description="Publishes the approved video; launched after approval when the theme auto-posts.",
)
def publication(
    context: AssetExecutionContext, app_db: AppDatabase, publisher: PublisherResource
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db)
    video_id = upstream_row_id(context, "review", "video_id")
    with app_db.session() as session:
        video = session.get(Video, video_id)
        if video is None or video.status != "approved":
            status = video.status if video else "gone"
            raise Failure(
                f"video {video_id} of job {job_id} is {status}; only approved videos publish",
                allow_retries=False,
            )
        plan = load_plan(session, video.script_id)
        request = PublishRequest(
            video_path=Path(video.path),
            thumbnail_path=Path(video.thumbnail_path),
            title=plan.title,
            description=plan.description,
            hashtags=plan.hashtags,
            platform=theme.platform,
            job_id=job_id,
            video_id=video_id,
        )
    result = publisher.publish(request)
    with app_db.session() as session:
        video = session.get(Video, video_id)
        mark_published(session.get(Job, job_id), video)
        video.published_at = result.published_at
        video.published_url = result.published_url
        video.publish_manifest_path = str(result.manifest_path)
    return MaterializeResult(
        metadata={
            "video_id": video_id,
            "job_id": job_id,
            "provider": result.provider,
            "platform": theme.platform,
            "manifest": MetadataValue.path(str(result.manifest_path)),
            "published_url": result.published_url or "(dry run: nothing uploaded)",
        }
    )
