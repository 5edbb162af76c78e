"""Deleting personal data when it is no longer needed, as the privacy consent promises.

This package decides when; each package that holds personal data offers how it goes (registration.retention,
checkin.retention, certificates.retention, ceremonies.retention; the audit log and the mail outbox of core).
A ceremony's dates of birth, asked only for the venue's security, go once the ceremony is over.

The consent text (registration.consent) tells every registrant that their details are deleted six months after
the event, and that cancelling the registration withdraws the consent. `flask events delete-personal-data`, run
daily by the worker (privacy.tasks), keeps both promises:

- six months after an event has ended, every registration of it is anonymised and its invitations are deleted;
  for an event that was called off, CANCELLED_KEPT_DAYS after that (its registrations cannot be cancelled);
- a cancelled registration is anonymised once CANCELLED_KEPT_DAYS have passed (time to undo a mistake, to answer
  a question about it, and for the cancellation mail to go out);
- the mails about an anonymised registration are deleted with it (attachments and .eml files too), and every
  other mail six months after it was queued;
- six months after a tandem programme's period has ended, the comments on its guideline are deleted and its
  suggestions lose their author (tandems.retention says what stays).

Anonymising keeps what carries no personal data, so counts, the breakdown by region, district and kind of
organisation, workshop fill and check-in figures stay as they were: status, district, directory organisation,
workshops, check-ins, and the time and version of the consents. Proof of photo consent stays too, for as long as
photos are published. Names, e-mail address, function, typed organisation, dietary and accessibility needs and
every answer are removed; the personal link, the personal calendar feed and the ticket stop working; the audit
entries about the registration and its check-ins lose their summary, details and IP address.

Issued certificates are kept: they are the record of a document the ministry issued, and they can be verified
and printed again for as long as they are valid. So they keep what is printed on them (name, and where the
design shows them, function, organisation and district); only the recipient's e-mail address, which neither
needs, is removed from those of an anonymised registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, delete, func, or_, select

from events.ceremonies import retention as ceremony_retention
from events.certificates import retention as certificate_retention
from events.certificates.models import Certificate
from events.checkin import retention as checkin_retention
from events.core.audit import record_audit, redact_audit_entries
from events.core.models import MailStatus, OutgoingMail
from events.core.outbox import about_any
from events.core.storage import file_store
from events.core.timezone import berlin_date
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.meetings.signals import page_shown
from events.registration.consent import CANCELLED_KEPT_DAYS, PERSONAL_DATA_KEPT_MONTHS
from events.registration.models import Registration
from events.registration.retention import (
    anonymise_registrations,
    count_registrations,
    delete_invitations,
    registrations_due,
)
from events.tandems.retention import forget_discussions


@dataclass
class DeletionReport:
    events: list[str] = field(default_factory=list)  # titles of the events whose registrations were anonymised
    registrations: int = 0
    invitations: int = 0
    mails: int = 0
    tandem_comments: int = 0  # deleted (tandems.retention)
    tandem_suggestions: int = 0  # whose author was anonymised
    dates_of_birth: int = 0  # of ceremony guests, deleted once the ceremony is over (ceremonies.retention)

    @property
    def anything(self) -> bool:
        return bool(
            self.registrations
            or self.invitations
            or self.mails
            or self.tandem_comments
            or self.tandem_suggestions
            or self.dates_of_birth
        )


def add_months(moment: datetime, months: int) -> datetime:
    """The same time of day `months` calendar months later (or earlier, when negative); 31 August plus six
    months is the last day of February."""
    return moment + relativedelta(months=months)


def personal_data_deleted_after(event: Event) -> datetime:
    """When the registrations of an event become due for deletion: six months after its end, or, when it was
    called off, CANCELLED_KEPT_DAYS after that (whichever comes first; nobody can withdraw by cancelling there)."""
    due = add_months(event.ends_at, PERSONAL_DATA_KEPT_MONTHS)
    if event.status == EventStatus.CANCELLED and event.cancelled_at is not None:
        due = min(due, event.cancelled_at + timedelta(days=CANCELLED_KEPT_DAYS))
    return due


def _due_events(now: datetime) -> list[Event]:
    """Events whose registrations are due (personal_data_deleted_after is the rule; the query only narrows)."""
    narrowed = db.session.scalars(
        select(Event)
        .where(
            Event.personal_data_deleted_at.is_(None),
            or_(
                Event.ends_at < add_months(now, -PERSONAL_DATA_KEPT_MONTHS) + timedelta(days=4),  # month ends
                Event.cancelled_at <= now - timedelta(days=CANCELLED_KEPT_DAYS),
            ),
        )
        .order_by(Event.ends_at)
    )
    return [event for event in narrowed if personal_data_deleted_after(event) <= now]


def _mails_due(registration_ids, now: datetime):
    """Mails about the anonymised registrations and their certificates, and every mail sent (or given up) six
    months ago."""
    old = and_(
        OutgoingMail.created_at < add_months(now, -PERSONAL_DATA_KEPT_MONTHS), OutgoingMail.status != MailStatus.QUEUED
    )
    certificates = select(Certificate.id).where(Certificate.registration_id.in_(registration_ids))
    return or_(about_any("registration", registration_ids), about_any("certificate", certificates), old)


def delete_expired_personal_data(now: datetime | None = None, dry_run: bool = False) -> DeletionReport:
    """Anonymise and delete what the consent promises to delete by `now`; one transaction, safe to run again."""
    now = now or utcnow()
    due_events = _due_events(now)
    event_ids = [event.id for event in due_events]
    report = DeletionReport(events=[event.title for event in due_events])
    due = registrations_due(event_ids, now)
    tandems = forget_discussions(berlin_date(add_months(now, -PERSONAL_DATA_KEPT_MONTHS)), dry_run=dry_run)
    report.tandem_comments, report.tandem_suggestions = tandems.comments, tandems.suggestions
    report.dates_of_birth = ceremony_retention.forget_dates_of_birth(now, dry_run=dry_run)
    if dry_run:
        report.registrations = count_registrations(due)
        report.invitations = delete_invitations(event_ids, dry_run=True)
        ids = select(Registration.id).where(due)
        report.mails = db.session.scalar(select(func.count(OutgoingMail.id)).where(_mails_due(ids, now)))
        db.session.rollback()
        return report

    ids = anonymise_registrations(due, now)
    report.registrations = len(ids)
    if ids:
        redact_audit_entries("Registration", ids)
        checkin_retention.forget_registrations(ids)
        certificate_retention.forget_registrations(ids)
    ceremony_retention.forget_guests(event_ids)
    report.invitations = delete_invitations(event_ids)
    mails = db.session.execute(select(OutgoingMail.id, OutgoingMail.eml_path).where(_mails_due(ids, now))).all()
    report.mails = len(mails)
    # attachments go with their mail (ON DELETE CASCADE)
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.id.in_([mail_id for mail_id, _path in mails])))
    for event in due_events:
        event.personal_data_deleted_at = now
    if report.anything or due_events:
        record_audit(
            "privacy.delete_personal_data",
            summary=(
                f"{report.registrations} Anmeldungen anonymisiert, {report.invitations} Einladungen und "
                f"{report.mails} E-Mails gelöscht, {report.tandem_comments} Tandem-Kommentare gelöscht, "
                f"{report.dates_of_birth} Geburtsdaten gelöscht"
            ),
            details={
                "events": event_ids,
                "registrations": len(ids),
                "tandem_suggestions": report.tandem_suggestions,
                "dates_of_birth": report.dates_of_birth,
            },
        )
    db.session.commit()
    _remove_files([path for _mail_id, path in mails if path])  # after the commit: a failed one leaves the files
    return report


def _remove_files(names: list[str]) -> None:
    file_store().delete("mail", names)


@page_shown.connect_via("detail")
def _when_personal_data_goes(_page, event: Event) -> dict:
    """The organiser's page of an event says when its registrations' personal data is deleted."""
    due = personal_data_deleted_after(event)
    # and why then: six months after it, or (called off) CANCELLED_KEPT_DAYS after the cancellation
    return {"deletion_due": due, "deleted_for_cancellation": due < add_months(event.ends_at, PERSONAL_DATA_KEPT_MONTHS)}
