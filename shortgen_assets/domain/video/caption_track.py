"""Caption and overlay images for the composer, each drawn once and timed to video frames.

All caption states (every phrase, every active-word highlight, a few fade-in steps) are drawn
into strips of one common size, the union of the phrases' boxes (RLE TGA: five times faster to
write than PNG), and listed in an ffconcat script with per-image durations. ffmpeg reads that
script as a single image stream and lays it over the footage with one overlay filter, however
many captions the video has. Hook, CTA and plan overlays are few, so each is a small PNG of its
own, placed and faded by the filter graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from PIL import Image
from pydantic import BaseModel, computed_field

from shortgen_assets.domain.schemas import Palette, ProductionPlan, TextOverlay
from shortgen_assets.domain.standards import hook_and_cta_positions
from shortgen_assets.domain.video.captions import (
    EDGE_MARGIN,
    Box,
    Phrase,
    TextLook,
    anchor_box,
    draw_backing,
    draw_fills,
    layout_text,
    render_overlay,
    safe_area,
)

FADE_STEPS = (0.25, 0.5, 0.75)  # alpha of the frames before a phrase shows fully
BLANK = "blank"


class CaptionTiming(BaseModel):
    """When a phrase is on screen (frame-exact) next to the word timings it was cut from."""

    text: str
    start_s: float
    end_s: float
    word_starts_s: list[float]
    source_word_starts_ms: list[int]

    @computed_field
    @property
    def drift_ms(self) -> float:
        """Largest gap between a displayed word start and the narration's word start."""
        shown = self.word_starts_s or [self.start_s]
        source = self.source_word_starts_ms[: len(shown)]
        return max(abs(s * 1000 - ms) for s, ms in zip(shown, source, strict=True))


@dataclass(frozen=True)
class CaptionTrack:
    concat_path: Path
    box: Box
    timings: list[CaptionTiming]
    image_count: int


@dataclass(frozen=True)
class OverlayImage:
    path: Path
    box: Box
    start: float
    end: float
    text: str
    kind: str


def _frame(ms: float, fps: int) -> int:
    return round(ms * fps / 1000)


def _phrase_events(
    phrase: Phrase, index: int, fps: int, total: int, highlight: bool
) -> tuple[list[tuple[int, tuple]], CaptionTiming]:
    """(frame, image key) changes for one phrase, ending with a blank at its end frame."""
    start, end = _frame(phrase.start_ms, fps), min(_frame(phrase.end_ms, fps), total)
    end = max(end, start + 1)
    states = (
        [(max(start, _frame(w.start_ms, fps)), k) for k, w in enumerate(phrase.words)]
        if highlight
        else [(start, None)]
    )
    states = [(f, k) for f, k in states if f < end]
    events: list[tuple[int, tuple]] = [(f, (index, k, 1.0)) for f, k in states]
    if end - start > 2 * len(FADE_STEPS):

        def state_at(frame: int) -> int | None:
            return next(k for f, k in reversed(states) if f <= frame)

        for n, alpha in enumerate(FADE_STEPS):  # listed later, so they win at the same frame
            events.append((start + n, (index, state_at(start + n), alpha)))
        settled = start + len(FADE_STEPS)
        events.append((settled, (index, state_at(settled), 1.0)))
        events.sort(key=lambda event: event[0])
    events.append((end, (BLANK,)))
    shown = [f / fps for f, _ in states] if highlight else []
    timing = CaptionTiming(
        text=phrase.text,
        start_s=start / fps,
        end_s=end / fps,
        word_starts_s=shown,
        source_word_starts_ms=[w.start_ms for w in phrase.words],
    )
    return events, timing


def _timeline(events: list[tuple[int, tuple]], total: int) -> list[tuple[tuple, int]]:
    """(image key, frames) from frame 0 to `total`; a later event at the same frame wins."""
    by_frame: dict[int, tuple] = {0: (BLANK,)}
    for frame, key in events:
        if frame < total:
            by_frame[frame] = key
    frames = sorted(by_frame)
    entries: list[tuple[tuple, int]] = []
    for at, nxt in zip(frames, [*frames[1:], total], strict=True):
        if entries and entries[-1][0] == by_frame[at]:
            entries[-1] = (entries[-1][0], entries[-1][1] + nxt - at)
        else:
            entries.append((by_frame[at], nxt - at))
    return entries


def _faded(image: Image.Image, alpha: float) -> Image.Image:
    faded = image.copy()
    faded.putalpha(image.getchannel("A").point(lambda a: round(a * alpha)))
    return faded


def build_caption_track(
    phrases: list[Phrase],
    look: TextLook,
    *,
    highlight: bool,
    position: str,
    frame: tuple[int, int],
    fps: int,
    duration_s: float,
    out_dir: Path,
) -> CaptionTrack | None:
    """Draw every caption state into same-size strips and write their ffconcat timeline."""
    if not phrases:
        return None
    safe = safe_area(*frame)
    blocks = [layout_text(p.text, look, safe.width) for p in phrases]
    boxes = [anchor_box(b.width, b.height, position, frame) for b in blocks]
    strip = reduce(Box.union, boxes)
    total = max(1, round(duration_s * fps))
    events, timings = [], []
    for index, phrase in enumerate(phrases):
        phrase_events, timing = _phrase_events(phrase, index, fps, total, highlight)
        events += phrase_events
        timings.append(timing)
    entries = _timeline(events, total)
    paths = _draw_states(entries, blocks, boxes, strip, out_dir)
    concat = out_dir / "captions.ffconcat"
    lines = ["ffconcat version 1.0"]
    for key, frames in entries:
        lines += [f"file '{paths[key]}'", f"option framerate {fps}", f"duration {frames / fps:.6f}"]
    concat.write_text("\n".join(lines) + "\n")
    return CaptionTrack(concat, strip, timings, len(paths))


def _draw_states(entries, blocks, boxes, strip: Box, out_dir: Path) -> dict[tuple, Path]:
    """One image per distinct image key used by the timeline (phrase, active word, fade alpha);
    a phrase's backing and strokes are drawn once and copied under each state's fills."""
    paths: dict[tuple, Path] = {}
    drawn: dict[tuple, Image.Image] = {}
    backing: dict[int, Image.Image] = {}
    for key, _ in entries:
        if key in paths:
            continue
        path = out_dir / f"caption_{'_'.join(str(part) for part in key)}.tga"
        if key == (BLANK,):
            image = Image.new("RGBA", (strip.width, strip.height), (0, 0, 0, 0))
        else:
            index, active, alpha = key
            if (index, active) not in drawn:
                if any(phrase != index for phrase, _ in drawn):
                    drawn.clear()  # phrases come in order: keep only this phrase's states
                    backing.clear()
                origin = (boxes[index].x - strip.x, boxes[index].y - strip.y)
                if index not in backing:
                    backing[index] = Image.new("RGBA", (strip.width, strip.height), (0, 0, 0, 0))
                    draw_backing(backing[index], blocks[index], origin)
                canvas = backing[index].copy()
                draw_fills(canvas, blocks[index], origin, active)
                drawn[(index, active)] = canvas
            image = drawn[(index, active)]
            image = image if alpha >= 1.0 else _faded(image, alpha)
        image.save(path, compression="tga_rle")  # 5x faster than PNG; transparent rows pack tight
        paths[key] = path
    return paths


# --- overlays --------------------------------------------------------------------------------


def _overlay_specs(
    plan: ProductionPlan, duration_s: float, hook_s: float, cta_s: float, caption_position: str
) -> list[TextOverlay]:
    """Hook over the first seconds, CTA over the last, plus the plan's own overlays."""
    hook_position, cta_position = hook_and_cta_positions(caption_position)
    specs = [
        TextOverlay(
            text=plan.hook_text,
            start=0,
            end=min(hook_s, duration_s * 0.4),
            position=hook_position,
            style="hook",
        ),
        TextOverlay(
            text=plan.cta_text,
            start=max(duration_s * 0.6, duration_s - cta_s),
            end=duration_s,
            position=cta_position,
            style="cta",
        ),
    ]
    known = {plan.hook_text.strip().lower(), plan.cta_text.strip().lower()}
    for overlay in plan.text_overlays:
        # the hook and CTA are drawn above, whole: a plan's (maybe shortened) copy would repeat them
        repeats = overlay.style in ("hook", "cta") or overlay.text.strip().lower() in known
        if repeats or overlay.start >= duration_s:
            continue
        specs.append(overlay.model_copy(update={"end": min(overlay.end, duration_s)}))
    return specs


def _intersects(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def _free_box(box: Box, obstacles: list[Box], frame: tuple[int, int]) -> Box:
    """`box`, or the nearest spot just above or below an obstacle that overlaps nothing."""
    safe, margin = safe_area(*frame), round(frame[1] * EDGE_MARGIN)
    candidates = [box]
    for other in obstacles:
        candidates += [
            Box(box.x, other.y - margin - box.height, box.width, box.height),
            Box(box.x, other.bottom + margin, box.width, box.height),
        ]
    fitting = [
        c for c in candidates if safe.contains(c) and not any(_intersects(c, o) for o in obstacles)
    ]
    return min(fitting, key=lambda c: abs(c.y - box.y)) if fitting else box


def build_overlays(
    plan: ProductionPlan,
    look: TextLook,
    palette: Palette,
    *,
    caption_position: str,
    caption_box: Box | None,
    frame: tuple[int, int],
    duration_s: float,
    out_dir: Path,
    hook_seconds: float = 3.0,
    cta_seconds: float = 3.0,
) -> list[OverlayImage]:
    """Render the hook, CTA and plan overlays as cropped PNGs with their boxes and windows."""
    safe = safe_area(*frame)
    overlays = []
    specs = _overlay_specs(plan, duration_s, hook_seconds, cta_seconds, caption_position)
    for index, spec in enumerate(specs):
        image = render_overlay(spec.text, spec.style, look, palette, safe.width)
        concurrent = [o.box for o in overlays if o.start < spec.end and spec.start < o.end]
        obstacles = [*concurrent, *([caption_box] if caption_box else [])]
        box = _free_box(anchor_box(*image.size, spec.position, frame), obstacles, frame)
        path = out_dir / f"overlay_{index:02d}.png"
        image.save(path, compress_level=1)
        overlays.append(OverlayImage(path, box, spec.start, spec.end, spec.text, spec.style))
    return overlays
