"""What the studio's pages and the API do, on the same settings, instance and launches as the CLI.

Every action is the CLI's: a request inserts job rows for the sensor, a decision goes through
`launch_review`, a re-render is `launch_backfill`, a retry materializes the stages
`stages_to_retry` names. Refusals raise `StudioError` with the HTTP status that fits.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetCheckEvaluation, DagsterEventType, DagsterInstance, Definitions
from sqlalchemy import func, select

from shortgen_assets.console.common import instance as project_instance
from shortgen_assets.console.common import job_details
from shortgen_assets.db.models import Job, Script, TrendReportRow, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.backfills import launch_backfill
from shortgen_assets.defs.jobs import PIPELINE_STAGES
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.defs.progress import stages_to_retry
from shortgen_assets.defs.resources.preflight import missing_credentials
from shortgen_assets.defs.reviews import launch_review, renders_in_flight
from shortgen_assets.domain.brand_kit import KitError, check_brand
from shortgen_assets.domain.publish.review import Decision, ReviewConflict, ReviewError
from shortgen_assets.domain.schemas import Theme
from shortgen_assets.domain.themes import ThemeError, load_theme, parse_theme
from shortgen_assets.settings import Settings
from shortgen_assets.studio.security import UnsafePath, confine_theme_media

THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
MAX_JOB_ID = 2**63 - 1
REVIEWED = frozenset({"approved", "rejected", "published"})


class StudioError(Exception):
    """A refused request: `status` is the HTTP status, the message one line for the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _age(when: datetime) -> str:
    seconds = max((datetime.now(UTC) - when).total_seconds(), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


class Studio:
    """One studio: settings, the Dagster instance, the definitions, and a worker for retries."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retries = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shortgen-retry")
        self._pending: dict[int, Future] = {}
        self._lock = threading.Lock()

    @cached_property
    def instance(self) -> DagsterInstance:
        return project_instance(self.settings)

    @cached_property
    def defs(self) -> Definitions:
        from shortgen_assets.definitions import build_definitions

        return build_definitions(self.settings)

    def close(self) -> None:
        self._retries.shutdown(wait=True)

    # --- reading ---------------------------------------------------------------------------

    def job(self, job_id: int) -> tuple[Job, Video | None]:
        """The job and its latest video, detached from the session; 404 when there is none."""
        if not 0 < job_id <= MAX_JOB_ID:
            raise StudioError(404, f"no job {job_id}")
        with session_scope(self.settings.app_database_url) as session:
            job = session.get(Job, job_id)
            if job is None:
                raise StudioError(404, f"no job {job_id}")
            video = session.scalars(
                select(Video).where(Video.job_id == job_id).order_by(Video.id.desc()).limit(1)
            ).first()
            session.expunge_all()
            return job, video

    def queue(self, status: str | None, limit: int = 200, offset: int = 0) -> dict[str, Any]:
        """Jobs newest first with their latest video: two queries, whatever the count."""
        latest = (
            select(func.max(Video.id).label("video_id"), Video.job_id)
            .group_by(Video.job_id)
            .subquery()
        )
        query = (
            select(Job, Video)
            .outerjoin(latest, latest.c.job_id == Job.id)
            .outerjoin(Video, Video.id == latest.c.video_id)
            .order_by(Job.id.desc())
        )
        counter = select(func.count(Job.id))
        if status:
            query, counter = query.where(Job.status == status), counter.where(Job.status == status)
        with session_scope(self.settings.app_database_url) as session:
            total = session.scalar(counter) or 0
            rows = session.execute(query.limit(limit).offset(offset)).all()
            jobs = [self._queue_row(job, video) for job, video in rows]
        return {"jobs": jobs, "total": total, "limit": limit, "offset": offset, "status": status}

    @staticmethod
    def _queue_row(job: Job, video: Video | None) -> dict[str, Any]:
        return {
            "id": job.id,
            "status": job.status,
            "theme": job.theme_name,
            "product": (job.theme or {}).get("product", ""),
            "video_id": video.id if video else None,
            "duration_seconds": round(video.duration_seconds, 1) if video else None,
            "cost_usd": video.cost_total if video else None,
            "requested_at": job.requested_at.isoformat(timespec="seconds"),
            "age": _age(job.requested_at),
            "error": job.error,
        }

    def details(self, job_id: int) -> dict[str, Any]:
        """The CLI's `show --json`, plus the product."""
        job, _ = self.job(job_id)
        details = job_details(self.settings, job_id)
        details["product"] = (job.theme or {}).get("product", "")
        return details

    def review_page(self, job_id: int) -> dict[str, Any]:
        """Everything the review page shows: details, plan, trend signal, checks, link."""
        details = self.details(job_id)
        _, video = self.job(job_id)
        with session_scope(self.settings.app_database_url) as session:
            script_query = select(Script).where(Script.job_id == job_id)
            if video is not None:
                script_query = script_query.where(Script.id == video.script_id)
            script = session.scalars(script_query.order_by(Script.id.desc()).limit(1)).first()
            report = session.get(TrendReportRow, script.trend_report_id) if script else None
            plan = _plan(script) if script else None
            trend = dict(report.report) if report else None
        return {
            **details,
            "plan": plan,
            "trend": trend,
            "checks": self.checks(job_id, details["stages"]),
            "renders": self.renders(job_id),
            "dagster_url": self.dagster_link(job_id),
            "next_job": self.next_awaiting(after=job_id),
        }

    def checks(self, job_id: int, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The check results that each stage's latest materialization for the job carried.

        Checks evaluated in the step record no partition, so they are read from the run that
        materialized the stage.
        """
        run_of = {s["stage"]: s["run_id"] for s in stages if s["run_id"]}
        rows = []
        for run_id in dict.fromkeys(run_of.values()):
            records = self.instance.get_records_for_run(
                run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION, limit=200
            ).records
            for record in records:
                evaluation = record.event_log_entry.dagster_event.event_specific_data
                if run_of.get(evaluation.asset_key.to_user_string()) == run_id:
                    rows.append(_check_row(evaluation))
        return rows

    def renders(self, job_id: int) -> list[str]:
        return renders_in_flight(self.instance, self.defs.resolve_asset_graph(), job_id)

    def dagster_link(self, job_id: int) -> str:
        base = self.settings.dagster_ui_url.rstrip("/")
        return f"{base}/assets/video?view=partitions&partition={job_id}"

    def next_awaiting(self, after: int | None = None) -> int | None:
        """The oldest job awaiting review, other than `after`."""
        query = select(Job.id).where(Job.status == "awaiting_review").order_by(Job.id)
        if after is not None:
            query = query.where(Job.id != after)
        with session_scope(self.settings.app_database_url) as session:
            return session.scalars(query.limit(1)).first()

    def media(self, job_id: int, kind: str) -> Path:
        """The latest video's file (`video`) or thumbnail; 404 when it is not there."""
        _, video = self.job(job_id)
        if video is None:
            raise StudioError(404, f"job {job_id} has no video yet")
        path = Path(video.path if kind == "video" else video.thumbnail_path)
        if not path.is_file():
            raise StudioError(404, f"the {kind} file of job {job_id} is missing: {path.name}")
        return path

    # --- acting ----------------------------------------------------------------------------

    def request(self, theme: str | None, document: dict | None, count: int) -> list[int]:
        """Jobs for a theme of the themes folder (by name) or a theme document."""
        parsed, path = self._theme(theme, document)
        self._require_credentials()
        with session_scope(self.settings.app_database_url) as session:
            return request_jobs(session, parsed, path, count, source="api")

    def _theme(self, name: str | None, document: dict | None) -> tuple[Theme, Path | None]:
        themes_dir = self.settings.themes_dir
        try:
            if document is not None:
                theme = parse_theme(confine_theme_media(document, themes_dir), "theme_document")
                if theme.brand is not None:
                    check_brand(theme.brand, themes_dir)
                return theme, None
            if name is None or not THEME_NAME.fullmatch(name):
                raise StudioError(
                    400, f"theme {name!r} is not a theme name; use a file stem like 'default'"
                )
            path = themes_dir / f"{name}.yaml"
            if not path.resolve().is_relative_to(themes_dir.resolve()):
                raise StudioError(400, f"theme {name!r} leads outside the themes folder")
            if not path.is_file():
                raise StudioError(404, f"no theme {name!r} in {themes_dir.name}/")
            return load_theme(path), path
        except UnsafePath as exc:
            raise StudioError(400, str(exc)) from None
        except (ThemeError, KitError) as exc:
            raise StudioError(422, str(exc)) from None

    def decide(
        self, job_id: int, video_id: int, decision: Decision, reviewer: str, note: str
    ) -> dict[str, Any]:
        """Approve or reject the video the reviewer saw, as `shortgen approve/reject` does."""
        self.job(job_id)
        try:
            outcome = launch_review(
                self.defs, self.instance, job_id, video_id, decision, reviewer, note
            )
        except ReviewConflict as exc:
            raise StudioError(409, str(exc)) from None
        except ReviewError as exc:
            raise StudioError(409, str(exc)) from None
        if not outcome.success:
            reasons = "; ".join(s.message or s.stage for s in outcome.steps if not s.succeeded)
            raise StudioError(409, f"the review run {outcome.run_id[:8]} failed: {reasons}")
        details = self.details(job_id)
        return {"job_id": job_id, "video": details["video"], "status": details["status"]}

    def rerender(self, job_id: int, from_stage: str) -> str:
        """The backfill `shortgen backfill --jobs N --from STAGE` queues; returns its id."""
        job, _ = self.job(job_id)
        if from_stage not in PIPELINE_STAGES:
            raise StudioError(422, f"unknown stage {from_stage!r}; use one of {PIPELINE_STAGES}")
        self._refuse_while_rendering(job_id)
        stages = PIPELINE_STAGES[PIPELINE_STAGES.index(from_stage) :]
        return launch_backfill(self.defs, self.instance, [job.id], stages)

    def retry(self, job_id: int) -> list[str]:
        """Start materializing what is missing or failed, as `shortgen retry` does, in the
        background; returns the stages it re-runs."""
        job, _ = self.job(job_id)
        if job.status in REVIEWED:
            raise StudioError(409, f"job {job_id} is {job.status}; its video was reviewed already")
        self._refuse_while_rendering(job_id)
        stages = stages_to_retry(self.instance, job_id)
        if stages:
            self._require_credentials()
            with self._lock:
                self._pending[job_id] = self._retries.submit(
                    materialize_job, self.defs, self.instance, job_id, stages
                )
        return stages

    def _require_credentials(self) -> None:
        missing = missing_credentials(self.defs.resources)
        if missing:
            raise StudioError(409, "; ".join(missing))

    def _refuse_while_rendering(self, job_id: int) -> None:
        with self._lock:
            pending = self._pending.get(job_id)
        renders = self.renders(job_id)
        if pending is not None and not pending.done():
            renders.append("a retry from this studio")
        if renders:
            raise StudioError(409, f"job {job_id} is being rendered ({', '.join(renders)})")

    def wait_for_retries(self, timeout: float | None = None) -> None:
        """Block until background retries finish (tests and shutdown)."""
        with self._lock:
            pending = list(self._pending.values())
        for future in pending:
            future.result(timeout=timeout)


def _plan(script: Script) -> dict[str, Any]:
    return {
        "title": script.title,
        "hook": script.hook_text,
        "narration": script.voiceover_script,
        "cta": script.cta_text,
        "scenes": list(script.scenes),
        "hashtags": list(script.hashtags),
        "provider": script.provider,
        "model": script.model,
        "cost_usd": script.cost_usd,
    }


def _check_row(evaluation: AssetCheckEvaluation) -> dict[str, Any]:
    return {
        "asset": evaluation.asset_key.to_user_string(),
        "check": evaluation.check_name,
        "passed": evaluation.passed,
        "severity": evaluation.severity.value.lower(),
        "description": evaluation.description or "",
    }
