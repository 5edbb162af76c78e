"""Ceremonies for the tests: an invitation-only ceremony event, its ceremony, winners invited through
invite_winners with Winner-like objects (the decision's interface), registered through their invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from events.ceremonies.guests import add_honoured_guest, create_ceremony, invite_winners
from events.ceremonies.models import Guest, GuestKind, Seat
from events.ceremonies.seating import add_section
from events.core.types import utcnow
from events.directory.person_details import PersonDetails
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Invitation, Registration
from events.registration.tokens import new_manage_token


@dataclass(frozen=True)
class FakeWinner:
    """What awards.decisions.winners_of gives for a winner (duck-typed)."""

    person: PersonDetails
    category_name: str = "Ehrenamt"
    prize_label: str = "1. Platz"
    place: int | None = 1
    amount_cents: int | None = 250_000
    laudation: str = "Für ein Sprachcafé, das seit zehn Jahren trägt."
    nomination_id: int | None = None


def winner(name: str, organisation: str = "Helferkreis Landshut", **values) -> FakeWinner:
    email = name.lower().replace(" ", ".").replace("ü", "ue").replace("ö", "oe") + "@example.org"
    return FakeWinner(PersonDetails(name, email=email, organisation=organisation), **values)


def ceremony_event(n: int, capacity: int | None = 100, days_ahead: int = 20) -> Event:
    start = (utcnow() + timedelta(days=days_ahead)).replace(hour=16, minute=0, second=0, microsecond=0)
    event = Event(
        slug=f"festakt-{n}",
        kind="ceremony",
        title=f"Festakt Integrationspreis {n}",
        description="Preisverleihung",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue_name="Maximilianeum",
        address="Max-Planck-Str. 1, 81675 München",
        capacity=capacity,
        status="published",
        access="invited",
        contact_email="integration@stmi.example",
    )
    db.session.add(event)
    db.session.commit()
    return event


def register_invited(guest: Guest) -> tuple[Registration, str]:
    """The invited guest registers through their invitation; returns the registration and its personal token."""
    invitation = db.session.get(Invitation, guest.invitation_id)
    token, token_hash = new_manage_token()
    registration = Registration(
        event_id=guest.ceremony.event_id,
        first_name=guest.first_name,
        last_name=guest.last_name,
        email=invitation.email,
        email_normalized=invitation.email,
        organisation_name=guest.organisation,
        language="de",
        answers={},
        privacy_consent_at=utcnow(),
        privacy_consent_version="2026-01",
        privacy_consent_text="Ich willige ein.",
        status="confirmed",
        confirmed_at=utcnow(),
        manage_token_hash=token_hash,
        invitation_id=invitation.id,
    )
    db.session.add(registration)
    db.session.commit()
    return registration, token


def ceremony_with_winners(n: int, names=("Erika Muster",), capacity=100, allowance=2, requires_birth=False, **kw):
    """A ceremony whose winners are invited and registered; returns (ceremony, [(guest, token)])."""
    event = ceremony_event(n, capacity=capacity, **kw)
    ceremony = create_ceremony(event, guest_allowance=allowance, requires_date_of_birth=requires_birth)
    invite_winners(ceremony, [winner(name, place=place) for place, name in enumerate(names, start=1)])
    guests = db.session.scalars(select(Guest).where(Guest.ceremony_id == ceremony.id).order_by(Guest.award_order)).all()
    return ceremony, [(guest, register_invited(guest)[1]) for guest in guests]


def honoured(ceremony, first: str, last: str, rank: int, office: str = "", kind=GuestKind.HONOURED) -> Guest:
    return add_honoured_guest(
        ceremony,
        kind=kind,
        first_name=first,
        last_name=last,
        email=f"{first}.{last}@landtag.example".lower(),
        office=office,
        organisation="Bayerischer Landtag",
        protocol_rank=rank,
        language="de",
    )


def hall(ceremony, *sizes: int) -> list[int]:
    """Tables of these sizes; returns the seat ids, table by table."""
    seat_ids = []
    for number, size in enumerate(sizes, start=1):
        section = add_section(ceremony, f"Tisch {number}", size)
        seat_ids += [seat.id for seat in section.seats]
    return seat_ids


def ceremony_world() -> dict:
    """The objects the access table's ceremony rows point at (called inside the world fixture's request context):
    a ceremony that asks for dates of birth, a registered winner with one guest, a table, a running-order item and
    a finished document; and a ceremony event without a ceremony yet."""
    from events.ceremonies.guests import register_companion
    from events.ceremonies.models import CeremonyDocument
    from events.ceremonies.running_order import add_item
    from events.core.storage import file_store

    ceremony, [(winner_guest, token)] = ceremony_with_winners(9001, allowance=2, requires_birth=True)
    companion = register_companion(winner_guest, "Ada", "Begleitung", date(1990, 1, 2))
    seat_ids = hall(ceremony, 4)
    item = add_item(ceremony, "speech", "Grußwort")
    document = CeremonyDocument(ceremony_id=ceremony.id, kind="table_plan", state="ready", file_name="access.pdf")
    db.session.add(document)
    db.session.commit()
    file_store().write("ceremonies", "access.pdf", b"%PDF-1.4\n%%EOF\n")
    spare = ceremony_event(9002)
    return {
        "ceremony": ceremony.id,
        "ceremony_event": spare.id,
        "ceremony_token": token,
        "ceremony_guest": winner_guest.id,
        "ceremony_companion": companion.id,
        "ceremony_seat": seat_ids[0],
        "ceremony_section": db.session.get(Seat, seat_ids[0]).section_id,
        "ceremony_item": item.id,
        "ceremony_document": document.id,
    }
