"""PiperTTS: neural narration timed by the model, its voice controls, espeak for other languages."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.tts.piper import PiperTTS
from shortgen_assets.domain.audio.wav import measure_level, read_wav
from shortgen_assets.domain.schemas import Voice
from shortgen_assets_tests.defs.resources.test_tts import SCRIPT, assert_consistent

JOE = Voice(piper_voice="en_US-joe-medium")
LONG_SCRIPT = [
    "Our lamp fills the room with warm light that slowly brightens before your alarm rings.",
    "Sleep scientists say gradual light helps your body wake up calmer and more alert.",
    "Set it once from your phone and forget about harsh buzzers forever.",
]


def test_piper_narration_is_real_speech_with_timings_from_the_model(tmp_path: Path) -> None:
    out = tmp_path / "voiceover.wav"
    tts = PiperTTS()
    narration = tts.synthesize(SCRIPT, JOE, out, target_seconds=12)

    assert (narration.provider, narration.voice, narration.cost_usd) == (
        "piper",
        "en_US-joe-medium",
        0.0,
    )
    assert narration.sample_rate == 22050 and 3000 < narration.duration_ms < 9000
    with wave.open(str(out), "rb") as header:
        assert (header.getnchannels(), header.getsampwidth()) == (1, 2)
    assert measure_level(read_wav(out)[0]).rms_dbfs > -30
    assert_consistent(narration, SCRIPT)
    usage = tts.usage(narration)
    assert (usage.provider, usage.model, usage.cost_usd) == ("piper", "piper-tts", 0.0)
    assert not [p for p in tmp_path.iterdir() if p.name != "voiceover.wav"]


def test_speaking_rate_sets_the_length_scale(tmp_path: Path) -> None:
    slow = PiperTTS().synthesize(
        SCRIPT, JOE.model_copy(update={"words_per_minute": 120}), tmp_path / "slow.wav", 60
    )
    fast = PiperTTS().synthesize(
        SCRIPT, JOE.model_copy(update={"words_per_minute": 240}), tmp_path / "fast.wav", 60
    )

    assert fast.duration_ms < slow.duration_ms * 0.65
    assert fast.words_per_minute > slow.words_per_minute * 1.5


def test_overrunning_narration_is_retaken_at_a_shorter_length_scale(tmp_path: Path) -> None:
    tts = PiperTTS()
    relaxed = tts.synthesize(LONG_SCRIPT, JOE, tmp_path / "relaxed.wav", target_seconds=60)
    target = relaxed.duration_ms / 1000 / 1.6

    fitted = tts.synthesize(LONG_SCRIPT, JOE, tmp_path / "fitted.wav", target_seconds=target)

    assert fitted.duration_ms <= target * 1000 * 1.15
    assert fitted.words_per_minute > relaxed.words_per_minute * 1.3
    one_take = sum(len(s) for s in LONG_SCRIPT)  # the first take starts at the predicted speed,
    assert fitted.characters % one_take == 0  # so it may fit at once; every take is counted
    assert_consistent(fitted, LONG_SCRIPT)


def test_a_script_short_of_its_target_is_slowed_from_the_first_take(tmp_path: Path) -> None:
    """The default demo's case: 74 words at 165 wpm predict 27 s for a 30 s video. The first
    take is already at the slower rate, so the fit needs no second synthesis."""
    script = [
        "Here is how Tempo Focus Timer makes it easy.",
        "Tempo blocks distracting apps only while a sprint is running.",
        "Deep work in 25-minute sprints, without the guilt.",
        "Maya finished her thesis draft in three weeks using four sprints a day.",
        "A visible timer turns a vague to-do list into one clear next step.",
        "Streaks and a weekly focus score show your progress at a glance.",
        "Download Tempo free and start your first sprint today.",
    ]
    narration = PiperTTS().synthesize(script, JOE, tmp_path / "v.wav", target_seconds=30)

    assert narration.characters == sum(len(s) for s in script)  # one take
    assert abs(narration.duration_ms / 1000 - 30) <= 30 * 0.05
    assert narration.words_per_minute < JOE.words_per_minute * 0.95
    assert_consistent(narration, script)


def test_a_language_without_a_piper_voice_is_narrated_by_espeak(tmp_path: Path) -> None:
    sentences = ["Voici la lampe Aurora.", "Elle vous réveille en douceur."]
    tts = PiperTTS()
    narration = tts.synthesize(sentences, Voice(name="fr"), tmp_path / "fr.wav", 10)

    assert (narration.provider, narration.voice) == ("espeak", "fr")
    assert tts.usage(narration).model == "espeak-ng"
    assert_consistent(narration, sentences)


def test_unspeakable_narration_is_refused_as_silent(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match=r"piper: the narration is silent \(RMS -120"):
        PiperTTS().synthesize(["...", "—"], JOE, tmp_path / "v.wav", target_seconds=5)
    assert not (tmp_path / "v.wav").exists()


def test_a_voice_that_is_not_installed_fails_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="piper: no Piper voice 'en_US-amy-low' is installed"):
        PiperTTS().synthesize(["Hello."], Voice(piper_voice="en_US-amy-low"), tmp_path / "v.wav", 5)
    assert not (tmp_path / "v.wav").exists()
