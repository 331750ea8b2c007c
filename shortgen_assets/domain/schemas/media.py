"""What the media stages make: timed narration, footage clips, and what a provider call cost."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WordTiming(BaseModel):
    text: str
    start_ms: int = Field(ge=0)
    end_ms: int = Field(ge=0)


class SentenceTiming(BaseModel):
    text: str
    start_ms: int = Field(ge=0)
    end_ms: int = Field(ge=0)
    words: list[WordTiming]


class Narration(BaseModel):
    """A voiceover file and the exact timings captions are cut from."""

    audio_path: str
    duration_ms: int = Field(gt=0)
    sample_rate: int
    sentences: list[SentenceTiming]
    provider: str
    voice: str
    characters: int
    cost_usd: float = 0.0
    words_per_minute: int | None = None

    @property
    def words(self) -> list[WordTiming]:
        return [w for s in self.sentences for w in s.words]


class Clip(BaseModel):
    path: str
    scene_number: int
    duration_seconds: float = Field(gt=0)
    width: int
    height: int
    fps: int
    provider: str
    cost_usd: float = 0.0
    source_url: str | None = None


class Footage(BaseModel):
    """Background clips in play order; together they cover the narration."""

    clips: list[Clip] = Field(min_length=1)
    provider: str
    cost_usd: float = 0.0

    @property
    def duration_seconds(self) -> float:
        return sum(c.duration_seconds for c in self.clips)


class ProviderUsage(BaseModel):
    """What one provider call cost, for metadata and the videos cost breakdown."""

    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    characters: int = 0
    seconds: float = 0.0
    cost_usd: float = 0.0
