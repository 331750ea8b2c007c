"""Benchmark: Piper against espeak-ng on the same ~30 s narration, in one run.

For each engine, first its load, in this fresh process: Piper imports onnxruntime and builds the
ONNX session (with the in-memory patch that exposes alignments); espeak-ng loads its library and
speaks one word. Then the narration is rendered `--runs` times through the real TTS resources (WAV
written, timings and trimming included). Real-time factor = synthesis wall seconds / audio
seconds (median of the runs), with process CPU seconds beside it and the load average, since
other work on a shared host moves wall times.

    .venv/bin/python benchmarks/tts.py [--runs 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy  # noqa: F401  (imported up front so neither engine's import time includes it)

from shortgen_assets.domain.schemas import Voice

# About 30 s at the default theme's 165 words per minute.
NARRATION = [
    "Most people lose two hours a day to their phones.",
    "Tempo turns that time into focus.",
    "Set a 25-minute sprint, put the phone face down, and start.",
    "When the timer ends, take a short break and stretch.",
    "Four sprints later, you have done a whole morning of deep work.",
    "No guilt, no endless scrolling, just progress you can see.",
    "Students use it to study for exams, and remote workers use it to ship.",
    "Download Tempo today and start your first sprint.",
]
VOICE = Voice(piper_voice="en_US-joe-medium", words_per_minute=165)


@dataclass
class Engine:
    name: str
    import_seconds: float = 0.0
    load_seconds: float = 0.0
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    audio_seconds: float = 0.0
    spoken_wpm: int = 0

    def report(self) -> str:
        wall, cpu = statistics.median(self.walls), statistics.median(self.cpus)
        runs = ", ".join(f"{w:.2f}" for w in self.walls)
        return (
            f"{self.name:7s} import {self.import_seconds:4.2f} s, load {self.load_seconds:4.2f} s; "
            f"audio {self.audio_seconds:5.2f} s ({self.spoken_wpm} wpm); synthesis wall "
            f"{wall:5.2f} s (runs {runs}), CPU {cpu:5.2f} s; "
            f"RTF {wall / self.audio_seconds:.3f} wall, {cpu / self.audio_seconds:.3f} CPU"
        )


def timed(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """Result, wall seconds and process CPU seconds (all threads) of `step`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def first_use(engine: Engine, load: Callable[[Any], Any]) -> None:
    """Import the engine's domain module and load it: what a fresh step process pays once."""
    module, engine.import_seconds, _ = timed(
        lambda: importlib.import_module(f"shortgen_assets.domain.audio.{engine.name}")
    )
    _, engine.load_seconds, _ = timed(lambda: load(module))


def narrate(engine: Engine, tts: Any, runs: int, work: Path) -> None:
    """NARRATION through the real TTS resource `runs` times (WAV written, timings included)."""
    for run in range(runs):
        out = work / f"{engine.name}-{run}.wav"
        narration, wall, cpu = timed(lambda out=out: tts.synthesize(NARRATION, VOICE, out, 60))
        engine.walls.append(wall)
        engine.cpus.append(cpu)
        engine.audio_seconds = narration.duration_ms / 1000
        engine.spoken_wpm = narration.words_per_minute or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="shortgen-bench-tts-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    piper, espeak = Engine("piper"), Engine("espeak")
    # Both first uses before any resource import, which would import both engines.
    first_use(piper, lambda module: module.load_voice(VOICE.piper_voice))
    first_use(espeak, lambda module: module.speak("Ready."))
    from shortgen_assets.defs.resources.tts.espeak import EspeakTTS
    from shortgen_assets.defs.resources.tts.piper import PiperTTS

    narrate(piper, PiperTTS(), args.runs, work)
    narrate(espeak, EspeakTTS(), args.runs, work)
    load_after = os.getloadavg()
    print(
        f"{os.cpu_count()} cores, load average {load_before[0]:.2f} before, {load_after[0]:.2f} "
        f"after; {len(NARRATION)} sentences, {args.runs} runs each; WAVs in {work}"
    )
    print(piper.report())
    print(espeak.report())
    ratio = statistics.median(piper.walls) / statistics.median(espeak.walls)
    print(f"piper synthesis takes {ratio:.0f}x espeak's wall time for the same narration")


if __name__ == "__main__":
    main()
