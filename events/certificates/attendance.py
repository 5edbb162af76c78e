"""What a certificate of attendance can list when the batch asks for it ("Workshops und Stunden aufführen"): the
workshops a person attended and the hours of programme they attended, as volunteers need them as proof.

Computed from the check-ins, the registration and the programme:

- a workshop counts when the person was checked in for it at its own door, or chose it and was admitted on its
  day (most events check in only at the entrance);
- the hours are those of the programme on the days the person was admitted: every talk, panel and other item
  (not breaks, not workshops) plus the workshops that count; on a day without a programme, the event's own
  hours that day.

The lines are written in German, like the certificates (wording.CERTIFICATE_LANGUAGE), and stored with each
certificate (details), so it prints the same later whatever happens to the programme.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_time
from babel.numbers import format_decimal
from sqlalchemy import select

from events.certificates.wording import CERTIFICATE_LANGUAGE, long_date
from events.checkin.models import CheckIn
from events.checkin.scanning import ScanResult
from events.checkin.scopes import berlin_time
from events.extensions import db
from events.meetings.models import Event, EventSession, SessionKind
from events.registration.models import WorkshopChoice


def _workshops_checked_in(event: Event, registration_ids: list[int]) -> set[tuple[int, int]]:
    """(registration id, session id) of every workshop check-in that let the person in."""
    rows = db.session.execute(
        select(CheckIn.registration_id, CheckIn.scope).where(
            CheckIn.event_id == event.id,
            CheckIn.registration_id.in_(registration_ids),
            CheckIn.scope.like("session:%"),
            CheckIn.result == ScanResult.WELCOME,
            CheckIn.undone_at.is_(None),
        )
    )
    return {(registration_id, int(scope.split(":", 1)[1])) for registration_id, scope in rows}


def _chosen(registration_ids: list[int]) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(WorkshopChoice.registration_id, WorkshopChoice.session_id).where(
            WorkshopChoice.registration_id.in_(registration_ids)
        )
    )
    return {(registration, session) for registration, session in rows}


def _hours(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0) / 3600


def _event_hours_on(event: Event, day: date) -> float:
    """The event's own hours on one of its days (no programme that day): from its start or the day's, to its end or
    the day's; an event over several days runs from its daily start time to its daily end time."""
    start, end = berlin_time(event.starts_at), berlin_time(event.ends_at)
    if start.date() == end.date():
        return _hours(start, end)
    if end.time() > start.time():
        return _hours(datetime.combine(day, start.time()), datetime.combine(day, end.time()))
    opens = start if day == start.date() else datetime.combine(day, datetime.min.time(), start.tzinfo)
    closes = end if day == end.date() else datetime.combine(day + timedelta(days=1), datetime.min.time(), end.tzinfo)
    return _hours(opens, closes)


def _when(session: EventSession) -> str:
    start, end = berlin_time(session.starts_at), berlin_time(session.ends_at)
    start_clock, end_clock = (format_time(t, "HH:mm", locale=CERTIFICATE_LANGUAGE) for t in (start, end))
    clock = f"{start_clock}–{end_clock} Uhr"
    return f"{long_date(start.date())}, {clock}"


def hours_text(hours: float) -> str:
    """The hours in words, to the quarter hour: "7,5 Stunden", "1 Stunde"."""
    number = format_decimal(round(hours * 4) / 4, "#,##0.##", locale=CERTIFICATE_LANGUAGE)
    return f"{number} Stunde" if number == "1" else f"{number} Stunden"


def programme_attended(event: Event, days: dict[int, list[date]]) -> dict[int, dict]:
    """Registration id -> {"workshops": ["Wohnen (9. März 2027, 10:00–11:30 Uhr)", ...], "hours": "7,5 Stunden"}
    for the registrations in `days` (registration id -> the days they were admitted)."""
    ids = list(days)
    if not ids:
        return {}
    checked_in, chosen = _workshops_checked_in(event, ids), _chosen(ids)
    items = [s for s in event.sessions if s.kind != SessionKind.BREAK]
    workshops = [s for s in items if s.kind == SessionKind.WORKSHOP]
    programme_days = {berlin_time(s.starts_at).date() for s in items}
    attended = {}
    for registration_id, admitted_days in days.items():
        on = set(admitted_days)
        taken = [
            w
            for w in workshops
            if (registration_id, w.id) in checked_in
            or ((registration_id, w.id) in chosen and berlin_time(w.starts_at).date() in on)
        ]
        hours = sum(_hours(w.starts_at, w.ends_at) for w in taken)
        hours += sum(
            _hours(s.starts_at, s.ends_at)
            for s in items
            if s.kind != SessionKind.WORKSHOP and berlin_time(s.starts_at).date() in on
        )
        hours += sum(_event_hours_on(event, day) for day in on if day not in programme_days)
        attended[registration_id] = {
            "workshops": [f"{w.title} ({_when(w)})" for w in taken],
            "hours": hours_text(hours),
        }
    return attended
