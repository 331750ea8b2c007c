"""What the publisher tests share: a real small video, posts built as the asset builds them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shortgen_assets.domain.media import run_ffmpeg
from shortgen_assets.domain.publish.post import Post, PostRequest, build_post

FIXTURES = Path(__file__).parents[2] / "fixtures"


def fixture(folder: str, name: str) -> dict:
    return json.loads((FIXTURES / folder / name).read_text())


def render(path: Path, seconds: int, noise: bool) -> Path:
    """A real 270x480 H.264 MP4; with noise and lossless it is large (about 8 MB a second)."""
    source = "testsrc2=size=270x480:rate=30" + (",noise=alls=100:allf=t" if noise else "")
    quality = ["-qp", "0"] if noise else ["-b:v", "1500k"]
    args = ["-f", "lavfi", "-i", source, "-t", str(seconds), "-c:v", "libx264"]
    args += ["-preset", "ultrafast", *quality, "-pix_fmt", "yuv420p", str(path)]
    run_ffmpeg(args, what="rendering a publish test video")
    return path


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s, about 600 KB: three 256 KiB YouTube chunks."""
    return render(tmp_path_factory.mktemp("publish") / "source.mp4", 3, noise=False)


@pytest.fixture
def video(sample_video: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "job_7.mp4"
    copy.write_bytes(sample_video.read_bytes())
    thumbnail = tmp_path / "job_7.jpg"
    run_ffmpeg(["-i", str(copy), "-frames:v", "1", str(thumbnail)], what="a test thumbnail")
    return copy


def make_post(video: Path, platform: str = "youtube", **changes: object) -> Post:
    words = PostRequest(
        title=str(changes.pop("title", "Wake up like it's sunrise")),
        description=str(changes.pop("description", "Meet the Aurora lamp.")),
        hashtags=list(changes.pop("hashtags", ["#AuroraLamp", "MorningRoutine"])),  # type: ignore[arg-type]
    )
    options: dict = {
        "video_path": video,
        "thumbnail_path": video.with_suffix(".jpg"),
        "video_relpath": f"approved/job-7/{video.name}",
        "scheduled_at": None,
        "job_id": 7,
        "video_id": 3,
    }
    return build_post(platform, words, **{**options, **changes})  # type: ignore[arg-type]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix not in {".mp4", ".jpg"})
