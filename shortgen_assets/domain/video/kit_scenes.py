"""Scenes that show the product: brand-kit stills and clips, kinetic type and the logo end card.

Each scene is one ffmpeg run writing an intermediate clip like the procedural ones. Pillow scales a
source image exactly once, to the size it is shown at, and lays it over a blurred fill of itself
(never stretched, never cropped through the subject); ffmpeg then only pans, zooms or slides that
one prepared frame (`loop` repeats a decoded frame, `zoompan` repeats its single input), so a
4000x3000 photo costs one resize, not one per frame. That frame is converted to yuv420p before it
is repeated, so a product shot's pan is a crop (no per-frame colour conversion or scaling); only a
screenshot zooms, scaling half the bytes of RGB per frame. A brand clip is trimmed and fitted
over its own blurred fill in the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from shortgen_assets.domain.fonts import resolve_face
from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.schemas import Palette, ProductionPlan, Scene, Theme
from shortgen_assets.domain.scratch import atomic_output, scratch_dir
from shortgen_assets.domain.video.captions import EDGE_MARGIN, SAFE_BOTTOM
from shortgen_assets.domain.video.clips import h264_args, scene_frames

MARGIN = 1.08  # the prepared frame is this much larger than the video, room for pan and zoom
SUBJECT_BOX = (0.82, 0.56)  # share of the prepared frame a product image may fill: always
# inside every pan or zoom window, and clear of the captions
PHONE_HEIGHT = 0.62
SLIDE_IN_S = 0.45
MIN_END_CARD_SECONDS = 2.0


@dataclass(frozen=True)
class KitLook:
    """What kit scenes draw with besides their own media."""

    palette: Palette
    logo: Path | None
    product: str
    font: str = "Montserrat-ExtraBold"
    caption_position: str = "bottom"  # the end card keeps clear of the captions and the CTA


def kit_look(theme: Theme) -> KitLook:
    brand = theme.brand
    logo = Path(brand.logo) if brand and brand.logo else None
    style = theme.caption_style
    return KitLook(theme.palette, logo, theme.product, style.font, style.position)


def kit_media(theme: Theme, scene: Scene) -> Path | None:
    """The snapshot copy of the kit item a scene shows (None for cards)."""
    if theme.brand is None or scene.media_index is None:
        return None
    return Path(theme.brand.media[scene.media_index].path)


def kit_scene_frames(plan: ProductionPlan, narration_seconds: float, fps: int) -> list[int]:
    """Frames per scene ending exactly with the narration (the video's length), so the end card
    is never cut off, and the end card kept on screen at least MIN_END_CARD_SECONDS."""
    planned = sum(s.duration_seconds for s in plan.scenes)
    shrink = min(1.0, narration_seconds / planned)
    scenes = [
        s.model_copy(update={"duration_seconds": s.duration_seconds * shrink}) for s in plan.scenes
    ]
    frames = scene_frames(plan.model_copy(update={"scenes": scenes}), narration_seconds, fps)
    floor = round(MIN_END_CARD_SECONDS * fps) + 2
    if plan.scenes[-1].kind == "end_card" and len(frames) > 1:
        while frames[-1] < floor and max(frames[:-1]) > fps:
            frames[max(range(len(frames) - 1), key=lambda i: frames[i])] -= 1
            frames[-1] += 1
    return frames


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def _open(path: Path, box: tuple[int, int]) -> Image.Image:
    """The image decoded at the smallest size that still covers its largest fit inside `box`,
    the size it is shown at (a JPEG's draft: a 4000x3000 photo shown 956 pixels wide decodes at
    1000x750), converted to RGBA."""
    image = Image.open(path)
    scale = min(box[0] / image.width, box[1] / image.height)
    image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    return image.convert("RGBA")


def _fill(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A blurred, darkened cover of the image itself: the background for another shape."""
    small = ImageOps.fit(image.convert("RGB"), (max(8, size[0] // 12), max(8, size[1] // 12)))
    small = ImageEnhance.Brightness(small.filter(ImageFilter.GaussianBlur(3))).enhance(0.55)
    return small.resize(size, Image.BILINEAR).convert("RGBA")


def _gradient(palette: Palette, size: tuple[int, int]) -> Image.Image:
    top, bottom = _rgb(palette.primary), _rgb(palette.background)
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * y / 255) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size, Image.BILINEAR).convert("RGBA")


def _contain(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The one resize of a source image: as large as fits `box`, aspect kept."""
    scale = min(box[0] / image.width, box[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.LANCZOS, reducing_gap=3.0)


def _paste_centre(canvas: Image.Image, item: Image.Image, centre_y: float) -> None:
    x = (canvas.width - item.width) // 2
    y = round(centre_y * canvas.height - item.height / 2)
    canvas.alpha_composite(item, (x, max(0, y)))


def product_still(source: Path, size: tuple[int, int]) -> Image.Image:
    """The product image over a blurred fill of itself, on a frame MARGIN times the video."""
    w, h = size
    box = (round(w * SUBJECT_BOX[0]), round(h * SUBJECT_BOX[1]))
    image = _open(source, box)
    canvas = _fill(image, size)
    subject = _contain(image, box)
    _paste_centre(canvas, subject, 0.47)
    return canvas


def phone_still(source: Path, size: tuple[int, int]) -> Image.Image:
    """The screenshot inside a phone: bezel, rounded screen, over a blurred fill of the screen."""
    phone_h = round(size[1] * PHONE_HEIGHT)
    bezel = max(4, phone_h // 45)
    box = (round(phone_h * 0.5), phone_h - 2 * bezel)
    screen = _open(source, box)
    canvas = _fill(screen, size)
    shown = _contain(screen, box)
    body = Image.new("RGBA", (shown.width + 2 * bezel, shown.height + 2 * bezel), (0, 0, 0, 0))
    draw = ImageDraw.Draw(body)
    radius = body.width // 8
    draw.rounded_rectangle((0, 0, body.width - 1, body.height - 1), radius, fill=(18, 18, 22, 255))
    mask = Image.new("L", shown.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *shown.size), radius - bezel, fill=255)
    body.paste(shown, (bezel, bezel), mask)
    notch_w = body.width // 4
    draw.rounded_rectangle(
        ((body.width - notch_w) // 2, bezel + 4, (body.width + notch_w) // 2, bezel * 3),
        bezel,
        fill=(18, 18, 22, 255),
    )
    _paste_centre(canvas, body, 0.46)
    return canvas


def _text_block(text: str, width: int, look: KitLook, size: int) -> Image.Image:
    """Words wrapped to `width`, centred, in the palette's text colour with the accent below."""
    font = resolve_face(look.font).load(size)
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(trial) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    line_h = round(size * 1.15)
    block = Image.new("RGBA", (width, line_h * len(lines) + size // 3), (0, 0, 0, 0))
    draw = ImageDraw.Draw(block)
    for row, line in enumerate(lines):
        draw.text((width / 2, row * line_h), line, font=font, fill=look.palette.text, anchor="ma")
    bar = (width * 0.35, block.height - size // 6, width * 0.65, block.height)
    draw.rounded_rectangle(bar, size // 12, fill=look.palette.accent)
    return block


# Where the end card's logo-and-name stack ends (a fraction of the height), by caption position:
# between the CTA panel and the captions. Bottom captions: CTA at the top, stack just above the
# captions; centred captions: CTA at the top, stack down to the safe zone's bottom; top captions:
# CTA at the bottom, stack in the middle.
END_CARD_BOTTOM = {"bottom": 0.66, "center": 1 - SAFE_BOTTOM - EDGE_MARGIN, "top": 0.56}


def end_card_still(look: KitLook, size: tuple[int, int]) -> Image.Image:
    """The logo over the product's name on the palette, clear of the CTA panel and captions."""
    w, h = size
    canvas = _gradient(look.palette, size)
    name = _text_block(look.product, round(w * 0.8), look, max(12, w // 14))
    name_top = round(h * END_CARD_BOTTOM[look.caption_position]) - name.height
    if look.logo is not None:
        box = (round(w * 0.42), round(h * 0.14))
        logo = _contain(_open(look.logo, box), box)
        logo_top = name_top - round(h * 0.02) - logo.height
        canvas.alpha_composite(logo, ((w - logo.width) // 2, max(0, logo_top)))
    canvas.alpha_composite(name, ((w - name.width) // 2, max(0, name_top)))
    return canvas


def _hold(frames: int, fps: int) -> str:
    """One decoded frame repeated `frames` times at `fps` (no re-reading, no re-decoding)."""
    return f"loop=loop={frames - 1}:size=1:start=0,setpts=N/({fps}*TB)"


def _motion(scene: Scene, frames: int, width: int, height: int, fps: int) -> str:
    """A screenshot's slow zoom; a product shot's slow pan across the prepared MARGIN-sized
    frame (left, right or diagonal by scene): a crop of the one repeated frame per output frame,
    where a zoom would rescale the whole frame every frame."""
    last = max(1, frames - 1)
    if scene.kind == "screenshot":
        zoom = f"1+{MARGIN - 1:.3f}*on/{last}"
        return (
            f"zoompan=z='{zoom}':d={frames}:x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':"
            f"s={width}x{height}:fps={fps}"
        )
    pan = scene.scene_number % 3  # 1: left to right, 2: right to left, 0: diagonal
    x = f"(iw-ow)*(1-n/{last})" if pan == 2 else f"(iw-ow)*n/{last}"
    y = f"(ih-oh)*n/{last}" if pan == 0 else "(ih-oh)/2"
    return f"{_hold(frames, fps)},crop={width}:{height}:x='{x}':y='{y}'"


def _encode_still(still: Image.Image, chain: str, out: Path, frames: int, fps: int, what: str):
    with scratch_dir("kit", out.parent) as scratch:
        png = scratch / "still.png"
        still.convert("RGB").save(png, compress_level=1)
        with atomic_output(out) as tmp:
            graph = f"[0:v]format=yuv420p,setsar=1,{chain}[out]"
            args = ["-i", str(png), "-filter_complex", graph, "-map", "[out]"]
            args += ["-frames:v", str(frames), *h264_args(fps), str(tmp)]
            run_ffmpeg(args, what=what)
    return out


# Where a kinetic card's text sits (a fraction of the free height), by caption position: above
# centred captions, below top ones.
KINETIC_TOP = {"bottom": 0.42, "center": 0.2, "top": 0.55}


def kinetic_text(scene: Scene, look: KitLook, out: Path, frames: int, size: tuple[int, int, int]):
    """A talking point or number that slides in over the palette and settles."""
    width, height, fps = size
    with scratch_dir("kinetic", out.parent) as scratch:
        bg, words = scratch / "bg.png", scratch / "text.png"
        _gradient(look.palette, (width, height)).convert("RGB").save(bg, compress_level=1)
        block = _text_block((scene.text or "").upper(), round(width * 0.84), look, width // 9)
        block.save(words, compress_level=1)
        slide = f"{width}*pow(max(0,1-t/{SLIDE_IN_S}),3)"
        graph = (
            f"[0:v]format=yuv420p,setsar=1,{_hold(frames, fps)}[bg];"
            f"[1:v]format=yuva420p,{_hold(frames, fps)}[tx];"
            f"[bg][tx]overlay=x='(W-w)/2+{slide}':y='(H-h)*{KINETIC_TOP[look.caption_position]}'"
            ":format=yuv420[out]"
        )
        with atomic_output(out) as tmp:
            args = ["-i", str(bg), "-i", str(words), "-filter_complex", graph, "-map", "[out]"]
            args += ["-frames:v", str(frames), *h264_args(fps), str(tmp)]
            run_ffmpeg(args, what=f"rendering the kinetic text card {out.name}")
    return out


def brand_clip(source: Path, out: Path, frames: int, size: tuple[int, int, int]) -> Path:
    """The brand's clip from its start, cut (or looped) to the scene, fitted over its blur."""
    width, height, fps = size
    bw, bh = _even(width / 8), _even(height / 8)
    graph = (
        f"[0:v]fps={fps},split[a][b];"
        f"[a]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},"
        f"boxblur=4,eq=brightness=-0.15,scale={width}:{height}[bg];"
        f"[b]scale={width}:{height}:force_original_aspect_ratio=decrease[fg];"
        f"[bg][fg]overlay=x=(W-w)/2:y=(H-h)/2,setsar=1,format=yuv420p[out]"
    )
    with atomic_output(out) as tmp:
        args = ["-stream_loop", "-1", "-i", str(source), "-filter_complex", graph, "-map", "[out]"]
        args += ["-frames:v", str(frames), *h264_args(fps), str(tmp)]
        run_ffmpeg(args, what=f"fitting the brand clip {source.name} for {out.name}")
    return out


def render_kit_scene(
    scene: Scene,
    media: Path | None,
    look: KitLook,
    out: Path,
    frames: int,
    size: tuple[int, int, int],
) -> Path:
    """One kit scene (product_shot, screenshot, clip, kinetic_text or end_card) to `out`."""
    width, height, fps = size
    big = (_even(width * MARGIN), _even(height * MARGIN))
    what = f"rendering the {scene.kind} scene {out.name}"
    if scene.kind == "clip" and media is not None:
        return brand_clip(media, out, frames, size)
    if scene.kind == "kinetic_text":
        return kinetic_text(scene, look, out, frames, size)
    if scene.kind == "end_card":
        still = end_card_still(look, (width, height))
        return _encode_still(still, _hold(frames, fps), out, frames, fps, what)
    if media is None:
        raise ValueError(f"scene {scene.scene_number} ({scene.kind}) has no kit item")
    still = phone_still(media, big) if scene.kind == "screenshot" else product_still(media, big)
    return _encode_still(still, _motion(scene, frames, width, height, fps), out, frames, fps, what)
