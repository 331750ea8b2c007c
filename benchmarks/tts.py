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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    "It works offline, it is free, and it takes ten seconds to set up.",
    "Download Tempo today and start your first sprint.",
]
VOICE = Voice(piper_voice="en_US-joe-medium", words_per_minute=165)


@dataclass
class Engine:
    name: str
    import_seconds: float
    load_seconds: float
    walls: list[float]
    cpus: list[float]
    audio_seconds: float

    def report(self) -> str:
        wall, cpu = statistics.median(self.walls), statistics.median(self.cpus)
        return (
            f"{self.name:7s} import {self.import_seconds:5.2f} s  load {self.load_seconds:5.2f} s  "
            f"audio {self.audio_seconds:5.2f} s  synth wall {wall:5.2f} s (runs "
            f"{', '.join(f'{w:.2f}' for w in self.walls)})  cpu {cpu:5.2f} s  "
            f"RTF {wall / self.audio_seconds:.3f} wall, {cpu / self.audio_seconds:.3f} cpu"
        )


def timed(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """Result, wall seconds and process CPU seconds (all threads) of `step`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(name: str, vendor: str, load: Callable[[Any], Any], runs: int, work: Path) -> Engine:
    """Import and load `name` (first use in this process), then narrate NARRATION `runs` times."""
    domain, import_s, _ = timed(
        lambda: importlib.import_module(f"shortgen_assets.domain.audio.{name}")
    )
    _, load_s, _ = timed(lambda: load(domain))
    module = importlib.import_module(f"shortgen_assets.defs.resources.tts.{name}")
    tts = getattr(module, vendor)()
    walls, cpus, audio = [], [], 0.0
    for run in range(runs):
        out = work / f"{name}-{run}.wav"
        narration, wall, cpu = timed(lambda out=out: tts.synthesize(NARRATION, VOICE, out, 60))
        walls.append(wall)
        cpus.append(cpu)
        audio = narration.duration_ms / 1000
    return Engine(name, import_s, load_s, walls, cpus, audio)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="shortgen-bench-tts-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    piper = measure("piper", "PiperTTS", lambda m: m.load_voice(VOICE.piper_voice), args.runs, work)
    espeak = measure("espeak", "EspeakTTS", lambda m: m.speak("Ready."), args.runs, work)
    load_after = os.getloadavg()
    print(
        f"cores {os.cpu_count()}, load average before {load_before[0]:.2f}, after "
        f"{load_after[0]:.2f}; {len(NARRATION)} sentences, {args.runs} runs each; WAVs in {work}"
    )
    print(piper.report())
    print(espeak.report())
    ratio = statistics.median(piper.walls) / statistics.median(espeak.walls)
    print(f"piper synthesis takes {ratio:.1f}x espeak's wall time for the same narration")


if __name__ == "__main__":
    main()
