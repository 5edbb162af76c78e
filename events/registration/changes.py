"""Event changes as registrants see them: an updated invite after a change of date, time or venue, the waiting list
moving up after a capacity increase, a cancellation notice when the event is called off; and no withdrawing an event
that has registrations. Connected to the announcements of meetings (meetings.signals)."""

from __future__ import annotations

from sqlalchemy import func, select

from events.extensions import db
from events.meetings.models import Event
from events.meetings.signals import event_cancelled, event_saved, event_saved_and_committed, event_unpublishing
from events.registration import mails
from events.registration.models import Registration
from events.registration.service import active_registrations, promote_from_waiting_list


def notify_event_changed(event: Event) -> int:
    """After date, time or venue changed: an updated invite to everyone registered."""
    registrations = active_registrations(event)
    for registration in registrations:
        mails.send_event_updated(registration)
    return len(registrations)


@event_saved.connect
def _send_updated_invites(change) -> None:
    if change.invites_changed:
        change.notified = notify_event_changed(change.event)


@event_saved_and_committed.connect
def _move_up_after_capacity_grew(change) -> None:
    if change.capacity_grew:
        change.promoted = promote_from_waiting_list(change.event.id)


@event_cancelled.connect
def _send_cancellations(event: Event, message: str = "") -> int:
    """Every active registration is sent the cancellation (with METHOD:CANCEL); how many."""
    registrations = active_registrations(event)
    for registration in registrations:
        mails.send_event_cancelled(registration, message)
    return len(registrations)


@event_unpublishing.connect
def _keep_events_with_registrations(event: Event) -> str | None:
    """An event with registrations is cancelled, not withdrawn (its registrants would hear nothing)."""
    if db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id)):
        return "has_registrations"
    return None
