"""What each stage hands downstream: the ids (and files) of the rows its materialization wrote.

A ref is small, typed and immutable. The app database stays the source of truth: a downstream
stage declares the ref as an input and loads the rows by these ids. `StageRefIOManager` stores
each ref with its materialization.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class StageRef(BaseModel):
    """The job a stage materialized for; every ref names it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: int


class TrendsRef(StageRef):
    observation_ids: tuple[int, ...]
    collected_at: datetime


class TrendReportRef(StageRef):
    trend_report_id: int


class ScriptRef(StageRef):
    script_id: int
    trend_report_id: int


class VoiceoverRef(StageRef):
    media_id: int
    script_id: int
    path: str


class FootageRef(StageRef):
    media_ids: tuple[int, ...]
    script_id: int
    folder: str


class VideoRef(StageRef):
    video_id: int
    script_id: int
    path: str
    thumbnail_path: str


class ReviewRef(StageRef):
    video_id: int
    decision: Literal["approve", "reject"]
