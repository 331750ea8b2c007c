"""The settings stages read (folders, frame format, thresholds), given to them as a resource.

Built from the `Settings` passed to `build_definitions`, so a stage never reads global settings
and a test or a second code location can run the same assets with other values.
"""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from shortgen_assets.settings import Settings


class StageSettings(ConfigurableResource):
    """What the stage assets need to know about the installation."""

    default_theme: str = Field(description="theme for a job partition added by hand in the UI")
    work_dir: str = Field(description="intermediate media (voiceover, footage) per job")
    output_dir: str = Field(description="videos for review, approved and rejected")
    min_trends: int = Field(ge=1, description="fewer collected trends fail the trends stage")
    max_trends: int = Field(ge=1)
    video_width: int = Field(ge=144)
    video_height: int = Field(ge=144)
    fps: int = Field(ge=1)
    thumbnail_time: float = Field(ge=0, description="seconds into the video")

    @classmethod
    def from_settings(cls, settings: Settings) -> StageSettings:
        return cls(
            default_theme=str(settings.default_theme),
            work_dir=str(settings.work_dir),
            output_dir=str(settings.output_dir),
            min_trends=settings.min_trends,
            max_trends=settings.max_trends,
            video_width=settings.video_width,
            video_height=settings.video_height,
            fps=settings.fps,
            thumbnail_time=settings.thumbnail_time,
        )

    @property
    def frame(self) -> tuple[int, int, int]:
        """Width, height and frame rate of every clip and video."""
        return self.video_width, self.video_height, self.fps

    @property
    def work_path(self) -> Path:
        return Path(self.work_dir)

    @property
    def output_path(self) -> Path:
        return Path(self.output_dir)
