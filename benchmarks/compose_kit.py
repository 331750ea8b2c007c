"""The brand-kit variant of the composition benchmark (`python benchmarks/compose.py --kit`).

A kit of a logo, a 4000x3000 photo, a landscape and a portrait image and one clip; a 30 s plan of
six scenes with fade, slide and zoom transitions, whose kinds the product's own planner step
assigns. Footage preparation (the kit scenes and any procedural one, offline vendor) is measured
in this process (its CPU plus its ffmpeg children) against one encode of the result (the
cuts-only floor). Composition's target is measured against the encode floor of the footage as the
video plays it: the same clips with the plan's transitions drawn by the composer's own filters.
x264 codes a blended frame at about three times an ordinary frame's cost, and those frames are
pictures the video must contain, so a floor without them is not this video's floor. The ratio to
the cuts-only floor is printed as well. The three encodes alternate, as in compose.py.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path

from compose import SENTENCES, build_narration, compose_run, floor_run, run_measured
from PIL import Image, ImageDraw, ImageFilter

from shortgen_assets.defs.resources.footage.procedural import ProceduralFootage
from shortgen_assets.domain.media import ffmpeg_exe, run_ffmpeg
from shortgen_assets.domain.plan.scene_kinds import assign_scene_kinds, kit_share
from shortgen_assets.domain.schemas import Brand, BrandMedia, ProductionPlan, Scene, Theme
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.domain.video.composition import CompositionRequest
from shortgen_assets.domain.video.transitions import blends, transition_filters

PROJECT = Path(__file__).resolve().parents[1]
TRANSITIONS = ("cut", "fade", "slide", "zoom", "fade", "slide")


def _picture(path: Path, size: tuple[int, int], hue: int) -> Path:
    """A photo-like picture: a gradient with soft shapes, so the encoder has real detail."""
    w, h = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for k in range(12):
        x, y, r = (k * 337) % w, (k * 211) % h, min(w, h) // (4 + k % 5)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=((hue + 40 * k) % 256, 90 + 10 * k, 160))
    image = image.filter(ImageFilter.GaussianBlur(3))
    image.save(path, quality=90)
    return path


def build_kit(work: Path) -> Brand:
    kit = work / "kit"
    kit.mkdir(exist_ok=True)
    logo = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rounded_rectangle((16, 16, 496, 496), 110, fill=(79, 70, 229, 255))
    logo.save(kit / "logo.png")
    photo = _picture(kit / "photo.jpg", (4000, 3000), 10)
    landscape = _picture(kit / "landscape.png", (1600, 900), 80)
    portrait = _picture(kit / "portrait.png", (900, 1600), 160)
    clip = kit / "clip.mp4"
    if not clip.exists():
        source = ["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30", "-t", "6"]
        run_ffmpeg([*source, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)], what="clip")
    about = ("a focus timer photo", "the timer on a desk", "the app on a phone", "a promo clip")
    kinds = ("image", "image", "image", "clip")
    media = [
        BrandMedia(path=str(path), kind=kind, about=text)
        for path, kind, text in zip((photo, landscape, portrait, clip), kinds, about, strict=True)
    ]
    return Brand(logo=str(kit / "logo.png"), media=media)


def kit_plan(brand: Brand, seconds: float) -> tuple[ProductionPlan, Theme]:
    theme = load_theme(PROJECT / "config" / "themes" / "default.yaml")
    theme = theme.model_copy(update={"brand": brand, "duration_seconds": round(seconds)})
    count = 6
    scenes = [
        Scene(scene_number=n, duration_seconds=seconds / count, visual_prompt="x", transition=t)
        for n, t in zip(range(1, count + 1), TRANSITIONS, strict=True)
    ]
    plan = ProductionPlan(
        title="Brand kit benchmark",
        description="Six scenes that show the product.",
        video_prompt="the product",
        duration_target=seconds,
        scenes=scenes,
        voiceover_sentences=SENTENCES,
        hook_text="Stop scrolling!",
        cta_text="Download Tempo free",
        hashtags=["tempo"],
    )
    return assign_scene_kinds(plan, theme), theme


def joined_floor_run(request: CompositionRequest) -> dict[str, float]:
    """The floor's encode of the footage as it plays, with the plan's transitions drawn by the
    composer's own filters: what composition adds beyond that is captions, overlays, sound and
    its fixed costs."""
    script = request.out_path.with_name("joined.ffconcat")
    script.write_text("".join(f"file '{c.path}'\n" for c in request.footage.clips))
    found = blends(request.plan, request.footage, request.fps)
    graph = ";".join(transition_filters(found, request.fps, request.width, "0:v", "v"))
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "concat"]
    cmd += ["-safe", "0", "-i", str(script), "-filter_complex", graph, "-map", "[v]"]
    cmd += ["-t", f"{request.narration.duration_ms / 1000:.3f}"]
    cmd += ["-c:v", "libx264", "-preset", request.preset, "-crf", str(request.crf)]
    cmd += ["-pix_fmt", "yuv420p", "-r", str(request.fps), "-an", "-movflags", "+faststart"]
    wall, usage, _, _ = run_measured([*cmd, str(script.with_suffix(".mp4"))])
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime}


def _cpu() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_kit(work: Path, width: int, height: int, seconds: float, runs: int) -> None:
    brand = build_kit(work)
    narration = build_narration(work, SENTENCES, seconds)
    plan, theme = kit_plan(brand, seconds)
    kinds = [scene.kind for scene in plan.scenes]
    print(f"kit plan: {kinds}, kit share {kit_share(plan.scenes):.2f}", flush=True)
    footage_cpu, footage_wall, request_path = [], [], work / "request_kit.json"
    for run in range(runs):
        started, cpu = time.perf_counter(), _cpu()
        footage = ProceduralFootage().render(
            plan, theme.palette, narration.duration_ms / 1000, work / f"footage{run}",
            width, height, 30, theme=theme,
        )  # fmt: skip
        footage_cpu.append(_cpu() - cpu)
        footage_wall.append(time.perf_counter() - started)
    request = CompositionRequest(
        footage=footage,
        narration=narration,
        plan=plan,
        out_path=work / "composed_kit.mp4",
        width=width,
        height=height,
        music_seed="benchmark",
    )
    request_path.write_text(request.model_dump_json())
    floors, joined, composed = [], [], []
    for run in range(1, runs + 1):
        floors.append(floor_run(request_path))
        joined.append(joined_floor_run(request))
        composed.append(compose_run(request_path, "shortgen"))
        print(
            f"  kit run {run}: footage {footage_wall[run - 1]:.2f}s wall "
            f"{footage_cpu[run - 1]:.1f}s cpu | floor {floors[-1]['wall']:.2f}s wall "
            f"{floors[-1]['cpu']:.1f}s cpu | floor with transitions {joined[-1]['cpu']:.1f}s cpu "
            f"| compose {composed[-1]['wall']:.2f}s wall {composed[-1]['cpu']:.1f}s cpu "
            f"({composed[-1]['cpu'] / joined[-1]['cpu']:.3f}x the floor with transitions) "
            f"| load {os.getloadavg()[0]:.1f} "
            f"| compose phases (wall s) {composed[-1]['phases']}",
            flush=True,
        )
    floor_cpu = statistics.median(f["cpu"] for f in floors)
    joined_cpu = statistics.median(j["cpu"] for j in joined)
    compose_cpu = statistics.median(c["cpu"] for c in composed)
    paired = statistics.median(c["cpu"] / j["cpu"] for c, j in zip(composed, joined, strict=True))
    print(
        f"kit {seconds:g}s at {width}x{height}: median of {runs}: floor with transitions "
        f"{joined_cpu:.1f}s cpu | compose {compose_cpu:.1f}s cpu = "
        f"{compose_cpu / joined_cpu:.3f}x the floor with transitions (target <= 1.15; median of "
        f"paired ratios {paired:.3f}x) | cuts-only floor {floor_cpu:.1f}s cpu, compose "
        f"{compose_cpu / floor_cpu:.3f}x that | footage "
        f"{statistics.median(footage_cpu):.1f}s cpu = "
        f"{statistics.median(footage_cpu) / floor_cpu:.3f}x one encode (target <= 0.3)",
        flush=True,
    )
