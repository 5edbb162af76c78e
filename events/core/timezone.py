"""Europe/Berlin wall-clock time for the forms and pages; UTC in the database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_to_aware(value: datetime | None) -> datetime | None:
    """A naive wall-clock datetime typed in a form, read as Europe/Berlin."""
    if value is None:
        return None
    return value.replace(tzinfo=BERLIN) if value.tzinfo is None else value


def aware_to_berlin_naive(value: datetime | None) -> datetime | None:
    """For filling a datetime-local field."""
    if value is None:
        return None
    return value.astimezone(BERLIN).replace(tzinfo=None)


def berlin_date(value: datetime) -> date:
    return value.astimezone(BERLIN).date()


def days_between(start: datetime, end: datetime) -> list[date]:
    """Every calendar day (Europe/Berlin) an event from start to end touches."""
    first, last = berlin_date(start), berlin_date(end)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def time_span(start: datetime, end: datetime) -> str:
    """An event's time in the reader's language: "Mittwoch, 6. Januar 2027, 09:30–16:00" or, across days,
    "Mittwoch, 6. Januar 2027, 09:30 – Donnerstag, 7. Januar 2027, 16:00" (Europe/Berlin)."""
    from flask_babel import format_date, format_time

    first_day, last_day = start.astimezone(BERLIN), end.astimezone(BERLIN)
    begins = f"{format_date(first_day, 'full')}, {format_time(start, 'short')}"
    if first_day.date() == last_day.date():
        return f"{begins}–{format_time(end, 'short')}"
    return f"{begins} – {format_date(last_day, 'full')}, {format_time(end, 'short')}"
