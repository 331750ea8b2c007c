"""The one Definitions object: assets, checks, jobs, sensors and resources, built from settings.

Provider choice per capability comes from settings; a secret is read through `EnvVar` only when
the provider that needs it is chosen, so the offline defaults need no environment at all.
"""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor

from shortgen_assets.assets.footage import footage
from shortgen_assets.assets.publication import publication
from shortgen_assets.assets.review import review
from shortgen_assets.assets.script import script
from shortgen_assets.assets.trend_report import trend_report
from shortgen_assets.assets.trends import trends
from shortgen_assets.assets.video import video
from shortgen_assets.assets.voiceover import voiceover
from shortgen_assets.jobs import pipeline_job, publication_job, review_job, trend_refresh_job
from shortgen_assets.resources.database import AppDatabase
from shortgen_assets.resources.footage import FootageResource
from shortgen_assets.resources.llm import LLMResource
from shortgen_assets.resources.publisher import PublisherResource
from shortgen_assets.resources.trend_sources import TrendSourcesResource
from shortgen_assets.resources.tts import TTSResource
from shortgen_assets.schedules import theme_schedules, trend_refresh
from shortgen_assets.sensors import all_sensors
from shortgen_assets.settings import Settings, get_settings


def _secret(name: str, needed: bool) -> EnvVar | None:
    return EnvVar(name) if needed else None


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
        "tts": TTSResource(
            provider=settings.tts_provider,
            openai_api_key=_secret("OPENAI_API_KEY", settings.tts_provider == "openai"),
            elevenlabs_api_key=_secret("ELEVENLABS_API_KEY", settings.tts_provider == "elevenlabs"),
        ),
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


def build_definitions(settings: Settings) -> Definitions:
    return Definitions(
        assets=[trends, trend_report, script, voiceover, footage, video, review, publication],
        jobs=[pipeline_job, review_job, publication_job, trend_refresh_job],
        schedules=[*theme_schedules(settings.themes_dir), trend_refresh],
        sensors=all_sensors,
        resources=build_resources(settings),
        executor=in_process_executor,
    )


defs = build_definitions(get_settings())
