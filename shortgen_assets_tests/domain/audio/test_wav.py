import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from shortgen_assets.domain.audio.wav import (
    AudioDecodeError,
    audible_bounds,
    decode_audio,
    measure_level,
    read_wav,
    wav_duration_ms,
    write_wav,
)

RATE = 22050


def tone(seconds: float, amplitude: float = 0.5, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)


def test_wav_round_trip_is_mono_16_bit_and_leaves_no_temp_file(tmp_path: Path) -> None:
    samples = tone(0.5)
    path = write_wav(tmp_path / "voice" / "narration.wav", samples, RATE)

    with wave.open(str(path), "rb") as header:
        assert (header.getnchannels(), header.getsampwidth(), header.getframerate()) == (1, 2, RATE)
    back, rate = read_wav(path)
    assert rate == RATE and np.array_equal(back, samples)
    assert wav_duration_ms(path) == 500
    assert [p.name for p in path.parent.iterdir()] == ["narration.wav"]


def test_level_of_a_sine_and_of_silence() -> None:
    level = measure_level(tone(1.0, amplitude=1.0))
    assert level.rms_dbfs == pytest.approx(-3.01, abs=0.05)
    assert level.peak_dbfs == pytest.approx(0.0, abs=0.01)
    assert measure_level(np.zeros(RATE, dtype=np.int16)).rms_dbfs == -120.0
    assert measure_level(np.zeros(0, dtype=np.int16)).peak_dbfs == -120.0
    assert measure_level(tone(1.0, amplitude=0.1)).rms_dbfs == pytest.approx(-23.01, abs=0.05)


def test_audible_bounds_skip_silence_and_ignore_faint_noise() -> None:
    rng = np.random.default_rng(1)
    hiss = rng.normal(0, 3, RATE // 2).astype(np.int16)  # about -80 dBFS
    samples = np.concatenate([hiss, tone(1.0), hiss])

    first, last = audible_bounds(samples, RATE)
    assert abs(first - RATE // 2) <= RATE // 100
    assert abs(last - (RATE // 2 + RATE)) <= RATE // 100
    assert audible_bounds(hiss, RATE) is None


def test_decodes_mp3_to_mono_pcm_at_the_requested_rate(tmp_path: Path) -> None:
    mp3 = tmp_path / "tone.mp3"  # a seekable file, so the encoder writes its LAME gapless header
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:duration=1.5:sample_rate=44100",
            "-ac",
            "2",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "64k",
            str(mp3),
        ],
        check=True,
    )

    samples = decode_audio(mp3.read_bytes(), 24000)

    assert samples.dtype == np.int16
    assert abs(samples.size / 24000 - 1.5) < 0.005
    assert measure_level(samples).rms_dbfs > -25


def test_undecodable_bytes_raise_a_clear_error() -> None:
    with pytest.raises(AudioDecodeError, match="could not decode 11 bytes"):
        decode_audio(b"not an mp3!", 24000)
    with pytest.raises(AudioDecodeError, match="no audio bytes"):
        decode_audio(b"", 24000)
