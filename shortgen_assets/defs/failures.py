"""Why a stage failed, in its own words, on one line: what jobs.error stores and the CLI shows.

Dagster wraps what a stage raised: "Error occurred while executing op", "Exceeded max_retries of
2" around the provider's error, or "1 blocking asset check failed" in place of the check's own
description. A person needs the words underneath: the `Failure`'s description, the first error in
the cause chain that is not Dagster's wrapper (without its class name), or the descriptions of the
blocking checks that failed, with their figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from dagster import AssetCheckSeverity, DagsterEvent, DagsterEventType, DagsterInstance
from dagster._utils.error import SerializableErrorInfo

CHECK_FAILED = "DagsterAssetCheckFailedError"
WRAPPERS = ("Dagster", "RetryRequested")


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


def _without_class(error: SerializableErrorInfo) -> str:
    """The message without the "package.module.ClassName: " prefix Python puts before it."""
    head, sep, rest = error.message.partition(": ")
    if sep and head.split(".")[-1] == error.cls_name:
        return rest
    return error.message


def _raised_by_stage(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The outermost error in the cause chain that is not one of Dagster's wrappers."""
    current: SerializableErrorInfo | None = error
    while current is not None:
        if not (current.cls_name or "").startswith(WRAPPERS):
            return current
        current = current.cause or current.context
    return error


def failed_checks(instance: DagsterInstance, run_id: str, stage: str) -> list[str]:
    """'description (check name)' of each blocking check that failed in the stage's step."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    found = []
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.asset_check_evaluation_data if event else None
        if (
            evaluation is None
            or evaluation.passed
            or not evaluation.blocking
            or evaluation.severity != AssetCheckSeverity.ERROR
            or evaluation.asset_key.path[-1] != stage
        ):
            continue
        description = evaluation.description or "failed"
        found.append(f"{one_line(description)} (check {evaluation.check_name})")
    return found


def failure_message(
    event: DagsterEvent, instance: DagsterInstance | None = None, run_id: str | None = None
) -> str:
    """The reason a step failed, as the stage put it, on one line.

    Given the run, a blocking check failure is told by the failed checks' descriptions.
    """
    data = event.step_failure_data
    if data is not None and data.user_failure_data and data.user_failure_data.description:
        return one_line(data.user_failure_data.description)
    if data is not None and data.error is not None:
        if data.error.cls_name == CHECK_FAILED and instance and run_id and event.step_key:
            checks = failed_checks(instance, run_id, event.step_key)
            if checks:
                return "; ".join(checks)
        return one_line(_without_class(_raised_by_stage(data.error)))
    return one_line(event.message or f"{event.step_key} failed")


def failure_reason(failed_steps: Sequence[tuple[str, str]], fallback: str) -> str:
    """The job's error: each failed stage with its reason, as stored in jobs.error and shown."""
    return "; ".join(f"{stage}: {message}" for stage, message in failed_steps) or one_line(fallback)
