"""The waiting list: who moves up when a place becomes free, and an organiser's moves by hand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.registration import mails
from events.registration.days import choose_days
from events.registration.errors import RegistrationError
from events.registration.models import Registration, RegistrationStatus
from events.registration.places import confirmed_count, free_places, has_free_place, workshop_fill, workshop_is_full


def confirm_with_free_workshops(registration: Registration) -> list[str]:
    """Confirm a waiting or cancelled registration; chosen workshops that are full are dropped from its choices,
    and on chosen days that are full the person waits for the day (registration.days).

    Returns the titles of the dropped workshops. The places are counted before the person is confirmed, so that
    their own choice does not count against them.
    """
    fill = workshop_fill(registration.event_id) if registration.workshop_choices else {}
    registration.status, registration.waitlist_position = RegistrationStatus.CONFIRMED, None
    registration.confirmed_at = utcnow()
    full = [choice for choice in registration.workshop_choices if workshop_is_full(choice.session, fill)]
    registration.workshop_choices = [c for c in registration.workshop_choices if c not in full]
    choose_days(registration, [c.event_day_id for c in registration.day_choices])
    return [choice.session.title for choice in full]


def promote_from_waiting_list(event_id: int) -> list[Registration]:
    """Fill free places from the waiting list, first come first served (after a capacity increase)."""
    event = lock_row(Event, event_id)
    promoted = promote_while_free(event)
    db.session.commit()
    return promoted


def waiting_list_moves(event: Event) -> bool:
    """Whether anybody may move up from the event's waiting list: not once the event is called off (nobody is
    to be told that a place is free there)."""
    return event.status != EventStatus.CANCELLED


def promote_while_free(event: Event) -> list[Registration]:
    if not waiting_list_moves(event):
        return []
    promoted = []
    free = free_places(event)
    while free is None or free > 0:
        first = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.waitlist_position, Registration.id)
            .limit(1)
        ).first()
        if first is None:
            break
        _promote(first)
        promoted.append(first)
        if free is not None:
            free -= 1
    if promoted:
        renumber_waiting_list(event.id)
    return promoted


def _promote(registration: Registration, audit_action: str = "registration.promote", summary: str = "") -> list[str]:
    """Confirm a waiting person and mail them; returns the titles of chosen workshops dropped as full."""
    dropped = confirm_with_free_workshops(registration)
    db.session.flush()
    record_audit(audit_action, registration, summary=summary or registration.full_name)
    mails.send_promoted(registration, dropped)
    return dropped


@dataclass
class HandPromotion:
    dropped_workshops: list[str]  # titles of chosen workshops that were full
    beyond_capacity: bool  # no place was free: the organiser confirmed the person beyond the capacity


def promote_by_hand(registration: Registration, beyond_capacity: bool = False) -> HandPromotion:
    """An organiser moves one waiting person up: into a free place, or, when every place is taken and the organiser
    has said so explicitly (beyond_capacity), beyond the capacity. Registrations never go beyond it."""
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status != RegistrationStatus.WAITLISTED:
        db.session.rollback()
        raise RegistrationError("not_waiting")
    if not waiting_list_moves(event):
        db.session.rollback()
        raise RegistrationError("cancelled")
    confirmed = confirmed_count(event.id)
    over = not has_free_place(event, confirmed)
    if over and not beyond_capacity:
        db.session.rollback()
        raise RegistrationError("no_free_place")
    if over:
        dropped = _promote(
            registration,
            "registration.promote_beyond_capacity",
            f"{event.title}: {registration.full_name} ({confirmed + 1} confirmed, capacity {event.capacity})",
        )
    else:
        dropped = _promote(registration)
    renumber_waiting_list(event.id)
    db.session.commit()
    return HandPromotion(dropped, over)


def move_in_waiting_list(registration: Registration, step: int) -> int:
    """Move a waiting person one place up (step -1) or down (+1); see move_to_position."""
    return _move_in_waiting_list(registration, lambda current: current + step)


def move_to_position(registration: Registration, position: int) -> int:
    """Put a waiting person at this place of the waiting list (1: next to move up); those in between shift by one,
    so the positions stay 1, 2, 3 ... A place beyond the end (the list may have got shorter since the organiser's
    page was shown) means the end. Returns the person's place."""
    return _move_in_waiting_list(registration, lambda current: position)


def _move_in_waiting_list(registration: Registration, target) -> int:
    """target: the wanted place, given the current one."""
    lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status != RegistrationStatus.WAITLISTED:
        db.session.rollback()
        raise RegistrationError("not_waiting")
    waiting = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == registration.event_id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.waitlist_position, Registration.id)
        )
    )
    current = waiting.index(registration) + 1
    wanted = min(max(target(current), 1), len(waiting))
    if wanted == current:
        db.session.rollback()
        return current
    waiting.remove(registration)
    waiting.insert(wanted - 1, registration)
    for place, person in enumerate(waiting, start=1):
        person.waitlist_position = place
    record_audit("registration.reorder", registration, summary=f"{registration.full_name}: {current} -> {wanted}")
    db.session.commit()
    return wanted


def renumber_waiting_list(event_id: int) -> None:
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position, Registration.id)
    ).all()
    for position, registration in enumerate(waiting, start=1):
        registration.waitlist_position = position
