"""Asset checks for every stage, evaluated inside the stage's own step.

Each asset declares its checks (`stage_checks`) and returns these results with its
materialization; all but the warnings are blocking, so a failed one fails the step and downstream
stages of the job do not run on unusable output. The rules and thresholds live in domain code; this
module only grades them, and names every check once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue

from shortgen_assets import stages
from shortgen_assets.domain.media import Loudness, MediaInfo
from shortgen_assets.domain.plan.checks import CHECKS as PLAN_RULES
from shortgen_assets.domain.plan.scene_kinds import MIN_KIT_SHARE, kit_problems, kit_share
from shortgen_assets.domain.plan.speakable import speakable_problems
from shortgen_assets.domain.schemas import Brand, ProductionPlan, Theme, TrendReport, TrendSignal
from shortgen_assets.domain.standards import (
    LUFS_TARGET,
    LUFS_TOLERANCE,
    MAX_TRUE_PEAK_DBTP,
    SHORT_BRIEF_SECONDS,
    SHORT_BRIEF_SLACK_SECONDS,
    SILENT_RMS_DBFS,
    VIDEO_DURATION_TOLERANCE_S,
    VOICEOVER_TOLERANCE,
)
from shortgen_assets.domain.trends.analysis import report_problems
from shortgen_assets.domain.video.kit_probe import KitOnScreen

TREND_SIGNAL = "trend_signal"
REPORT_CONSISTENT = "report_consistent"
PLAN_CHECK_NAMES = tuple(f"plan_{rule}" for rule in PLAN_RULES)
PLAN_SHOWS_KIT = "plan_shows_kit"
PLAN_SPEAKABLE = "plan_speakable"
VOICEOVER_AUDIBLE = "voiceover_audible"
VOICEOVER_FITS = "voiceover_fits_target"
FOOTAGE_COVERS = "footage_covers_narration"
FOOTAGE_FORMAT = "footage_format"
VIDEO_DURATION = "video_duration_matches_voiceover"
VIDEO_FORMAT = "video_format"
VIDEO_LOUDNESS = "video_loudness"
VIDEO_NO_BLACK = "video_no_black_segments"
VIDEO_LINEAGE = "video_lineage"
VIDEO_SHOWS_KIT = "video_shows_kit"

STAGE_CHECKS: dict[str, tuple[str, ...]] = {
    stages.TRENDS: (TREND_SIGNAL,),
    stages.TREND_REPORT: (REPORT_CONSISTENT,),
    stages.SCRIPT: (*PLAN_CHECK_NAMES, PLAN_SPEAKABLE, PLAN_SHOWS_KIT),
    stages.VOICEOVER: (VOICEOVER_AUDIBLE, VOICEOVER_FITS),
    stages.FOOTAGE: (FOOTAGE_COVERS, FOOTAGE_FORMAT),
    stages.VIDEO: (
        VIDEO_DURATION,
        VIDEO_FORMAT,
        VIDEO_LOUDNESS,
        VIDEO_NO_BLACK,
        VIDEO_LINEAGE,
        VIDEO_SHOWS_KIT,
    ),
}


WARNINGS = {
    TREND_SIGNAL: "Warns when few or no trends match the keywords; the plan then leans on the theme"
}
"""Checks that only warn: what they flag is valid input, so they never block the stage."""


def stage_checks(stage: str) -> list[AssetCheckSpec]:
    """The stage's check specs: blocking (a failed one fails the step) unless a warning."""
    return [
        AssetCheckSpec(
            name, asset=stage, blocking=name not in WARNINGS, description=WARNINGS.get(name)
        )
        for name in STAGE_CHECKS[stage]
    ]


def _result(name: str, problems: Iterable[str], **metadata: object) -> AssetCheckResult:
    problems = list(problems)
    return AssetCheckResult(
        check_name=name,
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        description="; ".join(problems) if problems else None,
        metadata={"problems": MetadataValue.json(problems), **metadata},
    )


def trend_signal(signal: TrendSignal) -> AssetCheckResult:
    """A warning, never a block: few or no matching trends is valid input, the theme then leads."""
    return AssetCheckResult(
        check_name=TREND_SIGNAL,
        passed=not signal.is_low,
        severity=AssetCheckSeverity.WARN,
        description=signal.describe(),
        metadata={
            "items": signal.items,
            "matched_keywords": ", ".join(signal.matched_keywords),
            "strength": signal.strength,
        },
    )


def report_consistent(report: TrendReport) -> AssetCheckResult:
    return _result(REPORT_CONSISTENT, report_problems(report))


def plan_checks(plan: ProductionPlan) -> list[AssetCheckResult]:
    return [_result(f"plan_{rule}", check(plan)) for rule, check in PLAN_RULES.items()]


def plan_speakable(plan: ProductionPlan, theme: Theme) -> AssetCheckResult:
    """The theme's voice can speak the narration in the video's time (domain/plan/speakable)."""
    return _result(PLAN_SPEAKABLE, speakable_problems(plan, theme))


def plan_shows_kit(plan: ProductionPlan, brand: Brand | None) -> AssetCheckResult:
    """With a brand kit: half the video shows it and it ends on the logo end card."""
    share = round(kit_share(plan.scenes), 3)
    return _result(PLAN_SHOWS_KIT, kit_problems(plan, brand), kit_share=share)


def voiceover_audible(rms_dbfs: float) -> AssetCheckResult:
    problems = (
        [f"voiceover RMS {rms_dbfs:.1f} dBFS is silence (threshold {SILENT_RMS_DBFS} dBFS)"]
        if rms_dbfs < SILENT_RMS_DBFS
        else []
    )
    return _result(VOICEOVER_AUDIBLE, problems, rms_dbfs=rms_dbfs)


def voiceover_fits(duration: float, target: float) -> AssetCheckResult:
    slack = target * VOICEOVER_TOLERANCE
    if target < SHORT_BRIEF_SECONDS:
        slack = max(slack, SHORT_BRIEF_SLACK_SECONDS)
    low, high = target - slack, target + slack
    problems = (
        []
        if low <= duration <= high
        else [f"voiceover lasts {duration:.2f} s, outside {low:.2f}-{high:.2f} s for {target:g} s"]
    )
    return _result(VOICEOVER_FITS, problems, duration=duration, target=target)


def footage_covers(footage_seconds: float, narration_seconds: float) -> AssetCheckResult:
    problems = (
        [f"footage lasts {footage_seconds:.2f} s, shorter than the {narration_seconds:.2f} s voice"]
        if footage_seconds + 1e-3 < narration_seconds
        else []
    )
    return _result(FOOTAGE_COVERS, problems, footage_seconds=footage_seconds)


def format_problems(info: MediaInfo, width: int, height: int, fps: int, label: str) -> list[str]:
    problems = []
    if (info.width, info.height) != (width, height):
        problems.append(f"{label} is {info.width}x{info.height}, expected {width}x{height}")
    if info.fps is None or abs(info.fps - fps) > 0.01:
        problems.append(f"{label} runs at {info.fps} fps, expected {fps}")
    return problems


def footage_format(infos: list[MediaInfo], width: int, height: int, fps: int) -> AssetCheckResult:
    problems = [
        problem
        for index, info in enumerate(infos, start=1)
        for problem in format_problems(info, width, height, fps, f"clip {index}")
    ]
    return _result(FOOTAGE_FORMAT, problems, clips=len(infos))


def video_duration_matches(video_seconds: float, voice_seconds: float) -> AssetCheckResult:
    gap = abs(video_seconds - voice_seconds)
    problems = (
        [f"video lasts {video_seconds:.2f} s but the voiceover {voice_seconds:.2f} s"]
        if gap > VIDEO_DURATION_TOLERANCE_S
        else []
    )
    return _result(VIDEO_DURATION, problems, gap_seconds=gap)


def video_format(info: MediaInfo, width: int, height: int, fps: int) -> AssetCheckResult:
    problems = format_problems(info, width, height, fps, "video")
    if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
        problems.append(f"video stream is {info.video_codec}/{info.pix_fmt}, expected h264/yuv420p")
    if info.audio_codec != "aac":
        problems.append(f"audio stream is {info.audio_codec or 'missing'}, expected aac")
    elif info.sample_rate != 48_000:
        problems.append(f"audio sample rate is {info.sample_rate}, expected 48000")
    return _result(VIDEO_FORMAT, problems, codec=str(info.video_codec))


def video_loudness(loudness: Loudness) -> AssetCheckResult:
    problems = []
    if abs(loudness.integrated_lufs - LUFS_TARGET) > LUFS_TOLERANCE:
        problems.append(
            f"integrated loudness {loudness.integrated_lufs} LUFS, "
            f"expected {LUFS_TARGET}±{LUFS_TOLERANCE:g}"
        )
    if loudness.true_peak_dbtp > MAX_TRUE_PEAK_DBTP:
        problems.append(f"true peak {loudness.true_peak_dbtp} dBTP above {MAX_TRUE_PEAK_DBTP} dBTP")
    return _result(
        VIDEO_LOUDNESS,
        problems,
        integrated_lufs=loudness.integrated_lufs,
        true_peak_dbtp=loudness.true_peak_dbtp,
    )


def video_no_black(segments: list[tuple[float, float]]) -> AssetCheckResult:
    problems = [f"black from {start:.2f} s to {end:.2f} s" for start, end in segments]
    return _result(VIDEO_NO_BLACK, problems)


def video_shows_kit(seen: KitOnScreen | None, has_logo: bool) -> AssetCheckResult:
    """Probed on the output: half the video shows kit media, the last two seconds the end card."""
    if seen is None:
        return _result(VIDEO_SHOWS_KIT, [], kit="none")
    problems = []
    if seen.share < MIN_KIT_SHARE:
        problems.append(
            f"kit media are on screen for {seen.share:.1%} of the video, under {MIN_KIT_SHARE:.0%}"
        )
    if seen.missing:
        problems.append(f"kit scenes {seen.missing} do not show their media in the output")
    if has_logo and seen.end_card_seconds < 2.0:
        problems.append("the final two seconds do not show the logo end card")
    return _result(VIDEO_SHOWS_KIT, problems, kit_share=round(seen.share, 3))


def video_lineage(
    job_id: int, script_id: int, made_from: Mapping[str, tuple[int, int]]
) -> AssetCheckResult:
    """The video row and every input it was made from belong to this job and to one script."""
    problems = [
        f"{what} is of job {row_job_id}, script {row_script_id}; "
        f"expected job {job_id}, script {script_id}"
        for what, (row_job_id, row_script_id) in made_from.items()
        if (row_job_id, row_script_id) != (job_id, script_id)
    ]
    return _result(VIDEO_LINEAGE, problems)
