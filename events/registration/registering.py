"""Registering for an event and changing the details through the personal link.

Capacity is checked while the event row is locked (see events.core.database.lock_row), so concurrent
registrations never overbook an event or a workshop, on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, func, select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.forms import optional_text
from events.core.models import Organisation
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventAccess, EventSession, EventStatus
from events.meetings.rules import event_is_over, registration_window_state
from events.registration import mails
from events.registration.address_check import hold_place
from events.registration.consent import PRIVACY_CONSENT_VERSION, privacy_consent_text
from events.registration.day_models import books_per_day
from events.registration.days import check_days, choose_days
from events.registration.errors import RegistrationError
from events.registration.models import Invitation, Registration, RegistrationStatus, WorkshopChoice
from events.registration.personal_links import mail_link_to_registered
from events.registration.places import check_workshops, confirmed_count_query, has_free_place
from events.registration.rules import must_confirm_address
from events.registration.tokens import hash_token, manage_token_for


@dataclass
class RegistrationOutcome:
    registration: Registration
    token: str
    created: bool  # False: the address was registered already and the personal link was mailed again
    status: str = ""  # as committed, so that reading it does not reload the registration
    waitlist_position: int | None = None


NEW_LINK_VERSIONS = 10**8  # feed tokens carry the version in at most 9 digits (tokens.FEED_TOKEN_PATTERN)


# event_id, email: the id of that address's registration for the event (or None), the confirmed count, and the
# last position on the waiting list (or None)
_EXISTING_CONFIRMED_LAST_WAITING = select(
    select(Registration.id)
    .where(Registration.event_id == bindparam("event_id"), Registration.email_normalized == bindparam("email"))
    .scalar_subquery(),
    confirmed_count_query(bindparam("event_id")).scalar_subquery(),
    select(func.max(Registration.waitlist_position))
    .where(Registration.event_id == bindparam("event_id"), Registration.status == RegistrationStatus.WAITLISTED)
    .scalar_subquery(),
    books_per_day(bindparam("event_id")),
)


# organisation: the directory's organisation of that name (any case; index ix_organisations_name_lower)
_DIRECTORY_MATCH = (
    select(Organisation.id)
    .where(func.lower(Organisation.name) == func.lower(bindparam("organisation")))
    .order_by(Organisation.id)
    .limit(1)
)


def _directory_match(name: str | None):
    """The directory's organisation of the typed name, as an SQL expression for the registration's row.

    Worked out by the database in the same INSERT or UPDATE, so it costs no query of its own and is never stale.
    """
    if not name:
        return None
    return _DIRECTORY_MATCH.params(organisation=name).scalar_subquery()


def apply_details(registration: Registration, data: dict) -> None:
    """Copy the form's details; the typed organisation is matched against the directory (_directory_match)."""
    registration.first_name = data["first_name"].strip()
    registration.last_name = data["last_name"].strip()
    registration.organisation_name = optional_text(data.get("organisation_name"))
    registration.organisation_id = _directory_match(registration.organisation_name)
    registration.district_id = int(data["district_id"]) if data.get("district_id") else None
    registration.function = optional_text(data.get("function"))
    registration.dietary_needs = optional_text(data.get("dietary_needs"))
    registration.accessibility_needs = optional_text(data.get("accessibility_needs"))
    if data.get("language") in current_app.config["LANGUAGES"]:
        registration.language = data["language"]
    _apply_photo_consent(registration, bool(data.get("photo_consent")))
    registration.answers = data.get("answers") or {}


def _apply_photo_consent(registration: Registration, consent: bool) -> None:
    """Give (stamped with the time) or withdraw the consent to photos being published."""
    if consent and not registration.photo_consent:
        registration.photo_consent_at = utcnow()
    if not consent:
        registration.photo_consent_at = None
    registration.photo_consent = consent


def withdraw_photo_consent(registration: Registration) -> bool:
    """Withdraw the photo consent through the personal link, also once the form can no longer be changed (after
    the event, when photos are published); the audit log keeps when. False when there was none to withdraw."""
    if not registration.photo_consent:
        return False
    _apply_photo_consent(registration, False)
    record_audit(
        "registration.photo_consent_withdrawn", registration, summary=registration.full_name, actor="participant"
    )
    db.session.commit()
    return True


def register_for_event(
    event_id: int,
    data: dict,
    invitation: Invitation | None = None,
    *,
    by_organiser: bool = False,
    send_mail: bool = True,
) -> RegistrationOutcome:
    """Register a person: confirmed while places are free (or the place held until the address is confirmed, see
    address_check), otherwise on the waiting list.

    data: the form's fields plus "answers" (question id -> answer) and "workshops" (session ids); with an
    invitation, its address is used and data["email"] is not read.
    The mail is queued in the outbox with the registration and rendered and sent afterwards, so a mail
    problem never loses a registration.
    by_organiser: an organiser registers a person who signed up by phone or at the door (see
    registration.by_organiser): the same rules of capacity, waiting list and workshops, but also outside the
    registration window and without an invitation; an address registered already is refused rather than mailed
    its link. send_mail: False when the person is to get no mail (an organiser's choice).
    """
    event = lock_row(Event, event_id)
    if event is None:
        raise RegistrationError("unknown_event")
    state = registration_window_state(event)
    if state != "open" and not (by_organiser and state != "cancelled"):
        db.session.rollback()
        raise RegistrationError(state)
    if (invitation is not None and invitation.event_id != event.id) or (
        event.access == EventAccess.INVITED and invitation is None and not by_organiser
    ):
        db.session.rollback()
        raise RegistrationError("invitation_required")
    # an invitation registers the invited address, whatever the form says; registering it again finds that
    # registration below, so an invitation never has a second one (uq_registrations_invitation_id backs this)
    email = invitation.email if invitation is not None else data["email"].strip()
    normalized = email.lower()
    # one query under the lock: an earlier registration of this address (usually none: its id only, the whole
    # registration is loaded when there is one), the confirmed count, the end of the waiting list, and whether the
    # event is booked per day
    existing_id, confirmed, last_waiting, per_day = db.session.execute(
        _EXISTING_CONFIRMED_LAST_WAITING, {"event_id": event.id, "email": normalized}
    ).one()
    existing = db.session.get(Registration, existing_id) if existing_id is not None else None
    # a new row starts at a random link version: its link differs from that of an earlier, anonymised registration
    # of the same address (whose leaked and since renewed link would otherwise work again)
    version = (existing.link_version or 0) if existing is not None else secrets.randbelow(NEW_LINK_VERSIONS) + 1
    token = manage_token_for(event.id, normalized, current_app.config["SECRET_KEY"], version)
    try:  # before the check for an earlier registration: a full workshop is refused alike for every address
        workshops = check_workshops(event, data.get("workshops") or [], keep=set())
    except RegistrationError:
        db.session.rollback()
        raise
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        if by_organiser:
            db.session.rollback()
            raise RegistrationError("already_registered")
        try:  # a choice of days a new registration could not have is refused alike
            check_days(event.id, data.get("days") or [])
        except RegistrationError:
            db.session.rollback()
            raise
        mail_link_to_registered(existing)  # still under the lock: the mail is the only write
        db.session.commit()
        return RegistrationOutcome(existing, token, created=False)
    registration = existing or Registration(event_id=event.id, email_normalized=normalized)
    registration.email = email
    registration.manage_token_hash = hash_token(token)
    registration.link_version = version
    apply_details(registration, data)
    registration.privacy_consent_at = utcnow()
    registration.privacy_consent_version = PRIVACY_CONSENT_VERSION
    registration.privacy_consent_text = privacy_consent_text()
    registration.invitation_id = invitation.id if invitation else None
    registration.cancelled_at, registration.cancelled_by_participant = None, False
    registration.reminded_at = None
    registration.hold_expires_at = None
    if has_free_place(event, confirmed) and must_confirm_address(event, invitation, by_organiser):
        hold_place(registration, event)
    elif has_free_place(event, confirmed):
        registration.status, registration.waitlist_position = RegistrationStatus.CONFIRMED, None
        registration.confirmed_at = utcnow()
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_position = (last_waiting or 0) + 1
        registration.confirmed_at = None
    registration.workshop_choices = [WorkshopChoice(session_id=w.id) for w in workshops]
    db.session.add(registration)
    db.session.flush()
    try:
        if per_day:  # choose_days does nothing for an event booked as a whole
            choose_days(registration, data.get("days") or [])
    except RegistrationError:
        db.session.rollback()
        raise
    record_audit(
        "registration.create",
        registration,
        summary=f"{event.title}: {registration.full_name} ({registration.status})",
        details={"by_organiser": True, "mailed": send_mail} if by_organiser else None,
        actor=None if by_organiser else "participant",
    )
    # the mail is only queued here (rendered later by the sender), in the same transaction as the registration
    if send_mail:
        mails.PLACE_MAILS[registration.status](registration)
    outcome = RegistrationOutcome(registration, token, True, registration.status, registration.waitlist_position)
    db.session.commit()
    return outcome


def update_registration(registration: Registration, data: dict) -> None:
    """Change details, answers and workshops through the personal link (workshop capacity checked under lock)."""
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status == RegistrationStatus.CANCELLED or event.status == EventStatus.CANCELLED:
        db.session.rollback()
        raise RegistrationError("cancelled")
    if event_is_over(event):
        db.session.rollback()
        raise RegistrationError("over")
    current = {c.session_id for c in registration.workshop_choices}
    try:
        workshops = check_workshops(event, data.get("workshops") or [], keep=current)
    except RegistrationError:
        db.session.rollback()
        raise
    apply_details(registration, data)
    workshops_changed = choose_workshops(registration, workshops)
    try:
        choose_days(registration, data.get("days") or [])
    except RegistrationError:
        db.session.rollback()
        raise
    if workshops_changed:
        mails.send_workshops_changed(registration)  # with the updated invite
    record_audit("registration.update", registration, summary=registration.full_name, actor="participant")
    db.session.commit()


def choose_workshops(registration: Registration, workshops: list[EventSession]) -> bool:
    """Make these the registration's workshops (checked by check_workshops), keeping the rows of those kept;
    whether they changed (then the person's calendar entry says something new: its SEQUENCE grows)."""
    wanted = {w.id for w in workshops}
    current = {c.session_id for c in registration.workshop_choices}
    registration.workshop_choices = [c for c in registration.workshop_choices if c.session_id in wanted] + [
        WorkshopChoice(session_id=w) for w in sorted(wanted - current)
    ]
    if wanted != current:  # the invite lists the workshops: what it says now is newer (SEQUENCE)
        registration.calendar_sequence = (registration.calendar_sequence or 0) + 1
    return wanted != current
