"""OpenAI speech (POST /v1/audio/speech): one request per sentence, timings weighted inside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from shortgen_assets.defs.resources.http import HttpVendor, require_key
from shortgen_assets.defs.resources.tts import CharacterPricedTTS, decode
from shortgen_assets.domain.audio.narration_timing import Piece, Take, join_pieces, weighted_starts
from shortgen_assets.domain.audio.wav import audible_bounds, samples_to_ms
from shortgen_assets.domain.schemas import Voice

if TYPE_CHECKING:
    import httpx

SAMPLE_RATE = 24_000  # what /v1/audio/speech returns for wav and pcm
SPEED = (0.25, 4.0)
KEY_ENV = "OPENAI_API_KEY"


class OpenAITTS(CharacterPricedTTS, HttpVendor):
    """OpenAI text-to-speech; `api_key` comes from OPENAI_API_KEY."""

    provider: ClassVar[str] = "openai"
    api_key: str = Field(description=KEY_ENV)
    model: str = "tts-1"
    price_per_million_chars: float = Field(15.0, description="tts-1 list price; hd is 30")
    base_url: str = "https://api.openai.com/v1"

    def voice_id(self, voice: Voice) -> str:
        return voice.openai_voice

    def speed_range(self, voice: Voice) -> tuple[float, float]:
        return SPEED

    def render(self, spoken: list[str], voice: Voice, speed: float) -> Take:
        require_key(self.provider, self.api_key, KEY_ENV)
        with self.client() as client:
            return join_pieces([self._piece(client, text, voice, speed) for text in spoken])

    def _piece(self, client: httpx.Client, text: str, voice: Voice, speed: float) -> Piece:
        """One sentence; word timings weighted by characters.

        OpenAI speech returns no timings. Each sentence is its own request, so sentence
        boundaries are exact (measured on the decoded audio); inside a sentence, the audible span
        is shared among words by character count plus a pause weight after punctuation. That was
        chosen over a Whisper transcription pass because it costs no second paid call and cannot
        fail on transcripts that disagree with the script (numbers, names); the error is bounded
        by one sentence, which phrase-level captions tolerate.
        """
        response = self.send(
            self.provider,
            lambda: client.post(
                f"{self.base_url}/audio/speech",
                headers={"Authorization": f"Bearer {self.api_key}"},
                json={
                    "model": self.model,
                    "voice": voice.openai_voice,
                    "input": text,
                    "response_format": "wav",
                    "speed": round(speed, 3),
                },
            ),
            key_env=KEY_ENV,
        )
        samples = decode(self.provider, response.content, SAMPLE_RATE)
        first, last = audible_bounds(samples, SAMPLE_RATE) or (0, samples.size)
        start_ms = samples_to_ms(first, SAMPLE_RATE)
        end_ms = samples_to_ms(last, SAMPLE_RATE)
        starts = weighted_starts(text, start_ms, end_ms)
        return Piece(text, samples, SAMPLE_RATE, starts, end_ms)
