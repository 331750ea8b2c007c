"""The one Definitions object: assets, checks, jobs, sensors and resources, built from settings.

Everything that depends on settings is built here from the `Settings` passed in: provider
resources, the stages' settings resource, the provider stages' retry policy and pools. Stages hand
each other typed refs through `StageRefIOManager`, so the asset graph is exactly what they read.
"""

from __future__ import annotations

from dagster import AssetsDefinition, Definitions, in_process_executor

from shortgen_assets.defs.assets.footage import build_footage
from shortgen_assets.defs.assets.publication import build_publication
from shortgen_assets.defs.assets.review import review
from shortgen_assets.defs.assets.script import build_script
from shortgen_assets.defs.assets.trend_report import build_trend_report
from shortgen_assets.defs.assets.trends import build_trends
from shortgen_assets.defs.assets.video import video
from shortgen_assets.defs.assets.voiceover import build_voiceover
from shortgen_assets.defs.io_manager import StageRefIOManager
from shortgen_assets.defs.jobs import pipeline_job, publication_job, review_job, trend_refresh_job
from shortgen_assets.defs.policies import provider_retry
from shortgen_assets.defs.pools import provider_pools
from shortgen_assets.defs.resources.preflight import ProviderCredentials
from shortgen_assets.defs.resources.vendors import build_resources
from shortgen_assets.defs.schedules import theme_schedules, trend_refresh
from shortgen_assets.defs.sensors import all_sensors
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.settings import Settings, get_settings


def build_stages(settings: Settings) -> list[AssetsDefinition]:
    """Every stage; a provider stage retries as the settings say, in its provider's pool."""
    retry, pools = provider_retry(settings), provider_pools(settings)
    return [
        build_trends(retry, pools["trends"]),
        build_trend_report(retry, pools["llm"]),
        build_script(retry, pools["llm"]),
        build_voiceover(retry, pools["tts"]),
        build_footage(retry, pools["footage"]),
        video,
        review,
        build_publication(retry, pools["publisher"]),
    ]


def build_definitions(settings: Settings) -> Definitions:
    providers = build_resources(settings)
    return Definitions(
        assets=build_stages(settings),
        jobs=[pipeline_job, review_job, publication_job, trend_refresh_job],
        schedules=[*theme_schedules(settings.themes_dir), trend_refresh],
        sensors=all_sensors,
        resources={
            **providers,
            "provider_credentials": ProviderCredentials.for_resources(providers),
            "stage_settings": StageSettings.from_settings(settings),
            "io_manager": StageRefIOManager(),
        },
        executor=in_process_executor,
    )


defs = build_definitions(get_settings())
