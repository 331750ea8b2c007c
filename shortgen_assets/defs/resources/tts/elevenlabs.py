"""ElevenLabs (/with-timestamps): the whole narration at once, words timed from its alignment."""

from __future__ import annotations

import base64
from typing import Any, ClassVar

from pydantic import Field

from shortgen_assets.defs.resources.http import HttpVendor, ProviderError, require_key
from shortgen_assets.defs.resources.tts import CharacterPricedTTS, decode
from shortgen_assets.domain.audio.narration_timing import (
    AlignmentError,
    Take,
    aligned_sentence,
    index_map,
)
from shortgen_assets.domain.schemas import Voice

SPEED = (0.7, 1.2)
KEY_ENV = "ELEVENLABS_API_KEY"


class ElevenLabsTTS(CharacterPricedTTS, HttpVendor):
    """ElevenLabs text-to-speech; `api_key` comes from ELEVENLABS_API_KEY."""

    provider: ClassVar[str] = "elevenlabs"
    api_key: str = Field(description=KEY_ENV)
    model: str = "eleven_multilingual_v2"
    output_format: str = Field("mp3_44100_128", pattern=r"^mp3_\d+_\d+$")
    price_per_million_chars: float = Field(
        100.0, description="USD per 1M characters on your plan ($0.10 per 1k by default)"
    )
    base_url: str = "https://api.elevenlabs.io/v1"

    def voice_id(self, voice: Voice) -> str:
        return voice.elevenlabs_voice_id

    def speed_range(self, voice: Voice) -> tuple[float, float]:
        return SPEED

    def render(self, spoken: list[str], voice: Voice, speed: float) -> Take:
        require_key(self.provider, self.api_key, KEY_ENV)
        text = " ".join(spoken)
        body: dict[str, Any] = {"text": text, "model_id": self.model}
        if abs(speed - 1.0) > 1e-3:
            body["voice_settings"] = {"speed": round(speed, 3)}
        with self.client() as client:
            response = self.send(
                self.provider,
                lambda: client.post(
                    f"{self.base_url}/text-to-speech/{voice.elevenlabs_voice_id}/with-timestamps",
                    params={"output_format": self.output_format},
                    headers={"xi-api-key": self.api_key},
                    json=body,
                ),
                key_env=KEY_ENV,
            )
        try:
            payload = response.json()
            audio = base64.b64decode(payload["audio_base64"])
            alignment = payload["alignment"]
            characters = "".join(alignment["characters"])
            starts = alignment["character_start_times_seconds"]
            ends = alignment["character_end_times_seconds"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(
                f"elevenlabs: unexpected response without audio and alignment ({exc!r}); "
                "the /with-timestamps API may have changed"
            ) from None
        sample_rate = int(self.output_format.split("_")[1])  # mp3_44100_128: 44.1 kHz
        samples = decode(self.provider, audio, sample_rate)
        to_alignment = index_map(text, characters)
        sentences, offset = [], 0
        for sentence in spoken:
            begin = text.index(sentence, offset)
            offset = begin + len(sentence)
            try:
                sentences.append(aligned_sentence(sentence, begin, to_alignment, starts, ends))
            except AlignmentError as exc:
                raise ProviderError(f"elevenlabs: {exc}") from None
        return Take(samples, sample_rate, sentences, len(text))
