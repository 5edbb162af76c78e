"""Deleting personal data when it is no longer needed, as the privacy consent promises.

The consent text (registration.consent) tells every registrant that their details are deleted six months after
the event, and that cancelling the registration withdraws the consent. `flask events delete-personal-data`, run
daily from cron, keeps both promises:

- six months after an event has ended, every registration of it is anonymised and its invitations are deleted;
- a cancelled registration is anonymised once CANCELLED_KEPT_DAYS have passed (time to undo a mistake, to answer
  a question about it, and for the cancellation mail to go out);
- mail in the outbox (with its attachments and .eml files) is deleted six months after it was queued.

Anonymising keeps what carries no personal data, so counts, the breakdown by region, district and kind of
organisation, workshop fill and check-in figures stay as they were: status, district, directory organisation,
workshops, check-ins, and the time and version of the consents. Proof of photo consent stays too, for as long as
photos are published. Names, e-mail address, function, typed organisation, dietary and accessibility needs and
every answer are removed; the personal link and the ticket stop working; the audit entries about the
registration lose their summary, details and IP address. Issued certificates are kept: they are the record of a
document the ministry issued and what their verification page shows; only the recipient's e-mail address, which
verification does not need, is removed from those of a deleted registration.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, or_, select, update

from events.certificates.models import Certificate
from events.core.audit import record_audit
from events.core.models import AuditEntry, OutgoingMail
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, Invitation
from events.registration.consent import PERSONAL_DATA_KEPT_MONTHS
from events.registration.models import Registration, RegistrationStatus
from events.registration.tokens import hash_token

CANCELLED_KEPT_DAYS = 30
REDACTED = "–"  # what the audit log shows instead of a deleted summary


@dataclass
class DeletionReport:
    events: list[str] = field(default_factory=list)  # titles of the events whose registrations were anonymised
    registrations: int = 0
    invitations: int = 0
    mails: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.registrations or self.invitations or self.mails)


def add_months(moment: datetime, months: int) -> datetime:
    """The same time of day `months` calendar months later (or earlier, when negative); 31 August plus six
    months is the last day of February."""
    year, month = divmod(moment.year * 12 + moment.month - 1 + months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def personal_data_deleted_after(event: Event) -> datetime:
    """When the registrations of an event become due for deletion."""
    return add_months(event.ends_at, PERSONAL_DATA_KEPT_MONTHS)


def delete_expired_personal_data(now: datetime | None = None, dry_run: bool = False) -> DeletionReport:
    """Anonymise and delete what the consent promises to delete by `now`; one transaction, safe to run again."""
    now = now or utcnow()
    cutoff = add_months(now, -PERSONAL_DATA_KEPT_MONTHS)
    report = DeletionReport()
    due_events = db.session.scalars(
        select(Event).where(Event.ends_at < cutoff, Event.personal_data_deleted_at.is_(None)).order_by(Event.ends_at)
    ).all()
    due_registrations = select(Registration.id).where(
        Registration.anonymised_at.is_(None),
        or_(
            Registration.event_id.in_([e.id for e in due_events]),
            (Registration.status == RegistrationStatus.CANCELLED)
            & (Registration.cancelled_at < now - timedelta(days=CANCELLED_KEPT_DAYS)),
        ),
    )
    ids = list(db.session.scalars(due_registrations))
    report.registrations = len(ids)
    report.events = [e.title for e in due_events]
    report.invitations = len(
        db.session.scalars(select(Invitation.id).where(Invitation.event_id.in_([e.id for e in due_events]))).all()
    )
    old_mail = select(OutgoingMail).where(OutgoingMail.created_at < cutoff, OutgoingMail.status != "queued")
    mails = db.session.scalars(old_mail).all()
    report.mails = len(mails)
    if dry_run:
        db.session.rollback()
        return report

    for registration_id in ids:
        _anonymise(registration_id, now)
    if ids:
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.object_type == "Registration", AuditEntry.object_id.in_([str(i) for i in ids]))
            .values(summary=REDACTED, details=None, ip_address=None)
        )
        db.session.execute(update(Certificate).where(Certificate.registration_id.in_(ids)).values(recipient_email=None))
    for event in due_events:
        db.session.execute(delete(Invitation).where(Invitation.event_id == event.id))
        event.personal_data_deleted_at = now
    eml_files = [mail.eml_path for mail in mails if mail.eml_path]
    for mail in mails:
        db.session.delete(mail)
    if report.anything or due_events:
        record_audit(
            "privacy.delete_personal_data",
            summary=(
                f"{report.registrations} Anmeldungen anonymisiert, {report.invitations} Einladungen und "
                f"{report.mails} E-Mails gelöscht"
            ),
            details={"events": [e.id for e in due_events], "registrations": len(ids)},
        )
    db.session.commit()
    _remove_files(eml_files)  # after the commit: a failed transaction leaves the files where they are
    return report


def _anonymise(registration_id: int, now: datetime) -> None:
    registration = db.session.get(Registration, registration_id)
    registration.first_name = ""
    registration.last_name = ""
    registration.email = ""
    registration.email_normalized = f"deleted:{registration.id}"  # unique per event, matches no address
    registration.organisation_name = None
    registration.function = None
    registration.dietary_needs = None
    registration.accessibility_needs = None
    registration.answers = {}
    registration.invitation_id = None
    registration.manage_token_hash = hash_token(secrets.token_urlsafe(32))  # the personal link stops working
    registration.link_version = (registration.link_version or 0) + 1  # and so does the personal calendar feed
    registration.ticket_version = (registration.ticket_version or 1) + 1  # and so does the ticket
    registration.anonymised_at = now


def _remove_files(names: list[str]) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    for name in names:
        path = folder / name
        if path.parent == folder:  # only files of the mail folder itself
            path.unlink(missing_ok=True)
