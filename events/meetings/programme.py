"""An event's programme (talks, panels, breaks, workshops) and its own questions, and both as the registration form
needs them."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select

from events.core.audit import record_audit
from events.core.forms import stored_value
from events.core.timezone import berlin_date, berlin_to_aware
from events.extensions import cache, db
from events.meetings.calendar_sequence import bump_sequence_if_changed, invite_content
from events.meetings.models import Event, EventSession, Question, QuestionKind, SessionKind


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


def save_session(event: Event, session: EventSession | None, data: dict) -> EventSession:
    said = invite_content(event)
    created = session is None
    session = session or EventSession(event=event)
    for name in EventSession.FORM_FIELDS:  # as the programme form gives them (times aware)
        setattr(session, name, stored_value(EventSession, name, data.get(name)))
    if session.kind != SessionKind.WORKSHOP:
        session.capacity = None  # only workshops have places of their own
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
    question.options = options if question.kind in QuestionKind.WITH_OPTIONS else None
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
