"""Benchmark: the whole `shortgen demo` against the encode floor of its own output, in one run.

1. `shortgen demo` on the default theme (30 s, 1080x1920, Piper narration, every offline
   provider) as a child process with a fresh SHORTGEN_HOME: wall time and CPU time (its own and
   its reaped children's: ffmpeg, the renders).
2. The floor: the demo's output video decoded and encoded once more with the composer's settings
   (libx264 medium CRF 23, yuv420p, AAC 192k 48 kHz stereo, +faststart): the one encode any
   pipeline producing that video cannot avoid. Decoding adds a little to the floor.

Target (issue 15): the demo within 1.3x the floor. Alternate `--runs` so load changes hit both.

`--breakdown` runs every ffmpeg call of the demo through benchmarks/ffmpeg_meter.py and splits the
demo's CPU time into the composition's one encode, the footage clips, the other ffmpeg calls
(mastering, thumbnail, checks) and the rest, spent in the process itself (Piper, the trend
analysis, Dagster, captions, ffprobe); the meter's own CPU time is taken out of every CPU figure
(its start-up, about 30 ms a call, stays in the wall time).

    .venv/bin/python benchmarks/demo.py [--runs 1] [--work DIR] [--theme FILE] [--breakdown]
    SHORTGEN_VIDEO_WIDTH=270 SHORTGEN_VIDEO_HEIGHT=480 .venv/bin/python benchmarks/demo.py  # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shortgen_assets.domain.media import ffmpeg_exe, probe

PROJECT = Path(__file__).resolve().parent.parent


def measured(cmd: list[str], logs: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds of the child and its reaped children; output under `logs`."""
    with open(f"{logs}.out", "w") as out, open(f"{logs}.err", "w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=PROJECT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed: {Path(f'{logs}.err').read_text()[-800:]}")
    return wall, usage.ru_utime + usage.ru_stime


def metered_env(home: Path) -> dict[str, str]:
    """Environment that sends every ffmpeg call of the demo through ffmpeg_meter.py."""
    shim = home / "ffmpeg"
    meter = PROJECT / "benchmarks" / "ffmpeg_meter.py"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{meter}" "$@"\n')
    shim.chmod(0o755)
    return {
        "IMAGEIO_FFMPEG_EXE": str(shim),
        "SHORTGEN_REAL_FFMPEG": ffmpeg_exe(),
        "SHORTGEN_FFMPEG_METER": str(home / "ffmpeg.jsonl"),
    }


def demo_run(work: Path, theme: Path | None, breakdown: bool) -> tuple[float, float, Path]:
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    env = {
        **os.environ,
        "SHORTGEN_HOME": str(home),
        "SHORTGEN_OUTPUT_DIR": str(home / "output"),
        "DAGSTER_HOME": str(home / "dagster"),
        **(metered_env(home) if breakdown else {}),
    }
    shortgen = str(Path(sys.executable).with_name("shortgen"))
    args = [shortgen, "demo", *(["--theme", str(theme.resolve())] if theme else [])]
    wall, cpu = measured(args, home / "demo", env)
    stdout = (home / "demo.out").read_text()
    video = next(line.split(":", 1)[1].strip() for line in stdout.splitlines() if "video:" in line)
    return wall, cpu, Path(video)


def breakdown_of(video: Path, demo_cpu: float) -> tuple[float, dict[str, float]]:
    """(the demo's CPU without the meter's, CPU by part) from the meter's log of the demo."""
    home = video.parents[3]  # <home>/output/review/job-N/<video>
    calls = [json.loads(line) for line in (home / "ffmpeg.jsonl").read_text().splitlines()]
    parts = {"composition encode": 0.0, "footage clips": 0.0, "other ffmpeg": 0.0}
    for call in calls:
        output = call["output"]
        if "/review/" in output and output.endswith(".mp4"):
            parts["composition encode"] += call["cpu"]
        elif "/footage-" in output:
            parts["footage clips"] += call["cpu"]
        else:
            parts["other ffmpeg"] += call["cpu"]
    own = demo_cpu - sum(call["meter_cpu"] for call in calls)
    parts["in process (Piper, analysis, Dagster, captions, ffprobe)"] = own - sum(parts.values())
    return own, parts


def floor_run(video: Path, work: Path) -> tuple[float, float]:
    out = work / "floor.mp4"
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(video)]
    cmd += ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p"]
    cmd += ["-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2"]
    cmd += ["-movflags", "+faststart", str(out)]
    return measured(cmd, work / "floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--theme", type=Path, default=None, help="a theme file (default: the default theme)"
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="meter every ffmpeg call and split the CPU time"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="shortgen-bench-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    ratios_wall, ratios_cpu = [], []
    for run in range(1, args.runs + 1):
        load = os.getloadavg()[0]
        demo_wall, demo_cpu, video = demo_run(work, args.theme, args.breakdown)
        floor_wall, floor_cpu = floor_run(video, work)
        parts = {}
        if args.breakdown:
            demo_cpu, parts = breakdown_of(video, demo_cpu)
        info = probe(video)
        ratios_wall.append(demo_wall / floor_wall)
        ratios_cpu.append(demo_cpu / floor_cpu)
        print(
            f"run {run} (load {load:.1f} -> {os.getloadavg()[0]:.1f}): {info.width}x{info.height} "
            f"{info.duration:.1f} s; demo {demo_wall:.1f} s wall / {demo_cpu:.1f} s CPU, floor "
            f"{floor_wall:.1f} s / {floor_cpu:.1f} s: {ratios_wall[-1]:.2f}x wall, "
            f"{ratios_cpu[-1]:.2f}x CPU"
        )
        for part, cpu in parts.items():
            print(f"  {part}: {cpu:.1f} s CPU = {cpu / floor_cpu:.2f}x the floor")
    print(
        f"median of {args.runs}: demo {statistics.median(ratios_wall):.2f}x the floor's wall time, "
        f"{statistics.median(ratios_cpu):.2f}x its CPU time (target 1.3x)"
    )


if __name__ == "__main__":
    main()
