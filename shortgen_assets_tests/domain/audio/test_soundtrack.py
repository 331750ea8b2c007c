from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from shortgen_assets.domain.audio.music import music_bed, write_wav
from shortgen_assets.domain.audio.soundtrack import (
    SAMPLE_RATE,
    build_soundtrack,
    decode_audio,
    duck_gains,
    master,
    mix_tracks,
    speech_spans,
)
from shortgen_assets.domain.media import measure_loudness, probe, run_ffmpeg
from shortgen_assets.domain.schemas import Narration, SentenceTiming, WordTiming

VOICE_RATE = 22_050


def speechlike_narration(
    path: Path, sentences: list[list[str]], seconds: float, *, silent: bool = False
) -> Narration:
    """A voice-like buzz (gliding harmonics) per word, with its exact word timings."""
    samples = np.zeros(round(seconds * VOICE_RATE), dtype=np.float32)
    count = sum(len(s) for s in sentences)
    slot = (seconds * 1000 - 300 * (len(sentences) + 1)) / count
    cursor, timed = 300.0, []
    for words in sentences:
        spoken = []
        for word in words:
            start, end = round(cursor), round(cursor + slot * 0.8)
            a, b = start * VOICE_RATE // 1000, end * VOICE_RATE // 1000
            t = np.arange(b - a) / VOICE_RATE
            phase = 2 * np.pi * np.cumsum(140 + 35 * np.sin(2 * np.pi * 3 * t)) / VOICE_RATE
            buzz = sum(np.sin(k * phase) / k for k in range(1, 12)) * np.hanning(b - a)
            samples[a:b] = 0.0 if silent else 0.3 * buzz
            spoken.append(WordTiming(text=word, start_ms=start, end_ms=end))
            cursor += slot
        timed.append(
            SentenceTiming(
                text=" ".join(words),
                start_ms=spoken[0].start_ms,
                end_ms=spoken[-1].end_ms,
                words=spoken,
            )
        )
        cursor += 300
    write_wav(path, samples, VOICE_RATE)
    return Narration(
        audio_path=str(path),
        duration_ms=round(seconds * 1000),
        sample_rate=VOICE_RATE,
        sentences=timed,
        provider="test",
        voice="buzz",
        characters=sum(len(w) + 1 for s in sentences for w in s),
    )


def _db(samples: np.ndarray) -> float:
    return 20 * math.log10(float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) + 1e-12)


def test_speech_spans_merge_short_pauses() -> None:
    words = [
        WordTiming(text="a", start_ms=100, end_ms=300),
        WordTiming(text="b", start_ms=450, end_ms=700),
        WordTiming(text="c", start_ms=1500, end_ms=1800),
    ]
    assert speech_spans(words) == [(0.1, 0.7), (1.5, 1.8)]


def test_music_gain_is_ducked_over_speech_and_restored_after() -> None:
    gains = duck_gains([(1.0, 2.0)], 4 * SAMPLE_RATE, duck_db=15.0)
    in_db = 20 * np.log10(gains)
    assert np.allclose(in_db[SAMPLE_RATE : 2 * SAMPLE_RATE], -15.0, atol=1e-3)
    assert np.allclose(in_db[: int(0.9 * SAMPLE_RATE)], 0.0)
    assert np.allclose(in_db[int(2.31 * SAMPLE_RATE) :], 0.0)
    ramp = in_db[int(0.92 * SAMPLE_RATE) : SAMPLE_RATE]
    assert np.all(np.diff(ramp) <= 1e-6) and ramp[0] > -15.0


def test_mixed_music_sits_at_least_12_db_lower_under_speech() -> None:
    frames = 4 * SAMPLE_RATE
    voice = np.zeros(frames, dtype=np.float32)
    voice[SAMPLE_RATE : 2 * SAMPLE_RATE] = 0.2 * np.sin(np.arange(SAMPLE_RATE) * 0.05)
    music = music_bed("Acme", 4.0)
    spans = [(1.0, 2.0)]
    gains = duck_gains(spans, frames, duck_db=15.0)
    mixed = mix_tracks(voice, music.copy(), gains, spans=spans)
    music_part = mixed - voice[:, None]
    speech = slice(int(1.2 * SAMPLE_RATE), int(1.8 * SAMPLE_RATE))
    clear = slice(int(2.5 * SAMPLE_RATE), int(3.1 * SAMPLE_RATE))
    under_speech = _db(music_part[speech]) - _db(music[speech])  # gain applied to the music
    in_the_clear = _db(music_part[clear]) - _db(music[clear])
    assert in_the_clear - under_speech >= 12.0
    assert _db(music_part[clear]) < _db(voice[SAMPLE_RATE : 2 * SAMPLE_RATE])  # a bed, not a lead


def test_decode_audio_resamples_and_pads(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "tone.wav", np.full(VOICE_RATE, 0.25, dtype=np.float32), VOICE_RATE)
    decoded = decode_audio(path, 2.0, channels=1)
    assert decoded.shape == (2 * SAMPLE_RATE, 1)
    assert abs(float(decoded[SAMPLE_RATE // 2, 0]) - 0.25) < 0.01
    assert float(np.max(np.abs(decoded[SAMPLE_RATE + 1000 :]))) == 0.0


def test_master_lands_on_the_loudness_target_under_the_peak_ceiling(tmp_path: Path) -> None:
    t = np.arange(3 * SAMPLE_RATE) / SAMPLE_RATE
    quiet = (0.05 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 2 * t))).astype(
        np.float32
    )
    mix = write_wav(tmp_path / "mix.wav", np.stack([quiet, quiet], axis=1))
    out = tmp_path / "master.wav"
    loudness, gain = master(mix, out, target_lufs=-14.0)
    measured = measure_loudness(out)
    assert abs(measured.integrated_lufs + 14.0) <= 0.3
    assert measured.true_peak_dbtp <= -3.0
    assert gain > 5  # it really had to be raised
    assert loudness == measured


def test_master_keeps_the_ceiling_when_the_limiter_cannot_hold_the_level(tmp_path: Path) -> None:
    """Sparse full-scale clicks over a quiet bed: the peak ceiling wins, the level stays within
    the delivery check's 1 LU, and the AAC encode of the result stays under -1 dBTP."""
    rng = np.random.default_rng(7)
    t = np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE
    bed = 0.02 * np.sin(2 * np.pi * 180 * t)
    clicks = np.zeros_like(bed)
    clicks[rng.choice(bed.size, 40, replace=False)] = rng.choice([-1.0, 1.0], 40)
    signal = (bed + clicks).astype(np.float32)
    mix = write_wav(tmp_path / "mix.wav", np.stack([signal, signal], axis=1))
    out = tmp_path / "master.wav"
    loudness, _ = master(mix, out, target_lufs=-14.0)
    assert loudness.true_peak_dbtp <= -3.0
    assert abs(loudness.integrated_lufs + 14.0) <= 1.0
    encoded = tmp_path / "master.m4a"
    run_ffmpeg(
        ["-i", str(out), "-c:a", "aac", "-b:a", "192k", "-ar", "48000", str(encoded)], what="aac"
    )
    assert measure_loudness(encoded).true_peak_dbtp <= -1.0


def test_soundtrack_with_a_music_file_is_mastered(tmp_path: Path) -> None:
    narration = speechlike_narration(tmp_path / "voice.wav", [["one", "two", "three"]], 3.0)
    music = write_wav(tmp_path / "song.wav", music_bed("song", 1.2))  # shorter: gets looped
    track = build_soundtrack(
        narration, 3.0, tmp_path / "soundtrack.wav", music_path=str(music), music_seed="x"
    )
    info = probe(track.path)
    assert info.sample_rate == SAMPLE_RATE and abs(info.duration - 3.0) < 0.01
    assert track.music == f"file:{music}"
    assert abs(track.loudness.integrated_lufs + 14.0) <= 0.3
    assert track.loudness.true_peak_dbtp <= -3.0
    assert not (tmp_path / "soundtrack.mix.wav").exists()
