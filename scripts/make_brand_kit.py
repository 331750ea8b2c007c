"""Draw the default theme's brand kit (Tempo Focus Timer) into config/themes/tempo-kit/.

The kit is drawn from shapes and Montserrat text (fontpkg-montserrat), so it ships without any
third-party artwork and can be redrawn after a palette change: `python scripts/make_brand_kit.py`.
Images are palette-quantized PNGs to keep the committed kit small.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter

from shortgen_assets.domain.fonts import resolve_face
from shortgen_assets.domain.schemas import Palette

ROOT = Path(__file__).resolve().parents[1]
THEME = ROOT / "config" / "themes" / "default.yaml"
PHONE = (390, 844)


def font(weight: str, size: int):
    return resolve_face(f"Montserrat-{weight}").load(size)


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    """A vertical two-colour gradient (one column drawn, then stretched: cheap and smooth)."""
    column = Image.new("RGB", (1, size[1]))
    for y in range(size[1]):
        column.putpixel((0, y), mix(top, bottom, y / max(1, size[1] - 1)))
    return column.resize(size)


def centred(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, face, fill) -> None:
    draw.text(xy, text, font=face, fill=fill, anchor="mm")


def timer_dial(draw: ImageDraw.ImageDraw, centre, radius: int, palette: dict, done: float) -> None:
    """The product's signature: a ring that empties as the sprint runs, time in the middle."""
    cx, cy = centre
    box = (cx - radius, cy - radius, cx + radius, cy + radius)
    width = max(6, radius // 8)
    draw.ellipse(box, outline=palette["track"], width=width)
    draw.arc(box, -90, -90 + 360 * done, fill=palette["accent"], width=width)
    tip = math.radians(-90 + 360 * done)
    tx, ty = cx + (radius - width / 2) * math.cos(tip), cy + (radius - width / 2) * math.sin(tip)
    draw.ellipse((tx - width, ty - width, tx + width, ty + width), fill=palette["accent"])
    minutes = round(25 * (1 - done))
    centred(draw, (cx, cy - radius * 0.08), f"{minutes:02d}:00", font("Bold", radius // 3), "white")
    centred(draw, (cx, cy + radius * 0.3), "FOCUS", font("SemiBold", radius // 8), palette["muted"])


def logo(palette: dict) -> Image.Image:
    size = 512
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((16, 16, size - 16, size - 16), radius=110, fill=palette["primary"])
    draw.arc((96, 96, 416, 416), -90, 200, fill=palette["accent"], width=34)
    draw.arc((96, 96, 416, 416), 200, 270, fill=palette["secondary"], width=34)
    centred(draw, (size / 2, size / 2 + 6), "T", font("Black", 210), "white")
    return image


def device_scene(size: tuple[int, int], palette: dict, headline: str) -> Image.Image:
    """A product shot: the Tempo desk timer on a desk, with a headline and a soft glow."""
    w, h = size
    image = gradient(size, mix(palette["bg"], palette["primary"], 0.45), palette["bg"])
    glow = Image.new("RGB", size, (0, 0, 0))
    r = min(w, h) * 0.42
    cx, cy = w / 2, h * (0.42 if h > w else 0.5)
    ImageDraw.Draw(glow).ellipse((cx - r, cy - r, cx + r, cy + r), fill=palette["secondary"])
    image = Image.blend(image, glow.filter(ImageFilter.GaussianBlur(r / 2)), 0.35)
    draw = ImageDraw.Draw(image)
    desk_y = cy + r * 0.95
    draw.rectangle((0, desk_y, w, h), fill=mix(palette["bg"], (0, 0, 0), 0.35))
    body = r * 0.85
    draw.rounded_rectangle(
        (cx - body, cy - body, cx + body, cy + body * 1.05),
        radius=int(body * 0.35),
        fill=mix(palette["bg"], (255, 255, 255), 0.08),
        outline=mix(palette["bg"], (255, 255, 255), 0.25),
        width=4,
    )
    timer_dial(draw, (cx, cy), int(body * 0.72), palette, 0.36)
    draw.rounded_rectangle(
        (cx - body * 0.3, cy - body - 16, cx + body * 0.3, cy - body + 4),
        radius=8,
        fill=palette["accent"],
    )
    face = font("ExtraBold", max(28, min(w, h) // 13))
    if h > w:
        centred(draw, (w / 2, h * 0.86), headline, face, "white")
    else:
        draw.text((w * 0.04, h * 0.1), headline, font=face, fill="white", anchor="lm")
    return image


def phone(palette: dict, title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """An app screen: status bar, title, dark UI background."""
    image = gradient(PHONE, mix(palette["bg"], palette["primary"], 0.3), palette["bg"])
    draw = ImageDraw.Draw(image)
    draw.text((28, 22), "9:41", font=font("SemiBold", 18), fill="white")
    draw.rounded_rectangle((330, 26, 362, 40), radius=4, outline="white", width=2)
    draw.text((28, 84), title, font=font("ExtraBold", 34), fill="white")
    return image, draw


def screen_timer(palette: dict) -> Image.Image:
    image, draw = phone(palette, "Sprint 3 of 4")
    draw.text((28, 130), "Thesis: chapter two", font=font("Medium", 20), fill=palette["muted"])
    timer_dial(draw, (195, 380), 140, palette, 0.62)
    draw.rounded_rectangle((60, 600, 330, 668), radius=34, fill=palette["accent"])
    centred(draw, (195, 634), "Pause sprint", font("Bold", 24), "white")
    draw.text((28, 720), "Blocking 6 apps until 10:25", font=font("Medium", 18), fill="white")
    for i, colour in enumerate(("#E1306C", "#1DA1F2", "#FF0000", "#25D366", "#FFFC00", "#5865F2")):
        x = 28 + i * 56
        draw.rounded_rectangle((x, 760, x + 44, 804), radius=10, fill=colour)
        draw.line((x + 6, 798, x + 38, 766), fill="white", width=4)
    return image


def screen_streaks(palette: dict) -> Image.Image:
    image, draw = phone(palette, "Your streak")
    draw.text((28, 140), "12", font=font("Black", 120), fill=palette["accent"])
    draw.text((200, 200), "days in\na row", font=font("Bold", 28), fill="white")
    draw.text((28, 320), "Weekly focus score", font=font("SemiBold", 22), fill=palette["muted"])
    scores = (3, 5, 4, 6, 7, 2, 5)
    for i, (day, score) in enumerate(zip("MTWTFSS", scores, strict=True)):
        x = 36 + i * 48
        draw.rounded_rectangle(
            (x, 540 - score * 26, x + 30, 540), radius=8, fill=palette["secondary"]
        )
        centred(draw, (x + 15, 566), day, font("SemiBold", 18), "white")
    for i in range(28):
        x, y = 36 + (i % 7) * 48, 620 + (i // 7) * 48
        lit = i < 12 + 14 and i % 9 != 4
        draw.rounded_rectangle(
            (x, y, x + 32, y + 32), radius=8, fill=palette["primary"] if lit else palette["track"]
        )
    return image


def screen_study_room(palette: dict) -> Image.Image:
    image, draw = phone(palette, "Study room")
    draw.text((28, 134), "4 friends sprinting now", font=font("Medium", 20), fill=palette["muted"])
    people = (("Maya", "18:40", "#F472B6"), ("Leo", "18:40", "#34D399"))
    people += (("Aiko", "07:12", "#FBBF24"), ("Sam", "18:40", "#60A5FA"))
    for i, (name, left, colour) in enumerate(people):
        y = 190 + i * 120
        draw.rounded_rectangle((20, y, 370, y + 100), radius=22, fill=palette["card"])
        draw.ellipse((40, y + 18, 104, y + 82), fill=colour)
        centred(draw, (72, y + 50), name[0], font("Bold", 30), "white")
        draw.text((124, y + 28), name, font=font("Bold", 24), fill="white")
        draw.text((124, y + 60), "in a sprint", font=font("Medium", 16), fill=palette["muted"])
        draw.text((352, y + 50), left, font=font("Bold", 26), fill=palette["accent"], anchor="rm")
    draw.rounded_rectangle((60, 700, 330, 768), radius=34, fill=palette["secondary"])
    centred(draw, (195, 734), "Join the sprint", font("Bold", 24), "white")
    return image


def save(image: Image.Image, path: Path) -> int:
    """Quantize to a 256-colour palette (keeping alpha) and write atomically; returns bytes."""
    colours = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    tmp = path.with_suffix(".tmp.png")
    colours.save(tmp, optimize=True)
    tmp.replace(path)
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=THEME.parent / "tempo-kit")
    args = parser.parse_args()
    colours = load_theme_palette()
    args.out.mkdir(parents=True, exist_ok=True)
    drawings = {
        "logo.png": logo(colours),
        "timer-desk-landscape.png": device_scene((960, 540), colours, "Tempo Focus Timer"),
        "timer-desk-portrait.png": device_scene((540, 960), colours, "25-minute sprints"),
        "screen-timer.png": screen_timer(colours),
        "screen-streaks.png": screen_streaks(colours),
        "screen-study-room.png": screen_study_room(colours),
    }
    total = sum(save(image, args.out / name) for name, image in drawings.items())
    print(f"wrote {len(drawings)} images, {total // 1024} KB, to {args.out}")


def load_theme_palette() -> dict:
    """The default palette and derived UI tones (read as YAML: the kit may not exist yet)."""
    palette = Palette.model_validate(yaml.safe_load(THEME.read_text())["palette"])
    bg = rgb(palette.background)
    return {
        "primary": rgb(palette.primary),
        "secondary": rgb(palette.secondary),
        "accent": rgb(palette.accent),
        "bg": bg,
        "track": mix(bg, (255, 255, 255), 0.15),
        "card": mix(bg, (255, 255, 255), 0.08),
        "muted": mix(bg, (255, 255, 255), 0.65),
    }


if __name__ == "__main__":
    main()
