"""When a publication goes out: now, at a given time, or inside a daily window.

Times are timezone-aware UTC once resolved; a time already past means "now" (None).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shortgen_assets.domain.schemas import PublishSchedule


class ScheduleError(ValueError):
    """A publish time that cannot be read; the message shows the accepted forms."""


def parse_at(text: str, timezone: str = "UTC", now: datetime | None = None) -> datetime:
    """'2026-12-01T09:00+01:00', '2026-12-01 09:00' or '09:00' (the next one) as UTC."""
    zone = ZoneInfo(timezone)
    now = now or datetime.now(UTC)
    text = text.strip()
    try:
        clock = datetime.strptime(text, "%H:%M").time()
    except ValueError:
        clock = None
    if clock is not None:
        local_now = now.astimezone(zone)
        when = datetime.combine(local_now.date(), clock, zone)
        if when <= local_now:
            when = datetime.combine(local_now.date() + timedelta(days=1), clock, zone)
        return when.astimezone(UTC)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ScheduleError(
            f"cannot read the time {text!r}; write it as 2026-12-01T09:00+01:00, "
            "2026-12-01 09:00 or 09:00"
        ) from None
    return (when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC)


def next_in_window(schedule: PublishSchedule, now: datetime) -> datetime | None:
    """Now (None) inside today's window; else the window's next start, in UTC."""
    assert schedule.daily is not None
    zone = ZoneInfo(schedule.timezone)
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), schedule.daily.start, zone)
    end = datetime.combine(local.date(), schedule.daily.end, zone)
    if start <= local < end:
        return None
    if local >= end:
        start = datetime.combine(local.date() + timedelta(days=1), schedule.daily.start, zone)
    return start.astimezone(UTC)


def publish_time(
    schedule: PublishSchedule | None, at: datetime | None, now: datetime | None = None
) -> datetime | None:
    """The UTC time to publish at, or None for at once; an explicit `at` beats the theme."""
    now = now or datetime.now(UTC)
    if at is not None:
        when = at
    elif schedule is None:
        return None
    elif schedule.at is not None:
        zone = ZoneInfo(schedule.timezone)
        when = schedule.at if schedule.at.tzinfo else schedule.at.replace(tzinfo=zone)
    else:
        return next_in_window(schedule, now)
    when = when.astimezone(UTC)
    return when if when > now else None
