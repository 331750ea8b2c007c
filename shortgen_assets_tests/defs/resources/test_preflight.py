"""Every API vendor's missing key is named before anything is queued."""

from __future__ import annotations

import pytest

from shortgen_assets.defs.resources.preflight import missing_credentials
from shortgen_assets.defs.resources.vendors import build_resources
from shortgen_assets.settings import Settings

CASES = [
    ({"llm_provider": "anthropic"}, "anthropic", "ANTHROPIC_API_KEY", "SHORTGEN_LLM_PROVIDER"),
    ({"tts_provider": "openai"}, "openai", "OPENAI_API_KEY", "SHORTGEN_TTS_PROVIDER"),
    ({"tts_provider": "elevenlabs"}, "elevenlabs", "ELEVENLABS_API_KEY", "SHORTGEN_TTS_PROVIDER"),
    ({"footage_provider": "pexels"}, "pexels", "PEXELS_API_KEY", "SHORTGEN_FOOTAGE_PROVIDER"),
    ({"footage_provider": "fal"}, "fal", "FAL_KEY", "SHORTGEN_FOOTAGE_PROVIDER"),
    (
        {"trend_sources": ["sample", "youtube"]},
        "youtube",
        "YOUTUBE_API_KEY",
        "SHORTGEN_TREND_SOURCES",
    ),
    ({"trend_sources": ["tiktok"]}, "tiktok", "APIFY_TOKEN", "SHORTGEN_TREND_SOURCES"),
    ({"publishers": ["youtube"]}, "youtube", "YOUTUBE_ACCESS_TOKEN", "SHORTGEN_PUBLISHERS"),
]


@pytest.mark.parametrize(("choice", "vendor", "variable", "setting"), CASES)
def test_a_chosen_vendor_without_its_key_is_named_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, choice: dict, vendor: str, variable: str, setting: str
) -> None:
    monkeypatch.delenv(variable, raising=False)
    [problem] = missing_credentials(build_resources(Settings(**choice)))
    assert problem.startswith(f"{vendor} needs {variable}: export it")
    assert problem.endswith(f"choose another vendor with {setting}")
    monkeypatch.setenv(variable, "a-key")
    assert missing_credentials(build_resources(Settings(**choice))) == []


def test_offline_defaults_need_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for _, _, variable, _ in CASES:
        monkeypatch.delenv(variable, raising=False)
    assert missing_credentials(build_resources(Settings())) == []


def test_a_blank_key_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "  ")
    assert len(missing_credentials(build_resources(Settings(llm_provider="anthropic")))) == 1
