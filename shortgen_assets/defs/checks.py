"""Asset checks for every stage, evaluated inside the stage's own step.

Each asset declares its checks as blocking `AssetCheckSpec`s and returns these results with its
materialization, so a failed blocking check fails the step and downstream stages of the job do not
run on unusable output. The rules themselves live in domain code; this module only grades them.
"""

from __future__ import annotations

from collections.abc import Iterable

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from shortgen_assets.domain.media import Loudness, MediaInfo
from shortgen_assets.domain.plan.checks import CHECKS as PLAN_RULES
from shortgen_assets.domain.plan.scene_kinds import MIN_KIT_SHARE, kit_problems, kit_share
from shortgen_assets.domain.schemas import Brand, ProductionPlan, TrendReport, TrendSignal
from shortgen_assets.domain.trends.analysis import report_problems
from shortgen_assets.domain.video.kit_probe import KitOnScreen

LUFS_TARGET, LUFS_TOLERANCE, MAX_TRUE_PEAK = -14.0, 1.0, -1.0
DURATION_TOLERANCE_S = 0.25
VOICEOVER_TOLERANCE = 0.10
SILENT_RMS_DBFS = -50.0


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
        check_name="trend_signal",
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
    return _result("report_consistent", report_problems(report))


PLAN_CHECK_NAMES = tuple(f"plan_{rule}" for rule in PLAN_RULES)


def plan_checks(plan: ProductionPlan) -> list[AssetCheckResult]:
    return [_result(f"plan_{rule}", check(plan)) for rule, check in PLAN_RULES.items()]


def plan_shows_kit(plan: ProductionPlan, brand: Brand | None) -> AssetCheckResult:
    """With a brand kit: half the video shows it and it ends on the logo end card."""
    share = round(kit_share(plan.scenes), 3)
    return _result("plan_shows_kit", kit_problems(plan, brand), kit_share=share)


def voiceover_audible(rms_dbfs: float) -> AssetCheckResult:
    problems = (
        [f"voiceover RMS {rms_dbfs:.1f} dBFS is silence (threshold {SILENT_RMS_DBFS} dBFS)"]
        if rms_dbfs < SILENT_RMS_DBFS
        else []
    )
    return _result("voiceover_audible", problems, rms_dbfs=rms_dbfs)


def voiceover_fits(duration: float, target: float) -> AssetCheckResult:
    low, high = target * (1 - VOICEOVER_TOLERANCE), target * (1 + VOICEOVER_TOLERANCE)
    problems = (
        []
        if low <= duration <= high
        else [f"voiceover lasts {duration:.2f} s, outside {low:.2f}-{high:.2f} s for {target:g} s"]
    )
    return _result("voiceover_fits_target", problems, duration=duration, target=target)


def footage_covers(footage_seconds: float, narration_seconds: float) -> AssetCheckResult:
    problems = (
        [f"footage lasts {footage_seconds:.2f} s, shorter than the {narration_seconds:.2f} s voice"]
        if footage_seconds + 1e-3 < narration_seconds
        else []
    )
    return _result("footage_covers_narration", problems, footage_seconds=footage_seconds)


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
    return _result("footage_format", problems, clips=len(infos))


def video_duration_matches(video_seconds: float, voice_seconds: float) -> AssetCheckResult:
    gap = abs(video_seconds - voice_seconds)
    problems = (
        [f"video lasts {video_seconds:.2f} s but the voiceover {voice_seconds:.2f} s"]
        if gap > DURATION_TOLERANCE_S
        else []
    )
    return _result("video_duration_matches_voiceover", problems, gap_seconds=gap)


def video_format(info: MediaInfo, width: int, height: int, fps: int) -> AssetCheckResult:
    problems = format_problems(info, width, height, fps, "video")
    if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
        problems.append(f"video stream is {info.video_codec}/{info.pix_fmt}, expected h264/yuv420p")
    if info.audio_codec != "aac":
        problems.append(f"audio stream is {info.audio_codec or 'missing'}, expected aac")
    elif info.sample_rate != 48_000:
        problems.append(f"audio sample rate is {info.sample_rate}, expected 48000")
    return _result("video_format", problems, codec=str(info.video_codec))


def video_loudness(loudness: Loudness) -> AssetCheckResult:
    problems = []
    if abs(loudness.integrated_lufs - LUFS_TARGET) > LUFS_TOLERANCE:
        problems.append(
            f"integrated loudness {loudness.integrated_lufs} LUFS, expected {LUFS_TARGET}±1"
        )
    if loudness.true_peak_dbtp > MAX_TRUE_PEAK:
        problems.append(f"true peak {loudness.true_peak_dbtp} dBTP above {MAX_TRUE_PEAK} dBTP")
    return _result(
        "video_loudness",
        problems,
        integrated_lufs=loudness.integrated_lufs,
        true_peak_dbtp=loudness.true_peak_dbtp,
    )


def video_no_black(segments: list[tuple[float, float]]) -> AssetCheckResult:
    problems = [f"black from {start:.2f} s to {end:.2f} s" for start, end in segments]
    return _result("video_no_black_segments", problems)


def video_shows_kit(seen: KitOnScreen | None, has_logo: bool) -> AssetCheckResult:
    """Probed on the output: half the video shows kit media, the last two seconds the end card."""
    if seen is None:
        return _result("video_shows_kit", [], kit="none")
    problems = []
    if seen.share < MIN_KIT_SHARE:
        problems.append(f"kit media are on screen for {seen.share:.0%} of the video, not 50%")
    if seen.missing:
        problems.append(f"kit scenes {seen.missing} do not show their media in the output")
    if has_logo and seen.end_card_seconds < 2.0:
        problems.append("the final two seconds do not show the logo end card")
    return _result("video_shows_kit", problems, kit_share=round(seen.share, 3))


def video_lineage(
    row_job_id: int, partition_job_id: int, row_script_id: int, recorded_script_id: int
) -> AssetCheckResult:
    problems = []
    if row_job_id != partition_job_id:
        problems.append(f"videos.job_id is {row_job_id}, the partition is job {partition_job_id}")
    if row_script_id != recorded_script_id:
        problems.append(
            f"videos.script_id is {row_script_id}, the script materialization recorded "
            f"{recorded_script_id}"
        )
    return _result("video_lineage", problems)
