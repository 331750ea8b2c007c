"""Scenes that show the product: a demo with a brand kit shows every item and ends on the logo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw
from sqlalchemy import select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Media, Video
from shortgen_assets.db.session import session_scope
from shortgen_assets.domain.media import probe, run_ffmpeg, survey_video
from shortgen_assets.domain.schemas import CaptionStyle, Clip, Footage, Palette, Scene
from shortgen_assets.domain.video.captions import safe_area
from shortgen_assets.domain.video.composition import CompositionRequest, compose
from shortgen_assets.domain.video.kit_probe import (
    KIT_PROVIDER,
    THUMB,
    kit_on_screen,
    kit_sample_times,
)
from shortgen_assets.domain.video.kit_scenes import KitLook, end_card_still, render_kit_scene
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import theme_file
from shortgen_assets_tests.domain.audio.test_soundtrack import speechlike_narration
from shortgen_assets_tests.domain.video.test_composition import make_clip, make_plan

# Each kit item is a distinct colour, so a region of an output frame names the item it shows.
COLOURS = {
    "landscape": (215, 40, 40),
    "portrait": (40, 190, 70),
    "photo": (40, 80, 230),
    "clip": (235, 215, 30),
    "logo": (225, 40, 205),
}


def _image(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", size, colour)
    w, h = size
    ImageDraw.Draw(image).rectangle((w * 0.05, h * 0.05, w * 0.2, h * 0.2), fill="white")
    image.save(path, quality=90)
    return path


def _logo(path: Path) -> Path:
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 290, 290), fill=(*COLOURS["logo"], 255))
    image.save(path)
    return path


def _clip(path: Path) -> Path:
    colour = "0x{:02X}{:02X}{:02X}".format(*COLOURS["clip"])
    source = ["-f", "lavfi", "-i", f"color=c={colour}:s=320x180:r=30", "-t", "3"]
    run_ffmpeg([*source, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)], what="a clip")
    return path


def _kit_theme(folder: Path) -> Path:
    kit = folder / "kit"
    kit.mkdir()
    _logo(kit / "logo.png")
    _image(kit / "desk.png", (480, 270), COLOURS["landscape"])
    _image(kit / "phone.png", (270, 480), COLOURS["portrait"])
    _image(kit / "photo.jpg", (4000, 3000), COLOURS["photo"])
    _clip(kit / "promo.mp4")
    media = [
        {"path": "kit/desk.png", "kind": "image", "about": "the timer on a desk, sprints"},
        {"path": "kit/phone.png", "kind": "image", "about": "attention and focus on the phone"},
        {"path": "kit/photo.jpg", "kind": "image", "about": "breaks that stop burnout"},
        {"path": "kit/promo.mp4", "kind": "clip", "about": "friends in study rooms"},
    ]
    brand = {"logo": "kit/logo.png", "media": media}
    return theme_file(folder, "kit", brand=brand, duration_seconds=10)


def _frame(video: Path, at: float, out: Path) -> Image.Image:
    run_ffmpeg(["-ss", f"{at:.3f}", "-i", str(video), "-frames:v", "1", str(out)], what="a frame")
    with Image.open(out) as image:
        return image.convert("RGB")


def _region_colour(frame: Image.Image, centre: tuple[float, float]) -> tuple[int, ...]:
    """Mean colour of a small box around `centre` (fractions of the frame)."""
    w, h = frame.size
    x, y = centre[0] * w, centre[1] * h
    box = frame.crop((int(x - w * 0.06), int(y - h * 0.03), int(x + w * 0.06), int(y + h * 0.03)))
    return tuple(round(sum(c) / len(c)) for c in zip(*box.getdata(), strict=True))


def _nearest(colour: tuple[int, ...]) -> str:
    distance = {
        name: sum((a - b) ** 2 for a, b in zip(colour, ref, strict=True))
        for name, ref in COLOURS.items()
    }
    name = min(distance, key=distance.__getitem__)
    return name if distance[name] < 60**2 else "none"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_demo_with_a_kit_shows_every_item_and_ends_on_the_logo(
    installation: Settings, tmp_path: Path
) -> None:
    theme = _kit_theme(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--theme", str(theme)])
    assert result.exit_code == 0, result.output

    with session_scope(installation.app_database_url) as session:
        video = Path(session.scalars(select(Video)).one().path)
        rows = session.scalars(select(Media).where(Media.kind == "footage").order_by(Media.id))
        clips = [(row.details["scene_number"], row.duration_seconds) for row in rows]
    duration = probe(video).duration
    seen, start = [], 0.0
    for number, seconds in clips[:-1]:
        frame = _frame(video, start + seconds / 2, tmp_path / f"scene{number}.png")
        seen.append(_nearest(_region_colour(frame, (0.5, 0.47))))
        start += seconds
    assert {"landscape", "portrait", "photo", "clip"} <= set(seen), seen

    for before_end in (1.9, 0.5):  # the logo end card holds the final two seconds
        frame = _frame(video, duration - before_end, tmp_path / f"end{before_end}.png")
        column = [_nearest(_region_colour(frame, (0.5, y / 20))) for y in range(3, 17)]
        assert "logo" in column, column  # where depends on the captions; see END_CARD_BOTTOM
    assert clips[-1][1] >= 2.0


def test_the_output_probe_finds_kit_scenes_that_are_not_on_screen(tmp_path: Path) -> None:
    def clip(name: str, colour: str, provider: str, number: int) -> Clip:
        made = make_clip(tmp_path / f"{name}.mp4", f"color=c={colour}", 2.0, (144, 256))
        return made.model_copy(update={"provider": provider, "scene_number": number})

    shown = [clip("kit", "blue", KIT_PROVIDER, 1), clip("card", "white", KIT_PROVIDER, 2)]
    video = make_clip(tmp_path / "video.mp4", "color=c=blue", 4.0, (144, 256)).path
    footage = Footage(clips=shown, provider="p")
    survey = survey_video(video, kit_sample_times(footage, 4.0), THUMB)
    seen = kit_on_screen(footage, 4.0, survey.frames)
    assert seen.missing == [2] and seen.share == pytest.approx(0.5)
    assert seen.end_card_seconds == 0  # the video ends in blue, not on the white card


# Large enough for the product's name on one line, as on a phone; the layout is proportional.
FRAME = (270, 480)


@pytest.mark.parametrize("position", ["bottom", "center", "top"])
def test_every_scene_kind_keeps_captions_overlays_and_its_own_text_in_the_safe_zone(
    tmp_path: Path, position: str
) -> None:
    """And the end card's logo and name stay clear of the CTA panel and the captions over it."""
    _kit_theme(tmp_path)
    kit = tmp_path / "kit"
    media = [kit / "photo.jpg", kit / "phone.png", kit / "promo.mp4"]
    look = KitLook(Palette(), kit / "logo.png", "Tempo Focus Timer", caption_position=position)
    kinds = [
        ("product_shot", 0, None),
        ("screenshot", 1, None),
        ("clip", 2, None),
        ("kinetic_text", None, "25 minutes"),
        ("end_card", None, None),
    ]
    (width, height), clips = FRAME, []
    size = (width, height, 30)
    for number, (kind, index, text) in enumerate(kinds, start=1):
        scene = Scene(
            scene_number=number,
            duration_seconds=1.0,
            visual_prompt="x",
            kind=kind,  # type: ignore[arg-type]
            media_index=index,
            text=text,
            transition="fade",
        )
        source = media[index] if index is not None else None
        out = render_kit_scene(scene, source, look, tmp_path / f"s{number}.mp4", 30, size)
        clips.append(Clip(path=str(out), scene_number=number, duration_seconds=1.0, width=width,
                          height=height, fps=30, provider=KIT_PROVIDER))  # fmt: skip
    narration = speechlike_narration(
        tmp_path / "voice.wav", [["Five", "kinds", "of", "scene."], ["Each", "one", "safe."]], 5.0
    )
    # A call to action long enough for a three-line panel, as the default theme's.
    cta = "Download Tempo free and start your first sprint today"
    plan = make_plan(5.0).model_copy(update={"cta_text": cta})
    result = compose(
        CompositionRequest(
            footage=Footage(clips=clips, provider="kit"),
            narration=narration,
            plan=plan,
            out_path=tmp_path / "kinds.mp4",
            width=width,
            height=height,
            preset="ultrafast",
            caption_style=CaptionStyle(position=position),  # type: ignore[arg-type]
        )
    )
    safe = safe_area(width, height)
    boxes = [o.box for o in result.overlays] + [result.caption_box or (0, 0, 0, 0)]
    for x, y, w, h in boxes:
        assert safe.x <= x and x + w <= safe.right and safe.y <= y and y + h <= safe.bottom
    card = end_card_still(look, FRAME)  # the kit's own text and logo, off the gradient
    bare = end_card_still(KitLook(Palette(), None, " ", caption_position=position), FRAME)
    changed = ImageChops.difference(card.convert("RGB"), bare.convert("RGB")).getbbox()
    left, top, right, bottom = changed or (0, 0, 0, 0)
    assert safe.x <= left and right <= safe.right and safe.y <= top and bottom <= safe.bottom
    [cta] = [o.box for o in result.overlays if o.kind == "cta"]
    _, caption_y, _, caption_h = result.caption_box or (0, 0, 0, 0)
    for _, y, _, h in [cta, (0, caption_y, 0, caption_h)]:
        assert bottom <= y or y + h <= top, f"the end card's logo and name under a box at {y}"
    # The kinetic card's settled text (its last frame against its first, before it slides in).
    frames = [tmp_path / "kinetic_first.png", tmp_path / "kinetic_last.png"]
    run_ffmpeg(["-i", str(clips[3].path), "-frames:v", "1", str(frames[0])], what="first")
    run_ffmpeg(["-sseof", "-0.1", "-i", str(clips[3].path), "-frames:v", "1", str(frames[1])],
               what="last")  # fmt: skip
    first, last = (Image.open(f).convert("L") for f in frames)
    diff = ImageChops.difference(first, last).point(lambda v: 255 if v > 40 else 0)
    _, text_top, _, text_bottom = diff.getbbox() or (0, 0, 0, 0)
    assert text_bottom > text_top, "the kinetic card shows no text"
    assert text_bottom <= caption_y or caption_y + caption_h <= text_top
