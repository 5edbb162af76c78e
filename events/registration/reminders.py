"""Reminders before an event, sent once to each confirmed participant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.registration import mails
from events.registration.models import Registration, RegistrationStatus


def send_reminders(days_before: int = 2) -> int:
    """Remind confirmed participants of events starting within `days_before` days; never twice."""

    now = utcnow()
    due = db.session.scalars(
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminded_at.is_(None),
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(days=days_before),
        )
    ).all()
    sent = 0
    for registration_id in due:
        # claim first: of two crons running at once, only one wins the update
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        if claimed:
            registration = db.session.get(Registration, registration_id)
            mails.send_reminder(registration)
            sent += 1
        db.session.commit()
    return sent
