"""The encoded file keeps the platforms' true-peak ceiling, measured on the file itself.

The soundtrack is mastered under -3 dBTP, 2 dB below the -1 dBTP delivery ceiling, yet AAC can
raise a true peak by more than that on some short speech (seen at -0.4 dBTP on a 5 s video). So
the encoded file is measured, and when it is over, the soundtrack is mastered again under a
ceiling lowered by the overshoot and only the audio stream is encoded again (the video is copied).
"""

from __future__ import annotations

import os
from pathlib import Path

from shortgen_assets.domain.audio.soundtrack import CEILING_DBTP, master
from shortgen_assets.domain.media import Loudness, measure_loudness, run_ffmpeg
from shortgen_assets.domain.scratch import temp_sibling
from shortgen_assets.domain.standards import LUFS_TARGET, MAX_TRUE_PEAK_DBTP

PEAK_MARGIN_DB = 0.3  # the encoded file's true peak stays this far under the ceiling
ATTEMPTS = 2


def hold_true_peak(
    video: Path,
    soundtrack: Path,
    *,
    duration: float,
    bitrate: str,
    work: Path,
    target_lufs: float = LUFS_TARGET,
) -> Loudness:
    """The loudness of `video` (replaced in place if its audio had to be encoded again)."""
    measured = measure_loudness(video)
    ceiling = CEILING_DBTP
    for attempt in range(ATTEMPTS):
        excess = measured.true_peak_dbtp - (MAX_TRUE_PEAK_DBTP - PEAK_MARGIN_DB)
        if excess <= 0:
            break
        ceiling -= excess + 0.5
        quieter = work / f"soundtrack-ceiling-{attempt}.wav"
        master(soundtrack, quieter, target_lufs=target_lufs, ceiling_dbtp=ceiling)
        _replace_audio(video, quieter, duration, bitrate)
        measured = measure_loudness(video)
    return measured


def _replace_audio(video: Path, audio: Path, duration: float, bitrate: str) -> None:
    temp = temp_sibling(video)
    args = [
        *("-loglevel", "error", "-i", str(video), "-i", str(audio)),
        *("-map", "0:v", "-map", "1:a", "-c:v", "copy"),
        *("-c:a", "aac", "-b:a", bitrate, "-ar", "48000", "-ac", "2"),
        *("-t", f"{duration:.3f}", "-movflags", "+faststart", "-f", "mp4", str(temp)),
    ]
    try:
        run_ffmpeg(args, what=f"encoding the audio of {video.name} under the true-peak ceiling")
        os.replace(temp, video)
    finally:
        temp.unlink(missing_ok=True)
