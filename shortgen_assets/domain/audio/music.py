"""A music bed synthesized from a seed, for themes that bring no music file.

Four bars of a common pop/ambient progression played as a soft detuned pad, a bass note and a
plucked arpeggio, in a key, mode and tempo picked by the seed (the theme name), so every theme
has its own bed and the same theme always gets the same one. The four bars are rendered once,
with note tails wrapped around the loop point, and tiled: any length costs one loop's synthesis.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shortgen_assets.domain.scratch import temp_sibling

SAMPLE_RATE = 48_000
PROGRESSIONS = {  # scale degrees (0-based) of each bar's chord root
    "major": [(0, 4, 5, 3), (0, 5, 3, 4), (3, 0, 4, 5), (0, 3, 4, 3)],
    "minor": [(0, 5, 2, 6), (0, 3, 4, 0), (5, 6, 0, 0), (0, 6, 5, 6)],
}
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}


@dataclass(frozen=True)
class BedRecipe:
    """What the seed picked: readable in metadata and logs."""

    root_midi: int
    mode: str
    progression: tuple[int, ...]
    bpm: float

    @property
    def bar_seconds(self) -> float:
        return 4 * 60 / self.bpm


def recipe_for(seed: str) -> BedRecipe:
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    mode = str(rng.choice(["major", "minor"]))
    options = PROGRESSIONS[mode]
    progression = tuple(options[int(rng.integers(len(options)))])
    return BedRecipe(int(rng.integers(45, 53)), mode, progression, float(rng.integers(76, 104)))


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _chord(recipe: BedRecipe, degree: int) -> list[int]:
    """A diatonic seventh chord on `degree`, as MIDI notes one octave above the root key."""
    scale = SCALES[recipe.mode]
    notes = []
    for step in (0, 2, 4, 6):
        index = degree + step
        notes.append(recipe.root_midi + 12 + scale[index % 7] + 12 * (index // 7))
    return notes


def _tone(freq: float, t: np.ndarray, harmonics: int, detune_cents: float) -> np.ndarray:
    ratio = 2 ** (detune_cents / 1200)
    parts = [np.sin(2 * np.pi * freq * ratio * n * t) / n**1.6 for n in range(1, harmonics + 1)]
    return np.sum(parts, axis=0)


def _add_wrapped(loop: np.ndarray, start: int, signal: np.ndarray) -> None:
    """Mix `signal` into `loop` at `start`, wrapping the tail round to the loop's beginning."""
    size, at = loop.shape[0], start % loop.shape[0]
    while signal.shape[0]:
        chunk = signal[: size - at]
        loop[at : at + chunk.shape[0]] += chunk
        signal, at = signal[chunk.shape[0] :], 0


def _render_loop(recipe: BedRecipe, sample_rate: int) -> np.ndarray:
    bar = round(recipe.bar_seconds * sample_rate)
    loop = np.zeros((4 * bar, 2), dtype=np.float32)
    pad_len = bar + sample_rate // 2  # each chord rings half a second into the next bar
    t_pad = np.arange(pad_len, dtype=np.float32) / sample_rate
    pad_env = np.minimum(1.0, t_pad / 0.5) * np.clip((pad_len / sample_rate - t_pad) / 0.9, 0, 1)
    eighth = bar // 8
    t_pluck = np.arange(eighth * 2, dtype=np.float32) / sample_rate
    pluck_env = np.exp(-t_pluck / 0.18) * np.minimum(1.0, t_pluck / 0.004)
    for index, degree in enumerate(recipe.progression):
        notes, at = _chord(recipe, degree), index * bar
        for note in notes:
            for channel, cents in ((0, -5.0), (1, 5.0)):
                tone = _tone(_hz(note), t_pad, 3, cents) * pad_env * 0.09
                _add_wrapped(loop[:, channel], at, tone)
        bass = _tone(_hz(notes[0] - 12), t_pad, 2, 0.0) * pad_env * 0.22
        _add_wrapped(loop[:, 0], at, bass)
        _add_wrapped(loop[:, 1], at, bass)
        for step in range(8):
            note = notes[(0, 1, 2, 3, 2, 1, 2, 3)[step]] + 12
            pluck = _tone(_hz(note), t_pluck, 2, 0.0) * pluck_env * 0.07
            pan = 0.35 + 0.3 * (step % 2)
            _add_wrapped(loop[:, 0], at + step * eighth, pluck * (1 - pan))
            _add_wrapped(loop[:, 1], at + step * eighth, pluck * pan)
    return loop


def music_bed(seed: str, seconds: float, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Stereo float32 samples (frames x 2), peak <= 0.5, with a 1 s fade-in and 2 s fade-out."""
    loop = _render_loop(recipe_for(seed), sample_rate)
    loop *= 0.5 / (float(np.max(np.abs(loop))) or 1.0)
    frames = max(1, round(seconds * sample_rate))
    bed = np.empty((frames, 2), dtype=np.float32)
    for at in range(0, frames, loop.shape[0]):
        chunk = min(loop.shape[0], frames - at)
        bed[at : at + chunk] = loop[:chunk]
    fade_in = min(frames, sample_rate)
    bed[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)[:, None]
    fade_out = min(frames, 2 * sample_rate)
    bed[frames - fade_out :] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)[:, None]
    return bed


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write float32 samples (frames x channels) as an IEEE-float WAV, via a temp name."""
    path = Path(path)
    data = np.ascontiguousarray(samples, dtype="<f4")
    channels = 1 if data.ndim == 1 else data.shape[1]
    header = b"RIFF" + struct.pack("<I", 36 + data.nbytes) + b"WAVE" + b"fmt "
    header += struct.pack("<IHHII", 16, 3, channels, sample_rate, sample_rate * channels * 4)
    header += struct.pack("<HH", channels * 4, 32) + b"data" + struct.pack("<I", data.nbytes)
    temp = temp_sibling(path)
    with temp.open("wb") as out:
        out.write(header)
        out.write(memoryview(data).cast("B"))
    temp.replace(path)
    return path
