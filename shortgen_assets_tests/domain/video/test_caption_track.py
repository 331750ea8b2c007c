from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from shortgen_assets.domain.schemas import CaptionStyle, Palette, ProductionPlan, Scene, TextOverlay
from shortgen_assets.domain.video.caption_track import (
    FADE_STEPS,
    CaptionTrack,
    build_caption_track,
    build_overlays,
)
from shortgen_assets.domain.video.captions import Box, caption_look, group_phrases, safe_area
from shortgen_assets_tests.domain.video.test_captions import FIRST, SECOND

FRAME = (360, 640)
FPS = 30
DURATION = 3.5


def _entries(track: CaptionTrack) -> list[tuple[Path, float]]:
    lines = track.concat_path.read_text().splitlines()
    files = [Path(line[6:-1]) for line in lines if line.startswith("file ")]
    durations = [float(line.split()[1]) for line in lines if line.startswith("duration ")]
    return list(zip(files, durations, strict=True))


def _track(tmp_path: Path, highlight: bool = True) -> CaptionTrack:
    phrases = group_phrases([FIRST, SECOND], 3, round(DURATION * 1000))
    track = build_caption_track(
        phrases,
        caption_look(CaptionStyle(), FRAME[0]),
        highlight=highlight,
        position="bottom",
        frame=FRAME,
        fps=FPS,
        duration_s=DURATION,
        out_dir=tmp_path,
    )
    assert track is not None
    return track


def _shown_at(entries: list[tuple[Path, float]], seconds: float) -> Path:
    at = 0.0
    for path, duration in entries:
        if at <= seconds + 1e-6 < at + duration:
            return path
        at += duration
    raise AssertionError(f"nothing at {seconds}")


def test_timeline_covers_the_video_frame_exactly(tmp_path: Path) -> None:
    entries = _entries(_track(tmp_path))
    assert sum(d for _, d in entries) == pytest.approx(DURATION, abs=1 / FPS / 2)
    for _, duration in entries:
        assert duration * FPS == pytest.approx(round(duration * FPS), abs=1e-3)


def test_captions_appear_within_50_ms_of_their_words(tmp_path: Path) -> None:
    track = _track(tmp_path)
    words = [w for s in (FIRST, SECOND) for w in s.words]
    assert len(track.timings) == 4
    for timing in track.timings:
        assert timing.drift_ms <= 50
        assert timing.drift_ms <= 1000 / FPS / 2 + 1e-6  # rounding to the nearest frame only
    starts = [t.start_s for t in track.timings]
    assert starts == pytest.approx([0.1, 0.8333, 1.2333, 2.6], abs=0.02)
    shown = [s for t in track.timings for s in t.word_starts_s]
    assert shown == pytest.approx([w.start_ms / 1000 for w in words], abs=0.05)


def test_each_state_highlights_the_spoken_word_and_pauses_are_blank(tmp_path: Path) -> None:
    entries = _entries(_track(tmp_path))
    paths = {p for p, _ in entries}
    assert all(p.exists() for p in paths)
    sizes = {Image.open(p).size for p in paths}
    assert len(sizes) == 1  # one overlay stream: every strip has the same size
    at_fifth_word = _shown_at(entries, 1.05)  # "five" (starts at 1.02 s) is active
    at_fourth_word = _shown_at(entries, 0.95)
    assert at_fifth_word != at_fourth_word
    pause = Image.open(_shown_at(entries, 2.3))
    assert pause.getchannel("A").getbbox() is None  # nothing on screen between sentences


def test_phrases_fade_in(tmp_path: Path) -> None:
    entries = _entries(_track(tmp_path))
    first = Image.open(_shown_at(entries, 0.1)).getchannel("A")
    full = Image.open(_shown_at(entries, 0.25)).getchannel("A")
    assert 0 < max(first.getdata()) <= round(255 * FADE_STEPS[0]) + 1
    assert max(full.getdata()) == 255


def test_without_highlight_there_is_one_state_per_phrase(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    plain = _track(tmp_path / "plain", highlight=False)
    highlighted = _track(tmp_path, highlight=True)

    def full_states(track: CaptionTrack) -> set[str]:
        return {p.name for p, _ in _entries(track) if p.name.endswith("_1.0.tga")}

    assert len(full_states(plain)) == 4  # one per phrase
    assert len(full_states(highlighted)) == 9  # one per word
    assert all(t.word_starts_s == [] for t in plain.timings)
    assert max(t.drift_ms for t in plain.timings) <= 50


def test_caption_strip_is_inside_the_safe_area(tmp_path: Path) -> None:
    track = _track(tmp_path)
    assert safe_area(*FRAME).contains(track.box)


def _plan(overlays: list[TextOverlay]) -> ProductionPlan:
    return ProductionPlan(
        title="Title",
        description="d",
        video_prompt="v",
        duration_target=10,
        scenes=[Scene(scene_number=1, duration_seconds=10, visual_prompt="x")],
        voiceover_sentences=["One."],
        hook_text="Stop scrolling!",
        cta_text="Follow for more",
        text_overlays=overlays,
        hashtags=["#x"],
    )


def _intersects(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_hook_cta_and_plan_overlays_are_timed_placed_and_apart(tmp_path: Path) -> None:
    plan = _plan(
        [
            TextOverlay(text="Callout in the middle", start=7.5, end=10.0, position="center"),
            TextOverlay(text="Low callout", start=1.0, end=2.0, position="bottom"),
            TextOverlay(text="Stop scrolling!", start=0, end=2, style="hook"),  # duplicate of hook
        ]
    )
    caption_box = Box(40, 400, 280, 60)
    overlays = build_overlays(
        plan,
        caption_look(CaptionStyle(), FRAME[0]),
        Palette(),
        caption_position="bottom",
        caption_box=caption_box,
        frame=FRAME,
        duration_s=10.0,
        out_dir=tmp_path,
    )
    kinds = [(o.kind, o.text) for o in overlays]
    assert kinds == [
        ("hook", "Stop scrolling!"),
        ("cta", "Follow for more"),
        ("callout", "Callout in the middle"),
        ("callout", "Low callout"),
    ]
    hook, cta = overlays[0], overlays[1]
    assert (hook.start, hook.end) == (0, 3.0)
    assert (cta.start, cta.end) == (7.0, 10.0)
    safe = safe_area(*FRAME)
    for overlay in overlays:
        assert safe.contains(overlay.box)
        assert not _intersects(overlay.box, caption_box)
        assert Image.open(overlay.path).size == (overlay.box.width, overlay.box.height)
        for other in overlays:
            together = overlay.start < other.end and other.start < overlay.end
            if other is not overlay and together:
                assert not _intersects(overlay.box, other.box), (overlay.text, other.text)
