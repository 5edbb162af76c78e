"""Named rules about registrations, for services, views and templates alike (templates call them as globals)."""

from __future__ import annotations

from events.meetings.models import Event, EventStatus
from events.meetings.rules import cancellation_open, event_is_over
from events.registration.models import Registration, RegistrationStatus


def holds_valid_ticket(registration: Registration) -> bool:
    """A confirmed place at an event that takes place: the ticket is shown, printed, mailed and admitted at the door.
    Not on the waiting list, not after cancelling, and not once the event is called off."""
    return registration.status in RegistrationStatus.HOLDS_TICKET and registration.event.status != EventStatus.CANCELLED


def awaiting_address_confirmation(registration: Registration) -> bool:
    """A place held until the person confirms the address through the link in the mail (see address_check): it
    counts against the capacity but has no ticket, invite or certificate until then."""
    return registration.status == RegistrationStatus.UNCONFIRMED


def must_confirm_address(event: Event, invitation=None, by_organiser: bool = False) -> bool:
    """Whether a new place is only held until the address is confirmed: at an event that asks for it, for people
    registering through the open form (an invitation link proves the address; an organiser knows the person)."""
    return event.confirm_address_first and invitation is None and not by_organiser


def participant_may_cancel(registration: Registration, event: Event | None = None) -> bool:
    """Whether the registrant may cancel through the personal link: a confirmed place until the cancellation
    deadline; a place on the waiting list or one still held for the address to be confirmed at any time, since
    leaving it takes nothing from the planning."""
    event = event or registration.event
    if registration.status not in RegistrationStatus.ACTIVE or event.status == EventStatus.CANCELLED:
        return False
    return registration.status != RegistrationStatus.CONFIRMED or cancellation_open(event)


def participant_may_edit(registration: Registration, event: Event | None = None, now=None) -> bool:
    """Whether the registrant may change details, answers and workshops through the personal link: while the
    registration stands and its event takes place and is not over."""
    event = event or registration.event
    return (
        registration.status in RegistrationStatus.ACTIVE
        and event.status != EventStatus.CANCELLED
        and not event_is_over(event, now)
    )
