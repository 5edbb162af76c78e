"""Named rules about events, for services, views and templates alike."""

from __future__ import annotations

from events.core.types import utcnow
from events.meetings.models import Event, EventStatus


def event_is_over(event: Event, now=None) -> bool:
    """Whether the event has ended: from its end time on."""
    return (now or utcnow()) >= event.ends_at


def registration_window_state(event: Event, now=None) -> str:
    """One of: open, draft, cancelled, not_yet, closed, over."""
    now = now or utcnow()
    if event.status == EventStatus.DRAFT:
        return "draft"
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return "over" if event_is_over(event, now) else "closed"
    return "open"


def registration_is_open(event: Event, now=None) -> bool:
    """Whether the event takes registrations now (see registration_window_state for why not)."""
    return registration_window_state(event, now) == "open"


def cancellation_open(event: Event, now=None) -> bool:
    """Whether a confirmed place may still be given back through the personal link: until the cancellation
    deadline, or else until the event starts."""
    now = now or utcnow()
    return now < (event.cancellation_deadline or event.starts_at)


def event_is_editable(event: Event) -> bool:
    """A cancelled event stays as it was when it was called off."""
    return event.status != EventStatus.CANCELLED
