"""Registrations with answers, consents, workshop choices and the waiting list."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy import event as sa_event
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NO_VALUE

from events.core.enums import LabelledEnum
from events.core.models import District, Organisation
from events.core.search import keep_search_text
from events.core.types import AwareDateTime, utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("bestätigt")
    # a place held until the person opens the link in the mail (events with "confirm the address first")
    UNCONFIRMED = "unconfirmed", _l("Adresse unbestätigt")
    WAITLISTED = "waitlisted", _l("Warteliste")
    CANCELLED = "cancelled", _l("storniert")

    # the groups rules ask about (registration.rules)
    # a place, one held for an address still to be confirmed, or one on the waiting list
    ACTIVE = enum.nonmember(frozenset({"confirmed", "unconfirmed", "waitlisted"}))
    TAKES_PLACE = enum.nonmember(frozenset({"confirmed", "unconfirmed"}))  # counted against the capacity
    HOLDS_TICKET = enum.nonmember(frozenset({"confirmed"}))  # while the event takes place (holds_valid_ticket)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email_normalized"),
        Index("ix_registrations_event_status", "event_id", "status"),
        # one registration per invitation (registrations without one are left out of the index)
        Index(
            "uq_registrations_invitation_id",
            "invitation_id",
            unique=True,
            sqlite_where=text("invitation_id IS NOT NULL"),
            postgresql_where=text("invitation_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))  # as entered
    email_normalized: Mapped[str] = mapped_column(String(254))  # lower-case, for the duplicate check
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    organisation_name: Mapped[str | None] = mapped_column(String(200))  # as chosen or typed
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    function: Mapped[str | None] = mapped_column(String(120))
    dietary_needs: Mapped[str | None] = mapped_column(String(500))
    accessibility_needs: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(5), default="de")  # for mails to this person
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {question id as str: str or list of str}
    privacy_consent_at: Mapped[datetime] = mapped_column(AwareDateTime)
    privacy_consent_version: Mapped[str] = mapped_column(String(20))
    privacy_consent_text: Mapped[str] = mapped_column(Text)  # the exact text the person agreed to
    photo_consent: Mapped[bool] = mapped_column(default=False)
    photo_consent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    status: Mapped[str] = mapped_column(String(12))  # a RegistrationStatus value
    waitlist_position: Mapped[int | None] = mapped_column()  # 1 = next to be promoted; None unless waitlisted
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the personal link token
    # renewing the personal link increments it, so the link derived before stops working (see tokens.py)
    link_version: Mapped[int] = mapped_column(default=0, server_default="0")
    ticket_version: Mapped[int] = mapped_column(default=1)  # re-issuing a ticket increments it
    # this person's part of the invite's SEQUENCE: every change of status raises it (see calendar.service)
    calendar_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # the invitation it was made with; its address is the invitation's
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # an unconfirmed place is held until then; afterwards it lapses (registration.address_check)
    hold_expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    cancelled_by_participant: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    reminded_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # personal data deleted (retention)
    # name and organisation folded for searching, the same on SQLite and PostgreSQL (see core.search)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    district: Mapped[District | None] = relationship()
    workshop_choices: Mapped[list[WorkshopChoice]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def workshops(self) -> list[EventSession]:
        return sorted((c.session for c in self.workshop_choices), key=lambda s: s.starts_at)


@sa_event.listens_for(Registration.status, "set", active_history=True)
def _a_new_status_is_a_new_invite(registration, status, old_status, _initiator):
    """Every change of status changes what the person's invite says (REQUEST or CANCEL, attendee status, title),
    so it raises the registration's calendar_sequence: a cancellation and a later new registration never share
    a SEQUENCE (RFC 5546). Status changes happen under the event's row lock, so no raise is lost."""
    if old_status is not NO_VALUE and old_status is not None and status != old_status:
        registration.calendar_sequence = (registration.calendar_sequence or 0) + 1


keep_search_text(Registration, lambda row: (f"{row.first_name or ''} {row.last_name or ''}", row.organisation_name))


class WorkshopChoice(db.Model):
    __tablename__ = "workshop_choices"
    __table_args__ = (UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)

    registration: Mapped[Registration] = relationship(back_populates="workshop_choices")
    session: Mapped[EventSession] = relationship()


class Invitation(db.Model):
    """A personal invitation to an invitation-only event."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # lower-case
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the link token
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")  # folded name (core.search)

    event: Mapped[Event] = relationship()


keep_search_text(Invitation, lambda row: (f"{row.first_name or ''} {row.last_name or ''}",))
