"""Fonts from PyPI wheels and text drawing that never shows tofu boxes.

Captions are set in Montserrat (fontpkg-montserrat). Latin fonts cannot draw emoji, CJK, Arabic or
Hebrew, so text is split into runs: each character goes to the first font of a Noto fallback chain
(manimgx-fonts, manimgx-fonts-cjk) whose cmap really has it. Coverage is decided by rendering the
character and comparing it with the font's own .notdef glyph, which is what FreeType draws for an
unmapped code point. Runs are shaped by Pillow's raqm layout; right-to-left lines place their runs
right to left.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg_montserrat
import manimgx_fonts
import manimgx_fonts_cjk
from PIL import ImageDraw, ImageFont

MONTSERRAT_DIR = fontpkg_montserrat.ROOT / "files"
NOTO_DIR = Path(manimgx_fonts.__file__).resolve().parent
NOTO_CJK_DIR = Path(manimgx_fonts_cjk.__file__).resolve().parent

WEIGHTS = {
    "thin": 100,
    "extralight": 200,
    "light": 300,
    "regular": 400,
    "medium": 500,
    "semibold": 600,
    "bold": 700,
    "extrabold": 800,
    "black": 900,
}
FAMILIES = {
    "montserrat": MONTSERRAT_DIR / "Montserrat[wght].ttf",
    "montserrat-italic": MONTSERRAT_DIR / "Montserrat-Italic[wght].ttf",
    "notosans": NOTO_DIR / "NotoSans[wght].ttf",
    "notosans-italic": NOTO_DIR / "NotoSans-Italic[wght].ttf",
}
_SCRIPT_FACES = (
    *("Arabic", "Hebrew", "Devanagari", "Bengali", "Thai", "Tamil", "Telugu", "Kannada"),
    *("Malayalam", "Gujarati", "Gurmukhi", "Oriya", "Sinhala", "Khmer", "Lao", "Myanmar"),
    *("Georgian", "Armenian", "Ethiopic"),
)
_PROBE_SIZE = 32
_NOTDEF_PROBE = "\U0010fffd"  # plane-16 private use: no font here maps it, so it draws .notdef
_ATTACHING = {"Mn", "Me", "Cf"}  # combining marks, ZWJ, variation selectors: stay with their base


class FontNotFoundError(ValueError):
    """A caption font name that names no bundled font file."""


@dataclass(frozen=True)
class FontFace:
    """One font file (and face index in a collection) at one weight of its weight axis."""

    path: Path
    index: int = 0
    weight: int | None = None

    def load(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self, size)


@cache
def _load(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(face.path), size, index=face.index)
    axes = _variation_axes(font) if face.weight is not None else []
    if axes and face.weight is not None:
        low, high = int(axes[0]["minimum"]), int(axes[0]["maximum"])
        font.set_variation_by_axes([min(max(face.weight, low), high)])
    return font


def _variation_axes(font: ImageFont.FreeTypeFont) -> list[dict]:
    """The font's variation axes (weight first in every bundled font); none for static fonts."""
    try:
        return list(font.get_variation_axes())
    except OSError:
        return []


def resolve_face(name: str) -> FontFace:
    """A theme's font name ("Montserrat-ExtraBold", "NotoSans-Bold", or a .ttf/.otf path)."""
    as_path = Path(name).expanduser()
    if as_path.suffix.lower() in {".ttf", ".otf", ".ttc"}:
        if not as_path.is_file():
            raise FontNotFoundError(f"font file {name} does not exist")
        return FontFace(as_path)
    family, _, style = name.lower().replace(" ", "").partition("-")
    italic = style.endswith("italic")
    weight_name = style.removesuffix("italic").strip("-") or "regular"
    key = f"{family}-italic" if italic else family
    if key not in FAMILIES or weight_name not in WEIGHTS:
        weights = "|".join(w.title() for w in WEIGHTS)
        raise FontNotFoundError(
            f"unknown caption font {name!r}: write Montserrat-<weight> or NotoSans-<weight> "
            f"(weight one of {weights}, optionally followed by -Italic) or a .ttf/.otf path"
        )
    return FontFace(FAMILIES[key], weight=WEIGHTS[weight_name])


def fallback_chain(weight: int | None) -> tuple[FontFace, ...]:
    """Noto faces tried after the primary font, Latin first, emoji last."""
    faces = [FontFace(NOTO_DIR / "NotoSans[wght].ttf", weight=weight)]
    faces += [
        FontFace(NOTO_DIR / f"NotoSans{script}[wght].ttf", weight=weight)
        for script in _SCRIPT_FACES
    ]
    faces.append(FontFace(NOTO_CJK_DIR / "NotoSansCJK-VF.otf.ttc", index=0, weight=weight))
    faces.append(FontFace(NOTO_DIR / "NotoSansSymbols[wght].ttf", weight=weight))
    faces.append(FontFace(NOTO_DIR / "NotoEmoji[wght].ttf", weight=min(weight or 400, 700)))
    return tuple(faces)


@cache
def _notdef_mask(face: FontFace) -> tuple[tuple[int, int], bytes]:
    mask = face.load(_PROBE_SIZE).getmask(_NOTDEF_PROBE)
    return mask.size, bytes(mask)


@cache
def covers(face: FontFace, char: str) -> bool:
    """True when the face has a real glyph for `char` (its drawing differs from .notdef)."""
    if char.isspace():
        return True
    mask = face.load(_PROBE_SIZE).getmask(char)
    return (mask.size, bytes(mask)) != _notdef_mask(face)


def _sticks(char: str) -> bool:
    """Spaces, punctuation and combining marks stay in the current run's font."""
    category = unicodedata.category(char)
    return char.isspace() or category in _ATTACHING or category.startswith("P")


def is_rtl(text: str) -> bool:
    """Base direction from the first strong character, as the Unicode bidi algorithm does."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return True
        if kind == "L":
            return False
    return False


@dataclass(frozen=True)
class Run:
    text: str
    font: ImageFont.FreeTypeFont
    width: float


class TextShaper:
    """A primary face plus its fallback chain at one pixel size: splits, measures and draws text."""

    def __init__(self, primary: FontFace, size: int) -> None:
        self.size = size
        self.faces = (primary, *fallback_chain(primary.weight))
        self.font = primary.load(size)
        ascent, descent = self.font.getmetrics()
        self.ascent, self.descent = ascent, descent

    def face_for(self, char: str) -> FontFace | None:
        return next((face for face in self.faces if covers(face, char)), None)

    def runs(self, text: str) -> list[Run]:
        """Font runs of `text` in visual order (right-to-left text gets its runs reversed)."""
        pieces: list[tuple[FontFace, list[str]]] = []
        for char in text:
            current = pieces[-1][0] if pieces else None
            if current is not None and _sticks(char) and covers(current, char):
                pieces[-1][1].append(char)
                continue
            face = self.face_for(char) or self.faces[0]
            if face == current:
                pieces[-1][1].append(char)
            else:
                pieces.append((face, [char]))
        runs = [self._run(face, "".join(chars)) for face, chars in pieces]
        return runs[::-1] if is_rtl(text) and len(runs) > 1 else runs

    def _run(self, face: FontFace, text: str) -> Run:
        font = face.load(self.size)
        return Run(text, font, font.getlength(text))

    def width(self, text: str) -> float:
        return sum(run.width for run in self.runs(text))

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        left: float,
        baseline: float,
        text: str,
        fill: str | tuple[int, ...],
        stroke_width: int = 0,
        stroke_fill: str | tuple[int, ...] | None = None,
    ) -> float:
        """Draw `text` with its left edge at `left` on `baseline`; returns the advance."""
        x = left
        for run in self.runs(text):
            draw.text(
                (x, baseline),
                run.text,
                font=run.font,
                fill=fill,
                anchor="ls",
                stroke_width=stroke_width,
                stroke_fill=stroke_fill,
            )
            x += run.width
        return x - left


def missing_characters(text: str, shaper: TextShaper) -> list[str]:
    """Characters no face in the chain can draw (they would come out as tofu)."""
    visible = (c for c in text if unicodedata.category(c) not in _ATTACHING and not c.isspace())
    return [c for c in visible if shaper.face_for(c) is None]
