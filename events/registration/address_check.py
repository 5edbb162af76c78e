"""Places held until the address is confirmed (events with "confirm the address first"), and holds that lapse.

A registration through the open form of such an event that gets a place is saved as UNCONFIRMED with a hold
deadline (ADDRESS_HOLD_HOURS, never past the event's start): the place counts against the capacity, but there is
no ticket yet. Opening the personal link from the mail and pressing "confirm" makes it CONFIRMED and sends the usual
confirmation with ticket and invite. A hold not confirmed in time lapses in a periodic job: the registration is
cancelled, the person is told, and the place goes to the waiting list as after any cancellation.

Registrations through an invitation (the link proves the address) and by organisers are confirmed directly; a
person who only gets a place on the waiting list is put there at once (no address check) and, when moved up later,
confirmed as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.registration import mails
from events.registration.days import promote_on_days, release_places
from events.registration.errors import RegistrationError
from events.registration.models import Registration, RegistrationStatus
from events.registration.rules import awaiting_address_confirmation
from events.registration.waiting_list import promote_while_free


def hold_deadline(event: Event, now: datetime | None = None) -> datetime:
    """Until when a new place of this event is held for an address to be confirmed: ADDRESS_HOLD_HOURS, but not
    past the event's start (nor, for a registration taken while the event runs, past its end)."""
    now = now or utcnow()
    wanted = now + timedelta(hours=current_app.config["ADDRESS_HOLD_HOURS"])
    return min(wanted, event.starts_at if now < event.starts_at else event.ends_at)


def hold_place(registration: Registration, event: Event) -> None:
    """Make a new registration's place a held one (in the caller's transaction, under the event's row lock)."""
    registration.status, registration.waitlist_position = RegistrationStatus.UNCONFIRMED, None
    registration.confirmed_at = None
    registration.hold_expires_at = hold_deadline(event)


def confirm_address(registration: Registration) -> bool:
    """The person opened the link and confirmed: the held place becomes theirs, with ticket and invite by mail.

    False when it was confirmed already (a second click); RegistrationError("hold_lapsed") when the hold has
    lapsed or the registration no longer stands. A hold past its deadline that the periodic job has not reached
    yet is still confirmed: nobody else has been given the place.
    """
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status == RegistrationStatus.CONFIRMED:
        db.session.rollback()
        return False
    if not awaiting_address_confirmation(registration):
        db.session.rollback()
        raise RegistrationError("hold_lapsed")
    if event.status == EventStatus.CANCELLED:  # everyone was told it is called off: no confirmation after that
        db.session.rollback()
        raise RegistrationError("cancelled")
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = utcnow()
    registration.hold_expires_at = None
    record_audit(
        "registration.address_confirmed",
        registration,
        summary=f"{registration.event.title}: {registration.full_name}",
        actor="participant",
    )
    mails.send_confirmation(registration)
    db.session.commit()
    return True


def lapse_expired_holds(now: datetime | None = None) -> int:
    """Cancel the held places whose deadline has passed, tell each person, and give the places to the waiting
    list. Each event is handled under its row lock; safe to run twice (a lapsed hold is no longer UNCONFIRMED).
    Not at a cancelled event: nobody is to hear there that a place went to the waiting list."""
    now = now or utcnow()
    due = db.session.execute(
        select(Registration.id, Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == RegistrationStatus.UNCONFIRMED,
            Registration.hold_expires_at <= now,
            # a called-off event keeps its registrations as they were (its people were told it is off)
            Event.status != EventStatus.CANCELLED,
        )
        .order_by(Registration.event_id, Registration.id)
    ).all()
    db.session.rollback()
    by_event: dict[int, list[int]] = {}
    for registration_id, event_id in due:
        by_event.setdefault(event_id, []).append(registration_id)
    lapsed = 0
    for event_id, ids in by_event.items():
        event = lock_row(Event, event_id)
        for registration in db.session.scalars(select(Registration).where(Registration.id.in_(ids))):
            if not awaiting_address_confirmation(registration) or registration.hold_expires_at > now:
                continue  # confirmed in the meantime
            promote_on_days(_lapse(registration, event, now))  # a day's place goes to the first waiting for it
            lapsed += 1
        promote_while_free(event)
        db.session.commit()
    return lapsed


def _lapse(registration: Registration, event: Event, now: datetime) -> list[int]:
    """Cancel one lapsed hold; returns the days (event day ids) whose place it gave back."""
    freed_days = release_places(registration)
    registration.status = RegistrationStatus.CANCELLED
    registration.hold_expires_at = None
    registration.cancelled_at, registration.cancelled_by_participant = now, False
    record_audit(
        "registration.hold_lapsed",
        registration,
        summary=f"{event.title}: {registration.full_name}",
    )
    mails.send_hold_lapsed(registration)
    return freed_days
