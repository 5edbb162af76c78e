"""What a ceremony holds of people, and how it goes (privacy.retention decides when):

- dates of birth, asked only for the venue's security, are deleted once the ceremony is over;
- when the event's registrations are anonymised (six months after it), the winners' guests are deleted and the
  invited guests keep no name, address, organisation or office; seats, ranks and prizes stay for the figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from events.ceremonies.models import Ceremony, Guest, GuestKind
from events.extensions import db
from events.meetings.models import Event


def _over(now: datetime):
    return (
        select(Ceremony.id)
        .join(Event, Event.id == Ceremony.event_id)
        .where(Event.ends_at <= now, Ceremony.dates_of_birth_deleted_at.is_(None))
    )


def forget_dates_of_birth(now: datetime, dry_run: bool = False) -> int:
    """Delete the dates of birth of ceremonies that are over; returns how many were deleted."""
    ceremony_ids = list(db.session.scalars(_over(now)))
    if not ceremony_ids:
        return 0
    held = (Guest.ceremony_id.in_(ceremony_ids), Guest.date_of_birth.is_not(None))
    count = db.session.scalar(select(func.count(Guest.id)).where(*held))
    if not dry_run:
        db.session.execute(update(Guest).where(*held).values(date_of_birth=None))
        db.session.execute(update(Ceremony).where(Ceremony.id.in_(ceremony_ids)).values(dates_of_birth_deleted_at=now))
    return count


def forget_guests(event_ids: list[int]) -> int:
    """Delete the winners' guests of these events and strip the invited guests of their personal data."""
    if not event_ids:
        return 0
    ceremony_ids = select(Ceremony.id).where(Ceremony.event_id.in_(event_ids))
    companions = db.session.execute(
        delete(Guest).where(Guest.ceremony_id.in_(ceremony_ids), Guest.kind == GuestKind.COMPANION)
    ).rowcount
    invited = db.session.execute(
        update(Guest)
        .where(Guest.ceremony_id.in_(ceremony_ids))
        .values(first_name="", last_name="", email=None, organisation=None, office=None, date_of_birth=None)
    ).rowcount
    return companions + invited
