"""Publish times: an explicit time, the theme's time, or the next daily window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shortgen_assets.domain.publish.schedule import ScheduleError, parse_at, publish_time
from shortgen_assets.domain.schemas import PublishSchedule

NOW = datetime(2026, 11, 30, 10, 30, tzinfo=UTC)


def test_parse_at_reads_iso_times_and_clock_times() -> None:
    assert parse_at("2026-12-01T09:00+01:00") == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert parse_at("2026-12-01 09:00", "Europe/Paris") == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert parse_at("11:00", now=NOW) == datetime(2026, 11, 30, 11, tzinfo=UTC)
    assert parse_at("09:00", now=NOW) == datetime(2026, 12, 1, 9, tzinfo=UTC)
    with pytest.raises(ScheduleError, match="write it as 2026-12-01T09:00"):
        parse_at("tomorrow")


def test_a_daily_window_publishes_now_inside_it_and_at_its_start_outside() -> None:
    window = PublishSchedule(daily={"start": "09:00", "end": "11:00"}, timezone="Europe/Paris")
    assert publish_time(window, None, NOW) == datetime(2026, 12, 1, 8, tzinfo=UTC)
    inside = PublishSchedule(daily={"start": "10:00", "end": "12:00"})
    assert publish_time(inside, None, NOW) is None
    later = PublishSchedule(daily={"start": "18:00", "end": "20:00"})
    assert publish_time(later, None, NOW) == datetime(2026, 11, 30, 18, tzinfo=UTC)


def test_an_explicit_time_wins_and_a_past_time_means_now() -> None:
    theme = PublishSchedule(at=datetime(2026, 12, 24, 9, tzinfo=UTC))
    at = datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert publish_time(theme, at, NOW) == at
    assert publish_time(theme, None, NOW) == datetime(2026, 12, 24, 9, tzinfo=UTC)
    assert publish_time(theme, datetime(2026, 1, 1, tzinfo=UTC), NOW) is None
    assert publish_time(None, None, NOW) is None


def test_a_schedule_takes_one_rule_a_real_zone_and_an_ordered_window() -> None:
    with pytest.raises(ValidationError, match="exactly one of"):
        PublishSchedule()
    with pytest.raises(ValidationError, match="unknown timezone 'Mars/Olympus'"):
        PublishSchedule(at=NOW, timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="must end after it starts"):
        PublishSchedule(daily={"start": "11:00", "end": "09:00"})
