"""What a crash leaves behind, found and (on request) fixed: the checks of `shortgen doctor`.

Each check returns findings, one line each, saying what is wrong and what the fix does; `fix`
applies them. Checks run in order and each sees what the previous fixes changed: a dead run is
failed (and its job with it) before orphan files are looked for, so its folder counts.

Orphan files are moved to `output/orphans/`, never deleted: a file no row names may still be a
video someone wants (a render that finished just before its worker was killed).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from dagster import DagsterInstance
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shortgen_assets.db.models import Job, Media, Video
from shortgen_assets.db.session import session_scope
from shortgen_assets.db.state import (
    IN_FLIGHT,
    JobStatus,
    VideoStatus,
    mark_file_lost,
)
from shortgen_assets.defs.recovery import recover_dead_jobs
from shortgen_assets.defs.run_health import dead_runs
from shortgen_assets.domain.scratch import find_leftovers, remove_leftovers
from shortgen_assets.settings import Settings

REVIEW_FOLDERS = ("review", "approved", "rejected")
ORPHANS_FOLDER = "orphans"
FILE_STATUSES = {VideoStatus.GENERATED, VideoStatus.APPROVED, VideoStatus.REJECTED}
# A job whose run is in flight may be writing files no row names yet.


@dataclass
class Finding:
    kind: str
    what: str
    fix: str
    apply: Callable[[], None] = field(repr=False)

    def line(self) -> str:
        return f"{self.kind}: {self.what}; --fix: {self.fix}"


@dataclass(frozen=True)
class Home:
    settings: Settings
    instance: DagsterInstance

    def session(self) -> AbstractContextManager[Session]:
        return session_scope(self.settings.app_database_url)


def lost_file_reason(job_id: int, kind: str = "video") -> str:
    return f"its {kind} file is gone; shortgen retry {job_id} re-renders"


def stuck_runs(home: Home) -> list[Finding]:
    def recover() -> None:
        recover_dead_jobs(home.instance, home.settings.app_database_url)

    return [
        Finding(
            "stuck run",
            f"run {run.run_id} (job {run.partition}) is still active but {run.message}",
            "fail the run, free its pool slots and mark its job failed",
            recover,
        )
        for run in dead_runs(home.instance)
    ]


def held_slots(home: Home) -> list[Finding]:
    storage = home.instance.event_log_storage
    holders: dict[str, set[str]] = {}
    for pool in sorted(storage.get_concurrency_keys()):
        for slot in storage.get_concurrency_info(pool).claimed_slots:
            holders.setdefault(slot.run_id, set()).add(pool)
    findings = []
    for run_id, pools in sorted(holders.items()):
        run = home.instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            continue
        state = "no longer exists" if run is None else f"ended ({run.status.value})"
        findings.append(
            Finding(
                "held slot",
                f"pool {', '.join(sorted(pools))} is held by run {run_id}, which {state}",
                "free the slot",
                lambda run_id=run_id: storage.free_concurrency_slots_for_run(run_id),
            )
        )
    return findings


def leftovers(home: Home) -> list[Finding]:
    folders = [home.settings.output_dir, home.settings.work_dir]
    return [
        Finding(
            "leftover",
            f"{path} was left by a render whose process is gone",
            "remove it",
            lambda path=path: remove_leftovers([path]),
        )
        for path in find_leftovers(folders)
    ]


def _named_files(session: Session) -> set[Path]:
    rows = session.execute(select(Video.path, Video.thumbnail_path)).all()
    return {Path(name) for row in rows for name in row}


def _job_files(output: Path) -> Iterator[tuple[Path, int]]:
    for folder in REVIEW_FOLDERS:
        for job_folder in sorted((output / folder).glob("job-*")):
            job_key = job_folder.name.removeprefix("job-")
            if job_key.isdigit():
                for path in sorted(job_folder.iterdir()):
                    if path.is_file() and not path.name.startswith("."):
                        yield path, int(job_key)


def _quarantine(output: Path, path: Path) -> None:
    target = output / ORPHANS_FOLDER / path.relative_to(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, target)


def orphan_files(home: Home) -> list[Finding]:
    output = home.settings.output_dir
    with home.session() as session:
        named = _named_files(session)
        in_flight = set(session.scalars(select(Job.id).where(Job.status.in_(IN_FLIGHT))))
    return [
        Finding(
            "orphan file",
            f"{path} is named by no video row",
            f"move it to {output / ORPHANS_FOLDER}/ (nothing is deleted)",
            lambda path=path: _quarantine(output, path),
        )
        for path, job_id in _job_files(output)
        if job_id not in in_flight and path not in named and path.resolve() not in named
    ]


def _mark_lost(home: Home, job_id: int, reason: str) -> None:
    with home.session() as session:
        job = session.get(Job, job_id)
        if job is not None:
            mark_file_lost(job, reason)


def _latest_videos(session: Session) -> list[Video]:
    latest = select(func.max(Video.id)).group_by(Video.job_id)
    return list(session.scalars(select(Video).where(Video.id.in_(latest)).order_by(Video.id)))


def _lost_finding(job_id: int, what: str, kind: str, home: Home) -> Finding:
    reason = lost_file_reason(job_id, kind)
    return Finding(
        "row without file",
        what,
        f"mark job {job_id} failed ({reason})",
        lambda: _mark_lost(home, job_id, reason),
    )


def rows_without_files(home: Home) -> list[Finding]:
    """The latest video of each job, and the media of jobs that have none yet, whose file is
    gone; a job already failed for that reason is waiting for its retry and is not reported."""
    findings = []
    with home.session() as session:
        jobs = {job.id: job for job in session.scalars(select(Job))}
        handled = {
            job_id
            for job_id, job in jobs.items()
            if job.status == JobStatus.FAILED and "file is gone" in (job.error or "")
        }
        videos = _latest_videos(session)
        for video in videos:
            if video.job_id in handled or video.status not in FILE_STATUSES:
                continue
            if not Path(video.path).is_file():
                what = f"video {video.id} of job {video.job_id} ({video.status}): {video.path}"
                findings.append(_lost_finding(video.job_id, what + " is gone", "video", home))
        rendered = {video.job_id for video in videos} | handled
        for media in session.scalars(select(Media).order_by(Media.id)):
            job = jobs.get(media.job_id)
            if media.job_id in rendered or job is None or job.status in IN_FLIGHT:
                continue
            if not Path(media.path).exists():
                what = f"{media.kind} {media.id} of job {media.job_id}: {media.path} is gone"
                findings.append(_lost_finding(media.job_id, what, media.kind, home))
                rendered.add(media.job_id)
    return findings


CHECKS: tuple[Callable[[Home], list[Finding]], ...] = (
    stuck_runs,
    held_slots,
    leftovers,
    orphan_files,
    rows_without_files,
)


def examine(home: Home, fix: bool) -> list[Finding]:
    """Every finding; with `fix`, each check's findings are fixed before the next check runs."""
    findings = []
    for check in CHECKS:
        found = check(home)
        if fix:
            for finding in found:
                finding.apply()
        findings.extend(found)
    return findings
