from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from shortgen_assets.domain.audio.music import music_bed
from shortgen_assets.domain.audio.soundtrack import SAMPLE_RATE, decode_audio
from shortgen_assets.domain.media import MediaError, measure_loudness, probe, run_ffmpeg
from shortgen_assets.domain.schemas import (
    Clip,
    Footage,
    Narration,
    ProductionPlan,
    Scene,
    SentenceTiming,
    WordTiming,
)
from shortgen_assets.domain.video.captions import safe_area
from shortgen_assets.domain.video.composition import ComposedVideo, CompositionRequest, compose
from shortgen_assets_tests.domain.audio.test_soundtrack import speechlike_narration

W, H = 360, 640
GREEN = (32, 128, 32)


def make_clip(path: Path, source: str, seconds: float, size: tuple[int, int] = (W, H)) -> Clip:
    spec = (
        f"{source}:s={size[0]}x{size[1]}:r=30"
        if "=" in source
        else f"{source}=s={size[0]}x{size[1]}:r=30"
    )
    args = [
        "-f",
        "lavfi",
        "-i",
        spec,
        "-t",
        str(seconds),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
    ]
    run_ffmpeg([*args, "-pix_fmt", "yuv420p", str(path)], what="making a test clip")
    return Clip(
        path=str(path),
        scene_number=1,
        duration_seconds=seconds,
        width=size[0],
        height=size[1],
        fps=30,
        provider="test",
    )


def make_plan(seconds: float) -> ProductionPlan:
    return ProductionPlan(
        title="Save hours every week",
        description="d",
        video_prompt="v",
        duration_target=max(5.0, seconds),
        scenes=[Scene(scene_number=1, duration_seconds=seconds, visual_prompt="x")],
        voiceover_sentences=["Stop scrolling now.", "This app saves hours."],
        hook_text="Stop 🔥",
        cta_text="Follow",
        hashtags=["#x"],
    )


def grab(video: Path, seconds: float, out: Path) -> Image.Image:
    run_ffmpeg(["-ss", f"{seconds}", "-i", str(video), "-frames:v", "1", str(out)], what="grab")
    return Image.open(out).convert("RGB")


def top_level_atoms(path: Path) -> list[str]:
    data, atoms, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        atoms.append(kind.decode("latin-1"))
        at += size if size else len(data)
    return atoms


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> tuple[ComposedVideo, Path]:
    work = tmp_path_factory.mktemp("compose")
    clips = [
        make_clip(work / "green.mp4", "color=c=0x208020", 1.5),
        make_clip(work / "bars.mp4", "testsrc2", 1.5),
    ]
    sentences = [["Stop", "scrolling", "now."], ["This", "app", "saves", "hours."]]
    narration = speechlike_narration(work / "voice.wav", sentences, 3.0)
    out_dir = work / "out"
    request = CompositionRequest(
        footage=Footage(clips=clips, provider="test"),
        narration=narration,
        plan=make_plan(3.0),
        out_path=out_dir / "video.mp4",
        width=W,
        height=H,
        thumbnail_time=0.5,
        music_seed="Acme",
    )
    return compose(request), work


def test_output_is_h264_aac_at_the_requested_size(composed: tuple[ComposedVideo, Path]) -> None:
    result, _ = composed
    info = probe(result.video_path)
    assert (info.video_codec, info.pix_fmt, info.audio_codec) == ("h264", "yuv420p", "aac")
    assert (info.width, info.height, info.sample_rate) == (W, H, 48000)
    assert info.fps == pytest.approx(30.0)
    assert (result.width, result.height, result.video_codec) == (W, H, "h264")
    assert result.size_bytes == result.video_path.stat().st_size


def test_duration_matches_the_narration(composed: tuple[ComposedVideo, Path]) -> None:
    result, _ = composed
    assert abs(probe(result.video_path).duration - 3.0) <= 0.25
    assert abs(result.duration - 3.0) <= 0.25


def test_moov_comes_before_mdat_for_fast_start(composed: tuple[ComposedVideo, Path]) -> None:
    atoms = top_level_atoms(composed[0].video_path)
    assert "moov" in atoms and "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat")


def test_loudness_is_normalized(composed: tuple[ComposedVideo, Path]) -> None:
    result, _ = composed
    loudness = measure_loudness(result.video_path)
    assert abs(loudness.integrated_lufs + 14.0) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0
    assert result.loudness.integrated_lufs == loudness.integrated_lufs


def test_captions_follow_the_words_inside_the_safe_area(
    composed: tuple[ComposedVideo, Path],
) -> None:
    result, work = composed
    assert result.captions == 3  # "Stop scrolling now." / "This app" / "saves hours."
    assert result.max_caption_drift_ms <= 50
    safe = safe_area(W, H)
    x, y, w, h = result.caption_box
    assert safe.y <= y and y + h <= safe.bottom and safe.x <= x and x + w <= safe.right
    for overlay in result.overlays:
        _ox, oy, _ow, oh = overlay.box
        assert safe.y <= oy and oy + oh <= safe.bottom
    before = grab(result.video_path, 0.1, work / "before.png").crop((x, y, x + w, y + h))
    during = grab(result.video_path, 0.9, work / "during.png").crop((x, y, x + w, y + h))
    assert max(abs(c - g) for px in before.getdata() for c, g in zip(px, GREEN, strict=True)) < 40
    texty = sum(
        1 for px in during.getdata() if max(abs(c - g) for c, g in zip(px, GREEN, strict=True)) > 80
    )
    assert texty > 0.05 * w * h


def test_thumbnail_has_the_title_on_the_frame(composed: tuple[ComposedVideo, Path]) -> None:
    result, _ = composed
    with Image.open(result.thumbnail_path) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (W, H)
        rgb = thumb.convert("RGB")
        corner = rgb.getpixel((5, 5))
        assert max(abs(c - g) for c, g in zip(corner, GREEN, strict=True)) < 30
        centre = rgb.crop((W // 4, H // 2 - 10, 3 * W // 4, H // 2 + 10)).getdata()
        assert (
            sum(1 for px in centre if max(abs(c - g) for c, g in zip(px, GREEN, strict=True)) > 60)
            > 100
        )


def test_only_the_finished_files_are_left(composed: tuple[ComposedVideo, Path]) -> None:
    result, _ = composed
    assert sorted(p.name for p in result.video_path.parent.iterdir()) == ["video.jpg", "video.mp4"]
    assert set(result.timings) >= {"captions", "soundtrack", "encode", "thumbnail", "total"}


def _db(samples: np.ndarray) -> float:
    return 10 * math.log10(float(np.mean(np.square(samples, dtype=np.float64))) + 1e-20)


def test_music_is_ducked_at_least_12_db_under_speech(tmp_path: Path) -> None:
    seconds, size = 4.0, (270, 480)
    words = [("one", 1200, 1500), ("two", 1550, 1850), ("three", 1900, 2200)]
    timed = [WordTiming(text=t, start_ms=a, end_ms=b) for t, a, b in words]
    silent = speechlike_narration(tmp_path / "silent.wav", [["x"]], seconds, silent=True)
    narration = Narration(
        **{
            **silent.model_dump(),
            "sentences": [
                SentenceTiming(text="one two three", start_ms=1200, end_ms=2200, words=timed)
            ],
        }
    )
    request = CompositionRequest(
        footage=Footage(
            clips=[make_clip(tmp_path / "c.mp4", "testsrc2", seconds, size)], provider="t"
        ),
        narration=narration,
        plan=make_plan(seconds),
        out_path=tmp_path / "out" / "ducked.mp4",
        width=size[0],
        height=size[1],
        music_seed="Acme",
    )
    result = compose(request)
    heard = decode_audio(result.video_path, seconds, channels=1)[:, 0]
    bed = music_bed("Acme", seconds).mean(axis=1)
    speech = slice(int(1.4 * SAMPLE_RATE), int(2.0 * SAMPLE_RATE))
    clear = slice(int(2.8 * SAMPLE_RATE), int(3.4 * SAMPLE_RATE))
    gain_under_speech = _db(heard[speech]) - _db(bed[speech])
    gain_in_the_clear = _db(heard[clear]) - _db(bed[clear])
    assert gain_in_the_clear - gain_under_speech >= 12.0


def test_odd_footage_is_fitted_and_extended_to_the_narration(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "small.mp4", "testsrc2", 1.0, (320, 240))
    narration = speechlike_narration(tmp_path / "voice.wav", [["Square", "video", "test."]], 2.0)
    request = CompositionRequest(
        footage=Footage(clips=[clip], provider="t"),
        narration=narration,
        plan=make_plan(2.0),
        out_path=tmp_path / "square.mp4",
        width=360,
        height=360,
    )
    result = compose(request)
    info = probe(result.video_path)
    assert (info.width, info.height) == (360, 360)
    assert abs(info.duration - 2.0) <= 0.25
    with Image.open(result.thumbnail_path) as thumb:
        assert thumb.size == (360, 360)


def test_a_failed_render_leaves_no_file_behind(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"garbage" * 100)
    clip = Clip(
        path=str(broken),
        scene_number=1,
        duration_seconds=2,
        width=W,
        height=H,
        fps=30,
        provider="t",
    )
    narration = speechlike_narration(tmp_path / "voice.wav", [["Broken", "clip."]], 2.0)
    out_dir = tmp_path / "out"
    request = CompositionRequest(
        footage=Footage(clips=[clip], provider="t"),
        narration=narration,
        plan=make_plan(2.0),
        out_path=out_dir / "video.mp4",
        width=W,
        height=H,
    )
    with pytest.raises(MediaError, match=r"video\.mp4"):
        compose(request)
    assert list(out_dir.iterdir()) == []
