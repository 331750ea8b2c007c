"""The studio's pages: the queue, a review page per job, and their form actions.

Pages are server-rendered Jinja2; the only script is a few inline lines. Every form carries the
CSRF token of its cookie; an action that is refused shows the page again with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from shortgen_assets.db.state import JOB_STATUSES
from shortgen_assets.defs.jobs import PIPELINE_STAGES
from shortgen_assets.studio.security import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, Guard
from shortgen_assets.studio.service import Studio, StudioError

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
REVIEWER_COOKIE = "shortgen_reviewer"


def _studio(request: Request) -> Studio:
    return request.app.state.studio


def _guard(request: Request) -> Guard:
    return request.app.state.guard


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with a CSRF token for its forms (kept from the cookie, or a new one set)."""
    guard = _guard(request)
    token = request.cookies.get(CSRF_COOKIE) or guard.new_csrf()
    page = {"csrf_field": CSRF_FIELD, "csrf": token, "login": guard.required, **context}
    response = templates.TemplateResponse(request, name, page, status_code=status)
    secure = request.url.scheme == "https"
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response


def check_csrf(request: Request, submitted: str) -> None:
    if not _guard(request).csrf_valid(request.cookies.get(CSRF_COOKIE), submitted):
        raise StudioError(403, "the form's CSRF token is missing or stale; reload the page")


@router.get("/", response_class=HTMLResponse)
def queue_page(request: Request, status: str | None = None) -> Response:
    if status is not None and status not in JOB_STATUSES:
        raise StudioError(400, f"unknown status {status!r}; use one of {', '.join(JOB_STATUSES)}")
    queue = _studio(request).queue(status or None)
    return render(request, "queue.html", {"queue": queue, "statuses": JOB_STATUSES})


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def review_page(request: Request, job_id: int, error: str | None = None) -> Response:
    return _review_page(request, job_id, error)


def _review_page(request: Request, job_id: int, error: str | None, status: int = 200) -> Response:
    page = _studio(request).review_page(job_id)
    context = {
        "job": page,
        "error": error,
        "stages": PIPELINE_STAGES,
        "reviewer": request.cookies.get(REVIEWER_COOKIE, ""),
    }
    return render(request, "job.html", context, status)


@router.post("/jobs/{job_id}/review")
def review_action(
    request: Request,
    job_id: int,
    video_id: Annotated[int, Form()],
    decision: Annotated[str, Form()],
    reviewer: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    studio = _studio(request)
    try:
        if decision not in ("approve", "reject"):
            raise StudioError(422, f"unknown decision {decision!r}")
        if not reviewer.strip():
            raise StudioError(422, "enter your name as the reviewer")
        if decision == "reject" and not note.strip():
            raise StudioError(422, "a rejection needs a note saying why")
        studio.decide(job_id, video_id, decision, reviewer.strip(), note.strip())  # type: ignore[arg-type]
    except StudioError as exc:
        if exc.status == 404:
            raise
        return _review_page(request, job_id, str(exc), exc.status)
    following = studio.next_awaiting(after=job_id)
    target = f"/jobs/{following}" if following else "/?status=awaiting_review"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(REVIEWER_COOKIE, reviewer.strip()[:200], httponly=True, samesite="strict")
    return response


@router.post("/jobs/{job_id}/rerender")
def rerender_action(
    request: Request,
    job_id: int,
    from_stage: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    try:
        _studio(request).rerender(job_id, from_stage)
    except StudioError as exc:
        if exc.status == 404:
            raise
        return _review_page(request, job_id, str(exc), exc.status)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> Response:
    return render(request, "login.html", {"error": error})


@router.post("/login")
def login_action(
    request: Request, token: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf)
    guard = _guard(request)
    if not guard.token_matches(token):
        return render(request, "login.html", {"error": "that is not the token"}, 401)
    response = RedirectResponse("/", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, guard.session_value(), httponly=True, samesite="strict", secure=secure
    )
    return response
