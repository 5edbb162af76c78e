"""What the ceremony adds to the packages below it, through their registries: the winners' guests take places
(registration.places), the seat shows at the door (checkin.welcome) and on the personal page, with the page for
registering guests (registration.personal_page)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from events.awards import programme_page
from events.ceremonies.guests import ceremony_of, companions_taking_places, guest_for_registration
from events.ceremonies.models import Guest, Seat, SeatAssignment, Section
from events.ceremonies.rules import asks_date_of_birth, may_bring_guests
from events.ceremonies.seating import seat_of_guest
from events.checkin import welcome
from events.extensions import db
from events.registration import personal_page
from events.registration.models import Registration
from events.registration.places import OTHER_PLACES_TAKEN

_SEAT_OF_REGISTRATION = (
    select(Section.label, Seat.number)
    .join(Seat, Seat.section_id == Section.id)
    .join(SeatAssignment, SeatAssignment.seat_id == Seat.id)
    .join(Guest, Guest.id == SeatAssignment.guest_id)
    .join(Registration, Registration.invitation_id == Guest.invitation_id)
)


def seat_line(registration_id: int) -> list[str]:
    """ "Platz: Tisch 1, 3" for a registration whose guest has a seat."""
    row = db.session.execute(_SEAT_OF_REGISTRATION.where(Registration.id == registration_id)).first()
    return [_("Platz: %(seat)s", seat=f"{row[0]}, {row[1]}")] if row else []


def personal_lines(registration: Registration, token: str) -> list[personal_page.PersonalLine]:
    guest = guest_for_registration(registration)
    if guest is None:
        return []
    lines = []
    seat = seat_of_guest(guest)
    if seat:
        lines.append(personal_page.PersonalLine(_("Ihr Platz bei der Feier: %(seat)s", seat=str(seat))))
    if may_bring_guests(guest) or asks_date_of_birth(guest.ceremony):
        lines.append(
            personal_page.PersonalLine(
                _("Ihre Gäste und Angaben für die Feier"), url_for("ceremonies.personal", token=token)
            )
        )
    return lines


def programme_links(programme) -> list[programme_page.ProgrammeLink]:
    """The programme's ceremony on its page; without one, the list of ceremonies, where one is made."""
    ceremony = ceremony_of(programme)
    if ceremony is None:
        return [programme_page.ProgrammeLink(_("Feier zur Preisverleihung anlegen"), url_for("ceremonies.index"))]
    return [
        programme_page.ProgrammeLink(
            _("Feier: %(title)s", title=ceremony.event.title), url_for("ceremonies.ceremony", ceremony_id=ceremony.id)
        )
    ]


def connect() -> None:
    """Called once when the package is imported."""
    if companions_taking_places not in OTHER_PLACES_TAKEN:
        OTHER_PLACES_TAKEN.append(companions_taking_places)
    welcome.register(seat_line)
    personal_page.register(personal_lines)
    programme_page.register(programme_links)
