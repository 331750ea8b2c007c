"""Voiceover provider: narration audio plus the sentence and word timings captions are cut from.

`espeak` (default) is offline and exact: espeak-ng reports where each word starts in the audio it
returns. `openai` and `elevenlabs` are the real APIs. Every provider ends in the same place: a mono
16-bit WAV (written to a temporary name, then renamed), leading/trailing silence trimmed, timings in
milliseconds of that file, a refusal to emit silence, and a re-take at a faster rate when the
narration overruns its target by more than `max_overrun`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import httpx
import numpy as np
from dagster import ConfigurableResource
from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.domain.audio import espeak
from shortgen_assets.domain.audio.narration_timing import (
    AlignmentError,
    Piece,
    Take,
    aligned_sentence,
    index_map,
    join_pieces,
    starts_from_offsets,
    trim_take,
    weighted_starts,
)
from shortgen_assets.domain.audio.wav import (
    AudioDecodeError,
    audible_bounds,
    decode_audio,
    measure_level,
    samples_to_ms,
    write_wav,
)
from shortgen_assets.domain.schemas import Narration, ProviderUsage, Voice

SILENT_RMS_DBFS = -50.0
FIT_ATTEMPTS = 3
OPENAI_SAMPLE_RATE = 24_000  # what /v1/audio/speech returns for wav and pcm
OPENAI_SPEED = (0.25, 4.0)
ELEVENLABS_SPEED = (0.7, 1.2)


class TTSResource(ConfigurableResource):
    """Synthesizes the plan's voiceover sentences with the configured provider."""

    provider: Literal["espeak", "openai", "elevenlabs"] = "espeak"
    openai_api_key: str | None = None
    openai_model: str = "tts-1"
    openai_price_per_million_chars: float = Field(15.0, description="tts-1 list price; hd is 30")
    openai_base_url: str = "https://api.openai.com/v1"
    elevenlabs_api_key: str | None = None
    elevenlabs_model: str = "eleven_multilingual_v2"
    elevenlabs_output_format: str = Field("mp3_44100_128", pattern=r"^mp3_\d+_\d+$")
    elevenlabs_price_per_million_chars: float = Field(
        100.0, description="USD per 1M characters on your plan ($0.10 per 1k by default)"
    )
    elevenlabs_base_url: str = "https://api.elevenlabs.io/v1"
    max_overrun: float = Field(0.15, ge=0, description="allowed overrun of the target duration")
    timeout_seconds: float = 60.0
    retry_attempts: int = 4
    retry_base_wait: float = 1.0

    @property
    def tts_model(self) -> str:
        return {
            "espeak": "espeak-ng",
            "openai": self.openai_model,
            "elevenlabs": self.elevenlabs_model,
        }[self.provider]

    def synthesize(
        self, sentences: list[str], voice: Voice, out_path: Path, target_seconds: float
    ) -> Narration:
        """Write the narration WAV to `out_path` and return it with its exact timings.

        If the audio overruns `target_seconds` by more than `max_overrun`, it is re-synthesized
        faster (rate scaled by measured/target, within the provider's limits; up to 3 takes, each
        billed). A narration that still overruns at the fastest rate is returned as is, so the
        duration check downstream reports it. `words_per_minute` is the spoken rate measured on
        the written audio.
        """
        spoken = [" ".join(s.split()) for s in sentences if s.strip()]
        if not spoken:
            raise ValueError("nothing to narrate: every voiceover sentence is blank")
        if target_seconds <= 0:
            raise ValueError(f"target_seconds must be positive, got {target_seconds}")
        self._require_key()
        speed, characters = 1.0, 0
        with httpx.Client(timeout=self.timeout_seconds) as client:
            for _ in range(FIT_ATTEMPTS):
                take = trim_take(self._render(client, spoken, voice, speed))
                characters += take.characters
                seconds = take.samples.size / take.sample_rate
                faster = self._clamp_speed(voice, speed * seconds / target_seconds)
                if seconds <= target_seconds * (1 + self.max_overrun) or faster <= speed * 1.001:
                    break
                speed = faster
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
            voice=self._voice_id(voice),
            characters=characters,
            cost_usd=round(characters * self._price_per_char(), 6),
            words_per_minute=round(word_count * 60_000 / duration_ms),
        )

    def usage(self, narration: Narration) -> ProviderUsage:
        """What the narration cost, for asset metadata and the videos cost breakdown."""
        return ProviderUsage(
            provider=narration.provider,
            model=self.tts_model,
            characters=narration.characters,
            seconds=narration.duration_ms / 1000,
            cost_usd=narration.cost_usd,
        )

    # --- provider dispatch ---------------------------------------------------------------

    def _render(self, client: httpx.Client, spoken: list[str], voice: Voice, speed: float) -> Take:
        if self.provider == "espeak":
            rate = espeak.clamp_rate(round(voice.words_per_minute * speed))
            return join_pieces([_espeak_piece(text, voice, rate) for text in spoken])
        if self.provider == "openai":
            pieces = [self._openai_piece(client, text, voice, speed) for text in spoken]
            return join_pieces(pieces)
        return self._elevenlabs_take(client, spoken, voice, speed)

    def _clamp_speed(self, voice: Voice, speed: float) -> float:
        low, high = {
            "espeak": (
                espeak.RATE_MIN / voice.words_per_minute,
                espeak.RATE_MAX / voice.words_per_minute,
            ),
            "openai": OPENAI_SPEED,
            "elevenlabs": ELEVENLABS_SPEED,
        }[self.provider]
        return max(low, min(high, speed))

    def _voice_id(self, voice: Voice) -> str:
        return {
            "espeak": voice.name,
            "openai": voice.openai_voice,
            "elevenlabs": voice.elevenlabs_voice_id,
        }[self.provider]

    def _price_per_char(self) -> float:
        per_million = {
            "espeak": 0.0,
            "openai": self.openai_price_per_million_chars,
            "elevenlabs": self.elevenlabs_price_per_million_chars,
        }[self.provider]
        return per_million / 1_000_000

    def _require_key(self) -> None:
        if self.provider == "openai" and not self.openai_api_key:
            raise ProviderError("openai: no API key; set openai_api_key (OPENAI_API_KEY)")
        if self.provider == "elevenlabs" and not self.elevenlabs_api_key:
            raise ProviderError(
                "elevenlabs: no API key; set elevenlabs_api_key (ELEVENLABS_API_KEY)"
            )

    def _ensure_audible(self, take: Take, voice: Voice) -> None:
        level = measure_level(take.samples)
        if take.samples.size == 0 or level.rms_dbfs < SILENT_RMS_DBFS:
            raise ProviderError(
                f"{self.provider}: the narration is silent (RMS {level.rms_dbfs:.1f} dBFS, "
                f"{take.samples.size} samples) with voice {self._voice_id(voice)!r}; check the "
                "voice id and that the sentences contain speakable words"
            )

    def _post(self, provider: str, call: Callable[[], httpx.Response]) -> httpx.Response:
        """`send` with retries, except that a rejected key fails at once with the fix."""

        def attempt() -> httpx.Response:
            response = call()
            if response.status_code == 401:
                raise ProviderError(
                    f"{provider}: HTTP 401, the API key was rejected; set a valid "
                    f"{provider}_api_key ({provider.upper()}_API_KEY): {response.text[:200]}"
                )
            return response

        return send(provider, attempt, attempts=self.retry_attempts, base_wait=self.retry_base_wait)

    # --- OpenAI ----------------------------------------------------------------------------

    def _openai_piece(self, client: httpx.Client, text: str, voice: Voice, speed: float) -> Piece:
        """One sentence from POST /v1/audio/speech; word timings weighted by characters.

        OpenAI speech returns no timings. Each sentence is its own request, so sentence
        boundaries are exact (measured on the decoded audio); inside a sentence, the audible span
        is shared among words by character count plus a pause weight after punctuation. That was
        chosen over a Whisper transcription pass because it costs no second paid call and cannot
        fail on transcripts that disagree with the script (numbers, names); the error is bounded
        by one sentence, which phrase-level captions tolerate.
        """
        response = self._post(
            "openai",
            lambda: client.post(
                f"{self.openai_base_url}/audio/speech",
                headers={"Authorization": f"Bearer {self.openai_api_key}"},
                json={
                    "model": self.openai_model,
                    "voice": voice.openai_voice,
                    "input": text,
                    "response_format": "wav",
                    "speed": round(speed, 3),
                },
            ),
        )
        samples = _decode("openai", response.content, OPENAI_SAMPLE_RATE)
        first, last = audible_bounds(samples, OPENAI_SAMPLE_RATE) or (0, samples.size)
        start_ms = samples_to_ms(first, OPENAI_SAMPLE_RATE)
        end_ms = samples_to_ms(last, OPENAI_SAMPLE_RATE)
        starts = weighted_starts(text, start_ms, end_ms)
        return Piece(text, samples, OPENAI_SAMPLE_RATE, starts, end_ms)

    # --- ElevenLabs ------------------------------------------------------------------------

    def _elevenlabs_take(
        self, client: httpx.Client, spoken: list[str], voice: Voice, speed: float
    ) -> Take:
        """The whole narration from /with-timestamps; words timed from the character alignment."""
        text = " ".join(spoken)
        body: dict[str, Any] = {"text": text, "model_id": self.elevenlabs_model}
        if abs(speed - 1.0) > 1e-3:
            body["voice_settings"] = {"speed": round(speed, 3)}
        response = self._post(
            "elevenlabs",
            lambda: client.post(
                f"{self.elevenlabs_base_url}/text-to-speech/{voice.elevenlabs_voice_id}"
                "/with-timestamps",
                params={"output_format": self.elevenlabs_output_format},
                headers={"xi-api-key": self.elevenlabs_api_key or ""},
                json=body,
            ),
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
        sample_rate = _elevenlabs_rate(self.elevenlabs_output_format)
        samples = _decode("elevenlabs", audio, sample_rate)
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


def _espeak_piece(text: str, voice: Voice, rate: int) -> Piece:
    """One sentence from espeak-ng; a token starts at the first WORD event inside it."""
    try:
        speech = espeak.speak(text, voice.name, rate, voice.pitch)
    except espeak.EspeakError as exc:
        raise ProviderError(f"espeak: {exc}") from None
    starts = starts_from_offsets(text, ((word.start, word.audio_ms) for word in speech.words))
    bounds = audible_bounds(speech.samples, speech.sample_rate)
    end_ms = samples_to_ms(bounds[1], speech.sample_rate) if bounds else speech.duration_ms
    return Piece(text, speech.samples, speech.sample_rate, starts, end_ms)


def _decode(provider: str, data: bytes, sample_rate: int) -> np.ndarray:
    try:
        return decode_audio(data, sample_rate)
    except AudioDecodeError as exc:
        raise ProviderError(f"{provider}: the returned audio is unreadable: {exc}") from None


def _elevenlabs_rate(output_format: str) -> int:
    """Sample rate named in an ElevenLabs output format such as mp3_44100_128."""
    return int(output_format.split("_")[1])
