"""Piper: real neural speech whose word and sentence timings come from the model's alignments.

The alignment is checked against the audio itself: between sentences the model makes a pause that
is found in the waveform (RMS over 10 ms windows), independently of the timings under test.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from shortgen_assets.domain.audio import piper
from shortgen_assets.domain.audio.narration_timing import Take, trim_take
from shortgen_assets.domain.audio.piper_voices import PIPER_VOICES, piper_voice_for
from shortgen_assets.domain.audio.spoken import spoken_tokens
from shortgen_assets.domain.audio.wav import FULL_SCALE, measure_level, samples_to_ms

JOE = "en_US-joe-medium"
SCRIPT = [
    "Most people lose two hours a day to their phones.",
    "Tempo turns that time into focus.",
    "Set a sprint and put the phone face down.",
    "Four sprints later you have done a morning of deep work.",
    "Download Tempo free and start today.",
]
WINDOW_MS = 10
SILENCE_DBFS = -50.0
PAUSE_MS = 100  # shorter quiet spans are stop closures inside words, not pauses
TOLERANCE_MS = 50


def silences(take: Take) -> list[tuple[int, int]]:
    """(start ms, end ms) of each run of 10 ms windows quieter than SILENCE_DBFS, >= PAUSE_MS."""
    window = take.sample_rate * WINDOW_MS // 1000
    count = take.samples.size // window
    frames = take.samples[: count * window].astype(np.float64).reshape(count, window) / FULL_SCALE
    quiet = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-12) < SILENCE_DBFS
    runs, index = [], 0
    for is_quiet, group in itertools.groupby(quiet):
        length = len(list(group))
        if is_quiet and length * WINDOW_MS >= PAUSE_MS:
            runs.append((index * WINDOW_MS, (index + length) * WINDOW_MS))
        index += length
    return runs


def near(ms: int, span: tuple[int, int]) -> bool:
    return span[0] - TOLERANCE_MS <= ms <= span[1] + TOLERANCE_MS


def test_sentence_ends_fall_on_the_pauses_found_in_the_waveform() -> None:
    take = trim_take(piper.narrate(SCRIPT, JOE, 165))
    pauses = silences(take)

    assert [s.text for s in take.sentences] == SCRIPT
    for before, after in itertools.pairwise(take.sentences):
        matching = [p for p in pauses if near(before.end_ms, p) and near(after.start_ms, p)]
        assert matching, (before.text, before.end_ms, after.start_ms, pauses)


def test_word_timings_are_monotonic_inside_the_audio_and_keep_on_screen_tokens() -> None:
    sentences = ["Meet AquaPulse, the bottle that tracks every sip 24/7.", "Try it today!"]
    take = trim_take(piper.narrate(sentences, JOE, 165))
    duration_ms = samples_to_ms(take.samples.size, take.sample_rate)
    words = [w for s in take.sentences for w in s.words]

    assert [w.text for w in words] == " ".join(sentences).split()
    assert all(w.start_ms < w.end_ms for w in words)
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(words))
    assert 0 <= words[0].start_ms < 150 and words[-1].end_ms <= duration_ms
    spans = {w.text: w.end_ms - w.start_ms for w in words}
    # "24/7" is spoken "twenty-four seven", "AquaPulse" as two words: each one on-screen span.
    assert spans["24/7."] > 800 and spans["AquaPulse,"] > 800
    assert measure_level(take.samples).peak_dbfs == pytest.approx(-0.9, abs=0.2)


def test_prices_units_and_24_7_are_said_as_a_narrator_says_them() -> None:
    """The on-screen tokens stay; the voice says the words a person would, and nothing else."""
    shown = "It costs $1,499, rides 80 km and guards it 24/7."
    written_out = "It costs 1,499 dollars, rides 80 kilometres and guards it twenty-four seven."
    voice = piper.load_voice(JOE)
    said = piper.phonemize_words(voice, spoken_tokens(shown.split()))
    written = piper.phonemize_words(voice, written_out.split())

    def sounds(words: list[list[str]]) -> str:  # the phonemes, without the breaks between words
        return "".join(p for word in words for p in word if p != " ")

    assert sounds(said) == sounds(written)
    take = trim_take(piper.narrate([shown], JOE, 165))
    assert [w.text for s in take.sentences for w in s.words] == shown.split()


def test_the_themes_respellings_are_what_the_voice_says_for_a_brand_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = "Nike and Xiaomi ship UX updates for $5."
    say_as = {"nike": "Ny-kee", "Xiaomi": "Shau-mee", "UX": "U X"}
    respelled = ["Ny-kee", "and", "Shau-mee", "ship", "U X", "updates", "for", "5 dollars."]
    voice = piper.load_voice(JOE)
    assert piper.phonemize_words(voice, respelled) != piper.phonemize_words(voice, shown.split())
    phonemized: list[list[str]] = []

    def phonemize(voice: piper.PiperVoice, words: list[str]) -> list[list[str]]:
        phonemized.append(words)  # what the model is about to say, then the real phonemizer
        return real_phonemize(voice, words)

    real_phonemize = piper.phonemize_words
    monkeypatch.setattr(piper, "phonemize_words", phonemize)
    take = trim_take(piper.narrate([shown], JOE, 165, say_as))

    assert phonemized == [respelled]
    assert [w.text for s in take.sentences for w in s.words] == shown.split()


@pytest.mark.parametrize("words_per_minute", [120, 240])
def test_speaking_rate_sets_the_length_scale_that_reaches_it(words_per_minute: int) -> None:
    take = trim_take(piper.narrate(SCRIPT, JOE, words_per_minute))
    words = sum(len(s.split()) for s in SCRIPT)

    spoken_rate = words * 60 * take.sample_rate / take.samples.size
    assert spoken_rate == pytest.approx(words_per_minute, rel=0.1)


def test_rate_is_clamped_to_the_length_scales_piper_supports() -> None:
    slowest, fastest = piper.rate_range(JOE)

    assert piper.length_scale(JOE, slowest / 2) == piper.LENGTH_SCALE_MAX
    assert piper.length_scale(JOE, fastest * 2) == piper.LENGTH_SCALE_MIN
    assert piper.length_scale(JOE, 186) == pytest.approx(1.0, abs=0.01)
    assert 80 < slowest < 100 and 280 < fastest < 320


def test_voice_loads_once_per_process_from_the_installed_wheel() -> None:
    assert piper.load_voice(JOE) is piper.load_voice(JOE)
    assert PIPER_VOICES[JOE].model_path.is_file() and PIPER_VOICES[JOE].config_path.is_file()


def test_unknown_voice_is_refused_with_the_installed_ones() -> None:
    with pytest.raises(piper.PiperError, match=r"no Piper voice 'en_US-amy-low'.*en_US-joe-medium"):
        piper.load_voice("en_US-amy-low")


@pytest.mark.parametrize(
    ("language", "voice"), [("en", JOE), ("en-GB", JOE), ("en_US", JOE), ("fr", None), ("de", None)]
)
def test_piper_voice_is_chosen_by_the_primary_language(language: str, voice: str | None) -> None:
    assert piper_voice_for(language) == voice
