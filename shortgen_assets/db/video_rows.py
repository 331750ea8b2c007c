"""The `videos` row (what the video stage wrote, later the review and publish decisions) and the
costs of the rows a video descends from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shortgen_assets.db.models import Media, Script, TrendReportRow, Video
from shortgen_assets.db.state import VideoStatus


def save_video(
    session: Session,
    *,
    job_id: int,
    script_id: int,
    path: str,
    thumbnail_path: str,
    duration_seconds: float,
    width: int,
    height: int,
    size_bytes: int,
    costs: dict[str, float],
    generation_log: dict[str, Any],
    run_id: str,
) -> Video:
    video = Video(
        job_id=job_id,
        script_id=script_id,
        status=VideoStatus.GENERATED,
        path=path,
        thumbnail_path=thumbnail_path,
        duration_seconds=duration_seconds,
        width=width,
        height=height,
        size_bytes=size_bytes,
        cost_llm=costs["llm"],
        cost_tts=costs["tts"],
        cost_footage=costs["footage"],
        cost_total=round(sum(costs.values()), 6),
        generation_log=generation_log,
        run_id=run_id,
    )
    session.add(video)
    session.flush()
    return video


@dataclass(frozen=True)
class Lineage:
    """What the rows a video descends from cost (their cost columns) and who made them."""

    costs: dict[str, float]
    providers: dict[str, str]


def load_lineage(
    session: Session, script_id: int, voiceover_id: int, footage_ids: Sequence[int]
) -> Lineage:
    """Costs and providers of the script, its trend report, the voiceover and the clips."""
    script = session.get(Script, script_id)
    if script is None:
        raise LookupError(f"script {script_id} is gone from the app database")
    report = session.get(TrendReportRow, script.trend_report_id)
    media_ids = [voiceover_id, *footage_ids]
    media = {row.id: row for row in session.scalars(select(Media).where(Media.id.in_(media_ids)))}
    missing = [media_id for media_id in media_ids if media_id not in media]
    if report is None or missing:
        raise LookupError(
            f"rows of script {script_id} are gone from the app database: "
            f"trend report {script.trend_report_id if report is None else 'ok'}, media {missing}"
        )
    clips = [media[media_id] for media_id in footage_ids]
    return Lineage(
        costs={
            "llm": report.cost_usd + script.cost_usd,
            "tts": media[voiceover_id].cost_usd,
            "footage": sum(clip.cost_usd for clip in clips),
        },
        providers={
            "llm": script.provider,
            "tts": media[voiceover_id].provider,
            "footage": clips[0].provider if clips else "none",
        },
    )
