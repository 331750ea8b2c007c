"""The video's audio: the voice at full level over a music bed ducked under speech, mastered.

Ducking is a gain envelope computed from the narration's word timings (not a compressor
reacting to the signal), so it is deterministic and verifiable: wherever a word is spoken the
music sits `duck_db` lower, with short ramps around speech. Mastering measures the mix with
ffmpeg's EBU R128 scanner, applies the gain that lands it on the target loudness and a lookahead
limiter under the true-peak ceiling, and re-measures until both hold. This all runs on audio
alone before the video encode, so the encode just takes the finished WAV.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shortgen_assets.domain.audio.music import music_bed, recipe_for, write_wav
from shortgen_assets.domain.media import (
    Loudness,
    MediaError,
    ffmpeg_exe,
    loudness_summary,
    measure_loudness,
    run_ffmpeg,
)
from shortgen_assets.domain.schemas import Narration, WordTiming
from shortgen_assets.domain.scratch import temp_sibling
from shortgen_assets.domain.standards import LUFS_TARGET

SAMPLE_RATE = 48_000
CEILING_DBTP = -3.0  # the master's true-peak ceiling, 2 dB under the platforms' -1 dBTP
LIMIT_DBFS = -3.5  # the limiter's first sample-peak ceiling, under the true-peak one


@dataclass(frozen=True)
class Soundtrack:
    path: Path
    duration_s: float
    loudness: Loudness
    gain_db: float
    duck_db: float
    music: str
    speech_spans: list[tuple[float, float]]


def decode_audio(
    path: str | Path,
    seconds: float,
    *,
    channels: int = 2,
    loop: bool = False,
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """Any audio file as float32 (frames x channels), cut or zero-padded to `seconds`."""
    frames = round(seconds * sample_rate)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    cmd += ["-stream_loop", "-1"] if loop else []
    cmd += ["-i", str(path), "-t", f"{seconds:.3f}", "-vn", "-ac", str(channels)]
    cmd += ["-ar", str(sample_rate), "-f", "f32le", "-"]
    samples = np.zeros((frames, channels), dtype=np.float32)
    buffer = memoryview(samples).cast("B")  # ffmpeg writes straight into the array: no copies
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        filled = 0
        while filled < len(buffer) and (count := proc.stdout.readinto(buffer[filled:])):
            filled += count
        proc.stdout.read()
        stderr = proc.stderr.read()
    if proc.returncode != 0:
        message = stderr.decode(errors="replace").strip()[-400:]
        raise MediaError(f"ffmpeg could not decode audio {path}: {message}")
    return samples


def speech_spans(words: Sequence[WordTiming], merge_gap_ms: int = 300) -> list[tuple[float, float]]:
    """(start, end) seconds of speech: word timings with short pauses between them merged."""
    spans: list[list[int]] = []
    for word in sorted(words, key=lambda w: w.start_ms):
        if spans and word.start_ms - spans[-1][1] <= merge_gap_ms:
            spans[-1][1] = max(spans[-1][1], word.end_ms)
        else:
            spans.append([word.start_ms, max(word.end_ms, word.start_ms)])
    return [(start / 1000, end / 1000) for start, end in spans]


def duck_gains(
    spans: Sequence[tuple[float, float]],
    frames: int,
    *,
    duck_db: float,
    sample_rate: int = SAMPLE_RATE,
    attack_s: float = 0.08,
    release_s: float = 0.3,
) -> np.ndarray:
    """Linear music gain per sample: 1 away from speech, -duck_db over it, ramps in between.

    Only the ramps allocate (a fraction of a second each); the rest is filled in place.
    """
    depth = np.zeros(frames, dtype=np.float32)
    for start, end in spans:
        attack_at, on_at = round((start - attack_s) * sample_rate), round(start * sample_rate)
        off_at, release_end = round(end * sample_rate), round((end + release_s) * sample_rate)
        _raise_to(depth, attack_at, np.linspace(0.0, 1.0, on_at - attack_at, endpoint=False))
        depth[max(0, on_at) : max(0, off_at)] = 1.0
        _raise_to(depth, off_at, np.linspace(1.0, 0.0, release_end - off_at, endpoint=False))
    depth *= np.float32(-duck_db / 20.0 * math.log(10.0))
    return np.exp(depth, out=depth)


def _raise_to(depth: np.ndarray, at: int, values: np.ndarray) -> None:
    """depth[at:at+len(values)] = max(depth, values), clipped to the array."""
    lo, hi = max(0, at), min(depth.size, at + values.size)
    if hi > lo:
        segment = depth[lo:hi]
        np.maximum(segment, values[lo - at : hi - at].astype(np.float32), out=segment)


def _rms_db(pieces: Sequence[np.ndarray]) -> float:
    """RMS level in dBFS over several sample arrays, without copying them."""
    energy = sum(float(np.vdot(p.ravel(), p.ravel())) for p in pieces)
    count = sum(p.size for p in pieces)
    rms = math.sqrt(energy / count) if count else 0.0
    return 20 * math.log10(rms) if rms > 1e-9 else -math.inf


def mix_tracks(
    voice: np.ndarray,
    music: np.ndarray,
    gains: np.ndarray,
    *,
    music_below_voice_db: float = 8.0,
    sample_rate: int = SAMPLE_RATE,
    spans: Sequence[tuple[float, float]] = (),
) -> np.ndarray:
    """Mono voice on both channels plus music set `music_below_voice_db` under the speech level
    and ducked by `gains`. Works in place on `music` (returned) to keep memory flat."""
    speech = [voice[round(a * sample_rate) : round(b * sample_rate)] for a, b in spans]
    voice_db = _rms_db(speech if speech else [voice])
    music_db = _rms_db([music])
    if math.isinf(music_db):
        music[:] = 0.0
    else:
        level_db = (voice_db if not math.isinf(voice_db) else -12.0) - music_below_voice_db
        music *= np.float32(10 ** ((level_db - music_db) / 20))
        music *= gains[:, None]
    music += voice.reshape(-1, 1)
    return music


def master(
    mix_wav: Path,
    out_wav: Path,
    *,
    target_lufs: float = LUFS_TARGET,
    ceiling_dbtp: float = CEILING_DBTP,
) -> tuple[Loudness, float]:
    """Gain + limiter until the file measures target +-0.3 LU under the true-peak ceiling.

    The ceiling sits 2 dB under the -1 dBTP the platforms ask for: AAC encoding of short speech
    raised true peaks by up to 1.1 dB in tests. When the limiter cannot hold both, a linear trim
    after it keeps the ceiling and gives up a little level (the delivery check allows +-1 LU).
    """
    measured = measure_loudness(mix_wav)
    if measured.integrated_lufs < -60:
        raise MediaError(f"the soundtrack {mix_wav} is silent: no voice or music to master")
    gain = target_lufs - measured.integrated_lufs
    limit = LIMIT_DBFS
    temp = temp_sibling(out_wav)
    tried: list[tuple[float, float]] = []  # (gain, loudness) of earlier passes at this limit
    for _ in range(4):
        measured = _master_pass(mix_wav, temp, gain, limit)
        off = target_lufs - measured.integrated_lufs
        peak_excess = measured.true_peak_dbtp - ceiling_dbtp
        if abs(off) <= 0.3 and peak_excess <= 0:
            break
        if peak_excess > 0:  # a new ceiling: earlier passes say nothing about its slope
            limit -= peak_excess + 0.1
            tried = []
        else:
            tried.append((gain, measured.integrated_lufs))
        gain += off / _loudness_per_db(tried)
    if measured.true_peak_dbtp > ceiling_dbtp:
        trim = ceiling_dbtp - measured.true_peak_dbtp - 0.1
        measured = _master_pass(mix_wav, temp, gain, limit, trim_db=trim)
    temp.replace(out_wav)
    return measured, gain


def _loudness_per_db(tried: list[tuple[float, float]]) -> float:
    """How much the master's loudness moved per dB of gain over the last two passes (the
    limiter eats part of every raise, so 1.0 converges in four passes where this takes two)."""
    if len(tried) < 2:
        return 1.0
    (g0, l0), (g1, l1) = tried[-2:]
    slope = (l1 - l0) / (g1 - g0) if abs(g1 - g0) > 1e-6 else 1.0
    return min(1.0, max(0.25, slope))


def _master_pass(
    mix_wav: Path, out_wav: Path, gain_db: float, limit_dbfs: float, trim_db: float = 0.0
) -> Loudness:
    """One gain + limiter pass to `out_wav`, measured by the same ffmpeg run (the scanner sees
    exactly the float samples written)."""
    limiter = f"alimiter=limit={10 ** (limit_dbfs / 20):.4f}:level=0:latency=1:attack=5:release=80"
    chain = f"volume={gain_db:.3f}dB,{limiter},volume={trim_db:.3f}dB,ebur128=peak=true"
    args = ["-i", str(mix_wav), "-af", chain, "-c:a", "pcm_f32le"]
    stderr = run_ffmpeg([*args, str(out_wav)], what=f"mastering the soundtrack {mix_wav}").stderr
    return loudness_summary(stderr, out_wav)


def build_soundtrack(
    narration: Narration,
    seconds: float,
    out_wav: Path,
    *,
    music_path: str | None,
    music_seed: str,
    duck_db: float = 15.0,
    target_lufs: float = LUFS_TARGET,
) -> Soundtrack:
    """Decode, duck, mix and master the narration with its music into `out_wav` (48 kHz stereo)."""
    mix_wav = out_wav.with_name(f"{out_wav.stem}.mix.wav")
    source, spans = _write_mix(narration, seconds, mix_wav, music_path, music_seed, duck_db)
    loudness, gain = master(mix_wav, out_wav, target_lufs=target_lufs)
    mix_wav.unlink(missing_ok=True)
    return Soundtrack(out_wav, seconds, loudness, gain, duck_db, source, spans)


def _write_mix(
    narration: Narration,
    seconds: float,
    mix_wav: Path,
    music_path: str | None,
    music_seed: str,
    duck_db: float,
) -> tuple[str, list[tuple[float, float]]]:
    """The unmastered mix as a float WAV; the sample arrays are freed when this returns."""
    frames = round(seconds * SAMPLE_RATE)
    voice = decode_audio(narration.audio_path, seconds, channels=1)
    if music_path:
        music, source = decode_audio(music_path, seconds, loop=True), f"file:{music_path}"
    else:
        recipe = recipe_for(music_seed)
        music = music_bed(music_seed, seconds)[:frames]
        source = (
            f"generated:{music_seed} ({recipe.mode}, root {recipe.root_midi}, {recipe.bpm:g} bpm)"
        )
    spans = speech_spans(narration.words)
    gains = duck_gains(spans, frames, duck_db=duck_db)
    write_wav(mix_wav, mix_tracks(voice, music, gains, spans=spans))
    return source, spans
