"""Events created, changed, copied as a new edition, published, withdrawn and cancelled; each change is announced
to the packages above (meetings.signals)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from events.core.audit import record_audit
from events.core.forms import stored_value
from events.core.timezone import aware_to_berlin_naive, berlin_date, berlin_to_aware
from events.core.types import utcnow
from events.extensions import db
from events.meetings.calendar_sequence import bump_sequence, bump_sequence_if_changed, invite_content
from events.meetings.errors import EventError
from events.meetings.models import Event, EventSeries, EventStatus
from events.meetings.rules import event_is_editable
from events.meetings.signals import (
    event_cancelled,
    event_saved,
    event_saved_and_committed,
    event_unpublishing,
    refusals,
)

CHANGES_THAT_NEED_NEW_INVITES = ("starts_at", "ends_at", "venue_name", "address", "online_url")


def slugify(text: str) -> str:
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "veranstaltung"


def unique_slug(title: str, start: date | None, event_id: int | None = None) -> str:
    """The web address of an event of this title and start, unused by any other event (event_id: its own)."""
    base = slugify(f"{title} {start.year}" if start and str(start.year) not in title else title)
    slug, n = base, 2
    while db.session.scalar(select(func.count(Event.id)).where(Event.slug == slug, Event.id != (event_id or 0))):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _series_named(name: str | None) -> EventSeries | None:
    name = (name or "").strip()
    if not name:
        return None
    series = db.session.scalars(select(EventSeries).where(EventSeries.name == name)).first()
    if series is None:
        series = EventSeries(name=name)
        db.session.add(series)
    return series


@dataclass
class EventChange:
    event: Event
    created: bool
    invites_changed: bool = False  # date, time or venue of a published event changed
    capacity_grew: bool = False
    fields: list[str] = field(default_factory=list)
    notified: int = 0  # registrants sent an updated invite (date, time or venue changed)
    promoted: list = field(default_factory=list)  # registrations moved up from the waiting list by the change
    programme_moved: bool = False  # the programme moved with the event to its new days
    sessions_outside: int = 0  # programme items that lie outside the event after the change


def save_event(event: Event | None, data: dict, user=None) -> EventChange:
    """Create or update an event from the event form's data (Event.FORM_FIELDS, the series by its name; times
    aware, as the form's BerlinDateTimeField gives them)."""
    created = event is None
    if not created and not event_is_editable(event):
        raise EventError("cancelled")
    if created:
        event = Event(status=EventStatus.DRAFT, created_by_id=getattr(user, "id", None))
    said = None if created else invite_content(event)
    before = {name: getattr(event, name) for name in Event.FORM_FIELDS}
    for name in Event.FORM_FIELDS:
        value = (
            _series_named(data.get("series_name")) if name == "series" else stored_value(Event, name, data.get(name))
        )
        setattr(event, name, value)
    if created:
        with db.session.no_autoflush:
            event.slug = unique_slug(event.title, berlin_date(event.starts_at))
        db.session.add(event)
    changed = [name for name, value in before.items() if getattr(event, name) != value]
    if not created and event.status == EventStatus.DRAFT and {"title", "starts_at"} & set(changed):
        # a draft's address has not been given to anyone yet: it follows the new title (a copied edition's
        # "...-2027-2" becomes the new edition's own), and stays fixed from publication on
        with db.session.no_autoflush:
            event.slug = unique_slug(event.title, berlin_date(event.starts_at), event.id)
    change = EventChange(event=event, created=created, fields=changed)
    if not created:
        change.programme_moved = _move_programme_with_the_event(event, before["starts_at"])
        change.sessions_outside = sum(
            1 for s in event.sessions if s.starts_at < event.starts_at or s.ends_at > event.ends_at
        )
    if not created and event.status == EventStatus.PUBLISHED:
        change.invites_changed = any(name in CHANGES_THAT_NEED_NEW_INVITES for name in changed)
    old_capacity = before["capacity"]
    change.capacity_grew = not created and (
        (event.capacity is None and old_capacity is not None)
        or (event.capacity is not None and old_capacity is not None and event.capacity > old_capacity)
    )
    db.session.flush()
    if not created:
        bump_sequence_if_changed(event, said)
    record_audit(
        "event.create" if created else "event.update",
        event,
        summary=event.title + (f" ({', '.join(changed)})" if changed and not created else ""),
    )
    return change


def _move_programme_with_the_event(event: Event, old_start: datetime) -> bool:
    """After the event moved to other days: when programme items now lie outside it and moving the whole
    programme by the days the start moved (same times of day, Europe/Berlin) brings every item inside, move it.

    So a new edition copied from last year's keeps its programme when the organiser types the new dates; a
    programme that still fits, or that would not fit either way, stays where it is. Whether it moved.
    """
    days = (berlin_date(event.starts_at) - berlin_date(old_start)).days
    sessions = list(event.sessions)
    if not days or all(event.starts_at <= s.starts_at and s.ends_at <= event.ends_at for s in sessions):
        return False
    shift = timedelta(days=days)
    moved = [
        (
            berlin_to_aware(aware_to_berlin_naive(s.starts_at) + shift),
            berlin_to_aware(aware_to_berlin_naive(s.ends_at) + shift),
        )
        for s in sessions
    ]
    if not all(event.starts_at <= start and end <= event.ends_at for start, end in moved):
        return False
    for session, (start, end) in zip(sessions, moved, strict=True):
        session.starts_at, session.ends_at = start, end
    return True


def save_event_and_announce(event: Event | None, data: dict, user=None) -> EventChange:
    """Save the event and announce the change (meetings.signals.event_saved): after a change of date, time or
    venue, registrants get an updated invite (change.notified); after a capacity increase the waiting list moves
    up once the change is committed (change.promoted)."""
    change = save_event(event, data, user)
    event_saved.send(change)
    db.session.commit()
    event_saved_and_committed.send(change)
    return change


def copy_event(source: Event, user=None) -> Event:
    """A new draft edition with the same texts, venue, programme and questions, one year later."""
    shift = timedelta(days=364)  # same weekday one year later
    copy = _copied(source, shift)
    copy.edition = _next_edition(source.edition)
    copy.title = _next_edition(source.title) if source.edition and source.edition in source.title else source.title
    copy.status, copy.created_by_id = EventStatus.DRAFT, getattr(user, "id", None)
    copy.slug = unique_slug(copy.title, berlin_date(copy.starts_at))
    copy.sessions = [_copied(session, shift) for session in source.sessions]
    copy.questions = [_copied(question, shift) for question in source.questions]
    db.session.add(copy)
    db.session.flush()
    record_audit("event.copy", copy, summary=f"{source.title} -> {copy.title}")
    db.session.commit()
    return copy


def _copied(row, shift: timedelta):
    """A new row of the same model with the fields its model copies to a new edition, and its times moved by
    `shift` (COPIED_TO_NEW_EDITION, MOVED_WITH_EDITION)."""
    copy = type(row)()
    for name in row.COPIED_TO_NEW_EDITION:
        value = getattr(row, name)
        setattr(copy, name, list(value) if isinstance(value, list) else value)
    for name in getattr(row, "MOVED_WITH_EDITION", ()):
        value = getattr(row, name)
        setattr(copy, name, value and value + shift)
    return copy


def _next_edition(text: str | None) -> str | None:
    if not text:
        return text
    return re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + 1), text, count=1)


def publish_event(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise EventError("cancelled_not_published")
    event.status = EventStatus.PUBLISHED
    record_audit("event.publish", event, summary=event.title)
    db.session.commit()


def unpublish_event(event: Event) -> None:
    """Make a published event a draft again; refused (EventError) when a package above holds something of it
    (registration: "has_registrations")."""
    refused = refusals(event_unpublishing, event)
    if refused:
        raise EventError(refused[0])
    event.status = EventStatus.DRAFT
    record_audit("event.unpublish", event, summary=event.title)
    db.session.commit()


def cancel_event(event: Event, message: str = "") -> int:
    """Cancel the event and announce it (meetings.signals.event_cancelled: registration sends every active
    registration a cancellation with METHOD:CANCEL); how many were told."""
    if event.status == EventStatus.CANCELLED:
        raise EventError("already_cancelled")
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    bump_sequence(event)
    notified = sum(told or 0 for _receiver, told in event_cancelled.send(event, message=message))
    record_audit("event.cancel", event, summary=f"{event.title}: {notified} notified")
    db.session.commit()
    return notified
