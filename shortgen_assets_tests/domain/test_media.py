"""One decode of a rendered video finds its black stretches and the frames a seek would show."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from shortgen_assets.domain.media import probe, run_ffmpeg, survey_video

THUMB = (24, 42)
FPS = 30


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 s of grey, 1 s of black, 1 s of grey; 30 fps H.264 with AAC, like the outputs.

    The grey changes by at least 37 levels from frame to frame, so a sample one frame off shows.
    """
    path = tmp_path_factory.mktemp("survey") / "video.mp4"
    size, grey = "s=144x256", "geq=lum='60+mod(N*37,180)':cb=128:cr=128,format=yuv420p"
    graph = (
        f"nullsrc={size}:r={FPS}:d=2,{grey}[a];color=c=black:{size}:r={FPS}:d=1[b];"
        f"nullsrc={size}:r={FPS}:d=1,{grey}[c];[a][b][c]concat=n=3:v=1:a=0[v]"
    )
    args = ["-filter_complex", graph, "-f", "lavfi", "-i", "sine=d=4", "-map", "[v]", "-map", "0:a"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]
    run_ffmpeg([*args, *encode, "-shortest", str(path)], what="making a test video")
    return path


def _seek_thumb(video: Path, at: float, out: Path) -> Image.Image:
    """The frame a `-ss` seek returns, thumbnailed: what the survey's samples must equal."""
    args = ["-ss", f"{at:.3f}", "-i", str(video), "-frames:v", "1", "-update", "1"]
    run_ffmpeg([*args, "-vf", f"scale={THUMB[0]}:{THUMB[1]}", str(out)], what="seeking")
    with Image.open(out) as image:
        return image.convert("L")


def _difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def test_the_survey_finds_the_black_stretch(video: Path) -> None:
    (start, end), *others = survey_video(video, [], THUMB).black
    assert not others
    assert start == pytest.approx(2.0, abs=1 / FPS) and end == pytest.approx(3.0, abs=1 / FPS)


def test_sampled_frames_are_the_frames_a_seek_returns(video: Path, tmp_path: Path) -> None:
    duration = probe(video).duration
    # On a frame boundary, within one frame (twice), in the black, in the end card's window.
    times = [0.0, 0.5, 1.0, 1.01, 1.03, 1.99, 2.5, 3.3, duration - 1.95, duration - 0.1]
    survey = survey_video(video, times, THUMB)
    assert survey.black and set(survey.frames) == set(times)
    for at in times:
        seen = _seek_thumb(video, at, tmp_path / "seek.png")
        assert survey.frames[at].size == THUMB
        assert _difference(survey.frames[at], seen) < 1, at  # the same frame, the same scaling
    assert _difference(survey.frames[1.01], survey.frames[1.03]) == 0  # the same frame
    assert _difference(survey.frames[1.0], survey.frames[1.01]) > 20  # the frame before it
    assert survey.frames[2.5].getextrema()[1] < 20  # black


def test_a_time_past_the_last_frame_gets_the_last_frame(video: Path) -> None:
    last = survey_video(video, [3.95, 3.92], THUMB).frames  # in the last frame, in the one before
    assert _difference(last[3.95], last[3.92]) > 20
    past = survey_video(video, [3.5, 4.5], THUMB).frames
    assert _difference(past[4.5], last[3.95]) == 0
