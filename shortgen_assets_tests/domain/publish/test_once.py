"""Once each: the decision per platform from what its publications row says."""

from __future__ import annotations

from datetime import UTC, datetime

from shortgen_assets.domain.publish.once import Existing, decide

LATER = datetime(2030, 1, 1, tzinfo=UTC)


def choose(existing: Existing | None, vendor: str = "tiktok", **changes) -> str:
    options = {"run_id": "run-2", "scheduled_at": None, "schedules_natively": False, **changes}
    return decide(existing, vendor=vendor, **options)


def test_a_recorded_post_is_never_sent_again() -> None:
    assert choose(Existing("published", "v123", "tiktok", "run-1")) == "skip"
    assert choose(Existing("scheduled", "yt1", "youtube", "run-1"), vendor="youtube") == "skip"
    assert choose(Existing("failed", "container:1", "instagram", "run-1")) == "skip"


def test_failed_and_new_platforms_are_sent() -> None:
    assert choose(None) == "send"
    assert choose(Existing("failed", None, "tiktok", "run-1")) == "send"
    assert choose(Existing("waiting", None, "tiktok", "run-1")) == "send"


def test_a_dry_run_does_not_block_a_live_post_but_is_not_repeated() -> None:
    assert choose(Existing("dry_run", None, "dry_run", "run-1")) == "send"
    assert choose(Existing("dry_run", None, "dry_run", "run-1"), vendor="dry_run") == "skip"


def test_an_interrupted_send_is_not_repeated_blindly() -> None:
    assert choose(Existing("sending", None, "tiktok", "run-1")) == "interrupted"
    assert choose(Existing("sending", None, "tiktok", "run-2")) == "send"  # a step retry


def test_future_posts_wait_unless_the_platform_schedules_them() -> None:
    assert choose(None, scheduled_at=LATER) == "wait"
    assert choose(None, vendor="youtube", scheduled_at=LATER, schedules_natively=True) == "send"
    assert choose(None, vendor="dry_run", scheduled_at=LATER) == "send"
