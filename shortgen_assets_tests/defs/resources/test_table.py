"""The vendor table: settings choose one class per capability; secrets come from the environment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import respx

from shortgen_assets.defs.resources.footage.fal import FalFootage
from shortgen_assets.defs.resources.footage.pexels import PexelsFootage
from shortgen_assets.defs.resources.footage.procedural import ProceduralFootage
from shortgen_assets.defs.resources.llm.anthropic import AnthropicLLM
from shortgen_assets.defs.resources.llm.offline import OfflineLLM
from shortgen_assets.defs.resources.trend_sources import CombinedTrendSources, TrendSourcesResource
from shortgen_assets.defs.resources.trend_sources.sample import SampleTrends
from shortgen_assets.defs.resources.trend_sources.youtube import YouTubeTrends
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.elevenlabs import ElevenLabsTTS
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.defs.resources.tts.openai import OpenAITTS
from shortgen_assets.defs.resources.tts.piper import PiperTTS
from shortgen_assets.defs.resources.vendors import build_resources
from shortgen_assets.settings import Settings

TRENDS = Path(__file__).parents[2] / "fixtures" / "trends"
NOW = datetime(2025, 6, 12, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("resource", "setting", "choice", "vendor"),
    [
        ("llm", "llm_provider", "offline", OfflineLLM),
        ("llm", "llm_provider", "anthropic", AnthropicLLM),
        ("tts", "tts_provider", "piper", PiperTTS),
        ("tts", "tts_provider", "espeak", EspeakTTS),
        ("tts", "tts_provider", "openai", OpenAITTS),
        ("tts", "tts_provider", "elevenlabs", ElevenLabsTTS),
        ("footage_provider", "footage_provider", "procedural", ProceduralFootage),
        ("footage_provider", "footage_provider", "pexels", PexelsFootage),
        ("footage_provider", "footage_provider", "fal", FalFootage),
        ("trend_sources", "trend_sources", ["youtube"], YouTubeTrends),
        ("trend_sources", "trend_sources", ["sample", "sample"], SampleTrends),
        ("trend_sources", "trend_sources", ["sample", "youtube"], CombinedTrendSources),
    ],
)
def test_settings_choose_the_vendor(
    resource: str, setting: str, choice: object, vendor: type
) -> None:
    chosen = build_resources(Settings(**{setting: choice}))[resource]
    assert type(chosen) is vendor


def test_the_anthropic_model_comes_from_settings() -> None:
    llm = build_resources(Settings(llm_provider="anthropic", anthropic_model="claude-haiku-4-5"))
    assert llm["llm"].model == "claude-haiku-4-5"


@dg.asset
def tts_model(tts: TTSResource) -> str:
    return f"{tts.provider} {tts.tts_model} {getattr(tts, 'api_key', '')}"


def test_piper_is_the_default_voice() -> None:
    assert type(build_resources(Settings())["tts"]) is PiperTTS


def test_a_secret_is_read_from_the_environment_only_when_the_step_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resources = {"tts": build_resources(Settings(tts_provider="openai"))["tts"]}
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(dg.DagsterInvalidConfigError, match='"OPENAI_API_KEY" which is not set'):
        dg.materialize([tts_model], resources=resources)

    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    result = dg.materialize([tts_model], resources=resources)
    assert result.output_for_node("tts_model") == "openai tts-1 sk-from-env"


@dg.asset
def trend_counts(trend_sources: TrendSourcesResource) -> dict[str, int]:
    return trend_sources.collect(["fitness"], NOW, max_results=500).counts


@respx.mock
def test_combined_sources_collect_inside_dagster_with_their_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    search = json.loads((TRENDS / "youtube_search.json").read_text())
    videos = json.loads((TRENDS / "youtube_videos.json").read_text())
    respx.get("https://www.googleapis.com/youtube/v3/search").respond(json=search)
    route = respx.get("https://www.googleapis.com/youtube/v3/videos").respond(json=videos)
    monkeypatch.setenv("YOUTUBE_API_KEY", "yt-from-env")
    sources = build_resources(Settings(trend_sources=["sample", "youtube"]))["trend_sources"]

    result = dg.materialize([trend_counts], resources={"trend_sources": sources})

    counts = result.output_for_node("trend_counts")
    assert list(counts) == ["sample", "youtube"] and counts["youtube"] == 3
    assert route.calls.last.request.url.params["key"] == "yt-from-env"


def test_no_trend_source_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no trend source chosen; set SHORTGEN_TREND_SOURCES"):
        build_resources(Settings(trend_sources=[]))
