"""The ceremony of an award programme: an Event of kind "ceremony" with its guest list, seats, running order and
the printed documents made for it (table plan, place cards, badges, greeting list)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.core.enums import LabelledEnum
from events.core.types import AwareDateTime, utcnow
from events.extensions import db
from events.meetings.models import Event


class GuestKind(LabelledEnum):
    HONOURED = "honoured", _l("Ehrengast")
    JURY = "jury", _l("Jury")
    WINNER = "winner", _l("Preisträgerin / Preisträger")
    COMPANION = "companion", _l("Begleitung")

    WITH_RANK = enum.nonmember(frozenset({"honoured", "jury"}))  # added by organisers with office and rank


class Ceremony(db.Model):
    """An award programme's ceremony (or any Festakt): the event, how many guests a winner may bring, and whether
    the venue's security asks for dates of birth."""

    __tablename__ = "ceremonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("award_programmes.id", ondelete="SET NULL"))
    guest_allowance: Mapped[int] = mapped_column(default=2)  # guests each winner may bring, by name
    requires_date_of_birth: Mapped[bool] = mapped_column(default=False)  # the venue's security (e.g. the Landtag)
    dates_of_birth_deleted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # by privacy.retention
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    event: Mapped[Event] = relationship()

    def __str__(self) -> str:
        return self.event.title


class Guest(db.Model):
    """One person on the guest list: an invited winner, honoured guest or juror (with their invitation), or a
    winner's guest registered by name (a companion, with its host)."""

    __tablename__ = "ceremony_guests"
    __table_args__ = (
        # a winner stands on a ceremony's list once: the release and the organiser's button at the same moment
        # cannot both add them (guests.invite_winners)
        Index(
            "uq_ceremony_guests_nomination",
            "ceremony_id",
            "nomination_id",
            unique=True,
            sqlite_where=text("nomination_id IS NOT NULL"),
            postgresql_where=text("nomination_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # a GuestKind value
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))  # invited guests only
    organisation: Mapped[str | None] = mapped_column(String(200))
    office: Mapped[str | None] = mapped_column(String(200))  # "Staatsministerin des Innern", "MdL"
    protocol_rank: Mapped[int | None] = mapped_column()  # 1 is greeted first and sits in front
    language: Mapped[str] = mapped_column(String(5), default="de")
    allowance: Mapped[int] = mapped_column(default=0)  # guests a winner may bring
    host_id: Mapped[int | None] = mapped_column(ForeignKey("ceremony_guests.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"), unique=True)
    # what the decision says about a winner (copied when invited: the ceremony's papers need no awards query)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("award_nominations.id", ondelete="SET NULL"))
    award_order: Mapped[int | None] = mapped_column()  # the winners' order in the decision
    category_name: Mapped[str | None] = mapped_column(String(200))
    prize_label: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[int | None] = mapped_column()
    amount_cents: Mapped[int | None] = mapped_column()
    laudation: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[date | None] = mapped_column(Date)  # asked only when the venue requires it
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    ceremony: Mapped[Ceremony] = relationship()
    host: Mapped[Guest | None] = relationship(remote_side=[id], back_populates="companions")
    companions: Mapped[list[Guest]] = relationship(back_populates="host", order_by="Guest.id")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def kind_enum(self) -> GuestKind:
        return GuestKind(self.kind)


class SectionKind(LabelledEnum):
    TABLE = "table", _l("Tisch")
    ROW = "row", _l("Reihe")


class Section(db.Model):
    """A table or a row of the hall; position 1 is nearest the stage."""

    __tablename__ = "ceremony_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default=SectionKind.TABLE)
    label: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=1)

    seats: Mapped[list[Seat]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Seat.number"
    )


class Seat(db.Model):
    __tablename__ = "ceremony_seats"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("ceremony_sections.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    blocked: Mapped[bool] = mapped_column(default=False)  # kept free (a camera, a wheelchair place, the press)

    section: Mapped[Section] = relationship(back_populates="seats")

    @property
    def label(self) -> str:
        return f"{self.section.label}, {self.number}"


class SeatAssignment(db.Model):
    """A guest in a seat. The constraints are what keeps a seat from being given twice (and a guest from holding
    two), also when two organisers place at the same moment."""

    __tablename__ = "ceremony_seat_assignments"
    __table_args__ = (
        UniqueConstraint("ceremony_id", "seat_id", name="uq_ceremony_seat_assignments_seat"),
        UniqueConstraint("ceremony_id", "guest_id", name="uq_ceremony_seat_assignments_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("ceremony_seats.id", ondelete="CASCADE"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("ceremony_guests.id", ondelete="CASCADE"))

    seat: Mapped[Seat] = relationship()
    guest: Mapped[Guest] = relationship()


class ItemKind(LabelledEnum):
    """A point of the running order; laudations are generated from the decision, one per prize."""

    LAUDATION = "laudation", _l("Laudatio")
    SPEECH = "speech", _l("Rede / Grußwort")
    MUSIC = "music", _l("Musik")
    OTHER = "other", _l("Sonstiges")


class RunningOrderItem(db.Model):
    """One point of the ceremony's programme: a laudation (generated from the winners, then edited), a speech,
    music."""

    __tablename__ = "ceremony_running_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10), default=ItemKind.OTHER)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("ceremony_guests.id", ondelete="SET NULL"))


class DocumentKind(LabelledEnum):
    """The PDFs made for a ceremony, each rendered as a task."""

    TABLE_PLAN = "table_plan", _l("Tischplan")
    PLACE_CARDS = "place_cards", _l("Tischkarten")
    BADGES = "badges", _l("Namensschilder")
    GREETING_LIST = "greeting_list", _l("Begrüßungsliste")

    @property
    def template(self) -> str:
        """Its template in templates/pdf/."""
        return f"ceremony_{self.value}.html"


class DocumentState(LabelledEnum):
    QUEUED = "queued", _l("in Arbeit")
    READY = "ready", _l("fertig")
    FAILED = "failed", _l("fehlgeschlagen")


class CeremonyDocument(db.Model):
    """A printed document, rendered by a task (never in a request) and kept in the file storage."""

    __tablename__ = "ceremony_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # a DocumentKind value
    state: Mapped[str] = mapped_column(String(8), default=DocumentState.QUEUED)
    file_name: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(String(500))
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
