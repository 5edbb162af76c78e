"""Events of every kind, their programme, questions, staff and invitations."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import event as sa_event
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from events.core.enums import LabelledEnum
from events.core.models import User
from events.core.types import AwareDateTime, utcnow
from events.extensions import db


class EventKind(LabelledEnum):
    NETWORKING = "networking", _l("Vernetzungstreffen")
    TANDEM_MEETING = "tandem_meeting", _l("Tandem-Treffen")
    CEREMONY = "ceremony", _l("Preisverleihung / Festakt")
    ONLINE_DIALOG = "online_dialog", _l("Dialog digital (online)")


class EventStatus(LabelledEnum):
    DRAFT = "draft", _l("Entwurf")
    PUBLISHED = "published", _l("Veröffentlicht")
    CANCELLED = "cancelled", _l("Abgesagt")


class EventAccess(LabelledEnum):
    OPEN = "open", _l("Alle mit dem Link")  # anyone with the link may register
    INVITED = "invited", _l("Nur eingeladene Personen (persönlicher Einladungslink)")  # with a personal link only


class SessionKind(LabelledEnum):
    TALK = "talk", _l("Vortrag")
    PANEL = "panel", _l("Podium")
    WORKSHOP = "workshop", _l("Workshop")
    BREAK = "break", _l("Pause")


class QuestionKind(LabelledEnum):
    TEXT = "text", _l("Freitext")
    SINGLE = "single", _l("Einfachauswahl")
    MULTIPLE = "multiple", _l("Mehrfachauswahl")
    YESNO = "yesno", _l("Ja/Nein")

    WITH_OPTIONS = enum.nonmember(frozenset({"single", "multiple"}))  # answered from the organiser's list of options


class EventSeries(db.Model):
    """A recurring kind of event, e.g. "Vernetzungstreffen", with yearly editions."""

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    events: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.starts_at")

    def __str__(self) -> str:
        return self.name


def _new_ticket_key() -> str:
    return secrets.token_hex(32)


class Event(db.Model):
    __tablename__ = "events"

    # The fields the event form edits, in its order (the audit entry of an edit names those that changed; the
    # series is typed as its name).
    FORM_FIELDS = (
        *("kind", "series", "edition", "title", "description", "starts_at", "ends_at", "venue_name", "address"),
        *("online_url", "capacity", "registration_opens_at", "registration_closes_at", "cancellation_deadline"),
        *("access", "confirm_address_first", "listed_publicly", "contact_email", "title_en", "description_en"),
    )
    # What a new edition takes over from the last one (meetings.changes.copy_event); the times of MOVED_WITH_EDITION
    # move to the next year, edition and title count up.
    COPIED_TO_NEW_EDITION = (
        *("kind", "series", "description", "venue_name", "address", "online_url", "capacity", "access"),
        *("confirm_address_first", "listed_publicly", "contact_email", "description_en"),
    )
    MOVED_WITH_EDITION = (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "cancellation_deadline",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # an EventKind value
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id"), index=True)
    edition: Mapped[str | None] = mapped_column(String(40))  # e.g. "2026" or "Herbst 2026"
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown source; rendered sanitised
    # the same texts for English readers (optional; empty: they read the German ones)
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_en: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime)
    venue_name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column()  # None: no limit
    registration_opens_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    cancellation_deadline: Mapped[datetime | None] = mapped_column(AwareDateTime)  # participants may cancel until
    access: Mapped[str] = mapped_column(String(10), default=EventAccess.OPEN)
    # an invitation-only event is on the public list and feed only when its organiser wants (open ones always are)
    listed_publicly: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # a place taken through the open form is only held until the person opens the link in the mail (the event
    # form turns it on for new events; events made before it, and those made in code, leave it off)
    confirm_address_first: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    status: Mapped[str] = mapped_column(String(10), default=EventStatus.DRAFT, index=True)
    calendar_sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, grows with every change
    ticket_key: Mapped[str] = mapped_column(String(64), default=_new_ticket_key)  # HMAC key for this event's tickets
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # when registrations and invitations were anonymised, six months after the end (registration.retention)
    personal_data_deleted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    series: Mapped[EventSeries | None] = relationship(back_populates="events")
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(EventSession.starts_at, EventSession.id)"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Question.position"
    )
    staff: Mapped[list[EventStaff]] = relationship(back_populates="event", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (pages, mails and calendar entries for participants)."""
        return (self.title_en if _reads_english() else None) or self.title

    @property
    def shown_description(self) -> str:
        """The description (Markdown) in the reader's language."""
        return (self.description_en if _reads_english() else None) or self.description


def _reads_english() -> bool:
    """Whether the current texts are English (the request's language, or the one forced for a mail)."""
    return str(get_locale() or "") == "en"


class EventSession(db.Model):
    """A programme item: talk, panel, workshop or break."""

    __tablename__ = "event_sessions"

    # The fields the programme form edits; a new edition copies COPIED_TO_NEW_EDITION and moves MOVED_WITH_EDITION.
    FORM_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "room", "speakers", "capacity")
    COPIED_TO_NEW_EDITION = ("kind", "title", "description", "room", "speakers", "capacity")
    MOVED_WITH_EDITION = ("starts_at", "ends_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a SessionKind value
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime)
    room: Mapped[str | None] = mapped_column(String(120))
    speakers: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None] = mapped_column()  # workshops only; None: no limit

    event: Mapped[Event] = relationship(back_populates="sessions")

    def __str__(self) -> str:
        return self.title


class Question(db.Model):
    """An event's own question on the registration form."""

    __tablename__ = "questions"

    COPIED_TO_NEW_EDITION = ("position", "label", "kind", "options", "required")  # see Event.COPIED_TO_NEW_EDITION

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))  # a QuestionKind value
    options: Mapped[list | None] = mapped_column(JSON)  # choices for single and multiple
    required: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="questions")


@sa_event.listens_for(Session, "before_flush")
def _programme_changes_touch_their_event(session, _context, _instances):
    """A new, changed or deleted programme item or question moves its event's updated_at.

    So (event id, updated_at) names one version of an event with everything on its registration form; the
    registration form's caches are keyed on it (see meetings.programme.registration_definition).
    """
    for changed in (*session.new, *session.dirty, *session.deleted):
        if isinstance(changed, EventSession | Question):
            parent = changed.event
            if parent is None and changed.event_id is not None:
                parent = session.get(Event, changed.event_id)
            if parent is not None:
                parent.updated_at = utcnow()


class EventCalendarEntry(db.Model):
    """An event's calendar entry as its files say it, serialised in one language (meetings.stored_entries), written
    in the transaction that changes what it says; without the lines that follow the event row's version (DTSTAMP,
    LAST-MODIFIED, SEQUENCE, STATUS: meetings.icalendar.versioned_entry adds them when a file is put together)."""

    __tablename__ = "event_calendar_entries"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(10), primary_key=True)
    base_url: Mapped[str] = mapped_column(String(500))  # the BASE_URL its UID and addresses were written with
    text: Mapped[str] = mapped_column(Text)


class EventStaff(db.Model):
    """A check-in staff member assigned to one event."""

    __tablename__ = "event_staff"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    event: Mapped[Event] = relationship(back_populates="staff")
    user: Mapped[User] = relationship()
