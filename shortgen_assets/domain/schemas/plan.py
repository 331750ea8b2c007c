"""The production plan: scenes, narration, overlays and hashtags for one video."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from shortgen_assets.domain.schemas.base import Position, Strict

SceneKind = Literal["procedural", "product_shot", "screenshot", "clip", "kinetic_text", "end_card"]
KIT_SCENE_KINDS = ("product_shot", "screenshot", "clip", "end_card")  # scenes that show the kit


class Scene(Strict):
    scene_number: int = Field(ge=1)
    duration_seconds: float = Field(gt=0)
    visual_prompt: str = Field(min_length=1)
    transition: Literal["cut", "fade", "slide", "zoom"] = "cut"
    kind: SceneKind = Field("procedural", description="what the scene shows")
    media_index: int | None = Field(None, ge=0, description="the brand.media item it shows")
    text: str | None = Field(None, max_length=60, description="the words of a kinetic_text card")


class TextOverlay(Strict):
    text: str = Field(min_length=1)
    start: float = Field(ge=0)
    end: float = Field(gt=0)
    position: Position = "center"
    style: Literal["hook", "cta", "callout"] = "callout"

    @model_validator(mode="after")
    def _ordered(self) -> TextOverlay:
        if self.end <= self.start:
            raise ValueError("overlay end must be after its start")
        return self


class ProductionPlan(Strict):
    """Everything the media and composition stages need to make one video."""

    title: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=5000)
    video_prompt: str = Field(min_length=1)
    duration_target: float = Field(ge=5, le=180)
    aspect_ratio: Literal["9:16", "1:1"] = "9:16"
    scenes: list[Scene] = Field(min_length=1)
    voiceover_sentences: list[str] = Field(min_length=1)
    hook_text: str = Field(min_length=1)
    cta_text: str = Field(min_length=1)
    text_overlays: list[TextOverlay] = Field(default_factory=list)
    hashtags: list[str] = Field(min_length=1)

    @property
    def voiceover_script(self) -> str:
        return " ".join(self.voiceover_sentences)

    @property
    def word_count(self) -> int:
        return len(self.voiceover_script.split())
