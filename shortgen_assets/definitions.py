"""The one Definitions object: assets, checks, jobs, sensors and resources, built from settings.

Provider choice per capability comes from settings; a secret is read through `EnvVar` only when
the provider that needs it is chosen, so the offline defaults need no environment at all.
"""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from shortgen_assets.defs.assets.footage import footage
from shortgen_assets.defs.assets.publication import publication
from shortgen_assets.defs.assets.review import review
from shortgen_assets.defs.assets.script import script
from shortgen_assets.defs.assets.trend_report import trend_report
from shortgen_assets.defs.assets.trends import trends
from shortgen_assets.defs.assets.video import video
from shortgen_assets.defs.assets.voiceover import voiceover
from shortgen_assets.defs.jobs import pipeline_job, publication_job, review_job, trend_refresh_job
from shortgen_assets.defs.resources import build_resources
from shortgen_assets.defs.schedules import theme_schedules, trend_refresh
from shortgen_assets.defs.sensors import all_sensors
from shortgen_assets.settings import Settings, get_settings


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
