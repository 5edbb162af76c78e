"""The printed door list: everyone with a place, A to Z, with organisation and workshops, for when the network fails."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from events.core.database import alphabetical_key, german_order
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice


def _letter(registration: Registration) -> str:
    """The letter a name is filed under: Öztürk under O, Şahin under S; names without a letter under #."""
    first = alphabetical_key(registration.last_name or registration.first_name)[:1].upper()
    return first if first.isalpha() else "#"


def door_list(event: Event) -> list[tuple[str, list[Registration]]]:
    """Confirmed registrations by letter of the last name, in German alphabetical order."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .options(
            joinedload(Registration.district),
            selectinload(Registration.workshop_choices).selectinload(WorkshopChoice.session),
        )
        .order_by(german_order(Registration.last_name), german_order(Registration.first_name), Registration.id)
    ).all()
    return [(letter, list(group)) for letter, group in groupby(registrations, key=_letter)]
