"""Benchmark: procedural footage for a 30 s plan against one full libx264 encode of 30 s.

Renders 6 scenes of 5 s at 1080x1920, 30 fps with the offline provider, then, in the same run,
encodes the chained footage once with libx264 (preset medium, CRF 23, yuv420p): the cost of the
final video's encode that composition cannot avoid. Footage should cost well under that.

    .venv/bin/python benchmarks/footage.py [--workers N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from shortgen_assets.defs.resources.footage.procedural import ProceduralFootage
from shortgen_assets.domain.media import probe, run_ffmpeg
from shortgen_assets.domain.schemas import Palette, ProductionPlan, Scene
from shortgen_assets.domain.video.procedural import recipe_for

T = TypeVar("T")
WIDTH, HEIGHT, FPS, SECONDS = 1080, 1920, 30, 30.0
PROMPTS = (
    "Sunrise over a calm city skyline",
    "Close-up of a product on a wooden desk",
    "City lights and bokeh at night",
    "Fast motion of runners on a road",
    "Organic growth of a community network",
    "Ocean waves rolling in at dusk",
)


def plan() -> ProductionPlan:
    return ProductionPlan(
        title="Footage benchmark",
        description="Six five-second scenes.",
        video_prompt="vertical brand background",
        duration_target=SECONDS,
        scenes=[
            Scene(scene_number=i + 1, duration_seconds=SECONDS / len(PROMPTS), visual_prompt=p)
            for i, p in enumerate(PROMPTS)
        ],
        voiceover_sentences=["Benchmark."],
        hook_text="Benchmark",
        cta_text="Follow",
        hashtags=["#benchmark"],
    )


def measured(step: Callable[[], T]) -> tuple[T, float, float]:
    """Run `step`; return its result, wall seconds and CPU seconds of the child processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = step()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, wall, cpu


def reference_encode(clips: list[Path], out: Path) -> None:
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{c}'\n" for c in clips))
    args = ["-f", "concat", "-safe", "0", "-i", str(listing), "-an", "-c:v", "libx264"]
    args += ["-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p", "-r", str(FPS), str(out)]
    run_ffmpeg(args, what="the reference encode")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0, help="render_workers (0 = per core)")
    parser.add_argument("--keep", type=Path, help="write the clips here instead of a temp dir")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        footage_resource = ProceduralFootage(render_workers=options.workers)
        motifs, previous = [], None
        for prompt in PROMPTS:
            motifs.append(recipe_for(prompt, Palette(), avoid=previous).motif)
            previous = motifs[-1]
        print(f"scenes: {', '.join(motifs)}")

        footage, wall, cpu = measured(
            lambda: footage_resource.render(
                plan(), Palette(), SECONDS, folder / "clips", WIDTH, HEIGHT, FPS
            )
        )
        clips = [Path(c.path) for c in footage.clips]
        total = sum(probe(c).duration for c in clips)
        print(
            f"footage:   {total:5.2f} s of {WIDTH}x{HEIGHT}@{FPS}"
            f"  wall {wall:6.2f} s  cpu {cpu:6.2f} s"
        )

        reference = folder / "reference.mp4"
        _, ref_wall, ref_cpu = measured(lambda: reference_encode(clips, reference))
        print(
            f"reference: libx264 medium crf 23 of the same {probe(reference).duration:5.2f} s"
            f"  wall {ref_wall:6.2f} s  cpu {ref_cpu:6.2f} s"
        )
        print(f"ratio footage/reference: wall {wall / ref_wall:.2f}  cpu {cpu / ref_cpu:.2f}")


if __name__ == "__main__":
    main()
