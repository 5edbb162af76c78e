"""A winner who withdraws after the release gives up their place at the ceremony: the entry on the guest list goes
(with their guests and seats), the registration is cancelled (its places go to those waiting), the invitation link
stops working, and they are told why, in their language. Someone admitted at the door already keeps their entry;
the organisers see the withdrawal on the ceremony's page either way (awards.decisions.winners_withdrawn_after_release).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from events.ceremonies.models import Guest, GuestKind
from events.ceremonies.rules import guest_list_is_open
from events.checkin.models import CheckIn
from events.checkin.rules import admitted
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.languages import force_language
from events.core.outbox import about, queue_templated_mail
from events.extensions import db
from events.meetings.models import Event
from events.registration.cancelling import cancel_registration
from events.registration.errors import RegistrationError
from events.registration.invitations import standing_registration_of
from events.registration.invites import invite_attachment
from events.registration.models import Invitation, Registration


def cancel_withdrawn_winner(nomination) -> int:
    """Take the winner of a nomination withdrawn after the release off the guest list of every ceremony still to
    come. Commits; returns how many entries were cancelled."""
    guest_ids = db.session.scalars(
        select(Guest.id).where(Guest.nomination_id == nomination.id, Guest.kind == GuestKind.WINNER)
    ).all()
    project = nomination.project_name
    return sum(_cancel_entry(guest_id, project) for guest_id in guest_ids)


def _standing_registration(guest: Guest) -> Registration | None:
    invitation = db.session.get(Invitation, guest.invitation_id) if guest.invitation_id else None
    return standing_registration_of(invitation) if invitation is not None else None


def _was_admitted(registration: Registration) -> bool:
    return (
        db.session.scalar(
            select(CheckIn.id)
            .where(admitted(registration.event_id), CheckIn.registration_id == registration.id)
            .limit(1)
        )
        is not None
    )


def _cancel_entry(guest_id: int, project: str) -> bool:
    guest = db.session.get(Guest, guest_id)
    if guest is None:  # taken off by another request meanwhile
        return False
    event_id, registration = guest.ceremony.event_id, _standing_registration(guest)
    if not guest_list_is_open(guest.ceremony) or (registration is not None and _was_admitted(registration)):
        db.session.commit()  # over, or in the hall already: the entry stays (the organisers see the withdrawal)
        return False
    sequence = None
    if registration is not None:
        try:  # its places (and the guests') go to those waiting; the person hears from us below, not twice
            cancel_registration(registration, by_participant=False, tell=False)
            sequence = db.session.get(Registration, registration.id).calendar_sequence
        except RegistrationError:
            db.session.rollback()  # cancelled meanwhile, or the event called off: nothing left to cancel
            registration = None
    event = lock_row(Event, event_id)
    guest = db.session.get(Guest, guest_id)  # read again under the lock
    if guest is None:
        db.session.commit()
        return False
    if guest.email:
        _tell(guest, event, project, registration, sequence)
    if guest.invitation_id is not None:  # the link registers nobody any more
        db.session.execute(delete(Invitation).where(Invitation.id == guest.invitation_id))
    record_audit("ceremony.winner_withdrawn", event, summary=f"{event.title}: Gast {guest.id} ({project})"[:500])
    db.session.execute(delete(Guest).where(Guest.id == guest.id))  # with their guests and seats (ON DELETE CASCADE)
    db.session.commit()
    return True


def _tell(guest: Guest, event: Event, project: str, registration: Registration | None, sequence) -> None:
    attachments = [invite_attachment(registration, "CANCEL", sequence)] if registration is not None else None
    with force_language(guest.language or "de"):
        queue_templated_mail(
            guest.email,
            "ceremonies/invitation_withdrawn",
            topic="ceremonies.invitation_withdrawn",
            about=about("registration", registration.id) if registration is not None else None,
            name=guest.full_name,
            project=project,
            event=event,
            registered=registration is not None,
            reply_to=event.contact_email,
            attachments=attachments,
        )
