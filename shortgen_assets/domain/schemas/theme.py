"""The theme: a product brief, with its voice, captions, palette, brand kit and schedule."""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from shortgen_assets.domain.audio.piper_voices import (
    PIPER_VOICES,
    piper_voice_for,
    primary_language,
)
from shortgen_assets.domain.schemas.base import (
    Colour,
    Platform,
    Position,
    PublishTarget,
    Strict,
    Style,
)


class Palette(Strict):
    primary: Colour = Field("#1E3A8A", description="brand colour: the hook panel")
    secondary: Colour = Field("#0EA5E9", description="the mid-video callout panel")
    accent: Colour = Field("#F59E0B", description="the call-to-action panel")
    background: Colour = Field("#0B1020", description="base of the generated backgrounds")
    text: Colour = Field("#FFFFFF", description="text on the hook, callout and CTA panels")


class Voice(Strict):
    """Narration voice; `name` is the espeak voice (a language code), the others per provider."""

    name: str = Field("en-us", description="espeak-ng voice (a language code) when espeak speaks")
    piper_voice: str | None = Field(
        None, description="Piper voice; unset: the installed one for the theme's language, if any"
    )
    words_per_minute: int = Field(
        160, ge=80, le=300, description="speaking rate; re-timed within limits to fit the length"
    )
    pitch: int = Field(50, ge=0, le=99, description="espeak-ng pitch")
    openai_voice: str = Field("alloy", description="OpenAI TTS voice, when that provider speaks")
    elevenlabs_voice_id: str = Field(
        "21m00Tcm4TlvDq8ikWAM", description="ElevenLabs voice id, when that provider speaks"
    )
    say_as: dict[str, str] = Field(
        default_factory=dict,
        max_length=50,
        description="words the offline voices (Piper, espeak) say wrong, written as they sound, "
        "e.g. {Nike: Ny-kee, UX: U X}; captions keep the written word",
    )

    @field_validator("say_as")
    @classmethod
    def _one_word_each(cls, say_as: dict[str, str]) -> dict[str, str]:
        for written, spoken in say_as.items():
            if len(written.split()) != 1:  # also refuses an empty key
                raise ValueError(f"{written!r} must be one word as written in the narration")
            if not spoken.strip() or len(spoken) > 80:
                raise ValueError(f"how to say {written!r} must be 1-80 characters")
        return say_as


class CaptionStyle(Strict):
    font: str = Field("Montserrat-ExtraBold", description="caption font (a bundled family-style)")
    size: int = Field(72, ge=24, le=200, description="pixel size at 1080 px width")
    colour: Colour = Field("#FFFFFF", description="caption text colour")
    stroke_colour: Colour = Field(
        "#000000",
        description="outline and backing-box colour; flipped to black or white if the text "
        "would not read on it (4.5:1 contrast)",
    )
    stroke_width: int = Field(6, ge=0, le=20, description="outline width in px at 1080 px width")
    highlight_colour: Colour = Field(
        "#FACC15", description="the word being spoken; adjusted to keep 4.5:1 contrast"
    )
    highlight_active_word: bool = Field(True, description="highlight the word being spoken")
    words_per_phrase: int = Field(
        3, ge=1, le=8, description="most words on screen at once; phrases break at clauses first"
    )
    uppercase: bool = Field(False, description="captions in capitals")
    position: Position = Field("bottom", description="where captions sit, inside safe zones")


class Reference(Strict):
    """Content the plan may draw on: a source and its talking points."""

    title: str = Field(min_length=1, max_length=300, description="where the points come from")
    url: str | None = Field(None, description="link to the source, for people")
    talking_points: list[str] = Field(
        min_length=1, description="one claim each; every point gets its turn across jobs"
    )

    @field_validator("talking_points")
    @classmethod
    def _no_blank_points(cls, points: list[str]) -> list[str]:
        if any(not p.strip() for p in points):
            raise ValueError("talking points must not be blank")
        return points


KitKind = Literal["image", "screenshot", "clip"]


class BrandMedia(Strict):
    """One item of the brand kit; `about` is matched against the narration to place it."""

    path: str = Field(min_length=1, description="image or clip file, relative to the theme file")
    kind: KitKind = Field("image", description="image (product shot), screenshot or clip")
    about: str = Field(min_length=3, max_length=300, description="what it shows, in a few words")


class Brand(Strict):
    """The product's own look: a logo for the end card and media that show the product."""

    logo: str | None = Field(None, description="logo image (PNG with transparency is best)")
    media: list[BrandMedia] = Field(
        default_factory=list, max_length=30, description="product shots, screenshots and clips"
    )


class DailyWindow(Strict):
    """Publish between `start` and `end` each day (in the schedule's timezone)."""

    start: time = Field(description="window opens, e.g. 09:00")
    end: time = Field(description="window closes, e.g. 11:00")

    @model_validator(mode="after")
    def _ordered(self) -> DailyWindow:
        if self.end <= self.start:
            raise ValueError("the daily window must end after it starts, e.g. 09:00 to 11:00")
        return self


class PublishSchedule(Strict):
    """When to publish: one time (`at`) or a daily window (`daily`); unset means at once."""

    at: datetime | None = Field(None, description="one time (in `timezone` unless it has one)")
    daily: DailyWindow | None = Field(None, description="a window each day")
    timezone: str = Field("UTC", description="IANA name, e.g. Europe/Paris")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {name!r}; use an IANA name like Europe/Paris"
            ) from None
        return name

    @model_validator(mode="after")
    def _one_rule(self) -> PublishSchedule:
        if (self.at is None) == (self.daily is None):
            raise ValueError("set exactly one of `at` (a time) or `daily` (a window)")
        return self


class Theme(Strict):
    """A product or brand brief: what to say, to whom, and how it should look and sound."""

    name: str = Field(min_length=1, max_length=120, description="short id, shown in job lists")
    product: str = Field(min_length=1, max_length=200, description="the product, as spoken")
    tagline: str = Field(
        min_length=1, max_length=300, description="one-line promise, narrated and shown mid-video"
    )
    audience: str = Field(min_length=1, max_length=500, description="who the videos are for")
    tone: str = Field(min_length=1, max_length=200, description="how it should feel, in words")
    style: Style = Field(
        "montage", description="production style; trends may override it when they are strong"
    )
    platform: Platform = Field("youtube_shorts", description="where the videos go first")
    duration_seconds: int = Field(
        30, ge=5, le=180, description="video length; the narration is fitted to it (±10%)"
    )
    videos_per_day: int = Field(
        1, ge=0, le=48, description="for the theme's schedule (0: no schedule)"
    )
    auto_post: bool = Field(False, description="publish approved videos without asking")
    publish_to: list[PublishTarget] = Field(
        default_factory=list,
        description="youtube, tiktok, instagram; empty: the one `platform` targets",
    )
    publish_schedule: PublishSchedule | None = Field(
        None, description="when to publish: `at` a time or a `daily` window; unset: at once"
    )
    language: str = Field("en", description="narration language code; it picks the voice")
    keywords: list[str] = Field(default_factory=list, description="trend search terms")
    hashtags: list[str] = Field(default_factory=list, description="brand hashtags to use")
    call_to_action: str = Field(
        "Follow for more", min_length=1, max_length=200, description="spoken and shown at the end"
    )
    music: str | None = Field(None, description="path to a music file; a generated bed if unset")
    voice: Voice = Field(default_factory=Voice, description="the narrator")
    caption_style: CaptionStyle = Field(default_factory=CaptionStyle, description="captions")
    palette: Palette = Field(default_factory=Palette, description="overlay and background colours")
    references: list[Reference] = Field(
        min_length=1, description="what the narration may say: sources and their talking points"
    )
    brand: Brand | None = Field(None, description="logo and product media; checked on load")

    @field_validator("voice")
    @classmethod
    def _piper_voice_speaks_the_language(cls, voice: Voice, info: ValidationInfo) -> Voice:
        """Pick the Piper voice for the language (None: espeak narrates), or refuse a mismatch."""
        language = info.data.get("language")
        if language is None:  # the language itself is invalid and reported
            return voice
        if voice.piper_voice is None:
            return voice.model_copy(update={"piper_voice": piper_voice_for(language)})
        bundled = PIPER_VOICES.get(voice.piper_voice)
        if bundled is None:
            raise ValueError(
                f"no Piper voice {voice.piper_voice!r} is installed; use one of "
                f"{', '.join(sorted(PIPER_VOICES))} or remove voice.piper_voice"
            )
        if bundled.language != primary_language(language):
            raise ValueError(
                f"Piper has no {language!r} voice here ({bundled.name} speaks {bundled.language}); "
                f"remove voice.piper_voice to narrate in {language!r} with espeak"
            )
        return voice
