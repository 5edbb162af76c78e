"""Who was invited to an event, and who of them has registered: counts, the organisers' list and its export."""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select

from events.core.search import found_by, matches_any
from events.documents.spreadsheets import table_csv
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Invitation, Registration, RegistrationStatus

# What became of an invitation, for the organiser's list: the status of the registration made from it.
NOT_REGISTERED = "not_registered"

# The list's filters (parameter "status"): everyone, nobody registered yet, registered (confirmed or waiting),
# registered and cancelled since.
INVITATION_FILTERS = ("", "open", "registered", "cancelled")


def _registration_of_invitation():
    """Joins a registration to the invitation it belongs to: the one made from it or, at an open event, the one
    of the invited address made through the public form. There is at most one: an invitation registers its own
    address (registration.registering.register_for_event), and an event has one registration per address.

    A registration anonymised by the retention rules matches neither (its invitation and address are gone).
    """
    return and_(
        Registration.event_id == Invitation.event_id,
        or_(Registration.invitation_id == Invitation.id, Registration.email_normalized == Invitation.email),
    )


def invitation_counts(event: Event) -> dict[str, int]:
    """How many were invited, and of those how many have registered (confirmed, holding a place for the address to
    be confirmed, or on the waiting list), have cancelled since, and have not registered yet; the last three add up
    to the first."""
    rows = db.session.execute(
        select(Registration.status, func.count(Invitation.id))
        .select_from(Invitation)
        .outerjoin(Registration, _registration_of_invitation())
        .where(Invitation.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    by_status = {status or NOT_REGISTERED: count for status, count in rows}
    return {
        "invited": sum(by_status.values()),
        "registered": sum(by_status.get(status, 0) for status in RegistrationStatus.ACTIVE),
        "cancelled": by_status.get(RegistrationStatus.CANCELLED, 0),
        "not_registered": by_status.get(NOT_REGISTERED, 0),
    }


def search_invitations(event: Event, status: str = "", term: str = ""):
    """The event's invitations by name, filtered (INVITATION_FILTERS) and searched by name or address; a query
    of Invitation rows (for db.paginate); invitation_registrations tells what became of each."""
    query = select(Invitation).where(Invitation.event_id == event.id)
    registration = exists().where(_registration_of_invitation())
    if status == "open":
        query = query.where(~registration)
    elif status == "registered":
        query = query.where(registration.where(Registration.status != RegistrationStatus.CANCELLED))
    elif status == "cancelled":
        query = query.where(registration.where(Registration.status == RegistrationStatus.CANCELLED))
    if term:
        query = query.where(found_by(term, Invitation.search_text) | matches_any(term, Invitation.email))
    return query.order_by(Invitation.last_name, Invitation.first_name, Invitation.email)


class InvitedRegistration(NamedTuple):
    """The registration made from an invitation, as the invitation list shows it."""

    id: int
    status: str  # a RegistrationStatus value
    waitlist_position: int | None


def invitation_registrations(invitations: list[Invitation]) -> dict[int, InvitedRegistration]:
    """The registration of each of these invitations that has one, by invitation id (one query)."""
    if not invitations:
        return {}
    rows = db.session.execute(
        select(Invitation.id, Registration.id, Registration.status, Registration.waitlist_position)
        .join(Registration, _registration_of_invitation())
        .where(Invitation.id.in_([invitation.id for invitation in invitations]))
    ).all()
    return {invitation_id: InvitedRegistration(*registration) for invitation_id, *registration in rows}


def invitations_csv(event: Event, status: str = "", term: str = "") -> bytes:
    """The invitation list as filtered, as CSV for a spreadsheet: semicolons, UTF-8 with a BOM (as the
    registrations export), texts protected from being run as formulas."""
    invitations = db.session.scalars(search_invitations(event, status, term)).all()
    registrations = invitation_registrations(invitations)
    header = [
        _("Nachname"),
        _("Vorname"),
        _("E-Mail-Adresse"),
        _("Organisation"),
        _("Eingeladen am"),
        _("Zuletzt verschickt am"),
        _("Anmeldung"),
        _("Anmeldung Nr."),
    ]
    rows = []
    for invitation in invitations:
        registration = registrations.get(invitation.id)
        rows.append(
            [
                invitation.last_name,
                invitation.first_name,
                invitation.email,
                invitation.organisation_name or "",
                invitation.created_at,
                invitation.sent_at,
                str(RegistrationStatus(registration.status).label) if registration else _("nicht angemeldet"),
                registration.id if registration else "",
            ]
        )
    return table_csv(header, rows)
