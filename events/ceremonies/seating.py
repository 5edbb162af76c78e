"""Seating: tables or rows with numbered seats, blocked seats, and guests placed in them by the organisers.

A seat is never given twice: the assignment table's unique constraints (ceremony and seat, ceremony and guest)
refuse a second one, and each change runs with the ceremony's row locked (SELECT ... FOR UPDATE on PostgreSQL,
BEGIN IMMEDIATE on SQLite), so a change made at the same moment is seen before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from events.ceremonies.errors import CeremonyError
from events.ceremonies.models import Ceremony, Guest, Seat, SeatAssignment, Section, SectionKind
from events.core.audit import record_audit
from events.core.database import lock_row
from events.extensions import db


def add_section(ceremony: Ceremony, label: str, seat_count: int, kind: str = SectionKind.TABLE) -> Section:
    """A table or row with seats numbered 1..seat_count, behind those there already (further from the stage)."""
    lock_row(Ceremony, ceremony.id)
    position = 1 + (
        db.session.scalar(select(db.func.max(Section.position)).where(Section.ceremony_id == ceremony.id)) or 0
    )
    section = Section(ceremony_id=ceremony.id, kind=kind, label=label.strip(), position=position)
    section.seats = [Seat(ceremony_id=ceremony.id, number=n) for n in range(1, seat_count + 1)]
    db.session.add(section)
    record_audit("ceremony.section", ceremony.event, summary=f"{section.label}: {seat_count} Plätze")
    db.session.commit()
    return section


def remove_section(section: Section) -> None:
    ceremony_id = section.ceremony_id
    lock_row(Ceremony, ceremony_id)
    db.session.delete(db.session.get(Section, section.id))
    db.session.commit()


def sections_of(ceremony: Ceremony) -> list[Section]:
    return db.session.scalars(
        select(Section)
        .where(Section.ceremony_id == ceremony.id)
        .options(selectinload(Section.seats))
        .order_by(Section.position, Section.id)
    ).all()


def assignments_of(ceremony: Ceremony) -> dict[int, Guest]:
    """seat id -> the guest in it."""
    rows = db.session.execute(
        select(SeatAssignment.seat_id, Guest)
        .join(Guest, Guest.id == SeatAssignment.guest_id)
        .where(SeatAssignment.ceremony_id == ceremony.id)
    ).all()
    return dict(rows)


def _seat_of_ceremony(ceremony_id: int, seat_id: int) -> Seat:
    seat = db.session.get(Seat, seat_id)
    if seat is None or seat.ceremony_id != ceremony_id:
        raise CeremonyError("seat_unknown")
    return seat


def _guest_of_ceremony(ceremony_id: int, guest_id: int) -> Guest:
    guest = db.session.get(Guest, guest_id)
    if guest is None or guest.ceremony_id != ceremony_id:
        raise CeremonyError("guest_unknown")
    return guest


def place_guest(ceremony: Ceremony, guest_id: int, seat_id: int) -> Seat:
    """Put a guest in a free, unblocked seat (moving them from the seat they had). Refused with "seat_taken"
    when someone sits there (also when an organiser took it a moment ago), "seat_blocked", "seat_unknown" and
    "guest_unknown"."""
    lock_row(Ceremony, ceremony.id)
    try:
        seat = _seat_of_ceremony(ceremony.id, seat_id)
        guest = _guest_of_ceremony(ceremony.id, guest_id)
        if seat.blocked:
            raise CeremonyError("seat_blocked")
        holder = db.session.scalar(
            select(SeatAssignment.guest_id).where(
                SeatAssignment.ceremony_id == ceremony.id, SeatAssignment.seat_id == seat.id
            )
        )
        if holder is not None and holder != guest.id:
            raise CeremonyError("seat_taken")
        db.session.execute(
            delete(SeatAssignment).where(SeatAssignment.ceremony_id == ceremony.id, SeatAssignment.guest_id == guest.id)
        )
        db.session.add(SeatAssignment(ceremony_id=ceremony.id, seat_id=seat.id, guest_id=guest.id))
        db.session.flush()
    except CeremonyError:
        db.session.rollback()
        raise
    except IntegrityError:  # the constraint: another change got there first
        db.session.rollback()
        raise CeremonyError("seat_taken") from None
    record_audit("ceremony.seat", ceremony.event, summary=f"Gast {guest.id}: {seat.label}")
    db.session.commit()
    return seat


def free_seat(ceremony: Ceremony, guest_id: int) -> None:
    """Take a guest out of their seat."""
    lock_row(Ceremony, ceremony.id)
    guest = _guest_of_ceremony(ceremony.id, guest_id)
    db.session.execute(
        delete(SeatAssignment).where(SeatAssignment.ceremony_id == ceremony.id, SeatAssignment.guest_id == guest.id)
    )
    db.session.commit()


def set_blocked(ceremony: Ceremony, seat_id: int, blocked: bool) -> Seat:
    """Block a free seat, or free a blocked one."""
    lock_row(Ceremony, ceremony.id)
    seat = _seat_of_ceremony(ceremony.id, seat_id)
    taken = db.session.scalar(select(SeatAssignment.id).where(SeatAssignment.seat_id == seat.id))
    if blocked and taken is not None:
        db.session.rollback()
        raise CeremonyError("seat_occupied")
    seat.blocked = blocked
    db.session.commit()
    return seat


def clear_seating(ceremony: Ceremony) -> None:
    lock_row(Ceremony, ceremony.id)
    db.session.execute(delete(SeatAssignment).where(SeatAssignment.ceremony_id == ceremony.id))
    record_audit("ceremony.seating_cleared", ceremony.event, summary="Sitzplan geleert")
    db.session.commit()


@dataclass(frozen=True)
class SeatLabel:
    section: str
    number: int

    def __str__(self) -> str:
        return f"{self.section}, {self.number}"


def seat_of_guest(guest: Guest) -> SeatLabel | None:
    row = db.session.execute(
        select(Section.label, Seat.number)
        .join(Seat, Seat.section_id == Section.id)
        .join(SeatAssignment, SeatAssignment.seat_id == Seat.id)
        .where(SeatAssignment.guest_id == guest.id)
    ).first()
    return SeatLabel(*row) if row else None


def seat_labels(ceremony: Ceremony) -> dict[int, SeatLabel]:
    """guest id -> their seat, for every seated guest."""
    rows = db.session.execute(
        select(SeatAssignment.guest_id, Section.label, Seat.number)
        .join(Seat, Seat.id == SeatAssignment.seat_id)
        .join(Section, Section.id == Seat.section_id)
        .where(SeatAssignment.ceremony_id == ceremony.id)
    ).all()
    return {guest_id: SeatLabel(label, number) for guest_id, label, number in rows}
