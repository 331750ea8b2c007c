"""A theme's brand kit: checked before anything is stored, then copied by content hash.

Kit files come from users, so each one is checked the cheap way first: `os.stat` before opening (a
FIFO or a directory is refused without ever being opened), then size, then the decoder's header
(pixels before any pixel is decoded), then a full decode. A job's theme snapshot points at copies
named by their SHA-256, so editing or moving the originals never changes a job's re-render.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from shortgen_assets.domain.media import MediaError, probe
from shortgen_assets.domain.schemas import Brand, Theme
from shortgen_assets.domain.scratch import atomic_output

IMAGE_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
CLIP_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv"}
MAX_IMAGE_BYTES = 40 * 1024 * 1024
MAX_CLIP_BYTES = 300 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_CLIP_SECONDS = 120.0


class KitError(ValueError):
    """A kit item that cannot be used; the message is one line naming the field, file and fix."""


@dataclass(frozen=True)
class KitItem:
    field: str  # e.g. brand.media[2].path
    path: Path
    kind: str  # logo, image, screenshot or clip


def kit_items(brand: Brand, base: Path) -> list[KitItem]:
    """Every file the kit names, resolved against the theme's folder (absolute paths stay)."""
    items = [KitItem("brand.logo", base / brand.logo, "logo")] if brand.logo else []
    items += [
        KitItem(f"brand.media[{i}].path", base / item.path, item.kind)
        for i, item in enumerate(brand.media)
    ]
    return items


def check_brand(brand: Brand, base: Path) -> None:
    """Raise KitError for the first item that is missing, not a regular file, or not usable."""
    for item in kit_items(brand, base):
        problem = _problem(item)
        if problem:
            raise KitError(f"{item.field} ({item.path}): {problem}")


def _problem(item: KitItem) -> str | None:
    try:
        info = os.stat(item.path)
    except FileNotFoundError:
        return "no such file; fix the path (relative to the theme file) or remove the item"
    except OSError as exc:
        return f"cannot be read ({exc.strerror}); check the path and its permissions"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory; point it at one image or clip file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a FIFO, socket or device); point it at a saved file"
    if item.kind == "clip":
        return _clip_problem(item.path, info.st_size)
    return _image_problem(item.path, info.st_size)


def _image_problem(path: Path, size: int) -> str | None:
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"unsupported image format {path.suffix or '(none)'!r}; save it as PNG, JPEG or WebP"
    if size > MAX_IMAGE_BYTES:
        return (
            f"{size // 2**20} MB is over the {MAX_IMAGE_BYTES // 2**20} MB limit; export it smaller"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt, (width, height) = image.format, image.size
                if width * height > MAX_PIXELS:
                    return _too_many_pixels(width, height)
                image.verify()
            with Image.open(path) as image:
                image.load()
    except Image.DecompressionBombError:
        return _too_many_pixels(None, None)
    except (OSError, SyntaxError, ValueError) as exc:
        return f"not a readable image ({_short(exc)}); re-export it as PNG or JPEG"
    if fmt not in set(IMAGE_SUFFIXES.values()):
        return f"holds a {fmt} image, which is not supported; save it as PNG, JPEG or WebP"
    return None


def _too_large(size: int, limit: int, fix: str) -> str:
    return f"{size // 2**20} MB is over the {limit // 2**20} MB limit; {fix}"


def _too_many_pixels(width: int | None, height: int | None) -> str:
    shown = f"{width}x{height}" if width else "the image"
    return f"{shown} is over the {MAX_PIXELS // 10**6} MP limit; resize it (4000x3000 is plenty)"


def _clip_problem(path: Path, size: int) -> str | None:
    if path.suffix.lower() not in CLIP_SUFFIXES:
        kinds = ", ".join(sorted(CLIP_SUFFIXES))
        return f"unsupported clip format {path.suffix or '(none)'!r}; use one of {kinds}"
    if size > MAX_CLIP_BYTES:
        return _too_large(size, MAX_CLIP_BYTES, "trim or re-encode it")
    try:
        info = probe(path)
    except MediaError:
        return "not a video ffmpeg can read; re-export it as H.264 MP4"
    if not info.video_codec or not info.width or not info.height:
        return "has no video stream; use a video file"
    if info.width * info.height > MAX_PIXELS:
        return _too_many_pixels(info.width, info.height)
    if not 0 < info.duration <= MAX_CLIP_SECONDS:
        return f"lasts {info.duration:.0f} s, over the {MAX_CLIP_SECONDS:.0f} s limit; trim it"
    return None


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:80] or type(exc).__name__


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _store(path: Path, kits_dir: Path) -> Path:
    """Copy `path` to kits_dir/<sha256><suffix> once; identical content shares one copy."""
    if not stat.S_ISREG(os.stat(path).st_mode):  # replaced since it was checked: never open it
        raise KitError(f"{path}: is no longer a regular file; request the job again")
    target = kits_dir / f"{_sha256(path)}{path.suffix.lower()}"
    if not target.is_file():
        kits_dir.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as tmp:
            shutil.copyfile(path, tmp)
    return target


def snapshot_brand(theme: Theme, base: Path, kits_dir: Path) -> Theme:
    """The theme with its kit copied into `kits_dir` and its paths pointing at the copies."""
    if theme.brand is None:
        return theme
    brand = theme.brand
    logo = str(_store(base / brand.logo, kits_dir)) if brand.logo else None
    media = [
        item.model_copy(update={"path": str(_store(base / item.path, kits_dir))})
        for item in brand.media
    ]
    return theme.model_copy(
        update={"brand": brand.model_copy(update={"logo": logo, "media": media})}
    )
