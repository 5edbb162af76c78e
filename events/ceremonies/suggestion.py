"""The seating suggestion: honoured guests in front by protocol rank, then each winner with their guests near the
stage, then the jury together. Guests already seated keep their seats; a party sits at one
table or row where one has room for all of it, else in the next free seats."""

from __future__ import annotations

from sqlalchemy import select

from events.ceremonies.guests import guest_list
from events.ceremonies.models import Ceremony, Guest, GuestKind, Seat, SeatAssignment, Section
from events.core.audit import record_audit
from events.core.database import lock_row
from events.extensions import db


def parties(ceremony: Ceremony) -> list[list[Guest]]:
    """Who should sit together, in the order they get seats (nearest the stage first)."""
    listed = [line.guest for line in guest_list(ceremony) if line.status != "cancelled"]
    honoured = [[g] for g in listed if g.kind == GuestKind.HONOURED]
    winners = [[g, *g.companions] for g in listed if g.kind == GuestKind.WINNER]
    jury = [[g for g in listed if g.kind == GuestKind.JURY]]
    return [party for party in (*honoured, *winners, *jury) if party]


def _free_seats_by_section(ceremony: Ceremony) -> list[list[int]]:
    taken = select(SeatAssignment.seat_id).where(SeatAssignment.ceremony_id == ceremony.id)
    rows = db.session.execute(
        select(Seat.section_id, Seat.id)
        .join(Section, Section.id == Seat.section_id)
        .where(Seat.ceremony_id == ceremony.id, Seat.blocked.is_(False), Seat.id.not_in(taken))
        .order_by(Section.position, Section.id, Seat.number)
    ).all()
    sections: dict[int, list[int]] = {}
    for section_id, seat_id in rows:
        sections.setdefault(section_id, []).append(seat_id)
    return list(sections.values())


def suggest_seating(ceremony: Ceremony) -> int:
    """Seat everyone not yet seated as the suggestion says; returns how many got a seat."""
    lock_row(Ceremony, ceremony.id)
    seated = set(db.session.scalars(select(SeatAssignment.guest_id).where(SeatAssignment.ceremony_id == ceremony.id)))
    free = _free_seats_by_section(ceremony)
    placed = 0
    for party in parties(ceremony):
        waiting = [guest for guest in party if guest.id not in seated]
        if not waiting:
            continue
        section = next((seats for seats in free if len(seats) >= len(waiting)), None)
        for guest in waiting:
            seats = section if section else next((s for s in free if s), None)
            if not seats:
                break
            db.session.add(SeatAssignment(ceremony_id=ceremony.id, seat_id=seats.pop(0), guest_id=guest.id))
            seated.add(guest.id)
            placed += 1
    record_audit("ceremony.seating_suggested", ceremony.event, summary=f"{placed} Gäste nach Vorschlag gesetzt")
    db.session.commit()
    return placed
