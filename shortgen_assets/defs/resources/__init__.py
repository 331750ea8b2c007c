"""Provider resources: one interface per capability, one class per vendor, chosen in one table.

Adding a vendor = its module under `<capability>/` + one entry in the table below (+ the settings
Literal). A secret is an `EnvVar` field of the vendor class that needs it, so it is read from the
environment only when that vendor is chosen, and never stored in config, metadata or logs.
"""

from __future__ import annotations

from collections.abc import Callable

from dagster import EnvVar

from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.footage import FootageResource
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.defs.resources.publisher import PublisherResource
from shortgen_assets.defs.resources.trend_sources import TrendSourcesResource
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.elevenlabs import ElevenLabsTTS
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.defs.resources.tts.openai import OpenAITTS
from shortgen_assets.defs.resources.tts.piper import PiperTTS
from shortgen_assets.settings import Settings


def _secret(name: str, needed: bool) -> EnvVar | None:
    return EnvVar(name) if needed else None


TTS_VENDORS: dict[str, Callable[[Settings], TTSResource]] = {
    "piper": lambda _: PiperTTS(),
    "espeak": lambda _: EspeakTTS(),
    "openai": lambda _: OpenAITTS(api_key=EnvVar("OPENAI_API_KEY")),
    "elevenlabs": lambda _: ElevenLabsTTS(api_key=EnvVar("ELEVENLABS_API_KEY")),
}


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "app_db": AppDatabase(url=settings.app_database_url),
        "trend_sources": TrendSourcesResource(
            sources=list(settings.trend_sources),
            youtube_api_key=_secret("YOUTUBE_API_KEY", "youtube" in settings.trend_sources),
            apify_token=_secret("APIFY_TOKEN", "tiktok" in settings.trend_sources),
        ),
        "llm": LLMResource(
            provider=settings.llm_provider,
            model=settings.anthropic_model,
            api_key=_secret("ANTHROPIC_API_KEY", settings.llm_provider == "anthropic"),
        ),
        "tts": TTS_VENDORS[settings.tts_provider](settings),
        "footage_provider": FootageResource(
            provider=settings.footage_provider,
            pexels_api_key=_secret("PEXELS_API_KEY", settings.footage_provider == "pexels"),
            fal_api_key=_secret("FAL_KEY", settings.footage_provider == "fal"),
        ),
        "publisher": PublisherResource(
            provider=settings.publisher,
            youtube_access_token=_secret("YOUTUBE_ACCESS_TOKEN", settings.publisher == "youtube"),
        ),
    }
