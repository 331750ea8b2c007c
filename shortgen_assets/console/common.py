"""What every `shortgen` command shares: the app, error handling and lookups.

User errors (a bad theme, an unknown job, a bad option) print one line and exit 2; failures exit 1;
neither prints a traceback. Every command works on the same settings and DAGSTER_HOME as the UI.
This module loads nothing heavy: Dagster, SQLAlchemy and the settings are imported inside the
lookups, on first use, so `shortgen --help` answers at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from dagster import DagsterInstance, Definitions

    from shortgen_assets.db.models import Job, Video
    from shortgen_assets.settings import Settings

app = typer.Typer(
    help="shortgen: trends and a product brief in, reviewed vertical short videos out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: drawing it with rich costs more than the rest of --help
)
db_app = typer.Typer(help="App database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

F = TypeVar("F", bound=Callable[..., Any])


class UserError(Exception):
    """Something the user can fix; reported as one line with exit code 2."""


def friendly(func: F) -> F:
    """Turn user errors into exit 2 and failures into exit 1, one line each, no traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except Exception as exc:
            if isinstance(exc, _user_errors()):
                typer.echo(f"error: {one_line(str(exc))}", err=True)
                raise typer.Exit(2) from None
            typer.echo(f"failed: {one_line(str(exc)) or 'an error with no message'}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def one_line(text: str) -> str:
    return " ".join(text.split())


def retry_hint(job_id: int) -> str:
    """What to do after a stage failed, for the end of the one-line reason."""
    return f"fix that, then run `shortgen retry {job_id}`"


def _user_errors() -> tuple[type[Exception], ...]:
    from shortgen_assets.db.state import IllegalTransition
    from shortgen_assets.domain.themes import ThemeError

    return (UserError, ThemeError, IllegalTransition)


def instance(settings: Settings, *, for_runs: bool = True) -> DagsterInstance:
    """The project's instance; for launching runs, with the configured pool limits applied
    (a command that only reads skips writing them)."""
    from dagster import DagsterInstance

    # The package's first import in a process freezes Dagster's objects out of GC scans, which
    # makes loading the instance's storage cheaper (see shortgen_assets/defs/__init__.py).
    import shortgen_assets.defs  # noqa: F401
    from shortgen_assets.settings import prepare_dagster_home

    prepare_dagster_home(settings)
    dagster_instance = DagsterInstance.get()
    _recover_dead_runs(settings, dagster_instance)
    if for_runs:
        from shortgen_assets.defs.pools import apply_pool_limits

        apply_pool_limits(dagster_instance, settings)
    return dagster_instance


def _recover_dead_runs(settings: Settings, dagster_instance: DagsterInstance) -> None:
    """A run whose worker was killed (no daemon watching) is failed, with its job, and its pool
    slots freed, before any command reads a status or waits for a slot."""
    from shortgen_assets.defs.recovery import recover_dead_jobs

    recover_dead_jobs(dagster_instance, settings.app_database_url)


def require_credentials(settings: Settings) -> None:
    """Refuse (exit 2, one line) before anything is queued when a chosen vendor lacks its key."""
    from shortgen_assets.defs.resources.preflight import missing_credentials
    from shortgen_assets.defs.resources.vendors import build_resources

    missing = missing_credentials(build_resources(settings))
    if missing:
        raise UserError("; ".join(missing))


def definitions(settings: Settings) -> Definitions:
    """Definitions for these settings (imported late: loading every asset costs a second)."""
    from shortgen_assets.definitions import build_definitions

    return build_definitions(settings)


def find_job(settings: Settings, job_id: int) -> tuple[Job, Video | None]:
    from sqlalchemy import select

    from shortgen_assets.db.models import MAX_ROW_ID, Job, Video
    from shortgen_assets.db.session import session_scope

    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id) if abs(job_id) <= MAX_ROW_ID else None
        if job is None:
            raise UserError(f"no job {job_id}; list jobs with `shortgen jobs`")
        video = session.scalars(
            select(Video).where(Video.job_id == job_id).order_by(Video.id.desc()).limit(1)
        ).first()
        return job, video


def job_summary(job: Job, stages_done: int) -> dict[str, Any]:
    from shortgen_assets.defs.progress import ALL_STAGES

    return {
        "id": job.id,
        "status": job.status,
        "theme": job.theme_name,
        "stages_done": stages_done,
        "stages_total": len(ALL_STAGES),
        "requested_at": job.requested_at.isoformat(timespec="seconds"),
        "error": job.error,
    }


def publication_summaries(settings: Settings, job_id: int) -> list[dict[str, Any]]:
    """One entry per platform: status, where the post is, and the platform's reason if failed."""
    from shortgen_assets.db.publication_rows import job_publications
    from shortgen_assets.db.session import session_scope

    with session_scope(settings.app_database_url) as session:
        return [
            {
                "platform": row.platform,
                "status": row.status,
                "vendor": row.vendor,
                "remote_id": row.remote_id,
                "url": row.url,
                "scheduled_at": row.scheduled_at.isoformat() if row.scheduled_at else None,
                "published_at": row.published_at.isoformat() if row.published_at else None,
                "error": row.error,
                "manifest": row.manifest_path,
                "attempts": row.attempts,
            }
            for row in job_publications(session, job_id)
        ]


def job_details(settings: Settings, job_id: int) -> dict[str, Any]:
    """Status, per-stage state from Dagster, files and costs of one job."""
    from shortgen_assets.defs.check_warnings import check_warnings
    from shortgen_assets.defs.progress import stage_states

    dagster_instance = instance(settings, for_runs=False)  # first: it fails runs that died
    job, video = find_job(settings, job_id)
    states = stage_states(dagster_instance, job_id)
    details: dict[str, Any] = job_summary(job, sum(s.state == "materialized" for s in states))
    details["warnings"] = check_warnings(dagster_instance, job_id)
    details["continue_with"] = f"shortgen retry {job_id}" if job.status == "failed" else None
    details["stages"] = [
        {"stage": s.stage, "state": s.state, "at": s.at, "run_id": s.run_id} for s in states
    ]
    details["video"] = None
    if video is not None:
        details["video"] = {
            "id": video.id,
            "status": video.status,
            "path": video.path,
            "thumbnail": video.thumbnail_path,
            "duration_seconds": video.duration_seconds,
            "size": f"{video.width}x{video.height}",
            "cost_usd": {
                "llm": video.cost_llm,
                "tts": video.cost_tts,
                "footage": video.cost_footage,
                "total": video.cost_total,
            },
            "reviewer": video.reviewer,
            "reviewed_at": video.reviewed_at.isoformat() if video.reviewed_at else None,
            "review_note": video.review_note,
        }
    details["publications"] = publication_summaries(settings, job_id)
    return details
