from __future__ import annotations

from pathlib import Path

import pytest

from shortgen_assets.domain.media import probe, run_ffmpeg
from shortgen_assets.domain.schemas import ProductionPlan, Scene
from shortgen_assets.domain.video.clips import atomic_output, fit_clip, scene_frames


def make_plan(durations: list[float]) -> ProductionPlan:
    scenes = [
        Scene(scene_number=i + 1, duration_seconds=d, visual_prompt=f"scene {i + 1}")
        for i, d in enumerate(durations)
    ]
    return ProductionPlan(
        title="t",
        description="d",
        video_prompt="v",
        duration_target=max(5.0, sum(durations)),
        scenes=scenes,
        voiceover_sentences=["Hello."],
        hook_text="h",
        cta_text="c",
        hashtags=["#x"],
    )


def test_scenes_stretch_proportionally_to_cover_a_longer_narration() -> None:
    frames = scene_frames(make_plan([2, 3, 5]), narration_seconds=12.31, fps=30)
    assert sum(frames) == 370  # 12.31 s rounded up to a whole frame
    assert frames == [74, 111, 185]


def test_plan_length_is_kept_when_the_narration_is_shorter() -> None:
    assert scene_frames(make_plan([2, 3, 5]), narration_seconds=8.0, fps=30) == [60, 90, 150]


@pytest.mark.parametrize("narration", [0.5, 4.99, 7.01, 13.337, 29.999, 61.2])
@pytest.mark.parametrize("fps", [24, 25, 30])
def test_total_covers_the_narration_within_one_frame(narration: float, fps: int) -> None:
    plan = make_plan([1.3, 0.7, 2.9, 1.1])
    frames = scene_frames(plan, narration, fps)
    total = sum(frames) / fps
    assert total >= narration
    assert total - max(narration, 6.0) < 1 / fps
    assert all(f >= 1 for f in frames)


def test_tiny_scenes_still_get_a_frame_each() -> None:
    frames = scene_frames(make_plan([0.01, 0.01, 5]), narration_seconds=1.0, fps=10)
    assert sum(frames) == 51 and min(frames) == 1


@pytest.fixture(scope="module")
def landscape_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1 s 320x180 25 fps clip with audio: the wrong shape, rate and length on purpose."""
    out = tmp_path_factory.mktemp("src") / "source.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1", "-f", "lavfi", "-i",
         "sine=d=1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
         str(out)],
        what="making a test source",
    )  # fmt: skip
    return out


@pytest.mark.parametrize("frames", [9, 40])  # cut (0.6 s) and loop (2.67 s) a 1 s source
def test_fit_clip_cuts_or_loops_to_exact_frames_at_target_size(
    tmp_path: Path, landscape_source: Path, frames: int
) -> None:
    out = fit_clip(
        landscape_source, tmp_path / "clip.mp4", frames=frames, width=180, height=320, fps=15
    )
    info = probe(out)
    assert (info.width, info.height, info.fps) == (180, 320, 15)
    assert (info.video_codec, info.pix_fmt, info.has_audio) == ("h264", "yuv420p", False)
    assert info.duration == pytest.approx(frames / 15, abs=1 / 15)
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_atomic_output_leaves_nothing_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("encoder crashed")
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_replaces_the_target_on_success(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    target.write_bytes(b"old")
    with atomic_output(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".mp4"
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [target]
