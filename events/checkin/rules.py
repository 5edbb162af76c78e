"""Named rules about check-ins: which of them let someone in, and who attended on which days (certificates of
attendance ask the same)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select

from events.checkin.models import CheckIn
from events.checkin.results import ScanResult
from events.checkin.scopes import DAY_SCOPE
from events.extensions import db


def admitted(event_id):
    """An SQL condition for the check-ins that let someone in for a day of the event: a welcome at the door for the
    day (not a workshop's own check-in), not undone since. event_id: a value or a column."""
    return and_(
        CheckIn.event_id == event_id,
        CheckIn.scope == DAY_SCOPE,
        CheckIn.result == ScanResult.WELCOME,
        CheckIn.undone_at.is_(None),
    )


def attended_days(event_id: int, registration_id: int | None = None) -> dict[int, list[date]]:
    """Registration id -> the days on which the person was admitted, for one event (or only for one registration)."""
    query = select(CheckIn.registration_id, CheckIn.day).where(admitted(event_id), CheckIn.registration_id.is_not(None))
    if registration_id is not None:
        query = query.where(CheckIn.registration_id == registration_id)
    days: dict[int, list[date]] = {}
    for attendee, day in db.session.execute(query.distinct()).all():
        days.setdefault(attendee, []).append(day)
    return {key: sorted(value) for key, value in days.items()}
