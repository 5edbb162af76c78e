"""Invitations to an event: personal links for invitees, from a file or from any list of people; sent again on
request. What became of each invitation is in invitation_list."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.meetings.rules import registration_window_state
from events.registration.errors import InvitationError
from events.registration.invitation_list import invitation_registrations
from events.registration.invitee_file import read_invitee_file
from events.registration.mails import send_invitation
from events.registration.models import Invitation, Registration, RegistrationStatus
from events.registration.tokens import hash_token


@dataclass
class InvitationImport:
    created: int = 0
    skipped: int = 0  # already invited
    # (line number, problem): problem is one of INVITATION_FILE_PROBLEMS; line 1 is the header line
    errors: list[tuple[int, str]] = field(default_factory=list)


class Invitee(NamedTuple):
    """A person to invite: what an invitation keeps of them."""

    email: str
    first_name: str = ""
    last_name: str = ""
    organisation: str | None = None
    language: str | None = None  # the invitation mail's language when known (a winner's); else the first language


# an ASCII part before the @ (as the forms ask, core.forms.has_ascii_local_part): a mail to zoë@... gets lost
EMAIL_PATTERN = re.compile(r"^[\x21-\x3f\x41-\x7e]+@[^@\s]+\.[^@\s]+$")
# The longest name and organisation an invitation keeps (its columns).
INVITEE_LIMITS = (("first_name", 100), ("last_name", 100), ("organisation", 200))


def invitation_refusal(event: Event) -> str | None:
    """Why the event sends no invitations now, or None: a draft ("draft": its link would lead nowhere yet), a
    cancelled event ("cancelled"), or one whose registration has closed or that is over ("registration_over": the
    link would only lead to "registration closed"). Import and sending again both follow it."""
    if event.status != EventStatus.PUBLISHED:
        return event.status
    if registration_window_state(event) in ("closed", "over"):
        return "registration_over"
    return None


def import_invitations(event: Event, raw: bytes) -> InvitationImport:
    """Read invitees from CSV (email, first_name, last_name, organisation) and mail each a personal link.

    Nothing is written when any line is wrong: the organiser fixes the file and uploads it again. An event that
    sends no invitations now (invitation_refusal) raises InvitationError with the reason.
    """
    refusal = invitation_refusal(event)
    if refusal:
        raise InvitationError(refusal)
    rows, errors = read_invitee_file(raw)
    result = InvitationImport(errors=errors)
    if result.errors and not rows:
        return result
    invitees = [
        (
            number,
            Invitee(row.get("email", ""), row.get("first_name", ""), row.get("last_name", ""), row.get("organisation")),
        )
        for number, row in rows
    ]
    return _invite(event, invitees, result)


def invite_people(event: Event, people) -> InvitationImport:
    """Invite these people (Invitee values, or anything with email, first_name, last_name and organisation) and mail
    each a personal link; addresses invited before are skipped. All or nothing: when one is not fit to invite (an
    address that is none, a name too long), nobody is, and result.errors names them by their place in `people`
    (1 for the first) with the problem ("email", "too_long"). Refused (InvitationError) as import_invitations is.
    """
    refusal = invitation_refusal(event)
    if refusal:
        raise InvitationError(refusal)
    invitees = [
        (
            number,
            Invitee(
                person.email or "",
                person.first_name or "",
                person.last_name or "",
                person.organisation,
                getattr(person, "language", None),
            ),
        )
        for number, person in enumerate(people, start=1)
    ]
    return _invite(event, invitees, InvitationImport())


def _invite(event: Event, invitees: list[tuple[int, Invitee]], result: InvitationImport) -> InvitationImport:
    """Check and invite numbered invitees (see import_invitations); problems are added to result.errors."""
    existing = set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == event.id)))
    pending: list[tuple[Invitation, str, str | None]] = []
    for number, invitee in invitees:
        email = invitee.email.strip().lower()
        if len(email) > 254 or not EMAIL_PATTERN.match(email):
            result.errors.append((number, "email"))
            continue
        if any(len(getattr(invitee, name) or "") > limit for name, limit in INVITEE_LIMITS):
            result.errors.append((number, "too_long"))
            continue
        if email in existing:
            result.skipped += 1
            continue
        existing.add(email)
        token = secrets.token_urlsafe(16)
        invitation = Invitation(
            event=event,
            email=email,
            first_name=invitee.first_name,
            last_name=invitee.last_name,
            organisation_name=invitee.organisation or None,
            token_hash=hash_token(token),
        )
        pending.append((invitation, token, invitee.language))
    if result.errors:
        db.session.rollback()  # the invitations built above joined the session with their event
        result.errors.sort()
        return result
    for invitation, token, language in pending:
        invitation.sent_at = utcnow()  # the mail is queued with it, in the same transaction
        db.session.add(invitation)
        send_invitation(invitation, token, language)
        result.created += 1
    record_audit("event.invitations", event, summary=f"{result.created} invited, {result.skipped} already invited")
    db.session.commit()
    return result


def invitation_for(event: Event, token: str | None) -> Invitation | None:
    if not token:
        return None
    return db.session.scalars(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.token_hash == hash_token(token))
    ).first()


def standing_registration_of(invitation: Invitation) -> Registration | None:
    """The registration made with this invitation, unless it was cancelled (the link then registers anew)."""
    return db.session.scalars(
        select(Registration).where(
            Registration.invitation_id == invitation.id, Registration.status != RegistrationStatus.CANCELLED
        )
    ).first()


def invitation_version(invitation: Invitation) -> str:
    """Names the link an invitation was last sent with, for the resend button: a second click (or a form sent
    again from the browser's history) names a link that was replaced already and sends nothing."""
    return invitation.token_hash[:16]


def resend_invitation(invitation: Invitation, version: str | None = None) -> None:
    """Send an invitee who has not registered a new personal link; the link sent before stops working.

    The link is only stored as a hash, so the old one cannot be sent again: a new token replaces it. Refused
    (InvitationError) as import_invitations refuses (invitation_refusal), and
    for an invitee who has registered ("registered", also when they have cancelled since: their link still
    leads to their registration); with `version` (invitation_version as the organiser saw it) also when the
    invitation was sent again since ("sent_again"). The event row is locked, as registering locks it, so a
    registration made at the same moment is seen.
    """
    event = lock_row(Event, invitation.event_id)
    invitation = db.session.get(Invitation, invitation.id)  # read again under the lock
    refusal = invitation_refusal(event)
    if refusal is None and invitation_registrations([invitation]):
        refusal = "registered"
    elif refusal is None and version is not None and version != invitation_version(invitation):
        refusal = "sent_again"
    if refusal:
        db.session.rollback()  # lets go of the lock
        raise InvitationError(refusal, email=invitation.email)
    token = secrets.token_urlsafe(16)
    invitation.token_hash = hash_token(token)
    invitation.sent_at = utcnow()  # the mail is queued with it, in the same transaction
    send_invitation(invitation, token)
    # the invitee is named by the invitation's id only: the audit log outlives the invitation (retention)
    record_audit(
        "event.invitation_resent",
        event,
        summary=f"{event.title}: Einladung {invitation.id} erneut verschickt",
        details={"invitation": invitation.id},
    )
    db.session.commit()
