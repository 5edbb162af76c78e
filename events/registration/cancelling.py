"""Cancelling a registration (the participant through the personal link, or an organiser) and taking a
cancellation back."""

from __future__ import annotations

from datetime import timedelta

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.meetings.rules import event_is_over
from events.registration import mails
from events.registration.days import promote_on_days, release_places
from events.registration.errors import RegistrationError
from events.registration.models import Registration, RegistrationStatus
from events.registration.places import has_free_place
from events.registration.rules import participant_may_cancel
from events.registration.waiting_list import confirm_with_free_workshops, promote_while_free, renumber_waiting_list


def cancel_registration(
    registration: Registration, by_participant: bool = True, tell: bool = True
) -> list[Registration]:
    """Cancel; a freed place goes at once to the first on the waiting list. Returns those promoted. tell=False: the
    caller writes to the person itself (a ceremony telling a winner why).

    Not on a cancelled event: its registrations stay as they were when it was called off (everyone was told, and
    a cancellation could not be taken back there), and nobody moves up (see promote_while_free).
    """
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status == RegistrationStatus.CANCELLED:
        db.session.rollback()
        raise RegistrationError("already_cancelled")
    if event.status == EventStatus.CANCELLED:
        db.session.rollback()
        raise RegistrationError("event_cancelled")
    if by_participant and not participant_may_cancel(registration, event):
        db.session.rollback()
        raise RegistrationError("deadline_passed")
    was_waiting = registration.status == RegistrationStatus.WAITLISTED
    freed_days = release_places(registration)
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = utcnow()
    registration.cancelled_by_participant = by_participant
    record_audit(
        "registration.cancel",
        registration,
        summary=f"{event.title}: {registration.full_name}",
        actor="participant" if by_participant else None,
    )
    if tell:
        mails.send_cancelled(registration)
    promote_on_days(freed_days)  # a day's place goes to the first waiting for that day
    if was_waiting:
        renumber_waiting_list(event.id)
        promoted = []
    else:
        promoted = promote_while_free(event)
    db.session.commit()
    return promoted


# How long an organiser can take a cancellation back (a wrong click in the list).
RESTORE_WINDOW = timedelta(minutes=10)


def restorable(registration: Registration, by_participant: bool = False, now=None) -> bool:
    """Whether this cancellation can still be taken back (see restore_registration); a participant can take back
    only their own cancellation, not an organiser's."""
    return (
        registration.status == RegistrationStatus.CANCELLED
        and registration.cancelled_at is not None
        and (now or utcnow()) - registration.cancelled_at <= RESTORE_WINDOW
        and (registration.cancelled_by_participant or not by_participant)
    )


def restore_registration(registration: Registration, by_participant: bool = False) -> list[str]:
    """Take a cancellation back within RESTORE_WINDOW: the person is confirmed again while a place is free, or
    else first on the waiting list (whoever moved up in the meantime keeps the place). Workshops that have filled
    up meanwhile are dropped from the person's choices. The person is mailed as after registering.

    Returns the titles of the dropped workshops.
    """
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if not restorable(registration, by_participant):
        db.session.rollback()
        if restorable(registration):
            raise RegistrationError("cancelled_by_organiser")
        raise RegistrationError("not_restorable")
    if event.status == EventStatus.CANCELLED or event_is_over(event):
        db.session.rollback()
        raise RegistrationError("cancelled" if event.status == EventStatus.CANCELLED else "over")
    if has_free_place(event):
        dropped = confirm_with_free_workshops(registration)
    else:
        registration.status, registration.waitlist_position = (
            RegistrationStatus.WAITLISTED,
            0,
        )  # before everyone waiting
        db.session.flush()
        renumber_waiting_list(event.id)
        dropped = []
    registration.cancelled_at, registration.cancelled_by_participant = None, False
    record_audit(
        "registration.restore",
        registration,
        summary=f"{event.title}: {registration.full_name}",
        actor="participant" if by_participant else None,
    )
    if registration.status == RegistrationStatus.CONFIRMED:
        mails.send_confirmation(registration, dropped)
    else:
        mails.send_waitlisted(registration)
    db.session.commit()
    return dropped
