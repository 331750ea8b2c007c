from __future__ import annotations

from pathlib import Path

import numpy as np

from shortgen_assets.domain.audio.music import SAMPLE_RATE, music_bed, recipe_for, write_wav
from shortgen_assets.domain.media import probe


def test_the_same_theme_always_gets_the_same_bed() -> None:
    assert np.array_equal(music_bed("Acme Coffee", 3.0), music_bed("Acme Coffee", 3.0))
    other = music_bed("Zen Garden", 3.0)
    assert not np.array_equal(music_bed("Acme Coffee", 3.0), other)


def test_recipe_is_a_playable_key_and_tempo() -> None:
    recipe = recipe_for("Acme Coffee")
    assert recipe.mode in {"major", "minor"}
    assert 45 <= recipe.root_midi < 53 and 76 <= recipe.bpm < 104
    assert len(recipe.progression) == 4


def test_bed_has_the_requested_length_level_and_fades() -> None:
    bed = music_bed("Acme", 4.0)
    assert bed.shape == (4 * SAMPLE_RATE, 2) and bed.dtype == np.float32
    assert np.max(np.abs(bed)) <= 0.5 + 1e-6
    assert np.sqrt(np.mean(bed[SAMPLE_RATE : 2 * SAMPLE_RATE] ** 2)) > 0.03
    assert np.max(np.abs(bed[:100])) < 0.01  # fades in
    assert np.max(np.abs(bed[-100:])) < 0.01  # fades out


def test_bed_is_made_of_equal_tempered_notes() -> None:
    bed = music_bed("Acme", 6.0)[SAMPLE_RATE : 5 * SAMPLE_RATE, 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(bed * np.hanning(bed.size)))
    freqs = np.fft.rfftfreq(bed.size, 1 / SAMPLE_RATE)
    strongest = freqs[np.argsort(spectrum)[::-1]]
    peaks: list[float] = []
    for freq in strongest:
        if freq > 50 and all(abs(freq - p) > 3 for p in peaks):
            peaks.append(float(freq))
        if len(peaks) == 8:
            break
    for freq in peaks:
        semitones = 12 * np.log2(freq / 440.0)
        assert abs(semitones - round(semitones)) < 0.2, f"{freq:.1f} Hz is off the scale"


def test_long_beds_repeat_the_rendered_loop() -> None:
    recipe = recipe_for("Acme")
    loop = round(recipe.bar_seconds * SAMPLE_RATE) * 4
    bed = music_bed("Acme", 2 * loop / SAMPLE_RATE + 4)
    middle = slice(2 * SAMPLE_RATE, 3 * SAMPLE_RATE)
    shifted = slice(middle.start + loop, middle.stop + loop)
    assert np.allclose(bed[middle], bed[shifted], atol=1e-6)


def test_write_wav_produces_a_float_wav_ffmpeg_reads(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "bed.wav", music_bed("Acme", 1.5))
    info = probe(path)
    assert info.audio_codec == "pcm_f32le" and info.sample_rate == SAMPLE_RATE
    assert abs(info.duration - 1.5) < 0.01
    assert not list(tmp_path.glob(".*partial*"))
