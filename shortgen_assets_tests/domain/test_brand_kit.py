"""Brand kits: a defective item is one line and exit 2 with nothing stored; a good kit is copied by
content hash, so a job survives its originals being edited or moved."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from PIL import Image
from sqlalchemy import func, select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME, install, theme_file

KIT = DEFAULT_THEME.parent / "tempo-kit"


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width`x`height` in its header and holds one empty data chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _write(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return make


def _directory(folder: Path) -> Path:
    path = folder / "shots.png"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.png"
    os.mkfifo(path)
    return path


def _gif(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        Image.new("RGB", (32, 32), "red").save(path, format="GIF")
        return path

    return make


def _two_hour_clip(folder: Path) -> Path:
    path = folder / "webinar.mp4"
    colour = ["-f", "lavfi", "-i", "color=s=16x16:r=1", "-t", "7200"]
    run_ffmpeg([*colour, "-c:v", "libx264", "-preset", "ultrafast", str(path)], what="a long clip")
    return path


LOGO_BYTES = (KIT / "logo.png").read_bytes()

# defect -> (how to make the file, kind, expected words in the one-line error)
DEFECTS: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "missing_file": (lambda folder: folder / "nowhere.png", "image", "no such file"),
    "not_an_image": (
        _write("photo.png", b"just some text\n" * 20),
        "image",
        "not a readable image",
    ),
    "truncated_png": (_write("cut.png", LOGO_BYTES[: len(LOGO_BYTES) // 2]), "image", "readable"),
    "huge_pixels": (_write("huge.png", _png_header(20000, 20000)), "image", "over the 50 MP limit"),
    "two_hour_clip": (_two_hour_clip, "clip", "over the 120 s limit"),
    "directory": (_directory, "image", "is a directory"),
    "unsupported_format": (_gif("anim.gif"), "image", "unsupported image format '.gif'"),
    "gif_named_png": (_gif("disguised.png"), "screenshot", "holds a GIF image"),
    "fifo": (_fifo, "image", "not a regular file"),
    "clip_not_video": (_write("promo.mp4", b"\x00" * 2048), "clip", "not a video ffmpeg can read"),
}


def _kit_theme(folder: Path, broken: Path, kind: str) -> Path:
    """The default theme whose third media item is `broken` (relative to the theme file)."""
    media = [
        {"path": str(KIT / "screen-timer.png"), "kind": "screenshot", "about": "the timer"},
        {"path": str(KIT / "timer-desk-portrait.png"), "kind": "image", "about": "the device"},
        {"path": broken.name, "kind": kind, "about": "the defective item"},
    ]
    brand = {"logo": str(KIT / "logo.png"), "media": media}
    return theme_file(folder, "kit", brand=brand)


@pytest.fixture
def sqlite_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    """Kit checks happen before any database work, so one backend is enough here."""
    return install(tmp_path, "sqlite", monkeypatch, request)


def _job_count(settings: Settings) -> int:
    with session_scope(settings.app_database_url) as session:
        return session.scalar(select(func.count()).select_from(Job)) or 0


@pytest.mark.parametrize("command", ["request", "demo"])
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defective_kit_exits_2_with_one_line_and_stores_nothing(
    defect: str, command: str, sqlite_home: Settings, tmp_path: Path
) -> None:
    make, kind, expected = DEFECTS[defect]
    broken = make(tmp_path)
    theme = _kit_theme(tmp_path, broken, kind)
    result = CliRunner().invoke(app, [command, "--theme", str(theme)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {theme}: brand.media[2].path ({broken})"), lines[0]
    assert expected in lines[0] and "; " in lines[0]  # what is wrong, then the fix
    assert "Traceback" not in result.output
    assert _job_count(sqlite_home) == 0
    assert not sqlite_home.kits_dir.exists()


def test_kit_is_copied_by_content_hash_and_survives_the_originals(
    sqlite_home: Settings, tmp_path: Path
) -> None:
    kit = tmp_path / "kit"
    kit.mkdir()
    for name in ("logo.png", "screen-streaks.png"):
        (kit / name).write_bytes((KIT / name).read_bytes())
    brand = {
        "logo": "kit/logo.png",
        "media": [{"path": "kit/screen-streaks.png", "kind": "screenshot", "about": "streaks"}],
    }
    theme = theme_file(tmp_path, "own", brand=brand)
    result = CliRunner().invoke(app, ["request", "--theme", str(theme), "--count", "2"])
    assert result.exit_code == 0, result.output

    originals = {name: (kit / name).read_bytes() for name in ("logo.png", "screen-streaks.png")}
    (kit / "logo.png").write_bytes(b"edited")  # the user edits one original and moves the other
    (kit / "screen-streaks.png").rename(tmp_path / "moved.png")

    with session_scope(sqlite_home.app_database_url) as session:
        snapshots = [job.theme["brand"] for job in session.scalars(select(Job))]
    assert len(snapshots) == 2 and snapshots[0] == snapshots[1]
    logo, shot = Path(snapshots[0]["logo"]), Path(snapshots[0]["media"][0]["path"])
    assert logo.parent == shot.parent == sqlite_home.kits_dir
    assert logo.read_bytes() == originals["logo.png"]
    assert shot.read_bytes() == originals["screen-streaks.png"]
    assert len(logo.stem) == 64 and logo.suffix == ".png"  # named by SHA-256
    assert sorted(p.name for p in sqlite_home.kits_dir.iterdir()) == sorted([logo.name, shot.name])


def test_default_kit_is_small_and_each_item_loads() -> None:
    brand = yaml.safe_load(DEFAULT_THEME.read_text())["brand"]
    files = [KIT.parent / brand["logo"], *(KIT.parent / m["path"] for m in brand["media"])]
    assert sum(path.stat().st_size for path in KIT.iterdir()) < 400 * 1024
    shapes = {Image.open(path).size for path in files}
    assert any(w > h for w, h in shapes) and any(h > w for w, h in shapes)
