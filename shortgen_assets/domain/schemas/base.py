"""What the stage contracts share: the strict base, colours, styles, platforms, positions."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
STYLES = ("talking-head", "montage", "text-heavy", "cinematic", "tutorial", "animation")
Style = Literal["talking-head", "montage", "text-heavy", "cinematic", "tutorial", "animation"]
Platform = Literal["youtube_shorts", "tiktok", "reels"]
PublishTarget = Literal["youtube", "tiktok", "instagram"]
Position = Literal["top", "center", "bottom"]


class Strict(BaseModel):
    """Base for user-facing models: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid")


def _check_colour(value: str) -> str:
    if not HEX_COLOUR.match(value):
        raise ValueError(f"{value!r} is not a colour; write it as #RRGGBB, for example #FF5A1F")
    return value.upper()


Colour = Annotated[str, AfterValidator(_check_colour)]
