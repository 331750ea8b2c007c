"""The encoded file's true peak is measured on the file and brought under the ceiling."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from shortgen_assets.domain.media import measure_loudness, probe, run_ffmpeg
from shortgen_assets.domain.standards import LUFS_TARGET, MAX_TRUE_PEAK_DBTP
from shortgen_assets.domain.video.delivery import hold_true_peak


def _video_stream_md5(path: Path) -> str:
    out = run_ffmpeg(["-i", str(path), "-map", "0:v", "-c", "copy", "-f", "md5", "-"], what="md5")
    return out.stdout.strip()


def _video_with_audio(tmp_path: Path, amplitude: float) -> tuple[Path, Path]:
    """A 2 s video whose AAC audio is a tone at `amplitude`, and that tone as the soundtrack."""
    wav, video = tmp_path / f"tone-{amplitude}.wav", tmp_path / f"video-{amplitude}.mp4"
    tone = f"aevalsrc={amplitude}*sin(2*PI*440*t)|{amplitude}*sin(2*PI*440*t):s=48000:d=2"
    run_ffmpeg(["-f", "lavfi", "-i", tone, "-c:a", "pcm_f32le", str(wav)], what="tone")
    args = ["-f", "lavfi", "-i", "testsrc2=s=64x64:r=30:d=2", "-i", str(wav)]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "192k", str(video)]
    run_ffmpeg(args, what="test video")
    return video, wav


def test_a_file_over_the_ceiling_gets_its_audio_encoded_again_under_it(tmp_path: Path) -> None:
    video, wav = _video_with_audio(tmp_path, 0.99)
    before = measure_loudness(video)
    assert before.true_peak_dbtp > MAX_TRUE_PEAK_DBTP
    frames = _video_stream_md5(video)

    loudness = hold_true_peak(video, wav, duration=2.0, bitrate="192k", work=tmp_path)

    assert loudness == measure_loudness(video)
    assert loudness.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP - 0.3
    assert loudness.integrated_lufs == pytest.approx(LUFS_TARGET, abs=1.0)
    assert _video_stream_md5(video) == frames, "the video stream is copied, not encoded again"
    assert probe(video).duration == pytest.approx(2.0, abs=0.05)
    assert sorted(p.name for p in tmp_path.glob(".*")) == [], "no temporary file left"


def test_a_file_under_the_ceiling_is_left_as_it_is(tmp_path: Path) -> None:
    video, wav = _video_with_audio(tmp_path, 0.25)
    content = hashlib.sha256(video.read_bytes()).hexdigest()

    loudness = hold_true_peak(video, wav, duration=2.0, bitrate="192k", work=tmp_path)

    assert loudness.true_peak_dbtp < MAX_TRUE_PEAK_DBTP
    assert hashlib.sha256(video.read_bytes()).hexdigest() == content
