"""Finding a registration at the door by name or organisation (for people without their code)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events.checkin.models import CheckIn
from events.checkin.results import ScanResult
from events.checkin.scopes import DAY_SCOPE, berlin_time
from events.core.database import german_order
from events.core.search import found_by
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 25

# Search


def search_registrations(event: Event, text: str, day: date | None = None) -> list[tuple[Registration, CheckIn | None]]:
    """Confirmed and cancelled registrations whose name or organisation contains the text (2 letters or more)."""
    text = (text or "").strip()
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED]),
            found_by(text, Registration.search_text),
        )
        .options(selectinload(Registration.workshop_choices).selectinload(WorkshopChoice.session))
        .order_by(german_order(Registration.last_name), german_order(Registration.first_name))
        .limit(SEARCH_LIMIT)
    )
    registrations = list(db.session.scalars(query))
    day = day or berlin_time(utcnow()).date()
    standing = {}
    if registrations:
        rows = db.session.scalars(
            select(CheckIn).where(
                CheckIn.registration_id.in_([r.id for r in registrations]),
                CheckIn.day == day,
                CheckIn.scope == DAY_SCOPE,
                CheckIn.result == ScanResult.WELCOME,
                CheckIn.undone_at.is_(None),
            )
        )
        standing = {row.registration_id: row for row in rows}
    return [(registration, standing.get(registration.id)) for registration in registrations]
