"""The requested length holds: plan + voiceover with the offline voice land within ±10%.

The video lasts exactly as long as its narration (the composition and the video check hold that),
so this measures the narration each offline voice (Piper, the default, and espeak-ng) really
speaks for each brief length, at a slow and a quick theme rate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shortgen_assets.defs.resources.tts import TTSResource
from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.defs.resources.tts.piper import PiperTTS
from shortgen_assets.domain.plan.checks import speech_units
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.schemas import Theme
from shortgen_assets_tests.domain.plan.test_planning import THEMES, make_report

VOICES = [  # Piper (the default) at the theme's rate; espeak-ng at a slow and a quick one
    pytest.param(PiperTTS(), 165, id="piper-165"),
    pytest.param(EspeakTTS(), 140, id="espeak-140"),
    pytest.param(EspeakTTS(), 190, id="espeak-190"),
]


@pytest.mark.parametrize("seconds", [10, 20, 30, 60, 90])
@pytest.mark.parametrize(("tts", "words_per_minute"), VOICES)
def test_brief_length_holds_within_ten_percent(
    seconds: int, tts: TTSResource, words_per_minute: int, tmp_path: Path
) -> None:
    brief = THEMES["default"].model_dump()
    brief["voice"] = {"words_per_minute": words_per_minute}  # the language's default voice
    theme = Theme.model_validate({**brief, "duration_seconds": seconds})
    plan = build_plan(theme, make_report(), job_id=seconds)
    assert 2.0 <= speech_units(plan.voiceover_script) / seconds <= 3.2

    narration = tts.synthesize(
        plan.voiceover_sentences, theme.voice, tmp_path / "voice.wav", plan.duration_target
    )

    assert narration.provider == tts.provider
    spoken = narration.duration_ms / 1000
    assert abs(spoken - seconds) <= 0.10 * seconds, f"{spoken:.2f} s for a {seconds} s brief"
    assert 2.0 <= len(plan.voiceover_script.split()) / spoken <= 3.2
