"""The scan log, a person's own latest scans, and taking back a mistaken check-in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events.checkin.errors import CheckInError
from events.checkin.models import CheckIn
from events.checkin.results import ScanResult
from events.core.audit import record_audit
from events.core.rules import is_organiser
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event

UNDO_WINDOW = timedelta(minutes=10)

# Undo and log


def may_undo(checkin: CheckIn, user, now: datetime | None = None) -> bool:
    if checkin.result != ScanResult.WELCOME or checkin.undone_at is not None:
        return False
    if is_organiser(user):
        return True
    now = now or utcnow()
    return checkin.user_id == user.id and now - checkin.scanned_at <= UNDO_WINDOW


def undo_checkin(checkin: CheckIn, user, now: datetime | None = None) -> None:
    """Take back a mistaken check-in: the same staff member within 10 minutes, or any organiser."""
    now = now or utcnow()
    if checkin.result != ScanResult.WELCOME or checkin.undone_at is not None:
        raise CheckInError("not_undoable")
    if not may_undo(checkin, user, now):
        raise CheckInError("undo_not_allowed")
    checkin.undone_at = now
    checkin.undone_by_id = user.id
    name = checkin.registration.full_name if checkin.registration else "?"
    record_audit("checkin.undone", checkin, f"Check-in of {name} on {checkin.day.isoformat()} undone")
    db.session.commit()


def recent_scans(event: Event, user, limit: int = 10) -> list[CheckIn]:
    """The user's own latest scans at this event, for the scanner page."""
    query = (
        select(CheckIn)
        .where(CheckIn.event_id == event.id, CheckIn.user_id == user.id)
        .options(selectinload(CheckIn.registration))
        .order_by(CheckIn.scanned_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def scan_log(event: Event, page: int, result: str | None = None):
    query = (
        select(CheckIn)
        .where(CheckIn.event_id == event.id)
        .options(selectinload(CheckIn.registration), selectinload(CheckIn.user))
        .order_by(CheckIn.scanned_at.desc(), CheckIn.id.desc())
    )
    if result in {r.value for r in ScanResult}:
        query = query.where(CheckIn.result == result)
    return db.paginate(query, page=page, per_page=50, error_out=False)
