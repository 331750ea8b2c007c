"""The `videos` row: what the video stage wrote, and later the review and publish decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shortgen_assets.db.models import Video
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
