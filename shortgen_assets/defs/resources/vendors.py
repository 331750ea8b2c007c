"""The vendor table: settings choose one class per capability (trends, LLM, TTS, footage, publish).

Adding a vendor = its module under `<capability>/` + one entry in the table below (+ the settings
Literal). A secret is an `EnvVar` field of the vendor class that needs it, so it is read from the
environment only when that vendor is chosen, and never stored in config, metadata or logs.
"""

from __future__ import annotations

from collections.abc import Callable

from dagster import EnvVar

from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.resources.footage import FootageResource
from shortgen_assets.defs.resources.footage.fal import FalFootage
from shortgen_assets.defs.resources.footage.pexels import PexelsFootage
from shortgen_assets.defs.resources.footage.procedural import ProceduralFootage
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.defs.resources.llm.anthropic import AnthropicLLM
from shortgen_assets.defs.resources.llm.offline import OfflineLLM
from shortgen_assets.defs.resources.publisher import PublisherResource
from shortgen_assets.defs.resources.publisher.dry_run import DryRunPublisher
from shortgen_assets.defs.resources.publisher.instagram import InstagramPublisher
from shortgen_assets.defs.resources.publisher.tiktok import TikTokPublisher
from shortgen_assets.defs.resources.publisher.youtube import YouTubePublisher
from shortgen_assets.defs.resources.trend_sources import TrendSource, combine
from shortgen_assets.defs.resources.trend_sources.sample import SampleTrends
from shortgen_assets.defs.resources.trend_sources.tiktok import TikTokTrends
from shortgen_assets.defs.resources.trend_sources.youtube import YouTubeTrends
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.elevenlabs import ElevenLabsTTS
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.defs.resources.tts.openai import OpenAITTS
from shortgen_assets.defs.resources.tts.piper import PiperTTS
from shortgen_assets.settings import Settings


def deadlines(settings: Settings) -> dict[str, float]:
    """The timeouts and call budget every API vendor takes from settings."""
    return {
        "connect_timeout_seconds": settings.provider_connect_timeout_seconds,
        "timeout_seconds": settings.provider_read_timeout_seconds,
        "call_budget_seconds": settings.provider_call_budget_seconds,
    }


def publisher_deadlines(settings: Settings) -> dict[str, float]:
    """The same deadlines under the publishers' field names."""
    return {
        "connect_timeout_seconds": settings.provider_connect_timeout_seconds,
        "read_timeout_seconds": settings.provider_read_timeout_seconds,
        "call_budget_seconds": settings.provider_call_budget_seconds,
    }


TREND_SOURCES: dict[str, Callable[[Settings], TrendSource]] = {
    "sample": lambda _: SampleTrends(),
    "youtube": lambda s: YouTubeTrends(api_key=EnvVar("YOUTUBE_API_KEY"), **deadlines(s)),
    "tiktok": lambda s: TikTokTrends(api_token=EnvVar("APIFY_TOKEN"), **deadlines(s)),
}
LLM_VENDORS: dict[str, Callable[[Settings], LLMResource]] = {
    "offline": lambda _: OfflineLLM(),
    "anthropic": lambda s: AnthropicLLM(
        api_key=EnvVar("ANTHROPIC_API_KEY"),
        model=s.anthropic_model,
        base_url=s.anthropic_base_url,
        **deadlines(s),
    ),
}
TTS_VENDORS: dict[str, Callable[[Settings], TTSResource]] = {
    "piper": lambda _: PiperTTS(),
    "espeak": lambda _: EspeakTTS(),
    "openai": lambda s: OpenAITTS(api_key=EnvVar("OPENAI_API_KEY"), **deadlines(s)),
    "elevenlabs": lambda s: ElevenLabsTTS(api_key=EnvVar("ELEVENLABS_API_KEY"), **deadlines(s)),
}
FOOTAGE_VENDORS: dict[str, Callable[[Settings], FootageResource]] = {
    "procedural": lambda _: ProceduralFootage(),
    "pexels": lambda s: PexelsFootage(api_key=EnvVar("PEXELS_API_KEY"), **deadlines(s)),
    "fal": lambda s: FalFootage(api_key=EnvVar("FAL_KEY"), **deadlines(s)),
}


LIVE_PUBLISHERS: dict[str, Callable[[Settings], PublisherResource]] = {
    "youtube": lambda s: YouTubePublisher(
        access_token=EnvVar("YOUTUBE_ACCESS_TOKEN"),
        privacy_status=s.youtube_privacy_status,
        category_id=s.youtube_category_id,
        **publisher_deadlines(s),
    ),
    "tiktok": lambda s: TikTokPublisher(
        access_token=EnvVar("TIKTOK_ACCESS_TOKEN"),
        privacy_level=s.tiktok_privacy_level,
        **publisher_deadlines(s),
    ),
    "instagram": lambda s: InstagramPublisher(
        access_token=EnvVar("INSTAGRAM_ACCESS_TOKEN"),
        user_id=EnvVar("INSTAGRAM_USER_ID"),
        public_base_url=s.public_base_url or "",
        **publisher_deadlines(s),
    ),
}
PUBLISH_PLATFORMS = tuple(LIVE_PUBLISHERS)


def publisher_for(settings: Settings, platform: str) -> PublisherResource:
    """The live vendor for a platform in SHORTGEN_PUBLISHERS, else the dry run."""
    if platform in settings.publishers:
        return LIVE_PUBLISHERS[platform](settings)
    return DryRunPublisher(public_base_url=settings.public_base_url)


def build_resources(settings: Settings) -> dict[str, object]:
    sources = [TREND_SOURCES[name](settings) for name in dict.fromkeys(settings.trend_sources)]
    return {
        "app_db": AppDatabase(url=settings.app_database_url),
        "trend_sources": combine(sources),
        "llm": LLM_VENDORS[settings.llm_provider](settings),
        "tts": TTS_VENDORS[settings.tts_provider](settings),
        "footage_provider": FOOTAGE_VENDORS[settings.footage_provider](settings),
        **{f"{p}_publisher": publisher_for(settings, p) for p in PUBLISH_PLATFORMS},
    }
