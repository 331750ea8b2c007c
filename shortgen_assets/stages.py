"""The stage names, defined once: each is an asset key, a step name and a CLI word.

Plain strings with no Dagster import, so the command line can name stages without loading Dagster.
"""

from __future__ import annotations

TRENDS = "trends"
TREND_REPORT = "trend_report"
SCRIPT = "script"
VOICEOVER = "voiceover"
FOOTAGE = "footage"
VIDEO = "video"
REVIEW = "review"
PUBLICATION = "publication"

PIPELINE_STAGES = (TRENDS, TREND_REPORT, SCRIPT, VOICEOVER, FOOTAGE, VIDEO)
"""What one pipeline run materializes, in order; the last one makes the job's video."""
LAST_STAGE = PIPELINE_STAGES[-1]
ALL_STAGES = (*PIPELINE_STAGES, REVIEW, PUBLICATION)
