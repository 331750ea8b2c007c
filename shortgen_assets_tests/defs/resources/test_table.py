"""The vendor table: settings choose one class per capability; secrets come from the environment."""

from __future__ import annotations

import dagster as dg
import pytest

from shortgen_assets.defs.resources import build_resources
from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.elevenlabs import ElevenLabsTTS
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.defs.resources.tts.openai import OpenAITTS
from shortgen_assets.defs.resources.tts.piper import PiperTTS
from shortgen_assets.settings import Settings


@dg.asset
def tts_model(tts: TTSResource) -> str:
    return f"{tts.provider} {tts.tts_model} {getattr(tts, 'api_key', '')}"


@pytest.mark.parametrize(
    ("choice", "vendor"),
    [
        ("piper", PiperTTS),
        ("espeak", EspeakTTS),
        ("openai", OpenAITTS),
        ("elevenlabs", ElevenLabsTTS),
    ],
)
def test_settings_choose_the_tts_vendor(choice: str, vendor: type) -> None:
    tts = build_resources(Settings(tts_provider=choice))["tts"]
    assert type(tts) is vendor and tts.provider == choice


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
