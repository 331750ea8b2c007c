"""`publication`: post the approved video to each platform of the theme, once each.

One `publications` row per platform records what happened. A platform that already has the post
is skipped, a failed one is tried again, and one platform failing neither undoes nor repeats
another: the step fails with every platform's reason only after all have been tried.
"""

from datetime import datetime
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)
from pydantic import Field

from shortgen_assets import stages
from shortgen_assets.db import publication_rows as rows
from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.stage_rows import load_plan
from shortgen_assets.db.state import VideoStatus, mark_published
from shortgen_assets.defs.assets.common import job_theme
from shortgen_assets.defs.assets.refs import ReviewRef
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.publisher import PublisherResource, UnconfirmedPost
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.publish.once import decide, interrupted_message
from shortgen_assets.domain.publish.post import Post, PostError, PostRequest, build_post, targets
from shortgen_assets.domain.publish.schedule import ScheduleError, parse_at, publish_time
from shortgen_assets.domain.schemas import Theme

PUBLISHABLE = {VideoStatus.APPROVED, VideoStatus.PUBLISHED}


class PublicationConfig(Config):
    platforms: list[str] = Field(
        default_factory=list, description="youtube, tiktok, instagram; empty: the theme's"
    )
    at: str | None = Field(None, description="publish at (ISO 8601 or HH:MM), not the theme's")


def _platforms(config: PublicationConfig, theme: Theme) -> list[str]:
    chosen = config.platforms or targets(theme)
    unknown = sorted(set(chosen) - {"youtube", "tiktok", "instagram"})
    if unknown:
        raise Failure(
            f"unknown platform {', '.join(unknown)}; use youtube, tiktok or instagram",
            allow_retries=False,
        )
    return list(dict.fromkeys(chosen))


def _explicit_time(config: PublicationConfig, theme: Theme) -> datetime | None:
    if config.at is None:
        return None
    zone = theme.publish_schedule.timezone if theme.publish_schedule else "UTC"
    try:
        return parse_at(config.at, zone)
    except ScheduleError as exc:
        raise Failure(str(exc), allow_retries=False) from None


def _relpath(path: Path, output_dir: Path) -> str | None:
    try:
        return path.resolve().relative_to(output_dir).as_posix()
    except ValueError:
        return None


def build_publication(retry_policy: RetryPolicy, pool: str | None) -> AssetsDefinition:
    """The `publication` stage, retried and pooled as the settings say."""
    return asset(
        name=stages.PUBLICATION,
        partitions_def=job_partitions,
        group_name="shortgen",
        kinds={"python"},
        retry_policy=retry_policy,
        pool=pool,
        description="Posts the approved video to each platform of the theme, once each.",
    )(publication)


def publication(
    context: AssetExecutionContext,
    config: PublicationConfig,
    app_db: AppDatabase,
    stage_settings: StageSettings,
    youtube_publisher: PublisherResource,
    tiktok_publisher: PublisherResource,
    instagram_publisher: PublisherResource,
    review: ReviewRef,
) -> MaterializeResult:
    job_id, theme = job_theme(context, app_db, stage_settings)
    video_id = review.video_id
    publishers = {
        "youtube": youtube_publisher,
        "tiktok": tiktok_publisher,
        "instagram": instagram_publisher,
    }
    platforms = _platforms(config, theme)
    explicit = _explicit_time(config, theme)
    with app_db.session() as session:
        video = session.get(Video, video_id)
        if video is None or video.status not in PUBLISHABLE:
            status = video.status if video else "gone"
            raise Failure(
                f"video {video_id} of job {job_id} is {status}; only approved videos publish",
                allow_retries=False,
            )
        plan = load_plan(session, video.script_id)
        words = PostRequest(
            title=plan.title,
            description=plan.description,
            hashtags=[*plan.hashtags, *theme.hashtags],
            language=theme.language,
        )
        files = (Path(video.path), Path(video.thumbnail_path))
        waiting = {
            row.platform: row.scheduled_at
            for row in rows.job_publications(session, job_id)
            if row.status == "waiting"
        }
    outcomes: dict[str, str] = {}
    failures: list[str] = []
    for platform in platforms:
        at = explicit or waiting.get(platform)
        scheduled_at = publish_time(None if at else theme.publish_schedule, at)
        try:
            post = build_post(
                platform,  # type: ignore[arg-type]
                words,
                video_path=files[0],
                thumbnail_path=files[1],
                video_relpath=_relpath(files[0], stage_settings.output_path),
                scheduled_at=scheduled_at,
                job_id=job_id,
                video_id=video_id,
            )
        except PostError as exc:
            outcomes[platform] = f"failed: {exc}"
            failures.append(str(exc))
            continue
        outcome = _publish_one(context, app_db, publishers[platform], post, video_id)
        outcomes[platform] = outcome
        if outcome.startswith("failed"):
            failures.append(outcome.removeprefix("failed: "))
    complete = _settle_statuses(app_db, job_id, video_id, targets(theme))
    metadata = {
        "job_id": job_id,
        "video_id": video_id,
        **{f"{p}": MetadataValue.text(text) for p, text in outcomes.items()},
        "published_everywhere": complete,
    }
    if failures:
        raise Failure("; ".join(failures), metadata=metadata, allow_retries=False)
    return MaterializeResult(metadata=metadata)


def _publish_one(
    context: AssetExecutionContext,
    app_db: AppDatabase,
    publisher: PublisherResource,
    post: Post,
    video_id: int,
) -> str:
    """Publish to one platform unless its row says not to; the outcome in a few words."""
    run_id, platform, job_id = context.run.run_id, post.platform, post.job_id
    key = {"job_id": job_id, "video_id": video_id, "platform": platform, "run_id": run_id}
    with app_db.session() as session:
        before = rows.existing(session, job_id, platform)
        action = decide(
            before,
            vendor=publisher.vendor,
            run_id=run_id,
            scheduled_at=post.scheduled_at,
            schedules_natively=publisher.schedules_natively,
        )
        if action == "skip":
            return f"already {before.status}" + (f": {before.remote_id}" * bool(before.remote_id))
        if action == "interrupted":
            message = interrupted_message(platform, before.run_id, job_id)
            rows.mark(session, **key, vendor=publisher.vendor, status="failed", error=message)
            return f"failed: {message}"
        if action == "wait":
            rows.mark(
                session,
                **key,
                vendor=publisher.vendor,
                status="waiting",
                scheduled_at=post.scheduled_at,
            )
            return f"waiting until {post.scheduled_at.isoformat()}"
        rows.mark(session, **key, vendor=publisher.vendor, status="sending")
    try:
        result = publisher.publish(post)
    except UnconfirmedPost as exc:
        with app_db.session() as session:
            rows.record_unconfirmed(
                session,
                **key,
                vendor=publisher.vendor,
                remote_id=exc.remote_id,
                message=str(exc),
            )
        return f"sent, unconfirmed: {exc.remote_id}"
    except ProviderError as exc:
        with app_db.session() as session:
            rows.mark(session, **key, vendor=publisher.vendor, status="failed", error=str(exc))
        context.log.error(str(exc))
        return f"failed: {exc}"
    with app_db.session() as session:
        rows.settle(session, job_id=job_id, video_id=video_id, result=result, run_id=run_id)
    return f"{result.status}" + (f": {result.url or result.remote_id}" if result.remote_id else "")


def _settle_statuses(
    app_db: AppDatabase,
    job_id: int,
    video_id: int,
    theme_targets: list[str],
) -> bool:
    """The video and job become `published` once every theme platform has its post."""
    with app_db.session() as session:
        done = {
            row.platform
            for row in rows.job_publications(session, job_id)
            if row.status in {"published", "scheduled", "dry_run"}
        }
        if not set(theme_targets) <= done:
            return False
        video = session.get(Video, video_id)
        if video is not None and video.status == VideoStatus.APPROVED:
            mark_published(session.get(Job, job_id), video)
        return True
