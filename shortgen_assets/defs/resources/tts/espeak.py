"""espeak-ng: offline and exact, it reports where each word starts in the audio it returns."""

from __future__ import annotations

from typing import ClassVar

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.domain.audio import espeak
from shortgen_assets.domain.audio.narration_timing import (
    TOKEN,
    Piece,
    Take,
    join_pieces,
    starts_from_offsets,
)
from shortgen_assets.domain.audio.piper_voices import primary_language
from shortgen_assets.domain.audio.spoken import spoken_tokens
from shortgen_assets.domain.audio.wav import audible_bounds, samples_to_ms
from shortgen_assets.domain.schemas import Voice


class EspeakTTS(TTSResource):
    """The default voice: no key, no network, no cost."""

    provider: ClassVar[str] = "espeak"
    speaks_theme_rate: ClassVar[bool] = True

    @property
    def tts_model(self) -> str:
        return "espeak-ng"

    def voice_id(self, voice: Voice) -> str:
        return voice.name

    def speed_range(self, voice: Voice) -> tuple[float, float]:
        return espeak.RATE_MIN / voice.words_per_minute, espeak.RATE_MAX / voice.words_per_minute

    def render(self, spoken: list[str], voice: Voice, speed: float) -> Take:
        rate = espeak.clamp_rate(round(voice.words_per_minute * speed))
        return join_pieces([_piece(text, voice, rate) for text in spoken])


def _piece(text: str, voice: Voice, rate: int) -> Piece:
    """One sentence from espeak-ng; a token starts at the first WORD event inside what was said
    for it (the theme's respellings, and in English prices and units: see `spoken`)."""
    english = primary_language(voice.name) == "en"
    said = spoken_tokens(TOKEN.findall(text), english=english, say_as=voice.say_as)
    try:
        speech = espeak.speak(" ".join(said), voice.name, rate, voice.pitch)
    except espeak.EspeakError as exc:
        raise ProviderError(f"espeak: {exc}") from None
    starts = starts_from_offsets(said, ((word.start, word.audio_ms) for word in speech.words))
    bounds = audible_bounds(speech.samples, speech.sample_rate)
    end_ms = samples_to_ms(bounds[1], speech.sample_rate) if bounds else speech.duration_ms
    return Piece(text, speech.samples, speech.sample_rate, starts, end_ms)
