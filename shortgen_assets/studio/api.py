"""The JSON API under /api: request jobs, read them, retry, decide, and fetch their media."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shortgen_assets.db.state import JOB_STATUSES
from shortgen_assets.defs.jobs import PIPELINE_STAGES
from shortgen_assets.studio.service import Studio

router = APIRouter(prefix="/api", tags=["jobs"])
JobStatus = Literal[JOB_STATUSES]  # type: ignore[valid-type]
Stage = Literal[PIPELINE_STAGES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobsRequest(Strict):
    """A theme by name (a file of the themes folder) or a whole theme document, and a count."""

    theme: str | None = Field(None, description="file stem in the themes folder, e.g. 'default'")
    theme_document: dict[str, Any] | None = Field(
        None, description="a theme as JSON; brand media paths relative to the themes folder"
    )
    count: int = Field(1, ge=1, le=100)

    @model_validator(mode="after")
    def _one_theme(self) -> JobsRequest:
        if (self.theme is None) == (self.theme_document is None):
            raise ValueError("send exactly one of 'theme' (a name) or 'theme_document'")
        return self


class Decision(Strict):
    video_id: int = Field(ge=1, description="the video the reviewer watched")
    reviewer: str = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=5000)


class Rejection(Decision):
    note: str = Field(min_length=1, max_length=5000, description="why; required")


class Rerender(Strict):
    from_stage: Stage = "video"  # type: ignore[valid-type]


def studio(request: Request) -> Studio:
    return request.app.state.studio


@router.post("/jobs", status_code=201, summary="Request videos (ViralForge: POST /generate)")
def create_jobs(request: Request, body: JobsRequest) -> dict[str, Any]:
    ids = studio(request).request(body.theme, body.theme_document, body.count)
    return {"job_ids": ids, "status": "requested"}


@router.get("/jobs", summary="List jobs, newest first")
def list_jobs(
    request: Request,
    status: JobStatus | None = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    return studio(request).queue(status, limit, offset)


@router.get("/jobs/{job_id}", summary="Status, stages, files, costs and the failure reason")
def get_job(request: Request, job_id: int) -> dict[str, Any]:
    return studio(request).details(job_id)


@router.post("/jobs/{job_id}/retry", status_code=202, summary="Re-run what is missing or failed")
def retry_job(request: Request, job_id: int) -> dict[str, Any]:
    stages = studio(request).retry(job_id)
    return {"job_id": job_id, "stages": stages, "started": bool(stages)}


@router.post("/jobs/{job_id}/approve", summary="Approve the video the reviewer watched")
def approve_job(request: Request, job_id: int, body: Decision) -> dict[str, Any]:
    return studio(request).decide(job_id, body.video_id, "approve", body.reviewer, body.note)


@router.post("/jobs/{job_id}/reject", summary="Reject the video the reviewer watched, with a note")
def reject_job(request: Request, job_id: int, body: Rejection) -> dict[str, Any]:
    return studio(request).decide(job_id, body.video_id, "reject", body.reviewer, body.note)


@router.post("/jobs/{job_id}/rerender", status_code=202, summary="Re-render from a stage")
def rerender_job(request: Request, job_id: int, body: Rerender) -> dict[str, Any]:
    backfill_id = studio(request).rerender(job_id, body.from_stage)
    return {"job_id": job_id, "backfill_id": backfill_id, "from_stage": body.from_stage}


@router.get("/jobs/{job_id}/video", summary="The latest video (MP4, range requests)")
def job_video(request: Request, job_id: int) -> FileResponse:
    path = studio(request).media(job_id, "video")
    return FileResponse(
        path, media_type="video/mp4", filename=path.name, content_disposition_type="inline"
    )


@router.get("/jobs/{job_id}/thumbnail", summary="The latest video's thumbnail (JPEG)")
def job_thumbnail(request: Request, job_id: int) -> FileResponse:
    return FileResponse(studio(request).media(job_id, "thumbnail"), media_type="image/jpeg")
