"""Events, their programme and questions: create, change, copy, publish, cancel; what the public sees."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import markdown
import nh3
from markupsafe import Markup
from sqlalchemy import bindparam, func, select

from events.core.audit import record_audit
from events.core.forms import optional_text
from events.core.timezone import aware_to_berlin_naive, berlin_date, berlin_to_aware
from events.core.types import utcnow
from events.extensions import cache, db
from events.meetings.calendar_sequence import bump_sequence, bump_sequence_if_changed, invite_content
from events.meetings.models import (
    Event,
    EventSeries,
    EventSession,
    EventStatus,
    Question,
    QuestionKind,
    SessionKind,
)
from events.meetings.signals import (
    event_cancelled,
    event_saved,
    event_saved_and_committed,
    event_unpublishing,
    refusals,
)

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "hr"}
CHANGES_THAT_NEED_NEW_INVITES = ("starts_at", "ends_at", "venue_name", "address", "online_url")
# What the event form changes; the audit entry of an edit names every one of them that changed.
EDITABLE_FIELDS = (
    *("kind", "series", "edition", "title", "description", *CHANGES_THAT_NEED_NEW_INVITES, "capacity"),
    *("registration_opens_at", "registration_closes_at", "cancellation_deadline", "access", "contact_email"),
)


class EventError(ValueError):
    """A user-facing reason why an event action cannot be done."""


def render_description(text: str) -> Markup:
    """Markdown written by organisers, rendered and sanitised (no scripts, no styles, safe links only)."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


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


# --- what the public sees -------------------------------------------------------------------------------------


def upcoming_events() -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow()).order_by(Event.starts_at)
    ).all()


# A published or cancelled event by its address (parameter slug); drafts are not public. Built once: the public
# pages run it on every request.
PUBLIC_EVENT_QUERY = select(Event).where(Event.slug == bindparam("slug"), Event.status != EventStatus.DRAFT)


def public_event(slug: str) -> Event | None:
    """See PUBLIC_EVENT_QUERY. Its programme and questions load when first used (two small queries, cheaper than
    eager loading here).
    """
    return db.session.scalars(PUBLIC_EVENT_QUERY, {"slug": slug}).first()


def programme_by_day(event: Event) -> list[tuple[date, list[EventSession]]]:
    days: dict[date, list[EventSession]] = {}
    for session in event.sessions:
        days.setdefault(berlin_date(session.starts_at), []).append(session)
    return sorted(days.items())


def workshop_slots(event: Event) -> list[list[EventSession]]:
    """Workshops grouped into time slots: workshops whose times overlap share a slot (choose one per slot)."""
    workshops = sorted((s for s in event.sessions if s.kind == SessionKind.WORKSHOP), key=lambda s: s.starts_at)
    slots: list[list[EventSession]] = []
    slot_end = None
    for workshop in workshops:
        if slots and workshop.starts_at < slot_end:
            slots[-1].append(workshop)
            slot_end = max(slot_end, workshop.ends_at)
        else:
            slots.append([workshop])
            slot_end = workshop.ends_at
    return slots


class QuestionSpec(NamedTuple):
    """A question as the registration form needs it."""

    id: int
    label: str
    kind: str
    options: tuple[str, ...]
    required: bool


class WorkshopSpec(NamedTuple):
    """A workshop as the registration form needs it."""

    id: int
    title: str
    room: str | None
    capacity: int | None
    starts_at: datetime
    ends_at: datetime


class RegistrationDefinition(NamedTuple):
    """What an event's registration form asks beyond the personal details: its questions and workshop slots."""

    questions: tuple[QuestionSpec, ...]
    slots: tuple[tuple[WorkshopSpec, ...], ...]


def registration_definition(event: Event) -> RegistrationDefinition:
    """The event's questions and workshop slots as plain values, kept per process for this version of the event.

    Every change to a programme item or a question moves the event's updated_at (meetings.models), so the
    key names exactly one version; the registration pages then need no queries for programme and questions.
    """
    key = f"registration-definition/{event.id}/{event.updated_at.isoformat()}"
    definition = cache.get(key)
    if definition is None:
        definition = RegistrationDefinition(
            tuple(QuestionSpec(q.id, q.label, q.kind, tuple(q.options or ()), q.required) for q in event.questions),
            tuple(
                tuple(WorkshopSpec(w.id, w.title, w.room, w.capacity, w.starts_at, w.ends_at) for w in slot)
                for slot in workshop_slots(event)
            ),
        )
        cache.set(key, definition)
    return definition


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
        return "over" if now >= event.ends_at else "closed"
    return "open"


def cancellation_open(event: Event, now=None) -> bool:
    now = now or utcnow()
    return now < (event.cancellation_deadline or event.starts_at)


# --- organisers -----------------------------------------------------------------------------------------------


def events_for_organisers() -> list[Event]:
    return db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()


def series_names() -> list[str]:
    return db.session.scalars(select(EventSeries.name).order_by(EventSeries.name)).all()


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


def event_is_editable(event: Event) -> bool:
    """A cancelled event stays as it was when it was called off."""
    return event.status != EventStatus.CANCELLED


def save_event(event: Event | None, data: dict, user=None) -> EventChange:
    """Create or update an event from form data (times typed in Europe/Berlin)."""
    created = event is None
    if not created and not event_is_editable(event):
        raise EventError("cancelled")
    if created:
        event = Event(status=EventStatus.DRAFT, created_by_id=getattr(user, "id", None))
    said = None if created else invite_content(event)
    before = {name: getattr(event, name) for name in EDITABLE_FIELDS}
    event.kind = data["kind"]
    event.series = _series_named(data.get("series_name"))
    event.edition = optional_text(data.get("edition"))
    event.title = data["title"].strip()
    event.description = data.get("description") or ""
    event.starts_at = berlin_to_aware(data["starts_at"])
    event.ends_at = berlin_to_aware(data["ends_at"])
    event.venue_name = optional_text(data.get("venue_name"))
    event.address = optional_text(data.get("address"))
    event.online_url = optional_text(data.get("online_url"))
    event.capacity = data.get("capacity")
    event.registration_opens_at = berlin_to_aware(data.get("registration_opens_at"))
    event.registration_closes_at = berlin_to_aware(data.get("registration_closes_at"))
    event.cancellation_deadline = berlin_to_aware(data.get("cancellation_deadline"))
    event.access = data["access"]
    event.contact_email = optional_text(data.get("contact_email"))
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
    copy = Event(
        kind=source.kind,
        series=source.series,
        edition=_next_edition(source.edition),
        title=_next_edition(source.title) if source.edition and source.edition in source.title else source.title,
        description=source.description,
        starts_at=source.starts_at + shift,
        ends_at=source.ends_at + shift,
        venue_name=source.venue_name,
        address=source.address,
        online_url=source.online_url,
        capacity=source.capacity,
        registration_opens_at=source.registration_opens_at and source.registration_opens_at + shift,
        registration_closes_at=source.registration_closes_at and source.registration_closes_at + shift,
        cancellation_deadline=source.cancellation_deadline and source.cancellation_deadline + shift,
        access=source.access,
        contact_email=source.contact_email,
        status=EventStatus.DRAFT,
        created_by_id=getattr(user, "id", None),
    )
    copy.slug = unique_slug(copy.title, berlin_date(copy.starts_at))
    for session in source.sessions:
        copy.sessions.append(
            EventSession(
                kind=session.kind,
                title=session.title,
                description=session.description,
                starts_at=session.starts_at + shift,
                ends_at=session.ends_at + shift,
                room=session.room,
                speakers=session.speakers,
                capacity=session.capacity,
            )
        )
    for question in source.questions:
        copy.questions.append(
            Question(
                position=question.position,
                label=question.label,
                kind=question.kind,
                options=list(question.options or []) or None,
                required=question.required,
            )
        )
    db.session.add(copy)
    db.session.flush()
    record_audit("event.copy", copy, summary=f"{source.title} -> {copy.title}")
    db.session.commit()
    return copy


def _next_edition(text: str | None) -> str | None:
    if not text:
        return text
    return re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + 1), text, count=1)


def publish_event(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise EventError("cancelled")
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


def save_session(event: Event, session: EventSession | None, data: dict) -> EventSession:
    said = invite_content(event)
    created = session is None
    session = session or EventSession(event=event)
    session.kind = data["kind"]
    session.title = data["title"].strip()
    session.description = data.get("description") or ""
    session.starts_at = berlin_to_aware(data["starts_at"])
    session.ends_at = berlin_to_aware(data["ends_at"])
    session.room = optional_text(data.get("room"))
    session.speakers = optional_text(data.get("speakers"))
    session.capacity = data.get("capacity") if session.kind == SessionKind.WORKSHOP else None
    db.session.add(session)
    bump_sequence_if_changed(event, said)
    record_audit("session.create" if created else "session.update", session, summary=f"{event.title}: {session.title}")
    db.session.commit()
    return session


def session_outside_event(event: Event, data: dict) -> bool:
    start, end = berlin_to_aware(data["starts_at"]), berlin_to_aware(data["ends_at"])
    return start < event.starts_at or end > event.ends_at


def delete_session(session: EventSession) -> None:
    event = session.event
    said = invite_content(event)
    record_audit("session.delete", session, summary=f"{event.title}: {session.title}")
    db.session.delete(session)
    bump_sequence_if_changed(event, said)
    db.session.commit()


def save_question(event: Event, question: Question | None, data: dict) -> Question:
    created = question is None
    if created:
        position = db.session.scalar(
            select(func.coalesce(func.max(Question.position), 0)).where(Question.event_id == event.id)
        )
        question = Question(event=event, position=position + 1)
    question.label = data["label"].strip()
    question.kind = data["kind"]
    options = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
    question.options = options if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else None
    question.required = bool(data.get("required"))
    db.session.add(question)
    db.session.flush()
    record_audit("question.create" if created else "question.update", question, summary=question.label)
    db.session.commit()
    return question


def delete_question(question: Question) -> None:
    record_audit("question.delete", question, summary=question.label)
    db.session.delete(question)
    db.session.commit()
