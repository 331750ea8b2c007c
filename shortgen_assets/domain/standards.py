"""The standards, defined once: loudness, silence, duration tolerances, the trend signal floor.

Domain code aims at them (mastering to the loudness target), providers refuse output that misses
them (a silent narration) and the asset checks grade every stage's output against them.
"""

LUFS_TARGET = -14.0
"""Integrated loudness of every video, the short-video platforms' normalisation level."""
LUFS_TOLERANCE = 1.0
MAX_TRUE_PEAK_DBTP = -1.0
SILENT_RMS_DBFS = -50.0
"""A narration quieter than this (RMS) is silence, not speech."""
VOICEOVER_TOLERANCE = 0.10
"""A narration may miss the plan's target duration by this fraction either way."""
SHORT_BRIEF_SECONDS = 10.0
SHORT_BRIEF_SLACK_SECONDS = 1.5
"""Under 10 s one word is a tenth of the video: such briefs may miss by 1.5 s instead."""
VIDEO_DURATION_TOLERANCE_S = 0.25
"""How far the video's length may drift from the narration's."""
MIN_SIGNAL_ITEMS = 10
"""Fewer matching trends than this make a weak signal (a warning; the plan leans on the theme)."""
PROVIDER_CONNECT_TIMEOUT_S = 10.0
"""Connecting to an API provider, per attempt."""
PROVIDER_READ_TIMEOUT_S = 120.0
"""Waiting for an API provider's answer, per attempt (a long LLM reply takes a minute or two)."""
PROVIDER_CALL_BUDGET_S = 170.0
"""One provider call with all its retries: a dead provider fails its step within 3 minutes."""


def hook_and_cta_positions(caption_position: str) -> tuple[str, str]:
    """Where the hook and the call to action sit, clear of the captions: both at the top over
    bottom or centred captions; under top captions, the hook in the middle and the CTA at the
    bottom (at the end the logo end card takes the middle)."""
    if caption_position == "top":
        return "center", "bottom"
    return "top", "top"
