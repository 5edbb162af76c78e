"""Events, their programme and questions: create, change, copy, publish, cancel; what the public sees."""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import markdown
import nh3
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import and_, bindparam, exists, func, or_, select

from events.core.audit import record_audit
from events.core.forms import optional_text
from events.core.search import found_by, matches_any
from events.core.timezone import aware_to_berlin_naive, berlin_date, berlin_to_aware
from events.core.types import utcnow
from events.extensions import cache, db
from events.meetings.models import (
    Event,
    EventSeries,
    EventSession,
    EventStatus,
    Invitation,
    Question,
    QuestionKind,
    SessionKind,
)
from events.registration.tokens import hash_token

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
    promoted: list = field(default_factory=list)  # registrations moved up from the waiting list by the change
    programme_moved: bool = False  # the programme moved with the event to its new days
    sessions_outside: int = 0  # programme items that lie outside the event after the change


def event_is_editable(event: Event) -> bool:
    """A cancelled event stays as it was when it was called off."""
    return event.status != EventStatus.CANCELLED


def save_event(event: Event | None, data: dict, user=None) -> EventChange:
    """Create or update an event from form data (times typed in Europe/Berlin)."""
    from events.calendar.service import bump_sequence_if_changed, invite_content

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


def save_event_and_tell_registrants(event: Event | None, data: dict, user=None) -> tuple[EventChange, int]:
    """Save the event; after a change of date, time or venue, send everyone an updated invite; after a capacity
    increase, move people up from the waiting list. Returns the change and how many were sent an invite."""
    from events.registration.service import notify_event_changed, promote_from_waiting_list

    change = save_event(event, data, user)
    notified = notify_event_changed(change.event) if change.invites_changed else 0
    db.session.commit()
    if change.capacity_grew:
        change.promoted = promote_from_waiting_list(change.event.id)
    return change, notified


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
    from events.registration.models import Registration

    if db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id)):
        raise EventError("has_registrations")
    event.status = EventStatus.DRAFT
    record_audit("event.unpublish", event, summary=event.title)
    db.session.commit()


def cancel_event(event: Event, message: str = "") -> int:
    """Cancel the event and queue a cancellation (with METHOD:CANCEL) for every active registration."""
    from events.calendar.service import bump_sequence
    from events.registration.mails import send_event_cancelled
    from events.registration.service import active_registrations

    if event.status == EventStatus.CANCELLED:
        raise EventError("already_cancelled")
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    bump_sequence(event)
    registrations = active_registrations(event)
    for registration in registrations:
        send_event_cancelled(registration, message)
    record_audit("event.cancel", event, summary=f"{event.title}: {len(registrations)} notified")
    db.session.commit()
    return len(registrations)


def save_session(event: Event, session: EventSession | None, data: dict) -> EventSession:
    from events.calendar.service import bump_sequence_if_changed, invite_content

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
    from events.calendar.service import bump_sequence_if_changed, invite_content

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


# --- invitations ----------------------------------------------------------------------------------------------


@dataclass
class InvitationImport:
    created: int = 0
    skipped: int = 0  # already invited
    # (line number, problem): problem is one of INVITATION_FILE_PROBLEMS; line 1 is the header line
    errors: list[tuple[int, str]] = field(default_factory=list)


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVITATION_DELIMITERS = (";", ",", "\t")  # the first that gives the header line an email column wins
INVITATION_FILE_PROBLEMS = ("encoding", "empty", "header", "format", "columns", "email", "too_long")
# The names a header may give each column, in English or German, compared without case, spaces, "-", "_" or ".":
# "E-Mail-Adresse", "Vorname", "Nachname" and "Organisation" read as well as "email", "first_name" and so on.
INVITATION_COLUMNS = {
    "email": ("email", "emailadresse", "mail", "emailaddress"),
    "first_name": ("firstname", "vorname"),
    "last_name": ("lastname", "nachname", "familienname", "surname"),
    "organisation": ("organisation", "organization", "organisationname", "einrichtung", "institution", "träger"),
}
_INVITATION_COLUMN_OF = {alias: column for column, aliases in INVITATION_COLUMNS.items() for alias in aliases}


def _invitation_column(name: str) -> str:
    """The column a header name stands for (see INVITATION_COLUMNS); other names stay as they are (ignored)."""
    key = re.sub(r"[\s\-_.]", "", name).lower()
    return _INVITATION_COLUMN_OF.get(key, name.strip().lower())


def _decode_invitation_file(raw: bytes) -> str | None:
    """The text of an uploaded file: UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM (Excel's
    "Unicode text"), or else Windows-1252 (Excel's "CSV" on German Windows); None when it is none of these."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _invitation_rows(text: str, result: InvitationImport) -> list[tuple[int, dict[str, str]]]:
    """The invitees of a CSV text as (line number, {column: value}); problems go to result.errors.

    The delimiter is the one of INVITATION_DELIMITERS that splits the header line into columns with one named
    "email" (or "E-Mail" and the like, INVITATION_COLUMNS); a one-column file reads the same with any of them.
    An Excel "sep=;" first line names it outright.
    Blank lines are skipped; a line may leave out trailing columns, but not have more than the header, and no
    value may run over a line break (the sign of a quote left open).
    """
    lines = text.splitlines(keepends=True)
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        result.errors.append((1, "empty"))
        return []
    hint = re.fullmatch(r"sep=([;,\t])", lines[first].strip("\r\n "))
    if hint:
        first += 1
    header_line = lines[first] if first < len(lines) else ""
    for delimiter in (hint[1],) if hint else INVITATION_DELIMITERS:
        try:
            header = [_invitation_column(name) for name in next(csv.reader([header_line], delimiter=delimiter), [])]
        except csv.Error:  # a header field beyond the csv module's size limit
            result.errors.append((first + 1, "format"))
            return []
        if "email" in header:
            break
    else:
        result.errors.append((first + 1, "header"))
        return []
    reader = csv.reader(io.StringIO("".join(lines[first + 1 :])), delimiter=delimiter)
    rows, read = [], 0  # read: lines of the file below the header read so far
    try:
        for values in reader:
            number, read = first + 2 + read, reader.line_num  # the line where this record starts
            if not any(value.strip() for value in values):
                continue
            if any(mark in value for value in values for mark in "\r\n\x00"):
                result.errors.append((number, "format"))  # a quote left open swallows the lines after it
                continue
            if len(values) > len(header):
                result.errors.append((number, "columns"))
                continue
            rows.append((number, {name: value.strip() for name, value in zip(header, values, strict=False)}))
    except csv.Error:  # a field beyond the csv module's size limit: the lines after it cannot be read
        result.errors.append((first + 2 + read, "format"))
    if not rows and not result.errors:
        result.errors.append((first + 1, "empty"))
    return rows


def invitation_refusal(event: Event) -> str | None:
    """Why the event sends no invitations now, or None: a draft ("draft": its link would lead nowhere yet), a
    cancelled event ("cancelled"), or one whose registration has closed or that is over ("registration_over": the
    link would only lead to "registration closed"). Import and sending again both follow it."""
    if event.status != EventStatus.PUBLISHED:
        return event.status
    if registration_window_state(event) in ("closed", "over"):
        return "registration_over"
    return None


def import_invitations(event: Event, raw: bytes) -> InvitationImport:
    """Read invitees from CSV (email, first_name, last_name, organisation) and mail each a personal link.

    Nothing is written when any line is wrong: the organiser fixes the file and uploads it again. An event that
    sends no invitations now (invitation_refusal) raises EventError with the reason.
    """
    from events.registration.mails import send_invitation

    refusal = invitation_refusal(event)
    if refusal:
        raise EventError(refusal)
    result = InvitationImport()
    text = _decode_invitation_file(raw)
    if text is None:
        result.errors.append((1, "encoding"))
        return result
    rows = _invitation_rows(text, result)
    if result.errors and not rows:
        return result
    existing = set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == event.id)))
    pending: list[tuple[Invitation, str]] = []
    for number, row in rows:
        email = row.get("email", "").lower()
        if len(email) > 254 or not EMAIL_PATTERN.match(email):
            result.errors.append((number, "email"))
            continue
        if any(
            len(row.get(name, "")) > limit
            for name, limit in (("first_name", 100), ("last_name", 100), ("organisation", 200))
        ):
            result.errors.append((number, "too_long"))
            continue
        if email in existing:
            result.skipped += 1
            continue
        existing.add(email)
        token = secrets.token_urlsafe(16)
        invitation = Invitation(
            event=event,
            email=email,
            first_name=row.get("first_name", ""),
            last_name=row.get("last_name", ""),
            organisation_name=row.get("organisation") or None,
            token_hash=hash_token(token),
        )
        pending.append((invitation, token))
    if result.errors:
        db.session.rollback()  # the invitations built above joined the session with their event
        result.errors.sort()
        return result
    for invitation, token in pending:
        invitation.sent_at = utcnow()  # the mail is queued with it, in the same transaction
        db.session.add(invitation)
        send_invitation(invitation, token)
        result.created += 1
    record_audit("event.invitations", event, summary=f"{result.created} invited, {result.skipped} already invited")
    db.session.commit()
    return result


def invitation_for(event: Event, token: str | None) -> Invitation | None:
    if not token:
        return None
    return db.session.scalars(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.token_hash == hash_token(token))
    ).first()


# --- who was invited, and who has registered ------------------------------------------------------------------

# What became of an invitation, for the organiser's list: the status of the registration made from it.
NOT_REGISTERED = "not_registered"
# The list's filters (parameter "status"): everyone, nobody registered yet, registered (confirmed or waiting),
# registered and cancelled since.
INVITATION_FILTERS = ("", "open", "registered", "cancelled")


def _registration_of_invitation():
    """Joins a registration to the invitation it belongs to: the one made from it or, at an open event, the one
    of the invited address made through the public form. There is at most one: an invitation registers its own
    address (registration.service.register_for_event), and an event has one registration per address.

    A registration anonymised by the retention rules matches neither (its invitation and address are gone).
    """
    from events.registration.models import Registration

    return and_(
        Registration.event_id == Invitation.event_id,
        or_(Registration.invitation_id == Invitation.id, Registration.email_normalized == Invitation.email),
    )


def invitation_counts(event: Event) -> dict[str, int]:
    """How many were invited, and of those how many have registered (confirmed or on the waiting list), have
    cancelled since, and have not registered yet; the last three add up to the first."""
    from events.registration.models import Registration, RegistrationStatus

    rows = db.session.execute(
        select(Registration.status, func.count(Invitation.id))
        .select_from(Invitation)
        .outerjoin(Registration, _registration_of_invitation())
        .where(Invitation.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    by_status = {status or NOT_REGISTERED: count for status, count in rows}
    return {
        "invited": sum(by_status.values()),
        "registered": by_status.get(RegistrationStatus.CONFIRMED, 0) + by_status.get(RegistrationStatus.WAITLISTED, 0),
        "cancelled": by_status.get(RegistrationStatus.CANCELLED, 0),
        "not_registered": by_status.get(NOT_REGISTERED, 0),
    }


def search_invitations(event: Event, status: str = "", term: str = ""):
    """The event's invitations by name, filtered (INVITATION_FILTERS) and searched by name or address; a query
    of Invitation rows (for db.paginate); invitation_registrations tells what became of each."""
    from events.registration.models import Registration, RegistrationStatus

    query = select(Invitation).where(Invitation.event_id == event.id)
    registration = exists().where(_registration_of_invitation())
    if status == "open":
        query = query.where(~registration)
    elif status == "registered":
        query = query.where(registration.where(Registration.status != RegistrationStatus.CANCELLED))
    elif status == "cancelled":
        query = query.where(registration.where(Registration.status == RegistrationStatus.CANCELLED))
    if term:
        query = query.where(found_by(term, Invitation.search_text) | matches_any(term, Invitation.email))
    return query.order_by(Invitation.last_name, Invitation.first_name, Invitation.email)


class InvitedRegistration(NamedTuple):
    """The registration made from an invitation, as the invitation list shows it."""

    id: int
    status: str  # a RegistrationStatus value
    waitlist_position: int | None


def invitation_registrations(invitations: list[Invitation]) -> dict[int, InvitedRegistration]:
    """The registration of each of these invitations that has one, by invitation id (one query)."""
    from events.registration.models import Registration

    if not invitations:
        return {}
    rows = db.session.execute(
        select(Invitation.id, Registration.id, Registration.status, Registration.waitlist_position)
        .join(Registration, _registration_of_invitation())
        .where(Invitation.id.in_([invitation.id for invitation in invitations]))
    ).all()
    return {invitation_id: InvitedRegistration(*registration) for invitation_id, *registration in rows}


def invitation_version(invitation: Invitation) -> str:
    """Names the link an invitation was last sent with, for the resend button: a second click (or a form sent
    again from the browser's history) names a link that was replaced already and sends nothing."""
    return invitation.token_hash[:16]


def resend_invitation(invitation: Invitation, version: str | None = None) -> None:
    """Send an invitee who has not registered a new personal link; the link sent before stops working.

    The link is only stored as a hash, so the old one cannot be sent again: a new token replaces it. Refused
    (EventError) as import_invitations refuses (invitation_refusal), and
    for an invitee who has registered ("registered", also when they have cancelled since: their link still
    leads to their registration); with `version` (invitation_version as the organiser saw it) also when the
    invitation was sent again since ("sent_again"). The event row is locked, as registering locks it, so a
    registration made at the same moment is seen.
    """
    from events.core.database import lock_row
    from events.registration.mails import send_invitation

    event = lock_row(Event, invitation.event_id)
    invitation = db.session.get(Invitation, invitation.id)  # read again under the lock
    refusal = invitation_refusal(event)
    if refusal is None and invitation_registrations([invitation]):
        refusal = "registered"
    elif refusal is None and version is not None and version != invitation_version(invitation):
        refusal = "sent_again"
    if refusal:
        db.session.rollback()  # lets go of the lock
        raise EventError(refusal)
    token = secrets.token_urlsafe(16)
    invitation.token_hash = hash_token(token)
    invitation.sent_at = utcnow()  # the mail is queued with it, in the same transaction
    send_invitation(invitation, token)
    # the invitee is named by the invitation's id only: the audit log outlives the invitation (retention)
    record_audit(
        "event.invitation_resent",
        event,
        summary=f"{event.title}: Einladung {invitation.id} erneut verschickt",
        details={"invitation": invitation.id},
    )
    db.session.commit()


def invitations_csv(event: Event, status: str = "", term: str = "") -> bytes:
    """The invitation list as filtered, as CSV for a spreadsheet: semicolons, UTF-8 with a BOM (as the
    registrations export), texts protected from being run as formulas."""
    from events.registration.export import csv_safe
    from events.registration.forms import REGISTRATION_STATUS_LABELS

    invitations = db.session.scalars(search_invitations(event, status, term)).all()
    registrations = invitation_registrations(invitations)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Nachname"),
            _("Vorname"),
            _("E-Mail-Adresse"),
            _("Organisation"),
            _("Eingeladen am"),
            _("Zuletzt verschickt am"),
            _("Anmeldung"),
            _("Anmeldung Nr."),
        ]
    )
    for invitation in invitations:
        registration = registrations.get(invitation.id)
        writer.writerow(
            [
                csv_safe(invitation.last_name),
                csv_safe(invitation.first_name),
                csv_safe(invitation.email),
                csv_safe(invitation.organisation_name or ""),
                _berlin_minutes(invitation.created_at),
                _berlin_minutes(invitation.sent_at),
                str(REGISTRATION_STATUS_LABELS[registration.status]) if registration else _("nicht angemeldet"),
                registration.id if registration else "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _berlin_minutes(value: datetime | None) -> str:
    return aware_to_berlin_naive(value).strftime("%Y-%m-%d %H:%M") if value else ""
