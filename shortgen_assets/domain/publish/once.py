"""Once each: what to do for one platform, given what its publications row already says.

A platform that has the post (a remote id) is never sent again; a failed one is sent again; a
row left `sending` by a run that died may or may not have reached the platform, so it is not
re-sent blindly: it becomes `failed` with a message saying to check the account first.
Pure Python, no Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Action = Literal["skip", "wait", "send", "interrupted"]
DONE = frozenset({"published", "scheduled"})


@dataclass(frozen=True)
class Existing:
    """The parts of a publications row the decision needs."""

    status: str
    remote_id: str | None
    vendor: str
    run_id: str | None


def decide(
    existing: Existing | None,
    *,
    vendor: str,
    run_id: str,
    scheduled_at: datetime | None,
    schedules_natively: bool,
) -> Action:
    """skip (already there), wait (not due, shortgen sends later), send, or interrupted."""
    if existing is not None:
        if existing.remote_id or existing.status in DONE:
            return "skip"
        if existing.status == "dry_run" and vendor == "dry_run":
            return "skip"
        if existing.status == "sending" and existing.run_id != run_id:
            return "interrupted"
    if scheduled_at is not None and not schedules_natively and vendor != "dry_run":
        return "wait"
    return "send"


def interrupted_message(platform: str, run_id: str | None, job_id: int) -> str:
    return (
        f"{platform}: an earlier attempt (run {(run_id or '?')[:8]}) stopped while sending, so "
        f"the post may exist; check the {platform} account, then `shortgen publish {job_id} "
        f"--platform {platform}` sends it again"
    )
