"""The personal link of a registration: derived when a mail needs it, renewed after a leak, sent again on request."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.models import OutgoingMail
from events.core.outbox import about
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration import mails
from events.registration.models import Registration, RegistrationStatus
from events.registration.rules import awaiting_address_confirmation
from events.registration.tokens import hash_token, manage_token_for


def personal_token(registration: Registration) -> str:
    return manage_token_for(
        registration.event_id,
        registration.email_normalized,
        current_app.config["SECRET_KEY"],
        registration.link_version or 0,
    )


def renew_personal_link(registration: Registration, by_participant: bool) -> None:
    """Replace the personal link (for a link that reached the wrong people): the old one stops working at once,
    and the new one goes by mail to the registered address only, never to the screen.
    """
    lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    registration.link_version = (registration.link_version or 0) + 1
    registration.manage_token_hash = hash_token(personal_token(registration))
    record_audit(
        "registration.renew_link",
        registration,
        summary=registration.full_name,
        actor="participant" if by_participant else None,
    )
    mails.send_link_again(registration)
    db.session.commit()


def resend_personal_link(event: Event, email: str) -> None:
    """Mail the personal link again if this address is registered; says nothing either way."""
    registration = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email_normalized == email.strip().lower(),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).first()
    if registration is not None:
        mails.send_link_again(registration)
        db.session.commit()


# The registration form answers a registered address as it answers a new one ("check your mail"); the registered
# address gets its personal link, but at most once in this time, so the form cannot be used to flood a mailbox.
LINK_MAIL_INTERVAL = timedelta(minutes=10)
LINK_MAIL_TOPICS = ("registration.registration_link", "registration.registration_address_check")


def mail_link_to_registered(registration: Registration) -> bool:
    """Someone used the registration form with an address that is registered already: mail that address its
    personal link ("you are already registered"; for a place still held, the request to confirm it again), unless
    such a mail went out within LINK_MAIL_INTERVAL. Whether a mail was queued (in the caller's transaction)."""
    recent = db.session.scalar(
        select(OutgoingMail.id)
        .where(
            OutgoingMail.about == about("registration", registration.id),
            OutgoingMail.topic.in_(LINK_MAIL_TOPICS),
            OutgoingMail.created_at > utcnow() - LINK_MAIL_INTERVAL,
        )
        .limit(1)
    )
    if recent is not None:
        return False
    held = awaiting_address_confirmation(registration)
    (mails.send_address_check if held else mails.send_link_again)(registration)
    return True
