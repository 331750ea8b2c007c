from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import numpy as np
import pytest

from shortgen_assets.domain.media import ffmpeg_exe, probe
from shortgen_assets.domain.schemas import Palette
from shortgen_assets.domain.video.procedural import (
    MOTIFS,
    build_graph,
    recipe_for,
    render_scene,
    work_size,
)

W, H, FPS = 180, 320, 15
PALETTE = Palette()


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """One decoded RGB frame as a (H, W, 3) float array."""
    cmd = [ffmpeg_exe(), "-v", "error", "-ss", f"{seconds}", "-i", str(path), "-frames:v", "1"]
    raw = subprocess.run(
        [*cmd, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(H, W, 3).astype(float)


def test_same_prompt_and_palette_give_the_same_recipe_and_command(tmp_path: Path) -> None:
    prompt = "Steam rising from a coffee cup on a sunlit desk"
    first, second = recipe_for(prompt, PALETTE), recipe_for(prompt, PALETTE)
    assert first == second
    assert build_graph(first, tmp_path, W, H, FPS, 30) == build_graph(
        second, tmp_path, W, H, FPS, 30
    )


def test_recipe_depends_on_prompt_and_palette() -> None:
    prompts = [f"scene about topic {i}" for i in range(12)]
    assert len({recipe_for(p, PALETTE) for p in prompts}) == len(prompts)
    assert len({recipe_for(p, PALETTE).motif for p in prompts}) >= 3
    other = Palette(primary="#FF0000", secondary="#00FF00", accent="#0000FF")
    assert recipe_for(prompts[0], other).colours != recipe_for(prompts[0], PALETTE).colours
    assert set(recipe_for(prompts[0], other).colours) == {
        "#0B1020",
        "#FF0000",
        "#00FF00",
        "#0000FF",
    }


def test_prompt_words_steer_the_motif() -> None:
    assert recipe_for("City lights glow at night", PALETTE).motif == "bokeh"
    assert recipe_for("Organic growth of a community network", PALETTE).motif == "cells"


def test_avoid_picks_another_motif() -> None:
    prompt = "City lights glow at night"
    assert recipe_for(prompt, PALETTE, avoid="bokeh").motif != "bokeh"


def test_work_size_is_even_and_a_fraction_of_the_target() -> None:
    assert work_size(1080, 1920, 4) == (270, 480)
    assert work_size(180, 320, 4) == (90, 160)
    assert all(v % 2 == 0 for v in work_size(1000, 1778, 4))


@pytest.mark.parametrize("motif", MOTIFS)
def test_every_motif_renders_animated_h264_at_the_target_size(tmp_path: Path, motif: str) -> None:
    recipe = dataclasses.replace(recipe_for("a scene", PALETTE), motif=motif)
    out = render_scene(recipe, tmp_path / f"{motif}.mp4", frames=23, width=W, height=H, fps=FPS)

    info = probe(out)
    assert (info.width, info.height, info.fps) == (W, H, FPS)
    assert (info.video_codec, info.pix_fmt, info.has_audio) == ("h264", "yuv420p", False)
    assert info.duration == pytest.approx(23 / FPS, abs=1 / FPS)
    assert np.abs(frame_at(out, 0) - frame_at(out, 1.4)).mean() > 1.0, "background is static"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{motif}.mp4"], "temp files left"


def test_different_prompts_look_different(tmp_path: Path) -> None:
    frames = []
    for i, prompt in enumerate(("Sunset over calm water", "Fast motion of city traffic")):
        out = render_scene(
            recipe_for(prompt, PALETTE),
            tmp_path / f"{i}.mp4",
            frames=15,
            width=W,
            height=H,
            fps=FPS,
        )
        frames.append(frame_at(out, 0.5))
    pixel_difference = np.abs(frames[0] - frames[1]).mean()
    mean_colour_difference = np.abs(frames[0].mean((0, 1)) - frames[1].mean((0, 1))).max()
    assert pixel_difference > 15
    assert mean_colour_difference > 5
