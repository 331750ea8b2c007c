"""The requested length holds: plan + voiceover with the offline voice land within ±10%.

The video lasts exactly as long as its narration (the composition and the video check hold that),
so this measures the narration the default voice really speaks for each brief length.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
from shortgen_assets.domain.plan.checks import speech_units
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.schemas import Voice
from shortgen_assets_tests.domain.plan.test_planning import THEMES, make_report


@pytest.mark.parametrize("seconds", [10, 20, 30, 60, 90])
@pytest.mark.parametrize("words_per_minute", [140, 190])
def test_brief_length_holds_within_ten_percent(
    seconds: int, words_per_minute: int, tmp_path: Path
) -> None:
    theme = THEMES["default"].model_copy(
        update={"duration_seconds": seconds, "voice": Voice(words_per_minute=words_per_minute)}
    )
    plan = build_plan(theme, make_report(), job_id=seconds)
    assert 2.0 <= speech_units(plan.voiceover_script) / seconds <= 3.2

    narration = EspeakTTS().synthesize(
        plan.voiceover_sentences, theme.voice, tmp_path / "voice.wav", plan.duration_target
    )

    spoken = narration.duration_ms / 1000
    assert abs(spoken - seconds) <= 0.10 * seconds, f"{spoken:.2f} s for a {seconds} s brief"
    assert 2.0 <= len(plan.voiceover_script.split()) / spoken <= 3.2
