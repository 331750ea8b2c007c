"""Settings from the environment (`SHORTGEN_*`, `.env`): folders, databases and provider choices.

Relative paths are resolved against the working directory once, so the CLI, the webserver, the
daemon and the run processes they spawn all agree on the same absolute folders.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shortgen_assets.domain.standards import (
    MIN_SIGNAL_ITEMS,
    PROVIDER_CALL_BUDGET_S,
    PROVIDER_CONNECT_TIMEOUT_S,
    PROVIDER_READ_TIMEOUT_S,
)

DAGSTER_YAML = """\
# Written by shortgen: embedded SQLite storage. config/dagster-postgres.yaml is the Postgres one.
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: {max_runs}
# A run whose worker died is failed by run monitoring (the launcher checks the worker's process)
# and the pool slots of ended runs are freed, so no crash blocks later renders.
run_launcher:
  module: shortgen_assets.defs.run_health
  class: MonitoredRunLauncher
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 15
  free_slots_after_run_end_seconds: 15
# Run retries cover a lost run worker only; a failed step is retried by its own RetryPolicy,
# so the two never multiply.
run_retries:
  enabled: true
  max_retries: 1
  retry_on_asset_or_op_failure: false
telemetry:
  enabled: false
"""


class Settings(BaseSettings):
    """Everything configurable about a shortgen installation."""

    model_config = SettingsConfigDict(env_prefix="SHORTGEN_", env_file=".env", extra="ignore")

    home: Path = Path(".shortgen")
    output_dir: Path = Path("output")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite under home if unset")
    dagster_home: Path | None = Field(None, validation_alias="DAGSTER_HOME")
    default_theme: Path = Path("config/themes/default.yaml")

    trend_sources: Annotated[list[Literal["sample", "youtube", "tiktok"]], NoDecode] = ["sample"]
    llm_provider: Literal["offline", "anthropic"] = "offline"
    tts_provider: Literal["piper", "espeak", "openai", "elevenlabs"] = "piper"
    footage_provider: Literal["procedural", "pexels", "fal"] = "procedural"
    publishers: Annotated[list[Literal["youtube", "tiktok", "instagram"]], NoDecode] = Field(
        default_factory=list, description="platforms posted to for real; the others dry-run"
    )
    youtube_privacy_status: Literal["private", "unlisted", "public"] = "private"
    youtube_category_id: str = Field("22", description="YouTube category; 22 = People & Blogs")
    tiktok_privacy_level: Literal[
        "SELF_ONLY", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "PUBLIC_TO_EVERYONE"
    ] = Field("SELF_ONLY", description="an unaudited TikTok app may only post SELF_ONLY")
    public_base_url: str | None = Field(
        None, description="public URL of the output folder, for Instagram to fetch videos"
    )
    anthropic_model: str = "claude-sonnet-4-5"

    min_trends: int = Field(MIN_SIGNAL_ITEMS, ge=1, description="fewer make a weak trend signal")
    max_trends: int = Field(50, ge=1, le=500)
    video_width: int = Field(1080, ge=144, le=4096)
    video_height: int = Field(1920, ge=144, le=4096)
    fps: int = Field(30, ge=1, le=60)
    thumbnail_time: float = Field(1.0, ge=0, description="seconds into the video")
    max_concurrent_runs: int = Field(2, ge=1)
    step_retries: int = Field(2, ge=0, le=10, description="Dagster retries of a provider step")
    step_retry_delay_seconds: float = Field(5.0, ge=0)
    provider_connect_timeout_seconds: float = Field(
        PROVIDER_CONNECT_TIMEOUT_S, gt=0, description="connecting to an API provider, per attempt"
    )
    provider_read_timeout_seconds: float = Field(
        PROVIDER_READ_TIMEOUT_S, gt=0, description="waiting for a provider's answer, per attempt"
    )
    provider_call_budget_seconds: float = Field(
        PROVIDER_CALL_BUDGET_S,
        gt=0,
        description="one provider call, all attempts and waits; spent, the step fails for good",
    )
    anthropic_base_url: str = "https://api.anthropic.com"
    max_concurrent_compositions: int = Field(1, ge=1, description="`video` steps at once")
    max_concurrent_api_calls: int = Field(2, ge=1, description="steps per API provider at once")
    themes_dir: Path = Path("config/themes")
    api_token: SecretStr | None = Field(
        None, description="SHORTGEN_API_TOKEN: required by `shortgen serve` beyond 127.0.0.1"
    )
    dagster_ui_url: str = Field("http://127.0.0.1:3000", description="linked from the studio")

    @field_validator("trend_sources", "publishers", mode="before")
    @classmethod
    def _split_sources(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("home", "output_dir", "default_theme", "dagster_home", "themes_dir")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def app_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'shortgen.db'}"

    @property
    def dagster_home_dir(self) -> Path:
        return self.dagster_home or self.home / "dagster"

    @property
    def work_dir(self) -> Path:
        """Intermediate media (voiceover, footage) per job, apart from the user-facing output."""
        return self.home / "work"

    @property
    def kits_dir(self) -> Path:
        """Brand-kit files copied by content hash, so a job never depends on the originals."""
        return self.home / "kits"


@cache
def get_settings() -> Settings:
    return Settings()


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME with a SQLite `dagster.yaml` if it has none, and export it."""
    home = settings.dagster_home_dir
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        tmp = config.with_suffix(".yaml.tmp")
        tmp.write_text(DAGSTER_YAML.format(max_runs=settings.max_concurrent_runs))
        os.replace(tmp, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home
