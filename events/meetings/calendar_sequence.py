"""The SEQUENCE of an event's calendar entries (RFC 5546, 2.1.4): it grows with every change of what they say, so
calendar programs take an update as newer than the entry they hold (see meetings.icalendar)."""

from __future__ import annotations

from sqlalchemy import inspect

from events.extensions import db
from events.meetings.models import Event


def invite_content(event: Event) -> tuple:
    """Everything of an event that its calendar entries say (see _vevent and _description), as plain values."""
    programme = sorted(
        (item.starts_at, item.ends_at, item.title, item.speakers or "", item.room or "")
        for item in event.sessions
        if not inspect(item).deleted
    )
    return (
        event.title,
        event.description,
        event.title_en,
        event.description_en,
        event.starts_at,
        event.ends_at,
        event.venue_name,
        event.address,
        event.online_url,
        event.contact_email,
        tuple(programme),
    )


def bump_sequence_if_changed(event: Event, before: tuple) -> bool:
    """Raise the event's SEQUENCE once if its entries say something else than `before` (invite_content taken
    before the change), in the change's transaction; whether it did."""
    db.session.flush()
    if invite_content(event) == before:
        return False
    bump_sequence(event)
    return True


def bump_sequence(event: Event) -> int:
    """Raise the event's SEQUENCE by one, in the same transaction as the change (this function does not commit):
    through bump_sequence_if_changed for a changed event, directly when its status changes (cancelled).

    On an event loaded from the database the increment happens in SQL, so two changes at the same time
    both count.
    """
    state = inspect(event)
    if state.persistent:
        event.calendar_sequence = Event.calendar_sequence + 1
        state.session.flush()
        return event.calendar_sequence
    event.calendar_sequence = (event.calendar_sequence or 0) + 1
    return event.calendar_sequence
