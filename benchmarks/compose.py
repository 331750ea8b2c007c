"""Composition, three ways, in one run: the encode floor, shortgen, and moviepy (the peers' way).

The floor is ffmpeg re-encoding the same background footage with the same encoder settings and
nothing else; shortgen's composer adds captions (with active-word highlights), hook and CTA
overlays, voice, a ducked generated music bed and loudness mastering; moviepy composites the same
footage, caption phrases, hook/CTA and voice frame by frame (compose_moviepy.py; the `benchmark`
extra). All three are measured in the same run, alternating, so machine noise hits them alike, and
reported as ratios to the floor. Each composer runs in a child Python process: its CPU time is that
process plus its ffmpeg children, its peak RSS the Python peak plus the largest ffmpeg child peak
(an upper bound of what runs at once).

    python benchmarks/compose.py                 # 30 s and 60 s at 1080x1920, 3 runs each
    python benchmarks/compose.py --quick         # 360x640, 6 s and 12 s, 1 run: a smoke test
    python benchmarks/compose.py --runs 5 --seconds 20
    python benchmarks/compose.py --kit           # the brand-kit variant (compose_kit.py), 30 s
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from shortgen_assets.domain.media import ffmpeg_exe, probe, run_ffmpeg
from shortgen_assets.domain.schemas import (
    Clip,
    Footage,
    Narration,
    ProductionPlan,
    Scene,
    Voice,
)
from shortgen_assets.domain.video.composition import CompositionRequest, compose

SENTENCES = [
    "Stop scrolling, because this one habit changes how your mornings feel.",
    "Most people start the day by checking their phone before they even sit up.",
    "Instead, drink a full glass of water and open the curtains right away.",
    "Daylight resets your body clock faster than any alarm or coffee ever could.",
    "Then write down the single task that would make today a good day.",
    "Do it before lunch, and everything else becomes a bonus you can enjoy.",
]
CLIP_SECONDS = 5
SOURCES = [  # (lavfi source at reduced size, upscale factor): procedural-looking motion
    ("testsrc2=s={w}x{h}:r={fps}", 1),
    ("gradients=s={w4}x{h4}:r={fps}:speed=0.03:c0=0x1E3A8A:c1=0x0EA5E9:c2=0xF59E0B:n=3", 4),
    ("mandelbrot=s={w4}x{h4}:r={fps}:start_scale=2:end_scale=0.05", 4),
    ("cellauto=s={w4}x{h4}:r={fps}:rule=110:random_fill_ratio=0.4:scroll=1", 4),
    ("life=s={w4}x{h4}:r={fps}:mold=10:ratio=0.2:life_color=#F59E0B:death_color=#1E3A8A", 4),
    ("testsrc2=s={w}x{h}:r={fps},hue=H=2*PI*t/5", 1),
]


def build_footage(work: Path, width: int, height: int, fps: int, seconds: float) -> Footage:
    clips = []
    for index in range(int(np.ceil(seconds / CLIP_SECONDS))):
        path = work / f"clip_{width}x{height}_{index:02d}.mp4"
        source, factor = SOURCES[index % len(SOURCES)]
        if not path.exists():
            spec = source.format(w=width, h=height, w4=width // 4, h4=height // 4, fps=fps)
            scale = f",scale={width}:{height}:flags=bicubic" if factor > 1 else ""
            args = ["-f", "lavfi", "-i", f"{spec}{scale},format=yuv420p", "-t", str(CLIP_SECONDS)]
            args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-r", str(fps)]
            run_ffmpeg([*args, str(path)], what=f"rendering benchmark clip {path.name}")
        clips.append(
            Clip(
                path=str(path),
                scene_number=index + 1,
                duration_seconds=CLIP_SECONDS,
                width=width,
                height=height,
                fps=fps,
                provider="benchmark",
            )
        )
    return Footage(clips=clips, provider="benchmark")


def build_narration(work: Path, sentences: list[str], seconds: float) -> Narration:
    """Real espeak speech paced to fill `seconds`.

    Imported here, not at the top: the measured child processes import this module too, and
    loading Dagster (under the TTS resource) there would count in their memory and CPU.
    """
    from shortgen_assets.defs.resources.tts.espeak import EspeakTTS

    path = work / f"voice_{seconds:g}.wav"
    voice = Voice(words_per_minute=round(sum(len(s.split()) for s in sentences) * 60 / seconds))
    return EspeakTTS().synthesize(sentences, voice, path, seconds)


def build_request(work: Path, width: int, height: int, seconds: float, tag: str) -> Path:
    sentences = SENTENCES * max(1, round(seconds / 30))
    if seconds < 15:
        sentences = SENTENCES[: max(1, round(seconds / 5))]
    narration = build_narration(work, sentences, seconds)
    footage = build_footage(work, width, height, 30, narration.duration_ms / 1000 + 1)
    plan = ProductionPlan(
        title="One habit for better mornings",
        description="A morning habit in six steps.",
        video_prompt="calm morning light",
        duration_target=max(5.0, seconds),
        scenes=[Scene(scene_number=1, duration_seconds=seconds, visual_prompt="morning")],
        voiceover_sentences=sentences,
        hook_text="Stop scrolling!",
        cta_text="Follow for a better morning",
        hashtags=["#morning"],
    )
    request = CompositionRequest(
        footage=footage,
        narration=narration,
        plan=plan,
        out_path=work / f"composed_{tag}.mp4",
        width=width,
        height=height,
        music_seed="benchmark",
    )
    path = work / f"request_{tag}.json"
    path.write_text(request.model_dump_json())
    return path


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants right now, from /proc."""
    total_kb, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                stack += [int(child) for child in children.read().split()]
            with open(f"/proc/{pid}/status") as status:
                line = next(x for x in status if x.startswith("VmRSS:"))
            total_kb += int(line.split()[1])
        except (OSError, StopIteration):
            continue
    return total_kb / 1024


class TreeSampler(threading.Thread):
    """Samples a process tree's total RSS every `interval` seconds; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_mb = pid, interval, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(self.pid))


def run_measured(cmd: list[str]) -> tuple[float, resource.struct_rusage, bytes, float]:
    """Wall time, the child's rusage (wait4: CPU includes its reaped children) and the sampled
    peak RSS of the child and its descendants together."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout = proc.stdout.read() if proc.stdout else b""
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {stderr.decode(errors='replace')[-800:]}")
    return time.perf_counter() - started, usage, stdout, sampler.peak_mb


def floor_run(request_path: Path) -> dict[str, float]:
    request = CompositionRequest.model_validate_json(request_path.read_text())
    script = request_path.with_suffix(".floor.ffconcat")
    script.write_text("".join(f"file '{c.path}'\n" for c in request.footage.clips))
    out = request_path.with_suffix(".floor.mp4")
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    cmd += [
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(script),
        "-t",
        f"{request.narration.duration_ms / 1000:.3f}",
    ]
    cmd += ["-c:v", "libx264", "-preset", request.preset, "-crf", str(request.crf)]
    cmd += [
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(request.fps),
        "-an",
        "-movflags",
        "+faststart",
        str(out),
    ]
    wall, usage, _, sampled = run_measured(cmd)
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "rss_mb": usage.ru_maxrss / 1024, "sampled_rss_mb": sampled}


def compose_run(request_path: Path, engine: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(request_path), "--engine", engine]
    _, _, stdout, sampled = run_measured(cmd)
    return {**json.loads(stdout), "sampled_rss_mb": sampled}


def shortgen_details(request: CompositionRequest) -> dict:
    result = compose(request)
    return {
        "captions": result.captions,
        "caption_images": result.caption_images,
        "overlays": len(result.overlays),
        "lufs": result.loudness.integrated_lufs,
        "true_peak": result.loudness.true_peak_dbtp,
        "duration": result.duration,
        "phases": result.timings,
    }


def moviepy_details(request: CompositionRequest) -> dict:
    from compose_moviepy import compose_with_moviepy

    out = request.out_path.with_suffix(".moviepy.mp4")
    info = probe(compose_with_moviepy(request.model_copy(update={"out_path": out})))
    return {
        "duration": info.duration,
        "has_audio": info.has_audio,
        "size": [info.width, info.height],
    }


ENGINES = {"shortgen": shortgen_details, "moviepy": moviepy_details}


def child(request_path: Path, engine: str) -> None:
    """Compose once in this process with `engine` and report its own wall, CPU and memory."""
    request = CompositionRequest.model_validate_json(request_path.read_text())
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    kids_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    details = ENGINES[engine](request)
    wall = time.perf_counter() - started
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    cpu = sum(
        after - before
        for after, before in [
            (me.ru_utime, self_before.ru_utime),
            (me.ru_stime, self_before.ru_stime),
            (kids.ru_utime, kids_before.ru_utime),
            (kids.ru_stime, kids_before.ru_stime),
        ]
    )
    report = {
        "wall": wall,
        "cpu": cpu,
        "rss_mb": (me.ru_maxrss + kids.ru_maxrss) / 1024,
        "python_rss_mb": me.ru_maxrss / 1024,
        "ffmpeg_rss_mb": kids.ru_maxrss / 1024,
        **details,
    }
    print(json.dumps(report))


def _row(name: str, run: dict[str, float], floor: dict[str, float]) -> str:
    return (
        f"{name} {run['wall']:.2f}s wall {run['cpu']:.1f}s cpu {run['rss_mb']:.0f} MB "
        f"(python {run['python_rss_mb']:.0f} + ffmpeg {run['ffmpeg_rss_mb']:.0f}; sampled "
        f"{run['sampled_rss_mb']:.0f}) = {run['wall'] / floor['wall']:.3f}x wall, "
        f"{run['cpu'] / floor['cpu']:.3f}x cpu"
    )


def measure(request_path: Path, runs: int, label: str) -> dict[str, float]:
    """Floor, shortgen and moviepy alternating `runs` times; the medians and their ratios."""
    rows: dict[str, list[dict]] = {"floor": [], **{engine: [] for engine in ENGINES}}
    for run in range(1, runs + 1):
        rows["floor"].append(floor_run(request_path))
        for engine in ENGINES:
            rows[engine].append(compose_run(request_path, engine))
        f = rows["floor"][-1]
        print(
            f"  {label} run {run}: floor {f['wall']:.2f}s wall {f['cpu']:.1f}s cpu "
            f"{f['rss_mb']:.0f} MB | {_row('shortgen', rows['shortgen'][-1], f)} | "
            f"{_row('moviepy', rows['moviepy'][-1], f)} | load {os.getloadavg()[0]:.1f} | "
            f"shortgen phases {rows['shortgen'][-1]['phases']}",
            flush=True,
        )
    median = {
        f"{name}_{key}": statistics.median(r[key] for r in results)
        for name, results in rows.items()
        for key in ("wall", "cpu", "rss_mb", "sampled_rss_mb")
    }
    for engine in ENGINES:
        median[f"{engine}_ratio"] = median[f"{engine}_wall"] / median["floor_wall"]
        median[f"{engine}_cpu_ratio"] = median[f"{engine}_cpu"] / median["floor_cpu"]
    last, peer = rows["shortgen"][-1], rows["moviepy"][-1]
    print(
        f"{label}: median of {runs}, as ratios to the floor "
        f"({median['floor_wall']:.2f}s wall, {median['floor_cpu']:.1f}s cpu, "
        f"{median['floor_rss_mb']:.0f} MB): floor 1.000 | shortgen "
        f"{median['shortgen_ratio']:.3f}x wall, {median['shortgen_cpu_ratio']:.3f}x cpu, "
        f"{median['shortgen_rss_mb']:.0f} MB | moviepy {median['moviepy_ratio']:.3f}x wall, "
        f"{median['moviepy_cpu_ratio']:.3f}x cpu, {median['moviepy_rss_mb']:.0f} MB | "
        f"shortgen: {last['captions']} captions, {last['caption_images']} caption images, "
        f"{last['overlays']} overlays, {last['duration']:.2f}s, {last['lufs']} LUFS, "
        f"{last['true_peak']} dBTP; moviepy: {peer['duration']:.2f}s, {peer['size']}, "
        f"audio {peer['has_audio']}",
        flush=True,
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30.0, help="short render; long is 2x")
    parser.add_argument("--quick", action="store_true", help="360x640, 6 s and 12 s, 1 run")
    parser.add_argument("--work", type=Path, help="keep inputs and outputs here")
    parser.add_argument("--kit", action="store_true", help="the brand-kit variant, one length")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.engine)
        return
    if args.kit:
        from compose_kit import run_kit

        width, height, runs = (360, 640, 1) if args.quick else (1080, 1920, args.runs)
        work = args.work or Path(tempfile.mkdtemp(prefix="shortgen-bench-kit-"))
        work.mkdir(parents=True, exist_ok=True)
        run_kit(work, width, height, args.seconds, runs)
        return
    if importlib.util.find_spec("moviepy") is None:
        sys.exit("moviepy is not installed: pip install -e '.[benchmark]' (or make bench)")
    width, height, seconds, runs = 1080, 1920, args.seconds, args.runs
    if args.quick:
        width, height, seconds, runs = 360, 640, 6.0, 1
    work = args.work or Path(tempfile.mkdtemp(prefix="shortgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{width}x{height} @30 fps, libx264 medium crf 23, work dir {work}", flush=True)
    results = {}
    for length in (seconds, 2 * seconds):
        tag = f"{width}x{height}_{length:g}s"
        request = build_request(work, width, height, length, tag)
        results[length] = measure(request, runs, f"{length:g}s")
    long, short = results[2 * seconds], results[seconds]
    for engine in ENGINES:
        print(
            f"{2 * seconds:g}s / {seconds:g}s {engine} cost: "
            f"{long[f'{engine}_wall'] / short[f'{engine}_wall']:.2f}x wall, "
            f"{long[f'{engine}_cpu'] / short[f'{engine}_cpu']:.2f}x cpu",
            flush=True,
        )


if __name__ == "__main__":
    main()
