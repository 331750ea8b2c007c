"""Mono 16-bit PCM helpers: write and read WAV, measure level, find speech, decode provider audio.

Narration is kept as int16 numpy arrays between steps because every timing is a sample offset;
only the final file is written (to a temporary name, then renamed). Provider audio (mp3, wav with
streaming headers) is decoded by the ffmpeg binary from imageio-ffmpeg, so no apt package is needed.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from shortgen_assets.domain.scratch import scratch_dir

FULL_SCALE = 32768.0
SILENCE_DBFS = -120.0


class AudioDecodeError(RuntimeError):
    """ffmpeg could not turn the bytes into audio."""


@dataclass(frozen=True)
class AudioLevel:
    rms_dbfs: float
    peak_dbfs: float


def to_dbfs(amplitude: float) -> float:
    """Amplitude (0..1 of full scale) in dB relative to full scale, floored at -120 dBFS."""
    if amplitude <= 1e-6:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, float(20.0 * np.log10(amplitude)))


def measure_level(samples: np.ndarray) -> AudioLevel:
    """RMS and peak of int16 samples in dBFS; empty audio counts as silence."""
    if samples.size == 0:
        return AudioLevel(SILENCE_DBFS, SILENCE_DBFS)
    values = samples.astype(np.float64) / FULL_SCALE
    return AudioLevel(
        rms_dbfs=to_dbfs(float(np.sqrt(np.mean(values**2)))),
        peak_dbfs=to_dbfs(float(np.max(np.abs(values)))),
    )


def audible_bounds(
    samples: np.ndarray, sample_rate: int, threshold_dbfs: float = -45.0, window_ms: int = 10
) -> tuple[int, int] | None:
    """First and one-past-last sample of the windows louder than `threshold_dbfs`, or None.

    Windowed RMS rather than single samples, so a click or dither does not count as speech.
    """
    window = max(1, sample_rate * window_ms // 1000)
    count = samples.size // window
    if count == 0:
        return None
    frames = samples[: count * window].astype(np.float64).reshape(count, window) / FULL_SCALE
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = np.nonzero(rms > 10 ** (threshold_dbfs / 20.0))[0]
    if loud.size == 0:
        return None
    return int(loud[0] * window), int(min(samples.size, (loud[-1] + 1) * window))


def samples_to_ms(count: int, sample_rate: int) -> int:
    return round(count * 1000 / sample_rate)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> Path:
    """Write mono 16-bit PCM; the file appears under `path` only once it is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".wav", dir=path.parent)
    os.close(handle)
    try:
        with wave.open(temp_name, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples (int16, channels averaged to mono) and sample rate of a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as source:
        if source.getsampwidth() != 2:
            raise ValueError(f"{path} is not 16-bit PCM; convert it with decode_audio first")
        channels = source.getnchannels()
        rate = source.getframerate()
        data = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data.astype(np.int16), rate


def wav_duration_ms(path: Path) -> int:
    with wave.open(str(path), "rb") as source:
        return samples_to_ms(source.getnframes(), source.getframerate())


def decode_audio(data: bytes, sample_rate: int, timeout: float = 120.0) -> np.ndarray:
    """Decode any audio ffmpeg reads (mp3, wav, ogg, ...) to mono int16 at `sample_rate`.

    When an mp3 carries a LAME header, ffmpeg drops the encoder delay and padding, so sample 0 is
    the first sample the provider meant; without one, audio lags by the ~25 ms encoder delay.
    """
    if not data:
        raise AudioDecodeError("no audio bytes to decode")
    # A seekable file, not a pipe: ffmpeg trims mp3 end padding only when it can seek.
    with scratch_dir("decode") as folder:
        source = folder / "provider-audio"
        source.write_bytes(data)
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            str(source),
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "pipe:1",
        ]
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()[-300:]
        raise AudioDecodeError(f"ffmpeg could not decode {len(data)} bytes of audio: {message}")
    return np.frombuffer(result.stdout, dtype="<i2").astype(np.int16)
