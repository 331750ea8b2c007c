"""The review decision's rules and the file moves it makes, without ever losing a file.

Files are copied to the decision's folder under a temporary name, size-checked, renamed, and only
then are the originals removed by the caller once the database agrees; a failure at any point
leaves the originals where they were.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

Decision = Literal["approve", "reject"]
FOLDERS: dict[str, str] = {"approve": "approved", "reject": "rejected"}
STATUSES: dict[str, str] = {"approve": "approved", "reject": "rejected"}


class ReviewError(ValueError):
    """A review that cannot be made; the message says why and what to do."""


class ReviewConflict(ReviewError):
    """The decision does not judge the job's current video: a newer one exists or one is being
    rendered. Deciding anyway would land on a video the reviewer never saw."""


def check_current(job_id: int, video_id: int, video_job_id: int | None, latest_id: int) -> None:
    """Raise ReviewConflict unless `video_id` is the job's latest video."""
    if video_job_id != job_id:
        raise ReviewConflict(f"video {video_id} is not a video of job {job_id}")
    if video_id != latest_id:
        raise ReviewConflict(
            f"job {job_id} has a newer video ({latest_id}) than video {video_id}; "
            f"watch it, then review it (--video {latest_id})"
        )


def check_not_rendering(job_id: int, renders: list[str]) -> None:
    """Raise ReviewConflict while a render of the job is queued or running."""
    if renders:
        raise ReviewConflict(
            f"job {job_id} is being re-rendered ({', '.join(renders)}); "
            "review its new video once that finishes"
        )


def check_reviewable(
    video_id: int, status: str, files: list[Path], decision: Decision, note: str
) -> None:
    """Raise ReviewError unless this video can take this decision now."""
    if status != "generated":
        raise ReviewError(
            f"video {video_id} is already {status}; only a freshly generated video can be "
            "reviewed (re-render it with a backfill from `video` to review again)"
        )
    if decision == "reject" and not note.strip():
        raise ReviewError("a rejection needs a note saying why (--note)")
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise ReviewError(
            f"video {video_id}'s file is missing: {', '.join(missing)}; put it back or re-render"
        )


def copy_verified(files: list[Path], folder: Path) -> list[Path]:
    """Copy each file into `folder` (temp name, size check, rename); originals stay put."""
    folder.mkdir(parents=True, exist_ok=True)
    copies: list[Path] = []
    try:
        for source in files:
            target = folder / source.name
            temp = folder / f".{source.name}.partial"
            shutil.copyfile(source, temp)
            if temp.stat().st_size != source.stat().st_size:
                raise OSError(f"copy of {source} to {temp} is incomplete")
            os.replace(temp, target)
            copies.append(target)
    except BaseException:
        discard(copies + [folder / f".{source.name}.partial" for source in files])
        raise
    return copies


def discard(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
