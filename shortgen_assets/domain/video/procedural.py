"""Procedural animated backgrounds: one ffmpeg run per scene, no per-frame Python.

A scene's visual prompt and the theme palette pick a `Recipe` (a motif and its parameters) through a
hash, so the same prompt and palette always give the same footage and different prompts give
visibly different footage. Every motif is drawn by ffmpeg sources and filters at a fraction of the
target size (the backgrounds are soft, so nothing is lost) and scaled up once at the end: the cost
of a scene is dominated by the H.264 encode, not by the drawing. Pillow draws the few still images
(sprites, shape fields, tiles) that some motifs animate.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.schemas import Palette
from shortgen_assets.domain.scratch import atomic_output, scratch_dir
from shortgen_assets.domain.video.clips import h264_args

MOTIFS = ("gradient_flow", "aurora", "bokeh", "zoom_shapes", "cells", "stripes")

# Words in a prompt that steer the motif; prompts without any of them fall back to the hash.
MOTIF_KEYWORDS: dict[str, tuple[str, ...]] = {
    "gradient_flow": ("calm", "sunset", "sunrise", "gradient", "smooth", "minimal", "soft", "sky"),
    "aurora": ("aurora", "ocean", "water", "wave", "flow", "dream", "night", "magic"),
    "bokeh": ("city", "light", "lights", "bokeh", "star", "stars", "space", "party", "glow"),
    "zoom_shapes": ("product", "close", "closeup", "detail", "zoom", "reveal", "shape", "desk"),
    "cells": ("nature", "organic", "growth", "grow", "cell", "crowd", "community", "network"),
    "stripes": ("speed", "fast", "energy", "motion", "sport", "run", "road", "tech", "data"),
}


@dataclass(frozen=True)
class Recipe:
    """Everything that decides how one scene looks; equal recipes render identical footage."""

    motif: str
    seed: int
    colours: tuple[str, str, str, str]  # background first, then three palette accents, "#RRGGBB"
    speed: float  # motion multiplier, 0.6..1.4
    variant: int  # motif-specific layout choice
    hue_swing: float  # degrees the hue drifts back and forth over the scene


def recipe_for(prompt: str, palette: Palette, avoid: str | None = None) -> Recipe:
    """The recipe keyed by the prompt and palette; `avoid` skips a motif (the previous scene's)."""
    key = "|".join((prompt.strip().lower(), *palette.model_dump().values()))
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    rng = random.Random(seed)
    motif = _motif_for(prompt, rng.randrange(len(MOTIFS)))
    if motif == avoid:
        motif = MOTIFS[(MOTIFS.index(motif) + 1 + rng.randrange(len(MOTIFS) - 1)) % len(MOTIFS)]
    accents = [palette.primary, palette.secondary, palette.accent]
    rng.shuffle(accents)
    return Recipe(
        motif=motif,
        seed=seed % 2**31,
        colours=(palette.background, accents[0], accents[1], accents[2]),
        speed=round(rng.uniform(0.6, 1.4), 3),
        variant=rng.randrange(4),
        hue_swing=round(rng.uniform(4.0, 12.0), 1),
    )


def _motif_for(prompt: str, hashed_index: int) -> str:
    words = set(re.findall(r"[a-z]+", prompt.lower()))
    scores = {m: len(words.intersection(kw)) for m, kw in MOTIF_KEYWORDS.items()}
    best = max(scores.values())
    if best == 0:
        return MOTIFS[hashed_index]
    tied = [m for m in MOTIFS if scores[m] == best]
    return tied[hashed_index % len(tied)]


def render_scene(
    recipe: Recipe,
    out: Path,
    *,
    frames: int,
    width: int,
    height: int,
    fps: int,
    threads: int = 0,
) -> Path:
    """Render `frames` frames of the recipe to `out` (H.264 yuv420p, no audio), atomically."""
    with scratch_dir("procedural", out.parent) as scratch:
        inputs, graph = build_graph(recipe, scratch, width, height, fps, frames)
        with atomic_output(out) as tmp:
            args = [*inputs, "-filter_complex", graph, "-map", "[out]", "-frames:v", str(frames)]
            if threads:
                args = ["-filter_threads", str(threads), *args]
            run_ffmpeg(
                [*args, *h264_args(fps, threads), str(tmp)],
                what=f"rendering the {recipe.motif} background for {out.name}",
            )
    return out


def build_graph(
    recipe: Recipe, scratch: Path, width: int, height: int, fps: int, frames: int
) -> tuple[list[str], str]:
    """ffmpeg input arguments and a filter graph ending in [out] at width x height."""
    ww, wh = work_size(width, height, 2 if recipe.motif in {"bokeh", "stripes"} else 4)
    seconds = frames / fps
    draw = {
        "gradient_flow": _gradient_flow,
        "aurora": _aurora,
        "bokeh": _bokeh,
        "zoom_shapes": _zoom_shapes,
        "cells": _cells,
        "stripes": _stripes,
    }[recipe.motif]
    inputs, chain = draw(recipe, scratch, ww, wh, fps, seconds)
    period = max(seconds, 2.0)
    finish = (
        f"hue=h='{recipe.hue_swing}*sin(2*PI*t/{period:.3f})',"
        "vignette=angle=PI/5,"
        f"scale={width}:{height}:flags=bicubic,setsar=1,format=yuv420p[out]"
    )
    return inputs, f"{chain},{finish}"


def work_size(width: int, height: int, divisor: int) -> tuple[int, int]:
    """The drawing size: the target divided down, kept even and not absurdly small."""
    scale = max(1, min(divisor, min(width, height) // 64))
    return max(16, width // scale // 2 * 2), max(16, height // scale // 2 * 2)


def _hex(colour: str) -> str:
    return "0x" + colour.lstrip("#")


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


Graph = tuple[list[str], str]


def _repeat(fps: int) -> str:
    """An image input decoded once and repeated as a `fps` stream (an input `-loop 1` decodes
    the file again for every frame, which cost more than the motif's own drawing)."""
    return f"loop=loop=-1:size=1:start=0,setpts=N/({fps}*TB)"


GRADIENT_TYPES = ("linear", "radial", "circular", "spiral")


def _gradient_flow(r: Recipe, scratch: Path, ww: int, wh: int, fps: int, seconds: float) -> Graph:
    bg, a, b, c = (_hex(x) for x in r.colours)
    rng = random.Random(r.seed)
    points = ":".join(
        f"{name}={rng.randrange(ww) if name[0] == 'x' else rng.randrange(wh)}"
        for name in ("x0", "y0", "x1", "y1")
    )
    source = (
        f"gradients=s={ww}x{wh}:r={fps}:c0={bg}:c1={a}:c2={b}:c3={c}:nb_colors=4:"
        f"type={GRADIENT_TYPES[r.variant]}:speed={0.012 * r.speed:.4f}:{points}:seed={r.seed}"
    )
    return [], f"{source}[g];[g]null"


def _aurora(r: Recipe, scratch: Path, ww: int, wh: int, fps: int, seconds: float) -> Graph:
    bg, a, b, c = (_hex(x) for x in r.colours)
    layer = "gradients=s={w}x{h}:r={fps}:c0={c0}:c1={c1}:c2={c2}:nb_colors=3:type={t}:speed={s}"
    # gradients draws random colour points unless seeded: seeded, equal recipes look equal
    first = layer.format(
        w=ww, h=wh, fps=fps, c0=bg, c1=a, c2=bg, t="linear", s=f"{0.02 * r.speed:.4f}"
    )
    second = layer.format(
        w=ww, h=wh, fps=fps, c0=bg, c1=b, c2=c, t="radial", s=f"{0.013 * r.speed:.4f}"
    )
    first, second = f"{first}:seed={r.seed}", f"{second}:seed={r.seed + 1}"
    mode = ("screen", "lighten", "addition", "screen")[r.variant]
    return [], f"{first}[a];{second}[b];[a][b]blend=all_mode={mode},gblur=sigma={ww / 40:.1f}"


def _bokeh(r: Recipe, scratch: Path, ww: int, wh: int, fps: int, seconds: float) -> Graph:
    """Soft discs drifting upwards with a sway over a slow dark gradient."""
    rng = random.Random(r.seed)
    count = 7 + r.variant
    inputs: list[str] = []
    base = _hex(r.colours[0])
    chain = (
        f"gradients=s={ww}x{wh}:r={fps}:c0={base}:c1={_hex(r.colours[1])}:nb_colors=2:"
        f"speed={0.006 * r.speed:.4f}:type=linear:seed={r.seed},"
        "colorlevels=romax=0.75:gomax=0.75:bomax=0.75[bg0]"
    )
    for i in range(count):
        size = int(min(ww, wh) * rng.uniform(0.12, 0.34)) // 2 * 2
        sprite = scratch / f"disc{i}.png"
        _disc(r.colours[1 + i % 3], size, rng.uniform(0.35, 0.8)).save(sprite)
        inputs += ["-i", str(sprite)]  # one frame: overlay repeats it (eof_action=repeat)
        x0, y0 = rng.uniform(0, ww), rng.uniform(0, wh)
        rise = wh * rng.uniform(0.05, 0.16) * r.speed
        sway, phase = ww * rng.uniform(0.02, 0.08), rng.uniform(0, 2 * math.pi)
        x = f"{x0:.1f}+{sway:.1f}*sin(t*{0.7 * r.speed:.3f}+{phase:.3f})-w/2"
        y = f"mod({y0:.1f}-{rise:.2f}*t+h,H+h)-h"
        chain += f";[bg{i}][{i}:v]overlay=x='{x}':y='{y}':shortest=0[bg{i + 1}]"
    return inputs, f"{chain};[bg{count}]null"


def _disc(colour: str, size: int, opacity: float) -> Image.Image:
    sprite = Image.new("RGBA", (size, size), (*_rgb(colour), 0))
    mask = Image.new("L", (size, size), 0)
    inset = size // 6
    ImageDraw.Draw(mask).ellipse((inset, inset, size - inset, size - inset), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(size / 12)).point(lambda v: int(v * opacity))
    sprite.putalpha(mask)
    return sprite


def _zoom_shapes(r: Recipe, scratch: Path, ww: int, wh: int, fps: int, seconds: float) -> Graph:
    """A slow zoom and pan over a Pillow-drawn field of soft palette shapes."""
    image = scratch / "field.png"
    _shape_field(r, ww * 2, wh * 2).save(image)
    frames = max(1, round(seconds * fps))
    zoom_end = 1.0 + 0.25 * r.speed
    rate = (zoom_end - 1.0) / frames
    direction = (1, -1)[r.variant % 2]
    x = f"(iw-iw/zoom)/2+{direction}*(iw-iw/zoom)/2*sin(on/{frames}*PI/2)"
    zoom = f"zoompan=z='1+{rate:.6f}*on':x='{x}':y='(ih-ih/zoom)/2':d=1:s={ww}x{wh}:fps={fps}"
    return ["-i", str(image)], f"[0:v]{_repeat(fps)},{zoom}"


def _shape_field(r: Recipe, width: int, height: int) -> Image.Image:
    rng = random.Random(r.seed)
    image = Image.new("RGB", (width, height), _rgb(r.colours[0]))
    draw = ImageDraw.Draw(image)
    for i in range(10 + 3 * r.variant):
        colour = _rgb(r.colours[1 + i % 3])
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(0.08, 0.3) * width
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        if r.variant in (0, 2) or i % 2:
            draw.ellipse(box, fill=colour)
        else:
            draw.regular_polygon((cx, cy, radius), 3 + i % 4, rng.uniform(0, 360), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(width / 60))


SETTLE_GENERATIONS = 12  # the random first generations are speckle; blobs form after ~10


def _cells(r: Recipe, scratch: Path, ww: int, wh: int, fps: int, seconds: float) -> Graph:
    """Day-and-night style cellular automata: blobby organic growth, cross-faded between steps."""
    bg, a, b, _ = (_hex(x) for x in r.colours)
    rule = ("B3678/S34678", "B35678/S5678", "B3678/S34678", "B368/S245")[r.variant]
    grid_w, grid_h = max(8, ww // 5), max(8, wh // 5)
    steps = max(3, round(5 * r.speed))
    source = (
        f"life=s={grid_w}x{grid_h}:r={steps}:rule={rule}:ratio=0.5:mold=20:seed={r.seed}:"
        f"life_color={a}:death_color={bg}:mold_color={b}"
    )
    blend = max(2, round(fps / steps))
    return [], (
        f"{source},trim=start_frame={SETTLE_GENERATIONS},setpts=PTS-STARTPTS,"
        f"scale={ww}:{wh}:flags=bilinear,gblur=sigma={ww / 45:.1f},"
        f"fps={fps},tmix=frames={blend}"
    )


def _stripes(r: Recipe, scratch: Path, ww: int, wh: int, fps: int, seconds: float) -> Graph:
    """A tileable band pattern scrolled diagonally by whole pixels per frame (no judder)."""
    tile = scratch / "tile.png"
    _band_tile(r, ww, wh).save(tile)
    step_x, step_y = ((1, 1), (-1, 1), (1, 0), (0, -1))[r.variant]
    speed = max(1, round(2 * r.speed))
    scroll = f"scroll=h={step_x * speed / ww:.6f}:v={step_y * speed / wh:.6f}"
    return ["-i", str(tile)], f"[0:v]{_repeat(fps)},{scroll}"


def _band_tile(r: Recipe, width: int, height: int) -> Image.Image:
    """Soft bands that wrap seamlessly at the image edges (scroll repeats the frame)."""
    image = Image.new("RGB", (width, height), _rgb(r.colours[0]))
    draw = ImageDraw.Draw(image)
    bands = 3 * (1 + r.variant % 2)  # a multiple of the three colours, so the colours wrap too
    period = width / bands
    for i in range(bands * 2 + 2):
        colour = _rgb(r.colours[1 + i % 3])
        left = (i - bands) * period
        polygon = [
            (left, height),
            (left + period * 0.45, height),
            (left + period * 0.45 + width, 0),
            (left + width, 0),
        ]
        draw.polygon(polygon, fill=colour)
    return _blur_wrapped(image, period / 10)


def _blur_wrapped(image: Image.Image, radius: float) -> Image.Image:
    """Blur as if the image tiled the plane, so scrolling shows no seam at the edges."""
    width, height = image.size
    mosaic = Image.new("RGB", (width * 3, height * 3))
    for col in range(3):
        for row in range(3):
            mosaic.paste(image, (col * width, row * height))
    blurred = mosaic.filter(ImageFilter.GaussianBlur(radius))
    return blurred.crop((width, height, width * 2, height * 2))
