"""The TTS capability: narration audio plus the sentence and word timings captions are cut from.

Each vendor (its own module here) renders one take of the sentences at a speed; everything else is
shared and identical whatever the vendor: a mono 16-bit WAV (written to a temporary name, then
renamed), leading/trailing silence trimmed, timings in milliseconds of that file, a refusal to
emit silence, and a re-take at an adjusted rate when the narration misses its target by more than
`fit_tolerance` (the video lasts as long as its narration): faster when it overruns, slower when
it falls short, but never below `MIN_SPEED`, where speech stops sounding natural.
"""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import ClassVar

import numpy as np
from dagster import ConfigurableResource
from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.domain.audio.narration_timing import Take, trim_take
from shortgen_assets.domain.audio.wav import (
    AudioDecodeError,
    decode_audio,
    measure_level,
    samples_to_ms,
    write_wav,
)
from shortgen_assets.domain.schemas import Narration, ProviderUsage, Voice
from shortgen_assets.domain.standards import SILENT_RMS_DBFS

FIT_ATTEMPTS = 3
MIN_SPEED = 0.85


class TTSResource(ConfigurableResource):
    """Synthesizes the plan's voiceover sentences; `provider` names the vendor."""

    provider: ClassVar[str]
    # Whether speed 1.0 speaks at the theme's words_per_minute (the offline voices), so a take's
    # length can be predicted from its words before it is synthesized.
    speaks_theme_rate: ClassVar[bool] = False
    fit_tolerance: float = Field(
        0.05, ge=0, description="allowed miss of the target duration before a re-take"
    )

    @property
    @abstractmethod
    def tts_model(self) -> str:
        """The voice model, as recorded with the narration's cost."""

    @abstractmethod
    def voice_id(self, voice: Voice) -> str:
        """This vendor's voice for the theme's `voice`."""

    @abstractmethod
    def speed_range(self, voice: Voice) -> tuple[float, float]:
        """Slowest and fastest speed factor the vendor accepts for `voice`."""

    @abstractmethod
    def render(self, spoken: list[str], voice: Voice, speed: float) -> Take:
        """One take of the sentences at `speed` (1.0 = the voice's natural rate)."""

    def cost_usd(self, characters: int) -> float:
        """What synthesizing `characters` costs; offline vendors cost nothing."""
        return 0.0

    def synthesize(
        self, sentences: list[str], voice: Voice, out_path: Path, target_seconds: float
    ) -> Narration:
        """Write the narration WAV to `out_path` and return it with its exact timings.

        If the audio misses `target_seconds` by more than `fit_tolerance`, it is re-synthesized at
        a rate scaled by measured/target (within the vendor's limits and never slower than
        `MIN_SPEED`; up to 3 takes, each billed). A narration that cannot get closer is returned
        as is, so the duration check downstream reports it. `words_per_minute` is the spoken rate
        measured on the written audio.
        """
        spoken = [" ".join(s.split()) for s in sentences if s.strip()]
        if not spoken:
            raise ValueError("nothing to narrate: every voiceover sentence is blank")
        if target_seconds <= 0:
            raise ValueError(f"target_seconds must be positive, got {target_seconds}")
        speed, characters = self._first_speed(spoken, voice, target_seconds), 0
        for _ in range(FIT_ATTEMPTS):
            take = trim_take(self.render(spoken, voice, speed))
            characters += take.characters
            adjusted = self._fitted_speed(
                voice, speed, take.samples.size / take.sample_rate, target_seconds
            )
            if adjusted is None:
                break
            speed = adjusted
        self._ensure_audible(take, voice)
        write_wav(out_path, take.samples, take.sample_rate)
        duration_ms = samples_to_ms(take.samples.size, take.sample_rate)
        word_count = sum(len(s.split()) for s in spoken)
        return Narration(
            audio_path=str(out_path),
            duration_ms=duration_ms,
            sample_rate=take.sample_rate,
            sentences=take.sentences,
            provider=self.provider,
            voice=self.voice_id(voice),
            characters=characters,
            cost_usd=round(self.cost_usd(characters), 6),
            words_per_minute=round(word_count * 60_000 / duration_ms),
        )

    def _first_speed(self, spoken: list[str], voice: Voice, target: float) -> float:
        """1.0, or for a voice that speaks the theme's rate, the speed at which the words are
        predicted to fill `target`: the fit then rarely needs a second whole take."""
        if not self.speaks_theme_rate:
            return 1.0
        words = sum(len(sentence.split()) for sentence in spoken)
        return self._fitted_speed(voice, 1.0, words * 60 / voice.words_per_minute, target) or 1.0

    def _fitted_speed(
        self, voice: Voice, speed: float, seconds: float, target: float
    ) -> float | None:
        """The speed of the next take, or None when this take fits or no speed gets closer."""
        if abs(seconds - target) <= target * self.fit_tolerance:
            return None
        low, high = self.speed_range(voice)
        low = max(low, MIN_SPEED)
        if seconds < target and seconds * speed / low < target * (1 - self.fit_tolerance):
            return None  # too short to stretch naturally: the plan has too few words
        adjusted = max(low, min(high, speed * seconds / target))
        return None if abs(adjusted - speed) <= speed * 0.001 else adjusted

    def usage(self, narration: Narration) -> ProviderUsage:
        """What the narration cost, for asset metadata and the videos cost breakdown."""
        return ProviderUsage(
            provider=narration.provider,
            model=self.tts_model,
            characters=narration.characters,
            seconds=narration.duration_ms / 1000,
            cost_usd=narration.cost_usd,
        )

    def _ensure_audible(self, take: Take, voice: Voice) -> None:
        level = measure_level(take.samples)
        if take.samples.size == 0 or level.rms_dbfs < SILENT_RMS_DBFS:
            raise ProviderError(
                f"{self.provider}: the narration is silent (RMS {level.rms_dbfs:.1f} dBFS, "
                f"{take.samples.size} samples) with voice {self.voice_id(voice)!r}; check the "
                "voice id and that the sentences contain speakable words"
            )


class CharacterPricedTTS(TTSResource):
    """A hosted voice billed per character of text; its model is what the cost row names."""

    model: str
    price_per_million_chars: float

    @property
    def tts_model(self) -> str:
        return self.model

    def cost_usd(self, characters: int) -> float:
        return characters * self.price_per_million_chars / 1_000_000


def decode(provider: str, data: bytes, sample_rate: int) -> np.ndarray:
    """Audio a vendor returned, as samples at `sample_rate`, or a ProviderError."""
    try:
        return decode_audio(data, sample_rate)
    except AudioDecodeError as exc:
        raise ProviderError(f"{provider}: the returned audio is unreadable: {exc}") from None
