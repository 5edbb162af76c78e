"""What registration holds of personal data, and how it goes (privacy.retention decides when, and says why).

Anonymising keeps what carries no personal data, so counts, the breakdown by region, district and kind of
organisation, workshop fill and check-in figures stay as they were: status, district, directory organisation,
workshops, check-ins, and the time and version of the consents. Names, e-mail address, function, typed organisation,
dietary and accessibility needs and every answer are removed; the personal link, the personal calendar feed and the
ticket stop working. An event's invitations are deleted with its registrations' personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, delete, func, literal, or_, select, update

from events.extensions import db
from events.registration.consent import CANCELLED_KEPT_DAYS
from events.registration.models import Invitation, Registration, RegistrationStatus


def registrations_due(event_ids: list[int], now: datetime):
    """Which registrations are due: those of the due events, and those cancelled CANCELLED_KEPT_DAYS ago.

    A WHERE clause, so that the UPDATE checks it again row by row: a registration taken up again meanwhile
    (registering anew reuses a cancelled registration of the same address) is left alone.
    """
    return and_(
        Registration.anonymised_at.is_(None),
        or_(
            Registration.event_id.in_(event_ids),
            and_(
                Registration.status == RegistrationStatus.CANCELLED,
                Registration.cancelled_at <= now - timedelta(days=CANCELLED_KEPT_DAYS),
            ),
        ),
    )


def anonymise_registrations(due, now: datetime):
    """Anonymise every due registration (registrations_due) in one UPDATE; their ids. The values carry no personal
    data."""
    marker = literal("deleted:") + cast(Registration.id, String)  # unique, and neither an address nor a hash
    statement = (
        update(Registration)
        .where(due)
        .values(
            first_name="",
            last_name="",
            email="",
            email_normalized=marker,  # matches no address, so the address may register again
            organisation_name=None,
            function=None,
            dietary_needs=None,
            accessibility_needs=None,
            answers={},
            invitation_id=None,
            manage_token_hash=marker,  # no token hashes to it: the personal link stops working
            link_version=Registration.link_version + 1,  # and so does the personal calendar feed
            ticket_version=Registration.ticket_version + 1,  # and the ticket
            anonymised_at=now,
        )
        .returning(Registration.id)
        .execution_options(synchronize_session=False)
    )
    return list(db.session.scalars(statement))


def count_registrations(due) -> int:
    """How many registrations a registrations_due clause names (for a dry run)."""
    return db.session.scalar(select(func.count()).select_from(select(Registration.id).where(due).subquery()))


def delete_invitations(event_ids: list[int], dry_run: bool = False) -> int:
    """Delete the invitations of these events; how many (with dry_run: how many there are)."""
    of_events = Invitation.event_id.in_(event_ids)
    if dry_run:
        return db.session.scalar(select(func.count(Invitation.id)).where(of_events))
    return db.session.execute(delete(Invitation).where(of_events)).rowcount
